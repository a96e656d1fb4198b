"""Session logs for the regulator: "who had this IP at that moment?" over tens of millions of sessions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_sessions.py --rows 50000000

Uses its own database, `ispbill_bench_radlogs` (created and migrated if needed): `--customers`
customers with one subscription each (bench/_common.py's loader), then `--rows` closed sessions in
the session log (radius.SessionLog, partitioned by month of the stop) with stops spread evenly over
the retention (12 months, up to three days ago), plus what radius_radacct holds in production: an
open session for 80 % of the subscriptions and the last three days of closed ones (`--rows` × 3/365).

The load is set-based (generate_series, no Python per row): a small table of the subscriptions
(login, router, NAS address, MAC), then `INSERT … SELECT` from generate_series in chunks of
5,000,000 rows with the log's indexes and primary key dropped, rebuilt afterwards from their own
definitions, then `VACUUM (ANALYZE)` (the visibility map lets the IP search be an index-only scan,
as on a production log whose old months no longer change). Each session: a public address from a
/18 pool (16,384 addresses, `(g × 7919) mod 16384`, so every address has about `rows / 16,384`
sessions a year), a duration of 5 minutes to 24 hours, its subscription's login, customer, router
and MAC. A second run with the same `--rows` finds them and skips the load; `--reload` forces it.

Then `--searches` random searches (seeded), each a real session's address and a moment inside it,
answered by the selector the page uses (`radius.selectors.session_log_page`, the UNION over the log
and radius_radacct, first page of 50 with its customers and routers), checking the session is
found; and `--page-searches` of the same through the page itself (`staff:session-log`, Django's test
client, a staff user with the Manager role: form, permission, selector, template). p50/p95/max of
each, and the EXPLAIN (ANALYZE, BUFFERS) of one search. Then the page's other common reads, each
through the page (GET, rendered): a login (all time and over a month), a customer, a NAS (router) on
one day, every session of one day, and no criteria (the newest sessions first) — its first page, the
19 pages after it each reached by the previous page's "Older" link (keyset pagination on (start, id):
no OFFSET, no COUNT(*)), and a page months back.

The disk is checked before a load (about 400 bytes a session: ~19 GiB at 50 million); `--drop` drops
the database at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import loaded_size, setup_django, timed  # noqa: E402

DB_NAME = "ispbill_bench_radlogs"
CHUNK = 5_000_000
POOL = "103.10.0.0"
POOL_SIZE = 16_384
SPAN_DAYS = 362  # stops from 365 to 3 days ago: inside the 12 months' retention, out of radius_radacct


def _execute(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fetch(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _subscribers_table() -> int:
    """bench_subscriber: each subscription's login, customer, router, its NAS address and a MAC."""
    _execute("DROP TABLE IF EXISTS bench_subscriber")
    _execute(
        """CREATE UNLOGGED TABLE bench_subscriber AS
           SELECT row_number() OVER (ORDER BY s.id) AS n, s.id AS subscription_id, s.customer_id,
                  COALESCE(NULLIF(s.username, ''), 'static' || s.id) AS username, s.router_id,
                  host(r.host::inet)::inet AS nas,
                  '02:00:' || substr(md5(s.id::text), 1, 2) || ':' || substr(md5(s.id::text), 3, 2) || ':'
                      || substr(md5(s.id::text), 5, 2) || ':' || substr(md5(s.id::text), 7, 2) AS mac
           FROM customers_subscription s JOIN network_router r ON r.id = s.router_id"""
    )
    _execute("CREATE UNIQUE INDEX ON bench_subscriber (n)")
    _execute("ANALYZE bench_subscriber")
    return _fetch("SELECT count(*) FROM bench_subscriber")[0][0]


