"""Online payments (payments/online.py) and what follows their money: when a gateway payment is
credited (at once when a customer waits for the receipt, by a worker task after an IPN, which must
answer quickly; the reconciliation job repairs a lost task) and the reseller's commission on it,
clawed back again when the gateway refunds it."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.core.cache import cache
from django.db import transaction

from payments import bkash_flow, online, online_refunds
from payments.gateways import GATEWAYS, gateway_get, gateway_of
from payments.models import GatewayPayment, GatewayRefund, Payment
from resellers.commissions import commission_on_payment, commission_on_payments, commission_on_refund
from vouchers.models import WifiPurchase

from .wifi_signup import card_purchase_fulfil, card_purchase_refunded

logger = logging.getLogger(__name__)

# Set while a credit task is queued and has not started: IPNs settled meanwhile leave it to that
# task, so a burst of a hundred IPNs queues a task or two rather than a hundred (publishing a Celery
# message costs an IPN about as much CPU as its own database work). Expires in case the message is lost.
CREDIT_TASK_QUEUED_KEY = "payments:credit-task-queued"
CREDIT_TASK_QUEUED_SECONDS = 60
CREDIT_BATCH = 200


@transaction.atomic
def online_payment_credit(*, gp: GatewayPayment, actor=None) -> Payment | None:
    """Record the money of a paid gateway payment once, and the commission it earns. A visitor's Wi-Fi
    card purchase (purpose "card") gets its card and its card sale instead (usecases/wifi_signup.py)."""
    purpose = GatewayPayment.objects.filter(pk=gp.pk).values_list("purpose", flat=True).first()
    if purpose == GatewayPayment.Purpose.CARD:
        card_purchase_fulfil(gp=gp)
        return None
    payment = online.online_payment_money_record(gp=gp, actor=actor)
    if payment is not None:
        commission_on_payment(actor=actor, payment=payment)
    return payment


def online_payments_credit_many(*, gps: list[GatewayPayment], actor=None) -> dict[int, Payment]:
    """`online_payment_credit` for many paid payments at once (auto-pay's charge day), set-based, with
    the commissions they earn. Call inside transaction.atomic."""
    credited = online.online_payments_money_record_many(gps=gps, actor=actor)
    recorded = [payment for payment in credited.values() if payment is not None]
    if recorded:
        commission_on_payments(actor=actor, payments=recorded)
    return credited


def _credit_if_owed(gp: GatewayPayment, actor=None) -> None:
    if online.credit_owed(gp):
        online_payment_credit(gp=gp, actor=actor)


def online_payment_notified(*, data: Mapping[str, str], source: str) -> online.Outcome:
    """A POST from the gateway (source "ipn") or from the customer's browser (source "return"). The
    browser return credits at once (the customer waits for the receipt); an IPN that settled a
    payment queues the credit task after its commit."""
    outcome = online.notification_receive(data=data, source=source)
    gp = outcome.gateway_payment
    if gp is None or not (outcome.changed or outcome.message == "duplicate"):
        return outcome
    if source != "ipn":
        _credit_if_owed(gp)
    elif outcome.changed and gp.status == GatewayPayment.Status.PAID:
        transaction.on_commit(credit_task_wake)
    return outcome


def bkash_callback_received(*, payment_id: str, status: str) -> bkash_flow.Callback:
    """The customer's browser back from bKash: execute (or check) the payment and credit it at once,
    as the customer waits for the receipt; or finish linking a wallet."""
    result = bkash_flow.callback_receive(payment_id=payment_id, status=status)
    if result.outcome is not None and result.outcome.gateway_payment is not None:
        _credit_if_owed(result.outcome.gateway_payment)
    return result


def nagad_callback_received(*, data) -> online.Outcome:
    """The customer's browser back from Nagad: verify the payment and credit it at once, as the
    customer waits for the receipt."""
    outcome = gateway_get("nagad").confirm(data=data, source="return")
    if outcome.gateway_payment is not None:
        _credit_if_owed(outcome.gateway_payment)
    return outcome


def online_payment_requery(*, gp: GatewayPayment, actor=None) -> online.Outcome:
    """Ask the gateway what became of a payment (staff, or the customer waiting); credit what it paid."""
    outcome = gateway_of(gp).query(gp=gp, actor=actor)
    _credit_if_owed(gp)
    return outcome


def online_payment_approve(*, actor, gp: GatewayPayment) -> GatewayPayment:
    """Staff accept a payment held as risky: it is credited like any other."""
    gp = online.online_payment_hold_release(actor=actor, gp=gp)
    online_payment_credit(gp=gp, actor=actor)
    gp.refresh_from_db()
    return gp


def online_refund_start(*, actor, gp: GatewayPayment, amount, reason: str, request_key: str | None = None) -> GatewayRefund:
    """Refund all or part of a gateway payment through the refund API; once the gateway accepts it,
    the ledger's refund entry and the commission clawed back in one transaction. The same form twice
    (`request_key`) is the first refund; a lost answer leaves the refund processing, to be asked about."""
    refund, answer = online_refunds.online_refund_request(actor=actor, gp=gp, amount=amount, reason=reason,
                                                          request_key=request_key)
    if answer is None:
        return refund
    return _refund_accept(actor=actor, refund=refund, answer=answer)


def card_purchase_refund(*, actor, purchase: WifiPurchase, reason: str, request_key: str | None = None) -> GatewayRefund:
    """Give a visitor's Wi-Fi card purchase back, whole, through the gateway it was paid with; once the
    gateway has made the refund, the card stops working and the sale's refund is recorded
    (`card_purchase_refunded`), in one transaction."""
    gp = purchase.gateway_payment
    return online_refund_start(actor=actor, gp=gp, amount=gp.amount, reason=reason, request_key=request_key)


def _refund_accept(*, actor, refund: GatewayRefund, answer) -> GatewayRefund:
    with transaction.atomic():
        refund = online_refunds.online_refund_accepted(actor=actor, refund=refund, answer=answer)
        if refund.ledger_entry_id:
            commission_on_refund(actor=actor, payment=refund.gateway_payment.payment, amount=refund.amount)
        # Cards are sold through bKash and Nagad only; bKash refunds at once (final here) and Nagad
        # has no refund API, so a card purchase's refund is never left to the status poll.
        if refund.gateway_payment.purpose == GatewayPayment.Purpose.CARD and refund.status == GatewayRefund.Status.REFUNDED:
            card_purchase_refunded(actor=actor, refund=refund)
    return refund


def online_refunds_lost_resolve(*, now=None) -> int:
    """Refunds whose request got no answer: the gateway is asked; one it made is accepted (the ledger's
    refund entry, the commission) exactly as if the answer had come; one it never made is closed."""
    accepted = 0
    for refund in online_refunds.refunds_answer_lost():
        answer = online_refunds.refund_lost_answer(refund=refund, now=now)
        if answer is None:
            continue
        with transaction.atomic():
            # Once: only a refund still processing with no gateway reference is accepted.
            locked = GatewayRefund.objects.select_for_update().get(pk=refund.pk)
            if locked.status != GatewayRefund.Status.PROCESSING or locked.refund_ref_id:
                continue
            _refund_accept(actor=None, refund=locked, answer=answer)
            accepted += 1
    return accepted


def credit_task_wake() -> None:
    """After an IPN's commit: make sure a credit task is on its way for what it settled."""
    from .tasks import credit_paid_online_payments

    try:
        if cache.add(CREDIT_TASK_QUEUED_KEY, 1, CREDIT_TASK_QUEUED_SECONDS):
            credit_paid_online_payments.delay()
    except Exception:  # noqa: BLE001 - a broker or cache outage must not fail the IPN: reconciliation credits it
        logger.exception("could not queue the crediting of online payments")


def online_payments_credit_owed() -> dict:
    """Record the money of every paid online payment that has no receipt yet, oldest first (the credit
    task). The queued mark is cleared before reading, so a payment settled from now on queues the next
    task. One payment that cannot be credited does not hold up the others; it is reported."""
    cache.delete(CREDIT_TASK_QUEUED_KEY)
    counts = {"credited": 0, "failed": 0}
    owed = online.credit_owed_ids(limit=CREDIT_BATCH + 1)
    for pk in owed[:CREDIT_BATCH]:
        try:
            counts["credited"] += online_payment_credit(gp=GatewayPayment(pk=pk)) is not None
        except Exception:  # noqa: BLE001 - logged; the task is retried and reconciliation asks again
            logger.exception("could not credit online payment %s", pk)
            counts["failed"] += 1
    if len(owed) > CREDIT_BATCH:
        credit_task_wake()
    return counts


def online_payments_reconcile(*, now=None) -> dict:
    """The periodic job: settle payments pending too long, credit paid ones a crash left uncredited,
    and poll refunds that are not final yet."""
    counts = {"queried": 0, "settled": 0}
    for gateway in GATEWAYS.values():
        for key, value in gateway.requery_pending(now=now).items():
            counts[key] = counts.get(key, 0) + value
    counts["credited"] = online_payments_credit_owed()["credited"]
    counts["refunds"] = online_refunds.refunds_poll_open()
    counts["refunds_recovered"] = online_refunds_lost_resolve(now=now)
    return counts
