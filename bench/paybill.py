"""bKash Pay Bill latency at a steady rate: look-ups and payment notifications as bKash sends them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/paybill.py --rate 100 --seconds 20

Uses its own database (`ispbill_bench_paybill` unless --db-name, created if missing, migrated) with
bench/_common.py's customers. The measured server is gunicorn as production runs it (2 workers ×
4 threads, DEBUG off, DEMO off, so no emulator), with BKASH_PAYBILL_SECRET and an allow-list of
127.0.0.1. Every request is signed as bKash signs it (payments/paybill.py), encoded up front and
posted open-loop by bench/_load.py at `--rate` per second (latency counted from when each was due):

0. each customer's bill for next month issued by a real billing run (earlier runs' payments cleared);
1. look-ups: one per customer, by account number (a tenth by registered phone);
2. payments: one unique trxID per customer, paying its bill (receipt, ledger, allocation, the bill paid;
   the message and webhook queued after the group's answer; ৳500.00 kept as credit for the few
   customers with no bill);
3. the same payments again (duplicates: answered 200 with the first answer, nothing recorded).

Afterwards it checks that every trxID has exactly one payment. Signatures carry the time they were
made; a run longer than BKASH_PAYBILL_MAX_SKEW_SECONDS (300 s) would see its last requests refused.
Targets (issue 38): look-up p95 ≤ 50 ms and payment p95 ≤ 100 ms at 100 requests/s. The load
generator shares the machine's CPUs with the server: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402
from bench._load import encode_request, open_loop  # noqa: E402
from bench.ipn import free_port, percentile, start_gunicorn  # noqa: E402

SECRET = "bench-paybill-secret-" + "x" * 24
PAID_AHEAD = Decimal("500.00")  # what a customer with no bill open pays (kept as credit)
LOOKUP, PAYMENT = "/pay/bkash/paybill/lookup/", "/pay/bkash/paybill/payment/"


def signed(path: str, data: dict, *, host: str) -> bytes:
    from payments.paybill import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

    body = json.dumps(data).encode()
    stamp = str(int(time.time()))
    return encode_request("POST", path, host=host, body=body, headers=[
        ("Content-Type", "application/json"), (TIMESTAMP_HEADER, stamp),
        (SIGNATURE_HEADER, sign(secret=SECRET, timestamp=stamp, path=path, body=body)),
    ])


def open_bills() -> dict[int, Decimal]:
    """Every customer's bill for next month, issued by a real billing run (bench/billing_run.py's
    steady state), as the Pay Bill customer pays it: {customer id: amount due}. The payments, ledger
    and messages of earlier runs are cleared first, so every run starts from the same state."""
    from django.db import connection
    from django.utils import timezone

    from bench.billing_run import next_month_start, reset_billing_state, timed_run
    from billing.models import Invoice

    with connection.cursor() as cur:  # payments first: they hold the allocations and entries reset below
        cur.execute("TRUNCATE payments_queuedpayment, payments_gatewayrefund, payments_gatewaypayment, payments_payment "
                    "RESTART IDENTITY CASCADE")
    first_of_next = next_month_start(timezone.localdate())
    reset_billing_state(billed_through=first_of_next - timedelta(days=1))
    run, seconds, _python, _postgres = timed_run(first_of_next - timedelta(days=7), chunk_size=2000, workers=1)
    print(f"  billing run: {run.issued:,} bills issued in {seconds:.1f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # as autovacuum would after a billing run (off on this machine)
    return dict(Invoice.objects.filter(status=Invoice.Status.OPEN).values_list("customer_id", "total"))


def report(label: str, result, target_ms: float) -> bool:
    latencies, codes = result.latencies_ms, result.statuses
    ok = sum(1 for code in codes if code == 200)
    p95 = percentile(latencies, 0.95)
    print(f"  {label:<20} {len(codes):6d} sent, {ok:6d} × 200, {len(codes) / result.wall_seconds:7.1f}/s, "
          f"p50 {statistics.median(latencies):6.1f} ms, p95 {p95:6.1f} ms, p99 {percentile(latencies, 0.99):6.1f} ms, "
          f"max {max(latencies):6.1f} ms (target p95 ≤ {target_ms:.0f} ms)", flush=True)
    others = Counter(code for code in codes if code != 200)
    if others:
        print(f"  {'':<20} answers other than 200: {dict(others)}", flush=True)
    return ok == len(codes) and p95 <= target_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second to offer (default 100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measured phase (default 20)")
    parser.add_argument("--warmup", type=int, default=50, help="requests of each kind sent first, not measured (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the measured gunicorn (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker of the measured gunicorn (default 4)")
    parser.add_argument("--db-name", default="ispbill_bench_paybill")
    args = parser.parse_args()

    port = free_port()
    host = f"127.0.0.1:{port}"
    os.environ.update({
        "DEMO": "false", "BKASH_PAYBILL_SECRET": SECRET, "BKASH_PAYBILL_ALLOWED_IPS": "127.0.0.1/32",
        "SITE_URL": f"http://{host}", "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "NOTIFY_SMS_BACKEND": "console", "NOTIFY_EMAIL_BACKEND": "console",
    })
    setup_django(args.db_name)
    from customers.models import Customer
    from payments.models import Payment, QueuedPayment

    measured = int(args.rate * args.seconds)
    needed = measured + args.warmup
    if (loaded_size() or 0) < needed:
        print(f"Loading {needed} customers …", flush=True)
        load_customers(needed)
    customers = list(Customer.objects.order_by("id").values_list("account_number", "phone", "id")[:needed])
    due = open_bills()
    batch = secrets.token_hex(3).upper()
    trx_ids = [f"BP{batch}{i:07d}" for i in range(needed)]

    server = start_gunicorn(port, workers=args.workers, threads=args.threads)
    ok = True
    try:
        print(f"ispbill: gunicorn {args.workers} workers × {args.threads} threads on :{port} (DEMO off); "
              f"{args.rate:.0f} requests/s for {args.seconds:.0f} s per phase", flush=True)
        lookups = [signed(LOOKUP, {"accountNumber": phone if i % 10 == 0 else account}, host=host)
                   for i, (account, phone, _id) in enumerate(customers)]
        open_loop("127.0.0.1", port, lookups[: args.warmup], rate=min(args.rate, 50))
        ok &= report("look-ups", open_loop("127.0.0.1", port, lookups[args.warmup:], rate=args.rate), 50)

        def payments():
            return [signed(PAYMENT, {"trxID": trx, "accountNumber": account, "amount": f"{due.get(pk, PAID_AHEAD):.2f}",
                                     "currency": "BDT"}, host=host)
                    for trx, (account, _phone, pk) in zip(trx_ids, customers)]

        first = payments()
        open_loop("127.0.0.1", port, first[: args.warmup], rate=min(args.rate, 50))
        ok &= report("payments", open_loop("127.0.0.1", port, first[args.warmup:], rate=args.rate), 100)
        again = payments()[args.warmup:]  # signed anew, as bKash's retries are
        ok &= report("duplicate payments", open_loop("127.0.0.1", port, again, rate=args.rate), 100)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    recorded = Payment.objects.filter(idempotency_key__in=[f"bkash-paybill:{trx}" for trx in trx_ids]).count()
    print(f"  payments recorded: {recorded} for {len(trx_ids)} trxIDs (each exactly once: {recorded == len(trx_ids)})")
    ok &= recorded == len(trx_ids)
    # Each group's messages and webhooks are queued after its recorder's answer: none may be left behind.
    unannounced = QueuedPayment.objects.count()
    print(f"  payments left unannounced or queued: {unannounced}")
    ok &= unannounced == 0
    print(f"Targets (look-up p95 ≤ 50 ms, payment p95 ≤ 100 ms at {args.rate:.0f}/s): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
