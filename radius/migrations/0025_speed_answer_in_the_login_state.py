# The speed classes' list and whether a package has speed windows, kept in the login's row (issue 52
# item 4, "faster than stock"), PostgreSQL only.
#
# Why: radius_authorize_rows called radius_speed_list and radius_speed_rate for every login with full
# access (0021): each a SECURITY DEFINER function reading the subscription and its package again, about
# 30 µs apiece even as PL/pgSQL (0024; 300 µs apiece as SQL functions), for an answer that changes only
# when the package does. Now radius_login_state carries both, computed by radius_login_source as every
# other column is and kept by the same triggers:
# - speed_address_list: the package's own RADIUS address list, else ispbill-pkg-<package> when the
#   package has a BDIX or cache speed (radius_speed_list's answer, which is no longer called);
# - speed_windowed: the package has at least one speed window; only then is radius_speed_rate asked
#   for the speed in force now (the time of day is the request's, so it cannot be kept in the row).
# The package's trigger now also fires when its BDIX or cache speed changes, and a speed window added,
# changed or removed refreshes the rows of its package's subscriptions (and of its old package's, when
# moved). tests/radius/test_login_state.py holds the table to the view after each of these changes.
#
# The reverse takes the view, the columns and radius_authorize_rows back to 0022's (their text is read
# from that migration, which does not change).

import importlib

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE OR REPLACE VIEW radius_login_source AS
SELECT s.id AS subscription_id, s.router_id,
       (CASE WHEN s.connection_type = 'ipoe' THEN s.mac_address ELSE s.username END)::text AS username, s.password_nt_hash::text AS nt_hash,
       s.static_ip, s.status::text AS status, s.connection_type::text AS connection_type, s.paid_through,
       COALESCE(bs.grace_days, 0)::int AS grace_days, bs.blocked_access::text AS blocked_access,
       CASE WHEN x.throttled THEN p.fup_download_mbps ELSE p.download_mbps END AS download_mbps,
       CASE WHEN x.throttled THEN p.fup_upload_mbps ELSE p.upload_mbps END AS upload_mbps,
       CASE WHEN x.throttled THEN NULL ELSE pr.burst_download_mbps END AS burst_download_mbps,
       CASE WHEN x.throttled THEN NULL ELSE pr.burst_upload_mbps END AS burst_upload_mbps,
       COALESCE(pr.burst_threshold_percent, 75) AS burst_threshold_percent,
       COALESCE(pr.burst_time_seconds, 16) AS burst_time_seconds,
       COALESCE(pr.pool, '')::text AS pool, COALESCE(pr.address_list, '')::text AS address_list,
       COALESCE(pr.simultaneous_use, 1) AS simultaneous_use,
       r.suspended_address_list::text AS suspended_address_list, COALESCE(bs.walled_garden_pool, '')::text AS walled_garden_pool,
       (SELECT a.address FROM network_addressassignment a
        WHERE a.subscription_id = s.id AND a.family = 6 AND a.released_at IS NULL)::text AS ipv6_prefix,
       COALESCE(NULLIF(pr.address_list, ''), CASE WHEN p.bdix_download_mbps IS NOT NULL OR p.cache_download_mbps IS NOT NULL
                                                  THEN 'ispbill-pkg-' || p.id END)::text AS speed_address_list,
       EXISTS (SELECT FROM customers_packagespeedwindow w WHERE w.package_id = s.package_id) AS speed_windowed
FROM customers_subscription s
JOIN customers_package p ON p.id = s.package_id
JOIN network_router r ON r.id = s.router_id
LEFT JOIN radius_packageradius pr ON pr.package_id = s.package_id
LEFT JOIN billing_billingsettings bs ON bs.id = 1
LEFT JOIN network_fupstate f ON f.subscription_id = s.id
CROSS JOIN LATERAL (SELECT
    (f.throttled_at IS NOT NULL AND f.lifted_at IS NULL AND p.fup_download_mbps IS NOT NULL) AS throttled
) x
WHERE (s.username <> '' OR (s.connection_type = 'ipoe' AND s.mac_address <> '')) AND s.status <> 'cancelled';

ALTER TABLE radius_login_state ADD COLUMN speed_address_list text, ADD COLUMN speed_windowed boolean;
DELETE FROM radius_login_state;
INSERT INTO radius_login_state SELECT * FROM radius_login_source;

