"""Exact rate limits: `rate_take("otp:ip:10.0.0.1", limit=10, window_seconds=3600)` counts one use and
says whether it was within the limit. Fixed windows, counted in the database (core.RateLimitCounter)
by a conditional UPDATE: two requests at the same instant cannot both take the last slot, on
PostgreSQL or SQLite, with Redis or the file cache."""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateLimitCounter


def _window(window_seconds: int, now: datetime) -> tuple[int, datetime]:
    index = int(now.timestamp()) // window_seconds
    return index, datetime.fromtimestamp((index + 1) * window_seconds, tz=UTC)


def rate_take(key: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> bool:
    """Count one use under `key` in the current window; False (and nothing counted) when `limit` is reached."""
    index, ends = _window(window_seconds, now or timezone.now())
    row_key = f"{key}@{window_seconds}:{index}"[:200]
    if limit <= 0:
        return False
    if not RateLimitCounter.objects.filter(key=row_key).exists():
        try:
            with transaction.atomic():
                RateLimitCounter.objects.create(key=row_key, count=0, expires_at=ends)
        except IntegrityError:  # another request made the row first
            pass
    return RateLimitCounter.objects.filter(key=row_key, count__lt=limit).update(count=F("count") + 1) == 1


def rate_give_back(key: str, *, window_seconds: int, now: datetime | None = None) -> None:
    """Undo one counted use (a later check refused the action after this one was counted)."""
    index, _ends = _window(window_seconds, now or timezone.now())
    RateLimitCounter.objects.filter(key=f"{key}@{window_seconds}:{index}"[:200], count__gt=0).update(count=F("count") - 1)


def rate_used(key: str, *, window_seconds: int, now: datetime | None = None) -> int:
    index, _ends = _window(window_seconds, now or timezone.now())
    row = RateLimitCounter.objects.filter(key=f"{key}@{window_seconds}:{index}"[:200]).values_list("count", flat=True).first()
    return row or 0


def rate_counters_purge(*, now: datetime | None = None) -> int:
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=(now or timezone.now()) - timedelta(minutes=1)).delete()
    return deleted
