"""The billing run: every invoice due on a day, and the day's dunning, written set by set.

One invoice per customer per run date: it carries a line for every period of the customer's
subscriptions due to be invoiced, and a "fee" line for each of their invoices that went unpaid past
its due date since the last run (the late fee is charged once per overdue invoice, never on an
invoice of fees alone). A run is split into chunks of consecutive *customer* ids (not subscription
ids), so that all of a customer's subscriptions land in the same chunk and no two chunks ever touch
the same account. Each chunk is one Celery task and one transaction:

1. find the chunk's customers with something to do (a subscription due to be invoiced, or an unpaid
   invoice past its due date) and lock their accounts in primary-key order — every other writer of
   a customer's money (payments, credits, voids) takes the same lock;
2. mark their unpaid invoices past due as overdue (one UPDATE);
3. read the due subscriptions with one query and compute periods, proration and VAT in Python
   (ispbill.core.periods / proration / vat, memoised: a run has few distinct prices and periods);
4. write lines, balances (one upsert that also creates missing accounts), `billed_through` and the
   anchors of first-time subscriptions (one UPDATE), and only then take the invoice numbers as one
   block from the counter row, which stays locked until commit, and write the invoices and ledger
   entries — COPY on PostgreSQL, bulk_create elsewhere;
5. apply credit for the few invoiced customers who had some (`credit_apply`, under the lock held);
6. suspend, through the lifecycle service, the active subscriptions past paid-through + grace that
   have an overdue invoice charging them (never before an invoice of theirs is past due).

Idempotent: the unique constraint on (subscription, period_start) of period charges is the
guarantee; `billed_through` moves in the same transaction, so a second run finds nothing due, and a
chunk that dies rolls back as a whole (invoice numbers included: no gap) and leaves its chunk row
pending, to be processed again by a redelivered task or by `billing_run_resume`. A chunk's status
leaves "pending" in the transaction that writes its rows, under a row lock, so a chunk delivered
twice does its work once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Customer, Package, Subscription
from customers.services import subscription_suspend
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.periods import months_for_cycle, period_containing
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices, notify_subscription_change
from network.services import provisioning_enqueue_transition

from .charges import pending_charges_for, pending_charges_invoiced
from .ledger import credit_apply, sql
from .ledger.invoices import InvoiceRow, LineRow, invoices_late_fee_applied, invoices_mark_overdue, invoices_write
from .models import Account, BillingRun, BillingRunChunk, BillingSettings, Invoice, InvoiceLine, LedgerEntry
from .package_changes import scheduled_changes_for_run
from .proration import amount_for_days
from .selectors import OPEN_STATUSES, amount_open, current_billing_settings
from .vat import Line, totals, vat_line

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5_000  # customer ids per chunk: at most 5,000 invoices per transaction
SAMPLE_LINES_PER_CHUNK = 25  # what a dry run keeps per chunk for the preview screen
MAX_RUN_ERRORS = 100  # errors kept on the run row; the counts still count every failure
TRANSIENT_ERRORS = (OperationalError, InterfaceError)  # deadlock, lost connection: worth a retry

PERIOD_KINDS = tuple(InvoiceLine.PERIOD_KINDS)
UNPAID_NOT_YET_OVERDUE = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)


# Starting, resuming, finishing ---------------------------------------------------------------------


def _running_message(run: BillingRun) -> str:
    kind = "A preview" if run.dry_run else "A billing run"
    started = date_format(timezone.localtime(run.started_at), "j M Y, H:i")
    return (
        f"{kind} is already running (started {started}, {run.chunks_finished} of {run.chunks_total} chunks done). "
        "Wait for it to finish, or resume it if it has stalled."
    )


def billing_run_start(
    *, actor=None, run_date: date | None = None, dry_run: bool = False, chunk_size: int = CHUNK_SIZE, dispatch: bool = True
) -> BillingRun:
    """Record a run for `run_date` (today by default), split it into chunks and queue them on commit.

    Refused with a ValidationError while another run of the same kind (real or dry) is running; a
    partial unique constraint makes that true even for two requests at the same instant."""
    run_date = run_date or timezone.localdate()
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    with transaction.atomic():
        running = BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=dry_run).first()
        if running is not None:
            raise ValidationError(_running_message(running), code="run_in_progress")
        try:
            with transaction.atomic():
                run = BillingRun.objects.create(
                    run_date=run_date, dry_run=dry_run, started_by=actor if getattr(actor, "pk", None) else None
                )
        except IntegrityError:
            running = BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=dry_run).first()
            raise ValidationError(
                _running_message(running) if running else "Another billing run has just started.", code="run_in_progress"
            ) from None
        bounds = Customer.objects.aggregate(low=Min("id"), high=Max("id"))
        ranges = []
        if bounds["low"] is not None:
            ranges = [
                (first, min(first + chunk_size - 1, bounds["high"]))
                for first in range(bounds["low"], bounds["high"] + 1, chunk_size)
            ]
        BillingRunChunk.objects.bulk_create(BillingRunChunk(run=run, first_id=a, last_id=b) for a, b in ranges)
        BillingRun.objects.filter(pk=run.pk).update(chunks_total=len(ranges))
        run.chunks_total = len(ranges)
        audit_record(
            actor=actor, action="billingrun.preview" if dry_run else "billingrun.start", obj=run,
            after={"run_date": run_date.isoformat(), "chunks": len(ranges)},
        )
        if not ranges:
            _finish_if_complete(run.pk)
        elif dispatch:
            transaction.on_commit(lambda: _dispatch(run.pk, ranges))
    run.refresh_from_db()
    return run


def billing_run_resume(*, actor, run: BillingRun) -> int:
    """Queue again every chunk of a running run that has not finished (a worker died, a message was
    lost). A chunk that is in fact still being processed is safe: its row lock makes the copy wait,
    then skip it. Returns how many chunks were queued."""
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run.pk)
        if run.status != BillingRun.Status.RUNNING:
            raise ValidationError(_("Only a running billing run can be resumed; this one has finished."), code="not_running")
        ranges = list(run.chunks.filter(status=BillingRunChunk.Status.PENDING).values_list("first_id", "last_id"))
        audit_record(actor=actor, action="billingrun.resume", obj=run, after={"chunks": len(ranges)})
        if ranges:
            transaction.on_commit(lambda: _dispatch(run.pk, ranges))
        else:
            transaction.on_commit(lambda: _finish_if_complete(run.pk))
    return len(ranges)


def billing_run_scheduled() -> BillingRun | None:
    """The daily job: today's run, or, if a run is still marked running (a stalled one), resume it:
    a run is idempotent, so tomorrow's catches up whatever today's did not reach. Scheduled package
    changes whose day has come are applied before it by the caller (usecases/tasks.py), as their own
    job does at dawn."""
    try:
        return billing_run_start(actor=None)
    except ValidationError:
        running = BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=False).first()
        if running is not None:
            logger.warning("billing run %s still running at the scheduled time: resuming it", running.pk)
            billing_run_resume(actor=None, run=running)
        return running


def billing_run_process_pending(run: BillingRun, *, notify: bool = False) -> BillingRun:
    """Process the run's pending chunks here, one after another (tests, benchmarks, demo seeding);
    with `notify`, queue each chunk's customer messages here too, instead of through Celery."""
    for first_id, last_id in run.chunks.filter(status=BillingRunChunk.Status.PENDING).values_list("first_id", "last_id"):
        status = billing_run_chunk_process(run_id=run.pk, first_id=first_id, last_id=last_id, notify_after_commit=False)
        if notify and status == BillingRunChunk.Status.DONE:
            billing_run_chunk_notify(run_id=run.pk, first_id=first_id, last_id=last_id)
    run.refresh_from_db()
    return run


