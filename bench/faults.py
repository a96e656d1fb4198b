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

radius-server, radius-db, radius-promote (issue #52): a RADIUS site on the same cluster — a streaming
          replica made with `pg_basebackup -R`, two `manage.py radius_serve` supervisors with
          RADIUS_REPLICA_DATABASE_URL, `--radius-subscribers` (5,000) PPPoE logins on one router in
          RADIUS mode, the script as the router (two servers, the second asked when the first is
          silent). radius-server: FreeRADIUS 1 SIGKILLed, everyone re-dials through 2. radius-db: the
          primary stopped for `--radius-outage-minutes` (15) while everyone re-dials (at the start and
          half-way) and an Interim-Update goes every `--radius-interim` s (60). radius-promote: the
          primary crashed, the replica promoted, the application and both radius_serve moved to it.
          Checked: paying logins accepted with the rate limit they had before anything broke, blocked
          ones refused, every accounting packet acknowledged and, after the spools are replayed,
          every session in radius_radacct as last sent (no row missing or extra), every answer's
          post-auth record written. Run them last (radius-promote leaves the primary dead):
          `--only radius-server,radius-db,radius-promote --customers 8000`.

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
        self.radius_site = None
        self.cleanups: list = []  # what a drill started besides the above (the replica), undone by down()

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
        if self.radius_site is not None:
            self.radius_site.stop_servers()
        for cleanup in self.cleanups:
            cleanup()
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


# RADIUS: the database away, a server killed, the replica promoted (issue #52, item 6) -----------------
#
# One site for the three drills, made once: the installation's PostgreSQL is the primary; a hot-standby
# replica is made from it with `pg_basebackup -R` (PostgreSQL 15's binaries, a free port); two
# `manage.py radius_serve` supervisors (as production runs them: each its own directory, spools, ports
# and role) with RADIUS_REPLICA_DATABASE_URL naming the replica. `--radius-subscribers` PPPoE logins
# (5,000) are moved to one router in RADIUS mode; the loader leaves some of them suspended for
# non-payment or pending, which are the "blocked" ones. The router is this script: it speaks RADIUS
# itself (bench/_radius.py's generator, 250 requests outstanding), asks the first server and, when it does
# not answer (3 tries `RADIUS_TRY_TIMEOUT` = 0.5 s apart), the second, as RouterOS does with two /radius
# entries (its own timeout is 300 ms by default).

RADIUS_SECRET = "faults-radius-secret"
RADIUS_TRY_TIMEOUT = 0.5
RADIUS_CONCURRENCY = 250
MIKROTIK_VENDOR, MIKROTIK_RATE_LIMIT = 14988, 8


def rate_limit(reply: bytes) -> str | None:
    """The Mikrotik-Rate-Limit of an answer (Vendor-Specific 26, vendor 14988, type 8)."""
    at = 20
    while at + 2 <= len(reply):
        kind, length = reply[at], reply[at + 1]
        if length < 2:
            return None
        if kind == 26 and length > 8 and int.from_bytes(reply[at + 2:at + 6], "big") == MIKROTIK_VENDOR \
                and reply[at + 6] == MIKROTIK_RATE_LIMIT:
            return reply[at + 8:at + 6 + reply[at + 7]].decode()
        at += length
    return None


class RadiusServer:
    def __init__(self, inst: Installation, number: int):
        self.number = number
        self.directory = inst.base / f"raddb-{number}"
        self.auth_port, self.acct_port = free_udp(), free_udp()
        self.db_user = "ispbill_radius" if number == 1 else f"ispbill_radius_{number}"
        self.log = inst.base / f"radius-{number}.log"
        self.process: Process | None = None

    def start(self, env: dict) -> None:
        self.process = Process(f"radius-{self.number}", [
            PYTHON, "manage.py", "radius_serve", "--dir", str(self.directory), "--auth-port", str(self.auth_port),
            "--acct-port", str(self.acct_port), "--db-user", self.db_user, "--check-every", "10",
        ], env, self.log).start()

    def pending(self) -> int:
        from radius.config import spool_pending

        return len(spool_pending(self.directory))


def free_udp() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RadiusSite:
    def __init__(self, inst: Installation, args):
        self.inst, self.args = inst, args
        self.replica_dir = inst.base / "pgreplica"
        self.replica_port = free_port()
        self.servers = [RadiusServer(inst, 1), RadiusServer(inst, 2)]
        self.logins: list[str] = []
        self.speed: dict[str, str] = {}  # login -> its Mikrotik-Rate-Limit from the primary, before anything broke
        self.blocked: set[str] = set()
        self.router_id = 0
        self.session_round = 0
        self.open_sessions: dict[str, tuple[str, float]] = {}  # login -> (Acct-Session-Id, started) open now
        self.ports: dict[str, int] = {}
        self.probes = 0  # the Access-Requests that checked a started server answers
        self.sent: Counter = Counter()  # accounting packets sent, by kind
        self.answered: Counter = Counter()  # ... and acknowledged by a server
        self.expect: dict[str, tuple] = {}  # Acct-Session-Id -> (login, started, open, seconds, octets) as last sent

    # the replica

    def make_replica(self) -> float:
        started = time.monotonic()
        pg = self.inst.pg
        if os.geteuid() == 0:
            shutil.chown(self.inst.base, "postgres")
        subprocess.run(pg._as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                                        "-D", str(self.replica_dir), "-R", "-X", "stream", "-c", "fast"]),
                       check=True, stdout=subprocess.DEVNULL)
        with open(self.replica_dir / "postgresql.conf", "a") as conf:  # the copy has the primary's port
            conf.write(f"\nport = {self.replica_port}\n")
        self.replica_ctl("start", "-l", str(self.inst.base / "replica.log"))
        self.inst.cleanups.append(lambda: self.replica_ctl("stop", "-m", "fast", check=False))
        return time.monotonic() - started

    def replica_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(self.inst.pg._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.replica_dir), "-w", *args]),
                       check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def replica_caught_up(self, timeout: float = 60) -> float:
        import psycopg

        started = time.monotonic()
        with psycopg.connect(f"host=127.0.0.1 port={self.inst.pg.port} dbname={DB_NAME} user=postgres") as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with psycopg.connect(f"host=127.0.0.1 port={self.replica_port} dbname={DB_NAME} user=postgres") as conn:
            while not conn.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn").fetchone()[0]:
                if time.monotonic() - started > timeout:
                    raise RuntimeError("the replica did not catch up")
                time.sleep(0.05)
        return time.monotonic() - started

    # FreeRADIUS

    def env(self, *, database_port: int, replica: bool) -> dict:
        return {**self.inst.env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_port}/{DB_NAME}",
                "RADIUS_REPLICA_DATABASE_URL": f"postgres://127.0.0.1:{self.replica_port}/{DB_NAME}" if replica else "",
                "RADIUS_DB_PASSWORD": "faults-radius-role", "LOG_LEVEL": "INFO"}

    def start_servers(self, env: dict, servers=None) -> float:
        started = time.monotonic()
        for server in servers or self.servers:
            server.start(env)
        for server in servers or self.servers:
            self.wait_answering(server)
        return time.monotonic() - started

    def wait_answering(self, server: RadiusServer, timeout: float = 90) -> None:
        """Until the server answers an Access-Request of a paying login (accept or reject: an answer)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.process.popen.poll() is not None:
                raise RuntimeError(f"radius_serve {server.number} exited: see {server.log}")
            if self.ask_one(server):
                self.probes += 1  # its answer is recorded in radius_postauth too
                return
            time.sleep(0.5)
        raise RuntimeError(f"FreeRADIUS {server.number} did not answer within {timeout:.0f} s: see {server.log}")

    def ask_one(self, server: RadiusServer) -> bool:
        import asyncio

        from bench._radius import Client, Codec, Outcome

        async def run():
            async with Client(Codec(RADIUS_SECRET), server.auth_port, source="127.0.0.1", slots=1, timeout=0.5) as client:
                return await client.exchange(lambda i: Codec(RADIUS_SECRET).access_request(i, self.logins[0], BENCH_PASSWORD,
                                                                                            "127.0.0.1", 1), Outcome())
        return asyncio.run(run()) is not None

    def kill(self, server: RadiusServer) -> None:
        server.process.kill()

    def stop_servers(self) -> None:
        for server in self.servers:
            if server.process is not None:
                server.process.stop(timeout=15)

    # the router's traffic

    def run(self, requests: list, *, concurrency: int = RADIUS_CONCURRENCY) -> list:
        """Send each (kind, login, build) through the first server, else the second; returns, in order,
        (reply or None, the server's number or 0, latency ms)."""
        import asyncio

        from bench._radius import Client, Codec, Outcome

        codec = Codec(RADIUS_SECRET)
        results: list = [None] * len(requests)

        async def go():
            clients = {}
            for server in self.servers:
                clients[(server.number, "auth")] = Client(codec, server.auth_port, source="127.0.0.1", slots=concurrency,
                                                          timeout=RADIUS_TRY_TIMEOUT)
                clients[(server.number, "acct")] = Client(codec, server.acct_port, source="127.0.0.1", slots=concurrency,
                                                          timeout=RADIUS_TRY_TIMEOUT)
            for client in clients.values():
                await client.__aenter__()
            queue = iter(enumerate(requests))
            loop = asyncio.get_running_loop()

            async def worker():
                for index, (kind, _login, build) in queue:
                    began = loop.time()
                    answer = (None, 0, 0.0)
                    for server in self.servers:
                        reply = await clients[(server.number, kind)].exchange(lambda i, b=build: b(codec, i), Outcome())
                        if reply is not None:
                            answer = (reply, server.number, (loop.time() - began) * 1000)
                            break
                    results[index] = answer

            try:
                await asyncio.gather(*(worker() for _ in range(concurrency)))
            finally:
                for client in clients.values():
                    await client.__aexit__()

        asyncio.run(go())
        return results

    def port(self, login: str) -> int:
        if len(self.ports) != len(self.logins):
            self.ports = {login: n for n, login in enumerate(self.logins, 1)}
        return self.ports[login]

    def login_request(self, login: str):
        port = self.port(login)
        return ("auth", login, lambda codec, i: codec.access_request(i, login, BENCH_PASSWORD, "127.0.0.1", port))

    def acct_request(self, login: str, status: int, session_id: str, *, seconds: int, octets: int):
        from bench._radius import session_attrs

        port = self.port(login)
        return ("acct", login, lambda codec, i: codec.accounting_request(
            i, status, session_attrs(login, session_id, "127.0.0.1", port, seconds=seconds, octets=octets)))

    # sessions: what was sent, so the rows can be checked against it after the replay

    def redial(self, logins: list[str], *, label: str) -> dict:
        """Each login's open session stopped (Accounting-Stop), then the login asked (Access-Request),
        then a new session started for each accepted one (Accounting-Start): a router's subscribers
        dialling again. Returns what the router saw."""
        from bench._radius import ACCESS_ACCEPT, START, STOP

        self.session_round += 1
        now = time.time()
        stops = [(login, session_id, int(now - started), self.octets(session_id))
                 for login in logins if login in self.open_sessions for session_id, started in [self.open_sessions[login]]]
        stop_answers = self.run([self.acct_request(login, STOP, session_id, seconds=seconds, octets=octets)
                                 for login, session_id, seconds, octets in stops])
        for (login, session_id, seconds, octets), (reply, _server, _ms) in zip(stops, stop_answers, strict=True):
            self.sent["Stop"] += 1
            self.answered["Stop"] += reply is not None
            self.expect[session_id] = (login, self.expect[session_id][1], False, seconds, octets)
            del self.open_sessions[login]
        auth_started = time.time()
        answers = self.run([self.login_request(login) for login in logins])
        auth_seconds = time.time() - auth_started
        figures = {"asked": len(logins), "paying": 0, "accepted_at_speed": 0, "paying_refused_or_lost": 0, "blocked": 0,
                   "blocked_accepted": 0, "lost": 0, "servers": Counter(), "latencies": [], "auth_seconds": auth_seconds,
                   "stops": len(stops), "stops_answered": sum(r is not None for r, _s, _m in stop_answers)}
        accepted = []
        for login, (reply, server, ms) in zip(logins, answers, strict=True):
            figures["servers"][server] += 1
            if reply is None:
                figures["lost"] += 1
            else:
                figures["latencies"].append(ms)
            if login in self.blocked:
                figures["blocked"] += 1
                figures["blocked_accepted"] += reply is not None and reply[0] == ACCESS_ACCEPT
                continue
            figures["paying"] += 1
            if reply is not None and reply[0] == ACCESS_ACCEPT and rate_limit(reply) == self.speed[login]:
                figures["accepted_at_speed"] += 1
                accepted.append(login)
            else:
                figures["paying_refused_or_lost"] += 1
        starts = []
        for login in accepted:
            session_id = f"{label}{self.session_round}-{self.port(login)}"
            starts.append((login, session_id))
        start_answers = self.run([self.acct_request(login, START, session_id, seconds=0, octets=0) for login, session_id in starts])
        for (login, session_id), (reply, _server, _ms) in zip(starts, start_answers, strict=True):
            self.sent["Start"] += 1
            self.answered["Start"] += reply is not None
            self.open_sessions[login] = (session_id, time.time())
            self.expect[session_id] = (login, time.time(), True, 0, 0)
        figures["starts"] = len(starts)
        figures["starts_answered"] = sum(r is not None for r, _s, _m in start_answers)
        return figures

    def octets(self, session_id: str) -> int:
        """Each session's byte count grows with every packet: a row that missed the last one shows it."""
        return self.expect[session_id][4] + 1_000_003

    def interims(self) -> tuple[int, int]:
        """One Interim-Update for every open session (its time and bytes so far)."""
        from bench._radius import INTERIM_UPDATE

        sessions = list(self.open_sessions.items())
        now = time.time()
        requests, updates = [], []
        for login, (session_id, started) in sessions:
            seconds, octets = int(now - started), self.octets(session_id)
            requests.append(self.acct_request(login, INTERIM_UPDATE, session_id, seconds=seconds, octets=octets))
            updates.append((session_id, seconds, octets))
        answers = self.run(requests)
        for (session_id, seconds, octets), (reply, _server, _ms) in zip(updates, answers, strict=True):
            self.sent["Interim-Update"] += 1
            self.answered["Interim-Update"] += reply is not None
            login, started, is_open, _seconds, _octets = self.expect[session_id]
            self.expect[session_id] = (login, started, is_open, seconds, octets)
        return len(requests), sum(r is not None for r, _s, _m in answers)

    def check_rows(self, *, database_port: int) -> dict:
        """Every session sent against radius_radacct: there, open or closed as sent, with the time and
        bytes of the last packet sent for it; and no row that was not sent."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={database_port} dbname={DB_NAME} user=postgres") as conn:
            rows = {sid: (stop is None, seconds, octets) for sid, stop, seconds, octets in conn.execute(
                "SELECT acctsessionid, acctstoptime, acctsessiontime, acctinputoctets FROM radius_radacct WHERE router_id = %s",
                [self.router_id])}
        missing = wrong = 0
        for session_id, (_login, _started, is_open, _seconds, octets) in self.expect.items():
            row = rows.get(session_id)
            if row is None:
                missing += 1
            elif row[0] != is_open or (octets and row[2] != octets):
                wrong += 1
        return {"sessions_sent": len(self.expect), "rows": len(rows), "missing": missing, "wrong": wrong,
                "extra": len(set(rows) - set(self.expect)),
                "closed_rows": sum(not r[0] for r in rows.values()), "stops_sent": self.sent["Stop"]}

    def answers_logged(self, *, database_port: int, since: float) -> int:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={database_port} dbname={DB_NAME} user=postgres") as conn:
            return conn.execute("SELECT count(*) FROM radius_postauth WHERE router_id = %s AND authdate >= to_timestamp(%s)",
                                [self.router_id, since]).fetchone()[0]

    def wait_replayed(self, timeout: float) -> float | None:
        """Seconds until both servers' spools are empty (everything written), None after `timeout`."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if not any(server.pending() for server in self.servers):
                return time.monotonic() - started
            time.sleep(0.5)
        return None


BENCH_PASSWORD = "bench-pppoe-pass"  # bench/_common.py's BENCH_PPPOE_PASSWORD


def radius_site(inst: Installation, args) -> RadiusSite:
    if getattr(inst, "radius_site", None) is not None:
        return inst.radius_site
    from django.db import connection

    from bench._common import BENCH_PPPOE_PASSWORD
    from network.models import Router

    assert BENCH_PPPOE_PASSWORD == BENCH_PASSWORD
    site = RadiusSite(inst, args)
    router = Router.objects.order_by("pk").first()
    Router.objects.filter(pk=router.pk).update(host="127.0.0.1", aaa_mode="radius", radius_secret=RADIUS_SECRET, is_active=True,
                                               radius_require_message_authenticator=False)
    Router.objects.exclude(pk=router.pk).update(aaa_mode="api")
    site.router_id = router.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH chosen AS (SELECT id FROM customers_subscription WHERE connection_type = 'pppoe' AND username <> '' "
            "AND status IN ('active', 'suspended', 'pending') ORDER BY id LIMIT %s) "
            "UPDATE customers_subscription SET router_id = %s WHERE id IN (SELECT id FROM chosen)",
            [args.radius_subscribers, router.pk])
        cursor.execute("UPDATE customers_subscription SET router_id = (SELECT min(id) FROM network_router WHERE id <> %s) "
                       "WHERE router_id = %s AND id NOT IN (SELECT id FROM customers_subscription WHERE connection_type = 'pppoe' "
                       "AND username <> '' AND status IN ('active', 'suspended', 'pending') ORDER BY id LIMIT %s)",
                       [router.pk, router.pk, args.radius_subscribers])
        cursor.execute("TRUNCATE radius_radacct, radius_postauth")
        cursor.execute("SELECT username FROM customers_subscription WHERE router_id = %s ORDER BY id", [router.pk])
        site.logins = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT status, count(*) FROM customers_subscription WHERE router_id = %s GROUP BY status ORDER BY 1",
                       [router.pk])
        statuses = dict(cursor.fetchall())
    say(f"  RADIUS site: router {router.name} in RADIUS mode with {len(site.logins):,} PPPoE logins ({statuses})")
    say(f"  replica made and started in {site.make_replica():.1f} s (pg_basebackup -R, port {site.replica_port})")
    took = site.start_servers(site.env(database_port=inst.pg.port, replica=True))
    say(f"  two radius_serve supervisors answering in {took:.1f} s (auth ports {site.servers[0].auth_port}, "
        f"{site.servers[1].auth_port})")
    say(f"  replica caught up in {site.replica_caught_up():.2f} s")
    # What each login gets with everything up: the speed to expect, and who is blocked.
    answers = site.run([site.login_request(login) for login in site.logins])
    from bench._radius import ACCESS_ACCEPT

    for login, (reply, _server, _ms) in zip(site.logins, answers, strict=True):
        if reply is None:
            raise RuntimeError(f"{login} got no answer with everything up")
        if reply[0] == ACCESS_ACCEPT:
            site.speed[login] = rate_limit(reply)
        else:
            site.blocked.add(login)
    say(f"  with everything up: {len(site.speed):,} accepted (paying), {len(site.blocked):,} refused (blocked)")
    opened = site.redial([login for login in site.logins if login in site.speed], label="up")
    say(f"  {opened['starts_answered']:,} sessions opened (Accounting-Start)")
    inst.radius_site = site
    return site




