"""Fault drills (issue 39): break one piece of a running installation and say what happened.

    .venv/bin/python bench/faults.py                       # every drill
    .venv/bin/python bench/faults.py --only billing,postgres --customers 100000

Nothing shared is touched: the script starts its OWN PostgreSQL 15 cluster (initdb into a temporary
directory, a free port; as the `postgres` OS user when run as root) and its OWN redis-server on a
free port, and runs the installation as real processes against them: gunicorn (the web, 2 workers ×
4 threads, DEBUG off), a Celery worker (2 processes), Celery beat, the RouterOS simulator
(`manage.py routeros_simulator`, demo/routeros) for the routers, the SSLCommerz emulator in a gunicorn
of its own (the gateway), and an SMS gateway (a small HTTP receiver in this process that counts every
message it is sent, by our message id). It stops, kills and restarts only those.

The drills:

billing   SIGKILL the worker (its whole process group) in the middle of a billing run of
          `--customers` subscriptions, start it again: the run completes, no invoice twice, no gap in
          the invoice numbers, `check_ledger` passes.
postgres  Stop PostgreSQL (`pg_ctl stop -m fast`) for `--pg-seconds` (30) while 50 signed-in
          customers load the portal and an integration posts payments through the API: failures are
          a clear page (503, no traceback), nothing half-written (every payment acknowledged is there
          once, with its ledger entry; `check_ledger`), every request answers again within 10 s.
redis     Stop Redis for `--redis-seconds` (300) while the API takes payments, the gateway posts
          IPNs and staff suspend and reactivate subscriptions: the web keeps answering; afterwards
          every router change is applied and every message is sent, none lost, none twice (counted at
          the SMS gateway and on the router).
router    A router unreachable (it refuses connections) while 200 of its subscribers are suspended
          and 50 of them reactivated through the API: all applied, in order, after it returns. The
          outage is `--router-seconds` (120) instead of an hour: the code path is the same (the
          router's back-off doubles from 30 s and is capped at 30 minutes, network/services.py
          `retry_delay`, and the every-minute health check that finds it back clears the back-off
          and wakes the drainer, whatever the outage's length).

Each prints what it saw (counts, latencies, errors, recovery times) and PASS/FAIL. Run by hand on a
quiet machine; not part of the test suite. Figures in bench/README.md and the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "ispbill_faults"
GATEWAY_STORE_ID = "ispbillfaults"
GATEWAY_STORE_PASSWORD = "ispbillfaults@ssl"
PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def say(text: str = "") -> None:
    print(text, flush=True)


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# The private services ---------------------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL 15 cluster of our own in a temporary directory, on a free loopback port."""

    def __init__(self, base: Path):
        self.dir = base / "pgdata"
        self.socket_dir = base / "pgsocket"
        self.log = base / "postgres.log"
        self.port = free_port()

    def _as_postgres(self, command: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def init(self) -> None:
        if (self.dir / "PG_VERSION").exists():  # --base: a cluster an earlier run left behind (--keep)
            conf = (self.dir / "postgresql.conf").read_text()
            self.port = int(conf.rsplit("\nport = ", 1)[1].split("\n", 1)[0])
            return
        self.socket_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir.parent, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        subprocess.run(self._as_postgres([str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres", "--auth=trust",
                                          "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)
        with open(self.dir / "postgresql.conf", "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.socket_dir}'\n"
                       "shared_buffers = 256MB\nmax_connections = 200\nmax_wal_size = 4GB\n")

    def start(self) -> float:
        started = time.monotonic()
        subprocess.run(self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w", "start"]),
                       check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> float:
        started = time.monotonic()
        subprocess.run(self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop"]),
                       check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


class PrivateRedis:
    """A redis-server of our own, configured as docker-compose.yml runs it (no persistence)."""

    def __init__(self, base: Path):
        self.port = free_port()
        self.log = base / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT,
        )
        if not wait_port(self.port):
            raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """As `redis-cli shutdown` / a container stop: SIGTERM, and wait for it to exit."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Process:
    """One of the installation's processes, in a process group of its own (so SIGKILL takes its children)."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, *, stdin=None):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.stdin = stdin
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        self.popen = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=open(self.log, "a"), stderr=subprocess.STDOUT,
                                      stdin=self.stdin, start_new_session=True)
        return self

    def signal_group(self, sig: int) -> None:
        if self.popen is not None and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the main process only (Celery's warm shutdown, gunicorn's graceful stop)."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class SmsGateway:
    """The SMS provider: answers 200 to every POST and counts each message by our reference (its id)."""

    def __init__(self):
        self.port = free_port()
        self.received: Counter = Counter()
        self.first_at: dict[int, float] = {}
        lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                ref = urllib.parse.parse_qs(body).get("ref", [""])[0]
                with lock:
                    if ref.isdigit():
                        gateway.received[int(ref)] += 1
                        gateway.first_at.setdefault(int(ref), time.time())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "SUCCESS"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# The installation ---------------------------------------------------------------------------------------


class Installation:
    def __init__(self, base: Path, args):
        self.base, self.args = base, args
        self.pg = PrivatePostgres(base)
        self.redis = PrivateRedis(base)
        self.sms = SmsGateway()
        self.web_port, self.gateway_port, self.router_port = free_port(), free_port(), free_port()
        self.var = base / "var"
        self.var.mkdir(exist_ok=True)
        self.web = self.worker = self.beat = self.gateway = self.simulator = None
        self.worker_starts = 0

    # set-up

    def environment(self) -> None:
        os.environ.update({
            "DATABASE_URL": self.pg.url, "REDIS_URL": self.redis.url, "ISPBILL_VAR_DIR": str(self.var),
            "DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "LOG_LEVEL": "WARNING",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}", "SERVER_TIMING_FOR_ALL": "true",
            "DB_CONN_MAX_AGE": "60",
            # Messages: SMS only, to the counting gateway above, each carrying our message id.
            "NOTIFY_DEFAULT_CHANNELS": "sms", "NOTIFY_SMS_BACKEND": "http",
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{self.sms.port}/send", "SMS_GATEWAY_METHOD": "POST",
            "SMS_GATEWAY_PARAM_REFERENCE": "ref", "SMS_GATEWAY_API_KEY": "faults",
            # Online payments: the SSLCommerz emulator in its own server stands in for the gateway.
            "SSLCOMMERZ_SANDBOX": "false",
            "SSLCOMMERZ_BASE_URL": f"http://127.0.0.1:{self.gateway_port}/sandbox/sslcommerz",
            "SSLCOMMERZ_STORE_ID": GATEWAY_STORE_ID, "SSLCOMMERZ_STORE_PASSWORD": GATEWAY_STORE_PASSWORD,
            "SSLCOMMERZ_SANDBOX_STORE_ID": GATEWAY_STORE_ID, "SSLCOMMERZ_SANDBOX_STORE_PASSWORD": GATEWAY_STORE_PASSWORD,
            "SSLCOMMERZ_RECONCILE_AFTER_MINUTES": "1",
            "WEBHOOK_ALLOW_LOOPBACK": "true",
        })

    def up(self) -> None:
        self.pg.init()
        say(f"private PostgreSQL 15 on :{self.pg.port}, Redis on :{self.redis.port}, in {self.base}")
        self.pg.start()
        self.redis.start()
        self.environment()
        from bench._common import setup_django

        started = time.monotonic()
        setup_django(DB_NAME)  # creates and migrates the database; DATABASE_URL now names it
        say(f"  migrated in {time.monotonic() - started:.1f} s")
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        self.env = dict(os.environ)

    def start_web(self) -> None:
        self.web = Process("web", [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
                                   "--workers", "2", "--threads", "4", "--timeout", "60", "--log-level", "warning"],
                           self.env, self.base / "web.log").start()
        self._wait_http(self.web_port, "/healthz")

    def start_gateway(self) -> None:
        # The gateway's own server: the emulator on, no Redis (its state in files under the same var
        # directory this script writes the completed transactions to).
        env = {**self.env, "DEMO": "true", "SSLCOMMERZ_SANDBOX": "true", "REDIS_URL": "",
               "SITE_URL": f"http://127.0.0.1:{self.gateway_port}"}
        self.gateway = Process("gateway", [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.gateway_port}",
                                           "--workers", "1", "--threads", "4", "--timeout", "60", "--log-level", "warning"],
                               env, self.base / "gateway.log").start()
        self._wait_http(self.gateway_port, "/healthz")

    def start_worker(self) -> None:
        self.worker_starts += 1
        self.worker = Process("worker", [str(VENV_BIN / "celery"), "-A", "config", "worker", "-l", "warning", "-c", "2",
                                         "-Q", "celery,webhooks", "-n", f"faults{self.worker_starts}@%h",
                                         "--without-mingle", "--without-gossip"],
                              self.env, self.base / "worker.log").start()

    def start_beat(self) -> None:
        self.beat = Process("beat", [str(VENV_BIN / "celery"), "-A", "config", "beat", "-l", "warning",
                                     "-s", str(self.base / "beat-schedule")], self.env, self.base / "beat.log").start()

    def start_simulator(self, routers: int) -> None:
        self.simulator = Process("simulator", [PYTHON, "manage.py", "routeros_simulator", "--routers", str(routers),
                                               "--port", str(self.router_port), "--no-ssl", "--console", "--connect-delay", "0.2"],
                                 {**self.env, "DEMO": "true"}, self.base / "simulator.log", stdin=subprocess.PIPE).start()
        for i in range(routers):
            if not wait_port(self.router_port + i, 60):
                raise RuntimeError("the RouterOS simulator did not start")

    def simulator_command(self, line: str) -> None:
        self.simulator.popen.stdin.write((line + "\n").encode())
        self.simulator.popen.stdin.flush()

    def _wait_http(self, port: int, path: str, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"nothing answered on :{port}{path}")

    def flush_queue(self) -> None:
        """Empty our Redis (between drills: what one drill queued must not run in the next)."""
        import redis

        redis.Redis.from_url(self.redis.url).flushdb()

    def down(self) -> None:
        for process in (self.web, self.worker, self.beat, self.gateway, self.simulator):
            if process is not None:
                process.stop(timeout=15)
        from django.db import connections

        connections.close_all()
        self.redis.stop()
        try:
            self.pg.stop()
        except subprocess.CalledProcessError:
            pass
        self.sms.server.shutdown()


# Shared helpers over the installation's database ------------------------------------------------------


def api_token(username: str = "faults-integration") -> str:
    from api.models import WRITE
    from api.tokens import token_create
    from bench._common import bench_admin

    _token, raw = token_create(actor=bench_admin(username), name="Fault drill", rate_per_minute=10_000, all_branches=True,
                               scopes={area: WRITE for area in ("customers", "billing", "payments", "tickets", "network")})
    return raw


def check_ledger() -> tuple[bool, str]:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    try:
        call_command("check_ledger", stdout=out, stderr=out)
        return True, out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "clean"
    except CommandError as error:
        return False, f"{error}: {out.getvalue()[-500:]}"


def drill_router(name: str, port: int):
    from customers.models import Branch
    from network.models import Router

    router, _ = Router.objects.update_or_create(
        name=name, defaults={"host": "127.0.0.1", "api_port": port, "username": "admin", "password": "", "use_ssl": False,
                             "is_active": True, "branch": Branch.objects.order_by("pk").first(), "outbox_retry_at": None,
                             "unreachable_count": 0},
    )
    return router


def move_to_router(router, count: int, *, exclude: set[int]) -> list[int]:
    """`count` active PPPoE subscriptions (not in `exclude`) onto the drill's router, then provisioned
    there by the reconciler (every secret created), as an ISP moving customers onto a new router."""
    from customers.models import Subscription
    from network.reconcile import reconcile_router

    ids = list(Subscription.objects.filter(status="active", connection_type="pppoe").exclude(pk__in=exclude)
               .exclude(router__name__startswith="FAULTS-").order_by("id").values_list("id", flat=True)[:count])
    Subscription.objects.filter(pk__in=ids).update(router=router)
    report = reconcile_router(router_id=router.pk)
    return ids if report is not None else []


def router_drift(router) -> tuple[int, list]:
    """What the reconciler finds different between the router and what we want (0 = everything applied)."""
    from network.reconcile import reconcile_router

    for _ in range(30):
        report = reconcile_router(router_id=router.pk)
        if report is not None:
            subs = [repair for repair in report.repairs if repair.get("subscription")]
            return len(subs), subs[:5]
        time.sleep(1)
    return -1, ["the router stayed claimed by a drainer"]


def outbox_open(router) -> int:
    from network.models import ProvisioningTask

    return ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).count()


def applied_in_order(router, since_id: int) -> tuple[bool, int]:
    """Every subscription's entries (after `since_id`) applied in the order they were written."""
    from network.models import ProvisioningTask

    rows = ProvisioningTask.objects.filter(router=router, pk__gt=since_id).order_by("key", "pk").values_list("key", "pk", "applied_at", "status")
    by_key: dict[str, list] = {}
    for key, pk, applied_at, status in rows:
        by_key.setdefault(key, []).append((pk, applied_at, status))
    out_of_order = 0
    for entries in by_key.values():
        applied = [at for _pk, at, status in entries if status == "done"]
        if applied != sorted(applied):
            out_of_order += 1
    return out_of_order == 0, out_of_order


# Load generators ----------------------------------------------------------------------------------------


class Recorder:
    """Every request a load thread made: when it was sent, how long it took, what came back."""

    def __init__(self):
        self.rows: list[tuple[float, float, int, str]] = []  # (sent at, seconds, status or 0, note)
        self.lock = threading.Lock()

    def add(self, sent: float, took: float, status: int, note: str = "") -> None:
        with self.lock:
            self.rows.append((sent, took, status, note))

    def between(self, start: float, end: float):
        return [row for row in self.rows if start <= row[0] < end]


def run_threads(targets, stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, args=(stop,), daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def plain_session():
    from bench.portal_overview import plain_http_session

    return plain_http_session()


def api_poster(base: str, token: str, customers: list[int], recorder: Recorder, sent_keys: dict, *, every: float, prefix: str):
    """An integration posting one cash payment every `every` seconds, each with its own idempotency key."""
    import requests

    def loop(stop: threading.Event):
        http = requests.Session()
        n = 0
        while not stop.is_set():
            customer = customers[n % len(customers)]
            key = f"{prefix}-{n}"
            sent = time.time()
            try:
                answer = http.post(f"{base}/api/v1/payments/", json={"customer": customer, "amount": "10.00", "method": "cash",
                                                                     "idempotency_key": key},
                                   headers={"Authorization": f"Bearer {token}"}, timeout=30)
                status, note = answer.status_code, answer.text[:300]
            except requests.RequestException as error:
                status, note = 0, type(error).__name__
            recorder.add(sent, time.time() - sent, status, note)
            sent_keys[key] = status
            n += 1
            stop.wait(max(0.0, every - (time.time() - sent)))

    return loop


# Drill 4: the worker killed mid-run ---------------------------------------------------------------------


def drill_billing(inst: Installation, args) -> dict:
    say(f"\n== billing: SIGKILL the worker in the middle of a {args.customers:,}-subscription billing run ==")
    from django.db import connection
    from django.utils import timezone

    from bench._common import load_customers, loaded_size
    from bench.billing_run import next_month_start, reset_billing_state
    from billing.models import BillingRun, Invoice, InvoiceLine, LedgerEntry
    from billing.run import billing_run_start
    from ispbill.core.models import JobRun

    if loaded_size() != args.customers:
        load_customers(args.customers)
    first_of_next = next_month_start(timezone.localdate())
    reset_billing_state(billed_through=first_of_next - timedelta(days=1))
    # The drill is about the invoices: no "invoice issued" SMS for every customer.
    with connection.cursor() as cur:
        cur.execute("UPDATE customers_customer SET phone = '' WHERE id > 0")
    inst.flush_queue()
    inst.start_worker()
    time.sleep(3)
    load = load_average()
    started = time.monotonic()
    run = billing_run_start(run_date=first_of_next - timedelta(days=7))
    say(f"  run {run.pk}: {run.chunks_total} chunks of 5,000 customers queued; worker 2 processes; load average {load}")
    target = max(1, run.chunks_total // 3)
    while True:
        run.refresh_from_db()
        if run.chunks_done >= target or run.status != BillingRun.Status.RUNNING:
            break
        time.sleep(0.05)
    inst.worker.kill()
    killed_at = time.monotonic()
    run.refresh_from_db()
    chunks_at_kill = run.chunks_done
    invoices_at_kill = Invoice.objects.filter(billing_run=run).count()
    say(f"  SIGKILL to the worker's process group {killed_at - started:.1f} s in: {run.chunks_done}/{run.chunks_total} chunks done, "
        f"{invoices_at_kill:,} invoices committed")
    time.sleep(2)
    running_jobs = JobRun.objects.filter(task_name="billing.tasks.billing_run_chunk", status="running").count()
    inst.start_worker()
    restarted_at = time.monotonic()
    deadline = restarted_at + args.billing_timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status != BillingRun.Status.RUNNING:
            break
        time.sleep(0.5)
    finished_at = time.monotonic()
    run.refresh_from_db()
    inst.worker.stop()
    inst.flush_queue()
    invoices = Invoice.objects.filter(billing_run=run)
    count = invoices.count()
    numbers = sorted(int(number.rsplit("-", 1)[1]) for number in invoices.values_list("number", flat=True))
    no_gap = numbers == list(range(1, len(numbers) + 1))
    lines = InvoiceLine.objects.filter(invoice__billing_run=run, subscription__isnull=False)
    twice = lines.count() - lines.values("subscription_id", "period_start").distinct().count()
    entries = LedgerEntry.objects.filter(invoice__billing_run=run).count()
    ledger_ok, ledger_text = check_ledger()
    resumed = list(JobRun.objects.filter(task_name="billing.tasks.billing_runs_resume_stalled").values_list("processed", flat=True))
    say(f"  worker started again; {running_jobs} chunk job(s) the killed worker left 'running' on the jobs page; "
        f"the starting worker's resume job queued {sum(p or 0 for p in resumed)} pending chunk(s) again")
    say(f"  run {run.status} {finished_at - restarted_at:.1f} s after the restart ({finished_at - started:.1f} s in all): "
        f"{run.chunks_done}/{run.chunks_total} chunks, {run.issued:,} issued")
    say(f"  invoices {count:,} (expected {args.customers:,}), ledger entries {entries:,}, a subscription-period invoiced twice: {twice}, "
        f"numbers 1…{numbers[-1] if numbers else 0} without a gap: {no_gap}; check_ledger: {ledger_text}")
    passed = run.status == BillingRun.Status.SUCCEEDED and count == args.customers == entries and twice == 0 and no_gap and ledger_ok
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "billing", "passed": passed,
            "summary": (f"worker SIGKILLed with {chunks_at_kill} of {run.chunks_total} chunks done ({invoices_at_kill:,} invoices in); "
                        f"restarted, run succeeded {finished_at - restarted_at:.1f} s later; {count:,} invoices, none twice, "
                        f"numbers gap-free, check_ledger clean" if passed else "see output"),
            "load": load}


# Drill 5: PostgreSQL stopped under the portal's load ----------------------------------------------------


def drill_postgres(inst: Installation, args) -> dict:
    say(f"\n== postgres: stop PostgreSQL for {args.pg_seconds:.0f} s under the portal's load ==")
    from django.db import connections

    from bench.portal_overview import ensure_logins, portal_customers, sign_in
    from payments.models import Payment

    base = f"http://127.0.0.1:{inst.web_port}"
    customers = portal_customers(50)
    ensure_logins(customers)
    token = api_token()
    payers = [customer.pk for customer in customers]
    if inst.web is None:
        inst.start_web()
    sessions = [sign_in(base, customer.account_number) for customer in customers]
    say(f"  {len(sessions)} customers signed in to the portal; gunicorn 2 × 4 threads")
    portal, api = Recorder(), Recorder()
    sent_keys: dict[str, int] = {}

    def portal_user(http):
        def loop(stop):
            while not stop.is_set():
                sent = time.time()
                try:
                    answer = http.get(f"{base}/portal/", timeout=30, allow_redirects=False)
                    text = answer.text
                    note = ("clear" if "Briefly unavailable" in text else "unclear") if answer.status_code != 200 else ""
                    if "Traceback" in text or "psycopg" in text:
                        note = "traceback"
                    portal.add(sent, time.time() - sent, answer.status_code, note)
                except Exception as error:  # noqa: BLE001 - a refused or cut connection is what we count
                    portal.add(sent, time.time() - sent, 0, type(error).__name__)
                stop.wait(0.5)  # a customer's think time
        return loop

    stop = threading.Event()
    load_before = load_average()
    threads = run_threads([portal_user(http) for http in sessions] +
                          [api_poster(base, token, payers, api, sent_keys, every=0.2, prefix=f"pgdrill{int(time.time())}")], stop)
    time.sleep(15)
    connections.close_all()
    stopped_at = time.time()
    stop_took = inst.pg.stop()
    say(f"  PostgreSQL stopped (pg_ctl stop -m fast, {stop_took:.1f} s) at +15 s; load average {load_average()}")
    time.sleep(max(0.0, args.pg_seconds - (time.time() - stopped_at)))
    start_took = inst.pg.start()
    back_at = time.time()
    say(f"  PostgreSQL started again after {back_at - stopped_at:.1f} s down (pg_ctl start took {start_took:.1f} s)")
    time.sleep(30)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    end = time.time()

    def failures(rows):
        return [row for row in rows if row[2] not in (200, 201)]

    every = portal.rows + api.rows
    during = [row for row in every if stopped_at <= row[0] < back_at]

    after = sorted((row for row in every if row[0] >= back_at), key=lambda row: row[0])
    last_failure_after = max((row[0] + row[1] for row in failures(after)), default=back_at)
    recovery = last_failure_after - back_at
    statuses = Counter(row[2] for row in during)
    portal_fail = failures(portal.between(stopped_at, end))
    notes = Counter(row[3] for row in portal_fail if row[2])
    unclear = sum(count for note, count in notes.items() if note in ("unclear", "traceback"))
    latencies = [row[1] * 1000 for row in during]
    before = [row[1] * 1000 for row in every if row[0] < stopped_at]
    # Nothing half-written: every payment the API acknowledged is there once, with its ledger entry.
    acknowledged = [key for key, status in sent_keys.items() if status == 201]
    refused = [key for key, status in sent_keys.items() if status != 201]
    found = Payment.objects.filter(idempotency_key__in=list(sent_keys)).values_list("idempotency_key", flat=True)
    found_counts = Counter(found)
    missing = [key for key in acknowledged if found_counts[key] != 1]
    stored_after_refusal = sum(1 for key in refused if found_counts[key])
    ledger_ok, ledger_text = check_ledger()
    say(f"  requests: {len(before)} before (p95 {percentile(before, .95):.0f} ms), {len(during)} during the outage, {len(after)} after")
    say(f"  during: statuses {dict(statuses)}; portal failures {dict(notes)} (a clear 503 page unless listed otherwise); "
        f"max latency {max(latencies, default=0):.0f} ms, p95 {percentile(latencies, .95):.0f} ms")
    first_ok = min((row[0] + row[1] for row in after if row[2] in (200, 201)), default=end) - back_at
    cut = Counter(row[3] for row in during if row[2] == 0)
    say(f"  requests that got no answer at all during it: {dict(cut) or 'none'} (connections cut as PostgreSQL stopped)")
    say(f"  after it was back: first page served at +{first_ok:.1f} s; every request answered again {recovery:.1f} s after it was back "
        f"(the end of the last failed request)")
    say(f"  API payments: {len(acknowledged)} acknowledged, all stored once: {not missing}; {len(refused)} refused "
        f"({stored_after_refusal} of them stored anyway: committed before the connection was cut); check_ledger: {ledger_text}")
    passed = unclear == 0 and recovery <= 10 and not missing and ledger_ok and statuses.get(500, 0) == 0
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "postgres", "passed": passed, "load": load_before,
            "summary": (f"{len(during)} requests during {back_at - stopped_at:.0f} s down: {dict(statuses)} "
                        f"(503 = the 'briefly unavailable' page; 0 = refused before reaching Django), max latency {max(latencies, default=0):.0f} ms; "
                        f"all answering {recovery:.1f} s after it was back; {len(acknowledged)} payments acknowledged, each stored once; check_ledger clean")}


# Drill 6: Redis stopped for five minutes ----------------------------------------------------------------


def prepare_ipns(inst: Installation, customers: list[int]) -> list[dict]:
    """Pending gateway payments whose transactions the emulator has completed: the IPNs it would post."""
    import secrets

    from demo.sslcommerz import views as emulator
    from payments.models import GatewayPayment

    emulator._state.files_at(str(inst.var / "sslcommerz-sandbox"))  # the gateway server's store (no Redis there)
    batch = secrets.token_hex(3).upper()
    payments = GatewayPayment.objects.bulk_create(
        GatewayPayment(customer_id=pk, tran_id=f"FAULT{batch}{i:06d}", amount=Decimal("500.00"), currency="BDT", purpose="advance", months=1)
        for i, pk in enumerate(customers)
    )
    ipn_url = f"http://127.0.0.1:{inst.web_port}/pay/sslcommerz/ipn/"
    payloads = []
    for gp in payments:
        session = {"sessionkey": secrets.token_hex(16).upper(), "tran_id": gp.tran_id, "total_amount": "500.00",
                   "currency": "BDT", "status": "PENDING", "created": time.time(), "ipn_url": ipn_url,
                   "value_a": "", "value_b": "", "value_c": "", "value_d": ""}
        emulator._put("tran", gp.tran_id, [session["sessionkey"]])
        payloads.append(emulator._complete(session, outcome="success", method="bkash",
                                           faults={"ipn": "none", "validation": "", "risky": False, "amount": ""}))
    return payloads


def drill_redis(inst: Installation, args) -> dict:
    say(f"\n== redis: stop Redis for {args.redis_seconds:.0f} s while the web takes payments, IPNs and lifecycle changes ==")
    import requests

    from customers.models import Customer
    from ispbill.notify.models import Message
    from network.models import ProvisioningTask
    from payments.models import GatewayPayment, Payment

    inst.flush_queue()
    for process in (inst.worker, inst.beat):
        if process is not None:
            process.stop()
    if inst.simulator is None:
        inst.start_simulator(2)
    if inst.gateway is None:
        inst.start_gateway()
    if inst.web is None:
        inst.start_web()
    router = drill_router("FAULTS-REDIS", inst.router_port)
    subscriptions = move_to_router(router, 100, exclude=set())
    Customer.objects.filter(subscriptions__in=subscriptions).update(phone="+8801711000000")
    payers = list(Customer.objects.exclude(subscriptions__router=router).filter(status="active").order_by("id")
                  .values_list("id", flat=True)[: args.redis_seconds * 2])
    Customer.objects.filter(pk__in=payers).update(phone="+8801711000001")
    ipn_customers = payers[len(payers) // 2:]
    payloads = prepare_ipns(inst, ipn_customers[: int(args.redis_seconds)])
    token = api_token()
    base = f"http://127.0.0.1:{inst.web_port}"
    inst.start_worker()
    inst.start_beat()
    time.sleep(5)
    first_message = (Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    first_task = (ProvisioningTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    say(f"  router FAULTS-REDIS on the simulator with {len(subscriptions)} subscribers provisioned; worker, beat, web, gateway up")

    api, ipn, lifecycle = Recorder(), Recorder(), Recorder()
    sent_keys: dict[str, int] = {}

    def ipn_sender(stop):
        http = requests.Session()
        for payload in payloads:
            if stop.is_set():
                return
            sent = time.time()
            try:
                answer = http.post(f"{base}/pay/sslcommerz/ipn/", data=payload, timeout=30)
                ipn.add(sent, time.time() - sent, answer.status_code, answer.text[:100] if answer.status_code != 200 else "")
            except requests.RequestException as error:
                ipn.add(sent, time.time() - sent, 0, type(error).__name__)
            stop.wait(max(0.0, 1.0 - (time.time() - sent)))

    suspended_order = list(subscriptions)
    reactivate = suspended_order[: len(suspended_order) * 2 // 5]

    def staff(stop):
        http = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        gap = max(0.5, args.redis_seconds * 0.8 / (len(suspended_order) + len(reactivate)))
        for kind, pk in [("suspend", pk) for pk in suspended_order] + [("reactivate", pk) for pk in reactivate]:
            if stop.is_set():
                return
            body = {"reason": "fault drill"}
            if kind == "suspend":
                body["suspension_type"] = "customer_request"
            sent = time.time()
            try:
                answer = http.post(f"{base}/api/v1/subscriptions/{pk}/{kind}/", json=body, headers=headers, timeout=30)
                lifecycle.add(sent, time.time() - sent, answer.status_code, answer.text[:200] if answer.status_code != 200 else kind)
            except requests.RequestException as error:
                lifecycle.add(sent, time.time() - sent, 0, type(error).__name__)
            stop.wait(gap)

    load = load_average()
    inst.redis.stop()
    stopped_at = time.time()
    say(f"  Redis stopped (SIGTERM; no persistence, as docker-compose runs it); load average {load}")
    stop = threading.Event()
    threads = run_threads([api_poster(base, token, payers[: len(payers) // 2], api, sent_keys, every=1.0, prefix=f"redisdrill{int(stopped_at)}"),
                           ipn_sender, staff], stop)
    time.sleep(max(0.0, args.redis_seconds - (time.time() - stopped_at)))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    inst.redis.start()
    back_at = time.time()
    say(f"  Redis started again after {back_at - stopped_at:.0f} s (empty: what it held is gone)")
    every = api.rows + ipn.rows + lifecycle.rows
    statuses = {name: dict(Counter(row[2] for row in recorder.rows)) for name, recorder in
                (("api payments", api), ("ipn", ipn), ("suspend/reactivate", lifecycle))}
    latencies = [row[1] * 1000 for row in every]
    say(f"  while it was down: {statuses}; p95 {percentile(latencies, .95):.0f} ms, max {max(latencies, default=0):.0f} ms")
    bad = [row for row in every if row[2] != 200 and row[2] != 201]
    for row in bad[:5]:
        say(f"    {row[2]} {row[3][:150]}")

    # After: wait for every router change to be applied and every message to be sent.
    tran_ids = [payload["tran_id"] for payload in payloads]
    deadline = back_at + args.redis_settle
    while time.time() < deadline:
        open_changes = outbox_open(router)
        uncredited = GatewayPayment.objects.filter(tran_id__in=tran_ids, payment__isnull=True).count()
        unsent = Message.objects.filter(pk__gt=first_message).exclude(status="sent").count()
        if not open_changes and not uncredited and not unsent:
            break
        time.sleep(2)
    settled_at = time.time()
    open_changes = outbox_open(router)
    uncredited = GatewayPayment.objects.filter(tran_id__in=tran_ids, payment__isnull=True).count()
    credited = GatewayPayment.objects.filter(tran_id__in=tran_ids, payment__isnull=False).count()
    receipts = Payment.objects.filter(idempotency_key__in=[f"sslcommerz:{t}" for t in tran_ids]).count()
    messages = Message.objects.filter(pk__gt=first_message)
    made = messages.count()
    sent_rows = messages.filter(status="sent").count()
    at_gateway = {ref: n for ref, n in inst.sms.received.items() if ref > first_message}
    twice = sum(1 for n in at_gateway.values() if n > 1)
    lost = made - len(at_gateway)
    changes = ProvisioningTask.objects.filter(router=router, pk__gt=first_task)
    done = changes.filter(status="done").count()
    in_order, out_of_order = applied_in_order(router, first_task)
    drift, sample = router_drift(router)
    api_acknowledged = [key for key, status in sent_keys.items() if status == 201]
    stored = Payment.objects.filter(idempotency_key__in=api_acknowledged).count()
    ledger_ok, ledger_text = check_ledger()
    say(f"  settled {settled_at - back_at:.0f} s after Redis came back")
    say(f"  API payments: {len(api_acknowledged)} acknowledged, {stored} stored; IPNs: {len(payloads)} sent, {credited} credited "
        f"({receipts} receipts), {uncredited} not yet")
    say(f"  messages: {made} queued since the drill began, {sent_rows} marked sent, {len(at_gateway)} received by the SMS gateway, "
        f"{twice} received twice, {lost} never received")
    say(f"  router changes: {changes.count()} written, {done} applied, {open_changes} open, out of order {out_of_order}; "
        f"drift found by the reconciler afterwards: {drift} {sample if drift else ''}")
    say(f"  check_ledger: {ledger_text}")
    web_ok = not bad
    passed = (web_ok and stored == len(api_acknowledged) and uncredited == 0 and receipts == len(payloads) and twice == 0 and lost == 0
              and sent_rows == made and open_changes == 0 and in_order and drift == 0 and ledger_ok)
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "redis", "passed": passed, "load": load,
            "summary": (f"{len(every)} requests in {back_at - stopped_at:.0f} s down: {statuses}, max {max(latencies, default=0):.0f} ms; "
                        f"after it returned, settled in {settled_at - back_at:.0f} s: {credited}/{len(payloads)} IPN payments credited, "
                        f"{len(at_gateway)}/{made} messages received by the SMS gateway (none twice), {done} router changes applied in order, drift 0")}


# Drill 7: a router unreachable while its subscribers change ---------------------------------------------


def drill_router_outage(inst: Installation, args) -> dict:
    say(f"\n== router: unreachable for {args.router_seconds:.0f} s (standing in for an hour) while 200 are suspended and 50 reactivated ==")
    import requests

    from network.models import ProvisioningTask

    for process in (inst.worker, inst.beat):
        if process is not None:
            process.stop()
    inst.flush_queue()
    if inst.simulator is None:
        inst.start_simulator(2)
    if inst.web is None:
        inst.start_web()
    router = drill_router("FAULTS-ROUTER", inst.router_port + 1)
    from customers.models import Subscription

    elsewhere = set(Subscription.objects.filter(router__name="FAULTS-REDIS").values_list("id", flat=True))
    subscriptions = move_to_router(router, 200, exclude=elsewhere)
    token = api_token()
    base = f"http://127.0.0.1:{inst.web_port}"
    inst.start_worker()
    inst.start_beat()
    time.sleep(5)
    first_task = ProvisioningTask.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    load = load_average()
    inst.simulator_command("down 2 86400")  # open connections die, new ones are refused, its state is kept; until `accept`
    went_down = time.time()
    say(f"  router FAULTS-ROUTER (simulator router 2) provisioned with {len(subscriptions)} subscribers, now unreachable; load average {load}")
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    statuses = Counter()
    for pk in subscriptions:
        answer = http.post(f"{base}/api/v1/subscriptions/{pk}/suspend/", json={"reason": "fault drill", "suspension_type": "non_payment"},
                           headers=headers, timeout=30)
        statuses[("suspend", answer.status_code)] += 1
    for pk in subscriptions[:50]:
        answer = http.post(f"{base}/api/v1/subscriptions/{pk}/reactivate/", json={"reason": "fault drill"}, headers=headers, timeout=30)
        statuses[("reactivate", answer.status_code)] += 1
    say(f"  through the API while it was down: {dict(statuses)} in {time.time() - went_down:.0f} s")
    time.sleep(max(0.0, args.router_seconds - (time.time() - went_down)))
    router.refresh_from_db()
    open_before = outbox_open(router)
    attempts = ProvisioningTask.objects.filter(router=router, pk__gt=first_task).order_by("-attempts").values_list("attempts", flat=True).first()
    retry_at = router.outbox_retry_at
    say(f"  after {time.time() - went_down:.0f} s down: {open_before} changes waiting, the router tried {router.unreachable_count} times "
        f"(entries up to {attempts} attempts), next try at +{(retry_at.timestamp() - time.time()) if retry_at else 0:.0f} s")
    inst.simulator_command("accept 2")
    wait_port(inst.router_port + 1, 60)
    back_at = time.time()
    deadline = back_at + args.router_settle
    while time.time() < deadline and outbox_open(router):
        time.sleep(1)
    applied_at = time.time()
    changes = ProvisioningTask.objects.filter(router=router, pk__gt=first_task)
    done = changes.filter(status="done").count()
    in_order, out_of_order = applied_in_order(router, first_task)
    drift, sample = router_drift(router)
    suspended = Subscription.objects.filter(pk__in=subscriptions, status="suspended").count()
    active = Subscription.objects.filter(pk__in=subscriptions, status="active").count()
    say(f"  back: every change applied {applied_at - back_at:.0f} s after the router answered again "
        f"(the back-off's next try; the every-minute safety net wakes the drainer)")
    say(f"  {changes.count()} changes written, {done} applied, {outbox_open(router)} open; out of order {out_of_order}; "
        f"subscriptions now {suspended} suspended, {active} active; drift on the router: {drift} {sample if drift else ''}")
    passed = (statuses[("suspend", 200)] == 200 and statuses[("reactivate", 200)] == 50 and not outbox_open(router)
              and in_order and drift == 0 and suspended == 150 and active == 50)
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "router", "passed": passed, "load": load,
            "summary": (f"{open_before} changes waited {args.router_seconds:.0f} s (router tried {router.unreachable_count} times); "
                        f"all {done} applied {applied_at - back_at:.0f} s after it answered, in order, router matches (drift 0): "
                        f"150 suspended, 50 active")}


DRILLS = {"billing": drill_billing, "postgres": drill_postgres, "redis": drill_redis, "router": drill_router_outage}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(DRILLS), help=f"comma-separated drills (default all: {','.join(DRILLS)})")
    parser.add_argument("--customers", type=int, default=100_000, help="customers loaded (the billing run's size; default 100,000)")
    parser.add_argument("--pg-seconds", type=float, default=30.0)
    parser.add_argument("--redis-seconds", type=int, default=300)
    parser.add_argument("--redis-settle", type=float, default=900.0, help="how long to wait for everything to be sent afterwards")
    parser.add_argument("--router-seconds", type=float, default=120.0)
    parser.add_argument("--router-settle", type=float, default=2400.0)
    parser.add_argument("--billing-timeout", type=float, default=900.0)
    parser.add_argument("--base", help="work in this directory, reusing the cluster a --keep run left there (saves the migrations)")
    parser.add_argument("--keep", action="store_true", help="leave the temporary directory (logs, the cluster) behind")
    args = parser.parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in DRILLS]
    if unknown:
        sys.exit(f"unknown drill(s): {', '.join(unknown)}")

    base = Path(args.base) if args.base else Path(tempfile.mkdtemp(prefix="ispbill-faults-"))
    base.mkdir(parents=True, exist_ok=True)
    if args.base:
        args.keep = True
    os.chmod(base, 0o755)
    say(f"fault drills {', '.join(chosen)} · {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · load average {load_average()}")
    inst = Installation(base, args)
    results = []
    try:
        inst.up()
        from bench._common import load_customers, loaded_size

        if loaded_size() != args.customers:
            started = time.monotonic()
            load_customers(args.customers)
            say(f"  {args.customers:,} customers loaded in {time.monotonic() - started:.0f} s")
        for name in chosen:
            try:
                results.append(DRILLS[name](inst, args))
            except Exception as error:  # noqa: BLE001 - one drill's crash is its FAIL, the others still run
                import traceback

                traceback.print_exc()
                results.append({"drill": name, "passed": False, "summary": f"the drill itself failed: {error!r}", "load": load_average()})
    finally:
        inst.down()
        if args.keep:
            say(f"left behind: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    say("\n| drill | result | what happened | load average |")
    say("| --- | --- | --- | --- |")
    for result in results:
        say(f"| {result['drill']} | {'PASS' if result['passed'] else 'FAIL'} | {result['summary']} | {result.get('load', '')} |")
    print(json.dumps({result["drill"]: result["passed"] for result in results}))
    sys.exit(0 if results and all(result["passed"] for result in results) else 1)


if __name__ == "__main__":
    main()
