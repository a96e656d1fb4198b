"""Backups: one encrypted file holding a consistent database dump, the uploaded files and a manifest.

Layout of the (decrypted) tar stream, in this order:
    manifest.json        vendor, versions, migrations, every table's row count, the caller's totals
    database.pgdump      PostgreSQL: `pg_dump --format=custom` of the snapshot the counts were taken in
    database.sqlite3     SQLite: the online backup API's copy (the counts are taken from the copy)
    files/<root>/...     MEDIA_ROOT (and PRIVATE_MEDIA_ROOT when the settings define one)

The stream is encrypted with backup_crypto (AES-256-GCM in chunks) and a `<file>.sha256` is written
beside it (`sha256sum -c` reads it). What is domain-specific (ledger totals, the ledger check) is
passed in by the caller (usecases/backup.py): this module imports no domain app.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from .backup_crypto import DecryptingReader, EncryptingWriter

FORMAT = 1
PREFIX = "ispbill-"
SUFFIX = ".backup"
MANIFEST = "manifest.json"
Totals = Callable[[object], dict]  # a DB-API cursor on the data being backed up or restored -> {name: value}


class BackupError(Exception):
    """Refused or failed, with a message for the operator."""


@dataclass
class BackupResult:
    path: Path
    checksum_path: Path
    size: int
    manifest: dict
    deleted: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    manifest: dict
    problems: list[str]
    row_counts: dict[str, int]
    totals: dict


# Files ---------------------------------------------------------------------------------------------

def file_roots() -> dict[str, Path]:
    """The directories of uploaded files, by the name they have in the archive."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def _files_of(root: Path):
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


# Database facts ------------------------------------------------------------------------------------

def _tables(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        # A partitioned table's count covers its partitions (the session log's months): each row once.
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"
        )
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute('SELECT COUNT(*) FROM "{}"'.format(table.replace('"', '""')))
        counts[table] = cursor.fetchone()[0]
    return counts


def column_totals(cursor, columns: list[tuple[str, str, str]]) -> dict[str, dict[str, str | int]]:
    """Row count and sum of each (name, table, numeric column) in `columns`: the caller's money columns,
    which a backup records in its manifest and a restore must reproduce. Hand-written because it runs
    on any DB-API cursor, the SQLite copy a backup reads included, to which the ORM has no connection.
    Summed as whole paisa: SQLite keeps decimals as floats, and a float sum of a million amounts is not
    exact, but a sum of whole numbers below 2**53 is."""
    totals = {}
    for name, table, column in columns:
        cursor.execute('SELECT COUNT(*), COALESCE(SUM(ROUND("{}" * 100)), 0) FROM "{}"'.format(
            column.replace('"', '""'), table.replace('"', '""')))
        count, paisa = cursor.fetchone()
        totals[name] = {"rows": int(count), "sum": str(Decimal(int(paisa)) / 100)}
    return totals


def _migrations(cursor) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def _git_commit() -> str | None:
    if os.environ.get("GIT_COMMIT"):
        return os.environ["GIT_COMMIT"]
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _app_version() -> str | None:
    try:
        return metadata.version("ispbill")
    except metadata.PackageNotFoundError:
        return None


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: the password stays off the command line."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not on PATH: install the PostgreSQL client (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


# Backup --------------------------------------------------------------------------------------------

def _snapshot_postgresql(connection, dump_path: Path, totals: Totals) -> dict:
    """Counts, totals and the dump all of one snapshot: a repeatable-read transaction exports it and
    pg_dump imports it (--snapshot), so the manifest describes exactly the rows in the dump."""
    if connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a transaction (it needs a snapshot of committed data)")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        facts = {
            "server_version": server_version,
            "migrations": _migrations(cursor),
            "row_counts": _row_counts(cursor, "postgresql"),
            "ledger_totals": totals(cursor),
        }
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password", f"--file={dump_path}"],
            _pg_env(connection.settings_dict),
        )
    return facts


