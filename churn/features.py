"""Each customer's churn features at a cut-off day, computed set-based from our own records.

"At a cut-off C" means at the end of day C in the ISP's time zone: every query reads only rows stamped
before that instant (or dated C or earlier), so nothing that happened later can leak into a feature
(`tests/churn/test_features.py` changes the data after the cut-off and expects the same matrix).

The population is the customers counted on C by the analytics rule (docs/metrics.md: an active
subscription, or one suspended for non-payment for fewer than ANALYTICS_CHURN_UNPAID_DAYS days),
read through `customers/sql.py`, the same SQL the analytics snapshot uses. The label of a
customer at C is 1 when they are no longer counted at the end of C + 30 days: cancelled, or unpaid
beyond grace + N days, the analytics definition of a churned customer.

Every source is one grouped SQL statement (PostgreSQL and SQLite) returning one row per customer that
has any such data; the rows are placed into NumPy columns by customer id (searchsorted), so there is
no per-customer Python loop. Windows: tickets, suspensions, speed tests and outages over the 90 days
before C, downgrades over 180, usage over the 30 (and 7) days before C against the 30 (7) before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from billing.selectors import package_monthly_net
from customers.models import Subscription
from customers.sql import counted_case, json_text, last_state_cte
from tickets.models import Ticket

LABEL_DAYS = 30
GB = 1000**3
NO_TRAFFIC_CAP = 60  # days; usage older than the 60-day window is not read
SLOW_SHARE = 0.8  # a speed test below 80 % of the package's download speed counts as slow

# In the order of the matrix's columns. Contract days left is 0 when there is no contract.
FEATURES = (
    "tenure_months",
    "monthly_charge",
    "late_invoices_3",
    "max_days_late_3",
    "open_balance",
    "suspensions_90",
    "usage_30_gb",
    "usage_30_change_pct",
    "usage_7_change_pct",
    "days_since_traffic",
    "idle_days_30",
    "tickets_30",
    "tickets_90",
    "ticket_reopens_90",
    "sla_breaches_90",
    "outage_hours_90",
    "slow_speed_tests_90",
    "downgrades_180",
    "has_contract",
    "contract_days_left",
    "has_reseller",
    "area_suspended_pct_90",
)


@dataclass
class FeatureFrame:
    """The matrix at one cut-off: one row per customer counted on `cutoff`."""

    cutoff: date
    customer_ids: np.ndarray  # int64, sorted
    matrix: np.ndarray  # float64, len(customer_ids) × len(FEATURES)
    mrr_cents: np.ndarray  # int64: each customer's monthly recurring charge in paisa (what leaves with them)
    labels: np.ndarray | None = None  # 1 = churned within LABEL_DAYS after the cut-off

    def column(self, name: str) -> np.ndarray:
        return self.matrix[:, FEATURES.index(name)]

    def mrr(self, index: int) -> Decimal:
        return Decimal(int(self.mrr_cents[index])) / 100


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


# SQL helpers (PostgreSQL and SQLite) ------------------------------------------------------------


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


def _place(ids: np.ndarray, rows: list[tuple] | np.ndarray, width: int) -> np.ndarray:
    """Rows of (customer_id, value…) as a len(ids) × width array (0 where a customer has no row);
    rows of customers outside the population are dropped."""
    out = np.zeros((len(ids), width), dtype=np.float64)
    if not len(rows) or not len(ids):
        return out
    data = rows if isinstance(rows, np.ndarray) else np.nan_to_num(np.array(rows, dtype=np.float64))  # NULL is NaN, then 0
    keys = data[:, 0].astype(np.int64)
    pos = np.searchsorted(ids, keys)
    pos_clipped = np.minimum(pos, len(ids) - 1)
    found = ids[pos_clipped] == keys
    out[pos_clipped[found]] = data[found, 1:]
    return out


def _subscription_ct() -> int:
    return ContentType.objects.get_for_model(Subscription).pk


# Population and labels ----------------------------------------------------------------------------


def _standing_rows(day: date, horizon: date | None) -> list[tuple]:
    """Per counted subscription on `day`: (customer id, subscription id, package on `day`, customer
    since, has reseller, area id, counted at the end of `horizon` — 1 when no horizon)."""
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


# The features, source by source ---------------------------------------------------------------------


def counted_customer_ids(day: date) -> set[int]:
    """The customers counted (docs/metrics.md: in MRR) at the end of `day`, by the shared rule in
    customers/sql.py — what the retention report checks an action's outcome against."""
    return {row[0] for row in _standing_rows(day, None)}


