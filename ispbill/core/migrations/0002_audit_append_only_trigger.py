"""On PostgreSQL the database itself refuses to change or delete an audit entry.

The model refuses `save()` on an existing row and `delete()`, but `QuerySet.update()`, a bulk
delete or raw SQL would get past it. TRUNCATE (test teardown, a deliberate wipe) is not a row
operation and still works.
"""

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION core_auditlog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (%% refused on core_auditlog)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_append_only BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
