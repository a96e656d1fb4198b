"""`make run`'s background loader leaves SQLite's write lock to the web server between its transactions.

SQLite has one write lock for the whole file. The demo's web server, worker and beat share it with
`manage.py seed --later`, which writes the later demo steps for minutes after the first page. A writer
that finds the lock taken waits (the busy timeout in config/settings.py) by polling it: every 100 ms
once it has waited a little. A loader that commits and at once begins its next transaction holds the
lock nearly all the time, and a sign-in (a handful of short writes: the session, the last login, the
audit record) waited 10–36 s for a gap it kept missing.

Inside `leave_gaps()` the loader pauses after each transaction for as long as it held the lock (at
least `SHORTEST_PAUSE`, at most `LONGEST_PAUSE`): it holds the lock about half of the time, and a
waiting request's next poll finds it free. With the seed steps' transactions kept short (a customer or
a batch each), a request waits well under a second. Only the loader's own connection in this thread is
touched; web, worker and beat are not slowed at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import connections

SHORTEST_PAUSE = 0.02
LONGEST_PAUSE = 0.5


@contextmanager
def leave_gaps(using: str = "default", *, share: float = 1.0) -> Iterator[list[float]]:
    """Pause `share` × the time each transaction held the write lock after it ends (SQLite only: on
    PostgreSQL rows are locked, not the database, and nothing changes). Yields the list of the
    transactions' times, longest first once the block ends (for the tests and the log)."""
    connection = connections[using]
    held: list[float] = []
    if connection.vendor != "sqlite":
        yield held
        return
    began: list[float] = []
    start, commit, rollback = connection._start_transaction_under_autocommit, connection.commit, connection.rollback

    def start_transaction():
        start()
        began[:] = [time.monotonic()]

    def ended(end):
        def end_then_pause():
            try:
                end()
            finally:
                if began:
                    seconds = time.monotonic() - began.pop()
                    held.append(seconds)
                    time.sleep(min(max(seconds * share, SHORTEST_PAUSE), LONGEST_PAUSE))
        return end_then_pause

    with (
        mock.patch.object(connection, "_start_transaction_under_autocommit", start_transaction),
        mock.patch.object(connection, "commit", ended(commit)),
        mock.patch.object(connection, "rollback", ended(rollback)),
    ):
        yield held
    held.sort(reverse=True)
