"""The retention workflow's reads: the at-risk work list, one customer's retention page, the report of
customers kept and lost by action, the facts handed to Gemini, Settings → Gemini."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from billing.selectors import account_balance, invoices_for_customer
from customers.models import Customer, Package, Subscription
from customers.selectors import scope_to_branches

from .features import counted_customer_ids
from .models import ChurnRisk, GeminiSettings, RetentionCallTask, RetentionFieldCheck, RetentionOffer, RiskBand

SORTS = {
    "probability": ("-probability", "customer_id"),
    "mrr": ("-mrr", "-probability", "customer_id"),
}
ACTION_KINDS = ("call", "discount", "free_upgrade", "field_check")


def gemini_settings() -> GeminiSettings:
    return GeminiSettings.objects.order_by("pk").first() or GeminiSettings()


def staff_assignees() -> QuerySet:
    return get_user_model().objects.filter(kind="staff", is_active=True).order_by("first_name", "username")


def risk_of(customer: Customer) -> ChurnRisk | None:
    """The customer's latest score, or None (churn.selectors.risk_for_customer once it exists)."""
    try:
        return customer.churn_risk
    except ChurnRisk.DoesNotExist:
        return None


def _customers_visible_to(user) -> QuerySet[Customer]:
    return scope_to_branches(Customer.objects.all(), user, field="branch_id")


def at_risk_list(*, user, band: str = "", sort: str = "probability", q: str = "") -> QuerySet[ChurnRisk]:
    """Scored customers the user may see, the highest risk first (or the most revenue at stake), with
    whether they have an open call task or an active offer."""
    visible = _customers_visible_to(user).values("pk")
    risks = ChurnRisk.objects.filter(customer_id__in=visible).select_related("customer", "customer__area")
    if band in RiskBand.values:
        risks = risks.filter(band=band)
    else:
        risks = risks.exclude(band=RiskBand.LOW)
    if q:
        risks = risks.filter(Q(customer__name__icontains=q) | Q(customer__account_number__icontains=q) | Q(customer__phone__icontains=q))
    return risks.annotate(
        open_call=Exists(RetentionCallTask.objects.filter(customer_id=OuterRef("customer_id"), status=RetentionCallTask.Status.OPEN)),
        active_offer=Exists(RetentionOffer.objects.filter(customer_id=OuterRef("customer_id"), status=RetentionOffer.Status.ACTIVE)),
    ).order_by(*SORTS.get(sort, SORTS["probability"]))


def customer_get_for_retention(*, user, pk: int) -> Customer:
    customer = _customers_visible_to(user).filter(pk=pk).select_related("area").first()
    if customer is None:
        raise Http404
    return customer


def call_task_get_for_staff(*, user, pk: int) -> RetentionCallTask:
    task = RetentionCallTask.objects.filter(pk=pk, customer__in=_customers_visible_to(user)).select_related("customer", "assignee").first()
    if task is None:
        raise Http404
    return task


def offer_get_for_staff(*, user, pk: int) -> RetentionOffer:
    offer = RetentionOffer.objects.filter(pk=pk, customer__in=_customers_visible_to(user)).select_related("customer").first()
    if offer is None:
        raise Http404
    return offer


def call_tasks_for_customer(*, customer: Customer) -> QuerySet[RetentionCallTask]:
    return RetentionCallTask.objects.filter(customer=customer).select_related("assignee").order_by("-created_at", "-id")


def offers_for_customer(*, customer: Customer) -> QuerySet[RetentionOffer]:
    return (
        RetentionOffer.objects.filter(customer=customer)
        .select_related("subscription", "original_package", "upgrade_package")
        .prefetch_related("credits__invoice", "credits__credit_note")
        .order_by("-created_at", "-id")
    )


def field_checks_for_customer(*, customer: Customer) -> QuerySet[RetentionFieldCheck]:
    return RetentionFieldCheck.objects.filter(customer=customer).select_related("work_order").order_by("-created_at", "-id")


def offer_subscriptions(*, customer: Customer) -> QuerySet[Subscription]:
    return customer.subscriptions.filter(status=Subscription.Status.ACTIVE).select_related("package").order_by("id")


def upgrade_packages() -> QuerySet[Package]:
    return Package.objects.filter(is_active=True).order_by("price", "name")


