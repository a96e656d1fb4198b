"""Payments' raw SQL: every statement payments sends through a cursor, and every difference between
PostgreSQL and SQLite in payments, live in this module (tests/core/test_raw_sql_places.py holds the
line). Today that is the settling of an online payment by an IPN (`gateway_state.gateway_payment_settle`),
which a burst of gateway notifications runs hundreds of times a minute, auto-pay's attempt rows, and
grouped payment recording (payments/grouped.py): whether it can group (`grouping_possible`), its turn
(`recording_turn`) and the turn to announce recorded groups (`announcing_turn`).

Tested on both databases by tests/payments/ (test_online_flow.py, test_online_attacks.py; the
concurrency of settling in test_online_concurrency.py, on PostgreSQL).
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction
from django.utils import timezone

from . import sslcommerz
from .models import GatewayEvent, GatewayPayment


def settle_with_event(gp: GatewayPayment, settled: Mapping, *, sources, kind: str, outcome: str, data: Mapping) -> bool | None:
    """PostgreSQL: apply `settled` to the payment if its status is still one of `sources` (the open
    ones the transition table lets become the new status: payments/gateway_state.py) and write the event saying so,
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
        gp.pk, [str(status) for status in sources],
        kind, outcome[:255], event.get_field("data").get_db_prep_save(sslcommerz.redact(dict(data)), connection), timezone.now(),
    ]
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def autopay_attempts_insert(rows: list[tuple[int, int, object]]) -> list[tuple[int, int]]:
    """Auto-pay's attempt rows for (invoice id, customer id, first charge day) triples, as one
    `INSERT … SELECT … FROM unnest(…) ON CONFLICT (invoice_id) DO NOTHING RETURNING`: the unique invoice
    column is the guard (a second scheduler, or a re-run, inserts nothing for an invoice that has its
    row). Returns (attempt id, invoice id) of the rows this call created, and only those: their notice
    is this caller's to send.

    Why SQL: the ORM's bulk_create(ignore_conflicts=True) returns no ids, so it cannot say which rows
    were new; a get_or_create per invoice is two or three round trips each. SQLite (tests, a laptop):
    that get_or_create, inside the caller's transaction."""
    from .models import AutoPayAttempt

    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = []
        for invoice_id, customer_id, when in rows:
            attempt, new = AutoPayAttempt.objects.get_or_create(
                invoice_id=invoice_id, defaults={"customer_id": customer_id, "next_try_on": when})
            if new:
                created.append((attempt.pk, invoice_id))
        return created
    now = timezone.now()
    table = connection.ops.quote_name(AutoPayAttempt._meta.db_table)
    sql = (
        f"INSERT INTO {table} (invoice_id, customer_id, next_try_on, status, tries, claimed_by, last_result, "
        "notified_before, created_at, updated_at) "
        "SELECT v.invoice_id, v.customer_id, v.next_try_on, %s, 0, '', '', false, %s, %s "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::date[]) AS v(invoice_id, customer_id, next_try_on) "
        "ON CONFLICT (invoice_id) DO NOTHING RETURNING id, invoice_id"
    )
    params = [AutoPayAttempt.Status.SCHEDULED, now, now,
              [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def grouping_possible() -> bool:
    """Whether a confirmed payment can be queued and recorded in a group (payments/grouped.py): only on
    PostgreSQL (SQLite's writers take turns anyway, and it has no advisory lock) and outside a
    transaction (a caller's open transaction would hide the queued row from whoever records the group)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


RECORDING_TURN = (7_303, 1)  # the advisory lock of grouped payment recording (7_301/7_302: resellers, churn)
ANNOUNCING_TURN = (7_303, 2)  # the advisory lock of announcing recorded groups (payments/grouped.py)


@contextmanager
def recording_turn() -> Iterator[bool]:
    """PostgreSQL: the turn to record queued payments (payments/grouped.py) for the block, if
    no one has it: yields True, and the block records and commits its group inside it; else yields
    False at once. An advisory lock, which the ORM has no word for; the receipt counter's own row lock
    cannot serve, as it must be taken after the customers' account locks (the order every payment
    takes them in), not before. Session-level and taken outside a transaction: one statement for the
    many who do not get it, where a transaction-level lock cost them a BEGIN and a COMMIT too; a
    process that dies holding it loses its connection, and the lock with it."""
    with _turn(RECORDING_TURN, "recording") as taken:
        yield taken


@contextmanager
def announcing_turn() -> Iterator[bool]:
    """PostgreSQL: the turn to announce recorded groups (payments/grouped.py), as `recording_turn`:
    True for the one who has it, False at once for the others (their groups are left to it)."""
    with _turn(ANNOUNCING_TURN, "announcing") as taken:
        yield taken


@contextmanager
def _turn(key: tuple[int, int], what: str) -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True  # SQLite: one writer at a time anyway
        return
    if connection.in_atomic_block:
        raise RuntimeError(f"the {what} turn is taken outside a transaction: its group must commit inside it")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        taken = cursor.fetchone()[0]
    if not taken:
        yield False
        return
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def recording_turn_wait() -> None:
    """PostgreSQL: wait until whoever has the turn has committed. Outside a transaction the shared
    lock is released as the statement ends, and every waiter wakes at once (the turn itself is one
    at a time)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", RECORDING_TURN)
