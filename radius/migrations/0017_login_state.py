# One indexed row per login for FreeRADIUS's authorize (issue 52 item 4, "faster than stock"), PostgreSQL only.
#
# Why: radius_authorize_rows read the radius_subscriber view, a six-table join (subscription, package,
# router, the package's RADIUS settings, the billing settings, the FUP state) at every Access-Request,
# and rlm_sql's session section then asked for the Simultaneous-Use count in a second statement. Stock
# FreeRADIUS reads radcheck by one index. Now:
#
# - radius_login_state: everything a login's answer depends on except the date, one row per login
#   (router_id, username unique), written by triggers on every table it is computed from, in the
#   same transaction as the change: a suspension committed is what the next Access-Request sees,
#   never a copy that is refreshed later. Computed by the view radius_login_source (the same joins and
#   expressions as radius_subscriber, migration 0007); what depends on the day (expired: paid-through
#   + grace days before today, in the reader's time zone) is still computed at the request.
#   The triggers fire only when a column the answer reads changes (a payment that moves paid_through
#   does; the usage collector's used_bytes on the FUP state does not). A change of the billing
#   settings' grace days or blocked access rewrites every row (one statement, rare).
# - radius_authorize_rows(router, username, service): the same answer as before (same expressions,
#   same reasons), read from that one row, plus the login's open sessions (Tmp-Integer-4) for the
#   Simultaneous-Use check, which the site now makes itself after the password is checked (one
#   statement per login fewer). On a hot-standby replica (pg_is_in_recovery) the count is left out:
#   its sessions lag the spool, and a login while the primary is away was never refused as online.
#
# tests/radius/test_login_state.py holds the table to the view after every kind of change.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
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

CREATE TABLE radius_login_state AS SELECT * FROM radius_login_source WITH NO DATA;
ALTER TABLE radius_login_state ADD PRIMARY KEY (subscription_id);
CREATE UNIQUE INDEX radius_login_state_login ON radius_login_state (router_id, username);
INSERT INTO radius_login_state SELECT * FROM radius_login_source;

-- The rows of these subscriptions, computed again (deleted when no longer a login).
CREATE FUNCTION radius_login_state_refresh(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM radius_login_state WHERE subscription_id = ANY(p_ids);
    INSERT INTO radius_login_state SELECT * FROM radius_login_source WHERE subscription_id = ANY(p_ids);
END
$$;

-- Subscriptions: statement triggers with the changed rows (a set-based UPDATE of 100,000 subscriptions
-- refreshes them in two statements, not 100,000 calls); an UPDATE refreshes only the rows where a
-- column the answer reads changed.
CREATE FUNCTION radius_login_state_subscriptions() RETURNS trigger
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
CREATE TRIGGER radius_login_state_ins AFTER INSERT ON customers_subscription
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radius_login_state_subscriptions();
CREATE TRIGGER radius_login_state_upd AFTER UPDATE ON customers_subscription
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION radius_login_state_subscriptions();
CREATE TRIGGER radius_login_state_del AFTER DELETE ON customers_subscription
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION radius_login_state_subscriptions();
CREATE TRIGGER radius_login_state_trunc AFTER TRUNCATE ON customers_subscription
    FOR EACH STATEMENT EXECUTE FUNCTION radius_login_state_subscriptions();

-- A package's speeds, its RADIUS settings (burst, pool, address list, sessions at a time).
CREATE FUNCTION radius_login_state_package() RETURNS trigger
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
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'radius_packageradius' THEN
        IF OLD.package_id <> NEW.package_id THEN
            PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE package_id = OLD.package_id));
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER radius_login_state_package AFTER UPDATE ON customers_package FOR EACH ROW
    WHEN ((OLD.download_mbps, OLD.upload_mbps, OLD.fup_download_mbps, OLD.fup_upload_mbps)
          IS DISTINCT FROM (NEW.download_mbps, NEW.upload_mbps, NEW.fup_download_mbps, NEW.fup_upload_mbps))
    EXECUTE FUNCTION radius_login_state_package();
CREATE TRIGGER radius_login_state_package_radius AFTER INSERT OR UPDATE OR DELETE ON radius_packageradius FOR EACH ROW
    EXECUTE FUNCTION radius_login_state_package();

-- A router's address list for the walled garden.
CREATE FUNCTION radius_login_state_router() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE router_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER radius_login_state_router AFTER UPDATE ON network_router FOR EACH ROW
    WHEN (OLD.suspended_address_list IS DISTINCT FROM NEW.suspended_address_list)
    EXECUTE FUNCTION radius_login_state_router();

-- The FUP state: throttled or lifted (not the bytes counted, which change all day).
CREATE FUNCTION radius_login_state_fup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM radius_login_state_refresh(ARRAY[COALESCE(NEW.subscription_id, OLD.subscription_id)]);
    IF TG_OP = 'UPDATE' THEN
        IF OLD.subscription_id <> NEW.subscription_id THEN
            PERFORM radius_login_state_refresh(ARRAY[OLD.subscription_id]);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER radius_login_state_fup AFTER INSERT OR DELETE ON network_fupstate FOR EACH ROW
    EXECUTE FUNCTION radius_login_state_fup();
