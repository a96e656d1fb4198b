"""Reads for the staff home (per role) and the business analytics screens.

The home shows each role the figures of the modules it may open, each linked to the list behind it.
Analytics read the small daily snapshot table (`DailyMetric`); the drill-downs recompute their rows
from the sources (`metrics`), for the same day, so a drill-down list adds up to its tile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from books.selectors import profit_and_loss
from churn.selectors import risk_summary
from customers.models import Area, Branch, Customer, Lead, Package
from customers.selectors import collector_has_customers, customer_counts_by_status, customers_visible_to, leads_visible_to
from fieldservice.models import WorkOrder
from fieldservice.selectors import workorders_visible_to
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.money import ZERO
from payments.models import Payment
from payments.selectors import collection_summary, due_customers, payments_filtered
from resellers.models import Reseller
from tickets.models import Ticket
from tickets.selectors import breached_q, tickets_visible_to

from . import collection_figures, directions, funnel, metrics
from .metrics import Scope, add_months, month_end, month_start, ratio
from .models import DailyMetric

# Staff home, per role --------------------------------------------------------------------------------


@dataclass
class Tile:
    label: str
    value: object
    url: str
    kind: str = ""  # "money", "percent" or "" (a count)
    warn: bool = False
    change: Decimal | None = None  # vs last month: percent, or percentage points for a rate (`directions`)
    previous: object = None
    note: str = ""  # what the figure covers, shown under its label
    compared: str = ""  # what `previous` is: "1–24 Oct" (the same days of last month) or "31 Oct"
    new: bool = False  # the base is too small for a percentage: shown as the amount and "new"
    key: str = ""  # the figure (`directions.FIGURES`): the colour and unit of its change
    tone: str = directions.FLAT  # "good", "bad", "flat" or "neutral": the change's colour by what it means
    change_text: str = ""  # "+274.80 %", "+1.24 pp"
    # Figures shown inside this one, each with its own change (the receivables tile: not yet due and
    # the total beside overdue), and the page the whole tile opens when it is not `url`.
    parts: list[Tile] = field(default_factory=list)
    group_url: str = ""


def _url(name: str, *, args=(), **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"staff:{name}", args=args) + (f"?{query}" if query else "")


def drill_url(metric: str, **params) -> str:
    return _url("analytics-drill", args=[metric], **params)


BOOKS_CACHE_SECONDS = 600


def _books_section(user) -> dict | None:
    """This month's revenue, expenses and profit from the journal (docs/accounts.md, "Profit and
    loss"), for users who see the books of every branch. Summing a month of journal lines is too
    slow for the home at a million customers, so the figures are cached for ten minutes and say so."""
    if not user.has_perm("books.view_journalentry") or user_branch_ids(user) is not None:
        return None
    today = timezone.localdate()
    key = f"home-books:{today:%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        pnl = profit_and_loss(first=today.replace(day=1), last=today)
        figures = {"revenue": pnl.income_total, "expenses": pnl.expenses_total, "profit": pnl.profit,
                   "at": timezone.localtime().strftime("%H:%M")}
        cache.set(key, figures, BOOKS_CACHE_SECONDS)
    url = _url("books-overview", year=today.year)
    note = _("this month, as of %(time)s") % {"time": figures["at"]}
    return {"id": "home-books", "title": _("This month's books"), "tiles": [
        Tile(_("Revenue"), figures["revenue"], url, kind="money", note=note),
        Tile(_("Expenses"), figures["expenses"], url, kind="money", note=note),
        Tile(_("Profit"), figures["profit"], url, kind="money", note=note, warn=figures["profit"] < ZERO),
    ]}


def staff_home(*, user) -> dict:
    """The sections of the staff home the user's role may open: every figure links to its list."""
    sections = []
    if user.has_perm("customers.view_customer"):
        by_status = customer_counts_by_status(user)
        tiles = [Tile(_("Customers"), sum(by_status.values()), _url("customer-list"))]
        for status, label, warn in (
            (Customer.Status.ACTIVE, _("Active customers"), False),
            (Customer.Status.SUSPENDED, _("Suspended customers"), True),
            (Customer.Status.PENDING, _("Awaiting activation"), False),
        ):
            tiles.append(Tile(label, by_status.get(status, 0), _url("customer-list", status=status), warn=warn))
        if user.has_perm("customers.view_lead"):
            open_leads = leads_visible_to(user).exclude(status__in=[Lead.Status.CONVERTED, Lead.Status.LOST]).count()
            tiles.append(Tile(_("Open leads"), open_leads, _url("lead-list")))
        sections.append({"id": "home-customers", "title": _("Customers"), "tiles": tiles})
    if user.has_perm("payments.view_payment"):
        today = timezone.localdate()
        summary = collection_summary(payments_filtered(user=user, date_from=today, date_to=today))
        mine = collection_summary(payments_filtered(user=user, date_from=today, date_to=today, cashier=user))
        day = today.isoformat()
        tiles = [
            Tile(_("Collected today"), summary["total"], _url("payment-list", date_from=day, date_to=day), kind="money"),
            Tile(_("Payments today"), summary["count"], _url("payment-list", date_from=day, date_to=day)),
            Tile(_("Collected by me today"), mine["total"], _url("payment-list", date_from=day, date_to=day, cashier=user.pk),
                 kind="money"),
        ]
        tiles += [
            Tile(row["label"], row["total"], _url("payment-list", date_from=day, date_to=day, method=row["method"]), kind="money")
            for row in summary["rows"]
        ]
        if user.has_perm("billing.view_invoice") and collector_has_customers(user):
            # A collector's own round: their customers who owe, as the due list's "My customers" shows them.
            owing = due_customers(user=user, assigned=user).aggregate(n=Count("id"), total=Sum("amount_due"))
            tiles += [
                Tile(_("My customers owing"), owing["n"], _url("due-list", mine="on")),
                Tile(_("Owed by my customers"), owing["total"] or ZERO, _url("due-list", mine="on"), kind="money"),
            ]
        sections.append({"id": "home-collections", "title": _("Today's collections"), "tiles": tiles})
    if user.has_perm("tickets.view_ticket"):
        now = timezone.now()
        unfinished = tickets_visible_to(user).filter(status__in=Ticket.UNFINISHED)
        counts = unfinished.aggregate(
            open=Count("id"), mine=Count("id", filter=Q(assignee=user)), unassigned=Count("id", filter=Q(assignee__isnull=True)),
        )
        breached = unfinished.filter(breached_q(now)).count()  # what the inbox's "breached" view lists
        tiles = [
            Tile(_("Open tickets"), counts["open"], _url("ticket-list")),
            Tile(_("Assigned to me"), counts["mine"], _url("ticket-list", view="mine")),
            Tile(_("Unassigned"), counts["unassigned"], _url("ticket-list", view="unassigned")),
            Tile(_("Past their SLA"), breached, _url("ticket-list", view="breached"), warn=bool(breached)),
        ]
        sections.append({"id": "home-support", "title": _("Support queue"), "tiles": tiles})
    field_orders = _field_orders_section(user)
    if field_orders:
        sections.append(field_orders)
    if user.has_perm("churn.view_churnrisk"):
        sections.append(_churn_section(user))
    if user.has_perm("dashboard.view_analytics"):
        tiles = dashboard_snapshot_figures(scope=Scope.for_user(user))["tiles"][:4]
        sections.append({"id": "home-analytics", "title": _("Business"), "tiles": tiles})
    books = _books_section(user)
    if books:
        sections.append(books)
    recent = None
    if user.has_perm("customers.view_customer"):
        recent = customers_visible_to(user).select_related("area").order_by("-id")[:8]
    return {"sections": sections, "recent_customers": recent}


