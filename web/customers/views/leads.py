"""The leads board in the staff console: the sales pipeline from first call to customer."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from customers import services
from customers.models import Lead
from customers.selectors import lead_get_for_staff, leads_visible_to
from ispbill.core.forms import add_service_errors
from ispbill.core.phone import display_phone
from web.customers.forms.lead import (
    LEAD_FORM_FIELDS,
    OPEN_STATUSES,
    LeadConvertForm,
    LeadFilterForm,
    LeadForm,
    LeadLostForm,
    LeadMoveForm,
)
from web.surfaces import staff_permission_required

from .catalog import form_done, render_form

# A column longer than this is a list, not a board: filters narrow it.
BOARD_COLUMN_LIMIT = 60
LEADS_CHANGED = "leadsChanged"


def _with_display_phone(leads):
    leads = list(leads)
    for lead in leads:
        lead.phone_display = display_phone(lead.phone)
    return leads


def _back_to_board(request):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith(reverse("staff:lead-list")):
        return redirect(target)
    return redirect("staff:lead-list")


def _board_refresh(request):
    """HTMX: the board reloads itself on this event; without JS: back to the board as it was."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Trigger": json.dumps({"closeModal": None, LEADS_CHANGED: None})})
    return _back_to_board(request)


@vary_on_headers("HX-Request")
@staff_permission_required("customers.view_lead")
def lead_list(request):
    filters = LeadFilterForm(request.GET or None, user=request.user)
    criteria = filters.criteria()
    leads = leads_visible_to(request.user)
    if criteria["area"]:
        leads = leads.filter(area=criteria["area"])
    if criteria["source"]:
        leads = leads.filter(source=criteria["source"])
    if criteria["assigned_to"]:
        leads = leads.filter(assigned_to=criteria["assigned_to"])
    counts = dict(leads.order_by().values_list("status").annotate(total=Count("id")))
    context = {
        "filters": filters,
        "view": criteria["view"],
        "open_count": sum(counts.get(status, 0) for status in OPEN_STATUSES),
        "converted_count": counts.get(Lead.Status.CONVERTED, 0),
        "lost_count": counts.get(Lead.Status.LOST, 0),
        "filter_query": _query_without(request, "view", "page"),
    }
    if criteria["view"] == "open":
        context["columns"] = [
            {
                "status": status,
                "label": status.label,
                "count": counts.get(status, 0),
                "leads": _with_display_phone(leads.filter(status=status)[:BOARD_COLUMN_LIMIT]),
            }
            for status in OPEN_STATUSES
        ]
        context["move_choices"] = [(status.value, status.label) for status in OPEN_STATUSES]
    else:
        page = Paginator(leads.filter(status=criteria["view"]).select_related("converted_customer"), settings.STAFF_LIST_PAGE_SIZE)
        context["page"] = page.get_page(request.GET.get("page"))
        context["page"].object_list = _with_display_phone(context["page"].object_list)
        context["page_query"] = _query_without(request, "page")
    if request.htmx:
        return render(request, "customers/lead_list.html#lead-board", context)
    return render(request, "customers/lead_list.html", context)


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_lead", "customers.add_lead")
def lead_create(request):
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Lead %(name)s added.") % {"name": lead.name}, event=LEADS_CHANGED,
                redirect_to="staff:lead-list",
            )
    return render_form(request, "customers/lead_form.html", {"form": form, "title": _("New lead")})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_lead", "customers.change_lead")
def lead_edit(request, pk: int):
    lead = lead_get_for_staff(user=request.user, pk=pk)
    title = _("Edit lead %(name)s") % {"name": lead.name}
    form = LeadForm(request.POST or None, user=request.user, lead=lead)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(actor=request.user, lead=lead, **{name: form.cleaned_data[name] for name in LEAD_FORM_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form_done(
                request, message=_("Lead %(name)s saved.") % {"name": lead.name}, event=LEADS_CHANGED,
                redirect_to="staff:lead-list",
            )
    return render_form(request, "customers/lead_form.html", {"form": form, "lead": lead, "title": title})


@staff_permission_required("customers.view_lead", "customers.change_lead")
def lead_move(request, pk: int):
    lead = lead_get_for_staff(user=request.user, pk=pk)  # a lead out of scope is not found, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LeadMoveForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose New, Contacted or Site survey."))
    status = Lead.Status(form.cleaned_data["status"])
    if lead.status != status:
        try:
            services.lead_update(actor=request.user, lead=lead, status=status)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s moved to %(status)s.") % {"name": lead.name, "status": status.label})
    return _board_refresh(request)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_lead", "customers.change_lead")
def lead_lost(request, pk: int):
    lead = lead_get_for_staff(user=request.user, pk=pk)
    form = LeadLostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if lead.status == Lead.Status.LOST:
            form.add_error(None, _("This lead is already marked lost."))
        else:
            stamp = _("Lost on %(date)s: %(note)s") % {
                "date": timezone.localdate().isoformat(), "note": form.cleaned_data["note"].strip(),
            }
            notes = f"{lead.notes.rstrip()}\n\n{stamp}" if lead.notes.strip() else stamp
            try:
                services.lead_update(actor=request.user, lead=lead, status=Lead.Status.LOST, notes=notes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return form_done(
                    request, message=_("%(name)s marked lost.") % {"name": lead.name}, event=LEADS_CHANGED,
                    redirect_to="staff:lead-list",
                )
    return render_form(request, "customers/lead_lost.html", {"form": form, "lead": lead})


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
@staff_permission_required("customers.view_lead", "customers.change_lead", "customers.add_customer")
def lead_convert(request, pk: int):
    lead = lead_get_for_staff(user=request.user, pk=pk)
    form = LeadConvertForm(request.POST or None, user=request.user, lead=lead)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.lead_convert(actor=request.user, lead=lead, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is now customer %(account)s.") % {"name": customer.name, "account": customer.account_number}
            )
            target = reverse("staff:customer-detail", args=[customer.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return render_form(
        request, "customers/lead_convert.html", {"form": form, "lead": lead, "phone_display": display_phone(lead.phone)}
    )


urlpatterns = [
    path("leads/", lead_list, name="lead-list"),
    path("leads/new/", lead_create, name="lead-create"),
    path("leads/<int:pk>/edit/", lead_edit, name="lead-edit"),
    path("leads/<int:pk>/move/", lead_move, name="lead-move"),
    path("leads/<int:pk>/lost/", lead_lost, name="lead-lost"),
    path("leads/<int:pk>/convert/", lead_convert, name="lead-convert"),
]
