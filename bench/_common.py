"""Shared by the benchmarks in bench/: a PostgreSQL database of their own, Django set up on it, and a
fast loader of N customers with one subscription each.

The loader writes rows straight into the tables with COPY (generated in Python and streamed in
chunks, so memory stays flat at any size) with the secondary indexes dropped and rebuilt afterwards,
all in one transaction: an interrupted load leaves the previous state, never half a table without
its indexes. Rows are what the services would have written (gap-free account numbers, the number
counter moved on, one subscription per customer), minus the audit entries.
"""

from __future__ import annotations

import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_FERNET_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktbm90LWZvci11c2U="  # bench database only
CHUNK_ROWS = 5_000


def bench_database_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must point at a PostgreSQL server (postgres://user@host:port/db)")
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(db_name: str, *, debug: bool = False) -> None:
    """Point Django at the bench database and configure it as production runs (DEBUG off)."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url:
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    url = bench_database_url(base_url, db_name)
    ensure_database(base_url, db_name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("ISPBILL_VAR_DIR", f"/tmp/{db_name}-var")
    os.environ["DJANGO_DEBUG"] = "true" if debug else "false"
    os.environ.setdefault("SERVER_TIMING_FOR_ALL", "true")  # the benches read every answer's Server-Timing
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", BENCH_FERNET_KEY)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    """The direct children of a process (a gunicorn arbiter's workers, a Celery pool)."""
    try:
        return [int(p) for p in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
    except OSError:
        return []


def database_backend_pids() -> list[int]:
    """The PostgreSQL backends connected to Django's database, other than this process's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def timed(label: str, results: dict[str, float]):
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started
    print(f"  {label:<34} {results[label]:8.1f} s", flush=True)


# Catalogue ---------------------------------------------------------------------------------------

def ensure_catalogue():
    """The demo's branches, areas, packages and routers (same names as `seed_demo`)."""
    from customers.models import Area, Branch, Package
    from demo.management.commands.seed_demo import BRANCHES, PACKAGES
    from network.models import Router

    for number, (code, name, address, phone, areas) in enumerate(BRANCHES):
        branch, _ = Branch.objects.get_or_create(code=code, defaults={"name": name, "address": address, "phone": phone})
        for area_name, *_rest in areas:
            Area.objects.get_or_create(branch=branch, name=area_name)
        for n in (1, 2):
            index = number * 2 + n - 1
            Router.objects.get_or_create(
                name=f"{code}-CORE-{n:02d}", defaults={"host": f"127.0.0.{10 + index}", "api_port": 8728 + index, "branch": branch}
            )
    for name, kind, down, up, price, ott, channels, cap, profile, active, _weight in PACKAGES:
        Package.objects.get_or_create(
            name=name,
            defaults=dict(type=kind, download_mbps=down, upload_mbps=up, price=price, ott_bundle=ott,
                          live_channels=channels, data_cap_gb=cap, router_profile=profile, is_active=active),
        )


# Rows --------------------------------------------------------------------------------------------

CUSTOMER_COLUMNS = (
    "id", "account_number", "name", "phone", "email", "national_id", "address", "latitude", "longitude",
    "area_id", "branch_id", "status", "customer_since", "notes", "reseller_id", "user_id", "created_at", "updated_at",
    "referral_code",
)
SUBSCRIPTION_COLUMNS = (
    "id", "customer_id", "package_id", "connection_type", "router_id", "username", "password", "static_ip",
    "mac_address", "status", "suspension_type", "skip_billing", "activated_at", "suspended_at", "cancelled_at",
    "billing_anchor_day", "paid_through", "created_at", "updated_at", "password_nt_hash",
)
BENCH_PPPOE_PASSWORD = "bench-pppoe-pass"


def check_columns() -> None:
    """Refuse to load if a model has gained a column this loader cannot leave to the database (NULL,
    or a database default)."""
    from django.db.models import NOT_PROVIDED

    from customers.models import Customer, Subscription

    for model, columns in ((Customer, CUSTOMER_COLUMNS), (Subscription, SUBSCRIPTION_COLUMNS)):
        fields = {f.column: f for f in model._meta.concrete_fields}
        unfilled = sorted(
            column for column, f in fields.items() if column not in columns and not f.null and f.db_default is NOT_PROVIDED
        )
        gone = sorted(set(columns) - set(fields))
        if unfilled or gone:
            sys.exit(
                f"{model.__name__} columns changed (new and NOT NULL: {unfilled}, gone: {gone}): "
                "update bench/_common.py"
            )


class RowMaker:
    """COPY text lines for customer i and its subscription, from one seeded generator."""

    def __init__(self, *, seed: int, today: date, password_token: str):
        from django.conf import settings

        from customers.models import Area, Package
        from demo.management.commands import seed_demo as demo
        from network.models import Router

        self.rng = random.Random(seed)
        self.today = today
        self.year = today.year
        self.prefix = settings.ACCOUNT_NUMBER_PREFIX
        self.password_token = password_token
        from ispbill.core.nthash import nt_password_hash

        self.nt_hash = nt_password_hash(BENCH_PPPOE_PASSWORD)  # what RADIUS checks the password against
        self.male = demo.MUSLIM_MALE * 8 + demo.HINDU_MALE
        self.female = demo.MUSLIM_FEMALE * 8 + demo.HINDU_FEMALE
        self.male_last = demo.MUSLIM_MALE_LAST * 8 + demo.HINDU_LAST
        self.female_last = demo.MUSLIM_FEMALE_LAST * 8 + demo.HINDU_LAST
        self.operators = [p for p, weight in demo.OPERATOR_PREFIXES for _ in range(weight)]
        geo = {(code, name): (lat, lon, style, post) for code, _n, _a, _p, areas in demo.BRANCHES for name, lat, lon, style, post in areas}
        self.areas = []
        for area in Area.objects.select_related("branch").order_by("id"):
            lat, lon, style, post = geo.get((area.branch.code, area.name), (23.78, 90.37, "block", 1216))
            routers = list(Router.objects.filter(branch=area.branch_id).order_by("id").values_list("id", flat=True))
            self.areas.append((area.id, area.branch_id, area.name, lat, lon, style, post, routers))
        self.packages = [
            pk for name, pk in Package.objects.filter(is_active=True).values_list("name", "id")
            for _ in range({p[0]: p[10] for p in demo.PACKAGES}.get(name, 1))
        ]

    def address(self, area_name: str, style: str, post: int) -> str:
        r = self.rng.randint
        if style == "sector":
            return f"House {r(1, 120)}, Road {r(1, 20)}, Sector {area_name.rsplit(' ', 1)[-1]}, Uttara, Dhaka-{post}"
        if style == "mohalla":
            return f"{r(1, 300)}/{r(1, 12)} {area_name}, Dhaka-{post}"
        return f"House {r(1, 120)}, Road {r(1, 20)}, Block {'ABCDEFGH'[r(0, 7)]}, {area_name}, Dhaka-{post}"

    def rows(self, first_id: int, last_id: int):
        """(customer line, subscription line) for ids first_id..last_id."""
        from ispbill.core.numbering import format_number

        rng = self.rng
        rand, choice, randint = rng.random, rng.choice, rng.randint
        for pk in range(first_id, last_id + 1):
            female = rand() < 0.25
            first = choice(self.female if female else self.male)
            last = choice(self.female_last if female else self.male_last)
            name = f"{first} {last}"
            phone = f"+880{choice(self.operators)[1:]}{randint(0, 99_999_999):08d}"
            area_id, branch_id, area_name, lat, lon, style, post, routers = choice(self.areas)
            email = f"{first.lower()}{randint(10, 9999)}@gmail.com" if rand() < 0.3 else ""
            nid = str(randint(1_000_000_000, 9_999_999_999)) if rand() < 0.4 else ""
            since = self.today - timedelta(days=randint(0, 5 * 365))
            roll = rand()
            if roll < 0.85:
                customer_status, sub_status = "active", "active"
            elif roll < 0.93:
                customer_status, sub_status = "suspended", "suspended"
            elif roll < 0.97:
                customer_status, sub_status = "pending", "pending"
            else:
                customer_status, sub_status = "closed", "cancelled"
            stamp = f"{since.isoformat()} 10:00:00+06"
            yield (
                f"{pk}\t{format_number(self.prefix, self.year, pk)}\t{name}\t{phone}\t{email}\t{nid}\t"
                f"{self.address(area_name, style, post)}\t{lat + rng.uniform(-0.004, 0.004):.6f}\t"
                f"{lon + rng.uniform(-0.004, 0.004):.6f}\t{area_id}\t{branch_id}\t{customer_status}\t{since.isoformat()}\t"
                f"\t\\N\t\\N\t{stamp}\t{stamp}\t{bench_referral_code(pk)}\n",
                self.subscription_line(pk, first, routers, sub_status, stamp),
            )

    def subscription_line(self, pk: int, first: str, routers: list[int], status: str, stamp: str) -> str:
        roll = self.rng.random()
        if roll < 0.06:
            kind, username, ip, password, nt_hash = "static", "", f"10.{(pk >> 16) & 255}.{(pk >> 8) & 255}.{pk & 255}", "", ""
        else:
            kind = "hotspot" if roll < 0.1 else "pppoe"
            username, ip, password, nt_hash = f"{first.lower()}{pk}", "\\N", self.password_token, self.nt_hash
        activated = stamp if status != "pending" else "\\N"
        suspended = stamp if status == "suspended" else "\\N"
        cancelled = stamp if status == "cancelled" else "\\N"
        suspension_type = "non_payment" if status == "suspended" else ""
        skip = "t" if status == "cancelled" else "f"
        return (
            f"{pk}\t{pk}\t{self.rng.choice(self.packages)}\t{kind}\t{self.rng.choice(routers)}\t{username}\t{password}\t"
            f"{ip}\t\t{status}\t{suspension_type}\t{skip}\t{activated}\t{suspended}\t{cancelled}\t\\N\t\\N\t{stamp}\t{stamp}\t{nt_hash}\n"
        )


def bench_referral_code(pk: int) -> str:
    """A unique referral code per id, in the codes' own alphabet and length.

    Multiplying by a number prime to the alphabet size permutes the code space, so distinct ids
    give distinct codes that do not look sequential.
    """
    from customers.models import REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH

    base = len(REFERRAL_ALPHABET)
    value = (pk * 2_654_435_761) % base**REFERRAL_CODE_LENGTH
    digits = []
    for _ in range(REFERRAL_CODE_LENGTH):
        value, digit = divmod(value, base)
        digits.append(REFERRAL_ALPHABET[digit])
    return "".join(digits)


# Loading -----------------------------------------------------------------------------------------

SECONDARY_INDEXES_SQL = """
    SELECT i.relname, pg_get_indexdef(i.oid)
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = %s::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""


def bench_admin(username: str):
    """A staff user with the Admin role (not a superuser: the permission checks run as for the ISP's staff),
    made the first time."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ispbill.accounts import roles

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"kind": User.Kind.STAFF})
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=roles.ADMIN)])
    return user