def _churn_section(user) -> dict:
    """Customers the churn model puts at high risk and the monthly revenue they carry (docs/churn.md)."""
    figures = risk_summary(branch_ids=user_branch_ids(user))
    high = _url("customer-list", risk="high", sort="-risk")
    tiles = [Tile(_("High-risk customers"), figures["high"], high, warn=True)]
    # Revenue figures are for those who see the business figures; support works the list without them.
    if user.has_perm("dashboard.view_analytics"):
        tiles.append(Tile(_("MRR at risk"), figures["mrr_high"], high, kind="money", warn=bool(figures["high"])))
    tiles.append(Tile(_("Medium-risk customers"), figures["medium"], _url("customer-list", risk="medium", sort="-risk")))
    return {"id": "home-churn", "title": _("Churn risk"), "tiles": tiles}


def _field_orders_section(user) -> dict | None:
    """Field orders for supervisors: open, scheduled today, and late (open past their scheduled day)."""
    if not user.has_perm("fieldservice.view_workorder"):
        return None

    today = timezone.localdate()
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    day_end = day_start + timedelta(days=1)
    counts = workorders_visible_to(user).aggregate(
        today=Count("id", filter=Q(scheduled_start__gte=day_start, scheduled_start__lt=day_end)),
        open=Count("id", filter=Q(status__in=WorkOrder.OPEN_STATUSES)),
        late=Count("id", filter=Q(status__in=WorkOrder.OPEN_STATUSES, scheduled_start__lt=day_start)),
    )
    list_url = reverse("staff:workorder-list")
    board_url = reverse("staff:workorder-dispatch")
    return {"id": "home-field", "title": _("Field orders"), "tiles": [
        Tile(_("Open field orders"), counts["open"], list_url),
        Tile(_("Scheduled today"), counts["today"], board_url),
        Tile(_("Overdue"), counts["late"], list_url, warn=bool(counts["late"])),
    ]}


