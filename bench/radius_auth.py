"""RADIUS authentication through FreeRADIUS: ours (views over our tables) and stock (radcheck), side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/radius_auth.py --subscribers 100000 --requests 20000

Uses its own databases: `ispbill_bench_radius` (ispbill, migrated, loaded with bench/_common.py's
loader when it does not already hold exactly that many customers) and `ispbill_bench_radius_stock`
(FreeRADIUS's own PostgreSQL schema, schema.sql of the Debian package). Then, set by set:

- ours: every subscription moved to one router in RADIUS mode (host 127.0.0.1), every one with a login
  made active (so every request is an Access-Accept, as on the stock side), FreeRADIUS's role made;
  the configuration is `manage.py radius_config`'s (rlm_sql reading radius_check / radius_reply,
  Simultaneous-Use counted on radius_radacct, every answer logged to radius_postauth).
- stock: the same logins copied into radcheck (NT-Password, the same hash ours has) and radreply
  (Mikrotik-Rate-Limit), the Debian configuration (/etc/freeradius/3.0) copied with the sql module
  enabled on PostgreSQL and EAP left out (it needs certificates built first); its default site reads
  radcheck, radreply and the group tables, and logs to radpostauth.

Each server is started in turn (`freeradius -f`), warmed up, and sent the same `--requests` random
Access-Requests (PAP) by `radclient -p <parallel>`: requests/s is requests ÷ radclient's wall time. While
it runs a probe sends one request every 10 ms with pyrad and times each answer: p95 is over the probe's
answers (the latency a router sees under that load). Both servers get the same worker threads and up
to the same number of database connections.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_PPPOE_PASSWORD, ROOT, ensure_database, loaded_size, setup_django  # noqa: E402

DB_NAME = "ispbill_bench_radius"
STOCK_DB_NAME = "ispbill_bench_radius_stock"
STOCK_RADDB = Path("/etc/freeradius/3.0")
STOCK_SCHEMA = STOCK_RADDB / "mods-config/sql/main/postgresql/schema.sql"
SECRET = "testing123"  # the stock clients.conf's localhost secret; ours is given the same
FREERADIUS = shutil.which("freeradius") or shutil.which("radiusd")
RADCLIENT = shutil.which("radclient")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Ours --------------------------------------------------------------------------------------------

def prepare_ours(*, threads: int, db_pool: int, directory: Path) -> tuple[list[str], int]:
    from django.conf import settings
    from django.db import connection

    from network.models import Router
    from radius.config import Options, config_write
    from radius.sql import role_ensure

    router, _ = Router.objects.update_or_create(
        name="BENCH-RADIUS", defaults={"host": "127.0.0.1", "aaa_mode": "radius", "radius_secret": SECRET, "is_active": True},
    )
    Router.objects.exclude(pk=router.pk).update(aaa_mode="api")
    with connection.cursor() as cursor:
        # Set-based: every connection on the bench router, every login active and not expired.
        cursor.execute("UPDATE customers_subscription SET router_id = %s WHERE router_id <> %s", [router.pk, router.pk])
        cursor.execute(
            "UPDATE customers_subscription SET status = 'active', paid_through = NULL "
            "WHERE username <> '' AND (status <> 'active' OR paid_through IS NOT NULL)"
        )
        cursor.execute("VACUUM (ANALYZE) customers_subscription")
        cursor.execute("TRUNCATE radius_radacct, radius_postauth")
        cursor.execute("SELECT username FROM customers_subscription WHERE username <> '' AND status = 'active' ORDER BY id")
        usernames = [row[0] for row in cursor.fetchall()]
    settings.RADIUS_DB_PASSWORD = settings.RADIUS_DB_PASSWORD or "bench-radius-role"
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
    port = free_udp_port()
    config_write(directory, Options(
        auth_port=port, acct_port=free_udp_port(), listen="127.0.0.1", threads=threads, db_pool=db_pool, log_destination="files",
    ))
    return usernames, port


# Stock -------------------------------------------------------------------------------------------

def prepare_stock(*, base_url: str, usernames: list[str], threads: int, directory: Path) -> int:
    import psycopg
    from _common import bench_database_url

    from ispbill.core.nthash import nt_password_hash

    ensure_database(base_url, STOCK_DB_NAME)
    url = bench_database_url(base_url, STOCK_DB_NAME).replace("postgres://", "postgresql://", 1)
    nt_hash = nt_password_hash(BENCH_PPPOE_PASSWORD)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "DROP TABLE IF EXISTS radcheck, radreply, radgroupcheck, radgroupreply, radusergroup, radacct, radpostauth, "
            "nas, nasreload CASCADE"
        )
        conn.execute(STOCK_SCHEMA.read_text())
        with conn.cursor() as cur:
            with cur.copy("COPY radcheck (username, attribute, op, value) FROM STDIN") as copy:
                for name in usernames:
                    copy.write_row((name, "NT-Password", ":=", nt_hash))
            with cur.copy("COPY radreply (username, attribute, op, value) FROM STDIN") as copy:
                for name in usernames:
                    copy.write_row((name, "Mikrotik-Rate-Limit", ":=", "10M/20M"))
        conn.execute("VACUUM (ANALYZE) radcheck")
        conn.execute("VACUUM (ANALYZE) radreply")
        info = conn.info
        host, port, user, password = info.host, info.port, info.user, info.password

    shutil.copytree(STOCK_RADDB, directory, symlinks=True)
    (directory / "log").mkdir()
    (directory / "run").mkdir()
    conf = (directory / "radiusd.conf").read_text()
    conf = conf.replace("raddbdir = /etc/freeradius/3.0", f"raddbdir = {directory}")
    conf = conf.replace("logdir = /var/log/freeradius", f"logdir = {directory}/log")
    conf = conf.replace("run_dir = ${localstatedir}/run/${name}", f"run_dir = {directory}/run")
    conf = "\n".join(line for line in conf.splitlines() if line.strip() not in ("user = freerad", "group = freerad"))
    conf = conf.replace("start_servers = 5", f"start_servers = {threads}").replace("max_servers = 32", f"max_servers = {threads}")
    (directory / "radiusd.conf").write_text(conf)
    sql = (directory / "mods-available/sql").read_text()
    sql = sql.replace('dialect = "sqlite"', 'dialect = "postgresql"').replace('driver = "rlm_sql_null"', 'driver = "rlm_sql_${dialect}"')
    sql = sql.replace('#\tserver = "localhost"', f'\tserver = "{host}"').replace("#\tport = 3306", f"\tport = {port}")
    sql = sql.replace('#\tlogin = "radius"', f'\tlogin = "{user}"').replace('#\tpassword = "radpass"', f'\tpassword = "{password or ""}"')
    sql = sql.replace('radius_db = "radius"', f'radius_db = "{STOCK_DB_NAME}"')
    (directory / "mods-available/sql").write_text(sql)
    (directory / "mods-enabled/sql").symlink_to("../mods-available/sql")
    # EAP needs certificates generated first; a PPPoE/hotspot benchmark does not use it.
    (directory / "mods-enabled/eap").unlink()
    (directory / "sites-enabled/inner-tunnel").unlink()
    site_path = directory / "sites-enabled/default"
    site = site_path.read_text()
    site_path.unlink()
    lines, skip = [], 0
    for line in site.splitlines():
        stripped = line.strip()
        if skip:
            skip += stripped.count("{") - stripped.count("}")
            continue
        if stripped.startswith("eap {"):
            skip = 1
            continue
        if stripped == "eap":
            continue
        lines.append(line)
    site = "\n".join(lines)
    auth_port = free_udp_port()
    ports = iter([auth_port, free_udp_port(), free_udp_port(), free_udp_port()])
    while "\tport = 0" in site:
        site = site.replace("\tport = 0", f"\tport = {next(ports)}", 1)
    site = site.replace("ipaddr = *", "ipaddr = 127.0.0.1").replace("ipv6addr = ::\t", "ipv6addr = ::1\t").replace("ipv6addr = ::\n", "ipv6addr = ::1\n")
    site_path.write_text(site)
    return auth_port


# Running -----------------------------------------------------------------------------------------

def start_server(directory: Path) -> subprocess.Popen:
    process = subprocess.Popen([FREERADIUS, "-f", "-l", "stdout", "-d", str(directory)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    output: list[str] = []

    def read():
        for line in process.stdout:
            output.append(line)
            if "Ready to process requests" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(30):
        process.kill()
        sys.exit("FreeRADIUS did not start:\n" + "".join(output[-40:]))
    return process


def request_file(path: Path, usernames: list[str], count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w") as out:
        for _ in range(count):
            out.write(f'User-Name = "{rng.choice(usernames)}", User-Password = "{BENCH_PPPOE_PASSWORD}", NAS-IP-Address = 127.0.0.1\n\n')


def probe(port: int, usernames: list[str], stop: threading.Event, latencies: list[float], failures: list[str]) -> None:
    from pyrad import packet
    from pyrad.client import Client
    from pyrad.dictionary import Dictionary

    client = Client(server="127.0.0.1", authport=port, secret=SECRET.encode(),
                    dict=Dictionary(str(ROOT / "tests/radius/dictionary")), retries=1, timeout=2)
    rng = random.Random(7)
    while not stop.is_set():
        request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=rng.choice(usernames))
        request["User-Password"] = request.PwCrypt(BENCH_PPPOE_PASSWORD)
        started = time.perf_counter()
        try:
            reply = client.SendPacket(request)
        except Exception as exc:  # a timeout is a result here, counted
            failures.append(type(exc).__name__)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if reply.code != packet.AccessAccept:
            failures.append("reject")
        stop.wait(0.01)


def measure(label: str, directory: Path, port: int, usernames: list[str], requests: Path, count: int, parallel: int) -> dict:
    process = start_server(directory)
    try:
        warm = requests.with_name("warmup.txt")
        request_file(warm, usernames, min(2000, count), seed=99)
        subprocess.run([RADCLIENT, "-q", "-p", str(parallel), "-r", "3", "-t", "3", "-f", str(warm), f"127.0.0.1:{port}", "auth", SECRET], check=False)
        stop, latencies, failures = threading.Event(), [], []
        prober = threading.Thread(target=probe, args=(port, usernames, stop, latencies, failures), daemon=True)
        prober.start()
        started = time.perf_counter()
        result = subprocess.run(
            [RADCLIENT, "-s", "-p", str(parallel), "-r", "3", "-t", "3", "-f", str(requests), f"127.0.0.1:{port}", "auth", SECRET],
            capture_output=True, text=True,
        )
        elapsed = time.perf_counter() - started
        stop.set()
        prober.join(5)
    finally:
        process.terminate()
        process.wait(15)
    summary = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in result.stdout.splitlines()) if v}
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if len(latencies) >= 20 else float("nan")
    row = {
        "label": label, "seconds": elapsed, "rate": count / elapsed, "p95": p95,
        "p50": statistics.median(latencies) if latencies else float("nan"), "probes": len(latencies),
        "accepted": summary.get("Accepted", "?"), "rejected": summary.get("Rejected", "?"), "lost": summary.get("Lost", "?"),
        "probe_failures": len(failures),
    }
    print(f"  {label:<8} {count:,} requests in {elapsed:6.2f} s = {row['rate']:7.0f}/s   p50 {row['p50']:6.2f} ms   "
          f"p95 {p95:6.2f} ms ({len(latencies)} probes)   accepted {row['accepted']} rejected {row['rejected']} lost {row['lost']}",
          flush=True)
    if row["rejected"] != "0" or row["lost"] != "0" or failures:
        print(f"  WARNING {label}: every request should be accepted; see {directory}/log", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--parallel", type=int, default=200, help="radclient -p")
    parser.add_argument("--threads", type=int, default=32, help="FreeRADIUS worker threads, both servers")
    parser.add_argument("--reload", action="store_true", help="load the customers again even if the count matches")
    args = parser.parse_args()
    if not FREERADIUS or not RADCLIENT:
        sys.exit("needs freeradius and radclient: apt-get install freeradius freeradius-postgresql freeradius-utils")
    base_url = os.environ.get("DATABASE_URL", "")
    setup_django(DB_NAME)
    from _common import load_customers

    if args.reload or loaded_size() != args.subscribers:
        print(f"Loading {args.subscribers:,} customers into {DB_NAME}", flush=True)
        load_customers(args.subscribers)
    work = Path(tempfile.mkdtemp(prefix="bench-radius-"))
    try:
        started = time.perf_counter()
        usernames, our_port = prepare_ours(threads=args.threads, db_pool=args.threads // 2, directory=work / "ours")
        stock_port = prepare_stock(base_url=base_url, usernames=usernames, threads=args.threads, directory=work / "stock")
        print(f"Prepared {len(usernames):,} active logins on both sides in {time.perf_counter() - started:.1f} s", flush=True)
        requests = work / "requests.txt"
        request_file(requests, usernames, args.requests, seed=42)
        print(f"Access-Requests (PAP), radclient -p {args.parallel}, {args.threads} threads each:", flush=True)
        ours = measure("ours", work / "ours", our_port, usernames, requests, args.requests, args.parallel)
        stock = measure("stock", work / "stock", stock_port, usernames, requests, args.requests, args.parallel)
        print(f"Ours / stock: {ours['rate'] / stock['rate'] * 100:.0f} % of stock's requests/s; p95 {ours['p95']:.2f} vs {stock['p95']:.2f} ms",
              flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
