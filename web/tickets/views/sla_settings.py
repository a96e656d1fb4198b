"""Settings → SLA policies: targets per priority (and category), business hours and holidays."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ispbill.core.forms import add_service_errors
from tickets import selectors, sla_policies
from tickets.models import Holiday, SlaPolicy
from web.surfaces import staff_permission_required

from ..forms import HolidayForm, SlaPolicyForm, SupportSettingsForm


def _page(request, *, status: int = 200, **forms):
    support = selectors.current_support_settings()
    context = {
        "policies": selectors.sla_policies(),
        "holidays": selectors.holidays_upcoming(),
        "support": support,
        "policy_form": forms.get("policy_form") or SlaPolicyForm(),
        "hours_form": forms.get("hours_form") or SupportSettingsForm(initial={
            "workday_start": support.workday_start, "workday_end": support.workday_end,
            "working_days": support.working_days, "reopen_days": support.reopen_days,
            "warn_before_minutes": support.warn_before_minutes,
        }),
        "holiday_form": forms.get("holiday_form") or HolidayForm(),
        "may_change": request.user.has_perm("tickets.change_slapolicy"),
        "time_zone": settings.TIME_ZONE,
    }
    return render(request, "tickets/slapolicy_list.html", context, status=status)


@staff_permission_required("tickets.view_slapolicy")
def slapolicy_list(request):
    return _page(request)


@require_POST
@staff_permission_required("tickets.add_slapolicy")
def slapolicy_create(request):
    form = SlaPolicyForm(request.POST)
    if form.is_valid():
        try:
            sla_policies.sla_policy_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("SLA policy saved."))
            return redirect("staff:slapolicy-list")
    return _page(request, status=400, policy_form=form)


@staff_permission_required("tickets.change_slapolicy")
def slapolicy_edit(request, pk: int):
    policy = get_object_or_404(SlaPolicy, pk=pk)
    form = SlaPolicyForm(request.POST or None, initial={
        "priority": policy.priority, "category": policy.category,
        "response_minutes": policy.response_minutes, "resolution_minutes": policy.resolution_minutes,
    })
    if request.method == "POST" and form.is_valid():
        try:
            sla_policies.sla_policy_save(actor=request.user, policy=policy, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("SLA policy saved."))
            return redirect("staff:slapolicy-list")
    return render(request, "tickets/slapolicy_form.html", {"form": form, "policy": policy}, status=400 if form.errors else 200)


@require_POST
@staff_permission_required("tickets.delete_slapolicy")
def slapolicy_delete(request, pk: int):
    policy = get_object_or_404(SlaPolicy, pk=pk)
    try:
        sla_policies.sla_policy_delete(actor=request.user, policy=policy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("SLA policy deleted."))
    return redirect("staff:slapolicy-list")


@require_POST
@staff_permission_required("tickets.change_slapolicy")
def slapolicy_hours(request):
    form = SupportSettingsForm(request.POST)
    if form.is_valid():
        try:
            sla_policies.support_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Business hours saved. New deadlines use them."))
            return redirect("staff:slapolicy-list")
    return _page(request, status=400, hours_form=form)


@require_POST
@staff_permission_required("tickets.change_slapolicy")
def slapolicy_holiday_add(request):
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            sla_policies.holiday_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Holiday added."))
            return redirect("staff:slapolicy-list")
    return _page(request, status=400, holiday_form=form)


@require_POST
@staff_permission_required("tickets.change_slapolicy")
def slapolicy_holiday_delete(request, pk: int):
    sla_policies.holiday_delete(actor=request.user, holiday=get_object_or_404(Holiday, pk=pk))
    messages.success(request, _("Holiday removed."))
    return redirect("staff:slapolicy-list")


urlpatterns = [
    path("settings/sla/", slapolicy_list, name="slapolicy-list"),
    path("settings/sla/new/", slapolicy_create, name="slapolicy-create"),
    path("settings/sla/<int:pk>/edit/", slapolicy_edit, name="slapolicy-edit"),
    path("settings/sla/<int:pk>/delete/", slapolicy_delete, name="slapolicy-delete"),
    path("settings/sla/hours/", slapolicy_hours, name="slapolicy-hours"),
    path("settings/sla/holidays/", slapolicy_holiday_add, name="slapolicy-holiday-add"),
    path("settings/sla/holidays/<int:pk>/delete/", slapolicy_holiday_delete, name="slapolicy-holiday-delete"),
]
