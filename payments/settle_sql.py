"""Payments' raw SQL: every statement payments sends through a cursor, and every difference between
PostgreSQL and SQLite in payments, live in this module (tests/core/test_raw_sql_places.py holds the
line). Today that is the settling of an online payment by an IPN (`online._settle_row`), which a burst
of gateway notifications runs hundreds of times a minute.

Tested on both databases by tests/payments/ (test_online_flow.py, test_online_attacks.py; the
concurrency of settling in test_online_concurrency.py, on PostgreSQL).
"""

from collections.abc import Mapping
from contextlib import nullcontext

from django.db import connection, transaction
from django.utils import timezone

from . import sslcommerz
from .models import GatewayEvent, GatewayPayment


def settle_with_event(gp: GatewayPayment, settled: Mapping, *, kind: str, outcome: str, data: Mapping) -> bool | None:
    """PostgreSQL: apply `settled` to the payment if it is still open and write the event saying so,
    in one statement (an UPDATE … RETURNING feeding the event's INSERT): an IPN's database work in a
    single round trip, no BEGIN or COMMIT of its own. True if it settled, False if the payment was no
    longer open; None on other databases, where the caller does the same in a transaction with the ORM.

    Why not the ORM: it has no data-modifying CTE, so the same work is an UPDATE, an INSERT and, outside
    a transaction, a BEGIN and a COMMIT: four round trips instead of one. Inside someone else's
    transaction a refused val_id (the unique constraint) must not break it: a savepoint then."""
    if connection.vendor != "postgresql":
        return None
    quote = connection.ops.quote_name
    fields = [GatewayPayment._meta.get_field(name) for name in settled]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    event = GatewayEvent._meta
    sql = (
        f"WITH settled AS (UPDATE {quote(GatewayPayment._meta.db_table)} SET {assignments} "
        f"WHERE id = %s AND status = ANY(%s::varchar[]) RETURNING id) "
        f"INSERT INTO {quote(event.db_table)} ({quote(event.get_field('gateway_payment').column)}, kind, outcome, data, at) "
        "SELECT id, %s, %s, %s, %s FROM settled RETURNING id"
    )
    params = [
        *(field.get_db_prep_save(value, connection) for field, value in zip(fields, settled.values())),
        gp.pk, list(GatewayPayment.OPEN_STATUSES),
        kind, outcome[:255], event.get_field("data").get_db_prep_save(sslcommerz.redact(dict(data)), connection), timezone.now(),
    ]
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None
