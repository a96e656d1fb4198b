"""The FreeRADIUS configuration directory ispbill generates (`manage.py radius_config --out DIR`).

The templates are kept in the repository (radius/freeradius/): radiusd.conf, the one site, the sql
module (`dialect = "postgresql"`, as the least-privilege role) with our own queries.conf, pap, mschap
and expr. Placeholders are `@NAME@` (FreeRADIUS's own syntax uses `${…}` and `%{…}`). clients.conf is
written from the routers table: every active router in RADIUS mode with a secret, its shortname the
router's id (the queries find a login by router and username through it). The secrets are
decrypted into the file, so the directory is written readable by its owner only (0700/0600). The
database password is in `mods-config/sql/pgpass` alone (libpq's passfile), never in a setting
FreeRADIUS or its PostgreSQL driver prints.
With RADIUS_REPLICA_DATABASE_URL set, a second rlm_sql instance (`sql_replica`, the same role and
pgpass) reads a hot-standby replica, and the site's authorize falls back to it when the primary does
not answer (docs/radius.md, "When the primary is away: the replica"); without it the directory is
exactly what it was before the replica existed.
A router added or changed needs the directory generated again and FreeRADIUS restarted (or HUP).
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from network.models import Router

from .accepts import CONNINFO_FILE, accepts_pending
from .sql import require_postgresql

TEMPLATES = Path(__file__).resolve().parent / "freeradius"


@dataclass(frozen=True)
class Options:
    auth_port: int = 1812
    acct_port: int = 1813
    listen: str = "127.0.0.1"
    threads: int = 8
    db_pool: int = 8
    interim_interval: int = 300
    log_destination: str = "files"  # or "stdout"
    # Seconds between tries of a spooled packet PostgreSQL did not take (sites-enabled/ispbill-replay).
    replay_retry: int = 5  # FreeRADIUS takes 4 at least
    # libpq connection string for rlm_sql; None: our database as RADIUS_DB_USER (conninfo()).
    conninfo: str | None = None
    # libpq connection string for the replica's rlm_sql (sql_replica); None: RADIUS_REPLICA_DATABASE_URL
    # as RADIUS_DB_USER (replica_conninfo()), no replica when that is empty.
    replica_conninfo: str | None = None


def _quote(value: str) -> str:
    """A FreeRADIUS double-quoted string's content."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"')


PASSFILE = Path("mods-config") / "sql" / "pgpass"
# The accounting spool's directories (var/acct/0 …), each replayed by a reader of its own
# (sites-enabled/ispbill and ispbill-replay, which name them one by one).
ACCT_SPOOL_SHARDS = 4
REPLICA_MODULE = Path("mods-available") / "sql_replica"

# The authorisation read in sites-enabled/ispbill (@AUTHORIZE_SQL@). Without a replica: the primary, and
# `fail = 1` so that a failure goes on to `if (fail)` (server_error) instead of ending authorize.
AUTHORIZE_SQL = """sql {
			fail = 1
		}"""
# With one: the primary first (never stale while it answers), the replica when the primary fails (no
# connection, or an error); `notfound` or `ok` from the primary is its answer and the replica is not
# asked. Both failing: the last member refuses as `if (fail)` does (FreeRADIUS 3.2 has no way to set a
# `redundant` block's own actions, and a failed block ends authorize). docs/radius.md, "When the
# primary is away: the replica".
AUTHORIZE_SQL_REPLICA = """redundant {
			sql
			sql_replica
			group {
				update control {
					&Tmp-String-0 := "server_error"
				}
				reject
			}
		}"""


