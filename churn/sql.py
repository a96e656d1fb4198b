"""Churn's raw SQL: every statement churn sends through a cursor, and every difference between
PostgreSQL and SQLite in churn, live in this module (tests/core/test_raw_sql_places.py holds the line).
Three groups, each saying above its statements why the ORM was not enough:

- The feature reads (`features.features_at`): one grouped statement per source, returning one row per
  customer that has any such data, which `features.py` places into NumPy columns by customer id.
- The usage windows' upkeep (`usage_windows.py` decides what to do; the statements are here): the
  windows rolled forward one day at a time into temporary tables, or rebuilt, and the table's contents
  replaced.
- The daily score table's swap (PostgreSQL): the day's ChurnRisk rows COPYed into a new table beside
  the old one, which then takes the old one's place (`scores_swap`, with `TableShape` and
  `lock_tables`).

Statements run on both databases unless marked PostgreSQL; each is covered on both by
tests/churn/ (test_features.py, test_usage_windows.py, test_scoring_write.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from customers.models import Subscription
from customers.sql import counted_case, json_text, last_state_cte
from tickets.models import Ticket

from .models import ChurnRisk, UsageWindow

if TYPE_CHECKING:
    from psycopg import sql as pgsql  # imported where used: SQLite installs run without loading psycopg

    from .models import ChurnModel
    from .services import ScoreRows

NO_TRAFFIC_CAP = 60  # days; usage older than the 60-day window is not read
SLOW_SHARE = 0.8  # a speed test below 80 % of the package's download speed counts as slow


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def as_date(value) -> date:
    """A date read through a cursor: SQLite hands dates back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# Helpers (PostgreSQL and SQLite) ------------------------------------------------------------------
# The statements below are written once for both databases; these are the only places they differ.


def _local_date(expr: str) -> str:
    """A timestamp column as the ISP's local date."""
    if connection.vendor == "postgresql":
        return f"CAST(({expr} AT TIME ZONE %(tz)s) AS DATE)"
    return f"date({expr}, %(tz_shift)s)"


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _params(**values) -> dict:
    """The statements' named parameters, dates and datetimes adapted as the ORM adapts them."""
    ops = connection.ops
    now = timezone.localtime()
    offset = int(now.utcoffset().total_seconds()) if now.utcoffset() else 0
    params = {"tz": settings.TIME_ZONE, "tz_shift": f"{offset:+d} seconds"}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = ops.adapt_datetimefield_value(value)
        elif isinstance(value, date):
            value = ops.adapt_datefield_value(value)
        params[key] = value
    return params


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _subscription_ct() -> int:
    return ContentType.objects.get_for_model(Subscription).pk


# The feature reads ----------------------------------------------------------------------------------
# Why not the ORM: every source reads a window of up to 180 days of records for every customer (a
# million at the largest ISP) and its rows go straight into NumPy columns, so model instances and
# per-query compilation would be pure overhead; most need what the ORM cannot say in one statement:
# window functions ranking rows per subscription or customer inside a grouped read, joins from the
# audit log (whose object_id is text, no relation to follow) by CAST(id AS TEXT), bit masks summed in
# the grouping, date arithmetic that differs per database. The few that the ORM could express say so.


def standing_rows(day: date, horizon: date | None) -> list[tuple]:
    """Per counted subscription on `day`: (customer id, subscription id, package on `day`, customer
    since, has reseller, area id, counted at the end of `horizon` — 1 when no horizon).

    Why SQL: each subscription's last lifecycle state before an instant is a ROW_NUMBER window over the
    audit log, joined back by text id, and its package on the day another over the applied package
    changes; the counting rule is the shared SQL of customers/sql.py, as the analytics snapshot reads it."""
    unpaid = settings.ANALYTICS_CHURN_UNPAID_DAYS
    sides = [last_state_cte("c")] + ([last_state_cte("h")] if horizon else [])
    horizon_counted = (
        f"MAX({counted_case('h')}) OVER (PARTITION BY sub.customer_id)" if horizon else "1"
    )
    sql = f"""WITH {", ".join(sides)},
        before AS (
            SELECT subscription_id, to_package_id AS package_id FROM (
                SELECT subscription_id, to_package_id,
                       ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY effective_date DESC, id DESC) AS rn
                FROM billing_packagechange WHERE status = 'applied' AND effective_date <= %(c_day)s
            ) ranked WHERE rn = 1
        ),
        after AS (
            SELECT subscription_id, from_package_id AS package_id FROM (
                SELECT subscription_id, from_package_id,
                       ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY effective_date ASC, id ASC) AS rn
                FROM billing_packagechange WHERE status = 'applied' AND effective_date > %(c_day)s
            ) ranked WHERE rn = 1
        ),
        frame AS (
            SELECT sub.customer_id, sub.id AS subscription_id,
                   COALESCE(b.package_id, a.package_id, sub.package_id) AS package_id,
                   cust.customer_since, CASE WHEN cust.reseller_id IS NULL THEN 0 ELSE 1 END AS has_reseller,
                   cust.area_id, {counted_case('c')} AS c_counted, {horizon_counted} AS h_counted
            FROM customers_subscription sub
            JOIN customers_customer cust ON cust.id = sub.customer_id
            LEFT JOIN c ON c.object_id = CAST(sub.id AS TEXT)
            {"LEFT JOIN h ON h.object_id = CAST(sub.id AS TEXT)" if horizon else ""}
            LEFT JOIN before b ON b.subscription_id = sub.id
            LEFT JOIN after a ON a.subscription_id = sub.id
        )
        SELECT customer_id, subscription_id, package_id, customer_since, has_reseller, area_id, h_counted
        FROM frame WHERE c_counted = 1 ORDER BY customer_id"""
    values = {
        "ct": _subscription_ct(), "c_day": day, "c_bound": end_of_day(day),
        "c_churn": end_of_day(day - timedelta(days=unpaid)),
    }
    if horizon:
        values.update({"h_bound": end_of_day(horizon), "h_churn": end_of_day(horizon - timedelta(days=unpaid))})
    return _rows(sql, _params(**values))


