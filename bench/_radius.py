"""Shared by the RADIUS benchmarks (radius_auth.py, radius_acct.py, radius_reboot.py): ours and stock
FreeRADIUS prepared side by side on the same PostgreSQL server, and a RADIUS load generator.

- **Ours**: database `ispbill_bench_radius` (bench/_common.py's loader), every login moved to two
  routers in RADIUS mode — `BENCH-RADIUS` (127.0.0.1, all but the last `--reboot-sessions` logins) and
  `BENCH-RADIUS-REBOOT` (127.0.0.2, the rest: the router the reboot phase restarts) — every login made
  active, so every valid request is an Access-Accept as on the stock side; the configuration is
  `manage.py radius_config`'s (radius/freeradius/), FreeRADIUS's least-privilege role.
- **Stock**: database `ispbill_bench_radius_stock` with FreeRADIUS's own schema
  (/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql), the same logins in `radcheck`
  (the same NT-Password) and `radreply` (one Mikrotik-Rate-Limit each); a copy of the Debian
  configuration with the sql module on PostgreSQL, EAP left out (it needs certificates built first)
  and a client for 127.0.0.2. Its default site reads radcheck, radreply and the group tables, logs to
  radpostauth and accounts into radacct (and its `detail` file, as shipped).

Both get the same worker threads and the same database pool ceiling, on the same PostgreSQL server.

The load generator speaks RADIUS over asyncio UDP itself (radclient prints no latencies): each
request is timed from its send — or, at a fixed rate, from when it was due, so a server that falls
behind shows in the latency instead of slowing the sender — to its verified answer, with up to
`TRIES` sends `TIMEOUT` s apart as a NAS retransmits. Concurrency is a fixed number of outstanding
requests (`slots`: 250 RADIUS identifiers per UDP socket). It drives FreeRADIUS only and never reads
or writes the accounting tables, so it measures whatever layout they have.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_PPPOE_PASSWORD, cpu_seconds, ensure_database, loaded_size, setup_django  # noqa: E402

DB_NAME = "ispbill_bench_radius"
STOCK_DB_NAME = "ispbill_bench_radius_stock"
STOCK_RADDB = Path("/etc/freeradius/3.0")
STOCK_SCHEMA = STOCK_RADDB / "mods-config/sql/main/postgresql/schema.sql"
SECRET = "testing123"  # the stock clients.conf's localhost secret; ours is given the same
FREERADIUS = shutil.which("freeradius") or shutil.which("radiusd")
RADCLIENT = shutil.which("radclient")
MAIN_NAS, REBOOT_NAS = "127.0.0.1", "127.0.0.2"
TIMEOUT, TRIES = 3.0, 3  # radclient's -t 3 -r 3; a MikroTik's RADIUS timeout is shorter, its retries fewer


def free_udp_port(*, ipv6: bool = False) -> int:
    """A UDP port free now on 127.0.0.1 (or on ::1: a port free on one family may be taken on the other)."""
    with socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("::1" if ipv6 else "127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def udp_receive_drops() -> int:
    """Datagrams the kernel dropped for a full socket receive buffer, machine-wide (/proc/net/snmp)."""
    header, values = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines() if line.startswith("Udp:")][:2]
    return int(values[header.index("RcvbufErrors")])


@dataclass
class Side:
    label: str
    directory: Path
    db_name: str
    auth_port: int
    acct_port: int
    logins: list[str]  # on the main NAS (127.0.0.1)
    reboot_logins: list[str]  # on the rebooting NAS (127.0.0.2)
    process: subprocess.Popen | None = None
    # Ours: radius_serve's accept loader (radius/accepts.py) as a process of its own, whose CPU is counted
    # with FreeRADIUS's: the Access-Accepts' records are written by it, not by FreeRADIUS's SQL.
    loader: subprocess.Popen | None = None
    # The hotspot logins: asked for as a hotspot asks (Service-Type Login-User), never as PPP, which
    # ours refuses (wrong_service) and stock, with no notion of a service, would accept.
    hotspot: frozenset = frozenset()


# Ours --------------------------------------------------------------------------------------------

def prepare_ours(*, threads: int, db_pool: int, directory: Path, reboot_sessions: int) -> Side:
    from django.conf import settings
    from django.db import connection

    from network.models import Router
    from radius.config import Options, config_write
    from radius.sql import role_ensure

    # The load generator's packets carry no Message-Authenticator (nor does the stock side's client):
    # both sides measured without it, so the bench routers do not require it.
    defaults = {"aaa_mode": "radius", "radius_secret": SECRET, "is_active": True, "radius_require_message_authenticator": False}
    main, _ = Router.objects.update_or_create(name="BENCH-RADIUS", defaults={"host": MAIN_NAS, **defaults})
    reboot, _ = Router.objects.update_or_create(name="BENCH-RADIUS-REBOOT", defaults={"host": REBOOT_NAS, **defaults})
    Router.objects.exclude(pk__in=[main.pk, reboot.pk]).update(aaa_mode="api")
    with connection.cursor() as cursor:
        # Set-based: every login active and not expired; the last `reboot_sessions` logins on the
        # router that reboots, every other connection on the main one.
        cursor.execute(
            "UPDATE customers_subscription SET status = 'active', paid_through = NULL "
            "WHERE username <> '' AND (status <> 'active' OR paid_through IS NOT NULL)"
        )
        cursor.execute(
            "WITH moved AS (SELECT id FROM customers_subscription WHERE username <> '' ORDER BY id DESC LIMIT %s) "
            "UPDATE customers_subscription s SET router_id = CASE WHEN s.id IN (SELECT id FROM moved) THEN %s ELSE %s END "
            "WHERE s.router_id IS DISTINCT FROM (CASE WHEN s.id IN (SELECT id FROM moved) THEN %s ELSE %s END)",
            [reboot_sessions, reboot.pk, main.pk, reboot.pk, main.pk],
        )
        cursor.execute("VACUUM (ANALYZE) customers_subscription")
        # A clean start: no sessions open (or a login would be "already online") and no answers logged.
        cursor.execute("TRUNCATE radius_radacct, radius_postauth")
        cursor.execute(
            "SELECT router_id, username, connection_type FROM customers_subscription "
            "WHERE username <> '' AND status = 'active' ORDER BY id"
        )
        rows = cursor.fetchall()
    settings.RADIUS_DB_PASSWORD = settings.RADIUS_DB_PASSWORD or "bench-radius-role"
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
    auth_port, acct_port = free_udp_port(), free_udp_port()
    config_write(directory, Options(
        auth_port=auth_port, acct_port=acct_port, listen="127.0.0.1", threads=threads, db_pool=db_pool, log_destination="files",
    ))
    # The generated site listens on one address; the rebooting router sends from 127.0.0.2 to it.
    return Side("ours", directory, DB_NAME, auth_port, acct_port,
                [u for r, u, _ in rows if r == main.pk], [u for r, u, _ in rows if r == reboot.pk],
                hotspot=frozenset(u for _, u, kind in rows if kind == "hotspot"))


# Stock -------------------------------------------------------------------------------------------

def prepare_stock(*, base_url: str, ours: Side, threads: int, directory: Path) -> Side:
    import psycopg
    from _common import bench_database_url

    from ispbill.core.nthash import nt_password_hash

    ensure_database(base_url, STOCK_DB_NAME)
    url = bench_database_url(base_url, STOCK_DB_NAME).replace("postgres://", "postgresql://", 1)
    nt_hash = nt_password_hash(BENCH_PPPOE_PASSWORD)
    usernames = ours.logins + ours.reboot_logins
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
    with (directory / "clients.conf").open("a") as clients:
        clients.write(f"\nclient bench-reboot {{\n\tipaddr = {REBOOT_NAS}\n\tsecret = {SECRET}\n\tnas_type = other\n}}\n")
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
    auth_port, acct_port = free_udp_port(), free_udp_port()
    ports = iter([auth_port, acct_port, free_udp_port(ipv6=True), free_udp_port(ipv6=True)])  # auth, acct, then the IPv6 pair
    while "\tport = 0" in site:
        site = site.replace("\tport = 0", f"\tport = {next(ports)}", 1)
    site = site.replace("ipaddr = *", "ipaddr = 127.0.0.1").replace("ipv6addr = ::\t", "ipv6addr = ::1\t").replace("ipv6addr = ::\n", "ipv6addr = ::1\n")
    site_path.write_text(site)
    return Side("stock", directory, STOCK_DB_NAME, auth_port, acct_port, list(ours.logins), list(ours.reboot_logins),
                hotspot=ours.hotspot)


# Servers -----------------------------------------------------------------------------------------

def start_server(side: Side) -> None:
    process = subprocess.Popen([FREERADIUS, "-f", "-l", "stdout", "-d", str(side.directory)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    output: list[str] = []
    log = (side.directory / "log" / "radiusd.out").open("a")  # kept with --keep

    def read():
        for line in process.stdout:
            log.write(line)
            output.append(line)
            del output[:-200]
            if "Ready to process requests" in line:
                ready.set()
        log.close()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(30):
        process.kill()
        sys.exit(f"FreeRADIUS ({side.label}) did not start:\n" + "".join(output[-40:]))
    side.process = process
    if (side.directory / "var" / "accepts").is_dir():  # ours: what radius_serve runs beside FreeRADIUS
        side.loader = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py"), "radius_load_accepts", "--dir", str(side.directory)],
            stdout=log, stderr=subprocess.STDOUT,
        )


def stop_server(side: Side) -> None:
    for name in ("process", "loader"):  # FreeRADIUS first: the loader loads its last lines as it stops
        process = getattr(side, name)
        if process is None:
            continue
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        setattr(side, name, None)


class CpuMeter:
    """CPU seconds of the FreeRADIUS process and of the PostgreSQL backends connected to its
    database over a phase: per request, the figure the other helpers' load distorts least."""

    def __init__(self, side: Side, base_url: str):
        import psycopg

        self.side = side
        self.conn = psycopg.connect(base_url.replace("postgres://", "postgresql://", 1), autocommit=True)

    def backends(self) -> list[int]:
        return [row[0] for row in self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            [self.side.db_name],
        )]

    def snapshot(self) -> tuple[float, dict[int, float], float]:
        servers = [self.side.process.pid] + ([self.side.loader.pid] if self.side.loader else [])
        return (cpu_seconds(servers), {pid: cpu_seconds([pid]) for pid in self.backends()}, time.process_time())

    def since(self, before) -> tuple[float, float, float]:
        """Ours' figure includes its accept loader and that loader's backend, and is taken only once the
        loader has loaded every Access-Accept of the phase (it loads twice a second)."""
        radiusd, backends, generator = before
        if self.side.loader:
            from radius.accepts import accepts_pending

            deadline = time.monotonic() + 60
            while accepts_pending(self.side.directory) and time.monotonic() < deadline:
                time.sleep(0.05)
        now = self.snapshot()
        database = sum(cpu - backends.get(pid, 0.0) for pid, cpu in now[1].items())
        return now[0] - radiusd, database, now[2] - generator

    def close(self) -> None:
        self.conn.close()


