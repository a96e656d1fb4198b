"""SSLCommerz IPN throughput and latency: gunicorn (2 workers), PostgreSQL, validation against the emulator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/ipn.py --rate 110 --seconds 20

Uses its own database (`ispbill_bench_ipn` unless --db-name, created if missing, migrated) with
bench/_common.py's customers. Two servers run, as in production:
- the measured one: gunicorn as production runs it (`--workers 2 --threads 4`, DEBUG off, the
  SSLCommerz emulator off), with SSLCOMMERZ_BASE_URL and the store credentials pointing at
- the gateway: the SSLCommerz emulator (demo/sslcommerz/) in a gunicorn of its own on another
  loopback port (SSLCOMMERZ_SANDBOX on there), standing in for SSLCommerz's servers.
Every IPN's validation call is therefore an HTTP request to another server, never to a thread of the
one being measured (mounted in the same server, IPNs waiting on their validation would hold the
threads the validation needs, and the emulator's cost would count as ours). Redis (REDIS_URL) holds
the emulator's state, shared by this script (which completes the transactions) and the gateway
server, and takes the queued customer notifications; no Celery worker runs. Both servers share the
machine's CPUs, as the load generator does: run it on a quiet machine.

For each IPN a pending GatewayPayment (1,000.00) is created and its transaction completed at the
emulator (as the checkout page does; no browser), giving the signed notification the emulator
would post. The load generator then posts those notifications open-loop at `--rate` per second
for `--seconds` (each one unique: signature verified, validated at the emulator, settled),
then posts every one of them again (duplicates: answered 200, nothing changes). It reports the rate
achieved and the latency percentiles. The IPN leaves the receipt (payment_record) to a worker's credit task; no
worker runs here, so afterwards the script runs that task in-process until nothing is owed, and
checks that every payment was credited exactly once. The CPU time of each part (the measured
server's workers, the emulator's, this database's PostgreSQL backends, the load generator) is
printed per IPN: on a shared two-core machine the figures move with what else runs, the CPU less so.
Targets: ≥ 100 IPN/s sustained, p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    child_pids,
    cpu_seconds,
    database_backend_pids,
    load_customers,
    loaded_size,
    setup_django,
)
from bench._load import form_post, open_loop  # noqa: E402

# The emulator's store; the measured server is given the same credentials, as if configured for it.
GATEWAY_STORE_ID = "ispbillbench"
GATEWAY_STORE_PASSWORD = "ispbillbench@ssl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def start_gunicorn(port: int, *, workers: int, threads: int, env: dict | None = None, extra: tuple[str, ...] = (),
                   app: str = "config.wsgi") -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"), app, "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--threads", str(threads), "--timeout", "30", "--log-level", "warning", *extra,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    import requests

    # Two minutes: on a loaded machine two gunicorn workers importing Django took more than 30 s.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not come up")


SANDBOX_PROBE = "/sandbox/sslcommerz/gwprocess/v4/api.php"
IPN_PATH = "/pay/sslcommerz/ipn/"


def requests_get(url: str) -> int:
    import requests

    return requests.get(url, timeout=5).status_code


def prepare(count: int) -> list[dict]:
    """`count` pending payments whose transactions the emulator has completed: their signed IPN payloads."""
    import secrets
    from decimal import Decimal

    from django.conf import settings

    from customers.models import Customer
    from demo.sslcommerz import views as emulator
    from payments.models import GatewayPayment

    customers = list(Customer.objects.order_by("id").values_list("id", flat=True)[:count])
    if len(customers) < count:
        sys.exit(f"need {count} customers, the bench database has {len(customers)}")
    batch = secrets.token_hex(3).upper()
    payments = GatewayPayment.objects.bulk_create(
        GatewayPayment(customer_id=pk, tran_id=f"BENCH{batch}{i:07d}", amount=Decimal("1000.00"), currency="BDT", purpose="advance", months=1)
        for i, pk in enumerate(customers)
    )
    payloads = []
    ipn_url = settings.SITE_URL + "/pay/sslcommerz/ipn/"
    for gp in payments:
        session = {"sessionkey": secrets.token_hex(16).upper(), "tran_id": gp.tran_id, "total_amount": "1000.00",
                   "currency": "BDT", "status": "PENDING", "created": time.time(), "ipn_url": ipn_url,
                   "value_a": "", "value_b": "", "value_c": "", "value_d": ""}
        emulator._put("tran", gp.tran_id, [session["sessionkey"]])
        faults = {"ipn": "none", "validation": "", "risky": False, "amount": ""}
        payloads.append(emulator._complete(session, outcome="success", method="bkash", faults=faults))
    return payloads


def fire(port: int, payloads: list[dict], rate: float) -> tuple[list[float], list[int], float]:
    """Post the payloads open-loop at `rate` per second; latencies in ms (from when each was due), status codes, wall seconds."""
    host = f"127.0.0.1:{port}"
    requests = [form_post(IPN_PATH, payload, host=host) for payload in payloads]
    result = open_loop("127.0.0.1", port, requests, rate=rate)
    return result.latencies_ms, result.statuses, result.wall_seconds


class CpuMeter:
    """CPU seconds each part of the system spent during a phase: the measured server's workers, the
    gateway's, this database's PostgreSQL backends and the load generator (this process)."""

    def __init__(self, server: subprocess.Popen, gateway: subprocess.Popen):
        self.groups = {
            "ispbill": lambda: child_pids(server.pid),
            "gateway": lambda: child_pids(gateway.pid),
            "postgres": database_backend_pids,
            "load": lambda: [os.getpid()],
        }

    def snapshot(self) -> dict[str, dict[int, float]]:
        return {name: {pid: cpu_seconds([pid]) for pid in pids()} for name, pids in self.groups.items()}

    def measure(self, phase):
        before = self.snapshot()
        result = phase()
        after = self.snapshot()
        spent = {name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in after[name].items()) for name in after}
        return result, spent


def report(label: str, latencies: list[float], codes: list[int], wall: float, cpu: dict[str, float]) -> dict:
    ok = sum(1 for code in codes if code == 200)
    row = {
        "label": label, "sent": len(codes), "ok": ok, "rate": len(codes) / wall,
        "p50": statistics.median(latencies), "p95": percentile(latencies, 0.95), "p99": percentile(latencies, 0.99),
        "max": max(latencies),
    }
    print(f"  {label:<22} {row['sent']:6d} sent, {ok:6d} × 200, {row['rate']:7.1f}/s, "
          f"p50 {row['p50']:6.1f} ms, p95 {row['p95']:6.1f} ms, p99 {row['p99']:6.1f} ms, max {row['max']:6.1f} ms", flush=True)
    per_ipn = ", ".join(f"{name} {1000 * seconds / len(codes):.1f}" for name, seconds in cpu.items())
    print(f"  {'':<22} CPU ms per IPN: {per_ipn} (total {1000 * sum(cpu.values()) / len(codes):.1f})", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=120.0, help="IPNs per second to offer (default 120)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the measured run (default 20)")
    parser.add_argument("--warmup", type=int, default=100, help="IPNs sent first and not measured (default 100)")
    parser.add_argument("--db-name", default="ispbill_bench_ipn")
    parser.add_argument("--gateway-workers", type=int, default=1, help="worker processes of the emulator's gunicorn (default 1)")
    parser.add_argument("--gateway-threads", type=int, default=4, help="threads per worker of the emulator's gunicorn (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker of the measured gunicorn (default 4)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the emulator's state must be shared by this script and the emulator's server")

    port, gateway_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{gateway_port}/sandbox/sslcommerz"
    os.environ.update({
        # This process and the measured server: the emulator off, the store configured for the gateway
        # server through the environment (as a deployment would, with the live host's URL).
        "SSLCOMMERZ_SANDBOX": "false", "SSLCOMMERZ_BASE_URL": base_url,
        "SSLCOMMERZ_STORE_ID": GATEWAY_STORE_ID, "SSLCOMMERZ_STORE_PASSWORD": GATEWAY_STORE_PASSWORD,
        "SSLCOMMERZ_SANDBOX_STORE_ID": GATEWAY_STORE_ID, "SSLCOMMERZ_SANDBOX_STORE_PASSWORD": GATEWAY_STORE_PASSWORD,
        "SITE_URL": f"http://127.0.0.1:{port}", "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "NOTIFY_SMS_BACKEND": "console", "NOTIFY_EMAIL_BACKEND": "console",
    })
    setup_django(args.db_name)
    from payments.online import gateway_config

    config = gateway_config()
    if (config.base_url, config.store_id, config.store_password) != (base_url, GATEWAY_STORE_ID, GATEWAY_STORE_PASSWORD):
        sys.exit(f"The bench database's Settings → Payment gateways override the environment (base URL "
                 f"{config.base_url!r}, store {config.store_id!r}); clear them in {args.db_name} first")
    if not config.enabled:
        sys.exit(f"Online payment is switched off in {args.db_name}'s Settings → Payment gateways")
    measured = int(args.rate * args.seconds)
    needed = measured + args.warmup
    if (loaded_size() or 0) < needed:
        print(f"Loading {needed} customers …", flush=True)
        load_customers(needed)

    print(f"Preparing {needed} completed transactions at the emulator …", flush=True)
    payloads = prepare(needed)
    # The gateway: the same code base with only the emulator's side in use (its own server, DEBUG off;
    # the emulator is the demo's, so DEMO on there, off in the measured server as in production).
    gateway = start_gunicorn(gateway_port, workers=args.gateway_workers, threads=args.gateway_threads,
                             env={"DEMO": "true", "SSLCOMMERZ_SANDBOX": "true", "SITE_URL": f"http://127.0.0.1:{gateway_port}"})
    try:
        server = start_gunicorn(port, workers=2, threads=args.threads)
    except SystemExit:
        gateway.terminate()
        raise
    try:
        probe = requests_get(f"http://127.0.0.1:{port}{SANDBOX_PROBE}")
        if probe != 404:
            sys.exit(f"the measured server answers {probe} for the emulator's session API: it should not serve the emulator")
        print(f"ispbill: gunicorn 2 workers × {args.threads} threads on :{port} (emulator off); SSLCommerz emulator: gunicorn "
              f"{args.gateway_workers} worker(s) × {args.gateway_threads} threads on :{gateway_port}; "
              f"offering {args.rate:.0f} IPN/s for {args.seconds:.0f} s", flush=True)
        fire(port, payloads[: args.warmup], rate=min(args.rate, 50))
        meter = CpuMeter(server, gateway)
        measured_payloads = payloads[args.warmup:]
        result, cpu = meter.measure(lambda: fire(port, measured_payloads, rate=args.rate))
        unique = report("unique IPNs", *result, cpu)
        result, cpu = meter.measure(lambda: fire(port, measured_payloads, rate=args.rate))
        report("duplicate IPNs", *result, cpu)
    finally:
        for process in (server, gateway):
            process.terminate()
        for process in (server, gateway):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    from payments.models import GatewayPayment, Payment
    from usecases.tasks import credit_paid_online_payments

    tran_ids = [payload["tran_id"] for payload in payloads]
    # What the workers do with the credit tasks the IPNs queued (no worker runs here): record the receipts.
    started = time.perf_counter()
    credited = 0
    while batch := credit_paid_online_payments()["credited"]:
        credited += batch
    if credited:
        elapsed = time.perf_counter() - started
        print(f"  receipts recorded by the credit task: {credited} in {elapsed:.1f} s ({credited / elapsed:.0f}/s, one process)")
    paid = GatewayPayment.objects.filter(tran_id__in=tran_ids, status="paid", payment__isnull=False).count()
    receipts = Payment.objects.filter(idempotency_key__in=[f"sslcommerz:{t}" for t in tran_ids]).count()
    print(f"  credited: {paid} of {len(tran_ids)} payments paid, {receipts} receipts (each exactly once: {paid == receipts == len(tran_ids)})")
    met = unique["rate"] >= 100 and unique["p95"] <= 100 and unique["ok"] == unique["sent"]
    print(f"Target ≥ 100 IPN/s with p95 ≤ 100 ms: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
