"""The database connections kept from one committing test to the next.

After a test that commits (`django_db(transaction=True)`, every browser test), Django closes every
connection, so that the next test does not inherit one whose set-up statements a rollback undid.
Ours have none to lose: the suite's session settings are startup options (tests/conftest.py) and
Django sets the time zone in autocommit. A new connection is a new PostgreSQL backend that reads
its catalogue afresh for every table it touches, which cost more than the fast flush itself. A
connection is still closed when it is unusable, not in autocommit, or inside a transaction.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.postgresql.creation import DatabaseCreation
from django.test.testcases import TransactionTestCase


def _should_reload_connections(self) -> bool:
    return any(
        not connection.get_autocommit() or connection.in_atomic_block or not connection.is_usable()
        for connection in connections.all(initialized_only=True)
        if connection.connection is not None
    )


def _dropped_whoever_is_connected(self, test_database_name, verbosity):
    """The test database is dropped at the end of the run even while a connection is still open: one a
    live server's request thread keeps for its client's next request, say, which PostgreSQL would
    otherwise refuse ("being accessed by other users"), leaving the database behind."""
    self.connection.close_pool()
    with self._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE {self.connection.ops.quote_name(test_database_name)} WITH (FORCE)")


def install() -> None:
    TransactionTestCase._should_reload_connections = _should_reload_connections
    DatabaseCreation._destroy_test_db = _dropped_whoever_is_connected
