"""Writes of the dashboard app: the daily metric snapshots (derived rows; the sources stay authoritative)."""

from datetime import date, timedelta

from django.db import connection, transaction

from .metrics import snapshot_rows
from .models import DailyMetric


@transaction.atomic
def metrics_snapshot_write(*, day: date) -> int:
    """Replace the day's snapshot rows with a fresh computation; running it twice gives the same rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner's cost estimates for these one-off scans switch on JIT compilation, which
            # costs more (about a second per query) than the queries themselves.
            cursor.execute("SET LOCAL jit = off")
    rows = snapshot_rows(day)
    DailyMetric.objects.filter(day=day).delete()
    DailyMetric.objects.bulk_create(
        DailyMetric(day=day, branch_id=branch, dimension=dimension, key=key, **values)
        for (branch, dimension, key), values in rows.items()
    )
    return len(rows)


def metrics_snapshot_backfill(*, start: date, end: date, skip: set[date] = frozenset(), progress=None) -> int:
    """Every day from `start` to `end` (but those in `skip`), one transaction per day: a crash loses one day."""
    written, day = 0, start
    while day <= end:
        if day not in skip:
            written += metrics_snapshot_write(day=day)
        if progress:
            progress(day)
        day += timedelta(days=1)
    return written
