"""How fast are the REST API's list endpoints with many customers on PostgreSQL (target: p95 <= 100 ms at 1M)?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/api_lists.py --customers 1000000

Uses its own database (`ispbill_bench_api`, created if missing, migrated), loads the customers (one
subscription each, bench/_common.py) only when it does not already hold exactly that many, then times
the /api/v1/ lists in-process through Django's test client with a bearer token of a staff user with
the Admin role (not a superuser: the token's narrowing and the permission checks run as for an
integration). Cases: the first page, a page deep in the cursor order, its `next` link followed, and
the filters an integration uses. Prints p50/p95/max server time and queries per request, and the plan
of the slowest query of any case whose p95 misses the target. Run by hand; not part of the test suite.
"""

import argparse
import base64
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402

TARGET_P95_MS = 100.0
TARGET_QUERIES = 6


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db-name", default="ispbill_bench_api")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per case (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first (default 5)")
    parser.add_argument("--reload", action="store_true", help="load the data again even if the size matches")
    return parser.parse_args()


def bench_token() -> str:
    """A fresh read-only token for every area, of a staff user with the Admin role."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from api.models import READ
    from api.tokens import token_create
    from ispbill.accounts import roles

    User = get_user_model()
    user, created = User.objects.get_or_create(username="bench-api-admin", defaults={"kind": User.Kind.STAFF})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=roles.ADMIN)])
    _token, raw = token_create(
        actor=user, name="bench", rate_per_minute=10_000,
        scopes={area: READ for area in ("customers", "billing", "payments", "tickets", "network")},
    )
    return raw


def cursor_at(position: int) -> str:
    """A cursor pointing into the middle of the `-id` order, in DRF's CursorPagination format (following
    `next` half a million times is not practical)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def measure(client, headers: dict, urls: list[str], *, repeat: int, warmup: int) -> list[dict]:
    """Every URL `repeat` times, in interleaved rounds so a burst of load elsewhere spreads over all cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        for _ in range(warmup):
            response = client.get(url, **headers)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    samples = {url: {"times": [], "queries": [], "rows": 0, "slowest": (0.0, None)} for url in urls}
    for _ in range(repeat):
        for url in urls:
            sample = samples[url]
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, **headers)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            sample["times"].append(elapsed)
            sample["queries"].append(len(queries.captured_queries))
            sample["rows"] = len(response.json()["results"])
            if elapsed > sample["slowest"][0]:
                sample["slowest"] = (elapsed, list(queries.captured_queries))
    results = []
    for url in urls:
        sample = samples[url]
        times = sorted(sample["times"])
        results.append({
            "p50": statistics.median(times), "p95": times[max(0, round(len(times) * 0.95) - 1)], "max": times[-1],
            "queries": max(sample["queries"]), "rows": sample["rows"], "slowest_queries": sample["slowest"][1],
        })
    return results


def explain_slowest(captured: list[dict]) -> None:
    from django.db import connection

    query = max(captured, key=lambda q: float(q["time"]))
    print(f"    its slowest query ({float(query['time']) * 1000:.1f} ms): {query['sql']}")
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
        for (line,) in cur.fetchall():
            print(f"      {line}")


def main():
    args = parse_args()
    print(f"API lists bench · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · Python {platform.python_version()}")
    setup_django(args.db_name)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"PostgreSQL {cur.fetchone()[0]}, database {args.db_name}")
    have = loaded_size()
    if args.reload or have != args.customers:
        print(f"Loading {args.customers:,} customers (found {have if have is not None else 'other data'}):")
        load_customers(args.customers)
    else:
        print(f"Already loaded: {have:,} customers with one subscription each.")

    from customers.models import Area, Customer, Subscription

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bench_token()}"}
    middle = Customer.objects.order_by("-id").values_list("id", flat=True)[args.customers // 2]
    deep = cursor_at(middle)
    following = client.get(f"/api/v1/customers/?cursor={deep}", **headers).json()["next"].split("cursor=", 1)[1]
    area = Area.objects.order_by("pk").first()
    some = Customer.objects.order_by("pk").values_list("pk", "account_number").first()
    sub_middle = Subscription.objects.order_by("-id").values_list("id", flat=True)[args.customers // 2]
    cases = [
        ("customers: first page", "/api/v1/customers/"),
        ("customers: deep page (middle cursor)", f"/api/v1/customers/?cursor={deep}"),
        ("customers: its next link followed", f"/api/v1/customers/?cursor={following}"),
        ("customers: 200 a page", "/api/v1/customers/?page_size=200"),
        ("customers: status=suspended", "/api/v1/customers/?status=suspended"),
        ("customers: area", f"/api/v1/customers/?area={area.pk}"),
        ("customers: account_number", f"/api/v1/customers/?account_number={some[1]}"),
        ("customers: updated_since (yesterday)", "/api/v1/customers/?updated_since=" + (datetime.now().date().isoformat() + "T00:00:00")),
        ("subscriptions: first page", "/api/v1/subscriptions/"),
        ("subscriptions: deep page", f"/api/v1/subscriptions/?cursor={cursor_at(sub_middle)}"),
        ("subscriptions: of one customer", f"/api/v1/subscriptions/?customer={some[0]}"),
        ("subscriptions: status=active", "/api/v1/subscriptions/?status=active"),
    ]
    print(f"\n{args.repeat} timed requests per case after {args.warmup} warm-up; wall time in ms, in-process.")
    print(f"load average before measuring: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(f"{'case':<40} {'rows':>5} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7}")
    missed = []
    results = measure(client, headers, [url for _label, url in cases], repeat=args.repeat, warmup=args.warmup)
    for (label, url), result in zip(cases, results):
        flag = "" if result["p95"] <= TARGET_P95_MS and result["queries"] <= TARGET_QUERIES else "  << target missed"
        print(f"{label:<40} {result['rows']:>5} {result['p50']:7.1f} {result['p95']:7.1f} {result['max']:7.1f} {result['queries']:>7}{flag}")
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
