"""Auto-pay's charge day at scale: N due invoices, each paid from its customer's saved bKash wallet by
two workers racing through the same run, against the bKash emulator failing a share of calls at random.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/autopay.py --invoices 100000 --workers 2 --fail-percent 5

Uses its own database (`ispbill_bench_autopay` unless --db-name) with bench/_common.py's customers;
the invoices come from a real billing run (bench/billing_run.py's steady state: one invoice per
customer). Each customer gets auto-pay on, one active primary agreement (also known to the emulator)
and the attempt row the notice two days before left (`scheduled` for the charge day). The emulator
is the demo's, in its own gunicorn (DEMO on; `demo.bkash.wsgi`: ispbill's URLs with only the
middleware the emulator uses; --gateway-workers × --gateway-threads), with BKASH_SANDBOX_FAIL_PERCENT of its API calls
failing at random: half answered 503 before doing anything, half after the work was done (the answer
lost: an execute that charged the wallet and answered 503). Then `--workers` processes each run
`usecases.autopay.autopay_run(today=<charge day>)` at the same time, as two Celery workers handed
the same beat entry would.

Printed: wall time of the run (target: 100,000 within 10 minutes), the CPU seconds it took on each
side (the workers, the emulator's gunicorn workers, the PostgreSQL backends; the machine's load
average alongside, as other work shares the cores), what became of the attempts, and
the check that matters: per invoice, how many payments the emulator completed (at most one) and how
many receipts we recorded (at most one, and one for each completed payment once re-runs settle the
lost answers). A second pass (`autopay_run` again after AUTOPAY_CLAIM_STALE_MINUTES, simulated by
ageing the claims) settles what the first left charging, and the check is made again.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import child_pids, cpu_seconds, load_customers, loaded_size, setup_django  # noqa: E402
from bench.ipn import free_port, start_gunicorn  # noqa: E402

APP_KEY, APP_SECRET, USERNAME, PASSWORD = "bench-app-key", "bench-app-secret", "bench-user", "bench-pass"


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def prepare(count: int) -> tuple:
    """Invoices from a billing run, auto-pay on, an agreement each (ours and the emulator's), the
    attempts scheduled for the charge day. Returns (charge day, invoice ids)."""
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.billing_run import next_month_start, reset_billing_state, timed_run
    from billing.models import Invoice
    from payments.models import AutoPay, AutoPayAttempt, BkashAgreement, GatewayPayment

    first_of_next = next_month_start(timezone.localdate())
    run_date = first_of_next - timedelta(days=7)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE payments_autopayattempt, payments_autopay, payments_autopayrun RESTART IDENTITY CASCADE")
        cur.execute("DELETE FROM payments_gatewayevent")
        cur.execute("DELETE FROM payments_gatewaypayment_invoices")
        cur.execute("UPDATE payments_gatewaypayment SET agreement_id = NULL")
        cur.execute("DELETE FROM payments_bkashagreement")
    # Payments first (they hold allocations and the ledger entries reset_billing_state truncates).
    with connection.cursor() as cur:
        cur.execute("TRUNCATE payments_gatewayrefund, payments_gatewaypayment, payments_payment RESTART IDENTITY CASCADE")
    reset_billing_state(billed_through=first_of_next - timedelta(days=1))
    run, seconds, _py, _pg = timed_run(run_date, chunk_size=2000, workers=2)
    print(f"  billing run: {run.issued:,} invoices in {seconds:.1f} s", flush=True)
    invoices = list(Invoice.objects.order_by("id").values_list("id", "customer_id", "due_date")[:count])
    charge_day = invoices[0][2] - timedelta(days=3)
    started = time.perf_counter()
    with transaction.atomic():
        AutoPay.objects.bulk_create([AutoPay(customer_id=c, enabled=True) for _i, c, _d in invoices], batch_size=5000)
        agreements = [BkashAgreement(customer_id=c, agreement_id=f"BENCHAGR{c:09d}", wallet_masked="017•••••575",
                                     status=BkashAgreement.Status.ACTIVE, is_primary=True, linked_at=timezone.now())
                      for _i, c, _d in invoices]
        BkashAgreement.objects.bulk_create(agreements, batch_size=5000)
        AutoPayAttempt.objects.bulk_create(
            [AutoPayAttempt(invoice_id=i, customer_id=c, status=AutoPayAttempt.Status.SCHEDULED, next_try_on=charge_day,
                            notified_before=True) for i, c, _d in invoices], batch_size=5000)
    now = time.time()
    for first in range(0, len(invoices), 5000):
        cache.set_many({f"bkash-sandbox:agreement:BENCHAGR{c:09d}": {
            "agreementID": f"BENCHAGR{c:09d}", "msisdn": "01770618575", "status": "Completed", "payerReference": str(c),
            "created": str(now)} for _i, c, _d in invoices[first:first + 5000]}, 7 * 24 * 3600)
    print(f"  {len(invoices):,} customers on auto-pay with an agreement (ours and the emulator's) in "
          f"{time.perf_counter() - started:.1f} s; charge day {charge_day}", flush=True)
    assert not GatewayPayment.objects.exists()
    return charge_day, [i for i, _c, _d in invoices]


def _worker(day, name: str, results) -> None:
    from django.db import connection

    from usecases.autopay import autopay_run

    connection.close()
    started, cpu = time.perf_counter(), time.process_time()
    counts = autopay_run(today=day, worker=name)
    results.put((name, time.perf_counter() - started, time.process_time() - cpu, counts))


class BackendCPU:
    """CPU time of the PostgreSQL backends serving the bench database, sampled while a run goes on
    (the workers' connections come and go with them: each backend's last reading counts)."""

    def __init__(self):
        import threading

        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _pids(self) -> list[int]:
        import psycopg

        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            return [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                for pid in self._pids():
                    self.seen[pid] = cpu_seconds([pid])
            except Exception:  # noqa: BLE001 - a sample missed is a reading lost, not the bench
                pass
            self.stop.wait(0.5)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    @property
    def total(self) -> float:
        return sum(self.seen.values())


def race(day, workers: int, gateway=None) -> float:
    from django.db import connection

    from payments.bkash_flow import callback_url

    callback_url()  # the URL resolver loaded before forking, as a long-lived Celery worker has it

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connection.close()
    processes = [context.Process(target=_worker, args=(day, f"bench-w{n}", results)) for n in range(workers)]
    gateway_pids = child_pids(gateway.pid) if gateway is not None else []
    gateway_cpu = cpu_seconds(gateway_pids)
    started = time.perf_counter()
    worker_cpu = 0.0
    with BackendCPU() as backends:
        for process in processes:
            process.start()
        for _ in processes:
            name, seconds, cpu, counts = results.get()
            worker_cpu += cpu
            print(f"  {name}: {seconds:7.1f} s wall, {cpu:6.1f} s CPU  {counts}", flush=True)
        for process in processes:
            process.join()
    wall = time.perf_counter() - started
    gateway_cpu = cpu_seconds(gateway_pids) - gateway_cpu
    print(f"  CPU: workers {worker_cpu:.1f} s, bKash emulator {gateway_cpu:.1f} s, PostgreSQL backends {backends.total:.1f} s "
          f"(total {worker_cpu + gateway_cpu + backends.total:.1f} s of the {2 * wall:.0f} s two cores give in {wall:.0f} s)",
          flush=True)
    return wall


def check(invoice_ids: list[int]) -> bool:
    """At most one completed bKash payment and at most one receipt per invoice."""
    from django.core.cache import cache

    from payments.models import AutoPayAttempt, GatewayPayment, Payment

    gps = list(GatewayPayment.objects.filter(invoices__id__in=invoice_ids).values_list("invoices__id", "sessionkey", "status", "payment_id"))
    keys = [f"bkash-sandbox:payment:{s}" for _i, s, _st, _p in gps if s]
    at_bkash = {}
    for first in range(0, len(keys), 5000):
        at_bkash.update(cache.get_many(keys[first:first + 5000]))
    completed = Counter(i for i, s, _st, _p in gps if s and (at_bkash.get(f"bkash-sandbox:payment:{s}") or {}).get("status") == "Completed")
    receipts = Counter(i for i, _s, _st, p in gps if p)
    twice = sum(1 for n in completed.values() if n > 1)
    receipts_twice = sum(1 for n in receipts.values() if n > 1)
    uncredited = sum(1 for i in completed if receipts.get(i, 0) < completed[i])
    payments = Payment.objects.filter(gateway_payment__invoices__id__in=invoice_ids).count()
    states = Counter(AutoPayAttempt.objects.filter(invoice_id__in=invoice_ids).values_list("status", flat=True))
    print(f"  attempts: {dict(states)}; gateway payments opened {len(gps):,}; completed at bKash for "
          f"{len(completed):,} invoices; receipts {payments:,}", flush=True)
    print(f"  invoices charged twice at bKash: {twice}; invoices with two receipts: {receipts_twice}; "
          f"charged at bKash but not yet credited: {uncredited}", flush=True)
    return twice == 0 and receipts_twice == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fail-percent", type=float, default=5.0)
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--gateway-threads", type=int, default=8)
    parser.add_argument("--db-name", default="ispbill_bench_autopay")
    parser.add_argument("--profile", action="store_true",
                        help="run the charge day in this process under cProfile (one worker) and print the top functions")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the emulator's state must be shared by this script and the emulator's server")
    gateway_port = free_port()
    base = f"http://127.0.0.1:{gateway_port}"
    os.environ.update({
        "DEMO": "false", "BKASH_ENABLED": "true", "BKASH_BASE_URL": f"{base}/sandbox/bkash/v1.2.0-beta/tokenized/checkout",
        "BKASH_APP_KEY": APP_KEY, "BKASH_APP_SECRET": APP_SECRET, "BKASH_USERNAME": USERNAME, "BKASH_PASSWORD": PASSWORD,
        "BKASH_SANDBOX_APP_KEY": APP_KEY, "BKASH_SANDBOX_APP_SECRET": APP_SECRET,
        "BKASH_SANDBOX_USERNAME": USERNAME, "BKASH_SANDBOX_PASSWORD": PASSWORD,
        "BKASH_READ_TIMEOUT": "10", "SITE_URL": "http://127.0.0.1:1", "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "NOTIFY_SMS_BACKEND": "console", "NOTIFY_EMAIL_BACKEND": "console",
    })
    print(f"auto-pay bench: {args.invoices:,} invoices, {args.workers} workers, bKash emulator failing "
          f"{args.fail_percent:g} percent of calls; load average {load_average()}", flush=True)
    setup_django(args.db_name)
    if (loaded_size() or 0) != args.invoices:
        print(f"Loading {args.invoices:,} customers …", flush=True)
        load_customers(args.invoices)
    day, invoice_ids = prepare(args.invoices)
    gateway = start_gunicorn(gateway_port, workers=args.gateway_workers, threads=args.gateway_threads, env={
        "DEMO": "true", "BKASH_SANDBOX": "true", "SITE_URL": base, "BKASH_SANDBOX_FAIL_PERCENT": str(args.fail_percent),
        "BKASH_SANDBOX_EXECUTE_DELAY": "0"}, app="demo.bkash.wsgi")
    ok = True
    try:
        if args.profile:
            import cProfile
            import pstats

            from payments.bkash_flow import callback_url
            from usecases.autopay import autopay_run

            callback_url()  # the URL resolver loaded first, as a long-lived Celery worker has it
            profiler = cProfile.Profile()
            started, cpu = time.perf_counter(), time.process_time()
            profiler.runcall(autopay_run, today=day, worker="bench-profile")
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"profiled run: {wall:.1f} s wall, {cpu:.1f} s CPU in this process for {len(invoice_ids):,} invoices "
                  f"({1000 * cpu / len(invoice_ids):.1f} ms CPU per invoice)", flush=True)
            if os.environ.get("AUTOPAY_PROFILE_OUT"):
                profiler.dump_stats(os.environ["AUTOPAY_PROFILE_OUT"])
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
            check(invoice_ids)
            return
        print(f"charge day {day}: {args.workers} workers racing; load average {load_average()}", flush=True)
        wall = race(day, args.workers, gateway)
        print(f"first run: {wall:.1f} s wall for {len(invoice_ids):,} invoices ({len(invoice_ids) / wall:.1f}/s); "
              f"load average {load_average()}", flush=True)
        ok &= check(invoice_ids)
        from django.utils import timezone

        from payments.models import AutoPayAttempt

        # The next run, after the claims went stale: what the first left charging is asked about, not charged again.
        AutoPayAttempt.objects.filter(status=AutoPayAttempt.Status.CHARGING).update(claimed_at=timezone.now() - timedelta(hours=2))
        wall2 = race(day, args.workers, gateway)
        print(f"re-run: {wall2:.1f} s wall; load average {load_average()}", flush=True)
        ok &= check(invoice_ids)
    finally:
        gateway.terminate()
        try:
            gateway.wait(timeout=30)
        except Exception:  # noqa: BLE001
            gateway.kill()
    target = 600 * args.invoices / 100_000
    print(f"Targets (the run within {target:.0f} s for {args.invoices:,}, i.e. 10 minutes per 100,000; "
          f"at most one charge per invoice): first run {wall:.1f} s; {'one charge each: yes' if ok else 'one charge each: NO'}")


if __name__ == "__main__":
    main()
