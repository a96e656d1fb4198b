"""radius's raw SQL, PostgreSQL only (RADIUS is refused on SQLite: FreeRADIUS reads our views over
rlm_sql, and the embedded SQLite file has no server it could share with our writer).

- `role_ensure`: the least-privilege role FreeRADIUS logs in as. Why not the ORM: roles and grants
  are DDL. It may SELECT the authorisation views (and execute the functions reading them and the Simultaneous-Use count) and its own accounting table (UPDATE … WHERE and the
  Simultaneous-Use count read it) and INSERT/UPDATE only radius_radacct and INSERT radius_postauth;
  the views run with their owner's rights, so it reads no table of ours (not the encrypted password,
  not a customer's name) except through them. Its time zone is the ISP's, so the views' CURRENT_DATE
  (is the paid-through date past?) is the ISP's day.
- `sessions_close_stale`, `router_sessions_close`: one UPDATE over the open sessions (through the
  partial index of the open sessions, radacct_open_login_idx). Why not the ORM: the session time is computed from each
  row's own start (`EXTRACT(EPOCH …)`), and the ORM's update() would need a database function per
  vendor for it; this is PostgreSQL only anyway.
"""

import re
import time

from django.conf import settings
from django.db import InternalError, connection, transaction

from customers.models import Subscription
from ispbill.core.statements import on_postgresql

from .models import AuthAttempt, RouterReload, Session, SessionLog
from .signals import role_ensured

# The views, and radius_login_state (migration radius/0017: the one row per login that
# radius_authorize_rows reads; the same columns radius_subscriber shows it, the day's expiry left out).
READ_VIEWS = ("radius_subscriber", "radius_check", "radius_reply", "radius_login", "radius_login_state")
READ_FUNCTIONS = (
    "radius_authorize_rows(bigint, text, text)", "radius_authorize_rows(bigint, text)",
    "radius_check_rows(bigint, text)", "radius_reply_rows(bigint, text)", "radius_open_sessions(bigint, text)",
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
    acct, postauth, reload = Session._meta.db_table, AuthAttempt._meta.db_table, RouterReload._meta.db_table
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
        # A router's Accounting-On/Off upserts its reboot's moment; radius_open_sessions reads it.
        f"GRANT SELECT, INSERT, UPDATE ON {reload} TO {quoted}",
        f"GRANT INSERT ON {postauth} TO {quoted}",
        # ON CONFLICT (answer_id) DO NOTHING reads the arbiter column: that column only (random ids).
        f"GRANT SELECT (answer_id) ON {postauth} TO {quoted}",
        f"GRANT USAGE ON SEQUENCE {acct}_radacctid_seq, {postauth}_id_seq TO {quoted}",
    ]
    # A role is the cluster's, not one database's: two processes bringing it up to date at once (two
    # FreeRADIUS servers starting, two test workers) meet "tuple concurrently updated" on ALTER ROLE or a
    # GRANT. Each statement is idempotent, so the whole set is tried again.
    for attempt in range(5):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            break
        except InternalError as error:
            if "concurrently updated" not in str(error) or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    role_ensured.send(sender=None, role=role)


def login_state_rebuild() -> int:
    """Every login's row in radius_login_state computed again from radius_login_source (migration
    radius/0017), in one transaction. The triggers keep the table in step with every change; this is for
    rows written with triggers off (a bulk load under session_replication_role = replica, as the
    benchmarks' loader does), which leaves no login rows, so FreeRADIUS would answer "unknown user".
    Returns the rows written."""
    require_postgresql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM radius_login_state")
        cursor.execute("INSERT INTO radius_login_state SELECT * FROM radius_login_source")
        return cursor.rowcount


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


# The routers' Access-Accepts from FreeRADIUS's accepts file (radius/accepts.py): one COPY into a temporary
# table, then the same row the live post-auth query writes for an Access-Accept (queries.conf), a line
# loaded twice being one row (its answer id).
_ACCEPTS_STAGE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS radius_accepts_in ("
    "answer_id text, seconds text, microseconds text, router_id text, subscription_id text, reason text,"
    " login text, station text) ON COMMIT DELETE ROWS"
)
_ACCEPTS_INSERT = (
    "INSERT INTO radius_postauth"
    " (username, router_id, subscription_id, accepted, reason, walled_garden, callingstationid, authdate, answer_id)"
    " SELECT login, NULLIF(router_id, '')::bigint, NULLIF(subscription_id, '')::bigint, true, reason, reason <> '',"
    " station, TO_TIMESTAMP(seconds::bigint + COALESCE(NULLIF(microseconds, ''), '0')::integer / 1000000.0), answer_id"
    " FROM radius_accepts_in ON CONFLICT (answer_id) DO NOTHING"
)


def accepts_insert(conn, *, text: bytes | None = None, rows: list[tuple[str, ...]] | None = None) -> None:
    """Into radius_postauth, on `conn` (a psycopg connection, as FreeRADIUS's role) inside the caller's
    transaction: `text` already in COPY's text format (accepts.FIELDS, tab-separated), or `rows`."""
    with conn.cursor() as cursor:
        cursor.execute(_ACCEPTS_STAGE)
        if rows is not None:
            cursor.execute("DELETE FROM radius_accepts_in")  # the line before, when loaded line by line
        with cursor.copy("COPY radius_accepts_in FROM STDIN") as copy:
            if text is not None:
                copy.write(text)
            for row in rows or ():
                copy.write_row(row)
        cursor.execute(_ACCEPTS_INSERT)


CLIENTS_CHANNEL = "radius_clients"


