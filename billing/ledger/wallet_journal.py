"""Reseller wallets in the journal (docs/accounts.md, "Reseller wallets"): every wallet entry the
ledger's wallet module writes posts a balanced journal entry in the same transaction, so the money a
reseller holds with the ISP (2300) and the renewals it pays for customers (2350) both have two sides.

- a top-up: Dr the account the money came into (cash 1105, bank and cheque 1150, bKash and Nagad
  1160) / Cr 2300 reseller wallets;
- a renewal debit: Dr 2300 / Cr 2350 reseller renewals clearing (the customer's wallet payment then
  posts Dr 2350 / Cr 1200);
- a sub-reseller's renewal credited to its parent: Dr 2350 / Cr 2300 (the parent's own debit posts
  as any renewal debit);
- a renewal margin (what a prepaid reseller keeps of the customer's price): Dr 4900 / Cr 2350, so
  2350 is cleared once a renewal is settled;
- prepaid cards bought from the wallet: Dr 2300 / Cr 2400 deferred card revenue; given back: the other way;
- an adjustment: Dr 4900 / Cr 2300 when it raises the balance, the other way when it lowers it;
- a reversal: the reversed entry's lines with debit and credit swapped;
- a transfer between a reseller and its sub-reseller: Dr 2300 (what the parent holds) / Cr 2300 (what
  the sub holds), posted once, on the sub's entry (the parent's − entry is the same event); it moves
  money inside 2300, so the account's balance does not change, but the event has both its sides;
- a postpaid reseller's commission accrued: Dr 5800 reseller commissions (expense) / Cr 2600 reseller
  commissions payable; clawed back: the other way; paid out (by bank transfer or cheque): Dr 2600 /
  Cr 1150 bank and cheque receipts not yet matched (source `commission`, the commission entry's id).

Written only here (tests/money_guard.py); entries of many wallet rows in two statements.
"""

from __future__ import annotations

from django.utils import timezone

from billing.wallet_models import CommissionEntry, WalletEntry
from books.chart import (
    BANK_RECEIPTS,
    CASH_WITH_COLLECTORS,
    COMMISSIONS,
    CREDITS_GIVEN,
    DEFERRED_CARDS,
    GATEWAY_CLEARING,
    RESELLER_COMMISSIONS,
    RESELLER_RENEWALS,
    RESELLER_WALLETS,
)
from books.models import JournalEntry, JournalLine, LedgerAccount
from ispbill.core.money import ZERO, to_money

from .journal import UnbalancedEntry, _require_atomic

TOPUP_ACCOUNT = {
    WalletEntry.Method.CASH: CASH_WITH_COLLECTORS,
    WalletEntry.Method.BANK: BANK_RECEIPTS,
    WalletEntry.Method.CHEQUE: BANK_RECEIPTS,
    WalletEntry.Method.BKASH: GATEWAY_CLEARING,
    WalletEntry.Method.NAGAD: GATEWAY_CLEARING,
}


def _pair(entry: WalletEntry) -> tuple[str, str] | None:
    """(debited account, credited account) of a wallet entry by the entry's absolute amount, or None
    when the entry posts nothing (a transfer)."""
    Kind = WalletEntry.Kind
    kind = entry.kind
    if kind == Kind.TOPUP:
        return TOPUP_ACCOUNT.get(entry.method, BANK_RECEIPTS), RESELLER_WALLETS
    if kind == Kind.DEBIT:
        return RESELLER_WALLETS, RESELLER_RENEWALS
    if kind == Kind.SUB_RENEWAL:
        return RESELLER_RENEWALS, RESELLER_WALLETS
    if kind == Kind.CARDS:
        return RESELLER_WALLETS, DEFERRED_CARDS
    if kind == Kind.CARDS_REFUND:
        return DEFERRED_CARDS, RESELLER_WALLETS
    if kind == Kind.ADJUSTMENT:
        return (CREDITS_GIVEN, RESELLER_WALLETS) if entry.amount > ZERO else (RESELLER_WALLETS, CREDITS_GIVEN)
    if kind == Kind.TRANSFER and entry.amount > ZERO:  # the sub's side; the parent's − entry is the same event
        return RESELLER_WALLETS, RESELLER_WALLETS
    return None


def _reversed_pair(entry: WalletEntry) -> tuple[str, str] | None:
    reversed_entry = WalletEntry.objects.filter(pk=entry.reverses_id).first() if entry.reverses_id else None
    if reversed_entry is None:
        return None
    pair = _pair(reversed_entry)
    return (pair[1], pair[0]) if pair else None


