"""Writes of the dashboard app: the daily metric snapshots (derived rows; the sources stay authoritative).

A day's rows are computed either from scratch (`snapshot_rows.snapshot_rows`: every subscription) or from
the day before's rows (`snapshot_rows.snapshot_rows_next`: only the customers touched on the day), and the
receivables by age either from the open invoices or from the day before's open amounts per due date
and the day's invoices and allocations. The nightly job and a backfill compute their first day from
the stored rows of the day before when asked (`from_stored`) or from scratch, and every following
day from the one before; the tests hold both ways equal.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from ispbill.core.money import ZERO

from .models import DailyMetric
from .selectors import snapshots_changed
from .snapshot_rows import (
    issued_on,
    open_by_due_date,
    receivable_changes,
    snapshot_rows,
    snapshot_rows_next,
    timestamp_changes,
)
from .snapshot_sql import jit_off, snapshot_lock

STORED = ("mrr", "subscriptions", "customers", "start_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
          "reactivation_mrr", "paused_mrr", "customers_at_start", "customers_churned")


def _store(day: date, rows: dict) -> int:
    # Now (inside a test's transaction too) and again once committed, so a dashboard read meanwhile
    # cannot keep the old figures under the new version.
    snapshots_changed()
    transaction.on_commit(snapshots_changed)
    DailyMetric.objects.filter(day=day).delete()
    DailyMetric.objects.bulk_create(
        DailyMetric(day=day, branch_id=branch, dimension=dimension, key=key, **values)
        for (branch, dimension, key), values in rows.items()
    )
    return len(rows)


def _stored_rows(day: date) -> dict | None:
    rows = {
        (r["branch_id"], r["dimension"], r["key"]): {name: r[name] for name in STORED}
        for r in DailyMetric.objects.filter(day=day).values("branch_id", "dimension", "key", *STORED)
    }
    return rows or None


@transaction.atomic
def metrics_snapshot_write(*, day: date) -> int:
    """Replace the day's snapshot rows with a computation from scratch; running it twice gives the same rows."""
    snapshot_lock()
    jit_off()
    return _store(day, snapshot_rows(day))


def metrics_snapshot_backfill(*, start: date, end: date, skip: set[date] = frozenset(), from_stored: bool = False,
                              progress=None) -> int:
    """Every day from `start` to `end` (but those in `skip`), one transaction per day (a crash loses one
    day). The first day (and the first after a skipped one) is computed from scratch, or with
    `from_stored` from the stored rows of the day before when there are some; every other day from the
    day before. Returns the number of rows written."""
    written, day = 0, start
    stamped = timestamp_changes(start, end)
    previous: dict | None = None
    receivables: dict | None = None
    while day <= end:
        if day in skip:
            previous = receivables = None
            day += timedelta(days=1)
            continue
        with transaction.atomic():
            snapshot_lock()
            jit_off()
            issued = issued_on(day)
            if receivables is None:
                receivables = open_by_due_date(day)
            else:
                changes = receivable_changes(day, issued=issued)
                merged = defaultdict(lambda: ZERO, receivables)
                for index, amount in changes.items():
                    merged[index] += amount
                receivables = {index: amount for index, amount in merged.items() if amount}
            if previous is None and (from_stored or day != start):
                previous = _stored_rows(day - timedelta(days=1))
            if previous is None:
                rows = snapshot_rows(day, receivables=receivables, issued=issued)
            else:
                rows, _touched = snapshot_rows_next(day, previous, receivables=receivables, stamped=stamped.get(day, set()),
                                                    issued=issued)
            written += _store(day, rows)
        previous = rows
        if progress:
            progress(day)
        day += timedelta(days=1)
    return written


def metrics_snapshot_nightly(*, today: date) -> int:
    """Yesterday's rows (complete now that the day is over) and today's so far, each from the day before."""
    return metrics_snapshot_backfill(start=today - timedelta(days=1), end=today, from_stored=True)


def _unchanged(day: date, rows: dict) -> bool:
    """The day's stored rows are `rows` already (the same keys, every figure equal)."""
    names = sorted({name for values in rows.values() for name in values})
    stored = {
        (r["branch_id"], r["dimension"], r["key"]): r
        for r in DailyMetric.objects.filter(day=day).values("branch_id", "dimension", "key", *names)
    }
    return stored.keys() == rows.keys() and all(
        stored[index][name] == value for index, values in rows.items() for name, value in values.items()
    )


@transaction.atomic
def metrics_snapshot_today(*, today: date) -> int:
    """Today's rows so far, rewritten (docs/metrics.md, "Snapshots"): from yesterday's stored rows (from
    scratch when there are none), as the nightly job computes today's; the same set-based statements,
    limited to the customers touched today, plus one indexed scan of the day per flow. Yesterday's rows
    are left alone (the nightly job finalises them once). Rows equal to the stored ones are not written
    again, so the dashboard's cache outlives a quiet hour. Returns the number of rows written (0 when
    nothing changed)."""
    snapshot_lock()
    jit_off()
    previous = _stored_rows(today - timedelta(days=1))
    if previous is None:
        rows = snapshot_rows(today)
    else:
        rows, _touched = snapshot_rows_next(today, previous)
    if _unchanged(today, rows):
        return 0
    return _store(today, rows)