def clients_listen():
    """A connection of its own LISTENing on the channel migration radius/0006's trigger notifies when a
    router's row changes in a way clients.conf may show (added, removed, address, secret, mode, active).
    `radius_serve` waits on it: `for _ in listener.notifies(timeout=…, stop_after=1)`. Autocommit, so a
    notification arrives as soon as the writer commits. Why not the ORM: LISTEN has no ORM form, and it
    needs its own connection (Django's may sit in a transaction)."""
    import psycopg

    require_postgresql()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    listener = psycopg.connect(**params, autocommit=True)
    listener.execute(f"LISTEN {CLIENTS_CHANNEL}")
    return listener


def clients_notify() -> None:
    """What the trigger sends, by hand (`radius_serve --reload` from a shell)."""
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [CLIENTS_CHANNEL])


# The session log (radius.SessionLog, docs/radius.md "Session logs") ---------------------------------
# PostgreSQL: a table partitioned by month of acctstoptime, one partition per month in the ISP's time
# zone plus a default one. Why not the ORM: partitions are DDL (CREATE … PARTITION OF, ATTACH, DROP),
# and the move out of radius_radacct is one DELETE … RETURNING feeding an INSERT, so a session is in
# exactly one of the two tables at every instant (a search never misses it nor sees it twice).

LOG_PARTITION_PREFIX = "radius_session_log_p"
LOG_DEFAULT_PARTITION = "radius_session_log_default"
_PARTITION_NAME = re.compile(r"^radius_session_log_p(\d{4})(\d{2})$")
_LOG_COLUMNS = (
    "radacctid", "acctsessionid", "acctuniqueid", "username", "nasipaddress", "nasportid", "acctstarttime",
    "acctstoptime", "acctsessiontime", "acctinputoctets", "acctoutputoctets", "calledstationid", "callingstationid",
    "acctterminatecause", "framedipaddress", "router_id", "subscription_id",
)


def session_log_create_partitioned(schema_editor, model) -> None:
    """For the migration: the log's table as Django would make it, partitioned by range of
    acctstoptime, with its indexes (made on the parent, so every partition gets them) and the default
    partition. The months are made by `session_log_partition_ensure` (the job, and the migration)."""
    table_sql, params = schema_editor.table_sql(model)
    schema_editor.execute(f"{table_sql} PARTITION BY RANGE (acctstoptime)", params or None)
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)
    table = schema_editor.quote_name(model._meta.db_table)
    schema_editor.execute(f"CREATE TABLE {LOG_DEFAULT_PARTITION} PARTITION OF {table} DEFAULT")


def session_log_partitions() -> list[tuple[int, int]]:
    """The (year, month) of every month partition of the log, oldest first."""
    require_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT child.relname FROM pg_inherits
               JOIN pg_class child ON child.oid = pg_inherits.inhrelid
               JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
               WHERE parent.relname = %s""",
            ["radius_session_log"],
        )
        found = []
        for (name,) in cursor.fetchall():
            matched = _PARTITION_NAME.match(name)
            if matched:
                found.append((int(matched.group(1)), int(matched.group(2))))
    return sorted(found)


def session_log_partition_name(year: int, month: int) -> str:
    return f"{LOG_PARTITION_PREFIX}{year:04d}{month:02d}"


def session_log_partition_ensure(*, year: int, month: int, start, end) -> bool:
    """Make the month's partition [start, end) unless it exists; True if it was made. Rows of that
    month already in the default partition (a stop beyond the months made so far) are moved into it
    first, in the same transaction, so ATTACH finds none left behind (PostgreSQL refuses a partition
    whose rows the default holds)."""
    require_postgresql()
    name = session_log_partition_name(year, month)
    if (year, month) in session_log_partitions():
        return False
    parent = SessionLog._meta.db_table
    columns = ", ".join(f.column for f in SessionLog._meta.local_concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"""WITH moved AS (
                    DELETE FROM {LOG_DEFAULT_PARTITION} WHERE acctstoptime >= %s AND acctstoptime < %s RETURNING {columns})
                INSERT INTO {name} ({columns}) SELECT {columns} FROM moved""",
            [start, end],
        )
        cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end])
    return True


def session_log_partition_drop(*, year: int, month: int) -> int:
    """Drop one month's partition whole (retention: its last day is older than the retention).
    Returns how many rows went with it."""
    require_postgresql()
    name = session_log_partition_name(year, month)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")
        rows = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {name}")
    return rows


def session_log_archive_batch(*, stopped_before, batch: int) -> int:
    """Move up to `batch` sessions closed before `stopped_before` from radius_radacct into the log, with
    the customer of their subscription now; oldest id first; rows FreeRADIUS is updating are skipped
    (SKIP LOCKED) and moved by a later batch. Returns how many moved."""
    require_postgresql()
    acct, log = Session._meta.db_table, SessionLog._meta.db_table
    subscriptions = Subscription._meta.db_table
    columns = ", ".join(_LOG_COLUMNS)
    picked = ", ".join(
        "COALESCE(m.acctstarttime, m.acctstoptime)" if c == "acctstarttime" else f"m.{c}" for c in _LOG_COLUMNS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH moved AS (
                    DELETE FROM {acct} WHERE radacctid IN (
                        SELECT radacctid FROM {acct}
                        WHERE acctupdatetime < %s AND acctstoptime IS NOT NULL AND acctstoptime < %s
                        ORDER BY radacctid LIMIT %s FOR UPDATE SKIP LOCKED)
                    RETURNING *)
                INSERT INTO {log} ({columns}, customer_id)
                SELECT {picked}, s.customer_id FROM moved m LEFT JOIN {subscriptions} s ON s.id = m.subscription_id
                ON CONFLICT DO NOTHING""",
            [stopped_before, stopped_before, batch],
        )
        return cursor.rowcount
