"""The real FreeRADIUS 3.2 against the test database, and a NAS (pyrad) that talks to it.

`freeradius` (a factory fixture): writes our configuration (radius_config's code) into tmp, with
free loopback ports and the routers that exist when it is called, makes FreeRADIUS's role with a
fresh password, starts `freeradius -f -d DIR`, waits for "Ready to process requests", and stops it
at the end. The tests run with committed data (`transactional_db`): FreeRADIUS has its own
connections and sees only what is committed. Skipped, with the reason, when the database is not
PostgreSQL or the binary is absent; CI has both.
"""

import random
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

from ispbill.core.statements import on_postgresql
from radius.accepts import AcceptLoader, accepts_pending
from radius.config import Options, config_write, spool_pending
from radius.serve import FreeRadiusFailed, Supervisor
from radius.sql import role_ensure

DICTIONARY = Path(__file__).with_name("dictionary")
FREERADIUS = shutil.which("freeradius") or shutil.which("radiusd")
T = TypeVar("T")


def free_udp_port(*taken: int) -> int:
    """A loopback UDP port free now, below Linux's ephemeral range (32768 up): a port the kernel picked for
    us from that range was also handed to another worker's client socket (pyrad, radclient) before
    FreeRADIUS bound it ("Address already in use", with three xdist workers on 27 Nov); a client socket is
    never given one of these. Free on every address: the supervisor's FreeRADIUS listens on all of them, and
    simulated routers bind loopback addresses of their own."""
    for port in random.sample(range(20_000, 32_000), 200):
        if port in taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free loopback UDP port between 20000 and 32000")


PORT_TAKEN = "Address already in use"


def started_on_free_ports(start: Callable[[int, int], T]) -> T:
    """`start(auth_port, acct_port)` on two free ports, and again on two others if FreeRADIUS finds one
    taken: a port that was free when picked can be bound by another process of the run before FreeRADIUS
    binds it (a `make test-slow` run on 28 Nov failed so, with three workers each driving Chromium,
    routers and RADIUS clients)."""
    for _retry in range(4):
        auth_port = free_udp_port()
        try:
            return start(auth_port, free_udp_port(auth_port))
        except (AssertionError, FreeRadiusFailed) as failure:
            if PORT_TAKEN not in str(failure):
                raise
    auth_port = free_udp_port()
    return start(auth_port, free_udp_port(auth_port))


@dataclass
class RadiusServer:
    auth_port: int
    acct_port: int
    directory: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)
    # radius_serve's accept loader beside it (radius/accepts.py), as in production: started with the
    # server object, stopped by stop_accept_loader() (the fixtures call it).
    accept_loader: AcceptLoader | None = None

    def __post_init__(self) -> None:
        self.accept_loader = AcceptLoader(self.directory, write=self.output.append, every=0.05)
        self._accepts_stop = threading.Event()
        self._accepts = threading.Thread(target=self.accept_loader.run, args=(self._accepts_stop,), daemon=True)
        self._accepts.start()

    def stop_accept_loader(self) -> None:
        self._accepts_stop.set()
        self._accepts.join(20)

    def log(self) -> str:
        return "".join(self.output[-80:])

    def spool_drained(self, *, timeout: float = 10.0) -> bool:
        return spool_drained(self.directory, timeout=timeout)


def spool_drained(directory: Path, *, timeout: float = 10.0) -> bool:
    """Wait until the replay server has written every spooled accounting packet to PostgreSQL (the
    spool files are deleted once written); False if they are still there after `timeout` seconds.
    FreeRADIUS answers accounting once it is spooled: a test reading radius_radacct (or what the
    replay wrote: a card's session and usage) after a packet waits for this, as production reads the
    row a moment after the answer."""
    deadline = time.monotonic() + timeout
    while spool_pending(directory):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def accounting_written(sim, server) -> bool:
    """The simulated router has sent every accounting packet it queued (and had them answered), and
    FreeRADIUS (a RadiusServer or radius_serve's Supervisor) has written them all to PostgreSQL."""
    return sim.flush_accounting() and spool_drained(server.directory)


