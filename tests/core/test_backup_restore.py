"""`manage.py backup` and `restore` on the demo data, on whichever database the suite runs on (PostgreSQL:
pg_dump/pg_restore into a new database; SQLite: the online backup API into a new file).

The demo is seeded once for the module and committed (pg_dump reads committed data only), as
tests/demo/test_seed_all.py does; the restore runs as the operator runs it, `manage.py restore` in a
process of its own pointed at an empty database, and the test then counts every table and sums the
money on both sides itself.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum
from django.test import override_settings

from billing.models import Account, Allocation, Invoice, LedgerEntry
from ispbill.core.backup import BackupError, backup_open, backups_prune
from ispbill.core.backup_crypto import BackupAuthError, generate_key, parse_key
from payments.models import Payment
from tests import fast_flush
from tests.seeded_demo import demo_of_24_customers

ROOT = Path(__file__).resolve().parents[2]
KEY = generate_key()
# (table, column) summed on both sides: the ledger and every cache of it.
MONEY = [
    (LedgerEntry, "amount"), (Account, "balance"), (Invoice, "total"), (Invoice, "amount_paid"),
    (Allocation, "amount"), (Payment, "amount"),
]
PAISA = Decimal("0.01")


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def source_money() -> dict[str, Decimal]:
    return {
        f"{model._meta.db_table}.{field}": (model.objects.aggregate(s=Sum(field))["s"] or Decimal(0)).quantize(PAISA)
        for model, field in MONEY
    }


class Target:
    """A new, empty database of the suite's vendor, and the environment of a process that uses it."""

    def __init__(self, tmp: Path, name: str):
        self.tmp = tmp
        self.media = tmp / "media"
        source = connection.settings_dict
        if connection.vendor == "postgresql":
            self.name = f"{source['NAME']}_{name}"
            self.server = {k: source[k] for k in ("HOST", "PORT", "USER", "PASSWORD")}
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
            auth = quote(source["USER"]) + (f":{quote(source['PASSWORD'])}" if source["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}/{self.name}"
        else:
            self.name = str(tmp / f"{name}.sqlite3")
            self.url = f"sqlite:///{self.name}"

    def _admin(self):
        s = self.server
        return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None, dbname="postgres", autocommit=True)

    def query(self, sql: str) -> list[tuple]:
        if connection.vendor == "postgresql":
            s = self.server
            with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None, dbname=self.name) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.name) as conn:
            return conn.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if connection.vendor == "postgresql":
            # Partitioned tables once, with their partitions' rows (as Django's introspection lists them).
            return [r[0] for r in self.query(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            )]
        if not Path(self.name).exists():
            return []
        return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]

    def counts(self) -> dict[str, int]:
        return {table: self.query(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in self.tables()}

    def money(self) -> dict[str, Decimal]:
        return {
            f"{model._meta.db_table}.{field}": Decimal(str(self.query(f'SELECT COALESCE(SUM({field}), 0) FROM "{model._meta.db_table}"')[0][0])).quantize(PAISA)
            for model, field in MONEY
        }

    def restore(self, path: Path, key: str = KEY) -> subprocess.CompletedProcess:
        env = {
            **os.environ, "DATABASE_URL": self.url, "MEDIA_ROOT": str(self.media), "BACKUP_ENCRYPTION_KEY": key,
            "ISPBILL_VAR_DIR": str(self.tmp / "var"), "DJANGO_DEBUG": "true",
        }
        return subprocess.run([sys.executable, "manage.py", "restore", str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    def drop(self) -> None:
        if connection.vendor == "postgresql":
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def demo_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (`manage.py seed`, 24 customers, two months), committed, and one backup of it.
    Yields (backup path, row counts, money sums, uploaded files) of the source."""
    media = tmp_path_factory.mktemp("source-media")
    out = tmp_path_factory.mktemp("backups")
    # Two older backups already there (fake ones) and one file that is not a backup.
    for stamp in ("20200101T000000000000Z", "20200102T000000000000Z"):
        (out / f"ispbill-{stamp}.backup").write_bytes(b"old")
        (out / f"ispbill-{stamp}.backup.sha256").write_text("0  old\n")
    (out / "notes.txt").write_text("not a backup")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, BACKUP_ENCRYPTION_KEY=KEY):
        demo_of_24_customers(media=media, tmp_path_factory=tmp_path_factory)  # seeded once a run (tests/seeded_demo.py)
        report = StringIO()
        call_command("backup", out=out, keep=2, stdout=report)
        files = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
        yield max(out.glob("ispbill-*.backup")), source_counts(), source_money(), files, out, report.getvalue()
        fast_flush.flush()  # as after a committing test (tests/fast_flush.py)


def test_backup_of_the_demo_restores_into_an_empty_database_with_every_count_and_total_equal(demo_backup, tmp_path):
    path, counts, money, files, _out, _report = demo_backup
    assert counts["customers_customer"] >= 24 and counts["billing_ledgerentry"] > 0 and counts["payments_payment"] > 0
    assert files, "the demo writes uploaded files (photos, signatures, contracts)"
    target = Target(tmp_path, "restore")
    try:
        assert target.tables() == []

        # A copy with one byte changed (its checksum file copied beside it) is refused; nothing is written.
        tampered = tmp_path / "tampered" / path.name
        tampered.parent.mkdir()
        blob = bytearray(path.read_bytes())
        blob[len(blob) // 2] ^= 0x01
        tampered.write_bytes(bytes(blob))
        Path(f"{tampered}.sha256").write_text(Path(f"{path}.sha256").read_text())
        refused = target.restore(tampered)
        assert refused.returncode != 0
        assert "checksum mismatch" in refused.stderr
        assert target.tables() == []
        assert not target.media.exists() or not any(target.media.rglob("*"))

        # The backup itself restores: every table row for row, the money, the files.
        done = target.restore(path)

        assert done.returncode == 0, done.stderr
        assert "ledger totals equal, check_ledger OK" in done.stdout
        assert target.counts() == counts
        assert target.money() == money
        restored = {p.relative_to(target.media).as_posix(): p.read_bytes() for p in target.media.rglob("*") if p.is_file()}
        assert restored == files
    finally:
        target.drop()


def test_backup_writes_a_checksum_beside_it_and_keeps_only_the_newest_n(demo_backup):
    path, counts, _money, _files, out, report = demo_backup
    assert sorted(p.name for p in out.iterdir()) == sorted([
        path.name, f"{path.name}.sha256", "ispbill-20200102T000000000000Z.backup", "ispbill-20200102T000000000000Z.backup.sha256", "notes.txt",
    ])
    assert "deleted older backup ispbill-20200101T000000000000Z.backup (keeping 2)" in report
    done = subprocess.run(["sha256sum", "--check", f"{path.name}.sha256"], cwd=out, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_records_versions_migrations_counts_and_ledger_totals(demo_backup, tmp_path):
    path, counts, money, *_ = demo_backup
    manifest = backup_open(path=path, key=parse_key(KEY), staging=tmp_path)
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["row_counts"] == counts
    assert "0001_initial" in manifest["migrations"]["billing"]
    assert manifest["created_at"] and manifest["app_version"]
    assert Decimal(manifest["ledger_totals"]["ledger_entries"]["sum"]) == money["billing_ledgerentry.amount"]
    assert Decimal(manifest["ledger_totals"]["account_balances"]["sum"]) == money["billing_account.balance"]
    assert manifest["ledger_totals"]["payments"]["rows"] == counts["payments_payment"]
    # The money is not readable in the file.
    assert b"billing_ledgerentry" not in path.read_bytes()


def test_a_changed_byte_with_a_matching_checksum_is_refused_by_the_encryption(demo_backup, tmp_path):
    path, *_ = demo_backup
    tampered = tmp_path / path.name
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 3] ^= 0x01
    tampered.write_bytes(bytes(blob))
    (tmp_path / f"{path.name}.sha256").write_text(f"{hashlib.sha256(blob).hexdigest()}  {path.name}\n")
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(BackupAuthError, match="does not authenticate"):
        backup_open(path=tampered, key=parse_key(KEY), staging=staging)


def test_the_wrong_key_is_refused(demo_backup, tmp_path):
    path, *_ = demo_backup
    with override_settings(BACKUP_ENCRYPTION_KEY=generate_key()), pytest.raises(CommandError, match="wrong BACKUP_ENCRYPTION_KEY"):
        call_command("restore", path, verify_only=True)


@pytest.mark.django_db
def test_restoring_into_a_database_with_data_is_refused_and_changes_nothing(demo_backup):
    path, counts, money, *_ = demo_backup
    with override_settings(BACKUP_ENCRYPTION_KEY=KEY), pytest.raises(CommandError, match="is not empty"):
        call_command("restore", path)
    assert source_counts() == counts
    assert source_money() == money
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*"))


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "not-a-key"])
def test_backup_and_restore_refuse_to_run_without_a_key(demo_backup, tmp_path, key):
    path, *_ = demo_backup
    with override_settings(BACKUP_ENCRYPTION_KEY=key):
        with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY"):
            call_command("backup", out=tmp_path)
        with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY"):
            call_command("restore", path)
    assert list(tmp_path.iterdir()) == []


def test_pruning_deletes_only_backups_beyond_the_newest_n(tmp_path):
    names = [f"ispbill-2026010{day}T000000000000Z.backup" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        (tmp_path / f"{name}.sha256").write_text("x")
    (tmp_path / "other.backup").write_bytes(b"keep me")

    deleted = backups_prune(out_dir=tmp_path, keep=2)

    assert sorted(p.name for p in deleted) == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["other.backup", *names[3:], *(f"{n}.sha256" for n in names[3:])])


def test_restore_refuses_a_file_that_is_not_there(tmp_path):
    with pytest.raises(BackupError, match="no such backup file"):
        backup_open(path=tmp_path / "missing.backup", key=parse_key(KEY), staging=tmp_path)
