"""Staff console screens for resellers: list, create/edit/deactivate, wallet top-ups and adjustments,
prices and commission rules, logins, statements, payout approval and the per-reseller report."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers.selectors import areas_visible_to, branches_visible_to
from resellers import commissions, selectors, services
from resellers.models import Reseller
from web.surfaces import staff_permission_required

from .forms import (
    AdjustForm,
    CommissionRuleForm,
    LoginForm,
    PayoutDecisionForm,
    ResellerForm,
    ResellerPackageForm,
    StatementCloseForm,
    TopupForm,
)
from .views import _errors_to_form

VIEW = "resellers.view_reseller"
CHANGE = "resellers.change_reseller"


@require_GET
@staff_permission_required(VIEW)
def reseller_list(request):
    resellers = selectors.resellers_visible_to(request.user).order_by("name")
    return render(request, "resellers/staff/reseller_list.html", {
        "resellers": resellers, "pending_payouts": selectors.payouts_pending(user=request.user).count(),
    })


def _reseller_form(request, *, editing=False, initial=None):
    form = ResellerForm(request.POST or None, request.FILES or None, editing=editing, initial=initial)
    if "branch" in form.fields:
        form.fields["branch"].queryset = branches_visible_to(request.user)
    form.fields["areas"].queryset = areas_visible_to(request.user).select_related("branch").order_by("branch__name", "name")
    return form


@require_http_methods(["GET", "POST"])
@staff_permission_required("resellers.add_reseller")
def reseller_create(request):
    form = _reseller_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reseller = services.reseller_create(
                actor=request.user, name=data["name"], phone=data["phone"], branch=data["branch"], username=data["username"],
                password=data["password"], model=data["model"], contact_person=data["contact_person"], email=data["email"],
                address=data["address"], areas=list(data["areas"]), credit_limit=data["credit_limit"],
                kind=data["kind"] or Reseller.Kind.SUBSCRIBERS, card_commission_percent=data["card_commission_percent"] or 0,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Reseller %(name)s created.") % {"name": reseller.name})
            return redirect("staff:reseller-detail", pk=reseller.pk)
    return render(request, "resellers/staff/reseller_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_permission_required(CHANGE)
def reseller_edit(request, pk: int):
    reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
    wallet = selectors.wallet_for(reseller=reseller)
    form = _reseller_form(request, editing=True, initial={
        "name": reseller.name, "phone": reseller.phone, "contact_person": reseller.contact_person, "email": reseller.email,
        "address": reseller.address, "areas": list(reseller.areas.all()), "model": reseller.model, "kind": reseller.kind,
        "card_commission_percent": reseller.card_commission_percent,
        "credit_limit": wallet.credit_limit, "low_balance_alert": reseller.low_balance_alert,
        "brand_on_documents": reseller.brand_on_documents, "sms_sender_id": reseller.sms_sender_id,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branding = {"brand_on_documents": data["brand_on_documents"], "sms_sender_id": data["sms_sender_id"].strip()}
        if data["logo"]:
            branding["logo"] = data["logo"]
        elif data["logo_clear"]:
            branding["logo"] = ""
        try:
            services.reseller_update(
                actor=request.user, reseller=reseller, areas=list(data["areas"]), credit_limit=data["credit_limit"],
                name=data["name"], phone=data["phone"], contact_person=data["contact_person"], email=data["email"],
                address=data["address"], model=data["model"], low_balance_alert=data["low_balance_alert"], kind=data["kind"] or reseller.kind,
                card_commission_percent=data["card_commission_percent"] or 0, **branding,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Reseller saved."))
            return redirect("staff:reseller-detail", pk=reseller.pk)
    return render(request, "resellers/staff/reseller_form.html", {"form": form, "reseller": reseller},
                  status=400 if request.method == "POST" else 200)


@require_POST
@staff_permission_required(CHANGE)
def reseller_active(request, pk: int):
    reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    services.reseller_set_active(actor=request.user, reseller=reseller, active=active)
    messages.success(request, _("Reseller activated.") if active else _("Reseller deactivated: their logins are blocked."))
    return redirect("staff:reseller-detail", pk=reseller.pk)


@require_GET
@staff_permission_required(VIEW)
def reseller_detail(request, pk: int):
    reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
    return _detail(request, reseller)


def _detail(request, reseller, **forms):
    context = {
        "reseller": reseller,
        "wallet": selectors.wallet_for(reseller=reseller),
        "entries": selectors.reseller_wallet_entries(reseller=reseller)[:50],
        "unfinished": selectors.renewals_unfinished(reseller=reseller)[:50],
        "packages": selectors.reseller_packages(reseller=reseller),
        "rules": reseller.commission_rules.select_related("package"),
        "logins": reseller.logins.select_related("user"),
        "months": selectors.commission_months(reseller=reseller),
        "payouts": selectors.reseller_payouts(reseller=reseller)[:20],
        "customer_count": selectors.reseller_customers(reseller=reseller).count(),
        "subresellers": selectors.subresellers_of(parent=reseller),
        "topup_form": forms.get("topup_form") or TopupForm(),
        "adjust_form": forms.get("adjust_form") or AdjustForm(),
        "package_form": forms.get("package_form") or ResellerPackageForm(),
        "rule_form": forms.get("rule_form") or CommissionRuleForm(),
        "login_form": forms.get("login_form") or LoginForm(),
        "statement_form": forms.get("statement_form") or StatementCloseForm(),
    }
    return render(request, "resellers/staff/reseller_detail.html", context, status=400 if forms else 200)


def _post(request, pk, form_class, name, perm_ok, action, done):
    reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(reseller, form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, done)
            return redirect("staff:reseller-detail", pk=reseller.pk)
    return _detail(request, reseller, **{name: form})


@require_POST
@staff_permission_required("resellers.topup_reseller")
def reseller_topup(request, pk: int):
    return _post(request, pk, TopupForm, "topup_form", True, lambda r, d: services.wallet_topup(
        actor=request.user, reseller=r, amount=d["amount"], method=d["method"], reference=d["reference"], memo=d["memo"],
    ), _("Wallet topped up."))


@require_POST
@staff_permission_required("resellers.topup_reseller")
def reseller_adjust(request, pk: int):
    return _post(request, pk, AdjustForm, "adjust_form", True, lambda r, d: services.wallet_adjust(
        actor=request.user, reseller=r, amount=d["amount"], memo=d["memo"],
    ), _("Wallet adjusted."))


@require_POST
@staff_permission_required(CHANGE)
def reseller_package(request, pk: int):
    if request.POST.get("remove"):
        reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
        services.reseller_package_remove(actor=request.user, reseller=reseller, package_id=int(request.POST["remove"]))
        messages.success(request, _("Package removed."))
        return redirect("staff:reseller-detail", pk=reseller.pk)
    return _post(request, pk, ResellerPackageForm, "package_form", True, lambda r, d: services.reseller_package_set(
        actor=request.user, reseller=r, package=d["package"], price=d["price"],
    ), _("Package saved."))


@require_POST
@staff_permission_required(CHANGE)
def reseller_rule(request, pk: int):
    if request.POST.get("remove"):
        reseller = selectors.reseller_get_for_staff(user=request.user, pk=pk)
        services.commission_rule_remove(actor=request.user, reseller=reseller, rule_id=int(request.POST["remove"]))
        messages.success(request, _("Rule removed."))
        return redirect("staff:reseller-detail", pk=reseller.pk)
    return _post(request, pk, CommissionRuleForm, "rule_form", True, lambda r, d: services.commission_rule_add(
        actor=request.user, reseller=r, percent=d["percent"], package=d["package"], months=d["months"],
        min_active_customers=d["min_active_customers"] or 0,
    ), _("Commission rule added."))


@require_POST
@staff_permission_required(CHANGE)
def reseller_login(request, pk: int):
    return _post(request, pk, LoginForm, "login_form", True, lambda r, d: services.reseller_login_add(
        actor=request.user, reseller=r, username=d["username"], password=d["password"], role=d["role"],
    ), _("Login added."))


@require_POST
@staff_permission_required(CHANGE)
def reseller_statement_close(request, pk: int):
    return _post(request, pk, StatementCloseForm, "statement_form", True, lambda r, d: commissions.statement_close(
        actor=request.user, reseller=r, period=d["period"],
    ), _("Month closed."))


@require_GET
@staff_permission_required(VIEW)
def payout_queue(request):
    return render(request, "resellers/staff/payout_queue.html", {
        "payouts": selectors.payouts_pending(user=request.user), "form": PayoutDecisionForm(),
    })


@require_POST
@staff_permission_required("resellers.approve_payout")
def payout_decide(request, pk: int):
    payout = get_object_or_404(selectors.payouts_pending(user=request.user), pk=pk)
    form = PayoutDecisionForm(request.POST)
    form.is_valid()
    try:
        commissions.payout_decide(actor=request.user, payout=payout, approve=form.cleaned_data.get("approve", False),
                               note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Payout decided."))
    return redirect("staff:reseller-payouts")


@require_GET
@staff_permission_required(VIEW)
def reseller_report(request):
    today = timezone.localdate()
    month = today.replace(day=1)
    raw = request.GET.get("month", "")
    if raw:
        try:
            year, mon = (int(part) for part in raw.split("-")[:2])
            month = month.replace(year=year, month=mon)
        except ValueError:
            pass
    return render(request, "resellers/staff/reseller_report.html", {
        "rows": selectors.reseller_report(user=request.user, month=month), "month": month,
    })
