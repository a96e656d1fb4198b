"""Business metrics, computed from the records themselves (docs/metrics.md has every definition).

Sources, all append-only or history-keeping: invoices and their allocations (billing), payments,
the audit log of subscription lifecycle transitions (who/when/before/after of every activate,
suspend, reactivate and cancel), applied package changes (billing.PackageChange), the package
catalogue's prices and retention discounts (churn.RetentionOffer). MRR counts a connection from its
first invoice's full payment (its allocations), net of any retention discount on the day. Every function here is a read; the heavy lifting is set-based SQL (correlated
subqueries and GROUP BY), which runs on PostgreSQL and SQLite alike; only a handful of grouped rows
come back to Python, where Decimal arithmetic finishes the job exactly.

The figures of customers and MRR live here (scope, time, subscription state on a day, MRR and its
movements, churn); collections and revenue in collections.py, the funnel in funnel.py, the nightly
snapshot's rows in snapshot_rows.py.

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
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DecimalField,
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
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from billing.models import Allocation, Invoice, InvoiceLine, PackageChange
from billing.selectors import package_monthly_net
from churn.models import RetentionOffer
from customers.models import Customer, Package, Subscription
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.models import AuditLog
from ispbill.core.money import ZERO

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

    def admits(self, row: dict) -> bool:
        """Whether a frame row's customer (`branch_id`, `area_id`, `reseller_id` with 0 for none) is within
        the scope: `customer_q` for rows read with SQL."""
        return ((self.branch_ids is None or row["branch_id"] in self.branch_ids)
                and (self.branch_id is None or row["branch_id"] == self.branch_id)
                and (self.area_id is None or row["area_id"] == self.area_id)
                and (self.reseller_id is None or row["reseller_id"] == self.reseller_id))

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


# Paid to the paisa: SQLite sums decimals as floats, so "allocated ≥ total" is read with half a paisa to spare.
HALF_PAISA = Decimal("0.005")
PERCENT = DecimalField(max_digits=5, decimal_places=2)


def _first_invoice():
    """A subscription's first invoice (docs/metrics.md, "First paid invoice"): the earliest issued, neither
    void nor draft, with a line for it."""
    return Subquery(
        InvoiceLine.objects.filter(subscription=OuterRef("pk"))
        .exclude(invoice__status__in=[Invoice.Status.VOID, Invoice.Status.DRAFT])
        .order_by("invoice__issue_date", "invoice_id").values("invoice_id")[:1]
    )


def _paid_on(day: date) -> Q:
    """The first invoice (annotation `first_invoice`), issued by `day`, is fully paid at the end of `day`:
    what was allocated to it by then adds up to its total."""
    money = Invoice._meta.get_field("total")
    allocated = (Allocation.objects.filter(invoice=OuterRef("first_invoice"), created_at__lt=end_of_day(day))
                 .values("invoice").annotate(s=Sum("amount")).values("s"))
    total = Invoice.objects.filter(pk=OuterRef("first_invoice"), issue_date__lte=day).values("total")
    return Q(first_invoice__isnull=False) & Q(
        GreaterThanOrEqual(Coalesce(Subquery(allocated, output_field=money), ZERO, output_field=money) + HALF_PAISA,
                           Subquery(total, output_field=money)))


def _discount_on(day: date):
    """The retention discount (percent) applying to a subscription on `day`, 0 without one: from the
    offer's first day to the last day of the last period it covers, until it is withdrawn."""
    offers = (
        RetentionOffer.objects.filter(subscription=OuterRef("pk"), kind=RetentionOffer.Kind.DISCOUNT,
                                      starts_on__lte=day, ends_on__gte=day)
        .exclude(status=RetentionOffer.Status.WITHDRAWN, ended_at__lt=end_of_day(day))
        .order_by("-percent").values("percent")[:1]
    )
    return Coalesce(Subquery(offers, output_field=PERCENT), Value(ZERO), output_field=PERCENT)


def monthly_amount(prices: dict, package: int | None, discount) -> Decimal:
    """A subscription's MRR: its package's monthly charge less its retention discount, to the paisa."""
    price = prices.get(package, ZERO)
    if not discount:
        return price
    return q2(price * (100 - Decimal(str(discount))) / 100)  # str: SQLite's raw rows give floats


def subscriptions_on(day: date, *, scope: Scope = ALL, prefix: str = "d", unpaid_days: int | None = None) -> QuerySet:
    """Subscriptions annotated with their state at the end of `day`: `<p>_status`, `<p>_type`, `<p>_at`
    (from the last lifecycle transition before then), `<p>_package`, `<p>_discount` and `<p>_counted`
    (1 or 0: in MRR, docs/metrics.md)."""
    unpaid_days = churn_unpaid_days() if unpaid_days is None else unpaid_days
    return _annotate_day(
        Subscription.objects.filter(scope.customer_q("customer__")), day, prefix=prefix, unpaid_days=unpaid_days
    ).filter(_package_filter(scope, prefix))


