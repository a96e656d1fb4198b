# radius_open_sessions (the Simultaneous-Use count of every login that may get in) keeps its plan for the
# connection's life again, PostgreSQL only (issue 52 item 4, "faster than stock").
#
# Why: 0017 made it a dynamic EXECUTE, parsed and planned at every Access-Request (about 50 µs of the
# database's time per login, measured with pgbench at 100,000 subscribers), because the plan PL/pgSQL
# kept when it was first made on an empty radius_radacct was a sequential scan, which then read every
# open session of the site at each login (a reboot of 5,000 sessions: 182 accepted). Now the statement is
# static and the function runs with enable_seqscan off: a plan made while the table is empty is an index
# scan too, on the open logins' partial index (router, username) or on (username, start), so a login
# reads its own sessions and never the site's. tests/radius/test_login_state.py counts the scans of a
# plan made on an empty table and used on a full one.

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

SQL = r"""
CREATE OR REPLACE FUNCTION radius_open_sessions(p_router_id bigint, p_username text)
RETURNS bigint
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
BEGIN
    RETURN (SELECT count(*) FROM radius_radacct a
            WHERE a.router_id = p_router_id AND a.username = p_username AND a.acctstoptime IS NULL);
END
$$;
"""

DROP = r"""
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


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0025_speed_answer_in_the_login_state'),
    ]

    operations = [postgresql_only(SQL, DROP)]
