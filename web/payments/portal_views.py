"""Customer portal: Pay Now (also the walled-garden page a suspended customer is sent to), the result of
an online payment with its receipt or a retry, and the payment history with receipts."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from billing.selectors import amount_open, open_invoices
from customers.models import Subscription
from customers.selectors import portal_subscriptions
from ispbill.core.forms import add_service_errors
from payments import bkash_flow, gateways, online, online_selectors, selectors
from payments.models import GatewayPayment
from payments.online_forms import AutoPayForm, PayForm
from usecases import autopay, online_payment

REQUERY_EVERY_SECONDS = 20


@require_http_methods(["GET", "POST"])
def pay(request):
    customer = request.customer
    invoices = list(open_invoices(customer_id=customer.pk))
    due = amount_open(customer_id=customer.pk)
    initial = {"purpose": GatewayPayment.Purpose.DUE if due > 0 else GatewayPayment.Purpose.ADVANCE, "months": 1}
    wanted = request.GET.get("invoice", "")
    if wanted.isdigit() and any(invoice.pk == int(wanted) for invoice in invoices):
        initial.update(purpose=GatewayPayment.Purpose.INVOICE, invoice=int(wanted))
    offers = gateways.offers_for(customer)
    form = PayForm(request.POST or None, invoices=invoices, due=due, initial=initial, gateways=offers)
    if request.method == "POST" and form.is_valid():
        gateway = gateways.gateway_get(form.gateway_code())
        try:
            if gateway is None or gateway.code not in {offer.code for offer in offers}:
                raise ValidationError({"gateway": _t("Choose how to pay.")})
            gp = gateway.start(customer=customer, client_ip=request.META.get("REMOTE_ADDR", ""), **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            response = redirect(gp.gateway_url)
            response.status_code = 303
            # The browser follows the redirect from our form: CSP form-action must allow the gateway's origin.
            parts = urlsplit(gp.gateway_url)
            response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
            return response
    subscriptions = list(portal_subscriptions(customer=customer))
    context = {
        "form": form, "customer": customer, "due": due, "invoices": invoices,
        "suspended": [s for s in subscriptions if s.status == Subscription.Status.SUSPENDED],
        "monthly": online.monthly_charge(customer=customer), "available": bool(offers),
        "offers": [(offer, offer.charge(due) if due > 0 else None) for offer in offers],
        "has_wallet": any(offer.code == "bkash" for offer in offers),
        "recent": online_selectors.online_payments_for_customer(customer=customer, limit=5),
    }
    return render(request, "payments/portal/pay.html", context)


@vary_on_headers("HX-Request")
def onlinepayment_detail(request, pk: int):
    gp = online_selectors.online_payment_get_for_customer(customer=request.customer, pk=pk)
    context = {
        "gp": gp, "returned": request.GET.get("returned", ""),
        "allocations": selectors.payment_allocations(gp.payment) if gp.payment_id else [],
        "subscriptions": portal_subscriptions(customer=request.customer) if gp.payment_id else [],
    }
    template = "payments/portal/onlinepayment_detail.html"
    return render(request, f"{template}#result" if request.htmx else template, context)


def onlinepayment_check(request, pk: int):
    """A customer whose payment is still pending asks us to ask the gateway (at most every 20 seconds)."""
    gp = online_selectors.online_payment_get_for_customer(customer=request.customer, pk=pk)  # 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    recently = gp.last_queried_at and (timezone.now() - gp.last_queried_at).total_seconds() < REQUERY_EVERY_SECONDS
    if gp.status == GatewayPayment.Status.PENDING and not recently:
        online_payment.online_payment_requery(gp=gp)
    elif recently:
        messages.info(request, _t("We asked the gateway a moment ago; please wait a little."))
    return redirect("portal:onlinepayment-detail", pk=gp.pk)


def payment_history(request):
    customer = request.customer
    context = {
        "receipts": online_selectors.receipts_for_customer(customer=customer)[:50],
        "attempts": online_selectors.online_payments_for_customer(customer=customer),
        "past_payments": selectors.past_payments_for_customer(customer_id=customer.pk)[:100],
        "due": amount_open(customer_id=customer.pk),
    }
    return render(request, "payments/portal/payment_history.html", context)


def payment_receipt(request, pk: int):
    payment = online_selectors.receipt_get_for_customer(customer=request.customer, pk=pk)
    context = {"payment": payment, "allocations": selectors.payment_allocations(payment)}
    return render(request, "payments/portal/receipt.html", context)


def payment_methods(request):
    """Saved bKash wallets: link one, make one primary, remove one; and auto-pay on or off."""
    customer = request.customer
    context = {
        "agreements": online_selectors.agreements_for_customer(customer=customer),
        "autopay": online_selectors.autopay_for_customer(customer=customer),
        "attempts": online_selectors.autopay_attempts_for_customer(customer=customer, limit=5),
        "available": gateways.gateway_get("bkash").offer_for(customer) is not None,
        "linked": request.GET.get("linked", ""),
        "autopay_days": settings.AUTOPAY_DAYS_BEFORE,
    }
    return render(request, "payments/portal/payment_methods.html", context)


def _post_only(request):
    return HttpResponseNotAllowed(["POST"]) if request.method != "POST" else None


def payment_method_link(request):
    if (refused := _post_only(request)) is not None:
        return refused
    if gateways.gateway_get("bkash").offer_for(request.customer) is None:
        messages.error(request, _t("bKash is not available right now."))
        return redirect("portal:payment-methods")
    try:
        _agreement, url = bkash_flow.bkash_agreement_start(customer=request.customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:payment-methods")
    response = redirect(url)
    response.status_code = 303
    parts = urlsplit(url)
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def payment_method_primary(request, pk: int):
    agreement = online_selectors.agreement_get_for_customer(customer=request.customer, pk=pk)  # 404 before 405
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        bkash_flow.bkash_agreement_set_primary(customer=request.customer, agreement=agreement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("%(wallet)s is now your primary wallet.") % {"wallet": agreement.wallet_masked})
    return redirect("portal:payment-methods")


def payment_method_remove(request, pk: int):
    agreement = online_selectors.agreement_get_for_customer(customer=request.customer, pk=pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        bkash_flow.bkash_agreement_remove(customer=request.customer, agreement=agreement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("The wallet %(wallet)s is unlinked.") % {"wallet": agreement.wallet_masked})
    return redirect("portal:payment-methods")


def autopay_toggle(request):
    if (refused := _post_only(request)) is not None:
        return refused
    form = AutoPayForm(request.POST)
    if not form.is_valid():  # a checkbox: only a malformed post can be invalid
        return HttpResponseBadRequest()
    try:
        autopay.autopay_set(customer=request.customer, enabled=form.cleaned_data["enabled"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("Auto-pay is on.") if form.cleaned_data["enabled"] else _t("Auto-pay is off."))
    return redirect("portal:payment-methods")


urlpatterns = [
    path("payments/methods/", payment_methods, name="payment-methods"),
    path("payments/methods/link/", payment_method_link, name="payment-method-link"),
    path("payments/methods/<int:pk>/primary/", payment_method_primary, name="payment-method-primary"),
    path("payments/methods/<int:pk>/remove/", payment_method_remove, name="payment-method-remove"),
    path("payments/methods/autopay/", autopay_toggle, name="payment-autopay"),
    path("pay/", pay, name="pay"),
    path("payments/", payment_history, name="payment-history"),
    path("payments/receipts/<int:pk>/", payment_receipt, name="payment-receipt"),
    path("payments/online/<int:pk>/", onlinepayment_detail, name="onlinepayment-detail"),
    path("payments/online/<int:pk>/check/", onlinepayment_check, name="onlinepayment-check"),
]