# RADIUS packets (RFC 2865/2866) ------------------------------------------------------------------

ACCESS_REQUEST, ACCESS_ACCEPT, ACCESS_REJECT, ACCOUNTING_REQUEST, ACCOUNTING_RESPONSE = 1, 2, 3, 4, 5
USER_NAME, USER_PASSWORD, NAS_IP_ADDRESS, NAS_PORT, SERVICE_TYPE, FRAMED_PROTOCOL, FRAMED_IP_ADDRESS = 1, 2, 4, 5, 6, 7, 8
CALLED_STATION_ID, CALLING_STATION_ID, NAS_PORT_TYPE = 30, 31, 61
ACCT_STATUS_TYPE, ACCT_INPUT_OCTETS, ACCT_OUTPUT_OCTETS, ACCT_SESSION_ID, ACCT_AUTHENTIC = 40, 42, 43, 44, 45
ACCT_SESSION_TIME, ACCT_INPUT_GIGAWORDS, ACCT_OUTPUT_GIGAWORDS, EVENT_TIMESTAMP = 46, 52, 53, 55
START, STOP, INTERIM_UPDATE, ACCOUNTING_ON = 1, 2, 3, 7


def _attr(kind: int, value: bytes) -> bytes:
    return bytes((kind, len(value) + 2)) + value


def _int(kind: int, value: int) -> bytes:
    return _attr(kind, struct.pack("!I", value))


def _ip(kind: int, value: str) -> bytes:
    return _attr(kind, socket.inet_aton(value))


def mac(n: int) -> bytes:
    return f"02:BE:{(n >> 24) & 255:02X}:{(n >> 16) & 255:02X}:{(n >> 8) & 255:02X}:{n & 255:02X}".encode()


