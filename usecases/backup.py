"""Backups of the whole install (ispbill/core/backup.py does the mechanics): the ledger totals every
backup records in its manifest and every restore must reproduce, and the ledger check a restore runs."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from billing.models import Account, Allocation, CreditNote, Invoice, LedgerEntry
from billing.wallet_models import ResellerWallet, WalletEntry
from ispbill.core.backup import BackupResult, RestoreResult, backup_create, backup_restore, column_totals
from payments.models import Payment

# (name in the manifest, model, money field): the ledger itself and every cache of it.
LEDGER_TOTALS = [
    ("ledger_entries", LedgerEntry, "amount"),
    ("account_balances", Account, "balance"),
    ("invoice_totals", Invoice, "total"),
    ("invoice_amounts_paid", Invoice, "amount_paid"),
    ("allocations", Allocation, "amount"),
    ("credit_notes", CreditNote, "amount"),
    ("payments", Payment, "amount"),
    ("wallet_entries", WalletEntry, "amount"),
    ("wallet_balances", ResellerWallet, "balance"),
]


def ledger_totals(cursor) -> dict[str, dict[str, str | int]]:
    """Row count and sum of each money column, on any DB-API cursor (the live database, or the SQLite
    copy a backup reads); the statements are the kernel's (ispbill/core/backup.py: column_totals)."""
    return column_totals(cursor, [
        (name, model._meta.db_table, model._meta.get_field(field_name).column) for name, model, field_name in LEDGER_TOTALS
    ])


def ledger_check() -> list[str]:
    """`manage.py check_ledger`'s findings (an empty list when the ledger agrees with itself)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("check_ledger", stdout=out, stderr=err)
    except CommandError as failed:
        return [line for line in err.getvalue().splitlines() if line] + [str(failed)]
    return []


def backup_make(*, out_dir: Path, key: bytes, keep: int = 0, using: str = "default") -> BackupResult:
    return backup_create(out_dir=out_dir, key=key, totals=ledger_totals, keep=keep, using=using)


def backup_restore_checked(*, path: Path, key: bytes, using: str = "default") -> RestoreResult:
    return backup_restore(path=path, key=key, totals=ledger_totals, check=ledger_check, using=using)
