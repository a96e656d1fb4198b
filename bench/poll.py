"""Usage polling, outbox latency and the reconciler against simulated routers, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/poll.py --routers 20 --per-router 2000 --workers 2

Uses its own database (`ispbill_bench_poll`, created if missing, migrated) and loads routers × per-router
customers with bench/_common.py when it does not already hold exactly that many (one subscription each).
Every subscription is made active and put on one of the bench routers (2,000 each, ~6 % static IPs with
simple queues, the rest PPPoE). A separate process runs the RouterOS simulator: one simulated router
per bench router, loaded directly (not over the wire) with what the database wants, every PPPoE
customer online. A real Celery worker (`--workers` prefork processes, Redis db `--redis-db`) runs the
tasks, as in production.

It measures:

1. a full polling cycle: the beat task's fan-out (`poll_all_routers_usage`), one task per router
   through the broker, each reading its router's counters in one bulk read per table, computing the
   deltas, inserting the samples in bulk and rolling up the hour and the day; wall time from the
   fan-out until every router has stored its poll (target ≤ 15 s). Then one router in-process,
   split into read / store / FUP evaluation.
2. suspend and reactivate: wall time from the service call (`subscription_suspend`, which commits
   an outbox entry and wakes the router's drainer) until the simulator's /ppp/secret shows the change
   (and, for a suspension, /ppp/active no longer has the session) (target ≤ 5 s).
3. a reconcile pass over one router's 2,000 customers, in sync and with injected drift (target ≤ 5 s).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
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
from usecases.subscription_reactivate import subscription_reactivate as usecases_subscription_reactivate  # noqa: E402
from usecases.subscription_suspend import subscription_suspend as usecases_subscription_suspend  # noqa: E402

BASE_PORT = 28728


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routers", type=int, default=20)
    parser.add_argument("--per-router", type=int, default=2000, help="customers (one subscription each) per router")
    parser.add_argument("--db-name", default="ispbill_bench_poll")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (prefork concurrency)")
    parser.add_argument("--cycles", type=int, default=3, help="timed polling cycles after the baseline one")
    parser.add_argument("--gap", type=float, default=10.0, help="seconds between polling cycles (traffic accrues)")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database for the bench's broker (not the demo's)")
    parser.add_argument("--port", type=int, default=BASE_PORT, help="API port of the first simulated router")
    parser.add_argument("--latency-runs", type=int, default=5, help="suspend/reactivate round trips")
    parser.add_argument("--reload", action="store_true", help="load the customers again even if the size matches")
    return parser.parse_args()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# The simulator process -----------------------------------------------------------------------------


def simulator_main(conn, specs, base_port: int) -> None:
    """Run one simulated router per spec until told to stop. specs: [(identity, [(command, attrs)])]."""
    from demo.routeros import SimulatorHost

    host = SimulatorHost()
    routers = [
        host.add_router(port=base_port + index, ssl_port=None, identity=identity, username="admin", password="",
                        seed=f"bench-{index}", connect_delay=0, online_ratio=1.0)
        for index, (identity, _rows) in enumerate(specs)
    ]
    for router, (_identity, rows) in zip(routers, specs):
        for command, attrs in rows:
            router.run(command, **attrs)
    host.start()
    for router in routers:
        router.session_names()  # everyone dials in now
    conn.send([(router.host, router.port) for router in routers])
    conn.recv()  # "stop"
    host.stop()


# Preparation ----------------------------------------------------------------------------------------


def prepare(routers: int, per_router: int) -> list:
    """Bench routers, every subscription active on one of them, usage tables empty."""
    from django.db import connection, transaction

    from customers.models import Package, Subscription
    from network.models import (
        DriftReport,
        FupState,
        ProvisioningTask,
        Router,
        UsageDaily,
        UsageHourly,
        UsagePoll,
        UsageSample,
    )

    with transaction.atomic():
        bench = []
        for index in range(routers):
            router, _ = Router.objects.update_or_create(
                name=f"BENCH-R{index + 1:02d}",
                defaults={"host": "127.0.0.1", "api_port": BASE_PORT + index, "username": "admin", "password": "", "is_active": True},
            )
            bench.append(router)
        Router.objects.exclude(pk__in=[r.pk for r in bench]).update(is_active=False)
        ids = ",".join(str(router.pk) for router in bench)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {Subscription._meta.db_table} SET
                    router_id = (ARRAY[{ids}])[LEAST((id - 1) / %s + 1, %s)],
                    status = 'active', suspension_type = '', skip_billing = false,
                    connection_type = CASE WHEN connection_type = 'hotspot' THEN 'pppoe' ELSE connection_type END,
                    activated_at = COALESCE(activated_at, now()), suspended_at = NULL, cancelled_at = NULL""",
                [per_router, routers],
            )
        # The capped packages throttle past their cap (the demo catalogue has caps, no FUP speeds).
        Package.objects.filter(data_cap_gb__gt=0, fup_download_mbps__isnull=True).update(fup_download_mbps=2, fup_upload_mbps=1)
        for model in (UsageSample, UsageHourly, UsageDaily, UsagePoll, FupState, ProvisioningTask, DriftReport):
            model.objects.all().delete()
    with connection.cursor() as cursor:
        for model in (Subscription, UsageSample):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return bench


