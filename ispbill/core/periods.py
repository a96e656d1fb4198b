"""Billing periods (calendar arithmetic shared by billing and the usage caps of network): where a subscription's cycle starts and ends, given its anchor day and cycle length.

A period starts on the anchor day of a cycle month and ends the day before the next one starts.
An anchor day past a month's end falls on that month's last day, and the anchor itself is kept:
anchor 31 gives 31 Jan, 28 Feb, 31 Mar, 30 Apr, ... never drifting to the 28th.

Which months start a cycle: those `months` apart from `anchor_month` (default January, so
quarterly periods follow calendar quarters). Anniversary billing passes the activation's day
and month: `anchor_day=activated.day, anchor_month=activated.month`.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DEFAULT_ANCHOR_DAYS: tuple[int, ...] = (1, 5, 25, 30)

# Keyed by customers.models.Package.Cycle values; a test keeps the two in step.
CYCLE_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12}

_CYCLE_LENGTHS = (1, 2, 3, 4, 6, 12)  # the ones that divide a year, so cycle months repeat every year


def _require_date(value: date, name: str) -> None:
    # A datetime is a date subclass; its UTC .date() is yesterday in Dhaka for the first six hours of each day.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a local date, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive run of billing days, `start` through `end`."""

    start: date
    end: date

    def __post_init__(self) -> None:
        _require_date(self.start, "start")
        _require_date(self.end, "end")
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and not isinstance(day, datetime) and self.start <= day <= self.end


def months_for_cycle(cycle: str) -> int:
    """Cycle length in months for a Package.Cycle value ("monthly" → 1, "quarterly" → 3, "annual" → 12)."""
    try:
        return CYCLE_MONTHS[cycle]
    except KeyError:
        raise ValueError(f"unknown billing cycle {cycle!r}; expected one of {sorted(CYCLE_MONTHS)}") from None


def anchor_date(year: int, month: int, *, anchor_day: int) -> date:
    """The anchor day in that month, or the month's last day when the month is shorter."""
    _check_anchor_day(anchor_day)
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def period_containing(day: date, *, anchor_day: int, months: int, anchor_month: int = 1) -> Period:
    """The billing period that contains `day`."""
    _require_date(day, "day")
    _check_cycle(anchor_day=anchor_day, months=months, anchor_month=anchor_month)
    index = day.year * 12 + day.month - 1
    start_index = index - (index - (anchor_month - 1)) % months
    if _anchor_at(start_index, anchor_day) > day:
        start_index -= months
    return Period(
        start=_anchor_at(start_index, anchor_day),
        end=_anchor_at(start_index + months, anchor_day) - timedelta(days=1),
    )


def next_period(period: Period, *, anchor_day: int, months: int, anchor_month: int = 1) -> Period:
    """The billing period that starts the day after `period` ends (after a partial first period, the first full one)."""
    return period_containing(
        period.end + timedelta(days=1), anchor_day=anchor_day, months=months, anchor_month=anchor_month
    )


def periods_between(
    first_day: date, last_day: date, *, anchor_day: int, months: int, anchor_month: int = 1
) -> list[Period]:
    """The whole billing periods that overlap `first_day`..`last_day` (inclusive), in order."""
    _require_date(first_day, "first_day")
    _require_date(last_day, "last_day")
    if last_day < first_day:
        raise ValueError(f"last_day ({last_day}) is before first_day ({first_day})")
    period = period_containing(first_day, anchor_day=anchor_day, months=months, anchor_month=anchor_month)
    periods = [period]
    while period.end < last_day:
        period = next_period(period, anchor_day=anchor_day, months=months, anchor_month=anchor_month)
        periods.append(period)
    return periods


def _anchor_at(month_index: int, anchor_day: int) -> date:
    year, month_zero_based = divmod(month_index, 12)
    return anchor_date(year, month_zero_based + 1, anchor_day=anchor_day)


def _check_anchor_day(anchor_day: int) -> None:
    if isinstance(anchor_day, bool) or not isinstance(anchor_day, int) or not 1 <= anchor_day <= 31:
        raise ValueError(f"anchor_day must be a day of the month, 1 to 31; got {anchor_day!r}")


def _check_cycle(*, anchor_day: int, months: int, anchor_month: int) -> None:
    _check_anchor_day(anchor_day)
    if isinstance(months, bool) or not isinstance(months, int) or months not in _CYCLE_LENGTHS:
        raise ValueError(f"months must be one of {_CYCLE_LENGTHS}; got {months!r}")
    if isinstance(anchor_month, bool) or not isinstance(anchor_month, int) or not 1 <= anchor_month <= 12:
        raise ValueError(f"anchor_month must be 1 to 12; got {anchor_month!r}")
