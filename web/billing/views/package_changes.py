"""Package changes on two surfaces.

Portal: Change package — the customer's connections and their open requests, a page per connection
with the packages on sale and the quote for the chosen one (HTMX), a confirmation dialog, and
cancelling a pending request. Staff: the Package requests queue (pending / decided, branch-scoped)
with approve and reject dialogs, and "Change package" on a subscription, quoted before confirming.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from billing.models import PackageChange
from billing.package_changes import (
    package_change_cancel,
    package_change_choices,
    package_change_get_for_customer,
    package_change_get_for_staff,
    package_change_open,
    package_change_reject,
    package_change_request,
    package_change_withdrawal_quote,
    package_changes_for_customer,
    package_changes_for_staff,
    portal_subscription_get,
)
from billing.unused_days import package_change_quote
from customers.models import Package, Subscription
from customers.selectors import portal_subscriptions, subscription_get_for_staff
from ispbill.core.forms import MarkInvalidMixin, add_service_errors
from usecases.package_change_approve import package_change_approve
from usecases.package_change_make import package_change_make
from web.surfaces import staff_permission_required


def _wants_region(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


class PackageLabelField(forms.ModelChoiceField):
    def label_from_instance(self, package):
        return f"{package.name} · {package.speed_label}"


class ChangeForm(MarkInvalidMixin, forms.Form):
    to_package = PackageLabelField(
        label=_("New package"), queryset=Package.objects.none(), empty_label=_("Choose a package"),
        error_messages={"invalid_choice": _("That package is not available: choose one of the packages on sale.")},
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_package"].queryset = package_change_choices(subscription=subscription)


def _chosen_package(request, subscription: Subscription) -> Package | None:
    """The package named by ?to= among those the subscription can move to, or None."""
    raw = request.GET.get("to") or request.GET.get("to_package") or request.POST.get("to_package")
    if not raw or not str(raw).isdigit():
        return None
    return package_change_choices(subscription=subscription).filter(pk=int(raw)).first()


# Portal ---------------------------------------------------------------------------------------------


def portal_package_changes(request):
    customer = request.customer
    subscriptions = [
        {"subscription": subscription, "open": package_change_open(subscription=subscription)}
        for subscription in portal_subscriptions(customer=customer).exclude(status=Subscription.Status.CANCELLED)
    ]
    history = package_changes_for_customer(customer=customer).exclude(status__in=PackageChange.OPEN_STATUSES)[:10]
    return render(request, "billing/portal_package_changes.html", {"rows": subscriptions, "history": history})


@vary_on_headers("HX-Request")
def portal_package_change(request, subscription_pk: int):
    subscription = portal_subscription_get(customer=request.customer, pk=subscription_pk)
    package = _chosen_package(request, subscription)
    context = {
        "subscription": subscription,
        "open_change": package_change_open(subscription=subscription),
        "packages": package_change_choices(subscription=subscription),
        "chosen": package,
        "quote": package_change_quote(subscription=subscription, to_package=package) if package else None,
    }
    if _wants_region(request):
        return render(request, "billing/portal_package_change.html#package-quote", context)
    return render(request, "billing/portal_package_change.html", context)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def portal_package_change_confirm(request, subscription_pk: int):
    subscription = portal_subscription_get(customer=request.customer, pk=subscription_pk)
    form = ChangeForm(request.POST or None, subscription=subscription, initial={"to_package": request.GET.get("to")})
    if request.method == "POST" and form.is_valid():
        try:
            package_change_request(
                actor=request.user, subscription=subscription, to_package=form.cleaned_data["to_package"],
                source=PackageChange.Source.CUSTOMER, note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Your request has been sent. We will let you know when it is decided."))
            target = reverse("portal:package-changes")
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    package = _chosen_package(request, subscription)
    if package is None and not form.is_bound:
        return redirect("portal:package-change", subscription_pk=subscription.pk)
    if package is not None:
        form.fields["to_package"].widget = forms.HiddenInput()  # chosen on the page behind the dialog
    context = {
        "subscription": subscription, "form": form, "chosen": package,
        "quote": package_change_quote(subscription=subscription, to_package=package) if package else None,
    }
    template = "billing/portal_package_change_confirm.html"
    return render(request, f"{template}#dialog" if _wants_region(request) else template, context)


@require_http_methods(["GET", "POST"])
def portal_package_change_cancel(request, pk: int):
    change = package_change_get_for_customer(customer=request.customer, pk=pk)
    if request.method == "GET":  # the button posts; a typed address shows where it lives
        return redirect("portal:package-changes")
    if change.status != PackageChange.Status.PENDING:
        messages.error(request, _t("This request has been decided already; it can no longer be withdrawn here."))
        return redirect("portal:package-changes")
    try:
        package_change_cancel(actor=request.user, change=change, reason="Withdrawn by the customer")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("Your request has been withdrawn."))
    return redirect("portal:package-changes")


# Staff: the queue -------------------------------------------------------------------------------------


STATES = {"pending": _("Pending"), "decided": _("Decided")}


@vary_on_headers("HX-Request")
@staff_permission_required("billing.view_packagechange")
def packagechange_list(request):
    state = request.GET.get("state") if request.GET.get("state") in STATES else "pending"
    page = Paginator(package_changes_for_staff(user=request.user, state=state), settings.STAFF_LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "state": state, "states": STATES}
    if _wants_region(request):
        return render(request, "billing/packagechange_list.html#packagechange-list", context)
    return render(request, "billing/packagechange_list.html", context)


class DecisionForm(MarkInvalidMixin, forms.Form):
    note = forms.CharField(
        label=_("Note to the customer"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        self.fields["note"].error_messages["required"] = _("Say why: the customer is sent this note.")
        if not required:
            self.fields["note"].label = _("Note to the customer (optional)")


DECISIONS = {
    "approve": (_("Approve"), _("Approve package change"), ""),
    "reject": (_("Reject"), _("Reject package change"), "secondary"),
    "cancel": (_("Cancel change"), _("Cancel the scheduled change"), "secondary outline"),
}


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@staff_permission_required("billing.view_packagechange", "billing.decide_packagechange")
def packagechange_decide(request, pk: int, action: str):
    change = package_change_get_for_staff(user=request.user, pk=pk)
    label, title, button_class = DECISIONS[action]
    form = DecisionForm(request.POST or None, required=action == "reject")
    quote = None
    if action == "approve" and change.status == PackageChange.Status.PENDING:
        subscription = change.subscription
        if subscription.package_id == change.from_package_id:
            quote = package_change_quote(subscription=subscription, to_package=change.to_package)
    withdrawal = None
    if action == "cancel" and change.status == PackageChange.Status.SCHEDULED:
        # Shown before the withdrawal is confirmed: what it bills when the period was invoiced already.
        withdrawal = package_change_withdrawal_quote(change=change)
        quote = withdrawal if withdrawal.lines else None
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if action == "approve":
                change = package_change_approve(actor=request.user, change=change, note=note)
            elif action == "reject":
                change = package_change_reject(actor=request.user, change=change, note=note)
            else:
                if change.status != PackageChange.Status.SCHEDULED:
                    raise ValidationError(_t("Only a scheduled change can be cancelled here."))
                change = package_change_cancel(actor=request.user, change=change, reason=note)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if _wants_region(request):
                return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"packageChangesChanged": None, "closeModal": None})})
            messages.success(request, _t("%(title)s: %(status)s.") % {"title": title, "status": change.get_status_display()})
            return redirect(f"{reverse('staff:packagechange-list')}?state=decided")
    allowed = PackageChange.Status.SCHEDULED if action == "cancel" else PackageChange.Status.PENDING
    context = {
        "change": change, "form": form, "quote": quote, "withdrawal": withdrawal, "action": action, "label": label, "title": title,
        "button_class": button_class,
        "refusal": None if form.is_bound or change.status == allowed else _t(
            "This request is %(status)s now: it cannot be changed this way."
        ) % {"status": change.get_status_display().lower()},
    }
    template = "billing/packagechange_decide.html"
    return render(request, f"{template}#dialog" if _wants_region(request) else template, context)


# Staff: change a subscription's package ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@staff_permission_required("customers.change_subscription", "billing.decide_packagechange")
def subscription_package_change(request, pk: int):
    subscription = subscription_get_for_staff(user=request.user, pk=pk)
    open_change = package_change_open(subscription=subscription)
    form = ChangeForm(request.POST or None, subscription=subscription, initial={"to_package": request.GET.get("to")})
    if request.method == "POST" and form.is_valid():
        try:
            change = package_change_make(
                actor=request.user, subscription=subscription, to_package=form.cleaned_data["to_package"],
                note=form.cleaned_data["note"], seen_package_id=subscription.package_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if change.status == PackageChange.Status.SCHEDULED:
                messages.success(request, _t("Change to %(package)s scheduled for %(date)s.") % {
                    "package": change.to_package.name, "date": date_format(change.effective_date)})
            else:
                messages.success(request, _t("Package changed to %(package)s.") % {"package": change.to_package.name})
            if _wants_region(request):  # the dialog closes; app.js shows the message from HX-Trigger
                return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"subscriptionsChanged": None, "closeModal": None})})
            return redirect(f"{reverse('staff:customer-detail', args=[subscription.customer_id])}?tab=subscriptions")
    package = _chosen_package(request, subscription)
    context = {
        "subscription": subscription, "customer": subscription.customer, "form": form, "open_change": open_change,
        "chosen": package,
        "quote": package_change_quote(subscription=subscription, to_package=package) if package else None,
    }
    template = "billing/subscription_package_change.html"
    if _wants_region(request):
        region = "#package-quote" if request.htmx.target == "package-quote" else "#dialog"
        return render(request, f"{template}{region}", context)
    return render(request, template, context)


staff_urlpatterns = [
    path("package-requests/", packagechange_list, name="packagechange-list"),
    *[
        path(f"package-requests/<int:pk>/{action}/", packagechange_decide, {"action": action}, name=f"packagechange-{action}")
        for action in DECISIONS
    ],
    path("subscriptions/<int:pk>/change-package/", subscription_package_change, name="subscription-package-change"),
]

portal_urlpatterns = [
    path("change-package/", portal_package_changes, name="package-changes"),
    path("change-package/<int:subscription_pk>/", portal_package_change, name="package-change"),
    path("change-package/<int:subscription_pk>/confirm/", portal_package_change_confirm, name="package-change-confirm"),
    path("package-requests/<int:pk>/cancel/", portal_package_change_cancel, name="package-change-cancel"),
]
