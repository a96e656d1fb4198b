"""Invoices are written here and nowhere else: `invoices_write` issues one invoice or a billing-run
chunk of thousands, with their lines, numbers, ledger entries and balance moves, in one sequence on
both databases (the vendor differences are in billing/ledger/sql.py).

The callers decide what to invoice and check it (billing/services.py: invoice_create and
invoices_create_many; billing/run.py: the run's chunk); they hold the customers' account locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from billing.models import Invoice, InvoiceLine, LedgerEntry
from ispbill.core.money import ZERO
from ispbill.core.numbering import allocate_block
from ispbill.core.webhooks import INVOICE_ISSUED, webhook_publish_many

from . import sql
from .journal import journal_post_ledger


class LineRow(NamedTuple):
    """One line of an invoice to write (a tuple: a run's chunk makes thousands)."""

    subscription_id: int | None
    kind: str
    description: str
    period_start: date | None
    period_end: date | None
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(slots=True)
class InvoiceRow:
    """One invoice to write. `status` is what it is issued as (open, or paid when it totals zero;
    overdue when back-dated past its due date)."""

    customer_id: int
    issue_date: date
    due_date: date
    status: str
    subtotal: Decimal
    vat_total: Decimal
    total: Decimal
    vat_rate: Decimal
    lines: list[LineRow] = field(default_factory=list)
    billing_run_id: int | None = None
    entry_kind: str = LedgerEntry.Kind.INVOICE
    actor_id: int | None = None


INVOICE_FIELDS = (
    "number", "customer_id", "status", "issue_date", "due_date", "subtotal", "vat_total", "total", "vat_rate", "billing_run_id",
    "challan_number",
)
LINE_FIELDS = ("invoice_id", "subscription_id", "kind", "description", "period_start", "period_end", "net", "vat", "gross")
LEDGER_FIELDS = ("account_id", "kind", "amount", "invoice_id", "memo", "effective_date", "created_by_id")


@dataclass(frozen=True)
class Written:
    """What invoices_write wrote: per row (in order) the invoice's id and number, and per customer
    (account id, balance before these invoices)."""

    ids: list[int]
    numbers: list[str]
    before: dict[int, tuple[int, Decimal]]


def invoices_write(rows: list[InvoiceRow], *, locked: dict[int, tuple[int, Decimal]]) -> Written:
    """Write the invoices, their lines, a ledger entry each (none for a zero total) and the balance
    moves. `locked`: customer id → (account id, balance) of the accounts the caller locked
    (billing/ledger/sql.accounts_lock or account_lock); numbers are taken per issue year in the order
    of `rows`. Everything that needs no number goes first: the foreign keys to the invoices are
    checked at commit, so lines can point at reserved ids before the invoices exist, and the
    numbering counter's row lock is held as briefly as possible."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoices_write must run inside the transaction that locked the accounts")
    if not rows:
        return Written([], [], {})
    ids = sql.ids_reserve(Invoice, len(rows))
    sql.rows_insert(InvoiceLine, LINE_FIELDS, [(pk, *line) for pk, row in zip(ids, rows) for line in row.lines])
    amounts: dict[int, Decimal] = {}
    for row in rows:
        amounts[row.customer_id] = amounts.get(row.customer_id, ZERO) + row.total
    before = sql.balances_add(amounts, locked)
    numbers = _numbers(rows)
    # The Mushak-6.3 series (docs/vat.md): one number per invoice, in the same order and transaction.
    # A balance brought over by an import (an opening-balance entry) is no supply of this ISP: no number.
    taxed = [row for row in rows if row.entry_kind != LedgerEntry.Kind.OPENING_BALANCE]
    taxed_numbers = iter(_numbers(taxed, prefix=settings.TAX_CHALLAN_PREFIX) if taxed else [])
    challans = [next(taxed_numbers) if row.entry_kind != LedgerEntry.Kind.OPENING_BALANCE else "" for row in rows]
    sql.rows_insert(Invoice, ("id", *INVOICE_FIELDS), [
        (pk, number, row.customer_id, row.status, row.issue_date, row.due_date, row.subtotal, row.vat_total, row.total,
         row.vat_rate, row.billing_run_id, challan)
        for pk, number, challan, row in zip(ids, numbers, challans, rows)
    ])
    sql.rows_insert(LedgerEntry, LEDGER_FIELDS, [
        (before[row.customer_id][0], row.entry_kind, row.total, pk, number, row.issue_date, row.actor_id)
        for pk, number, row in zip(ids, numbers, rows)
        if row.total != ZERO
    ])
    journal_post_ledger(invoice_ids=ids)
    # The `invoice.issued` webhook (docs/api.md), queued in this transaction; a balance brought over by
    # an import (an opening-balance entry) is not an invoice the ISP issued.
    webhook_publish_many(INVOICE_ISSUED, (
        {
            "id": pk, "number": number, "customer_id": row.customer_id, "status": row.status, "issue_date": row.issue_date,
            "due_date": row.due_date, "subtotal": row.subtotal, "vat_total": row.vat_total, "total": row.total,
            "billing_run_id": row.billing_run_id,
        }
        for pk, number, row in zip(ids, numbers, rows)
        if row.entry_kind == LedgerEntry.Kind.INVOICE
    ))
    return Written(ids, numbers, before)


def _numbers(rows: list[InvoiceRow], *, prefix: str | None = None) -> list[str]:
    by_year: dict[int, list[str]] = {}
    for year in sorted({row.issue_date.year for row in rows}):
        count = sum(1 for row in rows if row.issue_date.year == year)
        by_year[year] = allocate_block(prefix=prefix or settings.INVOICE_NUMBER_PREFIX, count=count, year=year)[::-1]
    return [by_year[row.issue_date.year].pop() for row in rows]


def invoices_mark_overdue(invoices) -> int:
    """Past-due open invoices (a queryset the caller chose and locked through their accounts) become overdue."""
    return invoices.update(status=Invoice.Status.OVERDUE)


def invoices_late_fee_applied(invoice_ids: list[int]) -> None:
    """The late fee of these invoices has been invoiced: never again."""
    if invoice_ids:
        Invoice.objects.filter(pk__in=invoice_ids).update(late_fee_applied=True)
