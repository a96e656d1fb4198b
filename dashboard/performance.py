"""Staff performance for a month: collectors, support agents, technicians, and a leaderboard
(docs/metrics.md, "Staff performance"). Grouped SQL per table; scoped like every other figure."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from customers.models import CallLog, Customer
from customers.selectors import effective_collector_expression, effective_collector_q
from fieldservice.models import WorkOrder
from ispbill.core.models import AuditLog
from ispbill.core.money import ZERO
from payments.models import CashHandover, Payment
from payments.selectors import cash_in_hand
from tickets.models import Survey, Ticket

from .collection_figures import collected_between, due_between
from .metrics import Scope, end_of_day, local_today, month_end, month_start, q2, ratio, start_of_day

# A new order for the same customer this soon after a repair means the repair did not hold.
REPEAT_DAYS = 14


def _col(key: str, label: str, kind: str = "", drill: str = "") -> dict:
    """A column; `drill` names the drill-down (analytics/drill/<drill>/?kind=<row's user id>) behind its figures."""
    return {"key": key, "label": label, "kind": kind, "drill": drill}


def _names(ids) -> dict:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i is not None])
    return {u.pk: (u.get_full_name() or u.username) for u in users}


def _branch_q(scope: Scope, prefix: str) -> Q:
    return scope.customer_q(prefix)


def assigned_period(month: date) -> tuple[date, date]:
    """The days an assigned due covers: the month, or for the month in progress its days up to today,
    as collection efficiency counts them on the dashboard."""
    first = month_start(month)
    return first, min(month_end(first), max(local_today(), first))


def assigned_due(*, scope: Scope, month: date) -> dict[int, dict]:
    """Per collector, over the customers whose collector (their own, else their area's) they are now:
    how many customers, what fell due from them in the month (invoice totals, as in collection
    efficiency's "due"), what those customers paid in the month (to anyone), and the rate."""
    first, last = assigned_period(month)
    who = effective_collector_expression("customer__")
    money = Payment._meta.get_field("amount")
    table: dict[int, dict] = {}

    def slot(user_id):
        return table.setdefault(user_id, {"assigned_customers": 0, "assigned_due": ZERO, "assigned_collected": ZERO})

    # The customers they cover now: closed accounts are nobody's round any more.
    customers = Customer.objects.filter(scope.customer_q()).exclude(status=Customer.Status.CLOSED).annotate(
        who=effective_collector_expression())
    for r in customers.filter(who__isnull=False).values("who").annotate(n=Count("id")).order_by():
        slot(r["who"])["assigned_customers"] = r["n"]
    for r in due_between(first, last, scope=scope).annotate(who=who).filter(who__isnull=False).values("who").annotate(
            s=Sum("total", output_field=money)).order_by():
        slot(r["who"])["assigned_due"] = q2(r["s"])
    for r in collected_between(first, last, scope=scope).annotate(who=who).filter(who__isnull=False).values("who").annotate(
            s=Sum("amount", output_field=money)).order_by():
        slot(r["who"])["assigned_collected"] = q2(r["s"])
    for v in table.values():
        v["assigned_rate"] = ratio(v["assigned_collected"], v["assigned_due"])
    return table


def assigned_due_rows(*, scope: Scope, month: date, collector_id: int) -> list[dict]:
    """The customers behind a collector's assigned due in the month, each with what fell due from them
    and what they paid: the due column adds up to `assigned_due`'s figure."""
    first, last = assigned_period(month)
    money = Payment._meta.get_field("amount")
    mine = effective_collector_q(collector_id, "customer__")
    due = {r["customer_id"]: (q2(r["s"]), r["n"]) for r in due_between(first, last, scope=scope).filter(mine).values(
        "customer_id").annotate(s=Sum("total", output_field=money), n=Count("id")).order_by()}
    paid = {r["customer_id"]: q2(r["s"]) for r in collected_between(first, last, scope=scope).filter(mine).values(
        "customer_id").annotate(s=Sum("amount", output_field=money)).order_by()}
    customers = Customer.objects.filter(pk__in=set(due) | set(paid)).select_related("area").order_by("account_number")
    return [{
        "customer_id": c.pk, "account": c.account_number, "name": c.name, "area": c.area.name,
        "assigned_by": _("Customer") if c.collector_id else _("Area"),
        "invoices": due.get(c.pk, (ZERO, 0))[1], "due": due.get(c.pk, (ZERO, 0))[0], "collected": paid.get(c.pk, ZERO),
    } for c in customers]


