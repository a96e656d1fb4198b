"""The fibre poll and the ONU chart, on PostgreSQL, against the OLT simulator over real UDP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/fibre_poll.py --olts 20 --per-olt 2000 --workers 2

Uses its own database (`ispbill_bench_fibre`, created if missing, migrated). A separate process runs
the OLT simulator: `--olts` SNMP agents on 127.0.0.1 (half Huawei GPON, half BDCOM EPON), each with
`--per-olt` ONUs on 16 PON ports. It measures:

1. the first poll of every OLT (every ONU and PON port created), then steady polls: `--workers`
   processes share the OLTs as Celery's prefork workers would (each OLT one task: read over SNMP,
   then write status, events and samples set-based); wall time from the first task's start to the
   last one's end (target ≤ 60 s for 20 × 2,000), and the slowest OLT's read and write;
2. one ONU's 90-day chart (`fibre.selectors.onu_chart`: hourly roll-ups through the (onu, hour)
   primary key of the month partitions, plus the raw samples not yet rolled up) with a year of
   history for every ONU as retention keeps it (raw samples 7 days, hourly 90 days, daily 365 days:
   about 180 million rows for 40,000 ONUs, written by PostgreSQL in a few minutes): p50 and p95 of 300
   random ONUs, the selector alone and the JSON answer the ONU page fetches (target p95 ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import setup_django  # noqa: E402

BASE_PORT = 26100
PORTS = 16


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--olts", type=int, default=20)
    parser.add_argument("--per-olt", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--chart-onus", type=int, default=0, help="ONUs given a year of history (default 0: every ONU polled)")
    parser.add_argument("--db-name", default="ispbill_bench_fibre")
    return parser.parse_args()


def profile_of(index: int) -> str:
    return "huawei_gpon" if index % 2 == 0 else "bdcom_epon"


def run_simulator(olts: int, per_olt: int, ready) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from demo.olt import OltSimulator

    simulator = OltSimulator()
    for index in range(olts):
        simulator.start_olt(profile_of(index), community="bench", port=BASE_PORT + index, ports=PORTS,
                            onus_per_port=per_olt // PORTS, seed=index + 1)
    ready.set()
    while True:
        time.sleep(3600)


def worker(olt_ids: list[int], db_name: str, out) -> None:
    setup_django(db_name)
    from django.db import connection

    from fibre.poll import olt_poll

    for olt_id in olt_ids:
        started = time.perf_counter()
        result = olt_poll(olt_id=olt_id)
        out.put((olt_id, started, time.perf_counter(), result.onus if result else 0, result.seconds if result else 0.0))
    connection.close()


def poll_round(ids: list[int], workers: int, db_name: str) -> dict:
    out = multiprocessing.Queue()
    shares = [ids[i::workers] for i in range(workers)]
    start = time.perf_counter()
    processes = [multiprocessing.Process(target=worker, args=(share, db_name, out)) for share in shares]
    for process in processes:
        process.start()
    results = [out.get() for _ in ids]
    for process in processes:
        process.join()
    wall = time.perf_counter() - start
    first = min(r[1] for r in results)
    last = max(r[2] for r in results)
    return {"wall_s": wall, "polls_s": last - first, "onus": sum(r[3] for r in results), "slowest_olt_s": max(r[4] for r in results)}


def load_chart_history(onu_ids: list[int]) -> dict[str, int]:
    """A year of history per ONU as the retention keeps it: raw five-minute samples for the last 7 days
    (day partitions), hourly roll-ups for 90 days (month partitions), daily ones for 365 days. Written by
    PostgreSQL itself (INSERT … SELECT over generate_series, one statement per partition, in primary key
    order), ONU ids taken as the range of `onu_ids`. Returns the rows loaded per table."""
    from django.db import connection
    from django.utils import timezone

    from fibre import sql

    now = timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    first_hour = this_hour - timedelta(days=90)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [midnight - timedelta(days=d) for d in range(7, -1, -1)]
    months = sorted({(first_hour + timedelta(days=d)).replace(day=1, hour=0) for d in range(0, 92)})
    sql.partitions_ensure(days=days, months=months)
    low, high = min(onu_ids), max(onu_ids)
    # Each ONU's own level (−18 to −25 dBm), a slow drift and a little noise.
    # (`%%` is the modulo operator: the statements below carry parameters.)
    rx = "(-18 - (o %% 70) / 10.0 + 0.3 * sin(extract(epoch FROM {t}) / 86400.0 + o) + (random() - 0.5) * 0.4)"
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE fibre_onu_sample, fibre_onu_hourly, fibre_onu_daily")
        for start in days:
            end = min(start + timedelta(days=1), now)
            cursor.execute(
                f"INSERT INTO fibre_onu_sample (onu_id, at, online, rx_dbm, tx_dbm, temperature_c) "
                f"SELECT o, t, true, {rx.format(t='t')}, 2.1, 41.0 FROM generate_series(%s::int, %s::int) o, "
                f"generate_series(%s::timestamptz, %s::timestamptz - interval '1 second', interval '5 minutes') t "
                f"WHERE t >= %s ORDER BY o, t", [low, high, start, end, now - timedelta(days=7)])
        for start in months:
            end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            cursor.execute(
                f"INSERT INTO fibre_onu_hourly (onu_id, hour, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg) "
                f"SELECT o, h, 12, 12, {rx.format(t='h')}, {rx.format(t='h')} - 0.2, {rx.format(t='h')} + 0.2, 2.1 "
                f"FROM generate_series(%s::int, %s::int) o, generate_series(%s::timestamptz, %s::timestamptz, interval '1 hour') h "
                f"WHERE h < %s ORDER BY o, h",
                [low, high, max(start, first_hour), min(end, this_hour) - timedelta(hours=1), end])
        cursor.execute(
            f"INSERT INTO fibre_onu_daily (onu_id, day, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg) "
            f"SELECT o, d::date, 288, 288, {rx.format(t='d')}, {rx.format(t='d')} - 0.5, {rx.format(t='d')} + 0.5, 2.1 "
            f"FROM generate_series(%s::int, %s::int) o, generate_series(%s::timestamptz, %s::timestamptz, interval '1 day') d ORDER BY o, d",
            [low, high, midnight - timedelta(days=365), midnight - timedelta(days=1)])
        loaded = {}
        for table in ("fibre_onu_sample", "fibre_onu_hourly", "fibre_onu_daily"):
            cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(f"SELECT count(*) FROM {table}")
            loaded[table] = cursor.fetchone()[0]
    return loaded


def chart_timings(onu_ids: list[int], rounds: int = 300) -> tuple[list[float], list[float], int]:
    """The 90-day chart of random ONUs: the selector alone, and the JSON answer the ONU page fetches
    (staff:onu-chart through every middleware, as an admin), each sorted, in milliseconds."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from fibre.selectors import onu_chart

    admin = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create_superuser(
        "bench-admin", "bench@example.com", "bench-password-1")
    client = Client()
    client.force_login(admin)
    rng = random.Random(11)
    selector, endpoint, points = [], [], 0
    for _ in range(rounds):
        onu_id = rng.choice(onu_ids)
        started = time.perf_counter()
        points = len(onu_chart(onu_id=onu_id, days=90)["t"])
        selector.append((time.perf_counter() - started) * 1000)
        onu_id = rng.choice(onu_ids)
        started = time.perf_counter()
        response = client.get(reverse("staff:onu-chart", args=[onu_id]))
        endpoint.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return sorted(selector), sorted(endpoint), points


