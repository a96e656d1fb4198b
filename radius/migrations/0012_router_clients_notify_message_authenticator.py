# clients.conf now also shows whether a router must sign its Access-Requests with Message-Authenticator
# (network.Router.radius_require_message_authenticator, issue #51): switching it must make radius_serve
# write clients.conf again and restart FreeRADIUS, like the other columns of migration 0006's trigger.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only


def trigger(columns: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS radius_clients_changed ON network_router;
CREATE TRIGGER radius_clients_changed
AFTER INSERT OR DELETE OR UPDATE OF {columns} ON network_router
FOR EACH STATEMENT EXECUTE FUNCTION radius_clients_notify();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0011_card_login_reasons'),
        ('network', '0011_router_require_message_authenticator'),
    ]

    operations = [
        postgresql_only(
            trigger("host, radius_secret, aaa_mode, is_active, radius_require_message_authenticator"),
            trigger("host, radius_secret, aaa_mode, is_active"),
        ),
    ]
