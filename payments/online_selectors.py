"""Reads of online (gateway) payments: branch-scoped for staff, owner-scoped for the portal."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Customer
from customers.selectors import scope_to_branches
from ispbill.core.money import ZERO

from .models import GatewayPayment, GatewayRefund, Payment


def online_payments_visible_to(user) -> QuerySet[GatewayPayment]:
    return scope_to_branches(GatewayPayment.objects.all(), user, field="customer__branch")


def online_payment_get_for_staff(*, user, pk: int) -> GatewayPayment:
    return get_object_or_404(
        online_payments_visible_to(user).select_related("customer__branch", "payment", "reviewed_by")
        .prefetch_related("invoices", "events", Prefetch("refunds", GatewayRefund.objects.select_related("requested_by"))),
        pk=pk,
    )


def online_payment_get_for_customer(*, customer: Customer, pk: int) -> GatewayPayment:
    """The customer's own attempt, or 404: the portal never sees another customer's."""
    return get_object_or_404(
        GatewayPayment.objects.filter(customer=customer).select_related("payment").prefetch_related("invoices"), pk=pk
    )


def online_payments_for_customer(*, customer: Customer, limit: int = 20) -> list[GatewayPayment]:
    return list(GatewayPayment.objects.filter(customer=customer).select_related("payment").order_by("-created_at", "-id")[:limit])


def receipts_for_customer(*, customer: Customer) -> QuerySet[Payment]:
    return Payment.objects.filter(customer=customer).order_by("-received_at", "-id")


def receipt_get_for_customer(*, customer: Customer, pk: int) -> Payment:
    return get_object_or_404(Payment.objects.filter(customer=customer), pk=pk)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def online_payments_filtered(*, user, status=None, method=None, date_from=None, date_to=None) -> QuerySet[GatewayPayment]:
    payments = online_payments_visible_to(user).select_related("customer__branch", "payment")
    if status:
        payments = payments.filter(status=status)
    if method:
        payments = payments.filter(method=method)
    if date_from:
        payments = payments.filter(created_at__gte=_day_start(date_from))
    if date_to:
        payments = payments.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return payments.order_by("-created_at", "-id")


@dataclass(frozen=True)
class SettlementRow:
    method: str
    label: str
    count: int
    collected: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.collected - self.refunded


def settlement_summary(*, user, day: date) -> dict:
    """One day's gateway money by method: paid (and approved) payments, refunds the gateway accepted."""
    start, end = _day_start(day), _day_start(day + timedelta(days=1))
    paid = (
        online_payments_visible_to(user).filter(status=GatewayPayment.Status.PAID, paid_at__gte=start, paid_at__lt=end)
        .values("method").annotate(count=Count("id"), total=Sum("amount"))
    )
    refunds = (
        GatewayRefund.objects.filter(gateway_payment__in=online_payments_visible_to(user), requested_at__gte=start, requested_at__lt=end)
        .exclude(status=GatewayRefund.Status.FAILED).values("gateway_payment__method").annotate(total=Sum("amount"))
    )
    refunded = {row["gateway_payment__method"]: row["total"] for row in refunds}
    labels = dict(Payment.Method.choices)
    methods = sorted({row["method"] for row in paid} | set(refunded))
    by_method = {row["method"]: row for row in paid}
    rows = [
        SettlementRow(method=m, label=labels.get(m, m or "—"), count=by_method.get(m, {}).get("count", 0),
                      collected=by_method.get(m, {}).get("total") or ZERO, refunded=refunded.get(m) or ZERO)
        for m in methods
    ]
    held = online_payments_visible_to(user).filter(status=GatewayPayment.Status.HELD).count()
    return {
        "day": day, "rows": rows, "count": sum(r.count for r in rows),
        "collected": sum((r.collected for r in rows), ZERO), "refunded": sum((r.refunded for r in rows), ZERO),
        "net": sum((r.net for r in rows), ZERO), "held": held,
    }