def _start(directory: Path, flags: tuple[str, ...] = ("-f",)) -> tuple[subprocess.Popen, list[str]]:
    """`freeradius <flags> -d DIR` (flags keep it in the foreground: -f, or -X), once it is ready."""
    process = subprocess.Popen([FREERADIUS, *flags, "-d", str(directory)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    ready = threading.Event()

    def read():
        for line in process.stdout:
            output.append(line)
            if "Ready to process requests" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 20
    while not ready.is_set() and process.poll() is None and time.monotonic() < deadline:
        ready.wait(0.05)
    if not ready.is_set():
        process.kill()
        process.wait(5)
        raise AssertionError("FreeRADIUS did not start:\n" + "".join(output[-60:]))
    return process, output


@pytest.fixture
def freeradius(transactional_db, tmp_path, settings):
    if not on_postgresql():
        pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
    if not FREERADIUS:
        pytest.skip("the freeradius binary is not installed (apt-get install freeradius freeradius-postgresql freeradius-utils)")
    settings.RADIUS_DB_PASSWORD = secrets.token_urlsafe(18)
    role_ensure(role=settings.RADIUS_DB_USER, password=settings.RADIUS_DB_PASSWORD)
    servers: list[RadiusServer] = []

    def start(*, interim_interval: int = 300, flags: tuple[str, ...] = ("-f",), **more) -> RadiusServer:
        directory = tmp_path / f"raddb-{len(servers)}"

        def on_ports(auth_port: int, acct_port: int) -> tuple[Options, subprocess.Popen, list[str]]:
            options = Options(
                auth_port=auth_port, acct_port=acct_port, listen="127.0.0.1", threads=4, db_pool=2,
                interim_interval=interim_interval, log_destination="stdout", **more,
            )
            config_write(directory, options)
            return options, *_start(directory, flags)

        options, process, output = started_on_free_ports(on_ports)
        server = RadiusServer(options.auth_port, options.acct_port, directory, process, output)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(5)
        server.stop_accept_loader()


@pytest.fixture
def radius_supervisor(transactional_db, tmp_path, settings):
    """`manage.py radius_serve`'s supervisor (radius/serve.py) in a thread: `start()` makes the role,
    writes the directory, starts FreeRADIUS on free ports and follows the routers table until the
    test ends (or `start.stop(server)`). `start.lines` is what it printed. A second instance, as a
    site's second server runs it: `start(directory="raddb-2", db_user="…")`, its own directory, ports
    and role."""
    if not on_postgresql():
        pytest.skip("RADIUS needs PostgreSQL: set DATABASE_URL to a PostgreSQL database (CI does)")
    if not FREERADIUS:
        pytest.skip("the freeradius binary is not installed (apt-get install freeradius freeradius-postgresql freeradius-utils)")
    settings.RADIUS_DB_PASSWORD = ""  # radius_serve makes one for the run
    lines: list[str] = []
    running: list[tuple[Supervisor, threading.Event, threading.Thread]] = []

    def start(*, check_every: float = 600.0, directory: str = "raddb", db_user: str = "") -> Supervisor:
        if db_user:
            # Read by prepare() (the role and the directory) only; a password of its own, as
            # radius_serve makes one for each start when RADIUS_DB_PASSWORD is empty.
            settings.RADIUS_DB_USER, settings.RADIUS_DB_PASSWORD = db_user, ""

        def on_ports(auth_port: int, acct_port: int) -> Supervisor:
            server = Supervisor(
                tmp_path / directory,
                Options(auth_port=auth_port, acct_port=acct_port, listen="*", threads=4, db_pool=2, log_destination="stdout"),
                write=lines.append,
            )
            server.prepare()
            server.start()
            return server

        server = started_on_free_ports(on_ports)
        stop = threading.Event()
        thread = threading.Thread(target=server.serve, args=(stop,), kwargs={"check_every": check_every}, daemon=True)
        thread.start()
        running.append((server, stop, thread))
        return server

    def stop(server: Supervisor) -> None:
        """Stop one instance and its FreeRADIUS (a server the site loses)."""
        for running_server, event, thread in running:
            if running_server is server:
                event.set()
                thread.join(20)
                server.stop()

    start.lines = lines
    start.stop = stop
    yield start
    for server, stop_event, thread in running:
        stop_event.set()
        thread.join(20)
        server.stop()


class Nas:
    """A router as FreeRADIUS's client: sends Access-Requests and accounting from its own loopback
    address (each router is a client by its address)."""

    def __init__(self, server: RadiusServer, *, secret: str, address: str = "127.0.0.1"):
        self.server = server
        self.address = address
        self.client = Client(
            server="127.0.0.1", authport=server.auth_port, acctport=server.acct_port, secret=secret.encode(),
            dict=Dictionary(str(DICTIONARY)), retries=2, timeout=3,
        )
        self.client.bind((address, 0))

    def login(self, username: str, password: str, *, mac: str = "AA:BB:CC:00:00:01", message_authenticator: bool = True,
              wait_loaded: bool = True):
        """A PPP login by PAP, signed with Message-Authenticator as RouterOS 7.15+ signs it (unless told not to);
        an Access-Accept once its record is loaded (`recorded`), unless `wait_loaded` is False."""
        # pyrad signs by default (message_authenticator=True); False sends it as an old RouterOS would.
        request = self.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username, message_authenticator=message_authenticator)
        request["User-Password"] = request.PwCrypt(password)
        request["NAS-IP-Address"] = self.address
        request["Calling-Station-Id"] = mac
        request["Service-Type"] = "Framed-User"
        request["Framed-Protocol"] = "PPP"
        reply = self.client.SendPacket(request)
        return recorded(self.server, reply) if wait_loaded else reply

    def accounting(self, status: str, *, username: str = "", session_id: str = "", written: bool = True, **attributes):
        """Send one accounting packet and check it is answered. FreeRADIUS answers once the packet is
        in its spool; with `written` (the default) this also waits until the replay has written it to
        PostgreSQL, so the test reads the row as the packet left it."""
        request = self.client.CreateAcctPacket(User_Name=username) if username else self.client.CreateAcctPacket()
        request["Acct-Status-Type"] = status
        request["NAS-IP-Address"] = self.address
        if session_id:
            request["Acct-Session-Id"] = session_id
        for name, value in attributes.items():
            request[name.replace("_", "-")] = value
        reply = self.client.SendPacket(request)
        assert reply.code == packet.AccountingResponse
        if written:
            assert self.server.spool_drained(), "the spooled accounting was not written to PostgreSQL:\n" + self.server.log()
        return reply


def recorded(server, reply):
    """`reply`, once its answer is in radius_postauth: a refusal is written before it is sent, an
    Access-Accept to a router is loaded from the accepts file a moment after (radius/accepts.py), as a
    page reads it a moment after the login. Not waited for while the loader cannot reach the database
    (the line waits in the file), nor for a server whose accepts another process loads (radius_serve)."""
    loader = getattr(server, "accept_loader", None)
    if reply.code != packet.AccessAccept or loader is None:
        return reply
    deadline = time.monotonic() + 10
    while accepts_pending(server.directory) and not loader.failing:
        assert time.monotonic() < deadline, "the accept was not loaded into radius_postauth:\n" + server.log()
        time.sleep(0.02)
    return reply


def accepted(reply) -> bool:
    return reply.code == packet.AccessAccept


def attribute(reply, name: str):
    values = reply.get(name) if name in reply else None
    return values[0] if values else None
