"""`make run` and `make test` check the system packages ispbill needs and name them in one apt-get line."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def check(target: str, *, missing: set[str], env: dict | None = None) -> subprocess.CompletedProcess:
    """The Makefile's CHECK_SYSTEM, with the libraries in `missing` not found."""
    code = re.search(r"^define CHECK_SYSTEM\n(.*?)^endef", MAKEFILE.read_text(), re.S | re.M).group(1)
    wrapper = (
        "import ctypes.util\n"
        "real = ctypes.util.find_library\n"
        f"ctypes.util.find_library = lambda name: None if name in {sorted(missing)!r} else real(name)\n"
        f"exec(compile({code!r}, 'CHECK_SYSTEM', 'exec'))\n"
    )
    return subprocess.run([sys.executable, "-c", wrapper, target], capture_output=True, text=True, timeout=60, env=env)


def test_make_run_checks_the_system_packages_it_needs_and_names_them():
    assert re.search(r"^run: check-system ", MAKEFILE.read_text(), re.M)
    # `make test` is its two steps, and each checks the system first.
    assert re.search(r"^test: test-main test-slow$", MAKEFILE.read_text(), re.M)
    for step in ("test-main", "test-slow"):
        assert re.search(rf'^{step}: install\n\t@\$\(PYTHON\) -c "\$\$CHECK_SYSTEM" test$', MAKEFILE.read_text(), re.M), step


@pytest.mark.parametrize("target", ["run", "test"])
def test_without_pango_it_stops_with_the_one_apt_get_line(target):
    done = check(target, missing={"pango-1.0", "harfbuzz-subset"})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].strip() == "sudo apt-get install libpango-1.0-0 libharfbuzz-subset0"


def test_without_harfbuzz_subset_it_says_so_and_goes_on():
    done = check("run", missing={"harfbuzz-subset"})
    assert done.returncode == 0
    assert "libharfbuzz-subset0" in done.stderr and done.stderr.strip().endswith("sudo apt-get install libharfbuzz-subset0")


def test_with_everything_there_it_says_nothing():
    done = check("run", missing=set())
    assert (done.returncode, done.stderr) == (0, "")


def test_make_run_on_postgresql_recommends_freeradius_and_goes_on(tmp_path):
    """Without freeradius the demo keeps API mode: named, not required."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pg_dump", "pg_restore"):  # only those on PATH: no freeradius
        (bin_dir / tool).write_text("#!/bin/sh\n")
        (bin_dir / tool).chmod(0o755)
    env = {"PATH": str(bin_dir), "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"}
    done = check("run", missing=set(), env=env)
    assert done.returncode == 0
    assert "freeradius freeradius-postgresql (RADIUS in the demo" in done.stderr
    assert done.stderr.strip().endswith("sudo apt-get install freeradius freeradius-postgresql")
    assert check("run", missing=set(), env={**env, "DATABASE_URL": ""}).stderr == ""  # SQLite: no RADIUS to offer


def test_make_run_on_its_own_postgresql_needs_the_postgresql_package(tmp_path):
    """Without DATABASE_URL `make run` starts its own PostgreSQL (demo/embedded_db.py): without the server
    it stops and names `postgresql` (and recommends FreeRADIUS, which the demo then runs)."""
    assert re.search(r"^\t@EMBEDDED_DB=\$\(EMBEDDED_DB\) \$\(PYTHON\) -c \"\$\$CHECK_SYSTEM\" run$", MAKEFILE.read_text(), re.M)
    empty = tmp_path / "no-server"
    empty.mkdir()
    env = {"PATH": str(empty), "EMBEDDED_DB": "1", "PG_BIN": str(empty)}
    done = check("run", missing=set(), env=env)
    assert done.returncode == 1
    assert "postgresql (the demo's database" in done.stderr
    assert done.stderr.strip().endswith("sudo apt-get install postgresql freeradius freeradius-postgresql")
    (empty / "initdb").write_text("#!/bin/sh\n")
    done = check("run", missing=set(), env=env)
    assert done.returncode == 0 and "postgresql (the demo" not in done.stderr  # freeradius is only recommended
    # `make test` runs the tests of that cluster: it needs the server too.
    assert "postgresql (the tests of make run's own PostgreSQL" in check("test", missing=set(), env={**env, "PG_BIN": str(tmp_path)}).stderr
