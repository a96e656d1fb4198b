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

import base64
import json
import platform
import re
import statistics
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _lists as lists  # noqa: E402
from bench._common import bench_admin, setup_django  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_QUERIES = 8


def parse_args():
    parser = lists.list_bench_options(__doc__, db_name="ispbill_bench")
    parser.add_argument("--load-only", action="store_true", help="load, then stop before measuring")
    return parser.parse_args()


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
    samples = lists.timed_rounds(client, urls, repeat=repeat, warmup=warmup)
    results = []
    for url in urls:
        sample = samples[url]
        captured, response = sample["slowest"][1], sample["slowest"][2]
        # The page query is the big one on the customer table (timings are only to the millisecond).
        page_query = max((q["sql"] for q in captured if 'FROM "customers_customer"' in q["sql"]), key=len)
        results.append({
            **lists.spread(sample["times"]),
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


def main():
    args = parse_args()
    print(f"customers list bench · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
          f"{platform.processor() or platform.machine()} · Python {platform.python_version()}")
    setup_django(args.db_name)

    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    lists.customers_loaded(args)
    if args.load_only:
        return

    try:
        list_url = reverse("staff:customer-list")
    except NoReverseMatch:
        sys.exit("staff:customer-list does not resolve yet: nothing to measure")

    from customers.models import Area

    client = Client()
    client.force_login(bench_admin("bench-admin"))
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
    print(f"load average before measuring: {lists.load_average()}")
    print(f"{'case':<38} {'rows':>5} {'p50':>7} {'p95':>7} {'max':>7} {'sql':>7} {'exec':>7} {'python':>7} {'queries':>7}")
    urls = [f"{list_url}?{query}" if query else list_url for _label, query in cases]
    results = measure(client, urls, repeat=args.repeat, warmup=args.warmup)
    targets = {"target_p95_ms": TARGET_P95_MS, "target_queries": TARGET_QUERIES}
    for (label, _query), result in zip(cases, results):
        print(f"{label:<38} {result['rows']:>5} {result['p50']:7.1f} {result['p95']:7.1f} {result['max']:7.1f} "
              f"{result['sql']:7.1f} {result['exec']:7.1f} {result['cpu']:7.1f} {result['queries']:>7}{lists.target_flag(result, **targets)}")
    lists.report([(label, url, result) for (label, _query), url, result in zip(cases, urls, results)], **targets)


if __name__ == "__main__":
    main()
