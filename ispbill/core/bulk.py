"""Writing many rows at once when nothing needs their ids back: COPY on PostgreSQL, bulk_create elsewhere.

Django 5.2's bulk_create on PostgreSQL sends each column as one array (INSERT … SELECT FROM UNNEST),
and psycopg escapes every double quote inside an array element with a regular-expression substitution
in Python: for JSON columns (an import's rows, audit snapshots) that was 20 of the 45 s of keeping and
checking 50,000 spreadsheet rows (bench/imports.py). COPY sends the same values as text rows, which
PostgreSQL parses itself. Field defaults, auto_now(_add) and each field's own conversion
(`get_db_prep_save`, e.g. encryption) apply as in bulk_create; save() and signals do not run, as with
bulk_create.

One of core's raw-SQL modules (tests/core/test_raw_sql_places.py); tests/core/test_bulk.py runs each
function here on both databases.
"""

import json
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


def rows_insert(model: type[models.Model], objects: list[models.Model], *, batch_size: int = 2000) -> int:
    """Insert `objects` (unsaved instances of `model`) without reading their ids back. Returns how many.
    Why not the ORM on PostgreSQL: bulk_create has no COPY (see above); elsewhere it is bulk_create."""
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


def rows_update(model: type[models.Model], objects: list[models.Model], fields: list[str]) -> int:
    """`bulk_update(objects, fields)` in one statement whatever the number of rows: on PostgreSQL an
    UPDATE … FROM unnest(one array per column) (bulk_update writes a CASE WHEN branch per row and
    field, which Django builds and compiles one by one, and which has no form without the CASE);
    elsewhere bulk_update. Returns how many."""
    if not objects:
        return 0
    db = connections[DEFAULT_DB_ALIAS]  # once: the `connection` proxy finds it again on every read
    if db.vendor != "postgresql":
        model.objects.bulk_update(objects, fields)
        return len(objects)
    sql, pk, columns = _unnest_update(model, tuple(fields))
    arrays = [[pk.get_db_prep_value(obj.pk, db) for obj in objects]]
    arrays += [[field.get_db_prep_save(getattr(obj, field.attname), db) for obj in objects] for field in columns]
    with db.cursor() as cursor:
        cursor.execute(sql, arrays)
        return cursor.rowcount


@cache
def _unnest_update(model: type[models.Model], fields: tuple[str, ...]):
    """(`rows_update`'s statement for these fields of `model`, its primary key, the fields)."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    types = [pk.rel_db_type(db) if pk.remote_field else pk.db_type(db)]
    types += [(field.rel_db_type(db) if field.remote_field else field.db_type(db)) for field in columns]
    casts = ", ".join(f"%s::{db_type}[]" for db_type in types)
    names = ", ".join(["pk", *(f"c{i}" for i in range(len(columns)))])
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, field in enumerate(columns))
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} FROM unnest({casts}) AS v({names}) "
        f"WHERE t.{quote(pk.column)} = v.pk"
    )
    return sql, pk, columns


def grouped_case(values: dict, output_field, *, default, then=None) -> models.Case:
    """CASE with one branch per distinct value (`pk IN (…)`), not one per row: many rows moved by a few
    distinct amounts or dates (a batch of renewals of a few packages). `then(value)` builds the branch's
    expression (default: the value itself)."""
    by_value: dict = {}
    for pk, value in values.items():
        by_value.setdefault(value, []).append(pk)
    return models.Case(
        *[models.When(pk__in=pks, then=then(value) if then else models.Value(value, output_field=output_field))
          for value, pks in by_value.items()],
        default=default, output_field=output_field,
    )
