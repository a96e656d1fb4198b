"""Staff console: online payments (status, method, amount, risk) with their raw gateway exchanges and a
re-query, the review queue for risky payments, refunds, the daily settlement by method, and
Settings → Payment gateways."""

import uuid
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ispbill.core.forms import add_service_errors
from payments import bkash_flow, nagad_flow, online, online_refunds, online_selectors
from payments.gateways import gateway_of
from payments.models import GatewayPayment, GatewayRefund, GatewaySettings, NagadSettings
from payments.online_forms import (
    BkashSettingsForm,
    GatewaySettingsForm,
    NagadSettingsForm,
    OnlinePaymentFilterForm,
    RefundForm,
    SettlementForm,
)
from usecases import online_payment
from web.surfaces import staff_permission_required


def _online_list(request, *, review: bool):
    form = OnlinePaymentFilterForm(request.GET or None)
    filters = form.filters()
    if review:
        filters["status"] = GatewayPayment.Status.HELD
    payments = online_selectors.online_payments_filtered(user=request.user, **filters)
    page = Paginator(payments, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    context = {"form": form, "page": page, "query": query, "review": review}
    template = "payments/online/onlinepayment_list.html"
    return render(request, f"{template}#online-results" if request.htmx and not request.htmx.boosted else template, context)


@staff_permission_required("payments.view_gatewaypayment")
@vary_on_headers("HX-Request")
def onlinepayment_list(request):
    return _online_list(request, review=False)


@staff_permission_required("payments.view_gatewaypayment")
@vary_on_headers("HX-Request")
def onlinepayment_review(request):
    """The review queue: payments the gateway flagged as risky, held until staff approve or refund them."""
    return _online_list(request, review=True)


@staff_permission_required("payments.view_gatewaypayment")
def onlinepayment_settlement(request):
    form = SettlementForm(request.GET or None)
    day = form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None
    summary = online_selectors.settlement_summary(user=request.user, day=day or timezone.localdate())
    return render(request, "payments/online/settlement.html", {"form": form, "summary": summary})


@staff_permission_required("payments.view_gatewaypayment")
def onlinepayment_detail(request, pk: int):
    gp = online_selectors.online_payment_get_for_staff(user=request.user, pk=pk)
    gateway = gateway_of(gp)
    context = {"gp": gp, "refund_form": RefundForm(initial={"amount": online_refunds.refundable(gp)}), "refundable": online_refunds.refundable(gp),
               "refund_unsupported": "" if gateway.supports_refund else gateway.refund_unsupported}
    return render(request, "payments/online/onlinepayment_detail.html", context)


@staff_permission_required("payments.change_gatewaypayment")
@require_POST
def onlinepayment_requery(request, pk: int):
    gp = online_selectors.online_payment_get_for_staff(user=request.user, pk=pk)
    outcome = online_payment.online_payment_requery(gp=gp, actor=request.user)
    messages.info(request, _t("Asked the gateway: %(result)s.") % {"result": outcome.message})
    return redirect("staff:onlinepayment-detail", pk=gp.pk)


@staff_permission_required("payments.review_gatewaypayment")
@require_POST
def onlinepayment_approve(request, pk: int):
    gp = online_selectors.online_payment_get_for_staff(user=request.user, pk=pk)
    try:
        gp = online_payment.online_payment_approve(actor=request.user, gp=gp)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("Approved: receipt %(receipt)s.") % {"receipt": gp.payment.receipt_number if gp.payment else "—"})
    return redirect("staff:onlinepayment-detail", pk=gp.pk)


