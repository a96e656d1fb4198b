# radius_speed_rate and radius_speed_list (0021, 0023) as PL/pgSQL, PostgreSQL only (issue 52 item 4).
#
# Why: as SQL functions that cannot be inlined (SECURITY DEFINER with a SET clause), PostgreSQL parsed
# and planned their bodies at every call, and radius_authorize_rows calls both for every login with
# full access. Measured with pgbench on one connection: such a function added about 140 µs to each
# call of the function around it, the same body in PL/pgSQL about 30 µs, because PL/pgSQL keeps its
# plans for the connection's life (as radius_authorize_rows does, 0003).
# Same bodies, same answers, same rights (owner's, fixed search_path; CREATE OR REPLACE keeps the
# owner and the grants).

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE OR REPLACE FUNCTION radius_speed_rate(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN COALESCE((
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
    ), p_default);
END
$$;

CREATE OR REPLACE FUNCTION radius_speed_list(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_default IS NOT NULL THEN
        RETURN p_default;
    END IF;
    RETURN (
        SELECT 'ispbill-pkg-' || p.id
        FROM customers_subscription s JOIN customers_package p ON p.id = s.package_id
        WHERE s.id = p_subscription_id AND (p.bdix_download_mbps IS NOT NULL OR p.cache_download_mbps IS NOT NULL)
    );
END
$$;
"""

DROP = r"""
CREATE OR REPLACE FUNCTION radius_speed_rate(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
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

CREATE OR REPLACE FUNCTION radius_speed_list(p_subscription_id bigint, p_default text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT COALESCE(p_default, (
        SELECT 'ispbill-pkg-' || p.id
        FROM customers_subscription s JOIN customers_package p ON p.id = s.package_id
        WHERE s.id = p_subscription_id AND (p.bdix_download_mbps IS NOT NULL OR p.cache_download_mbps IS NOT NULL)
    ))
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0023_speed_functions_as_owner'),
    ]

    operations = [postgresql_only(SQL, DROP)]
