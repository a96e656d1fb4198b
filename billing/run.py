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
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import (
    Case,
    F,
    Max,
    Min,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import Customer, Subscription
from customers.services import subscription_status_suspend
from ispbill.core.audit import audit_record
from ispbill.core.jobs import job_progress
from ispbill.core.money import ZERO
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices

from .charges import pending_charges_invoiced
from .ledger import credit_apply, sql
from .ledger.invoices import InvoiceRow, LineRow, invoices_late_fee_applied, invoices_mark_overdue, invoices_write
from .models import Account, BillingRun, BillingRunChunk, BillingSettings, Invoice, InvoiceLine, LedgerEntry
from .run_plan import (
    PlannedInvoice,
    SubscriptionAdvance,
    day_label,
    due_subscriptions,
    lapsed_renewals,
    late_fee_invoices,
    past_due_invoices,
    pending_charges_add,
    plan_invoices,
    read_due,
    suspension_candidates,
)
from .selectors import billing_settings_cached, current_billing_settings
from .transition_effects import transition_effects_apply

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5_000  # customer ids per chunk: at most 5,000 invoices per transaction
SAMPLE_LINES_PER_CHUNK = 25  # what a dry run keeps per chunk for the preview screen
MAX_RUN_ERRORS = 100  # errors kept on the run row; the counts still count every failure
TRANSIENT_ERRORS = (OperationalError, InterfaceError)  # deadlock, lost connection: worth a retry

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
        bounds = Customer.objects.aggregate(low=Min("id"), high=Max("id"))
        ranges = []
        if bounds["low"] is not None:
            ranges = [
                (first, min(first + chunk_size - 1, bounds["high"]))
                for first in range(bounds["low"], bounds["high"] + 1, chunk_size)
            ]
        try:
            with transaction.atomic():
                run = BillingRun.objects.create(
                    run_date=run_date, dry_run=dry_run, started_by=actor if getattr(actor, "pk", None) else None,
                    chunks_total=len(ranges),
                )
        except IntegrityError:
            running = BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=dry_run).first()
            raise ValidationError(
                _running_message(running) if running else "Another billing run has just started.", code="run_in_progress"
            ) from None
        BillingRunChunk.objects.bulk_create(BillingRunChunk(run=run, first_id=a, last_id=b) for a, b in ranges)
        audit_record(
            actor=actor, action="billingrun.preview" if dry_run else "billingrun.start", obj=run,
            after={"run_date": run_date.isoformat(), "chunks": len(ranges)},
        )
        if not ranges:
            _finish_if_complete(run.pk)
            run.refresh_from_db()  # finished at once: nothing to bill
        elif dispatch:
            transaction.on_commit(lambda: _dispatch(run.pk, ranges))
    return run  # as created: the row holds what `create` gave it (a day's run costs no read back)


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


