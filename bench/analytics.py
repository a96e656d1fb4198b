"""Analytics at scale: the nightly snapshot, a backfill, and the dashboards' server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/analytics.py --customers 100000 --months 24

Uses its own database (`ispbill_bench_analytics`), loads N customers with one subscription each
(bench/_common.py's loader: 85 % active, 8 % suspended for non-payment, 4 % pending, 3 % cancelled,
activated up to five years back), then `--months` months of history written with set-based SQL:
one invoice per subscription per month it was active (package price + 15 % VAT, issued 7 days before
the month, due on its 1st), a completed payment and an allocation two days before the due date for
90 % of them (every 10th subscription leaves its latest invoice open). Then it times:

1. one day computed from scratch (the day before yesterday), then the nightly job
   (`snapshot_metrics_nightly`: yesterday's and today's rows, each from the day before);
2. a backfill of `--backfill-days` days before those (`metrics_snapshot_backfill`: the first day from
   scratch, every other from the day before), and the 12-month figure it implies (per-day time × 365)
   unless `--backfill-days 365`;
3. the dashboards in-process through Django's test client, signed in with the Admin role (not a
   superuser): the staff home, the owner dashboard and the JSON summary, `--repeat` times each,
   interleaved, with p50/p95/max wall time and the SQL time. The snapshot table is filled to 12
   months first (the backfilled days, and copies of them for the rest), so the dashboards read a
   table of the size they would in production.
Run by hand; not part of the test suite. See bench/README.md for the figures.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_admin, load_customers, loaded_size, setup_django  # noqa: E402 (after the path insert)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--db-name", default="ispbill_bench_analytics")
    parser.add_argument("--backfill-days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


HISTORY_SQL = """
INSERT INTO billing_invoice (number, customer_id, status, issue_date, due_date, subtotal, vat_total, total, vat_rate,
                             amount_paid, late_fee_applied, void_reason, created_at)
SELECT 'BI-' || s.id || '-' || m.n, s.customer_id,
       CASE WHEN m.n = 0 AND s.id %% 10 = 0 THEN 'open' ELSE 'paid' END,
       m.ms - 7, m.ms, p.price, round(p.price * 0.15, 2), p.price + round(p.price * 0.15, 2), 15,
       CASE WHEN m.n = 0 AND s.id %% 10 = 0 THEN 0 ELSE p.price + round(p.price * 0.15, 2) END,
       false, '', (m.ms - 7) + time '02:30'
FROM customers_subscription s
JOIN customers_package p ON p.id = s.package_id
CROSS JOIN LATERAL (
    SELECT n, (date_trunc('month', current_date) - make_interval(months => n))::date AS ms FROM generate_series(0, %(months)s - 1) n
) m
WHERE s.activated_at IS NOT NULL AND s.activated_at::date <= m.ms
  AND (s.suspended_at IS NULL OR m.ms < s.suspended_at::date)
  AND (s.cancelled_at IS NULL OR m.ms < s.cancelled_at::date)
"""
PAYMENTS_SQL = """
INSERT INTO payments_payment (customer_id, amount, method, reference, status, receipt_number, received_at, note,
                              reversal_reason, created_at)
SELECT customer_id, total, CASE WHEN id %% 3 = 0 THEN 'bkash' ELSE 'cash' END, 'BENCH' || id, 'completed', 'BR-' || id,
       ((due_date - 2) + time '12:00') AT TIME ZONE 'Asia/Dhaka', '', '', ((due_date - 2) + time '12:00') AT TIME ZONE 'Asia/Dhaka'