def _invoice_rows(day: date) -> list[tuple]:
    """(customer, late invoices among the last three due, most days late among them, open balance):
    allocations count only when made before the cut-off's end.

    One statement and one pass over the invoices: each invoice is joined to its allocations once (not
    once per worker and per feature, as two statements with a grouped sub-query were), then ranked
    among the customer's invoices due before C, and both the lateness and the balance are summed in
    the same grouping."""
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


def _suspension_rows(day: date) -> list[tuple]:
    """(customer, suspensions for non-payment in the 90 days before the cut-off's end)."""
    sql = f"""SELECT sub.customer_id, COUNT(*) FROM core_auditlog log
        JOIN customers_subscription sub ON log.object_id = CAST(sub.id AS TEXT)
        WHERE log.content_type_id = %(ct)s AND log.action = 'subscription.suspend'
          AND {json_text('log.after', 'suspension_type')} = 'non_payment'
          AND log.at >= %(since)s AND log.at < %(bound)s
        GROUP BY sub.customer_id"""
    bound = end_of_day(day)
    return _rows(sql, _params(ct=_subscription_ct(), since=bound - timedelta(days=90), bound=bound))


def _usage_rows(day: date) -> list[tuple]:
    """Per subscription with traffic in the 60 days to the cut-off, ordered by customer: (customer,
    bytes in the 7 days to the cut-off, the 7 before, the 30 to the cut-off, the 30 before, the last
    day with traffic as days before the cut-off, and a bit mask of the days with traffic among the
    last 30: bit k set = traffic on C − k).

    Grouped by subscription straight off the usage table and only then joined to the customer (a join
    of every usage row first, and a COUNT(DISTINCT day) per customer, made PostgreSQL sort every row).
    A subscription has one row per day (`usage_daily_unique`), so the sum of 2^k over its days is the
    bitwise OR; a customer's several subscriptions are OR-ed in `_usage_by_customer`, which keeps the
    distinct days of the customer exact.

    The daily scoring reads the same rows from the usage windows kept day by day instead
    (`churn/usage_windows.py`, `features_at(..., incremental_usage=True)`); both are written with the
    two statements below."""
    return _rows(usage_select(f"({usage_grouped_sql()})"), usage_params(day))


def usage_grouped_sql() -> str:
    """One row per subscription with traffic in the 60 days to %(day)s, straight off the usage table:
    (subscription_id, b7, b7_before, b30, b30_before, last_day, mask), the sums in bytes as integers
    (the columns of `churn.UsageWindow`). Parameters: `usage_params`."""
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
    """`_usage_rows`'s rows read from `source` (a table or a parenthesised query with the columns of
    `usage_grouped_sql`), joined to the subscription's customer and ordered by customer (then
    subscription, so that the order is the same whichever source is read)."""
    return f"""SELECT sub.customer_id, CAST(w.b7 AS DOUBLE PRECISION), CAST(w.b7_before AS DOUBLE PRECISION),
            CAST(w.b30 AS DOUBLE PRECISION), CAST(w.b30_before AS DOUBLE PRECISION),
            {_days_between('%(day)s', 'w.last_day')}, w.mask
        FROM {source} w JOIN customers_subscription sub ON sub.id = w.subscription_id
        ORDER BY sub.customer_id, sub.id"""


def usage_params(day: date) -> dict:
    return _params(day=day, d7=day - timedelta(days=7), d14=day - timedelta(days=14), d30=day - timedelta(days=30),
                   d60=day - timedelta(days=NO_TRAFFIC_CAP))