# Snapshots -----------------------------------------------------------------------------------------


def _snapshots(scope: Scope) -> QuerySet[DailyMetric]:
    rows = DailyMetric.objects.filter(dimension=DailyMetric.Dimension.ALL)
    if scope.branch_ids is not None:
        rows = rows.filter(branch_id__in=scope.branch_ids)
    if scope.branch_id is not None:
        rows = rows.filter(branch_id=scope.branch_id)
    return rows


def first_snapshot_day(scope: Scope) -> date | None:
    """The earliest day with snapshot rows: before it there are no figures."""
    return _snapshots(scope).aggregate(d=Min("day"))["d"]


def snapshot_day(scope: Scope) -> date | None:
    """The latest day with snapshot rows, no later than today."""
    return _snapshots(scope).filter(day__lte=timezone.localdate()).aggregate(d=Max("day"))["d"]


STOCK = ("mrr", "subscriptions", "customers", "start_mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
         "reactivation_mrr", "paused_mrr", "customers_at_start", "customers_churned", "ar_current", "ar_1_30", "ar_31_60", "ar_61_90",
         "ar_90_plus", "asked", "paid_of_asked", "arrears_collected")
FLOWS = ("billed", "revenue", "due", "collected")


def _zero(name: str):
    return 0 if name in ("subscriptions", "customers", "customers_at_start", "customers_churned") else ZERO


def _point(scope: Scope, day: date) -> dict:
    found = _snapshots(scope).filter(day=day).aggregate(**{name: Sum(name) for name in STOCK})
    return {name: found[name] if found[name] is not None else _zero(name) for name in STOCK}


def _flows(scope: Scope, start: date, end: date) -> dict:
    found = _snapshots(scope).filter(day__range=(start, end)).aggregate(**{name: Sum(name) for name in FLOWS})
    return {name: found[name] or ZERO for name in FLOWS}


def _derived(point: dict, flows: dict) -> dict:
    overdue = sum((point[f] for f in ("ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus")), ZERO)
    return {
        **point, **flows, "arr": point["mrr"] * 12,
        # Receivables in two parts (docs/metrics.md, "Collections"): ageing's "current" is not yet due.
        "receivable": overdue + point["ar_current"], "overdue": overdue, "not_yet_due": point["ar_current"],
        "arpu": ratio(point["mrr"], point["customers"], percent=False),
        # Of the invoices falling due in the month (month to date), net of credit notes: never above 100 %.
        "efficiency": ratio(point["paid_of_asked"], point["asked"]),
        "logo_churn": ratio(point["customers_churned"], point["customers_at_start"]),
        "gross_revenue_churn": ratio(point["churned_mrr"] + point["contraction_mrr"], point["start_mrr"]),
    }


def month_figures(scope: Scope, month: date, *, as_of: date | None = None) -> dict:
    """A month's figures from the snapshots: stocks on its last day (or `as_of`), flows summed over its days."""
    first = month_start(month)
    last = min(month_end(first), as_of) if as_of else month_end(first)
    return {"month": first, "day": last, **_derived(_point(scope, last), _flows(scope, first, last))}