def _wave(figures: dict, name: str) -> str:
    latencies = figures["latencies"]
    servers = ", ".join(f"server {n}: {c:,}" for n, c in sorted(figures["servers"].items()) if n) or "none"
    return (f"{name}: {figures['asked']:,} logins in {figures['auth_seconds']:.1f} s — paying {figures['accepted_at_speed']:,} of "
            f"{figures['paying']:,} accepted at their speed, blocked {figures['blocked_accepted']} of {figures['blocked']:,} accepted, "
            f"{figures['lost']} unanswered; p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms; "
            f"answered by {servers}; Stops {figures['stops_answered']:,}/{figures['stops']:,}, "
            f"Starts {figures['starts_answered']:,}/{figures['starts']:,} acknowledged")


def _wave_ok(figures: dict) -> bool:
    return (figures["accepted_at_speed"] == figures["paying"] and figures["blocked_accepted"] == 0 and figures["lost"] == 0
            and figures["stops_answered"] == figures["stops"] and figures["starts_answered"] == figures["starts"])


def _accounting_line(site: RadiusSite, rows: dict) -> str:
    sent = ", ".join(f"{kind} {site.answered[kind]:,}/{site.sent[kind]:,}" for kind in ("Start", "Interim-Update", "Stop"))
    return (f"accounting acknowledged/sent since the site started: {sent}; in radius_radacct: {rows['rows']:,} rows for "
            f"{rows['sessions_sent']:,} sessions started ({rows['closed_rows']:,} closed, {rows['stops_sent']:,} Stops sent), "
            f"{rows['missing']} missing, {rows['wrong']} not at their last packet (open/closed, time, bytes), {rows['extra']} extra")


