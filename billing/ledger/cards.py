"""Prepaid Wi-Fi cards sold online to visitors: the ledger module's sibling for that money.

The only writer of `billing.CardSale` (tests/money_guard.py lists the table). A visitor at a Wi-Fi zone
has no account and no wallet: what the gateway took for one card is recorded as one append-only sale
row, under the gateway payment's idempotency key, inside the caller's transaction (RuntimeError
otherwise), exactly once however many callbacks, re-queries and credit tasks arrive.

API
- `card_sale_post(amount=, fee=, fee_passed=, method=, reference=, received_at=, idempotency_key=, memo=)`
  → `(sale, created)`: the sale recorded now, or the one recorded before under the same key (then
  `created` is False and nothing is written).
- `card_sale_refund_post(sale=, reference=, refunded_at=, idempotency_key=, memo=)` → `(refund, created)`:
  the sale given back whole (the gateway made the refund); once per sale.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing.models import CardSale, CardSaleRefund
from ispbill.core.money import ZERO, to_money

from .journal import card_refund_journal, card_sale_journal


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} must run inside transaction.atomic")


def card_sale_post(*, amount, fee=ZERO, fee_passed: bool = False, method: str, reference: str = "",
                   received_at: datetime, idempotency_key: str, memo: str = "") -> tuple[CardSale, bool]:
    """One card's money, paid online. `amount` > 0 is what the visitor paid; a fee passed on is inside it
    and is not revenue (`price` = amount − fee passed on)."""
    _require_atomic("card_sale_post")
    amount, fee = to_money(amount), to_money(fee)
    if not idempotency_key:
        raise ValueError("a card sale needs its idempotency key")
    existing = CardSale.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    price = amount - fee if fee_passed else amount
    if amount <= ZERO or fee < ZERO or price <= Decimal("0.00"):
        raise ValidationError(_("A card sale must bring in more than zero."))
    try:
        with transaction.atomic():
            sale = CardSale.objects.create(
                amount=amount, price=price, fee=fee, fee_passed=fee_passed, method=method[:16], reference=reference[:100],
                idempotency_key=idempotency_key[:64], received_at=received_at, memo=(memo or "").strip()[:255],
            )
            card_sale_journal(sale=sale)
    except IntegrityError:  # a concurrent writer recorded it first: that one is the sale
        return CardSale.objects.get(idempotency_key=idempotency_key), False
    return sale, True


def card_sale_refund_post(*, sale: CardSale, reference: str = "", refunded_at: datetime, idempotency_key: str,
                          memo: str = "") -> tuple[CardSaleRefund, bool]:
    """The whole sale given back: `amount` = what the visitor paid, `price` = the revenue it takes back.
    A sale is refunded once; a second call (a lost answer resolved later, a retry) returns the first."""
    _require_atomic("card_sale_refund_post")
    if not idempotency_key:
        raise ValueError("a card sale refund needs its idempotency key")
    sale = CardSale.objects.select_for_update().get(pk=sale.pk)
    existing = CardSaleRefund.objects.filter(sale=sale).first()
    if existing is not None:
        return existing, False
    refund = CardSaleRefund.objects.create(
        sale=sale, amount=sale.amount, price=sale.price, reference=reference[:100], idempotency_key=idempotency_key[:64],
        refunded_at=refunded_at, memo=(memo or "").strip()[:255],
    )
    card_refund_journal(refund=refund)
    return refund, True
