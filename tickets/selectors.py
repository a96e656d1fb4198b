"""Reads for tickets: the staff inbox (branch-scoped), the customer's own tickets (owner-scoped),
SLA settings and calendars, survey analytics and the SLA dashboard."""

import calendar as calendar_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Avg, Count, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Customer
from customers.selectors import scope_to_branches
from ispbill.accounts.roles import MANAGER
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.audit import audit_for_objects
from ispbill.core.models import AuditLog

from .models import Category, Holiday, Priority, SlaPolicy, SupportSettings, Survey, Ticket, TicketComment
from .sla import BusinessCalendar

# Targets when no policy row matches (a deleted row): business minutes.
FALLBACK_TARGETS = {
    Priority.URGENT: (30, 4 * 60),
    Priority.HIGH: (60, 8 * 60),
    Priority.NORMAL: (4 * 60, 2 * 9 * 60),
    Priority.LOW: (8 * 60, 5 * 9 * 60),
}


# Settings and calendars ---------------------------------------------------------------------------

def current_support_settings() -> SupportSettings:
    """The saved row, or the defaults (unsaved) until a manager saves Settings → SLA policies."""
    return SupportSettings.objects.filter(pk=1).first() or SupportSettings(pk=1)


def business_calendar(support: SupportSettings | None = None) -> BusinessCalendar:
    support = support or current_support_settings()
    return BusinessCalendar(
        start=support.workday_start,
        end=support.workday_end,
        weekdays=frozenset(int(day) for day in support.working_days),
        holidays=frozenset(Holiday.objects.values_list("date", flat=True)),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def sla_targets(*, priority: str, category: str) -> tuple[int, int]:
    """(first response, resolution) in business minutes: the category's own row wins."""
    policies = {p.category: p for p in SlaPolicy.objects.filter(priority=priority, category__in=[category, ""])}
    policy = policies.get(category) or policies.get("")
    if policy is None:
        return FALLBACK_TARGETS[priority]
    return policy.response_minutes, policy.resolution_minutes


def sla_policies() -> QuerySet[SlaPolicy]:
    order = {value: index for index, value in enumerate(reversed(Priority.values))}
    return sorted(SlaPolicy.objects.all(), key=lambda p: (order[p.priority], p.category))


def holidays_upcoming() -> QuerySet[Holiday]:
    return Holiday.objects.filter(date__gte=timezone.localdate() - timedelta(days=31))


# Staff ----------------------------------------------------------------------------------------------

def tickets_visible_to(user) -> QuerySet[Ticket]:
    return scope_to_branches(Ticket.objects.all(), user)


def tickets_unfinished_for_customers(*, customer_ids, categories=(Category.NO_CONNECTION, Category.SLOW_SPEED)) -> list[Ticket]:
    """The customers' tickets not yet resolved, about their connection (a fibre cut links them)."""
    return list(Ticket.objects.filter(customer_id__in=list(customer_ids), status__in=Ticket.UNFINISHED, category__in=list(categories))
                .order_by("pk"))


def tickets_unfinished_by_ids(ticket_ids) -> list[Ticket]:
    return list(Ticket.objects.filter(pk__in=list(ticket_ids), status__in=Ticket.UNFINISHED).order_by("pk"))


def ticket_get_for_staff(*, user, pk: int) -> Ticket:
    queryset = tickets_visible_to(user).select_related("customer", "area", "branch", "assignee", "created_by")
    return get_object_or_404(queryset, pk=pk)


def breached_q(now: datetime) -> Q:
    """Breached already recorded, or a running deadline that has passed (the job may not have run yet)."""
    running = Q(status__in=Ticket.ACTIVE)
    return (
        Q(breached=True)
        | (running & Q(first_response_at__isnull=True, first_response_due__lt=now))
        | (running & Q(resolution_due__lt=now))
    )


@dataclass
class InboxPage:
    tickets: list
    next_after: int | None
    previous_before: int | None


def ticket_inbox(
    *, user, view: str = "", status: str = "", area_id: int | None = None, branch_id: int | None = None,
    category: str = "", priority: str = "",
    query: str = "", after: int | None = None, before: int | None = None, size: int = 25, now: datetime | None = None,
) -> InboxPage:
    """A page of the inbox, newest first, by keyset on id: the same cost on page 1 and page 8,000.

    `status` "" means every unfinished ticket; "all" every ticket. `view`: mine, unassigned, breached."""
    now = now or timezone.now()
    tickets = tickets_visible_to(user)
    if status == "all":
        pass
    elif status in Ticket.Status.values:
        tickets = tickets.filter(status=status)
    else:
        tickets = tickets.filter(status__in=Ticket.UNFINISHED)
    if view == "mine":
        tickets = tickets.filter(assignee=user)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "breached":
        tickets = tickets.filter(breached_q(now))
    if area_id is not None:
        tickets = tickets.filter(area_id=area_id)
    if branch_id is not None:
        tickets = tickets.filter(branch_id=branch_id)
    if category:
        tickets = tickets.filter(category=category)
    if priority:
        tickets = tickets.filter(priority=priority)
    query = query.strip()
    if query:
        tickets = _search(tickets, query)
    tickets = tickets.select_related("customer", "area", "assignee").only(
        "id", "number", "subject", "status", "priority", "category", "created_at", "breached", "first_response_at",
        "first_response_due", "resolution_due", "paused_since", "customer__id", "customer__name",
        "customer__account_number", "area__id", "area__name", "assignee__id", "assignee__username",
        "assignee__first_name", "assignee__last_name",
    )
    if before is not None:
        rows = list(tickets.filter(id__gt=before).order_by("id")[: size + 1])
        has_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        next_after = rows[-1].id if rows else None
        previous_before = rows[0].id if rows and has_newer else None
    else:
        if after is not None:
            tickets = tickets.filter(id__lt=after)
        rows = list(tickets.order_by("-id")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size]
        next_after = rows[-1].id if rows and has_more else None
        previous_before = rows[0].id if rows and after is not None else None
    # get_FOO_display() rebuilds and translates the choices on every call: look the labels up once.
    labels = {
        "status": dict(Ticket.Status.choices), "priority": dict(Priority.choices), "category": dict(Category.choices),
    }
    for ticket in rows:
        ticket.is_breached = is_breached(ticket, now=now)
        ticket.status_text = labels["status"].get(ticket.status, ticket.status)
        ticket.priority_text = labels["priority"].get(ticket.priority, ticket.priority)
        ticket.category_text = labels["category"].get(ticket.category, ticket.category)
    return InboxPage(tickets=rows, next_after=next_after, previous_before=previous_before)


def _search(tickets: QuerySet[Ticket], query: str) -> QuerySet[Ticket]:
    """A ticket or account number finds that one row by its unique index; other text searches the
    subject and the customer's name."""
    upper = query.upper()
    if upper.startswith("TKT-"):
        return tickets.filter(number=upper)
    if upper.startswith(settings.ACCOUNT_NUMBER_PREFIX.upper() + "-"):
        return tickets.filter(customer__account_number=upper)
    # The customer's name through the customers table (trigram-indexed on PostgreSQL), not a join
    # of every ticket to its customer.
    customers = Customer.objects.filter(name__icontains=query).order_by().values("pk")
    return tickets.filter(Q(subject__icontains=query) | Q(customer_id__in=Subquery(customers)))


def is_breached(ticket: Ticket, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if ticket.breached:
        return True
    if ticket.status not in Ticket.ACTIVE:
        return False
    if ticket.first_response_at is None and ticket.first_response_due and ticket.first_response_due < now:
        return True
    return bool(ticket.resolution_due and ticket.resolution_due < now)


def assignable_users(*, user) -> QuerySet:
    """Active staff and technicians the viewer may hand a ticket to (those of the viewer's branches)."""
    User = get_user_model()
    users = User.objects.filter(is_active=True, kind__in=[User.Kind.STAFF, User.Kind.TECHNICIAN])
    branch_ids = user_branch_ids(user)
    if branch_ids is not None:
        users = users.filter(Q(all_branches=False, branches__in=branch_ids) | Q(pk=user.pk)).distinct()
    return users.order_by("kind", "username")


def ticket_thread(ticket: Ticket, *, public_only: bool) -> QuerySet[TicketComment]:
    comments = ticket.comments.select_related("author")
    return comments.filter(internal=False) if public_only else comments


def ticket_history(ticket: Ticket):
    return audit_for_objects([ticket]).order_by("at", "id")


def managers_for(ticket: Ticket) -> QuerySet:
    """Staff in the Manager role who see the ticket's branch: they hear about breaches too."""
    User = get_user_model()
    group = Group.objects.filter(name=MANAGER).first()
    if group is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, kind=User.Kind.STAFF, groups=group).filter(
        Q(all_branches=True) | Q(branches=ticket.branch_id)
    ).distinct()


def tickets_for_customer_tab(*, customer, limit: int = 50) -> list[Ticket]:
    now = timezone.now()
    tickets = list(customer.tickets.select_related("assignee").order_by("-id")[:limit])
    for ticket in tickets:
        ticket.is_breached = is_breached(ticket, now=now)
    return tickets


# Customer portal --------------------------------------------------------------------------------------

def portal_tickets(*, customer) -> QuerySet[Ticket]:
    return Ticket.objects.filter(customer=customer).select_related("survey").order_by("-id")


def ticket_get_for_customer(*, customer, pk: int) -> Ticket:
    return get_object_or_404(Ticket.objects.filter(customer=customer), pk=pk)


def surveys_pending(*, customer) -> QuerySet[Survey]:
    """Surveys the customer has been asked and not answered, for tickets still resolved or closed."""
    return Survey.objects.filter(
        ticket__customer=customer, rating__isnull=True,
        ticket__status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
    ).select_related("ticket").order_by("-asked_at")


def may_reopen(ticket: Ticket, *, now: datetime | None = None) -> bool:
    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) or ticket.resolved_at is None:
        return False
    window = timedelta(days=current_support_settings().reopen_days)
    return (now or timezone.now()) <= ticket.resolved_at + window