def month_series(scope: Scope, *, last_month: date, months: int = 12, as_of: date | None = None) -> list[dict]:
    """`months` months ending with `last_month`, two grouped queries: month-end stocks and monthly flows."""
    firsts = [add_months(month_start(last_month), -i) for i in range(months - 1, -1, -1)]
    ends = {first: min(month_end(first), as_of) if as_of else month_end(first) for first in firsts}
    stocks = {
        row["day"]: row for row in _snapshots(scope).filter(day__in=list(ends.values())).values("day")
        .annotate(**{name: Sum(name) for name in STOCK}).order_by()
    }
    flows = {
        row["m"]: row for row in _snapshots(scope).filter(day__range=(firsts[0], ends[firsts[-1]]))
        .annotate(m=TruncMonth("day")).values("m").annotate(**{name: Sum(name) for name in FLOWS}).order_by()
    }
    series = []
    for first in firsts:
        stock = stocks.get(ends[first], {})
        flow = flows.get(first, {})
        point = {name: stock.get(name) if stock.get(name) is not None else _zero(name) for name in STOCK}
        series.append({"month": first, "day": ends[first], **_derived(point, {n: flow.get(n) or ZERO for n in FLOWS})})
    return series


# Below this share of the current value, last month's figure is too small a base for a percentage
# ("+65,873 %" of ৳1,016): the tile shows the amount and "new" instead (docs/metrics.md).
CHANGE_BASE_SHARE = Decimal("0.10")


def _small_base(now, before) -> bool:
    return now is not None and before is not None and abs(Decimal(before)) < abs(Decimal(now)) * CHANGE_BASE_SHARE


def _change(now, before, *, rate: bool = False) -> Decimal | None:
    """The change against `before`: in percent, or for a rate in percentage points."""
    if rate:
        return directions.points_change(now, before)
    if now is None or before is None or not before or _small_base(now, before):
        return None
    return ratio(Decimal(now) - Decimal(before), Decimal(before))


def _day_span(first: date, last: date) -> str:
    """"1–24 Oct", or "1 Oct" for one day."""
    if first == last:
        return date_format(first, "j M")
    return f"{first.day}–{date_format(last, 'j M')}"


def analytics_tiles(*, scope: Scope, month: date | None = None, day: date | None = None, series: list[dict] | None = None) -> list[Tile]:
    """KPI tiles of a month (this month so far by default) with their change against last month (for
    money flows, the same number of days of last month), each linked to its drill-down. `day` and
    `series` (at least this month and the one before) when the caller has read them already."""
    day = day or snapshot_day(scope)
    if day is None:
        return []
    first = month_start(month or day)
    if series is None or len(series) < 2 or series[-1]["month"] != first:
        series = month_series(scope, last_month=first, months=2, as_of=day if first == month_start(day) else None)
    current, previous_stock = series[-1], series[-2]
    previous_first = previous_stock["month"]
    same_days = min(previous_first + timedelta(days=(current["day"] - first).days), month_end(previous_first))
    flows = _flows(scope, previous_first, same_days)
    same_point = _point(scope, same_days)
    previous_flow = {**flows, "efficiency": ratio(same_point["paid_of_asked"], same_point["asked"]),
                     "arrears_collected": same_point["arrears_collected"]}
    params = {"month": first.isoformat(), "day": current["day"].isoformat(), "branch": scope.branch_id}

    def drill(metric: str, **extra) -> str:
        return drill_url(metric, **params, **extra)

    flow_days = _day_span(previous_first, same_days)
    stock_day = date_format(previous_stock["day"], "j M")

    def tile(label, key, url, kind="money", *, flow=False, warn=False, note=""):
        before = (previous_flow if flow else previous_stock)[key]
        rate = directions.is_rate(key)
        change = _change(current[key], before, rate=rate)
        new = _small_base(current[key], before) and not rate
        return Tile(label, current[key], url, kind=kind, warn=warn, change=change, previous=before, note=note,
                    compared=flow_days if flow else stock_day, new=new, key=key,
                    tone=directions.tone(key, change if not new else Decimal(current[key]) - Decimal(before)),
                    change_text=directions.change_text(change, rate=rate))

    # Overdue is the figure to watch; not yet due (next month's invoices issued ahead among them) and
    # the total beside it, each compared with the end of last month (docs/metrics.md, "Collections").
    receivables = tile(_("Overdue receivables"), "overdue", drill("receivable", kind=collection_figures.OVERDUE), warn=True)
    receivables.parts = [
        tile(_("Not yet due"), "not_yet_due", drill("receivable", kind=collection_figures.NOT_YET_DUE)),
        tile(_("Receivables in all"), "receivable", drill("receivable")),
    ]
    receivables.group_url = drill("receivable")
    return [
        tile(_("MRR"), "mrr", drill("mrr")),
        tile(_("Collected"), "collected", drill("collected"), flow=True),
        tile(_("Billed"), "billed", drill("billed"), flow=True),
        receivables,
        tile(_("ARR"), "arr", drill("mrr")),
        tile(_("Paying customers"), "customers", drill("mrr"), kind=""),
        tile(_("ARPU"), "arpu", drill("mrr")),
        tile(_("Collection efficiency"), "efficiency", drill("due"), kind="percent", flow=True,
             note=_("Paid of what the invoices falling due this month asked, net of credit notes; arrears paid this month are not counted")),
        tile(_("Arrears collected"), "arrears_collected", drill("collected"), flow=True,
             note=_("Paid this month on invoices that fell due before it")),
        tile(_("Logo churn"), "logo_churn", drill("churned-customers"), kind="percent", warn=True),
        tile(_("Churned MRR"), "churned_mrr", drill("movement", kind="churned"), warn=True),
        tile(_("New MRR"), "new_mrr", drill("movement", kind="new")),
        tile(_("Reactivation MRR"), "reactivation_mrr", drill("movement", kind="reactivation"),
             note=_("Connections back from a pause or a suspension")),
        tile(_("Paused MRR"), "paused_mrr", drill("movement", kind="paused"),
             note=_("Paused by the customer this month: not churn")),
    ]


