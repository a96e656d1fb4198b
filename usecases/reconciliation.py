"""Resolving a reconciliation difference (payments/reconciliation.py lists them): the money moves
through the same services the gateways' callbacks and notifications use, never around them.

* Missing on our side, one of our attempts: the gateway is asked again through the adapter's `query`
  (the re-query the callbacks fall back on), which settles the attempt only on the gateway's word,
  and the payment is credited by `online_payment_credit` (receipt, ledger, allocation) under its
  idempotency key `<gateway>:<tran_id>`: a second click, or a callback arriving meanwhile, credits nothing more.
* Missing on our side, a bKash Pay Bill payment whose notification never came: recorded by the Pay
  Bill use case from the report's row (account number, amount, trxID, time), idempotent on the trxID
  (`bkash-paybill:<trxID>`), exactly as if the notification had arrived.
* Missing on our side and named by nothing of ours: we cannot say whose money it is, so nothing is
  credited; staff mark it "refund needed" (the gateway's portal refunds it to the payer).
* Missing at the gateway (we credited money the gateway does not have): asked once more, and only if
  the gateway still has nothing, the payment is reversed (ledger reversal, invoices reopened,
  commission clawed back) with the reason.
* Anything (an amount difference, a timing difference staff have checked): acknowledged with a note.

Every resolution is one conditional change of the item (an open item only), under its row lock, and
audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments import paybill, reconciliation, sslcommerz
from payments.gateways import GATEWAYS
from payments.models import GatewayPayment, GatewayStatementLine, Payment, ReconciliationItem

from . import online_payment
from .paybill import paybill_payment_notified
from .payment_reverse import payment_reverse

Kind = ReconciliationItem.Kind
Resolution = ReconciliationItem.Resolution


def _resolve(*, actor, item: ReconciliationItem, resolution: str, note: str = "", payment: Payment | None = None,
             gateway_payment: GatewayPayment | None = None) -> ReconciliationItem:
    return reconciliation.reconciliation_item_resolve(actor=actor, item=item, resolution=resolution, note=note,
                                                      payment=payment, gateway_payment=gateway_payment)


def _open_item(item: ReconciliationItem, *kinds: str) -> ReconciliationItem:
    item = ReconciliationItem.objects.get(pk=item.pk)
    if item.resolution:
        raise ValidationError(_("This difference was already resolved (%(how)s).") % {"how": item.get_resolution_display()})
    if kinds and item.kind not in kinds:
        raise ValidationError(_("That is not how a difference of this kind is resolved."))
    return item


def reconciliation_settle(*, actor, item: ReconciliationItem) -> ReconciliationItem:
    """Record the money the gateway has and we do not, through the callbacks' own services."""
    try:
        item = _open_item(item, Kind.MISSING_OURS)
    except ValidationError:
        current = ReconciliationItem.objects.get(pk=item.pk)
        if current.resolution == Resolution.SETTLED:
            return current  # a second click: the first one settled it
        raise
    if item.statement_kind == GatewayStatementLine.Kind.PAYBILL:
        return _settle_paybill(actor=actor, item=item)
    gp = item.gateway_payment
    if gp is None:
        raise ValidationError(_("No payment of ours names this transaction, so it cannot be credited to anyone: mark it for refund."))
    gp.refresh_from_db()
    if gp.status not in (GatewayPayment.Status.PAID, GatewayPayment.Status.HELD):
        outcome = online_payment.online_payment_requery(gp=gp, actor=actor)
        gp.refresh_from_db()
        if gp.status not in (GatewayPayment.Status.PAID, GatewayPayment.Status.HELD):
            raise ValidationError(_("The gateway does not confirm this payment now (%(answer)s); nothing was recorded.")
                                  % {"answer": outcome.message})
    else:
        online_payment.online_payment_credit(gp=gp, actor=actor)  # credited once, whoever asks
        gp.refresh_from_db()
    note = _("Held for review: approve it in the review queue.") if gp.status == GatewayPayment.Status.HELD else ""
    return _resolve(actor=actor, item=item, resolution=Resolution.SETTLED, payment=gp.payment, gateway_payment=gp, note=note)


def _settle_paybill(*, actor, item: ReconciliationItem) -> ReconciliationItem:
    data = {"trxID": item.txn_id, "accountNumber": item.reference, "amount": f"{item.gateway_amount:.2f}", "currency": "BDT",
            "transactionTime": timezone.localtime(item.gateway_at).isoformat() if item.gateway_at else None}
    if data["transactionTime"] is None:
        del data["transactionTime"]
    try:
        payment = paybill_payment_notified(data=data)
    except paybill.Refused as refused:
        raise ValidationError(_("The Pay Bill payment cannot be recorded: %(why)s") % {"why": refused.message}) from None
    return _resolve(actor=actor, item=item, resolution=Resolution.SETTLED, payment=payment)


def reconciliation_reverse(*, actor, item: ReconciliationItem, reason: str) -> ReconciliationItem:
    """Reverse a payment we credited that the gateway does not have, once the gateway says so again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    item = _open_item(item, Kind.MISSING_GATEWAY)
    payment = item.payment
    if item.gateway_payment_id:
        try:
            txn = GATEWAYS[item.gateway].lookup(gp=item.gateway_payment)
        except sslcommerz.GatewayError as error:
            raise ValidationError(_("The gateway cannot be asked right now (%(error)s); try again later.") % {"error": error}) from None
        if txn is not None:
            raise ValidationError(_("The gateway now has this payment (transaction %(id)s): run the reconciliation again.")
                                  % {"id": txn.txn_id})
        payment = item.gateway_payment.payment
    if payment is None:
        return _resolve(actor=actor, item=item, resolution=Resolution.ACKNOWLEDGED, note=reason)
    payment.refresh_from_db()
    with transaction.atomic():
        if payment.status == Payment.Status.COMPLETED:
            payment_reverse(actor=actor, payment=payment, reason=_("Not at the gateway (reconciliation of %(day)s): %(reason)s")
                            % {"day": item.day, "reason": reason})
        return _resolve(actor=actor, item=item, resolution=Resolution.REVERSED, note=reason, payment=payment)


def reconciliation_mark_refund_needed(*, actor, item: ReconciliationItem, note: str) -> ReconciliationItem:
    """Money at the gateway that is no one's here: to be refunded to the payer from the gateway's portal."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what is to be done.")})
    item = _open_item(item, Kind.MISSING_OURS, Kind.AMOUNT_MISMATCH)
    return _resolve(actor=actor, item=item, resolution=Resolution.REFUND_NEEDED, note=note)


def reconciliation_acknowledge(*, actor, item: ReconciliationItem, note: str) -> ReconciliationItem:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was checked.")})
    item = _open_item(item, Kind.MISSING_OURS, Kind.MISSING_GATEWAY, Kind.AMOUNT_MISMATCH)
    return _resolve(actor=actor, item=item, resolution=Resolution.ACKNOWLEDGED, note=note)


def reconciliation_run(*, actor, gateway: str, day) -> dict:
    """Staff's "run again" (after uploading the report, or when the gateway did not answer)."""
    return reconciliation.reconcile_day_audited(actor=actor, gateway=gateway, day=day).counts
