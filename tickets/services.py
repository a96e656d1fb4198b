"""Every write of the tickets app: raising tickets, replies and notes, status changes with their SLA
clocks, assignment, surveys, SLA policies and business hours, and the breach job.

SLA clocks: a ticket copies its targets (business minutes) from the policy when it is raised or its
priority changes. Its deadlines are `created_at + target + paused` in business time, where `paused`
is the business time it has spent waiting on the customer; while it waits, the unmet deadlines are
cleared and nothing can breach.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.attachments import ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, attachment_check  # noqa: F401 - re-exported
from ispbill.core.audit import audit_changes, audit_record, snapshot
from ispbill.core.numbering import allocate_number
from ispbill.core.webhooks import TICKET_CREATED, TICKET_RESOLVED, webhook_publish
from ispbill.notify.events import Event
from ispbill.notify.services import notify_customer

from .models import Category, Priority, Survey, Ticket, TicketComment
from .selectors import (
    assignable_users,
    business_calendar,
    may_reopen,
    sla_targets,
)
from .sla import BusinessCalendar, add_business_minutes, business_minutes_between

TICKET_NUMBER_PREFIX = "TKT"
# A dead connection is more urgent than a question about a bill.
DEFAULT_PRIORITY = {Category.NO_CONNECTION: Priority.HIGH}
SUBJECT_MAX = 150
BODY_MAX = 5000
TICKET_FIELDS = ("status", "priority", "category", "assignee", "first_response_due", "resolution_due")


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def text_clean(value: str, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    if len(value) > limit:
        raise ValidationError({field: _("Keep it under %(limit)d characters.") % {"limit": limit}})
    return value


def portal_ticket_url(ticket: Ticket) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:ticket-detail", args=[ticket.pk])


def staff_ticket_url(ticket: Ticket) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("staff:ticket-detail", args=[ticket.pk])


# Attachments ----------------------------------------------------------------------------------------------

def validate_attachment(upload) -> tuple[str, str]:
    """(original name, content type) of an acceptable upload; a clear error for anything else."""
    return attachment_check(upload, field="attachment")


# SLA clocks -------------------------------------------------------------------------------------------------

def _set_deadlines(ticket: Ticket, *, calendar: BusinessCalendar) -> None:
    """Deadlines from the targets and the pauses so far; cleared while the ticket waits."""
    if ticket.paused_since is not None:
        if ticket.first_response_at is None:
            ticket.first_response_due = None
        ticket.resolution_due = None
        return
    if ticket.first_response_at is None:
        ticket.first_response_due = add_business_minutes(
            calendar, ticket.created_at, ticket.response_target_minutes + ticket.paused_minutes,
        )
    if ticket.status in Ticket.UNFINISHED:
        ticket.resolution_due = add_business_minutes(
            calendar, ticket.created_at, ticket.resolution_target_minutes + ticket.paused_minutes,
        )
    ticket.response_warned_at = ticket.response_warned_at if ticket.first_response_at else None
    ticket.resolution_warned_at = None


def _pause(ticket: Ticket, *, now: datetime, calendar: BusinessCalendar) -> None:
    if ticket.paused_since is None:
        ticket.paused_since = now
        _set_deadlines(ticket, calendar=calendar)


def _resume(ticket: Ticket, *, now: datetime, calendar: BusinessCalendar) -> None:
    if ticket.paused_since is not None:
        ticket.paused_minutes += business_minutes_between(calendar, ticket.paused_since, now)
        ticket.paused_since = None
        _set_deadlines(ticket, calendar=calendar)


def record_breach(ticket: Ticket, *, kind: str, now: datetime) -> bool:
    """Note a passed deadline once; True when it is new."""
    if kind == "response":
        if ticket.response_breached_at or ticket.first_response_due is None or ticket.first_response_due >= now:
            return False
        ticket.response_breached_at = ticket.first_response_due
    else:
        if ticket.resolution_breached_at or ticket.resolution_due is None or ticket.resolution_due >= now:
            return False
        ticket.resolution_breached_at = ticket.resolution_due
    ticket.breached = True
    return True


# Raising tickets ----------------------------------------------------------------------------------------------

@transaction.atomic
def ticket_create(
    *, actor, customer, category: str, subject: str, description: str, priority: str = "",
    source: str = Ticket.Source.PORTAL, assignee=None, attachment=None, now: datetime | None = None,
) -> Ticket:
    """A new ticket, numbered (TKT-2026-00001), with its SLA deadlines from the policy."""
    errors = {}
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    if priority and priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    for field, value, limit, label in (("subject", subject, SUBJECT_MAX, _("A subject")), ("description", description, BODY_MAX, _("A description"))):
        try:
            text_clean(value, field=field, limit=limit, label=label)
        except ValidationError as error:
            errors.update(error.message_dict)
    attachment_facts = ("", "")
    if attachment is not None:
        try:
            attachment_facts = validate_attachment(attachment)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    priority = priority or DEFAULT_PRIORITY.get(category, Priority.NORMAL)
    response_target, resolution_target = sla_targets(priority=priority, category=category)
    ticket = Ticket(
        number=allocate_number(prefix=TICKET_NUMBER_PREFIX, year=timezone.localtime(now).year),
        customer=customer, branch_id=customer.branch_id, area_id=customer.area_id, category=category,
        priority=priority, source=source, subject=subject.strip(), description=description.strip(),
        assignee=assignee, created_by=actor if getattr(actor, "pk", None) else None, created_at=now, updated_at=now,
        response_target_minutes=response_target, resolution_target_minutes=resolution_target,
        attachment_name=attachment_facts[0], attachment_type=attachment_facts[1],
    )
    _set_deadlines(ticket, calendar=business_calendar())
    if attachment is not None:
        ticket.attachment.save(attachment_facts[0], attachment, save=False)
    ticket.save()
    audit_record(actor=actor, action="ticket.create", obj=ticket, after=snapshot(ticket, TICKET_FIELDS))
    webhook_publish(TICKET_CREATED, _ticket_event(ticket))
    return ticket


def _ticket_event(ticket: Ticket) -> dict:
    """A ticket webhook's data (docs/api.md)."""
    return {
        "id": ticket.pk, "number": ticket.number, "customer_id": ticket.customer_id, "status": ticket.status,
        "category": ticket.category, "priority": ticket.priority, "subject": ticket.subject, "source": ticket.source,
        "created_at": ticket.created_at, "resolved_at": ticket.resolved_at,
    }


