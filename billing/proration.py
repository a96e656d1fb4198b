"""Proration by actual days, exact to the paisa.

A price for a run of days inside a period is cumulative: the share of the days up to the run's end,
minus the share of the days before it, each rounded half-up at the cent. So however a period is
cut (activation, package changes, cancellation), its pieces add up to the full price exactly, and
the share of a later, shorter tail is never more than an earlier, longer one.

Use-case functions take non-negative prices and return non-negative amounts; the caller decides
which is a charge and which a credit. `prorate`, `split_amount` and `amount_for_days` accept
negative amounts and return the mirror image of the positive result.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from billing.cents import from_cents, round_half_up, to_cents
from ispbill.core.money import ZERO
from ispbill.core.periods import Period

ONE_DAY = timedelta(days=1)


class PackageChangeAmounts(NamedTuple):
    """What a mid-period package change credits (old package, unused days) and charges (new package, remaining days)."""

    credit: Decimal
    charge: Decimal


def prorate(amount: Decimal | int | str, *, used_days: int, period_days: int) -> Decimal:
    """`amount` × used_days / period_days, rounded half-up at the cent."""
    _check_days(period_days, "period_days", minimum=1)
    _check_days(used_days, "used_days", minimum=0)
    if used_days > period_days:
        raise ValueError(f"used_days ({used_days}) exceeds period_days ({period_days})")
    return from_cents(_share(to_cents(amount), used_days, period_days))


def split_amount(amount: Decimal | int | str, parts_days: Sequence[int]) -> list[Decimal]:
    """Split `amount` over consecutive parts of a period by their days; the parts add up to `amount` exactly."""
    if not parts_days:
        raise ValueError("parts_days must list at least one part")
    for days in parts_days:
        _check_days(days, "each part's days", minimum=0)
    total_days = sum(parts_days)
    if total_days == 0:
        raise ValueError("the parts must cover at least one day")
    cents = to_cents(amount)
    parts: list[Decimal] = []
    days_so_far = 0
    for days in parts_days:
        before = _share(cents, days_so_far, total_days)
        days_so_far += days
        parts.append(from_cents(_share(cents, days_so_far, total_days) - before))
    return parts


def amount_for_days(price: Decimal | int | str, *, period: Period, first_day: date, last_day: date) -> Decimal:
    """The share of full-period `price` for `first_day`..`last_day` (inclusive); adjacent runs tile exactly."""
    if first_day not in period or last_day not in period:
        raise ValueError(f"{first_day}..{last_day} is not inside the period {period.start}..{period.end}")
    if last_day < first_day:
        raise ValueError(f"last_day ({last_day}) is before first_day ({first_day})")
    cents = to_cents(price)
    days_before = (first_day - period.start).days
    days_through = (last_day - period.start).days + 1
    return from_cents(_share(cents, days_through, period.days) - _share(cents, days_before, period.days))


def activation_charge(*, price: Decimal | int | str, period: Period, activation_day: date) -> Decimal:
    """What the first invoice charges when service starts on `activation_day`, through the period's end."""
    _check_price(price, "price")
    return amount_for_days(price, period=period, first_day=activation_day, last_day=period.end)


def package_change_amounts(
    *,
    old_price: Decimal | int | str,
    new_price: Decimal | int | str,
    period: Period,
    change_day: date,
    old_period_paid: bool,
) -> PackageChangeAmounts:
    """Old package's days from `change_day` on, credited only if paid; the new package's same days, charged."""
    _check_price(old_price, "old_price")
    _check_price(new_price, "new_price")
    if change_day not in period:
        raise ValueError(f"change_day {change_day} is not inside the period {period.start}..{period.end}")
    charge = amount_for_days(new_price, period=period, first_day=change_day, last_day=period.end)
    credit = ZERO
    if old_period_paid:
        credit = amount_for_days(old_price, period=period, first_day=change_day, last_day=period.end)
    return PackageChangeAmounts(credit=credit, charge=charge)


def cancellation_credit(*, price: Decimal | int | str, period: Period, last_day: date, paid: bool) -> Decimal:
    """Credit for the paid days after `last_day`, the last day of service (day before the period = all of it)."""
    _check_price(price, "price")
    if not period.start - ONE_DAY <= last_day <= period.end:
        raise ValueError(f"last_day {last_day} is neither in {period.start}..{period.end} nor the day before it")
    if not paid or last_day == period.end:
        return ZERO
    return amount_for_days(price, period=period, first_day=last_day + ONE_DAY, last_day=period.end)


def _share(cents: int, days: int, period_days: int) -> int:
    return round_half_up(Fraction(cents * days, period_days))


def _check_days(days: int, name: str, *, minimum: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < minimum:
        raise ValueError(f"{name} must be a whole number of days, at least {minimum}; got {days!r}")


def _check_price(price: Decimal | int | str, name: str) -> None:
    if to_cents(price) < 0:
        raise ValueError(f"{name} must not be negative; got {price!r}")
