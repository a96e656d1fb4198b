"""Staff console: adding and editing a customer's subscriptions, and their lifecycle dialogs."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from customers.models import Subscription
from customers.selectors import customer_get_for_staff, subscription_get_for_staff
from ispbill.core.forms import add_service_errors
from usecases.subscription_activate import subscription_activate, subscription_activate_quote
from usecases.subscription_cancel import subscription_cancel, subscription_cancel_quote
from usecases.subscription_create import subscription_create as connection_create
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update
from web.customers.forms.subscription import CancelForm, LifecycleForm, SubscriptionForm, SuspendForm, suggest_password
from web.surfaces import staff_permission_required

Status = Subscription.Status


def wants_region(request) -> bool:
    """An htmx swap wants a region; a history restore (back button) wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _subscriptions_tab(customer_pk: int) -> str:
    return f"{reverse('staff:customer-detail', args=[customer_pk])}?tab=subscriptions"


GENERATE_PASSWORD = "generate_password"


def _subscription_form(request, *, initial: dict, **kwargs) -> SubscriptionForm:
    """The bound form; or, when "Generate" was pressed without JavaScript, the same entries with a
    fresh password suggestion and no errors yet (nothing is saved)."""
    if request.method == "POST" and GENERATE_PASSWORD in request.POST:
        entries = {name: request.POST.get(name) for name in request.POST if name not in ("csrfmiddlewaretoken", GENERATE_PASSWORD)}
        return SubscriptionForm(initial={**initial, **entries, "password": suggest_password()}, **kwargs)
    return SubscriptionForm(request.POST or None, initial=initial, **kwargs)


# Create / edit -----------------------------------------------------------------------------------


