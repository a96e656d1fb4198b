"""VAT deducted at source (docs/vat.md): the withheld part of a corporate customer's payment, posted
by the ledger like any payment (its method `vds` posts Dr 1250 VDS receivable / Cr 1200 in the
journal) but applied to the invoice it was withheld from first, so it settles that invoice's VAT part.

- `vds_post(account=, payment=, invoice=, actor=)` → the allocations: the payment's row inserted, its
  entry, the invoice it was withheld from paid first, anything beyond applied oldest first.
"""

from __future__ import annotations

from django.utils import timezone

from billing.models import Allocation, Invoice, LedgerEntry
from ispbill.core.money import ZERO

from . import _require_atomic, _subscriptions_of, credit_apply, entry_post, invoice_status_for, paid_through_recompute


def vds_post(*, account, payment, invoice: Invoice, actor=None) -> list[Allocation]:
    """The VAT withheld on `invoice`: the payment (method vds) inserted and posted, applied to that
    invoice first. The caller holds the account lock."""
    _require_atomic("vds_post")
    if invoice.customer_id != account.customer_id:
        raise ValueError("the invoice is another customer's")
    if payment.pk is None:
        payment.save(force_insert=True)
    entry_post(
        account=account, kind=LedgerEntry.Kind.PAYMENT, amount=-payment.amount, effective_date=timezone.localdate(payment.received_at),
        actor=actor, payment=payment, memo=payment.receipt_number,
    )
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    allocations: list[Allocation] = []
    share = min(payment.amount, invoice.total - invoice.amount_paid)
    if share > ZERO and invoice.status != Invoice.Status.VOID:
        invoice.amount_paid += share
        invoice.status = invoice_status_for(invoice=invoice)
        invoice.save(update_fields=["amount_paid", "status"])
        allocations.append(Allocation.objects.create(invoice=invoice, payment=payment, amount=share))
        paid_through_recompute(subscription_ids=_subscriptions_of([invoice.pk]))
    return allocations + credit_apply(account=account, actor=actor, payment=payment)