def _accounting_ok(site: RadiusSite, rows: dict) -> bool:
    return (all(site.answered[kind] == site.sent[kind] for kind in site.sent) and rows["missing"] == rows["wrong"] == rows["extra"] == 0
            and rows["rows"] == rows["sessions_sent"] and rows["closed_rows"] == rows["stops_sent"])


def drill_radius_db(inst: Installation, args) -> dict:
    """The primary PostgreSQL stopped for --radius-outage-minutes while every subscriber re-dials (at
    the start and again half-way) and accounting flows (an Interim-Update for every session every
    --radius-interim seconds): paying ones accepted at their speed from the replica, blocked ones
    refused, every accounting packet acknowledged and, after the primary is back, in radius_radacct."""
    from django.db import connections

    site = radius_site(inst, args)
    outage = args.radius_outage_minutes * 60
    say(f"\n[radius-db] primary PostgreSQL stopped for {outage / 60:g} min; {len(site.logins):,} subscribers re-dial at "
        f"the start and half-way, Interim-Update for every session every {args.radius_interim:g} s")
    since = time.time()
    connections.close_all()
    took = inst.pg.stop("fast")
    began = time.monotonic()
    say(f"  primary stopped ({took:.1f} s)")
    waves = [site.redial(site.logins, label="db")]
    say("  " + _wave(waves[0], "re-dial at the start"))
    interims = [0, 0]
    half_done = False
    next_round = began + args.radius_interim
    while True:
        time.sleep(max(0.0, min(next_round, began + outage) - time.monotonic()))
        if time.monotonic() - began >= outage:
            break
        next_round += args.radius_interim
        if not half_done and time.monotonic() - began >= outage / 2:
            half_done = True
            waves.append(site.redial(site.logins, label="dbhalf"))
            say("  " + _wave(waves[-1], f"re-dial at {(time.monotonic() - began) / 60:.1f} min"))
            continue
        sent, answered = site.interims()
        interims[0] += sent
        interims[1] += answered
        say(f"  {(time.monotonic() - began) / 60:5.1f} min: Interim-Updates {answered:,}/{sent:,} acknowledged; spools "
            f"{sum(server.pending() for server in site.servers)} file(s)")
    down_for = time.monotonic() - began
    inst.pg.start()
    say(f"  primary started again after {down_for / 60:.1f} min")
    replayed = site.wait_replayed(args.radius_settle)
    say(f"  spools replayed into the primary {replayed:.1f} s after it was back" if replayed is not None
        else f"  spools NOT empty {args.radius_settle:.0f} s after the primary was back")
    rows = site.check_rows(database_port=inst.pg.port)
    asked = sum(w["asked"] - w["lost"] for w in waves)
    logged = site.answers_logged(database_port=inst.pg.port, since=since)
    say("  " + _accounting_line(site, rows))
    say(f"  answers given during the outage: {asked:,}; their records in radius_postauth after the replay: {logged:,}")
    passed = all(_wave_ok(w) for w in waves) and _accounting_ok(site, rows) and replayed is not None and logged == asked
    summary = (f"{down_for / 60:.1f} min down; " + "; ".join(_wave(w, n) for w, n in zip(waves, ("at the start", "half-way"), strict=False))
               + f"; Interim-Updates {interims[1]:,}/{interims[0]:,}; replayed {replayed if replayed is None else round(replayed, 1)} s "
               + f"after; {_accounting_line(site, rows)}; post-auth records {logged:,} of {asked:,} answers")
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "radius-db", "passed": passed, "summary": summary, "load": load_average()}