CREATE TRIGGER radius_login_state_fup_upd AFTER UPDATE ON network_fupstate FOR EACH ROW
    WHEN ((OLD.subscription_id, OLD.throttled_at, OLD.lifted_at) IS DISTINCT FROM (NEW.subscription_id, NEW.throttled_at, NEW.lifted_at))
    EXECUTE FUNCTION radius_login_state_fup();

-- The billing settings (grace days, what a blocked login gets, the walled garden's pool): every row.
CREATE FUNCTION radius_login_state_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM radius_login_state;
    INSERT INTO radius_login_state SELECT * FROM radius_login_source;
    RETURN NULL;
END
$$;
CREATE TRIGGER radius_login_state_settings AFTER INSERT OR DELETE ON billing_billingsettings FOR EACH ROW
    EXECUTE FUNCTION radius_login_state_settings();
CREATE TRIGGER radius_login_state_settings_upd AFTER UPDATE ON billing_billingsettings FOR EACH ROW
    WHEN ((OLD.id, OLD.grace_days, OLD.blocked_access, OLD.walled_garden_pool)
          IS DISTINCT FROM (NEW.id, NEW.grace_days, NEW.blocked_access, NEW.walled_garden_pool))
    EXECUTE FUNCTION radius_login_state_settings();

-- The answer: the same rows, reasons and expressions as migration 0007's, from the one row.
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

-- The Simultaneous-Use count, planned at every call (EXECUTE) and not kept for the connection's life
-- as a PL/pgSQL statement's plan is: FreeRADIUS keeps its connections for days, and a plan made while
-- radius_radacct was empty (a fresh start; the benchmark after its VACUUM) weighs every index as free
-- and may keep one that reads all of a router's open sessions (or the whole table) at every login once
-- it holds 100,000 (bench/radius_reboot.py: 182 of 5,000 accepted in 31 s, 4.6 ms of database CPU a
-- login). Planning this one count costs tens of microseconds; stock's text queries are planned at every
-- request too.
CREATE OR REPLACE FUNCTION radius_open_sessions(p_router_id bigint, p_username text)
RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_open bigint;
BEGIN
    EXECUTE 'SELECT count(*) FROM radius_radacct WHERE router_id = $1 AND username = $2 AND acctstoptime IS NULL'
        INTO v_open USING p_router_id, p_username;
    RETURN v_open;
END
$$;
"""

DROP = r"""
CREATE OR REPLACE FUNCTION radius_open_sessions(p_router_id bigint, p_username text)
RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT count(*) FROM radius_radacct a
            WHERE a.router_id = p_router_id AND a.username = p_username AND a.acctstoptime IS NULL);
END
$$;
DROP TRIGGER IF EXISTS radius_login_state_ins ON customers_subscription;
DROP TRIGGER IF EXISTS radius_login_state_upd ON customers_subscription;
DROP TRIGGER IF EXISTS radius_login_state_del ON customers_subscription;
DROP TRIGGER IF EXISTS radius_login_state_trunc ON customers_subscription;
DROP TRIGGER IF EXISTS radius_login_state_package ON customers_package;
DROP TRIGGER IF EXISTS radius_login_state_package_radius ON radius_packageradius;
DROP TRIGGER IF EXISTS radius_login_state_router ON network_router;
DROP TRIGGER IF EXISTS radius_login_state_fup ON network_fupstate;
DROP TRIGGER IF EXISTS radius_login_state_fup_upd ON network_fupstate;
DROP TRIGGER IF EXISTS radius_login_state_settings ON billing_billingsettings;
DROP TRIGGER IF EXISTS radius_login_state_settings_upd ON billing_billingsettings;
DROP FUNCTION IF EXISTS radius_login_state_subscriptions(), radius_login_state_package(), radius_login_state_router(),
    radius_login_state_fup(), radius_login_state_settings(), radius_login_state_refresh(bigint[]);
CREATE OR REPLACE FUNCTION radius_authorize_rows(p_router_id bigint, p_username text, p_service text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username::text, a.attribute, a.value, ':='::text
    FROM radius_subscriber s
    CROSS JOIN LATERAL (SELECT
        CASE p_service WHEN 'Login-User' THEN 'hotspot' WHEN 'Framed-User' THEN 'pppoe' END AS asked
    ) k
    CROSS JOIN LATERAL (SELECT
        (k.asked IS NOT NULL AND k.asked <> s.connection_type) AS wrong,
        CASE WHEN k.asked IS NOT NULL AND k.asked <> s.connection_type THEN 'reject' ELSE s.access END AS access,
        s.connection_type = 'hotspot' AS hotspot
    ) w
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE s.blocked END),
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
        ('Session-Timeout', CASE WHEN w.hotspot AND w.access = 'full' AND s.access_until IS NOT NULL THEN
            GREATEST(60, CEIL(EXTRACT(EPOCH FROM ((s.access_until + 1)::timestamp AT TIME ZONE current_setting('TimeZone')) - now())))::bigint::text
        END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;
DROP TABLE IF EXISTS radius_login_state;
DROP VIEW IF EXISTS radius_login_source;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0016_session_log_router_and_start_indexes'),
        ('customers', '0017_subscription_password_nt_hash'),
        ('network', '0011_router_require_message_authenticator'),
        ('billing', '0023_invoice_at_activation'),
        ('vouchers', '0008_wifi_purchase_language'),
    ]

    operations = [postgresql_only(SQL, DROP)]
