"""Business metrics, computed from the records themselves (docs/metrics.md has every definition).

Sources, all append-only or history-keeping: invoices and their allocations (billing), payments,
the audit log of subscription lifecycle transitions (who/when/before/after of every activate,
suspend, reactivate and cancel), applied package changes (billing.PackageChange) and the package
catalogue's prices. Every function here is a read; the heavy lifting is set-based SQL (correlated
subqueries and GROUP BY), which runs on PostgreSQL and SQLite alike; only a handful of grouped rows
come back to Python, where Decimal arithmetic finishes the job exactly.

A `Scope` carries the staff user's branch limit and an optional filter (one branch, area, reseller
or package): every figure is scoped the same way, on the dashboards, the exports and the JSON API.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from billing.models import Allocation, Invoice, InvoiceLine, PackageChange
from billing.selectors import OPEN_STATUSES, package_monthly_net
from customers.models import Branch, Customer, Lead, Package, Subscription
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.models import AuditLog
from ispbill.core.money import ZERO
from payments.models import Payment

from .snapshot_sql import frame_aggregates, with_touched

CENT = Decimal("0.01")
LIFECYCLE_ACTIONS = ("subscription.activate", "subscription.suspend", "subscription.reactivate", "subscription.cancel")
AGEING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
DIMENSIONS = ("branch", "area", "reseller", "package")


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | int, denominator: Decimal | int, *, percent: bool = True) -> Decimal | None:
    """numerator ÷ denominator (× 100 for a percentage), two places; None when the denominator is 0."""
    if not denominator:
        return None
    value = Decimal(numerator) / Decimal(denominator) * (100 if percent else 1)
    return q2(value)


# Scope ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which customers a figure covers: the staff user's branches (None = all) and one optional filter."""

    branch_ids: frozenset[int] | None = None
    branch_id: int | None = None
    area_id: int | None = None
    reseller_id: int | None = None  # 0 = customers without a reseller ("direct")
    package_id: int | None = None

    @classmethod
    def for_user(cls, user, **filters) -> Scope:
        ids = user_branch_ids(user) if user is not None else None
        return cls(branch_ids=frozenset(ids) if ids is not None else None, **{k: v for k, v in filters.items() if v is not None})

    def customer_q(self, prefix: str = "") -> Q:
        """A filter on customers, reached through `prefix` (e.g. "customer__")."""
        q = Q()
        if self.branch_ids is not None:
            q &= Q(**{f"{prefix}branch_id__in": self.branch_ids})
        if self.branch_id is not None:
            q &= Q(**{f"{prefix}branch_id": self.branch_id})
        if self.area_id is not None:
            q &= Q(**{f"{prefix}area_id": self.area_id})
        if self.reseller_id is not None:
            q &= Q(**{f"{prefix}reseller__isnull": True}) if self.reseller_id == 0 else Q(**{f"{prefix}reseller_id": self.reseller_id})
        return q

    @property
    def filters(self) -> dict:
        return {k: v for k, v in {"branch": self.branch_id, "area": self.area_id, "reseller": self.reseller_id,
                                  "package": self.package_id}.items() if v is not None}


ALL = Scope()


# Time -----------------------------------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the ISP's time zone: "on day D" means before this."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_today() -> date:
    return timezone.localdate()


def churn_unpaid_days() -> int:
    return settings.ANALYTICS_CHURN_UNPAID_DAYS


# Subscription state on a day ----------------------------------------------------------------------


def _lifecycle_rows(bound: datetime) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscription),
        object_id=Cast(OuterRef("pk"), CharField()),
        action__in=LIFECYCLE_ACTIONS,
        at__lt=bound,
    ).order_by("-at", "-id")


def _package_on(day: date):
    """The package a subscription was on at the end of `day`: the last applied change effective by then,
    else the first applied change's starting package, else the package it is on now."""
    applied = PackageChange.objects.filter(subscription=OuterRef("pk"), status=PackageChange.Status.APPLIED)
    return Coalesce(
        Subquery(applied.filter(effective_date__lte=day).order_by("-effective_date", "-id").values("to_package_id")[:1]),
        Subquery(applied.filter(effective_date__gt=day).order_by("effective_date", "id").values("from_package_id")[:1]),
        F("package_id"),
        output_field=IntegerField(),
    )


