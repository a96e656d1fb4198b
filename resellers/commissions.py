"""A reseller's commissions and payouts: the commission a commission reseller earns on their
customers' payments (posted by whoever records the payment, in its transaction: the use cases, the
reseller's own collections and renewals), clawed back with a reversal or refund; monthly statements;
payout requests and staff's decisions."""


from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import wallets as wallet_ledger
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


def commission_on_payment(*, actor, payment: Payment) -> CommissionEntry | None:
    """A commission reseller's customer paid; the reseller earns their share (once per payment: a
    second call for the same payment posts nothing). Called in the payment's transaction by whoever
    recorded it (the use cases, the reseller's own collection and renewals)."""
    customer = payment.customer
    if not customer.reseller_id:
        return None
    reseller = Reseller.objects.get(pk=customer.reseller_id)
    if reseller.is_prepaid:
        return None
    rule = commission_rule_for(reseller=reseller, customer=customer, payment=payment)
    if rule is None:
        return None
    amount = to_money(payment.amount * rule.percent / Decimal(100))
    if amount <= ZERO:
        return None
    wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
    return wallet_ledger.commission_post(
        wallet=wallet, kind=CommissionEntry.Kind.ACCRUAL, amount=amount, payment_id=payment.pk,
        base_amount=payment.amount, rate=rule.percent, actor=actor, memo=payment.receipt_number,
        day=timezone.localtime(payment.received_at).date(),
    )


def commission_on_payments(*, actor, payments: list[Payment]) -> list[CommissionEntry]:
    """For payments recorded together: `commission_on_payment` for those of a
    commission reseller's customers (a prepaid reseller's renewals earn a margin instead), the
    resellers read once."""
    reseller_ids = {payment.customer.reseller_id for payment in payments if payment.customer.reseller_id}
    commission = set(Reseller.objects.filter(pk__in=reseller_ids).exclude(model=Reseller.Model.PREPAID).values_list("pk", flat=True))
    entries = [commission_on_payment(actor=actor, payment=p) for p in payments if p.customer.reseller_id in commission]
    return [entry for entry in entries if entry is not None]


def _clawback(*, actor, payment: Payment, amount=None, why: str) -> CommissionEntry | None:
    if not payment.customer.reseller_id:
        return None
    if not CommissionEntry.objects.filter(payment=payment, kind=CommissionEntry.Kind.ACCRUAL).exists():
        return None
    wallet = wallet_ledger.wallet_lock(reseller_id=payment.customer.reseller_id)
    share = None
    if amount is not None:
        accrual = CommissionEntry.objects.get(payment=payment, kind=CommissionEntry.Kind.ACCRUAL)
        share = to_money(to_money(amount) * (accrual.rate or ZERO) / Decimal(100))
    return wallet_ledger.commission_clawback(
        wallet=wallet, payment_id=payment.pk, amount=share, actor=actor, memo=f"{why} {payment.receipt_number}",
    )


def commission_on_reversal(*, actor, payment: Payment, reason: str = "") -> CommissionEntry | None:
    return _clawback(actor=actor, payment=payment, why=_("Reversed"))


def commission_on_refund(*, actor, payment: Payment, amount) -> CommissionEntry | None:
    return _clawback(actor=actor, payment=payment, amount=amount, why=_("Refunded"))


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
