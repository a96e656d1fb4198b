"""Writing many rows at once when nothing needs their ids back: COPY on PostgreSQL, bulk_create elsewhere.

Django 5.2's bulk_create on PostgreSQL sends each column as one array (INSERT … SELECT FROM UNNEST),
and psycopg escapes every double quote inside an array element with a regular-expression substitution
in Python: for JSON columns (an import's rows, audit snapshots) that was 20 of the 45 s of keeping and
checking 50,000 spreadsheet rows (bench/imports.py). COPY sends the same values as text rows, which
PostgreSQL parses itself. Field defaults, auto_now(_add) and each field's own conversion
(`get_db_prep_save`, e.g. encryption) apply as in bulk_create; save() and signals do not run, as with
bulk_create.
"""

import json

from django.db import connection, models


def rows_insert(model: type[models.Model], objects: list[models.Model], *, batch_size: int = 2000) -> int:
    """Insert `objects` (unsaved instances of `model`) without reading their ids back. Returns how many."""
    if not objects:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=batch_size)
        return len(objects)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)

    def value(field, obj):
        raw = field.pre_save(obj, True)
        if raw is None:
            return None
        if isinstance(field, models.JSONField):
            return json.dumps(raw, cls=field.encoder)
        return field.get_db_prep_save(raw, connection)

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for obj in objects:
            copy.write_row([value(f, obj) for f in fields])
    return len(objects)