def router_rows(router) -> list:
    """What the database wants on the router, as simulator commands (loaded without the wire)."""
    from customers.models import Package, Subscription
    from network import services
    from network.routeros import marker

    rows = []
    for package in Package.objects.all():
        for desired in services._profiles_desired(package):
            rows.append(("/ppp/profile/add", {"name": desired["name"], "rate-limit": desired["rate_limit"]}))
    for subscription in Subscription.objects.filter(router=router).select_related("router", "package").order_by("pk"):
        desired = services.desired_state(subscription)
        comment = marker(subscription.pk)
        if desired["kind"] == "static":
            rows.append(("/queue/simple/add", {
                "name": desired["name"], "target": f"{desired['address']}/32", "max-limit": desired["rate_limit"], "comment": comment,
            }))
        else:
            rows.append(("/ppp/secret/add", {
                "name": desired["name"], "password": subscription.password, "profile": desired["profile"],
                "service": "pppoe", "comment": comment,
            }))
    return rows


# Measurements ---------------------------------------------------------------------------------------


def wait_for_worker(app, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    sys.exit("the Celery worker did not come up")


def cycle_processes() -> list[int]:
    """The worker pool, the simulator and this database's PostgreSQL backends."""
    pids = list(CPU_PIDS)
    for parent in list(CPU_PIDS):
        pids += child_pids(parent)
    return pids + database_backend_pids()


CPU_PIDS: list[int] = []


def polling_cycle(routers, label: str) -> dict:
    from django.utils import timezone

    from network.models import UsagePoll, UsageSample
    from network.tasks import poll_all_routers_usage

    pids = cycle_processes()
    cpu_before = cpu_seconds(pids)
    started_at = timezone.now()
    started = time.perf_counter()
    poll_all_routers_usage()  # what beat runs: one task per router through the broker
    wanted = {router.pk for router in routers}
    while True:
        done = set(UsagePoll.objects.filter(router__in=wanted, succeeded_at__gte=started_at).values_list("router_id", flat=True))
        failed = UsagePoll.objects.filter(router__in=wanted, polled_at__gte=started_at).exclude(error="")
        if failed.exists():
            sys.exit(f"poll failed: {list(failed.values_list('router_id', 'error'))}")
        if done == wanted:
            break
        if time.perf_counter() - started > 120:
            sys.exit(f"polling cycle did not finish: {len(done)}/{len(wanted)} routers")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(pids) - cpu_before
    polls = list(UsagePoll.objects.filter(router__in=wanted))
    samples = UsageSample.objects.filter(taken_at__gte=started_at).count()
    counters = sum(poll.counters for poll in polls)
    per_router = sorted(poll.duration_ms for poll in polls)
    print(
        f"  {label:<10} wall {wall:6.2f} s   CPU {cpu:5.1f} s (workers + simulator + PostgreSQL)   counters {counters:,}   samples {samples:,}   "
        f"per-router task p50 {statistics.median(per_router) / 1000:.2f} s max {per_router[-1] / 1000:.2f} s   load {load_average()}",
        flush=True,
    )
    return {"wall": wall, "counters": counters, "samples": samples}


def one_router_breakdown(router) -> None:
    from django.db import transaction
    from django.utils import timezone

    from network import routeros, usage

    settings_ = routeros.connection_for(router, read_timeout=60)
    with routeros.router_session(settings_) as client:
        started = time.perf_counter()
        reading = routeros.read_counters(client)
        read = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        result = usage.store_reading(router=router, reading=reading, now=timezone.now())
    store = time.perf_counter() - started
    started = time.perf_counter()
    fup = usage.fup_evaluate(router_id=router.pk)
    evaluate = time.perf_counter() - started
    print(
        f"  one router in-process: read {read:.2f} s ({len(reading.sessions)} sessions, {len(reading.queues)} queues, "
        f"{len(reading.active)} active) · delta + samples + roll-ups + live sessions {store:.2f} s "
        f"({result.samples} samples) · FUP evaluation {evaluate:.2f} s ({fup.checked} capped subscriptions)",
        flush=True,
    )


def wait_until(check, timeout: float = 30.0) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            return float("inf")
        time.sleep(0.01)
    return time.perf_counter() - started


def suspend_reactivate(router, runs: int) -> None:
    from customers.models import Subscription
    from network import routeros

    settings_ = routeros.connection_for(router)
    subscriptions = list(
        Subscription.objects.filter(router=router, connection_type="pppoe", status="active").order_by("pk")[:runs]
    )

    def secret_disabled(name: str) -> bool | None:
        with routeros.router_session(settings_) as client:
            rows = client.find(routeros.SECRETS, name=name)
            return routeros.parse_bool(rows[0].get("disabled")) if rows else None

    def online(name: str) -> bool:
        with routeros.router_session(settings_) as client:
            return bool(client.find(routeros.ACTIVE, name=name))

    suspends, reactivates = [], []
    for subscription in subscriptions:
        name = subscription.username
        assert online(name), f"{name} should be online before the test"
        started = time.perf_counter()
        subscription = usecases_subscription_suspend(
            actor=None, subscription=subscription, reason="bench", suspension_type=Subscription.SuspensionType.NON_PAYMENT,
        )
        elapsed = wait_until(lambda name=name: secret_disabled(name) is True and not online(name))
        suspends.append(elapsed + 0)
        started = time.perf_counter()
        usecases_subscription_reactivate(actor=None, subscription=subscription, reason="bench")
        reactivates.append(wait_until(lambda name=name: secret_disabled(name) is False))
        del started
    fmt = lambda values: f"p50 {statistics.median(values):.2f} s, max {max(values):.2f} s"  # noqa: E731
    print(f"  suspend → secret disabled and session gone: {fmt(suspends)} ({len(suspends)} runs)", flush=True)
    print(f"  reactivate → secret enabled:                 {fmt(reactivates)} ({len(reactivates)} runs)", flush=True)


def reconcile(router) -> None:
    from network import routeros

    for label in ("in sync", "in sync again"):
        started = time.perf_counter()
        report = reconcile.reconcile_router(router_id=router.pk)
        print(f"  reconcile ({label}): {time.perf_counter() - started:.2f} s, {report.checked} checked, "
              f"{len(report.repairs)} repairs, {len(report.orphans)} orphans, status {report.status}", flush=True)
    # Drift: 20 secrets disabled by hand, 20 moved to another profile, 10 removed.
    with routeros.router_session(routeros.connection_for(router)) as client:
        secrets = client.print(routeros.SECRETS, proplist=(".id", "name"))[:50]
        for row in secrets[:20]:
            client.set(routeros.SECRETS, row[".id"], disabled=True)
        for row in secrets[20:40]:
            client.set(routeros.SECRETS, row[".id"], profile="default")
        client.remove(routeros.SECRETS, *[row[".id"] for row in secrets[40:50]])
    started = time.perf_counter()
    report = reconcile.reconcile_router(router_id=router.pk)
    print(f"  reconcile (50 drifted):  {time.perf_counter() - started:.2f} s, {report.checked} checked, "
          f"{report.repaired_count} repaired, status {report.status}", flush=True)


def main() -> None:
    args = parse_args()
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    print(f"bench/poll.py — {args.routers} routers × {args.per_router:,} customers, {args.workers} worker processes", flush=True)
    print(f"  {platform.python_version()} on {os.cpu_count()} cores, load {load_average()}", flush=True)
    setup_django(args.db_name)

    from django.db import connections

    from config.celery import app
    from customers.models import Subscription
    from network.models import Router

    total = args.routers * args.per_router
    if args.reload or loaded_size() != total:
        load_customers(total)
    routers = prepare(args.routers, args.per_router)
    specs = [(router.name, router_rows(router)) for router in routers]
    print(f"  {Subscription.objects.filter(router__in=routers).count():,} subscriptions on {len(routers)} routers, "
          f"{sum(1 for _n, rows in specs for c, _a in rows if c == '/queue/simple/add'):,} of them static", flush=True)
    connections.close_all()

    parent, child = multiprocessing.get_context("fork").Pipe()
    simulator = multiprocessing.get_context("fork").Process(target=simulator_main, args=(child, specs, args.port), daemon=True)
    started = time.perf_counter()
    simulator.start()
    addresses = parent.recv()
    print(f"  simulator up in {time.perf_counter() - started:.1f} s", flush=True)
    for router, (host, port) in zip(routers, addresses):
        Router.objects.filter(pk=router.pk).update(host=host, api_port=port)
    routers = list(Router.objects.filter(pk__in=[r.pk for r in routers]).order_by("name"))

    app.control.purge()
    worker = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--pool=prefork", f"--concurrency={args.workers}",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-poll@{platform.node()}"],
        cwd=ROOT, env=os.environ.copy(),
    )
    CPU_PIDS[:] = [worker.pid, simulator.pid]
    try:
        wait_for_worker(app)
        print(f"\nPolling ({args.routers} routers, fan-out through Celery):", flush=True)
        polling_cycle(routers, "baseline")  # first reading of every counter: baselines, no samples
        for cycle in range(1, args.cycles + 1):
            time.sleep(args.gap)
            polling_cycle(routers, f"cycle {cycle}")
        time.sleep(args.gap)
        one_router_breakdown(routers[0])

        print("\nOutbox latency (service call → simulator, worker running):", flush=True)
        suspend_reactivate(routers[2], args.latency_runs)

        print(f"\nReconciler ({args.per_router:,} customers on {routers[1].name}):", flush=True)
        reconcile(routers[1])
        print(f"\nload average at the end: {load_average()}", flush=True)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        parent.send("stop")
        simulator.join(timeout=10)


if __name__ == "__main__":
    main()