# Versioned: when what the stored rows mean changes (v2: collection efficiency of the invoices falling
# due in the month, net of credit notes; paused MRR apart from churned; v3: MRR net of retention
# discounts, from a connection's first paid invoice; v4: tiles coloured by meaning, rates' changes in
# percentage points; v5: receivables overdue and not yet due apart), figures cached under the old
# meaning are never read again.
SNAPSHOT_VERSION_KEY = "analytics:snapshot-version:v5"
# The figures change only when snapshot rows are written; a day bounds what a forgotten version keeps.
DASHBOARD_CACHE_SECONDS = 24 * 3600


def snapshot_version() -> str:
    """A token that changes whenever snapshot rows are written (`snapshots_changed`)."""
    version = cache.get(SNAPSHOT_VERSION_KEY)
    if version is None:
        cache.add(SNAPSHOT_VERSION_KEY, uuid4().hex, None)
        version = cache.get(SNAPSHOT_VERSION_KEY)
    return version


def snapshots_changed() -> None:
    """Called once snapshot rows are committed: every cached dashboard figure is out of date."""
    cache.set(SNAPSHOT_VERSION_KEY, uuid4().hex, None)


def analytics_dashboard(*, scope: Scope, month: date | None = None) -> dict:
    """Everything the owner dashboard draws: from the snapshots (cached until they are next written,
    per scope, month and language: a dozen grouped reads become one cache read) the tiles, 12 months
    of MRR and its movements, billed vs collected, churn, ageing on the day, revenue by area; from the
    leads, the month's growth funnel."""
    data = dashboard_snapshot_figures(scope=scope, month=month)
    if data["day"] is None:
        return {**data, "funnel": None}
    return {**data, "funnel": growth_funnel(scope=scope, month=data["month"], as_of=data["series"][-1]["day"])}


def dashboard_snapshot_figures(*, scope: Scope, month: date | None = None) -> dict:
    """The dashboard's figures read from the snapshots, cached until snapshot rows are next written."""
    parts = (snapshot_version(), get_language(), timezone.localdate(), month, scope.branch_ids and sorted(scope.branch_ids),
             scope.branch_id, scope.area_id, scope.reseller_id, scope.package_id)
    key = "analytics:dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = _dashboard_from_snapshots(scope=scope, month=month)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return data


