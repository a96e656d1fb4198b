"""Refunds of online payments through the gateway's refund API: what may still be refunded, the
request, the ledger's refund entry once the gateway accepts it, and polling until the refund is
final (a refund the gateway cancels is undone in the ledger by a new entry)."""

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money

from . import referral_rewards, sslcommerz
from .gateway_state import gateway_payment_transition
from .gateways import gateway_of
from .models import GatewayEvent, GatewayPayment, GatewayRefund, Payment
from .online import gateway_client, gateway_event

logger = logging.getLogger(__name__)


def refundable(gp: GatewayPayment) -> Decimal:
    """What may still be refunded: refunded plus reversed never exceed what was paid, so a reversed
    payment (whose reversal took back whatever the refunds had left) has nothing left to refund."""
    if gp.status not in (GatewayPayment.Status.PAID, GatewayPayment.Status.HELD, GatewayPayment.Status.REJECTED):
        return ZERO
    if gp.payment_id and gp.payment.status == Payment.Status.REVERSED:
        return ZERO
    return gp.amount - gp.refunded_total


def online_refund_request(*, actor, gp: GatewayPayment, amount, reason: str,
                          request_key: str | None = None) -> tuple[GatewayRefund, Mapping | None]:
    """Ask the refund API to give back all or part of a gateway payment: the refund row and the
    gateway's answer, for `online_refund_accepted`. A refusal marks the row failed and raises.

    The answer is None when there is nothing to accept now: the same form submitted again
    (`request_key`, a double click: the first submission's refund), or a request whose answer was lost
    (the refund stays processing, its amount held, until `refund_lost_resolve` asks the gateway)."""
    reason = (reason or "").strip()
    try:
        amount = to_money(amount)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"amount": _("Enter an amount of money.")}) from None
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the refund.")})
    gateway = gateway_of(gp)
    if not gateway.supports_refund:
        raise ValidationError(str(gateway.refund_unsupported))
    request_key = (request_key or "").strip()[:64] or None
    with transaction.atomic():
        gp = GatewayPayment.objects.select_for_update().get(pk=gp.pk)
        if request_key:
            earlier = GatewayRefund.objects.filter(request_key=request_key).first()
            if earlier is not None:
                if earlier.gateway_payment_id != gp.pk:
                    raise ValidationError(_("This form was already used for another payment; open the refund form again."))
                return earlier, None
        limit = refundable(gp)
        if amount <= ZERO or amount > limit:
            raise ValidationError({"amount": _("Enter an amount between 0.01 and %(limit)s.") % {"limit": limit}})
        if gp.purpose == GatewayPayment.Purpose.CARD and (gp.card_sale_id is None or amount != gp.amount):
            # The card stops working when its money goes back: a card is not refunded in part.
            raise ValidationError({"amount": _("A Wi-Fi card bought online is refunded whole (%(amount)s), once its card is made.")
                                   % {"amount": gp.amount}})
        if not gp.bank_tran_id:
            raise ValidationError(_("This payment has no bank transaction id to refund."))
        refund = GatewayRefund.objects.create(
            gateway_payment=gp, amount=amount, reason=reason[:255], refe_id=f"RF{secrets.token_hex(8).upper()}", requested_by=actor,
            request_key=request_key,
        )
    try:
        answer = gateway_of(gp).refund(gp=gp, amount=amount, reason=reason[:100], refe_id=refund.refe_id)
    except sslcommerz.RefundAnswerLost as error:
        # It may have happened: the amount stays held (a processing refund counts against what is
        # refundable) and the gateway is asked, never the refund sent again.
        gateway_event(gp, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id}: answer lost ({error}); its status will be asked")
        return refund, None
    except sslcommerz.GatewayError as error:
        GatewayRefund.objects.filter(pk=refund.pk).update(status=GatewayRefund.Status.FAILED, finished_at=timezone.now())
        gateway_event(gp, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id} refused: {error}", getattr(error, "response", {}))
        raise ValidationError(_("The gateway did not accept the refund: %(error)s") % {"error": error}) from error
    return refund, answer


def refund_lost_answer(*, refund: GatewayRefund, now=None) -> Mapping | None:
    """A refund whose request got no answer: ask the gateway whether it made it. The gateway's answer
    (to accept, as if it had come in time), or None: then, once the refund is older than
    REFUND_LOST_AFTER_MINUTES and the gateway still has none, it is closed as failed (nothing left the
    account; the amount may be refunded again)."""
    gp = refund.gateway_payment
    known = set(GatewayRefund.objects.filter(gateway_payment=gp).exclude(refund_ref_id="").values_list("refund_ref_id", flat=True))
    try:
        answer = gateway_of(gp).refund_lookup(gp=gp, amount=refund.amount, known=known)
    except sslcommerz.GatewayError as error:
        gateway_event(gp, GatewayEvent.Kind.ERROR, f"refund {refund.refe_id}: status unavailable: {error}")
        return None
    if answer is not None:
        gateway_event(gp, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id}: the gateway made it", answer)
        return answer
    now = now or timezone.now()
    if refund.requested_at < now - timedelta(minutes=settings.REFUND_LOST_AFTER_MINUTES):
        changed = GatewayRefund.objects.filter(pk=refund.pk, status=GatewayRefund.Status.PROCESSING, refund_ref_id="").update(
            status=GatewayRefund.Status.FAILED, finished_at=now)
        if changed:
            gateway_event(gp, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id}: the gateway has none; closed as failed")
    return None


