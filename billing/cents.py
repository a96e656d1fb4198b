"""Exact money arithmetic in whole cents (paisa): no float, no intermediate rounding, half-up at the end."""

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ispbill.core.money import CENT


def to_cents(amount: Decimal | int | str) -> int:
    """An amount of money as a whole number of cents; sub-cent or non-money input is a ValueError."""
    if isinstance(amount, float | bool):
        raise TypeError(f"money must be a Decimal, int or str, not {type(amount).__name__}")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount of money: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {amount!r}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount!r} is not a whole number of cents; round it with to_money first")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Whole cents back to a two-place Decimal."""
    return Decimal(cents) * CENT


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves away from zero, so that a negative amount rounds as its mirror image."""
    magnitude = abs(value)
    rounded = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return -rounded if value < 0 else rounded


def exact_fraction(value: Decimal | int | str) -> Fraction:
    """A rate or ratio given as Decimal/int/str, exactly; floats are refused for the same reason as in money."""
    if isinstance(value, float | bool):
        raise TypeError(f"pass a Decimal, int or str, not {type(value).__name__}")
    try:
        decimal = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not decimal.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(decimal)
