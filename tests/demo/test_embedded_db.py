"""`make run`'s own PostgreSQL (demo/embedded_db.py): made once under var/postgres/, on a free loopback port,
given to the command it runs as DATABASE_URL, stopped when that command ends (Ctrl-C too), reused by the
next run with its data, and left running when it was running before."""

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What the command sees: its DATABASE_URL, and the database behind it (who, where, a row kept across runs).
PROBE = """
import os, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as db:
    db.execute("CREATE TABLE IF NOT EXISTS kept (n int)")
    db.execute("INSERT INTO kept VALUES (1)")
    user, address, rows = db.execute("SELECT current_user, host(inet_server_addr()), (SELECT count(*) FROM kept)").fetchone()
print(url, user, address, rows)
"""


@pytest.fixture
def embedded_var():
    """A var/ of its own, which the `postgres` user can reach when the tests run as root (pytest's tmp_path
    is private to root); the cluster is stopped and removed after the test."""
    var = Path(tempfile.mkdtemp(prefix="ispbill-embedded-db-"))
    var.chmod(0o755)
    yield var
    helper("stop", var=var)
    shutil.rmtree(var, ignore_errors=True)


def helper(*args: str, var: Path, **env: str) -> subprocess.CompletedProcess:
    """The helper on `var`; a new database is left empty (the snapshot it starts from in `make run` is
    tested in test_migrated_snapshot.py) unless EMBEDDED_DB_SNAPSHOT is given."""
    return subprocess.run([sys.executable, "-m", "demo.embedded_db", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=90, env={**os.environ, "ISPBILL_VAR_DIR": str(var), "EMBEDDED_DB_SNAPSHOT": "", **env})


def probe(var: Path) -> subprocess.CompletedProcess:
    return helper("run", "--", sys.executable, "-c", PROBE, var=var)


def _free_port_below_the_ephemeral_range() -> int:
    """A loopback port no outgoing connection is given (Linux hands those out from 32768 up), so nothing else
    the suite runs takes it between the two runs below: with three xdist workers connecting all the time,
    the port the first run picked from the ephemeral range was once taken by the time of the second."""
    for port in random.sample(range(20_000, 32_000), 200):
        with socket.socket() as probe_socket:
            try:
                probe_socket.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free loopback port between 20000 and 32000")


def test_run_makes_the_cluster_gives_its_url_and_stops_it_then_the_next_run_reuses_it(embedded_var):
    (embedded_var / "postgres").mkdir()
    (embedded_var / "postgres" / "port").write_text(f"{_free_port_below_the_ephemeral_range()}\n")  # as a last run left it
    first = probe(embedded_var)
    assert first.returncode == 0, first.stderr
    url, user, address, rows = first.stdout.split()
    port = int(re.fullmatch(r"postgres://ispbill@127\.0\.0\.1:(\d+)/ispbill", url).group(1))
    assert (user, address, rows) == ("ispbill", "127.0.0.1", "1")
    assert "making the demo's cluster" in first.stderr and "cluster stopped" in first.stderr
    assert (embedded_var / "postgres" / "data" / "PG_VERSION").exists()
    assert helper("status", var=embedded_var).returncode == 3  # stopped when the command ended
    assert not (embedded_var / "postgres" / "data" / "postmaster.pid").exists()

    started = time.monotonic()
    second = probe(embedded_var)
    took = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert "making the demo's cluster" not in second.stderr  # no initdb again
    again_url, _user, _address, again_rows = second.stdout.split()
    assert again_rows == "2"  # the first run's row is still there
    assert again_url.endswith(f":{port}/ispbill")  # the same port while it is free
    assert took < 15
    assert helper("status", var=embedded_var).returncode == 3


def test_only_loopback_and_its_own_role_by_trust(embedded_var):
    assert helper("start", var=embedded_var).returncode == 0
    data = embedded_var / "postgres" / "data"
    hba = [line.split() for line in (data / "pg_hba.conf").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert hba == [["host", "all", "ispbill", "127.0.0.1/32", "trust"], ["host", "all", "all", "127.0.0.1/32", "scram-sha-256"]]
    conf = (data / "postgresql.conf").read_text()
    assert "listen_addresses = '127.0.0.1'" in conf and "unix_socket_directories = ''" in conf


def test_a_running_cluster_is_used_and_left_running(embedded_var):
    started = helper("start", var=embedded_var)
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()

    ran = probe(embedded_var)

    assert ran.returncode == 0 and ran.stdout.split()[0] == url
    assert "already running" in ran.stderr and "cluster stopped" not in ran.stderr
    assert helper("status", var=embedded_var).stdout.strip() == url  # still up: another make run may use it
    assert helper("stop", var=embedded_var).returncode == 0
    assert helper("status", var=embedded_var).returncode == 3


def test_ctrl_c_ends_the_command_then_stops_the_cluster(embedded_var):
    """Ctrl-C reaches the whole process group (honcho, and this helper): the helper outlives its command,
    stops the cluster and exits as the command did (130, which `make run` takes for a normal end)."""
    run = subprocess.Popen([sys.executable, "-m", "demo.embedded_db", "run", "--", "sh", "-c", "echo started; exec sleep 60"],
                           cwd=ROOT, env={**os.environ, "ISPBILL_VAR_DIR": str(embedded_var), "EMBEDDED_DB_SNAPSHOT": ""}, start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stdout.readline().strip() == "started"
    assert helper("status", var=embedded_var).returncode == 0

    os.killpg(run.pid, signal.SIGINT)
    _out, err = run.communicate(timeout=60)

    assert run.returncode == 130
    assert "cluster stopped" in err
    assert helper("status", var=embedded_var).returncode == 3


def test_without_the_server_it_says_which_package(embedded_var, tmp_path):
    done = helper("start", var=embedded_var, PG_BIN=str(tmp_path))
    assert done.returncode == 1
    assert "apt-get install postgresql" in done.stderr
