"""Money a customer paid, recorded (payments: the receipt, the ledger, reactivation, the message) and
the commission it earns the customer's reseller, in one transaction."""

from __future__ import annotations

from django.db import transaction

from payments import services as payment_services
from payments.models import Payment
from resellers.commissions import commission_on_payment, commission_on_payments


@transaction.atomic
def payment_record(*, actor, **payment) -> Payment:
    """`payments.services.payment_ledger_record`'s arguments. The same idempotency key twice answers with the
    first payment; its commission accrues once (one accrual per payment)."""
    recorded = payment_services.payment_ledger_record(actor=actor, **payment)
    commission_on_payment(actor=actor, payment=recorded)
    return recorded


@transaction.atomic(savepoint=False)  # as payments.services.payments_ledger_record_many, for the same reason
def payments_record_many(
    *, drafts: list[payment_services.PaymentDraft], confirm_large: bool = False, announce: bool = True,
) -> list[Payment]:
    """`payment_record` for many customers at once (at most one payment each), set-based
    (`payments.services.payments_ledger_record_many`, whose `announce` this passes on), with each one's
    commission as `payment_record` accrues it."""
    recorded = payment_services.payments_ledger_record_many(drafts=drafts, confirm_large=confirm_large, announce=announce)
    actors = list({id(draft.actor): draft.actor for draft in drafts}.values())
    for actor in actors:  # one call per actor, as the resellers are read once a call (not once a payment)
        commission_on_payments(actor=actor, payments=[payment for draft, payment in zip(drafts, recorded) if draft.actor is actor])
    return recorded
