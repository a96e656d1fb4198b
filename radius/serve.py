"""FreeRADIUS run by ispbill: `manage.py radius_serve` (Procfile.dev's `radius` process, the compose
`radius` service). It makes FreeRADIUS's database role, writes the configuration directory
(radius.config), runs `freeradius -f -d DIR` as its child and keeps the NAS list in step with the
routers table:

- migration radius/0006 makes PostgreSQL NOTIFY `radius_clients` when a router's row changes in a way
  clients.conf may show (added, removed, address, secret, AAA mode, active); this process LISTENs, writes
  clients.conf again and, only when its text changed, restarts FreeRADIUS (a second or so: the routers
  send a request again when it goes unanswered, RouterOS after its `timeout`);
- every `check_every` seconds it compares anyway, so a notification lost while the listening
  connection was down is caught up.

Why a restart and not `kill -HUP`: FreeRADIUS 3.2 re-reads its modules on HUP but never clients.conf
(checked against 3.2.1: a client added to the file is not answered after a HUP; tests/radius/test_serve.py),
and radmin's `add client file` cannot change or remove a client it did not add itself.

Beside it, a thread loads the Access-Accepts FreeRADIUS writes to its accepts file into radius_postauth
in batches (radius/accepts.py), and loads what is left once FreeRADIUS has stopped.

It also reads FreeRADIUS's output for a router with the wrong shared secret (issue #51, item 7): with
Message-Authenticator required, such a router's Access-Requests fail their signature and FreeRADIUS
drops them before our SQL runs, logging (at the default level, at most one line a second)
"Dropping packet without response because of error: Received packet from ADDRESS with invalid
Message-Authenticator!  (Shared secret is incorrect.) (from client SHORTNAME)". BadSecretWatch records
them against the router (radius.models.BadSecretDrop), at most one write per router per minute.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from network.models import Router

from .accepts import AcceptLoader
from .config import PASSFILE, Options, _write_private, clients_conf, config_write, radius_routers
from .sql import RadiusUnsupported, clients_listen, radius_supported, role_ensure

READY_LINE = "Ready to process requests"
START_SECONDS = 30
RESTART_AFTER_CRASH_SECONDS = 5


# FreeRADIUS 3.2 (src/main/process.c, rad_verify's message): the shortname is the router's id
# (radius.config.clients_conf); 0 is ispbill's own probe client.
INVALID_AUTHENTICATOR = re.compile(
    r"Received packet from (?P<address>[0-9A-Fa-f.:]+) with invalid Message-Authenticator!"
    r"(?:.*\(from client (?P<client>[^\s)]+)\))?"
)
BAD_SECRET_WRITE_EVERY = 60.0

# FreeRADIUS 3.2 logs this for each detail reader (our two spools) every time it exits on SIGTERM, so at
# every restart radius_serve makes. Its own shutdown order: the listener's destructor (src/main/listen.c,
# _listener_free) closes the listener's descriptor, which for a detail reader is the pipe its reader thread
# answers on (src/main/detail.c: this->fd = master_pipe[0]), and only then calls detail_free, which reads
# that pipe to wait for the thread: EBADF. Still so in FreeRADIUS's v3.2.x branch. Harmless for the
# spools: the process exits with the thread; a packet the reader had handed over but not yet marked done
# (`track = yes`) is read again after the start and written again, which every replay query takes as a
# no-op (docs/radius.md, "When the database is away"). Printed as that explanation, not as an error.
READER_EXIT = re.compile(r"detail \((?P<spool>[^)]*)\): Reader thread exited without informing the master: Bad file descriptor")


class BadSecretWatch:
    """FreeRADIUS's "invalid Message-Authenticator" lines, counted per router and written through
    radius.services.bad_secret_drops_record: the first at once, then at most once a minute per
    router (a flood of forged or mis-signed packets costs the database one write a minute)."""

    def __init__(self, *, write: Callable[[str], None] = print, every: float = BAD_SECRET_WRITE_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.write = write
        self.every = every
        self.clock = clock
        self.pending: dict[tuple[str, str], int] = {}
        self.written: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def line(self, text: str) -> bool:
        """One line of FreeRADIUS's output; True when it was a dropped wrong-secret request."""
        match = INVALID_AUTHENTICATOR.search(text)
        if not match:
            return False
        client = match["client"] or ""
        if client == "0":  # ispbill's own probe: no router to blame
            return True
        key = ("router", client) if client.isdigit() else ("address", match["address"])
        with self._lock:
            self.pending[key] = self.pending.get(key, 0) + 1
        self.flush()
        return True

    def flush(self, *, at: datetime | None = None) -> int:
        """Write the counts whose router was last written a minute ago or more. Returns the writes."""
        now = self.clock()
        with self._lock:
            due = [(key, count) for key, count in self.pending.items()
                   if count and now - self.written.get(key, float("-inf")) >= self.every]
            for key, _count in due:
                self.written[key] = now
                del self.pending[key]
        if not due:
            return 0
        from . import services

        close_old_connections()
        try:
            for (kind, value), count in due:
                router_id = int(value) if kind == "router" else self._router_at(value)
                if router_id is None:
                    continue
                services.bad_secret_drops_record(router_id=router_id, drops=count, at=at or timezone.now())
                self.write(f"RADIUS: router {router_id} ({kind} {value}) sent {count} request(s) with an invalid"
                           " Message-Authenticator: a wrong shared secret on the router?")
        except Exception as error:  # the database went away: these counts are lost, the next ones are not
            self.write(f"RADIUS: could not record a wrong shared secret ({error})")
        finally:
            connection.close()
        return len(due)

    @staticmethod
    def _router_at(address: str) -> int | None:
        return (Router.objects.filter(host=address, aaa_mode=Router.AaaMode.RADIUS, is_active=True)
                .order_by("pk").values_list("pk", flat=True).first())