def _counted_on(day: date, prefix: str, unpaid_days: int) -> Q:
    """A subscription counts in MRR on `day` when it is active, or suspended for non-payment for fewer
    than `unpaid_days` days (past due, not yet churned). Without lifecycle history (rows made before the
    audit log existed), its activated/suspended/cancelled timestamps decide."""
    bound = end_of_day(day)
    churn_bound = end_of_day(day - timedelta(days=unpaid_days))
    status, kind, at = f"{prefix}_status", f"{prefix}_type", f"{prefix}_at"
    from_history = Q(**{status: Subscription.Status.ACTIVE}) | Q(
        **{status: Subscription.Status.SUSPENDED, kind: Subscription.SuspensionType.NON_PAYMENT, f"{at}__gte": churn_bound}
    )
    without_history = (
        Q(**{f"{status}__isnull": True}, activated_at__lt=bound)
        & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=bound))
        & (Q(suspended_at__isnull=True) | Q(suspended_at__gte=bound))
    )
    return from_history | without_history


def subscriptions_on(day: date, *, scope: Scope = ALL, prefix: str = "d", unpaid_days: int | None = None) -> QuerySet:
    """Subscriptions annotated with their state at the end of `day`: `<p>_status`, `<p>_type`, `<p>_at`
    (from the last lifecycle transition before then), `<p>_package` and `<p>_counted` (1 or 0)."""
    unpaid_days = churn_unpaid_days() if unpaid_days is None else unpaid_days
    return _annotate_day(
        Subscription.objects.filter(scope.customer_q("customer__")), day, prefix=prefix, unpaid_days=unpaid_days
    ).filter(_package_filter(scope, prefix))


def _package_filter(scope: Scope, prefix: str) -> Q:
    return Q(**{f"{prefix}_package": scope.package_id}) if scope.package_id is not None else Q()


def _annotate_day(queryset: QuerySet, day: date, *, prefix: str, unpaid_days: int) -> QuerySet:
    rows = _lifecycle_rows(end_of_day(day))
    queryset = queryset.annotate(
        **{
            f"{prefix}_status": Subquery(rows.values(value=KT("after__status"))[:1]),
            f"{prefix}_type": Subquery(rows.values(value=KT("after__suspension_type"))[:1]),
            f"{prefix}_at": Subquery(rows.values("at")[:1], output_field=DateTimeField()),
            f"{prefix}_package": _package_on(day),
        }
    )
    return queryset.annotate(
        **{f"{prefix}_counted": Case(When(_counted_on(day, prefix, unpaid_days), then=Value(1)), default=Value(0),
                                     output_field=IntegerField())}
    )


# MRR, ARR, ARPU -------------------------------------------------------------------------------------


GROUP_FIELDS = {
    "branch": "customer__branch_id",
    "area": "customer__area_id",
    "reseller": "customer__reseller_id",
}


def mrr_on(day: date, *, scope: Scope = ALL, by: str | None = None) -> dict:
    """MRR, ARR, paying customers and ARPU at the end of `day`; with `by` (branch/area/reseller/package),
    a dict of those figures per key as well (key None = no reseller)."""
    prices = package_monthly_net()
    counted = subscriptions_on(day, scope=scope).filter(d_counted=1)
    per_key: dict = defaultdict(lambda: {"mrr": ZERO, "subscriptions": 0, "customers": 0})
    total_mrr, total_subs = ZERO, 0
    key_field = "d_package" if by == "package" else GROUP_FIELDS.get(by or "", None)
    group = ["d_package"] + ([key_field] if key_field and key_field != "d_package" else [])
    for row in counted.values(*group).annotate(n=Count("id")).order_by():
        amount = prices.get(row["d_package"], ZERO) * row["n"]
        total_mrr += amount
        total_subs += row["n"]
        if key_field:
            slot = per_key[row[key_field]]
            slot["mrr"] += amount
            slot["subscriptions"] += row["n"]
    customers = counted.aggregate(n=Count("customer_id", distinct=True))["n"]
    if key_field:
        for row in counted.values(key_field).annotate(n=Count("customer_id", distinct=True)).order_by():
            per_key[row[key_field]]["customers"] = row["n"]
        for slot in per_key.values():
            slot["arpu"] = ratio(slot["mrr"], slot["customers"], percent=False)
    result = {
        "day": day, "mrr": total_mrr, "arr": total_mrr * 12, "subscriptions": total_subs, "customers": customers,
        "arpu": ratio(total_mrr, customers, percent=False),
    }
    if key_field:
        result["by"] = dict(per_key)
    return result


def mrr_rows(day: date, *, scope: Scope = ALL) -> list[dict]:
    """The subscriptions behind MRR on `day`, each with its monthly amount (the drill-down)."""
    prices = package_monthly_net()
    names = dict(Package.objects.values_list("pk", "name"))
    rows = (
        subscriptions_on(day, scope=scope).filter(d_counted=1)
        .values("pk", "customer_id", "customer__account_number", "customer__name", "customer__area__name", "d_package",
                "d_status")
        .order_by("customer__account_number", "pk")
    )
    return [
        {
            "subscription": r["pk"], "customer_id": r["customer_id"], "account": r["customer__account_number"],
            "name": r["customer__name"], "area": r["customer__area__name"], "package": names.get(r["d_package"], ""),
            "status": r["d_status"] or "", "mrr": prices.get(r["d_package"], ZERO),
        }
        for r in rows
    ]


