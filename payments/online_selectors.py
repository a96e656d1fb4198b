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

from .models import AutoPay, AutoPayAttempt, AutoPayRun, BkashAgreement, GatewayPayment, GatewayRefund, Payment


def online_payments_visible_to(user) -> QuerySet[GatewayPayment]:
    """Customers' online payments (a visitor's Wi-Fi card purchase has no customer: the card report shows it)."""
    return scope_to_branches(GatewayPayment.objects.filter(customer__isnull=False), user, field="customer__branch")


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


# Saved wallets and auto-pay ----------------------------------------------------------------------


def agreements_for_customer(*, customer: Customer) -> list[BkashAgreement]:
    """The customer's linked wallets (removed and revoked ones are history, not shown)."""
    return list(BkashAgreement.objects.filter(customer=customer, status=BkashAgreement.Status.ACTIVE))


def agreement_get_for_customer(*, customer: Customer, pk: int) -> BkashAgreement:
    return get_object_or_404(BkashAgreement.objects.filter(customer=customer, status=BkashAgreement.Status.ACTIVE), pk=pk)


def primary_agreement(*, customer_id: int) -> BkashAgreement | None:
    return BkashAgreement.objects.filter(customer_id=customer_id, is_primary=True, status=BkashAgreement.Status.ACTIVE).first()


def autopay_for_customer(*, customer: Customer) -> AutoPay | None:
    return AutoPay.objects.filter(customer=customer).first()


def autopay_attempts_for_customer(*, customer: Customer, limit: int = 10) -> list[AutoPayAttempt]:
    return list(AutoPayAttempt.objects.filter(customer=customer).select_related("invoice", "gateway_payment")
                .order_by("-updated_at", "-id")[:limit])


@dataclass(frozen=True)
class AutoPayRow:
    customer: Customer
    enabled: bool
    wallet: str
    last: AutoPayAttempt | None


def autopay_rows(*, user, only_enabled: bool = True, customer_ids=None) -> list[AutoPayRow]:
    """Who is on auto-pay (branch-scoped for staff), their primary wallet and the last attempt's result."""
    settings_rows = scope_to_branches(AutoPay.objects.all(), user, field="customer__branch").select_related("customer")
    if only_enabled:
        settings_rows = settings_rows.filter(enabled=True)
    if customer_ids is not None:
        settings_rows = settings_rows.filter(customer_id__in=customer_ids)
    settings_rows = list(settings_rows.order_by("customer__account_number")[:500])
    ids = [row.customer_id for row in settings_rows]
    wallets = {a.customer_id: a.wallet_masked for a in BkashAgreement.objects.filter(
        customer_id__in=ids, is_primary=True, status=BkashAgreement.Status.ACTIVE)}
    last: dict[int, AutoPayAttempt] = {}
    for attempt in AutoPayAttempt.objects.filter(customer_id__in=ids).select_related("invoice").order_by("customer_id", "-updated_at", "-id"):
        last.setdefault(attempt.customer_id, attempt)
    return [AutoPayRow(customer=row.customer, enabled=row.enabled, wallet=wallets.get(row.customer_id, ""),
                       last=last.get(row.customer_id)) for row in settings_rows]


def autopay_runs(*, limit: int = 10) -> list[AutoPayRun]:
    return list(AutoPayRun.objects.order_by("-started_at", "-id")[:limit])
