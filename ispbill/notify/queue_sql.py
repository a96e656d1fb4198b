"""Notify's raw SQL: every statement notify sends through a cursor, and every difference between
PostgreSQL and SQLite in notify, live in this module (tests/core/test_raw_sql_places.py holds the
line). Today that is the insert of queued messages (`services._queue`), which a broadcast to every
customer makes a bulk write of tens of thousands of rows that need their ids back (the delivery tasks
are handed the ids).

Tested on both databases by tests/notify/test_services.py (a broadcast, a queue racing another).
"""

from django.db import connection

from .models import Message


def messages_insert(messages: list[Message], *, batch_size: int) -> None:
    """Insert `messages` (unsaved) and give each its id: COPY on PostgreSQL, bulk_create elsewhere.

    PostgreSQL: ids reserved from the sequence, rows streamed with COPY — a 20,000-customer broadcast
    in a fraction of the time multi-row INSERTs take. Why not the ORM: bulk_create sends multi-row
    INSERTs (UNNEST arrays on PostgreSQL) and has no COPY; COPY returns no ids, so they are taken from
    the sequence first (nextval over generate_series, which the ORM cannot call). An IntegrityError
    (an idempotency key queued meanwhile) propagates, as bulk_create's does."""
    if connection.vendor != "postgresql":
        Message.objects.bulk_create(messages, batch_size=batch_size)
        return
    quote = connection.ops.quote_name
    table = Message._meta.db_table
    fields = Message._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, Message._meta.pk.column, len(messages)],
        )
        for message, (pk,) in zip(messages, cursor.fetchall()):
            message.pk = message.id = pk
        columns = ", ".join(quote(field.column) for field in fields)
        # Plain values go to psycopg as they are; the JSON column and the encrypted one (a secret's
        # real text, Message.sealed) need Django's adaptation.
        attnames = [field.attname for field in fields]
        adapted = [(attnames.index(name), Message._meta.get_field(name)) for name in ("payload", "sealed")]
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for message in messages:
                row = [getattr(message, name) for name in attnames]
                for index, field in adapted:
                    row[index] = field.get_db_prep_save(row[index], connection)
                copy.write_row(row)
    for message in messages:
        message._state.adding = False