def _usage_by_customer(rows: list[tuple]) -> np.ndarray:
    """`_usage_rows` per customer: (customer, the four sums, fewest days since traffic, days with
    traffic in the last 30 — the distinct days of all the customer's subscriptions)."""
    if not rows:
        return np.zeros((0, 7), dtype=np.float64)
    data = np.nan_to_num(np.array(rows, dtype=np.float64))
    keys = data[:, 0].astype(np.int64)
    ids, first = np.unique(keys, return_index=True)  # rows come ordered by customer
    sums = np.add.reduceat(data[:, 1:5], first, axis=0)
    since = np.minimum.reduceat(data[:, 5], first)
    masks = np.bitwise_or.reduceat(data[:, 6].astype(np.int64), first)
    days = np.zeros(len(masks), dtype=np.int64)
    for bit in range(30):
        days += (masks >> bit) & 1
    return np.column_stack([ids, sums, since, days])


def _ticket_rows(day: date) -> tuple[list[tuple], list[tuple]]:
    """(customer, tickets opened in 30 days, in 90, of those in 90 breached by the cut-off) and
    (customer, reopens in 90 days)."""
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


def _outage_hours_by_area(day: date) -> dict[int, float]:
    """Hours of declared outages (active or restored) touching each area in the 90 days before the
    cut-off's end, as known then: an outage recorded later, or its restoration after, does not count."""
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


def _speed_rows(day: date) -> list[tuple]:
    bound = end_of_day(day)
    sql = """SELECT customer_id, COUNT(*) FROM customers_speedtestresult
        WHERE created_at >= %(since)s AND created_at < %(bound)s AND package_download_mbps IS NOT NULL
          AND download_mbps < package_download_mbps * %(share)s
        GROUP BY customer_id"""
    return _rows(sql, _params(since=bound - timedelta(days=90), bound=bound, share=SLOW_SHARE))


def _downgrade_rows(day: date) -> list[tuple]:
    sql = """SELECT sub.customer_id, COUNT(*) FROM billing_packagechange pc
        JOIN customers_subscription sub ON sub.id = pc.subscription_id
        JOIN customers_package f ON f.id = pc.from_package_id
        JOIN customers_package t ON t.id = pc.to_package_id
        WHERE pc.status = 'applied' AND pc.applied_at < %(bound)s AND pc.effective_date > %(since)s
          AND pc.effective_date <= %(day)s AND t.price < f.price
        GROUP BY sub.customer_id"""
    return _rows(sql, _params(bound=end_of_day(day), day=day, since=day - timedelta(days=180)))


def _contract_rows(day: date) -> list[tuple]:
    """(customer, 1, days left on the latest-ending contract in force at the cut-off)."""
    sql = f"""SELECT customer_id, 1, MAX({_days_between('end_date', '%(day)s')}) FROM contracts_contract
        WHERE signed_at < %(bound)s AND start_date <= %(day)s AND end_date >= %(day)s
          AND (ended_at IS NULL OR ended_at >= %(bound)s)
        GROUP BY customer_id"""
    return _rows(sql, _params(bound=end_of_day(day), day=day))


# The frame ------------------------------------------------------------------------------------------


