"""Churn prediction at scale: features, scoring and training times.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/churn.py --customers 100000 --months 9

Uses its own database (`ispbill_bench_churn`). Loads N customers with one subscription each
(bench/_common.py's loader: 85 % active, 8 % suspended for non-payment, 4 % pending, 3 % cancelled),
`--months` months of invoices, payments, allocations and lifecycle audit rows (bench/analytics.py's
set-based history: every 10th subscription leaves its latest invoice open), and daily usage for the
last `--usage-days` days of every active subscription (falling over the last month for every 7th),
plus a ticket for every 20th customer. All with set-based SQL. Then it times, printing the load
average and the process's CPU time beside each figure:

1. `features_at(yesterday)` for every counted customer (the scoring population);
2. the training job's work on the labelled cut-offs: their features, then the back-test of both
   candidates and the final fit (`learning.train`) — stacked rows = customers × cut-offs;
3. scoring (`churn_risks_score`): the usage windows brought to the day (churn/usage_windows.py),
   features, prediction, contributions and reasons, and the write of one ChurnRisk row per customer (on PostgreSQL a new table swapped in);
   first for the day before yesterday with the windows rebuilt from the full usage (as the weekly
   training run does), then as yesterday's daily job: the windows rolled forward one day (a day that
   has usage, the loader's last) and every row rewritten, since every row gets the new date.
Run by hand; not part of the test suite. See bench/README.md for the figures.
"""

import argparse
import os
import sys
import time
from pathlib import Path

# This file is named like the app: drop its own folder from the path, so `churn` is the app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402 (after the path insert)