def billing_runs_resume_stalled() -> int:
    """Resume every run still marked running (a worker's start calls this: config/celery.py). A worker
    killed mid-run (SIGKILL, the machine lost) holds its chunks' messages unacknowledged, and the Redis
    broker gives them back only after its visibility timeout (an hour); queued again here, the chunks
    that rolled back are processed now, and those done or in progress elsewhere are skipped by their
    row lock. Returns how many chunks were queued."""
    queued = 0
    for run in BillingRun.objects.filter(status=BillingRun.Status.RUNNING).order_by("pk"):
        try:
            queued += billing_run_resume(actor=None, run=run)
        except ValidationError:  # it finished meanwhile
            continue
    return queued


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
    done = False
    try:
        # The chunk reads Settings → Billing once, not once per invoice, suspension and notice.
        with billing_settings_cached(), transaction.atomic():
            chunk = (
                BillingRunChunk.objects.select_for_update(of=("self",)).select_related("run")
                .filter(run_id=run_id, first_id=first_id, last_id=last_id).first()
            )
            if chunk is None or chunk.status != BillingRunChunk.Status.PENDING:
                job_progress(skipped=1)  # done before (a second delivery, a resume): nothing twice
                return chunk.status if chunk else "missing"
            run = chunk.run
            if run.status != BillingRun.Status.RUNNING:
                return chunk.status
            result = _process_chunk(run, first_id, last_id)
            _chunk_succeeded(chunk, result)
            job_progress(processed=result.issued, failed=result.failed)
            if notify_after_commit and not run.dry_run:
                transaction.on_commit(lambda: _dispatch_notify(run_id, first_id, last_id))
        done = True
    except TRANSIENT_ERRORS as exc:
        if not final_attempt:
            raise
        logger.exception("billing run %s chunk %s–%s failed", run_id, first_id, last_id)
        _chunk_failed(run_id, first_id, last_id, f"{type(exc).__name__}: {exc} (after every retry; the next run bills these customers)")
    except Exception as exc:
        logger.exception("billing run %s chunk %s–%s failed", run_id, first_id, last_id)
        _chunk_failed(run_id, first_id, last_id, f"{type(exc).__name__}: {exc}")
    _finish_if_complete(run_id)
    if done:
        return BillingRunChunk.Status.DONE  # written, under the chunk's row lock, in the transaction just committed
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
        not_billed = due_subscriptions(run.run_date, cfg, first_id, last_id).count()
        BillingRunChunk.objects.filter(pk=chunk.pk).update(
            status=BillingRunChunk.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        BillingRun.objects.filter(pk=run_id).update(chunks_failed=F("chunks_failed") + 1, failed=F("failed") + not_billed)
        _record_errors(run_id, [f"Customers {first_id}–{last_id}: {message}"[:500]])


# Processing -------------------------------------------------------------------------------------


def _process_chunk(run: BillingRun, first_id: int, last_id: int) -> ChunkResult:
    cfg = current_billing_settings()
    run_date = run.run_date
    if run.dry_run:
        return _preview_chunk(run_date, cfg, first_id, last_id)
    result = ChunkResult()
    due_customers = set(due_subscriptions(run_date, cfg, first_id, last_id).values_list("customer_id", flat=True))
    late_customers = set(past_due_invoices(run_date, first_id, last_id).values_list("customer_id", flat=True))
    customers = due_customers | late_customers
    if customers:
        accounts = sql.accounts_lock(customers)
        # Past-due invoices of the range belong to `late_customers`, whose accounts are now locked.
        result.overdue = invoices_mark_overdue(
            past_due_invoices(run_date, first_id, last_id).filter(status__in=UNPAID_NOT_YET_OVERDUE)
        )
        # Read again under the locks, so what a concurrent payment or invoice changed before them
        # counts; a customer who became due after the first read is left to the next run.
        due = [sub for sub in read_due(run_date, cfg, first_id, last_id) if sub.customer_id in customers]
        late = [row for row in late_fee_invoices(run_date, cfg, first_id, last_id) if row[1] in customers]
        planned, advances = plan_invoices(due, late, cfg=cfg, run_date=run_date)
        charges = pending_charges_add(planned, cfg)
        with_credit = _write(run, planned, advances, accounts, late, cfg=cfg)
        pending_charges_invoiced(run=run, charges=charges)
        result.issued = len(planned)
        result.issued_total = sum((invoice.sums.gross for invoice in planned), ZERO)
        result.late_fees = len(late)
        # Unapplied credit never sits beside an open invoice (credit_apply runs after every credit and
        # check_ledger proves it), so the customers with credit are exactly those whose balance was negative.
        for account_id, customer_id in with_credit:
            credit_apply(account=Account(pk=account_id, customer_id=customer_id), actor=run.started_by, today=run_date)
    # A suspension for non-payment needs an invoice of the chunk past its due date: with none (most
    # days of a small ISP, most chunks of a big one), the candidates' query is not sent.
    _suspend_unpaid(run, cfg, first_id, last_id, result, past_due=bool(late_customers))
    return result


def _preview_chunk(run_date: date, cfg: BillingSettings, first_id: int, last_id: int) -> ChunkResult:
    """What the chunk would do, computed exactly as a real run would, writing nothing but the counts."""
    due = read_due(run_date, cfg, first_id, last_id)
    late = late_fee_invoices(run_date, cfg, first_id, last_id)
    planned, _advances = plan_invoices(due, late, cfg=cfg, run_date=run_date)
    pending_charges_add(planned, cfg)
    result = ChunkResult(
        issued=len(planned),
        issued_total=sum((invoice.sums.gross for invoice in planned), ZERO),
        overdue=past_due_invoices(run_date, first_id, last_id).filter(status__in=UNPAID_NOT_YET_OVERDUE).count(),
        late_fees=len(late),
        suspended=suspension_candidates(run_date, cfg, first_id, last_id).count() + lapsed_renewals(run_date, cfg, first_id, last_id).count(),
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


def _suspend_unpaid(
    run: BillingRun, cfg: BillingSettings, first_id: int, last_id: int, result: ChunkResult, *, past_due: bool = True
) -> None:
    lapsed = [
        (subscription, f"Renewal lapsed: paid through {day_label(subscription.paid_through)}" if subscription.paid_through
         else "Renewal lapsed: never renewed")
        for subscription in lapsed_renewals(run.run_date, cfg, first_id, last_id)
    ]
    unpaid = [
        (subscription, f"Non-payment: {subscription.overdue_number} was due {day_label(subscription.overdue_due)}; "
                       + (f"paid through {day_label(subscription.paid_through)}" if subscription.paid_through else "never paid"))
        for subscription in (suspension_candidates(run.run_date, cfg, first_id, last_id) if past_due else ())
    ]
    for subscription, reason in unpaid + lapsed:
        try:
            with transaction.atomic():
                suspended = subscription_status_suspend(
                    actor=run.started_by, subscription=subscription, reason=reason,
                    suspension_type=Subscription.SuspensionType.NON_PAYMENT,
                )
                transition_effects_apply(actor=run.started_by, subscriptions=[suspended])
        except ValidationError as exc:
            # Refused before writing, or rolled back by the service's own savepoint: the chunk goes on.
            result.failed += 1
            result.errors.append(
                f"Subscription {subscription.login_label} (#{subscription.pk}) not suspended: {' '.join(exc.messages)}"
            )
        else:
            result.suspended += 1