def _dashboard_from_snapshots(*, scope: Scope, month: date | None) -> dict:
    day = snapshot_day(scope)
    if day is None:
        return {"day": None, "tiles": [], "series": [], "ageing": [], "areas": []}
    month = month_start(month or day)
    as_of = day if month == month_start(day) else None
    series = month_series(scope, last_month=month, as_of=as_of)
    last = series[-1]
    base = {"branch": scope.branch_id}

    def drill(metric: str, point: dict, **extra) -> str:
        return drill_url(metric, month=point["month"].isoformat(), day=point["day"].isoformat(),
                    **base, **extra)

    for point in series:
        point["urls"] = {
            "mrr": drill("mrr", point), "billed": drill("billed", point), "collected": drill("collected", point),
            "churn": drill("churned-customers", point),
            **{kind: drill("movement", point, kind=kind) for kind in metrics.MOVEMENTS},
        }
    labels = dict(zip(metrics.AGEING_BUCKETS, (_("Not yet due"), "1–30", "31–60", "61–90", "90+")))
    fields = dict(zip(metrics.AGEING_BUCKETS, ("ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus")))
    ageing = [
        {"bucket": bucket, "label": labels[bucket], "amount": last[fields[bucket]],
         "url": drill("receivable", last, bucket=bucket)}
        for bucket in metrics.AGEING_BUCKETS
    ]
    return {
        "day": day, "month": month, "tiles": analytics_tiles(scope=scope, month=month, day=day, series=series), "series": series,
        "ageing": ageing, "areas": revenue_by_area(scope=scope, month=month, as_of=last["day"]),
    }


def growth_funnel(*, scope: Scope, month: date, as_of: date) -> dict:
    """The month's leads and how far they got (docs/metrics.md, "Growth funnel"), each stage with its
    share of the leads and a drill-down to the leads behind it. Read from the leads themselves: a
    month's leads are few, and a stage can be reached after the night's snapshot."""
    figures = funnel.funnel(month, as_of, scope=scope)
    leads = figures["stages"][0][1]
    labels = dict(zip(funnel.FUNNEL_STAGES, (_("Leads"), _("Site survey"), _("Installed"), _("Paying"))))
    stages = [
        {"stage": stage, "label": labels[stage], "count": count, "share": ratio(count, leads),
         "url": drill_url("funnel", month=month.isoformat(), day=as_of.isoformat(), kind=stage, branch=scope.branch_id)}
        for stage, count in figures["stages"]
    ]
    return {"stages": stages, "conversion": figures["conversion"], "start": month, "end": as_of}


def revenue_by_area(*, scope: Scope, month: date, as_of: date) -> list[dict]:

    rows = (
        DailyMetric.objects.filter(dimension=DailyMetric.Dimension.AREA, day__range=(month_start(month), as_of))
        .filter(**({"branch_id__in": scope.branch_ids} if scope.branch_ids is not None else {}))
        .filter(**({"branch_id": scope.branch_id} if scope.branch_id is not None else {}))
        .values("key").annotate(revenue=Sum("revenue"), collected=Sum("collected")).order_by()
    )
    names = dict(Area.objects.values_list("pk", "name"))
    result = [
        {"area": names.get(r["key"], "—"), "area_id": r["key"], "revenue": r["revenue"] or ZERO, "collected": r["collected"] or ZERO,
         "url": drill_url("billed", month=month.isoformat(), day=as_of.isoformat(), area=r["key"],
                     branch=scope.branch_id)}
        for r in rows if (r["revenue"] or r["collected"])
    ]
    return sorted(result, key=lambda r: r["revenue"], reverse=True)


# Breakdowns: which branch, area, reseller, package, collector or payment method -----------------------

BREAKDOWNS = ("branch", "area", "reseller", "package", "collector", "method")
AR_FIELDS = ("ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus")


