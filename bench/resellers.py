"""Reseller benchmarks on PostgreSQL:

1. renewals against ONE prepaid wallet, checking each time that the wallet never overdraws and its
   cache agrees with its entries:
   - step 1 alone (the request and its debit, under the wallet lock), with how long each debit held
     the wallet lock; step 2 alone (settling those renewals, set-based, in parallel); the
     set-based debit step alone (requests already waiting, debited by one holder of the lock);
   - **sustained end to end** (the target): forked processes renew different customers through
     `subscription_renew` as the portal does (request recorded, debited in its step's batch under the
     wallet lock, the batch settled inline: invoice, payment, margin, activation, audit) for
     `--window` seconds; renewals/s counts renewals requested, debited AND settled inside the
     window; Python CPU (the processes) and PostgreSQL CPU (their backends) per renewal;
2. the reseller's customer list with 100,000 customers under one reseller: p50/p95 server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/resellers.py

Uses its own database (`ispbill_bench_resellers`). Run by hand; not part of the test suite.
"""

import argparse
import atexit
import statistics
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="ispbill_bench_resellers")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--renewals", type=int, default=400)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", choices=("renewals", "sustained", "list"), default="")
    parser.add_argument("--profile", default="", help="write a cProfile of the sustained run's first process here")
    parser.add_argument("--window", type=float, default=15.0, help="seconds of the sustained end-to-end run")
    parser.add_argument("--sustained-customers", type=int, default=6000,
                        help="customers renewed in the sustained run (each at most once; the wallet covers 90%%)")
    return parser.parse_args()


def _reseller(name: str, model: str, areas, packages):
    from django.contrib.auth import get_user_model

    from customers.models import Branch
    from resellers import services
    from resellers.models import Reseller

    existing = Reseller.objects.filter(name=name).first()
    if existing:
        return existing
    branch = Branch.objects.order_by("pk").first()
    user_name = name.lower().replace(" ", ".")
    get_user_model().objects.filter(username=user_name).delete()
    reseller = services.reseller_create(
        actor=None, name=name, phone="+8801711000000", branch=branch, username=user_name, password="bench-pass-1",
        model=model, areas=[a for a in areas if a.branch_id == branch.pk],
    )
    for package in packages:
        services.reseller_package_set(actor=None, reseller=reseller, package=package,
                                      price=(package.price * Decimal("0.7")).quantize(Decimal("0.01")))
    return reseller


def _in_processes(items, processes, work):
    """Run work(chunk) in `processes` forked processes at once (as gunicorn or Celery workers would: no
    shared interpreter lock). Returns (wall seconds, outcomes, wallet-lock hold times, child CPU seconds)."""
    import multiprocessing as mp
    import resource

    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(processes + 1), ctx.Queue()
    chunks = [items[i::processes] for i in range(processes)]

    def child(chunk):
        from django.db import transaction

        from billing.ledger import wallets as ledger

        holds, original = [], ledger.wallet_lock

        def timed_lock(**kwargs):
            wallet = original(**kwargs)
            locked_at = time.perf_counter()
            transaction.on_commit(lambda: holds.append(time.perf_counter() - locked_at))
            return wallet

        ledger.wallet_lock = timed_lock
        barrier.wait()
        try:
            outcomes = [work(item) for item in chunk]
        except BaseException:
            import traceback

            outcomes = ["crashed: " + traceback.format_exc()]
        usage = resource.getrusage(resource.RUSAGE_SELF)
        queue.put((outcomes, holds, usage.ru_utime + usage.ru_stime))
        connections.close_all()

    pool = [ctx.Process(target=child, args=(chunk,)) for chunk in chunks]
    for process in pool:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    results = [queue.get() for _ in pool]
    seconds = time.perf_counter() - started
    for process in pool:
        process.join()
    outcomes = [o for result in results for o in result[0]]
    for crash in {o for o in outcomes if isinstance(o, str) and o.startswith("crashed")}:
        print(crash, file=sys.stderr)
    holds = sorted(h for result in results for h in result[1])
    return seconds, outcomes, holds, sum(result[2] for result in results)


def _ms(values, q):
    return values[min(len(values) - 1, int(len(values) * q))] * 1000 if values else float("nan")


def _fund(reseller, subs, share):
    """Top the wallet up to cover `share` of these renewals (the rest must be refused, never overdrawn)."""
    from django.db import transaction

    from billing.ledger import wallets as ledger
    from resellers import services

    needed = sum(services.allowed_package(reseller=reseller, package_id=s.package_id).price for s in subs)
    target = (needed * Decimal(share)).quantize(Decimal("0.01"))
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
        if wallet.balance < target:
            ledger.wallet_topup(wallet=wallet, amount=target - wallet.balance, method="bank", reference="bench")
        elif wallet.balance > target:
            ledger.wallet_adjust(wallet=wallet, amount=target - wallet.balance, memo="bench: fund exactly")


