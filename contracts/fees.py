"""The early-termination fee: pure arithmetic, no database (property-tested with hypothesis).

Remaining months count from the cancellation day to the contract's end date, a started month
counting whole; on or after the end date nothing remains and no fee is due. Every amount here is
before VAT: the fee's VAT is added once, on its invoice line (docs/billing.md).
"""

import calendar
from datetime import date
from decimal import Decimal

from ispbill.core.money import ZERO, to_money

FIXED, PER_MONTH, PERCENT, NONE = "fixed", "per_month", "percent", "none"


def add_months(day: date, months: int) -> date:
    """`day` moved by `months`, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def remaining_months(*, on: date, end: date) -> int:
    if on >= end:
        return 0
    months = (end.year - on.year) * 12 + (end.month - on.month)
    if end.day > on.day:
        months += 1  # a started month counts whole
    return max(months, 1)


def termination_fee(*, kind: str, value: Decimal, monthly_net: Decimal, on: date, end: date) -> Decimal:
    """What cancelling on `on` costs before VAT: fixed amount, remaining months × rate, or `value`
    percent of the remaining value (remaining months × the monthly price before VAT). Zero when the
    term is over."""
    months = remaining_months(on=on, end=end)
    if months == 0 or kind == NONE:
        return ZERO
    value = Decimal(value)
    if kind == FIXED:
        return to_money(value)
    if kind == PER_MONTH:
        return to_money(value * months)
    if kind == PERCENT:
        return to_money(Decimal(monthly_net) * months * value / Decimal(100))
    raise ValueError(f"unknown fee kind {kind!r}")