# MRR movements and churn -----------------------------------------------------------------------------

MOVEMENTS = ("new", "expansion", "contraction", "churned", "reactivation")


def _movement(start_counted: int, end_counted: int, before: Decimal, after: Decimal, ever_before: bool) -> str | None:
    if start_counted and end_counted:
        if after > before:
            return "expansion"
        if after < before:
            return "contraction"
        return None
    if start_counted:
        return "churned"
    if end_counted:
        return "reactivation" if ever_before else "new"
    return None


def _month_frame(month: date, *, scope: Scope, as_of: date | None = None) -> QuerySet:
    """Subscriptions with their state at the end of the previous month (`s_…`) and at the end of the month
    or `as_of` (`e_…`), and whether they were ever activated before the month began."""
    first = month_start(month)
    start_day = first - timedelta(days=1)
    end_day = min(as_of or month_end(first), month_end(first))
    unpaid = churn_unpaid_days()
    queryset = Subscription.objects.filter(scope.customer_q("customer__"))
    queryset = _annotate_day(queryset, start_day, prefix="s", unpaid_days=unpaid)
    queryset = _annotate_day(queryset, end_day, prefix="e", unpaid_days=unpaid)
    if scope.package_id is not None:
        queryset = queryset.filter(Q(s_package=scope.package_id) | Q(e_package=scope.package_id))
    return queryset.annotate(
        ever=Case(When(activated_at__lt=start_of_day(first), then=Value(1)), default=Value(0), output_field=IntegerField())
    ).filter(Q(s_counted=1) | Q(e_counted=1))


def mrr_movements(month: date, *, scope: Scope = ALL, as_of: date | None = None, by: str | None = None) -> dict:
    """MRR at the start of the month, each movement during it, and at its end (or `as_of`):
    start + new + expansion − contraction − churned + reactivation = end."""
    prices = package_monthly_net()
    key_field = {"package": "e_package"}.get(by or "", GROUP_FIELDS.get(by or ""))
    fields = ["s_counted", "e_counted", "s_package", "e_package", "ever"] + ([key_field] if key_field and key_field != "e_package" else [])
    totals = _empty_movements()
    per_key: dict = defaultdict(_empty_movements)
    for row in _month_frame(month, scope=scope, as_of=as_of).values(*fields).annotate(n=Count("id")).order_by():
        before = prices.get(row["s_package"], ZERO) if row["s_counted"] else ZERO
        after = prices.get(row["e_package"], ZERO) if row["e_counted"] else ZERO
        kind = _movement(row["s_counted"], row["e_counted"], before, after, bool(row["ever"]))
        targets = [totals] + ([per_key[row[key_field]]] if key_field else [])
        for target in targets:
            target["start"] += before * row["n"]
            target["end"] += after * row["n"]
            if kind:
                target[kind] += abs(after - before) * row["n"]
    result = dict(totals)
    if key_field:
        result["by"] = dict(per_key)
    return result


def _empty_movements() -> dict:
    return {"start": ZERO, "end": ZERO, **{kind: ZERO for kind in MOVEMENTS}}


