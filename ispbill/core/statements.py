"""Hand-written statements for the few paths where Django's query building is the cost.

Building and compiling an ORM query costs 0.4–0.9 ms of Python per statement; sending the same SQL
through a cursor costs about 0.1 ms. On a path that runs hundreds of times a second (a reseller's
renewal requests against one wallet) that is most of the request. These helpers keep what the ORM
gives that such a path still needs:

- `statement_cursor()`: a Django cursor (same connection and transaction, wrapped and logged like
  any other, so query counting and `execute_wrapper` see it) that on PostgreSQL binds parameters on
  the server, so psycopg prepares a statement the connection keeps running (from its fifth run) and
  PostgreSQL skips parsing and planning it. Write portable SQL: `%s` placeholders, no `= ANY(%s)`.
- `instances(model, names, rows)`: model instances from rows of those fields' columns, each value
  converted as the ORM converts it (SQLite returns decimals as floats, for one).
- `rows_create(model, objects)`: INSERT … RETURNING the ids, one statement for any number of rows;
  defaults and `auto_now_add` apply as in `bulk_create` (save() and signals do not run).

It also holds the one statement of core that is not about speed: `tokens_rotate`, for
`manage.py rotate_field_keys`, reads encrypted fields' stored tokens, which the ORM never hands back.

This is one of core's raw-SQL modules (with bulk.py, numbering.py and migration_ops.py;
tests/core/test_raw_sql_places.py holds the line); tests/core/test_statements.py and
tests/core/test_audit_and_fields.py run each function here on both databases.
"""

from contextlib import contextmanager
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

# Each helper looks the connection up once: `django.db.connection` is a proxy that finds the thread's
# connection on every attribute read, and a row's worth of those reads cost as much as the statement.


def on_postgresql() -> bool:
    """Whether the default database is PostgreSQL: what PostgreSQL-only features (RADIUS: FreeRADIUS
    reads views of ours through rlm_sql) ask before they start, to refuse with a clear message."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


@contextmanager
def statement_cursor():
    """Why not the ORM: see above; this is the cursor its callers' hand-written statements go through.
    Only PostgreSQL binds on the server; SQLite gets Django's own cursor."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    import psycopg

    db.ensure_connection()
    # Django's own wrapping of a cursor it made (`_prepare_cursor`: error translation, query logging),
    # around a psycopg cursor that binds on the server instead of the ClientCursor Django would make.
    with db.wrap_database_errors:
        cursor = db._prepare_cursor(psycopg.Cursor(db.connection))
    with cursor:
        yield cursor


@cache
def _fields(model: type[models.Model], names: tuple[str, ...]) -> tuple[models.Field, ...]:
    return tuple(model._meta.get_field(name) for name in names)


@cache
def _converters(model: type[models.Model], names: tuple[str, ...], vendor: str):
    """Per column that needs any, (its index, the column, the ORM's converters for it on this
    database: the backend's, then the field's)."""
    db = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    plan = []
    for index, field in enumerate(_fields(model, names)):
        column = field.get_col(table)
        found = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if found:
            plan.append((index, column, tuple(found)))
    return tuple(plan)


def converted(model: type[models.Model], names: tuple[str, ...], row) -> list:
    """The values of a row of the fields `names`' columns (in order), as the ORM would give them."""
    db = connections[DEFAULT_DB_ALIAS]
    return _convert(_converters(model, names, db.vendor), row, db)


def _convert(plan, row, db) -> list:
    values = list(row)
    for index, column, converters in plan:
        for converter in converters:
            values[index] = converter(values[index], column, db)
    return values


def instances(model: type[models.Model], names: tuple[str, ...], rows) -> list[models.Model]:
    """Instances of `model` from `rows`, each the values of the fields `names` (in order); a row may
    carry more values after those, which are left out."""
    db = connections[DEFAULT_DB_ALIAS]
    plan = _converters(model, names, db.vendor)
    attnames = [field.attname for field in _fields(model, names)]
    width = len(names)
    return [model.from_db(db.alias, attnames, _convert(plan, row[:width], db)) for row in rows]


def prepared(model: type[models.Model], name: str, value):
    """`value` as a parameter for the field `name`'s column (as a query with the ORM would send it)."""
    return model._meta.get_field(name).get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])


@cache
def columns(model: type[models.Model], alias: str = "") -> tuple[tuple[str, ...], str]:
    """(every concrete field's name, the SQL list of their columns, each prefixed by `alias.`): what
    `instances` reads back."""
    fields = model._meta.concrete_fields
    prefix = f"{alias}." if alias else ""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return tuple(f.name for f in fields), ", ".join(prefix + quote(f.column) for f in fields)


@cache
def _insert(model: type[models.Model]) -> tuple[tuple[models.Field, ...], str, str, str]:
    """(the fields an insert writes, `INSERT INTO table (columns) VALUES`, one row's placeholders,
    `RETURNING pk`)."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return fields, f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES", placeholders, f"RETURNING {quote(model._meta.pk.column)}"


def rows_create(model: type[models.Model], objects: list[models.Model]) -> list[models.Model]:
    """Insert `objects` (unsaved instances) in one statement and give each its id. Why not the ORM:
    bulk_create builds and compiles its INSERT in Python on every call, most of a renewal request's
    cost; this statement's text is cached per model and, on PostgreSQL, prepared on the server."""
    if not objects:
        return objects
    db = connections[DEFAULT_DB_ALIAS]
    fields, insert, row, returning = _insert(model)
    params = []
    for obj in objects:
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields)
    with statement_cursor() as cursor:
        cursor.execute(f"{insert} {', '.join([row] * len(objects))} {returning}", params)
        ids = [found[0] for found in cursor.fetchall()]
    for obj, new_id in zip(objects, ids, strict=True):
        obj.pk = new_id
        obj._state.adding, obj._state.db = False, db.alias
    return objects


def tokens_rotate(model: type[models.Model], field: models.Field, rotate) -> int:
    """Re-encrypt every stored token of the encrypted `field` of `model` with `rotate` (a MultiFernet's
    `rotate`), in one transaction; returns how many. Why not the ORM: it would hand back decrypted
    values (the field's `from_db_value`), and rotation needs the tokens as stored."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' AND {column} IS NOT NULL")
        rows = cursor.fetchall()
        cursor.executemany(
            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
            [(rotate(token.encode()).decode(), row_pk) for row_pk, token in rows],
        )
    return len(rows)