class Codec:
    def __init__(self, secret: str):
        self.secret = secret.encode()

    def access_request(self, ident: int, username: str, password: str, nas: str, port: int, *, hotspot: bool = False) -> tuple[bytes, bytes]:
        """PAP, as a MikroTik asks: PPPoE as Framed-User/PPP, a hotspot login as Login-User (RouterOS's)."""
        authenticator = os.urandom(16)
        clear = password.encode()
        clear += b"\0" * (-len(clear) % 16 or (16 if not clear else 0))
        hidden, previous = b"", authenticator
        for offset in range(0, len(clear), 16):
            key = hashlib.md5(self.secret + previous).digest()
            previous = bytes(a ^ b for a, b in zip(clear[offset:offset + 16], key))
            hidden += previous
        service = (_int(NAS_PORT_TYPE, 19) + _int(SERVICE_TYPE, 1) + _attr(CALLED_STATION_ID, b"bench-hotspot") if hotspot else
                   _int(NAS_PORT_TYPE, 15) + _int(SERVICE_TYPE, 2) + _int(FRAMED_PROTOCOL, 1) + _attr(CALLED_STATION_ID, b"bench-pppoe"))
        attrs = b"".join((
            _attr(USER_NAME, username.encode()), _attr(USER_PASSWORD, hidden), _ip(NAS_IP_ADDRESS, nas), _int(NAS_PORT, port),
            service, _attr(CALLING_STATION_ID, mac(port)),
        ))
        return struct.pack("!BBH", ACCESS_REQUEST, ident, 20 + len(attrs)) + authenticator + attrs, authenticator

    def accounting_request(self, ident: int, status: int, attrs: bytes) -> tuple[bytes, bytes]:
        attrs = _int(ACCT_STATUS_TYPE, status) + attrs
        header = struct.pack("!BBH", ACCOUNTING_REQUEST, ident, 20 + len(attrs))
        authenticator = hashlib.md5(header + b"\0" * 16 + attrs + self.secret).digest()
        return header + authenticator + attrs, authenticator

    def verify(self, reply: bytes, request_authenticator: bytes) -> bool:
        return hashlib.md5(reply[:4] + request_authenticator + reply[20:] + self.secret).digest() == reply[4:20]


def session_attrs(username: str, session_id: str, nas: str, port: int, *, seconds: int = 0, octets: int = 0,
                  hotspot: bool = False) -> bytes:
    """A PPPoE (or hotspot) session's accounting attributes as a MikroTik sends them (octets split into gigawords)."""
    down = octets * 8
    service = _int(NAS_PORT_TYPE, 19) + _int(SERVICE_TYPE, 1) if hotspot else _int(NAS_PORT_TYPE, 15) + _int(SERVICE_TYPE, 2) + _int(FRAMED_PROTOCOL, 1)
    return b"".join((
        _attr(USER_NAME, username.encode()), _attr(ACCT_SESSION_ID, session_id.encode()), _ip(NAS_IP_ADDRESS, nas),
        _int(NAS_PORT, port), service,
        _ip(FRAMED_IP_ADDRESS, f"100.64.{(port >> 8) & 255}.{port & 255}"), _attr(CALLING_STATION_ID, mac(port)),
        _attr(CALLED_STATION_ID, b"bench-pppoe"), _int(ACCT_AUTHENTIC, 1), _int(EVENT_TIMESTAMP, int(time.time())),
        _int(ACCT_SESSION_TIME, seconds), _int(ACCT_INPUT_OCTETS, octets & 0xFFFFFFFF), _int(ACCT_INPUT_GIGAWORDS, octets >> 32),
        _int(ACCT_OUTPUT_OCTETS, down & 0xFFFFFFFF), _int(ACCT_OUTPUT_GIGAWORDS, down >> 32),
    ))


# The load generator ------------------------------------------------------------------------------

class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, codec: Codec):
        self.codec = codec
        self.pending: dict[int, tuple[asyncio.Future, bytes]] = {}
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        entry = self.pending.get(data[1]) if len(data) >= 20 else None
        if entry and not entry[0].done() and self.codec.verify(data, entry[1]):
            entry[0].set_result(data)


@dataclass
class Outcome:
    answers: dict[int, int] = field(default_factory=dict)  # RADIUS code -> count
    lost: int = 0
    resent: int = 0
    latencies: list[float] = field(default_factory=list)  # ms, answered requests only
    seconds: float = 0.0
    first_sent: float = 0.0
    last_answer: float = 0.0

    def count(self, code: int) -> int:
        return self.answers.get(code, 0)

    @property
    def total(self) -> int:
        return sum(self.answers.values()) + self.lost

    def quantile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


class Client:
    """A NAS: `slots` requests outstanding at most, over UDP sockets bound to `source`."""

    def __init__(self, codec: Codec, server_port: int, *, source: str, slots: int, timeout: float = TIMEOUT):
        self.codec, self.port, self.source, self.slots, self.timeout = codec, server_port, source, slots, timeout
        self.endpoints: list[_Endpoint] = []
        self.free: asyncio.Queue = asyncio.Queue()

    async def __aenter__(self):
        loop = asyncio.get_running_loop()
        for first in range(0, self.slots, 250):
            _transport, endpoint = await loop.create_datagram_endpoint(
                lambda: _Endpoint(self.codec), local_addr=(self.source, 0), remote_addr=("127.0.0.1", self.port),
            )
            endpoint.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            self.endpoints.append(endpoint)
            start = random.randrange(256)
            for n in range(min(250, self.slots - first)):
                self.free.put_nowait((endpoint, (start + n) % 256))
        return self

    async def __aexit__(self, *exc):
        for endpoint in self.endpoints:
            endpoint.transport.close()

    async def exchange(self, build, outcome: Outcome, *, due: float | None = None) -> bytes | None:
        """Send build(identifier) -> (packet, authenticator) and wait for its answer, resending as a NAS
        does. The latency is from `due` (open loop) or from the first send."""
        loop = asyncio.get_running_loop()
        endpoint, ident = await self.free.get()
        packet, authenticator = build(ident)
        started = loop.time() if due is None else due
        reply = None
        try:
            for attempt in range(TRIES):
                future = loop.create_future()
                endpoint.pending[ident] = (future, authenticator)
                timer = loop.call_later(self.timeout, lambda f=future: f.done() or f.set_result(None))
                endpoint.transport.sendto(packet)
                if attempt:
                    outcome.resent += 1
                reply = await future
                timer.cancel()
                if reply is not None:
                    break
        finally:
            endpoint.pending.pop(ident, None)
            self.free.put_nowait((endpoint, ident))
        now = loop.time()
        if reply is None:
            outcome.lost += 1
            return None
        outcome.answers[reply[0]] = outcome.answers.get(reply[0], 0) + 1
        outcome.latencies.append((now - started) * 1000)
        outcome.last_answer = max(outcome.last_answer, now)
        return reply


