"""The SLA's settings and its job: the policies (response and resolution targets per priority and
category), business hours and holidays, staff's edits of them, and the breach job that warns before
a deadline and records a breach once (the clocks themselves run in services.py as tickets move)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_changes, audit_record, snapshot
from ispbill.notify.events import Channel, Event
from ispbill.notify.services import notify_address

from .models import Category, Holiday, Priority, SlaPolicy, SupportSettings, Ticket
from .selectors import (
    FALLBACK_TARGETS,
    current_support_settings,
    managers_for,
)
from .services import record_breach, staff_ticket_url, text_clean

# SLA policies and business hours -----------------------------------------------------------------------------

def _check_targets(response_minutes, resolution_minutes) -> None:
    errors = {}
    for field, value in (("response_minutes", response_minutes), ("resolution_minutes", resolution_minutes)):
        if value is None or int(value) <= 0:
            errors[field] = _("A target must be at least one minute: zero would breach every ticket at once.")
    if not errors and int(resolution_minutes) < int(response_minutes):
        errors["resolution_minutes"] = _("Resolution cannot be due before the first response.")
    if errors:
        raise ValidationError(errors)


POLICY_FIELDS = ("priority", "category", "response_minutes", "resolution_minutes")


def sla_policies_ensure_defaults(*, using: str = "default") -> int:
    """One all-categories policy per priority, with the shipped targets, where none exists yet;
    never touches a row a manager edited. Runs after every migrate."""
    existing = set(SlaPolicy.objects.using(using).filter(category="").values_list("priority", flat=True))
    missing = [
        SlaPolicy(priority=priority, category="", response_minutes=response, resolution_minutes=resolution)
        for priority, (response, resolution) in FALLBACK_TARGETS.items() if priority not in existing
    ]
    SlaPolicy.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def sla_policy_save(
    *, actor, policy: SlaPolicy | None = None, priority: str, category: str, response_minutes: int, resolution_minutes: int,
) -> SlaPolicy:
    """Create or change a policy. Applies to tickets raised (or re-prioritised) from now on."""
    _check_targets(response_minutes, resolution_minutes)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    if category and category not in Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    clash = SlaPolicy.objects.filter(priority=priority, category=category or "")
    if policy is not None:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ValidationError(_("There is already a policy for this priority and category."))
    before = snapshot(policy, POLICY_FIELDS) if policy is not None else None
    policy = policy or SlaPolicy()
    policy.priority, policy.category = priority, category or ""
    policy.response_minutes, policy.resolution_minutes = int(response_minutes), int(resolution_minutes)
    policy.save()
    after = snapshot(policy, POLICY_FIELDS)
    if before is not None:
        before, after = audit_changes(before, after)
    audit_record(actor=actor, action="sla_policy.save", obj=policy, before=before, after=after)
    return policy


@transaction.atomic
def sla_policy_delete(*, actor, policy: SlaPolicy) -> None:
    if not policy.category:
        raise ValidationError(_("Every priority keeps a policy for all categories; change its targets instead."))
    audit_record(actor=actor, action="sla_policy.delete", obj=policy, before=snapshot(policy, POLICY_FIELDS))
    policy.delete()


SUPPORT_FIELDS = ("workday_start", "workday_end", "working_days", "reopen_days", "warn_before_minutes")


def _support_snapshot(support: SupportSettings) -> dict:
    data = {name: getattr(support, name) for name in SUPPORT_FIELDS}
    data["workday_start"], data["workday_end"] = support.workday_start.isoformat("minutes"), support.workday_end.isoformat("minutes")
    return data


@transaction.atomic
def support_settings_update(*, actor, **changes) -> SupportSettings:
    support = SupportSettings.objects.select_for_update().filter(pk=1).first() or current_support_settings()
    before = _support_snapshot(support)
    unknown = set(changes) - set(SUPPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown support settings: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(support, name, value)
    support.working_days = sorted({int(day) for day in support.working_days})
    if not support.working_days or not set(support.working_days) <= set(range(7)):
        raise ValidationError({"working_days": _("Choose at least one working day.")})
    if not support.workday_start < support.workday_end:
        raise ValidationError({"workday_end": _("The working day must end after it starts.")})
    support.save()
    changed_before, changed_after = audit_changes(before, _support_snapshot(support))
    if changed_after:
        audit_record(actor=actor, action="support_settings.update", obj=support, before=changed_before, after=changed_after)
    return support


@transaction.atomic
def holiday_add(*, actor, date, name: str) -> Holiday:
    name = text_clean(name, field="name", limit=100, label=_("A name"))
    if Holiday.objects.filter(date=date).exists():
        raise ValidationError({"date": _("That day is already a holiday.")})
    holiday = Holiday.objects.create(date=date, name=name)
    audit_record(actor=actor, action="holiday.add", obj=holiday, after={"date": date.isoformat(), "name": name})
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> None:
    audit_record(actor=actor, action="holiday.delete", obj=holiday, before={"date": holiday.date.isoformat(), "name": holiday.name})
    holiday.delete()


# The breach job ---------------------------------------------------------------------------------------------

def _warn(ticket: Ticket, *, kind: str, deadline: datetime) -> int:
    """E-mail and SMS the assignee and the managers of the ticket's branch; returns messages queued."""
    recipients = {user.pk: user for user in managers_for(ticket)}
    if ticket.assignee is not None and ticket.assignee.is_active:
        recipients[ticket.assignee.pk] = ticket.assignee
    context = {
        "customer_name": ticket.customer.name, "account_number": ticket.customer.account_number,
        "ticket_number": ticket.number, "ticket_subject": ticket.subject, "ticket_url": staff_ticket_url(ticket),
        "deadline_kind": _("first response") if kind == "response" else _("resolution"),
        "deadline": timezone.localtime(deadline), "assignee_name": str(ticket.assignee) if ticket.assignee else "",
    }
    queued = 0
    for user in recipients.values():
        for channel, address in ((Channel.EMAIL, user.email), (Channel.SMS, user.phone)):
            if address and notify_address(
                event=Event.TICKET_SLA_WARNING, channel=channel, to=address, context=context, related=ticket,
                occurrence=f"{kind}:{deadline.isoformat()}",
            ):
                queued += 1
    return queued


