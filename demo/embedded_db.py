"""The demo's own PostgreSQL: `make run` without DATABASE_URL runs on a private cluster under var/postgres/.

Why PostgreSQL and not SQLite for the demo (README, "Two commands"): what an ISP in Bangladesh asks to see
first is RADIUS (who is online, the session log, a card logging in at the hotspot, a suspended subscriber
walled) and auto-pay from saved bKash wallets, and FreeRADIUS reads ispbill's tables through PostgreSQL
views: on SQLite the demo could show neither. So `make run` starts a cluster of its own from the Debian
package `postgresql` (found at run time in /usr/lib/postgresql/<version>/bin), and the tests and
`manage.py` without DATABASE_URL keep SQLite in var/db.sqlite3, which needs nothing.

    python -m demo.embedded_db run -- CMD ...   # start (or reuse) the cluster, run CMD with DATABASE_URL set, stop it after
    python -m demo.embedded_db start            # start it (initdb on first use); prints the DATABASE_URL
    python -m demo.embedded_db stop             # fast shutdown
    python -m demo.embedded_db status           # the URL and exit 0 when it runs, 3 when it does not
    python -m demo.embedded_db snapshot         # migrate a scratch database in the cluster, dump it to demo/migrated.sql

The cluster: `initdb` once into var/postgres/data (a few seconds), listening on 127.0.0.1 only (no Unix
socket) on a loopback port free at start (the last one again when it is still free; var/postgres/port),
the role `ispbill` (its superuser) by trust on 127.0.0.1 and every other role (FreeRADIUS's, made by
radius_serve) by password. Durability is traded for speed as a demo may (fsync and synchronous_commit off:
a power cut can lose the demo's data; delete var/ to start over). PostgreSQL refuses to run as root: run as
root (a container), the server runs as the `postgres` user the package made, which then owns var/postgres.
A cluster already running (a second `make run` of this checkout, `start` by hand) is used and left running;
one that `run` started is stopped when its command ends, Ctrl-C included.

The database starts as `manage.py migrate` would leave it, from a snapshot (demo/migrated.sql, a pg_dump
of a freshly migrated database, schema and data) restored in a few seconds where the 166 migrations take
50 s of CPU: `make run`'s migrate then applies only migrations newer than the snapshot, and is skipped when
there are none (DEMO_DB_MIGRATED, given to the command `run` runs). A snapshot made in another month holds
that month's session-log partitions (radius 0008 makes the months around the day it runs): the nightly
job makes the current ones, as for any database migrated months ago. The snapshot is used only while every migration it holds is on disk unchanged and Django's and
django-axes' versions are the ones it was made with (its header lists them, with their sha256); otherwise
the database is left empty and migrate makes it from the start, as before. `python -m demo.embedded_db
snapshot` makes it again (after adding migrations: an older one is still correct, only slower); the tests
check that a restored and migrated database has the schema and rows a migrated one has
(tests/demo/test_migrated_snapshot.py). Only the demo's own cluster uses it: any other DATABASE_URL, and
every test database, is migrated.

No Django here: it runs before the database exists, with the venv's Python or any python3.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROLE = "ispbill"
DATABASE = "ispbill"
SERVER_USER = "postgres"  # the server's user when we are root (PostgreSQL will not run as root)
START_TIMEOUT_SECONDS = 60
ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "migrated.sql"
# EMBEDDED_DB_SNAPSHOT= (empty) leaves a new database empty: the tests of the cluster's life need no schema.
SNAPSHOT_DATABASE = "ispbill_snapshot"
# The installed packages whose migrations a migrated database holds besides ours (their lines in the lock).
MIGRATING_PACKAGES = ("django", "django-axes")
SKIPPED_FOLDERS = {"var", "tests", "node_modules", "static", "locale", "docs", "__pycache__"}
MISSING = "PostgreSQL is not installed (initdb not found in /usr/lib/postgresql/*/bin): sudo apt-get install postgresql"

CONF = """
# ispbill's demo cluster (demo/embedded_db.py): loopback only, no Unix socket, fast over durable.
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
"""

HBA = f"""# ispbill's demo cluster: its own role by trust, on 127.0.0.1 only; other roles (FreeRADIUS's) by password.
host all {ROLE} 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


