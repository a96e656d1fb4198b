"""Every page of every surface, timed: the crawl of the tests (tests/crawl/crawler.py) as each login,
then each page found requested again and timed; the slowest ten printed, with their SQL queries.

    # the demo data (`manage.py seed` into the bench database first when it has no customers):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py --demo
    # N customers (bench/_common.py's loader) and the staff surface as an Admin:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py --customers 100000

Options: `--db-name` (default `ispbill_bench_pages` / `ispbill_bench_pages_<N>`), `--per-kind` (pages
of one shape visited per login, default 2), `--repeat` (timed requests per page, default 5; the
median is reported), `--top` (10), `--only` (usernames to crawl as), `--max-pages` (per login, 800), `--age-days` (demo only: add the done router changes `days` of
running leave behind, 20,000 a day — what the worker's applied changes left in the demo that was
slow — before timing). Pages are requested in-process through Django's test client with DEBUG off,
as the crawl of the tests does; the time is the view's whole answer, without the network.
Run by hand; not part of the test suite. See bench/README.md for the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, loaded_size, setup_django  # noqa: E402 (after the path insert)

DONE_CHANGES_PER_DAY = 20_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--demo", action="store_true")
    which.add_argument("--customers", type=int)
    parser.add_argument("--db-name")
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--age-days", type=float, default=0)
    parser.add_argument("--only", default="", help="comma-separated usernames: crawl as these logins only")
    parser.add_argument("--max-pages", type=int, default=800, help="pages visited per login at most")
    return parser.parse_args()


def logins_of_the_demo():
    """(who, user, surface prefix) for each demo login: staff, technicians, resellers, portal customers."""
    from django.contrib.auth import get_user_model

    surface = {"staff": "/staff/", "technician": "/technician/", "reseller": "/reseller/", "customer": "/portal/"}
    users = get_user_model().objects.filter(is_active=True).exclude(kind="").order_by("kind", "username")
    return [(f"{user.kind}:{user.username}", user, surface[user.kind]) for user in users if user.kind in surface]


def admin_login():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ispbill.accounts import roles

    user, _ = get_user_model().objects.get_or_create(username="bench.pages", defaults={"kind": "staff", "is_staff": True})
    group = Group.objects.filter(name=roles.ADMIN).first()
    if group:
        user.groups.add(group)
    return [("staff:bench.pages", user, "/staff/")]


def age(days: float) -> None:
    """The done router changes a demo left running for `days` accumulates, spread over its routers."""
    from django.utils import timezone

    from customers.models import Subscription
    from ispbill.core.bulk import rows_insert
    from network.models import ProvisioningTask

    subscriptions = list(Subscription.objects.filter(status="active").values_list("pk", "router_id")[:2000])
    if not subscriptions:
        return
    now = timezone.now()
    count = int(days * DONE_CHANGES_PER_DAY)
    rows = [
        ProvisioningTask(
            router_id=router_id, subscription_id=pk, key=f"sub:{pk}", action="update", desired={}, status="done",
            next_attempt_at=now, applied_at=now,
        )
        for n in range(count) for pk, router_id in [subscriptions[n % len(subscriptions)]]
    ]
    rows_insert(ProvisioningTask, rows)
    print(f"aged: {count:,} done router changes added")


def main():
    args = parse_args()
    db_name = args.db_name or ("ispbill_bench_pages" if args.demo else f"ispbill_bench_pages_{args.customers}")
    if args.demo:
        os.environ["DEMO"] = "true"  # the seed command and the demo's logins live in the demo app, off when DEBUG is
    setup_django(db_name)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from customers.models import Customer
    from tests.crawl.crawler import Crawler

    if args.demo:
        if not Customer.objects.exists():
            print("seeding the demo (manage.py seed) …")
            call_command("seed")
        if args.age_days:
            age(args.age_days)
        logins = logins_of_the_demo()
    else:
        if loaded_size() != args.customers:
            load_customers(args.customers)
        logins = admin_login()
    # Statistics as a running server has them (autovacuum analyses changed tables; it may be off on a
    # bench machine, and a freshly seeded database has none): without them the planner nests loops.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    if args.only:
        wanted = set(args.only.split(","))
        logins = [login for login in logins if login[1].username in wanted]
    timings: list[tuple[float, float, int, str, str]] = []
    for who, user, prefix in logins:
        client = Client()
        client.force_login(user)
        result = Crawler(client, who=who, prefixes=(prefix,), per_shape=args.per_kind, htmx=False,
                         max_pages=args.max_pages).crawl(start=[prefix])
        found = list(result.pages.values())
        for url in found:
            samples, queries = [], 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    samples.append((time.perf_counter() - started) * 1000)
                queries = max(queries, len(captured.captured_queries))
                if response.status_code != 200:
                    break
            p95 = statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)
            timings.append((statistics.median(samples), p95, queries, who, url))
        print(f"{who:<32} {len(found):>4} pages")
    timings.sort(reverse=True)
    print(f"\n{len(timings)} pages timed (median and p95 of {args.repeat}; p95 is the slowest under 20); the slowest {args.top}:")
    print(f"{'median':>8} {'p95':>8} {'queries':>7}  login  page")
    for ms, p95, queries, who, url in timings[: args.top]:
        print(f"{ms:8.1f} {p95:8.1f} {queries:>7}  {who}  {url}")


if __name__ == "__main__":
    main()
