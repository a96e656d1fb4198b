# The views FreeRADIUS authorises from (docs/radius.md), PostgreSQL only: RADIUS is refused on SQLite.
#
# radius_subscriber: one row per login (non-cancelled subscription with a username), everything the
#   answer depends on, computed at the time of the request: the blocked reason (suspended, pending, or
#   expired: paid-through + the billing grace days before today in the reader's time zone, which the
#   radius role has set to the ISP's), the ISP's choice for blocked logins, the speeds (the package's
#   fair-usage speeds while throttled), burst, pool, address list, sessions at a time.
# radius_login: a login's subscription id, for accounting rows.
# radius_check / radius_reply: the rlm_sql attribute rows (id, username, attribute, value, op) of a
#   login, looked up by (router_id, username) through the subscriptions' partial unique index.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

VIEWS = r"""
CREATE VIEW radius_login AS
SELECT id AS subscription_id, router_id, username FROM customers_subscription
WHERE username <> '' AND status <> 'cancelled';

CREATE VIEW radius_subscriber AS
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
       r.suspended_address_list, COALESCE(bs.walled_garden_pool, '') AS walled_garden_pool
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

CREATE VIEW radius_check AS
SELECT s.subscription_id AS id, s.router_id, s.username, a.attribute, a.value, ':='::text AS op
FROM radius_subscriber s
CROSS JOIN LATERAL (VALUES
    (1, 'NT-Password', NULLIF(s.nt_hash, '')),
    (2, 'Simultaneous-Use', s.simultaneous_use::text),
    (3, 'Tmp-Integer-0', s.subscription_id::text),
    (4, 'Tmp-String-0', s.blocked),
    (5, 'Auth-Type', CASE WHEN s.access = 'reject' THEN 'Reject' END)
) AS a(position, attribute, value)
WHERE a.value IS NOT NULL;

CREATE VIEW radius_reply AS
SELECT s.subscription_id AS id, s.router_id, s.username, a.attribute, a.value, ':='::text AS op
FROM radius_subscriber s
CROSS JOIN LATERAL (VALUES
    (1, 'Mikrotik-Rate-Limit', CASE WHEN s.access = 'full' THEN
        s.upload_mbps || 'M/' || s.download_mbps || 'M'
        || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
               ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
               || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
               || s.burst_time_seconds || '/' || s.burst_time_seconds
           ELSE '' END
    END),
    (2, 'Framed-IP-Address', CASE WHEN s.access = 'full' THEN host(s.static_ip) END),
    (3, 'Framed-Pool', CASE WHEN s.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                            WHEN s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
    (4, 'Mikrotik-Address-List', CASE WHEN s.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                      ELSE NULLIF(s.address_list, '') END)
) AS a(position, attribute, value)
WHERE s.access <> 'reject' AND a.value IS NOT NULL;
"""

DROP = "DROP VIEW IF EXISTS radius_reply; DROP VIEW IF EXISTS radius_check; DROP VIEW IF EXISTS radius_subscriber; DROP VIEW IF EXISTS radius_login;"


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0001_initial'),
        ('customers', '0017_subscription_password_nt_hash'),
        ('network', '0008_router_radius'),
        ('billing', '0017_radius_blocked_access'),
    ]

    operations = [postgresql_only(VIEWS, DROP)]
