"""Fibre's raw SQL: every statement fibre sends through a cursor, and every difference between
PostgreSQL and SQLite in fibre, live here (tests/core/test_raw_sql_places.py holds the line).

* The optical history's tables. On PostgreSQL the raw samples are partitioned by day and the hourly
  roll-ups by month (range partitions on the time column, a default partition for anything outside
  the ranges made); a job makes the partitions ahead (`partitions_ensure`) and retention drops old
  ones whole (`partitions_drop_before`), so a week of samples for 40,000 ONUs goes without a DELETE.
  Why not the ORM: partitions are DDL. On SQLite they are plain tables and retention is a DELETE.
* A poll's writes: 2,000 ONU rows updated from a VALUES list in one statement on PostgreSQL
  (executemany on SQLite), the samples by COPY (executemany on SQLite). Why not the ORM: bulk_update
  builds one CASE per column per row, which costs more than the database's work.
* The roll-ups: an hour's samples into the hourly table, a day's hours into the daily one, as
  INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE (both databases; the hour and day arithmetic differs).

Tested on both databases by tests/fibre/test_poll.py and tests/fibre/test_history.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.db import connection

from .models import Onu, OnuDaily, OnuHourly, OnuSample

SAMPLE_TABLE = OnuSample._meta.db_table
HOURLY_TABLE = OnuHourly._meta.db_table
DAILY_TABLE = OnuDaily._meta.db_table
_SAMPLE_PARTITION = re.compile(r"^fibre_onu_sample_p(\d{8})$")
_HOURLY_PARTITION = re.compile(r"^fibre_onu_hourly_p(\d{6})$")


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# Partitions (PostgreSQL) ---------------------------------------------------------------------------


def create_partitioned(schema_editor, model, column: str) -> None:
    """For the migration: the table as Django would make it, partitioned by range of `column`, with
    a default partition; SQLite gets the plain table."""
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(model)
        return
    table_sql, params = schema_editor.table_sql(model)
    schema_editor.execute(f"{table_sql} PARTITION BY RANGE ({column})", params or None)
    table = model._meta.db_table
    schema_editor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")


def _partitions(parent: str, pattern: re.Pattern) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT child.relname FROM pg_inherits
               JOIN pg_class child ON child.oid = pg_inherits.inhrelid
               JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
               WHERE parent.relname = %s""",
            [parent],
        )
        return sorted(name for (name,) in cursor.fetchall() if pattern.match(name))


def partitions() -> dict[str, list[str]]:
    if not is_postgresql():
        return {"samples": [], "hourly": []}
    return {"samples": _partitions(SAMPLE_TABLE, _SAMPLE_PARTITION), "hourly": _partitions(HOURLY_TABLE, _HOURLY_PARTITION)}


def _ensure(parent: str, name: str, column: str, start: datetime, end: datetime, existing: list[str]) -> bool:
    if name in existing:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        # Rows of the range already in the default partition move first, or ATTACH refuses.
        cursor.execute(
            f"WITH moved AS (DELETE FROM {parent}_default WHERE {column} >= %s AND {column} < %s RETURNING *) "
            f"INSERT INTO {name} SELECT * FROM moved",
            [start, end],
        )
        cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end])
    return True


def partitions_ensure(*, days: list[datetime], months: list[datetime]) -> int:
    """Make the day partitions of the samples starting at `days` (UTC midnights) and the month
    partitions of the hourly table starting at `months` (UTC first days) that are missing."""
    if not is_postgresql():
        return 0
    existing = partitions()
    made = 0
    for start in days:
        made += _ensure(SAMPLE_TABLE, f"{SAMPLE_TABLE}_p{start:%Y%m%d}", "at", start, start + timedelta(days=1), existing["samples"])
    for start in months:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        made += _ensure(HOURLY_TABLE, f"{HOURLY_TABLE}_p{start:%Y%m}", "hour", start, end, existing["hourly"])
    return made


def history_drop_before(*, samples_before: datetime, hourly_before: datetime) -> int:
    """Retention. PostgreSQL: drop every whole partition that ends at or before the cut-off, and
    delete what the default partitions hold before it; SQLite: DELETE. Returns the rows removed."""
    removed = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            existing = partitions()
            for name in existing["samples"]:
                day = datetime.strptime(_SAMPLE_PARTITION.match(name).group(1), "%Y%m%d").replace(tzinfo=samples_before.tzinfo)
                if day + timedelta(days=1) <= samples_before:
                    cursor.execute(f"SELECT count(*) FROM {name}")
                    removed += cursor.fetchone()[0]
                    cursor.execute(f"DROP TABLE {name}")
            for name in existing["hourly"]:
                month = datetime.strptime(_HOURLY_PARTITION.match(name).group(1), "%Y%m").replace(tzinfo=hourly_before.tzinfo)
                end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
                if end <= hourly_before:
                    cursor.execute(f"SELECT count(*) FROM {name}")
                    removed += cursor.fetchone()[0]
                    cursor.execute(f"DROP TABLE {name}")
            cursor.execute(f"DELETE FROM {SAMPLE_TABLE}_default WHERE at < %s", [samples_before])
            removed += cursor.rowcount
            cursor.execute(f"DELETE FROM {HOURLY_TABLE}_default WHERE hour < %s", [hourly_before])
            removed += cursor.rowcount
            # Inside the partitions that straddle the cut-off.
            cursor.execute(f"DELETE FROM {SAMPLE_TABLE} WHERE at < %s", [samples_before])
            removed += cursor.rowcount
            cursor.execute(f"DELETE FROM {HOURLY_TABLE} WHERE hour < %s", [hourly_before])
            removed += cursor.rowcount
        else:
            adapt = connection.ops.adapt_datetimefield_value
            cursor.execute(f"DELETE FROM {SAMPLE_TABLE} WHERE at < %s", [adapt(samples_before)])
            removed += cursor.rowcount
            cursor.execute(f"DELETE FROM {HOURLY_TABLE} WHERE hour < %s", [adapt(hourly_before)])
            removed += cursor.rowcount
    return removed