def drill_radius_server(inst: Installation, args) -> dict:
    """One FreeRADIUS of two killed (its radius_serve and FreeRADIUS, SIGKILL): every subscriber re-dials
    and sends accounting through the other."""
    site = radius_site(inst, args)
    first = site.servers[0]
    say(f"\n[radius-server] FreeRADIUS 1 killed (radius_serve and its freeradius, SIGKILL); {len(site.logins):,} re-dial")
    site.kill(first)
    wave = site.redial(site.logins, label="kill")
    say("  " + _wave(wave, "re-dial with server 1 dead"))
    sent, answered = site.interims()
    say(f"  Interim-Updates {answered:,}/{sent:,} acknowledged (by server 2)")
    left = first.pending()
    restart = site.start_servers(site.env(database_port=inst.pg.port, replica=True), [first])
    say(f"  server 1 started again, answering in {restart:.1f} s ({left} spool file(s) it left, replayed by it now)")
    replayed = site.wait_replayed(args.radius_settle)
    rows = site.check_rows(database_port=inst.pg.port)
    say("  " + _accounting_line(site, rows))
    passed = _wave_ok(wave) and wave["servers"].get(1, 0) == 0 and answered == sent and _accounting_ok(site, rows) and replayed is not None
    summary = f"{_wave(wave, 're-dial')}; Interim-Updates {answered:,}/{sent:,}; {_accounting_line(site, rows)}; server 1 back in {restart:.1f} s"
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "radius-server", "passed": passed, "summary": summary, "load": load_average()}


