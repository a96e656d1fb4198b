"""Business time: adding business minutes to a moment and measuring business minutes between two.

Pure functions over a `BusinessCalendar` (working weekdays, daily hours, holidays, time zone), so
the arithmetic is tested on its own. Moments go in and come out as aware datetimes; working hours
are wall-clock times of the calendar's zone, whatever zone the moments are in.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar whose working days never come (every day a holiday) must not loop for ever.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessCalendar:
    start: time
    end: time
    weekdays: frozenset[int]
    holidays: frozenset[date]
    zone: ZoneInfo

    def __post_init__(self):
        if not self.start < self.end:
            raise ValueError("the working day must end after it starts")
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("choose at least one working weekday (Monday = 0 … Sunday = 6)")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's working hours as UTC moments (wall-clock times resolved in the zone)."""
        opens = datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.zone).astimezone(UTC)
        return opens, closes


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(UTC)


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The moment `minutes` business minutes after `start` (UTC). Zero minutes is `start` itself."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    moment = _require_aware(start)
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return moment
    day = moment.astimezone(calendar.zone).date()
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin = max(moment, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time in the next three years")


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from `start` to `end` (0 when end is not after start)."""
    first, last = _require_aware(start), _require_aware(end)
    if last <= first:
        return 0
    total = timedelta()
    day = first.astimezone(calendar.zone).date()
    last_day = last.astimezone(calendar.zone).date()
    while day <= last_day:
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            begin, finish = max(first, opens), min(last, closes)
            if begin < finish:
                total += finish - begin
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)
