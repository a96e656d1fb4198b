"""Money: Decimal with two places, rounded half-up, formatted in the ISP's currency."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def MoneyField(**kwargs) -> models.DecimalField:  # noqa: N802 - reads like a field class
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def to_money(value) -> Decimal:
    """Any int/str/Decimal as money, half-up at the cent. Floats are refused: they already lost the cent."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a str or Decimal")
    try:
        amount = Decimal(value)
        if not amount.is_finite():  # NaN, sNaN, Infinity: not money, and NaN compares with nothing
            raise InvalidOperation
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


def _group(digits: str, grouping: str) -> str:
    if grouping == "south_asian" and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        if head:
            pairs.insert(0, head)
        return ",".join(pairs + [tail])
    return f"{int(digits):,}"


def format_money(value, *, symbol: bool = True, grouping: str | None = None) -> str:
    """`৳12,34,567.50` (south-asian grouping) or `৳1,234,567.50` (international)."""
    amount = to_money(value)
    grouping = grouping or settings.MONEY_GROUPING
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    text = f"{_group(units, grouping)}.{cents}"
    prefix = settings.CURRENCY_SYMBOL if symbol else ""
    return f"{sign}{prefix}{text}"
