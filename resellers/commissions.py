"""A reseller's commissions and payouts: the commission a commission reseller earns on their
customers' payments (posted by whoever records the payment, in its transaction: the use cases, the
reseller's own collections and renewals), clawed back with a reversal or refund; monthly statements;
payout requests and staff's decisions.

Commission is earned on money that pays invoices, not on advance credit left on the account
(docs/billing.md, "Reseller wallets, renewals and commissions"): `commissions_sync` brings each payment's commission to its rate ×
the part of it that has paid invoices — the payment less what was refunded, less its share of the
credit still waiting (the newest payments' money waits first). It runs when a payment is recorded,
reversed or refunded, and every night after the billing run for the customers whose advance credit
may have paid the new invoices (`commissions_catch_up`): credit that pays an invoice later earns
then; a refund that takes paid money back claws back what it had earned."""


from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import payment_money_out
from billing.ledger import wallets as wallet_ledger
from billing.selectors import available_credit
from billing.wallet_models import CommissionEntry
from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from payments.models import Payment

from .models import CommissionRule, CommissionStatement, Payout, Reseller


def active_customer_count(reseller: Reseller) -> int:
    return reseller.customers.filter(status=Customer.Status.ACTIVE).count()


def commission_rule_for(*, reseller: Reseller, customer: Customer, payment: Payment) -> CommissionRule | None:
    package_ids = set(customer.subscriptions.exclude(status=Subscription.Status.CANCELLED).values_list("package_id", flat=True))
    active = active_customer_count(reseller)
    rules = [r for r in reseller.commission_rules.all() if r.min_active_customers <= active]
    specific = [r for r in rules if r.package_id in package_ids]
    pool = specific or [r for r in rules if r.package_id is None]
    if not pool:
        return None
    rule = max(pool, key=lambda r: (r.min_active_customers, r.percent))
    if rule.months:
        first = customer.payments.filter(status=Payment.Status.COMPLETED).aggregate(first=Min("received_at"))["first"]
        if first is not None:
            first_day = timezone.localtime(first).date()
            months_since = (payment.received_at.year - first_day.year) * 12 + payment.received_at.month - first_day.month
            if months_since >= rule.months:
                return None
    return rule


def applied_by_payment(*, customer_id: int) -> dict[int, Decimal]:
    """How much of each completed payment of the customer has paid invoices: its amount less what was
    refunded, less its share of the credit still waiting on the account — the newest payments' money
    is taken as the waiting credit first."""
    payments = list(Payment.objects.filter(customer_id=customer_id, status=Payment.Status.COMPLETED).order_by("received_at", "id"))
    net = {payment.pk: payment.amount - payment_money_out(payment=payment) for payment in payments}
    waiting = min(available_credit(customer_id=customer_id), sum(net.values(), ZERO))
    applied = {}
    for payment in reversed(payments):
        share = min(waiting, net[payment.pk])
        waiting -= share
        applied[payment.pk] = net[payment.pk] - share
    return applied


def commissions_sync(*, actor, customer: Customer, memo: str = "") -> dict[int, CommissionEntry]:
    """Bring the commission on each of the customer's payments to its rate × the part of it that has
    paid invoices (`applied_by_payment`): an accrual for what it has newly earned, a clawback for what
    it no longer has (reversed, or refunded off paid invoices). Idempotent, under the reseller's wallet
    lock. Returns {payment id: the entry posted}. Nothing for a prepaid reseller (margins instead)."""
    if not customer.reseller_id:
        return {}
    reseller = Reseller.objects.get(pk=customer.reseller_id)
    if reseller.is_prepaid:
        return {}
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    applied = applied_by_payment(customer_id=customer.pk)
    earned = dict(
        CommissionEntry.objects.filter(wallet=wallet, payment__customer_id=customer.pk, kind__in=(
            CommissionEntry.Kind.ACCRUAL, CommissionEntry.Kind.CLAWBACK,
        )).values("payment_id").annotate(total=Sum("amount")).values_list("payment_id", "total")
    )
    rates = dict(
        CommissionEntry.objects.filter(wallet=wallet, payment__customer_id=customer.pk, kind=CommissionEntry.Kind.ACCRUAL)
        .order_by("id").values_list("payment_id", "rate")
    )
    posted = {}
    payments = Payment.objects.filter(Q(pk__in=applied) | Q(pk__in=earned)).order_by("received_at", "id")
    for payment in payments:
        rate = rates.get(payment.pk)
        if rate is None and applied.get(payment.pk, ZERO) > ZERO:
            rule = commission_rule_for(reseller=reseller, customer=customer, payment=payment)
            rate = rule.percent if rule is not None else None
        if rate is None:
            continue
        due = to_money(applied.get(payment.pk, ZERO) * rate / Decimal(100))
        have = to_money(earned.get(payment.pk) or ZERO)
        if due > have:
            base = to_money((due - have) * Decimal(100) / rate) if rate else ZERO
            entry = wallet_ledger.commission_post(
                wallet=wallet, kind=CommissionEntry.Kind.ACCRUAL, amount=due - have, payment_id=payment.pk,
                base_amount=min(base, applied[payment.pk]), rate=rate, actor=actor, memo=payment.receipt_number, top_up=True,
                day=timezone.localtime(payment.received_at).date() if payment.pk not in earned else None,
            )
        elif due < have:
            entry = wallet_ledger.commission_clawback(
                wallet=wallet, payment_id=payment.pk, amount=have - due, actor=actor, memo=f"{memo} {payment.receipt_number}".strip(),
            )
        else:
            continue
        if entry is not None:
            posted[payment.pk] = entry
    return posted


