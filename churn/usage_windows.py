"""The usage windows: each subscription's usage features (the rows of `features._usage_rows`) kept
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
  the full grouped query (`features.usage_grouped_sql`, the statement `_usage_rows` runs).

The new state is computed set-based into a temporary table (the old windows FULL OUTER JOIN the
day's usage, LEFT JOIN the four days leaving the windows), and the table's contents are then
replaced (TRUNCATE on PostgreSQL, DELETE elsewhere, then INSERT … SELECT): never an UPDATE of every
row. All of it in one transaction under an advisory lock (PostgreSQL), so two jobs do not interleave
and a reader sees either the old windows or the new ones. On SQLite (the demo) every transaction takes
the write lock up front (settings: transaction_mode IMMEDIATE), which serialises the jobs anyway. The
table is UNLOGGED on PostgreSQL (migration 0005): a cache that can always be rebuilt from usage.

Caveat: the poller writes a day's usage during that day (and just after midnight); the scoring runs at
04:45 for yesterday, so the day rolled in is final. Usage written or corrected later for a day already
rolled in is not seen until the windows are next rebuilt: the weekly training run
(`tasks.train_churn_model`) scores with `rebuild_usage_windows=True`, so such drift lasts at most a week.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction

from .features import _as_date, _rows, usage_grouped_sql, usage_params, usage_select
from .models import UsageWindow

MAX_ROLL_DAYS = 7
MASK = (1 << 30) - 1  # the 30 days of the mask
LOCK = (7_302, 1)  # the advisory lock of the windows (PostgreSQL); 7_301 is the resellers' settling gate
TABLE = UsageWindow._meta.db_table
VALUES = "b7, b7_before, b30, b30_before, last_day, mask"


def usage_windows_at(day: date) -> list[tuple]:
    """`features._usage_rows(day)`'s rows, read from the windows brought to `day` first."""
    with transaction.atomic():
        _lock()
        _bring_to(day, rebuild=False)
        return _rows(usage_select(TABLE), usage_params(day))


def usage_windows_refresh(*, day: date, rebuild: bool = False) -> str:
    """Bring the windows to `day` (rebuilt from scratch with `rebuild`); says what it did: "current",
    "rolled N day(s)" or "rebuilt"."""
    with transaction.atomic():
        _lock()
        return _bring_to(day, rebuild=rebuild)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", LOCK)


def _stored_as_of() -> date | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT as_of FROM {TABLE} LIMIT 1")  # every row has the same (one statement writes them all)
        row = cursor.fetchone()
    return _as_date(row[0]) if row else None


def _bring_to(day: date, *, rebuild: bool) -> str:
    stored = None if rebuild else _stored_as_of()
    if stored == day:
        return "current"
    if stored is None or not 1 <= (day - stored).days <= MAX_ROLL_DAYS:
        _replace(f"({usage_grouped_sql()}) agg", day)
        return "rebuilt"
    _roll(stored, day)
    return f"rolled {(day - stored).days} day(s)"


def _day_usage(param: str, alias: str) -> str:
    return (f"(SELECT subscription_id, upload_bytes + download_bytes AS b FROM network_usagedaily "
            f"WHERE day = %({param})s AND upload_bytes + download_bytes > 0) {alias}")


def _roll_sql(source: str) -> str:
    """The windows of day %(day)s from those of the day before, in `source`. The days leaving the
    windows are joined only to subscriptions that have a window (one without had no traffic in them)."""
    return f"""SELECT COALESCE(o.subscription_id, n.subscription_id) AS subscription_id,
            COALESCE(o.b7, 0) + COALESCE(n.b, 0) - COALESCE(u7.b, 0) AS b7,
            COALESCE(o.b7_before, 0) + COALESCE(u7.b, 0) - COALESCE(u14.b, 0) AS b7_before,
            COALESCE(o.b30, 0) + COALESCE(n.b, 0) - COALESCE(u30.b, 0) AS b30,
            COALESCE(o.b30_before, 0) + COALESCE(u30.b, 0) - COALESCE(u60.b, 0) AS b30_before,
            CASE WHEN n.b IS NULL THEN o.last_day ELSE %(day)s END AS last_day,
            ((COALESCE(o.mask, 0) << 1) & {MASK}) | (CASE WHEN n.b IS NULL THEN 0 ELSE 1 END) AS mask
        FROM {source} o
        FULL OUTER JOIN {_day_usage("day", "n")} ON n.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d7", "u7")} ON u7.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d14", "u14")} ON u14.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d30", "u30")} ON u30.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d60", "u60")} ON u60.subscription_id = o.subscription_id
        WHERE n.b IS NOT NULL OR o.last_day > %(d60)s"""


def _roll(stored: date, day: date) -> None:
    """From `stored` to `day` one day at a time, each day's windows in a temporary table made from the
    previous one's; then the table's contents replaced by the last."""
    postgres = connection.vendor == "postgresql"
    source, temporary = TABLE, []
    with connection.cursor() as cursor:
        for step in range(1, (day - stored).days + 1):
            name = f"churn_usage_roll_{step}"
            cursor.execute(f"CREATE TEMPORARY TABLE {name} {'ON COMMIT DROP ' if postgres else ''}AS {_roll_sql(source)}",
                           usage_params(stored + timedelta(days=step)))
            if postgres and step < (day - stored).days:
                cursor.execute(f"ANALYZE {name}")  # read by the next day's statement
            source = name
            temporary.append(name)
    _replace(source, day)
    with connection.cursor() as cursor:
        for name in temporary:
            cursor.execute(f"DROP TABLE {name}")


def _replace(source: str, day: date) -> None:
    """The table's contents replaced by the rows of `source` (subscription_id and VALUES), all as of
    `day`: TRUNCATE on PostgreSQL (no dead rows left behind), then one INSERT … SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {TABLE}")
        cursor.execute(f"INSERT INTO {TABLE} (subscription_id, as_of, {VALUES}) SELECT subscription_id, %(day)s, {VALUES} FROM {source}",
                       usage_params(day))
