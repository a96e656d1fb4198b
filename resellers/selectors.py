"""Reads for the reseller portal (every one scoped to the signed-in reseller: anything else is a
404) and for the staff screens about resellers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import OPEN_STATUSES
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers.models import Customer, Subscription
from customers.selectors import CustomerPage, customer_page, customer_selection_within, scope_to_branches
from ispbill.core.money import ZERO
from payments.models import Payment
from tickets.models import Ticket

from .models import CommissionStatement, Payout, Renewal, Reseller, ResellerLogin, ResellerPackage

PAGE_SIZE = 25


# Reseller-scoped ---------------------------------------------------------------------------------------


def reseller_role(*, user, reseller: Reseller) -> str:
    if reseller.user_id == user.pk:
        return ResellerLogin.Role.OWNER
    login = ResellerLogin.objects.filter(user=user, reseller=reseller).first()
    return login.role if login else ResellerLogin.Role.STAFF


def wallet_for(*, reseller: Reseller) -> ResellerWallet:
    """The reseller's wallet for reading; an unsaved empty one if none was ever posted to."""
    return ResellerWallet.objects.filter(reseller=reseller).first() or ResellerWallet(reseller=reseller)


def _due_exists() -> Exists:
    return Exists(Invoice.objects.filter(customer=OuterRef("pk"), status__in=OPEN_STATUSES))


def reseller_customers(*, reseller: Reseller) -> QuerySet[Customer]:
    return Customer.objects.filter(reseller=reseller)


def _reseller_filtered(*, reseller: Reseller, status: str, area_id: int | None, due: bool, expiring: bool, today: date) -> QuerySet[Customer]:
    customers = reseller_customers(reseller=reseller)
    if status:
        customers = customers.filter(status=status)
    if area_id:
        customers = customers.filter(area_id=area_id)
    if due:
        customers = customers.filter(_due_exists())
    if expiring:
        customers = customers.filter(Exists(Subscription.objects.filter(
            customer=OuterRef("pk"), status=Subscription.Status.ACTIVE,
            paid_through__gte=today, paid_through__lte=today + timedelta(days=7),
        )))
    return customers


def reseller_customer_page(
    *, reseller: Reseller, after: str = "", before: str = "", q: str = "", status: str = "", area_id: int | None = None,
    due: bool = False, expiring: bool = False, today: date | None = None,
) -> CustomerPage:
    """One page of the portal's list, by name, through the staff list's machinery (`customers.selectors`):
    keyset pages (a deep page costs what the first does), each way a search matches read through its
    own trigram or prefix index, and a bounded total."""
    customers = _reseller_filtered(reseller=reseller, status=status, area_id=area_id, due=due, expiring=expiring,
                                   today=today or timezone.localdate())
    selection = customer_selection_within(customers, q=q, costly=due or expiring)
    # All of the table may be one reseller's: a search reads its matches through its indexes.
    return customer_page(selection, sort="name", size=PAGE_SIZE, after=after, before=before, index_reads=True)


def reseller_customer_get(*, reseller: Reseller, pk: int) -> Customer:
    return get_object_or_404(reseller_customers(reseller=reseller).select_related("area", "branch"), pk=pk)


def subresellers_of(*, parent: Reseller) -> QuerySet[Reseller]:
    """A reseller's own sub-resellers (none for anyone else's), with their wallets."""
    return Reseller.objects.filter(parent=parent).select_related("wallet").prefetch_related("areas").order_by("name")


def subreseller_get(*, parent: Reseller, pk: int) -> Reseller:
    return get_object_or_404(subresellers_of(parent=parent), pk=pk)


def subreseller_prices(*, sub: Reseller) -> list[dict]:
    """Each package a sub-reseller may sell: its price, and what its parent pays for it."""
    parent_prices = dict(ResellerPackage.objects.filter(reseller_id=sub.parent_id).values_list("package_id", "price"))
    return [
        {"package": row.package, "price": row.price, "parent_price": parent_prices.get(row.package_id)}
        for row in ResellerPackage.objects.filter(reseller=sub).select_related("package")
    ]