@staff_permission_required("customers.add_subscription")
@require_http_methods(["GET", "POST"])
def subscription_create_view(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    form = _subscription_form(request, customer=customer, initial={"password": suggest_password()})
    if form.is_bound and form.is_valid():
        try:
            subscription = connection_create(actor=request.user, customer=customer, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Subscription %(login)s added.") % {"login": subscription.login_label})
            return redirect(_subscriptions_tab(customer.pk))
    return render(request, "customers/subscription_form.html", {"form": form, "customer": customer, "subscription": None})


@staff_permission_required("customers.change_subscription")
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    customer = subscription.customer
    form = _subscription_form(request, customer=customer, subscription=subscription, initial=SubscriptionForm.initial_for(subscription))
    if form.is_bound and form.is_valid():
        try:
            subscription_update(actor=request.user, subscription=subscription, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Subscription %(login)s saved.") % {"login": subscription.login_label})
            return redirect(_subscriptions_tab(customer.pk))
    return render(
        request, "customers/subscription_form.html", {"form": form, "customer": customer, "subscription": subscription}
    )


# Lifecycle ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleAction:
    slug: str
    label: str
    title: str
    to: str
    # The status this action starts from; None = any status the transition table lets reach `to`.
    starts_from: str | None
    form_class: type[forms.Form]
    service: Callable[..., Subscription]
    done: str
    button_class: str = ""

    @property
    def url_name(self) -> str:
        return f"staff:subscription-{self.slug}"


LIFECYCLE_ACTIONS = {
    action.slug: action
    for action in (
        LifecycleAction(
            "activate", _("Activate"), _("Activate subscription"), Status.ACTIVE, Status.PENDING, LifecycleForm,
            subscription_activate, _("Subscription activated"),
        ),
        LifecycleAction(
            "suspend", _("Suspend"), _("Suspend subscription"), Status.SUSPENDED, Status.ACTIVE, SuspendForm,
            subscription_suspend, _("Subscription suspended"), "secondary",
        ),
        LifecycleAction(
            "reactivate", _("Reactivate"), _("Reactivate subscription"), Status.ACTIVE, Status.SUSPENDED, LifecycleForm,
            subscription_reactivate, _("Subscription reactivated"),
        ),
        LifecycleAction(
            "cancel", _("Cancel"), _("Cancel subscription"), Status.CANCELLED, None, CancelForm,
            subscription_cancel, _("Subscription cancelled"), "secondary outline",
        ),
    )
}


def _action_applies(action: LifecycleAction, subscription: Subscription) -> bool:
    starts_here = action.starts_from is None or action.starts_from == subscription.status
    return starts_here and subscription.can_transition_to(action.to)


# Charging or waiving an early-termination fee is a billing decision (docs/billing.md): a user who may
# cancel connections but not bill customers (a technician supervisor) sees the quote and cannot confirm.
FEE_CHARGE_PERMISSION = "billing.add_onetimecharge"
FEE_WAIVE_PERMISSION = "contracts.waive_fee_contract"


def lifecycle_actions_for(subscription: Subscription) -> list[LifecycleAction]:
    """The lifecycle buttons a subscription offers, as the model's ALLOWED_TRANSITIONS table permits."""
    return [action for action in LIFECYCLE_ACTIONS.values() if _action_applies(action, subscription)]


@staff_permission_required("customers.lifecycle_subscription")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def subscription_lifecycle(request, pk: int, action: str):
    lifecycle = LIFECYCLE_ACTIONS.get(action)
    if lifecycle is None:
        raise Http404
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    # Activating a pending connection is, nearly always, the end of its installation.
    initial = {"reason": _t("New installation")} if action == "activate" and subscription.status == Status.PENDING else None
    # Cancelling quotes the contract's fee and the unused-days credit before anything is confirmed.
    quote = subscription_cancel_quote(subscription=subscription) if action == "cancel" and _action_applies(lifecycle, subscription) else None
    fee_due = quote is not None and quote.fee.due
    may_decide_fee = request.user.has_perm(FEE_CHARGE_PERMISSION)
    # Activating quotes the first invoice it issues at once, when Settings → Billing says so: what to collect.
    first_invoice = subscription_activate_quote(subscription=subscription) if action == "activate" and _action_applies(lifecycle, subscription) else None
    extra = {"quote": quote} if action == "cancel" else {}
    form = lifecycle.form_class(request.POST or None, initial=initial, **extra)
    status = 200
    if request.method == "POST" and fee_due and not may_decide_fee:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        if fee_due and form.waives_fee and not request.user.has_perm(FEE_WAIVE_PERMISSION):
            raise PermissionDenied
        try:
            lifecycle.service(actor=request.user, subscription=subscription, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown by the next page, or (a dialog closing) by app.js from the answer's HX-Trigger.
            messages.success(request, _t("%(action)s: %(login)s.") % {"action": lifecycle.done, "login": subscription.login_label})
            if wants_region(request):
                # The subscriptions tab and the customer header listen for this and reload themselves.
                return HttpResponse(
                    status=204, headers={"HX-Trigger": json.dumps({"subscriptionsChanged": None, "closeModal": None})}
                )
            return redirect(_subscriptions_tab(subscription.customer_id))
    elif request.method == "POST" and getattr(form, "malformed", False):
        status = 400
    context = {
        "form": form,
        "action": lifecycle,
        "subscription": subscription,
        "customer": subscription.customer,
        "quote": quote,
        "first_invoice": first_invoice,
        "fee_needs_permission": fee_due and not may_decide_fee,
        # Shown before anyone types a reason: the dialog was opened for a state that has since changed.
        "refusal": None if form.is_bound or _action_applies(lifecycle, subscription) else _t(
            "This subscription is %(status)s now: it cannot be changed this way."
        ) % {"status": subscription.get_status_display().lower()},
    }
    template = "customers/subscription_lifecycle.html"
    return render(request, f"{template}#dialog" if wants_region(request) else template, context, status=status)


urlpatterns = [
    path("customers/<int:customer_pk>/subscriptions/new/", subscription_create_view, name="subscription-create"),
    path("subscriptions/<int:pk>/edit/", subscription_edit, name="subscription-edit"),
    *[
        path(f"subscriptions/<int:pk>/{slug}/", subscription_lifecycle, {"action": slug}, name=f"subscription-{slug}")
        for slug in LIFECYCLE_ACTIONS
    ],
]