def _session_select(*, first: int, last: int, rows: int, subscribers: int, stop_sql: str, open_: bool = False) -> str:
    """SELECT of generated sessions g = first..last in radius_radacct's / the log's shared columns."""
    stop = "NULL::timestamptz" if open_ else stop_sql
    return f"""
        SELECT g AS radacctid, to_hex(g) AS acctsessionid, lpad(to_hex(g), 32, '0') AS acctuniqueid, b.username,
               b.nas AS nasipaddress, 'ether1' AS nasportid,
               ({stop_sql}) - make_interval(secs => 300 + (g * 104729) % 86100) AS acctstarttime,
               {stop} AS acctstoptime,
               300 + (g * 104729) % 86100 AS acctsessiontime,
               (g * 31337) % 2000000000 AS acctinputoctets, (g * 7331) % 20000000000 AS acctoutputoctets,
               'pppoe-bench' AS calledstationid, b.mac AS callingstationid,
               {"''" if open_ else "'User-Request'"} AS acctterminatecause,
               '{POOL}'::inet + ((g * 7919) % {POOL_SIZE}) AS framedipaddress,
               b.router_id, b.subscription_id, b.customer_id
        FROM generate_series({first}::bigint, {last}::bigint) g
        JOIN bench_subscriber b ON b.n = 1 + (g * 2654435761) % {subscribers}
    """


LOG_COLUMNS = (
    "radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, "
    "acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, "
    "framedipaddress, router_id, subscription_id, customer_id"
)


def load_sessions(rows: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from radius.services import session_log_partitions_ensure

    results: dict[str, float] = {}
    now = timezone.now()
    _execute("SET maintenance_work_mem = '1GB'")
    _execute("SET max_parallel_maintenance_workers = 0")
    with timed("subscribers table", results):
        subscribers = _subscribers_table()
    with timed("partitions", results):
        session_log_partitions_ensure(now=now, retention_months=12)
    indexes = _fetch(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = 'radius_session_log'::regclass AND NOT x.indisprimary"""
    )
    pkey = _fetch(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'radius_session_log'::regclass AND contype = 'p'"""
    )
    with timed("emptied, indexes dropped", results):
        _execute("TRUNCATE radius_session_log, radius_radacct")
        for name, _definition in indexes:
            _execute(f"DROP INDEX {name}")
        for name, _definition in pkey:
            _execute(f"ALTER TABLE radius_session_log DROP CONSTRAINT {name}")
    start_epoch = (now - timedelta(days=SPAN_DAYS + 3)).timestamp()
    step = SPAN_DAYS * 86400 / rows
    stop_sql = f"to_timestamp({start_epoch} + g * {step})"
    started = time.perf_counter()
    for first in range(1, rows + 1, CHUNK):
        last = min(rows, first + CHUNK - 1)
        _execute(f"INSERT INTO radius_session_log ({LOG_COLUMNS}) "
                 + _session_select(first=first, last=last, rows=rows, subscribers=subscribers, stop_sql=stop_sql))
        print(f"  log rows {last:>12,}  {time.perf_counter() - started:8.1f} s", flush=True)
    results["log rows"] = time.perf_counter() - started
    with timed("indexes rebuilt", results):
        for _name, definition in pkey:
            _execute(f"ALTER TABLE radius_session_log ADD {definition}")
        for _name, definition in indexes:
            _execute(definition.replace(" ON ONLY ", " ON "))  # ONLY would leave the partitions without it
    # radius_radacct as production has it: the open sessions, and the last three days' closed ones.
    recent = rows * 3 // 365
    acct_columns = LOG_COLUMNS.replace(", customer_id", "")
    extra = "realm, nasporttype, acctauthentic, connectinfo_start, connectinfo_stop, servicetype, framedprotocol"
    extra_values = "'', 'Ethernet', 'RADIUS', '', '', 'Framed-User', 'PPP'"
    recent_stop = f"to_timestamp({(now - timedelta(days=3)).timestamp()} + (g - {rows}) * {3 * 86400 / max(recent, 1)})"
    with timed("radius_radacct", results):
        _execute(f"INSERT INTO radius_radacct ({acct_columns}, acctupdatetime, {extra}) SELECT {acct_columns}, acctstoptime, {extra_values} FROM ("
                 + _session_select(first=rows + 1, last=rows + recent, rows=rows, subscribers=subscribers, stop_sql=recent_stop)
                 + ") closed")
        open_start = f"to_timestamp({now.timestamp()} - (g % 86400))"
        opened = subscribers * 8 // 10
        _execute(f"INSERT INTO radius_radacct ({acct_columns}, acctupdatetime, {extra}) SELECT {acct_columns}, now(), {extra_values} FROM ("
                 + _session_select(first=rows + recent + 1, last=rows + recent + opened, rows=rows, subscribers=subscribers,
                                   stop_sql=open_start, open_=True)
                 + ") opened")
        _execute("SELECT setval('radius_radacct_radacctid_seq', %s)", [rows + recent + opened])
    connection.close()  # VACUUM outside any transaction
    with timed("vacuum analyze", results):
        from django.db import connection as fresh

        fresh.ensure_connection()
        fresh.connection.autocommit = True
        with fresh.connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) radius_session_log")
            cursor.execute("VACUUM (ANALYZE) radius_radacct")
    _execute("CREATE TABLE IF NOT EXISTS bench_meta (rows bigint)")
    _execute("DELETE FROM bench_meta")
    _execute("INSERT INTO bench_meta VALUES (%s)", [rows])