def _post(rows: list[tuple[str, int, object, str, str, str, str, object]]) -> int:
    """rows: (source, source_id, date, kind, reference, debit code, credit code, amount > 0). The
    entries in one statement, their lines (two each) in one more; events already posted are skipped."""
    _require_atomic("wallet journal")
    rows = [row for row in rows if to_money(row[7]) != ZERO]
    if not rows:
        return 0
    for row in rows:
        if to_money(row[7]) < ZERO:
            raise UnbalancedEntry(f"{row[0]} {row[1]}: a wallet posting's amount must be positive")
    sources = {row[0] for row in rows}
    done = set(
        JournalEntry.objects.filter(source__in=sources, source_id__in=[row[1] for row in rows]).values_list("source", "source_id")
    )
    rows = [row for row in rows if (row[0], row[1]) not in done]
    if not rows:
        return 0
    now = timezone.now()
    entries = JournalEntry.objects.bulk_create([
        JournalEntry(source=source, source_id=source_id, date=day, kind=kind, reference=reference[:64], created_at=now)
        for source, source_id, day, kind, reference, _dr, _cr, _amount in rows
    ])
    if any(entry.pk is None for entry in entries):  # SQLite before 3.35 gives no ids back
        ids = dict(JournalEntry.objects.filter(source__in=sources, source_id__in=[row[1] for row in rows])
                   .values_list("source_id", "pk"))
        for entry in entries:
            entry.pk = ids[entry.source_id]
    accounts = dict(LedgerAccount.objects.filter(code__in={c for row in rows for c in row[5:7]}).values_list("code", "pk"))
    lines = []
    for entry, (_s, _i, _d, _k, _r, debit_code, credit_code, amount) in zip(entries, rows, strict=True):
        amount = to_money(amount)
        lines.append(JournalLine(entry_id=entry.pk, account_id=accounts[debit_code], debit=amount, credit=ZERO))
        lines.append(JournalLine(entry_id=entry.pk, account_id=accounts[credit_code], debit=ZERO, credit=amount))
    JournalLine.objects.bulk_create(lines)
    return len(entries)


def wallet_entries_journal(*, entries: list[WalletEntry]) -> int:
    """Post these wallet entries (just written) to the journal; returns how many were posted."""
    rows = []
    for entry in entries:
        pair = _reversed_pair(entry) if entry.kind == WalletEntry.Kind.REVERSAL else _pair(entry)
        if pair is None:
            continue
        day = timezone.localdate(entry.created_at) if entry.created_at else timezone.localdate()
        reference = entry.reference or f"W{entry.wallet_id}-{entry.pk}"
        rows.append((JournalEntry.Source.WALLET, entry.pk, day, f"wallet_{entry.kind}", reference, *pair, abs(entry.amount)))
    return _post(rows)


def margins_journal(*, margins: list[CommissionEntry]) -> int:
    """Post renewal margins: Dr 4900 / Cr 2350 (the customer paid the ISP's price through 2350; the
    reseller's wallet paid the reseller's price; the margin is the difference the reseller keeps)."""
    rows = [
        (JournalEntry.Source.MARGIN, margin.pk, margin.period if margin.created_at is None else timezone.localdate(margin.created_at),
         "margin", margin.memo or f"W{margin.wallet_id}", CREDITS_GIVEN, RESELLER_RENEWALS, margin.amount)
        for margin in margins if margin.kind == CommissionEntry.Kind.MARGIN and margin.amount > ZERO
    ]
    return _post(rows)


COMMISSION_PAIRS = {
    CommissionEntry.Kind.ACCRUAL: (COMMISSIONS, RESELLER_COMMISSIONS),
    CommissionEntry.Kind.CLAWBACK: (RESELLER_COMMISSIONS, COMMISSIONS),
    CommissionEntry.Kind.PAYOUT: (RESELLER_COMMISSIONS, BANK_RECEIPTS),
}


def commissions_journal(*, entries: list[CommissionEntry]) -> int:
    """Post commissions owed to postpaid resellers: an accrual Dr 5800 / Cr 2600, a clawback Dr 2600 /
    Cr 5800, a payout Dr 2600 / Cr 1150 (docs/accounts.md, "Reseller wallets")."""
    rows = [
        (JournalEntry.Source.COMMISSION, entry.pk, timezone.localdate(entry.created_at) if entry.created_at else timezone.localdate(),
         f"commission_{entry.kind}", entry.memo or f"W{entry.wallet_id}", *COMMISSION_PAIRS[entry.kind], abs(entry.amount))
        for entry in entries if entry.kind in COMMISSION_PAIRS
    ]
    return _post(rows)
