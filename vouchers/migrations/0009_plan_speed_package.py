# A card plan with a package's speed shape (issue 56 item 6; docs/speeds.md "Prepaid cards"), PostgreSQL
# only: VoucherPlan.speed_package, and the card login's RADIUS answer (voucher_authorize_rows of
# vouchers/0006) carrying what a subscription login on that package gets from radius/0021:
# - Mikrotik-Rate-Limit: voucher_card_rate(card, plan's rate) — a speed window of the package covering
#   the local time of day (start included, end excluded, may cross midnight) wins, else the plan's own;
# - Mikrotik-Address-List: voucher_card_list(card) — the package's own RADIUS address list, else
#   ispbill-pkg-<package> when the package has a BDIX or cache speed: the router's per-package marks and
#   PCQ queues (network/speeds.py radius_tiers, pushed for every package with a class) shape it.
# voucher_authorize_rows is replaced whole (its 0006 body with those two lines); it stays SECURITY
# DEFINER, and CREATE OR REPLACE keeps its grant to FreeRADIUS's role (vouchers/radius_sql.py). The two
# helpers read customers' and radius' tables, which that role may not: they run with their owner's
# rights too (as radius/0023 does for the subscriptions' speed functions) and only through
# voucher_authorize_rows (no EXECUTE for PUBLIC). Local time: the zone of the card login key row, as
# the other card functions read it.

import django.db.models.deletion
from django.db import migrations, models

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE FUNCTION voucher_card_rate(p_card_id bigint, p_default text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE((
        SELECT w.upload_mbps || 'M/' || w.download_mbps || 'M'
        FROM vouchers_vouchercard c
        JOIN vouchers_voucherbatch b ON b.id = c.batch_id
        JOIN vouchers_voucherplan p ON p.id = b.plan_id
        JOIN customers_packagespeedwindow w ON w.package_id = p.speed_package_id
        CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE COALESCE(
            (SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone')))::time AS t) n
        WHERE c.id = p_card_id
          AND CASE WHEN w.starts < w.ends THEN n.t >= w.starts AND n.t < w.ends ELSE n.t >= w.starts OR n.t < w.ends END
        ORDER BY w.starts LIMIT 1
    ), p_default)
$$;

CREATE FUNCTION voucher_card_list(p_card_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(NULLIF(pr.address_list, ''),
                    CASE WHEN pk.bdix_download_mbps IS NOT NULL OR pk.cache_download_mbps IS NOT NULL THEN 'ispbill-pkg-' || pk.id END)
    FROM vouchers_vouchercard c
    JOIN vouchers_voucherbatch b ON b.id = c.batch_id
    JOIN vouchers_voucherplan p ON p.id = b.plan_id
    JOIN customers_package pk ON pk.id = p.speed_package_id
    LEFT JOIN radius_packageradius pr ON pr.package_id = pk.id
    WHERE c.id = p_card_id
$$;

REVOKE EXECUTE ON FUNCTION voucher_card_rate(bigint, text), voucher_card_list(bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text)
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
        ('Mikrotik-Rate-Limit', voucher_card_rate(v_card, v.rate_limit)),
        ('Mikrotik-Address-List', voucher_card_list(v_card)),
        ('Mikrotik-Total-Limit', mod(v.bytes_left, 4294967296)::text),
        ('Mikrotik-Total-Limit-Gigawords', (v.bytes_left / 4294967296)::text)
    ) AS a(attribute, value)
    WHERE a.value IS NOT NULL;
END
$$;
"""

# vouchers/0006's voucher_authorize_rows, then the helpers dropped.
DROP = r"""
CREATE OR REPLACE FUNCTION voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text)
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
DROP FUNCTION IF EXISTS voucher_card_rate(bigint, text), voucher_card_list(bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0023_speed_functions_as_owner'),
        ('customers', '0020_subscription_ipoe'),
        ('vouchers', '0008_wifi_purchase_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='voucherplan',
            name='speed_package',
            field=models.ForeignKey(blank=True, help_text="BDIX, cache and night speeds of this package (RADIUS mode); empty = the plan's speed only", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='voucher_plans', to='customers.package'),
        ),
        postgresql_only(SQL, DROP),
    ]