def sla_check(*, now: datetime | None = None) -> dict[str, int]:
    """Record passed deadlines as breaches and warn before deadlines pass. Idempotent: a breach is
    recorded once, a warning sent once per deadline."""
    now = now or timezone.now()
    warn_until = now + timedelta(minutes=current_support_settings().warn_before_minutes)
    result = {"breaches": 0, "warnings": 0}
    running = Ticket.objects.filter(status__in=Ticket.ACTIVE)
    due = running.filter(
        Q(first_response_at__isnull=True, response_breached_at__isnull=True, first_response_due__lt=now)
        | Q(resolution_breached_at__isnull=True, resolution_due__lt=now)
    )
    for pk in due.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if ticket.status not in Ticket.ACTIVE:
                continue
            kinds = [kind for kind in ("response", "resolution") if not (kind == "response" and ticket.first_response_at)
                     and record_breach(ticket, kind=kind, now=now)]
            if kinds:
                ticket.save(update_fields=["breached", "response_breached_at", "resolution_breached_at"])
                audit_record(actor=None, action="ticket.breach", obj=ticket, after={"breached": kinds})
                result["breaches"] += len(kinds)
    warn = running.filter(
        Q(first_response_at__isnull=True, response_warned_at__isnull=True, first_response_due__gte=now, first_response_due__lte=warn_until)
        | Q(resolution_warned_at__isnull=True, resolution_due__gte=now, resolution_due__lte=warn_until)
    )
    for pk in warn.values_list("pk", flat=True).order_by("pk").iterator():
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(of=("self",)).select_related("customer", "assignee").get(pk=pk)
            if ticket.first_response_at is None and ticket.response_warned_at is None and ticket.first_response_due and now <= ticket.first_response_due <= warn_until:
                result["warnings"] += _warn(ticket, kind="response", deadline=ticket.first_response_due)
                ticket.response_warned_at = now
            if ticket.resolution_warned_at is None and ticket.resolution_due and now <= ticket.resolution_due <= warn_until:
                result["warnings"] += _warn(ticket, kind="resolution", deadline=ticket.resolution_due)
                ticket.resolution_warned_at = now
            ticket.save(update_fields=["response_warned_at", "resolution_warned_at"])
    return result