def _dispatch(run_id: int, ranges: list[tuple[int, int]]) -> None:
    from .tasks import billing_run_chunk

    try:
        for first_id, last_id in ranges:
            billing_run_chunk.delay(run_id, first_id, last_id)
    except Exception as exc:  # a broker that is down must not lose the run: it stays resumable
        logger.exception("could not queue billing run %s", run_id)
        _record_errors(run_id, [f"Could not queue the run's chunks ({exc}); resume the run once the job queue is back."])


def _dispatch_notify(run_id: int, first_id: int, last_id: int) -> None:
    from .tasks import billing_run_chunk_notify as notify_task

    try:
        notify_task.delay(run_id, first_id, last_id)
    except Exception as exc:  # the invoices stand; only the messages wait for a manual resend
        logger.exception("could not queue the messages of billing run %s, customers %s–%s", run_id, first_id, last_id)
        _record_errors(run_id, [f"Customers {first_id}–{last_id}: messages not queued ({exc})."])


def billing_run_chunk_notify(*, run_id: int, first_id: int, last_id: int) -> int:
    """Queue the messages for what a committed chunk did: "invoice issued" for each invoice the run
    issued to the chunk's customers, "overdue" for each of their invoices now overdue. A separate
    step, because rendering a message per customer costs more than billing them; notify's
    idempotency keys make a retry, or a later run, queue nothing twice. Returns messages queued."""

    in_range = Q(customer_id__gte=first_id, customer_id__lte=last_id)
    issued = Invoice.objects.filter(in_range, billing_run_id=run_id).select_related("customer").order_by("id")
    overdue = Invoice.objects.filter(in_range, status=Invoice.Status.OVERDUE).select_related("customer").order_by("id")
    return notify_invoices(event=Event.INVOICE_ISSUED, invoices=issued) + notify_invoices(event=Event.OVERDUE, invoices=overdue)