def invoice_rows(day: date) -> list[tuple]:
    """(customer, late invoices among the last three due, most days late among them, open balance):
    allocations count only when made before the cut-off's end.

    One statement and one pass over the invoices: each invoice is joined to its allocations once (not
    once per worker and per feature, as two statements with a grouped sub-query were), then ranked
    among the customer's invoices due before C, and both the lateness and the balance are summed in
    the same grouping. Why SQL: a window ranking over a grouped read, grouped again, with the days
    late as date arithmetic of each database; the ORM cannot aggregate over a window's result."""
    bound = end_of_day(day)
    due = "(due_date < %(day)s AND total > 0)"
    sql = f"""WITH inv AS (
            SELECT i.id, i.customer_id, i.due_date, i.total, COALESCE(SUM(a.amount), 0) AS paid, MAX(a.created_at) AS last_at
            FROM billing_invoice i
            LEFT JOIN billing_allocation a ON a.invoice_id = i.id AND a.created_at < %(bound)s
            WHERE i.issue_date <= %(day)s AND i.status <> 'void'
            GROUP BY i.id, i.customer_id, i.due_date, i.total
        ),
        ranked AS (
            SELECT customer_id, due_date, total, paid, last_at,
                   CASE WHEN {due} THEN ROW_NUMBER() OVER (PARTITION BY customer_id, {due} ORDER BY due_date DESC, id DESC) END AS rn
            FROM inv
        ),
        lateness AS (
            SELECT customer_id, total, paid,
                   CASE WHEN rn <= 3 THEN
                       CASE WHEN paid >= total THEN {_days_between(_local_date('last_at'), 'due_date')}
                            ELSE {_days_between('%(day)s', 'due_date')} END
                   END AS late
            FROM ranked
        )
        SELECT customer_id, SUM(CASE WHEN late > 0 THEN 1 ELSE 0 END), MAX(CASE WHEN late > 0 THEN late ELSE 0 END),
               CAST(SUM(CASE WHEN total - paid > 0 THEN total - paid ELSE 0 END) AS DOUBLE PRECISION)
        FROM lateness GROUP BY customer_id"""
    return _rows(sql, _params(day=day, bound=bound))


def suspension_rows(day: date) -> list[tuple]:
    """(customer, suspensions for non-payment in the 90 days before the cut-off's end).

    Why SQL: audit rows reach subscriptions by text id (no relation for the ORM to join) and the
    suspension kind is read from the JSON snapshot with each database's operator (customers/sql.py)."""
    sql = f"""SELECT sub.customer_id, COUNT(*) FROM core_auditlog log
        JOIN customers_subscription sub ON log.object_id = CAST(sub.id AS TEXT)
        WHERE log.content_type_id = %(ct)s AND log.action = 'subscription.suspend'
          AND {json_text('log.after', 'suspension_type')} = 'non_payment'
          AND log.at >= %(since)s AND log.at < %(bound)s
        GROUP BY sub.customer_id"""
    bound = end_of_day(day)
    return _rows(sql, _params(ct=_subscription_ct(), since=bound - timedelta(days=90), bound=bound))


