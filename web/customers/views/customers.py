"""Staff console: the customer list (search, filters, keyset pages, CSV export), the customer page
with its tabs, the create/edit forms and the portal-access dialog."""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateTimeField, Q
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from customers import services
from customers.models import Customer
from customers.selectors import (
    areas_visible_to,
    collector_candidates_for,
    customer_filter_choices,
    customer_get_for_staff,
    customer_page,
    customer_selection,
    customers_filtered,
    customers_for_export,
    customers_sharing_phone,
    customers_visible_to,
    scope_to_branches,
    subscriptions_for_customer,
)
from customers.speedtest import speedtests_for_customer
from ispbill.core import csvfiles
from ispbill.core.audit import audit_for_objects
from ispbill.core.forms import add_service_errors
from ispbill.core.phone import display_phone
from network.ipam_selectors import subscriptions_prefixes
from network.selectors import router_changes_failing
from resellers.models import Reseller
from web.billing.views.billing_tab import billing_tab_context
from web.contracts.views import contracts_tab_context
from web.customers.forms.customer import CustomerFilterForm, CustomerForm, PortalAccessForm
from web.customers.views.subscriptions import lifecycle_actions_for, wants_region
from web.fibre.views import fibre_tab_context
from web.radius.views import sessions_tab_context
from web.surfaces import staff_permission_required
from web.tickets.views.customer_tab import tickets_tab_context

# List and export ---------------------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> CustomerFilterForm:
    form = CustomerFilterForm(request.GET, choices=customer_filter_choices(user=request.user))
    if not request.user.has_perm("churn.view_churnrisk"):
        form.without_churn_risk()
    return form