USAGE_SQL = """
INSERT INTO network_usagedaily (subscription_id, day, upload_bytes, download_bytes)
SELECT s.id, d::date, 100000000,
       CASE WHEN s.id %% 7 = 0 AND d > current_date - 30 THEN 300000000 ELSE 1500000000 + (s.id %% 97) * 10000000 END
FROM customers_subscription s
CROSS JOIN generate_series(current_date - %(days)s, current_date - 1, interval '1 day') d
WHERE s.status = 'active'
"""
TICKETS_SQL = """
INSERT INTO tickets_ticket (number, customer_id, branch_id, area_id, category, priority, status, source, subject, description,
                            created_at, updated_at, response_target_minutes, resolution_target_minutes, paused_minutes, breached,
                            attachment, attachment_name, attachment_type)
SELECT 'BT-' || c.id, c.id, c.branch_id, c.area_id, 'slow_speed', 'normal', 'open', 'portal', 'Slow', 'Slow at night',
       now() - (c.id %% 80) * interval '1 day', now(), 60, 480, 0, false, '', '', ''
FROM customers_customer c WHERE c.id %% 20 = 0
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=9)
    parser.add_argument("--usage-days", type=int, default=60)
    parser.add_argument("--db-name", default="ispbill_bench_churn")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--cutoffs", type=int, default=7, help="labelled cut-offs to train on (six are back-tested)")
    parser.add_argument("--skip-training", action="store_true", help="score with the active model only")
    parser.add_argument("--sources", action="store_true", help="also time each feature source's query on its own")
    return parser.parse_args()


def cpu() -> float:
    times = os.times()
    return times.user + times.system


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


class Timer:
    def __init__(self, label: str):
        self.label = label

    def __enter__(self):
        self.started, self.cpu = time.perf_counter(), cpu()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        print(f"{self.label:<52} {self.seconds:8.1f} s wall  {cpu() - self.cpu:8.1f} s CPU (python)  load {loadavg()}", flush=True)


def load_extras(usage_days: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE network_usagedaily, tickets_ticket RESTART IDENTITY CASCADE")
        cur.execute("SET LOCAL session_replication_role = replica")
        for label, sql in (("usage days", USAGE_SQL), ("tickets", TICKETS_SQL)):
            started = time.perf_counter()
            cur.execute(sql, {"days": usage_days})
            print(f"  {label:<12} {cur.rowcount:>12,} rows {time.perf_counter() - started:8.1f} s", flush=True)
    with connection.cursor() as cur:
        for table in ("network_usagedaily", "tickets_ticket"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def main():
    args = parse_args()
    setup_django(args.db_name)
    from datetime import timedelta

    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from bench.analytics import load_history
    from billing.models import Invoice
    from churn import learning
    from churn.features import FEATURES, features_at
    from churn.models import ChurnModel, ChurnRisk
    from churn.services import churn_risks_score, training_data
    from ispbill.core.models import AuditLog
    from network.models import UsageDaily

    if args.reload or loaded_size() != args.customers or not Invoice.objects.exists() or not AuditLog.objects.filter(
        action="subscription.activate"
    ).exists():
        print(f"Loading {args.customers:,} customers, {args.months} months of history", flush=True)
        load_customers(args.customers)
        load_history(args.months)
        load_extras(args.usage_days)
    elif not UsageDaily.objects.exists():
        load_extras(args.usage_days)
    print(f"customers {args.customers:,}; invoices {Invoice.objects.count():,}; usage rows {UsageDaily.objects.count():,}; "
          f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)

    today = timezone.localdate()
    with Timer("features at yesterday (scoring population)") as t:
        frame = features_at(today - timedelta(days=1))
    print(f"  {len(frame.customer_ids):,} customers × {len(FEATURES)} features "
          f"({len(frame.customer_ids) / t.seconds:,.0f} customers/s)", flush=True)

    if args.sources:
        from churn import sql

        day = today - timedelta(days=1)
        for name in ("standing_rows", "invoice_rows", "suspension_rows", "usage_rows", "ticket_rows",
                     "outage_hours_by_area", "speed_rows", "downgrade_rows", "contract_rows"):
            with Timer(f"  source {name}"):
                getattr(sql, name)(*((day, None) if name == "standing_rows" else (day,)))

    if not args.skip_training:
        with Timer("training data: features + labels of the labelled cut-offs") as t:
            cutoffs, data = training_data(today=today, max_cutoffs=args.cutoffs)
        print(f"  {len(cutoffs)} cut-offs, {len(data.labels):,} rows, {int(data.labels.sum()):,} churned", flush=True)
        with Timer("back-test of both candidates + final fit") as t:
            result = learning.train(data, list(FEATURES))
        print(f"  chosen {result.algorithm}: {result.backtest['why']}", flush=True)
        with transaction.atomic():
            version = (ChurnModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
            ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).update(status=ChurnModel.Status.RETIRED)
            ChurnModel.objects.create(
                version=version, status=ChurnModel.Status.ACTIVE, algorithm=result.algorithm, backtest=result.backtest,
                band_thresholds=result.band_thresholds, artifact=result.artifact(), feature_names=list(FEATURES),
                cutoffs=[c.isoformat() for c in cutoffs], training_rows=len(data.labels),
                training_positives=int(data.labels.sum()),
            )
    # The first run rebuilds the usage windows from the full usage (the weekly run's cost); the second
    # is the next day's job: the windows roll forward one day, and every row's date changes, so every
    # row is rewritten (a second run on the same day would find nothing changed and write nothing, which
    # is not the daily cost). Both score days with usage: the loader's usage ends yesterday.
    runs = (("scoring (first: windows rebuilt, inserts)", today - timedelta(days=1), True),
            ("scoring (next day: windows rolled, every row updated)", today, False))
    for label, day, rebuild in runs:
        with Timer(label):
            result = churn_risks_score(today=day, rebuild_usage_windows=rebuild)
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.timings.items())
        print(f"  {result.scored:,} scored, {result.removed:,} removed; high {ChurnRisk.objects.filter(band='high').count():,}; "
              f"usage windows {result.usage_windows}; {steps}", flush=True)


if __name__ == "__main__":
    main()
