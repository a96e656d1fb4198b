"""RADIUS screens (docs/radius.md, "Screens"): who is online now (staff), "Test a login" on a RADIUS
router, a customer's Sessions tab with Disconnect, and the portal's session history.

Thin: parse with a form, fetch through a branch- or owner-scoped selector, call one service, render a
page or its region. A Disconnect is never sent from here: radius.services.session_disconnect queues it
in the router's outbox and the worker sends it.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from customers.selectors import customer_get_for_staff
from ispbill.core.forms import add_service_errors
from network.models import Router
from network.selectors import router_get_for_staff
from radius import selectors, services
from web.surfaces import staff_permission_required

from .forms import LoginTestForm, OnlineFilterForm

PORTAL_PAGE_SIZE = 25


def _region(request) -> bool:
    """An htmx swap wants a region; a history restore (back button) wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


# Online now ------------------------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@staff_permission_required("radius.view_session")
def online_list(request):
    form = OnlineFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else True
    criteria = form.cleaned_data if form.is_bound and valid else {}
    filters = selectors.OnlineFilters(
        router_id=criteria["router"].pk if criteria.get("router") else None,
        area_id=criteria["area"].pk if criteria.get("area") else None,
        search=criteria.get("q") or "",
    )
    sessions = selectors.online_sessions(user=request.user, filters=filters) if valid else selectors.online_sessions(user=request.user).none()
    page = Paginator(sessions, settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    per_router, per_area = selectors.online_counts(user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "per_router": per_router, "per_area": per_area, "query": query.urlencode(),
        "total_online": sum(count.online for count in per_router),
    }
    template = "radius/online_list.html"
    return render(request, f"{template}#online-list" if _region(request) else template, context, status=200 if valid else 400)


# Test a login on a RADIUS router -------------------------------------------------------------------------


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("network.view_router", "radius.test_login")
def login_test(request, pk: int):
    """GET: the form (a dialog from the router page); POST: one Access-Request, and its answer."""
    router = router_get_for_staff(user=request.user, pk=pk)
    form = LoginTestForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.login_test(
                    actor=request.user, router=router, username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                form = LoginTestForm(initial={"username": form.cleaned_data["username"]})  # the password is never shown again
        else:
            status = 400
    # Opened as a dialog from the router page (and re-rendered as that dialog after each test, so a 400
    # with the form's errors is swapped in: static/js/app.js); without JS, a page of its own.
    in_dialog = _region(request)
    context = {"router": router, "form": form, "result": result, "in_dialog": in_dialog, "radius_mode": router.aaa_mode == Router.AaaMode.RADIUS}
    template = "radius/login_test.html"
    if in_dialog:
        template = f"{template}#dialog"
    return render(request, template, context, status=status)


# A customer's sessions (the customer page's tab) and Disconnect ------------------------------------------------


def sessions_tab_context(request, customer) -> dict:
    """The customer page's Sessions tab: each connection's last refused login with its reason, and the
    sessions (open first, then the history), with staff's Disconnects and their state."""
    subscriptions = list(customer.subscriptions.select_related("router").order_by("status", "pk"))
    sessions = selectors.customer_sessions(customer_id=customer.pk)
    disconnects = selectors.disconnects_for_subscriptions(subscription.pk for subscription in subscriptions)
    for session in sessions:
        session.disconnect = selectors.disconnect_for_session(session, disconnects)
    for subscription in subscriptions:
        subscription.last_reject = selectors.subscription_last_reject(subscription_id=subscription.pk)
    return {
        "connections": [subscription for subscription in subscriptions if subscription.username],
        "sessions": sessions,
        "open_sessions": [session for session in sessions if session.is_open],
        "closed_sessions": [session for session in sessions if not session.is_open],
        # While a Disconnect waits or retries, the region reloads itself to show how it went.
        "disconnect_waiting": any(session.disconnect and session.disconnect.is_open for session in sessions if session.is_open),
    }


def _sessions_tab_url(customer_id: int) -> str:
    return f"{reverse('staff:customer-detail', args=[customer_id])}?tab=sessions"


@vary_on_headers("HX-Request")
@require_POST
@staff_permission_required("radius.view_session", "radius.disconnect_session")
def session_disconnect(request, pk: int):
    session = selectors.session_get_for_staff(user=request.user, pk=pk)
    try:
        services.session_disconnect(actor=request.user, session=session)
    except ValidationError as error:
        # Not malformed input: the session ended or its router went meanwhile. Said in the region.
        messages.error(request, " ".join(error.messages))
        status = 200
    else:
        messages.success(request, _("Disconnect of %(login)s queued: the worker sends it to %(router)s now.") % {
            "login": session.username, "router": session.router.name if session.router else "—",
        })
        status = 200
    customer = session.subscription.customer if session.subscription_id and session.subscription else None
    if customer is None:
        return redirect("staff:radius-online")
    if _region(request):
        customer = customer_get_for_staff(user=request.user, pk=customer.pk)
        context = {"customer": customer, **sessions_tab_context(request, customer)}
        return render(request, "radius/customer_tab_sessions.html", context, status=status)
    return redirect(_sessions_tab_url(customer.pk))


@vary_on_headers("HX-Request")
@staff_permission_required("radius.view_session")
def customer_sessions(request, pk: int):
    """The Sessions tab's region alone (it refreshes itself while a Disconnect waits)."""
    customer = customer_get_for_staff(user=request.user, pk=pk)
    if not _region(request):
        return redirect(_sessions_tab_url(customer.pk))
    return render(request, "radius/customer_tab_sessions.html", {"customer": customer, **sessions_tab_context(request, customer)})


# Customer portal -----------------------------------------------------------------------------------------


def portal_sessions(request):
    """The signed-in customer's own sessions: when, how long, which address, how much."""
    page = Paginator(selectors.portal_sessions(customer=request.customer), PORTAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "radius/portal_sessions.html", {"page": page})


staff = [
    path("online/", online_list, name="radius-online"),
    path("routers/<int:pk>/test-login/", login_test, name="radius-login-test"),
    path("sessions/<int:pk>/disconnect/", session_disconnect, name="radius-session-disconnect"),
    path("customers/<int:pk>/sessions/", customer_sessions, name="radius-customer-sessions"),
]
portal = [
    path("connections/", portal_sessions, name="connection-history"),
]
