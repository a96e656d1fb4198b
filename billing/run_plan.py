"""What a billing-run chunk owes, read and worked out (billing/run.py writes it): the chunk's due
subscriptions read in one query, their periods, proration and VAT computed in Python (memoised: a
run has few distinct prices, anchors and period starts), the pending one-time charges joined, and the
candidates for late fees and suspension. Reads and pure arithmetic only."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from customers.models import Package, Subscription
from ispbill.core.money import ZERO, to_money
from ispbill.core.periods import months_for_cycle, period_containing

from .charges import pending_charges_for
from .models import BillingSettings, Invoice, InvoiceLine
from .package_changes import scheduled_changes_for_run
from .proration import amount_for_days
from .selectors import OPEN_STATUSES
from .vat import Line, totals, vat_line

logger = logging.getLogger(__name__)

# Reading what is due ----------------------------------------------------------------------------


# A prepaid reseller's customers are billed by the reseller's renewals alone (usecases/reseller_renewal.py):
# each renewal invoices the period it pays, so the run never bills one (docs/billing.md, "Renewals and the
# billing run"). The reseller's model is read through the customer's relation, by its stored value.
RENEWAL_BILLED = Q(customer__reseller__model="prepaid")


def _billable() -> Q:
    S = Subscription.Status
    return Q(activated_at__isnull=False) & (Q(status=S.ACTIVE) | Q(status=S.SUSPENDED, skip_billing=False)) & ~RENEWAL_BILLED


def due_subscriptions(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Billable subscriptions of the chunk whose next period is to be invoiced by `run_date`:
    next period start − issue_days_before ≤ run_date, i.e. billed_through < run_date + issue_days_before."""
    return Subscription.objects.filter(_billable(), customer_id__gte=first_id, customer_id__lte=last_id).filter(
        Q(billed_through__isnull=True) | Q(billed_through__lt=run_date + timedelta(days=cfg.issue_days_before))
    )


def past_due_invoices(run_date: date, first_id: int, last_id: int):
    return Invoice.objects.filter(customer_id__gte=first_id, customer_id__lte=last_id, status__in=OPEN_STATUSES, due_date__lt=run_date)


@dataclass(frozen=True, slots=True)
class DueSubscription:
    id: int
    customer_id: int
    package_name: str
    price: Decimal
    cycle: str
    login: str
    activated_at: datetime | None  # read only when needed: first billing or no anchor yet
    anchor_day: int | None
    anchor_month: int | None
    billed_through: date | None
    # A scheduled package change (a deferred downgrade): (name, price, cycle, effective date) of the
    # package that every period from that date is priced at.
    switch: tuple[str, Decimal, str, date] | None = None


@dataclass(slots=True)
class PlannedLine:
    kind: str
    description: str
    money: Line
    subscription_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass(slots=True)
class PlannedInvoice:
    customer_id: int
    lines: list[PlannedLine] = field(default_factory=list)
    sums: Line | None = None  # set once every line is in


@dataclass(slots=True)
class SubscriptionAdvance:
    billed_through: date
    anchor_day: int | None = None  # set only when assigned now, on first billing
    anchor_month: int | None = None


def read_due(run_date: date, cfg: BillingSettings, first_id: int, last_id: int) -> list[DueSubscription]:
    # The catalogue is small: read it once rather than join it to every subscription.
    packages = {pk: (name, price, cycle) for pk, name, price, cycle in Package.objects.values_list("pk", "name", "price", "billing_cycle")}
    needs_activation = Q(billed_through__isnull=True) | Q(billing_anchor_day__isnull=True)
    rows = (
        due_subscriptions(run_date, cfg, first_id, last_id)
        .annotate(first_billed_from=Case(When(needs_activation, then=F("activated_at")), default=None, output_field=DateTimeField()))
        .order_by("customer_id", "id")
        .values_list(
            "id", "customer_id", "package_id", "username", "static_ip", "first_billed_from", "billing_anchor_day",
            "billing_anchor_month", "billed_through",
        )
    )
    scheduled = scheduled_changes_for_run(first_id=first_id, last_id=last_id)
    return [
        DueSubscription(pk, customer_id, *packages[package_id], username or static_ip or f"#{pk}", activated_at,
                        anchor_day, anchor_month, billed_through,
                        (*packages[scheduled[pk][0]], scheduled[pk][1]) if pk in scheduled else None)
        for pk, customer_id, package_id, username, static_ip, activated_at, anchor_day, anchor_month, billed_through in rows
    ]


