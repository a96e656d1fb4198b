"""Settings → API tokens and Settings → Webhooks in the staff console (administrators)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import tokens, webhooks
from api.forms import AppTokenSettingsForm, TokenForm, WebhookForm
from api.models import AREAS, ApiToken
from customers.selectors import branches_visible_to
from ispbill.core.forms import add_service_errors
from ispbill.core.models import WebhookDelivery, WebhookEndpoint
from ispbill.core.webhooks import DELIVERY_HEADER, EVENT_HEADER, EVENTS, SIGNATURE_HEADER
from web.surfaces import staff_permission_required

# API tokens ------------------------------------------------------------------------------------------


def _token_page(request, form=None, *, status=200, created=None, lifetime_form=None):
    listed = ApiToken.objects.filter(kind=ApiToken.Kind.STAFF).select_related("user", "created_by").prefetch_related("branches")
    return render(request, "api/token_list.html", {
        "tokens": listed, "form": form or TokenForm(branches=branches_visible_to(request.user)), "areas": AREAS,
        "created": created,
        "lifetime_form": lifetime_form or AppTokenSettingsForm(initial={"app_token_days": tokens.app_token_settings().app_token_days}),
    }, status=status)


@staff_permission_required("api.view_apitoken")
def token_list(request):
    return _token_page(request)


@require_POST
@staff_permission_required("api.add_apitoken")
def token_create(request):
    form = TokenForm(request.POST, branches=branches_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = tokens.token_create(
                actor=request.user, name=data["name"], scopes=form.scopes(), all_branches=data["all_branches"],
                branches=data["branches"], rate_per_minute=data["rate_per_minute"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The token itself is shown on this answer only: it is not stored anywhere we can read it back.
            return _token_page(request, status=201, created={"token": token, "raw": raw})
    return _token_page(request, form, status=400)


@require_POST
@staff_permission_required("api.change_apitoken")
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, kind=ApiToken.Kind.STAFF)
    tokens.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s revoked: it no longer works.") % {"name": token.name})
    return redirect("staff:apitoken-list")


@require_POST
@staff_permission_required("api.change_apitoken")
def app_token_lifetime(request):
    form = AppTokenSettingsForm(request.POST)
    if form.is_valid():
        try:
            tokens.app_token_settings_update(actor=request.user, app_token_days=form.cleaned_data["app_token_days"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Customer app sign-ins now last %(days)d days.") % {"days": form.cleaned_data["app_token_days"]})
            return redirect("staff:apitoken-list")
    return _token_page(request, status=400, lifetime_form=form)


# Webhooks --------------------------------------------------------------------------------------------


def _webhook_page(request, form=None, *, status=200):
    return render(request, "api/webhook_list.html", {
        "endpoints": WebhookEndpoint.objects.all(), "form": form or WebhookForm(), "events": EVENTS,
    }, status=status)


@staff_permission_required("core.view_webhookendpoint")
def webhook_list(request):
    return _webhook_page(request)


@require_POST
@staff_permission_required("core.add_webhookendpoint")
def webhook_create(request):
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = webhooks.webhook_endpoint_create(actor=request.user, name=data["name"], url=data["url"], events=data["events"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Webhook %(name)s added. Give its signing secret to the receiver.") % {"name": endpoint.name})
            return redirect("staff:webhook-detail", pk=endpoint.pk)
    return _webhook_page(request, form, status=400)


@staff_permission_required("core.view_webhookendpoint")
def webhook_detail(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    may_change = request.user.has_perm("core.change_webhookendpoint")
    form = WebhookForm(request.POST or None, initial={
        "name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active,
    })
    status = 200
    if request.method == "POST":
        if not may_change:
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                webhooks.webhook_endpoint_update(actor=request.user, endpoint=endpoint, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Webhook saved."))
                return redirect("staff:webhook-detail", pk=endpoint.pk)
        status = 400
    wanted = request.GET.get("status", "")
    deliveries = endpoint.deliveries.all()
    if wanted in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=wanted)
    page = Paginator(deliveries.prefetch_related("attempt_log").order_by("-id"), 25).get_page(request.GET.get("page"))
    return render(request, "api/webhook_detail.html", {
        "endpoint": endpoint, "form": form, "page": page, "may_change": may_change, "statuses": WebhookDelivery.Status.choices,
        "wanted": wanted, "headers": {"signature": SIGNATURE_HEADER, "event": EVENT_HEADER, "delivery": DELIVERY_HEADER},
    }, status=status)


@require_POST
@staff_permission_required("core.change_webhookendpoint")
def webhook_rotate(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    webhooks.webhook_secret_rotate(actor=request.user, endpoint=endpoint)
    messages.success(request, _("New signing secret made: give it to the receiver; the old one no longer signs."))
    return redirect("staff:webhook-detail", pk=endpoint.pk)


@require_POST
@staff_permission_required("core.change_webhookendpoint")
def webhook_replay(request, pk: int):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    webhooks.webhook_replay(actor=request.user, delivery=delivery)
    messages.success(request, _("Delivery queued again: it is sent within seconds."))
    return redirect("staff:webhook-detail", pk=delivery.endpoint_id)


staff = [
    path("settings/api-tokens/", token_list, name="apitoken-list"),
    path("settings/api-tokens/new/", token_create, name="apitoken-create"),
    path("settings/api-tokens/<int:pk>/revoke/", token_revoke, name="apitoken-revoke"),
    path("settings/api-tokens/app-lifetime/", app_token_lifetime, name="apitoken-lifetime"),
    path("settings/webhooks/", webhook_list, name="webhook-list"),
    path("settings/webhooks/new/", webhook_create, name="webhook-create"),
    path("settings/webhooks/<int:pk>/", webhook_detail, name="webhook-detail"),
    path("settings/webhooks/<int:pk>/rotate/", webhook_rotate, name="webhook-rotate"),
    path("settings/webhooks/deliveries/<int:pk>/replay/", webhook_replay, name="webhook-replay"),
]