def loaded_rows() -> int | None:
    if not _fetch("SELECT to_regclass('bench_meta')")[0][0]:
        return None
    found = _fetch("SELECT rows FROM bench_meta")
    return found[0][0] if found else None


def sizes() -> None:
    for label, sql in (
        ("log, tables", "SELECT sum(pg_table_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'radius_session_log'::regclass"),
        ("log, indexes", "SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'radius_session_log'::regclass"),
        ("radius_radacct, total", "SELECT pg_total_relation_size('radius_radacct')"),
    ):
        print(f"  {label:<24} {_fetch(sql)[0][0] / 2**30:6.2f} GiB")
    print(f"  partitions               {_fetch('SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass', ['radius_session_log'])[0][0]}")
    print(f"  radius_radacct rows      {_fetch('SELECT count(*) FROM radius_radacct')[0][0]:,}")


def pick_targets(rows: int, count: int, seed: int = 7) -> list[tuple[int, str, object]]:
    """(radacctid, IP, a moment inside that session) for `count` random sessions of the log."""
    rng = random.Random(seed)
    targets = []
    for _ in range(count):
        radacctid = rng.randint(1, rows)
        found = _fetch(
            "SELECT host(framedipaddress), acctstarttime, acctstoptime FROM radius_session_log WHERE radacctid = %s", [radacctid]
        )
        if not found:
            continue
        ip, start, stop = found[0]
        # Inside the session by at least a second each side (the page takes whole seconds).
        targets.append((radacctid, ip, start + timedelta(seconds=1) + (stop - start - timedelta(seconds=2)) * rng.random()))
    return targets


def percentiles(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"  {label:<40} n={len(ordered):4}  p50 {statistics.median(ordered):7.2f} ms  p95 {p95:7.2f} ms  max {ordered[-1]:7.2f} ms",
          flush=True)


