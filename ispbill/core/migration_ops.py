"""Migration operations shared by the apps."""

from django.db import migrations


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Run `sql` (and `reverse_sql` when unapplied) on PostgreSQL only: storage settings, UNLOGGED
    tables and triggers that SQLite, the demo's database, does not have. Why not RunSQL: it runs on
    every database, and the migration framework has no per-vendor operation. The statements stay in
    the migrations that pass them; this module is one of core's raw-SQL modules
    (tests/core/test_raw_sql_places.py), tested on both databases by tests/core/test_migration_ops.py."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward, elidable=False)