async def closed_loop(client: Client, builders, concurrency: int) -> Outcome:
    """`concurrency` requests outstanding until every builder has been sent and answered."""
    outcome, loop = Outcome(), asyncio.get_running_loop()
    items = iter(builders)

    async def worker():
        for build in items:
            await client.exchange(build, outcome)

    started = outcome.first_sent = loop.time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    outcome.seconds = loop.time() - started
    return outcome


async def open_loop(client: Client, builders: list, rate: float) -> Outcome:
    """One request due every 1/rate s whatever the answers do (a population of NASes, not a fixed
    number of waiting ones); latency counts from when each was due."""
    outcome, loop = Outcome(), asyncio.get_running_loop()
    tasks = []
    started = outcome.first_sent = loop.time()
    for n, build in enumerate(builders):
        due = started + n / rate
        delay = due - loop.time()
        if delay > 0.001:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(client.exchange(build, outcome, due=due)))
    await asyncio.gather(*tasks)
    outcome.seconds = loop.time() - started
    return outcome


# Reporting ---------------------------------------------------------------------------------------

@dataclass
class Row:
    phase: str
    side: str
    round: int
    requests: int
    seconds: float
    rate: float
    p50: float
    p95: float
    p99: float
    ok: int
    bad: int
    lost: int
    cpu_radiusd_ms: float
    cpu_db_ms: float
    cpu_generator_ms: float
    load: str
    note: str = ""


def report(phase: str, side: Side, round_no: int, outcome: Outcome, ok_code: int, cpu: tuple[float, float, float], load_before: str,
           note: str = "") -> Row:
    n = outcome.total or 1
    row = Row(
        phase, side.label, round_no, outcome.total, outcome.seconds, outcome.total / outcome.seconds if outcome.seconds else 0.0,
        statistics.median(outcome.latencies) if outcome.latencies else float("nan"), outcome.quantile(0.95), outcome.quantile(0.99),
        outcome.count(ok_code), sum(outcome.answers.values()) - outcome.count(ok_code), outcome.lost,
        cpu[0] / n * 1000, cpu[1] / n * 1000, cpu[2] / n * 1000, load_before, note,
    )
    print(
        f"  {phase:<16} {side.label:<5} {row.requests:>7,} in {row.seconds:6.2f} s = {row.rate:6.0f}/s  "
        f"p50 {row.p50:7.2f}  p95 {row.p95:7.2f}  p99 {row.p99:7.2f} ms  ok {row.ok:,} bad {row.bad} lost {row.lost}"
        f"{f' resent {outcome.resent}' if outcome.resent else ''}  "
        f"CPU/request radiusd {row.cpu_radiusd_ms:.3f} + PostgreSQL {row.cpu_db_ms:.3f} ms (generator {row.cpu_generator_ms:.3f})  "
        f"load {load_before}{'  ' + note if note else ''}",
        flush=True,
    )
    return row


def radclient(side: Side, lines: list[str], kind: str, parallel: int, work: Path) -> tuple[float, dict]:
    """Cross-check: the same kind of load from radclient -p, requests/s = requests ÷ its wall time."""
    path = work / f"radclient-{side.label}-{kind}.txt"
    path.write_text("\n".join(lines) + "\n")
    port = side.auth_port if kind == "auth" else side.acct_port
    started = time.perf_counter()
    result = subprocess.run(
        [RADCLIENT, "-s", "-q", "-p", str(parallel), "-r", "3", "-t", "3", "-f", str(path), f"127.0.0.1:{port}", kind, SECRET],
        capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    summary = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in result.stdout.splitlines()) if v}
    return len([line for line in lines if line.strip()]) / elapsed, summary


# Phases ------------------------------------------------------------------------------------------

@dataclass
class Options:
    requests: int
    concurrency: int
    auth_rate: float
    acct_rate: float
    rate_seconds: float
    interims: int
    radclient: bool
    reboot_concurrency: int
    base_url: str
    work: Path
    tag: str


def auth_builders(codec: Codec, logins: list[str], count: int, seed: int, hotspot: frozenset, nas: str = MAIN_NAS) -> list:
    rng = random.Random(seed)
    picks = [(rng.randrange(len(logins))) for _ in range(count)]
    return [lambda ident, i=i: codec.access_request(ident, logins[i], BENCH_PPPOE_PASSWORD, nas, i, hotspot=logins[i] in hotspot)
            for i in picks]


def radclient_auth_line(username: str, port: int, hotspot: frozenset) -> str:
    """One Access-Request for radclient's request file, the service as the generator asks it."""
    service = ("Service-Type = Login-User, NAS-Port-Type = Wireless-802.11" if username in hotspot else
               "Service-Type = Framed-User, Framed-Protocol = PPP, NAS-Port-Type = Ethernet")
    return (f'User-Name = "{username}", User-Password = "{BENCH_PPPOE_PASSWORD}", NAS-IP-Address = {MAIN_NAS}, '
            f"NAS-Port = {port}, {service}\n")


def phase_auth(side: Side, opts: Options, round_no: int, previous: str | None = None) -> list[Row]:
    codec, rows = Codec(SECRET), []
    meter = CpuMeter(side, opts.base_url)
    try:
        async def run():
            async with Client(codec, side.auth_port, source=MAIN_NAS, slots=max(opts.concurrency, 1000)) as client:
                await closed_loop(client, auth_builders(codec, side.logins, min(2000, opts.requests), 99, side.hotspot), 50)  # warm-up
                load, before = load_average(), meter.snapshot()
                outcome = await closed_loop(client, auth_builders(codec, side.logins, opts.requests, 42 + round_no, side.hotspot),
                                            opts.concurrency)
                rows.append(report("auth max", side, round_no, outcome, ACCESS_ACCEPT, meter.since(before), load,
                                   f"(concurrency {opts.concurrency})"))
                load, before = load_average(), meter.snapshot()
                count = int(opts.auth_rate * opts.rate_seconds)
                outcome = await open_loop(client, auth_builders(codec, side.logins, count, 7 + round_no, side.hotspot), opts.auth_rate)
                rows.append(report(f"auth @{opts.auth_rate:.0f}/s", side, round_no, outcome, ACCESS_ACCEPT, meter.since(before), load))

        asyncio.run(run())
        if opts.radclient:
            rng = random.Random(1000 + round_no)
            picks = [rng.randrange(len(side.logins)) for _ in range(opts.requests)]
            lines = [radclient_auth_line(side.logins[i], i, side.hotspot) for i in picks]
            load = load_average()
            rate, summary = radclient(side, lines, "auth", opts.concurrency, opts.work)
            print(f"  {'auth radclient':<16} {side.label:<5} {opts.requests:>7,} at {rate:6.0f}/s (radclient -p {opts.concurrency}: "
                  f"accepted {summary.get('Accepted', '?')}, rejected {summary.get('Rejected', '?')}, lost {summary.get('Lost', '?')})  load {load}",
                  flush=True)
            rows.append(Row("auth radclient", side.label, round_no, opts.requests, opts.requests / rate, rate, *(float("nan"),) * 3,
                            int(summary.get("Accepted", 0) or 0), int(summary.get("Rejected", 0) or 0), int(summary.get("Lost", 0) or 0),
                            float("nan"), float("nan"), float("nan"), load))
    finally:
        meter.close()
    return rows