def usage_rows(day: date) -> list[tuple]:
    """Per subscription with traffic in the 60 days to the cut-off, ordered by customer: (customer,
    bytes in the 7 days to the cut-off, the 7 before, the 30 to the cut-off, the 30 before, the last
    day with traffic as days before the cut-off, and a bit mask of the days with traffic among the
    last 30: bit k set = traffic on C − k).

    Grouped by subscription straight off the usage table and only then joined to the customer (a join
    of every usage row first, and a COUNT(DISTINCT day) per customer, made PostgreSQL sort every row).
    A subscription has one row per day (`usage_daily_unique`), so the sum of 2^k over its days is the
    bitwise OR; a customer's several subscriptions are OR-ed in `features._usage_by_customer`, which
    keeps the distinct days of the customer exact.

    The daily scoring reads the same rows from the usage windows kept day by day instead
    (`churn/usage_windows.py`, `features_at(..., incremental_usage=True)`); both are written with the
    two statements below."""
    return _rows(usage_select(f"({usage_grouped_sql()})"), usage_params(day))


def usage_grouped_sql() -> str:
    """One row per subscription with traffic in the 60 days to %(day)s, straight off the usage table:
    (subscription_id, b7, b7_before, b30, b30_before, last_day, mask), the sums in bytes as integers
    (the columns of `churn.UsageWindow`). Parameters: `usage_params`.

    Why SQL: a grouped scan of up to 51 million rows with a bit shift by each database's date
    difference summed into the mask; and the same text feeds the windows' INSERT … SELECT, which the
    ORM cannot write."""
    bytes_ = "u.upload_bytes + u.download_bytes"
    return f"""SELECT u.subscription_id,
            SUM(CASE WHEN u.day > %(d7)s THEN {bytes_} ELSE 0 END) AS b7,
            SUM(CASE WHEN u.day > %(d14)s AND u.day <= %(d7)s THEN {bytes_} ELSE 0 END) AS b7_before,
            SUM(CASE WHEN u.day > %(d30)s THEN {bytes_} ELSE 0 END) AS b30,
            SUM(CASE WHEN u.day <= %(d30)s THEN {bytes_} ELSE 0 END) AS b30_before,
            MAX(u.day) AS last_day,
            SUM(CASE WHEN u.day > %(d30)s THEN 1 << {_days_between('%(day)s', 'u.day')} ELSE 0 END) AS mask
        FROM network_usagedaily u
        WHERE u.day > %(d60)s AND u.day <= %(day)s AND {bytes_} > 0
        GROUP BY u.subscription_id"""


def usage_select(source: str) -> str:
    """`usage_rows`'s rows read from `source` (a table or a parenthesised query with the columns of
    `usage_grouped_sql`), joined to the subscription's customer and ordered by customer (then
    subscription, so that the order is the same whichever source is read). Why SQL: its source is SQL
    text (the grouped query, or the windows' table), which the ORM cannot select from."""
    return f"""SELECT sub.customer_id, CAST(w.b7 AS DOUBLE PRECISION), CAST(w.b7_before AS DOUBLE PRECISION),
            CAST(w.b30 AS DOUBLE PRECISION), CAST(w.b30_before AS DOUBLE PRECISION),
            {_days_between('%(day)s', 'w.last_day')}, w.mask
        FROM {source} w JOIN customers_subscription sub ON sub.id = w.subscription_id
        ORDER BY sub.customer_id, sub.id"""


def usage_params(day: date) -> dict:
    return _params(day=day, d7=day - timedelta(days=7), d14=day - timedelta(days=14), d30=day - timedelta(days=30),
                   d60=day - timedelta(days=NO_TRAFFIC_CAP))


def ticket_rows(day: date) -> tuple[list[tuple], list[tuple]]:
    """(customer, tickets opened in 30 days, in 90, of those in 90 breached by the cut-off) and
    (customer, reopens in 90 days).

    Why SQL: the reopens are audit rows joined to tickets by text id (no relation for the ORM). The
    first statement the ORM could express (conditional sums in `values().annotate()`); it stays SQL
    beside the second, with the same parameters, and reads as plain tuples like every source here."""
    bound = end_of_day(day)
    tickets = """SELECT customer_id,
            SUM(CASE WHEN created_at >= %(d30)s THEN 1 ELSE 0 END), COUNT(*),
            SUM(CASE WHEN response_breached_at < %(bound)s OR resolution_breached_at < %(bound)s THEN 1 ELSE 0 END)
        FROM tickets_ticket WHERE created_at >= %(d90)s AND created_at < %(bound)s GROUP BY customer_id"""
    reopens = """SELECT t.customer_id, COUNT(*) FROM core_auditlog log
        JOIN tickets_ticket t ON log.object_id = CAST(t.id AS TEXT)
        WHERE log.content_type_id = %(ct)s AND log.action = 'ticket.reopen' AND log.at >= %(d90)s AND log.at < %(bound)s
        GROUP BY t.customer_id"""
    params = _params(ct=ContentType.objects.get_for_model(Ticket).pk, bound=bound,
                     d30=bound - timedelta(days=30), d90=bound - timedelta(days=90))
    return _rows(tickets, params), _rows(reopens, params)


