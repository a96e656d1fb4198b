"""The NBR's forms for what the ISP supplies (docs/vat.md): the tax invoice (Mushak-6.3) of every
invoice and the credit note (Mushak-6.7) of every credit note, as PDFs whose labels are in Bangla and
English side by side, as the NBR prints its forms, set in the vendored Noto Sans Bengali
(ispbill/core/pdf.py), and the debit note (Mushak-6.8) of every debit note: an undercharge on an issued
tax invoice raised after issue (docs/vat.md, "Debit notes").

The field lists follow the forms of the VAT and SD Rules 2016 and section 52 of the VAT and SD Act
2012 (docs/vat.md, "The forms and their sources")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from ispbill.core.money import ZERO, to_money
from ispbill.core.pdf import html_to_pdf

from .documents import STYLESHEET, Document
from .models import CreditNote, DebitNote, Invoice, InvoiceLine
from .selectors import current_billing_settings, invoice_lines

PERIOD_KINDS = ("recurring", "prorated")


@dataclass(frozen=True)
class ChallanLine:
    number: int
    description: str
    unit: str           # "মাস / month" for a period of service, "টি / unit" for anything else
    quantity: int
    unit_price: Decimal  # value before VAT of one unit
    value: Decimal       # value before VAT (note 1 of the form: "value except all kinds of tax")
    vat_rate: Decimal
    vat: Decimal
    total: Decimal       # value including VAT


def challan_lines(invoice: Invoice) -> list[ChallanLine]:
    """The invoice's lines as the 6.3's rows: one unit each (a month of service, a router, a fee)."""
    rows = []
    for number, line in enumerate(invoice_lines(invoice), start=1):
        period = line.kind in PERIOD_KINDS
        rows.append(ChallanLine(
            number, line.description, "মাস / month" if period else "টি / unit", 1, to_money(line.net), to_money(line.net),
            invoice.vat_rate, to_money(line.vat), to_money(line.gross),
        ))
    return rows


def _html(template: str, context: dict) -> str:
    return render_to_string(template, {"cfg": current_billing_settings(), "generated_at": timezone.localtime(), **context})


def _pdf(template: str, context: dict, *, filename: str) -> Document:
    return Document(filename=filename, content=html_to_pdf(_html(template, context), stylesheet=STYLESHEET))


def mushak_6_3_pdf(invoice: Invoice) -> Document:
    """The invoice's tax invoice (Mushak-6.3)."""
    number = invoice.challan_number or invoice.number
    return _pdf("billing/documents/mushak_6_3.html", _context_6_3(invoice), filename=f"mushak-6.3-{number}.pdf")


def mushak_6_3_html(invoice: Invoice) -> str:
    """The HTML the 6.3's PDF is made from (the tests read its Bangla labels here: see docs/vat.md)."""
    return _html("billing/documents/mushak_6_3.html", _context_6_3(invoice))


def _context_6_3(invoice: Invoice) -> dict:
    lines = challan_lines(invoice)
    context = {
        "invoice": invoice, "customer": invoice.customer, "lines": lines,
        "issued_at": timezone.localtime(invoice.created_at),
        "value_total": sum((line.value for line in lines), ZERO), "vat_total": sum((line.vat for line in lines), ZERO),
        "grand_total": sum((line.total for line in lines), ZERO),
    }
    return context


def credit_note_vat(note: CreditNote) -> tuple[Decimal, Decimal]:
    """(value before VAT, VAT) of a credit note: its VAT share is amount × invoice VAT ÷ invoice total,
    rounded half-up to the paisa, as the journal posts it (docs/accounts.md, example 3)."""
    invoice = note.invoice
    if not invoice.total:
        return to_money(note.amount), ZERO
    vat = to_money(note.amount * invoice.vat_total / invoice.total)
    return to_money(note.amount) - vat, vat


def mushak_6_7_pdf(note: CreditNote) -> Document:
    """The credit note's form (Mushak-6.7): the original tax invoice's number, date and time, the
    nature of the adjustment and its effect on VAT."""
    number = note.challan_number or note.number
    return _pdf("billing/documents/mushak_6_7.html", _context_6_7(note), filename=f"mushak-6.7-{number}.pdf")


def mushak_6_7_html(note: CreditNote) -> str:
    return _html("billing/documents/mushak_6_7.html", _context_6_7(note))


def _context_6_7(note: CreditNote) -> dict:
    value, vat = credit_note_vat(note)
    invoice = note.invoice
    context = {
        "note": note, "invoice": invoice, "customer": note.customer, "issued_at": timezone.localtime(note.created_at),
        "invoice_issued_at": timezone.localtime(invoice.created_at), "value": value, "vat": vat,
        "invoice_value": invoice.subtotal, "invoice_vat": invoice.vat_total,
        "description": ", ".join(line.description for line in InvoiceLine.objects.filter(invoice=invoice).order_by("id")[:3]),
    }
    return context


def mushak_6_8_pdf(note: DebitNote) -> Document:
    """The debit note's form (Mushak-6.8): the original tax invoice's number, date and time, the nature
    of the adjustment (increasing) and its effect on VAT."""
    return _pdf("billing/documents/mushak_6_8.html", _context_6_8(note), filename=f"mushak-6.8-{note.challan_number}.pdf")


def mushak_6_8_html(note: DebitNote) -> str:
    return _html("billing/documents/mushak_6_8.html", _context_6_8(note))


def _context_6_8(note: DebitNote) -> dict:
    invoice = note.invoice
    return {
        "note": note, "invoice": invoice, "customer": note.customer, "issued_at": timezone.localtime(note.created_at),
        "invoice_issued_at": timezone.localtime(invoice.created_at), "value": note.net, "vat": note.vat,
        "invoice_value": invoice.subtotal, "invoice_vat": invoice.vat_total,
        "description": ", ".join(line.description for line in InvoiceLine.objects.filter(invoice=invoice).order_by("id")[:3]),
    }