def accounting_on(codec: Codec, side: Side, nas: str) -> tuple[float, bytes | None]:
    """One Accounting-On, waited for up to 30 s a send: closing ~90,000 sessions takes seconds."""
    async def run():
        async with Client(codec, side.acct_port, source=nas, slots=1, timeout=30) as client:
            outcome = Outcome()
            attrs = _ip(NAS_IP_ADDRESS, nas) + _int(EVENT_TIMESTAMP, int(time.time())) + _attr(ACCT_SESSION_ID, b"00000000")
            started = time.perf_counter()
            reply = await client.exchange(lambda ident: codec.accounting_request(ident, ACCOUNTING_ON, attrs), outcome)
            return time.perf_counter() - started, reply
    return asyncio.run(run())


def phase_acct(side: Side, opts: Options, round_no: int, previous: str | None = None) -> list[Row]:
    """Every login of the main NAS starts a session; then Interim-Updates (closed loop, then at a fixed
    rate); then the NAS's Accounting-On closes them all, leaving the server as it was found."""
    codec, rows, logins = Codec(SECRET), [], side.logins
    sessions = [f"{opts.tag}{round_no}{n:07X}" for n in range(len(logins))]
    rng = random.Random(round_no)
    meter = CpuMeter(side, opts.base_url)

    def start(n):
        return lambda ident: codec.accounting_request(ident, START, session_attrs(logins[n], sessions[n], MAIN_NAS, n,
                                                                                  hotspot=logins[n] in side.hotspot))

    def interim(k):
        n = rng.randrange(len(logins))
        return lambda ident: codec.accounting_request(
            ident, INTERIM_UPDATE, session_attrs(logins[n], sessions[n], MAIN_NAS, n, seconds=300 + k, octets=(5 << 30) + k * 1000,
                                                 hotspot=logins[n] in side.hotspot))

    try:
        async def run():
            async with Client(codec, side.acct_port, source=MAIN_NAS, slots=max(opts.concurrency, 1000)) as client:
                print(f"  {'':<16} {side.label:<5} {analyze_accounting(side, opts.base_url, 'before the Starts')}", flush=True)
                load, before = load_average(), meter.snapshot()
                outcome = await closed_loop(client, [start(n) for n in range(len(logins))], opts.concurrency)
                rows.append(report("acct Start", side, round_no, outcome, ACCOUNTING_RESPONSE, meter.since(before), load,
                                   f"(every login of the NAS; concurrency {opts.concurrency})"))
                print(f"  {'':<16} {side.label:<5} {analyze_accounting(side, opts.base_url, 'after the Starts')}", flush=True)
                load, before = load_average(), meter.snapshot()
                outcome = await closed_loop(client, [interim(k) for k in range(opts.interims)], opts.concurrency)
                rows.append(report("interim max", side, round_no, outcome, ACCOUNTING_RESPONSE, meter.since(before), load,
                                   f"(concurrency {opts.concurrency})"))
                load, before = load_average(), meter.snapshot()
                count = int(opts.acct_rate * opts.rate_seconds)
                outcome = await open_loop(client, [interim(opts.interims + k) for k in range(count)], opts.acct_rate)
                rows.append(report(f"interim @{opts.acct_rate:.0f}/s", side, round_no, outcome, ACCOUNTING_RESPONSE, meter.since(before), load))

        asyncio.run(run())
        if opts.radclient:
            lines = []
            for k in range(opts.interims):
                n = rng.randrange(len(logins))
                service = ("Service-Type = Login-User, NAS-Port-Type = Wireless-802.11" if logins[n] in side.hotspot else
                           "Service-Type = Framed-User, Framed-Protocol = PPP, NAS-Port-Type = Ethernet")
                lines.append(
                    f'Acct-Status-Type = Interim-Update, User-Name = "{logins[n]}", Acct-Session-Id = "{sessions[n]}", '
                    f"NAS-IP-Address = {MAIN_NAS}, NAS-Port = {n}, {service}, Framed-IP-Address = 100.64.{(n >> 8) & 255}.{n & 255}, "
                    f"Acct-Session-Time = {900 + k}, Acct-Input-Octets = {k * 1000}, Acct-Output-Octets = {k * 8000}, "
                    f"Event-Timestamp = {int(time.time())}\n"
                )
            load = load_average()
            rate, summary = radclient(side, lines, "acct", opts.concurrency, opts.work)
            print(f"  {'interim radclient':<16} {side.label:<5} {len(lines):>7,} at {rate:6.0f}/s (radclient -p {opts.concurrency}: "
                  f"lost {summary.get('Lost', '?')})  load {load}", flush=True)
            rows.append(Row("interim radclient", side.label, round_no, len(lines), len(lines) / rate, rate, *(float("nan"),) * 3,
                            int(summary.get("Received", 0) or 0), 0, int(summary.get("Lost", 0) or 0),
                            float("nan"), float("nan"), float("nan"), load))
        load = load_average()
        before = meter.snapshot()
        seconds, reply = accounting_on(codec, side, MAIN_NAS)
        cpu = meter.since(before)
        print(f"  {'Accounting-On':<16} {side.label:<5} closed the NAS's {len(logins):,} sessions in {seconds:.2f} s "
              f"({'answered' if reply else 'NO ANSWER'}; CPU radiusd {cpu[0]:.2f} s + PostgreSQL {cpu[1]:.2f} s)  load {load}", flush=True)
        row = Row("Accounting-On", side.label, round_no, 1, seconds, 1 / seconds if seconds else 0.0, *(float("nan"),) * 3,
                  1 if reply else 0, 0, 0 if reply else 1, cpu[0] * 1000, cpu[1] * 1000, cpu[2] * 1000, load,
                  f"{len(logins):,} open sessions")
        rows.append(row)
        if side.label == "ours":
            # Ours answers once the packet is spooled and the reboot's moment recorded (logins count from it
            # at once); the rows are closed by the spool's replay, behind the Interim-Updates it still holds.
            closed = seconds + sessions_closed_after(side, opts.base_url, MAIN_NAS)
            print(f"  {'Accounting-On':<16} {side.label:<5} its sessions' rows all closed by the replay {closed:.2f} s after the "
                  f"Accounting-On was sent (behind the spool's backlog of Interim-Updates)", flush=True)
            rows.append(Row("Accounting-On rows closed", side.label, round_no, 1, closed, 1 / closed if closed else 0.0,
                            *(float("nan"),) * 3, 1, 0, 0, float("nan"), float("nan"), float("nan"), load,
                            "by the replay, after the answer"))
    finally:
        meter.close()
    return rows