CREATE OR REPLACE FUNCTION radius_login_state_package() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_package bigint;
BEGIN
    IF TG_TABLE_NAME = 'customers_package' THEN
        v_package := COALESCE(NEW.id, OLD.id);
    ELSE
        v_package := COALESCE(NEW.package_id, OLD.package_id);
    END IF;
    PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE package_id = v_package));
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'customers_package' THEN
        IF OLD.package_id <> NEW.package_id THEN
            PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE package_id = OLD.package_id));
        END IF;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER radius_login_state_package ON customers_package;
CREATE TRIGGER radius_login_state_package AFTER UPDATE ON customers_package FOR EACH ROW
    WHEN ((OLD.download_mbps, OLD.upload_mbps, OLD.fup_download_mbps, OLD.fup_upload_mbps, OLD.bdix_download_mbps, OLD.cache_download_mbps)
          IS DISTINCT FROM (NEW.download_mbps, NEW.upload_mbps, NEW.fup_download_mbps, NEW.fup_upload_mbps, NEW.bdix_download_mbps, NEW.cache_download_mbps))
    EXECUTE FUNCTION radius_login_state_package();
CREATE TRIGGER radius_login_state_speed_window AFTER INSERT OR UPDATE OR DELETE ON customers_packagespeedwindow FOR EACH ROW
    EXECUTE FUNCTION radius_login_state_package();

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
        CASE WHEN s.connection_type = 'ipoe' THEN b.asked IS NOT NULL
             ELSE b.asked IS NOT NULL AND b.asked <> s.connection_type END AS wrong
    ) v
    CROSS JOIN LATERAL (SELECT
        v.wrong,
        CASE WHEN v.wrong THEN 'reject'
             WHEN b.blocked IS NULL THEN 'full'
             WHEN b.blocked <> 'not_active' AND s.blocked_access = 'walled_garden' THEN 'walled'
             ELSE 'reject' END AS access,
        s.connection_type = 'hotspot' AS hotspot
    ) w
    CROSS JOIN LATERAL (SELECT
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END
    AS own_rate) r
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE b.blocked END),
        ('Auth-Type', CASE WHEN w.access = 'reject' THEN 'Reject' WHEN s.connection_type = 'ipoe' THEN 'Accept' END),
        ('Mikrotik-Rate-Limit', CASE WHEN w.access = 'full' THEN
            CASE WHEN s.speed_windowed THEN radius_speed_rate(s.subscription_id, r.own_rate) ELSE r.own_rate END
        END),
        ('Framed-IP-Address', CASE WHEN w.access = 'full' AND NOT w.hotspot THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN w.hotspot THEN NULL
                             WHEN w.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN w.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN w.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN w.access = 'full' THEN s.speed_address_list END),
        ('Delegated-IPv6-Prefix', CASE WHEN w.access = 'full' AND NOT w.hotspot AND strpos(s.ipv6_prefix, '/') > 0
                                            AND split_part(s.ipv6_prefix, '/', 2) <> '64' THEN s.ipv6_prefix END),
        ('Framed-IPv6-Prefix', CASE WHEN w.access = 'full' AND NOT w.hotspot AND split_part(s.ipv6_prefix, '/', 2) = '64'
                                    THEN s.ipv6_prefix END),
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


def _reverse() -> str:
    """0022's view and radius_authorize_rows, taken from that migration's text."""
    source = importlib.import_module("radius.migrations.0022_ipoe_and_ipv6_logins").SQL
    view = source[source.index("CREATE OR REPLACE VIEW radius_login_source"):source.index("ALTER TABLE radius_login_state")]
    function = source[source.index("CREATE OR REPLACE FUNCTION radius_authorize_rows"):]
    return f"""
DROP TRIGGER radius_login_state_speed_window ON customers_packagespeedwindow;
DROP TRIGGER radius_login_state_package ON customers_package;
CREATE TRIGGER radius_login_state_package AFTER UPDATE ON customers_package FOR EACH ROW
    WHEN ((OLD.download_mbps, OLD.upload_mbps, OLD.fup_download_mbps, OLD.fup_upload_mbps)
          IS DISTINCT FROM (NEW.download_mbps, NEW.upload_mbps, NEW.fup_download_mbps, NEW.fup_upload_mbps))
    EXECUTE FUNCTION radius_login_state_package();
{function}
DROP VIEW radius_login_source;
{view}
ALTER TABLE radius_login_state DROP COLUMN speed_address_list, DROP COLUMN speed_windowed;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0024_speed_functions_keep_their_plans'),
    ]

    operations = [postgresql_only(SQL, _reverse())]
