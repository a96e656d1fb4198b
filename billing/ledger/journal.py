"""The journal's posting (docs/accounts.md): the ledger turns every money event into a balanced
double-entry journal entry, in the transaction that makes the event. Only this module and
billing/ledger/sql.py write `books_journalentry` and `books_journalline` (tests/money_guard.py).

- `journal_post_ledger(entry_ids=)` / `journal_post_ledger(invoice_ids=)`: the customer ledger's
  entries just written (called by `entry_post`, `entries_post`, `invoices_write` and
  `opening_balances_post`); set-based, so a billing-run chunk's thousands post in three statements.
- `journal_withdraw(entry_ids=)`: opening balances an import's undo deletes, reversed in the journal.
- `journal_post(source=, source_id=, date=, kind=, lines=[JournalLineSpec…])`: one entry of events that
  are not customer ledger entries (a card sold online or refunded, a cash hand-over): checked to
  balance before anything is written, all lines in one insert.
- `journal_backpost(chunk=)`: the history made before the journal existed (or any entry a crash
  left), in chunks of ledger ids, each its own transaction; running it twice posts nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import CardSale, CardSaleRefund
from books.chart import CARD_SALES, CASH_AT_BRANCHES, CASH_WITH_COLLECTORS, GATEWAY_CLEARING
from books.models import JournalEntry, JournalLine, LedgerAccount
from ispbill.core.money import ZERO, to_money

from . import sql


class UnbalancedEntry(ValueError):
    """A journal entry whose debits and credits differ (or that has no lines): never written."""


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} must run inside the transaction of the money event it posts")


def _lines(new: list[int]) -> None:
    """The lines of the new journal entries; a reversal of a reversal needs its reversed entry's
    lines first, so the mirroring repeats while it adds lines."""
    if not new:
        return
    sql.journal_ledger_lines_insert(entry_ids=new)
    missing = sql.journal_entries_without_lines(entry_ids=new)
    while missing and sql.journal_reversal_lines_insert(entry_ids=missing):
        missing = sql.journal_entries_without_lines(entry_ids=missing)
    if missing:
        raise UnbalancedEntry(f"journal entries without lines: {missing[:10]}")


def journal_post_ledger(*, entry_ids: list[int] | None = None, invoice_ids: list[int] | None = None) -> int:
    """Journal entries for these customer ledger entries (or the entries of these invoices), each
    once; returns how many were posted now."""
    _require_atomic("journal_post_ledger")
    if entry_ids is not None and not entry_ids or invoice_ids is not None and not invoice_ids:
        return 0
    new = sql.journal_ledger_entries_insert(entry_ids=entry_ids, invoice_ids=invoice_ids)
    _lines(new)
    return len(new)


def journal_withdraw(*, entry_ids: list[int]) -> None:
    """Reverse in the journal the entries of opening balances about to be deleted."""
    _require_atomic("journal_withdraw")
    if entry_ids:
        sql.journal_withdrawn_insert(entry_ids=entry_ids)


@dataclass(frozen=True)
class JournalLineSpec:
    code: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    branch_id: int | None = None
    customer_id: int | None = None


def journal_post(*, source: str, source_id: int, date: date, kind: str, lines: list[JournalLineSpec],
                 reference: str = "", memo: str = "") -> JournalEntry:
    """One balanced journal entry for the event (`source`, `source_id`); the one already posted
    for it when there is one (idempotent)."""
    _require_atomic("journal_post")
    lines = [line for line in lines if to_money(line.debit) != ZERO or to_money(line.credit) != ZERO]
    debit = sum((to_money(line.debit) for line in lines), ZERO)
    credit = sum((to_money(line.credit) for line in lines), ZERO)
    if not lines or debit != credit or any(to_money(line.debit) < 0 or to_money(line.credit) < 0 for line in lines):
        raise UnbalancedEntry(f"{source} {source_id}: debits {debit} and credits {credit} must be equal and positive")
    existing = JournalEntry.objects.filter(source=source, source_id=source_id).first()
    if existing is not None:
        return existing
    accounts = dict(LedgerAccount.objects.filter(code__in={line.code for line in lines}).values_list("code", "pk"))
    entry = JournalEntry.objects.create(
        source=source, source_id=source_id, date=date, kind=kind, reference=reference[:64], memo=memo[:255],
        created_at=timezone.now(),
    )
    JournalLine.objects.bulk_create([
        JournalLine(entry=entry, account_id=accounts[line.code], debit=to_money(line.debit), credit=to_money(line.credit),
                    branch_id=line.branch_id, customer_id=line.customer_id)
        for line in lines
    ])
    return entry


def card_sale_journal(*, sale) -> JournalEntry:
    """A card a visitor bought online: the price is revenue when sold (docs/vouchers.md), received
    into the gateway's clearing account."""
    return journal_post(
        source=JournalEntry.Source.CARD_SALE, source_id=sale.pk, date=timezone.localdate(sale.received_at), kind="card_sale",
        reference=sale.reference, lines=[JournalLineSpec(GATEWAY_CLEARING, debit=sale.price), JournalLineSpec(CARD_SALES, credit=sale.price)],
    )


def card_refund_journal(*, refund) -> JournalEntry:
    return journal_post(
        source=JournalEntry.Source.CARD_REFUND, source_id=refund.pk, date=timezone.localdate(refund.refunded_at),
        kind="card_refund", reference=refund.reference,
        lines=[JournalLineSpec(CARD_SALES, debit=refund.price), JournalLineSpec(GATEWAY_CLEARING, credit=refund.price)],
    )


def handover_journal(*, handover) -> JournalEntry:
    """Cash a collector brought to a branch: it leaves the collectors' hands for the branch's cash book."""
    return journal_post(
        source=JournalEntry.Source.HANDOVER, source_id=handover.pk, date=timezone.localdate(handover.handed_over_at),
        kind="handover", memo=handover.note,
        lines=[
            JournalLineSpec(CASH_AT_BRANCHES, debit=handover.amount, branch_id=handover.branch_id),
            JournalLineSpec(CASH_WITH_COLLECTORS, credit=handover.amount, branch_id=handover.branch_id),
        ],
    )


def journal_backpost(*, chunk: int = 200_000, progress=None) -> int:
    """Post every customer ledger entry that has no journal entry, in chunks of ledger ids, each in
    its own transaction (a crash keeps what was committed; the next run finishes the rest); then the
    card sales and refunds. Returns how many entries were posted."""
    low, high = sql.ledger_id_bounds()
    posted = 0
    start = low
    while high and start <= high:
        end = start + chunk - 1
        with transaction.atomic():
            new = sql.journal_ledger_entries_insert(id_range=(start, end))
            _lines(new)
        posted += len(new)
        if progress:
            progress(end, high, posted)
        start = end + 1
    posted += _backpost_cards()
    return posted


def _backpost_cards() -> int:
    posted = 0
    done = set(JournalEntry.objects.filter(source=JournalEntry.Source.CARD_SALE).values_list("source_id", flat=True))
    for sale in CardSale.objects.exclude(pk__in=done).iterator():
        with transaction.atomic():
            card_sale_journal(sale=sale)
        posted += 1
    done = set(JournalEntry.objects.filter(source=JournalEntry.Source.CARD_REFUND).values_list("source_id", flat=True))
    for refund in CardSaleRefund.objects.exclude(pk__in=done).iterator():
        with transaction.atomic():
            card_refund_journal(refund=refund)
        posted += 1
    return posted
