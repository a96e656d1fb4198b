# The authorisation reads as PL/pgSQL functions over the views of 0002 (PostgreSQL only).
#
# Why: rlm_sql sends each query as text, so PostgreSQL plans it at every Access-Request, and planning
# the views' six-table join cost 0.8-1.2 ms per query against 0.2 ms to run it (EXPLAIN ANALYZE on
# bench/radius_auth.py's database) - most of the database's time per login, where stock radcheck
# plans in 0.05 ms. A PL/pgSQL function keeps its statement's plan for the connection's life, and
# FreeRADIUS keeps its connections: the join is planned once per connection, not once per login.
# The functions run with the caller's rights (the radius role reads the views, nothing more).

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

FUNCTIONS = r"""
CREATE FUNCTION radius_check_rows(p_router_id bigint, p_username text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.username::text, c.attribute, c.value, c.op
    FROM radius_check c WHERE c.router_id = p_router_id AND c.username = p_username;
END
$$;

CREATE FUNCTION radius_reply_rows(p_router_id bigint, p_username text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.username::text, c.attribute, c.value, c.op
    FROM radius_reply c WHERE c.router_id = p_router_id AND c.username = p_username;
END
$$;

-- Check and reply items of a login in one call and one scan of its row: the reply items come back
-- as check items too (rlm_sql puts them in the control list) and the site copies them to the reply.
-- The same expressions as the radius_check and radius_reply views (0002), which the two functions
-- above read for tools that want them apart.
CREATE FUNCTION radius_authorize_rows(p_router_id bigint, p_username text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username::text, a.attribute, a.value, ':='::text
    FROM radius_subscriber s
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', s.blocked),
        ('Auth-Type', CASE WHEN s.access = 'reject' THEN 'Reject' END),
        ('Mikrotik-Rate-Limit', CASE WHEN s.access = 'full' THEN
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END
        END),
        ('Framed-IP-Address', CASE WHEN s.access = 'full' THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN s.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN s.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN s.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN s.access = 'full' THEN NULLIF(s.address_list, '') END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;

REVOKE EXECUTE ON FUNCTION radius_check_rows(bigint, text), radius_reply_rows(bigint, text),
    radius_authorize_rows(bigint, text) FROM PUBLIC;
"""

DROP = (
    "DROP FUNCTION IF EXISTS radius_authorize_rows(bigint, text); DROP FUNCTION IF EXISTS radius_check_rows(bigint, text); "
    "DROP FUNCTION IF EXISTS radius_reply_rows(bigint, text);"
)


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0002_authorisation_views'),
    ]

    operations = [postgresql_only(FUNCTIONS, DROP)]
