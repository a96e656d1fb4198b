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
from network import outages
from network.models import Outage
from web.surfaces import staff_permission_required

from .forms import OutageDismissForm, OutageForm, OutageRestoreForm, OutageUpdateForm

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


CONFIRMED = "send"  # the confirm step's button: without it a valid form is shown for review first


def _scope(form: OutageForm, data) -> tuple[list[int], list[int]]:
    """The area and router ids ticked in `data`, among those the user may choose."""
    def ids(name):
        wanted = [value for value in data.getlist(name) if value.isdigit()]
        return list(form.fields[name].queryset.filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else []

    return ids("areas"), ids("routers")


def _reach_context(area_ids: list[int], router_ids: list[int]) -> dict:
    return {"reach": outages.outage_reach(area_ids=area_ids, router_ids=router_ids), "scoped": bool(area_ids or router_ids)}


def _declare_or_review(request, form: OutageForm, *, confirming: Outage | None, save, done: str):
    """One form for declaring and for confirming a suggestion: a valid form is first shown back for
    review with how many customers will be told in which language; "Send" on that page declares."""
    context = {"form": form, "confirming": confirming, **_reach_context(*_scope(form, request.POST))}
    if form.is_bound and "edit" not in request.POST and form.is_valid():
        if CONFIRMED in request.POST:
            try:
                outage = save(form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done % {"count": outage.affected_customers})
                return redirect("staff:outage-detail", outage.pk)
        else:
            try:  # the service's own checks before the review page, not after "Send"
                outages.outage_check(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "network/outage_review.html", {**context, "data": form.cleaned_data})
    if form.is_bound and "edit" in request.POST:
        form = OutageForm(initial=_entries(request.POST), user=request.user)
        context["form"] = form
    return render(request, "network/outage_form.html", context)


def _entries(post) -> dict:
    """The review page's entries as a fresh form's initial values (back to editing, no errors)."""
    return {name: post.getlist(name) if name in ("areas", "routers") else post.get(name) for name in post if name != "csrfmiddlewaretoken"}


@staff_permission_required("network.add_outage")
def outage_create(request):
    form = OutageForm(request.POST or None, user=request.user, initial={"started_at": timezone.localtime().replace(second=0, microsecond=0)})
    return _declare_or_review(
        request, form, confirming=None, save=lambda data: outages.outage_declare(actor=request.user, **data),
        done=_("Outage declared: %(count)d affected customers are being told."),
    )


@vary_on_headers("HX-Request")
@staff_permission_required("network.add_outage")
def outage_reach(request):
    """How many customers the ticked areas and routers reach, per language: the declare form asks
    as boxes are ticked (htmx); the review page shows the same before anything is sent."""
    form = OutageForm(user=request.user)
    return render(request, "network/outage_form.html#outage-reach", _reach_context(*_scope(form, request.GET)))


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
        "title": outage.title, "description": outage.description, "title_bn": outage.title_bn,
        "description_bn": outage.description_bn, "started_at": timezone.localtime(outage.started_at),
        "areas": list(outage.areas.all()), "routers": list(outage.routers.all()),
    }
    form = OutageForm(request.POST or None, user=request.user, initial=initial)
    if not form.is_bound:
        reach = _reach_context([area.pk for area in initial["areas"]], [router.pk for router in initial["routers"]])
        return render(request, "network/outage_form.html", {"form": form, "confirming": outage, **reach})
    return _declare_or_review(
        request, form, confirming=outage, save=lambda data: outages.outage_confirm(actor=request.user, outage=outage, **data),
        done=_("Outage confirmed: %(count)d affected customers are being told."),
    )


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
        lambda outage, data: outages.outage_restore(actor=request.user, outage=outage, restored_at=data["restored_at"], note=data["note"], note_bn=data["note_bn"]),
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
    path("network/outages/reach/", outage_reach, name="outage-reach"),
    path("network/outages/<int:pk>/", outage_detail, name="outage-detail"),
    path("network/outages/<int:pk>/confirm/", outage_confirm, name="outage-confirm"),
    path("network/outages/<int:pk>/updates/", outage_update, name="outage-update"),
    path("network/outages/<int:pk>/restore/", outage_restore, name="outage-restore"),
    path("network/outages/<int:pk>/dismiss/", outage_dismiss, name="outage-dismiss"),
    path("network/uptime/", network_uptime, name="network-uptime"),
]