def customer_facts_for_drafts(*, customer: Customer) -> dict:
    """What Gemini is told: the reasons staff see, and plain account facts. No score."""
    risk = risk_of(customer)
    language = customer.language or "en"
    subscriptions = list(customer.subscriptions.exclude(status=Subscription.Status.CANCELLED).select_related("package"))
    today = timezone.localdate()
    recent = list(invoices_for_customer(customer_id=customer.pk).order_by("-issue_date")[:3])
    return {
        "first_name": customer.name.split()[0] if customer.name else "",
        # The day the customer joined (an imported customer's is years before their row was made; the
        # row's UTC timestamp is also a day early for the first hours of a Dhaka day).
        "customer_since": customer.customer_since.isoformat() if customer.customer_since else None,
        "area": customer.area.name if customer.area_id else None,
        "packages": [
            {"name": s.package.name, "price_bdt": str(s.package.price), "download_mbps": s.package.download_mbps, "status": s.status}
            for s in subscriptions
        ],
        "balance_due_bdt": str(account_balance(customer_id=customer.pk)),
        "recent_invoices": [
            {"issued": i.issue_date.isoformat(), "total_bdt": str(i.total), "status": i.status, "days_late": max((today - i.due_date).days, 0) if i.status == "overdue" else 0}
            for i in recent
        ],
        "reasons": [reason.get(language) or reason.get("en", "") for reason in (risk.reasons if risk else [])],
    }


# The report: kept and lost by action --------------------------------------------------------------


@dataclass
class ActionOutcome:
    kind: str
    taken: int = 0
    kept: int = 0
    lost: int = 0
    too_early: int = 0

    @property
    def kept_percent(self):
        decided = self.kept + self.lost
        return round(self.kept * 100 / decided, 1) if decided else None


def _first_actions() -> list[tuple[str, int, date]]:
    """(kind, customer, day of the first action of that kind) for every customer acted on."""
    rows: dict[tuple[str, int], date] = {}

    def keep(kind: str, customer_id: int, day: date) -> None:
        key = (kind, customer_id)
        if key not in rows or day < rows[key]:
            rows[key] = day

    for customer_id, at in RetentionCallTask.objects.values_list("customer_id", "created_at"):
        keep("call", customer_id, timezone.localtime(at).date())
    for customer_id, kind, starts_on in RetentionOffer.objects.values_list("customer_id", "kind", "starts_on"):
        keep(kind, customer_id, starts_on)
    for customer_id, at in RetentionFieldCheck.objects.values_list("customer_id", "created_at"):
        keep("field_check", customer_id, timezone.localtime(at).date())
    return [(kind, customer_id, day) for (kind, customer_id), day in rows.items()]


def kept_and_lost(*, user, days: int, today: date | None = None) -> list[ActionOutcome]:
    """For each kind of action: customers it was taken for, and how many were still counted (kept) or
    churned (lost) `days` days after it, by the analytics definition (docs/metrics.md: a customer counts
    while a subscription is active or unpaid for fewer than ANALYTICS_CHURN_UNPAID_DAYS days). Actions
    less than `days` days old are "too early to tell"."""
    today = today or timezone.localdate()
    visible = set(_customers_visible_to(user).values_list("pk", flat=True))
    actions = [(kind, customer_id, day) for kind, customer_id, day in _first_actions() if customer_id in visible]
    by_day: dict[date, set[int]] = {}
    for _kind, customer_id, day in actions:
        check = day + timedelta(days=days)
        if check <= today:
            by_day.setdefault(check, set()).add(customer_id)
    counted: dict[date, set[int]] = {
        check: set(
            counted_customer_ids(check) & customer_ids
        )
        for check, customer_ids in by_day.items()
    }
    outcomes = {kind: ActionOutcome(kind) for kind in ACTION_KINDS}
    for kind, customer_id, day in actions:
        outcome = outcomes[kind]
        outcome.taken += 1
        check = day + timedelta(days=days)
        if check > today:
            outcome.too_early += 1
        elif customer_id in counted[check]:
            outcome.kept += 1
        else:
            outcome.lost += 1
    return [outcomes[kind] for kind in ACTION_KINDS]