def movement_rows(month: date, *, kind: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """The subscriptions behind one movement of a month (the drill-down), with before/after MRR."""
    prices = package_monthly_net()
    names = dict(Package.objects.values_list("pk", "name"))
    rows = []
    frame = _month_frame(month, scope=scope, as_of=as_of).values(
        "pk", "customer_id", "customer__account_number", "customer__name", "customer__area__name",
        "s_counted", "e_counted", "s_package", "e_package", "ever",
    ).order_by("customer__account_number", "pk")
    for r in frame:
        before = prices.get(r["s_package"], ZERO) if r["s_counted"] else ZERO
        after = prices.get(r["e_package"], ZERO) if r["e_counted"] else ZERO
        if _movement(r["s_counted"], r["e_counted"], before, after, bool(r["ever"])) != kind:
            continue
        rows.append({
            "subscription": r["pk"], "customer_id": r["customer_id"], "account": r["customer__account_number"],
            "name": r["customer__name"], "area": r["customer__area__name"],
            "package_before": names.get(r["s_package"], "") if r["s_counted"] else "",
            "package_after": names.get(r["e_package"], "") if r["e_counted"] else "",
            "before": before, "after": after, "amount": abs(after - before),
        })
    return rows


def churn(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> dict:
    """Logo churn (customers counted at the start and not at the end ÷ customers counted at the start),
    gross revenue churn ((churned + contraction) ÷ start MRR) and net revenue churn
    ((churned + contraction − expansion − reactivation) ÷ start MRR), as percentages."""
    per_customer = (
        _month_frame(month, scope=scope, as_of=as_of).values("customer_id")
        .annotate(s=Max("s_counted"), e=Max("e_counted")).order_by()
    )
    at_start = per_customer.filter(s=1).count()
    lost = per_customer.filter(s=1, e=0).count()
    moves = mrr_movements(month, scope=scope, as_of=as_of)
    lost_mrr = moves["churned"] + moves["contraction"]
    return {
        "customers_at_start": at_start, "customers_churned": lost, "logo_churn": ratio(lost, at_start),
        "gross_revenue_churn": ratio(lost_mrr, moves["start"]),
        "net_revenue_churn": ratio(lost_mrr - moves["expansion"] - moves["reactivation"], moves["start"]),
        "movements": moves,
    }


def churned_customer_rows(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    ids = (
        _month_frame(month, scope=scope, as_of=as_of).values("customer_id")
        .annotate(s=Max("s_counted"), e=Max("e_counted")).filter(s=1, e=0).values("customer_id")
    )
    return list(
        Customer.objects.filter(pk__in=ids).order_by("account_number")
        .values("pk", "account_number", "name", "area__name", "status")
    )


# Collections --------------------------------------------------------------------------------------


def _invoices(scope: Scope) -> QuerySet[Invoice]:
    return Invoice.objects.exclude(status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT]).filter(scope.customer_q("customer__"))


def _payments(scope: Scope) -> QuerySet[Payment]:
    return Payment.objects.filter(status=Payment.Status.COMPLETED).filter(scope.customer_q("customer__"))


def _sum(queryset: QuerySet, name: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(name), ZERO, output_field=Invoice._meta.get_field("total")))["total"]


def billed_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Invoice]:
    return _invoices(scope).filter(issue_date__range=(start, end))


def due_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Invoice]:
    return _invoices(scope).filter(due_date__range=(start, end))


def collected_between(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Payment]:
    return _payments(scope).filter(received_at__gte=start_of_day(start), received_at__lt=end_of_day(end))


def open_invoices_on(day: date, *, scope: Scope = ALL, part: str = "") -> QuerySet[Invoice]:
    """Invoices issued by `day` with something unpaid at its end, annotated with `open_on` (total − what was
    allocated to them by then). `part` "open" / "reopened" gives the two disjoint halves (open now; paid
    now but with allocations after `day`), each of which the database finds by an index."""
    bound = end_of_day(day)
    paid = (
        Allocation.objects.filter(invoice=OuterRef("pk"), created_at__lt=bound)
        .values("invoice").annotate(s=Sum("amount")).values("s")
    )
    money = Invoice._meta.get_field("total")
    # Exact shortcut: an invoice paid now whose allocations all predate the bound was paid on `day` too.
    reopened = Allocation.objects.filter(created_at__gte=bound, invoice__issue_date__lte=day).values("invoice_id")
    invoices = _invoices(scope).filter(issue_date__lte=day)
    if part == "open":
        invoices = invoices.filter(status__in=OPEN_STATUSES)
    elif part == "reopened":
        invoices = invoices.exclude(status__in=OPEN_STATUSES).filter(pk__in=reopened)
    else:
        invoices = invoices.filter(Q(status__in=OPEN_STATUSES) | Q(pk__in=reopened))
    return (
        invoices.annotate(paid_on=Coalesce(Subquery(paid, output_field=money), ZERO, output_field=money))
        .annotate(open_on=F("total") - F("paid_on"))
        .filter(open_on__gt=0)
    )


def _bucket_case(day: date) -> Case:
    return Case(
        When(due_date__gte=day, then=Value("current")),
        When(due_date__gte=day - timedelta(days=30), then=Value("1-30")),
        When(due_date__gte=day - timedelta(days=60), then=Value("31-60")),
        When(due_date__gte=day - timedelta(days=90), then=Value("61-90")),
        default=Value("90+"),
        output_field=CharField(),
    )


