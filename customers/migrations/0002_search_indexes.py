"""Indexes for the staff customer search (PostgreSQL only; SQLite needs none at demo size).

Django compiles `name__icontains=q` to `UPPER("name"::text) LIKE UPPER('%q%')` on PostgreSQL, so the
trigram indexes are built on exactly those expressions; `phone__contains=digits` compiles to
`"phone"::text LIKE '%digits%'`, which a trigram index on the column itself answers. Account numbers
all share their prefix and year, so a typed "CT-2026-004…" is matched as a prefix
(`account_number__istartswith`) through a pattern-ops B-tree instead.
"""

from django.db import migrations

SEARCH_INDEXES = {
    "customer_name_trgm_idx": ("customers_customer", "gin", "UPPER(name::text) gin_trgm_ops"),
    "customer_account_trgm_idx": ("customers_customer", "gin", "UPPER(account_number::text) gin_trgm_ops"),
    "customer_account_prefix_idx": ("customers_customer", "btree", "UPPER(account_number::text) text_pattern_ops"),
    "customer_phone_trgm_idx": ("customers_customer", "gin", "phone gin_trgm_ops"),
    "subscription_username_trgm_idx": ("customers_subscription", "gin", "UPPER(username::text) gin_trgm_ops"),
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, method, expression) in SEARCH_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING {method} ({expression})")


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False)]
