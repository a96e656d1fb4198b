"""Customer portal: Pay Now (also the walled-garden page a suspended customer is sent to), the result of
an online payment with its receipt or a retry, and the payment history with receipts."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
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
from payments import online, online_selectors, selectors
from payments.models import GatewayPayment
from payments.online_forms import PayForm
from usecases import online_payment

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
    form = PayForm(request.POST or None, invoices=invoices, due=due, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            gp = online.online_payment_start(customer=customer, **form.service_arguments())
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
        "monthly": online.monthly_charge(customer=customer), "available": online.gateway_config().ready,
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


urlpatterns = [
    path("pay/", pay, name="pay"),
    path("payments/", payment_history, name="payment-history"),
    path("payments/receipts/<int:pk>/", payment_receipt, name="payment-receipt"),
    path("payments/online/<int:pk>/", onlinepayment_detail, name="onlinepayment-detail"),
    path("payments/online/<int:pk>/check/", onlinepayment_check, name="onlinepayment-check"),
]
