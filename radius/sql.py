"""radius's raw SQL, PostgreSQL only (RADIUS is refused on SQLite: FreeRADIUS reads our views over
rlm_sql, and the embedded SQLite file has no server it could share with our writer).

- `role_ensure`: the least-privilege role FreeRADIUS logs in as. Why not the ORM: roles and grants
  are DDL. It may SELECT the authorisation views (and execute the functions reading them and the Simultaneous-Use count) and its own accounting table (UPDATE … WHERE and the
  Simultaneous-Use count read it) and INSERT/UPDATE only radius_radacct and INSERT radius_postauth;
  the views run with their owner's rights, so it reads no table of ours (not the encrypted password,
  not a customer's name) except through them. Its time zone is the ISP's, so the views' CURRENT_DATE
  (is the paid-through date past?) is the ISP's day.
- `sessions_close_stale`, `router_sessions_close`: one UPDATE over the open sessions (through the
  partial index on acctupdatetime / router). Why not the ORM: the session time is computed from each
  row's own start (`EXTRACT(EPOCH …)`), and the ORM's update() would need a database function per
  vendor for it; this is PostgreSQL only anyway.
"""

import re

from django.conf import settings
from django.db import connection

from ispbill.core.statements import on_postgresql

from .models import AuthAttempt, Session

READ_VIEWS = ("radius_subscriber", "radius_check", "radius_reply", "radius_login")
READ_FUNCTIONS = (
    "radius_authorize_rows(bigint, text)", "radius_check_rows(bigint, text)", "radius_reply_rows(bigint, text)",
    "radius_open_sessions(bigint, text)",
)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RadiusUnsupported(Exception):
    """RADIUS asked for on a database FreeRADIUS cannot read (the embedded SQLite)."""


UNSUPPORTED_MESSAGE = (
    "RADIUS needs PostgreSQL: FreeRADIUS reads ispbill's subscribers from PostgreSQL views. This installation "
    "uses the embedded SQLite database (no DATABASE_URL), so routers stay in API mode. Set DATABASE_URL to a "
    "PostgreSQL database to use RADIUS (README, 'RADIUS')."
)


def radius_supported() -> bool:
    return on_postgresql()


def require_postgresql() -> None:
    if not radius_supported():
        raise RadiusUnsupported(UNSUPPORTED_MESSAGE)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_ensure(*, role: str, password: str, time_zone: str | None = None) -> None:
    """Create (or bring up to date) FreeRADIUS's role and its grants in the current database. Idempotent."""
    require_postgresql()
    if not ROLE_NAME.match(role):
        raise ValueError("a role name is lower-case letters, digits and underscores")
    quoted = connection.ops.quote_name(role)
    acct, postauth = Session._meta.db_table, AuthAttempt._meta.db_table
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(role)}) "
        f"THEN CREATE ROLE {quoted} LOGIN; END IF; END $$",
        f"ALTER ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD "
        + (_literal(password) if password else "NULL"),
        f"ALTER ROLE {quoted} SET timezone = {_literal(time_zone or settings.TIME_ZONE)}",
        f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} TO {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT ON {', '.join(READ_VIEWS)} TO {quoted}",
        f"GRANT EXECUTE ON FUNCTION {', '.join(READ_FUNCTIONS)} TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE ON {acct} TO {quoted}",
        f"GRANT INSERT ON {postauth} TO {quoted}",
        f"GRANT USAGE ON SEQUENCE {acct}_radacctid_seq, {postauth}_id_seq TO {quoted}",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def sessions_close_stale(*, older_than_seconds: int) -> int:
    """Close open sessions with no accounting for `older_than_seconds` (twice the interim interval):
    stop time = their last update, cause 'Stale-Session'. Returns how many."""
    require_postgresql()
    table = Session._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table}
                SET acctstoptime = COALESCE(acctupdatetime, acctstarttime),
                    acctsessiontime = GREATEST(0, EXTRACT(EPOCH FROM COALESCE(acctupdatetime, acctstarttime) - acctstarttime))::bigint,
                    acctterminatecause = 'Stale-Session'
                WHERE acctstoptime IS NULL
                  AND COALESCE(acctupdatetime, acctstarttime) < NOW() - make_interval(secs => %s)""",
            [older_than_seconds],
        )
        return cursor.rowcount


def router_sessions_close(*, router_id: int, cause: str) -> int:
    """Close every open session of one router now (what Accounting-On does, for staff or a switch back to API)."""
    require_postgresql()
    table = Session._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {table}
                SET acctstoptime = NOW(), acctupdatetime = NOW(),
                    acctsessiontime = GREATEST(0, EXTRACT(EPOCH FROM NOW() - acctstarttime))::bigint,
                    acctterminatecause = %s
                WHERE acctstoptime IS NULL AND router_id = %s""",
            [cause, router_id],
        )
        return cursor.rowcount
