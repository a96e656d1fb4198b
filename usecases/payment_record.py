"""Money a customer paid, recorded (payments: the receipt, the ledger, reactivation, the message) and
the commission it earns the customer's reseller, in one transaction."""

from __future__ import annotations

from django.db import transaction

from payments import services as payment_services
from payments.models import Payment
from resellers.commissions import commission_on_payment


@transaction.atomic
def payment_record(*, actor, **payment) -> Payment:
    """`payments.services.payment_record`'s arguments. The same idempotency key twice answers with the
    first payment; its commission accrues once (one accrual per payment)."""
    recorded = payment_services.payment_record(actor=actor, **payment)
    commission_on_payment(actor=actor, payment=recorded)
    return recorded
