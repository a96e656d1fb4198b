"""One migrated template database for all of the suite's workers on PostgreSQL.

Each pytest-xdist worker used to build its own test database by running every migration (about
40 s of CPU each, and both at once on a 2-core machine: 80 s before the first test). Now the first
worker to get here migrates a template database, `<test name>_template`, and every worker's database
is a copy of it (`CREATE DATABASE … TEMPLATE`, a file copy of a second or two). The template is
labelled with a fingerprint of the project's code (migrations, and the post_migrate handlers that
write roles and default rows live in that code too) and is used again by a later run whose code has
the same fingerprint, so a developer re-running tests waits for no migration at all; any change to
the code outside tests/ builds it again. A file lock in the temp directory keeps the workers from
building it twice.

Once migrated, the template is flushed as a committing test's first flush flushes a worker's copy
(tests/fast_flush.py: sequences started again, post_migrate run): every test then starts from the same
rows with the same ids, content types included, whether or not a flush ran before it on its worker.
Before, a worker's first flush gave the content types new ids (the ticket's 140 became 291), so rows
seeded before one worker's first flush and copied into another's database after its own
(tests/seeded_demo.py) named types that were not there ("Key (content_type_id)=(140) is not
present", tests/demo/test_loading.py, once in a run of `make test-slow`).

The template starts from demo/migrated.sql (the dump `make run` restores, demo/embedded_db.py) while
that snapshot is current, and `migrate` then applies what is newer and runs the post_migrate handlers:
about 10 s instead of running every migration (two minutes of one worker while the other waits on the
lock, on a slow machine). tests/demo/test_migrated_snapshot.py migrates a database from nothing and
checks that the snapshot is exactly what migrate makes; without psql or a current snapshot the
migrations run from the start.

SQLite and a single process (`-n 0`) go Django's usual way, then flush the same way; `--reuse-db`
goes Django's usual way only.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command

from tests.fast_flush import django_flush

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", ".venv", "var", "docs", "static", "node_modules", ".git", "test-artifacts", "bench"}


def code_fingerprint() -> str:
    """A hash of every Python file of the project outside tests/, of this file (how the template is made)
    and of Django's version."""
    digest = hashlib.sha256(django.get_version().encode())
    digest.update(Path(__file__).read_bytes())
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(directory, name)
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _fingerprint_of(creation, database: str) -> str | None:
    with creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [database],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _restore_snapshot(creation, database: str) -> bool:
    """Make `database` anew from demo/migrated.sql when it is current; False (and no database) when it is
    not, when psql is missing or when the load fails."""
    from demo import embedded_db

    psql = shutil.which("psql")
    why_not = embedded_db.snapshot_current() or ("" if psql else "no psql")
    quote = creation.connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
        if why_not:
            print(f"test template: the migrations run from the start ({why_not})", file=sys.stderr, flush=True)
            return False
        cursor.execute(f"CREATE DATABASE {quote(database)}")
    params = creation.connection.settings_dict
    loaded = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", params["HOST"] or "127.0.0.1",
         "-p", str(params["PORT"] or 5432), "-U", params["USER"] or "postgres", "-d", database, "-f", str(embedded_db.SNAPSHOT)],
        capture_output=True, text=True, env={**os.environ, "PGPASSWORD": params["PASSWORD"] or ""},
    )
    if loaded.returncode:
        print(f"test template: the migrations run from the start (demo/migrated.sql did not load: {loaded.stderr.strip()[-300:]})",
              file=sys.stderr, flush=True)
        with creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(database)}")
        return False
    return True


def install() -> None:
    from django.db.backends.postgresql.creation import DatabaseCreation

    django_create_test_db = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if keepdb:
            return django_create_test_db(self, verbosity, autoclobber, serialize, keepdb)
        if not worker:
            created = django_create_test_db(self, verbosity, autoclobber, False, keepdb)
            django_flush(self.connection.alias)  # as the template below, for the same ids
            if serialize:
                self.connection._test_serialized_contents = self.serialize_db_to_string()
            return created
        name = self._get_test_db_name()
        template = f"{name.removesuffix('_' + worker)}_template"
        quote = self.connection.ops.quote_name
        fingerprint = code_fingerprint()
        with open(Path(tempfile.gettempdir()) / f"{template}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _fingerprint_of(self, template) != fingerprint:
                test_settings = self.connection.settings_dict["TEST"]
                own_name = test_settings.get("NAME")
                test_settings["NAME"] = template
                try:  # creates and migrates the template, and leaves the connection on it
                    restored = _restore_snapshot(self, template)
                    django_create_test_db(self, verbosity, True, False, restored)  # keepdb: migrate what is newer
                    django_flush(self.connection.alias)
                finally:
                    test_settings["NAME"] = own_name
                self.connection.close()
                with self._nodb_cursor() as cursor:  # hex digits only: safe to write into the statement
                    cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS '{fingerprint}'")
            self.connection.close()
            with self._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        call_command("createcachetable", database=self.connection.alias)
        self.connection.ensure_connection()
        return name

    DatabaseCreation.create_test_db = create_test_db
