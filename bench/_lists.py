"""Shared by the list benchmarks (customers_list.py: the staff page; api_lists.py: the REST API): their
options, loading the customers only when the bench
database does not already hold that many, timing every case in interleaved rounds, and the report:
one row a case, then the plan of the slowest query of every case whose p95 misses the target.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench._common import load_customers, loaded_size


def list_bench_options(description: str, *, db_name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db-name", default=db_name)
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per case (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first (default 5)")
    parser.add_argument("--reload", action="store_true", help="load the data again even if the size matches")
    return parser


def customers_loaded(args) -> None:
    """Say which PostgreSQL, then load `args.customers` customers unless they are there already."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]}, database {args.db_name}")
    have = loaded_size()
    if args.reload or have != args.customers:
        print(f"Loading {args.customers:,} customers (found {have if have is not None else 'other data'}):")
        load_customers(args.customers)
    else:
        print(f"Already loaded: {have:,} customers with one subscription each.")


def timed_rounds(client, urls: list[str], *, repeat: int, warmup: int, headers: dict | None = None) -> dict[str, dict]:
    """Every URL `warmup` times untimed, then `repeat` times in interleaved rounds (so a burst of load from
    elsewhere on the machine spreads over all cases instead of ruining one). Per URL: the wall `times`
    and `cpu` times (ms), the `sql` time and number of `queries` of each request, and the `slowest`
    request as (ms, its queries, its response)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    for url in urls:
        for _ in range(warmup):
            response = client.get(url, **headers)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    samples = {url: {"times": [], "sql": [], "cpu": [], "queries": [], "slowest": (0.0, None, None)} for url in urls}
    for _ in range(repeat):
        for url in urls:
            sample = samples[url]
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, **headers)
                elapsed = (time.perf_counter() - started) * 1000
                sample["cpu"].append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sample["times"].append(elapsed)
            sample["sql"].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            sample["queries"].append(len(queries.captured_queries))
            if elapsed > sample["slowest"][0]:
                sample["slowest"] = (elapsed, list(queries.captured_queries), response)
    return samples


def spread(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[max(0, round(len(times) * 0.95) - 1)], "max": times[-1]}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def explain_slowest(captured: list[dict]) -> None:
    from django.db import connection

    query = max(captured, key=lambda q: float(q["time"]))
    total = sum(float(q["time"]) for q in captured) * 1000
    print(f"    slowest request: {len(captured)} queries, {total:.1f} ms in SQL; "
          f"its slowest query took {float(query['time']) * 1000:.1f} ms:")
    print(f"      {query['sql']}")
    print("    plan (EXPLAIN ANALYZE, run again now):")
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
        for (line,) in cur.fetchall():
            print(f"      {line}")


def report(rows: list[tuple[str, str, dict]], *, target_p95_ms: float, target_queries: int) -> None:
    """After the table (rows of case, URL, result: what `row` printed): the cases whose p95 missed the
    target with their slowest query's plan, then whether every target was met."""
    print(f"load average after measuring: {load_average()}")
    missed = [(label, url, result) for label, url, result in rows if result["p95"] > target_p95_ms]
    for label, url, result in missed:
        print(f"\n{label}: p95 {result['p95']:.1f} ms > {target_p95_ms:.0f} ms ({url})")
        explain_slowest(result["slowest_queries"])
    print(f"\ntargets: p95 <= {target_p95_ms:.0f} ms and <= {target_queries} queries per request: "
          f"{'all met' if not missed else f'{len(missed)} case(s) missed'}")


def target_flag(result: dict, *, target_p95_ms: float, target_queries: int) -> str:
    return "" if result["p95"] <= target_p95_ms and result["queries"] <= target_queries else "  << target missed"