# Reports ------------------------------------------------------------------------------------------------

def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month as [start, end) aware moments in the ISP's zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = month.replace(day=1)
    days = calendar_module.monthrange(first.year, first.month)[1]
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time.min, tzinfo=zone)
    return start, end


@dataclass
class SurveyAnalytics:
    answered: int
    asked: int
    average: float | None
    distribution: list[tuple[int, int, int]]  # (stars, count, percent)
    per_agent: list[dict]
    per_category: list[dict]
    comments: list[Survey]


def survey_analytics(*, user, start: date | None = None, end: date | None = None) -> SurveyAnalytics:
    surveys = scope_to_branches(Survey.objects.all(), user, field="branch")
    if start:
        surveys = surveys.filter(asked_at__date__gte=start)
    if end:
        surveys = surveys.filter(asked_at__date__lte=end)
    asked = surveys.count()
    answered = surveys.filter(rating__isnull=False)
    stats = answered.aggregate(count=Count("id"), average=Avg("rating"))
    counts = dict(answered.values_list("rating").annotate(n=Count("id")).values_list("rating", "n"))
    total = stats["count"] or 0
    distribution = [(stars, counts.get(stars, 0), round(100 * counts.get(stars, 0) / total) if total else 0) for stars in range(5, 0, -1)]
    per_agent = list(
        answered.values("agent__username", "agent__first_name", "agent__last_name")
        .annotate(count=Count("id"), average=Avg("rating")).order_by("-count", "agent__username")
    )
    for row in per_agent:  # people by full name (as User.__str__), the login only when there is none
        full_name = f"{row['agent__first_name'] or ''} {row['agent__last_name'] or ''}".strip()
        row["agent_name"] = full_name or row["agent__username"]
    labels = dict(Category.choices)
    # Support tickets by category, and technicians' visits (which have no ticket) as one row of their own.
    per_category = [
        {**row, "label": labels.get(row["ticket__category"], row["ticket__category"]) if row["kind"] == Survey.Kind.SUPPORT
         else Survey.Kind.VISIT.label}
        for row in answered.values("kind", "ticket__category").annotate(count=Count("id"), average=Avg("rating")).order_by("-count")
    ]
    comments = list(
        answered.exclude(comment="").select_related("ticket", "customer", "agent").order_by("-answered_at")[:50]
    )
    return SurveyAnalytics(
        answered=total, asked=asked, average=stats["average"], distribution=distribution,
        per_agent=per_agent, per_category=per_category, comments=comments,
    )