@staff_permission_required("customers.view_customer")
@vary_on_headers("HX-Request")
def customer_list(request):
    form = _filter_form(request)
    page = customer_page(
        customer_selection(user=request.user, **form.filters()),
        sort=form.chosen_sort,
        size=settings.STAFF_LIST_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    # get_status_display() rebuilds the choices dict, translating every label, on each call.
    status_texts = dict(Customer.Status.choices)
    for customer in page.customers:
        customer.phone_display = display_phone(customer.phone)
        customer.status_text = status_texts.get(customer.status, customer.status)
    context = {"form": form, "page": page}
    template = "customers/customer_list.html"
    return render(request, f"{template}#customer-results" if wants_region(request) else template, context)


class _Echo:
    """csv.writer wants a file; a streaming response wants the lines back."""

    def write(self, value: str) -> str:
        return value


EXPORT_COLUMNS = (
    _("Account number"), _("Name"), _("Phone"), _("Email"), _("National ID"), _("Address"), _("Area"),
    _("Branch"), _("Packages"), _("Status"), _("Customer since"), _("Reseller"), _("Latitude"), _("Longitude"),
)


def _export_lines(customers: Iterable[Customer]) -> Iterator[str]:
    writer = csvfiles.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so spreadsheet programs read Bangla names as UTF-8
    yield writer.writerow([str(column) for column in EXPORT_COLUMNS])
    for customer in customers:
        yield writer.writerow(
            [
                customer.account_number,
                customer.name,
                customer.phone,
                customer.email,
                customer.national_id,
                customer.address,
                customer.area.name,
                customer.branch.name,
                customer.package_names,
                customer.get_status_display(),
                customer.customer_since.isoformat(),
                customer.reseller.name if customer.reseller else "",
                customer.latitude if customer.latitude is not None else "",
                customer.longitude if customer.longitude is not None else "",
            ]
        )


@staff_permission_required("customers.view_customer")
def customer_export(request):
    form = _filter_form(request)
    customers = customers_for_export(customers_filtered(user=request.user, **form.filters()), sort=form.chosen_sort)
    response = StreamingHttpResponse(_export_lines(customers), content_type="text/csv; charset=utf-8")
    filename = f"customers-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Customer page and its tabs ----------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerTab:
    """One tab of the customer page: a later module adds its tab with one entry in CUSTOMER_TABS."""

    slug: str
    label: str
    permission: str
    template: str
    context: Callable[[HttpRequest, Customer], dict]


def _overview_context(request, customer: Customer) -> dict:
    # The customer's recent portal speed tests: what support looks at in a "slow speed" ticket.
    return {"phone_display": display_phone(customer.phone), "speedtests": speedtests_for_customer(customer=customer, limit=5)}


def _subscriptions_context(request, customer: Customer) -> dict:
    subscriptions = list(subscriptions_for_customer(customer))
    may_change_lifecycle = request.user.has_perm("customers.lifecycle_subscription")
    failing = router_changes_failing(subscription.pk for subscription in subscriptions)
    prefixes = subscriptions_prefixes(subscription.pk for subscription in subscriptions)
    for subscription in subscriptions:
        subscription.ipv6_prefix = prefixes.get(subscription.pk, "")
        subscription.lifecycle_actions = lifecycle_actions_for(subscription) if may_change_lifecycle else []
        # A router change that failed (a CoA the router refused or did not answer, a secret it would
        # not take) shows on the connection until its retry goes through.
        subscription.router_change_failing = failing.get(subscription.pk)
    return {"subscriptions": subscriptions}


AUDIT_ACTION_LABELS = {
    "customer.create": _("Customer created"),
    "customer.update": _("Customer details changed"),
    "customer.portal_password": _("Portal password set"),
    "subscription.create": _("Subscription added"),
    "subscription.update": _("Subscription changed"),
    "subscription.activate": _("Subscription activated"),
    "subscription.suspend": _("Subscription suspended"),
    "subscription.reactivate": _("Subscription reactivated"),
    "subscription.cancel": _("Subscription cancelled"),
}
ACTIVITY_LIMIT = 100


def _referenced_names(entries) -> dict:
    """{(model, pk): name} for every foreign key the entries mention, one query per model."""
    wanted: dict = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for key in {*(entry.before or {}), *(entry.after or {})}:
            field = _model_field(model, key)
            if field is not None and field.is_relation:
                values = ((entry.before or {}).get(key), (entry.after or {}).get(key))
                wanted.setdefault(field.related_model, set()).update(v for v in values if v is not None)
    names = {}
    for model, pks in wanted.items():
        for pk, obj in model._default_manager.in_bulk(pks).items():
            names[(model, pk)] = str(obj)
    return names


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _audit_value(field, value, names: dict) -> str:
    """An audited value as people read it: names for ids, labels for choices, local times."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _t("yes") if value else _t("no")
    if field is None:
        return str(value)
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DateTimeField):
        try:
            return date_format(timezone.localtime(datetime.fromisoformat(value)), "j M Y, H:i")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _activity_context(request, customer: Customer) -> dict:
    subscriptions = list(customer.subscriptions.only("pk"))
    entries = list(audit_for_objects([customer, *subscriptions])[: ACTIVITY_LIMIT + 1])
    names = _referenced_names(entries)
    for entry in entries:
        model = entry.content_type.model_class()
        before, after = entry.before or {}, entry.after or {}
        entry.label = AUDIT_ACTION_LABELS.get(entry.action, entry.action)
        entry.changes = []
        for key in dict.fromkeys([*before, *after]):
            if entry.before is not None and before.get(key) == after.get(key):
                continue  # a transition snapshots every lifecycle field; show what moved
            if entry.before is None and after.get(key) in (None, "", False):
                continue  # a creation: the fields it set
            field = _model_field(model, key)
            label = str(field.verbose_name) if field is not None else key.replace("_", " ")
            entry.changes.append((label, _audit_value(field, before.get(key), names), _audit_value(field, after.get(key), names)))
    return {"entries": entries[:ACTIVITY_LIMIT], "more_entries": len(entries) > ACTIVITY_LIMIT}


CUSTOMER_TABS = (
    CustomerTab("overview", _("Overview"), "customers.view_customer", "customers/customer_tab_overview.html", _overview_context),
    CustomerTab(
        "subscriptions", _("Subscriptions"), "customers.view_subscription",
        "customers/customer_tab_subscriptions.html", _subscriptions_context,
    ),
    # RADIUS sessions and refused logins, with Disconnect (web/radius/views.py).
    CustomerTab("sessions", _("Sessions"), "radius.view_session", "radius/customer_tab_sessions.html", sessions_tab_context),
    # The customer's ONU: status, last change, signal and its 90-day chart (web/fibre/views.py).
    CustomerTab("fibre", _("Fibre"), "fibre.view_onu", "fibre/customer_tab_fibre.html", fibre_tab_context),
    CustomerTab("billing", _("Billing"), "billing.view_invoice", "billing/customer_tab_billing.html", billing_tab_context),
    CustomerTab("tickets", _("Tickets"), "tickets.view_ticket", "tickets/customer_tab_tickets.html", tickets_tab_context),
    CustomerTab("contracts", _("Contracts"), "contracts.view_contract", "contracts/customer_tab_contracts.html", contracts_tab_context),
    CustomerTab("activity", _("Activity"), "core.view_auditlog", "customers/customer_tab_activity.html", _activity_context),
)


@staff_permission_required("customers.view_customer")
@vary_on_headers("HX-Request")
def customer_detail(request, pk: int):
    customer = customer_get_for_staff(user=request.user, pk=pk)
    tabs = [tab for tab in CUSTOMER_TABS if request.user.has_perm(tab.permission)]
    tab = next((tab for tab in tabs if tab.slug == request.GET.get("tab")), tabs[0])
    context = {"customer": customer, "tabs": tabs, "tab": tab, **tab.context(request, customer)}
    template = "customers/customer_detail.html"
    if wants_region(request):
        region = "customer-header" if request.htmx.target == "customer-header" else "customer-tab"
        template = f"{template}#{region}"
    return render(request, template, context)


# Create / edit -----------------------------------------------------------------------------------


def _customer_form(request, *, data=None, customer: Customer | None = None) -> CustomerForm:
    # Active resellers of the user's branches, and the one the customer already has.
    current = Q(pk=customer.reseller_id) if customer and customer.reseller_id else Q(pk__in=[])
    resellers = Reseller.objects.filter(
        Q(pk__in=scope_to_branches(Reseller.objects.filter(is_active=True), request.user).values("pk")) | current
    ).order_by("name")
    initial = CustomerForm.initial_for(customer) if customer else None
    # Collectors serving the user's branches, and the one the customer already has.
    current = Q(pk=customer.collector_id) if customer and customer.collector_id else Q(pk__in=[])
    collectors = get_user_model().objects.filter(
        Q(pk__in=collector_candidates_for(request.user).values("pk")) | current).order_by("first_name", "last_name", "username")
    return CustomerForm(data, initial=initial, areas=areas_visible_to(request.user), resellers=resellers, collectors=collectors)


def _shared_phone(request, form, *, exclude_pk=None) -> list:
    """Other customers with the phone just entered, unless staff confirmed the phone is shared."""
    if form.cleaned_data.get("shared_phone_confirmed"):
        return []
    return [
        {"customer": other, "visible": customers_visible_to(request.user).filter(pk=other.pk).exists()}
        for other in customers_sharing_phone(phone=form.cleaned_data["phone"], exclude_pk=exclude_pk)
    ]


@staff_permission_required("customers.add_customer")
@require_http_methods(["GET", "POST"])
def customer_create(request):
    form = _customer_form(request, data=request.POST or None)
    shared = []
    if request.method == "POST" and form.is_valid() and not (shared := _shared_phone(request, form)):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "shared_phone_confirmed"}
        try:
            customer = services.customer_create(actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Customer %(account)s created.") % {"account": customer.account_number})
            return redirect("staff:customer-detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None, "shared_phone": shared})


@staff_permission_required("customers.change_customer")
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk: int):
    customer = customer_get_for_staff(user=request.user, pk=pk)
    form = _customer_form(request, data=request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "shared_phone_confirmed"}
        try:
            services.customer_update(actor=request.user, customer=customer, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Customer details saved."))
            return redirect("staff:customer-detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@staff_permission_required("customers.change_customer")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def customer_portal_access(request, pk: int):
    customer = customer_get_for_staff(user=request.user, pk=pk)
    form = PortalAccessForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_portal_access_set(actor=request.user, customer=customer, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if wants_region(request):
                response = render(request, "customers/customer_portal_access.html#dialog-done", {"customer": customer})
                response["HX-Trigger"] = json.dumps({"customerChanged": None})  # the overview tab reloads
                return response
            messages.success(request, _t("Portal password set. The customer signs in with %(account)s.") % {"account": customer.account_number})
            return redirect("staff:customer-detail", pk=customer.pk)
    template = "customers/customer_portal_access.html"
    return render(request, f"{template}#dialog" if wants_region(request) else template, {"form": form, "customer": customer})


urlpatterns = [
    path("customers/", customer_list, name="customer-list"),
    path("customers/export.csv", customer_export, name="customer-export"),
    path("customers/new/", customer_create, name="customer-create"),
    path("customers/<int:pk>/", customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", customer_edit, name="customer-edit"),
    path("customers/<int:pk>/portal-access/", customer_portal_access, name="customer-portal-access"),
]