@staff_permission_required("payments.refund_gatewaypayment")
@require_http_methods(["GET", "POST"])
def onlinepayment_refund(request, pk: int):
    gp = online_selectors.online_payment_get_for_staff(user=request.user, pk=pk)
    form = RefundForm(request.POST or None, initial={"amount": online_refunds.refundable(gp), "request_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        try:
            refund = online_payment.online_refund_start(actor=request.user, gp=gp, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if refund.status == GatewayRefund.Status.PROCESSING and not refund.refund_ref_id:
                messages.warning(request, _t("Refund %(ref)s: the gateway did not answer in time. It is asked what became of the refund; nothing is sent twice.") % {"ref": refund.refe_id})
            else:
                messages.success(request, _t("Refund %(ref)s started; its status is checked until it is final.") % {"ref": refund.refe_id})
            return redirect("staff:onlinepayment-detail", pk=gp.pk)
    status = 400 if request.method == "POST" else 200  # refused input: a 4xx, nothing changed
    return render(request, "payments/online/refund_form.html", {"gp": gp, "form": form, "refundable": online_refunds.refundable(gp)},
                  status=status)


@staff_permission_required("payments.refund_gatewaypayment")
@require_POST
def onlinepayment_refund_poll(request, pk: int):
    gp = online_selectors.online_payment_get_for_staff(user=request.user, pk=pk)
    for refund in gp.refunds.filter(status=GatewayRefund.Status.PROCESSING).exclude(refund_ref_id=""):
        online_refunds.refund_poll(refund=refund)
    return redirect("staff:onlinepayment-detail", pk=gp.pk)


@staff_permission_required("payments.change_gatewaysettings")
@require_http_methods(["GET", "POST"])
def gateway_settings(request):
    row = GatewaySettings.objects.filter(pk=1).first()
    initial = {"enabled": row.enabled if row else True, "store_id": row.store_id if row else "", "base_url": row.base_url if row else "",
               "fee_percent": row.fee_percent if row else Decimal("0.00"), "fee_passed": row.fee_passed if row else False}
    posted = request.POST.get("gateway") if request.method == "POST" else None
    bkash_posted, nagad_posted = posted == "bkash", posted == "nagad"
    sslcommerz_posted = request.method == "POST" and not (bkash_posted or nagad_posted)
    form = GatewaySettingsForm(request.POST if sslcommerz_posted else None, initial=initial)
    if sslcommerz_posted and form.is_valid():
        online.gateway_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _t("Payment gateway settings saved."))
        return redirect("staff:gateway-settings")
    bkash_config = bkash_flow.bkash_config()
    bkash_form = BkashSettingsForm(request.POST if bkash_posted else None, prefix="bkash", initial={
        "enabled": bkash_config.enabled, "app_key": bkash_config.app_key, "username": bkash_config.username,
        "base_url": bkash_config.base_url, "fee_percent": bkash_config.fee_percent, "fee_passed": bkash_config.fee_passed,
        "branches": list(bkash_config.branch_ids),
    })
    if bkash_posted and bkash_form.is_valid():
        try:
            bkash_flow.bkash_settings_update(actor=request.user, **bkash_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(bkash_form, error)
        else:
            messages.success(request, _t("bKash settings saved."))
            return redirect("staff:gateway-settings")
    nagad_config = nagad_flow.nagad_config()
    nagad_row = NagadSettings.objects.filter(pk=1).first()
    nagad_form = NagadSettingsForm(request.POST if nagad_posted else None, prefix="nagad", initial={
        "enabled": nagad_config.enabled, "merchant_id": nagad_row.merchant_id if nagad_row else "",
        "merchant_number": nagad_row.merchant_number if nagad_row else "", "nagad_public_key": nagad_row.nagad_public_key if nagad_row else "",
        "base_url": nagad_row.base_url if nagad_row else "", "fee_percent": nagad_config.fee_percent,
        "fee_passed": nagad_config.fee_passed, "branches": list(nagad_config.branch_ids),
    })
    if nagad_posted and nagad_form.is_valid():
        try:
            nagad_flow.nagad_settings_update(actor=request.user, **nagad_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(nagad_form, error)
        else:
            messages.success(request, _t("Nagad settings saved."))
            return redirect("staff:gateway-settings")
    config = online.gateway_config()
    context = {"form": form, "config": config, "password_stored": bool(row and row.store_password), "row": row,
               "bkash_form": bkash_form, "bkash_config": bkash_config, "nagad_form": nagad_form, "nagad_config": nagad_config,
               "nagad_key_stored": bool(nagad_row and nagad_row.merchant_private_key)}
    return render(request, "payments/online/gateway_settings.html", context)


@staff_permission_required("payments.view_gatewaypayment")
def autopay_list(request):
    """Who is on auto-pay, their primary wallet and the last attempt's result; the last runs of the job."""
    context = {"rows": online_selectors.autopay_rows(user=request.user), "runs": online_selectors.autopay_runs(limit=10)}
    return render(request, "payments/online/autopay_list.html", context)


urlpatterns = [
    path("online-payments/autopay/", autopay_list, name="autopay-list"),
    path("online-payments/", onlinepayment_list, name="onlinepayment-list"),
    path("online-payments/review/", onlinepayment_review, name="onlinepayment-review"),
    path("online-payments/settlement/", onlinepayment_settlement, name="onlinepayment-settlement"),
    path("online-payments/<int:pk>/", onlinepayment_detail, name="onlinepayment-detail"),
    path("online-payments/<int:pk>/requery/", onlinepayment_requery, name="onlinepayment-requery"),
    path("online-payments/<int:pk>/approve/", onlinepayment_approve, name="onlinepayment-approve"),
    path("online-payments/<int:pk>/refund/", onlinepayment_refund, name="onlinepayment-refund"),
    path("online-payments/<int:pk>/refund/poll/", onlinepayment_refund_poll, name="onlinepayment-refundpoll"),
    path("settings/payment-gateways/", gateway_settings, name="gateway-settings"),
]
