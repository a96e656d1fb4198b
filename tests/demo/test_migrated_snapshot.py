"""The demo's database starts from demo/migrated.sql (demo/embedded_db.py), a dump of a freshly migrated
database, instead of running the 166 migrations (README "Time to the first page"). It must be exactly what
`migrate` makes: the same tables, views, functions, triggers and indexes, the same rows the data migrations
write (roles and their permissions, content types), and it is used only while the migrations it holds are
unchanged on disk; migrations newer than it are applied by migrate after the restore."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from demo import embedded_db

from .test_embedded_db import ROOT, embedded_var, helper  # noqa: F401 (embedded_var is a fixture)

# Rows the data migrations and migrate's post_migrate write: compared between the two databases.
ROWS = {
    "migrations": "SELECT app || '.' || name FROM django_migrations ORDER BY 1",
    "content types": "SELECT app_label || '.' || model FROM django_content_type ORDER BY 1",
    "permissions": "SELECT ct.app_label || '.' || p.codename || ' ' || p.name FROM auth_permission p "
                   "JOIN django_content_type ct ON ct.id = p.content_type_id ORDER BY 1",
    "roles": "SELECT g.name || ': ' || coalesce(string_agg(ct.app_label || '.' || p.codename, ',' ORDER BY ct.app_label, p.codename), '') "
             "FROM auth_group g LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id LEFT JOIN auth_permission p ON p.id = gp.permission_id "
             "LEFT JOIN django_content_type ct ON ct.id = p.content_type_id GROUP BY g.name ORDER BY 1",
}
# The session log's month partitions are made for the months around the day migrate runs (radius 0008);
# the nightly job makes the rest. Their names and bounds differ with the day, not with the migrations.
MONTH_PARTITION = re.compile(r"radius_session_log_\d{4}_\d{2}")
# `status IN ('a', 'b')` as Django writes it and as PostgreSQL reads it back from a dump are deparsed
# differently (ARRAY[('a'::character varying)::text, …] against (ARRAY['a'::character varying, …])::text[]):
# the same condition, compared by its values.
IN_LIST = re.compile(r"ANY \(\(ARRAY\[[^\]]*\]\)::text\[\]\)|ANY \(ARRAY\[(?:\('[^']*'::character varying\)::text(?:, )?)+\]\)")


def test_the_committed_snapshot_holds_every_migration_unchanged():
    assert embedded_db.snapshot_current() == "", "run: python -m demo.embedded_db snapshot"
    header = embedded_db.SNAPSHOT.read_text().split("\n--\n", 1)[0]
    listed = {line.split()[2] for line in header.splitlines() if line.startswith("-- migration ")}
    # Every migration of ours that it holds is one migrate would apply, and it holds at least the radius views.
    assert "radius/migrations/0002_authorisation_views.py" in listed
    assert listed <= {path.relative_to(ROOT).as_posix() for path in embedded_db.migration_files()}


def test_a_changed_migration_or_package_makes_it_not_current(tmp_path):
    text = embedded_db.SNAPSHOT.read_text()
    changed = tmp_path / "migrated.sql"
    first = next(line for line in text.splitlines() if line.startswith("-- migration "))
    changed.write_text(text.replace(first, first[:-4] + "0000", 1))
    assert "changed since demo/migrated.sql was made" in embedded_db.snapshot_current(changed)
    other_django = next(line for line in text.splitlines() if line.startswith("-- package django=="))
    changed.write_text(text.replace(other_django, "-- package django==4.2.0", 1))
    assert "other versions" in embedded_db.snapshot_current(changed)
    assert embedded_db.snapshot_current(tmp_path / "missing.sql") == "no demo/migrated.sql"


def psql(var: Path, database: str, sql: str) -> str:
    db = embedded_db.Cluster(base=var / "postgres", bin=embedded_db.bin_dir())
    return db._psql(db.running_port(), database, "-c", sql).stdout


def schema(var: Path, database: str) -> str:
    db = embedded_db.Cluster(base=var / "postgres", bin=embedded_db.bin_dir())
    dump = subprocess.run([str(db.bin / "pg_dump"), "-h", "127.0.0.1", "-p", str(db.running_port()), "-U", embedded_db.ROLE,
                           "--schema-only", "--no-owner", database], capture_output=True, text=True, check=True).stdout
    dump = re.sub(r"FOR VALUES FROM \('[^)]*'\) TO \('[^)]*'\)", "FOR VALUES …", MONTH_PARTITION.sub("radius_session_log_MONTH", dump))
    dump = IN_LIST.sub(lambda found: "IN " + repr(re.findall(r"'([^']*)'::character varying", found.group(0))), dump)
    dump = re.sub(r"^\\(un)?restrict .*$", "", dump, flags=re.M)
    # A trigger's WHEN clause is read back from a dump with its parentheses nested differently
    # ((a OR b) OR c against (a OR b OR c)): the same condition, compared without them.
    dump = re.sub(r"(?m)^(.*\bWHEN \()(.*)$", lambda found: found.group(1) + found.group(2).replace("(", "").replace(")", ""), dump)
    # One statement per block, in a stable order (pg_dump orders by dependencies, then by object id).
    return "\n".join(sorted(set(block.strip() for block in dump.split("\n\n") if block.strip() and not block.startswith("-- Dumped"))))


def migrate(var: Path, database: str) -> subprocess.CompletedProcess:
    db = embedded_db.Cluster(base=var / "postgres", bin=embedded_db.bin_dir())
    url = f"postgres://{embedded_db.ROLE}@127.0.0.1:{db.running_port()}/{database}"
    return subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env={**__import__("os").environ, "DATABASE_URL": url})


@pytest.mark.slow(seconds=52)
def test_restored_and_migrated_is_what_migrate_makes_from_nothing(embedded_var):
    started = helper("start", var=embedded_var, EMBEDDED_DB_SNAPSHOT="1")
    assert started.returncode == 0, started.stderr
    assert "made from demo/migrated.sql" in started.stderr
    restored = migrate(embedded_var, "ispbill")  # applies only migrations newer than the snapshot
    assert restored.returncode == 0, restored.stderr

    db = embedded_db.Cluster(base=embedded_var / "postgres", bin=embedded_db.bin_dir())
    assert db.create_database(db.running_port(), "fresh")
    fresh = migrate(embedded_var, "fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.count("Applying ") > 150

    assert schema(embedded_var, "ispbill") == schema(embedded_var, "fresh")
    for what, sql in ROWS.items():
        assert psql(embedded_var, "ispbill", sql) == psql(embedded_var, "fresh", sql), what
    # Views, functions and the triggers the migrations make in SQL are there (not only Django's tables).
    objects = psql(embedded_var, "ispbill", "SELECT count(*) FROM pg_views WHERE viewname LIKE 'radius_%'") + psql(
        embedded_var, "ispbill", "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
    assert [int(n) for n in objects.split()] >= [4, 1]
