"""The dashboard's raw SQL: every statement the analytics snapshot sends through a cursor, and every
difference between PostgreSQL and SQLite in the dashboard, live in this module
(tests/core/test_raw_sql_places.py holds the line). Tested on both databases by
tests/dashboard/test_metrics.py, which holds the snapshot equal to the ORM's on-the-fly figures.

The snapshot's subscription frame is one set-based SQL statement (PostgreSQL and SQLite). For every
subscription: its state at the end of the previous month (`s_…`) and at the end of the day (`e_…`),
from the last lifecycle transition before each instant (a window function over the audit log) and
the package it was on (a window function over the applied package changes), joined once: no per-row
lookups, so the database can hash-join and aggregate in one pass. The rules are those of
`metrics._counted_on` (docs/metrics.md), stated in SQL once in `customers/sql.py` (churn's labels
read the same), and for MRR also `metrics._paid_on` (the first invoice paid) and `metrics._discount_on`
(a retention discount), stated here; the on-the-fly selectors express them with the ORM, and the tests hold the two equal.

Why not the ORM: it has no window function inside a CTE joined back to its table, no join from the
audit log (object_id is text) to subscriptions, and no temporary tables; computing the frame once
into a temporary table and grouping it three ways reads the audit log once instead of three times.
"""

from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from customers.models import Subscription
from customers.sql import LIFECYCLE_ACTIONS, counted_case, last_state_cte


