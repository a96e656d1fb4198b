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
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.ledger import payment_money_out, payments_money_out
from billing.ledger import wallets as wallet_ledger
from billing.models import Account
from billing.selectors import amounts_open, available_credit
from billing.wallet_models import CommissionEntry
from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from payments.models import Payment

from .models import CommissionRule, CommissionStatement, Payout, Reseller


def active_customer_count(reseller: Reseller) -> int:
    return reseller.customers.filter(status=Customer.Status.ACTIVE).count()


def _rule_pick(*, rules, active: int, package_ids: set, first_received, payment: Payment) -> CommissionRule | None:
    """`commission_rule_for`'s choice from what it reads: the reseller's rules, their active
    customers, the customer's packages (not cancelled) and (`first_received()`, asked only for a rule
    limited in months) the customer's first completed payment."""
    rules = [r for r in rules if r.min_active_customers <= active]
    specific = [r for r in rules if r.package_id in package_ids]
    pool = specific or [r for r in rules if r.package_id is None]
    if not pool:
        return None
    rule = max(pool, key=lambda r: (r.min_active_customers, r.percent))
    first = first_received() if rule.months else None
    if first is not None:
        first_day = timezone.localtime(first).date()
        months_since = (payment.received_at.year - first_day.year) * 12 + payment.received_at.month - first_day.month
        if months_since >= rule.months:
            return None
    return rule


def commission_rule_for(*, reseller: Reseller, customer: Customer, payment: Payment) -> CommissionRule | None:
    package_ids = set(customer.subscriptions.exclude(status=Subscription.Status.CANCELLED).values_list("package_id", flat=True))
    return _rule_pick(
        rules=list(reseller.commission_rules.all()), active=active_customer_count(reseller), package_ids=package_ids, payment=payment,
        first_received=lambda: customer.payments.filter(status=Payment.Status.COMPLETED).aggregate(first=Min("received_at"))["first"],
    )


class _SyncFacts:
    """What `commissions_sync` reads for a set of customers, each read in one query for all of them
    (a billing day's payments of 500 customers read them once, not once a customer and payment).
    Nothing here changes while commissions post: posting writes the reseller's wallet only."""

    def __init__(self, *, customer_ids: list[int], reseller_ids: list[int], wallets: dict[int, object]):
        self.customer_ids = customer_ids
        self.reseller_ids = reseller_ids
        self.wallets = wallets  # {reseller id: its wallet, locked}
        self.payments: dict[int, list[Payment]] = {pk: [] for pk in customer_ids}
        for payment in Payment.objects.filter(customer_id__in=customer_ids, status=Payment.Status.COMPLETED).order_by("received_at", "id"):
            self.payments[payment.customer_id].append(payment)
        self.money_out = payments_money_out(payment_ids=[p.pk for ps in self.payments.values() for p in ps])
        open_ = amounts_open(customer_ids=customer_ids)
        balances = dict(Account.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "balance"))
        self.credit = {pk: max(ZERO, open_.get(pk, ZERO) - (balances.get(pk) or ZERO)) for pk in customer_ids}
        wallet_ids = [wallet.pk for wallet in wallets.values()]
        self._earned: dict[tuple[int, int], dict[int, Decimal]] = {}
        earned = (
            CommissionEntry.objects.filter(wallet_id__in=wallet_ids, payment__customer_id__in=customer_ids, kind__in=(
                CommissionEntry.Kind.ACCRUAL, CommissionEntry.Kind.CLAWBACK,
            )).values("wallet_id", "payment__customer_id", "payment_id").annotate(total=Sum("amount"))
        )
        for wallet_id, customer_id, payment_id, total in earned.values_list("wallet_id", "payment__customer_id", "payment_id", "total"):
            self._earned.setdefault((wallet_id, customer_id), {})[payment_id] = total
        self._rates: dict[tuple[int, int], dict[int, Decimal]] = {}
        rates = (
            CommissionEntry.objects.filter(wallet_id__in=wallet_ids, payment__customer_id__in=customer_ids, kind=CommissionEntry.Kind.ACCRUAL)
            .order_by("id").values_list("wallet_id", "payment__customer_id", "payment_id", "rate")
        )
        for wallet_id, customer_id, payment_id, rate in rates:  # the newest accrual's rate wins, as in a dict of the rows
            self._rates.setdefault((wallet_id, customer_id), {})[payment_id] = rate
        self._rule_facts = None

    def earned_and_rates(self, *, customer_id: int, wallet_id: int) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
        return self._earned.get((wallet_id, customer_id), {}), self._rates.get((wallet_id, customer_id), {})

    def applied(self, *, customer_id: int) -> dict[int, Decimal]:
        payments = self.payments[customer_id]
        net = {payment.pk: payment.amount - self.money_out.get(payment.pk, ZERO) for payment in payments}
        waiting = min(self.credit[customer_id], sum(net.values(), ZERO))
        applied = {}
        for payment in reversed(payments):
            share = min(waiting, net[payment.pk])
            waiting -= share
            applied[payment.pk] = net[payment.pk] - share
        return applied

    def rule_for(self, *, reseller_id: int, customer_id: int, payment: Payment) -> CommissionRule | None:
        if self._rule_facts is None:  # read only when some payment needs its rule
            rules: dict[int, list] = {pk: [] for pk in self.reseller_ids}
            for rule in CommissionRule.objects.filter(reseller_id__in=self.reseller_ids):  # the model's order, as .all()
                rules[rule.reseller_id].append(rule)
            active = dict(
                Customer.objects.filter(reseller_id__in=self.reseller_ids, status=Customer.Status.ACTIVE)
                .values("reseller_id").annotate(n=Count("pk")).values_list("reseller_id", "n")
            )
            packages: dict[int, set] = {pk: set() for pk in self.customer_ids}
            rows = Subscription.objects.filter(customer_id__in=self.customer_ids).exclude(status=Subscription.Status.CANCELLED)
            for customer, package in rows.values_list("customer_id", "package_id"):
                packages[customer].add(package)
            self._rule_facts = rules, active, packages
        rules, active, packages = self._rule_facts
        completed = self.payments[customer_id]
        return _rule_pick(
            rules=rules[reseller_id], active=active.get(reseller_id, 0), package_ids=packages[customer_id],
            first_received=lambda: min((p.received_at for p in completed), default=None), payment=payment,
        )


