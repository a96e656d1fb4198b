"""Staff console: routers with their health, outbox, drift report, live sessions and lookups.

Router writes never happen here: buttons queue outbox entries or a reconcile task. The live reads
(sessions, a login lookup, Test connection) go through the adapter with short timeouts and show a
clear error when the router does not answer.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from ispbill.core.forms import add_service_errors
from network import reconcile, selectors, services
from network.models import Router
from radius.selectors import radius_health
from web.surfaces import staff_permission_required

from .forms import AaaModeForm, LoginLookupForm, OrphanForm, RouterForm

DETAIL_TEMPLATE = "network/router_detail.html"


def _region(request) -> bool:
    """An htmx swap wants a region; a history restore (back button) wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _detail_url(router) -> str:
    return reverse("staff:router-detail", args=[router.pk])


def _detail_context(router) -> dict:
    report = selectors.latest_drift_report(router)
    return {
        "router": router,
        "outbox": selectors.router_outbox(router),
        "report": report,
        "orphans": selectors.orphans_with_queued_actions(router, report),
        "lookup_form": LoginLookupForm(),
        "aaa_switch": selectors.aaa_switch_pending(router),
        # Last Access-Request and reject rate (radius_postauth), with "Test a login" (web/radius).
        "radius_health": radius_health(router_ids=[router.pk])[router.pk],
    }


def _render_region(request, router, region: str, **extra):
    """Re-render one region of the detail page for htmx, or go back to the page without JS."""
    if _region(request):
        return render(request, f"{DETAIL_TEMPLATE}#{region}", {**_detail_context(router), **extra})
    return redirect(_detail_url(router))


# List, create, edit ------------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_list(request):
    routers = list(selectors.router_list(user=request.user))
    health = radius_health(router_ids=[router.pk for router in routers if router.aaa_mode == Router.AaaMode.RADIUS])
    for router in routers:
        router.radius_health = health.get(router.pk)
    template = "network/router_list.html"
    return render(request, f"{template}#router-list" if _region(request) else template, {"routers": routers})


def _form_done(request, *, message: str, redirect_to: str):
    messages.success(request, message)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"closeModal": None, "routersChanged": None})})
    return redirect(redirect_to)


def _render_form(request, context: dict):
    template = "network/router_form.html"
    in_dialog = bool(request.htmx)
    return render(request, f"{template}#dialog" if in_dialog else template, {**context, "in_dialog": in_dialog})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("network.view_router", "network.add_router")