class Unavailable(Exception):
    """The cluster cannot be made or started here; the message says why and what to install."""


def base_dir() -> Path:
    var = os.environ.get("ISPBILL_VAR_DIR") or str(Path(__file__).resolve().parent.parent / "var")
    return Path(var) / "postgres"


def bin_dir() -> Path | None:
    """The newest installed server's bin directory (PG_BIN to choose one), None when there is none."""
    if chosen := os.environ.get("PG_BIN"):
        return Path(chosen) if (Path(chosen) / "initdb").exists() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parent.parent.name) if Path(path).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@dataclass
class Cluster:
    base: Path
    bin: Path

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def port_file(self) -> Path:
        return self.base / "port"

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    def url(self, port: int) -> str:
        return f"postgres://{ROLE}@127.0.0.1:{port}/{DATABASE}"

    # The server's user: ourselves, or `postgres` when we are root. ----------------------------------------

    def _server_user(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(os.environ.get("PG_SERVER_USER", SERVER_USER))
        except KeyError:
            raise Unavailable(f"running as root, PostgreSQL needs another user to run as: there is no user {SERVER_USER!r} (apt-get install postgresql makes it)")

    def _server(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        user = self._server_user()
        kwargs = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []} if user else {}
        return subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True, check=check,
                              cwd=self.base, **kwargs)

    def _own(self) -> None:
        if (user := self._server_user()) is not None:
            for path in [self.base, *self.base.rglob("*")]:
                if not path.is_symlink():
                    os.chown(path, user.pw_uid, user.pw_gid)

    # Life cycle ---------------------------------------------------------------------------------------------

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o700)
        self._own()
        result = self._server("initdb", "-D", str(self.data), "-U", ROLE, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", check=False)
        if result.returncode:
            raise Unavailable(f"initdb failed: {(result.stderr or result.stdout).strip()}")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(CONF)
        (self.data / "pg_hba.conf").write_text(HBA)
        self._own()

    def running_port(self) -> int | None:
        """The port of this cluster's running server, None when it is not running."""
        if not self.initialised() or self._server("pg_ctl", "-D", str(self.data), "status", check=False).returncode:
            return None
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[3])
        except (OSError, IndexError, ValueError):
            return None

    def start(self) -> tuple[str, bool]:
        """(DATABASE_URL, whether this call started the server)."""
        if not self.initialised():
            print("PostgreSQL: making the demo's cluster in var/postgres/ (once, about 3 s)", file=sys.stderr, flush=True)
            self.init()
        if (port := self.running_port()) is not None:
            if self.create_database(port):
                self.restore_snapshot(port)
            return self.url(port), False
        port = self._port()
        self._own()
        result = self._server("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_TIMEOUT_SECONDS),
                              "-o", f"-p {port}", "start", check=False)
        if result.returncode:
            tail = self.log.read_text(errors="replace").splitlines()[-5:] if self.log.exists() else []
            raise Unavailable("PostgreSQL did not start: " + " | ".join([(result.stderr or result.stdout).strip(), *tail]))
        self.port_file.write_text(f"{port}\n")
        if self.create_database(port):
            self.restore_snapshot(port)
        return self.url(port), True

    def stop(self) -> bool:
        """Fast shutdown (sessions ended, no recovery on the next start). False when it was not running."""
        if self.running_port() is None:
            return False
        self._server("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        return True

    def _psql(self, port: int, database: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.bin / "psql"), "-X", "-h", "127.0.0.1", "-p", str(port), "-U", ROLE, "-d", database, "-tAq", *args],
                              capture_output=True, text=True, check=check)

    def create_database(self, port: int, name: str = DATABASE) -> bool:
        """Create the database unless it exists; True when this call made it."""
        exists = self._psql(port, "postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists.stdout.strip() == "1":
            return False
        self._psql(port, "postgres", "-c", f"CREATE DATABASE {name}")
        return True

    restored = False  # whether this process made the database from the snapshot

    def restore_snapshot(self, port: int) -> bool:
        """Load demo/migrated.sql into the new, empty database when it is current (snapshot_current); False
        when it was not used or did not load (the database is then left empty for migrate)."""
        if os.environ.get("EMBEDDED_DB_SNAPSHOT", "1") == "":
            return False
        why_not = snapshot_current()
        if why_not:
            print(f"PostgreSQL: the migrations run from the start ({why_not})", file=sys.stderr, flush=True)
            return False
        print("PostgreSQL: making the database from demo/migrated.sql, as migrate would (about 3 s)…", file=sys.stderr, flush=True)
        started = time.monotonic()
        loaded = self._psql(port, DATABASE, "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(SNAPSHOT), check=False)
        if loaded.returncode:
            error = (loaded.stderr or loaded.stdout).strip().splitlines()[-1:]
            print(f"PostgreSQL: the migrations run from the start (demo/migrated.sql did not load: {' '.join(error)})", file=sys.stderr, flush=True)
            self._psql(port, "postgres", "-c", f"DROP DATABASE {DATABASE}")
            self._psql(port, "postgres", "-c", f"CREATE DATABASE {DATABASE}")
            return False
        print(f"PostgreSQL: the database made from demo/migrated.sql in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
        self.restored = True
        return True

    def snapshot(self, port: int, path: Path = SNAPSHOT) -> None:
        """Migrate a scratch database of this cluster from nothing and dump it (schema and rows) to `path`,
        headed by what it holds (snapshot_header)."""
        self._psql(port, "postgres", "-c", f"DROP DATABASE IF EXISTS {SNAPSHOT_DATABASE}")
        self.create_database(port, SNAPSHOT_DATABASE)
        try:
            url = f"postgres://{ROLE}@127.0.0.1:{port}/{SNAPSHOT_DATABASE}"
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                           env={**os.environ, "DATABASE_URL": url})
            # With the privileges: the migrations take EXECUTE on the RADIUS and card functions away from PUBLIC
            # (only the RADIUS role is granted them), and a dump without them left every role able to call them.
            dump = subprocess.run([str(self.bin / "pg_dump"), "-h", "127.0.0.1", "-p", str(port), "-U", ROLE, "--no-owner",
                                   SNAPSHOT_DATABASE], capture_output=True, text=True, check=True).stdout
        finally:
            self._psql(port, "postgres", "-c", f"DROP DATABASE IF EXISTS {SNAPSHOT_DATABASE}", check=False)
        # pg_dump's version lines would change the file with every server update, and its \restrict line (a
        # random key, PostgreSQL 15.14 and later) with every dump, which an older psql would not understand.
        dump = re.sub(r"^(-- Dumped (from database|by pg_dump) version |\\(un)?restrict ).*\n", "", dump, flags=re.M)
        path.write_text(snapshot_header() + dump)

    def _port(self) -> int:
        """The last port again when it is free (a second run keeps its URL), else one free now."""
        try:
            last = int(self.port_file.read_text())
        except (OSError, ValueError):
            last = 0
        for port in ([last] if last else []) + [0]:
            with socket.socket() as probe:
                # As PostgreSQL binds: a port whose last connections are still in TIME_WAIT (the cluster
                # stopped a moment ago) is free to listen on, and keeps the demo's URL.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return probe.getsockname()[1]
        raise Unavailable("no free loopback port")


# The snapshot's currency: what a migrated database depends on, each with its sha256. ----------------------------

def migration_files() -> list[Path]:
    """Every migration of ours (the apps' migrations/ folders in this checkout), by path."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS]
        if os.path.basename(folder) == "migrations":
            found += [Path(folder) / name for name in files if name[:1].isdigit() and name.endswith(".py")]
    return sorted(found)


def migrating_packages() -> list[str]:
    """The lock's lines of the installed packages that bring migrations (Django's apps, axes)."""
    lock = (ROOT / "requirements.lock").read_text()
    return [line for line in lock.splitlines() if line.split("==")[0].lower() in MIGRATING_PACKAGES]


def snapshot_header() -> str:
    lines = ["-- ispbill: a freshly migrated database, made by `python -m demo.embedded_db snapshot` (demo/embedded_db.py).",
             "-- Restored by `make run` into a new demo database while every line below still holds."]
    lines += [f"-- package {line}" for line in migrating_packages()]
    for path in migration_files():
        lines.append(f"-- migration {path.relative_to(ROOT).as_posix()} {hashlib.sha256(path.read_bytes()).hexdigest()}")
    return "\n".join(lines) + "\n"


def snapshot_current(path: Path = SNAPSHOT) -> str:
    """'' when the snapshot holds only what is on disk now (each migration it lists unchanged, the same
    Django and axes), else why not. Migrations newer than it are fine: migrate applies them after."""
    if not path.exists():
        return "no demo/migrated.sql"
    with open(path) as snapshot:
        header = [line.rstrip("\n") for line in iter(snapshot.readline, "") if line.startswith("-- package ") or line.startswith("-- migration ")
                  or line.startswith("-- ispbill") or line.startswith("-- Restored")]
    packages = [line.removeprefix("-- package ") for line in header if line.startswith("-- package ")]
    if packages != migrating_packages():
        return "demo/migrated.sql was made with other versions of " + " and ".join(MIGRATING_PACKAGES)
    for line in header:
        if line.startswith("-- migration "):
            name, digest = line.removeprefix("-- migration ").rsplit(" ", 1)
            file = ROOT / name
            if not file.exists() or hashlib.sha256(file.read_bytes()).hexdigest() != digest:
                return f"{name} changed since demo/migrated.sql was made"
    return ""


def snapshot_holds_all(path: Path = SNAPSHOT) -> bool:
    """Whether the (current) snapshot holds every migration on disk: migrate would find nothing to do."""
    listed = {line.split()[2] for line in path.read_text().split("\n--\n", 1)[0].splitlines() if line.startswith("-- migration ")}
    return listed == {file.relative_to(ROOT).as_posix() for file in migration_files()}


def cluster() -> Cluster:
    found = bin_dir()
    if found is None:
        raise Unavailable(MISSING)
    return Cluster(base=base_dir(), bin=found)


def run(command: list[str]) -> int:
    """CMD with DATABASE_URL pointing at the cluster; the cluster is stopped after when this started it.
    Ctrl-C reaches CMD (the terminal's process group); this waits for it to end, then stops the cluster."""
    db = cluster()
    interrupted: list[int] = []
    child: subprocess.Popen | None = None

    def forward(signum, _frame):
        # Ctrl-C reaches the command by itself (the terminal's process group); TERM and HUP are passed on.
        # Before the command runs, either one means: do not start it.
        interrupted.append(signum)
        if child is not None and signum != signal.SIGINT:
            child.send_signal(signum)

    # Handlers (not SIG_IGN) so the child starts with the default dispositions: exec resets handlers.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    url, started = db.start()
    try:
        if interrupted:
            return 128 + interrupted[0]
        print(f"PostgreSQL: the demo's database is {url} (var/postgres/{'' if started else ', already running'})", file=sys.stderr, flush=True)
        # Made now from a snapshot holding every migration: `make migrate` has nothing to apply and skips it.
        migrated = {"DEMO_DB_MIGRATED": "1"} if db.restored and snapshot_holds_all() else {}
        child = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": url, **migrated})
        code = child.wait()
        return 128 - code if code < 0 else code
    finally:
        if started:
            db.stop()
            print("PostgreSQL: the demo's cluster stopped (var/postgres/ keeps the data for the next make run)", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    action = argv[0] if argv else ""
    try:
        if action == "run":
            command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
            if not command:
                print("usage: python -m demo.embedded_db run -- CMD ...", file=sys.stderr)
                return 2
            return run(command)
        if action == "start":
            url, _started = cluster().start()
            print(url)
            return 0
        if action == "snapshot":
            db = cluster()
            port = db.running_port()
            started = port is None
            if started:
                _url, _ = db.start()
                port = db.running_port()
            try:
                db.snapshot(port)
            finally:
                if started:
                    db.stop()
            print(f"{SNAPSHOT.relative_to(ROOT)} written", file=sys.stderr)
            return 0
        if action == "stop":
            cluster().stop()
            return 0
        if action == "status":
            db = cluster()
            port = db.running_port()
            if port is None:
                print("not running", file=sys.stderr)
                return 3
            print(db.url(port))
            return 0
    except Unavailable as error:
        print(f"PostgreSQL: {error}", file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