def _record_errors(run_id: int, errors: list[str]) -> None:
    if not errors:
        return
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run_id)
        kept = (run.errors or []) + errors
        BillingRun.objects.filter(pk=run_id).update(errors=kept[:MAX_RUN_ERRORS])


def _finish_if_complete(run_id: int) -> bool:
    """Mark the run finished once every chunk has finished; exactly one caller wins."""
    finished = BillingRun.objects.filter(
        pk=run_id, status=BillingRun.Status.RUNNING, chunks_total=F("chunks_done") + F("chunks_failed")
    ).update(
        status=Case(
            When(chunks_failed__gt=0, then=Value(BillingRun.Status.FAILED)), default=Value(BillingRun.Status.SUCCEEDED)
        ),
        finished_at=timezone.now(),
    )
    if finished and sql.on_postgres() and not connection.in_atomic_block:
        if BillingRun.objects.filter(pk=run_id, dry_run=False, issued__gt=0).exists():
            sql.analyze(Invoice, InvoiceLine, LedgerEntry, Account, Subscription)
    return bool(finished)


# One chunk --------------------------------------------------------------------------------------


@dataclass
class ChunkResult:
    issued: int = 0
    issued_total: Decimal = ZERO
    overdue: int = 0
    late_fees: int = 0
    suspended: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)


def billing_run_chunk_process(
    *, run_id: int, first_id: int, last_id: int, final_attempt: bool = True, notify_after_commit: bool = True
) -> str:
    """Process one chunk in one transaction; returns the chunk's status afterwards.

    An exception rolls the chunk's writes back. A transient one (deadlock, lost connection) is
    raised again for the task to retry unless this is the final attempt; otherwise the chunk is
    recorded as failed with the error, and the run finishes as failed once all chunks are done.
    Once a real run's chunk commits, its customer messages are queued by a task of their own
    (`notify_after_commit`)."""
    try:
        with transaction.atomic():
            chunk = (
                BillingRunChunk.objects.select_for_update(of=("self",)).select_related("run")
                .filter(run_id=run_id, first_id=first_id, last_id=last_id).first()
            )
            if chunk is None or chunk.status != BillingRunChunk.Status.PENDING:
                return chunk.status if chunk else "missing"
            run = chunk.run
            if run.status != BillingRun.Status.RUNNING:
                return chunk.status
            result = _process_chunk(run, first_id, last_id)
            _chunk_succeeded(chunk, result)
            if notify_after_commit and not run.dry_run:
                transaction.on_commit(lambda: _dispatch_notify(run_id, first_id, last_id))
    except TRANSIENT_ERRORS as exc:
        if not final_attempt:
            raise
        logger.exception("billing run %s chunk %s–%s failed", run_id, first_id, last_id)
        _chunk_failed(run_id, first_id, last_id, f"{type(exc).__name__}: {exc} (after every retry; the next run bills these customers)")
    except Exception as exc:
        logger.exception("billing run %s chunk %s–%s failed", run_id, first_id, last_id)
        _chunk_failed(run_id, first_id, last_id, f"{type(exc).__name__}: {exc}")
    _finish_if_complete(run_id)
    return BillingRunChunk.objects.filter(run_id=run_id, first_id=first_id).values_list("status", flat=True).first() or "missing"