def jit_off() -> None:
    """PostgreSQL, for the rest of the transaction: no JIT compilation. The planner's cost estimates
    for these one-off scans switch it on, and it costs more (about a second per query) than the
    queries themselves. Why SQL: planner settings have no ORM API; SQLite has no JIT."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def snapshot_lock() -> None:
    """PostgreSQL, until the transaction ends: one writer of snapshot rows at a time (today's rewrite
    every few minutes and the 01:40 nightly job may meet; each deletes a day's rows and inserts them
    again, and two at once would collide on the rows' unique key). Why SQL: advisory locks have no ORM
    API; SQLite lets one writer in at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", SNAPSHOT_LOCK)


SNAPSHOT_LOCK = (7_304, 1)  # the snapshot writers' advisory lock (PostgreSQL; 7_301–7_303: resellers, churn, payments)


# The incremental snapshot limits every scan to the subscriptions of the customers touched on the day
# (a temporary table `analytics_touched`, see `touched_sql`); the full one reads everything.
TOUCHED_OBJECTS = " AND object_id IN (SELECT object_key FROM analytics_touched)"
TOUCHED_SUBSCRIPTIONS = " AND subscription_id IN (SELECT subscription_id FROM analytics_touched)"


def _package(name: str, *, before: bool, touched: bool) -> str:
    """The last applied change effective by the day (`before`), or the first one after it."""
    op, order, column = ("<=", "DESC", "to_package_id") if before else (">", "ASC", "from_package_id")
    day = f"%({name.split('_')[0]}_day)s"
    return f"""{name} AS (
        SELECT subscription_id, package_id FROM (
            SELECT subscription_id, {column} AS package_id,
                   ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY effective_date {order}, id {order}) AS rn
            FROM billing_packagechange WHERE status = 'applied' AND effective_date {op} {day}{TOUCHED_SUBSCRIPTIONS if touched else ""}
        ) ranked WHERE rn = 1
    )"""


def _first_invoice(*, touched: bool) -> str:
    """Each subscription's first invoice (docs/metrics.md, "First paid invoice"): the earliest issued,
    neither void nor draft, with a line for it."""
    only_touched = " AND il.subscription_id IN (SELECT subscription_id FROM analytics_touched)" if touched else ""
    return f"""first_invoice AS (
        SELECT subscription_id, invoice_id FROM (
            SELECT il.subscription_id, il.invoice_id,
                   ROW_NUMBER() OVER (PARTITION BY il.subscription_id ORDER BY inv.issue_date, inv.id) AS rn
            FROM billing_invoiceline il JOIN billing_invoice inv ON inv.id = il.invoice_id
            WHERE il.subscription_id IS NOT NULL AND inv.status NOT IN ('void', 'draft'){only_touched}
        ) ranked WHERE rn = 1
    )"""


def _paid(side: str) -> str:
    """`<side>_paid`: the subscriptions whose first invoice, issued by the side's day, was fully paid at
    its end (allocations made by then add up to its total; half a paisa to spare for SQLite's floats)."""
    return f"""{side}_paid AS (
        SELECT fi.subscription_id FROM first_invoice fi JOIN billing_invoice inv ON inv.id = fi.invoice_id
        WHERE inv.issue_date <= %({side}_day)s
          AND COALESCE((SELECT SUM(a.amount) FROM billing_allocation a
                        WHERE a.invoice_id = fi.invoice_id AND a.created_at < %({side}_bound)s), 0) + 0.005 >= inv.total
    )"""


def _discount(side: str, *, touched: bool) -> str:
    """`<side>_discount`: the retention discount (percent) applying on the side's day: from the offer's
    first day to the last day of its window, until it is withdrawn."""
    return f"""{side}_discount AS (
        SELECT subscription_id, MAX(percent) AS percent FROM churn_retentionoffer
        WHERE kind = 'discount' AND starts_on <= %({side}_day)s AND ends_on >= %({side}_day)s
          AND NOT (status = 'withdrawn' AND ended_at < %({side}_bound)s){TOUCHED_SUBSCRIPTIONS if touched else ""}
        GROUP BY subscription_id
    )"""


def frame_sql(*, start_day: date, day: date, start_bound: datetime, end_bound: datetime, first_instant: datetime,
              unpaid_days: int, end_of_day, touched: bool = False) -> tuple[str, dict]:
    """The WITH … frame AS (…) prefix, one row per subscription counted at either side, and its params;
    `touched`: only the subscriptions listed in the temporary table `analytics_touched`."""
    only_touched = TOUCHED_OBJECTS if touched else ""
    sql = f"""WITH {last_state_cte('s', extra_where=only_touched)}, {last_state_cte('e', extra_where=only_touched)},
        {_package('s_before', before=True, touched=touched)}, {_package('s_after', before=False, touched=touched)},
        {_package('e_before', before=True, touched=touched)}, {_package('e_after', before=False, touched=touched)},
        {_first_invoice(touched=touched)}, {_paid('s')}, {_paid('e')},
        {_discount('s', touched=touched)}, {_discount('e', touched=touched)},
        frame AS (
            SELECT * FROM (
                SELECT sub.id AS subscription_id, sub.customer_id, cust.branch_id, cust.area_id,
                       COALESCE(cust.reseller_id, 0) AS reseller_id,
                       CASE WHEN sp.subscription_id IS NULL THEN 0 ELSE {counted_case('s')} END AS s_counted,
                       CASE WHEN ep.subscription_id IS NULL THEN 0 ELSE {counted_case('e')} END AS e_counted,
                       COALESCE(sb.package_id, sa.package_id, sub.package_id) AS s_package,
                       COALESCE(eb.package_id, ea.package_id, sub.package_id) AS e_package,
                       COALESCE(sd.percent, 0) AS s_discount, COALESCE(ed.percent, 0) AS e_discount,
                       CASE WHEN sub.activated_at < %(first_instant)s AND sp.subscription_id IS NOT NULL
                            THEN 1 ELSE 0 END AS ever,
                       CASE WHEN e.object_id IS NOT NULL AND e.status = 'suspended' AND e.kind = 'customer_request'
                            THEN 1 ELSE 0 END AS e_paused,
                       e.status AS e_status
                FROM {"analytics_touched touched JOIN customers_subscription sub ON sub.id = touched.subscription_id"
                      if touched else "customers_subscription sub"}
                JOIN customers_customer cust ON cust.id = sub.customer_id
                LEFT JOIN s ON s.object_id = CAST(sub.id AS TEXT)
                LEFT JOIN e ON e.object_id = CAST(sub.id AS TEXT)
                LEFT JOIN s_before sb ON sb.subscription_id = sub.id
                LEFT JOIN s_after sa ON sa.subscription_id = sub.id
                LEFT JOIN e_before eb ON eb.subscription_id = sub.id
                LEFT JOIN e_after ea ON ea.subscription_id = sub.id
                LEFT JOIN s_paid sp ON sp.subscription_id = sub.id
                LEFT JOIN e_paid ep ON ep.subscription_id = sub.id
                LEFT JOIN s_discount sd ON sd.subscription_id = sub.id
                LEFT JOIN e_discount ed ON ed.subscription_id = sub.id
            ) per_subscription
            WHERE s_counted = 1 OR e_counted = 1
        )"""
    params = {
        "ct": ContentType.objects.get_for_model(Subscription).pk,
        "s_bound": start_bound, "e_bound": end_bound, "s_day": start_day, "e_day": day,
        "s_churn": end_of_day(start_day - timedelta(days=unpaid_days)),
        "e_churn": end_of_day(day - timedelta(days=unpaid_days)),
        "first_instant": first_instant,
    }
    return sql, params


GROUPS = """SELECT branch_id, area_id, reseller_id, s_counted, e_counted, s_package, e_package, s_discount, e_discount, ever,
        e_paused, COUNT(*)
    FROM analytics_frame GROUP BY branch_id, area_id, reseller_id, s_counted, e_counted, s_package, e_package, s_discount,
        e_discount, ever, e_paused"""
# A customer with a connection counted or paused at the end has not left (a pause is not churn).
CUSTOMERS = """SELECT branch_id, area_id, reseller_id,
        COUNT(DISTINCT customer_id),
        COUNT(DISTINCT CASE WHEN s_counted = 1 THEN customer_id END),
        COUNT(DISTINCT CASE WHEN e_counted = 1 THEN customer_id END),
        COUNT(DISTINCT CASE WHEN e_counted = 1 OR e_paused = 1 THEN customer_id END)
    FROM analytics_frame GROUP BY branch_id, area_id, reseller_id"""
PACKAGE_CUSTOMERS = """SELECT branch_id, e_package, COUNT(DISTINCT customer_id)
    FROM analytics_frame WHERE e_counted = 1 GROUP BY branch_id, e_package"""


def _adapt(params: dict) -> dict:
    """Dates and datetimes as the ORM sends them (SQLite stores them as text)."""
    ops = connection.ops
    return {
        k: ops.adapt_datetimefield_value(v) if isinstance(v, datetime)
        else ops.adapt_datefield_value(v) if isinstance(v, date) else v
        for k, v in params.items()
    }


def frame_aggregates(**kwargs) -> tuple[list, list, list]:
    """(groups, customer counts, package customer counts) of the frame: the frame is computed once into
    a temporary table (dropped at the end), then three grouped reads of it. Runs inside a transaction.
    Why SQL: CREATE TEMPORARY TABLE … AS and reads of a table no model maps have no ORM API."""
    sql, params = frame_sql(**kwargs)
    params = _adapt(params)
    results = []
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS analytics_frame")
        cursor.execute(f"CREATE TEMPORARY TABLE analytics_frame AS {sql} SELECT * FROM frame", params)
        try:
            for query in (GROUPS, CUSTOMERS, PACKAGE_CUSTOMERS):
                cursor.execute(query)
                results.append(cursor.fetchall())
        finally:
            cursor.execute("DROP TABLE analytics_frame")
    return tuple(results)


FRAME_COLUMNS = ("subscription_id", "customer_id", "branch_id", "area_id", "reseller_id", "s_counted", "e_counted", "s_package",
                 "e_package", "s_discount", "e_discount", "ever", "e_paused", "e_status")


def frame_rows(**kwargs) -> list[dict]:
    """The frame's rows, one per subscription counted at either side: what the drill-downs list, so a
    list adds up to its tile by the same statement. Why SQL: the frame is this module's statement."""
    sql, params = frame_sql(**kwargs)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} SELECT {', '.join(FRAME_COLUMNS)} FROM frame", _adapt(params))
        return [dict(zip(FRAME_COLUMNS, row)) for row in cursor.fetchall()]