def freeradius_binary() -> str | None:
    return shutil.which("freeradius") or shutil.which("radiusd")


def unavailable_reason() -> str | None:
    """Why ispbill cannot run FreeRADIUS here, in one line (None: it can)."""
    if not radius_supported():
        return "RADIUS needs PostgreSQL (make run without DATABASE_URL starts its own); on SQLite the routers stay in API mode"
    if not freeradius_binary():
        return (
            "freeradius is not installed (apt-get install freeradius freeradius-postgresql freeradius-utils);"
            " the routers stay in API mode"
        )
    return None


def _clients(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


class FreeRadiusFailed(Exception):
    pass


class Supervisor:
    """One FreeRADIUS child on a generated directory, restarted when the routers' clients change."""

    def __init__(self, directory: Path, options: Options, *, write: Callable[[str], None] = print) -> None:
        self.directory = Path(directory).resolve()
        self.options = options
        self.write = write
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []
        self.restarts = 0
        self._ready = threading.Event()
        self.bad_secrets = BadSecretWatch(write=write)

    # -- configuration ---------------------------------------------------------------------------

    def prepare(self) -> int:
        """The role (with a password made for this run unless RADIUS_DB_PASSWORD is set) and the
        whole directory. Returns the number of routers written as clients.

        When the database does not answer (the primary stopped, restarting, failing over) and a
        directory written by an earlier start is there, FreeRADIUS is started on that one as it is:
        its pgpass still has the password the role has (nothing was changed), it answers logins from
        the replica when one is configured and spools accounting, and the routers are followed again
        once the database is back (the periodic check rewrites clients.conf)."""
        password = settings.RADIUS_DB_PASSWORD or secrets.token_urlsafe(24)
        try:
            role_ensure(role=settings.RADIUS_DB_USER, password=password)
        except DatabaseError as error:
            if not self._written_before():
                raise
            self.write(f"RADIUS: the database did not answer ({str(error).strip()}); starting FreeRADIUS on the"
                       f" configuration written before in {self.directory}")
            text = (self.directory / "clients.conf").read_text()
            return sum(1 for line in text.splitlines() if line.startswith("client router"))
        # Only FreeRADIUS needs it, and it reads it from the directory written next.
        settings.RADIUS_DB_PASSWORD = password
        return len(config_write(self.directory, self.options))

    def _written_before(self) -> bool:
        return all((self.directory / name).is_file() for name in ("radiusd.conf", "clients.conf", str(PASSFILE)))

    def clients_changed(self) -> bool:
        """Write clients.conf from the routers table; True when its text is not what FreeRADIUS read."""
        close_old_connections()
        try:
            text = clients_conf(radius_routers())
        finally:
            connection.close()  # a long-lived process: no connection left idle between checks
        path = self.directory / "clients.conf"
        try:
            old = path.read_text()
        except FileNotFoundError:
            old = None
        if old == text:
            return False
        _write_private(path, text)
        # A renamed router changes only a comment: the file is brought up to date, FreeRADIUS left alone.
        return old is None or _clients(old) != _clients(text)

    # -- the child -------------------------------------------------------------------------------

    def start(self) -> None:
        self._ready.clear()
        process = subprocess.Popen(
            [freeradius_binary(), "-f", "-d", str(self.directory)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self.process = process
        threading.Thread(target=self._read, args=(process,), daemon=True, name="freeradius-output").start()
        deadline = time.monotonic() + START_SECONDS
        while not self._ready.is_set() and process.poll() is None and time.monotonic() < deadline:
            self._ready.wait(0.05)
        if not self._ready.is_set():
            self.stop()
            raise FreeRadiusFailed("FreeRADIUS did not start:\n" + "".join(self.output[-40:]))

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.output.append(line)
            del self.output[:-200]
            if READY_LINE in line:
                self._ready.set()
            self.bad_secrets.line(line)
            if match := READER_EXIT.search(line):
                line = (f"FreeRADIUS exited; its spool reader for {match['spool']} stopped with it (FreeRADIUS 3.2 says "
                        "\"Reader thread exited without informing the master: Bad file descriptor\" at every exit: its own "
                        "shutdown order, nothing lost; a packet not yet marked done is replayed again, as a no-op)\n")
            self.write(line.rstrip("\n"))

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def restart(self, why: str) -> None:
        self.write(f"Restarting FreeRADIUS: {why}")
        self.stop()
        self.start()
        self.restarts += 1

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # -- the loop --------------------------------------------------------------------------------

    def serve(self, stop: threading.Event, *, check_every: float = 60.0) -> None:
        """Until `stop`: restart FreeRADIUS when the clients change (NOTIFY, or the periodic check) or
        when it died."""
        listener = None
        next_check = time.monotonic() + check_every
        accepts_stop = threading.Event()
        accepts = threading.Thread(
            target=AcceptLoader(self.directory, write=self.write).run, args=(accepts_stop,), daemon=True, name="radius-accepts",
        )
        accepts.start()
        try:
            while not stop.is_set():
                if listener is None:
                    listener = self._listen()
                    if listener is not None:
                        next_check = 0  # notifications may have been missed while not listening
                notified = False
                if listener is not None:
                    try:
                        notified = any(True for _ in listener.notifies(timeout=1.0, stop_after=1))
                        if notified:  # a burst of router changes: one restart
                            for _ in listener.notifies(timeout=0.3):
                                pass
                    except Exception as error:  # the database went away: listen again shortly
                        self.write(f"RADIUS clients: lost the database connection ({error}); listening again in 5 s")
                        listener = None
                        stop.wait(5)
                else:
                    stop.wait(5)
                if stop.is_set():
                    break
                self.bad_secrets.flush()  # counts held back by the once-a-minute limit
                if not self.running():
                    self.write(f"FreeRADIUS stopped (exit {self.process.returncode if self.process else '?'}); starting it again")
                    stop.wait(RESTART_AFTER_CRASH_SECONDS)
                    self._try(self.start)
                    continue
                if notified or time.monotonic() >= next_check:
                    next_check = time.monotonic() + check_every
                    try:
                        changed = self.clients_changed()
                    except Exception as error:
                        self.write(f"RADIUS clients: could not read the routers ({error})")
                        continue
                    if changed:
                        self._try(lambda: self.restart("the routers' RADIUS clients changed"))
        finally:
            if listener is not None:
                listener.close()
            self.stop()
            accepts_stop.set()  # after FreeRADIUS: its last accepts are loaded too
            accepts.join(30)

    def _listen(self):
        try:
            return clients_listen()
        except (RadiusUnsupported, Exception) as error:
            self.write(f"RADIUS clients: cannot listen for router changes ({error}); checking every minute instead")
            return None

    def _try(self, action) -> None:
        try:
            action()
        except FreeRadiusFailed as error:
            self.write(str(error))
