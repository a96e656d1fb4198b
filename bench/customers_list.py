"""How fast is the staff customers list with a million customers on PostgreSQL?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/customers_list.py --customers 1000000

Uses its own database (`ispbill_bench`, created if missing, migrated), loads the customers only when
it does not already hold exactly that many, then times the list view in-process through Django's
test client, signed in as a staff user with the Admin role (not a superuser: the permission checks
run as they would for the ISP's staff). Prints p50/p95/max server time and the SQL queries per request
for each case, and the plan of the slowest query of any case whose p95 misses the target.
Run by hand; not part of the test suite. See bench/README.md for the figures.
"""

import argparse
import base64
import json
import platform
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_QUERIES = 8


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db-name", default="ispbill_bench")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per case (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first (default 5)")
    parser.add_argument("--reload", action="store_true", help="load the data again even if the size matches")
    parser.add_argument("--load-only", action="store_true", help="load, then stop before measuring")
    return parser.parse_args()


def bench_user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ispbill.accounts import roles

    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-admin", defaults={"kind": User.Kind.STAFF})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=roles.ADMIN)])
    return user


def next_cursor(page: str) -> str:
    match = re.search(r"[?&;]after=([A-Za-z0-9_\-]+)", page)
    if not match:
        sys.exit("the page has no `after` (Next) link")
    return match.group(1)


def deep_cursor(client, list_url: str, count: int) -> str:
    """A cursor into the middle of the default order, in the view's own format.

    Following `after` half a million times is not practical: read the cursor the first page hands
    out, check its shape, and point it at the row in the middle of the same order.
    """
    from customers.models import Customer
    from customers.selectors import CUSTOMER_SORTS, DEFAULT_CUSTOMER_SORT

    token = next_cursor(client.get(list_url).content.decode())
    sort, value, pk = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    if sort != DEFAULT_CUSTOMER_SORT or not isinstance(pk, int):
        sys.exit(f"unexpected cursor shape {[sort, value, pk]!r}: update deep_cursor()")
    field, descending = CUSTOMER_SORTS[sort]
    direction = "-" if descending else ""
    middle = Customer.objects.order_by(f"{direction}{field}", f"{direction}id").values_list(field, "id")[count // 2]
    payload = json.dumps([sort, str(middle[0]), middle[1]])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def measure(client, urls: list[str], *, repeat: int, warmup: int) -> list[dict]:
    """Time every URL `repeat` times, in interleaved rounds so a burst of load from elsewhere on the
    machine spreads over all cases instead of ruining one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        for _ in range(warmup):
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
    samples = {url: {"times": [], "sql": [], "cpu": [], "queries": [], "slowest": (0.0, None, None)} for url in urls}
    for _ in range(repeat):
        for url in urls:
            sample = samples[url]
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                sample["cpu"].append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sample["times"].append(elapsed)
            sample["sql"].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            sample["queries"].append(len(queries.captured_queries))
            if elapsed > sample["slowest"][0]:
                sample["slowest"] = (elapsed, list(queries.captured_queries), response)
    results = []
    for url in urls:
        sample = samples[url]
        times = sorted(sample["times"])
        captured, response = sample["slowest"][1], sample["slowest"][2]
        # The page query is the big one on the customer table (timings are only to the millisecond).
        page_query = max((q["sql"] for q in captured if 'FROM "customers_customer"' in q["sql"]), key=len)
        results.append({
            "p50": statistics.median(times),
            "p95": times[max(0, round(len(times) * 0.95) - 1)],
            "max": times[-1],
            "sql": statistics.median(sample["sql"]),
            "cpu": statistics.median(sample["cpu"]),
            "exec": execution_time(page_query),
            "queries": max(sample["queries"]),
            "rows": len(re.findall(r"<tr\b", response.content.decode())) - 1,  # minus the header row
            "slowest_queries": captured,
        })
    return results


def execution_time(sql: str, runs: int = 5) -> float:
    """Median server-side execution time of one query (EXPLAIN ANALYZE), free of client and network time."""
    from django.db import connection

    timings = []
    with connection.cursor() as cur:
        for _ in range(runs):
            cur.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cur.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            timings.append(plan[0]["Execution Time"])
    return statistics.median(timings)


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


def main():
    args = parse_args()
    print(f"customers list bench · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · Python {platform.python_version()}")
    setup_django(args.db_name)

    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]}, database {args.db_name}")

    have = loaded_size()
    if args.reload or have != args.customers:
        print(f"Loading {args.customers:,} customers (found {have if have is not None else 'other data'}):")
        load_customers(args.customers)
    else:
        print(f"Already loaded: {have:,} customers with one subscription each.")
    if args.load_only:
        return

    try:
        list_url = reverse("staff:customer-list")
    except NoReverseMatch:
        sys.exit("staff:customer-list does not resolve yet: nothing to measure")

    from customers.models import Area

    client = Client()
    client.force_login(bench_user())
    area = Area.objects.get(branch__code="MIR", name="Mirpur 10")
    cursor = deep_cursor(client, list_url, args.customers)
    # The deep page's own Next link: the cursor as the view hands it out.
    following = next_cursor(client.get(f"{list_url}?after={cursor}").content.decode())
    cases = [
        ("first page", ""),
        ("deep page (after= middle cursor)", f"after={cursor}"),
        ("deep page, its Next link followed", f"after={following}"),
        ("search name, common (hossain)", "q=hossain"),
        ("search name, rare (jubayer patwary)", "q=jubayer+patwary"),
        ("search phone (01712-345)", "q=01712-345"),
        ("search phone, last digits (4821)", "q=4821"),
        ("filter area (Mirpur 10)", f"area={area.pk}"),
        ("filter area + status suspended", f"area={area.pk}&status=suspended"),
    ]
    print(f"\n{args.repeat} timed requests per case after {args.warmup} warm-up; server time in ms, in-process.")
    print("p50/p95/max: wall time of the request; sql: time waiting on PostgreSQL (p50); exec: server-side\n"
          "execution of the page query (EXPLAIN ANALYZE, median of 5); python: CPU time of this process (p50).")
    print(f"load average before measuring: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"{'case':<38} {'rows':>5} {'p50':>7} {'p95':>7} {'max':>7} {'sql':>7} {'exec':>7} {'python':>7} {'queries':>7}")
    missed = []
    urls = [f"{list_url}?{query}" if query else list_url for _label, query in cases]
    results = measure(client, urls, repeat=args.repeat, warmup=args.warmup)
    for (label, _query), url, result in zip(cases, urls, results):
        flag = "" if result["p95"] <= TARGET_P95_MS and result["queries"] <= TARGET_QUERIES else "  << target missed"
        print(f"{label:<38} {result['rows']:>5} {result['p50']:7.1f} {result['p95']:7.1f} {result['max']:7.1f} "
              f"{result['sql']:7.1f} {result['exec']:7.1f} {result['cpu']:7.1f} {result['queries']:>7}{flag}")
        if result["p95"] > TARGET_P95_MS:
            missed.append((label, url, result))
    print(f"load average after measuring: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    for label, url, result in missed:
        print(f"\n{label}: p95 {result['p95']:.1f} ms > {TARGET_P95_MS:.0f} ms ({url})")
        explain_slowest(result["slowest_queries"])
    print(f"\ntargets: p95 <= {TARGET_P95_MS:.0f} ms and <= {TARGET_QUERIES} queries per request: "
          f"{'all met' if not missed else f'{len(missed)} case(s) missed'}")


if __name__ == "__main__":
    main()
