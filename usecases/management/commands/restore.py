"""`manage.py restore FILE`: into an empty database only; then the row counts, ledger totals and
`check_ledger` must agree with the backup's manifest."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ispbill.core.backup import BackupError, backup_open
from ispbill.core.backup_crypto import BackupAuthError, BackupKeyError, parse_key
from usecases.backup import backup_restore_checked


class Command(BaseCommand):
    help = "Restore a backup from `manage.py backup` into an EMPTY database (and empty file directories), then check it."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .backup file (its .sha256 must be beside it)")
        parser.add_argument("--verify-only", action="store_true", help="check the checksum and decrypt the whole file, print its manifest; change nothing")

    def handle(self, *args, file, verify_only=False, **options):
        try:
            key = parse_key(settings.BACKUP_ENCRYPTION_KEY)
        except BackupKeyError as missing:
            raise CommandError(f"{missing}: set it to the key the backup was made with.") from None
        started = time.monotonic()
        try:
            if verify_only:
                import tempfile

                with tempfile.TemporaryDirectory(prefix=".verify-") as staging:
                    manifest = backup_open(path=file, key=key, staging=Path(staging))
                self.stdout.write(self.style.SUCCESS(
                    f"{file.name}: checksum and encryption verified; {manifest['database_vendor']} backup of {manifest['created_at']}, "
                    f"{len(manifest['row_counts'])} tables, {sum(manifest['row_counts'].values()):,} rows"
                ))
                return
            result = backup_restore_checked(path=file, key=key)
        except (BackupError, BackupAuthError) as refused:
            raise CommandError(str(refused)) from None
        manifest = result.manifest
        if result.problems:
            for line in result.problems:
                self.stderr.write(line)
            raise CommandError(f"restored, but the checks found {len(result.problems)} problem(s): do not use this database")
        self.stdout.write(self.style.SUCCESS(
            f"restored {file.name} ({manifest['database_vendor']}, made {manifest['created_at']}, commit {manifest.get('git_commit') or 'unknown'}): "
            f"{len(result.row_counts)} tables and {sum(result.row_counts.values()):,} rows as in the backup, ledger totals equal, check_ledger OK "
            f"({time.monotonic() - started:.1f} s)"
        ))
