"""Business-time arithmetic: working hours, weekends, holidays, time zones, and the ticket's clocks
pausing while it waits on the customer."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tickets.sla import BusinessCalendar, add_business_minutes, business_minutes_between

DHAKA = ZoneInfo("Asia/Dhaka")
# Saturday to Thursday, 09:00–18:00 Dhaka; Friday off.
CAL = BusinessCalendar(
    start=time(9), end=time(18), weekdays=frozenset({0, 1, 2, 3, 5, 6}),
    holidays=frozenset({date(2026, 3, 26), date(2026, 12, 16)}), zone=DHAKA,
)


def dhaka(*args) -> datetime:
    return datetime(*args, tzinfo=DHAKA)


def test_deadline_runs_over_the_weekend_friday():
    # Thursday 17:00 + 2 business hours: 1 h on Thursday, Friday is off, 1 h on Saturday.
    assert add_business_minutes(CAL, dhaka(2026, 3, 5, 17, 0), 120) == dhaka(2026, 3, 7, 10, 0)


def test_a_ticket_raised_at_night_starts_its_clock_at_opening_time():
    assert add_business_minutes(CAL, dhaka(2026, 3, 2, 23, 30), 30) == dhaka(2026, 3, 3, 9, 30)
    assert add_business_minutes(CAL, dhaka(2026, 3, 3, 6, 0), 60) == dhaka(2026, 3, 3, 10, 0)


def test_holidays_are_skipped():
    # Wednesday 25 March 17:30 + 1 h: Thursday 26 March is Independence Day, Friday is off.
    assert add_business_minutes(CAL, dhaka(2026, 3, 25, 17, 30), 60) == dhaka(2026, 3, 28, 9, 30)


def test_the_same_moment_in_another_zone_gives_the_same_deadline():
    moment_utc = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)  # 17:00 in Dhaka
    assert add_business_minutes(CAL, moment_utc, 120) == dhaka(2026, 3, 7, 10, 0)
    moment_ny = moment_utc.astimezone(ZoneInfo("America/New_York"))
    assert add_business_minutes(CAL, moment_ny, 120) == dhaka(2026, 3, 7, 10, 0)


def test_working_hours_follow_the_wall_clock_across_a_daylight_saving_change():
    london = BusinessCalendar(start=time(9), end=time(17), weekdays=frozenset(range(7)), holidays=frozenset(), zone=ZoneInfo("Europe/London"))
    # Clocks go forward on Sunday 29 March 2026; the working day is still 09:00–17:00 local (8 h).
    saturday_close = datetime(2026, 3, 28, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    deadline = add_business_minutes(london, saturday_close, 8 * 60)
    assert deadline == datetime(2026, 3, 29, 17, 0, tzinfo=ZoneInfo("Europe/London"))
    assert deadline.astimezone(UTC).hour == 16  # BST


def test_minutes_between_counts_only_working_time():
    assert business_minutes_between(CAL, dhaka(2026, 3, 5, 17, 0), dhaka(2026, 3, 7, 10, 0)) == 120
    assert business_minutes_between(CAL, dhaka(2026, 3, 6, 10, 0), dhaka(2026, 3, 6, 15, 0)) == 0  # a Friday
    assert business_minutes_between(CAL, dhaka(2026, 3, 7, 10, 0), dhaka(2026, 3, 5, 10, 0)) == 0


def test_a_calendar_without_working_days_or_hours_is_refused():
    with pytest.raises(ValueError):
        BusinessCalendar(start=time(9), end=time(9), weekdays=frozenset({0}), holidays=frozenset(), zone=DHAKA)
    with pytest.raises(ValueError):
        BusinessCalendar(start=time(9), end=time(18), weekdays=frozenset(), holidays=frozenset(), zone=DHAKA)
    with pytest.raises(ValueError):
        add_business_minutes(CAL, datetime(2026, 3, 5, 10, 0), 10)  # naive


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
minutes = st.integers(min_value=0, max_value=20 * 9 * 60)


@hypothesis_settings(max_examples=300, deadline=None)
@given(start=moments, minutes=minutes)
def test_the_deadline_is_exactly_that_much_business_time_later(start, minutes):
    deadline = add_business_minutes(CAL, start, minutes)
    assert deadline >= start
    assert business_minutes_between(CAL, start, deadline) == minutes
    if minutes:
        local = deadline.astimezone(DHAKA)
        assert CAL.is_working_day(local.date())
        assert time(9) < local.time() <= time(18) or local.time() == time(18)


@hypothesis_settings(max_examples=200, deadline=None)
@given(start=moments, first=minutes, second=minutes)
def test_adding_in_two_steps_is_adding_once(start, first, second):
    assert add_business_minutes(CAL, add_business_minutes(CAL, start, first), second) == add_business_minutes(CAL, start, first + second)


@hypothesis_settings(max_examples=200, deadline=None)
@given(start=moments, length=st.integers(min_value=0, max_value=30 * 24 * 60), split=st.floats(min_value=0, max_value=1))
def test_business_minutes_add_up_over_consecutive_intervals(start, length, split):
    end = start + timedelta(minutes=length)
    middle = start + timedelta(minutes=int(length * split))
    whole = business_minutes_between(CAL, start, end)
    parts = business_minutes_between(CAL, start, middle) + business_minutes_between(CAL, middle, end)
    assert parts in (whole, whole - 1)  # whole minutes: two floors may lose one
    assert whole <= length