def sessions_closed_after(side: Side, base_url: str, nas: str, timeout: float = 600.0) -> float:
    """Seconds from now (the Accounting-On's answer) until no session of the NAS is open in
    radius_radacct: polled every 0.2 s through the open-sessions index."""
    import psycopg
    from _common import bench_database_url

    url = bench_database_url(base_url, side.db_name).replace("postgres://", "postgresql://", 1)
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        router = conn.execute("SELECT id FROM network_router WHERE host = %s", [nas]).fetchone()[0]
        while time.monotonic() - started < timeout:
            if not conn.execute("SELECT EXISTS (SELECT FROM radius_radacct WHERE router_id = %s AND acctstoptime IS NULL)",
                                [router]).fetchone()[0]:
                break
            time.sleep(0.2)
    return time.monotonic() - started


def phase_reboot(side: Side, opts: Options, round_no: int, previous: str | None = None) -> list[Row]:
    """The rebooting NAS has a session open for each of its logins; it sends Accounting-On (close
    them all), then every login dials again at once: Access-Request, and on Access-Accept an
    Accounting-Start. Timed from the Accounting-On to the last Start answered. Right after the
    accounting phase (`previous` "acct") it is reported as "reboot after acct": the server is then
    still writing what that phase left (ours: the spool's replay)."""
    name = "reboot after acct" if previous == "acct" else "reboot"
    codec, rows, logins = Codec(SECRET), [], side.reboot_logins
    # Session ids of their own per phase: the second reboot of a round ("reboot after acct") once reused
    # the first one's, so its Starts met those closed sessions and opened none (both sides alike), and it
    # had nothing to close: not a reboot (27 November; its figures before then are not comparable).
    phase = "R" if previous == "acct" else ""
    before_ids = [f"{opts.tag}{round_no}{phase}B{n:06X}" for n in range(len(logins))]
    after_ids = [f"{opts.tag}{round_no}{phase}A{n:06X}" for n in range(len(logins))]
    meter = CpuMeter(side, opts.base_url)

    def start(n, ids):
        return lambda ident: codec.accounting_request(ident, START, session_attrs(logins[n], ids[n], REBOOT_NAS, n,
                                                                                  hotspot=logins[n] in side.hotspot))

    try:
        async def opened():
            async with Client(codec, side.acct_port, source=REBOOT_NAS, slots=opts.concurrency) as client:
                return await closed_loop(client, [start(n, before_ids) for n in range(len(logins))], opts.concurrency)

        outcome = asyncio.run(opened())
        print(f"  {name + ': before':<16} {side.label:<5} {outcome.count(ACCOUNTING_RESPONSE):,} sessions open on {REBOOT_NAS} "
              f"(lost {outcome.lost})", flush=True)
        print(f"  {'':<16} {side.label:<5} {analyze_accounting(side, opts.base_url, 'once they are open')}", flush=True)

        async def reboot():
            accepted = 0
            async with Client(codec, side.auth_port, source=REBOOT_NAS, slots=opts.reboot_concurrency) as auth, \
                    Client(codec, side.acct_port, source=REBOOT_NAS, slots=opts.reboot_concurrency) as acct:
                loop = asyncio.get_running_loop()
                on_outcome, auth_outcome, start_outcome = Outcome(), Outcome(), Outcome()
                started = loop.time()
                attrs = _ip(NAS_IP_ADDRESS, REBOOT_NAS) + _int(EVENT_TIMESTAMP, int(time.time())) + _attr(ACCT_SESSION_ID, b"00000000")
                await acct.exchange(lambda ident: codec.accounting_request(ident, ACCOUNTING_ON, attrs), on_outcome)
                on_seconds = loop.time() - started

                async def dial(n):
                    nonlocal accepted
                    reply = await auth.exchange(
                        lambda ident: codec.access_request(ident, logins[n], BENCH_PPPOE_PASSWORD, REBOOT_NAS, n,
                                                           hotspot=logins[n] in side.hotspot), auth_outcome)
                    if reply is not None and reply[0] == ACCESS_ACCEPT:
                        accepted += 1
                        await acct.exchange(start(n, after_ids), start_outcome)

                await asyncio.gather(*(dial(n) for n in range(len(logins))))
                total = loop.time() - started
                auth_outcome.seconds = total
                return on_seconds, total, auth_outcome, start_outcome, accepted

        load, before, drops = load_average(), meter.snapshot(), udp_receive_drops()
        on_seconds, total, auth_outcome, start_outcome, accepted = asyncio.run(reboot())
        cpu, drops = meter.since(before), udp_receive_drops() - drops
        row = report(name, side, round_no, auth_outcome, ACCESS_ACCEPT, cpu, load,
                     f"(Accounting-On {on_seconds:.2f} s; {accepted:,}/{len(logins):,} accepted, "
                     f"{start_outcome.count(ACCOUNTING_RESPONSE):,} Starts answered, lost {start_outcome.lost}; "
                     f"all in {total:.2f} s; p50/p95 are the Access-Requests'; UDP receive-buffer drops {drops:,})")
        row.seconds = total
        rows.append(row)
        seconds, reply = accounting_on(codec, side, REBOOT_NAS)  # leave nothing open for the next round
    finally:
        meter.close()
    return rows


PHASES = {"auth": phase_auth, "acct": phase_acct, "reboot": phase_reboot}


TIMED = ("reboot", "reboot after acct", "Accounting-On", "Accounting-On rows closed")  # compared by seconds (lower is better), the rest by rate


def _median(values):
    values = [v for v in values if v == v]  # NaN left out
    return statistics.median(values) if values else float("nan")


