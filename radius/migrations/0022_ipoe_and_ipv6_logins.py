# IPoE logins and IPv6 prefixes in FreeRADIUS's answer (docs/ipam.md), PostgreSQL only.
#
# - An IPoE connection is a login too, by its device's MAC address: a MikroTik DHCP server with
#   use-radius=yes asks with User-Name = the client's MAC and no PPP or hotspot Service-Type. Its row in
#   radius_login_state has the MAC as its username; the answer is Auth-Type := Accept (there is no
#   password) with its fixed address (Framed-IP-Address) and rate limit, or the same refusals and walled
#   garden as any login. A PPP or hotspot request naming an IPoE login is the wrong service: refused.
#   The MAC is unique per router among live IPoE connections (customers' constraint), so the login is.
# - A connection's delegated IPv6 prefix (network's address management) is in the row (ipv6_prefix) and
#   in the reply: Delegated-IPv6-Prefix (RFC 4818) for a delegated /56 or /48, Framed-IPv6-Prefix
#   (RFC 3162) for a /64 on the link. The address table refreshes the row on every change.
# - The speed classes' wrappers of 0021 (radius_speed_rate, radius_speed_list) are kept, in both
#   directions: a later change to radius_authorize_rows keeps them too.
# - The subscriptions' trigger now also follows the MAC address (an IPoE login's name).

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
        WHERE a.subscription_id = s.id AND a.family = 6 AND a.released_at IS NULL)::text AS ipv6_prefix
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

ALTER TABLE radius_login_state ADD COLUMN ipv6_prefix text;
DELETE FROM radius_login_state;
INSERT INTO radius_login_state SELECT * FROM radius_login_source;

CREATE OR REPLACE FUNCTION radius_login_state_subscriptions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM radius_login_state WHERE subscription_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM radius_login_state_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (o.router_id, o.username, o.password_nt_hash, o.static_ip, o.status, o.connection_type, o.paid_through, o.package_id, o.mac_address)
                  IS DISTINCT FROM
                  (n.router_id, n.username, n.password_nt_hash, n.static_ip, n.status, n.connection_type, n.paid_through, n.package_id, n.mac_address)));
    ELSE  -- TRUNCATE
        TRUNCATE radius_login_state;
    END IF;
    RETURN NULL;
END
$$;

-- A delegated prefix handed out, moved or taken back: the connection's row again.
CREATE FUNCTION radius_login_state_addresses() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.family = 6 THEN
            PERFORM radius_login_state_refresh(ARRAY[OLD.subscription_id]);
        END IF;
    ELSIF NEW.family = 6 THEN
        PERFORM radius_login_state_refresh(ARRAY[NEW.subscription_id]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER radius_login_state_addresses AFTER INSERT OR UPDATE OR DELETE ON network_addressassignment FOR EACH ROW
    EXECUTE FUNCTION radius_login_state_addresses();

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
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE b.blocked END),
        ('Auth-Type', CASE WHEN w.access = 'reject' THEN 'Reject' WHEN s.connection_type = 'ipoe' THEN 'Accept' END),
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

DROP = r"""
DROP TRIGGER IF EXISTS radius_login_state_addresses ON network_addressassignment;
DROP FUNCTION IF EXISTS radius_login_state_addresses();
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
CREATE OR REPLACE FUNCTION radius_login_state_subscriptions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM radius_login_state WHERE subscription_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM radius_login_state_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (o.router_id, o.username, o.password_nt_hash, o.static_ip, o.status, o.connection_type, o.paid_through, o.package_id)
                  IS DISTINCT FROM
                  (n.router_id, n.username, n.password_nt_hash, n.static_ip, n.status, n.connection_type, n.paid_through, n.package_id)));
    ELSE  -- TRUNCATE
        TRUNCATE radius_login_state;
    END IF;
    RETURN NULL;
END
$$;
DROP VIEW radius_login_source;
ALTER TABLE radius_login_state DROP COLUMN ipv6_prefix;
CREATE VIEW radius_login_source AS
SELECT s.id AS subscription_id, s.router_id, s.username::text AS username, s.password_nt_hash::text AS nt_hash,
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
       r.suspended_address_list::text AS suspended_address_list, COALESCE(bs.walled_garden_pool, '')::text AS walled_garden_pool
FROM customers_subscription s
JOIN customers_package p ON p.id = s.package_id
JOIN network_router r ON r.id = s.router_id
LEFT JOIN radius_packageradius pr ON pr.package_id = s.package_id
LEFT JOIN billing_billingsettings bs ON bs.id = 1
LEFT JOIN network_fupstate f ON f.subscription_id = s.id
CROSS JOIN LATERAL (SELECT
    (f.throttled_at IS NOT NULL AND f.lifted_at IS NULL AND p.fup_download_mbps IS NOT NULL) AS throttled
) x
WHERE s.username <> '' AND s.status <> 'cancelled';
DELETE FROM radius_login_state;
INSERT INTO radius_login_state SELECT * FROM radius_login_source;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0021_speed_classes_and_windows'),
        ('network', '0013_address_pools'),
        ('customers', '0020_subscription_ipoe'),
    ]

    operations = [postgresql_only(SQL, DROP)]