def _libpq(*, host: str, port: str, dbname: str, passfile: Path | None) -> str:
    parts = {
        "host": host,
        "port": port,
        "dbname": dbname,
        "user": settings.RADIUS_DB_USER,
        "passfile": str(passfile) if passfile and settings.RADIUS_DB_PASSWORD else "",
        "application_name": "freeradius",
        # A database that does not answer costs a request 3 s at most, then the pool waits its
        # retry_delay before trying again (mods-available/sql).
        "connect_timeout": "3",
    }
    def value(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return " ".join(f"{key}={value(text)}" for key, text in parts.items() if text)


def conninfo(*, passfile: Path | None = None) -> str:
    """libpq connection string for FreeRADIUS's role, to our database. It never holds the password:
    FreeRADIUS prints `radius_db` (-X) and rlm_sql_postgresql prints the whole connection string it
    connects with ("Connecting using parameters: …"), which would carry rlm_sql's own `password`
    setting too, since the driver appends it there. libpq reads the password from `passfile` instead,
    a file readable by its owner only (libpq ignores one that the group or others may read)."""
    db = connection.settings_dict
    return _libpq(host=db.get("HOST") or "127.0.0.1", port=str(db.get("PORT") or 5432), dbname=db["NAME"], passfile=passfile)


def replica_conninfo(*, passfile: Path | None = None) -> str | None:
    """libpq connection string for FreeRADIUS's role on the hot-standby replica named by
    RADIUS_REPLICA_DATABASE_URL (None when it is empty). Only its host, port and database name are
    used (the database defaults to ours): a streaming replica is a copy of the whole cluster, roles and
    their passwords included, so FreeRADIUS connects to it as RADIUS_DB_USER with the same pgpass; a
    user or password written in the URL is ignored, so no password ever reaches the configuration."""
    url = settings.RADIUS_REPLICA_DATABASE_URL
    if not url:
        return None
    if not url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("RADIUS_REPLICA_DATABASE_URL must be a postgres:// URL (a PostgreSQL hot standby)")
    try:
        parsed = environ.Env.db_url_config(url)
    except Exception as error:  # django-environ raises several kinds for a malformed URL
        raise ImproperlyConfigured(f"RADIUS_REPLICA_DATABASE_URL is not a database URL ({error})") from None
    if not parsed.get("HOST"):
        raise ImproperlyConfigured("RADIUS_REPLICA_DATABASE_URL must name the replica's host")
    return _libpq(
        host=parsed["HOST"], port=str(parsed.get("PORT") or 5432),
        dbname=parsed.get("NAME") or connection.settings_dict["NAME"], passfile=passfile,
    )


def pgpass(password: str) -> str:
    """A libpq password file with one line for any host, port, database and user: it is given to
    this one connection only (`passfile`). `:` and `\\` are escaped as libpq's format wants."""
    if "\n" in password or "\r" in password:
        raise ImproperlyConfigured("RADIUS_DB_PASSWORD cannot hold a line break")
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


def _message_authenticator_lines(router: Router) -> list[str]:
    """BlastRADIUS (CVE-2024-3596): an Access-Request without a valid Message-Authenticator is
    dropped unless staff switched the requirement off for this router (a RouterOS before 7.15 cannot
    send one). Switched off, `limit_proxy_state` still drops a request carrying Proxy-State without
    one (the attack needs Proxy-State; a router never sends it); FreeRADIUS 3.2.5+ reads it, older
    ones ignore it."""
    if router.radius_require_message_authenticator:
        return ["\trequire_message_authenticator = yes"]
    return ["\trequire_message_authenticator = no", "\tlimit_proxy_state = yes"]


def clients_conf(routers) -> str:
    lines = [
        "# Written by `manage.py radius_config` from the routers table (RADIUS mode, active, with a secret).",
        "# Each client's shortname is the router's id: ispbill's queries find a login by router and username.",
        "",
    ]
    probe_address = settings.RADIUS_PROBE_CLIENT_ADDRESS
    addresses: set[str] = set()
    if settings.RADIUS_PROBE_SECRET and probe_address not in {router.host for router in routers}:
        addresses.add(probe_address)
        # ispbill itself, asking on a router's behalf before a mode switch (network.aaa.probe_radius):
        # no router (shortname 0), so its probe login is answered with a reject, which is all it needs.
        lines += [
            "# ispbill's own address: the AAA mode switch's probe (RADIUS_PROBE_SECRET).",
            "client ispbill-probe {",
            f'\tipaddr = "{_quote(probe_address)}"',
            f'\tsecret = "{_quote(settings.RADIUS_PROBE_SECRET)}"',
            "\tshortname = 0",
            "\tnas_type = other",
            "\trequire_message_authenticator = yes",  # network.radius_coa.access_request signs its requests
            "}",
            "",
        ]
    for router in routers:
        if router.host in addresses:
            # FreeRADIUS knows a client by its address and refuses to start with two at one address:
            # the first router keeps it (the router page's RADIUS probe then fails for the other).
            lines += [f"# {router.name} (router {router.pk}) left out: another client already has address {router.host}", ""]
            continue
        addresses.add(router.host)
        lines += [
            f"# {router.name}",
            f"client router{router.pk} {{",
            f'\tipaddr = "{_quote(router.host)}"',
            f'\tsecret = "{_quote(router.radius_secret)}"',
            f"\tshortname = {router.pk}",
            "\tnas_type = other",
            *_message_authenticator_lines(router),
            "}",
            "",
        ]
    return "\n".join(lines)


def radius_routers():
    return [r for r in Router.objects.filter(aaa_mode=Router.AaaMode.RADIUS, is_active=True).order_by("pk") if r.radius_secret]


def config_write(out: Path, options: Options = Options()) -> list[Router]:
    """Write a complete configuration directory to `out` (replacing what our templates put there).
    Returns the routers written as clients."""
    require_postgresql()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    replica = options.replica_conninfo or replica_conninfo(passfile=out / PASSFILE)
    database = options.conninfo or conninfo(passfile=out / PASSFILE)
    tokens = {
        "CONFDIR": str(out),
        "LOG_DESTINATION": options.log_destination,
        "THREADS": str(options.threads),
        "POOL": str(options.db_pool),
        "POOL_MAX": str(options.db_pool * 2),
        "CONNINFO": _quote(database),
        "LISTEN": options.listen,
        "AUTH_PORT": str(options.auth_port),
        "ACCT_PORT": str(options.acct_port),
        "INTERIM": str(options.interim_interval),
        "SPOOLDIR": str(out / "var"),
        "REPLAY_RETRY": str(options.replay_retry),
        "REPLICA_CONNINFO": _quote(replica or ""),
        "AUTHORIZE_SQL": AUTHORIZE_SQL_REPLICA if replica else AUTHORIZE_SQL,
    }
    for source in sorted(TEMPLATES.rglob("*")):
        if source.is_dir():
            continue
        target = out / source.relative_to(TEMPLATES)
        if source.relative_to(TEMPLATES) == REPLICA_MODULE and not replica:
            target.unlink(missing_ok=True)  # a replica named before and unset since: not read any more
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text()
        for name, value in tokens.items():
            text = text.replace(f"@{name}@", value)
        _write_private(target, text)
    (out / PASSFILE).parent.mkdir(parents=True, exist_ok=True)
    _write_private(out / PASSFILE, pgpass(settings.RADIUS_DB_PASSWORD))
    routers = radius_routers()
    _write_private(out / "clients.conf", clients_conf(routers))
    # How FreeRADIUS connects, for the accept loader (radius/accepts.py), which connects the same way.
    _write_private(out / CONNINFO_FILE, database + "\n")
    spools = ("var", "var/acct", *(f"var/acct/{shard}" for shard in range(ACCT_SPOOL_SHARDS)), "var/postauth", "var/accepts")
    for name in ("log", "run", *spools):
        (out / name).mkdir(exist_ok=True)
    for name in spools:
        os.chmod(out / name, 0o700)  # the spools hold the routers' packets until they are replayed
    return routers


def spool_pending(directory: Path, *, kinds: tuple[str, ...] = ("acct", "postauth", "accepts")) -> list[Path]:
    """The spool files not replayed yet: accounting ("acct"), the post-auth records kept while the
    database was away ("postauth") and the accepts not loaded yet ("accepts", radius/accepts.py). Empty
    once PostgreSQL has every accounting packet FreeRADIUS answered and every answer it gave."""
    pending = [p for name in kinds if name != "accepts" for p in (Path(directory) / "var" / name).rglob("detail*")]
    return sorted(pending + (accepts_pending(directory) if "accepts" in kinds else []))


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    shutil.move(tmp, path)
