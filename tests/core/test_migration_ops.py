"""`postgresql_only` (ispbill/core/migration_ops.py) runs its statement, and its reverse, on PostgreSQL
and nothing on SQLite, whose migrations would fail on storage settings it does not have."""

import pytest
from django.db import connection

from ispbill.core.migration_ops import postgresql_only


@pytest.mark.django_db
def test_the_statement_and_its_reverse_run_on_postgresql_only():
    operation = postgresql_only("ALTER TABLE core_numbersequence SET (fillfactor = 90)", "ALTER TABLE core_numbersequence RESET (fillfactor)")
    editor = connection.schema_editor(collect_sql=True)
    operation.code(None, editor)
    operation.reverse_code(None, editor)
    expected = ["ALTER TABLE core_numbersequence SET (fillfactor = 90);", "ALTER TABLE core_numbersequence RESET (fillfactor);"]
    assert editor.collected_sql == (expected if connection.vendor == "postgresql" else [])
    assert operation.reversible and not operation.elidable
