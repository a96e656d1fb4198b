"""Staff performance for a month: collectors, support agents, technicians, and a leaderboard
(docs/metrics.md, "Staff performance"). Grouped SQL per table; scoped like every other figure."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from customers.models import CallLog
from fieldservice.models import FieldTask
from ispbill.core.models import AuditLog
from ispbill.core.money import ZERO
from payments.models import Payment
from tickets.models import Survey, Ticket

from .metrics import Scope, end_of_day, month_end, month_start, q2, ratio, start_of_day


def _col(key: str, label: str, kind: str = "") -> dict:
    return {"key": key, "label": label, "kind": kind}


def _names(ids) -> dict:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i is not None])
    return {u.pk: (u.get_full_name() or u.username) for u in users}


def _branch_q(scope: Scope, prefix: str) -> Q:
    return scope.customer_q(prefix)


def collectors(*, scope: Scope, month: date) -> list[dict]:
    """Per staff user who recorded payments or made collection calls in the month: collected, payments,
    calls, promises to pay made in the month and kept (a payment from that customer received between the
    call and the end of the promised day)."""
    start, end = start_of_day(month_start(month)), end_of_day(month_end(month))
    money = Payment._meta.get_field("amount")
    paid = Payment.objects.filter(status=Payment.Status.COMPLETED, received_at__gte=start, received_at__lt=end).filter(
        _branch_q(scope, "customer__"))
    table: dict = {}

    def row(user_id):
        return table.setdefault(user_id, {"collected": ZERO, "payments": 0, "calls": 0, "promises": 0, "kept": 0})

    for r in paid.exclude(received_by__isnull=True).values("received_by_id").annotate(
        s=Sum("amount", output_field=money), n=Count("id")
    ).order_by():
        slot = row(r["received_by_id"])
        slot["collected"], slot["payments"] = q2(r["s"]), r["n"]
    calls = CallLog.objects.filter(called_at__gte=start, called_at__lt=end).filter(_branch_q(scope, "customer__"))
    promises = calls.filter(promise_to_pay_date__isnull=False)
    for r in calls.values("called_by_id").annotate(n=Count("id")).order_by():
        row(r["called_by_id"])["calls"] = r["n"]
    # Kept: paid by the end of the promised day (the day's end in the ISP's time zone).
    for call in promises.values("called_by_id", "customer_id", "called_at", "promise_to_pay_date"):
        slot = row(call["called_by_id"])
        slot["promises"] += 1
        slot["kept"] += Payment.objects.filter(
            customer_id=call["customer_id"], status=Payment.Status.COMPLETED, received_at__gte=call["called_at"],
            received_at__lt=end_of_day(call["promise_to_pay_date"]),
        ).exists()
    names = _names(table)
    rows = [
        {"user_id": uid, "name": names.get(uid, "—"), **v, "kept_rate": ratio(v["kept"], v["promises"])}
        for uid, v in table.items()
    ]
    return sorted(rows, key=lambda r: r["collected"], reverse=True)


def support_agents(*, scope: Scope, month: date) -> list[dict]:
    """Per assignee, tickets resolved in the month: first response and resolution within the SLA,
    average satisfaction of the surveys on their tickets answered in the month, reopen rate."""
    start, end = start_of_day(month_start(month)), end_of_day(month_end(month))
    tickets = Ticket.objects.filter(_branch_q(scope, "customer__"), assignee__isnull=False)
    resolved = tickets.filter(resolved_at__gte=start, resolved_at__lt=end)
    reopened = AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket), action="ticket.reopen",
    ).annotate(ticket_id=Cast("object_id", IntegerField())).filter(ticket_id=OuterRef("pk"))
    rows = {
        r["assignee_id"]: r for r in resolved.annotate(was_reopened=Exists(reopened)).values("assignee_id").annotate(
            resolved=Count("id"),
            responded_in_time=Count("id", filter=Q(first_response_at__isnull=False, response_breached_at__isnull=True)),
            resolved_in_time=Count("id", filter=Q(resolution_breached_at__isnull=True)),
            reopened=Count("id", filter=Q(was_reopened=True)),
        ).order_by()
    }
    open_now = {r["assignee_id"]: r["n"] for r in tickets.filter(status__in=Ticket.UNFINISHED).values("assignee_id").annotate(
        n=Count("id")).order_by()}
    surveys = {
        r["agent_id"]: r for r in Survey.objects.filter(
            answered_at__gte=start, answered_at__lt=end, rating__isnull=False, agent__isnull=False,
        ).filter(_branch_q(scope, "ticket__customer__")).values("agent_id").annotate(avg=Avg("rating"), n=Count("id")).order_by()
    }
    ids = set(rows) | set(surveys) | set(open_now)
    names = _names(ids)
    result = []
    for uid in ids:
        r = rows.get(uid, {"resolved": 0, "responded_in_time": 0, "resolved_in_time": 0, "reopened": 0})
        s = surveys.get(uid)
        result.append({
            "user_id": uid, "name": names.get(uid, "—"), "open": open_now.get(uid, 0), "resolved": r["resolved"],
            "response_in_sla": ratio(r["responded_in_time"], r["resolved"]),
            "resolution_in_sla": ratio(r["resolved_in_time"], r["resolved"]),
            "satisfaction": q2(s["avg"]) if s else None, "ratings": s["n"] if s else 0,
            "reopen_rate": ratio(r["reopened"], r["resolved"]),
        })
    return sorted(result, key=lambda r: (r["resolved"], r["satisfaction"] or 0), reverse=True)


def technicians(*, scope: Scope, month: date) -> list[dict]:
    """Field tasks scheduled in the month per technician: done, open, cancelled. The field-service
    module records no completion time or repeat visits yet, so first-time fix and on-time are not shown."""
    tasks = FieldTask.objects.filter(scheduled_for__range=(month_start(month), month_end(month))).filter(
        _branch_q(scope, "customer__"))
    rows = tasks.values("technician_id").annotate(
        done=Count("id", filter=Q(status=FieldTask.Status.DONE)),
        open=Count("id", filter=Q(status__in=[FieldTask.Status.ASSIGNED, FieldTask.Status.IN_PROGRESS])),
        cancelled=Count("id", filter=Q(status=FieldTask.Status.CANCELLED)), total=Count("id"),
    ).order_by()
    names = _names(r["technician_id"] for r in rows)
    result = [{"user_id": r["technician_id"], "name": names.get(r["technician_id"], "—"), **{k: r[k] for k in ("done", "open", "cancelled", "total")},
               "completion": ratio(r["done"], r["total"])} for r in rows]
    return sorted(result, key=lambda r: r["done"], reverse=True)


def staff_performance(*, scope: Scope, month: date, viewer=None) -> dict:
    month = month_start(month)
    tables = {
        "collectors": {
            "title": _("Collectors"), "rows": collectors(scope=scope, month=month),
            "columns": [_col("name", _("Collector")), _col("collected", _("Collected"), "money"), _col("payments", _("Payments")),
                        _col("calls", _("Calls")), _col("promises", _("Promises to pay")), _col("kept", _("Promises kept")),
                        _col("kept_rate", _("Kept"), "percent")],
        },
        "support": {
            "title": _("Support agents"), "rows": support_agents(scope=scope, month=month),
            "columns": [_col("name", _("Agent")), _col("open", _("Open now")), _col("resolved", _("Resolved")),
                        _col("response_in_sla", _("First response in SLA"), "percent"),
                        _col("resolution_in_sla", _("Resolved in SLA"), "percent"),
                        _col("satisfaction", _("Satisfaction (1–5)")), _col("ratings", _("Ratings")),
                        _col("reopen_rate", _("Reopened"), "percent")],
        },
        "technicians": {
            "title": _("Technicians"), "rows": technicians(scope=scope, month=month),
            "columns": [_col("name", _("Technician")), _col("done", _("Completed")), _col("open", _("Open")),
                        _col("cancelled", _("Cancelled")), _col("completion", _("Completion"), "percent")],
        },
    }
    leaderboard = [
        {"title": _("Most collected"), "rows": [(r["name"], r["collected"], "money") for r in tables["collectors"]["rows"][:5]]},
        {"title": _("Most tickets resolved"), "rows": [(r["name"], r["resolved"], "") for r in tables["support"]["rows"][:5]]},
        {"title": _("Most field tasks completed"), "rows": [(r["name"], r["done"], "") for r in tables["technicians"]["rows"][:5]]},
    ]
    return {"tables": tables, "leaderboard": leaderboard, "previous": month - timedelta(days=1)}
