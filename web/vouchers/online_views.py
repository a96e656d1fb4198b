"""Staff console: the Wi-Fi cards visitors bought online at the zones (Prepaid cards → Sold online), each
purchase with its payment, card and refunds, and the whole refund through the gateway
(docs/vouchers.md, "Refunding a card bought online")."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ispbill.core.forms import add_service_errors
from ispbill.core.money import format_money
from payments import online_refunds
from payments.gateways import gateway_of
from payments.models import GatewayRefund
from usecases import online_payment
from vouchers import selectors
from web.surfaces import staff_permission_required

from .forms import CardRefundForm, OnlinePurchaseSearchForm

VIEW = "vouchers.view_voucherbatch"
REFUND = "payments.refund_gatewaypayment"
LIST_LIMIT = 100


@require_GET
@staff_permission_required(VIEW)
def purchase_list(request):
    form = OnlinePurchaseSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    purchases = list(selectors.online_purchases_for_staff(user=request.user, query=query)
                     .select_related("gateway_payment")[:LIST_LIMIT])
    return render(request, "vouchers/staff/online_list.html", {"form": form, "purchases": purchases, "query": query,
                                                              "limit": LIST_LIMIT}, status=200 if form.is_valid() else 400)


def _detail_context(request, purchase, form=None) -> dict:
    gp = purchase.gateway_payment
    gateway = gateway_of(gp)
    refundable = online_refunds.refundable(gp) if purchase.card_id and gp.card_sale_id else 0
    may_refund = request.user.has_perm(REFUND) and gateway.supports_refund and refundable > 0
    return {"purchase": purchase, "gp": gp, "card": purchase.card, "refunds": list(gp.refunds.select_related("requested_by")),
            "refundable": refundable, "may_refund": may_refund, "sale_refund": getattr(gp.card_sale, "refund", None) if gp.card_sale_id else None,
            "refund_unsupported": "" if gateway.supports_refund else gateway.refund_unsupported,
            "form": form or CardRefundForm(initial={"request_key": uuid.uuid4().hex})}


@require_GET
@staff_permission_required(VIEW)
def purchase_detail(request, pk: int):
    purchase = selectors.online_purchase_get_for_staff(user=request.user, pk=pk)
    return render(request, "vouchers/staff/online_detail.html", _detail_context(request, purchase))


@require_http_methods(["POST"])
@staff_permission_required(VIEW, REFUND)
def purchase_refund(request, pk: int):
    purchase = selectors.online_purchase_get_for_staff(user=request.user, pk=pk)
    form = CardRefundForm(request.POST)
    if form.is_valid():
        try:
            refund = online_payment.card_purchase_refund(actor=request.user, purchase=purchase, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if refund.status == GatewayRefund.Status.PROCESSING:
                messages.warning(request, _("Refund %(ref)s: the gateway did not answer in time. It is asked what became of the refund; the card stops when it is made.")
                                 % {"ref": refund.refe_id})
            else:
                messages.success(request, _("Refunded %(amount)s (%(ref)s): the card no longer logs in.")
                                 % {"amount": format_money(refund.amount), "ref": refund.refe_id})
            return redirect("staff:voucher-online-detail", pk=purchase.pk)
    purchase = selectors.online_purchase_get_for_staff(user=request.user, pk=pk)
    return render(request, "vouchers/staff/online_detail.html", _detail_context(request, purchase, form), status=400)