def _names_for(by: str, keys) -> dict:
    from django.contrib.auth import get_user_model


    keys = [k for k in keys if k]
    if by == "branch":
        return dict(Branch.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "area":
        return dict(Area.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "reseller":
        return {0: _("Direct (no reseller)"), **dict(Reseller.objects.filter(pk__in=keys).values_list("pk", "name"))}
    if by == "package":
        return dict(Package.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "method":
        return dict(Payment.Method.choices)
    users = get_user_model().objects.filter(pk__in=keys)
    return {u.pk: u.get_full_name() or u.username for u in users}


def breakdown(*, scope: Scope, month: date, by: str) -> dict:
    """A month's figures per branch, area, reseller or package (from the snapshots: MRR and customers on
    the month's last day, billed, revenue, due and collected over its days, receivables by age), or
    money collected per collector or payment method (from the payments). Sorted worst first where
    "behind" means something: lowest collection efficiency, then most overdue."""
    day = snapshot_day(scope)
    first = month_start(month)
    last = min(month_end(first), day) if day else month_end(first)
    params = {"month": first.isoformat(), "day": last.isoformat(), "branch": scope.branch_id}
    rows: list[dict] = []
    if by in ("collector", "method"):
        for r in collection_figures.collections_by(first, by=by, scope=scope, as_of=last):
            rows.append({"key": r["key"], "collected": r["collected"], "payments": r["payments"]})
        names = _names_for(by, [r["key"] for r in rows])
        for r in rows:
            r["name"] = names.get(r["key"], _("Online / unattributed") if by == "collector" else r["key"])
            extra = {"cashier": r["key"]} if by == "collector" else {"method": r["key"]}
            r["url"] = _url("payment-list", date_from=first.isoformat(), date_to=last.isoformat(), **extra) if r["key"] else ""
        rows.sort(key=lambda r: r["collected"], reverse=True)
        return {"by": by, "rows": rows, "month": first, "day": last, "money_only": True}
    if day is None:
        return {"by": by, "rows": [], "month": first, "day": last, "money_only": False}
    dimension = DailyMetric.Dimension.ALL if by == "branch" else by
    key = "branch_id" if by == "branch" else "key"
    base = DailyMetric.objects.filter(dimension=dimension)
    if scope.branch_ids is not None:
        base = base.filter(branch_id__in=scope.branch_ids)
    if scope.branch_id is not None:
        base = base.filter(branch_id=scope.branch_id)
    stocks = {r[key]: r for r in base.filter(day=last).values(key).annotate(
        mrr=Sum("mrr"), customers=Sum("customers"), subscriptions=Sum("subscriptions"),
        **{f: Sum(f) for f in (*AR_FIELDS, "asked", "paid_of_asked", "arrears_collected")}).order_by()}
    flows = {r[key]: r for r in base.filter(day__range=(first, last)).values(key).annotate(
        billed=Sum("billed"), revenue=Sum("revenue"), due=Sum("due"), collected=Sum("collected")).order_by()}
    names = _names_for(by, set(stocks) | set(flows))
    for k in set(stocks) | set(flows):
        stock, flow = stocks.get(k, {}), flows.get(k, {})
        ar = {f: stock.get(f) or ZERO for f in AR_FIELDS}
        row = {
            "key": k, "name": names.get(k, "—"), "mrr": stock.get("mrr") or ZERO, "customers": stock.get("customers") or 0,
            "billed": flow.get("billed"), "revenue": flow.get("revenue"), "due": flow.get("due"), "collected": flow.get("collected"),
            **ar, "receivable": sum(ar.values(), ZERO), "overdue": sum((ar[f] for f in AR_FIELDS[1:]), ZERO),
            "asked": stock.get("asked"), "paid_of_asked": stock.get("paid_of_asked"), "arrears_collected": stock.get("arrears_collected"),
        }
        row["efficiency"] = ratio(row["paid_of_asked"] or ZERO, row["asked"] or ZERO) if by != "package" else None
        filter_param = {"branch": k} if by == "branch" else {by: k}
        drill_params = {**params, **filter_param}
        row["urls"] = {
            "mrr": drill_url("mrr", **drill_params), "billed": drill_url("billed", **drill_params),
            "collected": drill_url("collected", **drill_params),
            # The cell is what is overdue: its list is that part of the receivables (the other a click away).
            "receivable": drill_url("receivable", **drill_params, kind=collection_figures.OVERDUE),
            "due": drill_url("due", **drill_params),
        }
        rows.append(row)
    if by == "package":
        rows.sort(key=lambda r: r["mrr"], reverse=True)
    else:
        rows.sort(key=lambda r: (r["efficiency"] is None, r["efficiency"] or 0, -r["overdue"]))
    return {"by": by, "rows": rows, "month": first, "day": last, "money_only": False}