def collectors(*, scope: Scope, month: date) -> list[dict]:
    """Per staff user who recorded payments, made collection calls or handed cash over in the month:
    collected, payments, calls, promises to pay made in the month and kept (a payment from that
    customer received between the call and the end of the promised day); cash taken, cash handed over
    at a branch, and cash still held at the month's end; and, for everyone who covers customers (an area's
    or a customer's own collector, even with nothing recorded in the month), `assigned_due`'s figures."""
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
    # Cash: what they took in cash in the month, handed over at a branch in it, and held at its end
    # (a collector's cash is theirs whichever branch's customers paid it, so not scoped by branch).
    for r in paid.filter(method=Payment.Method.CASH).exclude(received_by__isnull=True).values("received_by_id").annotate(
            s=Sum("amount", output_field=money)).order_by():
        row(r["received_by_id"])["cash"] = q2(r["s"])
    handed = CashHandover.objects.filter(handed_over_at__gte=start, handed_over_at__lt=end)
    if scope.branch_ids is not None:
        handed = handed.filter(branch_id__in=scope.branch_ids)
    if scope.branch_id is not None:
        handed = handed.filter(branch_id=scope.branch_id)
    for r in handed.values("collector_id").annotate(s=Sum("amount", output_field=money)).order_by():
        row(r["collector_id"])["handed_over"] = q2(r["s"])
    # Assigned due: collectors with customers assigned appear even with no payment or call in the month.
    assigned = assigned_due(scope=scope, month=month)
    for uid in assigned:
        row(uid)
    holding = cash_in_hand(collector_ids=list(table), until=end)
    names = _names(table)
    nothing_assigned = {"assigned_customers": 0, "assigned_due": ZERO, "assigned_collected": ZERO, "assigned_rate": None}
    rows = [
        {"user_id": uid, "name": names.get(uid, "—"), "cash": ZERO, "handed_over": ZERO, **v,
         **assigned.get(uid, nothing_assigned),
         "kept_rate": ratio(v["kept"], v["promises"]), "cash_held": holding.get(uid, {}).get("in_hand", ZERO)}
        for uid, v in table.items()
    ]
    return sorted(rows, key=lambda r: (r["collected"], r["assigned_due"]), reverse=True)


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
            kind=Survey.Kind.SUPPORT, answered_at__gte=start, answered_at__lt=end, rating__isnull=False, agent__isnull=False,
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
    """Work orders closed in the month per technician (docs/metrics.md, "Technicians"): completed,
    failed, still open among those scheduled in the month; first-time fix = completed repairs with no
    new order for the same customer within 14 days; on time = completed visits whose arrival came
    before the end of the promised window (or of the scheduled slot when no window was given)."""
    start, end = start_of_day(month_start(month)), end_of_day(month_end(month))
    orders = WorkOrder.objects.filter(technician__isnull=False).filter(scope.customer_q("customer__"))
    in_month = Q(completed_at__gte=start, completed_at__lt=end) | Q(scheduled_start__gte=start, scheduled_start__lt=end)
    rows = list(orders.filter(in_month).values(
        "pk", "technician_id", "kind", "status", "customer_id", "completed_at", "arrived_at", "window_end",
        "scheduled_start", "duration_minutes",
    ))
    repairs = [r for r in rows if r["status"] == WorkOrder.Status.COMPLETED and r["kind"] == WorkOrder.Kind.REPAIR
               and r["customer_id"] and r["completed_at"] and start <= r["completed_at"] < end]
    later: dict = {}
    if repairs:
        for o in WorkOrder.objects.filter(customer_id__in={r["customer_id"] for r in repairs}, created_at__gte=start).exclude(
                status=WorkOrder.Status.CANCELLED).values("pk", "customer_id", "created_at"):
            later.setdefault(o["customer_id"], []).append(o)
    repeat = {
        r["pk"] for r in repairs
        if any(o["pk"] != r["pk"] and r["completed_at"] < o["created_at"] <= r["completed_at"] + timedelta(days=REPEAT_DAYS)
               for o in later.get(r["customer_id"], []))
    }
    table: dict = {}
    for r in rows:
        t = table.setdefault(r["technician_id"], {"done": 0, "failed": 0, "open": 0, "repairs": 0, "fixed": 0, "on_time": 0})
        closed_in_month = r["completed_at"] is not None and start <= r["completed_at"] < end
        if r["status"] == WorkOrder.Status.COMPLETED and closed_in_month:
            t["done"] += 1
            promised = r["window_end"] or (
                r["scheduled_start"] + timedelta(minutes=r["duration_minutes"]) if r["scheduled_start"] else None)
            if promised is not None and r["arrived_at"] is not None and r["arrived_at"] <= promised:
                t["on_time"] += 1
        elif r["status"] == WorkOrder.Status.FAILED and closed_in_month:
            t["failed"] += 1
        elif r["status"] in WorkOrder.OPEN_STATUSES:
            t["open"] += 1
    for r in repairs:
        t = table[r["technician_id"]]
        t["repairs"] += 1
        t["fixed"] += r["pk"] not in repeat
    names = _names(table)
    result = [{
        "user_id": uid, "name": names.get(uid, "—"), **{k: t[k] for k in ("done", "failed", "open")},
        "first_time_fix": ratio(t["fixed"], t["repairs"]), "on_time": ratio(t["on_time"], t["done"]),
    } for uid, t in table.items()]
    return sorted(result, key=lambda r: r["done"], reverse=True)


