"""Private PostgreSQL clusters for tests that stop and start a database (the RADIUS outage and replica
tests): initdb in a temporary directory from this machine's PostgreSQL 15 binaries, a free loopback
port, run as the `postgres` user when we are root, so a test can stop its cluster without disturbing
anybody else's database. A cluster can also be made a hot-standby replica of another
(`pg_basebackup -R`: streaming replication)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binaries_missing() -> str | None:
    """Why private clusters cannot be made here (None: they can)."""
    for name in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (PG_BIN / name).exists():
            return f"PostgreSQL 15's {name} is needed for a private cluster ({PG_BIN})"
    if not shutil.which("pg_dump"):
        return "pg_dump is needed to copy the test database's schema into a private cluster"
    return None


class PrivateCluster:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ispbill-pg-"))
        self.data = self.root / "data"
        self.port = free_tcp_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in command)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def initdb(self, *, passwords: bool = False) -> None:
        """A new cluster. `passwords`: every role but the superuser `postgres` logs in over TCP with its
        password (scram-sha-256), so a client that has the wrong one (or none) is refused; `postgres`
        stays trusted from loopback, for the test itself and for replication."""
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        if passwords:
            hba = self.data / "pg_hba.conf"
            hba.write_text(
                "local all all trust\n"
                "host all postgres 127.0.0.1/32 trust\n"
                "host replication postgres 127.0.0.1/32 trust\n"
                "host all all 127.0.0.1/32 scram-sha-256\n"
            )

    def replica_of(self, primary: "PrivateCluster") -> None:
        """A hot standby of `primary` (running): a base backup with -R (standby.signal and
        primary_conninfo), WAL streamed during the copy; start() then follows the primary."""
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
            "-R", "-X", "stream", "--no-sync", "-c", "fast",
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", str(self.root / "log"), "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        try:
            with psycopg.connect(self.conninfo, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)

    def conninfo_for(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user=postgres connect_timeout=3"

    @property
    def conninfo(self) -> str:
        return self.conninfo_for()

    def rows(self, sql: str, *, dbname: str = "postgres") -> list[tuple]:
        with psycopg.connect(self.conninfo_for(dbname)) as conn:
            return conn.execute(sql).fetchall()

    def load_schema(self, db: dict, *, dbname: str = "postgres") -> None:
        """The schema (tables, views, functions) of the Django database `db` (a settings_dict), no data."""
        if dbname != "postgres":
            self._create_database(dbname)
        dump = subprocess.run(
            ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-h", db.get("HOST") or "127.0.0.1",
             "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres", db["NAME"]],
            check=True, capture_output=True, text=True, timeout=60, env={**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""},
        ).stdout
        subprocess.run(
            [shutil.which("psql") or str(PG_BIN / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo_for(dbname)],
            input=dump, check=True, capture_output=True, text=True, timeout=60,
        )

    def _create_database(self, dbname: str) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def wait_replayed(primary: PrivateCluster, replica: PrivateCluster, *, timeout: float = 10.0) -> float:
    """Wait until the replica has replayed everything the primary has written so far; returns the
    seconds it took (the replica lag as seen from here)."""
    began = time.monotonic()
    target = primary.rows("SELECT pg_current_wal_lsn()")[0][0]
    while True:
        replayed = replica.rows(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]
        if replayed:
            return time.monotonic() - began
        if time.monotonic() - began > timeout:
            raise AssertionError(f"the replica did not replay {target} within {timeout} s")
        time.sleep(0.02)