def ageing_on(day: date, *, scope: Scope = ALL, by: str | None = None) -> dict:
    """Receivables open at the end of `day` by days past their due date: current (not yet past due),
    1–30, 31–60, 61–90, 90+. `by` gives the same per branch/area/reseller."""
    money = Invoice._meta.get_field("total")
    key_field = GROUP_FIELDS.get(by or "")
    fields = ["bucket"] + ([key_field] if key_field else [])
    totals = {bucket: ZERO for bucket in AGEING_BUCKETS}
    per_key: dict = defaultdict(lambda: {bucket: ZERO for bucket in AGEING_BUCKETS})
    rows = (
        open_invoices_on(day, scope=scope).annotate(bucket=_bucket_case(day)).values(*fields)
        .annotate(s=Sum("open_on", output_field=money)).order_by()
    )
    for row in rows:
        amount = q2(row["s"])
        totals[row["bucket"]] += amount
        if key_field:
            per_key[row[key_field]][row["bucket"]] += amount
    result = {"buckets": totals, "total": sum(totals.values(), ZERO)}
    if key_field:
        result["by"] = {key: {"buckets": b, "total": sum(b.values(), ZERO)} for key, b in per_key.items()}
    return result


def receivable_on(day: date, *, scope: Scope = ALL) -> Decimal:
    return ageing_on(day, scope=scope)["total"]


