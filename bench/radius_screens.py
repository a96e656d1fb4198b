"""The RADIUS screens' reads at an ISP's size: who is online (page 1 with its count, the counts per
router and per area), a customer's Sessions tab, the routers' RADIUS health (list and one router) and
the /metrics window, over radius_radacct and radius_postauth rows generated set-based.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_screens.py --customers 50000 --closed 1000000 --answers 1000000

Its own database `ispbill_bench_radius_screens` (migrated; customers from bench/_common.py's loader,
each with one subscription, the demo's 6 routers switched to RADIUS mode). Sessions: one open session
for every other active subscription (the "online now"), `--closed` ended ones over 30 days; answers:
`--answers` post-auth rows over 7 days (one in eight a reject). Each read is timed `--repeat` times
through the selectors the views call (a superuser: every branch, the widest scope); prints the median
and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ensure_catalogue, load_customers, loaded_size, setup_django  # noqa: E402

DB_NAME = "ispbill_bench_radius_screens"


def generate(closed: int, answers: int) -> None:
    """Sessions and post-auth rows in three INSERT … SELECT statements (generate_series)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE radius_radacct, radius_postauth RESTART IDENTITY")
        cur.execute("UPDATE network_router SET aaa_mode = 'radius', radius_secret = radius_secret")
        # Online now: every other active subscription, started in the last 12 hours.
        cur.execute("""
            INSERT INTO radius_radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
                acctstarttime, acctupdatetime, acctauthentic, connectinfo_start, connectinfo_stop, acctinputoctets, acctoutputoctets,
                calledstationid, callingstationid, acctterminatecause, servicetype, framedprotocol, framedipaddress,
                counted_input_octets, counted_output_octets, router_id, subscription_id)
            SELECT 'on-' || s.id, md5('on-' || s.id), s.username, '', '10.0.0.1', '', '', now() - (s.id %% 720) * interval '1 minute',
                now() - (s.id %% 5) * interval '1 minute', '', '', '', s.id * 1000, s.id * 9000, '', 'AA:BB:CC:' || lpad(to_hex(s.id %% 65536), 4, '0'),
                '', '', '', ('100.64.0.0'::inet + s.id), 0, 0, s.router_id, s.id
            FROM customers_subscription s WHERE s.status = 'active' AND s.id %% 2 = 0
        """, [])
        cur.execute("""
            INSERT INTO radius_radacct (acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype,
                acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctauthentic, connectinfo_start, connectinfo_stop,
                acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, servicetype, framedprotocol,
                framedipaddress, counted_input_octets, counted_output_octets, router_id, subscription_id)
            SELECT 'off-' || g, md5('off-' || g), s.username, '', '10.0.0.1', '', '', t, t + interval '3 hours', t + interval '3 hours',
                10800, '', '', '', g * 100, g * 900, '', '', 'User-Request', '', '', ('100.64.0.0'::inet + (g %% 60000)), 0, 0, s.router_id, s.id
            FROM generate_series(1::bigint, %s) g
            JOIN customers_subscription s ON s.id = 1 + (g * 7919) %% (SELECT max(id) FROM customers_subscription)
            CROSS JOIN LATERAL (SELECT now() - interval '30 days' + (g %% 43200) * interval '1 minute' AS t) times
        """, [closed])
        cur.execute("""
            INSERT INTO radius_postauth (username, router_id, subscription_id, accepted, reason, walled_garden, callingstationid, authdate)
            SELECT s.username, s.router_id, s.id, g %% 8 <> 0, CASE WHEN g %% 8 = 0 THEN 'password_wrong' ELSE '' END, false, '',
                now() - (g %% 10080) * interval '1 minute' - (g %% 60) * interval '1 second'
            FROM generate_series(1::bigint, %s) g
            JOIN customers_subscription s ON s.id = 1 + (g * 104729) %% (SELECT max(id) FROM customers_subscription)
        """, [answers])
        cur.execute("ANALYZE radius_radacct")
        cur.execute("ANALYZE radius_postauth")


def measure(label: str, fn, repeat: int) -> None:
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"  {label:<44} median {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--closed", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="time the rows a previous run generated")
    args = parser.parse_args()
    setup_django(DB_NAME)
    if loaded_size() != args.customers:
        ensure_catalogue()
        load_customers(args.customers)
    if not args.keep:
        generate(args.closed, args.answers)

    from django.core.paginator import Paginator
    from django.utils import timezone

    from customers.models import Customer
    from ispbill.accounts.models import User
    from network.models import Router
    from radius import selectors

    user = User(is_superuser=True, all_branches=True)
    online = selectors.online_sessions(user=user).count()
    print(f"radius screens bench · {args.customers} customers · {online} online · {args.closed} ended sessions · "
          f"{args.answers} post-auth rows · load {os.getloadavg()[0]:.1f}")
    router_ids = list(Router.objects.values_list("pk", flat=True))
    customer_id = Customer.objects.order_by("pk").values_list("pk", flat=True)[args.customers // 2]
    a_router = router_ids[0]

    def page_one(filters=None):
        page = Paginator(selectors.online_sessions(user=user, filters=filters or selectors.OnlineFilters()), 25).get_page(1)
        return [row.pk for row in page], page.paginator.count

    measure("online now, page 1 + count", page_one, args.repeat)
    measure("online now, one router, page 1 + count", lambda: page_one(selectors.OnlineFilters(router_id=a_router)), args.repeat)
    measure("online now, search '100.64.1.2'", lambda: page_one(selectors.OnlineFilters(search="100.64.1.2")), args.repeat)
    measure("online counts per router and area", lambda: selectors.online_counts(user=user), args.repeat)
    measure("customer Sessions tab (50 newest)", lambda: selectors.customer_sessions(customer_id=customer_id), args.repeat)
    measure("RADIUS health, every router (routers list)", lambda: selectors.radius_health(router_ids=router_ids), args.repeat)
    measure("RADIUS health, one router (router page)", lambda: selectors.radius_health(router_ids=[a_router]), args.repeat)
    now = timezone.now()
    measure("/metrics window (5 min)", lambda: selectors.reject_counts(router_ids=router_ids, since=now - timedelta(minutes=5), until=now), args.repeat)


if __name__ == "__main__":
    main()