@dataclass
class PriorityCompliance:
    priority: str
    label: str
    response_target: int
    resolution_target: int
    tickets: int = 0
    responded: int = 0
    responded_in_time: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    response_minutes: list = field(default_factory=list)
    resolution_minutes: list = field(default_factory=list)

    @staticmethod
    def _percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def response_compliance(self):
        return self._percent(self.responded_in_time, self.responded)

    @property
    def resolution_compliance(self):
        return self._percent(self.resolved_in_time, self.resolved)

    @staticmethod
    def _median(values):
        if not values:
            return None
        ordered = sorted(values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) // 2

    @property
    def median_response(self):
        return self._median(self.response_minutes)

    @property
    def median_resolution(self):
        return self._median(self.resolution_minutes)


@dataclass
class SlaReport:
    month: date
    rows: list[PriorityCompliance]
    breaches: list[Ticket]
    response_breaches: int
    resolution_breaches: int
    total: PriorityCompliance


def sla_report(*, user, month: date) -> SlaReport:
    """First-response and resolution times (business minutes, pauses excluded) against each ticket's
    targets, for the tickets opened in the month."""
    from .sla import business_minutes_between

    start, end = month_bounds(month)
    tickets = tickets_visible_to(user).filter(created_at__gte=start, created_at__lt=end)
    cal = business_calendar()
    labels = dict(Priority.choices)
    rows = {
        priority: PriorityCompliance(priority, labels[priority], *sla_targets(priority=priority, category=""))
        for priority in reversed(Priority.values)
    }
    total = PriorityCompliance("", "All", 0, 0)
    fields = (
        "id", "priority", "created_at", "first_response_at", "resolved_at", "paused_minutes", "first_response_due",
        "resolution_due", "response_breached_at", "resolution_breached_at", "response_target_minutes",
        "resolution_target_minutes",
    )
    response_breaches = resolution_breaches = 0
    for ticket in tickets.only(*fields).iterator(chunk_size=2000):
        row = rows[ticket.priority]
        for bucket in (row, total):
            bucket.tickets += 1
        if ticket.first_response_at:
            minutes = business_minutes_between(cal, ticket.created_at, ticket.first_response_at)
            in_time = ticket.response_breached_at is None
            for bucket in (row, total):
                bucket.responded += 1
                bucket.responded_in_time += in_time
                bucket.response_minutes.append(minutes)
        if ticket.resolved_at:
            minutes = max(0, business_minutes_between(cal, ticket.created_at, ticket.resolved_at) - ticket.paused_minutes)
            in_time = ticket.resolution_breached_at is None
            for bucket in (row, total):
                bucket.resolved += 1
                bucket.resolved_in_time += in_time
                bucket.resolution_minutes.append(minutes)
        response_breaches += ticket.response_breached_at is not None
        resolution_breaches += ticket.resolution_breached_at is not None
    breaches = list(
        tickets.filter(breached=True).select_related("customer", "assignee").order_by("created_at")[:200]
    )
    return SlaReport(
        month=month.replace(day=1), rows=list(rows.values()), breaches=breaches,
        response_breaches=response_breaches, resolution_breaches=resolution_breaches, total=total,
    )


def sla_months(*, count: int = 12) -> list[date]:
    today = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        months.append(today)
        today = (today - timedelta(days=1)).replace(day=1)
    return months


def ticket_resolution_note(ticket: Ticket):
    """The note staff gave when they last resolved the ticket, shown to the customer (the entry of
    the audit log that resolved it), or None: {"note", "at"}."""
    from django.contrib.contenttypes.models import ContentType


    if ticket.status not in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return None
    entry = (
        AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk), action="ticket.status",
            after__status=Ticket.Status.RESOLVED,
        )
        .exclude(reason="")
        .order_by("-at", "-pk")
        .first()
    )
    return {"note": entry.reason, "at": entry.at} if entry else None
