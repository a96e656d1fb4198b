"""Rows built once for a module's tests, the way Django's TestCase.setUpTestData builds them.

The rows are written inside a transaction that is rolled back after the module's last test; each test
runs in a savepoint inside it (pytest-django's `db`), so what one test writes is undone before the next
and the shared rows are never built again. For a module whose tests read a world that is costly to make
(a month of analytics snapshots) and that runs no committing test (`transaction=True` would empty the
tables under it). tests/conftest.py keeps such a module's tests on one xdist worker, so the world is
built once per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.test import override_settings

T = TypeVar("T")


def rows_for_the_module(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Yield what `build()` returns, its rows visible to every test of the module; roll them back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # A use case's durable atomic block runs inside it as inside Django's own TestCase (whose
        # class-wide atomic blocks carry this mark), instead of refusing to nest.
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            # As every test sees it (tests/conftest.py, _first_invoice_by_the_night_run).
            with override_settings(BILLING_DEFAULTS={**settings.BILLING_DEFAULTS, "invoice_at_activation": False}):
                built = build()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