def _snapshot_sqlite(connection, copy_path: Path, totals: Totals) -> dict:
    """The online backup API copies the database page by page under a read lock (writers in WAL mode
    go on); the counts and totals are then read from the copy itself."""
    connection.ensure_connection()
    target = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(target)
        cursor = target.cursor()
        return {
            "server_version": sqlite3.sqlite_version,
            "migrations": _migrations(cursor),
            "row_counts": _row_counts(cursor, "sqlite"),
            "ledger_totals": totals(cursor),
        }
    finally:
        target.close()


class _Hashing:
    """A sink that hashes what passes through it."""

    def __init__(self, sink):
        self.sink, self.sha256, self.size = sink, hashlib.sha256(), 0

    def write(self, data) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.sink.write(data)


def backup_create(*, out_dir: Path, key: bytes, totals: Totals, using: str = "default", keep: int = 0) -> BackupResult:
    """Write `ispbill-<UTC time>.backup` and its `.sha256` into out_dir; then, with keep > 0, delete
    the older backups beyond the newest `keep`."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    name = f"{PREFIX}{created:%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    final, partial = out_dir / name, out_dir / f".{name}.partial"
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out_dir) as work:
        db_member = "database.pgdump" if vendor == "postgresql" else "database.sqlite3"
        db_file = Path(work) / db_member
        snapshot = _snapshot_postgresql if vendor == "postgresql" else _snapshot_sqlite
        facts = snapshot(connection, db_file, totals)
        roots = {label: list(_files_of(root)) for label, root in file_roots().items()}
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "database_vendor": vendor,
            "database_name": Path(str(connection.settings_dict["NAME"])).name,
            "app_version": _app_version(),
            "git_commit": _git_commit(),
            **facts,
            "files": {label: {"count": len(files), "bytes": sum(f.stat().st_size for f in files)} for label, files in roots.items()},
        }
        try:
            with open(partial, "wb") as raw:
                sink = _Hashing(raw)
                encrypted = EncryptingWriter(sink, key)
                with tarfile.open(fileobj=encrypted, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mtime = len(body), int(created.timestamp())
                    tar.addfile(info, io.BytesIO(body))
                    tar.add(db_file, arcname=db_member)
                    for label, files in roots.items():
                        base = file_roots()[label]
                        for path in files:
                            tar.add(path, arcname=f"files/{label}/{path.relative_to(base).as_posix()}", recursive=False)
                encrypted.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    checksum_path = out_dir / f"{name}.sha256"
    checksum_path.write_text(f"{sink.sha256.hexdigest()}  {name}\n")
    deleted = backups_prune(out_dir=out_dir, keep=keep) if keep > 0 else []
    return BackupResult(path=final, checksum_path=checksum_path, size=sink.size, manifest=manifest, deleted=deleted)


def backups_prune(*, out_dir: Path, keep: int) -> list[Path]:
    """Delete the backups (and their checksums) older than the newest `keep`; names sort by time."""
    backups = sorted(Path(out_dir).glob(f"{PREFIX}*{SUFFIX}"), reverse=True)
    deleted = []
    for old in backups[keep:]:
        old.unlink()
        Path(f"{old}.sha256").unlink(missing_ok=True)
        deleted.append(old)
    return deleted


# Restore -------------------------------------------------------------------------------------------

def checksum_verify(path: Path) -> None:
    checksum_path = Path(f"{path}.sha256")
    if not checksum_path.is_file():
        raise BackupError(f"no checksum file {checksum_path.name} beside the backup: it is written with every backup; copy it too")
    words = checksum_path.read_text().split()
    expected = words[0].lower() if words else ""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise BackupError(f"checksum mismatch: {path.name} is not the file that was written (SHA-256 {digest.hexdigest()}, expected {expected}); it was changed or damaged")


def target_refusals(using: str = "default") -> list[str]:
    """Why this database and these file directories are not an empty place to restore into."""
    connection = connections[using]
    reasons = []
    with connection.cursor() as cursor:
        tables = _tables(cursor, connection.vendor)
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        reasons.append(
            f"the database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables: {shown}); "
            "restore only into a new, empty database (createdb, or a new SQLite file) and point DATABASE_URL at it"
        )
    for label, root in file_roots().items():
        if any(_files_of(root)):
            reasons.append(f"the {label} directory {root} already holds files; restore into an empty one")
    return reasons


def backup_open(*, path: Path, key: bytes, staging: Path) -> dict:
    """Verify the checksum, decrypt and authenticate the whole file into `staging`; return the manifest.
    Nothing outside `staging` is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    checksum_verify(path)
    manifest = None
    with open(path, "rb") as raw:
        reader = DecryptingReader(raw, key)
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    manifest = json.loads(tar.extractfile(member).read())
                elif member.isfile() and (member.name in ("database.pgdump", "database.sqlite3") or member.name.startswith("files/")):
                    tar.extract(member, staging, filter="data")
                else:
                    raise BackupError(f"unexpected entry in the backup: {member.name}")
        while reader.read(1 << 20):  # the tar's end padding: the last chunk must authenticate too
            pass
        if not reader.finished:
            raise BackupError("the backup ends early")
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError("the backup has no manifest of a format this version reads")
    return manifest