def refunds_answer_lost() -> list[GatewayRefund]:
    """Refunds whose request got no answer (processing, no gateway reference), oldest first."""
    return list(GatewayRefund.objects.filter(status=GatewayRefund.Status.PROCESSING, refund_ref_id="")
                .select_related("gateway_payment").order_by("id")[:200])


@transaction.atomic
def online_refund_accepted(*, actor, refund: GatewayRefund, answer: Mapping) -> GatewayRefund:
    """The gateway accepted the refund: the ledger gets the refund entry (held payments were never
    credited, so they get none). What follows a refund in other apps joins the caller's transaction."""
    gp = GatewayPayment.objects.select_for_update().get(pk=refund.gateway_payment_id)
    amount, reason = refund.amount, refund.reason
    refund.refund_ref_id = str(answer.get("refund_ref_id", ""))[:100]
    update = ["refund_ref_id"]
    if gp.gateway == GatewayPayment.Gateway.BKASH and answer.get("status") == "refunded":
        # bKash refunds at once: final now, nothing to poll.
        refund.status, refund.finished_at = GatewayRefund.Status.REFUNDED, timezone.now()
        update += ["status", "finished_at"]
    refund.save(update_fields=update)
    if refund.status == GatewayRefund.Status.REFUNDED:
        _reverse_referral_credit_if_refunded_in_full(actor=actor, gp=gp)
    gateway_event(gp, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id} of {amount} started", answer)
    if gp.payment_id:
        _post_refund(actor=actor, gp=gp, refund=refund)
    if gp.status == GatewayPayment.Status.HELD and amount == gp.amount:
        gp, _changed = gateway_payment_transition(gp=gp, to=GatewayPayment.Status.REJECTED, from_=[GatewayPayment.Status.HELD],
                                                  reviewed_by=actor)
    audit_record(actor=actor, action="gateway_payment.refund", obj=gp, reason=reason,
                 after={"amount": str(amount), "refe_id": refund.refe_id, "status": gp.status})
    return refund


def _post_refund(*, actor, gp: GatewayPayment, refund: GatewayRefund) -> None:
    """Money given back raises what the customer owes: a refund entry, and the invoices it had paid reopened."""
    account = ledger.account_lock(customer_id=gp.customer_id)
    refund.ledger_entry = ledger.refund_post(
        account=account, payment=gp.payment, amount=refund.amount, actor=actor,
        memo=f"Refund {refund.refe_id} of {gp.payment.receipt_number}: {refund.reason}",
    )
    refund.save(update_fields=["ledger_entry"])


def _reverse_referral_credit_if_refunded_in_full(*, actor, gp: GatewayPayment) -> None:
    """A first payment the gateway has given back in full never paid for anything: the referral credit
    it earned the referrer is reversed, as for a reversed payment. A part refund leaves it."""
    refunded = GatewayRefund.objects.filter(gateway_payment=gp, status=GatewayRefund.Status.REFUNDED).aggregate(
        total=Sum("amount"))["total"] or ZERO
    if gp.payment_id and refunded >= gp.amount:
        referral_rewards.referral_payment_reversed(
            actor=actor, payment=gp.payment, reason=_("refunded in full through the gateway"),
        )


def refund_poll(*, refund: GatewayRefund) -> GatewayRefund:
    """Ask the gateway how a refund stands; a refund it cancelled is undone in the ledger by a new entry."""
    try:
        answer = gateway_client().refund_status(refund.refund_ref_id)
    except sslcommerz.GatewayError as error:
        gateway_event(refund.gateway_payment, GatewayEvent.Kind.ERROR, f"refund status unavailable: {error}")
        return refund
    status = str(answer.get("status", "")).lower()
    with transaction.atomic():
        refund = GatewayRefund.objects.select_for_update(of=("self",)).select_related("gateway_payment__payment").get(pk=refund.pk)
        refund.last_polled_at = timezone.now()
        if refund.status == GatewayRefund.Status.PROCESSING and status == "refunded":
            refund.status, refund.finished_at = GatewayRefund.Status.REFUNDED, timezone.now()
            refund.save(update_fields=["status", "finished_at"])
            _reverse_referral_credit_if_refunded_in_full(actor=None, gp=refund.gateway_payment)
        elif refund.status == GatewayRefund.Status.PROCESSING and status in ("cancelled", "failed"):
            refund.status, refund.finished_at = GatewayRefund.Status.FAILED, timezone.now()
            gp = refund.gateway_payment
            if refund.ledger_entry_id:
                account = ledger.account_lock(customer_id=gp.customer_id)
                ledger.refund_unpost(account=account, entry=refund.ledger_entry,
                                     memo=f"Refund {refund.refe_id} cancelled by the gateway")
        refund.save(update_fields=["status", "finished_at", "last_polled_at"])
        gateway_event(refund.gateway_payment, GatewayEvent.Kind.REFUND, f"refund {refund.refe_id}: {status or 'unknown'}", answer)
    return refund


def refunds_poll_open() -> int:
    """Ask the gateway about refunds that are not final yet (the reconciliation job's last step)."""
    polled = 0
    open_refunds = GatewayRefund.objects.filter(status=GatewayRefund.Status.PROCESSING,
                                                gateway_payment__gateway=GatewayPayment.Gateway.SSLCOMMERZ)
    for refund in open_refunds.exclude(refund_ref_id="").order_by("id")[:200]:
        polled += 1
        refund_poll(refund=refund)
    return polled