# The thread ----------------------------------------------------------------------------------------------------

@transaction.atomic
def ticket_reply(*, actor, ticket: Ticket, body: str, internal: bool = False, now: datetime | None = None) -> TicketComment:
    """Staff's public reply (the customer is told) or internal note. The first public reply is the
    first response; its deadline, if passed, is recorded as breached."""
    body = text_clean(body, field="body", limit=BODY_MAX, label=_("The message"))
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(_("This ticket is closed; reopen it to reply."))
    comment = TicketComment.objects.create(ticket=ticket, author=actor, internal=internal, body=body, created_at=now)
    ticket.updated_at = now
    if not internal and ticket.first_response_at is None:
        record_breach(ticket, kind="response", now=now)
        ticket.first_response_at = now
    ticket.save()
    audit_record(actor=actor, action="ticket.note" if internal else "ticket.reply", obj=ticket, after={"comment": comment.pk})
    if not internal:
        notify_customer(
            event=Event.TICKET_REPLIED, customer=ticket.customer, related=comment,
            context={"ticket_number": ticket.number, "ticket_subject": ticket.subject,
                     "ticket_url": portal_ticket_url(ticket), "reply": body},
        )
    return comment


@transaction.atomic
def ticket_customer_reply(*, customer, ticket: Ticket, body: str, now: datetime | None = None) -> TicketComment:
    """The customer's reply on their own ticket; a ticket waiting on them goes back to work."""
    if ticket.customer_id != customer.pk:
        raise PermissionDenied
    body = text_clean(body, field="body", limit=BODY_MAX, label=_("The message"))
    now = now or timezone.now()
    ticket = _lock(ticket)
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        raise ValidationError(_("This ticket is resolved. Reopen it if the problem is back."))
    comment = TicketComment.objects.create(
        ticket=ticket, author=customer.user, by_customer=True, body=body, created_at=now,
    )
    before = snapshot(ticket, TICKET_FIELDS)
    if ticket.status == Ticket.Status.WAITING:
        ticket.status = Ticket.Status.IN_PROGRESS
        _resume(ticket, now=now, calendar=business_calendar())
    ticket.updated_at = now
    ticket.save()
    changed_before, changed_after = audit_changes(before, snapshot(ticket, TICKET_FIELDS))
    audit_record(
        actor=customer.user, action="ticket.customer_reply", obj=ticket,
        before=changed_before or None, after={**changed_after, "comment": comment.pk},
    )
    return comment


# Status, assignment, priority ---------------------------------------------------------------------------------

