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

import base64
import platform
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _lists as lists  # noqa: E402
from bench._common import bench_admin, setup_django  # noqa: E402

TARGET_P95_MS = 100.0
TARGET_QUERIES = 6


def parse_args():
    return lists.list_bench_options(__doc__, db_name="ispbill_bench_api").parse_args()


def bench_token() -> str:
    """A fresh read-only token for every area, of a staff user with the Admin role."""
    from api.models import READ
    from api.tokens import token_create

    _token, raw = token_create(
        actor=bench_admin("bench-api-admin"), name="bench", rate_per_minute=10_000,
        scopes={area: READ for area in ("customers", "billing", "payments", "tickets", "network")},
    )
    return raw


def cursor_at(position: int) -> str:
    """A cursor pointing into the middle of the `-id` order, in DRF's CursorPagination format (following
    `next` half a million times is not practical)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode()).decode()


def measure(client, headers: dict, urls: list[str], *, repeat: int, warmup: int) -> list[dict]:
    samples = lists.timed_rounds(client, urls, repeat=repeat, warmup=warmup, headers=headers)
    return [{**lists.spread(sample["times"]), "queries": max(sample["queries"]), "rows": len(sample["slowest"][2].json()["results"]),
             "slowest_queries": sample["slowest"][1]} for sample in (samples[url] for url in urls)]


def main():
    args = parse_args()
    print(f"API lists bench · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · Python {platform.python_version()}")
    setup_django(args.db_name)

    from django.test import Client

    lists.customers_loaded(args)

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
    print(f"load average before measuring: {lists.load_average()}")
    print(f"{'case':<40} {'rows':>5} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7}")
    results = measure(client, headers, [url for _label, url in cases], repeat=args.repeat, warmup=args.warmup)
    targets = {"target_p95_ms": TARGET_P95_MS, "target_queries": TARGET_QUERIES}
    for (label, _url), result in zip(cases, results):
        print(f"{label:<40} {result['rows']:>5} {result['p50']:7.1f} {result['p95']:7.1f} {result['max']:7.1f} "
              f"{result['queries']:>7}{lists.target_flag(result, **targets)}")
    lists.report([(label, url, result) for (label, url), result in zip(cases, results)], **targets)


if __name__ == "__main__":
    main()
