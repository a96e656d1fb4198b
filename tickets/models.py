"""Support tickets, their thread, SLA policies and business hours, and satisfaction surveys."""

import secrets
from datetime import time
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NO_CONNECTION = "no_connection", _("No connection")
    SLOW_SPEED = "slow_speed", _("Slow speed")
    BILLING_DISPUTE = "billing_dispute", _("Billing dispute")
    PACKAGE_CHANGE = "package_change", _("Package change")
    RELOCATION = "relocation", _("Relocation")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


def _default_working_days() -> list[int]:
    # Monday = 0 … Sunday = 6. Bangladesh's weekend is Friday; most ISPs answer on Saturdays.
    return [0, 1, 2, 3, 5, 6]


class SupportSettings(models.Model):
    """Business hours for SLA clocks and the customer's reopen window: one row (pk=1), edited in
    Settings → SLA policies. Times are local to settings.TIME_ZONE."""

    workday_start = models.TimeField(default=time(9, 0))
    workday_end = models.TimeField(default=time(18, 0))
    working_days = models.JSONField(default=_default_working_days, help_text=_("Weekdays, Monday = 0"))
    reopen_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("Days after resolution during which a customer may reopen a ticket"),
    )
    warn_before_minutes = models.PositiveIntegerField(
        default=60, help_text=_("Warn the assignee and their manager this many minutes before a deadline"),
    )

    class Meta:
        verbose_name_plural = "support settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="support_settings_single_row"),
            models.CheckConstraint(condition=Q(workday_end__gt=models.F("workday_start")), name="support_workday_order"),
        ]

    def __str__(self) -> str:
        return "Support settings"


class Holiday(models.Model):
    """A day the SLA clocks do not run (public holidays, Eid)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class SlaPolicy(models.Model):
    """Targets in business minutes for a priority; a row with a category wins over the row without."""

    priority = models.CharField(max_length=16, choices=Priority.choices)
    category = models.CharField(max_length=24, choices=Category.choices, blank=True, help_text=_("Empty: every category"))
    response_minutes = models.PositiveIntegerField(help_text=_("First response target, in business minutes"))
    resolution_minutes = models.PositiveIntegerField(help_text=_("Resolution target, in business minutes"))

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        ordering = ["priority", "category"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="sla_policy_unique_priority_category"),
            models.CheckConstraint(condition=Q(response_minutes__gt=0, resolution_minutes__gt=0), name="sla_policy_targets_positive"),
        ]

    def __str__(self) -> str:
        category = self.get_category_display() or _("any category")
        return f"{self.get_priority_display()} · {category}"


def attachment_path(instance, filename: str) -> str:
    """An unguessable stored name: the original name is kept in a column, never in the path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"tickets/{secrets.token_urlsafe(24)}{suffix}"


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Customer portal")
        STAFF = "staff", _("Staff console")
        CALL = "call", _("Phone call")

    # Which status may follow which; every change goes through services.ticket_change_status.
    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED},
        Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
        Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED},
        Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
        Status.CLOSED: {Status.REOPENED},
        Status.REOPENED: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    }
    # Statuses whose SLA clocks run (WAITING pauses them; RESOLVED and CLOSED stop them).
    ACTIVE = (Status.OPEN, Status.IN_PROGRESS, Status.REOPENED)
    UNFINISHED = (Status.OPEN, Status.IN_PROGRESS, Status.WAITING, Status.REOPENED)

    number = models.CharField(max_length=32, unique=True, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="tickets")
    # Copied from the customer by the service: branch scope and area filters without a join.
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="+", editable=False)
    area = models.ForeignKey("customers.Area", on_delete=models.PROTECT, related_name="+", editable=False)
    category = models.CharField(max_length=24, choices=Category.choices)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PORTAL)
    subject = models.CharField(max_length=150)
    description = models.TextField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_tickets",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    # SLA: targets copied from the policy, deadlines in real time computed in business time.
    response_target_minutes = models.PositiveIntegerField()
    resolution_target_minutes = models.PositiveIntegerField()
    paused_minutes = models.PositiveIntegerField(default=0, help_text=_("Business minutes spent waiting on the customer"))
    paused_since = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    breached = models.BooleanField(default=False)
    response_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)

    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(max_length=150, blank=True)
    attachment_type = models.CharField(max_length=80, blank=True)

    class Meta:
        permissions = [
            ("assign_ticket", "Can assign tickets"),
            ("view_sla_reports", "Can view the SLA dashboard and reports"),
        ]
        ordering = ["-id"]
        # The inbox pages newest first (keyset on id) under one filter at a time.
        indexes = [
            models.Index(fields=["status", "id"], name="ticket_status_id_idx"),
            models.Index(fields=["assignee", "status", "id"], name="ticket_assignee_idx"),
            models.Index(fields=["branch", "status", "id"], name="ticket_branch_idx"),
            models.Index(fields=["area", "status", "id"], name="ticket_area_idx"),
            models.Index(fields=["category", "status", "id"], name="ticket_category_idx"),
            models.Index(fields=["priority", "status", "id"], name="ticket_priority_idx"),
            models.Index(fields=["breached", "status", "id"], name="ticket_breached_idx"),
            models.Index(fields=["customer", "id"], name="ticket_customer_idx"),
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            # The breach job: unfinished tickets by deadline.
            models.Index(fields=["status", "first_response_due"], name="ticket_response_due_idx"),
            models.Index(fields=["status", "resolution_due"], name="ticket_resolution_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def is_unfinished(self) -> bool:
        return self.status in self.UNFINISHED


class TicketComment(models.Model):
    """One entry of a ticket's thread: a public reply (the customer sees it) or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    by_customer = models.BooleanField(default=False)
    internal = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketcomment_ticket_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(by_customer=True, internal=True), name="ticketcomment_customer_not_internal"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.body[:40]}"


class Survey(models.Model):
    """A satisfaction survey: asked once per ticket, when it is first resolved, and once per completed
    technician visit (usecases/workorder_complete.py asks it; `WorkOrder.survey` points here). One model, so the survey reports count both."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support ticket")
        VISIT = "visit", _("Technician visit")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SUPPORT, db_index=True)
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="survey")
    customer = models.ForeignKey("customers.Customer", null=True, on_delete=models.CASCADE, related_name="surveys")
    # Branch scope of the reports: the ticket's, or the visited customer's.
    branch = models.ForeignKey("customers.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=200, blank=True)  # what was rated, for the reports (a visit's number and kind)
    # Who resolved it: the agent the answer counts for.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["answered_at"], name="survey_answered_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="survey_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True, answered_at__isnull=True) | Q(rating__isnull=False, answered_at__isnull=False),
                name="survey_answer_complete",
            ),
            models.CheckConstraint(condition=Q(kind="visit") | Q(ticket__isnull=False), name="survey_support_has_ticket"),
        ]

    def __str__(self) -> str:
        return f"Survey {self.ticket_id or self.subject}: {self.rating or '—'}"
