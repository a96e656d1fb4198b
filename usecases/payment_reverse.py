"""A mistaken payment undone (payments: the reversing entries, the referral credit it earned) and the
reseller's commission on it clawed back, in one transaction."""

from __future__ import annotations

from django.db import transaction

from payments import services as payment_services
from payments.models import Payment
from resellers.commissions import commission_on_reversal


@transaction.atomic
def payment_reverse(*, actor, payment: Payment, reason: str) -> Payment:
    reversed_payment = payment_services.payment_ledger_reverse(actor=actor, payment=payment, reason=reason)
    commission_on_reversal(actor=actor, payment=reversed_payment)
    return reversed_payment