def p95(timings: list[float]) -> float:
    return timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    args = parse_args()
    ready = multiprocessing.Event()
    simulator = multiprocessing.Process(target=run_simulator, args=(args.olts, args.per_olt, ready), daemon=True)
    simulator.start()
    setup_django(args.db_name)
    from django.db import connection

    from customers.models import Branch
    from fibre.models import Olt, Onu

    if not ready.wait(120):
        sys.exit("the OLT simulator did not start")
    branch = Branch.objects.order_by("pk").first() or Branch.objects.create(name="Bench branch")
    ids = []
    for index in range(args.olts):
        olt, _ = Olt.objects.update_or_create(name=f"Bench OLT {index + 1}", defaults={
            "branch": branch, "host": "127.0.0.1", "snmp_port": BASE_PORT + index, "profile": profile_of(index), "community": "bench",
            "timeout_seconds": 5, "retries": 1, "is_active": True, "poll_lease_until": None})
        ids.append(olt.pk)
    connection.close()
    load = os.getloadavg()
    print(f"fibre poll bench: {args.olts} OLTs × {args.per_olt} ONUs, {args.workers} workers, {os.cpu_count()} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for round_number in range(args.rounds + 1):
        figures = poll_round(ids, args.workers, args.db_name)
        label = "first poll (creating)" if round_number == 0 else f"steady poll {round_number}"
        print(f"  {label:22s}: {figures['onus']} ONUs in {figures['polls_s']:.1f} s (wall {figures['wall_s']:.1f} s, "
              f"slowest OLT {figures['slowest_olt_s']:.1f} s)")

    onu_ids = list(Onu.objects.order_by("pk").values_list("pk", flat=True)[:args.chart_onus or None])
    started = time.perf_counter()
    loaded = load_chart_history(onu_ids)
    print(f"  history: {len(onu_ids):,} ONUs, a year (raw 7 days, hourly 90 days, daily 365 days): "
          + ", ".join(f"{table} {rows:,} rows" for table, rows in loaded.items()) + f", loaded in {time.perf_counter() - started:.0f} s")
    selector, endpoint, points = chart_timings(onu_ids)
    print(f"  90-day chart ({points} points), 300 random ONUs: selector p50 {statistics.median(selector):.1f} ms, "
          f"p95 {p95(selector):.1f} ms, max {selector[-1]:.1f} ms; JSON answer (staff:onu-chart) p50 "
          f"{statistics.median(endpoint):.1f} ms, p95 {p95(endpoint):.1f} ms, max {endpoint[-1]:.1f} ms")
    load = os.getloadavg()
    print(f"  load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    simulator.terminate()


if __name__ == "__main__":
    main()
