# ispbill: `make run` brings up the demo (web + Celery worker + beat + FreeRADIUS on the embedded defaults: its own PostgreSQL),
# `make test` runs the whole suite. Both install into .venv first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` (each gets its own test database); 0 runs in one process. One more
# than the cores: a worker often waits with the CPU idle (a spool's one-second poll, a browser's page, a
# server starting), and a third worker on this 2-core machine took `make test-main` from 727 to 656 s,
# the CPUs 90 % busy (README, "Tests").
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)' 2>/dev/null || echo auto)

# --no-compile: pip byte-compiles every module it installs (9,550 files, phonenumbers' metadata and
# SciPy's tests among them), half of the install's CPU time; Python compiles the ones used on import.
# The stamp's name carries a hash of the lock and the project metadata: `make install` reinstalls
# exactly when either changes and is a no-op otherwise.
# uv (from PyPI, installed into the venv by pip first) installs the lock: its downloads run in parallel and it
# unpacks in Rust, 10-15 s where pip takes about 2 minutes on a cold cache (137 s, 38 s of CPU; uv: 8 s, 4 s of
# CPU; README "Time to the first page"). Where uv cannot be had (no PyPI, an unsupported platform) or fails,
# pip installs as before; NO_UV=1 chooses pip.
UV_VERSION ?= 0.13.9
PIP_INSTALL = $(BIN)/python -m pip install -qq --disable-pip-version-check --no-compile -r requirements.lock \
	  && $(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
INSTALL_HASH := $(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(INSTALL_HASH)

# `make run` serves on HOST:PORT, so the links the demo prints (and gateway callbacks) point there.
# RUN_STARTED: when make started, for the "ready in N s" line (demo/management/commands/seed.py).
RUN_STARTED := $(shell date +%s)
# FreeRADIUS (Procfile.dev's `radius` and `radius2`, only on PostgreSQL with freeradius installed): two
# servers, as a site runs them (docs/radius.md, "Two servers"), each on two UDP ports free now, never
# 1812/1813 (a system FreeRADIUS may hold them): the same numbers reach the worker (RADIUS_SERVERS), which
# writes both into a router's /radius entries when it is switched to RADIUS mode. Set RADIUS_AUTH_PORT and
# RADIUS_ACCT_PORT (the first), RADIUS2_AUTH_PORT and RADIUS2_ACCT_PORT (the second) to choose them.
RADIUS_FREE_PORTS := $(shell $(PYTHON) -c 'import socket; s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in "abcd"]; [x.bind(("127.0.0.1", 0)) for x in s]; print(*(x.getsockname()[1] for x in s))' 2>/dev/null)
# HOTSPOT_PORT: the demo Wi-Fi zone's hotspot login page (served by its simulated router): a printed card's
# QR code opens it (VOUCHER_LOGIN_URL), with the code filled in. A TCP port free now, like the routers' (a fixed
# default collided between two checkouts); the routers process prints it. `make run HOTSPOT_PORT=8088` fixes it.
ifndef HOTSPOT_PORT
HOTSPOT_PORT := $(shell $(PYTHON) -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
endif
RUN_ENV = SITE_URL=http://$(HOST):$(PORT) WEB_HOST=$(HOST) WEB_PORT=$(PORT) RUN_STARTED=$(RUN_STARTED) PATH="$(CURDIR)/$(BIN):$$PATH" \
	DEMO_HOTSPOT_PORT=$(HOTSPOT_PORT) VOUCHER_LOGIN_URL='http://$(HOST):$(HOTSPOT_PORT)/login?username={code}&password={code}'
# Without DATABASE_URL (here or in .env) `make run`, `make migrate` and `make seed` run on the demo's own
# PostgreSQL under var/postgres/ (demo/embedded_db.py: started, or reused when it runs, and stopped when the
# command ends), so the demo can show RADIUS and auto-pay, which need PostgreSQL. `make run
# DATABASE_URL=sqlite:///$(CURDIR)/var/db.sqlite3` runs on SQLite (RADIUS idles), as the tests do without it.
ifeq ($(strip $(DATABASE_URL)$(shell sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null)),)
EMBEDDED_DB := 1
WITH_DB := $(BIN)/python -m demo.embedded_db run --
endif
RADIUS_ENV = RADIUS_AUTH_PORT=$${RADIUS_AUTH_PORT:-$(word 1,$(RADIUS_FREE_PORTS))} RADIUS_ACCT_PORT=$${RADIUS_ACCT_PORT:-$(word 2,$(RADIUS_FREE_PORTS))} \
	RADIUS2_AUTH_PORT=$${RADIUS2_AUTH_PORT:-$(word 3,$(RADIUS_FREE_PORTS))} RADIUS2_ACCT_PORT=$${RADIUS2_ACCT_PORT:-$(word 4,$(RADIUS_FREE_PORTS))} \
	RADIUS_SERVERS=$${RADIUS_SERVERS:-127.0.0.1:$$RADIUS_AUTH_PORT:$$RADIUS_ACCT_PORT,127.0.0.1:$$RADIUS2_AUTH_PORT:$$RADIUS2_ACCT_PORT}

.PHONY: help install migrate seed seed-steps run run-servers test test-main test-slow lint bench check-system

help:
	@echo "make run      install, start the demo's PostgreSQL (var/postgres), migrate, load the demo data, start web + worker + beat + routers + FreeRADIUS (PORT=$(PORT))"
	@echo "make test     install, then the whole test suite: test-main, then test-slow (PYTEST_ARGS='-k name' to narrow it)"
	@echo "make test-main  the suite without the tests marked slow; test-slow  only those (each prints its slowest 25)"
	@echo "make install  create $(VENV) and install requirements.lock (skipped when up to date)"
	@echo "make migrate  apply database migrations"
	@echo "make seed     load the demo data and print the logins (idempotent)"
	@echo "make lint     ruff, import-linter layers, Django system checks, models vs migrations, .env.example vs settings"
	@echo "make bench    list the benchmark scripts in bench/"

install: $(STAMP)

$(STAMP):
	@if [ ! -x "$(BIN)/python" ]; then \
	  if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	    echo "ispbill needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
	    echo "Point make at one: make PYTHON=python3.12 $(MAKECMDGOALS)" >&2; exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$($(PYTHON) --version) (a few seconds)"; \
	  $(PYTHON) -m venv "$(VENV)"; \
	fi
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "$(VENV) was made with Python < 3.11: remove it and run make again." >&2; exit 1; }
	@if [ -z "$(NO_UV)" ] && $(BIN)/python -m pip install -qq --disable-pip-version-check "uv==$(UV_VERSION)" 2>/dev/null; then \
	  echo "Installing the Python packages with uv (about 15 s; 2 min with pip)…"; \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements.lock -e . \
	  || { echo "uv could not install them: trying pip (about 2 min)…"; $(PIP_INSTALL); }; \
	else \
	  echo "Installing the Python packages with pip (about 2 min)…"; $(PIP_INSTALL); \
	fi
	@rm -f $(VENV)/.installed-*
	@touch $@

# On the demo's own PostgreSQL a new database starts from demo/migrated.sql (demo/embedded_db.py), so migrate
# finds little or nothing to do (nothing at all when the snapshot holds every migration: DEMO_DB_MIGRATED,
# set by embedded_db run, skips it); elsewhere (SQLite, DATABASE_URL) it applies every migration once.
migrate: install
	@if [ "$${DEMO_DB_MIGRATED:-}" = 1 ]; then \
	  echo "The database migrations: none to apply (the demo's database was made from demo/migrated.sql just now)"; \
	else \
	  echo "Applying the database migrations (about 5 s on the demo's database; about 40 s on a new one elsewhere)…"; \
	  $(WITH_DB) $(MANAGE) migrate --noinput; \
	fi

seed: install
	$(WITH_DB) $(MAKE) --no-print-directory seed-steps

seed-steps: migrate
	$(RUN_ENV) $(MANAGE) seed

# The base demo data first, then the servers; the other seed steps load beside them (`seed --later`,
# Procfile.dev's demo process), which prints the logins once the first pages answer.
# honcho gets an empty env file: settings.py reads .env itself, and the variables above must win.
# Ctrl-C makes honcho stop them all and exit with 130: the normal end of a demo, not an error.
# On the embedded PostgreSQL, run-servers runs inside demo.embedded_db, which gives it DATABASE_URL and stops
# the cluster when it ends (Ctrl-C included).
run: check-system install
	$(WITH_DB) $(MAKE) --no-print-directory run-servers RUN_STARTED=$(RUN_STARTED) || [ $$? -eq 130 ]

run-servers: migrate
	@echo "Loading the demo's base data (about 2 minutes the first time, seconds later)…"
	$(RUN_ENV) $(MANAGE) seed --first
	@echo "Starting web (http://$(HOST):$(PORT)/), Celery worker, beat, the simulated routers, FreeRADIUS (PostgreSQL only) and the demo loader (about 20 s until the first page). Ctrl-C stops them all."
	$(RUN_ENV) $(RADIUS_ENV) $(BIN)/honcho --env /dev/null --procfile Procfile.dev start || [ $$? -eq 130 ]

# Two steps, each printing its slowest 25 tests: the suite without the tests marked slow (over the 20 s
# budget, README "Tests"), then those alone. CI runs them as two steps of .ci/run. pytest's exit code 5
# ("no tests ran") is no failure in test-slow: a narrowed run (PYTEST_ARGS) may select none of them.
# PYTHONDONTWRITEBYTECODE is emptied for the tests (and the workers and servers they start): with it set,
# every process compiles each module it imports from source and pytest rewrites every test module again,
# 25 s of CPU per xdist worker to collect the suite where cached bytecode takes 11 s (django.setup() alone
# 2.0 s against 1.1 s). The .pyc files go to __pycache__/, which git ignores.
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

test: test-main test-slow

test-main: install
	@$(PYTHON) -c "$$CHECK_SYSTEM" test
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

# test-slow collects only the modules that mark a test slow, unless PYTEST_ARGS says what to run: a worker
# collecting all four hundred modules to run a dozen tests spent 10-16 s of CPU on it. tests/conftest.py
# fails a run in which a test is marked slow in a module this grep misses.
SLOW_TEST_MODULES = $(shell grep -rlE 'mark\.slow' tests --include='test_*.py' | sort)

test-slow: install
	@$(PYTHON) -c "$$CHECK_SYSTEM" test
	$(PYTEST) -m slow $(or $(strip $(PYTEST_ARGS)),$(SLOW_TEST_MODULES)) || [ $$? -eq 5 ]

# The system packages ispbill needs beside Python: Pango for WeasyPrint's PDFs (HarfBuzz-Subset makes
# them fast), and for `make test` Chromium's headless shell for the browser tests and gettext for the catalogue test. Fonts are shipped in static/vendor/.
check-system:
	@EMBEDDED_DB=$(EMBEDDED_DB) $(PYTHON) -c "$$CHECK_SYSTEM" run

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	@$(BIN)/python -c "$$CHECK_ENV_EXAMPLE"

bench:
	@shopt -s nullglob; scripts=(bench/[!_]*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmark scripts in bench/ yet."; exit 0; fi; \
	echo "Benchmarks (run one with: $(BIN)/python bench/<name>.py):"; \
	for script in "$${scripts[@]}"; do \
	  summary=$$($(PYTHON) -c 'import ast, sys; doc = ast.get_docstring(ast.parse(open(sys.argv[1]).read())) or ""; print(doc.strip().splitlines()[0] if doc.strip() else "")' "$$script"); \
	  printf "  %-32s %s\n" "$$script" "$$summary"; \
	done

# Every variable settings.py reads must be documented in .env.example.
define CHECK_ENV_EXAMPLE
import re, sys
read = set(re.findall(r"\.(?:str|bool|int|float|list|tuple|dict|json|url|path|db|cache)\(\s*\"([A-Z][A-Z0-9_]*)\"", open("config/settings.py").read()))
documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", open(".env.example").read(), re.M))
missing = sorted(read - documented)
print(".env.example documents every setting read from the environment." if not missing else ".env.example is missing: " + ", ".join(missing))
sys.exit(1 if missing else 0)
endef
export CHECK_ENV_EXAMPLE

# (package, what needs it, the library or program that shows it is there, needed or only recommended)
define CHECK_SYSTEM
import ctypes.util, glob, os, shutil, sys
target = sys.argv[1]
wanted = [
    ("libpango-1.0-0", "PDFs (WeasyPrint)", lambda: ctypes.util.find_library("pango-1.0"), True),
    ("libpangoft2-1.0-0", "PDFs (WeasyPrint)", lambda: ctypes.util.find_library("pangoft2-1.0"), True),
    ("libharfbuzz-subset0", "fast PDFs (WeasyPrint, ~5x slower without)", lambda: ctypes.util.find_library("harfbuzz-subset"), False),
]
embedded = target == "run" and os.environ.get("EMBEDDED_DB") == "1"
if embedded or target == "test":
    # The demo's own PostgreSQL (demo/embedded_db.py): its server from /usr/lib/postgresql/<version>/bin.
    wanted.append(("postgresql", "the demo's database (make run starts its own PostgreSQL in var/postgres/)" if embedded
                   else "the tests of make run's own PostgreSQL (tests/demo/test_embedded_db.py)",
                   lambda: os.path.exists(os.path.join(os.environ["PG_BIN"], "initdb")) if os.environ.get("PG_BIN") else glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb"), True))
if embedded or os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # `manage.py backup`/`restore` of a PostgreSQL database (SQLite's are made in Python); the tests back one up.
    # (The package postgresql, which the embedded one needs, brings it along.)
    if not embedded:
        wanted.append(("postgresql-client", "backups of PostgreSQL (pg_dump, pg_restore)", lambda: shutil.which("pg_dump") and shutil.which("pg_restore"), target == "test"))
    if target == "run":
        # Only recommended: without it the demo's `radius` process says so and the routers stay in API mode.
        wanted.append(("freeradius freeradius-postgresql", "RADIUS in the demo (make run starts FreeRADIUS on PostgreSQL)", lambda: shutil.which("freeradius"), False))
if target == "test":
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
    wanted.append(("chromium-headless-shell", "browser tests", lambda: os.access(chromium, os.X_OK), True))
    wanted.append(("gettext", "the Bangla catalogue test (makemessages)", lambda: shutil.which("msgfmt") and shutil.which("xgettext"), True))
missing = [(package, why, needed) for package, why, found, needed in wanted if not found()]
if missing:
    print("Missing system packages: " + "; ".join(f"{package} ({why})" for package, why, _needed in missing) + ". Install them with:", file=sys.stderr)
    print("  sudo apt-get install " + " ".join(package for package, _why, _needed in missing), file=sys.stderr)
sys.exit(1 if any(needed for _package, _why, needed in missing) else 0)
endef
export CHECK_SYSTEM