def collections(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> dict:
    """Billed, due and collected in a month; collection efficiency; CEI; DSO; receivables and ageing."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    days = (last - first).days + 1
    billed = _sum(billed_between(first, last, scope=scope), "total")
    due = _sum(due_between(first, last, scope=scope), "total")
    collected = _sum(collected_between(first, last, scope=scope), "amount")
    ar_start = receivable_on(first - timedelta(days=1), scope=scope)
    ageing = ageing_on(last, scope=scope)
    ar_end, ar_end_current = ageing["total"], ageing["buckets"]["current"]
    # CEI (as defined by e.g. the Credit Research Foundation): what was collected of what could have been.
    cei_denominator = ar_start + billed - ar_end_current
    return {
        "start": first, "end": last, "billed": billed, "due": due, "collected": collected,
        "efficiency": ratio(collected, due),
        "receivable_start": ar_start, "receivable_end": ar_end, "receivable_current": ar_end_current,
        "cei": ratio(ar_start + billed - ar_end, cei_denominator),
        "dso": q2(ar_end / billed * days) if billed else None,
        "ageing": ageing,
    }


def collections_by(month: date, *, by: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """Billed, due, collected and receivable per branch / area / reseller (customer's), or collected per
    collector (`by="collector"`, the staff user who recorded the payment) and per payment method."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    money = Invoice._meta.get_field("total")
    if by in ("collector", "method"):
        key = "received_by_id" if by == "collector" else "method"
        rows = collected_between(first, last, scope=scope).values(key).annotate(
            collected=Sum("amount", output_field=money), payments=Count("id")).order_by()
        return [{"key": r[key], "collected": q2(r["collected"]), "payments": r["payments"]} for r in rows]
    key = GROUP_FIELDS[by]
    table: dict = defaultdict(lambda: {"billed": ZERO, "due": ZERO, "collected": ZERO, "receivable": ZERO})
    for name, queryset, amount in (
        ("billed", billed_between(first, last, scope=scope), "total"),
        ("due", due_between(first, last, scope=scope), "total"),
        ("collected", collected_between(first, last, scope=scope), "amount"),
    ):
        for r in queryset.values(key).annotate(s=Sum(amount, output_field=money)).order_by():
            table[r[key]][name] = q2(r["s"])
    for k, figures in ageing_on(last, scope=scope, by=by).get("by", {}).items():
        table[k]["receivable"] = figures["total"]
    return [{"key": k, **v, "efficiency": ratio(v["collected"], v["due"])} for k, v in table.items()]


# Revenue ---------------------------------------------------------------------------------------------


def revenue_by(month: date, *, by: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """Revenue (invoiced net of VAT, by invoice issue date) per branch / area / reseller; per package
    (the subscription lines' net), or collected per payment method (`by="method"`)."""
    first = month_start(month)
    last = min(as_of or month_end(first), month_end(first))
    money = Invoice._meta.get_field("total")
    if by == "method":
        return [{"key": r["key"], "revenue": r["collected"]} for r in collections_by(month, by="method", scope=scope, as_of=as_of)]
    if by == "package":
        lines = InvoiceLine.objects.filter(
            invoice__in=billed_between(first, last, scope=scope), subscription__isnull=False
        ).values(key=F("subscription__package_id")).annotate(s=Sum("net", output_field=money)).order_by()
        return [{"key": r["key"], "revenue": q2(r["s"])} for r in lines]
    key = GROUP_FIELDS[by]
    rows = billed_between(first, last, scope=scope).values(key).annotate(s=Sum("subtotal", output_field=money)).order_by()
    return [{"key": r[key], "revenue": q2(r["s"])} for r in rows]


# Growth funnel ----------------------------------------------------------------------------------------


FUNNEL_STAGES = ("leads", "site_survey", "installed", "paying")


def funnel_leads(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Lead]:
    """Leads created in [start, end] within the scope (a lead without an area is everyone's)."""
    leads = Lead.objects.filter(created_at__gte=start_of_day(start), created_at__lt=end_of_day(end))
    if scope.branch_ids is not None:
        leads = leads.filter(Q(branch_id__in=scope.branch_ids) | Q(branch__isnull=True))
    if scope.branch_id is not None:
        leads = leads.filter(branch_id=scope.branch_id)
    if scope.area_id is not None:
        leads = leads.filter(area_id=scope.area_id)
    return leads


def funnel_stage_q(stage: str) -> Q:
    """The leads that reached `stage`: site survey (by the lead's status or its audited history),
    installed (its customer has a subscription activated), paying (its customer has made a completed
    payment). Each stage is a filter of its own, so a drill-down lists exactly the leads counted."""
    if stage == "leads":
        return Q()
    if stage == "site_survey":
        surveyed_ids = AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Lead), action="lead.update", after__status=Lead.Status.SITE_SURVEY,
        ).values("object_id")
        return Q(status__in=[Lead.Status.SITE_SURVEY, Lead.Status.CONVERTED]) | Q(pk__in=_as_ints(surveyed_ids))
    if stage == "installed":
        return Q(converted_customer__subscriptions__activated_at__isnull=False)
    if stage == "paying":
        return Q(converted_customer__payments__status=Payment.Status.COMPLETED)
    raise ValueError(stage)


def funnel(start: date, end: date, *, scope: Scope = ALL) -> dict:
    """Leads created in [start, end] and how many reached each stage (`funnel_stage_q`)."""
    counts = funnel_leads(start, end, scope=scope).aggregate(
        **{stage: Count("id", filter=funnel_stage_q(stage) or None, distinct=True) for stage in FUNNEL_STAGES}
    )
    stages = [(stage, counts[stage]) for stage in FUNNEL_STAGES]
    return {"stages": stages, "conversion": ratio(counts["paying"], counts["leads"])}


def funnel_rows(start: date, end: date, *, stage: str, scope: Scope = ALL) -> QuerySet[Lead]:
    """The leads behind one stage of the funnel (the drill-down)."""
    return funnel_leads(start, end, scope=scope).filter(pk__in=Lead.objects.filter(funnel_stage_q(stage)).values("pk"))


def _as_ints(object_ids: QuerySet) -> QuerySet:
    """Audit object ids are text; leads' keys are integers."""
    return object_ids.annotate(as_int=Cast("object_id", IntegerField())).values("as_int")



# Daily snapshot rows -------------------------------------------------------------------------------

BUCKET_FIELDS = {"current": "ar_current", "1-30": "ar_1_30", "31-60": "ar_31_60", "61-90": "ar_61_90", "90+": "ar_90_plus"}
CUSTOMER_FIELDS = ("customers_at_start", "customers_churned", "billed", "revenue", "due", "collected", *BUCKET_FIELDS.values())
MOVEMENT_FIELDS = {"new": "new_mrr", "expansion": "expansion_mrr", "contraction": "contraction_mrr",
                   "churned": "churned_mrr", "reactivation": "reactivation_mrr"}


def _blank_row(dimension: str) -> dict:
    row = {"mrr": ZERO, "subscriptions": 0, "customers": 0, "start_mrr": ZERO, **{f: ZERO for f in MOVEMENT_FIELDS.values()}}
    if dimension != "package":
        row.update({"customers_at_start": 0, "customers_churned": 0, "billed": ZERO, "revenue": ZERO, "due": ZERO,
                    "collected": ZERO, **{f: ZERO for f in BUCKET_FIELDS.values()}})
    return row


class SnapshotRows(dict):
    """Daily metric rows keyed (branch id, dimension, key), as `DailyMetric` stores them."""

    def slot(self, branch: int, dimension: str, key) -> dict:
        index = (branch, dimension, key or 0)
        if index not in self:
            self[index] = _blank_row(dimension)
        return self[index]

    def customer_slots(self, branch, area, reseller) -> list[dict]:
        return [self.slot(branch, "all", 0), self.slot(branch, "area", area), self.slot(branch, "reseller", reseller)]

    def add_frame(self, aggregates, prices: dict, *, sign: int = 1) -> None:
        """Add (or with sign −1 take away) the subscription frame's grouped figures."""
        groups, customer_counts, package_counts = aggregates
        for branch, area, reseller, s_counted, e_counted, s_package, e_package, ever, n in groups:
            before = prices.get(s_package, ZERO) if s_counted else ZERO
            after = prices.get(e_package, ZERO) if e_counted else ZERO
            kind = _movement(s_counted, e_counted, before, after, bool(ever))
            n *= sign
            for target in [*self.customer_slots(branch, area, reseller), self.slot(branch, "package", e_package)]:
                target["start_mrr"] += before * n
                target["mrr"] += after * n
                target["subscriptions"] += n if e_counted else 0
                if kind:
                    target[MOVEMENT_FIELDS[kind]] += abs(after - before) * n
        for branch, area, reseller, either, at_start, at_end in customer_counts:
            for target in self.customer_slots(branch, area, reseller):
                target["customers"] += at_end * sign
                target["customers_at_start"] += at_start * sign
                target["customers_churned"] += (either - at_end) * sign
        for branch, package, n in package_counts:
            self.slot(branch, "package", package)["customers"] += n * sign

    def add_flows(self, day: date, *, issued: list[dict] | None = None) -> None:
        """The day's billed, revenue, due and collected (indexed scans of one day; `issued`: the day's
        `issued_on` when the caller has read it)."""
        money = Invoice._meta.get_field("total")
        for r in issued_on(day) if issued is None else issued:
            for target in self.customer_slots(*(r[d] for d in SNAPSHOT_DIMS)):
                target["billed"] += r["billed"]
                target["revenue"] += r["revenue"]
        sources = (
            (due_between(day, day), {"due": "total"}),
            (collected_between(day, day), {"collected": "amount"}),
        )
        for queryset, sums in sources:
            grouped = queryset.values(*SNAPSHOT_DIMS).annotate(
                **{name: Sum(f, output_field=money) for name, f in sums.items()}).order_by()
            for r in grouped:
                for target in self.customer_slots(*(r[d] for d in SNAPSHOT_DIMS)):
                    for name in sums:
                        target[name] += q2(r[name])

    def add_receivables(self, day: date, open_by_due_date: dict) -> None:
        """Receivables by age from {(branch, area, reseller, due date): open amount}."""
        for (branch, area, reseller, due_date), amount in open_by_due_date.items():
            if amount:
                field = BUCKET_FIELDS[_bucket_of(day, due_date)]
                for target in self.customer_slots(branch, area, reseller):
                    target[field] += amount

    def finish(self) -> SnapshotRows:
        """Every branch has its `all` row every day, zeros included (series have no gaps); other rows
        that are zero throughout are not kept, so a full and an incremental computation store the same rows."""
        for branch in Branch.objects.values_list("pk", flat=True):
            self.slot(branch, "all", 0)
        for index in [i for i, values in self.items() if i[1] != "all" and not any(values.values())]:
            del self[index]
        return self


SNAPSHOT_DIMS = ("customer__branch_id", "customer__area_id", "customer__reseller_id")


def _bucket_of(day: date, due_date: date) -> str:
    """`_bucket_case` in Python."""
    late = (day - due_date).days
    if late <= 0:
        return "current"
    return "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else "90+"


def open_by_due_date(day: date) -> dict:
    """Receivables open at the end of `day`, summed per (branch, area, reseller, due date)."""
    money = Invoice._meta.get_field("total")
    result: dict = defaultdict(lambda: ZERO)
    for part in ("open", "reopened"):
        for r in open_invoices_on(day, part=part).values(*SNAPSHOT_DIMS, "due_date").annotate(
                s=Sum("open_on", output_field=money)).order_by():
            result[(*(r[d] for d in SNAPSHOT_DIMS), r["due_date"])] += q2(r["s"])
    return result


def issued_on(day: date) -> list[dict]:
    """The invoices issued on `day`: totals (billed) and subtotals (revenue) per branch, area,
    reseller and due date, read once for the day's flows and its receivable changes."""
    money = Invoice._meta.get_field("total")
    rows = billed_between(day, day).values(*SNAPSHOT_DIMS, "due_date").annotate(
        billed=Sum("total", output_field=money), revenue=Sum("subtotal", output_field=money)).order_by()
    return [{**r, "billed": q2(r["billed"]), "revenue": q2(r["revenue"])} for r in rows]


def receivable_changes(day: date, *, issued: list[dict] | None = None) -> dict:
    """How receivables moved on `day`, per (branch, area, reseller, due date): + invoices issued on it,
    − allocations that count from it (made on it, or made earlier to an invoice issued on it)."""
    money = Invoice._meta.get_field("total")
    result: dict = defaultdict(lambda: ZERO)
    for r in issued_on(day) if issued is None else issued:
        result[(*(r[d] for d in SNAPSHOT_DIMS), r["due_date"])] += r["billed"]
    counted = Allocation.objects.exclude(invoice__status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT])
    dims = [f"invoice__{d}" for d in SNAPSHOT_DIMS]
    # Two disjoint halves, each found by an index (allocation time; invoice issue date).
    for allocations in (
        counted.filter(created_at__gte=start_of_day(day), created_at__lt=end_of_day(day), invoice__issue_date__lte=day),
        counted.filter(created_at__lt=start_of_day(day), invoice__issue_date=day),
    ):
        for r in allocations.values(*dims, "invoice__due_date").annotate(s=Sum("amount", output_field=money)).order_by():
            result[(*(r[d] for d in dims), r["invoice__due_date"])] -= q2(r["s"])
    return result


