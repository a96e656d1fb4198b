"""Twelve months of billing history for the demo, written by the real engine (part of `seed_demo`).

The demo lives through the last twelve months one day at a time. Each day the billing run runs for
that date (`billing_run_start(run_date=…)`, processed here rather than by Celery), then the day's
events happen through the same services staff use: subscriptions are activated, paused and
cancelled (customers.services), payments are recorded and a bounced cheque or a duplicate entry is
reversed (payments.services), goodwill credits are given (billing.services). Nothing is written
around them: invoices, proration, VAT, allocations, overdue marking and suspensions for non-payment
all come from the engine, so `check_ledger` holds and the history reads like a real year.

Those services stamp their rows with `timezone.now()` (activation and suspension times, receipt
numbers by year, audit entries, created_at). While the history is written, `DemoClock` stands in
for `django.utils.timezone.now` and reads the simulated time of the event at hand, so every
timestamp agrees with the date the event happened; the clock is restored before anything commits.
Likewise `DemoPostman` stands in for the worker that delivers the messages those events queue.

Every decision comes from a random generator seeded per customer, in a fixed order of events, so
the same customers get the same history on every machine. Only the customers created by this run
get a history: a second run creates none and writes nothing.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.db.models import Case, DateTimeField, F, Value, When
from django.utils import timezone

from billing.ledger import sql as ledger_sql
from billing.models import Account, Allocation, Invoice, InvoiceLine, LedgerEntry
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import amount_open, amounts_open, current_billing_settings
from billing.services import account_credit
from billing.vat import vat_line
from billing.wallet_models import CommissionEntry
from books.models import JournalEntry, JournalLine
from customers.models import Customer, Subscription
from demo.messages import SEEDED_BACKEND
from ispbill.core.models import AuditLog
from ispbill.core.money import ZERO, to_money
from ispbill.notify.events import Event as NotifyEvent
from ispbill.notify.models import Message
from ispbill.notify.services import notify_invoices
from payments.models import Payment
from payments.services import PaymentDraft
from usecases.payment_record import payment_record, payments_record_many
from usecases.payment_reverse import payment_reverse
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel as usecases_subscription_cancel
from usecases.subscription_suspend import subscription_suspend as usecases_subscription_suspend

HISTORY_MONTHS = 12
RUN_TIME = time(2, 30)  # the beat's daily billing run (config/celery.py)

# Payer profiles: when a customer pays an invoice, as days after issue (invoices fall due 7 days
# after issue; suspension for non-payment comes 3 days after the paid-through date).
PROMPT, LATE, ERRATIC, ADVANCE = "prompt", "late", "erratic", "advance"
PROFILE_WEIGHTS = [(PROMPT, 60), (LATE, 20), (ERRATIC, 7), (ADVANCE, 13)]
ADVANCE_MONTHS = 3  # an advance payer pays for a quarter at a time
M = Payment.Method
METHOD_WEIGHTS = [(M.CASH, 45), (M.BKASH, 32), (M.NAGAD, 15), (M.BANK, 5), (M.ROCKET, 3)]
BANKS = ["Dutch-Bangla Bank", "BRAC Bank", "City Bank", "Islami Bank Bangladesh", "Eastern Bank"]

CHEQUE_BOUNCED = "Cheque dishonoured by the bank (insufficient funds); the customer will pay in cash."
DUPLICATE_ENTRY = "Duplicate entry: {method} transaction {reference} was already recorded on {receipt}."
OUTAGE_CREDIT = (
    "Goodwill credit: {days} days without service after the fiber cut on {road} ({day}); "
    "approved by the branch manager."
)
OUTAGE_ROADS = {"MIR": "Begum Rokeya Sarani", "DHN": "Satmasjid Road", "UTT": "Sonargaon Janapath"}


# The planner's statistics ------------------------------------------------------------------------

# The tables the history fills, from nothing to tens of thousands of rows in one transaction.
GROWING = (
    Customer, Subscription, Account, Invoice, InvoiceLine, LedgerEntry, Allocation, Payment, JournalEntry, JournalLine,
    CommissionEntry, Message, AuditLog,
)


def statistics_refresh() -> None:
    """ANALYZE the tables the history fills (PostgreSQL), at its start and on the first of each month.
    The whole history is one transaction, so autovacuum never sees its rows and the planner keeps the
    statistics of the empty tables the database started with (the engine's queries were planned as
    hash joins over whole tables); ANALYZE run in the transaction counts the transaction's own rows.
    A few milliseconds a table, through the billing run's own ANALYZE (the ORM has no statement for it)."""
    if ledger_sql.on_postgres():
        ledger_sql.analyze(*GROWING)