def _apply_status(ticket: Ticket, *, status: str, now: datetime, calendar: BusinessCalendar) -> None:
    if status == Ticket.Status.WAITING:
        _pause(ticket, now=now, calendar=calendar)
    elif ticket.paused_since is not None:
        _resume(ticket, now=now, calendar=calendar)
    if status == Ticket.Status.RESOLVED:
        record_breach(ticket, kind="resolution", now=now)
        ticket.resolved_at = now
    elif status == Ticket.Status.CLOSED:
        if ticket.status != Ticket.Status.RESOLVED:
            record_breach(ticket, kind="resolution", now=now)
            ticket.resolved_at = ticket.resolved_at or now
        ticket.closed_at = now
    elif status == Ticket.Status.REOPENED:
        ticket.resolved_at = ticket.closed_at = None
    ticket.status = status
    ticket.updated_at = now


def _ask_for_survey(ticket: Ticket, *, now: datetime, resolver=None) -> Survey | None:
    """Ask once per ticket, on its first resolution. The answer counts for the assignee, or for
    whoever resolved an unassigned ticket."""
    agent = ticket.assignee or (resolver if getattr(resolver, "kind", "") in ("staff", "technician") else None)
    survey, created = Survey.objects.get_or_create(ticket=ticket, defaults={
        "agent": agent, "asked_at": now, "customer_id": ticket.customer_id, "branch_id": ticket.branch_id,
        "subject": ticket.number,
    })
    if not created:
        return None
    notify_customer(
        event=Event.TICKET_RESOLVED, customer=ticket.customer, related=ticket,
        context={"ticket_number": ticket.number, "ticket_subject": ticket.subject, "ticket_url": portal_ticket_url(ticket)},
    )
    return survey


@transaction.atomic
def ticket_change_status(*, actor, ticket: Ticket, status: str, reason: str = "", now: datetime | None = None) -> Ticket:
    """Move a ticket along its allowed transitions; waiting pauses the SLA clocks, resolving asks
    the customer for a rating (once per ticket)."""
    now = now or timezone.now()
    ticket = _lock(ticket)
    if status not in Ticket.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if not ticket.can_become(status):
        raise ValidationError({"status": _("A ticket that is %(current)s cannot become %(new)s.") % {
            "current": ticket.get_status_display().lower(), "new": Ticket.Status(status).label.lower(),
        }})
    before = snapshot(ticket, TICKET_FIELDS)
    _apply_status(ticket, status=status, now=now, calendar=business_calendar())
    if ticket.assignee_id is None and getattr(actor, "kind", "") in ("staff", "technician") and status == Ticket.Status.IN_PROGRESS:
        ticket.assignee = actor  # whoever starts working on an unassigned ticket owns it
    ticket.save()
    changed_before, changed_after = audit_changes(before, snapshot(ticket, TICKET_FIELDS))
    audit_record(actor=actor, action="ticket.status", obj=ticket, reason=reason.strip(), before=changed_before, after=changed_after)
    if status == Ticket.Status.RESOLVED:
        _ask_for_survey(ticket, now=now, resolver=actor)
        webhook_publish(TICKET_RESOLVED, _ticket_event(ticket))
    return ticket


@transaction.atomic
def ticket_reopen(*, customer, ticket: Ticket, reason: str, now: datetime | None = None) -> Ticket:
    """The customer reopens their resolved ticket within the reopen window (Settings → SLA policies)."""
    if ticket.customer_id != customer.pk:
        raise PermissionDenied
    reason = text_clean(reason, field="reason", limit=BODY_MAX, label=_("What is still wrong"))
    now = now or timezone.now()
    ticket = _lock(ticket)
    if not may_reopen(ticket, now=now):
        raise ValidationError(_("This ticket can no longer be reopened: please open a new one."))
    before = snapshot(ticket, TICKET_FIELDS)
    _apply_status(ticket, status=Ticket.Status.REOPENED, now=now, calendar=business_calendar())
    ticket.save()
    TicketComment.objects.create(ticket=ticket, author=customer.user, by_customer=True, body=reason, created_at=now)
    changed_before, changed_after = audit_changes(before, snapshot(ticket, TICKET_FIELDS))
    audit_record(actor=customer.user, action="ticket.reopen", obj=ticket, reason=reason, before=changed_before, after=changed_after)
    return ticket


def _check_assignee(*, actor, assignee) -> None:
    if assignee is not None and not assignable_users(user=actor).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose an active staff member or technician of your branches.")})


