"""A prepaid reseller renews a customer: the wallet debit (resellers/renewals.py), then the customer's
side, exactly once: the period's invoice (billing), a payment settling it (payments, which
reactivates a non-payment suspension), the margins (the wallet ledger), a new connection's
activation (customers, network), the commission. Settled in the request when it is alone, by a woken
worker in batches during a burst, and by the minute's sweep after a failure (usecases.tasks)."""


from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger as billing_ledger
from billing.ledger import wallets as wallet_ledger
from billing.models import Invoice, InvoiceLine
from billing.selectors import current_billing_settings
from billing.services import InvoiceDraft, LineSpec, invoice_create, invoices_create_many
from billing.transition_effects import transition_effects_apply
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers import services as customer_services
from customers.models import Subscription
from ispbill.core.money import ZERO, to_money
from ispbill.core.periods import Period
from payments.models import Payment
from payments.services import PaymentDraft, payment_ledger_record, payments_ledger_record_many
from resellers import sql
from resellers.commissions import commission_on_payment, commission_on_payments
from resellers.models import Renewal, Reseller
from resellers.renewals import (
    DEBITED_ALONE,
    DEBITED_WITH_OTHERS,
    renewal_debit_step,
    renewal_failure_record,
    renewal_requests_debit,
    renewal_settled_record,
    renewals_settled_record,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenewalResult:
    renewal: Renewal
    created: bool
    alert_level: int

    @property
    def entry(self) -> WalletEntry:
        return self.renewal.entry

    @property
    def period(self) -> Period:
        return Period(self.renewal.period_start, self.renewal.period_end)

    @property
    def settled(self) -> bool:
        return self.renewal.status == Renewal.Status.SETTLED

    @property
    def invoice(self) -> Invoice | None:
        return self.renewal.invoice

    @property
    def payment(self) -> Payment | None:
        return self.renewal.payment


def _period_invoice(subscription: Subscription, period: Period) -> Invoice | None:
    line = (
        InvoiceLine.objects.filter(
            subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS,
            period_start__lte=period.end, period_end__gte=period.start,
        ).exclude(invoice__status=Invoice.Status.VOID).select_related("invoice").order_by("-period_start").first()
    )
    return line.invoice if line else None


def subscription_renew(*, actor, reseller: Reseller, subscription: Subscription, idempotency_key: str = "") -> RenewalResult:
    """A prepaid reseller renews a customer, in two steps.

    1. `renewal_debit`: the request is written, then, under the wallet lock and nothing else, the reseller
       price is debited (once per subscription and period, and once per form key) together with every
       other request waiting for this wallet, as one set-based step, and the request turns pending in
       that transaction. Renewals of different customers against one wallet share one lock hold instead
       of queueing behind each other's invoices and payments.
    2. After that commit, if the reseller's settling gate is free and no other renewal of the reseller
       is waiting, `_settle_alone` does the customer's side of ours under its row lock: the period's
       invoice (unless the billing run issued it), a payment attributed to the reseller settling it
       (which reactivates a non-payment suspension and queues the router change), the margin, and
       activation of a new subscription. In a burst (the gate taken, or others waiting) the request does
       not wait: the renewal stays pending, the answer says so, and a woken worker
       (`reseller_renewals_settle`) settles everything that gathered, set-based, in batches of up to
       RENEWAL_SETTLE_BATCH; a batch the database refuses is settled renewal by renewal
       (`renewal_settle`), so one bad renewal keeps its error and the others settle. If settling fails,
       the debit stands and the renewal stays pending; `settle_pending_renewals` (beat, every minute)
       completes it. Either way it happens exactly once.
    A debit that takes the balance past the reseller's alert threshold or 80%/100% of the credit limit
    queues one SMS to the reseller once the debit commits."""
    renewal, created, alert_level, step = renewal_debit_step(
        actor=actor, reseller=reseller, subscription=subscription, idempotency_key=idempotency_key,
    )
    if renewal.status == Renewal.Status.PENDING:
        if step == DEBITED_WITH_OTHERS:  # a burst: the worker settles them all
            _wake_settler(reseller.pk)
        # Ours alone: settled here if the reseller's settling gate is free and nothing else waits;
        # otherwise left to the worker, and the answer says it is being completed.
        elif step == DEBITED_ALONE and _settle_alone(renewal_id=renewal.pk, reseller_id=reseller.pk):
            renewal = Renewal.objects.select_related("entry", "invoice", "payment").get(pk=renewal.pk)
        # DEBITED_BY_ANOTHER: the request whose step took ours woke the worker for all of them.
    return RenewalResult(renewal=renewal, created=created, alert_level=alert_level)


def renewal_settle(*, actor=None, renewal_id: int, wait: bool = True) -> Renewal:
    """The customer's side of a debited renewal, all or nothing, exactly once (see `subscription_renew`).
    A failure is recorded on the renewal (attempts, last error) and raised. With `wait=False` a renewal
    another worker is settling right now is skipped (returned as it stands)."""
    return _settle_one(actor=actor, renewal_id=renewal_id, wait=wait)[0]


def _settle_one(*, actor, renewal_id: int, wait: bool, use_requester: bool = False) -> tuple[Renewal, bool]:
    """`renewal_settle`, also telling whether this call took the renewal (False: another worker holds it).
    `use_requester`: each renewal's rows are recorded as done by whoever asked for it (as the batch does)."""
    try:
        with transaction.atomic():
            rows = Renewal.objects.select_for_update(skip_locked=not wait, of=("self",)).select_related(
                "reseller", "entry", "parent_entry", "created_by")
            renewal = rows.filter(pk=renewal_id).first()
            if renewal is None:  # being settled elsewhere
                return Renewal.objects.get(pk=renewal_id), False
            if renewal.status != Renewal.Status.PENDING:  # settled already, or never debited
                return renewal, True
            _settle(actor=renewal.created_by if use_requester else actor, renewal=renewal)
            return renewal, True
    except Exception as error:
        renewal_failure_record(renewal_id=renewal_id, error=error)
        raise


RENEWAL_SETTLE_BATCH = 200


SETTLE_GATHER_SECONDS = 0.25
SETTLE_WAKE_KEY = "resellers:settle-wake:{}"
SETTLE_WAKE_SECONDS = 60


def _wake_settler(reseller_id: int) -> None:
    """Have a worker settle this reseller's waiting renewals (`reseller_renewals_settle`) once this
    transaction commits: one wake-up queued at a time per reseller (the task clears the mark before it
    looks), so a burst of renewals queues one task, not one each. If the broker is down the
    minute's sweep settles them."""
    from django.core.cache import cache

    if cache.add(SETTLE_WAKE_KEY.format(reseller_id), 1, timeout=SETTLE_WAKE_SECONDS):
        from .tasks import settle_reseller_renewals

        transaction.on_commit(lambda: settle_reseller_renewals.delay(reseller_id), robust=True)


def _settle_batch(*, pick, retry_ids=()) -> tuple[set[int], bool]:
    """One batch, in one transaction: `pick(rows)` takes the gate if it needs one and returns the
    renewals it chose from `rows` (pending, row-locked, skipping those another worker holds), or None
    to pass; they are settled set-based. When the database refuses the batch, its renewals (and
    `retry_ids`) are settled one by one, so a bad renewal keeps its error (attempts, last error;
    logged with its id) and does not hold back the others. Returns (ids taken: settled, or tried and
    failed; whether anything was picked)."""
    selected: list[int] = []
    try:
        with transaction.atomic():
            rows = (
                Renewal.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("reseller", "entry", "parent_entry", "created_by").filter(status=Renewal.Status.PENDING)
            )
            renewals = pick(rows)
            if not renewals:
                return set(), False
            selected = [renewal.pk for renewal in renewals]
            _settle_many(renewals=renewals)
            return set(selected), True
    except Exception as error:
        again = sorted(set(retry_ids) | set(selected))
        logger.warning("settling %d renewals together failed (%s); settling them one by one", len(again), error, exc_info=True)
        taken = set()
        for renewal_id in again:
            try:
                _renewal, took = _settle_one(actor=None, renewal_id=renewal_id, wait=False, use_requester=True)
            except Exception:
                logger.exception("reseller renewal %s: settling failed; left for the retry sweep", renewal_id)
                took = True
            if took:
                taken.add(renewal_id)
        return taken, True


def renewals_settle(*, renewal_ids=()) -> set[int]:
    """Settle many pending renewals set-based: in batches of up to RENEWAL_SETTLE_BATCH, each in one
    transaction under the renewals' row locks, through the ledger's, billing's and payments'
    many-at-once functions — the same rows and amounts as settling them one by one
    (`renewal_settle`), with far fewer statements (`_settle_batch`). Each renewal's rows are recorded
    as done by whoever asked for it. A renewal another worker is settling is skipped (exactly once).
    Returns the ids this call took: settled, or tried and failed."""
    ids = sorted(set(renewal_ids))
    taken: set[int] = set()
    for start in range(0, len(ids), RENEWAL_SETTLE_BATCH):
        chunk = ids[start:start + RENEWAL_SETTLE_BATCH]
        taken |= _settle_batch(pick=lambda rows, chunk=chunk: list(rows.filter(pk__in=chunk).order_by("pk")), retry_ids=chunk)[0]
    return taken


def _settle_alone(*, renewal_id: int, reseller_id: int) -> bool:
    """A request's own renewal, settled there and then if the reseller's settling gate is free and no
    other renewal of the reseller is waiting to be settled (one that failed before is the sweep's and
    does not count). Otherwise — another holder has the gate, or a burst is waiting — the worker is
    woken (`_wake_settler`) to settle them all together, and nothing is taken. Returns whether it was
    taken (settled, or tried and failed)."""

    def pick(rows):
        if not sql.settle_gate(reseller_id, wait=False):
            _wake_settler(reseller_id)
            return None
        renewals = list(rows.filter(Q(pk=renewal_id) | Q(reseller_id=reseller_id, attempts=0)).order_by("pk")[:2])
        if any(renewal.pk != renewal_id for renewal in renewals):
            # A burst: others are waiting too. The worker settles them together, in batches far
            # larger than a request gathers, instead of whichever request comes next settling a few.
            _wake_settler(reseller_id)
            return None
        return renewals

    return bool(_settle_batch(pick=pick, retry_ids=[renewal_id])[0])


def reseller_renewals_settle(*, reseller_id: int) -> int:
    """The woken worker's job (`_wake_settler`): settle every renewal of this reseller waiting to be
    settled that never failed, in batches of up to RENEWAL_SETTLE_BATCH, each once the reseller's
    settling gate is ours, until none is left. Returns how many were settled."""
    from django.core.cache import cache

    cache.delete(SETTLE_WAKE_KEY.format(reseller_id))  # a renewal debited from now on wakes another run

    def pick(rows):
        sql.settle_gate(reseller_id)
        return list(rows.filter(reseller_id=reseller_id, attempts=0).order_by("pk")[:RENEWAL_SETTLE_BATCH])

    settled = 0
    while True:
        taken, picked = _settle_batch(pick=pick)
        if not picked:
            return settled
        settled += Renewal.objects.filter(pk__in=taken, status=Renewal.Status.SETTLED).count()
        if len(taken) < RENEWAL_SETTLE_BATCH:
            # The burst goes on at its own pace: let the next batch gather for a moment. A batch's fixed
            # cost (≈ 75 statements) then falls on tens of renewals instead of a few.
            time.sleep(SETTLE_GATHER_SECONDS)


def _settle(*, actor, renewal: Renewal) -> None:
    reseller = renewal.reseller
    subscription = Subscription.objects.select_related("customer", "package").get(pk=renewal.subscription_id)
    period = Period(renewal.period_start, renewal.period_end)
    # Dated when the reseller renewed (now, unless the demo's history says otherwise).
    made_on = timezone.localtime(renewal.created_at).date()
    invoice = _period_invoice(subscription, period)
    if invoice is None:
        package = subscription.package
        # No "invoice issued, please pay" message: the payment below settles it at once, and its
        # receipt is the one message the customer gets.
        invoice = invoice_create(actor=actor, customer=subscription.customer, issue_date=made_on, notify=False, lines=[LineSpec(
            kind=InvoiceLine.Kind.RECURRING, description=f"{package.name} ({period.start:%d %b} – {period.end:%d %b %Y})",
            amount=package.price, subscription_id=subscription.pk, period=period,
        )])
    invoice.refresh_from_db()
    payment = None
    open_amount = invoice.total - invoice.amount_paid
    if open_amount > ZERO:
        payment = payment_ledger_record(
            actor=actor, customer=subscription.customer, amount=open_amount, method=Payment.Method.WALLET,
            reference=f"WALLET-{renewal.entry_id}", idempotency_key=f"renewal-{renewal.entry_id}",
            note=_("Renewal by reseller %(name)s") % {"name": reseller.name}, reseller=reseller, confirm_large=True,
            received_at=min(renewal.created_at, timezone.now()),
        )
        commission_on_payment(actor=actor, payment=payment)
    margin = to_money(invoice.total) - to_money(renewal.price) if invoice.total else ZERO
    if margin > ZERO:
        # A margin is reported, not owed: it does not touch the wallet row, so no wallet lock is taken.
        wallet = ResellerWallet.objects.get(pk=renewal.entry.wallet_id)
        wallet_ledger.commission_post(
            wallet=wallet, kind=CommissionEntry.Kind.MARGIN, amount=margin, subscription_id=subscription.pk,
            base_amount=invoice.total, actor=actor, memo=invoice.number,
            day=made_on,
        )
    if renewal.parent_entry_id and renewal.price > renewal.parent_price:
        # The parent keeps the difference between what its sub pays it and what it pays the ISP.
        wallet_ledger.commission_post(
            wallet=ResellerWallet.objects.get(pk=renewal.parent_entry.wallet_id), kind=CommissionEntry.Kind.MARGIN,
            amount=renewal.price - renewal.parent_price, subscription_id=subscription.pk, base_amount=renewal.price,
            actor=actor, memo=f"{invoice.number} {reseller.name}"[:255], day=made_on,
        )
    invoice.refresh_from_db()
    subscription.refresh_from_db()
    if subscription.status == Subscription.Status.PENDING:
        activated = customer_services.subscription_status_activate(
            actor=actor, subscription=subscription, reason=_("Renewed by reseller %(name)s") % {"name": reseller.name}
        )
        transition_effects_apply(actor=actor, subscriptions=[activated])
    renewal_settled_record(actor=actor, renewal=renewal, subscription=subscription, invoice=invoice, payment=payment)


def _period_invoices(renewals: list[Renewal]) -> dict[int, Invoice]:
    """`_period_invoice` for many renewals in one query: {renewal id: the invoice already covering its period}."""
    if not renewals:
        return {}
    lines = (
        InvoiceLine.objects.filter(
            subscription_id__in={r.subscription_id for r in renewals}, kind__in=InvoiceLine.PERIOD_KINDS,
            period_start__lte=max(r.period_end for r in renewals), period_end__gte=min(r.period_start for r in renewals),
        ).exclude(invoice__status=Invoice.Status.VOID).select_related("invoice").order_by("-period_start", "-id")
    )
    by_subscription: dict[int, list[InvoiceLine]] = {}
    for line in lines:
        by_subscription.setdefault(line.subscription_id, []).append(line)
    found = {}
    for renewal in renewals:
        for line in by_subscription.get(renewal.subscription_id, []):
            if line.period_start <= renewal.period_end and line.period_end >= renewal.period_start:
                found[renewal.pk] = line.invoice
                break
    return found


def _settle_many(*, renewals: list[Renewal]) -> None:
    """`_settle` for many renewals at once, each as done by whoever asked for it (see `renewals_settle`):
    the period invoices missing are issued together (`billing.services.invoices_create_many`), the
    payments settling them recorded together (`payments.services.payments_ledger_record_many`), the margins
    posted together (`billing.ledger.wallets.margins_post`), the renewals and their audit entries written in
    one statement each, in rounds that keep the numbering of one by one. The caller holds the
    renewals' row locks."""
    if not renewals:
        return
    subscriptions = Subscription.objects.select_related("customer", "package").in_bulk([r.subscription_id for r in renewals])
    # Rounds in renewal order, so that numbers fall as one by one: a customer's second renewal starts
    # a new round (its payment applies after the first's), and with a reconnection fee a renewal that
    # reactivates a suspension ends one (its fee's invoice is numbered next).
    fee = current_billing_settings().reconnection_fee > ZERO
    reactivating = set(Subscription.objects.filter(
        customer_id__in={s.customer_id for s in subscriptions.values()}, status=Subscription.Status.SUSPENDED,
        suspension_type=Subscription.SuspensionType.NON_PAYMENT,
    ).values_list("customer_id", flat=True)) if fee else set()
    rounds, customers = [[]], set()
    for renewal in renewals:
        customer_id = subscriptions[renewal.subscription_id].customer_id
        if customer_id in customers:
            rounds.append([])
            customers = set()
        rounds[-1].append(renewal)
        customers.add(customer_id)
        if customer_id in reactivating:
            rounds.append([])
            customers = set()
    if len(rounds) > 1:
        # Every customer's account locked before the first round takes the invoice counter, so that a
        # later round never waits for an account while holding it (lock order: accounts, then numbers).
        billing_ledger.accounts_lock(customer_ids={s.customer_id for s in subscriptions.values()})
    for together in rounds:
        if together:
            _settle_round(renewals=together, subscriptions=subscriptions)


def _settle_round(*, renewals: list[Renewal], subscriptions: dict[int, Subscription]) -> None:
    """One round of `_settle_many`: renewals of different customers, settled together."""
    together = renewals
    made_on = {r.pk: timezone.localtime(r.created_at).date() for r in together}
    invoice_of = _period_invoices(together)
    issuing = [r for r in together if r.pk not in invoice_of]
    issued = invoices_create_many(notify=False, drafts=[  # the receipt is the customer's message (see `_settle`)
        InvoiceDraft(customer=subscriptions[r.subscription_id].customer, issue_date=made_on[r.pk], actor=r.created_by, lines=[LineSpec(
            kind=InvoiceLine.Kind.RECURRING, amount=subscriptions[r.subscription_id].package.price, subscription_id=r.subscription_id,
            description=f"{subscriptions[r.subscription_id].package.name} ({r.period_start:%d %b} – {r.period_end:%d %b %Y})",
            period=Period(r.period_start, r.period_end),
        )]) for r in issuing
    ])
    invoice_of.update({r.pk: invoice for r, invoice in zip(issuing, issued)})
    current = Invoice.objects.in_bulk({invoice.pk for invoice in invoice_of.values()})
    invoice_of = {renewal_id: current[invoice.pk] for renewal_id, invoice in invoice_of.items()}

    now = timezone.now()
    paying = [r for r in together if invoice_of[r.pk].total - invoice_of[r.pk].amount_paid > ZERO]
    payments = payments_ledger_record_many(confirm_large=True, drafts=[
        PaymentDraft(
            customer=subscriptions[r.subscription_id].customer, amount=invoice_of[r.pk].total - invoice_of[r.pk].amount_paid,
            method=Payment.Method.WALLET, reference=f"WALLET-{r.entry_id}", idempotency_key=f"renewal-{r.entry_id}",
            note=_("Renewal by reseller %(name)s") % {"name": r.reseller.name}, reseller=r.reseller,
            received_at=min(r.created_at, now), actor=r.created_by,
        ) for r in paying
    ])
    payment_of = {r.pk: payment for r, payment in zip(paying, payments)}
    for actor in {r.created_by for r in paying}:
        commission_on_payments(actor=actor, payments=[payment_of[r.pk] for r in paying if r.created_by == actor])

    wallets = ResellerWallet.objects.in_bulk(
        {r.entry.wallet_id for r in together} | {r.parent_entry.wallet_id for r in together if r.parent_entry_id}
    )
    margins = []
    for r in together:
        invoice = invoice_of[r.pk]
        margin = to_money(invoice.total) - to_money(r.price) if invoice.total else ZERO
        if margin > ZERO:
            margins.append(wallet_ledger.MarginSpec(
                wallet=wallets[r.entry.wallet_id], amount=margin, subscription_id=r.subscription_id, base_amount=invoice.total,
                actor=r.created_by, memo=invoice.number, day=made_on[r.pk],
            ))
        if r.parent_entry_id and r.price > r.parent_price:
            margins.append(wallet_ledger.MarginSpec(
                wallet=wallets[r.parent_entry.wallet_id], amount=r.price - r.parent_price, subscription_id=r.subscription_id,
                base_amount=r.price, actor=r.created_by, memo=f"{invoice.number} {r.reseller.name}"[:255], day=made_on[r.pk],
            ))
    wallet_ledger.margins_post(margins=margins)

    pending = set(Subscription.objects.filter(pk__in=[r.subscription_id for r in together], status=Subscription.Status.PENDING)
                  .values_list("pk", flat=True))
    for r in together:
        if r.subscription_id in pending:  # a new connection's first renewal: activated one by one
            subscription = Subscription.objects.get(pk=r.subscription_id)
            activated = customer_services.subscription_status_activate(
                actor=r.created_by, subscription=subscription, reason=_("Renewed by reseller %(name)s") % {"name": r.reseller.name}
            )
            transition_effects_apply(actor=r.created_by, subscriptions=[activated])
    renewals_settled_record(renewals=together, subscriptions=subscriptions, invoice_of=invoice_of, payment_of=payment_of)


RENEWAL_SETTLE_GRACE = timedelta(seconds=30)


def renewals_settle_pending(*, limit: int = 500) -> int:
    """The retry sweep: debit requests and settle renewals left waiting for longer than the inline attempt
    takes. Returns
    how many were settled now; a renewal that fails again keeps its error for staff to see."""
    cutoff = timezone.now() - RENEWAL_SETTLE_GRACE
    # Requests whose sender died between the request and its debit: debited (or refused) now.
    stranded = Renewal.objects.filter(status=Renewal.Status.REQUESTED, created_at__lt=cutoff)
    for reseller_id in stranded.order_by().values_list("reseller_id", flat=True).distinct():
        renewal_requests_debit(reseller_id=reseller_id)
    ids = list(
        Renewal.objects.filter(status=Renewal.Status.PENDING, created_at__lt=cutoff).order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    taken = renewals_settle(renewal_ids=ids)
    return Renewal.objects.filter(pk__in=taken, status=Renewal.Status.SETTLED).count()