def _chunk_succeeded(chunk: BillingRunChunk, result: ChunkResult) -> None:
    BillingRunChunk.objects.filter(pk=chunk.pk).update(
        status=BillingRunChunk.Status.DONE, issued=result.issued, issued_total=result.issued_total,
        sample=result.sample, finished_at=timezone.now(),
    )
    # Several workers finish chunks at once: every count moves with F(), never read-modify-write.
    BillingRun.objects.filter(pk=chunk.run_id).update(
        chunks_done=F("chunks_done") + 1, issued=F("issued") + result.issued,
        issued_total=F("issued_total") + result.issued_total, overdue=F("overdue") + result.overdue,
        late_fees=F("late_fees") + result.late_fees, suspended=F("suspended") + result.suspended,
        failed=F("failed") + result.failed,
    )
    _record_errors(chunk.run_id, result.errors)


def _chunk_failed(run_id: int, first_id: int, last_id: int, message: str) -> None:
    with transaction.atomic():
        chunk = BillingRunChunk.objects.select_for_update().filter(run_id=run_id, first_id=first_id).first()
        if chunk is None or chunk.status != BillingRunChunk.Status.PENDING:
            return
        run = BillingRun.objects.get(pk=run_id)
        cfg = current_billing_settings()
        # What this chunk left undone, for the run's `failed` count: its subscriptions due to be invoiced.
        not_billed = _due_subscriptions(run.run_date, cfg, first_id, last_id).count()
        BillingRunChunk.objects.filter(pk=chunk.pk).update(
            status=BillingRunChunk.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        BillingRun.objects.filter(pk=run_id).update(chunks_failed=F("chunks_failed") + 1, failed=F("failed") + not_billed)
        _record_errors(run_id, [f"Customers {first_id}–{last_id}: {message}"[:500]])


# Reading what is due ----------------------------------------------------------------------------


def _billable() -> Q:
    S = Subscription.Status
    return Q(activated_at__isnull=False) & (Q(status=S.ACTIVE) | Q(status=S.SUSPENDED, skip_billing=False))


def _due_subscriptions(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Billable subscriptions of the chunk whose next period is to be invoiced by `run_date`:
    next period start − issue_days_before ≤ run_date, i.e. billed_through < run_date + issue_days_before."""
    return Subscription.objects.filter(_billable(), customer_id__gte=first_id, customer_id__lte=last_id).filter(
        Q(billed_through__isnull=True) | Q(billed_through__lt=run_date + timedelta(days=cfg.issue_days_before))
    )


def _past_due_invoices(run_date: date, first_id: int, last_id: int):
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


def _read_due(run_date: date, cfg: BillingSettings, first_id: int, last_id: int) -> list[DueSubscription]:
    # The catalogue is small: read it once rather than join it to every subscription.
    packages = {pk: (name, price, cycle) for pk, name, price, cycle in Package.objects.values_list("pk", "name", "price", "billing_cycle")}
    needs_activation = Q(billed_through__isnull=True) | Q(billing_anchor_day__isnull=True)
    rows = (
        _due_subscriptions(run_date, cfg, first_id, last_id)
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
def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


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


def _period_lines(sub: DueSubscription, *, cfg: BillingSettings, run_date: date) -> tuple[list[PlannedLine], SubscriptionAdvance | None]:
    """Every period of `sub` due to be invoiced by `run_date` (next period start − issue_days_before ≤
    run_date), and how the subscription's billing state moves. No database."""
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
        label = f"{package_name} ({sub.login}), {_day(start)} – {_day(end)}"
        if kind == InvoiceLine.Kind.PRORATED:
            label = f"{label}, {days} of {period_days} days"
        lines.append(PlannedLine(
            kind, label[:255], _priced(amount, cfg.vat_rate, cfg.prices_include_vat), sub.id, start, end
        ))
    advance.billed_through = charges[-1][3]
    return lines, advance


def _plan(
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
        invoice.lines.append(PlannedLine(InvoiceLine.Kind.FEE, f"Late fee: {number} was due {_day(due_date)}", fee))
    planned = [invoices[customer_id] for customer_id in sorted(invoices)]
    for invoice in planned:
        invoice.sums = totals(line.money for line in invoice.lines)
    return planned, advances


def _add_pending_charges(planned: list[PlannedInvoice], cfg: BillingSettings) -> dict:
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


def _late_fee_invoices(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Past-due unpaid invoices not yet charged a late fee, as (id, customer_id, number, due_date).
    A late fee is never charged on an invoice of fees alone (no fee on a fee)."""
    if cfg.late_fee <= ZERO:
        return []
    rows = _past_due_invoices(run_date, first_id, last_id).filter(late_fee_applied=False).filter(
        Exists(InvoiceLine.objects.filter(invoice=OuterRef("pk")).exclude(kind=InvoiceLine.Kind.FEE))
    )
    return list(
        rows.order_by("customer_id", "due_date", "id").values_list("id", "customer_id", "number", "due_date")
    )


def _suspension_candidates(run_date: date, cfg: BillingSettings, first_id: int, last_id: int):
    """Active subscriptions past paid-through + grace (never paid: activation + due days + grace) that
    have an overdue invoice charging them: nobody is suspended before an invoice of theirs is past due."""
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
        .order_by("id")
    )


# Processing -------------------------------------------------------------------------------------


def _process_chunk(run: BillingRun, first_id: int, last_id: int) -> ChunkResult:
    cfg = current_billing_settings()
    run_date = run.run_date
    if run.dry_run:
        return _preview_chunk(run_date, cfg, first_id, last_id)
    result = ChunkResult()
    due_customers = set(_due_subscriptions(run_date, cfg, first_id, last_id).values_list("customer_id", flat=True))
    late_customers = set(_past_due_invoices(run_date, first_id, last_id).values_list("customer_id", flat=True))
    customers = due_customers | late_customers
    if customers:
        accounts = sql.accounts_lock(customers)
        # Past-due invoices of the range belong to `late_customers`, whose accounts are now locked.
        result.overdue = invoices_mark_overdue(
            _past_due_invoices(run_date, first_id, last_id).filter(status__in=UNPAID_NOT_YET_OVERDUE)
        )
        # Read again under the locks, so what a concurrent payment or invoice changed before them
        # counts; a customer who became due after the first read is left to the next run.
        due = [sub for sub in _read_due(run_date, cfg, first_id, last_id) if sub.customer_id in customers]
        late = [row for row in _late_fee_invoices(run_date, cfg, first_id, last_id) if row[1] in customers]
        planned, advances = _plan(due, late, cfg=cfg, run_date=run_date)
        charges = _add_pending_charges(planned, cfg)
        with_credit = _write(run, planned, advances, accounts, late, cfg=cfg)
        pending_charges_invoiced(run=run, charges=charges)
        result.issued = len(planned)
        result.issued_total = sum((invoice.sums.gross for invoice in planned), ZERO)
        result.late_fees = len(late)
        # Unapplied credit never sits beside an open invoice (credit_apply runs after every credit and
        # check_ledger proves it), so the customers with credit are exactly those whose balance was negative.
        for account_id, customer_id in with_credit:
            credit_apply(account=Account(pk=account_id, customer_id=customer_id), actor=run.started_by, today=run_date)
    _suspend_unpaid(run, cfg, first_id, last_id, result)
    return result


def _preview_chunk(run_date: date, cfg: BillingSettings, first_id: int, last_id: int) -> ChunkResult:
    """What the chunk would do, computed exactly as a real run would, writing nothing but the counts."""
    due = _read_due(run_date, cfg, first_id, last_id)
    late = _late_fee_invoices(run_date, cfg, first_id, last_id)
    planned, _advances = _plan(due, late, cfg=cfg, run_date=run_date)
    _add_pending_charges(planned, cfg)
    result = ChunkResult(
        issued=len(planned),
        issued_total=sum((invoice.sums.gross for invoice in planned), ZERO),
        overdue=_past_due_invoices(run_date, first_id, last_id).filter(status__in=UNPAID_NOT_YET_OVERDUE).count(),
        late_fees=len(late),
        suspended=_suspension_candidates(run_date, cfg, first_id, last_id).count(),
    )
    sampled = [(invoice.customer_id, line) for invoice in planned for line in invoice.lines][:SAMPLE_LINES_PER_CHUNK]
    numbers = dict(Customer.objects.filter(pk__in={pk for pk, _line in sampled}).values_list("pk", "account_number"))
    result.sample = [
        {"account": numbers[customer_id], "kind": line.kind, "description": line.description,
         "net": str(line.money.net), "vat": str(line.money.vat), "gross": str(line.money.gross)}
        for customer_id, line in sampled
    ]
    return result


# Writing rows in bulk -------------------------------------------------------------------------------
#
# PostgreSQL: COPY for the inserts, UPDATE … FROM unnest(arrays) and one upsert for the updates — a few
# statements per chunk with a handful of parameters each, whatever the chunk's size — ordered so that
# the invoice-number counter, which stays locked until the chunk commits, is taken last. Other
# databases (SQLite, the zero-setup demo): bulk_create, and UPDATE … CASE with one branch per distinct
# value. Both paths write the same rows; the test suite runs on both.


def _write(
    run: BillingRun,
    planned: list[PlannedInvoice],
    advances: dict[int, SubscriptionAdvance],
    accounts: dict[int, tuple[int, Decimal]],
    late: list[tuple[int, int, str, date]],
    *,
    cfg: BillingSettings,
) -> list[tuple[int, int]]:
    """Write the chunk's invoices, lines, ledger entries, balances and billing state. Returns the
    (account id, customer id) of the invoiced customers who had credit before these invoices."""
    run_date = run.run_date
    due_date = run_date + timedelta(days=cfg.due_days)
    sql.subscriptions_advance(advances)
    written = invoices_write([
        InvoiceRow(
            customer_id=plan.customer_id, issue_date=run_date, due_date=due_date,
            status=Invoice.Status.OPEN if sums.gross > ZERO else Invoice.Status.PAID, subtotal=sums.net, vat_total=sums.vat,
            total=sums.gross, vat_rate=cfg.vat_rate, billing_run_id=run.pk, actor_id=run.started_by_id,
            lines=[LineRow(line.subscription_id, line.kind, line.description, line.period_start, line.period_end,
                           line.money.net, line.money.vat, line.money.gross) for line in plan.lines],
        )
        for plan, sums in ((plan, plan.sums) for plan in planned)
    ], locked=accounts)
    before = written.before
    invoices_late_fee_applied([row[0] for row in late])
    return [(account_id, customer_id) for customer_id, (account_id, balance) in sorted(before.items()) if balance < ZERO]


def _suspend_unpaid(run: BillingRun, cfg: BillingSettings, first_id: int, last_id: int, result: ChunkResult) -> None:
    for subscription in _suspension_candidates(run.run_date, cfg, first_id, last_id):
        paid = f"paid through {_day(subscription.paid_through)}" if subscription.paid_through else "never paid"
        reason = f"Non-payment: {subscription.overdue_number} was due {_day(subscription.overdue_due)}; {paid}"
        try:
            with transaction.atomic():
                suspended = subscription_suspend(
                    actor=run.started_by, subscription=subscription, reason=reason,
                    suspension_type=Subscription.SuspensionType.NON_PAYMENT,
                )
                # The router change and the customer's message, as usecases/connection_effects.py
                # queues them after any transition (this run sits below the use cases).
                provisioning_enqueue_transition(subscription=suspended, previous_status=suspended.previous_lifecycle["status"], actor=run.started_by)
                notify_subscription_change(subscription=suspended, previous=suspended.previous_lifecycle, amount_due=amount_open(customer_id=suspended.customer_id))
        except ValidationError as exc:
            # Refused before writing, or rolled back by the service's own savepoint: the chunk goes on.
            result.failed += 1
            result.errors.append(
                f"Subscription {subscription.login_label} (#{subscription.pk}) not suspended: {' '.join(exc.messages)}"
            )
        else:
            result.suspended += 1
