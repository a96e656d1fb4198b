"""Debit notes (Mushak-6.8, docs/vat.md "Debit notes"): an undercharge on an issued invoice raised
after issue, written here like every other money row (tests/money_guard.py).

`debit_note_post(account=, invoice=, net=, reason=, actor=)` → the `DebitNote`: in the caller's
transaction, under the account lock it holds,

- the VAT on `net` at the original invoice's rate (half-up to the paisa);
- a receivable row in the invoices' table numbered as the note (DN-YYYY-NNNNN; no Mushak-6.3 number:
  the note is its own tax document), one line of kind adjustment, due as the billing settings say,
  so that payments, dunning and statements find what the customer owes;
- its ledger entry of kind debit_note (the balance rises by the total), posted to the journal in the
  same statement as any invoice's: Dr 1200 total / Cr 4200 net / Cr 2100 VAT (docs/accounts.md);
- the note with its Mushak-6.8 number (DEBIT_NOTE_CHALLAN_PREFIX, its own gap-free series);
- any credit waiting on the account applied to it, as to any new invoice.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.models import DebitNote, Invoice, InvoiceLine, LedgerEntry
from billing.selectors import current_billing_settings
from billing.vat import vat_line
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number

from . import _require_atomic, credit_apply, entry_post, invoice_status_for


def debit_note_vat(*, invoice: Invoice, net: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, total) of a debit note of `net` on `invoice`: VAT at the invoice's rate, half-up."""
    line = vat_line(to_money(net), rate=invoice.vat_rate, prices_include_vat=False)
    return line.net, line.vat, line.gross


def debit_note_post(*, account, invoice: Invoice, net, reason: str, actor=None) -> DebitNote:
    _require_atomic("debit_note_post")
    net = to_money(net)
    if net <= ZERO:
        raise ValidationError({"net": "A debit note must raise the value by more than zero."})
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError("A void invoice takes no debit note.")
    if not invoice.challan_number or hasattr(invoice, "debit_note_of"):
        raise ValidationError("A debit note is issued on a tax invoice (Mushak-6.3).")
    net, vat, total = debit_note_vat(invoice=invoice, net=net)
    today = timezone.localdate()
    cfg = current_billing_settings()
    number = allocate_number(prefix=settings.DEBIT_NOTE_NUMBER_PREFIX)
    charge = Invoice(
        number=number, customer_id=invoice.customer_id, issue_date=today, due_date=today + timedelta(days=cfg.due_days),
        subtotal=net, vat_total=vat, total=total, vat_rate=invoice.vat_rate, status=Invoice.Status.OPEN,
    )
    charge.status = invoice_status_for(invoice=charge, today=today)
    charge.save(force_insert=True)
    InvoiceLine.objects.create(
        invoice=charge, kind=InvoiceLine.Kind.ADJUSTMENT, description=f"Debit note on {invoice.challan_number}: {reason}"[:255],
        net=net, vat=vat, gross=total,
    )
    entry = entry_post(
        account=account, kind=LedgerEntry.Kind.DEBIT_NOTE, amount=total, effective_date=today, actor=actor, invoice=charge,
        memo=f"{number} on {invoice.number}: {reason}",
    )
    note = DebitNote.objects.create(
        number=number, invoice=invoice, charge=charge, customer_id=invoice.customer_id, net=net, vat=vat, amount=total,
        reason=reason[:255], entry=entry, created_by=actor if getattr(actor, "pk", None) else None,
        challan_number=allocate_number(prefix=settings.DEBIT_NOTE_CHALLAN_PREFIX),
    )
    credit_apply(account=account, actor=actor)
    return note