@lru_cache(maxsize=4096)
def day_label(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


PERIOD_KINDS = tuple(InvoiceLine.PERIOD_KINDS)



# The arithmetic below is pure and its inputs repeat (a run has few distinct prices, anchors and
# period starts), so it is memoised: a run of 100,000 subscriptions computes a few hundred periods.

@lru_cache(maxsize=65_536)
def _charges(
    price: Decimal, months: int, anchor_day: int, anchor_month: int, next_start: date, issue_until: date
) -> tuple[tuple[str, date, date, Decimal, int, int], ...]:
    """The periods from `next_start` that start by `issue_until`, as (kind, first day charged, last
    day, amount, days charged, days in the period)."""
    charges = []
    while next_start <= issue_until:
        period = period_containing(next_start, anchor_day=anchor_day, months=months, anchor_month=anchor_month)
        amount = amount_for_days(price, period=period, first_day=next_start, last_day=period.end)
        kind = InvoiceLine.Kind.RECURRING if next_start == period.start else InvoiceLine.Kind.PRORATED
        charges.append((kind, next_start, period.end, amount, (period.end - next_start).days + 1, period.days))
        next_start = period.end + timedelta(days=1)
    return tuple(charges)


@lru_cache(maxsize=4096)
def _priced(amount: Decimal, rate: Decimal, prices_include_vat: bool) -> Line:
    return vat_line(amount, rate=rate, prices_include_vat=prices_include_vat)


def _period_lines(
    sub: DueSubscription, *, cfg: BillingSettings, run_date: date, issue_until: date | None = None
) -> tuple[list[PlannedLine], SubscriptionAdvance | None]:
    """Every period of `sub` due to be invoiced by `run_date` (next period start − issue_days_before ≤
    run_date), and how the subscription's billing state moves. `issue_until`: the last day a period may
    start on instead (the first invoice at activation: its activation day). No database."""
    anchor_day, anchor_month = sub.anchor_day, sub.anchor_month
    advance = SubscriptionAdvance(billed_through=sub.billed_through)
    activated_on = timezone.localdate(sub.activated_at) if sub.billed_through is None or anchor_day is None else None
    if anchor_day is None:
        if cfg.mode == BillingSettings.Mode.ANNIVERSARY:
            anchor_day, anchor_month = activated_on.day, activated_on.month
        else:
            anchor_day, anchor_month = cfg.default_anchor_day, 1
        advance.anchor_day, advance.anchor_month = anchor_day, anchor_month
    next_start = activated_on if sub.billed_through is None else sub.billed_through + timedelta(days=1)
    if issue_until is None:
        issue_until = run_date + timedelta(days=cfg.issue_days_before)
    priced = [(sub.package_name, sub.price, sub.cycle, next_start, issue_until)]
    if sub.switch is not None:
        # A deferred downgrade: the old package up to the day before it, the new one from that day.
        name, price, cycle, effective = sub.switch
        priced = [
            (sub.package_name, sub.price, sub.cycle, next_start, min(issue_until, effective - timedelta(days=1))),
            (name, price, cycle, max(next_start, effective), issue_until),
        ]
    charges = [
        (package_name, *charge)
        for package_name, price, cycle, first, until in priced
        for charge in _charges(price, months_for_cycle(cycle), anchor_day, anchor_month or 1, first, until)
    ]
    if not charges:
        return [], None
    lines = []
    for package_name, kind, start, end, amount, days, period_days in charges:
        label = f"{package_name} ({sub.login}), {day_label(start)} – {day_label(end)}"
        if kind == InvoiceLine.Kind.PRORATED:
            label = f"{label}, {days} of {period_days} days"
        lines.append(PlannedLine(
            kind, label[:255], _priced(amount, cfg.vat_rate, cfg.prices_include_vat), sub.id, start, end
        ))
    advance.billed_through = charges[-1][3]
    return lines, advance


def first_period_lines(sub: DueSubscription, *, cfg: BillingSettings) -> tuple[list[PlannedLine], SubscriptionAdvance | None]:
    """The first invoice at activation (billing/first_invoice.py): the period that contains the
    activation day, charged from that day to its end, priced, labelled and anchored exactly as the run
    would (the run then goes on from the day after). Nothing for a subscription invoiced already."""
    if sub.billed_through is not None or sub.activated_at is None:
        return [], None
    activated_on = timezone.localdate(sub.activated_at)
    return _period_lines(sub, cfg=cfg, run_date=activated_on, issue_until=activated_on)


def plan_invoices(
    due: list[DueSubscription], late: list[tuple[int, int, str, date]], *, cfg: BillingSettings, run_date: date
) -> tuple[list[PlannedInvoice], dict[int, SubscriptionAdvance]]:
    """One invoice per customer: the due subscriptions' period lines, then a fee line per newly late invoice."""
    invoices: dict[int, PlannedInvoice] = {}
    advances: dict[int, SubscriptionAdvance] = {}
    for sub in due:
        lines, advance = _period_lines(sub, cfg=cfg, run_date=run_date)
        if not lines:
            continue
        advances[sub.id] = advance
        invoice = invoices.get(sub.customer_id)
        if invoice is None:
            invoice = invoices[sub.customer_id] = PlannedInvoice(sub.customer_id)
        invoice.lines.extend(lines)
    fee = _priced(to_money(cfg.late_fee), cfg.vat_rate, cfg.prices_include_vat) if late else None
    for _invoice_id, customer_id, number, due_date in late:
        invoice = invoices.setdefault(customer_id, PlannedInvoice(customer_id))
        invoice.lines.append(PlannedLine(InvoiceLine.Kind.FEE, f"Late fee: {number} was due {day_label(due_date)}", fee))
    planned = [invoices[customer_id] for customer_id in sorted(invoices)]
    for invoice in planned:
        invoice.sums = totals(line.money for line in invoice.lines)
    return planned, advances


def pending_charges_add(planned: list[PlannedInvoice], cfg: BillingSettings) -> dict:
    """One-time charges waiting for the next invoice (billing/charges.py), added as lines of the
    invoices planned for their customers, whose accounts the chunk has locked."""
    charges = pending_charges_for(customer_ids=[invoice.customer_id for invoice in planned])
    for invoice in planned:
        for charge in charges.get(invoice.customer_id, ()):
            invoice.lines.append(PlannedLine(
                InvoiceLine.Kind.ONE_TIME, charge.description[:255],
                _priced(to_money(charge.amount), cfg.vat_rate, cfg.prices_include_vat), charge.subscription_id,
            ))
        if invoice.customer_id in charges:
            invoice.sums = totals(line.money for line in invoice.lines)
    return charges


def late_fee_invoices(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Past-due unpaid invoices not yet charged a late fee, as (id, customer_id, number, due_date).
    A late fee is never charged on an invoice of fees alone (no fee on a fee)."""
    if cfg.late_fee <= ZERO:
        return []
    rows = past_due_invoices(run_date, first_id, last_id).filter(late_fee_applied=False).filter(
        Exists(InvoiceLine.objects.filter(invoice=OuterRef("pk")).exclude(kind=InvoiceLine.Kind.FEE))
    )
    return list(
        rows.order_by("customer_id", "due_date", "id").values_list("id", "customer_id", "number", "due_date")
    )


def suspension_candidates(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Active subscriptions past paid-through + grace (never paid: activation + due days + grace) that
    have an overdue invoice charging them: nobody is suspended before an invoice of theirs is past due.
    A prepaid reseller's customer, billed by renewals alone, has no invoice to fall overdue: theirs is
    suspended once its last renewal's period plus the grace days has passed (`lapsed_renewals`)."""
    paid_before = run_date - timedelta(days=cfg.grace_days)
    activated_before = timezone.make_aware(
        datetime.combine(run_date - timedelta(days=cfg.due_days + cfg.grace_days), time.min)
    )
    oldest_overdue = InvoiceLine.objects.filter(
        subscription=OuterRef("pk"), kind__in=PERIOD_KINDS, invoice__status__in=OPEN_STATUSES, invoice__due_date__lt=run_date
    ).order_by("invoice__due_date", "invoice_id")
    return (
        Subscription.objects.filter(customer_id__gte=first_id, customer_id__lte=last_id, status=Subscription.Status.ACTIVE)
        .filter(Q(paid_through__lt=paid_before) | Q(paid_through__isnull=True, activated_at__lt=activated_before))
        .annotate(
            overdue_number=Subquery(oldest_overdue.values("invoice__number")[:1]),
            overdue_due=Subquery(oldest_overdue.values("invoice__due_date")[:1]),
        )
        .filter(overdue_number__isnull=False)
        .exclude(RENEWAL_BILLED)
        .order_by("id")
    )


def lapsed_renewals(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Active connections of prepaid resellers' customers whose last renewal ended more than the grace
    days before `run_date`, or that were never renewed and were activated before that (the reseller's
    next renewal, paid from the wallet, reactivates them as any payment clearing a non-payment
    suspension does)."""
    paid_before = run_date - timedelta(days=cfg.grace_days)
    activated_before = timezone.make_aware(datetime.combine(paid_before, time.min))
    return (
        Subscription.objects.filter(RENEWAL_BILLED, customer_id__gte=first_id, customer_id__lte=last_id, status=Subscription.Status.ACTIVE)
        .filter(Q(paid_through__lt=paid_before) | Q(paid_through__isnull=True, activated_at__lt=activated_before))
        .order_by("id")
    )