def loaded_size() -> int | None:
    """How many customers the bench database holds, if it holds exactly what this loader writes."""
    from customers.models import Customer, Subscription

    customers = Customer.objects.count()
    if customers and Subscription.objects.count() == customers and Customer.objects.order_by("-id").values_list("id", flat=True).first() == customers:
        return customers
    return None if customers else 0


def load_customers(count: int, *, seed: int = 42) -> dict[str, float]:
    """Replace the customers and subscriptions of the bench database with `count` generated ones."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import Customer, Subscription
    from ispbill.core.fields import fernet
    from ispbill.core.models import NumberSequence

    check_columns()
    ensure_catalogue()
    timings: dict[str, float] = {}
    maker = RowMaker(seed=seed, today=timezone.localdate(), password_token=fernet().encrypt(BENCH_PPPOE_PASSWORD.encode()).decode())
    tables = (Customer._meta.db_table, Subscription._meta.db_table)
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cur:
            cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            # The rows are consistent by construction: skip the per-row foreign-key triggers.
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
            indexes = []
            for table in tables:
                indexes += cur.execute(SECONDARY_INDEXES_SQL, [table]).fetchall()
            for name, _definition in indexes:
                cur.execute(f'DROP INDEX "{name}"')
            with timed(f"COPY {count:,} customers + subscriptions", timings):
                copy_rows(cur, maker, count, tables)
            with timed(f"rebuild {len(indexes)} secondary indexes", timings):
                for _name, definition in indexes:
                    cur.execute(definition)
            for table in tables:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [count])
        key = f"{settings.ACCOUNT_NUMBER_PREFIX}:continuous"  # account numbers never reset (core.numbering)
        NumberSequence.objects.update_or_create(key=key, defaults={"last_value": count})
    with timed("VACUUM ANALYZE", timings), connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        # Every other table too, as autovacuum would within a minute of a production install's start:
        # this machine's PostgreSQL runs with autovacuum off, and tables never analyzed (a bench database
        # made anew) were planned so badly that Pay Bill payments' p95 tripled (bench/README.md).
        cur.execute("ANALYZE")
    # The COPY ran with triggers off (replica role): the staff home's customer tally is counted afresh.
    from customers.sql import customer_tally_recount

    customer_tally_recount()
    # … and so is every login's row FreeRADIUS reads: left empty, the logins of subscriptions no later
    # step touched were "unknown users" (the promotion drill's 881 of 5,000 refused with everything up).
    from radius.sql import login_state_rebuild, radius_supported

    if radius_supported():
        login_state_rebuild()
    timings["total"] = time.perf_counter() - started
    print(f"  {'total':<34} {timings['total']:8.1f} s", flush=True)
    return timings


def copy_rows(cur, maker: RowMaker, count: int, tables: tuple[str, str]) -> None:
    """Both tables in one pass: customers streamed to COPY, subscription lines spooled to a temp file."""
    import tempfile

    customer_table, subscription_table = tables
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        with cur.copy(f"COPY {customer_table} ({', '.join(CUSTOMER_COLUMNS)}) FROM STDIN") as copy:
            for first in range(1, count + 1, CHUNK_ROWS):
                last = min(first + CHUNK_ROWS - 1, count)
                customers, subscriptions = zip(*maker.rows(first, last))
                copy.write("".join(customers))
                spool.write("".join(subscriptions))
        spool.seek(0)
        with cur.copy(f"COPY {subscription_table} ({', '.join(SUBSCRIPTION_COLUMNS)}) FROM STDIN") as copy:
            while block := spool.read(1 << 20):
                copy.write(block)
