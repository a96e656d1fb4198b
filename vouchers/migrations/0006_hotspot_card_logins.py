# Prepaid cards at the hotspot through FreeRADIUS (issue 40 items 4 and 7), PostgreSQL only.
# docs/vouchers.md "Hotspot logins" tells the whole story; in short:
#
# - radius_login_rows(router, username, service, username_hex, mac): what FreeRADIUS's authorize query
#   calls. A subscriber's login first (radius_authorize_rows, unchanged); nothing found and the request
#   is a hotspot login (Login-User): a prepaid card, by code or by a remembered device's MAC. The card
#   part runs with its owner's rights (SECURITY DEFINER) because it reads the HMAC key, which the
#   FreeRADIUS role has no right to read (vouchers_cardloginkey).
# - voucher_card_verdict(card, now, device): vouchers.selectors.card_verdict in SQL, reason for reason
#   (tests/vouchers/test_card_radius_sql.py compares both on a table of cases).
# - voucher_card_start(card, at, zone, device): vouchers.services.card_first_use in SQL (same test).
# - voucher_login_accepted(card, router, mac): post-auth of an accepted card login: the first use, or a
#   new device noted.
# - voucher_account(router, unique id, username_hex, mac, status, input, output): accounting of a card's
#   session: charges the card the octets not counted yet (per session, so a repeated Interim or Stop
#   counts nothing twice) and ends the card when its data or time is over.
#
# The username arrives hex-encoded (`%{hex:User-Name}`): rlm_sql escapes characters outside its safe
# set as `=XX`, which would put letters and digits of the code alphabet into a code typed with, say, a
# comma; the hex is exactly what the person typed.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- vouchers.codes.normalise: upper-case, everything outside the 29-letter alphabet dropped.
CREATE FUNCTION voucher_normalise(p_typed text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(upper(COALESCE(p_typed, '')), '[^2346789ABCDEFGHJKMNPQRTUVWXYZ]', '', 'g')
$$;

-- A MAC address as the cards remember it (AA:BB:CC:DD:EE:FF), from any case with colons or dashes;
-- NULL when the text is not one.
CREATE FUNCTION voucher_mac(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_text ~ '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' THEN upper(replace(p_text, '-', ':')) END
$$;

CREATE FUNCTION voucher_hex_text(p_hex text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN convert_from(decode(COALESCE(p_hex, ''), 'hex'), 'UTF8');
EXCEPTION WHEN others THEN
    RETURN '';
END
$$;

-- vouchers.selectors.add_duration: hours and days are exact spans (24 h a day), months are calendar
-- months in the ISP's time zone (the 31st plus one month is the last day of the next month).
CREATE FUNCTION voucher_add_duration(p_start timestamptz, p_duration integer, p_unit text, p_tz text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE p_unit
        WHEN 'hours' THEN p_start + make_interval(hours => p_duration)
        WHEN 'days' THEN p_start + make_interval(hours => 24 * p_duration)
        ELSE ((p_start AT TIME ZONE p_tz) + make_interval(months => p_duration)) AT TIME ZONE p_tz
    END
$$;

-- vouchers.selectors.card_verdict, in the same order, with the reasons radius_postauth records.
CREATE FUNCTION voucher_card_verdict(p_card_id bigint, p_now timestamptz, p_device text)
RETURNS TABLE (reason text, seconds_left bigint, bytes_left bigint, rate_limit text, devices integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c record;
    tz text := COALESCE((SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone'));
    v_bytes bigint;
    v_until timestamptz;
BEGIN
    SELECT card.state, card.expires_at, card.data_used_bytes, card.devices AS used_by,
           b.status, (b.distributor_id IS NOT NULL OR b.channel = 'online') AS may_be_used, b.unused_expires_on,
           p.data_mb, p.duration, p.duration_unit, p.upload_kbps || 'k/' || p.download_kbps || 'k' AS rate,
           p.devices AS plan_devices
    INTO c
    FROM vouchers_vouchercard card
    JOIN vouchers_voucherbatch b ON b.id = card.batch_id
    JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE card.id = p_card_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'card_unknown'::text, NULL::bigint, NULL::bigint, ''::text, 0;
        RETURN;
    END IF;
    reason := CASE c.state WHEN 'used_up' THEN 'card_used_up' WHEN 'expired' THEN 'card_expired'
                           WHEN 'blocked' THEN 'card_blocked' WHEN 'cancelled' THEN 'card_cancelled' END;
    IF reason IS NULL AND c.status <> 'active' THEN
        reason := 'card_batch_stopped';
    END IF;
    IF reason IS NULL AND NOT c.may_be_used THEN
        reason := 'card_not_issued';
    END IF;
    IF reason IS NULL AND c.state IN ('unsold', 'sold') AND (p_now AT TIME ZONE tz)::date >= c.unused_expires_on THEN
        reason := 'card_expired';
    END IF;
    IF reason IS NULL AND c.expires_at IS NOT NULL AND p_now >= c.expires_at THEN
        reason := 'card_expired';
    END IF;
    IF c.data_mb IS NOT NULL THEN
        v_bytes := c.data_mb::bigint * 1048576 - c.data_used_bytes;
        IF reason IS NULL AND v_bytes <= 0 THEN
            reason := 'card_used_up';
        END IF;
    END IF;
    IF reason IS NULL AND COALESCE(p_device, '') <> '' AND NOT (c.used_by ? p_device)
       AND jsonb_array_length(c.used_by) >= c.plan_devices THEN
        reason := 'card_devices';
    END IF;
    IF reason IS NOT NULL THEN
        RETURN QUERY SELECT reason, NULL::bigint, NULL::bigint, ''::text, c.plan_devices::integer;
        RETURN;
    END IF;
    v_until := COALESCE(c.expires_at, voucher_add_duration(p_now, c.duration, c.duration_unit, tz));
    RETURN QUERY SELECT ''::text, floor(extract(epoch FROM v_until) - extract(epoch FROM p_now))::bigint, v_bytes,
                        c.rate, c.plan_devices::integer;
END
$$;

-- vouchers.services.card_first_use: in use from `p_at`, sold then if nobody reported it, its time
-- started unless it started at sale, the zone and the device noted. False if it was used already.
CREATE FUNCTION voucher_card_start(p_card_id bigint, p_at timestamptz, p_zone_id bigint, p_device text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    tz text := COALESCE((SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone'));
BEGIN
    UPDATE vouchers_vouchercard c
    SET state = 'active', first_used_at = p_at, used_zone_id = p_zone_id, sold_at = COALESCE(c.sold_at, p_at),
        expires_at = COALESCE(c.expires_at, voucher_add_duration(p_at, p.duration, p.duration_unit, tz)),
        devices = CASE WHEN COALESCE(p_device, '') <> '' AND NOT (c.devices ? p_device) AND jsonb_array_length(c.devices) < p.devices
                       THEN c.devices || to_jsonb(p_device) ELSE c.devices END
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = p_card_id AND b.id = c.batch_id AND c.state IN ('unsold', 'sold');
    RETURN FOUND;
END
$$;

-- Code guessing (Settings → Billing): more than `p_limit` wrong codes within `p_window` minutes, the
-- last of them less than `p_lock` minutes ago. Reads the partial indexes of migration radius/0011.
CREATE FUNCTION voucher_guessing_locked(p_router_id bigint, p_mac text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s record;
BEGIN
    SELECT COALESCE(bs.card_guess_device_limit, 5) AS per_device, COALESCE(bs.card_guess_zone_limit, 50) AS per_zone,
           make_interval(mins => COALESCE(bs.card_guess_window_minutes, 10)) AS span,
           make_interval(mins => COALESCE(bs.card_lockout_minutes, 30)) AS lock
    INTO s FROM (SELECT 1) one LEFT JOIN billing_billingsettings bs ON bs.id = 1;
    IF COALESCE(p_mac, '') <> '' AND EXISTS (
        SELECT 1 FROM (
            SELECT a.authdate, lead(a.authdate, s.per_device) OVER (ORDER BY a.authdate DESC) AS earlier
            FROM radius_postauth a
            WHERE a.reason = 'card_unknown' AND a.callingstationid = p_mac AND a.authdate > now() - s.lock - s.span
        ) w
        WHERE w.authdate > now() - s.lock AND w.earlier IS NOT NULL AND w.authdate - w.earlier <= s.span
    ) THEN
        RETURN true;
    END IF;
    RETURN EXISTS (
        SELECT 1 FROM (
            SELECT a.authdate, lead(a.authdate, s.per_zone) OVER (ORDER BY a.authdate DESC) AS earlier
            FROM radius_postauth a
            WHERE a.reason = 'card_unknown' AND a.router_id = p_router_id AND a.authdate > now() - s.lock - s.span
        ) w
        WHERE w.authdate > now() - s.lock AND w.earlier IS NOT NULL AND w.authdate - w.earlier <= s.span
    );
END
$$;

-- The hotspot login by card code or by a remembered device: rlm_sql check items (the site moves the
-- reply ones to the reply). Refused: the reason (Tmp-String-0) and Auth-Type := Reject. Accepted by
-- code: the code is its own password (Cleartext-Password, so PAP and CHAP both work); by MAC: the
-- router vouched for the device and its MAC is the Calling-Station-Id, Auth-Type := Accept.
-- Tmp-Integer-1 is the card (post-auth), Tmp-Integer-2 says post-auth has something to write.
CREATE FUNCTION voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user text := voucher_hex_text(p_username_hex);
    v_device text := COALESCE(voucher_mac(p_mac), '');
    v_login_mac text := voucher_mac(v_user);
    v_code text;
    v_card bigint;
    v_label text;
    v_key bytea;
    v_why text;
    v record;
    v_write boolean := false;
BEGIN
    IF v_login_mac IS NOT NULL THEN
        -- MikroTik's login by MAC: User-Name is the client's MAC. Only the device itself may use it.
        IF v_login_mac = v_device THEN
            SELECT c.id, 'card ' || lpad(c.serial::text, 9, '0') INTO v_card, v_label FROM vouchers_vouchercard c
            WHERE c.remembered_mac = v_login_mac AND c.remembered_until > now()
            ORDER BY c.remembered_until DESC LIMIT 1;
        END IF;
        IF v_card IS NULL THEN
            v_why := 'mac_unknown';
        END IF;
    ELSE
        v_code := voucher_normalise(v_user);
        SELECT k.hmac_key INTO v_key FROM vouchers_cardloginkey k WHERE k.id = 1;
        IF length(v_code) = 12 AND v_key IS NOT NULL THEN
            SELECT c.id, 'card ' || lpad(c.serial::text, 9, '0') INTO v_card, v_label FROM vouchers_vouchercard c
            WHERE c.code_hmac = encode(hmac(convert_to(v_code, 'UTF8'), v_key, 'sha256'), 'hex');
        END IF;
        IF voucher_guessing_locked(p_router_id, p_mac) THEN
            v_why := 'locked_out';  -- whatever was typed (recorded under the card's serial if it is one)
            v_card := NULL;
        ELSIF v_card IS NULL THEN
            v_why := 'card_unknown';
        END IF;
    END IF;
    IF v_why IS NULL THEN
        SELECT * INTO v FROM voucher_card_verdict(v_card, now(), v_device);
        v_why := NULLIF(v.reason, '');
        IF v_why IS NULL AND (
            SELECT count(*) FROM vouchers_cardsession cs JOIN radius_radacct a ON a.acctuniqueid = cs.acctuniqueid
            WHERE cs.card_id = v_card AND a.acctstoptime IS NULL
        ) >= v.devices THEN
            v_why := 'card_devices';  -- as many sessions open as the plan allows devices
        END IF;
        IF v_why IS NULL THEN
            SELECT c.state IN ('unsold', 'sold') OR (v_device <> '' AND NOT (c.devices ? v_device))
            INTO v_write FROM vouchers_vouchercard c WHERE c.id = v_card;
        END IF;
    END IF;
    IF v_why IS NOT NULL THEN
        RETURN QUERY
        SELECT v_card, v_user, a.attribute, a.value, ':='::text
        FROM (VALUES ('Tmp-String-0', v_why), ('Auth-Type', 'Reject'), ('Tmp-Integer-1', v_card::text), ('Tmp-String-3', v_label))
            AS a(attribute, value)
        WHERE a.value IS NOT NULL;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT v_card, v_user, a.attribute, a.value, ':='::text
    FROM (VALUES
        ('Auth-Type', CASE WHEN v_login_mac IS NOT NULL THEN 'Accept' END),
        ('Cleartext-Password', CASE WHEN v_login_mac IS NULL THEN v_user END),
        ('Tmp-Integer-1', v_card::text),
        ('Tmp-Integer-2', CASE WHEN v_write THEN '1' END),
        ('Tmp-String-3', v_label),
        ('Session-Timeout', GREATEST(v.seconds_left, 1)::text),
        ('Mikrotik-Rate-Limit', v.rate_limit),
        ('Mikrotik-Total-Limit', mod(v.bytes_left, 4294967296)::text),
        ('Mikrotik-Total-Limit-Gigawords', (v.bytes_left / 4294967296)::text)
    ) AS a(attribute, value)
    WHERE a.value IS NOT NULL;
END
$$;

-- FreeRADIUS's authorize query: a subscriber's login as before; else, for a hotspot login, a card.
-- Runs with the caller's rights (the subscriber part reads the views the role may read).
CREATE FUNCTION radius_login_rows(p_router_id bigint, p_username text, p_service text, p_username_hex text, p_mac text)
RETURNS TABLE (r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT * FROM radius_authorize_rows(p_router_id, p_username, p_service);
    IF FOUND OR p_service IS DISTINCT FROM 'Login-User' THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM voucher_authorize_rows(p_router_id, p_username_hex, p_mac);
END
$$;

-- Post-auth of an accepted card login: the first use (the router's Wi-Fi zone, the device), or a new
-- device on a card in use, while the plan allows more.
CREATE FUNCTION voucher_login_accepted(p_card_id bigint, p_router_id bigint, p_mac text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_device text := COALESCE(voucher_mac(p_mac), '');
    v_state text;
BEGIN
    SELECT c.state INTO v_state FROM vouchers_vouchercard c WHERE c.id = p_card_id FOR UPDATE;
    IF v_state IN ('unsold', 'sold') THEN
        PERFORM voucher_card_start(p_card_id, now(),
            (SELECT z.id FROM vouchers_wifizone z WHERE z.router_id = p_router_id AND z.is_active ORDER BY z.id LIMIT 1), v_device);
        RETURN 'started';
    END IF;
    UPDATE vouchers_vouchercard c SET devices = c.devices || to_jsonb(v_device)
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = p_card_id AND b.id = c.batch_id AND v_device <> '' AND NOT (c.devices ? v_device)
      AND jsonb_array_length(c.devices) < p.devices;
    RETURN CASE WHEN FOUND THEN 'device' ELSE '' END;
END
$$;

-- Accounting of a hotspot session: is it a card's (by its unique id, else by its username on the
-- first packet heard)? Charge the card what this session used beyond what it was charged already,
-- then end the card when its data is used up (used_up) or its time is over (expired, as the nightly
-- job does). Returns the card's label ("card 000000123"), which the site logs the session under
-- instead of the code, or '' for a session that is no card's.
CREATE FUNCTION voucher_account(p_router_id bigint, p_unique_id text, p_username_hex text, p_mac text, p_status text,
                                p_input bigint, p_output bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_user text;
    v_login_mac text;
    v_card bigint;
    v_counted bigint;
    v_key bytea;
    v_total bigint := CASE WHEN p_status = 'Start' THEN 0 ELSE GREATEST(0, COALESCE(p_input, 0) + COALESCE(p_output, 0)) END;
BEGIN
    SELECT cs.card_id, cs.counted_bytes INTO v_card, v_counted FROM vouchers_cardsession cs WHERE cs.acctuniqueid = p_unique_id FOR UPDATE;
    IF NOT FOUND THEN
        IF p_status NOT IN ('Start', 'Interim-Update', 'Stop') THEN
            RETURN '';
        END IF;
        v_user := voucher_hex_text(p_username_hex);
        IF EXISTS (SELECT 1 FROM customers_subscription s
                   WHERE s.router_id = p_router_id AND s.username = v_user AND s.status <> 'cancelled') THEN
            RETURN '';  -- a subscriber's hotspot login (answered before any card)
        END IF;
        v_login_mac := voucher_mac(v_user);
        IF v_login_mac IS NOT NULL THEN
            SELECT c.id INTO v_card FROM vouchers_vouchercard c
            WHERE c.remembered_mac = v_login_mac ORDER BY c.remembered_until DESC NULLS LAST LIMIT 1;
        ELSIF length(voucher_normalise(v_user)) = 12 THEN
            SELECT k.hmac_key INTO v_key FROM vouchers_cardloginkey k WHERE k.id = 1;
            SELECT c.id INTO v_card FROM vouchers_vouchercard c
            WHERE c.code_hmac = encode(hmac(convert_to(voucher_normalise(v_user), 'UTF8'), v_key, 'sha256'), 'hex');
        END IF;
        IF v_card IS NULL THEN
            RETURN '';
        END IF;
        INSERT INTO vouchers_cardsession (acctuniqueid, card_id, counted_bytes, started_at)
        VALUES (p_unique_id, v_card, 0, now()) ON CONFLICT (acctuniqueid) DO NOTHING;
        SELECT cs.card_id, cs.counted_bytes INTO v_card, v_counted FROM vouchers_cardsession cs WHERE cs.acctuniqueid = p_unique_id FOR UPDATE;
    END IF;
    IF v_total > v_counted THEN
        UPDATE vouchers_cardsession SET counted_bytes = v_total WHERE acctuniqueid = p_unique_id;
        UPDATE vouchers_vouchercard SET data_used_bytes = data_used_bytes + (v_total - v_counted) WHERE id = v_card;
    END IF;
    UPDATE vouchers_vouchercard c
    SET state = CASE WHEN p.data_mb IS NOT NULL AND c.data_used_bytes >= p.data_mb::bigint * 1048576 THEN 'used_up' ELSE 'expired' END,
        ended_at = now()
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = v_card AND b.id = c.batch_id AND c.state = 'active'
      AND ((p.data_mb IS NOT NULL AND c.data_used_bytes >= p.data_mb::bigint * 1048576) OR c.expires_at <= now());
    RETURN (SELECT 'card ' || lpad(c.serial::text, 9, '0') FROM vouchers_vouchercard c WHERE c.id = v_card);
END
$$;

REVOKE EXECUTE ON FUNCTION voucher_hex_text(text), voucher_card_verdict(bigint, timestamptz, text),
    voucher_card_start(bigint, timestamptz, bigint, text), voucher_guessing_locked(bigint, text),
    voucher_authorize_rows(bigint, text, text), radius_login_rows(bigint, text, text, text, text),
    voucher_login_accepted(bigint, bigint, text),
    voucher_account(bigint, text, text, text, text, bigint, bigint) FROM PUBLIC;
"""

DROP = """
DROP FUNCTION IF EXISTS voucher_account(bigint, text, text, text, text, bigint, bigint);
DROP FUNCTION IF EXISTS voucher_login_accepted(bigint, bigint, text);
DROP FUNCTION IF EXISTS radius_login_rows(bigint, text, text, text, text);
DROP FUNCTION IF EXISTS voucher_authorize_rows(bigint, text, text);
DROP FUNCTION IF EXISTS voucher_guessing_locked(bigint, text);
DROP FUNCTION IF EXISTS voucher_card_start(bigint, timestamptz, bigint, text);
DROP FUNCTION IF EXISTS voucher_card_verdict(bigint, timestamptz, text);
DROP FUNCTION IF EXISTS voucher_add_duration(timestamptz, integer, text, text);
DROP FUNCTION IF EXISTS voucher_hex_text(text);
DROP FUNCTION IF EXISTS voucher_mac(text);
DROP FUNCTION IF EXISTS voucher_normalise(text);
"""


def key_write(apps, schema_editor):
    """The key row from settings now, so FreeRADIUS finds cards before the role is next made."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from vouchers.radius_sql import login_key_values

    key, time_zone = login_key_values()
    apps.get_model("vouchers", "CardLoginKey").objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"hmac_key": key, "time_zone": time_zone})


class Migration(migrations.Migration):

    dependencies = [
        ('vouchers', '0005_card_login_key_and_sessions'),
        ('radius', '0011_card_login_reasons'),
        ('billing', '0020_card_guess_limits'),
        ('customers', '0017_subscription_password_nt_hash'),
    ]

    operations = [
        postgresql_only(SQL, DROP),
        migrations.RunPython(key_write, migrations.RunPython.noop, elidable=False),
    ]