def _package_filter(scope: Scope, prefix: str) -> Q:
    return Q(**{f"{prefix}_package": scope.package_id}) if scope.package_id is not None else Q()


def _annotate_day(queryset: QuerySet, day: date, *, prefix: str, unpaid_days: int) -> QuerySet:
    """`<p>_counted` is 1 when the subscription is in MRR at the end of `day`: counted (the connection's
    state, `_counted_on`) and its first invoice paid by then (`_paid_on`)."""
    rows = _lifecycle_rows(end_of_day(day))
    if "first_invoice" not in queryset.query.annotations:
        queryset = queryset.annotate(first_invoice=_first_invoice())
    queryset = queryset.annotate(
        **{
            f"{prefix}_status": Subquery(rows.values(value=KT("after__status"))[:1]),
            f"{prefix}_type": Subquery(rows.values(value=KT("after__suspension_type"))[:1]),
            f"{prefix}_at": Subquery(rows.values("at")[:1], output_field=DateTimeField()),
            f"{prefix}_package": _package_on(day),
            f"{prefix}_discount": _discount_on(day),
            f"{prefix}_paid": Case(When(_paid_on(day), then=Value(1)), default=Value(0), output_field=IntegerField()),
        }
    )
    return queryset.annotate(
        **{f"{prefix}_counted": Case(When(_counted_on(day, prefix, unpaid_days) & Q(**{f"{prefix}_paid": 1}), then=Value(1)),
                                     default=Value(0), output_field=IntegerField())}
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
    group = ["d_package", "d_discount"] + ([key_field] if key_field and key_field != "d_package" else [])
    for row in counted.values(*group).annotate(n=Count("id")).order_by():
        amount = monthly_amount(prices, row["d_package"], row["d_discount"]) * row["n"]
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


def _frame_rows(first: date, end_day: date, *, scope: Scope) -> list[dict]:
    """The snapshot's subscription frame (dashboard/snapshot_sql.py) from the end of the day before
    `first` to the end of `end_day`, within `scope`'s customers: the rows behind the tiles, from the
    statement that computes the tiles, so a drill-down adds up to its tile."""
    from .snapshot_sql import frame_rows, jit_off

    start_day = first - timedelta(days=1)
    with transaction.atomic():
        jit_off()
        rows = frame_rows(start_day=start_day, day=end_day, start_bound=end_of_day(start_day), end_bound=end_of_day(end_day),
                          first_instant=start_of_day(first), unpaid_days=churn_unpaid_days(), end_of_day=end_of_day)
    return [r for r in rows if scope.admits(r)]


def _customers_of(rows: list[dict]) -> dict[int, dict]:
    """Account number, name, area and status of the rows' customers, by id."""
    ids = {r["customer_id"] for r in rows}
    return {c["pk"]: c for c in Customer.objects.filter(pk__in=ids).values("pk", "account_number", "name", "area__name", "status")}


def _by_account(rows: list[dict], customers: dict[int, dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (customers[r["customer_id"]]["account_number"], r["subscription_id"]))


def mrr_rows(day: date, *, scope: Scope = ALL) -> list[dict]:
    """The subscriptions behind MRR on `day`, each with its monthly amount (the drill-down)."""
    prices = package_monthly_net()
    names = dict(Package.objects.values_list("pk", "name"))
    rows = [r for r in _frame_rows(month_start(day), day, scope=scope)
            if r["e_counted"] and (scope.package_id is None or r["e_package"] == scope.package_id)]
    customers = _customers_of(rows)
    return [
        {
            "subscription": r["subscription_id"], "customer_id": r["customer_id"],
            "account": customers[r["customer_id"]]["account_number"], "name": customers[r["customer_id"]]["name"],
            "area": customers[r["customer_id"]]["area__name"], "package": names.get(r["e_package"], ""),
            "status": r["e_status"] or "", "mrr": monthly_amount(prices, r["e_package"], r["e_discount"]),
        }
        for r in _by_account(rows, customers)
    ]


# MRR movements and churn -----------------------------------------------------------------------------

MOVEMENTS = ("new", "expansion", "contraction", "churned", "reactivation", "paused")
PAUSED_KIND = Subscription.SuspensionType.CUSTOMER_REQUEST  # a voluntary pause: not churn


def _movement(start_counted: int, end_counted: int, before: Decimal, after: Decimal, ever_before: bool,
              paused: bool = False) -> str | None:
    if start_counted and end_counted:
        if after > before:
            return "expansion"
        if after < before:
            return "contraction"
        return None
    if start_counted:
        return "paused" if paused else "churned"
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
        # In MRR at some time before the month: activated before it, with its first invoice paid by its start.
        ever=Case(When(activated_at__lt=start_of_day(first), s_paid=1, then=Value(1)), default=Value(0),
                  output_field=IntegerField()),
        e_paused=Case(When(e_counted=0, e_status=Subscription.Status.SUSPENDED, e_type=PAUSED_KIND, then=Value(1)),
                      default=Value(0), output_field=IntegerField()),
    ).filter(Q(s_counted=1) | Q(e_counted=1))


def mrr_movements(month: date, *, scope: Scope = ALL, as_of: date | None = None, by: str | None = None) -> dict:
    """MRR at the start of the month, each movement during it, and at its end (or `as_of`):
    start + new + expansion − contraction − churned + reactivation = end."""
    prices = package_monthly_net()
    key_field = {"package": "e_package"}.get(by or "", GROUP_FIELDS.get(by or ""))
    fields = ["s_counted", "e_counted", "s_package", "e_package", "s_discount", "e_discount", "ever", "e_paused"] + (
        [key_field] if key_field and key_field != "e_package" else [])
    totals = _empty_movements()
    per_key: dict = defaultdict(_empty_movements)
    for row in _month_frame(month, scope=scope, as_of=as_of).values(*fields).annotate(n=Count("id")).order_by():
        before = monthly_amount(prices, row["s_package"], row["s_discount"]) if row["s_counted"] else ZERO
        after = monthly_amount(prices, row["e_package"], row["e_discount"]) if row["e_counted"] else ZERO
        kind = _movement(row["s_counted"], row["e_counted"], before, after, bool(row["ever"]), bool(row["e_paused"]))
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


def _month_frame_rows(month: date, *, scope: Scope, as_of: date | None) -> list[dict]:
    """`_month_frame`'s rows from the snapshot's statement (the drill-downs read these)."""
    first = month_start(month)
    rows = _frame_rows(first, min(as_of or month_end(first), month_end(first)), scope=scope)
    if scope.package_id is not None:
        rows = [r for r in rows if scope.package_id in (r["s_package"], r["e_package"])]
    return rows


def movement_rows(month: date, *, kind: str, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """The subscriptions behind one movement of a month (the drill-down), with before/after MRR."""
    prices = package_monthly_net()
    names = dict(Package.objects.values_list("pk", "name"))
    moved = []
    for r in _month_frame_rows(month, scope=scope, as_of=as_of):
        before = monthly_amount(prices, r["s_package"], r["s_discount"]) if r["s_counted"] else ZERO
        after = monthly_amount(prices, r["e_package"], r["e_discount"]) if r["e_counted"] else ZERO
        if _movement(r["s_counted"], r["e_counted"], before, after, bool(r["ever"]), bool(r["e_paused"])) == kind:
            moved.append({**r, "before": before, "after": after})
    customers = _customers_of(moved)
    return [
        {
            "subscription": r["subscription_id"], "customer_id": r["customer_id"],
            "account": customers[r["customer_id"]]["account_number"], "name": customers[r["customer_id"]]["name"],
            "area": customers[r["customer_id"]]["area__name"],
            "package_before": names.get(r["s_package"], "") if r["s_counted"] else "",
            "package_after": names.get(r["e_package"], "") if r["e_counted"] else "",
            "before": r["before"], "after": r["after"], "amount": abs(r["after"] - r["before"]),
        }
        for r in _by_account(moved, customers)
    ]


def churn(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> dict:
    """Logo churn (customers counted at the start and at the end neither counted nor paused ÷ customers
    counted at the start), gross revenue churn ((churned + contraction) ÷ start MRR) and net revenue
    churn ((churned + contraction − expansion) ÷ start MRR), as percentages; a pause is not churn and
    reactivations are not netted into it."""
    per_customer = (
        _month_frame(month, scope=scope, as_of=as_of).values("customer_id")
        .annotate(s=Max("s_counted"), e=Max("e_counted"), p=Max("e_paused")).order_by()
    )
    at_start = per_customer.filter(s=1).count()
    lost = per_customer.filter(s=1, e=0, p=0).count()
    moves = mrr_movements(month, scope=scope, as_of=as_of)
    lost_mrr = moves["churned"] + moves["contraction"]
    return {
        "customers_at_start": at_start, "customers_churned": lost, "logo_churn": ratio(lost, at_start),
        "gross_revenue_churn": ratio(lost_mrr, moves["start"]),
        "net_revenue_churn": ratio(lost_mrr - moves["expansion"], moves["start"]),
        "movements": moves,
    }


def churned_customer_rows(month: date, *, scope: Scope = ALL, as_of: date | None = None) -> list[dict]:
    """Customers counted at the start of the month with no connection counted or paused at its end."""
    per_customer: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in _month_frame_rows(month, scope=scope, as_of=as_of):
        flags = per_customer[r["customer_id"]]
        flags[0], flags[1], flags[2] = max(flags[0], r["s_counted"]), max(flags[1], r["e_counted"]), max(flags[2], r["e_paused"])
    lost = [pk for pk, (s, e, p) in per_customer.items() if s and not e and not p]
    return list(
        Customer.objects.filter(pk__in=lost).order_by("account_number")
        .values("pk", "account_number", "name", "area__name", "status")
    )