@transaction.atomic
def ticket_update(*, actor, ticket: Ticket, assignee=None, priority: str | None = None, category: str | None = None) -> Ticket:
    """Triage: assignee, priority and category. A new priority or category takes the policy's
    targets and moves the deadlines that are still running."""
    ticket = _lock(ticket)
    _check_assignee(actor=actor, assignee=assignee)
    if priority is not None and priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    if category is not None and category not in Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    before = snapshot(ticket, TICKET_FIELDS)
    ticket.assignee = assignee
    retarget = (priority is not None and priority != ticket.priority) or (category is not None and category != ticket.category)
    ticket.priority = priority or ticket.priority
    ticket.category = category or ticket.category
    if retarget:
        ticket.response_target_minutes, ticket.resolution_target_minutes = sla_targets(
            priority=ticket.priority, category=ticket.category,
        )
        if ticket.status in Ticket.UNFINISHED:
            _set_deadlines(ticket, calendar=business_calendar())
    changed_before, changed_after = audit_changes(before, snapshot(ticket, TICKET_FIELDS))
    if not changed_after:
        return ticket
    ticket.updated_at = timezone.now()
    ticket.save()
    audit_record(actor=actor, action="ticket.update", obj=ticket, before=changed_before, after=changed_after)
    return ticket


@transaction.atomic
def tickets_bulk_assign(*, actor, tickets, assignee) -> int:
    """Assign many tickets (already scoped to the actor's branches); returns how many changed."""
    _check_assignee(actor=actor, assignee=assignee)
    changed = 0
    for ticket in tickets.select_for_update().order_by("pk"):
        if ticket.assignee_id == (assignee.pk if assignee else None):
            continue
        before = {"assignee": ticket.assignee_id}
        ticket.assignee = assignee
        ticket.updated_at = timezone.now()
        ticket.save(update_fields=["assignee", "updated_at"])
        audit_record(actor=actor, action="ticket.update", obj=ticket, before=before, after={"assignee": ticket.assignee_id})
        changed += 1
    return changed


# Surveys --------------------------------------------------------------------------------------------------------

def _answer_cleaned(rating, comment: str) -> tuple[int, str]:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose one to five stars.")})
    comment = (comment or "").strip()
    if len(comment) > BODY_MAX:
        raise ValidationError({"comment": _("Keep it under %(limit)d characters.") % {"limit": BODY_MAX}})
    return rating, comment


@transaction.atomic
def survey_submit(*, customer, ticket: Ticket, rating, comment: str = "", now: datetime | None = None) -> Survey:
    """The customer's 1–5 stars for their resolved ticket; once."""
    if ticket.customer_id != customer.pk:
        raise PermissionDenied
    rating, comment = _answer_cleaned(rating, comment)
    ticket = _lock(ticket)
    survey = Survey.objects.select_for_update().filter(ticket=ticket).first()
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) or survey is None:
        raise ValidationError(_("You can rate a ticket once it is resolved."))
    if survey.rating is not None:
        raise ValidationError(_("You have already rated this ticket. Thank you!"))
    survey.rating, survey.comment, survey.answered_at = rating, comment, now or timezone.now()
    survey.save()
    audit_record(actor=customer.user, action="ticket.survey", obj=ticket, after={"rating": rating})
    return survey


@transaction.atomic
def survey_ask_visit(*, customer, agent, subject: str, branch_id: int | None = None, now: datetime | None = None) -> Survey:
    """Ask the customer to rate a technician's visit (usecases/workorder_complete.py, when a visit is
    completed). The answer counts for the technician."""
    return Survey.objects.create(
        kind=Survey.Kind.VISIT, customer=customer, branch_id=branch_id or customer.branch_id,
        agent=agent if getattr(agent, "pk", None) else None, subject=(subject or "")[:200], asked_at=now or timezone.now(),
    )


@transaction.atomic
def survey_answer_visit(*, customer, survey_id: int, rating, comment: str = "", now: datetime | None = None) -> Survey:
    """The customer's 1–5 stars for a visit; once. Another customer's survey is refused, nothing changed."""
    rating, comment = _answer_cleaned(rating, comment)
    survey = Survey.objects.select_for_update().filter(pk=survey_id, kind=Survey.Kind.VISIT).first()
    if survey is None or survey.customer_id != customer.pk:
        raise PermissionDenied
    if survey.rating is not None:
        raise ValidationError(_("You rated this visit already. Thank you!"))
    survey.rating, survey.comment, survey.answered_at = rating, comment, now or timezone.now()
    survey.save()
    audit_record(actor=customer.user, action="visit.survey", obj=survey, after={"rating": rating, "subject": survey.subject})
    return survey
