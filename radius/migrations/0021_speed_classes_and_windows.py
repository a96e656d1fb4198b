# Speed classes and speed windows in RADIUS mode (issue 56; network/speeds.py, docs/speeds.md), PostgreSQL only.
#
# radius_authorize_rows answers as migration 0017's, with two expressions wrapped:
# - Mikrotik-Rate-Limit: radius_speed_rate(subscription, own rate) — a speed window of the package
#   covering the local time of day wins (a login at 01:00 gets the night speed; the edge's CoA moves
#   the logins already online);
# - Mikrotik-Address-List (full access): radius_speed_list(subscription, own list) — the package's own
#   list, else ispbill-pkg-<package> when the package has a BDIX or cache speed, which the router's
#   mangle rules and PCQ queues (pushed by the reconciler) turn into those speeds.
# Merging: another change to radius_authorize_rows keeps these two wrapped expressions.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
-- The internet speed in force now: a speed window of the package covering the local time of day
-- (start included, end excluded; a window may cross midnight), else the login's own rate (which is
-- also what a login throttled by its data cap keeps). `p_default` is that own rate, burst and all.
CREATE OR REPLACE FUNCTION radius_speed_rate(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE((
        SELECT w.upload_mbps || 'M/' || w.download_mbps || 'M'
        FROM customers_subscription s
        JOIN customers_packagespeedwindow w ON w.package_id = s.package_id
        CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE current_setting('TimeZone'))::time AS t) n
        WHERE s.id = p_subscription_id
          AND CASE WHEN w.starts < w.ends THEN n.t >= w.starts AND n.t < w.ends ELSE n.t >= w.starts OR n.t < w.ends END
          AND NOT EXISTS (SELECT 1 FROM network_fupstate f JOIN customers_package p ON p.id = s.package_id
                          WHERE f.subscription_id = s.id AND f.throttled_at IS NOT NULL AND f.lifted_at IS NULL
                            AND p.fup_download_mbps IS NOT NULL)
        ORDER BY w.starts LIMIT 1
    ), p_default)
$$;

-- The address list that puts the login's address under its package's BDIX / cache queues
-- (network/speeds.py, RADIUS mode): the package's own RADIUS address list when it has one, else
-- ispbill-pkg-<package> when the package has a speed class.
CREATE OR REPLACE FUNCTION radius_speed_list(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(p_default, (
        SELECT 'ispbill-pkg-' || p.id
        FROM customers_subscription s JOIN customers_package p ON p.id = s.package_id
        WHERE s.id = p_subscription_id AND (p.bdix_download_mbps IS NOT NULL OR p.cache_download_mbps IS NOT NULL)
    ))
$$;

CREATE OR REPLACE FUNCTION radius_authorize_rows(p_router_id bigint, p_username text, p_service text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username, a.attribute, a.value, ':='::text
    FROM radius_login_state s
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.status = 'suspended' THEN 'suspended'
             WHEN s.status = 'pending' THEN 'not_active'
             WHEN s.paid_through IS NOT NULL AND s.paid_through + s.grace_days < CURRENT_DATE THEN 'expired'
        END AS blocked,
        s.paid_through + s.grace_days AS access_until,
        CASE p_service WHEN 'Login-User' THEN 'hotspot' WHEN 'Framed-User' THEN 'pppoe' END AS asked
    ) b
    CROSS JOIN LATERAL (SELECT
        (b.asked IS NOT NULL AND b.asked <> s.connection_type) AS wrong,
        CASE WHEN b.asked IS NOT NULL AND b.asked <> s.connection_type THEN 'reject'
             WHEN b.blocked IS NULL THEN 'full'
             WHEN b.blocked <> 'not_active' AND s.blocked_access = 'walled_garden' THEN 'walled'
             ELSE 'reject' END AS access,
        s.connection_type = 'hotspot' AS hotspot
    ) w
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE b.blocked END),
        ('Auth-Type', CASE WHEN w.access = 'reject' THEN 'Reject' END),
        ('Mikrotik-Rate-Limit', CASE WHEN w.access = 'full' THEN radius_speed_rate(s.subscription_id,
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END)
        END),
        ('Framed-IP-Address', CASE WHEN w.access = 'full' AND NOT w.hotspot THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN w.hotspot THEN NULL
                             WHEN w.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN w.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN w.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN w.access = 'full' THEN radius_speed_list(s.subscription_id, NULLIF(s.address_list, '')) END),
        ('Session-Timeout', CASE WHEN w.hotspot AND w.access = 'full' AND b.access_until IS NOT NULL THEN
            GREATEST(60, CEIL(EXTRACT(EPOCH FROM ((b.access_until + 1)::timestamp AT TIME ZONE current_setting('TimeZone')) - now())))::bigint::text
        END),
        ('Tmp-Integer-4', CASE WHEN w.access <> 'reject' AND NOT pg_is_in_recovery() THEN
            radius_open_sessions(p_router_id, p_username)::text
        END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;
"""

DROP = r"""
CREATE OR REPLACE FUNCTION radius_authorize_rows(p_router_id bigint, p_username text, p_service text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username, a.attribute, a.value, ':='::text
    FROM radius_login_state s
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.status = 'suspended' THEN 'suspended'
             WHEN s.status = 'pending' THEN 'not_active'
             WHEN s.paid_through IS NOT NULL AND s.paid_through + s.grace_days < CURRENT_DATE THEN 'expired'
        END AS blocked,
        s.paid_through + s.grace_days AS access_until,
        CASE p_service WHEN 'Login-User' THEN 'hotspot' WHEN 'Framed-User' THEN 'pppoe' END AS asked
    ) b
    CROSS JOIN LATERAL (SELECT
        (b.asked IS NOT NULL AND b.asked <> s.connection_type) AS wrong,
        CASE WHEN b.asked IS NOT NULL AND b.asked <> s.connection_type THEN 'reject'
             WHEN b.blocked IS NULL THEN 'full'
             WHEN b.blocked <> 'not_active' AND s.blocked_access = 'walled_garden' THEN 'walled'
             ELSE 'reject' END AS access,
        s.connection_type = 'hotspot' AS hotspot
    ) w
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE b.blocked END),
        ('Auth-Type', CASE WHEN w.access = 'reject' THEN 'Reject' END),
        ('Mikrotik-Rate-Limit', CASE WHEN w.access = 'full' THEN
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END
        END),
        ('Framed-IP-Address', CASE WHEN w.access = 'full' AND NOT w.hotspot THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN w.hotspot THEN NULL
                             WHEN w.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN w.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN w.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN w.access = 'full' THEN NULLIF(s.address_list, '') END),
        ('Session-Timeout', CASE WHEN w.hotspot AND w.access = 'full' AND b.access_until IS NOT NULL THEN
            GREATEST(60, CEIL(EXTRACT(EPOCH FROM ((b.access_until + 1)::timestamp AT TIME ZONE current_setting('TimeZone')) - now())))::bigint::text
        END),
        ('Tmp-Integer-4', CASE WHEN w.access <> 'reject' AND NOT pg_is_in_recovery() THEN
            radius_open_sessions(p_router_id, p_username)::text
        END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;
DROP FUNCTION IF EXISTS radius_speed_rate(bigint, text), radius_speed_list(bigint, text);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0020_servers_pushed'),
        ('customers', '0019_package_speed_classes_and_windows'),
    ]

    operations = [postgresql_only(SQL, DROP)]
