"""Imports' raw SQL: every statement imports sends through a cursor, and every difference between
PostgreSQL and SQLite in imports, live in this module (tests/core/test_raw_sql_places.py holds the
line). Today that is the write-back of a committed chunk's rows (`imports.services.batch_chunk_record`): a 50,000-row
sheet is 50 chunks of 1,000 rows, each row's outcome written back once.

Tested on both databases by tests/imports/ (test_services.py, test_bulk_commit.py: the rows'
outcomes read back after a commit).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from .models import ImportRow

ROW_RESULT_FIELDS = ("done", "errors", "action", "customer", "subscription", "opening_entry", "past_payment", "previous", "values", "data")


def rows_save(rows: list[ImportRow]) -> None:
    """Write back what the commit did to a chunk's rows: bulk_update, but on PostgreSQL one UPDATE from
    a single JSON document. Why not the ORM there: bulk_update writes a CASE branch per row and field,
    which made 1,000 rows a 9,000-branch statement that Django builds and PostgreSQL parses one branch
    at a time; `UPDATE … FROM jsonb_to_recordset(…)` has no ORM form."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_update(rows, ROW_RESULT_FIELDS, batch_size=200)
        return
    document = json.dumps([
        {"id": r.pk, "errors": r.errors, "action": r.action, "customer_id": _pk(r.customer), "subscription_id": _pk(r.subscription),
         "opening_entry_id": _pk(r.opening_entry), "past_payment_id": _pk(r.past_payment), "previous": r.previous, "values": r.values, "data": r.data}
        for r in rows
    ], cls=DjangoJSONEncoder)
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET done = true, errors = v.errors, action = v.action, customer_id = v.customer_id, "
            "subscription_id = v.subscription_id, opening_entry_id = v.opening_entry_id, past_payment_id = v.past_payment_id, "
            "previous = v.previous, "
            '"values" = v."values", data = v.data '
            "FROM jsonb_to_recordset(%s::jsonb) AS v(id bigint, errors jsonb, action text, customer_id bigint, "
            'subscription_id bigint, opening_entry_id bigint, past_payment_id bigint, previous jsonb, "values" jsonb, data jsonb) WHERE r.id = v.id',
            [document],
        )


def _pk(obj) -> int | None:
    # The object's id, not the row's cached *_id: a subscription assigned before it was saved left that None.
    return obj.pk if obj is not None else None
