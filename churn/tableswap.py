"""PostgreSQL: replace a table by a new one built beside it, keeping what the migrations made.

The churn scoring rewrites every ChurnRisk row daily; loading a new table without indexes and
building them afterwards is several times cheaper than updating every row in place (churn/services.py,
`_write_by_swap`). This module does the table part: read the old table's shape from the catalog
(`TableShape.read`), create the new table like it, build its constraints and indexes under temporary
names exactly as the catalog defines them, then drop the old table and give the new one, its
sequence, constraints and indexes the old names (`TableShape.swap`).

What it carries over: columns (types, NOT NULL, defaults, identity, storage, compression, column
comments), primary key, unique, exclusion, check and foreign-key constraints (deferrability
included), the other indexes, storage parameters, privileges and the table's comment. What it
cannot carry (triggers, row-level security, rules, publications, extended statistics, inheritance,
tablespaces, a non-identity key) makes `TableShape.read` refuse, rather than lose them silently.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from psycopg import errors, sql

# Each lock waits at most LOCK_TIMEOUT at a time, LOCK_TRIES times with LOCK_PAUSE between: while a
# lock request waits, every later request that conflicts with it waits behind it (readers too, for
# ACCESS EXCLUSIVE), so a long transaction on one of the tables delays the swap, not the staff pages.
LOCK_TIMEOUT = "2s"
LOCK_TRIES = 5
LOCK_PAUSE = 1.0


class SwapRefused(Exception):
    """The table has something a swap would lose."""


def lock(cur, tables: list[sql.Identifier], mode: str) -> None:
    """`LOCK TABLE … IN <mode> MODE` with a bounded wait, tried LOCK_TRIES times; each try in its own
    savepoint, so a try that times out leaves the transaction usable. The caller's lock_timeout is
    restored afterwards."""
    statement = sql.SQL("LOCK TABLE {} IN " + mode + " MODE").format(sql.SQL(", ").join(tables))
    cur.execute("SELECT current_setting('lock_timeout')")
    (previous,) = cur.fetchone()
    cur.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
    for attempt in range(1, LOCK_TRIES + 1):
        cur.execute("SAVEPOINT table_swap_lock")
        try:
            cur.execute(statement)
        except errors.LockNotAvailable:
            cur.execute("ROLLBACK TO SAVEPOINT table_swap_lock")
            if attempt == LOCK_TRIES:
                cur.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
                raise
            time.sleep(LOCK_PAUSE)
        else:
            cur.execute("RELEASE SAVEPOINT table_swap_lock")
            break
    cur.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


@dataclass
class TableShape:
    schema: str
    table: str
    key: str  # the identity column
    sequence: str  # its sequence, qualified as pg_get_serial_sequence gives it
    constraints: list[tuple[str, str, str]]  # (name, contype, pg_get_constraintdef)
    indexes: list[tuple[str, bool, str]]  # indexes backing no constraint: (name, unique, their definition from USING on)
    referenced: list[sql.Identifier]  # the tables the foreign keys point to
    options: list[str]  # storage parameters (reloptions)
    grants: list[tuple[str, bool, str | None]]  # (privilege, grantable, grantee: a role, or None for PUBLIC)
    comment: str | None

    @classmethod
    def read(cls, cur, table: str, key: str = "id") -> TableShape:
        """The shape of `table` (found through the search path, as Django names it), whose identity
        column is `key`; SwapRefused if it has what a swap would lose."""
        cur.execute(
            """
            SELECT c.oid, n.nspname, c.relkind, c.relpersistence, c.reltablespace, c.relrowsecurity, c.relhasrules,
                   c.relhassubclass OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid),
                   c.reloptions, obj_description(c.oid, 'pg_class'), pg_get_serial_sequence(c.oid::regclass::text, %s),
                   (SELECT array_agg(t.tgname::text) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                   EXISTS (SELECT 1 FROM pg_publication_rel p WHERE p.prrelid = c.oid),
                   EXISTS (SELECT 1 FROM pg_statistic_ext s WHERE s.stxrelid = c.oid),
                   EXISTS (SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                           WHERE x.indrelid = c.oid AND i.reltablespace <> 0),
                   (SELECT a.attidentity FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = %s)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = %s::regclass
            """,
            [key, key, table],
        )
        (oid, schema, kind, persistence, tablespace, row_security, rules, inherits, options, comment, sequence, triggers,
         published, statistics, index_tablespace, identity) = cur.fetchone()
        refused = [
            reason for reason, present in [
                (f"relkind {kind}", kind != "r"), ("not a logged table", persistence != "p"),
                ("a tablespace", tablespace or index_tablespace), ("row-level security", row_security), ("rules", rules),
                ("inheritance or partitions", inherits), (f"triggers {triggers}", triggers), ("a publication", published),
                ("extended statistics", statistics), (f"{key} is not an identity column", identity not in ("a", "d") or not sequence),
            ] if present
        ]
        if refused:
            raise SwapRefused(f"{table} cannot be swapped without losing: {', '.join(refused)}")
        cur.execute("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s ORDER BY conname", [oid])
        constraints = cur.fetchall()
        if kinds := {kind for _, kind, _ in constraints} - set("pufcx"):
            raise SwapRefused(f"{table} cannot be swapped without losing constraints of kind {sorted(kinds)}")
        cur.execute(
            """
            SELECT i.relname, x.indisunique, pg_get_indexdef(i.oid),
                   'CREATE ' || CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' || quote_ident(i.relname)
                   || ' ON ' || quote_ident(%s) || '.' || quote_ident(%s) || ' USING '
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = %s)
            ORDER BY i.relname
            """,
            [schema, table, oid, oid],
        )
        indexes = []
        for name, unique, definition, head in cur.fetchall():
            if not definition.startswith(head):
                raise SwapRefused(f"index {name}: a definition this swap does not know how to rebuild: {definition!r}")
            indexes.append((name, unique, definition[len(head):]))
        cur.execute(
            """
            SELECT DISTINCT n.nspname, c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.conrelid = %s AND k.contype = 'f' ORDER BY 1, 2
            """,
            [oid],
        )
        referenced = [sql.Identifier(*row) for row in cur.fetchall()]
        cur.execute(
            """
            SELECT a.privilege_type, a.is_grantable, r.rolname
            FROM pg_class c, aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.oid = %s AND a.grantee <> c.relowner ORDER BY 3, 1
            """,
            [oid],
        )
        grants = cur.fetchall()
        return cls(schema, table, key, sequence, constraints, indexes, referenced, list(options or []), grants, comment)

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.table)

    @property
    def foreign_keys(self) -> list[sql.Identifier]:
        return [sql.Identifier(name) for name, kind, _ in self.constraints if kind == "f"]

    def create(self, cur, new: str) -> str:
        """The new table, with the old one's columns, storage parameters, privileges and comment and no
        index or constraint but NOT NULL yet. Returns its identity sequence (qualified)."""
        ident = sql.Identifier(self.schema, new)
        cur.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES EXCLUDING CONSTRAINTS EXCLUDING STATISTICS)")
                    .format(ident, self.ident))
        if self.options:
            cur.execute(sql.SQL("ALTER TABLE {} SET (").format(ident) + sql.SQL(", ".join(self.options) + ")"))
        for privilege, grantable, grantee in self.grants:
            cur.execute(sql.SQL("GRANT " + privilege + " ON {} TO {}").format(ident, sql.Identifier(grantee) if grantee else sql.SQL("PUBLIC"))
                        + sql.SQL(" WITH GRANT OPTION" if grantable else ""))
        if self.comment is not None:
            cur.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(ident, sql.Literal(self.comment)))
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [ident.as_string(cur), self.key])
        return cur.fetchone()[0]

    def build(self, cur, new: str, *, foreign_keys: bool) -> None:
        """The old table's constraints and indexes on the new one, under temporary names: all but the
        foreign keys, or only the foreign keys."""
        ident = sql.Identifier(self.schema, new)
        for number, (_name, kind, definition) in enumerate(self.constraints):
            if (kind == "f") == foreign_keys:
                cur.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(ident, self._temporary("c", number)) + sql.SQL(definition))
        if not foreign_keys:
            for number, (_name, unique, rest) in enumerate(self.indexes):
                head = sql.SQL("CREATE UNIQUE INDEX {} ON {} USING " if unique else "CREATE INDEX {} ON {} USING ")
                cur.execute(head.format(self._temporary("i", number), ident) + sql.SQL(rest))

    def swap(self, cur, new: str, new_sequence: str) -> None:
        """Drop the old table; the new one, its identity sequence, constraints and indexes take the old
        names. The caller holds the locks: ACCESS EXCLUSIVE on the table and on the tables its foreign
        keys point to (dropping the old table removes its foreign keys' triggers from those)."""
        cur.execute("SELECT relname FROM pg_class WHERE oid = %s::regclass", [self.sequence])
        (sequence_name,) = cur.fetchone()
        cur.execute(sql.SQL("DROP TABLE {}").format(self.ident))
        cur.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(self.schema, new), sql.Identifier(self.table)))
        cur.execute(sql.SQL("ALTER SEQUENCE ") + sql.SQL(new_sequence) + sql.SQL(" RENAME TO {}").format(sql.Identifier(sequence_name)))
        for number, (name, _kind, _definition) in enumerate(self.constraints):
            cur.execute(sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(self.ident, self._temporary("c", number), sql.Identifier(name)))
        for number, (name, _unique, _rest) in enumerate(self.indexes):
            cur.execute(sql.SQL("ALTER INDEX {}.{} RENAME TO {}").format(sql.Identifier(self.schema), self._temporary("i", number), sql.Identifier(name)))

    def _temporary(self, kind: str, number: int) -> sql.Identifier:
        """A constraint's (c) or index's (i) name until the swap."""
        return sql.Identifier(f"{self.table}_swap_{kind}{number}")
