"""Staff console: outages (history, declare, confirm or dismiss a suggestion, updates, restoration,
broadcast progress) and network uptime per area and router."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from ispbill.core.forms import add_service_errors
from ispbill.surfaces import staff_permission_required

from . import outages
from .forms import OutageDismissForm, OutageForm, OutageRestoreForm, OutageUpdateForm
from .models import Outage

DETAIL_TEMPLATE = "network/outage_detail.html"


@staff_permission_required("network.view_outage")
def outage_list(request):
    status = request.GET.get("status", "")
    if status not in Outage.Status.values:
        status = ""
    return render(request, "network/outage_list.html", {
        "outages": outages.outages_visible_to(request.user, status=status)[:200],
        "suggested": outages.outages_visible_to(request.user, status=Outage.Status.SUGGESTED)[:20] if not status else [],
        "status": status, "statuses": Outage.Status.choices,
    })


@staff_permission_required("network.add_outage")
def outage_create(request):
    form = OutageForm(request.POST or None, user=request.user, initial={"started_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            outage = outages.outage_declare(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outage declared: %(count)d affected customers are being told.") % {"count": outage.affected_customers})
            return redirect("staff:outage-detail", outage.pk)
    return render(request, "network/outage_form.html", {"form": form, "confirming": None})


def _detail_context(outage: Outage, user, **forms) -> dict:
    progress = outages.outage_progress(outage)
    return {
        "outage": outage,
        "can_change": outages.outage_changeable_by(outage, user),
        "progress": progress,
        "in_progress": any(item.in_progress for item in progress),
        "updates": outage.updates.select_related("created_by"),
        "areas": outage.areas.select_related("branch").order_by("name"),
        "routers": outage.routers.order_by("name"),
        "update_form": forms.get("update_form") or OutageUpdateForm(),
        "restore_form": forms.get("restore_form") or OutageRestoreForm(),
        "dismiss_form": forms.get("dismiss_form") or OutageDismissForm(),
    }


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_outage")
def outage_detail(request, pk: int):
    outage = outages.outage_get_for_staff(user=request.user, pk=pk)
    context = _detail_context(outage, request.user)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{DETAIL_TEMPLATE}#broadcast-progress", context)
    return render(request, DETAIL_TEMPLATE, context)


@staff_permission_required("network.change_outage")
def outage_confirm(request, pk: int):
    outage = outages.outage_get_for_staff(user=request.user, pk=pk, to_change=True)
    if outage.status != Outage.Status.SUGGESTED:
        messages.error(request, _("Only a suggested outage can be confirmed."))
        return redirect("staff:outage-detail", outage.pk)
    initial = {
        "title": outage.title, "description": outage.description, "started_at": timezone.localtime(outage.started_at),
        "areas": list(outage.areas.all()), "routers": list(outage.routers.all()),
    }
    form = OutageForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outage = outages.outage_confirm(actor=request.user, outage=outage, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Outage confirmed: %(count)d affected customers are being told.") % {"count": outage.affected_customers})
            return redirect("staff:outage-detail", outage.pk)
    return render(request, "network/outage_form.html", {"form": form, "confirming": outage})


def _post(request, pk: int, form_class, form_key: str, action, success: str):
    outage = outages.outage_get_for_staff(user=request.user, pk=pk, to_change=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(outage, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("staff:outage-detail", outage.pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(outage, request.user, **{form_key: form}), status=422)


@require_POST
@staff_permission_required("network.change_outage")
def outage_update(request, pk: int):
    return _post(
        request, pk, OutageUpdateForm, "update_form",
        lambda outage, data: outages.outage_post_update(actor=request.user, outage=outage, **data),
        _("Update sent to the affected customers."),
    )


@require_POST
@staff_permission_required("network.change_outage")
def outage_restore(request, pk: int):
    return _post(
        request, pk, OutageRestoreForm, "restore_form",
        lambda outage, data: outages.outage_restore(actor=request.user, outage=outage, restored_at=data["restored_at"], note=data["note"]),
        _("Outage restored; the affected customers are being told."),
    )


@require_POST
@staff_permission_required("network.change_outage")
def outage_dismiss(request, pk: int):
    return _post(
        request, pk, OutageDismissForm, "dismiss_form",
        lambda outage, data: outages.outage_dismiss(actor=request.user, outage=outage, reason=data["reason"]),
        _("Suggestion dismissed; nobody was told."),
    )


@staff_permission_required("network.view_outage")
def network_uptime(request):
    months = outages.uptime_months()
    month = months[0]
    chosen = request.GET.get("month", "")
    for option in months:
        if f"{option:%Y-%m}" == chosen:
            month = option
    return render(request, "network/uptime.html", {
        "report": outages.network_uptime(user=request.user, month=month), "months": months, "month": month,
    })


urlpatterns = [
    path("network/outages/", outage_list, name="outage-list"),
    path("network/outages/new/", outage_create, name="outage-create"),
    path("network/outages/<int:pk>/", outage_detail, name="outage-detail"),
    path("network/outages/<int:pk>/confirm/", outage_confirm, name="outage-confirm"),
    path("network/outages/<int:pk>/updates/", outage_update, name="outage-update"),
    path("network/outages/<int:pk>/restore/", outage_restore, name="outage-restore"),
    path("network/outages/<int:pk>/dismiss/", outage_dismiss, name="outage-dismiss"),
    path("network/uptime/", network_uptime, name="network-uptime"),
]