def _frame_kwargs(day: date, *, month_of: date) -> dict:
    """The frame from the end of the month before `month_of`'s to the end of `day`."""
    start_day = month_start(month_of) - timedelta(days=1)
    return {"start_day": start_day, "day": day, "start_bound": end_of_day(start_day), "end_bound": end_of_day(day),
            "first_instant": start_of_day(month_start(month_of)), "unpaid_days": churn_unpaid_days(),
            "end_of_day": end_of_day}


def snapshot_rows(day: date, *, receivables: dict | None = None, issued: list[dict] | None = None) -> SnapshotRows:
    """The daily metric rows of `day`, computed from scratch: the month-to-date subscription frame of
    every subscription, distinct customers, the day's invoices and payments, and the receivables open
    at its end (`receivables`: those already summed by `open_by_due_date`)."""
    rows = SnapshotRows()
    rows.add_frame(frame_aggregates(**_frame_kwargs(day, month_of=day)), package_monthly_net())
    rows.add_flows(day, issued=issued)
    rows.add_receivables(day, open_by_due_date(day) if receivables is None else receivables)
    return rows.finish()


CARRIED = ("mrr", "subscriptions", "customers", "start_mrr", *MOVEMENT_FIELDS.values(), "customers_at_start", "customers_churned")


def timestamp_changes(start: date, end: date) -> dict[date, set[int]]:
    """Subscriptions with an activated, suspended or cancelled timestamp on each day of [start, end]:
    one scan for a whole backfill (the columns have no index of their own)."""
    first, bound = start_of_day(start), end_of_day(end)
    fields = ("activated_at", "suspended_at", "cancelled_at")
    in_range = Q()
    for name in fields:
        in_range |= Q(**{f"{name}__gte": first, f"{name}__lt": bound})
    days: dict[date, set[int]] = defaultdict(set)
    for pk, *stamps in Subscription.objects.filter(in_range).values_list("pk", *fields):
        for stamp in stamps:
            if stamp is not None and first <= stamp < bound:
                days[timezone.localdate(stamp)].add(pk)
    return days


