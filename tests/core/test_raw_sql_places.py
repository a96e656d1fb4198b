"""Raw SQL in one place per app (docs/architecture.md, "Rules that keep it honest").

Hand-written statements sent through a cursor (`execute`, `executemany`, COPY) and every difference
between PostgreSQL and SQLite (a `.vendor` check, an `as_postgresql`/`as_sqlite` compilation) live in
one module per app, named for what it does, where each says why the ORM was not enough; core keeps
its five (the statement runner, COPY in bulk, the gap-free counters, the migrations' vendor switch, the backups).
This test reads the production packages' source and fails on such code anywhere else: move it into
the app's module (or, for a new app, add that app's one module below).
"""

import ast
import re

from tests import structure

ROOT = structure.ROOT
PACKAGES = structure.packages()  # every package, the wiring (config/), the demo, the API and the interface included

ALLOWED = {
    # One module per app.
    "churn/sql.py",  # the feature reads, the usage windows' upkeep, the score table's swap
    "customers/sql.py",  # the counted-customer rule, the customer list's page statement and per-database pieces
    "dashboard/snapshot_sql.py",  # the analytics snapshot's frame and temporary tables
    "imports/rows_sql.py",  # the write-back of an import chunk's rows
    "ispbill/notify/queue_sql.py",  # the COPY of queued messages
    "network/usage_sql.py",  # the usage poller's samples and roll-ups
    "fibre/sql.py",  # the OLT poll's writes, the optical history's partitions, roll-ups and retention
    "payments/settle_sql.py",  # an IPN's settle-and-record statement
    # Core: the modules that exist for raw SQL.
    "ispbill/core/bulk.py",  # COPY and UPDATE … FROM unnest for many rows
    "ispbill/core/migration_ops.py",  # statements for PostgreSQL only, in migrations
    "ispbill/core/numbering.py",  # the gap-free counters' UPDATE … RETURNING
    "ispbill/core/statements.py",  # the statement runner of the hot paths, the key rotation's token reads
    "ispbill/core/backup.py",  # backups: the snapshot pg_dump shares, every table counted, the money columns summed, per-vendor dump and restore
    "billing/ledger/sql.py",  # the run's set-based writes, ANALYZE and advance; the journal's posting; the wallets' request statements
    "resellers/sql.py",  # a renewal request's reads, the settling gate's advisory lock
    "vouchers/radius_sql.py",  # FreeRADIUS's card functions: the key row, the grants, the functions called from the tests
    "demo/yielding.py",  # the demo loader leaving gaps in SQLite's one write lock (SQLite only)
    "radius/sql.py",  # FreeRADIUS's role and grants, the stale-session and NAS-reboot closes (PostgreSQL only)
}

CURSOR_CALLS = {"execute", "executemany", "copy_expert", "copy_from", "copy_to", "raw"}  # raw: Manager.raw
VENDOR_METHODS = {"as_postgresql", "as_sqlite", "as_mysql", "as_oracle"}
COPY = re.compile(r"\s*COPY\s.*\s(FROM|TO)\s+(STDIN|STDOUT|PROGRAM\b|')", re.IGNORECASE | re.DOTALL)


def _production_modules():
    yield from structure.source_files(*PACKAGES)


def _text(node: ast.Constant | ast.JoinedStr) -> str:
    """A string literal's text; an f-string's with `{}` for each replacement field."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    return "".join(_text(part) if isinstance(part, ast.Constant) else "{}" for part in node.values)


def raw_sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for each piece of raw SQL or per-database code in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CURSOR_CALLS:
            found.append((node.lineno, f".{node.func.attr}(…)"))
        elif isinstance(node, ast.Attribute) and node.attr == "vendor":
            found.append((node.lineno, ".vendor"))
        elif isinstance(node, ast.FunctionDef) and node.name in VENDOR_METHODS:
            found.append((node.lineno, f"def {node.name}"))
        elif isinstance(node, (ast.Constant, ast.JoinedStr)) and COPY.match(_text(node)):
            found.append((node.lineno, "COPY"))
    return found


def test_raw_sql_and_database_differences_live_only_in_the_allowed_modules():
    outside = [
        f"{name}:{line}: {what}"
        for name, path in _production_modules() if name not in ALLOWED
        for line, what in raw_sql_in(path.read_text())
    ]
    assert outside == [], "raw SQL outside its app's module (see this test's docstring):\n" + "\n".join(outside)


def test_every_allowed_module_exists():
    assert sorted(name for name in ALLOWED if not (ROOT / name).is_file()) == []


def test_the_scan_sees_what_it_looks_for():
    source = '''
def f(cursor, connection, copy_target):
    cursor.execute("SELECT 1")
    cursor.executemany("INSERT INTO t VALUES (%s)", [(1,)])
    Model.objects.raw("SELECT 1")
    with cursor.copy(f"COPY {copy_target} (a) FROM STDIN"):
        pass
    return connection.vendor == "postgresql"

class Joined:
    def as_sqlite(self, compiler, connection):
        pass
'''
    assert {what for _, what in raw_sql_in(source)} == {".execute(…)", ".executemany(…)", ".raw(…)", "COPY", ".vendor", "def as_sqlite"}
    prose = 'def g(rows):\n    """COPY them from the sheet to the table; rows.copy() is a list\'s."""\n    return rows.copy()\n'
    assert raw_sql_in(prose) == []