def bench_renewals(args):
    from django.core.exceptions import ValidationError

    from billing.ledger import wallets as ledger
    from billing.wallet_models import ResellerWallet
    from customers.models import Area, Customer, Package, Subscription
    from resellers import renewals, services
    from resellers.models import Renewal
    from usecases import reseller_renewal

    packages = list(Package.objects.filter(is_active=True))
    reseller = _reseller("Bench Prepaid", "prepaid", list(Area.objects.all()), packages)
    wanted = args.renewals * 2
    subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package").order_by("pk")[:wanted])
    if len(subs) < wanted:
        ids = list(Customer.objects.exclude(reseller=reseller).order_by("id").values_list("id", flat=True)[:wanted])
        Customer.objects.filter(id__in=ids).update(reseller=reseller)
        subs = list(Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package").order_by("pk")[:wanted])
    first, second = subs[: args.renewals], subs[args.renewals:]
    print(f"load average before: {open('/proc/loadavg').read().strip()}")

    def debit(sub):
        try:
            _renewal, created, _level = renewals.renewal_debit(actor=None, reseller=reseller, subscription=sub,
                                                                idempotency_key=f"bench-{sub.pk}-{time.time_ns()}")
            return "ok" if created else "dup"
        except ValidationError:
            return "refused"

    def settle(renewal_ids):
        taken = reseller_renewal.renewals_settle(renewal_ids=renewal_ids)
        settled = Renewal.objects.filter(pk__in=taken, status=Renewal.Status.SETTLED).count()
        return ["ok"] * settled + ["pending"] * (len(renewal_ids) - settled)

    def renew(sub):
        try:
            result = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub,
                                                 idempotency_key=f"bench-{sub.pk}-{time.time_ns()}")
            return ("ok" if result.settled else "pending") if result.created else "dup"
        except ValidationError:
            return "refused"

    def report(label, seconds, outcomes, holds, cpu):
        wallet = ResellerWallet.objects.get(reseller=reseller)
        counts = {name[:40]: outcomes.count(name) for name in sorted(set(outcomes))}
        held = f"wallet lock held p50 {_ms(holds, 0.5):.1f} ms, p95 {_ms(holds, 0.95):.1f} ms over {len(holds)} holds; " if holds else ""
        print(f"{label}: {len(outcomes)} by {args.processes} processes in {seconds:.2f} s = {len(outcomes) / seconds:.0f}/s; "
              f"{counts}; {held}CPU {cpu:.1f} s; "
              f"balance {wallet.balance} (limit -{wallet.credit_limit}); discrepancies {ledger.wallet_discrepancies()}; "
              f"load {open('/proc/loadavg').read().split()[0]}")

    # Step 1 alone (what one wallet serialises), then step 2 for those renewals, in parallel.
    _fund(reseller, first, "0.9")
    started_at = time.time()
    report("step 1, debit + pending renewal", *_in_processes(first, args.processes, debit))
    pending = list(Renewal.objects.filter(reseller=reseller, status="pending", created_at__gte=datetime.fromtimestamp(started_at - 1, tz=UTC))
                   .values_list("pk", flat=True))
    # Each process settles its share set-based, in batches of up to 50.
    batches = [pending[i:i + 50] for i in range(0, len(pending), 50)]
    seconds, outcomes, holds, cpu = _in_processes(batches, args.processes, settle)
    report("step 2, settling them (set-based, batches of 50)", seconds, [o for batch in outcomes for o in batch], holds, cpu)
    # The serialised part alone: requests already waiting (sent in parallel, outside the lock) debited
    # by one holder of the wallet lock in set-based steps of up to RENEWAL_BATCH.
    import datetime as dt

    from django.db import transaction

    batch_subs = second[: args.renewals // 2]
    _fund(reseller, batch_subs, "0.9")
    far = dt.date(2200, 1, 1) + dt.timedelta(days=time.time_ns() % 20000)
    with transaction.atomic():
        Renewal.objects.bulk_create([
            Renewal(reseller=reseller, subscription=sub, period_start=far, period_end=far + dt.timedelta(days=29),
                    price=services.allowed_package(reseller=reseller, package_id=sub.package_id).price)
            for sub in batch_subs
        ])
    started = time.perf_counter()
    cpu_started = time.process_time()
    locks = 0
    while Renewal.objects.filter(reseller=reseller, status="requested").exists():
        renewals.renewal_requests_debit(reseller_id=reseller.pk)
        locks += 1
    seconds = time.perf_counter() - started
    wallet = ResellerWallet.objects.get(reseller=reseller)
    done = Renewal.objects.filter(reseller=reseller, period_start=far)
    print(f"set-based step alone: {len(batch_subs)} waiting requests debited under {locks} wallet lock(s) in {seconds * 1000:.0f} ms "
          f"= {len(batch_subs) / seconds:.0f}/s (CPU {time.process_time() - cpu_started:.2f} s); "
          f"pending {done.filter(status='pending').count()}, refused {done.filter(status='refused').count()}; "
          f"balance {wallet.balance}; discrepancies {ledger.wallet_discrepancies()}; load {open('/proc/loadavg').read().split()[0]}")
    # Their customer's side, set-based, by one process: what settling costs per renewal in big batches.
    waiting = list(done.filter(status="pending").values_list("pk", flat=True))
    started, cpu_started, postgres_started = time.perf_counter(), time.process_time(), _backend_cpu_seconds()
    taken = reseller_renewal.renewals_settle(renewal_ids=waiting)
    seconds = time.perf_counter() - started
    python_cpu, postgres_cpu = time.process_time() - cpu_started, _backend_cpu_seconds() - postgres_started
    settled = done.filter(status="settled").count()
    print(f"set-based settlement alone: {len(waiting)} pending renewals settled by one process in batches of up to "
          f"{reseller_renewal.RENEWAL_SETTLE_BATCH} in {seconds * 1000:.0f} ms = {len(waiting) / seconds:.0f}/s; {settled} settled "
          f"({len(taken)} taken); CPU Python {python_cpu / len(waiting) * 1000:.1f} ms + PostgreSQL "
          f"{postgres_cpu / len(waiting) * 1000:.1f} ms per renewal; discrepancies {ledger.wallet_discrepancies()}; "
          f"load {open('/proc/loadavg').read().split()[0]}")
    # End to end, as the portal runs it: step 1 then step 2 in the same request.
    _fund(reseller, second, "0.9")
    rest = second[args.renewals // 2:]
    _fund(reseller, rest, "0.9")
    # No worker runs in this part: "pending" counts renewals a burst left to it (the sustained run has one).
    report("full renewals (subscription_renew; a burst's settlement is left to the worker)", *_in_processes(rest, args.processes, renew))


def _backend_cpu_seconds() -> float:
    """CPU time so far of the PostgreSQL backend serving this process's connection (same machine)."""
    import os

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used so far (all cores, /proc/stat)."""
    import os

    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _start_worker():
    """A Celery worker as production runs one (solo pool: one task at a time), on this bench's
    database and broker, settling what the requests leave to it. Returns the process once it answers."""
    import os
    import subprocess

    # Tasks an earlier run left queued (receipts' SMS, wake-ups) are not this run's work.
    subprocess.run([sys.executable, "-m", "celery", "-A", "config", "purge", "-f"], cwd=Path(__file__).resolve().parent.parent,
                   env=dict(os.environ), capture_output=True, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING", "--without-heartbeat",
         "--without-mingle", "--without-gossip"],
        cwd=Path(__file__).resolve().parent.parent, env=dict(os.environ),
    )
    for _ in range(30):
        # Asked from another process: a broker connection opened here would be inherited by the
        # forked renewal processes.
        answer = subprocess.run([sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout=1"],
                                cwd=Path(__file__).resolve().parent.parent, env=dict(os.environ), capture_output=True)
        if answer.returncode == 0:
            return worker
        if worker.poll() is not None:
            sys.exit("the Celery worker did not start")
    worker.terminate()
    sys.exit("the Celery worker did not answer")


def bench_sustained(args):
    """Renewals end to end for `--window` seconds: each process renews its customers one after another
    through `subscription_renew`, and a Celery worker settles what the requests leave to it (a burst
    finds the settling gate taken); a renewal counts when it was requested, debited and settled
    (its `settled_at`) inside the window."""
    import multiprocessing as mp

    from django.core.exceptions import ValidationError
    from django.db import connections

    from billing.ledger import wallets as ledger
    from billing.wallet_models import ResellerWallet
    from customers.models import Area, Customer, Package, Subscription
    from resellers import renewals
    from resellers.models import Renewal
    from usecases import reseller_renewal

    packages = list(Package.objects.filter(is_active=True))
    reseller = _reseller("Bench Sustained", "prepaid", list(Area.objects.all()), packages)
    wanted = args.sustained_customers
    mine = Subscription.objects.filter(customer__reseller=reseller, status__in=("active", "pending", "suspended"))
    if mine.count() < wanted:
        ids = list(Customer.objects.exclude(reseller=reseller).filter(subscriptions__status__in=("active", "pending", "suspended"))
                   .order_by("-id").values_list("id", flat=True)[:wanted - mine.count()])
        Customer.objects.filter(id__in=ids).update(reseller=reseller)
    # A customer whose next period is already paid (renewed by an earlier run) is renewed again for the
    # one after: every run renews each customer once more.
    subs = list(mine.select_related("customer", "package").order_by("pk")[:wanted])
    _fund(reseller, subs, "0.9")
    window, processes = args.window, args.processes
    worker = _start_worker()
    atexit.register(worker.kill)  # never left running when the bench fails
    print(f"load average before: {open('/proc/loadavg').read().strip()}")

    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, warmed, queue = ctx.Barrier(processes + 1), ctx.Barrier(processes + 1), ctx.Queue()
    started_at = ctx.Value("d", 0.0)
    run = f"sustained-{time.time_ns()}"

    def child(index, chunk):
        # Warm up outside the window (first-call imports, the connection, its prepared statements) on
        # the first customers: debited only, so the worker settles them and is warm too.
        for sub in chunk[:6]:
            try:
                renewals.renewal_debit(actor=None, reseller=reseller, subscription=sub, idempotency_key=f"warm-{time.time_ns()}")
            except ValidationError:
                pass
        chunk = chunk[6:]
        warmed.wait()
        batches, settle_many = [], reseller_renewal._settle_many

        def counted(**kwargs):  # how many renewals each set-based settlement took
            batches.append(len(kwargs["renewals"]))
            return settle_many(**kwargs)

        reseller_renewal._settle_many = counted
        profile = None
        if args.profile and index == 0:
            import cProfile

            profile = cProfile.Profile(time.process_time)  # CPU time, not waits
        python_started = time.process_time()
        postgres_started = _backend_cpu_seconds()
        barrier.wait()
        if profile:
            profile.enable()
        deadline = started_at.value + window
        requested, refused, crashed = 0, 0, ""
        try:
            for sub in chunk:
                if time.time() >= deadline:
                    break
                requested += 1
                try:
                    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub,
                                                idempotency_key=f"{run}-{sub.pk}")
                except ValidationError:
                    refused += 1
        except BaseException:
            import traceback

            crashed = traceback.format_exc()
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        queue.put((requested, refused, crashed, time.process_time() - python_started,
                   _backend_cpu_seconds() - postgres_started, [b for b in batches if b]))
        connections.close_all()

    pool = [ctx.Process(target=child, args=(i, subs[i::processes])) for i in range(processes)]
    for process in pool:
        process.start()
    # A production worker is long-lived: it settles the warm-up renewals (first-call imports and caches)
    # before the window opens, so the figure is the steady state, not a worker's first seconds.
    warmed.wait()
    from usecases.tasks import settle_reseller_renewals

    settle_reseller_renewals.delay(reseller.pk)
    for _ in range(120):
        if not Renewal.objects.filter(reseller=reseller, status__in=(Renewal.Status.REQUESTED, Renewal.Status.PENDING)).exists():
            break
        time.sleep(0.25)
    connections.close_all()
    busy_started = _machine_busy_seconds()
    started_at.value = time.time()
    barrier.wait()
    results = [queue.get() for _ in pool]
    for process in pool:
        process.join()
    begin = started_at.value
    time.sleep(max(0.0, begin + window - time.time()))
    busy = _machine_busy_seconds() - busy_started
    for crash in {r[2] for r in results if r[2]}:
        print(crash, file=sys.stderr)
    # What the worker has yet to settle is settled after the window (and not counted).
    mine_now = Renewal.objects.filter(reseller=reseller, idempotency_key__startswith=run)
    for _ in range(120):
        if not mine_now.filter(status__in=(Renewal.Status.REQUESTED, Renewal.Status.PENDING)).exists():
            break
        time.sleep(0.5)
    # The rest of what the renewals queued for the worker (the receipts' SMS, router changes): how long
    # the worker takes to catch up after the window.
    from config.celery import app

    def queued(broker) -> int:
        try:
            return broker.default_channel.queue_declare("celery", passive=True).message_count
        except broker.channel_errors:  # Redis: an empty queue is no key at all
            return 0

    caught_up_at = None
    with app.connection_for_write() as broker:
        for _ in range(600):
            if not queued(broker):
                caught_up_at = time.time()
                break
            time.sleep(0.5)
    worker.terminate()
    worker.wait()
    backlog = f"{caught_up_at - (begin + window):.1f} s after the window" if caught_up_at else "not within 5 minutes"
    settled_at = sorted(t.timestamp() for t in mine_now.filter(status=Renewal.Status.SETTLED).values_list("settled_at", flat=True))
    done = [t for t in settled_at if t <= begin + window]
    requested, refused = sum(r[0] for r in results), sum(r[1] for r in results)
    python_cpu, postgres_cpu = sum(r[3] for r in results), sum(r[4] for r in results)
    batches = sorted(b for r in results for b in r[5])
    inline = sum(batches)
    wallet = ResellerWallet.objects.get(reseller=reseller)
    waiting = Renewal.objects.filter(reseller=reseller, status__in=(Renewal.Status.REQUESTED, Renewal.Status.PENDING)).count()
    per_second = [sum(1 for t in done if begin + i <= t < begin + i + 1) for i in range(int(window))]
    print(f"sustained end to end: {len(done)} renewals requested, debited and settled in {window:.0f} s by {processes} processes "
          f"and one worker = {len(done) / window:.1f}/s (per second: min {min(per_second)}, median {statistics.median(per_second)}, "
          f"max {max(per_second)}); requested {requested}, refused {refused}, settled after the window {len(settled_at) - len(done)}, "
          f"still requested/pending now {waiting}; "
          f"request processes' CPU: Python {python_cpu:.1f} s + PostgreSQL {postgres_cpu:.1f} s = "
          f"{python_cpu / max(requested, 1) * 1000:.1f} + {postgres_cpu / max(requested, 1) * 1000:.1f} ms per renewal; "
          f"whole machine busy {busy:.1f} CPU-s in the window = {busy / max(len(done), 1) * 1000:.1f} ms per renewal settled; "
          f"settled by the requests {inline} in {len(batches)} batches (median {statistics.median(batches or [0])}, "
          f"max {max(batches or [0])}), by the worker {len(settled_at) - inline}; balance {wallet.balance} "
          f"(limit -{wallet.credit_limit}, never below: {wallet.balance >= -wallet.credit_limit}); "
          f"discrepancies {ledger.wallet_discrepancies()}; the worker's queue (receipts' SMS, router changes) empty "
          f"{backlog}; load {open('/proc/loadavg').read().strip()}")


def bench_list(args):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from customers.models import Area, Customer, Package

    reseller = _reseller("Bench Big", "commission", list(Area.objects.all()), list(Package.objects.filter(is_active=True))[:3])
    if Customer.objects.filter(reseller=reseller).count() < args.customers:
        Customer.objects.exclude(reseller=reseller).update(reseller=reseller)  # the renewal benches borrow some
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
    count = Customer.objects.filter(reseller=reseller).count()
    client = Client()
    client.force_login(reseller.user)
    url = reverse("reseller:customer-list")
    def cursor_at_middle():
        """The list's own cursor, pointed at the customer in the middle of the name order."""
        import base64
        import json

        names = Customer.objects.filter(reseller=reseller).order_by("name", "id").values_list("name", "id")
        name, pk = names[count // 2]
        return base64.urlsafe_b64encode(json.dumps(["name", name, pk]).encode()).decode().rstrip("=")

    cases = {"first page": {}, "deep page (cursor at the middle)": {"after": cursor_at_middle()},
             "search name": {"q": "rahman"}, "active": {"status": "active"},
             "search account": {"q": "CT-2026-0009"}, "search phone": {"q": "01711"}}
    for params in cases.values():
        for _ in range(3):
            client.get(url, params)
    print(f"load average before: {open('/proc/loadavg').read().strip()}")
    for name, params in cases.items():
        times, sql_times, cpu_times = [], [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                cpu_started = time.process_time()
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu_started) * 1000)
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"reseller list, {count} customers, {name}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
              f"sql p50 {statistics.median(sql_times):.1f} ms, python CPU p50 {statistics.median(cpu_times):.1f} ms, "
              f"{len(queries)} queries; load {open('/proc/loadavg').read().split()[0]}")


def main():
    args = parse_args()
    setup_django(args.db_name)
    if loaded_size() != args.customers:
        print(f"loading {args.customers} customers…")
        load_customers(args.customers)
    if args.only in ("", "renewals"):
        bench_renewals(args)
    if args.only in ("", "renewals", "sustained"):
        bench_sustained(args)
    if args.only in ("", "list"):
        bench_list(args)


if __name__ == "__main__":
    main()