def snapshot_rows_next(day: date, previous: dict, *, receivables: dict | None = None,
                       stamped: set[int] | None = None, issued: list[dict] | None = None) -> tuple[SnapshotRows, int]:
    """The rows of `day` from the rows of the day before (`previous`), without reading every
    subscription: the previous day's subscription figures carried over (on the 1st, its MRR and
    customers become the month's start and the movements start again from zero), less the frame of
    the customers touched on the day as it stood the day before, plus their frame as it stands at the
    end of the day (`snapshot_sql.touched_sql` says who is touched). The day's flows and receivables are
    computed as in `snapshot_rows`. `stamped`: the day's `timestamp_changes` when the caller has read
    them. Returns the rows and how many subscriptions were touched."""
    rows = SnapshotRows()
    new_month = day.day == 1
    for (branch, dimension, key), values in previous.items():
        target = rows.slot(branch, dimension, key)
        for name in CARRIED:
            if name in target and values.get(name) is not None:
                target[name] = values[name]
        if new_month:
            target["start_mrr"] = target["mrr"]
            for name in MOVEMENT_FIELDS.values():
                target[name] = ZERO
            if "customers_at_start" in target:
                target["customers_at_start"], target["customers_churned"] = target["customers"], 0
    prices = package_monthly_net()
    unpaid = churn_unpaid_days()

    def touched_frames():
        before = frame_aggregates(touched=True, **_frame_kwargs(day - timedelta(days=1), month_of=day))
        after = frame_aggregates(touched=True, **_frame_kwargs(day, month_of=day))
        return before, after

    if stamped is None:
        stamped = timestamp_changes(day, day).get(day, set())
    (before, after), touched = with_touched(
        day, day_start=start_of_day(day), day_end=end_of_day(day), stamped=stamped,
        churn_start=start_of_day(day - timedelta(days=unpaid)), churn_end=end_of_day(day - timedelta(days=unpaid)),
        work=touched_frames,
    )
    rows.add_frame(before, prices, sign=-1)
    rows.add_frame(after, prices)
    rows.add_flows(day, issued=issued)
    rows.add_receivables(day, open_by_due_date(day) if receivables is None else receivables)
    return rows.finish(), touched