def commission_on_payment(*, actor, payment: Payment) -> CommissionEntry | None:
    """A commission reseller's customer paid; the reseller earns their share of what it paid on
    invoices (advance credit earns when it pays an invoice later). Called in the payment's transaction
    by whoever recorded it (the use cases, the reseller's own collection and renewals); a second call
    posts nothing."""
    return commissions_sync(actor=actor, customer=payment.customer).get(payment.pk)


def commission_on_payments(*, actor, payments: list[Payment]) -> list[CommissionEntry]:
    """For payments recorded together: `commission_on_payment` for those of a
    commission reseller's customers (a prepaid reseller's renewals earn a margin instead), the
    resellers read once."""
    reseller_ids = {payment.customer.reseller_id for payment in payments if payment.customer.reseller_id}
    commission = set(Reseller.objects.filter(pk__in=reseller_ids).exclude(model=Reseller.Model.PREPAID).values_list("pk", flat=True))
    entries = [commission_on_payment(actor=actor, payment=p) for p in payments if p.customer.reseller_id in commission]
    return [entry for entry in entries if entry is not None]


def commission_on_reversal(*, actor, payment: Payment, reason: str = "") -> CommissionEntry | None:
    """A reversed payment paid nothing: everything it earned is clawed back."""
    return commissions_sync(actor=actor, customer=payment.customer, memo=_("Reversed")).get(payment.pk)


def commission_on_refund(*, actor, payment: Payment, amount) -> CommissionEntry | None:
    """A refund of waiting credit earned nothing and takes nothing back; one that takes money back off
    paid invoices claws back what that money earned."""
    return commissions_sync(actor=actor, customer=payment.customer, memo=_("Refunded")).get(payment.pk)


def commissions_catch_up() -> int:
    """The nightly job (after the billing run): commission reseller customers whose payments left
    advance credit that tonight's invoices may have used are brought up to date, each in its own
    transaction. Returns the entries posted."""
    accrued = dict(
        CommissionEntry.objects.filter(kind=CommissionEntry.Kind.ACCRUAL, payment__isnull=False)
        .values("payment_id").annotate(base=Sum("base_amount")).values_list("payment_id", "base")
    )
    customer_ids = set()
    payments = Payment.objects.filter(status=Payment.Status.COMPLETED, customer__reseller__model=Reseller.Model.COMMISSION)
    for payment_id, customer_id, amount in payments.values_list("pk", "customer_id", "amount"):
        if (accrued.get(payment_id) or ZERO) < amount:
            customer_ids.add(customer_id)
    posted = 0
    for customer in Customer.objects.filter(pk__in=customer_ids).order_by("pk"):
        with transaction.atomic():
            posted += len(commissions_sync(actor=None, customer=customer))
    return posted


def _month_start(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def statement_close(*, actor, reseller: Reseller, period: date) -> CommissionStatement:
    """Close a past month: its totals are frozen in a statement; later entries fall in an open month."""
    period = _month_start(period)
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    totals = wallet_ledger.commission_period_close(wallet=wallet, period=period)
    statement = CommissionStatement.objects.create(
        reseller=reseller, period=period, accrued=totals[CommissionEntry.Kind.ACCRUAL], margin=totals[CommissionEntry.Kind.MARGIN],
        clawed_back=-totals[CommissionEntry.Kind.CLAWBACK], paid_out=-totals[CommissionEntry.Kind.PAYOUT],
        closed_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="reseller.statement_close", obj=reseller, after={"period": str(period)})
    return statement


def _pending_payouts(reseller: Reseller) -> Decimal:
    return sum((p.amount for p in reseller.payouts.filter(status=Payout.Status.REQUESTED)), ZERO)


@transaction.atomic
def payout_request(*, actor, reseller: Reseller, amount, note: str = "") -> Payout:
    try:
        amount = to_money(amount)
    except ValueError:
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= ZERO:
        raise ValidationError({"amount": _("A payout must be more than zero.")})
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    available = wallet.commission_owed - _pending_payouts(reseller)
    if amount > available:
        raise ValidationError({"amount": _("You can request at most %(available)s.") % {"available": available}})
    payout = Payout.objects.create(reseller=reseller, amount=amount, note=(note or "").strip()[:255], requested_by=actor)
    audit_record(actor=actor, action="reseller.payout_request", obj=reseller, after={"amount": str(amount)})
    return payout


@transaction.atomic
def payout_decide(*, actor, payout: Payout, approve: bool, note: str = "") -> Payout:
    """Staff approve (the payout is posted through the wallet ledger) or reject a requested payout."""
    wallet = wallet_ledger.wallet_lock(reseller_id=payout.reseller_id)
    payout = Payout.objects.select_for_update().get(pk=payout.pk)
    if payout.status != Payout.Status.REQUESTED:
        raise ValidationError(_("This payout was already decided."))
    if approve:
        payout.entry = wallet_ledger.payout_post(wallet=wallet, amount=payout.amount, actor=actor, memo=f"Payout {payout.pk} {note}".strip())
    payout.status = Payout.Status.APPROVED if approve else Payout.Status.REJECTED
    payout.decided_by, payout.decided_at, payout.decision_note = actor, timezone.now(), (note or "").strip()[:255]
    payout.save()
    audit_record(actor=actor, action=f"reseller.payout_{payout.status}", obj=payout.reseller, after={"amount": str(payout.amount)})
    return payout
