"""How long do `manage.py backup` and `restore` take, and how big is the file, at N customers?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/backup.py --customers 100000

Uses its own database (`ispbill_bench_backup`, created if missing, migrated) and loads the customers
with bench/_common.py when it does not already hold exactly that many (one subscription each); then
gives them a ledger: one billing run (an invoice, a line and a ledger entry per subscription, as
bench/billing_run.py does) and a cash payment from four customers in five (`payments_record_many`:
payment, ledger entry, allocation). Then it times, each as its own process as an operator runs them:

1. `manage.py backup --out DIR` (pg_dump of one snapshot, counts and ledger totals, encryption);
2. `manage.py restore FILE` into a new, empty database (`ispbill_bench_backup_restore`, dropped
   first): checksum, decryption, pg_restore, then every table counted, the ledger totals and
   `check_ledger`.

It prints the size of the database and of the backup, both times, and the load average. The timed
commands include Django's start-up, timed alone first (`backup --generate-key`). Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, bench_database_url, load_customers, loaded_size, setup_django  # noqa: E402

KEY = "YmVuY2gtb25seS1iYWNrdXAta2V5LW5vdC00LXVzZSE="  # bench only: 32 bytes, URL-safe base64


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000, help="customers, one subscription each (default 100,000)")
    parser.add_argument("--db-name", default="ispbill_bench_backup")
    parser.add_argument("--out", type=Path, help="where the backup goes (default: a temporary directory, removed after)")
    parser.add_argument("--reload", action="store_true", help="load the customers and their ledger again even if the size matches")
    return parser.parse_args()


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def give_ledger(customers: int) -> None:
    """A billing run and payments from four customers in five, unless the ledger is there already."""
    from django.utils import timezone

    from bench.billing_run import next_month_start, reset_billing_state, timed_run
    from billing.models import Invoice
    from customers.models import Customer
    from payments.services import PaymentDraft
    from usecases.payment_record import payments_record_many

    if Invoice.objects.count() == customers:
        return
    first_of_next = next_month_start(timezone.localdate())
    reset_billing_state(billed_through=first_of_next - timedelta(days=1))
    started = time.perf_counter()
    run, *_ = timed_run(first_of_next - timedelta(days=7), chunk_size=5000, workers=1)
    print(f"  billing run: {run.issued:,} invoices in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    paying = [pk for n, pk in enumerate(ids) if n % 5]
    for start in range(0, len(paying), 2000):
        batch = Customer.objects.in_bulk(paying[start:start + 2000])
        payments_record_many(drafts=[PaymentDraft(customer=c, amount=Decimal("500.00"), method="cash") for c in batch.values()])
    print(f"  payments: {len(paying):,} in {time.perf_counter() - started:.1f} s", flush=True)


def database_bytes(name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(%s)", [name])
        return cursor.fetchone()[0]


def manage(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout.strip()


def main() -> None:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    setup_django(args.db_name)
    from django.db import connection

    print(f"backup bench: {args.customers:,} customers; load average {load_average()}", flush=True)
    if args.reload or loaded_size() != args.customers:
        print("loading customers and subscriptions:", flush=True)
        load_customers(args.customers)
    give_ledger(args.customers)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    source_bytes = database_bytes(args.db_name)
    connection.close()

    target = f"{args.db_name}_restore"
    import psycopg

    with psycopg.connect(base_url.replace("postgres://", "postgresql://", 1), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}"')

    with tempfile.TemporaryDirectory(prefix="bench-backup-") as scratch:
        out = args.out or Path(scratch) / "backups"
        env = {**os.environ, "BACKUP_ENCRYPTION_KEY": KEY, "MEDIA_ROOT": str(Path(scratch) / "media-source")}
        print(f"database {source_bytes / 1e6:,.1f} MB; load average {load_average()}", flush=True)
        startup_s, _ = manage(["backup", "--generate-key"], env)  # Django's start-up alone, for comparison
        print(f"start-up {startup_s:8.1f} s  (manage.py backup --generate-key: Django set up, nothing backed up)", flush=True)
        backup_s, said = manage(["backup", "--out", str(out)], env)
        path = max(Path(out).glob("ispbill-*.backup"))
        print(f"backup   {backup_s:8.1f} s  {path.stat().st_size / 1e6:,.1f} MB  ({said})", flush=True)
        restore_env = {**env, "DATABASE_URL": bench_database_url(base_url, target), "MEDIA_ROOT": str(Path(scratch) / "media-target")}
        print(f"load average {load_average()}", flush=True)
        restore_s, said = manage(["restore", str(path)], restore_env)
        print(f"restore  {restore_s:8.1f} s  ({said})", flush=True)
        print(f"load average after: {load_average()}", flush=True)
        if args.out is None:
            path.unlink()


if __name__ == "__main__":
    main()
