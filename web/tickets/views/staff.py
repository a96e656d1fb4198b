"""Staff console: the ticket inbox (HTMX list, filters, keyset pages, bulk assign), raising a ticket
for a customer, and the ticket page with its thread, replies, notes, status and triage."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from customers.selectors import area_filter_choices, customer_get_for_staff
from fibre import selectors as fibre_selectors
from ispbill.core.attachments import attachment_response as core_attachment_response
from ispbill.core.forms import add_service_errors
from tickets import selectors, services
from tickets.models import Category, Priority, Survey, Ticket
from web.surfaces import staff_permission_required

from ..forms import BulkAssignForm, InboxFilterForm, ReplyForm, StaffTicketForm, StatusForm, TriageForm

AUDIT_LABELS = {
    "ticket.create": _l("Ticket raised"),
    "ticket.status": _l("Status changed"),
    "ticket.update": _l("Triage changed"),
    "ticket.reply": _l("Public reply"),
    "ticket.note": _l("Internal note"),
    "ticket.customer_reply": _l("Customer replied"),
    "ticket.reopen": _l("Reopened by the customer"),
    "ticket.breach": _l("SLA breached"),
    "ticket.survey": _l("Customer rated the support"),
}


FIELD_LABELS = {
    "status": _l("status"), "priority": _l("priority"), "category": _l("category"), "assignee": _l("assignee"),
    "breached": _l("deadlines passed"), "rating": _l("stars"),
}


def _region(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _int(value) -> int | None:
    """A keyset cursor (a ticket id) from the query string; anything else, forged or oversized, is ignored."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@staff_permission_required("tickets.view_ticket")
@vary_on_headers("HX-Request")
def ticket_list(request):
    form = InboxFilterForm(request.GET or None, choices=area_filter_choices(user=request.user))
    page = selectors.ticket_inbox(
        user=request.user, **form.filters(), after=_int(request.GET.get("after")), before=_int(request.GET.get("before")),
    )
    query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("after", "before") and v])
    context = {
        "form": form, "page": page, "query": query,
        "may_assign": request.user.has_perm("tickets.assign_ticket"),
        "assignees": selectors.assignable_users(user=request.user),
        "now": timezone.now(),
    }
    template = "tickets/ticket_list.html"
    return render(request, f"{template}#ticket-results" if _region(request) else template, context)