# The clock ---------------------------------------------------------------------------------------


class DemoClock:
    """The simulated "now": a fixed instant, moved by the history as it goes. Local times are in
    the ISP's time zone, like the dates the billing engine works in."""

    def __init__(self) -> None:
        self.current = timezone.now()

    def now(self) -> datetime:
        return self.current

    def set(self, day: date, at: time) -> datetime:
        self.current = timezone.make_aware(datetime.combine(day, at)).astimezone(UTC)
        return self.current

    def today(self) -> date:
        return timezone.localdate(self.current)


class DemoPostman:
    """Stands in for the Celery worker that delivers messages: the messages the history's events
    queue (receipts, suspension and reactivation notices) are recorded as delivered at their event's
    simulated time, in one statement, instead of being handed to the workers on commit — a year of
    receipts would otherwise reach the demo's worker, and its log, all at once, and rendering and
    sending them one by one was a sixth of the seed's time."""

    def __init__(self) -> None:
        self.waiting: list[int] = []

    def collect(self, message_ids) -> None:
        self.waiting.extend(message_ids)

    def deliver(self) -> int:
        waiting, self.waiting = self.waiting, []
        if not waiting:
            return 0
        return Message.objects.filter(pk__in=waiting, status=Message.Status.QUEUED).update(
            status=Message.Status.SENT, backend=SEEDED_BACKEND, attempts=1, sent_at=F("created_at"),
            updated_at=F("created_at"), next_attempt_at=None,
        )


@contextmanager
def demo_world() -> Iterator[tuple[DemoClock, DemoPostman]]:
    """The simulated clock and postman, in place while the history is written."""
    clock, postman = DemoClock(), DemoPostman()
    with (
        mock.patch("django.utils.timezone.now", clock.now),
        mock.patch("ispbill.notify.services.dispatch_after_commit", postman.collect),
    ):
        yield clock, postman


# The plan: pure functions of the seed, the customer and today -------------------------------------


