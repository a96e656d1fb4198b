"""Branch-scoped reads of payments, the allocation preview, the daily collection summary and the due list."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import OPEN_STATUSES, available_credit, open_invoices
from customers.models import CallLog, Customer
from customers.selectors import customers_visible_to, effective_collector_q, scope_to_branches
from ispbill.core.money import ZERO, to_money

from .models import PastPayment, Payment

MONEY = DecimalField(max_digits=14, decimal_places=2)


def payments_visible_to(user) -> QuerySet[Payment]:
    return scope_to_branches(Payment.objects.all(), user, field="customer__branch")


def payment_get_for_staff(*, user, pk: int) -> Payment:
    return get_object_or_404(
        payments_visible_to(user).select_related("customer__area", "customer__branch", "received_by", "reseller"), pk=pk
    )


def payments_for_customer(customer: Customer) -> QuerySet[Payment]:
    return customer.payments.select_related("received_by").order_by("-received_at", "-id")


def past_payments_for_customer(*, customer_id: int) -> QuerySet[PastPayment]:
    """Payments made before the move to ispbill (history only; owner-scoped by the customer's id)."""
    return PastPayment.objects.filter(customer_id=customer_id).order_by("-paid_on", "-id")


def payment_allocations(payment: Payment):
    return payment.allocations.select_related("invoice").order_by("id")


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def payments_filtered(*, user, method=None, date_from=None, date_to=None, cashier=None, branch=None, reseller=None) -> QuerySet[Payment]:
    payments = payments_visible_to(user).select_related("customer__branch", "received_by")
    if method:
        payments = payments.filter(method=method)
    if date_from:
        payments = payments.filter(received_at__gte=_day_start(date_from))
    if date_to:
        payments = payments.filter(received_at__lt=_day_start(date_to + timedelta(days=1)))
    if cashier:
        payments = payments.filter(received_by=cashier)
    if branch:
        payments = payments.filter(customer__branch=branch)
    if reseller:  # the reseller's customers' payments, whoever took them
        payments = payments.filter(customer__reseller_id=reseller)
    return payments.order_by("-received_at", "-id")


def collection_summary(payments: QuerySet[Payment]) -> dict:
    """Money collected per method (reversed payments left out, and counted apart)."""
    completed = payments.filter(status=Payment.Status.COMPLETED)
    labels = dict(Payment.Method.choices)
    rows = [
        {"method": row["method"], "label": labels.get(row["method"], row["method"]), "count": row["count"], "total": row["total"]}
        for row in completed.order_by().values("method").annotate(count=Count("id"), total=Sum("amount")).order_by("method")
    ]
    return {
        "rows": rows,
        "total": sum((row["total"] for row in rows), ZERO),
        "count": sum(row["count"] for row in rows),
        "reversed": payments.filter(status=Payment.Status.REVERSED).count(),
    }


def cashiers_visible_to(user):
    """Staff who have received payments the user may see."""
    ids = payments_visible_to(user).exclude(received_by=None).values("received_by").distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


@dataclass(frozen=True)
class PreviewLine:
    invoice: Invoice
    share: Decimal
    due_after: Decimal


@dataclass(frozen=True)
class AllocationPreview:
    amount: Decimal
    lines: list[PreviewLine]
    credit_after: Decimal
    already_credit: Decimal


def allocation_preview(*, customer: Customer, amount) -> AllocationPreview | None:
    """What a payment of `amount` would pay, oldest due first, and what would be left as credit —
    the same order billing.ledger.credit_apply uses."""
    try:
        amount = to_money(amount)
    except (TypeError, ValueError):
        return None
    if amount <= ZERO:
        return None
    already = available_credit(customer_id=customer.pk)
    money = amount + already
    lines = []
    for invoice in open_invoices(customer_id=customer.pk):
        if money <= ZERO:
            break
        share = min(money, invoice.total - invoice.amount_paid)
        if share <= ZERO:
            continue
        money -= share
        lines.append(PreviewLine(invoice=invoice, share=share, due_after=invoice.total - invoice.amount_paid - share))
    return AllocationPreview(amount=amount, lines=lines, credit_after=money, already_credit=already)


# Due list -----------------------------------------------------------------------------------------


def due_customers(
    *, user, area=None, branch=None, collector=None, assigned=None, sort: str = "overdue",
) -> QuerySet[Customer]:
    """Customers owing money, with what they owe, their oldest open due date, their last payment and
    their latest call. `collector`: whose latest call it was; `assigned`: whose customers they are
    (their own collector, else their area's)."""
    open_rows = Invoice.objects.filter(customer=OuterRef("pk"), status__in=OPEN_STATUSES).order_by().values("customer")
    due = Subquery(open_rows.annotate(s=Sum(F("total") - F("amount_paid"))).values("s")[:1], output_field=MONEY)
    oldest = Subquery(open_rows.annotate(d=Min("due_date")).values("d")[:1])
    last_payment = Subquery(
        Payment.objects.filter(customer=OuterRef("pk"), status=Payment.Status.COMPLETED).order_by()
        .values("customer").annotate(at=Max("received_at")).values("at")[:1]
    )
    latest_call = CallLog.objects.filter(customer=OuterRef("pk")).order_by("-called_at", "-id")
    customers = (
        # Only customers with an open invoice get the per-customer sums: the others owe nothing, and
        # summing for every customer made the list's count and pages read every customer's invoices.
        customers_visible_to(user).filter(pk__in=Invoice.objects.filter(status__in=OPEN_STATUSES).values("customer_id"))
        .select_related("area", "branch", "collector", "area__collector")
        .annotate(
            amount_due=Coalesce(due, ZERO, output_field=MONEY), oldest_due_date=oldest, last_payment_at=last_payment,
            last_call_id=Subquery(latest_call.values("pk")[:1]),
            last_called_by_id=Subquery(latest_call.values("called_by")[:1]),
        )
        .filter(amount_due__gt=0)
    )
    if area:
        customers = customers.filter(area=area)
    if branch:
        customers = customers.filter(branch=branch)
    if collector:
        customers = customers.filter(last_called_by_id=collector.pk)
    if assigned:
        customers = customers.filter(effective_collector_q(assigned.pk))
    order = {"due": ["-amount_due", "pk"], "name": ["name", "pk"]}.get(sort, ["oldest_due_date", "pk"])
    return customers.order_by(*order)


def attach_latest_calls(customers) -> None:
    """One query for the latest call of every customer on the page."""
    calls = CallLog.objects.select_related("called_by").in_bulk([c.last_call_id for c in customers if c.last_call_id])
    today = timezone.localdate()
    for customer in customers:
        customer.last_call = calls.get(customer.last_call_id)
        customer.days_overdue = max(0, (today - customer.oldest_due_date).days) if customer.oldest_due_date else 0


def collectors_visible_to(user):
    """Staff who logged calls to customers the user may see."""
    ids = CallLog.objects.filter(customer__in=customers_visible_to(user)).values("called_by").distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("username")


def calls_for_customer(customer: Customer, *, limit: int = 10):
    return customer.call_logs.select_related("called_by")[:limit]


# Cash brought in from the field ---------------------------------------------------------------------


def cash_in_hand(*, collector_ids=None, until: datetime | None = None) -> dict[int, dict]:
    """Per collector: cash they received (cash payments recorded in their name, less the reversals that
    are theirs), what they handed over, and what they still hold (`until` an instant, else now). Not
    branch-scoped: a collector's cash is theirs whichever branch's customers paid it.

    A reversed cash payment is the collector's only up to what they still held when it was reversed
    (the cash they had not handed over yet goes back from their hand); the rest of it is the office's,
    which holds that cash since the hand-over (`reversed_by_office`). So a payment reversed after its
    hand-over never drives a collector's cash negative (docs/billing.md, "Cash in hand")."""
    from .models import CashHandover

    payments = Payment.objects.filter(method=Payment.Method.CASH, received_by__isnull=False)
    handovers = CashHandover.objects.all()
    if collector_ids is not None:
        payments = payments.filter(received_by__in=collector_ids)
        handovers = handovers.filter(collector__in=collector_ids)
    if until is not None:
        payments = payments.filter(received_at__lt=until)
        handovers = handovers.filter(handed_over_at__lt=until)
    table: dict[int, dict] = {}

    def row(user_id):
        return table.setdefault(user_id, {"collected": ZERO, "handed_over": ZERO, "reversed_by_office": ZERO})

    for user_id, total in payments.values_list("received_by").annotate(s=Sum("amount")).order_by():
        row(user_id)["collected"] = total
    for user_id, total in handovers.values_list("collector").annotate(s=Sum("amount")).order_by():
        row(user_id)["handed_over"] = total
    reversed_payments = payments.filter(status=Payment.Status.REVERSED)
    if until is not None:
        reversed_payments = reversed_payments.filter(Q(reversed_at__isnull=True) | Q(reversed_at__lt=until))
    with_reversals = set(reversed_payments.values_list("received_by", flat=True).distinct())
    for user_id in with_reversals:
        theirs, office = _reversals_shared(
            payments=payments.filter(received_by=user_id), handovers=handovers.filter(collector=user_id), until=until,
        )
        row(user_id)["collected"] -= theirs
        row(user_id)["reversed_by_office"] = office
    for figures in table.values():
        figures["in_hand"] = figures["collected"] - figures["handed_over"]
    return table


def _reversals_shared(*, payments, handovers, until: datetime | None) -> tuple[Decimal, Decimal]:
    """One collector's reversed cash payments, shared in time order: each takes from the collector what
    they held at that moment (received less handed over less earlier reversals), the rest from the
    office. A reversal with no recorded time counts as at once (the collector's)."""
    events = []  # (instant, order at one instant, signed amount or reversal)
    for received_at, amount, status, reversed_at in payments.values_list("received_at", "amount", "status", "reversed_at"):
        events.append((received_at, 0, amount, False))
        if status == Payment.Status.REVERSED and (until is None or reversed_at is None or reversed_at < until):
            events.append((reversed_at or received_at, 2, amount, True))
    for handed_over_at, amount in handovers.values_list("handed_over_at", "amount"):
        events.append((handed_over_at, 1, -amount, False))
    holding, theirs, office = ZERO, ZERO, ZERO
    for _at, _order, amount, is_reversal in sorted(events, key=lambda event: (event[0], event[1])):
        if not is_reversal:
            holding += amount
            continue
        take = min(amount, max(holding, ZERO))
        holding -= take
        theirs += take
        office += amount - take
    return theirs, office


def cash_collectors_visible_to(user) -> list[dict]:
    """Staff who took cash from customers the user may see, each with what they hold now, most first."""
    ids = set(payments_visible_to(user).filter(method=Payment.Method.CASH).exclude(received_by=None)
              .values_list("received_by", flat=True).distinct())
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    rows = [{"collector": users[uid], **figures} for uid, figures in cash_in_hand(collector_ids=ids).items() if uid in users]
    return sorted(rows, key=lambda r: (-r["in_hand"], r["collector"].username))


def cash_handovers_visible_to(user) -> QuerySet:
    """Hand-overs received at the user's branches, newest first."""
    from .models import CashHandover

    return scope_to_branches(CashHandover.objects.all(), user).select_related("collector", "received_by", "branch")
