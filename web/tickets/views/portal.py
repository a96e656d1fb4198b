"""Customer portal: My tickets (list, raise, public thread, reply, reopen) and the satisfaction survey.
Every ticket is fetched through a selector scoped to request.customer: anyone else's is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from ispbill.core.forms import add_service_errors
from tickets import selectors, services
from tickets.models import Survey, Ticket

from ..forms import CustomerReplyForm, PortalTicketForm, ReopenForm, SurveyForm
from .staff import attachment_response


def ticket_list(request):
    customer = request.customer
    return render(request, "tickets/portal_ticket_list.html", {
        "tickets": selectors.portal_tickets(customer=customer),
        "pending_surveys": selectors.surveys_pending(customer=customer),
    })


def ticket_create(request):
    form = PortalTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request.user, customer=request.customer, category=data["category"], subject=data["subject"],
                description=data["description"], attachment=data["attachment"], source=Ticket.Source.PORTAL,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. Your ticket %(number)s is open; we will reply here.") % {"number": ticket.number})
            return redirect("portal:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/portal_ticket_form.html", {"form": form})


def _context(request, ticket: Ticket, **forms) -> dict:
    survey = Survey.objects.filter(ticket=ticket).first()
    return {
        "ticket": ticket,
        "thread": selectors.ticket_thread(ticket, public_only=True),
        "reply_form": forms.get("reply_form") or CustomerReplyForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "survey_form": forms.get("survey_form") or SurveyForm(),
        "survey": survey,
        "resolution": selectors.ticket_resolution_note(ticket),
        "may_reply": ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
        "may_reopen": selectors.may_reopen(ticket),
        "may_rate": survey is not None and survey.rating is None and ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED),
    }


def ticket_detail(request, pk: int):
    ticket = selectors.ticket_get_for_customer(customer=request.customer, pk=pk)
    return render(request, "tickets/portal_ticket_detail.html", _context(request, ticket))


def _ticket_action(request, pk: int, *, form_class, form_name: str, act, done: str):
    """One customer action on their own ticket: a form, one service call, back to the ticket.

    The owner check comes first, so someone else's ticket is a 404 for a GET and a POST alike.
    """
    ticket = selectors.ticket_get_for_customer(customer=request.customer, pk=pk)
    if request.method != "POST":
        return redirect("portal:ticket-detail", pk=ticket.pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(ticket, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("portal:ticket-detail", pk=ticket.pk)
    return render(request, "tickets/portal_ticket_detail.html", _context(request, ticket, **{form_name: form}), status=400)


def ticket_reply(request, pk: int):
    return _ticket_action(
        request, pk, form_class=CustomerReplyForm, form_name="reply_form", done=_("Reply sent."),
        act=lambda ticket, data: services.ticket_customer_reply(customer=request.customer, ticket=ticket, body=data["body"]),
    )


def ticket_reopen(request, pk: int):
    return _ticket_action(
        request, pk, form_class=ReopenForm, form_name="reopen_form", done=_("Ticket reopened. We are on it."),
        act=lambda ticket, data: services.ticket_reopen(customer=request.customer, ticket=ticket, reason=data["reason"]),
    )


def ticket_survey(request, pk: int):
    return _ticket_action(
        request, pk, form_class=SurveyForm, form_name="survey_form", done=_("Thank you for rating our support."),
        act=lambda ticket, data: services.survey_submit(
            customer=request.customer, ticket=ticket, rating=data["rating"], comment=data["comment"],
        ),
    )


def ticket_attachment(request, pk: int):
    return attachment_response(selectors.ticket_get_for_customer(customer=request.customer, pk=pk))


urlpatterns = [
    path("tickets/", ticket_list, name="ticket-list"),
    path("tickets/new/", ticket_create, name="ticket-create"),
    path("tickets/<int:pk>/", ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/reopen/", ticket_reopen, name="ticket-reopen"),
    path("tickets/<int:pk>/survey/", ticket_survey, name="ticket-survey"),
    path("tickets/<int:pk>/attachment/", ticket_attachment, name="ticket-attachment"),
]
