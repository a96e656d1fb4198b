"""Staff console: record a payment (dialog with a live allocation preview), the printable receipt,
reversal, staff credits/adjustments, the payments list with its collection summary, and the due list
with the collectors' call log."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

import usecases.payment_record
import usecases.payment_reverse
from billing.documents import receipt_pdf
from billing.selectors import amount_open
from billing.services import account_credit
from customers.selectors import (
    areas_visible_to,
    assigned_collectors_visible_to,
    branches_visible_to,
    customer_get_for_staff,
    reseller_filter_choices,
)
from ispbill.core.audit import audit_record
from ispbill.core.forms import add_service_errors
from ispbill.core.money import to_money
from payments import selectors, services
from web.surfaces import staff_permission_required

from .forms import CallLogForm, CashHandoverForm, CreditForm, DueFilterForm, PaymentFilterForm, PaymentForm, ReverseForm

# The customer's Billing tab and the due list reload on this event.
BILLING_CHANGED = "billingChanged"


def _in_dialog(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _changed(response, *events: str):
    response["HX-Trigger"] = json.dumps({event: None for event in (BILLING_CHANGED, "customerChanged", *events)})
    return response


# Record a payment ---------------------------------------------------------------------------------


@staff_permission_required("payments.add_payment")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def payment_create(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    due = to_money(amount_open(customer_id=customer.pk))
    form = PaymentForm(request.POST or None, initial={"amount": due if due > 0 else None},
                       may_backdate=request.user.has_perm("payments.backdate_payment"))
    if request.method == "POST" and form.is_valid():
        try:
            payment = usecases.payment_record.payment_record(actor=request.user, customer=customer, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.backdated_days:  # beyond the everyday limit: allowed by the permission, and recorded
                audit_record(actor=request.user, action="payment.backdated", obj=payment,
                             after={"received_on": form.cleaned_data["received_on"].isoformat(), "days_back": form.backdated_days})
            if _in_dialog(request):
                context = {"customer": customer, "payment": payment, "allocations": selectors.payment_allocations(payment)}
                return _changed(render(request, "payments/payment_form.html#dialog-done", context))
            messages.success(request, _t("Payment recorded: receipt %(receipt)s.") % {"receipt": payment.receipt_number})
            return redirect("staff:payment-detail", pk=payment.pk)
    amount = form.data.get("amount") if form.is_bound else form.initial.get("amount")
    context = {
        "form": form, "customer": customer, "amount_due": due,
        "preview": selectors.allocation_preview(customer=customer, amount=amount) if amount else None,
        "confirm_above": services.confirm_limit(),
    }
    template = "payments/payment_form.html"
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, context)


@staff_permission_required("payments.add_payment")
@require_GET
def payment_preview(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    preview = selectors.allocation_preview(customer=customer, amount=request.GET.get("amount", ""))
    return render(request, "payments/payment_form.html#preview", {"customer": customer, "preview": preview})


# Receipt and reversal ----------------------------------------------------------------------------


@staff_permission_required("payments.view_payment")
def payment_detail(request, pk: int):
    payment = selectors.payment_get_for_staff(user=request.user, pk=pk)
    context = {"payment": payment, "allocations": selectors.payment_allocations(payment)}
    return render(request, "payments/payment_detail.html", context)


@staff_permission_required("payments.view_payment")
@require_GET
def payment_receipt_pdf(request, pk: int):
    payment = selectors.payment_get_for_staff(user=request.user, pk=pk)
    return receipt_pdf(payment).response()


@staff_permission_required("payments.reverse_payment")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def payment_reverse_view(request, pk: int):
    payment = selectors.payment_get_for_staff(user=request.user, pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            usecases.payment_reverse.payment_reverse(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if _in_dialog(request):
                response = render(request, "payments/payment_reverse.html#dialog-empty", {})
                return _changed(response, "closeModal")
            messages.success(request, _t("Payment %(receipt)s reversed.") % {"receipt": payment.receipt_number})
            return redirect("staff:payment-detail", pk=payment.pk)
    template = "payments/payment_reverse.html"
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, {"form": form, "payment": payment})


# Staff credit / adjustment -----------------------------------------------------------------------


@staff_permission_required("billing.add_ledgerentry")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def customer_credit(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_credit(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if _in_dialog(request):
                return _changed(render(request, "payments/credit_form.html#dialog-empty", {}), "closeModal")
            messages.success(request, _t("Credit recorded."))
            return redirect(f"{customer_detail_url(customer)}?tab=billing")
    template = "payments/credit_form.html"
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, {"form": form, "customer": customer})


def customer_detail_url(customer) -> str:
    return reverse("staff:customer-detail", args=[customer.pk])


# Payments list -----------------------------------------------------------------------------------


@staff_permission_required("payments.view_payment")
@vary_on_headers("HX-Request")
def payment_list(request):
    form = PaymentFilterForm(
        request.GET or None, cashiers=selectors.cashiers_visible_to(request.user), branches=branches_visible_to(request.user),
        resellers=reseller_filter_choices(user=request.user),
    )
    payments = selectors.payments_filtered(user=request.user, **form.filters())
    page = Paginator(payments, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    context = {"form": form, "page": page, "summary": selectors.collection_summary(payments), "query": query}
    template = "payments/payment_list.html"
    return render(request, f"{template}#payment-results" if _in_dialog(request) else template, context)


# Due list and call log ---------------------------------------------------------------------------


@staff_permission_required("billing.view_invoice")
@vary_on_headers("HX-Request")
def due_list(request):
    form = DueFilterForm(
        request.GET or None, areas=areas_visible_to(request.user), branches=branches_visible_to(request.user),
        collectors=selectors.collectors_visible_to(request.user),
        assigned_collectors=assigned_collectors_visible_to(request.user), user=request.user,
    )
    customers = selectors.due_customers(user=request.user, **form.filters())
    page = Paginator(customers, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_latest_calls(page.object_list)
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page" and value])
    context = {"form": form, "page": page, "query": query}
    template = "payments/due_list.html"
    return render(request, f"{template}#due-results" if _in_dialog(request) else template, context)


@staff_permission_required("customers.add_calllog")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def calllog_create(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = CallLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_log_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if _in_dialog(request):
                return _changed(render(request, "payments/calllog_form.html#dialog-empty", {}), "closeModal")
            messages.success(request, _t("Call logged."))
            return redirect("staff:due-list")
    context = {"form": form, "customer": customer, "calls": selectors.calls_for_customer(customer)}
    template = "payments/calllog_form.html"
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, context)


# Cash brought in from the field -----------------------------------------------------------------


@staff_permission_required("payments.view_cashhandover")
@require_http_methods(["GET", "POST"])
def cash_handover_list(request):
    """What each collector holds in cash, the hand-overs received at the user's branches, and (for
    those who may) the form to record one."""
    collectors = selectors.cash_collectors_visible_to(request.user)
    holding = [row["collector"].pk for row in collectors if row["in_hand"] > 0]
    can_record = request.user.has_perm("payments.add_cashhandover")
    form = None
    if can_record:
        form = CashHandoverForm(
            request.POST or None, collectors=get_user_model().objects.filter(pk__in=holding).order_by("username"),
            branches=branches_visible_to(request.user), initial={"collector": request.GET.get("collector")},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                handover = services.cash_handover_record(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _t("Received ৳%(amount)s from %(name)s.") % {
                    "amount": f"{handover.amount:,.2f}", "name": handover.collector.get_full_name() or handover.collector.username})
                return redirect("staff:cashhandover-list")
    page = Paginator(selectors.cash_handovers_visible_to(request.user), settings.STAFF_LIST_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "payments/cash_handover_list.html", {"collectors": collectors, "form": form, "page": page})


urlpatterns = [
    path("payments/", payment_list, name="payment-list"),
    path("payments/cash-handovers/", cash_handover_list, name="cashhandover-list"),
    path("payments/<int:pk>/", payment_detail, name="payment-detail"),
    path("payments/<int:pk>/pdf/", payment_receipt_pdf, name="payment-receipt-pdf"),
    path("payments/<int:pk>/reverse/", payment_reverse_view, name="payment-reverse"),
    path("customers/<int:customer_pk>/payments/new/", payment_create, name="payment-create"),
    path("customers/<int:customer_pk>/payments/preview/", payment_preview, name="payment-preview"),
    path("customers/<int:customer_pk>/credit/", customer_credit, name="customer-credit"),
    path("customers/<int:customer_pk>/calls/new/", calllog_create, name="calllog-create"),
    path("billing/due/", due_list, name="due-list"),
]
