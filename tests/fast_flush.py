"""Emptying the test database after a test that committed, in a tenth of the time.

A test marked `django_db(transaction=True)` (and every browser test, through the live server) commits
for real, so Django empties the database after it: `flush` truncates all of our ~155 tables and runs
`post_migrate` again (content types, permissions, roles, default templates, SLA policies, checklists).
On PostgreSQL that cost 2–4 s per test, whatever the test wrote — TRUNCATE gives each table and each
index a new file — about a third of the suite's time.

Here the first flush of each test database is Django's own; what it leaves (the rows post_migrate
writes) is kept as the *baseline*, table by table, in COPY's text format. Every later flush deletes
the rows of the tables that hold any (one query finds them) and copies the baseline back, in one
transaction with `session_replication_role = replica`, so neither foreign-key checks nor our
append-only triggers object to the order of the deletes — the end state is the baseline, which is
consistent by construction. A baseline table the test did not touch is left as it is: its row count
and the transactions that wrote its rows (`xmin`) are what they were after the last flush, as any insert
or update writes a new `xmin` and any delete lowers the count. (The baseline is 2,700 rows, 1,600 of them
the roles' permissions, all deleted and copied back after every committing test before: tests/payments,
billing and customers took 53 s of PostgreSQL's CPU with that, 45 s without.) The result is the same database a real flush leaves
(tests/test_fast_flush.py compares the two table by table, ids included: a real flush here starts the
sequences again, so post_migrate's rows get the ids they have in the template, tests/template_db.py).
Sequences are otherwise left alone, except that none is left behind the rows copied back: a migration test that takes
an app back and forth drops and makes its tables again, with new sequences starting at 1, and the
baseline's rows (ids of the first flush) then met the next insert's id (a bank account refused as
"added at the same moment" in CI).

It needs a superuser connection (for the replication role); on SQLite, or as another role, Django's
flush runs as before.
"""

from __future__ import annotations

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections, transaction
from django.test.testcases import TransactionTestCase

_django_fixture_teardown = TransactionTestCase._fixture_teardown
# Per database alias: {table: COPY text} of what a real flush leaves, or None where the fast way is unavailable.
_baselines: dict[str, dict[str, bytes] | None] = {}
# Per database alias: {table: its fingerprint} of the baseline tables, read after the baseline was last put in place.
_fingerprints_left: dict[str, dict[str, tuple]] = {}


_tables_of: dict[str, list[str]] = {}


def _tables(connection) -> list[str]:
    """The tables Django's flush empties (those of our models), read once per database."""
    if connection.alias not in _tables_of:
        _tables_of[connection.alias] = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    return _tables_of[connection.alias]


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def tables_with_rows(connection) -> list[str]:
    """Our tables holding at least one row, in one round trip: a statement prepared once per connection,
    as planning its 180 probes took 9 ms a flush and running them takes under one."""
    probes = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT FROM {_quote(connection, table)})" for table in _tables(connection)
    )
    connection.ensure_connection()
    # Django's own cursors bind parameters on the client, which PostgreSQL cannot prepare.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(probes, prepare=True)
        return [row[0] for row in cursor.fetchall()]


def table_copy(connection, table: str) -> bytes:
    """The table's rows in COPY's text format (generated columns left out, as COPY does); a partitioned
    table (fibre's hourly readings) through a SELECT, which COPY ... TO needs for it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
        source = f"(SELECT * FROM {_quote(connection, table)})" if cursor.fetchone()[0] == "p" else _quote(connection, table)
        with cursor.cursor.copy(f"COPY {source} TO STDOUT") as copy:
            return b"".join(bytes(chunk) for chunk in copy)


def rows_replace(connection, rows: dict[str, bytes], *, keep: frozenset[str] = frozenset()) -> None:
    """Our tables hold exactly `rows` ({table: COPY text}) afterwards, but for the tables in `keep`, which
    are left as they are; in one transaction, with `session_replication_role = replica` so neither
    foreign-key checks nor our append-only triggers object to the order of the deletes."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in sorted((set(tables_with_rows(connection)) | set(rows)) - keep):
            cursor.execute(f"DELETE FROM {_quote(connection, table)}")
        for table, table_rows in rows.items():
            with cursor.cursor.copy(f"COPY {_quote(connection, table)} FROM STDIN") as copy:
                copy.write(table_rows)


