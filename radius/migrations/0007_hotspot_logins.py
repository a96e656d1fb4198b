# Hotspot logins through the same FreeRADIUS (issue 37 items 7 and 8), PostgreSQL only.
#
# radius_subscriber gains two columns at its end (CREATE OR REPLACE VIEW may only append): the
# connection type, and the last day of access (paid-through + the billing grace days, NULL when no
# paid-through date), the day the `expired` reason starts the day after.
#
# radius_authorize_rows(router, username, service): the site passes the request's Service-Type.
# RouterOS asks with Login-User for a hotspot login and Framed-User for PPP; a login asked for by the
# other service is refused with reason `wrong_service` (a PPPoE customer's password is not a hotspot
# login, and a hotspot login does not dial PPPoE). A hotspot answer carries no Framed-Pool and no
# Framed-IP-Address (the hotspot client already has its address from DHCP), and, when access is full
# and a paid-through date is known, Session-Timeout: the seconds to midnight at the end of the last
# day of access in the ISP's time zone (the role's), at least 60, so the router ends the session when
# the paid time runs out and the next login is answered as expired. With no Service-Type (radclient,
# the benchmark, another NAS) the answer is the two-argument function's, unchanged.

from django.db import migrations, models

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE OR REPLACE VIEW radius_subscriber AS
SELECT s.id AS subscription_id, s.router_id, s.username, s.password_nt_hash AS nt_hash, s.static_ip,
       x.blocked,
       CASE WHEN x.blocked IS NULL THEN 'full'
            WHEN x.blocked <> 'not_active' AND bs.blocked_access = 'walled_garden' THEN 'walled'
            ELSE 'reject' END AS access,
       CASE WHEN x.throttled THEN p.fup_download_mbps ELSE p.download_mbps END AS download_mbps,
       CASE WHEN x.throttled THEN p.fup_upload_mbps ELSE p.upload_mbps END AS upload_mbps,
       CASE WHEN x.throttled THEN NULL ELSE pr.burst_download_mbps END AS burst_download_mbps,
       CASE WHEN x.throttled THEN NULL ELSE pr.burst_upload_mbps END AS burst_upload_mbps,
       COALESCE(pr.burst_threshold_percent, 75) AS burst_threshold_percent,
       COALESCE(pr.burst_time_seconds, 16) AS burst_time_seconds,
       COALESCE(pr.pool, '') AS pool, COALESCE(pr.address_list, '') AS address_list,
       COALESCE(pr.simultaneous_use, 1) AS simultaneous_use,
       r.suspended_address_list, COALESCE(bs.walled_garden_pool, '') AS walled_garden_pool,
       s.connection_type::text AS connection_type,
       s.paid_through + COALESCE(bs.grace_days, 0) AS access_until
FROM customers_subscription s
JOIN customers_package p ON p.id = s.package_id
JOIN network_router r ON r.id = s.router_id
LEFT JOIN radius_packageradius pr ON pr.package_id = s.package_id
LEFT JOIN billing_billingsettings bs ON bs.id = 1
LEFT JOIN network_fupstate f ON f.subscription_id = s.id
CROSS JOIN LATERAL (SELECT
    CASE WHEN s.status = 'suspended' THEN 'suspended'
         WHEN s.status = 'pending' THEN 'not_active'
         WHEN s.paid_through IS NOT NULL AND s.paid_through + COALESCE(bs.grace_days, 0) < CURRENT_DATE THEN 'expired'
    END AS blocked,
    (f.throttled_at IS NOT NULL AND f.lifted_at IS NULL AND p.fup_download_mbps IS NOT NULL) AS throttled
) x
WHERE s.username <> '' AND s.status <> 'cancelled';

CREATE FUNCTION radius_authorize_rows(p_router_id bigint, p_username text, p_service text)
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

REVOKE EXECUTE ON FUNCTION radius_authorize_rows(bigint, text, text) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS radius_authorize_rows(bigint, text, text);"


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0006_router_clients_notify'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authattempt',
            name='reason',
            field=models.CharField(blank=True, choices=[('', 'Accepted'), ('unknown_user', 'No such login on this router'), ('password_wrong', 'Password wrong'), ('no_password', 'No password set'), ('suspended', 'Suspended'), ('expired', 'Expired (paid-through date passed)'), ('not_active', 'Not activated yet'), ('already_online', 'Already online'), ('server_error', 'RADIUS could not read the database'), ('wrong_service', 'Login is for the other service (PPPoE or hotspot)')], max_length=32),
        ),
        postgresql_only(SQL, DROP),
    ]