# A poll's writes --------------------------------------------------------------------------------

ONU_COLUMNS = ("status", "down_cause", "status_changed_at", "rx_dbm", "tx_dbm", "distance_m", "temperature_c", "signal",
               "last_seen_at", "pon_port_id", "number", "serial", "mac")


def onus_update(rows: list[tuple]) -> None:
    """Each row: (id, then ONU_COLUMNS in order)."""
    if not rows:
        return
    table = Onu._meta.db_table
    with connection.cursor() as cursor:
        if is_postgresql():
            types = ("bigint", "varchar", "varchar", "timestamptz", "numeric", "numeric", "integer", "numeric", "varchar",
                     "timestamptz", "bigint", "integer", "varchar", "varchar")
            names = ("id",) + ONU_COLUMNS
            first = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
            rest = "(" + ", ".join(["%s"] * len(types)) + ")"
            values = ", ".join([first] + [rest] * (len(rows) - 1))
            assignments = ", ".join(f"{name} = v.{name}" for name in ONU_COLUMNS)
            cursor.execute(
                f"UPDATE {table} AS o SET {assignments} FROM (VALUES {values}) AS v({', '.join(names)}) WHERE o.id = v.id",
                [value for row in rows for value in row],
            )
        else:
            adapt = connection.ops.adapt_datetimefield_value
            decimal = connection.ops.adapt_decimalfield_value
            assignments = ", ".join(f"{name} = %s" for name in ONU_COLUMNS)

            def plain(row):
                (pk, status, cause, changed, rx, tx, distance, temperature, signal, seen, port, number, serial, mac) = row
                return (status, cause, adapt(changed), decimal(rx, 5, 2), decimal(tx, 5, 2), distance, decimal(temperature, 5, 1),
                        signal, adapt(seen), port, number, serial, mac, pk)

            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", [plain(row) for row in rows])


def samples_insert(*, at: datetime, samples: list[tuple[int, bool, float | None, float | None, float | None]]) -> None:
    """(onu id, online, rx, tx, temperature) per ONU; COPY on PostgreSQL, executemany on SQLite."""
    if not samples:
        return
    columns = "onu_id, at, online, rx_dbm, tx_dbm, temperature_c"
    with connection.cursor() as cursor:
        if is_postgresql():
            with cursor.cursor.copy(f"COPY {SAMPLE_TABLE} ({columns}) FROM STDIN") as copy:
                for onu_id, online, rx, tx, temperature in samples:
                    copy.write_row((onu_id, at, online, rx, tx, temperature))
        else:
            stamp = connection.ops.adapt_datetimefield_value(at)
            cursor.executemany(
                f"INSERT INTO {SAMPLE_TABLE} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [(onu_id, stamp, online, rx, tx, temperature) for onu_id, online, rx, tx, temperature in samples],
            )


# Roll-ups -----------------------------------------------------------------------------------------


def rollup_hour(*, hour: datetime) -> int:
    """The hour [hour, hour + 1 h) of samples into the hourly table, again if run again."""
    end = hour + timedelta(hours=1)
    adapt = connection.ops.adapt_datetimefield_value if not is_postgresql() else (lambda v: v)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {HOURLY_TABLE} (onu_id, hour, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg)
                SELECT onu_id, %s, count(*), sum(CASE WHEN online THEN 1 ELSE 0 END), avg(rx_dbm), min(rx_dbm), max(rx_dbm), avg(tx_dbm)
                FROM {SAMPLE_TABLE} WHERE at >= %s AND at < %s GROUP BY onu_id
                ON CONFLICT (onu_id, hour) DO UPDATE SET samples = excluded.samples, online_samples = excluded.online_samples,
                    rx_avg = excluded.rx_avg, rx_min = excluded.rx_min, rx_max = excluded.rx_max, tx_avg = excluded.tx_avg""",
            [adapt(hour), adapt(hour), adapt(end)],
        )
        return cursor.rowcount


def rollup_day(*, day: date, start: datetime) -> int:
    """The UTC day's hours into the daily table (rx_avg weighted by the hours' samples)."""
    end = start + timedelta(days=1)
    adapt = connection.ops.adapt_datetimefield_value if not is_postgresql() else (lambda v: v)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {DAILY_TABLE} (onu_id, day, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg)
                SELECT onu_id, %s, sum(samples), sum(online_samples),
                       sum(rx_avg * online_samples) / NULLIF(sum(CASE WHEN rx_avg IS NULL THEN 0 ELSE online_samples END), 0),
                       min(rx_min), max(rx_max), avg(tx_avg)
                FROM {HOURLY_TABLE} WHERE hour >= %s AND hour < %s GROUP BY onu_id
                ON CONFLICT (onu_id, day) DO UPDATE SET samples = excluded.samples, online_samples = excluded.online_samples,
                    rx_avg = excluded.rx_avg, rx_min = excluded.rx_min, rx_max = excluded.rx_max, tx_avg = excluded.tx_avg""",
            [day if is_postgresql() else day.isoformat(), adapt(start), adapt(end)],
        )
        return cursor.rowcount