def history_start(today: date, months: int = HISTORY_MONTHS) -> date:
    """The first day of the month `months` months ago: the day the ISP started billing with ispbill.
    Subscriptions older than that were carried over and activated on it."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _into(start: date, today: date, share: float) -> date:
    """The day `share` of the way from `start` to today."""
    return start + timedelta(days=int((today - start).days * share))


@dataclass
class Step:
    day: date
    at: time
    kind: str  # activate / suspend / cancel / credit
    subscription: int = 0  # index into the customer's subscriptions
    reason: str = ""
    suspension_type: str = ""
    skip_billing: bool = False
    amount_days: int = 0  # credit: days of service credited


@dataclass
class CustomerHistory:
    index: int
    customer_id: int
    branch: str
    profile: str
    method: str
    round_up: bool  # cash payers who round up to the next ৳50 and leave the rest as credit
    cashier: str  # username of who records the cash
    reseller: str  # reseller login username; a reseller collects this customer's cash
    rng: random.Random
    steps: list[Step] = field(default_factory=list)
    stop_paying_from: date | None = None
    cancel_after_dues: str = ""  # reason: cancelled 2–3 months after the run suspends them
    scenario: str = ""  # "cheque" / "duplicate": the demo's reversed payments
    scenario_from: date | None = None
    scenario_done: bool = False
    invoices_seen: int = 0


def _hour(rng: random.Random, first: int, last: int) -> time:
    return time(rng.randint(first, last), rng.choice([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]))


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


def _in_month_between(rng: random.Random, low: date, high: date, first_day: int, last_day: int) -> date:
    """A day between `low` and `high`, moved to the first_day..last_day of its month when that stays in range."""
    day = low + timedelta(days=rng.randint(0, max((high - low).days, 0)))
    moved = day.replace(day=rng.randint(first_day, last_day))
    return moved if low <= moved <= high else day


def plan_history(spec, customer_id: int, *, regular: bool, start: date, today: date) -> CustomerHistory:
    """When this customer's subscriptions start, pause and end, and how they pay. `spec` is the
    seed's CustomerSpec; its subscriptions' steps say what happens, this decides when. A `regular`
    customer stays active and paying all year (the seed's active plans)."""
    rng = random.Random(f"2026:history:{spec.index}")
    steps = spec.subscriptions[0].steps
    yesterday = today - timedelta(days=1)
    first_day = min(max(spec.customer_since + timedelta(days=rng.randint(1, 3)), start), yesterday)
    profile = PROMPT if spec.index == 0 else _weighted(rng, PROFILE_WEIGHTS)
    if not regular and profile in (ERRATIC, ADVANCE):
        profile = LATE  # the plans below need the invoices' money to follow them closely
    method = _weighted(rng, METHOD_WEIGHTS)
    if profile == ADVANCE:
        method = _weighted(rng, [(M.BANK, 60), (M.BKASH, 40)])
    cashier = "mirpur.cashier" if spec.branch == "MIR" and rng.random() < 0.6 else "cashier"
    history = CustomerHistory(
        index=spec.index, customer_id=customer_id, branch=spec.branch, profile=profile, method=method,
        round_up=method == M.CASH and rng.random() < 0.25, cashier=cashier,
        reseller=spec.reseller, rng=rng,
    )
    activate = [step for step in steps if step[0] == "activate"]
    if not activate:
        if any(step[0] == "cancel" for step in steps):  # changed their mind before installation
            day = min(max(spec.customer_since + timedelta(days=rng.randint(2, 5)), start), yesterday)
            history.steps.append(Step(day, _hour(rng, 11, 17), "cancel", reason=steps[-1][1]))
        return history  # pending: waiting for installation
    history.steps.append(Step(first_day, _hour(rng, 10, 17), "activate", reason=activate[0][1]))
    for number, sub_spec in enumerate(spec.subscriptions[1:], start=1):
        later = min(first_day + timedelta(days=rng.randint(20, 240)), today - timedelta(days=8))
        history.steps.append(Step(max(later, first_day), _hour(rng, 10, 17), "activate", number, sub_spec.steps[0][1]))
    suspend = next((step for step in steps if step[0] == "suspend"), None)
    cancel = next((step for step in steps if step[0] == "cancel"), None)
    if suspend is not None and suspend[2] == Subscription.SuspensionType.NON_PAYMENT:
        if cancel is not None:
            # Stopped paying half a year ago; the run suspended them, staff closed the line later.
            history.stop_paying_from = max(today - timedelta(days=rng.randint(150, 200)), first_day)
            history.cancel_after_dues = cancel[1]
        elif first_day > today - timedelta(days=110):
            history.stop_paying_from = first_day  # never paid
        else:
            history.stop_paying_from = today - timedelta(days=rng.randint(50, 110))
    elif suspend is not None:
        kind = suspend[2]
        if kind == Subscription.SuspensionType.CUSTOMER_REQUEST:
            day = _in_month_between(rng, today - timedelta(days=45), today - timedelta(days=5), 5, 20)
        elif kind == Subscription.SuspensionType.TECHNICAL:
            day = today - timedelta(days=rng.randint(1, 6))
        else:  # fraud: found on inspection; the customer stopped paying from then on
            day = today - timedelta(days=rng.randint(8, 30))
            history.stop_paying_from = day
        history.steps.append(Step(
            max(day, first_day + timedelta(days=1)), _hour(rng, 10, 18), "suspend", reason=suspend[1],
            suspension_type=kind, skip_billing=suspend[3],
        ))
    elif cancel is not None:
        # Paid up, then left between two invoices: after paying the month, before the next is issued.
        low = max(first_day + timedelta(days=45), start + timedelta(days=45))
        day = _in_month_between(rng, min(low, today - timedelta(days=10)), today - timedelta(days=10), 8, 20)
        history.steps.append(Step(day, _hour(rng, 11, 17), "cancel", reason=cancel[1]))
    return history


def plan_outage_credits(histories: list[CustomerHistory], regular: set[int], *, start: date, today: date) -> None:
    """One fiber cut in the Mirpur branch, about five months in: the first few active customers of
    the branch get two days' credit from the branch manager."""
    day = _into(start, today, 0.4)
    affected = [
        h for h in histories
        if h.branch == "MIR" and h.index in regular and h.steps and h.steps[0].day < day
    ][:3]
    for history in affected:
        history.steps.append(Step(day + timedelta(days=3), time(12, 15), "credit", amount_days=2,
                                  reason=OUTAGE_CREDIT.format(days=2, road=OUTAGE_ROADS["MIR"], day=f"{day:%-d %b %Y}")))


def plan_reversals(histories: list[CustomerHistory], *, start: date, today: date) -> None:
    """The demo's mistakes: a cheque that bounced, and a bKash payment keyed in twice."""
    candidates = [h for h in histories if h.profile == PROMPT and not h.reseller and h.index > 0
                  and h.steps and h.steps[0].kind == "activate" and h.steps[0].day == start
                  and h.stop_paying_from is None and len(h.steps) == 1]
    if candidates:
        candidates[0].scenario, candidates[0].scenario_from = "cheque", _into(start, today, 0.33)
    later = [h for h in candidates[1:] if h.index >= candidates[0].index + 40] or candidates[1:]
    if later:
        later[0].scenario, later[0].scenario_from = "duplicate", _into(start, today, 0.66)


# Writing the history -----------------------------------------------------------------------------


@dataclass(order=True)
class Event:
    at: time
    order: int
    action: Callable[[], None] = field(compare=False)
    # A customer's first connection activated: its first invoice's notice may wait for the next event
    # that is not one (HistoryWriter._send_notices), since nothing else in it queues a message.
    notice_later: bool = field(default=False, compare=False)


class HistoryWriter:
    """Lives through the days from `start` to today, calling the real services."""

    def __init__(
        self, *, clock: DemoClock, postman: DemoPostman, logins: dict, resellers: dict, start: date, today: date,
        real_now: datetime,
    ):
        self.clock, self.postman, self.logins, self.resellers = clock, postman, logins, resellers
        self.start, self.today, self.real_now = start, today, real_now
        self.events: dict[date, list[Event]] = defaultdict(list)
        self.sequence = 0
        self.counts: Counter[str] = Counter()
        self.by_customer: dict[int, CustomerHistory] = {}
        self.paying: list[tuple[CustomerHistory, int, Decimal, datetime]] = []
        self.notices: list[tuple[int, datetime]] = []  # first invoices whose notice waits: (id, issued at)

    def at(self, day: date, when: time, action: Callable[[], None], *, notice_later: bool = False) -> None:
        if day >= self.today:
            return  # tomorrow's business: the demo stops at today
        self.sequence += 1
        self.events[day].append(Event(when, self.sequence, action, notice_later and self.notices_together))

    def write(self, histories: list[CustomerHistory]) -> Counter[str]:
        self.by_customer = {h.customer_id: h for h in histories}
        self.customers = Customer.objects.in_bulk(list(self.by_customer))
        subscriptions: dict[int, list[Subscription]] = defaultdict(list)
        for subscription in Subscription.objects.filter(customer_id__in=self.by_customer).order_by("id"):
            subscriptions[subscription.customer_id].append(subscription)
        for history in histories:
            for step in history.steps:
                self.at(step.day, step.at, self._step_action(history, step, subscriptions[history.customer_id]),
                        notice_later=step.kind == "activate" and step.subscription == 0)
        day = self.start
        while day <= self.today:
            if day == self.start or day.day == 1:
                statistics_refresh()
            self._run(day)
            self.counts["messages"] += self.postman.deliver()
            for event in sorted(self.events.pop(day, [])):
                if not event.notice_later:
                    self._send_notices()  # the messages table fills in the order the events happened
                self.clock.set(day, event.at)
                event.action()
                self.counts["messages"] += self.postman.deliver()
            self._send_notices()
            self._pay_the_day()
            self.counts["messages"] += self.postman.deliver()
            day += timedelta(days=1)
        return self.counts

    # The first invoices' notices ---------------------------------------------------------------------

    # Off in the test that compares the two ways (tests/demo/test_seed_notices.py): each notice queued
    # by its activation, as staff's Activate does.
    notices_together = True

    def _send_notices(self) -> None:
        """The "invoice issued" notices of the first invoices the last activations issued, queued
        together: the same rows as each activation queueing its own (the same order, so the same ids,
        each stamped with its activation's time), with the templates, preferences, languages, keys and
        sender ids read once for all instead of once each — on the history's first day most of the
        customers are activated."""
        notices, self.notices = self.notices, []
        if not notices:
            return
        issued_at = dict(notices)
        before = len(self.postman.waiting)
        notify_invoices(
            event=NotifyEvent.INVOICE_ISSUED,
            invoices=Invoice.objects.filter(pk__in=issued_at).select_related("customer").order_by("pk"),
        )
        queued = self.postman.waiting[before:]
        if queued:
            by_time: dict[datetime, list[str]] = defaultdict(list)
            for invoice_id, at in issued_at.items():
                by_time[at].append(str(invoice_id))
            stamps = Case(
                *[When(object_id__in=ids, then=Value(at)) for at, ids in by_time.items()], output_field=DateTimeField(),
            )
            Message.objects.filter(pk__in=queued).update(created_at=stamps, updated_at=stamps)
        self.counts["messages"] += self.postman.deliver()

    # The billing run ------------------------------------------------------------------------------

    def _run(self, day: date) -> None:
        run_at = RUN_TIME
        if day == self.today:
            run_at = min(RUN_TIME, timezone.localtime(self.real_now).time())
        self.clock.set(day, run_at)
        run = billing_run_process_pending(billing_run_start(actor=None, run_date=day, dispatch=False))
        self.counts["billing runs"] += 1
        self.counts["suspended for non-payment"] += run.suspended
        if not run.issued and not run.suspended:
            return
        cfg = current_billing_settings()
        for invoice in Invoice.objects.filter(billing_run=run, customer_id__in=self.by_customer).order_by("id"):
            self.counts["invoices"] += 1
            self._schedule_payment(self.by_customer[invoice.customer_id], invoice, cfg)
        if run.suspended:
            for subscription in Subscription.objects.filter(
                customer_id__in=self.by_customer, status=Subscription.Status.SUSPENDED,
                suspension_type=Subscription.SuspensionType.NON_PAYMENT, suspended_at=self.clock.now(),
            ):
                history = self.by_customer[subscription.customer_id]
                if history.cancel_after_dues:
                    when = min(day + timedelta(days=history.rng.randint(60, 90)), self.today - timedelta(days=1))
                    self.at(when, _hour(history.rng, 11, 16), self._cancel(subscription.pk, history.cancel_after_dues))

    # Payments -------------------------------------------------------------------------------------

    def _schedule_payment(self, history: CustomerHistory, invoice: Invoice, cfg) -> None:
        history.invoices_seen += 1
        rng = history.rng
        if history.stop_paying_from is not None and invoice.issue_date >= history.stop_paying_from:
            return
        if invoice.status == Invoice.Status.PAID:
            return  # covered by credit when it was issued
        issue, due = invoice.issue_date, invoice.due_date
        on_time = issue + timedelta(days=rng.randint(0, max((due - issue).days - 1, 0)))
        grace = cfg.grace_days
        if history.profile == PROMPT or history.profile == ADVANCE:
            day = on_time if history.profile == PROMPT else issue + timedelta(days=rng.randint(0, 3))
        elif history.profile == LATE:
            # Past due but inside the grace period: overdue, never suspended.
            day = on_time if rng.random() < 0.7 else due + timedelta(days=rng.randint(1, max(grace - 1, 1)))
        else:
            roll = rng.random()
            if roll < 0.6:
                day = on_time
            elif roll < 0.85:
                day = due + timedelta(days=rng.randint(1, max(grace - 1, 1)))
            else:  # past the grace period: the run suspends the line, this payment brings it back
                day = due + timedelta(days=rng.randint(grace + 3, grace + 12))
        if history.scenario and not history.scenario_done and issue >= history.scenario_from:
            history.scenario_done = True
            if history.scenario == "cheque":
                self.at(on_time, _hour(rng, 11, 16), self._cheque_that_bounces(history))
                return
            self.at(on_time, _hour(rng, 10, 13), self._duplicate_entry(history))
            return
        self.at(day, _hour(rng, 9, 20), self._pay(history, multiple=ADVANCE_MONTHS if history.profile == ADVANCE else 1,
                                                  invoice_total=invoice.total))

    def _method_and_reference(self, history: CustomerHistory, method: str | None = None) -> tuple[str, str]:
        rng = history.rng
        if method is None:
            method = history.method if rng.random() < 0.85 or history.profile == ADVANCE else _weighted(rng, METHOD_WEIGHTS)
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        if method == M.BKASH:
            reference = "".join(rng.choice(alphabet) for _ in range(10))
        elif method == M.NAGAD:
            reference = "".join(rng.choice(alphabet) for _ in range(8))
        elif method == M.ROCKET:
            reference = "".join(rng.choice("0123456789") for _ in range(10))
        elif method == M.BANK:
            reference = f"{rng.choice(BANKS)} NPSB {self.clock.now():%y%m%d}{rng.randint(100000, 999999)}"
        elif method == M.CHEQUE:
            reference = f"Cheque {rng.randint(1000, 99999):06d}, {rng.choice(BANKS)}"
        else:
            reference = ""
        return method, reference

    def _actor(self, history: CustomerHistory, method: str) -> tuple:
        """(who records it, the reseller who collected it): a reseller collects its customers' cash."""
        reseller = self.resellers.get(history.reseller) if history.reseller and method == M.CASH else None
        if reseller is not None:
            return reseller.user, reseller
        return self.logins[history.cashier if method == M.CASH else "cashier"], None

    def _record(self, history: CustomerHistory, amount: Decimal, *, method: str | None = None, note: str = "") -> Payment:
        method, reference = self._method_and_reference(history, method)
        actor, reseller = self._actor(history, method)
        payment = payment_record(
            actor=actor, customer=self.customers[history.customer_id], amount=amount, method=method, reference=reference,
            received_at=self.clock.now(), note=note, reseller=reseller,
        )
        self.counts["payments"] += 1
        return payment

    def _pay(self, history: CustomerHistory, *, multiple: int, invoice_total: Decimal) -> Callable[[], None]:
        def pay() -> None:  # recorded with the day's other payments, at its own time (_pay_the_day)
            self.paying.append((history, multiple, invoice_total, self.clock.now()))
        return pay

    def _pay_the_day(self) -> None:
        """The day's ordinary payments, each at its own time, recorded together set-based (at most one
        per customer per batch): the same payments, receipts, allocations, reactivations, messages and
        commissions as one by one, in a few statements instead of a few dozen each."""
        paying, self.paying = self.paying, []
        while paying:
            batch, later, seen = [], [], set()
            for intent in paying:
                (later if intent[0].customer_id in seen else batch).append(intent)
                seen.add(intent[0].customer_id)
            paying = later
            drafts = []
            open_amounts = amounts_open(customer_ids=[intent[0].customer_id for intent in batch])  # one query, not one each
            for history, multiple, invoice_total, at in batch:
                due = open_amounts[history.customer_id]
                if due <= ZERO:
                    continue  # paid already, by credit or an earlier payment
                amount = due if multiple == 1 else max(due, invoice_total * multiple)
                if history.round_up:
                    amount = Decimal(math.ceil(amount / 50) * 50)
                self.clock.current = at
                method, reference = self._method_and_reference(history)
                actor, reseller = self._actor(history, method)
                drafts.append(PaymentDraft(
                    customer=self.customers[history.customer_id], amount=to_money(amount), method=method,
                    reference=reference, received_at=at, reseller=reseller, actor=actor,
                ))
            if drafts:
                self.clock.current = max(draft.received_at for draft in drafts)
                payments_record_many(drafts=drafts)
                self.counts["payments"] += len(drafts)

    def _cheque_that_bounces(self, history: CustomerHistory) -> Callable[[], None]:
        def pay_by_cheque() -> None:
            due = amount_open(customer_id=history.customer_id)
            if due <= ZERO:
                return
            payment = self._record(history, due, method=M.CHEQUE)
            bounced = self.clock.today() + timedelta(days=4)
            self.at(bounced, time(15, 10), self._reverse(payment.pk, CHEQUE_BOUNCED, by="manager"))
            self.at(bounced + timedelta(days=2), time(11, 40), self._pay_cash_instead(history))
        return pay_by_cheque

    def _pay_cash_instead(self, history: CustomerHistory) -> Callable[[], None]:
        def pay() -> None:
            due = amount_open(customer_id=history.customer_id)
            if due > ZERO:
                self._record(history, due, method=M.CASH, note="Replaces the dishonoured cheque.")
        return pay

    def _duplicate_entry(self, history: CustomerHistory) -> Callable[[], None]:
        def pay_twice() -> None:
            due = amount_open(customer_id=history.customer_id)
            if due <= ZERO:
                return
            method, reference = self._method_and_reference(history, M.BKASH)
            first = payment_record(
                actor=self.logins["cashier"], customer=self.customers[history.customer_id], amount=due, method=method,
                reference=reference, received_at=self.clock.now(),
            )
            # The same SMS keyed in again an hour later: the money sits as credit until reversed.
            self.clock.current += timedelta(hours=1)
            second = payment_record(
                actor=self.logins["cashier"], customer=self.customers[history.customer_id], amount=due,
                method=method, reference=reference, received_at=self.clock.now(),
            )
            self.counts["payments"] += 2
            reason = DUPLICATE_ENTRY.format(method="bKash", reference=reference, receipt=first.receipt_number)
            self.at(self.clock.today() + timedelta(days=1), time(10, 20), self._reverse(second.pk, reason, by="manager"))
        return pay_twice

    def _reverse(self, payment_id: int, reason: str, *, by: str) -> Callable[[], None]:
        def reverse() -> None:
            payment_reverse(actor=self.logins[by], payment=Payment.objects.get(pk=payment_id), reason=reason)
            self.counts["reversed payments"] += 1
        return reverse

    # Lifecycle and credits ------------------------------------------------------------------------

    def _step_action(self, history: CustomerHistory, step: Step, subscriptions: list[Subscription]) -> Callable[[], None]:
        subscription_id = subscriptions[step.subscription].pk
        admin, manager = self.logins["admin"], self.logins["manager"]
        if step.kind == "activate":
            later = self.notices_together and step.subscription == 0  # Event.notice_later

            def act() -> None:
                usecases_subscription_activate(actor=admin, subscription=Subscription.objects.get(pk=subscription_id),
                                               reason=step.reason, notify_first_invoice=not later)
                self.counts["activations"] += 1
                # The first invoice issued with the activation (Settings → Billing, on in the demo) is paid
                # as the customer pays the run's invoices.
                first = Invoice.objects.filter(
                    billing_run__isnull=True, lines__subscription_id=subscription_id, lines__kind__in=("recurring", "prorated"),
                ).order_by("id").first()
                if first is not None:
                    if later:
                        self.notices.append((first.pk, self.clock.now()))
                    self.counts["invoices"] += 1
                    self._schedule_payment(history, first, current_billing_settings())
            return act
        if step.kind == "suspend":
            def act() -> None:
                usecases_subscription_suspend(
                    actor=manager, subscription=Subscription.objects.get(pk=subscription_id), reason=step.reason,
                    suspension_type=step.suspension_type, skip_billing=step.skip_billing,
                )
            return act
        if step.kind == "cancel":
            return self._cancel(subscription_id, step.reason)

        def credit() -> None:
            subscription = Subscription.objects.select_related("package").get(pk=subscription_id)
            if subscription.status != Subscription.Status.ACTIVE:
                return
            cfg = current_billing_settings()
            monthly = vat_line(subscription.package.price, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat).gross
            amount = to_money(monthly * step.amount_days / 30)
            account_credit(actor=manager, customer=self.customers[history.customer_id], amount=amount, reason=step.reason,
                           kind=LedgerEntry.Kind.CREDIT)
            self.counts["goodwill credits"] += 1
        return credit

    def _cancel(self, subscription_id: int, reason: str) -> Callable[[], None]:
        def cancel() -> None:
            usecases_subscription_cancel(
                actor=self.logins["manager"], subscription=Subscription.objects.get(pk=subscription_id), reason=reason,
            )
        return cancel


def pay_balance_today(*, customer: Customer, cashier) -> bool:
    """The customer pays all they owe today at the cashier's desk (the demo's early payer); once a day."""
    account = getattr(customer, "account", None)
    if account is None or account.balance <= 0:
        return False
    payment_record(
        actor=cashier, customer=customer, amount=account.balance, method=Payment.Method.CASH,
        idempotency_key=f"demo-paid-early-{customer.pk}-{timezone.localdate().isoformat()}",
    )
    return True