FROM billing_invoice WHERE status = 'paid'
"""
AUDIT_SQL = """
INSERT INTO core_auditlog (at, action, content_type_id, object_id, object_repr, reason, before, after)
SELECT t.at, t.action, %(content_type)s, s.id::text, s.username, t.reason, NULL, t.after::jsonb
FROM customers_subscription s
CROSS JOIN LATERAL (VALUES
    (s.activated_at, 'subscription.activate', 'installed', '{"status": "active", "suspension_type": ""}'),
    (s.suspended_at, 'subscription.suspend', 'unpaid', '{"status": "suspended", "suspension_type": "non_payment"}'),
    (s.cancelled_at, 'subscription.cancel', 'moved away', '{"status": "cancelled", "suspension_type": ""}')
) AS t(at, action, reason, after)
WHERE t.at IS NOT NULL
"""
ALLOCATIONS_SQL = """
INSERT INTO billing_allocation (invoice_id, payment_id, amount, created_at)
SELECT i.id, p.id, i.total, p.received_at FROM billing_invoice i JOIN payments_payment p ON p.receipt_number = 'BR-' || i.id
"""


def load_history(months: int) -> None:
    """Invoices, payments, allocations, and the lifecycle audit rows the services would have written
    (activation, suspension for non-payment, cancellation at the loader's timestamps)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from customers.models import Subscription

    content_type = ContentType.objects.get_for_model(Subscription).pk

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE billing_allocation, billing_ledgerentry, billing_invoiceline, billing_invoice, "
                    "payments_payment, dashboard_dailymetric RESTART IDENTITY CASCADE")
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute("DELETE FROM core_auditlog WHERE content_type_id = %s", [content_type])
        for label, sql in (("invoices", HISTORY_SQL), ("payments", PAYMENTS_SQL), ("allocations", ALLOCATIONS_SQL),
                           ("lifecycle audit", AUDIT_SQL)):
            started = time.perf_counter()
            cur.execute(sql, {"months": months, "content_type": content_type})
            print(f"  {label:<12} {cur.rowcount:>12,} rows {time.perf_counter() - started:8.1f} s", flush=True)
    with connection.cursor() as cur:
        for table in ("billing_invoice", "payments_payment", "billing_allocation", "core_auditlog"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def fill_year(days_done: list) -> None:
    """Copy the backfilled days' rows over the rest of 12 months, so reads see a year of rows."""
    from django.db import connection
    from django.utils import timezone

    from dashboard.models import DailyMetric

    today = timezone.localdate()
    have = set(DailyMetric.objects.values_list("day", flat=True).distinct())
    source = min(days_done)
    with connection.cursor() as cur:
        for n in range(366):
            day = today - timedelta(days=n)
            if day in have:
                continue
            cur.execute(
                "INSERT INTO dashboard_dailymetric (day, branch_id, dimension, key, mrr, subscriptions, customers, start_mrr, "
                "new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, customers_at_start, customers_churned, "
                "billed, revenue, due, collected, ar_current, ar_1_30, ar_31_60, ar_61_90, ar_90_plus, computed_at) "
                "SELECT %s, branch_id, dimension, key, mrr, subscriptions, customers, start_mrr, new_mrr, expansion_mrr, "
                "contraction_mrr, churned_mrr, reactivation_mrr, customers_at_start, customers_churned, billed, revenue, due, "
                "collected, ar_current, ar_1_30, ar_31_60, ar_61_90, ar_90_plus, computed_at FROM dashboard_dailymetric WHERE day = %s",
                [day, source],
            )
        cur.execute("VACUUM (ANALYZE) dashboard_dailymetric")


def bench_user():
    return bench_admin("bench-admin")


def main():
    args = parse_args()
    setup_django(args.db_name)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from billing.models import Invoice
    from dashboard.models import DailyMetric
    from dashboard.services import metrics_snapshot_backfill, metrics_snapshot_write
    from dashboard.tasks import snapshot_metrics_nightly
    from ispbill.core.models import AuditLog

    if args.reload or loaded_size() != args.customers or not Invoice.objects.exists() or not AuditLog.objects.filter(
        action="subscription.activate"
    ).exists():
        print(f"Loading {args.customers:,} customers and {args.months} months of history", flush=True)
        load_customers(args.customers)
        load_history(args.months)
    print(f"invoices {Invoice.objects.count():,}; customers {args.customers:,}", flush=True)

    def load() -> str:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])

    def timed(label: str, work):
        print(f"{label:<44} ({load()} before)", flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{'':<4}{wall:8.1f} s wall, {cpu:6.1f} s Python CPU  ({load()} after)", flush=True)
        return result, wall

    DailyMetric.objects.all().delete()
    today = timezone.localdate()
    timed("one day from scratch (the day before yesterday)", lambda: metrics_snapshot_write(day=today - timedelta(days=2)))
    rows, _ = timed("nightly job (yesterday + today, incremental)", snapshot_metrics_nightly)
    print(f"{'':<4}{rows} rows", flush=True)
    end = today - timedelta(days=3)
    start = end - timedelta(days=args.backfill_days - 1)
    _, backfill = timed(f"backfill {args.backfill_days} days ({start} to {end})",
                        lambda: metrics_snapshot_backfill(start=start, end=end))
    per_day = backfill / args.backfill_days
    print(f"{'':<4}{per_day:.2f} s/day; 365 days ≈ {per_day * 365 / 60:.1f} min", flush=True)
    fill_year([today - timedelta(days=n) for n in range(args.backfill_days + 3)])
    print(f"snapshot rows: {DailyMetric.objects.count():,}", flush=True)

    client = Client()
    client.force_login(bench_user())
    from dashboard.selectors import snapshots_changed

    # "cold": the first view after the snapshot was written (the cached figures are out of date).
    urls = {"home": "/staff/", "owner dashboard": "/staff/analytics/", "owner dashboard, cold": "/staff/analytics/",
            "api summary": "/staff/api/metrics/", "api months": "/staff/api/metrics/months/"}
    for url in urls.values():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    samples = {name: [] for name in urls}
    sql = {name: [] for name in urls}
    print(f"requests ({load()} before)", flush=True)
    for _ in range(args.repeat):
        for name, url in urls.items():
            if name.endswith("cold"):
                snapshots_changed()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                client.get(url)
                samples[name].append((time.perf_counter() - t0) * 1000)
            sql[name].append(len(queries))
    for name, times in samples.items():
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"{name:<16} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms  "
              f"queries {max(sql[name])}", flush=True)
    print(f"({load()} after)", flush=True)


if __name__ == "__main__":
    main()