def touched_sql(timestamp_ids: int) -> str:
    """Every subscription of the customers whose subscriptions may have changed state between the end
    of the day before and the end of the day: a lifecycle transition on the day; a suspension for
    non-payment exactly `unpaid_days` earlier (it turns from past due into churned at this day's end);
    a package change taking effect on the day; an allocation made on the day to, or an invoice issued on
    the day with, a line for it (its first invoice may have become paid); a retention discount starting,
    ending (its window ended the day before) or withdrawn on the day; or, without history, an activated/suspended/cancelled
    timestamp on it (`timestamp_ids` of them, passed as %(ts0)s…, found by the caller with one scan
    for a whole backfill). All the customer's subscriptions, because customer counts are distinct."""
    actions = ", ".join(f"'{a}'" for a in LIFECYCLE_ACTIONS)
    stamped = ", ".join(f"%(ts{i})s" for i in range(timestamp_ids))
    changed = f"""
        SELECT CAST(object_id AS INTEGER) AS id FROM core_auditlog
        WHERE content_type_id = %(ct)s AND action IN ({actions})
          AND ((at >= %(day_start)s AND at < %(day_end)s) OR (at >= %(churn_start)s AND at < %(churn_end)s))
        UNION SELECT subscription_id FROM billing_packagechange WHERE status = 'applied' AND effective_date = %(day)s
        UNION SELECT il.subscription_id FROM billing_allocation a JOIN billing_invoiceline il ON il.invoice_id = a.invoice_id
        WHERE a.created_at >= %(day_start)s AND a.created_at < %(day_end)s AND il.subscription_id IS NOT NULL
        UNION SELECT il.subscription_id FROM billing_invoice inv JOIN billing_invoiceline il ON il.invoice_id = inv.id
        WHERE inv.issue_date = %(day)s AND il.subscription_id IS NOT NULL
        UNION SELECT subscription_id FROM churn_retentionoffer WHERE kind = 'discount' AND (starts_on = %(day)s
            OR ends_on = %(day_before)s OR (status = 'withdrawn' AND ended_at >= %(day_start)s AND ended_at < %(day_end)s))
        {f"UNION SELECT id FROM customers_subscription WHERE id IN ({stamped})" if timestamp_ids else ""}"""
    return f"""SELECT sub.id AS subscription_id, CAST(sub.id AS TEXT) AS object_key, sub.customer_id
        FROM customers_subscription sub WHERE sub.customer_id IN (
            SELECT customer_id FROM customers_subscription WHERE id IN ({changed}))"""


def with_touched(day: date, *, day_start: datetime, day_end: datetime, churn_start: datetime, churn_end: datetime,
                 stamped: set[int], work):
    """Run `work()` with the temporary table `analytics_touched` filled for `day` (`stamped`: the
    subscriptions with a timestamp on the day); returns its result and the number of subscriptions
    touched. Runs inside a transaction. Why SQL: a temporary table the frame's statement joins (no ORM
    API), analysed on PostgreSQL so that its planner knows how few rows it holds."""
    stamped = sorted(stamped)
    params = _adapt({
        "ct": ContentType.objects.get_for_model(Subscription).pk, "day": day, "day_before": day - timedelta(days=1),
        "day_start": day_start, "day_end": day_end,
        "churn_start": churn_start, "churn_end": churn_end, **{f"ts{i}": pk for i, pk in enumerate(stamped)},
    })
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS analytics_touched")
        cursor.execute(f"CREATE TEMPORARY TABLE analytics_touched AS {touched_sql(len(stamped))}", params)
        cursor.execute("SELECT COUNT(*) FROM analytics_touched")
        count = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE analytics_touched")
        try:
            return work(), count
        finally:
            cursor.execute("DROP TABLE analytics_touched")