def outage_hours_by_area(day: date) -> dict[int, float]:
    """Hours of declared outages (active or restored) touching each area in the 90 days before the
    cut-off's end, as known then: an outage recorded later, or its restoration after, does not count.

    The ORM could read these rows (`values_list` through the outage's areas); SQL like the other
    sources, for plain tuples and the same parameters, and a few hundred rows at most."""
    bound = end_of_day(day)
    since = bound - timedelta(days=90)
    sql = """SELECT oa.area_id, o.started_at, o.restored_at FROM network_outage o
        JOIN network_outage_areas oa ON oa.outage_id = o.id
        WHERE o.status IN ('active', 'restored') AND COALESCE(o.declared_at, o.created_at) < %(bound)s
          AND o.started_at < %(bound)s
          AND (o.restored_at IS NULL OR o.restored_at > %(since)s)"""
    hours: dict[int, float] = {}
    for area_id, started, restored in _rows(sql, _params(bound=bound, since=since)):
        started = _aware(started)
        restored = _aware(restored) if restored is not None else None
        end = bound if restored is None or restored > bound else restored
        overlap = (end - max(started, since)).total_seconds() / 3600
        hours[area_id] = hours.get(area_id, 0.0) + max(overlap, 0.0)
    return hours


def _aware(value) -> datetime:
    if isinstance(value, str):  # SQLite hands raw timestamps back as text (UTC)
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def speed_rows(day: date) -> list[tuple]:
    """(customer, slow speed tests in the 90 days before the cut-off's end). The ORM could express it
    (a filter on F() and a count per customer); SQL like the other sources, as plain tuples."""
    bound = end_of_day(day)
    sql = """SELECT customer_id, COUNT(*) FROM customers_speedtestresult
        WHERE created_at >= %(since)s AND created_at < %(bound)s AND package_download_mbps IS NOT NULL
          AND download_mbps < package_download_mbps * %(share)s
        GROUP BY customer_id"""
    return _rows(sql, _params(since=bound - timedelta(days=90), bound=bound, share=SLOW_SHARE))


def downgrade_rows(day: date) -> list[tuple]:
    """(customer, package changes to a cheaper package taking effect in the 180 days to the cut-off).
    The ORM could express it (a filter comparing the two packages' prices); SQL like the other
    sources, as plain tuples."""
    sql = """SELECT sub.customer_id, COUNT(*) FROM billing_packagechange pc
        JOIN customers_subscription sub ON sub.id = pc.subscription_id
        JOIN customers_package f ON f.id = pc.from_package_id
        JOIN customers_package t ON t.id = pc.to_package_id
        WHERE pc.status = 'applied' AND pc.applied_at < %(bound)s AND pc.effective_date > %(since)s
          AND pc.effective_date <= %(day)s AND t.price < f.price
        GROUP BY sub.customer_id"""
    return _rows(sql, _params(bound=end_of_day(day), day=day, since=day - timedelta(days=180)))


def contract_rows(day: date) -> list[tuple]:
    """(customer, 1, days left on the latest-ending contract in force at the cut-off). Why SQL: the
    days left are date arithmetic, which each database writes its own way (`_days_between`)."""
    sql = f"""SELECT customer_id, 1, MAX({_days_between('end_date', '%(day)s')}) FROM contracts_contract
        WHERE signed_at < %(bound)s AND start_date <= %(day)s AND end_date >= %(day)s
          AND (ended_at IS NULL OR ended_at >= %(bound)s)
        GROUP BY customer_id"""
    return _rows(sql, _params(bound=end_of_day(day), day=day))


# The usage windows' upkeep ------------------------------------------------------------------------
# (churn/usage_windows.py says how the windows work and when each of these runs.) Why not the ORM:
# the new state is computed set-based from the old (a FULL OUTER JOIN of the windows and the day's
# usage) into a temporary table, and the table's contents are replaced by INSERT … SELECT, with no row
# passing through Python: the ORM has no FULL OUTER JOIN, no CREATE TABLE … AS, no INSERT … SELECT,
# no TRUNCATE and no advisory lock, and reading 850,000 rows out to write them back would cost minutes.

WINDOWS_LOCK = (7_302, 1)  # the advisory lock of the windows (PostgreSQL); 7_301 is the resellers' settling gate
WINDOWS_MASK = (1 << 30) - 1  # the 30 days of the mask
WINDOWS_TABLE = UsageWindow._meta.db_table
WINDOWS_VALUES = "b7, b7_before, b30, b30_before, last_day, mask"


