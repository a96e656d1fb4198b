"""Usage screens: the subscription's usage page (staff), heavy users, FUP settings, and the
customer portal's Usage page. Charts are drawn by static/js/usage.js from json_script data."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customers.models import Package
from customers.selectors import portal_subscriptions, subscription_get_for_staff
from ispbill.core.forms import add_service_errors
from network import selectors, usage
from usecases.package_update import package_update
from web.surfaces import staff_permission_required

from .forms import FupLiftForm, HeavyUsersForm, PackageFupForm


def _usage_context(subscription) -> dict:
    return {
        "subscription": subscription,
        "charts": selectors.usage_charts(subscription),
        "recent_days": selectors.usage_recent_days(subscription),
        "live": selectors.live_status(subscription),
        "fup": selectors.fup_status(subscription),
        "time_zone": settings.TIME_ZONE,
    }


# Staff -------------------------------------------------------------------------------------------


@staff_permission_required("customers.view_subscription")
def subscription_usage(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    context = _usage_context(subscription)
    context.update(lift_form=FupLiftForm(), staff_view=True)
    return render(request, "network/subscription_usage.html", context)


@staff_permission_required("network.lift_fup")
@require_http_methods(["GET", "POST"])
def subscription_fup_lift(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    form = FupLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            usage.fup_lift(actor=request.user, subscription=subscription, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Fair-usage throttling lifted for %(login)s until the cycle ends.") % {"login": subscription.login_label})
            return redirect("staff:subscription-usage", pk=subscription.pk)
    context = _usage_context(subscription)
    context.update(lift_form=form, staff_view=True)
    return render(request, "network/subscription_usage.html", context, status=400 if request.method == "POST" else 200)


@staff_permission_required("network.view_usagedaily")
def heavy_users(request):
    today = timezone.localdate()
    initial = {"start": today.replace(day=1), "end": today, "limit": 50}
    form = HeavyUsersForm(request.GET or None, user=request.user, initial=initial)
    rows, period = [], None
    data = form.cleaned_data if request.GET and form.is_valid() else (None if request.GET else initial)
    if data is not None:
        period = (data["start"], data["end"])
        rows = selectors.heavy_users(
            user=request.user, start=data["start"], end=data["end"], area=data.get("area"), package=data.get("package"),
            limit=data.get("limit") or 50,
        )
    return render(request, "network/heavy_users.html", {"form": form, "rows": rows, "period": period})


@staff_permission_required("network.view_fupstate")
def fup_settings(request):
    packages = Package.objects.order_by("-is_active", "name")
    return render(
        request, "network/fup_settings.html",
        {"packages": packages, "throttled": selectors.throttled_subscriptions(user=request.user)},
    )


@staff_permission_required("customers.change_package")
@require_http_methods(["GET", "POST"])
def package_fup_edit(request, pk: int):
    package = get_object_or_404(Package, pk=pk)
    initial = {name: getattr(package, name) for name in usage.PACKAGE_FUP_FIELDS}
    form = PackageFupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in usage.PACKAGE_FUP_FIELDS}
        changes["fup_profile"] = changes["fup_profile"] or ""
        try:
            package_update(actor=request.user, package=package, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Fair-usage settings of %(package)s saved; the routers get the profile shortly.") % {"package": package.name})
            return redirect("staff:usage-fup-settings")
    return render(request, "network/package_fup_form.html", {"form": form, "package": package})


staff_urlpatterns = [
    path("subscriptions/<int:pk>/usage/", subscription_usage, name="subscription-usage"),
    path("subscriptions/<int:pk>/usage/lift-fup/", subscription_fup_lift, name="subscription-fup-lift"),
    path("usage/heavy-users/", heavy_users, name="usage-heavy-users"),
    path("usage/fair-usage/", fup_settings, name="usage-fup-settings"),
    path("usage/fair-usage/packages/<int:pk>/edit/", package_fup_edit, name="package-fup-edit"),
]


# Customer portal ---------------------------------------------------------------------------------


def portal_usage(request):
    """The customer's usage: the first subscription's charts, with links to the others."""
    subscriptions = list(portal_subscriptions(customer=request.customer))
    if not subscriptions:
        return render(request, "network/portal_usage.html", {"subscriptions": [], "subscription": None})
    return _portal_page(request, subscriptions, subscriptions[0])


def portal_usage_detail(request, pk: int):
    subscription = selectors.usage_subscription_for_customer(customer=request.customer, pk=pk)
    return _portal_page(request, list(portal_subscriptions(customer=request.customer)), subscription)


def _portal_page(request, subscriptions, subscription):
    context = _usage_context(subscription)
    context["subscriptions"] = subscriptions
    return render(request, "network/portal_usage.html", context)


portal_urlpatterns = [
    path("usage/", portal_usage, name="usage"),
    path("usage/<int:pk>/", portal_usage_detail, name="usage-detail"),
]
