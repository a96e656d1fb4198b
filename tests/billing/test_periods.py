from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.models import Package
from ispbill.core.periods import (
    CYCLE_MONTHS,
    Period,
    anchor_date,
    months_for_cycle,
    next_period,
    period_containing,
    periods_between,
)

ONE_DAY = timedelta(days=1)


def starts_of_year(year: int, *, anchor_day: int) -> list[date]:
    periods = periods_between(date(year, 1, 1), date(year, 12, 31), anchor_day=anchor_day, months=1)
    return [period.start for period in periods]


def test_anchor_31_lands_on_each_month_end_of_a_non_leap_year_and_returns_to_31():
    assert starts_of_year(2027, anchor_day=31) == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
        date(2027, 7, 31),
        date(2027, 8, 31),
        date(2027, 9, 30),
        date(2027, 10, 31),
        date(2027, 11, 30),
        date(2027, 12, 31),
    ]


def test_anchor_31_lands_on_29_february_in_a_leap_year():
    assert starts_of_year(2028, anchor_day=31) == [
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
        date(2028, 5, 31),
        date(2028, 6, 30),
        date(2028, 7, 31),
        date(2028, 8, 31),
        date(2028, 9, 30),
        date(2028, 10, 31),
        date(2028, 11, 30),
        date(2028, 12, 31),
    ]


def test_anchor_31_periods_end_the_day_before_the_next_clamped_anchor():
    january = period_containing(date(2027, 2, 10), anchor_day=31, months=1)
    assert january == Period(date(2027, 1, 31), date(2027, 2, 27))
    assert january.days == 28
    february = next_period(january, anchor_day=31, months=1)
    assert february == Period(date(2027, 2, 28), date(2027, 3, 30))
    assert february.days == 31
    assert next_period(february, anchor_day=31, months=1).start == date(2027, 3, 31)


def test_anchor_30_in_february_of_a_common_and_a_leap_year():
    assert period_containing(date(2027, 2, 15), anchor_day=30, months=1) == Period(date(2027, 1, 30), date(2027, 2, 27))
    assert period_containing(date(2027, 2, 28), anchor_day=30, months=1) == Period(date(2027, 2, 28), date(2027, 3, 29))
    assert period_containing(date(2028, 2, 28), anchor_day=30, months=1) == Period(date(2028, 1, 30), date(2028, 2, 28))
    assert period_containing(date(2028, 2, 29), anchor_day=30, months=1) == Period(date(2028, 2, 29), date(2028, 3, 29))


def test_anchor_29_is_29_february_in_2028_but_28_february_in_2027():
    assert period_containing(date(2028, 3, 1), anchor_day=29, months=1) == Period(date(2028, 2, 29), date(2028, 3, 28))
    assert period_containing(date(2028, 2, 28), anchor_day=29, months=1) == Period(date(2028, 1, 29), date(2028, 2, 28))
    assert period_containing(date(2027, 3, 1), anchor_day=29, months=1) == Period(date(2027, 2, 28), date(2027, 3, 28))
    assert period_containing(date(2027, 2, 27), anchor_day=29, months=1) == Period(date(2027, 1, 29), date(2027, 2, 27))


def test_monthly_period_crosses_from_december_into_january():
    period = period_containing(date(2027, 1, 2), anchor_day=5, months=1)
    assert period == Period(date(2026, 12, 5), date(2027, 1, 4))
    assert next_period(period, anchor_day=5, months=1) == Period(date(2027, 1, 5), date(2027, 2, 4))


def test_anchor_day_itself_starts_a_new_period_and_the_day_before_ends_the_old_one():
    assert period_containing(date(2026, 11, 1), anchor_day=1, months=1) == Period(date(2026, 11, 1), date(2026, 11, 30))
    october = period_containing(date(2026, 10, 31), anchor_day=1, months=1)
    assert october == Period(date(2026, 10, 1), date(2026, 10, 31))


def test_quarterly_periods_follow_calendar_quarters_by_default_and_cross_the_year():
    autumn = period_containing(date(2026, 11, 16), anchor_day=1, months=3)
    assert autumn == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert autumn.days == 92
    winter = next_period(autumn, anchor_day=1, months=3)
    assert winter == Period(date(2027, 1, 1), date(2027, 3, 31))
    assert winter.days == 90


def test_quarterly_anniversary_period_spans_the_year_end():
    period = period_containing(date(2027, 1, 10), anchor_day=25, months=3, anchor_month=11)
    assert period == Period(date(2026, 11, 25), date(2027, 2, 24))
    assert next_period(period, anchor_day=25, months=3, anchor_month=11) == Period(date(2027, 2, 25), date(2027, 5, 24))


def test_annual_periods_count_366_days_in_a_leap_year():
    year_2027 = period_containing(date(2027, 12, 31), anchor_day=1, months=12)
    assert year_2027 == Period(date(2027, 1, 1), date(2027, 12, 31))
    assert period_containing(date(2028, 7, 1), anchor_day=1, months=12).days == 366
    assert period_containing(date(2027, 7, 1), anchor_day=1, months=12).days == 365


