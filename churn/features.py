"""Each customer's churn features at a cut-off day, computed set-based from our own records.

"At a cut-off C" means at the end of day C in the ISP's time zone: every query reads only rows stamped
before that instant (or dated C or earlier), so nothing that happened later can leak into a feature
(`tests/churn/test_features.py` changes the data after the cut-off and expects the same matrix).

The population is the customers counted on C by the analytics rule (docs/metrics.md: an active
subscription, or one suspended for non-payment for fewer than ANALYTICS_CHURN_UNPAID_DAYS days),
read through `customers/sql.py`, the same SQL the analytics snapshot uses. The label of a
customer at C is 1 when they are no longer counted at the end of C + 30 days: cancelled, or unpaid
beyond grace + N days, the analytics definition of a churned customer.

Every source is one grouped SQL statement (PostgreSQL and SQLite; written in `churn/sql.py`, with the
rest of churn's raw SQL) returning one row per customer that has any such data; the rows are placed
into NumPy columns by customer id (searchsorted), so there is no per-customer Python loop. Windows: tickets, suspensions, speed tests and outages over the 90 days
before C, downgrades over 180, usage over the 30 (and 7) days before C against the 30 (7) before;
the customer's ONU offline hours and weak-signal days over the 30 days before C (fibre's selector:
status events and daily Rx roll-ups; 0 for a customer without a matched ONU).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from billing.selectors import package_monthly_net
from fibre.selectors import customer_fibre_rows

from . import sql
from .sql import NO_TRAFFIC_CAP, as_date
from .usage_windows import usage_windows_at

LABEL_DAYS = 30
GB = 1000**3

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
    "onu_offline_hours_30",
    "weak_signal_days_30",
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


def counted_customer_ids(day: date) -> set[int]:
    """The customers counted (docs/metrics.md: in MRR) at the end of `day`, by the shared rule in
    customers/sql.py — what the retention report checks an action's outcome against."""
    return {row[0] for row in sql.standing_rows(day, None)}


def _usage_by_customer(rows: list[tuple]) -> np.ndarray:
    """`sql.usage_rows` per customer: (customer, the four sums, fewest days since traffic, days with
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
    standing = sql.standing_rows(day, day + timedelta(days=LABEL_DAYS) if with_labels else None)
    prices = package_monthly_net()
    # One row per counted subscription, ordered by customer: a customer's rows are one run.
    rows = np.array([(r[0], r[2], as_date(r[3]).toordinal(), r[4], r[5], r[6]) for r in standing], dtype=np.int64).reshape(-1, 6)
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

    matrix[:, [col["late_invoices_3"], col["max_days_late_3"], col["open_balance"]]] = _place(ids, sql.invoice_rows(day), 3)
    matrix[:, col["suspensions_90"]] = _place(ids, sql.suspension_rows(day), 1)[:, 0]

    if incremental_usage:
        usage = _usage_by_customer(usage_windows_at(day))
    else:
        usage = _usage_by_customer(sql.usage_rows(day))
    u = _place(ids, usage, 6)
    has_usage = np.isin(ids, usage[:, 0].astype(np.int64))
    matrix[:, col["usage_30_gb"]] = u[:, 2] / GB
    matrix[:, col["usage_30_change_pct"]] = _change_pct(u[:, 2], u[:, 3])
    matrix[:, col["usage_7_change_pct"]] = _change_pct(u[:, 0], u[:, 1])
    # No traffic in the window: as long as the window (or the customer's tenure, if shorter).
    tenure_days = matrix[:, col["tenure_months"]] * 30.44
    matrix[:, col["days_since_traffic"]] = np.where(has_usage, u[:, 4], np.minimum(NO_TRAFFIC_CAP, tenure_days))
    matrix[:, col["idle_days_30"]] = np.maximum(np.minimum(30, np.round(tenure_days)) - u[:, 5], 0)

    tickets, reopens = sql.ticket_rows(day)
    matrix[:, [col["tickets_30"], col["tickets_90"], col["sla_breaches_90"]]] = _place(ids, tickets, 3)
    matrix[:, col["ticket_reopens_90"]] = _place(ids, reopens, 1)[:, 0]
    outage_hours = sql.outage_hours_by_area(day)
    if outage_hours and n:
        lookup = np.vectorize(lambda a: outage_hours.get(int(a), 0.0), otypes=[np.float64])
        matrix[:, col["outage_hours_90"]] = lookup(area)
    matrix[:, col["slow_speed_tests_90"]] = _place(ids, sql.speed_rows(day), 1)[:, 0]
    matrix[:, col["downgrades_180"]] = _place(ids, sql.downgrade_rows(day), 1)[:, 0]
    matrix[:, [col["has_contract"], col["contract_days_left"]]] = _place(ids, sql.contract_rows(day), 2)
    if n:
        # The share of the area's counted customers suspended for non-payment in the 90 days: a
        # neighbourhood's payment climate, without naming areas (which do not generalise).
        _, inverse = np.unique(area, return_inverse=True)
        suspended = (matrix[:, col["suspensions_90"]] > 0).astype(np.float64)
        totals = np.bincount(inverse)
        matrix[:, col["area_suspended_pct_90"]] = np.bincount(inverse, weights=suspended)[inverse] / totals[inverse] * 100

    if n:
        bound = sql.end_of_day(day)
        fibre = _place(ids, customer_fibre_rows(start=bound - timedelta(days=30), end=bound), 2)
        matrix[:, [col["onu_offline_hours_30"], col["weak_signal_days_30"]]] = fibre

    labels = None
    if with_labels:
        # A customer is still counted at the horizon when any of their subscriptions is (the SQL's window).
        labels = (rows[first, 5] == 0).astype(np.int8)
    return FeatureFrame(cutoff=day, customer_ids=ids, matrix=matrix, mrr_cents=mrr_cents, labels=labels)