def summarise(rows: list[Row], *, auth_rate: float) -> None:
    """Medians over the rounds per phase and side, and issue 52 item 4's targets against them."""
    print("\nSummary (median over rounds; ours / stock is the ratio of the medians; accepted/refused/lost summed):", flush=True)
    phases = []
    for row in rows:
        if row.phase not in phases:
            phases.append(row.phase)
    medians: dict[tuple[str, str], dict] = {}
    for phase in phases:
        for label in ("ours", "stock"):
            mine = [r for r in rows if r.phase == phase and r.side == label]
            if mine:
                medians[phase, label] = {
                    "value": _median([r.seconds if phase in TIMED else r.rate for r in mine]),
                    "each": [r.seconds if phase in TIMED else r.rate for r in mine],
                    "p95": _median([r.p95 for r in mine]),
                    "cpu": _median([r.cpu_radiusd_ms + r.cpu_db_ms for r in mine]),
                    "counts": (sum(r.ok for r in mine), sum(r.bad for r in mine), sum(r.lost for r in mine)),
                }
        if (phase, "ours") not in medians or (phase, "stock") not in medians:
            continue
        ours, stock = medians[phase, "ours"], medians[phase, "stock"]
        unit, fmt = (" s", "{:.2f}") if phase in TIMED else ("/s", "{:.0f}")
        p95 = "" if phase in TIMED or phase.endswith("radclient") or phase == "Accounting-On" else \
            f"  p95 ours {ours['p95']:.1f} ms, stock {stock['p95']:.1f} ms"
        cpu = "" if phase.endswith("radclient") else f"  CPU ms/request ours {ours['cpu']:.3f}, stock {stock['cpu']:.3f}"
        if phase == "Accounting-On":
            cpu = f"  CPU s ours {ours['cpu'] / 1000:.2f}, stock {stock['cpu'] / 1000:.2f}"
        each = {k: ", ".join(fmt.format(v) for v in m["each"]) for k, m in (("ours", ours), ("stock", stock))}
        counts = {k: "accepted/refused/lost {:,}/{:,}/{:,}".format(*m["counts"]) for k, m in (("ours", ours), ("stock", stock))}
        print(f"  {phase:<18} ours {fmt.format(ours['value'])}{unit} ({each['ours']}; {counts['ours']})  "
              f"stock {fmt.format(stock['value'])}{unit} ({each['stock']}; {counts['stock']})  "
              f"ours/stock {ours['value'] / stock['value'] * 100:.0f} %{p95}{cpu}", flush=True)

    def get(phase, label, key):
        return medians.get((phase, label), {}).get(key)

    checks = []
    if get("auth radclient", "ours", "value") is not None and get("auth radclient", "stock", "value") is not None:
        ours, stock = get("auth radclient", "ours", "value"), get("auth radclient", "stock", "value")
        checks.append((f"throughput (radclient -p 200) >= stock: {ours:.0f} vs {stock:.0f}/s", ours >= stock))
    if get("auth max", "ours", "value") is not None and get("auth max", "stock", "value") is not None:
        ours, stock = get("auth max", "ours", "value"), get("auth max", "stock", "value")
        checks.append((f"throughput (generator, 200 outstanding) >= stock: {ours:.0f} vs {stock:.0f}/s", ours >= stock))
        ours, stock = get("auth max", "ours", "cpu"), get("auth max", "stock", "cpu")
        checks.append((f"CPU per Access-Request <= stock: {ours:.3f} vs {stock:.3f} ms", ours <= stock))
    fixed = f"auth @{auth_rate:.0f}/s"
    if get(fixed, "ours", "p95") is not None:
        ours = get(fixed, "ours", "p95")
        checks.append((f"p95 at {auth_rate:.0f}/s <= 20 ms: {ours:.1f} ms (stock {get(fixed, 'stock', 'p95') or float('nan'):.1f})", ours <= 20))
    for phase in ("reboot", "reboot after acct"):
        mine = [r for r in rows if r.phase == phase and r.side == "ours"]
        if mine:
            worst = max(r.seconds for r in mine)
            every = all(r.ok == r.requests for r in mine)
            checks.append((f"{phase}: every login accepted in <= 10 s: slowest round {worst:.2f} s, "
                           f"accepted {', '.join(f'{r.ok:,}/{r.requests:,}' for r in mine)}", every and worst <= 10))
    if get("Accounting-On", "ours", "value") is not None and get("Accounting-On", "stock", "value") is not None:
        ours, stock = get("Accounting-On", "ours", "value"), get("Accounting-On", "stock", "value")
        closed = [r.seconds for r in rows if r.phase == "Accounting-On rows closed" and r.side == "ours"]
        after = (f"; ours' rows closed by the replay {_median(closed):.2f} s after it was sent "
                 f"({', '.join(f'{v:.2f}' for v in closed)}), stock's when it answers") if closed else ""
        checks.append((f"Accounting-On answered no slower than stock: {ours:.2f} vs {stock:.2f} s{after}", ours <= stock))
    if checks:
        print("\nIssue 52 item 4 on this run:", flush=True)
        for text, ok in checks:
            print(f"  [{'met' if ok else 'NOT met'}] {text}", flush=True)


def drain_spools(side: Side, timeout: float = 600.0) -> str:
    """Wait, outside any measured window, until ours has replayed its spools into PostgreSQL. Stopped
    with a backlog (the accounting phase's Interim-Updates are answered faster than they are written),
    the next round's server replayed it during that round's authentication: 27 November, round 2's
    p95 at 1,500/s was 11.9 ms at 1.24 ms of CPU per request instead of 2.6 ms at 0.68."""
    from radius.config import spool_pending

    started = time.monotonic()
    while spool_pending(side.directory) and time.monotonic() - started < timeout:
        time.sleep(0.5)
    left = spool_pending(side.directory)
    return (f"spools replayed {time.monotonic() - started:.1f} s after the round's last phase" if not left
            else f"{len(left)} spool files still not replayed after {timeout:.0f} s")