def _change_pct(recent: np.ndarray, before: np.ndarray) -> np.ndarray:
    """(recent − before) ÷ before × 100; 0 without traffic before (nothing to compare)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(before > 0, (recent - before) / np.where(before > 0, before, 1) * 100, 0.0)
    return np.clip(pct, -100.0, 500.0)


def features_at(day: date, *, with_labels: bool = False, incremental_usage: bool = False) -> FeatureFrame:
    """The feature matrix of every customer counted on `day` (with labels: churned by `day` + 30).

    With `incremental_usage` (the daily scoring) the usage columns are read from the usage windows,
    brought to `day` day by day (`churn/usage_windows.py`) instead of by a scan of 60 days of usage;
    the same values, except for usage edited after its day was rolled in, which the windows miss until
    their next rebuild (weekly, with training). Training reads usage in full at each cut-off."""
    standing = _standing_rows(day, day + timedelta(days=LABEL_DAYS) if with_labels else None)
    prices = package_monthly_net()
    # One row per counted subscription, ordered by customer: a customer's rows are one run.
    rows = np.array([(r[0], r[2], _as_date(r[3]).toordinal(), r[4], r[5], r[6]) for r in standing], dtype=np.int64).reshape(-1, 6)
    ids, first = np.unique(rows[:, 0], return_index=True)
    n = len(ids)
    price_cents = np.zeros(max(prices, default=0) + 1, dtype=np.int64)
    for package_id, price in prices.items():
        price_cents[package_id] = int(price * 100)
    sub_cents = price_cents[rows[:, 1]] if n else np.zeros(0, dtype=np.int64)
    mrr_cents = np.add.reduceat(sub_cents, first) if n else np.zeros(0, dtype=np.int64)
    matrix = np.zeros((n, len(FEATURES)), dtype=np.float64)
    col = {name: i for i, name in enumerate(FEATURES)}
    matrix[:, col["tenure_months"]] = np.maximum(day.toordinal() - rows[first, 2], 0) / 30.44
    matrix[:, col["monthly_charge"]] = mrr_cents / 100
    matrix[:, col["has_reseller"]] = rows[first, 3]
    area = rows[first, 4]

    matrix[:, [col["late_invoices_3"], col["max_days_late_3"], col["open_balance"]]] = _place(ids, _invoice_rows(day), 3)
    matrix[:, col["suspensions_90"]] = _place(ids, _suspension_rows(day), 1)[:, 0]

    if incremental_usage:
        from .usage_windows import usage_windows_at  # builds on this module's usage statements

        usage = _usage_by_customer(usage_windows_at(day))
    else:
        usage = _usage_by_customer(_usage_rows(day))
    u = _place(ids, usage, 6)
    has_usage = np.isin(ids, usage[:, 0].astype(np.int64))
    matrix[:, col["usage_30_gb"]] = u[:, 2] / GB
    matrix[:, col["usage_30_change_pct"]] = _change_pct(u[:, 2], u[:, 3])
    matrix[:, col["usage_7_change_pct"]] = _change_pct(u[:, 0], u[:, 1])
    # No traffic in the window: as long as the window (or the customer's tenure, if shorter).
    tenure_days = matrix[:, col["tenure_months"]] * 30.44
    matrix[:, col["days_since_traffic"]] = np.where(has_usage, u[:, 4], np.minimum(NO_TRAFFIC_CAP, tenure_days))
    matrix[:, col["idle_days_30"]] = np.maximum(np.minimum(30, np.round(tenure_days)) - u[:, 5], 0)

    tickets, reopens = _ticket_rows(day)
    matrix[:, [col["tickets_30"], col["tickets_90"], col["sla_breaches_90"]]] = _place(ids, tickets, 3)
    matrix[:, col["ticket_reopens_90"]] = _place(ids, reopens, 1)[:, 0]
    outage_hours = _outage_hours_by_area(day)
    if outage_hours and n:
        lookup = np.vectorize(lambda a: outage_hours.get(int(a), 0.0), otypes=[np.float64])
        matrix[:, col["outage_hours_90"]] = lookup(area)
    matrix[:, col["slow_speed_tests_90"]] = _place(ids, _speed_rows(day), 1)[:, 0]
    matrix[:, col["downgrades_180"]] = _place(ids, _downgrade_rows(day), 1)[:, 0]
    matrix[:, [col["has_contract"], col["contract_days_left"]]] = _place(ids, _contract_rows(day), 2)
    if n:
        # The share of the area's counted customers suspended for non-payment in the 90 days: a
        # neighbourhood's payment climate, without naming areas (which do not generalise).
        _, inverse = np.unique(area, return_inverse=True)
        suspended = (matrix[:, col["suspensions_90"]] > 0).astype(np.float64)
        totals = np.bincount(inverse)
        matrix[:, col["area_suspended_pct_90"]] = np.bincount(inverse, weights=suspended)[inverse] / totals[inverse] * 100

    labels = None
    if with_labels:
        # A customer is still counted at the horizon when any of their subscriptions is (the SQL's window).
        labels = (rows[first, 5] == 0).astype(np.int8)
    return FeatureFrame(cutoff=day, customer_ids=ids, matrix=matrix, mrr_cents=mrr_cents, labels=labels)


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