def router_create(request):
    form = RouterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            router = services.router_create(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _form_done(request, message=_("Router %(name)s added.") % {"name": router.name}, redirect_to=_detail_url(router))
    return _render_form(request, {"form": form, "title": _("New router")})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("network.view_router", "network.change_router")
def router_edit(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    title = _("Edit router %(name)s") % {"name": router.name}
    form = RouterForm(request.POST or None, user=request.user, router=router)
    if request.method == "POST" and form.is_valid():
        try:
            services.router_update(actor=request.user, router=router, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _form_done(request, message=_("Router %(name)s saved.") % {"name": router.name}, redirect_to=_detail_url(router))
    return _render_form(request, {"form": form, "router": router, "title": title})


# Detail and its regions --------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_detail(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    return render(request, DETAIL_TEMPLATE, _detail_context(router))


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_sessions(request, pk: int):
    """Live sessions, read from the router now (the detail page loads this region after it shows)."""
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    live = selectors.router_live_sessions(router)
    template = "network/router_sessions.html"
    return render(request, f"{template}#sessions" if _region(request) else template, {"router": router, "live": live})


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_lookup(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    form = LoginLookupForm(request.GET or None)
    lookup = selectors.router_lookup_login(router, form.cleaned_data["login"]) if form.is_valid() else None
    template = "network/router_lookup.html"
    return render(
        request, f"{template}#lookup" if _region(request) else template, {"router": router, "lookup": lookup, "lookup_form": form}
    )


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_outbox(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if not _region(request):
        return redirect(f"{_detail_url(router)}#router-outbox")
    return render(request, f"{DETAIL_TEMPLATE}#router-outbox", _detail_context(router))


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_drift(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if not _region(request):
        return redirect(f"{_detail_url(router)}#router-drift")
    return render(request, f"{DETAIL_TEMPLATE}#router-drift", _detail_context(router))


# Actions (POST; a GET goes back to the page) -----------------------------------------------------


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router")
def router_test(request, pk: int):
    """Test connection: a read (identity, version, uptime, CPU, sessions) stored as the router's health."""
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    result = services.router_check_health(router=router)
    if not _region(request):
        if result.error:
            messages.error(request, _("Connection failed: %(error)s") % {"error": result.error})
        else:
            messages.success(request, _("Connected to %(identity)s, RouterOS %(version)s.") % {"identity": result.health.identity, "version": result.health.version})
        return redirect(_detail_url(router))
    return render(request, f"{DETAIL_TEMPLATE}#router-health", {**_detail_context(router), "test_result": result})


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_sync(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    services.sync_request(actor=request.user, router=router)
    notice = _("Sync queued: the worker compares the router with the database and repairs drift. The report below updates when it is done.")
    if not _region(request):
        messages.success(request, notice)
    return _render_region(request, router, "router-drift", sync_notice=notice)


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_outbox_retry(request, pk: int, task_pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    task = selectors.outbox_task_get(router=router, pk=task_pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    try:
        services.outbox_retry(actor=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Retrying %(what)s now.") % {"what": task.target_label})
    return _render_region(request, router, "router-outbox")


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_outbox_retry_all(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    count = services.outbox_retry_all(actor=request.user, router=router)
    messages.success(request, _("Retrying %(count)s waiting changes now.") % {"count": count})
    return _render_region(request, router, "router-outbox")


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("network.view_router", "network.change_router")
def router_aaa_mode(request, pk: int):
    """Switch the router to the other AAA mode: GET asks for confirmation, POST queues the switch."""
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    target = Router.AaaMode.API if router.aaa_mode == Router.AaaMode.RADIUS else Router.AaaMode.RADIUS
    form = AaaModeForm(request.POST or None, initial={"mode": target})
    if request.method == "POST" and form.is_valid():
        try:
            services.router_switch_aaa_mode(actor=request.user, router=router, mode=form.cleaned_data["mode"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = _("%(name)s is switching to %(mode)s mode: the worker reconfigures it and moves its subscribers. Follow it in the provisioning queue.") % {
                "name": router.name, "mode": "RADIUS" if form.cleaned_data["mode"] == Router.AaaMode.RADIUS else "API",
            }
            return _form_done(request, message=message, redirect_to=_detail_url(router))
    template = "network/router_aaa_mode.html"
    in_dialog = bool(request.htmx)
    context = {
        "router": router, "form": form, "target": target, "target_short": "RADIUS" if target == Router.AaaMode.RADIUS else "API",
        "refused": services.radius_refused_reason() if target == Router.AaaMode.RADIUS else "", "in_dialog": in_dialog,
        "radius_server": selectors.radius_servers_shown(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, f"{template}#dialog" if in_dialog else template, context, status=status)


def _orphan_action(request, pk: int, service, done_message: str):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    form = OrphanForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or _("That entry could not be read from the form."))
    else:
        data = form.cleaned_data
        try:
            service(actor=request.user, router=router, table=data["table"], name=data["name"], address=data["address"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done_message % {"name": data["name"] or data["address"]})
    return _render_region(request, router, "router-drift")


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_orphan_adopt(request, pk: int):
    return _orphan_action(request, pk, reconcile.orphan_adopt, _("%(name)s will be taken over for its subscription."))


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_orphan_remove(request, pk: int):
    return _orphan_action(request, pk, reconcile.orphan_remove, _("%(name)s will be removed from the router."))


@vary_on_headers("HX-Request")
@staff_permission_required("network.view_router", "network.change_router")
def router_orphan_adopt_all(request, pk: int):
    router = selectors.router_get_for_staff(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(_detail_url(router))
    count = reconcile.orphan_adopt_all(actor=request.user, router=router)
    messages.success(request, _("%(count)s entries will be taken over for their subscriptions.") % {"count": count})
    return _render_region(request, router, "router-drift")


urlpatterns = [
    path("routers/", router_list, name="router-list"),
    path("routers/new/", router_create, name="router-create"),
    path("routers/<int:pk>/", router_detail, name="router-detail"),
    path("routers/<int:pk>/edit/", router_edit, name="router-edit"),
    path("routers/<int:pk>/sessions/", router_sessions, name="router-sessions"),
    path("routers/<int:pk>/lookup/", router_lookup, name="router-lookup"),
    path("routers/<int:pk>/outbox/", router_outbox, name="router-outbox"),
    path("routers/<int:pk>/outbox/retry/", router_outbox_retry_all, name="router-outbox-retry-all"),
    path("routers/<int:pk>/outbox/<int:task_pk>/retry/", router_outbox_retry, name="router-outbox-retry"),
    path("routers/<int:pk>/drift/", router_drift, name="router-drift"),
    path("routers/<int:pk>/test/", router_test, name="router-test"),
    path("routers/<int:pk>/sync/", router_sync, name="router-sync"),
    path("routers/<int:pk>/aaa-mode/", router_aaa_mode, name="router-aaa-mode"),
    path("routers/<int:pk>/orphans/adopt/", router_orphan_adopt, name="router-orphan-adopt"),
    path("routers/<int:pk>/orphans/adopt-all/", router_orphan_adopt_all, name="router-orphan-adopt-all"),
    path("routers/<int:pk>/orphans/remove/", router_orphan_remove, name="router-orphan-remove"),
]