def test_annual_anniversary_from_29_february_keeps_its_anchor_through_common_years():
    first = period_containing(date(2028, 2, 29), anchor_day=29, months=12, anchor_month=2)
    assert first == Period(date(2028, 2, 29), date(2029, 2, 27))
    second = next_period(first, anchor_day=29, months=12, anchor_month=2)
    assert second == Period(date(2029, 2, 28), date(2030, 2, 27))
    starts = [p.start for p in periods_between(first.start, date(2032, 3, 1), anchor_day=29, months=12, anchor_month=2)]
    assert starts == [date(2028, 2, 29), date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28), date(2032, 2, 29)]


def test_activation_mid_month_falls_in_the_calendar_month_with_anchor_1():
    period = period_containing(date(2026, 11, 16), anchor_day=1, months=1)
    assert (period.start, period.end, period.days) == (date(2026, 11, 1), date(2026, 11, 30), 30)
    assert date(2026, 11, 16) in period
    assert date(2026, 12, 1) not in period


def test_next_period_after_a_partial_first_period_is_the_first_full_one():
    partial = Period(date(2026, 11, 16), date(2026, 11, 30))
    assert next_period(partial, anchor_day=1, months=1) == Period(date(2026, 12, 1), date(2026, 12, 31))


def test_periods_between_returns_the_overlapping_whole_periods_in_order():
    periods = periods_between(date(2026, 11, 20), date(2027, 1, 5), anchor_day=25, months=1)
    assert periods == [
        Period(date(2026, 10, 25), date(2026, 11, 24)),
        Period(date(2026, 11, 25), date(2026, 12, 24)),
        Period(date(2026, 12, 25), date(2027, 1, 24)),
    ]


def test_anchor_date_clamps_to_the_last_day_of_short_months():
    assert anchor_date(2027, 2, anchor_day=31) == date(2027, 2, 28)
    assert anchor_date(2028, 2, anchor_day=30) == date(2028, 2, 29)
    assert anchor_date(2027, 4, anchor_day=31) == date(2027, 4, 30)
    assert anchor_date(2027, 5, anchor_day=5) == date(2027, 5, 5)


def test_cycle_months_cover_every_package_cycle():
    assert set(CYCLE_MONTHS) == set(Package.Cycle.values)
    assert [months_for_cycle(c) for c in ("monthly", "quarterly", "annual")] == [1, 3, 12]
    with pytest.raises(ValueError, match="unknown billing cycle"):
        months_for_cycle("weekly")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"anchor_day": 0, "months": 1},
        {"anchor_day": 32, "months": 1},
        {"anchor_day": 1, "months": 5},
        {"anchor_day": 1, "months": 0},
        {"anchor_day": 1, "months": 3, "anchor_month": 13},
        {"anchor_day": 1, "months": 3, "anchor_month": 0},
    ],
)
def test_bad_cycles_are_refused(kwargs):
    with pytest.raises(ValueError):
        period_containing(date(2027, 1, 1), **kwargs)


def test_a_datetime_is_refused_because_its_date_depends_on_the_time_zone():
    with pytest.raises(TypeError, match="local date"):
        period_containing(datetime(2027, 1, 1, 3, 0), anchor_day=1, months=1)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(date(2027, 1, 2), date(2027, 1, 1))
    assert Period(date(2027, 1, 1), date(2027, 1, 1)).days == 1


days_2020_2035 = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
anchor_days = st.integers(min_value=1, max_value=31)
cycle_lengths = st.sampled_from([1, 3, 12])
anchor_months = st.integers(min_value=1, max_value=12)


@given(day=days_2020_2035, anchor_day=anchor_days, months=cycle_lengths, anchor_month=anchor_months)
def test_period_containing_contains_the_day_and_tiles_with_its_neighbours(day, anchor_day, months, anchor_month):
    cycle = {"anchor_day": anchor_day, "months": months, "anchor_month": anchor_month}
    period = period_containing(day, **cycle)
    assert day in period
    following = next_period(period, **cycle)
    assert following.start == period.end + ONE_DAY
    assert period_containing(period.start - ONE_DAY, **cycle).end == period.start - ONE_DAY
    assert period_containing(period.start, **cycle) == period
    assert period_containing(period.end, **cycle) == period


@given(day=days_2020_2035, anchor_day=anchor_days, months=cycle_lengths, anchor_month=anchor_months)
def test_periods_start_on_the_remembered_anchor_in_cycle_months(day, anchor_day, months, anchor_month):
    cycle = {"anchor_day": anchor_day, "months": months, "anchor_month": anchor_month}
    period = period_containing(day, **cycle)
    following = next_period(period, **cycle)
    for start in (period.start, following.start):
        assert start == anchor_date(start.year, start.month, anchor_day=anchor_day)
        assert (start.month - anchor_month) % months == 0
    months_apart = (following.start.year - period.start.year) * 12 + following.start.month - period.start.month
    assert months_apart == months
    assert 28 * months <= period.days <= 31 * months


@given(
    first=days_2020_2035, length=st.integers(min_value=0, max_value=800), anchor_day=anchor_days, months=cycle_lengths
)
def test_periods_between_cover_the_range_without_gap_or_overlap(first, length, anchor_day, months):
    last = first + timedelta(days=length)
    periods = periods_between(first, last, anchor_day=anchor_day, months=months)
    assert first in periods[0]
    assert last in periods[-1]
    for earlier, later in zip(periods, periods[1:]):
        assert later.start == earlier.end + ONE_DAY
