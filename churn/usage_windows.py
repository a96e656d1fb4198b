"""The usage windows: each subscription's usage features (the rows of `sql.usage_rows`) kept
up to date day by day for the daily scoring, instead of a grouped scan of the 60 days of usage to the
cut-off every day (51 million rows at 1,000,000 customers).

`churn.UsageWindow` holds one row per subscription with traffic in the 60 days to `as_of`, all rows
of the same `as_of`. `usage_windows_at(day)` brings them to `day` and reads them:

- stored `as_of == day`: they are read as they are;
- `as_of` 1 to MAX_ROLL_DAYS days before `day`: rolled forward one day at a time. For a new day D,
  with u(x) the bytes of the subscription's usage row of day x (rows with bytes > 0, as the full
  query counts them): b7 += u(D) − u(D−7); b7_before += u(D−7) − u(D−14); b30 += u(D) − u(D−30);
  b30_before += u(D−30) − u(D−60); the mask shifts by one day (bit 0 = D); last_day = D when there was
  traffic on D. Subscriptions whose last traffic is 60 days old drop out, those with traffic on D and
  no row come in. One day reads five days of usage (`usage_daily_day_idx`), not sixty;
- otherwise (no rows, older than that, or after `day`), or when asked to: rebuilt from scratch with
  the full grouped query (`sql.usage_grouped_sql`, the statement `sql.usage_rows` runs).

The new state is computed set-based into a temporary table (the old windows FULL OUTER JOIN the
day's usage, LEFT JOIN the four days leaving the windows), and the table's contents are then
replaced (TRUNCATE on PostgreSQL, DELETE elsewhere, then INSERT … SELECT): never an UPDATE of every
row. All of it in one transaction under an advisory lock (PostgreSQL), so two jobs do not interleave
and a reader sees either the old windows or the new ones. On SQLite (the demo) every transaction takes
the write lock up front (settings: transaction_mode IMMEDIATE), which serialises the jobs anyway. The
table is UNLOGGED on PostgreSQL (migration 0005): a cache that can always be rebuilt from usage.
The statements themselves are in `churn/sql.py` ("The usage windows' upkeep"); this module decides
which to run.

Caveat: the poller writes a day's usage during that day (and just after midnight); the scoring runs at
04:45 for yesterday, so the day rolled in is final. Usage written or corrected later for a day already
rolled in is not seen until the windows are next rebuilt: the weekly training run
(`tasks.train_churn_model`) scores with `rebuild_usage_windows=True`, so such drift lasts at most a week.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .sql import usage_windows_as_of, usage_windows_lock, usage_windows_rebuild, usage_windows_roll, usage_windows_rows

MAX_ROLL_DAYS = 7


def usage_windows_at(day: date) -> list[tuple]:
    """`sql.usage_rows(day)`'s rows, read from the windows brought to `day` first."""
    with transaction.atomic():
        usage_windows_lock()
        _bring_to(day, rebuild=False)
        return usage_windows_rows(day)


def usage_windows_refresh(*, day: date, rebuild: bool = False) -> str:
    """Bring the windows to `day` (rebuilt from scratch with `rebuild`); says what it did: "current",
    "rolled N day(s)" or "rebuilt"."""
    with transaction.atomic():
        usage_windows_lock()
        return _bring_to(day, rebuild=rebuild)


def _bring_to(day: date, *, rebuild: bool) -> str:
    stored = None if rebuild else usage_windows_as_of()
    if stored == day:
        return "current"
    if stored is None or not 1 <= (day - stored).days <= MAX_ROLL_DAYS:
        usage_windows_rebuild(day)
        return "rebuilt"
    usage_windows_roll(stored, day)
    return f"rolled {(day - stored).days} day(s)"