def fingerprints(connection, tables) -> dict[str, tuple]:
    """{table: (its row count, the transactions that wrote its rows)}, in one round trip: the same before
    and after a test only if the test changed nothing in the table."""
    tables = sorted(tables)
    if not tables:
        return {}
    probes = " UNION ALL ".join(
        f"SELECT %s, count(*), array_agg(DISTINCT xmin::text ORDER BY xmin::text) FROM {_quote(connection, table)}"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probes, tables)
        return {table: (count, tuple(writers or ())) for table, count, writers in cursor.fetchall()}


def _fast_flush_available(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def baseline_capture(alias: str) -> None:
    """After Django's own flush: remember what it left, or that the fast way cannot be used here."""
    connection = connections[alias]
    if not _fast_flush_available(connection):
        _baselines[alias] = None
        return
    _baselines[alias] = {table: table_copy(connection, table) for table in tables_with_rows(connection)}
    _fingerprints_left[alias] = fingerprints(connection, _baselines[alias])


def id_sequences(connection, tables) -> dict[str, str]:
    """{table: its id column's sequence} for those of `tables` that have one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name = 'id' AND table_name = ANY(%s)", [list(tables)],
        )
        return {table: sequence for table, sequence in cursor.fetchall() if sequence}


def fast_flush(alias: str) -> None:
    """Leave the database as a real flush would: only the baseline rows, and no sequence behind them."""
    connection = connections[alias]
    baseline = _baselines[alias]
    left = _fingerprints_left.pop(alias, {})
    untouched = frozenset(table for table, now in fingerprints(connection, baseline).items() if left.get(table) == now)
    with transaction.atomic(using=alias):
        rows_replace(connection, {table: rows for table, rows in baseline.items() if table not in untouched}, keep=untouched)
        with connection.cursor() as cursor:
            for table, sequence in id_sequences(connection, baseline).items():
                cursor.execute(
                    f"SELECT setval(%s, top) FROM (SELECT max(id) AS top FROM {_quote(connection, table)}) AS rows"
                    " WHERE top > COALESCE(pg_sequence_last_value(%s::regclass), 0)", [sequence, sequence],
                )
    _fingerprints_left[alias] = fingerprints(connection, baseline)  # as committed
    # Django caches content types by id in the process; a test may have read another database, or a
    # migration test made an app's tables and types again, which a real flush's post_migrate would clear.
    ContentType.objects.clear_cache()


def django_flush(alias: str) -> None:
    """What Django's TransactionTestCase does after a test (no available_apps, no serialized rollback), but
    with the id sequences started again, as the template was flushed (tests/template_db.py): the rows
    post_migrate writes get the same ids every time, so content types keep theirs whichever flush ran."""
    call_command("flush", verbosity=0, interactive=False, database=alias, reset_sequences=True,
                 allow_cascade=False, inhibit_post_migrate=False)


def flush(alias: str = "default") -> None:
    """Empty the database as after a committing test: Django's own flush the first time (remembering what it
    left), the fast way after. Module fixtures that commit a seeded demo call it at their end too."""
    if alias not in _baselines:  # the first flush of this database: Django's own, then remember what it left
        django_flush(alias)
        baseline_capture(alias)
    elif _baselines[alias] is None:
        django_flush(alias)
    else:
        fast_flush(alias)


def _fixture_teardown(self):
    if self.available_apps is not None or self.serialized_rollback:
        return _django_fixture_teardown(self)
    for alias in self._databases_names(include_mirrors=False):
        flush(alias)


def install() -> None:
    TransactionTestCase._fixture_teardown = _fixture_teardown


def forget() -> None:
    """A test that empties or rebuilds the database behind Django's back makes the next flush a real one."""
    _baselines.clear()
    _fingerprints_left.clear()
    _tables_of.clear()
