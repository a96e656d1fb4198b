"""A visitor buying a prepaid Wi-Fi card at a zone (docs/vouchers.md, "Wi-Fi zone sign-up"): the gateway
payment opened for the plan's price (payments/bkash_flow.py, nagad_flow.py, purpose "card", no
customer), and, once the gateway confirms it, the card and its money in one transaction, exactly once.

Confirmation is the gateways' own: the bKash callback executes and checks the payment with bKash, the
Nagad callback verifies it with Nagad, the reconciliation job asks about those whose callback never
came; every path ends in `usecases.online_payment.online_payment_credit`, which hands a card purchase to
`card_purchase_fulfil` here. A forged, replayed or altered callback settles nothing, so it reaches no
card and no money.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from billing.ledger.cards import card_sale_post, card_sale_refund_post
from ispbill.core.money import format_money
from ispbill.notify.events import Channel
from ispbill.notify.services import notify_address
from payments import bkash_flow, nagad_flow, online
from payments.models import GatewayPayment, GatewayRefund
from vouchers import codes, services, signup
from vouchers.models import VoucherPlan, WifiPurchase, WifiZone
from vouchers.notifications import WIFI_CARD_BOUGHT

logger = logging.getLogger(__name__)

GATEWAYS = ("bkash", "nagad")


def gateways_offered() -> list[str]:
    """The gateways a visitor may pay with: those enabled and configured (Settings → Payment gateways)."""
    offered = []
    if bkash_flow.bkash_config().ready:
        offered.append("bkash")
    if nagad_flow.nagad_config().ready:
        offered.append("nagad")
    return offered


def card_payment_start(*, zone: WifiZone, plan: VoucherPlan, phone: str, gateway: str, mac: str = "", login_url: str = "",
                       dst: str = "", client_ip: str = "", language: str = "en") -> WifiPurchase:
    """Open the gateway payment for one card of `plan` (the caller checked the phone by OTP) and record
    what it is for. The visitor is then sent to `purchase.gateway_payment.gateway_url`."""
    if gateway not in gateways_offered():
        raise ValidationError({"gateway": _("Choose one of the ways to pay shown.")})
    if gateway == "bkash":
        gp = bkash_flow.bkash_card_payment_start(price=plan.price, phone=phone)
    else:
        gp = nagad_flow.nagad_card_payment_start(price=plan.price, phone=phone, client_ip=client_ip)
    return signup.purchase_record(zone=zone, plan=plan, phone=phone, mac=mac, login_url=login_url, dst=dst, gateway_payment=gp,
                                  language=language)


def card_purchase_fulfil(*, gp: GatewayPayment) -> WifiPurchase | None:
    """A paid card purchase: the card (a one-card online batch, sold to the visitor's phone, the device
    remembered where the zone does so), the money (billing/ledger/cards.py: `card_sale_post`), the link
    between them, and the SMS with the code, all in one transaction under the payment's row lock. A
    second call (a duplicate callback, the reconciliation job, the credit task) finds the sale and does
    nothing."""
    with transaction.atomic():
        gp = GatewayPayment.objects.select_for_update().get(pk=gp.pk)
        if gp.purpose != GatewayPayment.Purpose.CARD or gp.status != GatewayPayment.Status.PAID or gp.card_sale_id:
            return WifiPurchase.objects.filter(gateway_payment=gp).first()
        purchase = WifiPurchase.objects.select_for_update().select_related("zone", "plan").filter(gateway_payment=gp).first()
        if purchase is None:
            logger.error("card payment %s is paid but no purchase records what it was for", gp.tran_id)
            return None
        card = signup.online_card_make(plan=purchase.plan, zone=purchase.zone, price=purchase.price, phone=purchase.phone,
                                       mac=purchase.mac)
        sale, _created = card_sale_post(
            amount=gp.amount, fee=gp.fee, fee_passed=gp.fee_passed, method=gp.method or gp.gateway,
            reference=gp.bank_tran_id or gp.tran_id, received_at=gp.paid_at or timezone.now(),
            idempotency_key=f"{gp.gateway}:{gp.tran_id}",
            memo=f"Wi-Fi card {card} ({purchase.plan.name}) at {purchase.zone.name}, {gp.get_gateway_display()} {gp.tran_id}",
        )
        online.card_sale_link(gp=gp, sale=sale)
        signup.purchase_card_set(purchase=purchase, card=card)
        purchase.card = card
        notify_address(
            event=WIFI_CARD_BOUGHT, channel=Channel.SMS, to=purchase.phone, language=purchase.language, related=card,
            context={"card_code": codes.display(signup.card_code(card=card)), "plan": purchase.plan.name_in(purchase.language), "zone": purchase.zone.name,
                     "valid_until": formats.date_format(timezone.localtime(card.expires_at), "DATETIME_FORMAT"),
                     "amount": format_money(gp.amount)},
        )
    return purchase


def card_purchase_refunded(*, actor, refund: GatewayRefund) -> None:
    """The gateway gave a card purchase's money back (inside the refund's transaction): the sale's
    refund recorded (billing/ledger/cards.py) and the card stopped, once, even when the refund is
    accepted twice (a lost answer resolved later)."""
    gp = refund.gateway_payment
    purchase = WifiPurchase.objects.select_related("card").filter(gateway_payment=gp).first()
    if purchase is None or gp.card_sale_id is None:
        logger.error("card payment %s was refunded but has no card sale", gp.tran_id)
        return
    card_sale_refund_post(
        sale=gp.card_sale, reference=refund.refund_ref_id, refunded_at=refund.finished_at or timezone.now(),
        idempotency_key=f"{gp.gateway}:refund:{refund.refe_id}",
        memo=f"Refund {refund.refe_id} of Wi-Fi card {purchase.card} ({gp.get_gateway_display()} {gp.tran_id}): {refund.reason}",
    )
    if purchase.card is not None:
        services.card_cancel_refunded(actor=actor, card=purchase.card, reason=refund.reason)
