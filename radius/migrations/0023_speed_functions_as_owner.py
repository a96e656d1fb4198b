# radius_speed_rate and radius_speed_list (0021) read customers' and network's tables, which FreeRADIUS's
# role may not read (radius/sql.py role_ensure: it reads only the views and the login-state table). Called
# as that role from radius_authorize_rows, every login with full access failed ("permission denied for
# table customers_subscription", answered as server_error): they run with their owner's rights, as the
# cards' functions (vouchers/0006) do, with a fixed search_path.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
ALTER FUNCTION radius_speed_rate(bigint, text) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION radius_speed_list(bigint, text) SECURITY DEFINER SET search_path = public, pg_temp;
"""

DROP = r"""
ALTER FUNCTION radius_speed_rate(bigint, text) SECURITY INVOKER RESET search_path;
ALTER FUNCTION radius_speed_list(bigint, text) SECURITY INVOKER RESET search_path;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0022_ipoe_and_ipv6_logins'),
    ]

    operations = [postgresql_only(SQL, DROP)]