def analyze_accounting(side: Side, base_url: str, when: str) -> str:
    """ANALYZE the accounting table, outside any measured window, whenever a phase has changed what it
    holds (sessions opened, then the Starts in): what autovacuum, off on this machine, does on a busy
    table. Left with the statistics of the round's start, taken after the previous round's Accounting-On
    had closed every session, the planner believes there are no open sessions and plans a look-up by
    session id (`acctuniqueid = … AND acctstoptime IS NULL`) on the partial index of open sessions,
    reading all of them at every packet: on 27 November stock's Interim-Updates fell to 120/s at
    15.8 ms of PostgreSQL CPU each (radacct_bulk_close) from the second round. Ours' Starts fell the
    same way (radacct_open_login_idx) until queries.conf stopped matching that index; the ANALYZEs stay
    so both sides are treated alike."""
    import psycopg
    from _common import bench_database_url

    table = "radius_radacct" if side.label == "ours" else "radacct"
    url = bench_database_url(base_url, side.db_name).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute(f"ANALYZE {table}")
        seconds = time.perf_counter() - started
        open_rows = conn.execute(f"SELECT count(*) FROM {table} WHERE acctstoptime IS NULL").fetchone()[0]
    return f"ANALYZE {table} {when} ({open_rows:,} sessions open) in {seconds:.1f} s, as autovacuum would"


def table_state(side: Side, base_url: str) -> str:
    """VACUUM (ANALYZE) the tables a side reads and writes (autovacuum is off on this machine's
    PostgreSQL: without it every round would start on the dead rows of the one before), CHECKPOINT, and
    say what they then hold."""
    import psycopg
    from _common import bench_database_url

    tables = (("radius_radacct", "radius_postauth", "radius_login_state", "customers_subscription", "customers_package",
               "network_router", "network_fupstate", "radius_packageradius", "billing_billingsettings")
              if side.label == "ours" else ("radacct", "radpostauth", "radcheck", "radreply", "radusergroup"))
    url = bench_database_url(base_url, side.db_name).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        present = [t for t in tables if conn.execute("SELECT to_regclass(%s)", [t]).fetchone()[0]]
        started = time.perf_counter()
        for table in present:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        # And a checkpoint, so neither side's round runs beside one the other side's writes started (the
        # accounting phase dirties hundreds of MB): its page writes and the first-change full-page images
        # in the WAL landed on whichever side came next (27 November: CPU per request 0.36–0.54 ms for
        # the same side between rounds, in both sides' turns).
        conn.execute("CHECKPOINT")
        seconds = time.perf_counter() - started
        state = conn.execute(
            "SELECT relname, n_live_tup, n_dead_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s) ORDER BY relname", [present[:2]]).fetchall()
    return (f"VACUUM (ANALYZE) of {len(present)} tables and a CHECKPOINT in {seconds:.1f} s; then "
            + ", ".join(f"{name} {live:,} live / {dead:,} dead rows, {size / 2**20:.0f} MB" for name, live, dead, size in state))


def main(default_phases: str, description: str) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--phases", default=default_phases,
                        help="comma-separated, run in this order: auth, acct, reboot (a reboot right after acct is "
                             "reported as 'reboot after acct'; e.g. auth,reboot,acct,reboot)")
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20_000, help="Access-Requests in the closed-loop and radclient runs")
    parser.add_argument("--concurrency", type=int, default=200, help="outstanding requests in closed loop (radclient -p)")
    parser.add_argument("--auth-rate", type=float, default=1500, help="Access-Requests/s of the fixed-rate run")
    parser.add_argument("--acct-rate", type=float, default=3000, help="Interim-Updates/s of the fixed-rate run")
    parser.add_argument("--rate-seconds", type=float, default=10, help="length of each fixed-rate run")
    parser.add_argument("--interims", type=int, default=30_000, help="Interim-Updates in the closed-loop and radclient runs")
    parser.add_argument("--reboot-sessions", type=int, default=5_000)
    parser.add_argument("--reboot-concurrency", type=int, default=5_000, help="outstanding requests of the rebooting NAS (default: all at once)")
    parser.add_argument("--threads", type=int, default=32, help="FreeRADIUS worker threads, both servers")
    parser.add_argument("--db-pool", type=int, default=0, help="ours: database connections (default threads/2, up to twice that)")
    parser.add_argument("--rounds", type=int, default=3, help="ours then stock, then stock then ours, ... (medians reported)")
    parser.add_argument("--only", choices=("ours", "stock"), help="measure one side only")
    parser.add_argument("--no-radclient", action="store_true", help="skip the radclient cross-check")
    parser.add_argument("--keep", action="store_true", help="keep the configuration directories (printed)")
    parser.add_argument("--reload", action="store_true", help="load the customers again even if the count matches")
    args = parser.parse_args()
    if not FREERADIUS or not RADCLIENT:
        sys.exit("needs freeradius and radclient: apt-get install freeradius freeradius-postgresql freeradius-utils")
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if unknown := set(phases) - set(PHASES):
        sys.exit(f"unknown phases: {', '.join(sorted(unknown))}")
    base_url = os.environ.get("DATABASE_URL", "")
    setup_django(DB_NAME)
    from _common import load_customers

    if args.reload or loaded_size() != args.subscribers:
        print(f"Loading {args.subscribers:,} customers into {DB_NAME}", flush=True)
        load_customers(args.subscribers)
    work = Path(tempfile.mkdtemp(prefix="bench-radius-"))
    rows: list[Row] = []
    try:
        started = time.perf_counter()
        ours = prepare_ours(threads=args.threads, db_pool=args.db_pool or max(1, args.threads // 2), directory=work / "ours",
                            reboot_sessions=args.reboot_sessions)
        stock = prepare_stock(base_url=base_url, ours=ours, threads=args.threads, directory=work / "stock")
        print(f"Prepared {len(ours.logins) + len(ours.reboot_logins):,} active logins on both sides "
              f"({len(ours.reboot_logins):,} on the rebooting NAS) in {time.perf_counter() - started:.1f} s; "
              f"{args.threads} threads each; load average {load_average()} ({os.cpu_count()} CPUs)", flush=True)
        opts = Options(args.requests, args.concurrency, args.auth_rate, args.acct_rate, args.rate_seconds, args.interims,
                       not args.no_radclient, args.reboot_concurrency, base_url, work, f"{int(time.time()) % 100000:05d}")
        for round_no in range(1, args.rounds + 1):
            order = [ours, stock] if round_no % 2 else [stock, ours]
            for side in order:
                if args.only and side.label != args.only:
                    continue
                print(f"Round {round_no}, {side.label}: {table_state(side, base_url)}; load {load_average()}", flush=True)
                start_server(side)
                try:
                    previous = None
                    for phase in phases:
                        rows += PHASES[phase](side, opts, round_no, previous)
                        previous = phase
                    if side.label == "ours":
                        print(f"  {'':<16} {side.label:<5} {drain_spools(side)}", flush=True)
                finally:
                    stop_server(side)
        summarise(rows, auth_rate=args.auth_rate)
    finally:
        if args.keep:
            print(f"Configuration directories kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
