"""`manage.py backup`: an encrypted, checksummed backup of the database and the uploaded files."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ispbill.core.backup import BackupError
from ispbill.core.backup_crypto import BackupKeyError, parse_key
from ispbill.core.backup_crypto import generate_key as new_key
from ispbill.core.jobs import job_progress, job_record
from usecases.backup import backup_make


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) and the uploaded files into one encrypted file with a checksum beside it."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help="directory to write into (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="then delete older backups in that directory beyond the newest N (default: BACKUP_KEEP; 0 keeps all)")
        parser.add_argument("--generate-key", action="store_true", help="print a new BACKUP_ENCRYPTION_KEY and exit")

    def handle(self, *args, out=None, keep=None, generate_key=False, **options):
        if generate_key:
            self.stdout.write(new_key())
            return
        try:
            key = parse_key(settings.BACKUP_ENCRYPTION_KEY)
        except BackupKeyError as missing:
            raise CommandError(f"{missing}. Backups are always encrypted: set it (make one with `manage.py backup --generate-key`, keep a copy off this server) and run again.") from None
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 0:
            raise CommandError("--keep must be 0 (keep all) or more")
        started = time.monotonic()
        try:
            # On the jobs page beside the Celery jobs (a failed night shows there as failed).
            with job_record("manage.py backup", kwargs={"keep": keep}):
                result = backup_make(out_dir=out or settings.BACKUP_DIR, key=key, keep=keep)
                job_progress(processed=sum(result.manifest["row_counts"].values()))
        except BackupError as failed:
            raise CommandError(f"backup failed: {failed}") from None
        counts = result.manifest["row_counts"]
        self.stdout.write(self.style.SUCCESS(
            f"backup written: {result.path} ({result.size:,} bytes; {len(counts)} tables, {sum(counts.values()):,} rows, "
            f"{sum(f['count'] for f in result.manifest['files'].values())} files) in {time.monotonic() - started:.1f} s; checksum {result.checksum_path.name}"
        ))
        for old in result.deleted:
            self.stdout.write(f"deleted older backup {old.name} (keeping {keep})")