def usage_windows_lock() -> None:
    """PostgreSQL: the windows' advisory lock until the transaction ends, so two jobs do not
    interleave. SQLite takes the write lock at BEGIN (transaction_mode IMMEDIATE): nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", WINDOWS_LOCK)


def usage_windows_as_of() -> date | None:
    """The day the stored windows describe (every row has the same: one statement writes them all).
    The ORM could read it (`values_list("as_of")[:1]`); SQL beside the statements that write it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT as_of FROM {WINDOWS_TABLE} LIMIT 1")
        row = cursor.fetchone()
    return as_date(row[0]) if row else None


def usage_windows_rows(day: date) -> list[tuple]:
    """`usage_rows(day)`'s rows, read from the windows (brought to `day` by the caller)."""
    return _rows(usage_select(WINDOWS_TABLE), usage_params(day))


def usage_windows_rebuild(day: date) -> None:
    """The windows rebuilt from scratch as of `day` with the full grouped query."""
    _windows_replace(f"({usage_grouped_sql()}) agg", day)


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
            ((COALESCE(o.mask, 0) << 1) & {WINDOWS_MASK}) | (CASE WHEN n.b IS NULL THEN 0 ELSE 1 END) AS mask
        FROM {source} o
        FULL OUTER JOIN {_day_usage("day", "n")} ON n.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d7", "u7")} ON u7.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d14", "u14")} ON u14.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d30", "u30")} ON u30.subscription_id = o.subscription_id
        LEFT JOIN {_day_usage("d60", "u60")} ON u60.subscription_id = o.subscription_id
        WHERE n.b IS NOT NULL OR o.last_day > %(d60)s"""


def usage_windows_roll(stored: date, day: date) -> None:
    """From `stored` to `day` one day at a time, each day's windows in a temporary table made from the
    previous one's; then the table's contents replaced by the last. PostgreSQL drops the temporary
    tables at the commit and analyses each one the next day's statement reads."""
    postgres = connection.vendor == "postgresql"
    source, temporary = WINDOWS_TABLE, []
    with connection.cursor() as cursor:
        for step in range(1, (day - stored).days + 1):
            name = f"churn_usage_roll_{step}"
            cursor.execute(f"CREATE TEMPORARY TABLE {name} {'ON COMMIT DROP ' if postgres else ''}AS {_roll_sql(source)}",
                           usage_params(stored + timedelta(days=step)))
            if postgres and step < (day - stored).days:
                cursor.execute(f"ANALYZE {name}")  # read by the next day's statement
            source = name
            temporary.append(name)
    _windows_replace(source, day)
    with connection.cursor() as cursor:
        for name in temporary:
            cursor.execute(f"DROP TABLE {name}")


