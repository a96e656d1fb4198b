"""The night-speed edge: N sessions on R simulated routers switched to their night speed, paced per router.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/night_speed.py --sessions 50000 --routers 20 --mode radius

Uses its own database (`ispbill_bench_speeds`, created if missing, migrated) and the customers
loader of `_common.py` (`--sessions` customers with one subscription each), then points every
subscription at one of `--routers` routers (round robin), active, PPPoE, on one package "Night bench"
(internet 20 Mbps, night 00:00–08:00 at 40 Mbps). A separate process runs the RouterOS simulator with
those routers, each holding its subscribers' sessions (and, in `--mode api`, their `net-NAME` speed
queues as ispbill writes them); in `--mode radius` each router takes CoA from ispbill with its secret.

Then the edge, as beat and the worker run it: `speed_edges_start` at 00:00:01 makes one run per
router, and `speed_edges_apply` (the worker's job) runs every router's share at once, a thread per
router (they sleep most of the time, pacing). It prints, per router and in total, how many
sessions were changed (done), refused (the router said no, or had no session) and lost (no answer),
the busiest second each router saw (never above SPEED_CHANGES_PER_ROUTER_PER_SECOND, default 50) and
the wall time from the first job's start to the last one's end (target: 50,000 over 20 routers within
60 s; at 50 a second a router's 2,500 take 50 s).

`--kill-router K` refuses router K's connections and silences its CoA port before the edge: its
sessions are counted lost, the others go ahead.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import BENCH_PPPOE_PASSWORD, load_customers, setup_django  # noqa: E402

SECRET = "bench-coa-secret"
PACKAGE = "Night bench 20 Mbps"
PROFILE = "BENCH-NIGHT-20M"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--routers", type=int, default=20)
    parser.add_argument("--mode", choices=("radius", "api"), default="radius")
    parser.add_argument("--rate", type=float, default=None, help="SPEED_CHANGES_PER_ROUTER_PER_SECOND (default: the setting, 50)")
    parser.add_argument("--kill-router", type=int, default=None)
    parser.add_argument("--db-name", default="ispbill_bench_speeds")
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


def run_simulator(plan: list[list[tuple[int, str]]], mode: str, kill: int | None, conn) -> None:
    """The simulator process: one router per plan entry with its (subscription id, login) sessions."""
    sys.path.insert(0, str(ROOT))
    from demo.routeros import SimulatorHost

    with SimulatorHost() as host:
        ports = []
        for number, logins in enumerate(plan):
            sim = host.add_router(identity=f"bench-night-{number + 1:02d}", connect_delay=0, seed=number + 1)
            sim.run("/ppp/profile/add", name=PROFILE, **{"rate-limit": "20M/20M"})
            for subscription_id, login in logins:
                sim.run("/ppp/secret/add", name=login, password=BENCH_PPPOE_PASSWORD, profile=PROFILE, comment=f"ispbill:{subscription_id}")
                if mode == "api":
                    sim.run("/queue/simple/add", name=f"net-{login}", target=f"<pppoe-{login}>", **{"max-limit": "20M/20M"},
                            comment=f"ispbill-speed:{subscription_id}:net")
            sim.run("/radius/add", service="ppp,hotspot", address="127.0.0.1", secret=SECRET)
            sim.run("/radius/incoming/set", accept="yes", port=str(sim.coa_port))
            online = len(sim.state.session_names())  # connects every session (connect_delay 0)
            if kill is not None and number == kill:
                sim.refuse_connections()
                sim.set_coa_fault("silent")
            ports.append((sim.port, sim.coa_port, online))
        conn.send(ports)
        conn.recv()  # until the parent is done


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat
    from django.utils import timezone

    from customers.models import Package, PackageSpeedWindow, Subscription
    from network import speed_boundary
    from network.models import Router, SpeedBoundaryRun

    if args.rate:
        settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND = args.rate
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 1.0, 1
    if args.reload or Subscription.objects.count() != args.sessions:
        print(f"loading {args.sessions:,} customers …", flush=True)
        load_customers(args.sessions)

    package, _ = Package.objects.get_or_create(name=PACKAGE, defaults={
        "download_mbps": 20, "upload_mbps": 20, "price": "1000.00", "router_profile": PROFILE})
    PackageSpeedWindow.objects.filter(package=package).delete()
    PackageSpeedWindow.objects.create(package=package, starts="00:00", ends="08:00", download_mbps=40, upload_mbps=40)
    PackageSpeedWindow.objects.exclude(package=package).delete()
    SpeedBoundaryRun.objects.all().delete()
    # Every subscription a PPPoE login of its own (the loader leaves static ones without a username).
    Subscription.objects.update(username=Concat(Value("night"), Cast("id", CharField())))

    ids = list(Subscription.objects.order_by("pk").values_list("pk", "username"))
    plan = [ids[number::args.routers] for number in range(args.routers)]
    parent, child = multiprocessing.Pipe()
    simulator = multiprocessing.Process(target=run_simulator, args=(plan, args.mode, args.kill_router, child), daemon=True)
    started = time.perf_counter()
    simulator.start()
    ports = parent.recv()
    print(f"simulator: {args.routers} routers, {sum(p[2] for p in ports):,} sessions online, {time.perf_counter() - started:.1f} s", flush=True)

    with transaction.atomic():
        routers = []
        for number, (api_port, coa_port, _online) in enumerate(ports):
            router, _ = Router.objects.update_or_create(name=f"bench-night-{number + 1:02d}", defaults={
                "host": "127.0.0.1", "api_port": api_port, "username": "admin", "is_active": True,
                "aaa_mode": Router.AaaMode.RADIUS if args.mode == "radius" else Router.AaaMode.API,
                "radius_secret": SECRET, "radius_coa_port": coa_port, "outbox_retry_at": None,
            })
            routers.append(router)
        Router.objects.exclude(pk__in=[router.pk for router in routers]).update(is_active=False)
        for number, router in enumerate(routers):
            Subscription.objects.filter(pk__in=[pk for pk, _login in plan[number]]).update(
                router=router, package=package, status=Subscription.Status.ACTIVE,
                connection_type=Subscription.ConnectionType.PPPOE,
            )

    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), dt_time(0, 0)))
    runs = speed_boundary.speed_edges_start(now=midnight + timedelta(seconds=1))
    print(f"edge {timezone.localtime(midnight):%Y-%m-%d %H:%M}: {len(runs)} runs, rate {settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND:g}/s per router", flush=True)
    connection.close()

    # What the worker's job does (network.tasks.apply_speed_edges): every router's share at once,
    # a thread per router.
    edge_started = time.perf_counter()
    speed_boundary.speed_edges_apply(run_ids=[run.pk for run in runs])
    wall = time.perf_counter() - edge_started

    print(f"\n{'router':<16}{'done':>8}{'refused':>9}{'lost':>7}{'busiest s':>11}{'time s':>9}")
    totals = [0, 0, 0]
    busiest = 0
    for run in SpeedBoundaryRun.objects.select_related("router").order_by("router__name"):
        took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
        print(f"{run.router.name:<16}{run.done:>8,}{run.refused:>9,}{run.lost:>7,}{run.max_rate:>11.0f}{took:>9.1f}")
        totals = [totals[0] + run.done, totals[1] + run.refused, totals[2] + run.lost]
        busiest = max(busiest, run.max_rate)
    print(f"{'total':<16}{totals[0]:>8,}{totals[1]:>9,}{totals[2]:>7,}{busiest:>11.0f}{wall:>9.1f}")
    print(f"\n{sum(totals):,} sessions over {len(runs)} routers in {wall:.1f} s (target ≤ 60 s), "
          f"busiest second on any router {busiest:.0f} (limit {settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND:g})")
    parent.send("stop")
    simulator.join(timeout=30)


if __name__ == "__main__":
    main()
