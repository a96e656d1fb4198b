"""Recharge by card: a prepaid Wi-Fi card tops up a regular customer's account instead of being used at a
hotspot (docs/vouchers.md, "Recharge by card"). The card is claimed under its row lock, the customer is
credited the card's printed price as a payment (method "Prepaid card", through the ledger like any
payment: it pays open invoices, the rest waits as credit, a suspension for non-payment is lifted once
nothing is overdue), and the card ends used up, noted as redeemed onto that customer — one transaction.

A code redeemed twice at once is credited once: the second transaction waits on the card's lock, then
finds it used up (and the payment's idempotency key, one per card, would refuse a second payment anyway).
How the money counts (once, as the customer's payment; not again as card revenue): docs/metrics.md."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from payments.models import Payment
from usecases.payment_record import payment_record
from vouchers import services as voucher_services
from vouchers.models import format_serial

RECHARGEABLE = (Customer.Status.PENDING, Customer.Status.ACTIVE, Customer.Status.SUSPENDED)


@transaction.atomic
def card_recharge(*, actor, customer: Customer, code: str, channel: str = "portal") -> Payment:
    """Redeem the card with `code` onto `customer`'s account; the payment it made. ValidationError
    ({"code": …}) when the card cannot be used or the account is closed; nothing changes then."""
    if customer.status not in RECHARGEABLE:
        raise ValidationError({"code": _("This account is closed: a card cannot recharge it.")})
    card = voucher_services.card_claim_for_recharge(code=code)
    serial = format_serial(card.serial)
    payment = payment_record(
        actor=actor, customer=customer, amount=card.batch.unit_price, method=Payment.Method.PREPAID_CARD,
        reference=f"CARD-{serial}", idempotency_key=f"voucher-card-{card.pk}",
        note=_("Prepaid card %(serial)s (%(channel)s)") % {"serial": serial, "channel": channel},
    )
    voucher_services.card_mark_redeemed(actor=actor, card=card, customer=customer, payment=payment, at=payment.received_at)
    return payment