@require_POST
@staff_permission_required("tickets.assign_ticket")
def ticket_bulk_assign(request):
    assignees = selectors.assignable_users(user=request.user)
    form = BulkAssignForm(request.POST, assignees=assignees)
    back = request.POST.get("next") or reverse("staff:ticket-list")
    if not back.startswith(reverse("staff:ticket-list")):
        back = reverse("staff:ticket-list")
    if not form.is_valid():
        messages.error(request, _("Tick the tickets to assign and choose who gets them."))
        return redirect(back)
    tickets = selectors.tickets_visible_to(request.user).filter(pk__in=form.cleaned_data["tickets"])
    try:
        changed = services.tickets_bulk_assign(actor=request.user, tickets=tickets, assignee=form.cleaned_data["assignee"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)d tickets assigned.") % {"count": changed})
    return redirect(back)


@staff_permission_required("tickets.add_ticket")
def ticket_create_for_customer(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    assignees = selectors.assignable_users(user=request.user)
    form = StaffTicketForm(request.POST or None, request.FILES or None, assignees=assignees, initial={"source": request.GET.get("source", Ticket.Source.CALL)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request.user, customer=customer, category=data["category"], subject=data["subject"],
                description=data["description"], priority=data["priority"], source=data["source"],
                assignee=data["assignee"], attachment=data["attachment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket %(number)s raised.") % {"number": ticket.number})
            return redirect("staff:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/ticket_form.html", {"form": form, "customer": customer})


def _history(ticket: Ticket) -> list:
    entries = list(selectors.ticket_history(ticket))
    for entry in entries:
        entry.label = AUDIT_LABELS.get(entry.action, entry.action)
        entry.changes = [
            (key, (entry.before or {}).get(key), value) for key, value in (entry.after or {}).items()
            if key in ("status", "priority", "category", "assignee", "breached", "rating")
        ]
    return entries


BREACH_KINDS = {"response": _l("first response"), "resolution": _l("resolution")}


def _change_label(labels: dict, key: str, value):
    """How one side of an audited change reads. The SLA job records a breach as a list of the
    deadlines passed (["response", "resolution"]): a list is not a key to look up."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(BREACH_KINDS.get(item, item)) for item in value)
    if isinstance(value, dict):
        return value
    return labels.get(key, {}).get(value, value)


def _detail_context(request, ticket: Ticket, **forms) -> dict:
    assignees = selectors.assignable_users(user=request.user)
    history = _history(ticket)
    user_ids = {value for entry in history for key, *values in entry.changes if key == "assignee" for value in values if value}
    labels = {
        "status": dict(Ticket.Status.choices), "priority": dict(Priority.choices), "category": dict(Category.choices),
        "assignee": dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username")),
    }
    for entry in history:
        entry.changes = [
            (FIELD_LABELS.get(key, key), _change_label(labels, key, before), _change_label(labels, key, after))
            for key, before, after in entry.changes
        ]
    return {
        "ticket": ticket,
        "customer": ticket.customer,
        "thread": selectors.ticket_thread(ticket, public_only=False),
        "history": history,
        "is_breached": selectors.is_breached(ticket),
        "survey": Survey.objects.filter(ticket=ticket).first(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "status_form": forms.get("status_form") or StatusForm(ticket=ticket),
        "triage_form": forms.get("triage_form") or TriageForm(
            assignees=assignees, initial={"assignee": ticket.assignee_id, "priority": ticket.priority, "category": ticket.category},
        ),
        # The customer's fibre box as the customer page shows it: status, last change, signal (docs/fibre.md).
        "onus": fibre_selectors.onus_for_customer(ticket.customer) if request.user.has_perm("fibre.view_onu") else [],
        "may_change": request.user.has_perm("tickets.change_ticket"),
        "may_reply": request.user.has_perm("tickets.add_ticketcomment"),
        "may_assign": request.user.has_perm("tickets.assign_ticket"),
    }


@staff_permission_required("tickets.view_ticket")
def ticket_detail(request, pk: int):
    ticket = selectors.ticket_get_for_staff(user=request.user, pk=pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket))


@require_POST
@staff_permission_required("tickets.add_ticketcomment")
def ticket_reply(request, pk: int):
    ticket = selectors.ticket_get_for_staff(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_reply(actor=request.user, ticket=ticket, body=form.cleaned_data["body"], internal=form.cleaned_data["internal"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note saved.") if form.cleaned_data["internal"] else _("Reply sent to the customer."))
            return redirect("staff:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket, reply_form=form), status=400)


@require_POST
@staff_permission_required("tickets.change_ticket")
def ticket_status(request, pk: int):
    ticket = selectors.ticket_get_for_staff(user=request.user, pk=pk)
    form = StatusForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_change_status(actor=request.user, ticket=ticket, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status changed."))
            return redirect("staff:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket, status_form=form), status=400)


@require_POST
@staff_permission_required("tickets.change_ticket", "tickets.assign_ticket")
def ticket_triage(request, pk: int):
    ticket = selectors.ticket_get_for_staff(user=request.user, pk=pk)
    form = TriageForm(request.POST, assignees=selectors.assignable_users(user=request.user))
    if form.is_valid():
        try:
            services.ticket_update(actor=request.user, ticket=ticket, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket updated."))
            return redirect("staff:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/ticket_detail.html", _detail_context(request, ticket, triage_form=form), status=400)


def attachment_response(ticket: Ticket) -> FileResponse:
    """The ticket's attachment (the portal's view serves it too)."""
    return core_attachment_response(ticket.attachment, name=ticket.attachment_name, content_type=ticket.attachment_type)


@staff_permission_required("tickets.view_ticket")
def ticket_attachment(request, pk: int):
    return attachment_response(selectors.ticket_get_for_staff(user=request.user, pk=pk))


urlpatterns = [
    path("tickets/", ticket_list, name="ticket-list"),
    path("tickets/bulk-assign/", ticket_bulk_assign, name="ticket-bulk-assign"),
    path("tickets/<int:pk>/", ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/status/", ticket_status, name="ticket-status"),
    path("tickets/<int:pk>/triage/", ticket_triage, name="ticket-triage"),
    path("tickets/<int:pk>/attachment/", ticket_attachment, name="ticket-attachment"),
    path("customers/<int:customer_pk>/tickets/new/", ticket_create_for_customer, name="ticket-create-for-customer"),
]
