"""Network's raw SQL: every statement network sends through a cursor, and every difference between
PostgreSQL and SQLite in network, live in this module (tests/core/test_raw_sql_places.py holds the
line). Today that is the usage poller's writes (network/usage.py decides when they run): each poll's
samples stored in bulk, then added to the hour and the local day they were read in. Both run on every
poll of every router, a few thousand rows each, so they are the hot path of usage.

Tested on both databases by tests/network/test_usage.py (the poll, its samples and the roll-ups).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection

from .models import UsageDaily, UsageHourly, UsageSample


def samples_insert(*, router_id: int, taken_at: datetime, samples: list[tuple[int, int, int]]) -> None:
    """2,000 rows per router per poll: COPY on PostgreSQL, one executemany elsewhere. Why not the ORM:
    bulk_create spends longer building the statement than the database spends storing the rows, and
    the poll needs no ids back."""
    if not samples:
        return
    table = UsageSample._meta.db_table
    columns = "subscription_id, router_id, taken_at, upload_bytes, download_bytes"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for subscription_id, up, down in samples:
                    copy.write_row((subscription_id, router_id, taken_at, up, down))
        else:
            stamp = connection.ops.adapt_datetimefield_value(taken_at)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)",
                [(subscription_id, router_id, stamp, up, down) for subscription_id, up, down in samples],
            )


def rollup_add(*, router_id: int, at: datetime, hour: datetime, day: date) -> None:
    """Add the samples stored by the poll (router, `at`) to their `hour` and local `day` rows. Why not
    the ORM: an INSERT … SELECT … GROUP BY with ON CONFLICT DO UPDATE adding to the stored sums is one
    statement per table, with no row passing through Python; the ORM's bulk_create(update_conflicts)
    can only overwrite a row with the values it sends, so it would need the poll's sums read out and
    the stored rows read and locked first. Both databases take this statement as it is."""
    ops = connection.ops
    sample, hourly, daily = UsageSample._meta.db_table, UsageHourly._meta.db_table, UsageDaily._meta.db_table
    this_poll = f"""SELECT subscription_id, %s, SUM(upload_bytes), SUM(download_bytes) FROM {sample}
                    WHERE router_id = %s AND taken_at = %s GROUP BY subscription_id"""
    taken = ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {hourly} (subscription_id, hour, upload_bytes, download_bytes) {this_poll}
                ON CONFLICT (subscription_id, hour) DO UPDATE SET
                upload_bytes = {hourly}.upload_bytes + excluded.upload_bytes,
                download_bytes = {hourly}.download_bytes + excluded.download_bytes""",
            [ops.adapt_datetimefield_value(hour), router_id, taken],
        )
        cursor.execute(
            f"""INSERT INTO {daily} (subscription_id, day, upload_bytes, download_bytes) {this_poll}
                ON CONFLICT (subscription_id, day) DO UPDATE SET
                upload_bytes = {daily}.upload_bytes + excluded.upload_bytes,
                download_bytes = {daily}.download_bytes + excluded.download_bytes""",
            [ops.adapt_datefield_value(day), router_id, taken],
        )