def may_have_subresellers(reseller: Reseller) -> bool:
    return reseller.is_prepaid and reseller.parent_id is None


def reseller_subscription_get(*, reseller: Reseller, pk: int) -> Subscription:
    return get_object_or_404(
        Subscription.objects.filter(customer__reseller=reseller).select_related("customer", "package", "router"), pk=pk
    )


def reseller_dashboard(*, reseller: Reseller, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    customers = reseller_customers(reseller=reseller)
    counts = customers.aggregate(
        active=Count("pk", filter=Q(status=Customer.Status.ACTIVE)),
        suspended=Count("pk", filter=Q(status=Customer.Status.SUSPENDED)),
        total=Count("pk"),
    )
    counts["due"] = customers.filter(_due_exists()).count()
    counts["expiring"] = (
        Subscription.objects.filter(
            customer__reseller=reseller, status=Subscription.Status.ACTIVE,
            paid_through__gte=today, paid_through__lte=today + timedelta(days=7),
        ).values("customer_id").distinct().count()
    )
    month = today.replace(day=1)
    wallet = wallet_for(reseller=reseller)
    commission_month = (
        CommissionEntry.objects.filter(wallet__reseller=reseller, period=month, kind__in=("accrual", "margin", "clawback"))
        .aggregate(s=Sum("amount"))["s"] or ZERO
    )
    return {"counts": counts, "wallet": wallet, "commission_month": commission_month, "month": month}


def reseller_customer_detail(*, customer: Customer) -> dict:
    subscriptions = list(customer.subscriptions.select_related("package").order_by("id"))
    # A renewal debited and not settled yet (a burst, left to the worker, or a failure the sweep retries):
    # shown on its connection, so the reseller does not renew it again.
    unfinished = {}
    for renewal in Renewal.objects.filter(subscription__customer=customer, status__in=(Renewal.Status.REQUESTED, Renewal.Status.PENDING)).order_by("period_end"):
        unfinished[renewal.subscription_id] = renewal
    for sub in subscriptions:
        sub.unfinished_renewal = unfinished.get(sub.pk)
    return {
        "subscriptions": subscriptions,
        "invoices": list(Invoice.objects.filter(customer=customer).order_by("-issue_date", "-id")[:10]),
        "payments": list(Payment.objects.filter(customer=customer).order_by("-received_at", "-id")[:10]),
        "amount_due": sum(
            (i.total - i.amount_paid for i in Invoice.objects.filter(customer=customer, status__in=OPEN_STATUSES)), ZERO
        ),
    }


def reseller_payment_get(*, reseller: Reseller, pk: int) -> Payment:
    return get_object_or_404(Payment.objects.filter(customer__reseller=reseller).select_related("customer"), pk=pk)


def reseller_packages(*, reseller: Reseller) -> QuerySet[ResellerPackage]:
    return ResellerPackage.objects.filter(reseller=reseller, package__is_active=True).select_related("package")


def reseller_wallet_entries(*, reseller: Reseller) -> QuerySet[WalletEntry]:
    return WalletEntry.objects.filter(wallet__reseller=reseller).select_related("subscription__customer").order_by("-id")


def renewals_unfinished(*, reseller: Reseller) -> QuerySet[Renewal]:
    """Renewals whose debit is waiting or whose customer's side has not been completed yet (the sweep
    retries them every minute; a repeated error shows here)."""
    return (
        Renewal.objects.filter(reseller=reseller, status__in=(Renewal.Status.REQUESTED, Renewal.Status.PENDING))
        .select_related("subscription__customer").order_by("id")
    )


def commission_months(*, reseller: Reseller) -> list[dict]:
    """Each month with commission activity: its totals, and its statement when closed."""
    rows = (
        CommissionEntry.objects.filter(wallet__reseller=reseller).values("period", "kind").annotate(total=Sum("amount"))
        .order_by("-period")
    )
    months: dict[date, dict] = {}
    for row in rows:
        month = months.setdefault(row["period"], {"period": row["period"], **{k: ZERO for k in CommissionEntry.Kind.values}})
        month[row["kind"]] = row["total"]
    statements = {s.period: s for s in CommissionStatement.objects.filter(reseller=reseller)}
    for period in statements:
        months.setdefault(period, {"period": period, **{k: ZERO for k in CommissionEntry.Kind.values}})
    result = []
    for period in sorted(months, reverse=True):
        month = months[period]
        month["statement"] = statements.get(period)
        month["earned"] = month["accrual"] + month["margin"] + month["clawback"]
        # Payouts and clawbacks are entries that lower what is owed (negative); the statement's
        # "Paid out" and "Clawed back" say how much, so they show the amounts.
        month["paid_out"], month["clawed_back"] = -month["payout"], -month["clawback"]
        result.append(month)
    return result


def commission_entries_for_month(*, reseller: Reseller, period: date) -> QuerySet[CommissionEntry]:
    return (
        CommissionEntry.objects.filter(wallet__reseller=reseller, period=period)
        .select_related("payment__customer", "subscription__customer").order_by("created_at", "id")
    )


def reseller_payouts(*, reseller: Reseller) -> QuerySet[Payout]:
    return Payout.objects.filter(reseller=reseller).order_by("-requested_at", "-id")


def reseller_tickets(*, reseller: Reseller) -> QuerySet[Ticket]:
    return Ticket.objects.filter(customer__reseller=reseller).select_related("customer").order_by("-created_at", "-id")


def reseller_ticket_get(*, reseller: Reseller, pk: int) -> Ticket:
    return get_object_or_404(reseller_tickets(reseller=reseller), pk=pk)


# Staff -------------------------------------------------------------------------------------------------


def resellers_visible_to(user) -> QuerySet[Reseller]:
    return scope_to_branches(Reseller.objects.select_related("branch", "wallet", "parent"), user)


def reseller_get_for_staff(*, user, pk: int) -> Reseller:
    return get_object_or_404(resellers_visible_to(user), pk=pk)


def payouts_pending(*, user) -> QuerySet[Payout]:
    return Payout.objects.filter(
        status=Payout.Status.REQUESTED, reseller__in=resellers_visible_to(user)
    ).select_related("reseller", "reseller__wallet").order_by("requested_at", "id")


def reseller_report(*, user, month: date) -> list[dict]:
    """Per reseller: customers, wallet, this month's renewals, collections and commission."""
    resellers = list(resellers_visible_to(user).annotate(
        active=Count("customers", filter=Q(customers__status=Customer.Status.ACTIVE), distinct=True),
        total_customers=Count("customers", distinct=True),
    ))
    start = month
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    debits = dict(
        WalletEntry.objects.filter(kind=WalletEntry.Kind.DEBIT, created_at__date__gte=start, created_at__date__lt=end)
        .values_list("wallet__reseller_id").annotate(s=Sum("amount"))
    )
    collected = dict(
        Payment.objects.filter(reseller__isnull=False, status=Payment.Status.COMPLETED, received_at__date__gte=start,
                               received_at__date__lt=end).values_list("reseller_id").annotate(s=Sum("amount"))
    )
    commission = dict(
        CommissionEntry.objects.filter(period=month, kind__in=("accrual", "margin", "clawback"))
        .values_list("wallet__reseller_id").annotate(s=Sum("amount"))
    )
    rows = []
    for reseller in resellers:
        wallet = getattr(reseller, "wallet", None)
        rows.append({
            "reseller": reseller,
            "wallet": wallet,
            "renewals": -(debits.get(reseller.pk) or ZERO),
            "collected": collected.get(reseller.pk) or ZERO,
            "commission": commission.get(reseller.pk) or ZERO,
        })
    return rows


def reseller_of_customer(*, customer: Customer) -> Reseller | None:
    return Reseller.objects.filter(pk=customer.reseller_id).first() if customer.reseller_id else None
