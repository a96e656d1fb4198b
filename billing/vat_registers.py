"""The sales register (Mushak-6.2) of a month (docs/vat.md, "The sales register"): reads only.

One row per tax invoice (Mushak-6.3) issued in the month, in the order of its number, and one per
credit note (Mushak-6.7) made in the month, with its value and VAT negative, and one per debit note
(Mushak-6.8) made in the month, with its value and VAT positive (a void debit note left out). Void invoices are left
out (their tax invoice is cancelled); balances brought over by an import are no supply and have no
number. The columns are the form's that an ISP fills (a service has no opening stock or production):
serial, date, purchaser's name, address and BIN (or national ID), challan number and date,
description, quantity, taxable value, supplementary duty, VAT."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone

from ispbill.core.money import ZERO, to_money

from .models import CreditNote, DebitNote, Invoice, InvoiceLine


@dataclass(frozen=True)
class SalesRow:
    serial: int
    day: date
    purchaser: str
    address: str
    registration: str   # the purchaser's BIN, else its national ID, else ""
    challan: str
    challan_date: date
    description: str
    quantity: int
    value: Decimal      # taxable value, before VAT
    supplementary_duty: Decimal
    vat: Decimal
    remark: str         # "credit note on <challan>" for a 6.7, "debit note on <challan>" for a 6.8


SALES_CSV_HEADER = (
    "serial", "date", "purchaser", "address", "bin_or_nid", "challan_number", "challan_date", "description", "quantity",
    "taxable_value", "supplementary_duty", "vat", "remark",
)


def _bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def sales_register(*, year: int, month: int) -> list[SalesRow]:
    first, last = _bounds(year, month)
    invoices = (
        Invoice.objects.filter(issue_date__gte=first, issue_date__lte=last).exclude(status=Invoice.Status.VOID)
        .exclude(challan_number="").select_related("customer")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("id")))
        .annotate(line_count=Count("lines")).order_by("challan_number")
    )
    rows: list[SalesRow] = []
    for invoice in invoices:
        customer = invoice.customer
        rows.append(SalesRow(
            len(rows) + 1, invoice.issue_date, customer.name, customer.address, customer.vat_bin or customer.national_id,
            invoice.challan_number, invoice.issue_date, "; ".join(line.description for line in invoice.lines.all())[:200],
            invoice.line_count, to_money(invoice.subtotal), ZERO, to_money(invoice.vat_total), "",
        ))
    notes = CreditNote.objects.filter(created_at__date__gte=first, created_at__date__lte=last).select_related(
        "invoice", "customer").order_by("challan_number", "id")
    for note in notes:
        invoice, customer = note.invoice, note.customer
        vat = to_money(note.amount * invoice.vat_total / invoice.total) if invoice.total else ZERO
        day = timezone.localdate(note.created_at)
        rows.append(SalesRow(
            len(rows) + 1, day, customer.name, customer.address, customer.vat_bin or customer.national_id,
            note.challan_number or note.number, day, note.reason[:200], 1, -(to_money(note.amount) - vat), ZERO, -vat,
            f"credit note on {invoice.challan_number or invoice.number}",
        ))
    debit_notes = DebitNote.objects.filter(created_at__date__gte=first, created_at__date__lte=last).exclude(
        charge__status=Invoice.Status.VOID).select_related("invoice", "customer").order_by("challan_number", "id")
    for note in debit_notes:
        invoice, customer = note.invoice, note.customer
        day = timezone.localdate(note.created_at)
        rows.append(SalesRow(
            len(rows) + 1, day, customer.name, customer.address, customer.vat_bin or customer.national_id,
            note.challan_number, day, note.reason[:200], 1, to_money(note.net), ZERO, to_money(note.vat),
            f"debit note on {invoice.challan_number or invoice.number}",
        ))
    return rows


def sales_register_totals(rows: list[SalesRow]) -> tuple[Decimal, Decimal]:
    """(Σ taxable value, Σ VAT) of the register's rows."""
    return sum((row.value for row in rows), ZERO), sum((row.vat for row in rows), ZERO)


def sales_csv_rows(rows: list[SalesRow]) -> Iterator[tuple]:
    for r in rows:
        yield (r.serial, r.day.isoformat(), r.purchaser, r.address, r.registration, r.challan, r.challan_date.isoformat(),
               r.description, r.quantity, r.value, r.supplementary_duty, r.vat, r.remark)