def measure(rows: int, searches: int, page_searches: int) -> None:
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from customers.models import Customer
    from ispbill.accounts.models import User
    from ispbill.accounts.services import roles_ensure_defaults
    from radius.selectors import SessionLogQuery, session_log_page

    targets = pick_targets(rows, searches + page_searches)
    # Warm-up: a few searches not timed.
    for _, ip, at in targets[:5]:
        session_log_page(SessionLogQuery(ip=ip, at=at, branch_ids=None))
    times, missed = [], 0
    for radacctid, ip, at in targets[:searches]:
        started = time.perf_counter()
        found, _ = session_log_page(SessionLogQuery(ip=ip, at=at, branch_ids=None))
        times.append((time.perf_counter() - started) * 1000)
        missed += radacctid not in {row.radacctid for row in found}
    percentiles("IP + moment, selector (first page)", times)
    if missed:
        sys.exit(f"{missed} searches did not find their session")

    # The page's common reads, each through the page itself (GET: session, permission, form, selector,
    # template), as staff ask them: a login (all time, and over a month), a customer, a NAS (router) on
    # one day, every session of one day, and no criteria at all (the newest first) — its first page and
    # the pages after it, each reached by the previous page's "Older" link (keyset: no offset, no count).
    from radius.models import SessionLog
    from radius.selectors import SessionLogCursor

    roles_ensure_defaults()
    user, _ = User.objects.get_or_create(username="bench-compliance", defaults={"kind": "staff"})
    user.groups.set([Group.objects.get(name="Manager")])
    client = Client()
    client.force_login(user)
    url = reverse("staff:session-log")

    def get(params: dict) -> tuple[float, object]:
        started = time.perf_counter()
        response = client.get(url, params)
        took = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (params, response.status_code)
        return took, response

    client.get(url)  # warm-up
    cases: dict[str, list[float]] = {}
    for radacctid, _ip, at in targets[:page_searches]:
        row = SessionLog.objects.filter(radacctid=radacctid).values("username", "customer_id", "router_id").first()
        account = Customer.objects.filter(pk=row["customer_id"]).values_list("account_number", flat=True).first()
        day = timezone.localtime(at).date()
        asked = {
            "login (all time)": {"username": row["username"]},
            "login, one month": {"username": row["username"], "start": (day - timedelta(days=30)).strftime("%d/%m/%Y"),
                                 "end": day.strftime("%d/%m/%Y")},
            "customer account (all time)": {"customer": account},
            "NAS (router) on one day": {"router": row["router_id"], "start": day.strftime("%d/%m/%Y"), "end": day.strftime("%d/%m/%Y")},
            "every session of one day": {"start": day.strftime("%d/%m/%Y"), "end": day.strftime("%d/%m/%Y")},
        }
        for label, params in asked.items():
            took, response = get(params)
            assert b"data-session=" in response.content, (label, params)
            cases.setdefault(label, []).append(took)
    for _ in range(max(1, page_searches // 20)):
        cursor = ""
        for page in range(1, 21):
            took, response = get({"after": cursor} if cursor else {})
            cases.setdefault("no criteria, newest first: page 1" if page == 1 else "no criteria: pages 2-20 (Older link)", []).append(took)
            found = re.search(rb'after=([0-9n]+_[0-9]+)" rel="next"', response.content)
            assert found, page
            cursor = found.group(1).decode()
    deep = SessionLogCursor(targets[0][2], 0).encode()  # a page months back, as its Older link would ask
    for _ in range(max(1, page_searches // 5)):
        cases.setdefault("no criteria, a page months back (cursor)", []).append(get({"after": deep})[0])
    for label, times in cases.items():
        percentiles(f"the page: {label}", times)

    times = []
    for radacctid, ip, at in targets[searches:]:
        local = timezone.localtime(at)
        took, response = get({"ip": ip, "at": local.strftime("%d/%m/%Y %H:%M:%S")})
        times.append(took)
        assert f'data-session="{radacctid:x}"'.encode() in response.content, (ip, local)
    percentiles("the page: IP + moment (GET, rendered)", times)

    radacctid, ip, at = targets[0]
    from radius.selectors import session_log_queryset

    sql, params = session_log_queryset(SessionLogQuery(ip=ip, at=at, branch_ids=None))[:51].query.sql_with_params()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))
    # And the list's first page with no criteria: the log's part (the months' start indexes merged).
    sql, params = SessionLog.objects.order_by("-acctstarttime", "-radacctid").values_list("radacctid")[:51].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--page-searches", type=int, default=100)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end (it takes ~19 GiB at 50 M rows)")
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    setup_django(DB_NAME)
    from _common import load_customers

    if loaded_size() != args.customers:
        print(f"Loading {args.customers:,} customers into {DB_NAME}", flush=True)
        load_customers(args.customers)
    if args.reload or loaded_rows() != args.rows:
        # Room first: about 400 bytes a session (table and indexes; 18.6 GiB at 50 million), plus a margin.
        data_directory = _fetch("SHOW data_directory")[0][0]
        free, needed = shutil.disk_usage(data_directory).free, args.rows * 400 * 1.2
        print(f"Free on {data_directory}'s disk: {free / 2**30:.1f} GiB; the load needs about {needed / 2**30:.1f} GiB", flush=True)
        if free < needed:
            sys.exit("Not enough disk for the load: fewer --rows, or free some space")
        print(f"Loading {args.rows:,} sessions into the session log", flush=True)
        load_sessions(args.rows)
    sizes()
    if not args.load_only:
        print(f"Searches ({args.rows:,} sessions in the log):", flush=True)
        measure(args.rows, args.searches, args.page_searches)
    if args.drop:
        from django.db import connection

        connection.close()
        import psycopg

        with psycopg.connect(base_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
        print(f"Dropped {DB_NAME}", flush=True)


if __name__ == "__main__":
    main()
