"""How fast is the billing run on PostgreSQL, against a per-row ORM loop?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/billing_run.py --subscriptions 100000

Uses its own database (`ispbill_bench_billing`, created if missing, migrated) and loads the customers
with bench/_common.py only when it does not already hold exactly that many (one subscription each).
Then it puts every subscription in the steady state of a monthly ISP (active, anchored on the 1st,
invoiced and paid through the end of this month), empties the billing tables and:

1. times a billing run on the day next month's invoices are due to be issued (1st of next month − 7
   days): one invoice with one line and one ledger entry per subscription, one account per customer
   (with `--notify`, then the separate step that queues the customers' "invoice issued" messages);
2. times the same run again, which must create no row;
3. times the per-row path for comparison: `billing.services.invoice_create` called once per
   subscription for the month after, on a sample (`--baseline`, default 5,000), as a loop over
   customers would — once committing each invoice, once with the whole loop in one transaction.

It prints wall times, rows written per second for both paths and the machine's load average.
Run by hand; not part of the test suite. See bench/README.md for the figures.
"""

import argparse
import multiprocessing
import os
import platform
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_FIRST_RUN_S = {100_000: 10.0, 1_000_000: 120.0}
TARGET_SECOND_RUN_S = {100_000: 3.0}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscriptions", type=int, default=100_000, help="customers, one subscription each (default 100,000)")
    parser.add_argument("--db-name", default="ispbill_bench_billing")
    parser.add_argument("--chunk-size", type=int, default=None, help="customer ids per chunk (default billing.run.CHUNK_SIZE)")
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the run's chunks, as Celery workers would (default 1)")
    parser.add_argument("--baseline", type=int, default=5_000, help="subscriptions invoiced one by one through invoice_create (0 = skip)")
    parser.add_argument("--notify", action="store_true", help="also time queueing the run's customer messages (invoice issued)")
    parser.add_argument("--check-ledger", action="store_true", help="run manage.py check_ledger afterwards (slow at a million)")
    parser.add_argument("--reload", action="store_true", help="load the customers again even if the size matches")
    return parser.parse_args()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def next_month_start(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def reset_billing_state(*, billed_through: date) -> None:
    """Every subscription active, anchored on the 1st and invoiced and paid through `billed_through`;
    no invoice, ledger entry, account, run or customer message yet."""
    from django.conf import settings
    from django.db import connection, transaction

    from billing.models import BillingSettings
    from billing.selectors import current_billing_settings
    from ispbill.core.models import NumberSequence
    from ispbill.notify.models import Message

    with transaction.atomic(), connection.cursor() as cur:
        # The messages too: their idempotency keys name invoice ids, which start again at 1.
        cur.execute(
            "TRUNCATE billing_allocation, billing_ledgerentry, billing_invoiceline, billing_invoice, billing_account, "
            f"billing_billingrunchunk, billing_billingrun, {Message._meta.db_table} RESTART IDENTITY CASCADE"
        )
        cur.execute(
            "UPDATE customers_subscription SET status = 'active', suspension_type = '', skip_billing = false, "
            "suspended_at = NULL, cancelled_at = NULL, activated_at = COALESCE(activated_at, created_at), "
            "billing_anchor_day = 1, billing_anchor_month = 1, billed_through = %s, paid_through = %s",
            [billed_through, billed_through],
        )
        cur.execute("UPDATE customers_customer SET status = 'active' WHERE status <> 'active'")
        NumberSequence.objects.filter(key__startswith=f"{settings.INVOICE_NUMBER_PREFIX}:").delete()
        current_billing_settings()
        BillingSettings.objects.filter(pk=1).update(
            mode="calendar", default_anchor_day=1, issue_days_before=7, due_days=7, grace_days=3, vat_rate=15,
            prices_include_vat=False, late_fee=0,
        )
    with connection.cursor() as cur:
        for table in ("customers_subscription", "customers_customer"):
            cur.execute(f"VACUUM (ANALYZE) {table}")


def row_counts() -> dict[str, int]:
    from billing.models import Account, Allocation, Invoice, InvoiceLine, LedgerEntry

    return {model.__name__: model.objects.count() for model in (Invoice, InvoiceLine, LedgerEntry, Account, Allocation)}


def backend_cpu_seconds() -> float:
    """CPU time used so far by the PostgreSQL backend serving this process's connection (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine: not measurable here
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker(run_id: int, queue, results) -> None:
    """A forked child: Django is set up already (inherited); it opens its own database connection."""
    from billing.run import billing_run_chunk_process

    python_started, postgres_started = time.process_time(), backend_cpu_seconds()
    while True:
        item = queue.get()
        if item is None:
            break
        billing_run_chunk_process(run_id=run_id, first_id=item[0], last_id=item[1], notify_after_commit=False)
    results.put((time.process_time() - python_started, backend_cpu_seconds() - postgres_started))


def timed_run(run_date: date, *, chunk_size: int, workers: int):
    """Start a run and process its chunks here (1 worker) or in forked processes, as Celery workers
    would. Returns (run, wall seconds, CPU seconds in Python, CPU seconds in PostgreSQL)."""
    from django.db import connection

    from billing.models import BillingRun
    from billing.run import billing_run_process_pending, billing_run_start

    started = time.perf_counter()
    python_started, postgres_started = time.process_time(), backend_cpu_seconds()
    run = billing_run_start(run_date=run_date, chunk_size=chunk_size, dispatch=False)
    if workers <= 1:
        billing_run_process_pending(run)
        python_cpu, postgres_cpu = time.process_time() - python_started, backend_cpu_seconds() - postgres_started
    else:
        context = multiprocessing.get_context("fork")
        queue, results = context.Queue(), context.Queue()
        for bounds in run.chunks.values_list("first_id", "last_id"):
            queue.put(bounds)
        for _ in range(workers):
            queue.put(None)
        python_cpu, postgres_cpu = time.process_time() - python_started, backend_cpu_seconds() - postgres_started
        connection.close()  # the children must not share the parent's connection
        processes = [context.Process(target=_worker, args=(run.pk, queue, results)) for _ in range(workers)]
        for process in processes:
            process.start()
        for _ in processes:
            child_python, child_postgres = results.get()
            python_cpu, postgres_cpu = python_cpu + child_python, postgres_cpu + child_postgres
        for process in processes:
            process.join()
    elapsed = time.perf_counter() - started
    return BillingRun.objects.get(pk=run.pk), elapsed, python_cpu, postgres_cpu


def baseline(sample: int, *, period_start: date, one_transaction: bool) -> tuple[int, float]:
    """invoice_create once per subscription: the per-row ORM path, each invoice in its own transaction
    (as a loop over customers commits them) or all in one. Returns (rows written, seconds)."""
    from contextlib import nullcontext

    from django.db import transaction

    from billing.models import Invoice, InvoiceLine, LedgerEntry
    from billing.services import LineSpec, invoice_create
    from customers.models import Subscription
    from ispbill.core.periods import Period, months_for_cycle, period_containing

    before = sum(model.objects.count() for model in (Invoice, InvoiceLine, LedgerEntry))
    subscriptions = list(
        Subscription.objects.select_related("customer", "package").filter(billed_through__lt=period_start).order_by("id")[:sample]
    )
    issue_date = period_start - timedelta(days=7)
    started = time.perf_counter()
    with transaction.atomic() if one_transaction else nullcontext():
        for subscription in subscriptions:
            period = period_containing(period_start, anchor_day=1, months=months_for_cycle(subscription.package.billing_cycle))
            invoice_create(
                actor=None, customer=subscription.customer, issue_date=issue_date,
                lines=[LineSpec(kind="recurring", description=f"{subscription.package.name} ({subscription.login_label})",
                                amount=subscription.package.price, subscription_id=subscription.pk,
                                period=Period(period.start, period.end))],
            )
    elapsed = time.perf_counter() - started
    after = sum(model.objects.count() for model in (Invoice, InvoiceLine, LedgerEntry))
    return after - before, elapsed


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from billing.run import CHUNK_SIZE

    chunk_size = args.chunk_size or CHUNK_SIZE
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
    print(
        f"billing run bench: {args.subscriptions:,} subscriptions, chunks of {chunk_size:,} customers, {args.workers} worker(s)\n"
        f"  PostgreSQL {pg_version}, Python {platform.python_version()}, Django {django.get_version()}, "
        f"DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, load average {load_average()}",
        flush=True,
    )
    if args.reload or loaded_size() != args.subscriptions:
        print("loading customers and subscriptions:", flush=True)
        load_customers(args.subscriptions)

    first_of_next = next_month_start(timezone.localdate())
    run_date = first_of_next - timedelta(days=7)
    reset_billing_state(billed_through=first_of_next - timedelta(days=1))
    print(f"steady state: every subscription billed and paid through {first_of_next - timedelta(days=1)}; run date {run_date}", flush=True)

    print(f"load average before the first run: {load_average()}", flush=True)
    run, first_s, python_cpu, postgres_cpu = timed_run(run_date, chunk_size=chunk_size, workers=args.workers)
    counts = row_counts()
    written = counts["Invoice"] + counts["InvoiceLine"] + counts["LedgerEntry"]
    print(
        f"first run   {first_s:8.2f} s  status {run.status}, {run.chunks_done}/{run.chunks_total} chunks, "
        f"{run.issued:,} invoices, {counts['InvoiceLine']:,} lines, {counts['LedgerEntry']:,} ledger entries, "
        f"{counts['Account']:,} accounts created; {written / first_s:,.0f} rows/s (invoices+lines+ledger); "
        f"CPU {python_cpu:.1f} s Python + {postgres_cpu:.1f} s PostgreSQL; load average {load_average()}",
        flush=True,
    )
    if run.issued != args.subscriptions or run.status != "succeeded":
        sys.exit(f"expected {args.subscriptions:,} invoices from a succeeded run; got {run.issued:,} ({run.status}): {run.errors[:3]}")

    if args.notify:
        from billing.run import billing_run_chunk_notify

        started = time.perf_counter()
        messages = sum(
            billing_run_chunk_notify(run_id=run.pk, first_id=first_id, last_id=last_id)
            for first_id, last_id in run.chunks.values_list("first_id", "last_id")
        )
        notify_s = time.perf_counter() - started
        print(f"messages    {notify_s:8.2f} s  {messages:,} queued (invoice issued), {messages / notify_s:,.0f}/s, one process; load average {load_average()}", flush=True)

    second, second_s, python_cpu, postgres_cpu = timed_run(run_date, chunk_size=chunk_size, workers=args.workers)
    new_rows = {name: value - counts[name] for name, value in row_counts().items() if value != counts[name]}
    print(
        f"second run  {second_s:8.2f} s  status {second.status}, {second.issued} invoices, new rows: {new_rows or 'none'}; "
        f"CPU {python_cpu:.1f} s Python + {postgres_cpu:.1f} s PostgreSQL; load average {load_average()}",
        flush=True,
    )
    if new_rows or second.issued:
        sys.exit("the second run created rows")

    if args.baseline:
        for one_transaction in (False, True):
            rows, baseline_s = baseline(args.baseline, period_start=next_month_start(first_of_next), one_transaction=one_transaction)
            how = "all in one transaction" if one_transaction else "a transaction each"
            print(
                f"per-row ORM loop (invoice_create × {args.baseline:,}, {how})  {baseline_s:8.2f} s  {rows:,} rows, "
                f"{rows / baseline_s:,.0f} rows/s; the run wrote {written / first_s / (rows / baseline_s):.1f}× faster; "
                f"load average {load_average()}",
                flush=True,
            )
    for label, seconds, targets in (("first run", first_s, TARGET_FIRST_RUN_S), ("second run", second_s, TARGET_SECOND_RUN_S)):
        target = targets.get(args.subscriptions)
        if target:
            print(f"target {label} ≤ {target:.0f} s: {'met' if seconds <= target else 'MISSED'} ({seconds:.2f} s)")
    if args.check_ledger:
        started = time.perf_counter()
        call_command("check_ledger")
        print(f"check_ledger {time.perf_counter() - started:.1f} s")
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