def _restore_postgresql(connection, dump: Path) -> None:
    connection.close()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password",
         f"--dbname={connection.settings_dict['NAME']}", str(dump)],
        _pg_env(connection.settings_dict),
    )


def _restore_sqlite(connection, copy: Path) -> None:
    connection.close()
    source = sqlite3.connect(copy)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def backup_restore(*, path: Path, key: bytes, totals: Totals, check: Callable[[], list[str]], using: str = "default") -> RestoreResult:
    """Restore a backup into an empty database and empty file directories, then check it.

    Refused (BackupError, nothing changed) when the target is not empty, the checksum or the
    authentication fails, or the vendors differ. After the restore: every table's row count and the
    totals must equal the manifest's, and `check()` (the ledger check) must report nothing."""
    connection = connections[using]
    reasons = target_refusals(using)
    if reasons:
        raise BackupError("refusing to restore: " + "; ".join(reasons))
    roots = file_roots()
    staging_parent = Path(settings.MEDIA_ROOT).parent
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=staging_parent) as work:
        staging = Path(work)
        manifest = backup_open(path=path, key=key, staging=staging)
        if manifest["database_vendor"] != connection.vendor:
            raise BackupError(f"the backup is of a {manifest['database_vendor']} database; this one is {connection.vendor}")
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, staging / "database.pgdump")
        else:
            _restore_sqlite(connection, staging / "database.sqlite3")
        for label in manifest.get("files", {}):
            source = staging / "files" / label
            if label not in roots:
                raise BackupError(f"the backup holds {label} files but the settings define no directory for them")
            if source.is_dir():
                roots[label].mkdir(parents=True, exist_ok=True)
                for item in source.iterdir():
                    shutil.move(str(item), roots[label] / item.name)
    problems = []
    with connection.cursor() as cursor:
        counts = _row_counts(cursor, connection.vendor)
        restored_totals = totals(cursor)
    expected = manifest["row_counts"]
    for table in sorted(set(expected) | set(counts)):
        if expected.get(table) != counts.get(table):
            problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected.get(table)}")
    for name in sorted(set(manifest["ledger_totals"]) | set(restored_totals)):
        if manifest["ledger_totals"].get(name) != restored_totals.get(name):
            problems.append(f"ledger total {name}: {restored_totals.get(name)}, the backup had {manifest['ledger_totals'].get(name)}")
    for label, facts in manifest.get("files", {}).items():
        found = list(_files_of(roots[label])) if label in roots else []
        if len(found) != facts["count"] or sum(f.stat().st_size for f in found) != facts["bytes"]:
            problems.append(f"{label} files: {len(found)} restored, the backup had {facts['count']}")
    problems += check()
    return RestoreResult(manifest=manifest, problems=problems, row_counts=counts, totals=restored_totals)