def _windows_replace(source: str, day: date) -> None:
    """The table's contents replaced by the rows of `source` (subscription_id and the values), all as
    of `day`: TRUNCATE on PostgreSQL (no dead rows left behind; SQLite has none), then one INSERT … SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {WINDOWS_TABLE}" if connection.vendor == "postgresql" else f"DELETE FROM {WINDOWS_TABLE}")
        cursor.execute(f"INSERT INTO {WINDOWS_TABLE} (subscription_id, as_of, {WINDOWS_VALUES}) "
                       f"SELECT subscription_id, %(day)s, {WINDOWS_VALUES} FROM {source}",
                       usage_params(day))


# The daily score table's swap (PostgreSQL) ----------------------------------------------------------
# The churn scoring rewrites every ChurnRisk row daily; loading a new table without indexes and
# building them afterwards is several times cheaper than updating every row in place. `scores_swap`
# does the write; `TableShape` the table part: read the old table's shape from the catalog
# (`TableShape.read`), create the new table like it, build its constraints and indexes under temporary
# names exactly as the catalog defines them, then drop the old table and give the new one, its
# sequence, constraints and indexes the old names (`TableShape.swap`).
#
# What it carries over: columns (types, NOT NULL, defaults, identity, storage, compression, column
# comments), primary key, unique, exclusion, check and foreign-key constraints (deferrability
# included), the other indexes, storage parameters, privileges and the table's comment. What it
# cannot carry (triggers, row-level security, rules, publications, extended statistics, inheritance,
# tablespaces, a non-identity key) makes `TableShape.read` refuse, rather than lose them silently.
#
# Why not the ORM: DDL (CREATE TABLE … LIKE, constraints and indexes as the catalog defines them,
# renames), catalog reads, LOCK TABLE with a bounded wait, sequences and COPY have no ORM API. The
# statements go through psycopg's own cursor and its `sql` composition for identifiers.

# Each lock waits at most LOCK_TIMEOUT at a time, LOCK_TRIES times with LOCK_PAUSE between: while a
# lock request waits, every later request that conflicts with it waits behind it (readers too, for
# ACCESS EXCLUSIVE), so a long transaction on one of the tables delays the swap, not the staff pages.
LOCK_TIMEOUT = "2s"
LOCK_TRIES = 5
LOCK_PAUSE = 1.0


class SwapRefused(Exception):
    """The table has something a swap would lose."""


def scores_swap(model: ChurnModel, today: date, scores: ScoreRows) -> int | None:
    """PostgreSQL: the day's rows are COPYed into a new table without indexes; its constraints and
    indexes are then built as the migrations made them (read from the catalog), and it replaces the old
    table. Every row changes daily (its date, usually its probability), and updating 851,000 rows in
    place while maintaining four indexes took 38–43 s; this takes a fraction (bench/README.md, "Churn
    prediction"). Returns how many customers' rows went (no longer scored); None on other databases,
    where the caller upserts in batches with the ORM (`services._write_in_batches`).

    Inside the caller's transaction, with these locks, each waiting at most `LOCK_TIMEOUT` at a time:
    - from the start, EXCLUSIVE on ChurnRisk: other writers wait, readers go on reading the old rows;
    - before the foreign keys are added, SHARE ROW EXCLUSIVE on customers and churn models: their
      writers wait (about a second at 850,000 customers);
    - for the swap, ACCESS EXCLUSIVE on those and ChurnRisk until the commit (dropping the old table
      removes its foreign keys' triggers from them): everyone waits, for milliseconds. A query that
      waited on the old table then reads the new one (PostgreSQL looks the name up again after the
      wait); tests/churn/test_scoring_write.py shows it.

    A customer already scored keeps its row's id; a new one takes the identity sequence's next, and
    the sequence goes on after them. A scored customer deleted since the features were read is left
    out."""
    if connection.vendor != "postgresql":
        return None
    from psycopg import sql as pgsql

    table = ChurnRisk._meta.db_table
    customer = ChurnRisk._meta.get_field("customer")
    customers = pgsql.Identifier(customer.related_model._meta.db_table)
    new = f"{table}_swap"
    with connection.cursor() as django_cursor, connection.wrap_database_errors:
        cur = django_cursor.connection.cursor()
        lock_tables(cur, [pgsql.Identifier(table)], "EXCLUSIVE")
        shape = TableShape.read(cur, table)
        # Checks still pending on the old table (rows written earlier in this transaction) would keep it
        # from being dropped: run them now.
        if shape.foreign_keys:
            cur.execute(pgsql.SQL("SET CONSTRAINTS {} IMMEDIATE").format(pgsql.SQL(", ").join(shape.foreign_keys)))

        # Each customer's id: its old row's, else the sequence's next.
        cur.execute(pgsql.SQL("SELECT {}, id FROM {}").format(pgsql.Identifier(customer.column), shape.ident))
        old = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 2)
        old = old[np.argsort(old[:, 0])]
        ids = np.zeros(len(scores.customer_ids), dtype=np.int64)
        kept = np.zeros(len(scores.customer_ids), dtype=bool)
        if len(old):
            at = np.minimum(np.searchsorted(old[:, 0], scores.customer_ids), len(old) - 1)
            kept = old[at, 0] == scores.customer_ids
            ids[kept] = old[at[kept], 1]
        if fresh := int((~kept).sum()):
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [shape.sequence, fresh])
            ids[~kept] = [pk for (pk,) in cur.fetchall()]
        cur.execute(pgsql.SQL("SELECT last_value FROM ") + pgsql.SQL(shape.sequence))
        (last_id,) = cur.fetchone()
        removed = len(old) - int(kept.sum())

        new_sequence = shape.create(cur, new)
        target = pgsql.Identifier(shape.schema, new)
        # The model and the date are the same on every row: column defaults while loading.
        cur.execute(pgsql.SQL("ALTER TABLE {} ALTER model_id SET DEFAULT {}, ALTER scored_on SET DEFAULT {}")
                    .format(target, pgsql.Literal(model.pk), pgsql.Literal(today)))
        columns = pgsql.SQL(", ").join(map(pgsql.Identifier, ["id", customer.column, "probability", "band", "reasons", "mrr"]))
        with cur.copy(pgsql.SQL("COPY {} ({}) FROM STDIN").format(target, columns)) as copy:
            for pk, row in zip(ids.tolist(), scores.rows()):
                copy.write_row((pk, *row))
        cur.execute(pgsql.SQL("ALTER TABLE {} ALTER model_id DROP DEFAULT, ALTER scored_on DROP DEFAULT").format(target))
        shape.build(cur, new, foreign_keys=False)
        cur.execute(pgsql.SQL("ANALYZE {}").format(target))
        cur.execute("SELECT setval(%s, %s)", [new_sequence, max(int(ids.max(initial=0)), last_id)])

        lock_tables(cur, shape.referenced, "SHARE ROW EXCLUSIVE")
        cur.execute(pgsql.SQL("DELETE FROM {} n WHERE NOT EXISTS (SELECT FROM {} c WHERE c.{} = n.{})")
                    .format(target, customers, pgsql.Identifier(customer.target_field.column), pgsql.Identifier(customer.column)))
        shape.build(cur, new, foreign_keys=True)

        lock_tables(cur, [*shape.referenced, shape.ident], "ACCESS EXCLUSIVE")
        shape.swap(cur, new, new_sequence)
    return removed


def lock_tables(cur, tables: list[pgsql.Identifier], mode: str) -> None:
    """`LOCK TABLE … IN <mode> MODE` with a bounded wait, tried LOCK_TRIES times; each try in its own
    savepoint, so a try that times out leaves the transaction usable. The caller's lock_timeout is
    restored afterwards."""
    from psycopg import errors
    from psycopg import sql as pgsql

    statement = pgsql.SQL("LOCK TABLE {} IN " + mode + " MODE").format(pgsql.SQL(", ").join(tables))
    cur.execute("SELECT current_setting('lock_timeout')")
    (previous,) = cur.fetchone()
    cur.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
    for attempt in range(1, LOCK_TRIES + 1):
        cur.execute("SAVEPOINT table_swap_lock")
        try:
            cur.execute(statement)
        except errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT table_swap_lock")
            if attempt == LOCK_TRIES:
                cur.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
                raise
            time.sleep(LOCK_PAUSE)
        else:
            cur.execute("RELEASE SAVEPOINT table_swap_lock")
            break
    cur.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


@dataclass
class TableShape:
    schema: str
    table: str
    key: str  # the identity column
    sequence: str  # its sequence, qualified as pg_get_serial_sequence gives it
    constraints: list[tuple[str, str, str]]  # (name, contype, pg_get_constraintdef)
    indexes: list[tuple[str, bool, str]]  # indexes backing no constraint: (name, unique, their definition from USING on)
    referenced: list[pgsql.Identifier]  # the tables the foreign keys point to
    options: list[str]  # storage parameters (reloptions)
    grants: list[tuple[str, bool, str | None]]  # (privilege, grantable, grantee: a role, or None for PUBLIC)
    comment: str | None

    @classmethod
    def read(cls, cur, table: str, key: str = "id") -> TableShape:
        """The shape of `table` (found through the search path, as Django names it), whose identity
        column is `key`; SwapRefused if it has what a swap would lose."""
        from psycopg import sql as pgsql

        cur.execute(
            """
            SELECT c.oid, n.nspname, c.relkind, c.relpersistence, c.reltablespace, c.relrowsecurity, c.relhasrules,
                   c.relhassubclass OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid),
                   c.reloptions, obj_description(c.oid, 'pg_class'), pg_get_serial_sequence(c.oid::regclass::text, %s),
                   (SELECT array_agg(t.tgname::text) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                   EXISTS (SELECT 1 FROM pg_publication_rel p WHERE p.prrelid = c.oid),
                   EXISTS (SELECT 1 FROM pg_statistic_ext s WHERE s.stxrelid = c.oid),
                   EXISTS (SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                           WHERE x.indrelid = c.oid AND i.reltablespace <> 0),
                   (SELECT a.attidentity FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = %s::regclass
            """,
            [key, key, table],
        )
        (oid, schema, kind, persistence, tablespace, row_security, rules, inherits, options, comment, sequence, triggers,
         published, statistics, index_tablespace, identity) = cur.fetchone()
        refused = [
            reason for reason, present in [
                (f"relkind {kind}", kind != "r"), ("not a logged table", persistence != "p"),
                ("a tablespace", tablespace or index_tablespace), ("row-level security", row_security), ("rules", rules),
                ("inheritance or partitions", inherits), (f"triggers {triggers}", triggers), ("a publication", published),
                ("extended statistics", statistics), (f"{key} is not an identity column", identity not in ("a", "d") or not sequence),
            ] if present
        ]
        if refused:
            raise SwapRefused(f"{table} cannot be swapped without losing: {', '.join(refused)}")
        cur.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s ORDER BY conname", [oid])
        constraints = cur.fetchall()
        if kinds := {kind for _, kind, _ in constraints} - set("pufcx"):
            raise SwapRefused(f"{table} cannot be swapped without losing constraints of kind {sorted(kinds)}")
        cur.execute(
            """
            SELECT i.relname, x.indisunique, pg_get_indexdef(i.oid),
                   'CREATE ' || CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || quote_ident(i.relname)
                   || ' ON ' || quote_ident(%s) || '.' || quote_ident(%s) || ' USING '
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = %s)
            ORDER BY i.relname
            """,
            [schema, table, oid, oid],
        )
        indexes = []
        for name, unique, definition, head in cur.fetchall():
            if not definition.startswith(head):
                raise SwapRefused(f"index {name}: a definition this swap does not know how to rebuild: {definition!r}")
            indexes.append((name, unique, definition[len(head):]))
        cur.execute(
            """
            SELECT DISTINCT n.nspname, c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.conrelid = %s AND k.contype = 'f' ORDER BY 1, 2
            """,
            [oid],
        )
        referenced = [pgsql.Identifier(*row) for row in cur.fetchall()]
        cur.execute(
            """
            SELECT a.privilege_type, a.is_grantable, r.rolname
            FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = %s AND a.grantee <> c.relowner ORDER BY 3, 1
            """,
            [oid],
        )
        grants = cur.fetchall()
        return cls(schema, table, key, sequence, constraints, indexes, referenced, list(options or []), grants, comment)

    @property
    def ident(self) -> pgsql.Identifier:
        from psycopg import sql as pgsql

        return pgsql.Identifier(self.schema, self.table)

    @property
    def foreign_keys(self) -> list[pgsql.Identifier]:
        from psycopg import sql as pgsql

        return [pgsql.Identifier(name) for name, kind, _ in self.constraints if kind == "f"]

    def create(self, cur, new: str) -> str:
        """The new table, with the old one's columns, storage parameters, privileges and comment and no
        index or constraint but NOT NULL yet. Returns its identity sequence (qualified)."""
        from psycopg import sql as pgsql

        ident = pgsql.Identifier(self.schema, new)
        cur.execute(pgsql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS EXCLUDING STATISTICS)")
                    .format(ident, self.ident))
        if self.options:
            cur.execute(pgsql.SQL("ALTER TABLE {} SET (").format(ident) + pgsql.SQL(", ".join(self.options) + ")"))
        for privilege, grantable, grantee in self.grants:
            cur.execute(pgsql.SQL("GRANT " + privilege + " ON {} TO {}").format(ident, pgsql.Identifier(grantee) if grantee else pgsql.SQL("PUBLIC"))
                        + pgsql.SQL(" WITH GRANT OPTION" if grantable else ""))
        if self.comment is not None:
            cur.execute(pgsql.SQL("COMMENT ON TABLE {} IS {}").format(ident, pgsql.Literal(self.comment)))
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [ident.as_string(cur), self.key])
        return cur.fetchone()[0]

    def build(self, cur, new: str, *, foreign_keys: bool) -> None:
        """The old table's constraints and indexes on the new one, under temporary names: all but the
        foreign keys, or only the foreign keys."""
        from psycopg import sql as pgsql

        ident = pgsql.Identifier(self.schema, new)
        for number, (_name, kind, definition) in enumerate(self.constraints):
            if (kind == "f") == foreign_keys:
                cur.execute(pgsql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(ident, self._temporary("c", number)) + pgsql.SQL(definition))
        if not foreign_keys:
            for number, (_name, unique, rest) in enumerate(self.indexes):
                head = pgsql.SQL("CREATE UNIQUE INDEX {} ON {} USING " if unique else "CREATE INDEX {} ON {} USING ")
                cur.execute(head.format(self._temporary("i", number), ident) + pgsql.SQL(rest))

    def swap(self, cur, new: str, new_sequence: str) -> None:
        """Drop the old table; the new one, its identity sequence, constraints and indexes take the old
        names. The caller holds the locks: ACCESS EXCLUSIVE on the table and on the tables its foreign
        keys point to (dropping the old table removes its foreign keys' triggers from those)."""
        from psycopg import sql as pgsql

        cur.execute("SELECT relname FROM pg_class WHERE oid = %s::regclass", [self.sequence])
        (sequence_name,) = cur.fetchone()
        cur.execute(pgsql.SQL("DROP TABLE {}").format(self.ident))
        cur.execute(pgsql.SQL("ALTER TABLE {} RENAME TO {}").format(pgsql.Identifier(self.schema, new), pgsql.Identifier(self.table)))
        cur.execute(pgsql.SQL("ALTER SEQUENCE ") + pgsql.SQL(new_sequence) + pgsql.SQL(" RENAME TO {}").format(pgsql.Identifier(sequence_name)))
        for number, (name, _kind, _definition) in enumerate(self.constraints):
            cur.execute(pgsql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(self.ident, self._temporary("c", number), pgsql.Identifier(name)))
        for number, (name, _unique, _rest) in enumerate(self.indexes):
            cur.execute(pgsql.SQL("ALTER INDEX {}.{} RENAME TO {}").format(pgsql.Identifier(self.schema), self._temporary("i", number), pgsql.Identifier(name)))

    def _temporary(self, kind: str, number: int) -> pgsql.Identifier:
        """A constraint's (c) or index's (i) name until the swap."""
        from psycopg import sql as pgsql

        return pgsql.Identifier(f"{self.table}_swap_{kind}{number}")
