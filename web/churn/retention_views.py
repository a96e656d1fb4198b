"""The retention workflow in the staff console: the at-risk work list, one customer's retention page
(call tasks with their drafts and SMS, offers through billing, field checks), the report of customers
kept and lost by action, and Settings → Gemini. Thin: parse, authorize, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from churn import gemini, offers, retention_services
from churn import retention_selectors as selectors
from churn.models import RiskBand
from ispbill.core.forms import add_service_errors
from web.surfaces import staff_permission_required

from .retention_forms import (
    CallDraftsForm,
    CallOutcomeForm,
    CallTaskForm,
    FieldCheckForm,
    GeminiSettingsForm,
    OfferForm,
    OfferWithdrawForm,
)

REPORT_DAYS = (30, 60, 90)


def _reason_texts(risk, language: str = "") -> list[str]:
    language = language or ("bn" if (translation.get_language() or "").startswith("bn") else "en")
    return [reason.get(language) or reason.get("en", "") for reason in (risk.reasons if risk else [])]


@staff_permission_required("churn.view_churnrisk")
@require_GET
@vary_on_headers("HX-Request")
def at_risk_list(request):
    band = request.GET.get("band", "")
    sort = request.GET.get("sort", "probability")
    q = request.GET.get("q", "").strip()
    risks = list(selectors.at_risk_list(user=request.user, band=band, sort=sort, q=q)[:200])
    for risk in risks:
        risk.reason_texts = _reason_texts(risk)
        risk.percent = round(risk.probability * 100)
    context = {
        "risks": risks, "band": band, "sort": sort, "q": q, "bands": RiskBand.choices,
        "sorts": [("probability", _t("Risk, highest first")), ("mrr", _t("Revenue at stake, highest first"))],
    }
    template = "churn/retention_list.html#retention-list" if request.htmx else "churn/retention_list.html"
    return render(request, template, context)


def _customer_page(request, customer, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    risk = selectors.risk_of(customer)
    tasks = list(selectors.call_tasks_for_customer(customer=customer))
    for task in tasks:
        task.outcome_form = forms.get(("outcome", task.pk)) or CallOutcomeForm(prefix=f"outcome-{task.pk}")
        task.drafts_form = forms.get(("drafts", task.pk)) or CallDraftsForm(
            prefix=f"drafts-{task.pk}", initial={"script": task.script, "sms_draft": task.sms_draft}
        )
    offer_list = list(selectors.offers_for_customer(customer=customer))
    for offer in offer_list:
        offer.credited = sum((credit.amount for credit in offer.credits.all()), 0)
        offer.percent_text = offers.percent_text(offer.percent) if offer.percent is not None else ""
        offer.withdraw_form = forms.get(("withdraw", offer.pk)) or OfferWithdrawForm(prefix=f"withdraw-{offer.pk}")
    subscriptions = selectors.offer_subscriptions(customer=customer)
    context = {
        "customer": customer, "risk": risk, "reason_texts": _reason_texts(risk),
        # For a call in Bangla: the same reasons as the customer would say them.
        "reason_texts_bn": _reason_texts(risk, "bn") if customer.language == "bn" and _reason_texts(risk) != _reason_texts(risk, "bn") else [],
        "percent": round(risk.probability * 100) if risk else None,
        "tasks": tasks, "offers": offer_list, "field_checks": selectors.field_checks_for_customer(customer=customer),
        "call_form": forms.get("call") or CallTaskForm(user=user),
        "offer_form": forms.get("offer") or OfferForm(subscriptions=subscriptions),
        "field_check_form": forms.get("field_check") or FieldCheckForm(),
        "can_offer": subscriptions.exists() and user.has_perm("churn.add_retentionoffer"),
        "can_field_check": user.has_perms(["churn.add_retentionfieldcheck", "fieldservice.add_workorder"]),
        "gemini_ready": gemini.is_configured(),
    }
    return render(request, "churn/retention_customer.html", context, status=status)


@staff_permission_required("churn.view_churnrisk")
@require_GET
def retention_customer(request, pk: int):
    customer = selectors.customer_get_for_retention(user=request.user, pk=pk)
    return _customer_page(request, customer)


def _back(customer, anchor: str = ""):
    url = reverse("staff:churn-retention-customer", args=[customer.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@staff_permission_required("churn.view_churnrisk", "churn.add_retentioncalltask")
@require_POST
def call_create(request, pk: int):
    customer = selectors.customer_get_for_retention(user=request.user, pk=pk)
    form = CallTaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            task = retention_services.call_task_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Call task created."))
            return _back(customer, f"call-{task.pk}")
    return _customer_page(request, customer, forms={"call": form}, status=400)


@staff_permission_required("churn.view_churnrisk", "churn.change_retentioncalltask")
@require_POST
def call_outcome(request, pk: int):
    task = selectors.call_task_get_for_staff(user=request.user, pk=pk)
    form = CallOutcomeForm(request.POST, prefix=f"outcome-{task.pk}")
    if form.is_valid():
        try:
            retention_services.call_task_complete(actor=request.user, task=task, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Call outcome recorded."))
            return _back(task.customer, f"call-{task.pk}")
    return _customer_page(request, task.customer, forms={("outcome", task.pk): form}, status=400)


@staff_permission_required("churn.view_churnrisk", "churn.change_retentioncalltask")
@require_POST
def call_drafts(request, pk: int):
    task = selectors.call_task_get_for_staff(user=request.user, pk=pk)
    form = CallDraftsForm(request.POST, prefix=f"drafts-{task.pk}")
    if form.is_valid():
        try:
            task = retention_services.call_task_drafts_save(actor=request.user, task=task, **form.cleaned_data)
            if "send" in request.POST:
                retention_services.call_task_sms_send(actor=request.user, task=task)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("SMS queued to the customer.") if "send" in request.POST else _t("Drafts saved."))
            return _back(task.customer, f"call-{task.pk}")
    return _customer_page(request, task.customer, forms={("drafts", task.pk): form}, status=400)


@staff_permission_required("churn.view_churnrisk", "churn.change_retentioncalltask")
@require_POST
def call_generate(request, pk: int):
    task = selectors.call_task_get_for_staff(user=request.user, pk=pk)
    try:
        retention_services.call_task_drafts_generate(actor=request.user, task=task)
    except gemini.GeminiUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _t("Gemini wrote a call script and an SMS draft: read and edit them before use."))
    return _back(task.customer, f"call-{task.pk}")


@staff_permission_required("churn.view_churnrisk", "churn.add_retentionoffer")
@require_POST
def offer_create(request, pk: int):
    customer = selectors.customer_get_for_retention(user=request.user, pk=pk)
    form = OfferForm(request.POST, subscriptions=selectors.offer_subscriptions(customer=customer))
    if form.is_valid():
        data = form.cleaned_data
        try:
            offers.retention_offer_make(
                actor=request.user, customer=customer, subscription=data["subscription"], kind=data["kind"],
                months=data["months"], percent=data["percent"], upgrade_package=data["upgrade_package"], note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Offer made; billing credits it on each invoice in its window."))
            return _back(customer, "offers")
    return _customer_page(request, customer, forms={"offer": form}, status=400)


@staff_permission_required("churn.view_churnrisk", "churn.change_retentionoffer")
@require_POST
def offer_withdraw(request, pk: int):
    offer = selectors.offer_get_for_staff(user=request.user, pk=pk)
    form = OfferWithdrawForm(request.POST, prefix=f"withdraw-{offer.pk}")
    if form.is_valid():
        try:
            offers.retention_offer_withdraw(actor=request.user, offer=offer, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Offer withdrawn."))
            return _back(offer.customer, "offers")
    return _customer_page(request, offer.customer, forms={("withdraw", offer.pk): form}, status=400)


@staff_permission_required("churn.view_churnrisk", "churn.add_retentionfieldcheck", "fieldservice.add_workorder")
@require_POST
def field_check_create(request, pk: int):
    customer = selectors.customer_get_for_retention(user=request.user, pk=pk)
    form = FieldCheckForm(request.POST)
    if form.is_valid():
        try:
            retention_services.field_check_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Work order created for a technical check."))
            return _back(customer, "field-checks")
    return _customer_page(request, customer, forms={"field_check": form}, status=400)


@staff_permission_required("churn.view_churnrisk")
@require_GET
def kept_and_lost_report(request):
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in REPORT_DAYS else 30
    rows = selectors.kept_and_lost(user=request.user, days=days)
    return render(request, "churn/retention_report.html", {"rows": rows, "days": days, "day_choices": REPORT_DAYS})


@staff_permission_required("churn.view_geminisettings", "churn.change_geminisettings")
@require_http_methods(["GET", "POST"])
def gemini_settings_edit(request):
    cfg = selectors.gemini_settings()
    form = GeminiSettingsForm(request.POST or None, initial={"model_name": cfg.model_name})
    if request.method == "POST" and form.is_valid():
        try:
            retention_services.gemini_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Gemini settings saved."))
            return redirect("staff:churn-gemini-settings")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "key_saved": bool(cfg.api_key), "env_key": bool(gemini.settings.GEMINI_API_KEY)}
    return render(request, "churn/gemini_settings.html", context, status=status)


staff_urlpatterns = [
    path("retention/", at_risk_list, name="churn-retention-list"),
    path("retention/report/", kept_and_lost_report, name="churn-retention-report"),
    path("retention/customers/<int:pk>/", retention_customer, name="churn-retention-customer"),
    path("retention/customers/<int:pk>/calls/", call_create, name="churn-retention-call-create"),
    path("retention/customers/<int:pk>/offers/", offer_create, name="churn-retention-offer-create"),
    path("retention/customers/<int:pk>/field-checks/", field_check_create, name="churn-retention-fieldcheck-create"),
    path("retention/calls/<int:pk>/outcome/", call_outcome, name="churn-retention-call-outcome"),
    path("retention/calls/<int:pk>/drafts/", call_drafts, name="churn-retention-call-drafts"),
    path("retention/calls/<int:pk>/generate/", call_generate, name="churn-retention-call-generate"),
    path("retention/offers/<int:pk>/withdraw/", offer_withdraw, name="churn-retention-offer-withdraw"),
    path("settings/gemini/", gemini_settings_edit, name="churn-gemini-settings"),
]
