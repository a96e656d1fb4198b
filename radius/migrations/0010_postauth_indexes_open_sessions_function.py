# Fewer writes and less planning per Access-Request (bench/radius_auth.py at 100,000 subscribers):
#
# - radius_postauth loses its two single-column foreign-key indexes: the (router, authdate) and
#   (subscription, authdate) indexes serve every look-up by either, and every answer FreeRADIUS gives
#   inserts one row, so each index was one more write per login.
# - radius_open_sessions(router, username), the Simultaneous-Use count, as a PL/pgSQL function for the
#   same reason as radius_authorize_rows (0003): rlm_sql sends its queries as text, and PostgreSQL
#   planned the COUNT over radius_radacct (nine indexes to weigh) at every Access-Request — about as
#   much backend CPU as running it; the function keeps its plan for the connection's life. It runs with
#   the caller's rights: FreeRADIUS's role reads radius_radacct anyway. It names the table, not its
#   layout, so a partitioned radius_radacct is counted the same way.

import django.db.models.deletion
from django.db import migrations, models

from ispbill.core.migration_ops import postgresql_only

FUNCTION = r"""
CREATE FUNCTION radius_open_sessions(p_router_id bigint, p_username text)
RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT count(*) FROM radius_radacct a
            WHERE a.router_id = p_router_id AND a.username = p_username AND a.acctstoptime IS NULL);
END
$$;

REVOKE EXECUTE ON FUNCTION radius_open_sessions(bigint, text) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS radius_open_sessions(bigint, text);"


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0017_subscription_password_nt_hash'),
        ('network', '0009_router_coa_port_aaa_switch'),
        ('radius', '0009_session_permissions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authattempt',
            name='router',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='network.router'),
        ),
        migrations.AlterField(
            model_name='authattempt',
            name='subscription',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='radius_auth_attempts', to='customers.subscription'),
        ),
        postgresql_only(FUNCTION, DROP),
    ]
