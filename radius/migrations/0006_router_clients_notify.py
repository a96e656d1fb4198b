# FreeRADIUS's NAS list follows the routers table (PostgreSQL only): every committed change to a
# router's row that can change clients.conf - added, removed, re-addressed, a new secret, switched
# between API and RADIUS mode, (de)activated - sends NOTIFY radius_clients. `manage.py radius_serve`
# LISTENs on it, writes clients.conf again and, when it changed, restarts its FreeRADIUS
# (docs/radius.md, "Running it"). A trigger and not a signal in the router services: a router edited
# in the admin, by an import or by hand in psql is caught the same way, and NOTIFY is delivered only
# when the transaction commits, so FreeRADIUS never reads a router a rollback took back.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE FUNCTION radius_clients_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('radius_clients', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER radius_clients_changed
AFTER INSERT OR DELETE OR UPDATE OF host, radius_secret, aaa_mode, is_active ON network_router
FOR EACH STATEMENT EXECUTE FUNCTION radius_clients_notify();
"""

DROP = "DROP TRIGGER IF EXISTS radius_clients_changed ON network_router; DROP FUNCTION IF EXISTS radius_clients_notify();"


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0005_session_counted_octets'),
        ('network', '0009_router_coa_port_aaa_switch'),
    ]

    operations = [postgresql_only(SQL, DROP)]