def drill_radius_promote(inst: Installation, args) -> dict:
    """The primary lost (stopped -m immediate, as a crash) and the replica promoted (pg_ctl promote):
    logins go on from it at once; then the application (DATABASE_URL) and both radius_serve follow it:
    a suspension made there counts at the next login, and the accounting spooled meanwhile is written
    into it."""
    from django.db import connection, connections

    site = radius_site(inst, args)
    say("\n[radius-promote] primary crashed (pg_ctl stop -m immediate), replica promoted (pg_ctl promote)")
    since = time.time()
    connections.close_all()
    inst.pg.stop("immediate")
    began = time.monotonic()
    site.replica_ctl("promote")
    say(f"  promoted in {time.monotonic() - began:.1f} s")
    before = site.redial(site.logins, label="promo")
    say("  " + _wave(before, "re-dial before anything follows (FreeRADIUS reads the promoted server as its replica)"))
    # The application follows: DATABASE_URL = the promoted server (here: this process's connection).
    connection.settings_dict.update(PORT=str(site.replica_port))
    from customers.models import Subscription
    from usecases.subscription_suspend import subscription_suspend

    target = next(login for login in site.logins if login in site.speed)
    subscription = Subscription.objects.get(username=target, router_id=site.router_id)
    subscription_suspend(actor=None, subscription=subscription, reason="fault drill: suspended on the promoted server",
                         suspension_type="non_payment")
    site.blocked.add(target)
    del site.speed[target]
    say(f"  the application on the promoted server: {target} suspended")
    probes = site.probes
    site.stop_servers()
    restart = site.start_servers(site.env(database_port=site.replica_port, replica=False))
    say(f"  both radius_serve restarted on DATABASE_URL = the promoted server, answering in {restart:.1f} s")
    # The Stops answered while nothing could write them are in the spools: until the replay has written
    # them, those sessions count as open (docs/radius.md: "a Stop answered while PostgreSQL was away").
    replayed = site.wait_replayed(args.radius_settle)
    say(f"  spools replayed into the promoted server {replayed:.1f} s after the restart" if replayed is not None
        else "  spools NOT empty")
    after = site.redial(site.logins, label="promoted")
    say("  " + _wave(after, "re-dial after"))
    site.wait_replayed(args.radius_settle)
    rows = site.check_rows(database_port=site.replica_port)
    asked = before["asked"] - before["lost"] + after["asked"] - after["lost"] + site.probes - probes
    logged = site.answers_logged(database_port=site.replica_port, since=since)
    say("  " + _accounting_line(site, rows))
    say(f"  answers since the crash: {asked:,}; their records in radius_postauth on the promoted server: {logged:,}")
    passed = _wave_ok(before) and _wave_ok(after) and _accounting_ok(site, rows) and replayed is not None and logged == asked
    summary = (f"{_wave(before, 'before following')}; {_wave(after, 'after')}; {target} suspended on the promoted server, refused "
               f"at its next login; {_accounting_line(site, rows)}; post-auth records {logged:,} of {asked:,}")
    say(f"  {'PASS' if passed else 'FAIL'}")
    return {"drill": "radius-promote", "passed": passed, "summary": summary, "load": load_average()}


DRILLS = {"billing": drill_billing, "postgres": drill_postgres, "redis": drill_redis, "router": drill_router_outage,
          "radius-server": drill_radius_server, "radius-db": drill_radius_db, "radius-promote": drill_radius_promote}


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
    parser.add_argument("--radius-subscribers", type=int, default=5000, help="PPPoE logins on the RADIUS router (5,000)")
    parser.add_argument("--radius-outage-minutes", type=float, default=15.0, help="how long radius-db keeps the primary stopped (15)")
    parser.add_argument("--radius-interim", type=float, default=60.0, help="seconds between Interim-Update rounds (60)")
    parser.add_argument("--radius-settle", type=float, default=900.0, help="how long to wait for the spools to be replayed")
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