def _collectors_table(rows: list[dict]) -> dict:
    """One table of figures (the CSV export and the JSON API carry every column), shown on the page in
    two parts that each fit a laptop's width: the customers a collector covers, and what they did."""
    name = _col("name", _("Collector"))
    assigned = [_col("assigned_customers", _("Assigned customers")),
                _col("assigned_due", _("Assigned due"), "money", drill="assigned-due"),
                _col("assigned_collected", _("Collected from assigned"), "money"),
                _col("assigned_rate", _("Collection rate"), "percent")]
    activity = [_col("collected", _("Collected"), "money"), _col("payments", _("Payments")),
                _col("calls", _("Calls")), _col("promises", _("Promises to pay")), _col("kept", _("Promises kept")),
                _col("kept_rate", _("Kept"), "percent"), _col("cash", _("Cash taken"), "money"),
                _col("handed_over", _("Cash handed over"), "money"),
                _col("cash_held", _("Cash held at month end"), "money")]
    return {
        "title": _("Collectors"), "rows": rows, "columns": [name, *assigned, *activity],
        "parts": [
            # Only those who cover customers (or whose customers, closed since, owed or paid in the month).
            {"id": "assigned", "title": _("Assigned customers"), "columns": [name, *assigned], "rows": [
                r for r in rows if r["assigned_customers"] or r["assigned_due"] or r["assigned_collected"]]},
            {"id": "activity", "title": _("Collections, promises and cash"), "columns": [name, *activity], "rows": rows},
        ],
    }


def staff_performance(*, scope: Scope, month: date, viewer=None) -> dict:
    month = month_start(month)
    tables = {
        "collectors": _collectors_table(collectors(scope=scope, month=month)),
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
            "columns": [_col("name", _("Technician")), _col("done", _("Completed")), _col("failed", _("Failed")),
                        _col("open", _("Open")), _col("first_time_fix", _("First-time fix"), "percent"),
                        _col("on_time", _("On time"), "percent")],
        },
    }
    leaderboard = [
        {"title": _("Most collected"), "rows": [
            (r["name"], r["collected"], "money") for r in [r for r in tables["collectors"]["rows"] if r["collected"]][:5]]},
        {"title": _("Most tickets resolved"), "rows": [(r["name"], r["resolved"], "") for r in tables["support"]["rows"][:5]]},
        {"title": _("Most work orders completed"), "rows": [(r["name"], r["done"], "") for r in tables["technicians"]["rows"][:5]]},
    ]
    return {"tables": tables, "leaderboard": leaderboard, "previous": month - timedelta(days=1)}