def _commission_resellers(customers) -> dict[int, Reseller]:
    """The commission (not prepaid) resellers of these customers: {reseller id: reseller}."""
    reseller_ids = {customer.reseller_id for customer in customers if customer.reseller_id}
    if not reseller_ids:
        return {}
    return {r.pk: r for r in Reseller.objects.filter(pk__in=reseller_ids).exclude(model=Reseller.Model.PREPAID)}


def commissions_sync_many(*, actor, customers: list[Customer], memo: str = "") -> dict[int, CommissionEntry]:
    """`commissions_sync` for several customers in one pass: their resellers' wallets locked in
    primary-key order, everything the commissions depend on read once for all of them, then each
    customer's entries posted in the order given (each customer's payments oldest first), as
    `commissions_sync` posts them one customer after another. Returns {payment id: the entry posted}."""
    resellers = _commission_resellers(customers)
    chosen, seen = [], set()
    for customer in customers:
        if customer.reseller_id in resellers and customer.pk not in seen:
            seen.add(customer.pk)
            chosen.append(customer)
    if not chosen:
        return {}
    wallets = {reseller_id: wallet_ledger.wallet_lock(reseller_id=reseller_id) for reseller_id in sorted(resellers)}
    facts = _SyncFacts(customer_ids=[c.pk for c in chosen], reseller_ids=sorted(resellers), wallets=wallets)
    posted = {}
    for customer in chosen:
        posted.update(_sync_one(actor=actor, customer=customer, wallet=wallets[customer.reseller_id], facts=facts, memo=memo))
    return posted


def _sync_one(*, actor, customer: Customer, wallet, facts: _SyncFacts, memo: str) -> dict[int, CommissionEntry]:
    applied = facts.applied(customer_id=customer.pk)
    earned, rates = facts.earned_and_rates(customer_id=customer.pk, wallet_id=wallet.pk)
    posted = {}
    by_pk = {payment.pk: payment for payment in facts.payments[customer.pk]}
    missing = [pk for pk in earned if pk not in by_pk]  # earned on a payment no longer completed (reversed)
    if missing:
        by_pk.update({p.pk: p for p in Payment.objects.filter(pk__in=missing)})
    payments = sorted((by_pk[pk] for pk in set(applied) | set(earned)), key=lambda p: (p.received_at, p.pk))
    for payment in payments:
        rate = rates.get(payment.pk)
        if rate is None and applied.get(payment.pk, ZERO) > ZERO:
            rule = facts.rule_for(reseller_id=customer.reseller_id, customer_id=customer.pk, payment=payment)
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
    lock. Returns {payment id: the entry posted}. Nothing for a prepaid reseller (margins instead).
    The customer's facts are read once however many payments need a rule (`_SyncFacts`)."""
    if not customer.reseller_id:
        return {}
    return commissions_sync_many(actor=actor, customers=[customer], memo=memo)


def commission_on_payment(*, actor, payment: Payment) -> CommissionEntry | None:
    """A commission reseller's customer paid; the reseller earns their share of what it paid on
    invoices (advance credit earns when it pays an invoice later). Called in the payment's transaction
    by whoever recorded it (the use cases, the reseller's own collection and renewals); a second call
    posts nothing."""
    return commissions_sync(actor=actor, customer=payment.customer).get(payment.pk)


def commission_on_payments(*, actor, payments: list[Payment]) -> list[CommissionEntry]:
    """For payments recorded together: `commission_on_payment` for those of a commission reseller's
    customers (a prepaid reseller's renewals earn a margin instead), set-based (`commissions_sync_many`):
    the resellers, their wallets and every customer's payments, credit and commission entries read
    once for all of them."""
    posted = commissions_sync_many(actor=actor, customers=[payment.customer for payment in payments])
    # One answer per customer, for their first payment here, as one `commission_on_payment` after
    # another answered (the first call posted for every payment of the customer; a later one, nothing).
    answered, entries = set(), []
    for payment in payments:
        if payment.customer_id in answered:
            continue
        answered.add(payment.customer_id)
        if payment.pk in posted:
            entries.append(posted[payment.pk])
    return entries


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
