"""Migration operations shared by the apps."""

from django.db import migrations


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Run `sql` (and `reverse_sql` when unapplied) on PostgreSQL only: storage settings, UNLOGGED
    tables and triggers that SQLite, the demo's database, does not have."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward, elidable=False)
