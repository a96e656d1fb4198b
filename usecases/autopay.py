"""Auto-pay: the daily job that pays each due invoice from the customer's primary saved bKash wallet
AUTOPAY_DAYS_BEFORE days before its due date, retries after each of AUTOPAY_RETRY_DAYS, then stops and
tells the customer. Spans payments (the charge), billing (which invoices are due) and notify.

At most one charge per invoice, whatever runs at once or again (docs/payments.md, "Auto-pay"):
- one `AutoPayAttempt` per invoice (a unique invoice column): a second scheduler finds the row;
- a charge starts only by claiming the row: one conditional UPDATE from scheduled/retry to
  charging (compare-and-set, the same on PostgreSQL and SQLite), committed together with the pending
  GatewayPayment it will charge, before bKash is called. Of two workers exactly one claims;
- a row left charging (a worker died, bKash's answer was lost) is never charged afresh: after
  AUTOPAY_CLAIM_STALE_MINUTES the next run asks bKash's payment/status about *that* payment and
  settles it, or executes it if it never was (bKash executes a payment once);
- a new charge (a retry) is only opened after the previous payment is known to have failed;
- the money is credited once by `online_payment_credit` (idempotency key `bkash:<tran_id>`).

The run does all of this a chunk at a time (`autopay_run` → `_charge_chunk`; docs/payments.md): the
claims of a chunk in one transaction (SKIP LOCKED, each a conditional UPDATE) with their pending
payments inserted in bulk, bKash's creates in a thread pool, the paymentIDs committed before any
execute, the executes (with payment/status first after a lost answer) in the pool, then the results
settled, the money credited (`online_payments_credit_many`: the ledger's `payments_post`) and the rows
updated set-based. `autopay_charge` is the same for one attempt.
"""

from __future__ import annotations

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Invoice
from billing.selectors import OPEN_STATUSES
from customers.models import Customer
from ispbill.notify.services import notify_customer, notify_customers_bulk
from payments import autopay_rows, bkash_flow
from payments.models import AutoPay, AutoPayAttempt, BkashAgreement, GatewayPayment
from payments.notifications import AUTOPAY_FAILED, AUTOPAY_UPCOMING
from payments.online_selectors import primary_agreement
from payments.settle_sql import autopay_attempts_insert as attempts_insert

from .online_payment import online_payment_credit, online_payments_credit_many

logger = logging.getLogger(__name__)

Status = AutoPayAttempt.Status
FAILED_PAYMENT = (GatewayPayment.Status.FAILED, GatewayPayment.Status.CANCELLED, GatewayPayment.Status.EXPIRED)


@transaction.atomic
def autopay_set(*, customer: Customer, enabled: bool, actor=None) -> AutoPay:
    """Turn auto-pay on (a primary saved wallet is needed) or off."""
    if enabled and primary_agreement(customer_id=customer.pk) is None:
        raise ValidationError(_("Link a bKash wallet first: auto-pay pays from your primary saved wallet."))
    return autopay_rows.autopay_choice_save(customer=customer, enabled=enabled, actor=actor)


def charge_day(invoice: Invoice) -> date:
    return invoice.due_date - timedelta(days=settings.AUTOPAY_DAYS_BEFORE)


def _owed(invoice: Invoice):
    return invoice.total - invoice.amount_paid


def _pay_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:pay")


# Scheduling and the notice before ----------------------------------------------------------------


def autopay_schedule(*, today: date, chunk_size: int = 2000) -> int:
    """An attempt row for each open invoice of a customer on auto-pay (with a primary wallet) whose
    charge day is within AUTOPAY_NOTICE_DAYS, and the notice that says how much and when. Set-based,
    a chunk at a time: one INSERT … ON CONFLICT DO NOTHING of the chunk's rows (the unique invoice
    column: a second scheduler creates nothing twice), and the notices of the rows this call created,
    queued in bulk in the same transaction."""
    horizon = today + timedelta(days=settings.AUTOPAY_DAYS_BEFORE + settings.AUTOPAY_NOTICE_DAYS)
    earliest = today - timedelta(days=sum(settings.AUTOPAY_RETRY_DAYS) + settings.AUTOPAY_DAYS_BEFORE)
    invoices = (
        Invoice.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon, due_date__gte=earliest,
                               customer__autopay__enabled=True, autopay_attempt__isnull=True)
        .filter(customer__bkash_agreements__is_primary=True, customer__bkash_agreements__status=BkashAgreement.Status.ACTIVE)
        .order_by("id").values_list("id", flat=True)
    )
    config = bkash_flow.bkash_config()
    created = 0
    last_id = None
    while True:
        # Every such invoice, a chunk at a time (read again: rows scheduled meanwhile drop out).
        ids = list((invoices if last_id is None else invoices.filter(id__gt=last_id))[:chunk_size])
        if not ids:
            break
        with transaction.atomic():
            chunk = list(Invoice.objects.filter(pk__in=ids).select_related("customer").order_by("id"))
            made = attempts_insert([(invoice.pk, invoice.customer_id, max(charge_day(invoice), today)) for invoice in chunk])
            if made:
                _notify_upcoming([invoice for invoice in chunk if invoice.pk in {i for _a, i in made}], today=today, config=config)
                autopay_rows.attempts_mark_notified([a for a, _i in made])
            created += len(made)
        last_id = ids[-1]
        if len(ids) < chunk_size:
            break
    return created


def _notify_upcoming(invoices: list[Invoice], *, today: date, config) -> None:
    wallets = dict(BkashAgreement.objects.filter(customer_id__in=[i.customer_id for i in invoices], is_primary=True,
                                                 status=BkashAgreement.Status.ACTIVE).values_list("customer_id", "wallet_masked"))
    notify_customers_bulk(AUTOPAY_UPCOMING, [
        (invoice.customer, {"invoice_number": invoice.number, "amount": bkash_flow.charge_for(owed=_owed(invoice), config=config).total,
                            "charge_date": max(charge_day(invoice), today), "wallet": wallets.get(invoice.customer_id, "")}, invoice)
        for invoice in invoices
    ])


# Charging ----------------------------------------------------------------------------------------


def _claim(attempt_id: int, *, today: date, worker: str) -> tuple[str, AutoPayAttempt | None]:
    """("charge", row) when this worker claimed a fresh charge (its pending payment committed with the
    claim); ("query", row) when it took over a stale charging row; ("skip", None) otherwise."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.AUTOPAY_CLAIM_STALE_MINUTES)
    with transaction.atomic():
        mode = autopay_rows.attempt_claim(attempt_id=attempt_id, today=today, worker=worker, now=now, stale_before=stale)
        if mode == "skip":
            return "skip", None
        attempt = AutoPayAttempt.objects.select_related("invoice", "customer", "gateway_payment").get(pk=attempt_id)
        if mode == "query":
            return mode, attempt
        invoice = Invoice.objects.get(pk=attempt.invoice_id)
        if invoice.status not in OPEN_STATUSES or _owed(invoice) <= 0:
            _set(attempt, status=Status.SKIPPED, last_result=_("Already paid"))
            return "skip", None
        agreement = primary_agreement(customer_id=attempt.customer_id)
        if agreement is None:
            _set(attempt, status=Status.GAVE_UP, last_result=_("No saved bKash wallet"))
            transaction.on_commit(lambda: _notify_failed(attempt, reason=_("no saved bKash wallet")))
            return "skip", None
        try:
            gp = bkash_flow.agreement_payment_prepare(customer=attempt.customer, agreement=agreement, owed=_owed(invoice),
                                                      invoices=[invoice])
        except ValidationError as error:
            _set(attempt, status=Status.GAVE_UP, last_result=" ".join(error.messages)[:255])
            return "skip", None
        _set(attempt, gateway_payment=gp, tries=attempt.tries + 1)
    return mode, attempt


_set = autopay_rows.attempt_set


def _notify_failed(attempt: AutoPayAttempt, *, reason: str) -> None:
    invoice = attempt.invoice
    agreement = attempt.gateway_payment.agreement if attempt.gateway_payment_id else None
    notify_customer(event=AUTOPAY_FAILED, customer=attempt.customer, related=invoice, occurrence=f"autopay-{attempt.pk}", context={
        "invoice_number": invoice.number, "amount": attempt.gateway_payment.amount if attempt.gateway_payment_id else _owed(invoice),
        "wallet": agreement.wallet_masked if agreement else "", "pay_url": _pay_url(), "reason": reason,
    })


def _finish(attempt: AutoPayAttempt, *, today: date) -> str:
    """What became of the attempt's payment decides the row: paid, retry later, stopped, or still charging."""
    gp = GatewayPayment.objects.select_related("agreement").get(pk=attempt.gateway_payment_id)
    if gp.status == GatewayPayment.Status.PAID:
        payment = online_payment_credit(gp=gp)
        _set(attempt, status=Status.PAID, last_result=_("Paid: receipt %(receipt)s") % {"receipt": payment.receipt_number if payment else "—"})
        return "paid"
    if gp.status not in FAILED_PAYMENT:
        _set(attempt, last_result=_("Waiting for bKash's answer"))
        return "pending"
    revoked = gp.agreement is not None and gp.agreement.status != BkashAgreement.Status.ACTIVE
    retries = settings.AUTOPAY_RETRY_DAYS
    if revoked or attempt.tries > len(retries):
        _set(attempt, status=Status.GAVE_UP, last_result=gp.status_reason[:255] or gp.status)
        with transaction.atomic():
            _notify_failed(attempt, reason=gp.status_reason or gp.get_status_display())
        return "gave_up"
    _set(attempt, status=Status.RETRY, next_try_on=today + timedelta(days=retries[attempt.tries - 1]),
         last_result=gp.status_reason[:255] or gp.status)
    return "retry"


def autopay_charge(*, attempt_id: int, today: date, worker: str) -> str:
    """Claim one attempt and charge it, or (a stale claim) ask bKash about its payment first."""
    mode, attempt = _claim(attempt_id, today=today, worker=worker)
    if attempt is None:
        return "skipped"
    gp = attempt.gateway_payment
    if gp is None:  # cannot happen (a claim commits with its payment); never leave a row stuck on it
        _set(attempt, status=Status.RETRY, next_try_on=today)
        return "retry"
    if mode == "charge":
        bkash_flow.bkash_agreement_pay(customer=attempt.customer, agreement=gp.agreement, owed=gp.amount,
                                       invoices=[attempt.invoice], gp=gp)
    elif gp.status == GatewayPayment.Status.PENDING:
        if gp.sessionkey:
            bkash_flow.query_and_settle(gp)  # query before retry: it may have completed
        else:
            # The worker died before bKash's create answered: nothing was executed, so nothing was charged.
            bkash_flow.agreement_charges_interrupted([gp])
    return _finish(attempt, today=today)


def autopay_run(*, today: date | None = None, worker: str = "", chunk_size: int | None = None,
                threads: int | None = None) -> dict:
    """The daily job: schedule and tell, then charge every attempt whose day has come, a chunk at a
    time (`_charge_chunk`): claims set-based, bKash's calls concurrently on kept-alive connections,
    the results and the money recorded set-based. Its counts go into the job log."""
    today = today or timezone.localdate()
    worker = worker or f"w-{secrets.token_hex(4)}"
    chunk_size = chunk_size or settings.AUTOPAY_CHUNK
    threads = threads or settings.AUTOPAY_GATEWAY_THREADS
    run = autopay_rows.autopay_run_open(day=today, worker=worker)
    counts = {"scheduled": autopay_schedule(today=today)}
    due = list(AutoPayAttempt.objects.filter(
        Q(status__in=(Status.SCHEDULED, Status.RETRY), next_try_on__lte=today) | Q(status=Status.CHARGING)
    ).order_by("next_try_on", "id").values_list("pk", flat=True)[:settings.AUTOPAY_RUN_LIMIT])
    if due:
        config = bkash_flow.bkash_config()
        client = bkash_flow.bkash_client(config) if config.ready else None
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="autopay") as pool:
            for first in range(0, len(due), chunk_size):
                chunk = due[first:first + chunk_size]
                try:
                    done = _charge_chunk(chunk, today=today, worker=worker, config=config, client=client, pool=pool)
                except Exception:  # noqa: BLE001 - one chunk's failure must not stop the others; its claims stay for the next run
                    logger.exception("auto-pay chunk of %s attempts failed", len(chunk))
                    done = {"error": len(chunk)}
                for key, value in done.items():
                    counts[key] = counts.get(key, 0) + value
    autopay_rows.autopay_run_close(run=run, counts=counts)
    return counts


def _claim_chunk(ids: list[int], *, today: date, worker: str, config) -> tuple[list, list, dict]:
    """Claim what can be claimed of `ids` in one transaction: fresh rows (scheduled or retry, their day
    come) move to charging with a pending payment each, committed before bKash is called; charging rows
    whose claim is stale are taken over to be asked about. Rows locked by another worker are skipped
    (SKIP LOCKED), and every claim is a conditional UPDATE: of two workers exactly one claims a row.
    Returns (fresh attempts, taken-over attempts, counts of rows settled without a call)."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.AUTOPAY_CLAIM_STALE_MINUTES)
    counts: dict[str, int] = {}
    with transaction.atomic():
        fresh_ids, stale_ids = autopay_rows.attempts_claim(ids=ids, today=today, worker=worker, now=now, stale_before=stale)
        # What this worker holds now (the same token: worker and claim time).
        mine = list(AutoPayAttempt.objects.filter(pk__in=[*fresh_ids, *stale_ids], status=Status.CHARGING, claimed_by=worker,
                                                  claimed_at=now)
                    .select_related("invoice", "customer", "gateway_payment__agreement").order_by("id"))
        counts["skipped"] = len(ids) - len(mine)
        claimed_fresh = set(fresh_ids)
        fresh = [a for a in mine if a.pk in claimed_fresh]
        taken = [a for a in mine if a.pk not in claimed_fresh]
        ready, finished = [], []
        wallets = {a.customer_id: a for a in BkashAgreement.objects.filter(
            customer_id__in=[a.customer_id for a in fresh], is_primary=True, status=BkashAgreement.Status.ACTIVE)}
        for attempt in fresh:
            invoice = attempt.invoice
            if invoice.status not in OPEN_STATUSES or _owed(invoice) <= 0:
                attempt.status, attempt.last_result = Status.SKIPPED, _("Already paid")
                finished.append(attempt)
                counts["skipped"] += 1
            elif wallets.get(attempt.customer_id) is None:
                attempt.status, attempt.last_result = Status.GAVE_UP, _("No saved bKash wallet")
                finished.append(attempt)
                counts["gave_up"] = counts.get("gave_up", 0) + 1
                transaction.on_commit(lambda a=attempt: _notify_failed(a, reason=_("no saved bKash wallet")))
            else:
                ready.append(attempt)
        prepared = bkash_flow.agreement_payments_prepare_many(items=[
            (a.customer, wallets[a.customer_id], _owed(a.invoice), [a.invoice]) for a in ready], config=config)
        charging = []
        for attempt, gp in zip(ready, prepared):
            if isinstance(gp, ValidationError):
                attempt.status, attempt.last_result = Status.GAVE_UP, " ".join(gp.messages)[:255]
                finished.append(attempt)
                counts["skipped"] += 1
            else:
                attempt.gateway_payment, attempt.tries = gp, attempt.tries + 1
                charging.append(attempt)
        for attempt in finished:
            attempt.updated_at = now
        autopay_rows.attempts_save(finished, ["status", "last_result", "updated_at"])
        autopay_rows.attempts_save(charging, ["gateway_payment", "tries"])
    return charging, taken, counts


def _charge_chunk(ids: list[int], *, today: date, worker: str, config, client, pool: ThreadPoolExecutor) -> dict:
    fresh, taken, counts = _claim_chunk(ids, today=today, worker=worker, config=config)
    if not fresh and not taken:
        return counts
    callback = bkash_flow.callback_url()
    charges: dict[int, bkash_flow.AgreementCharge] = {}
    for attempt in fresh:
        gp = attempt.gateway_payment
        charges[attempt.pk] = bkash_flow.AgreementCharge(gp=gp, agreement_id=gp.agreement.agreement_id,
                                                         payer_reference=attempt.customer.account_number)
    interrupted = []
    for attempt in taken:
        gp = attempt.gateway_payment
        if gp is None:  # cannot happen (a claim commits with its payment); never leave a row stuck on it
            continue
        if gp.status != GatewayPayment.Status.PENDING:
            continue  # settled or closed before the worker stopped: finished below
        if not gp.sessionkey:
            interrupted.append(gp)  # it died before bKash's create answered: nothing was executed, so nothing was charged
            continue
        charges[attempt.pk] = bkash_flow.AgreementCharge(gp=gp, agreement_id=gp.agreement.agreement_id if gp.agreement else "",
                                                         payer_reference=attempt.customer.account_number, query_first=True)
    if interrupted:
        bkash_flow.agreement_charges_interrupted(interrupted)
    creating = [charges[a.pk] for a in fresh]
    if creating:
        if client is None:
            for charge in creating:
                charge.closed = (GatewayPayment.Status.FAILED, _("bKash is not configured."), "error", None)
        else:
            list(pool.map(lambda c: bkash_flow.charge_create(client, c, callback=callback), creating))
        bkash_flow.agreement_charges_created(creating)  # committed before any execute
    calling = [c for c in charges.values() if c.gp.sessionkey and c.closed is None and c.gp.status == GatewayPayment.Status.PENDING]
    if calling and client is not None:
        list(pool.map(lambda c: bkash_flow.charge_settle(client, c), calling))
    if calling:
        bkash_flow.agreement_charges_settled(calling)
    for key, value in _finish_chunk([*fresh, *taken], today=today).items():
        counts[key] = counts.get(key, 0) + value
    return counts


def _finish_chunk(attempts: list[AutoPayAttempt], *, today: date) -> dict:
    """`_finish` for a chunk: what became of each attempt's payment decides its row. The paid ones are
    credited together (`online_payments_credit_many`: receipts, ledger, messages in bulk)."""
    counts: dict[str, int] = {}
    now = timezone.now()
    retries = settings.AUTOPAY_RETRY_DAYS
    gave_up: list[AutoPayAttempt] = []
    with transaction.atomic():
        paid = [a for a in attempts if a.gateway_payment and a.gateway_payment.status == GatewayPayment.Status.PAID]
        if paid:
            online_payments_credit_many(gps=[a.gateway_payment for a in paid])
        # Each paid attempt's receipt: credited just now, or by a run that stopped after crediting.
        receipts = dict(GatewayPayment.objects.filter(pk__in=[a.gateway_payment_id for a in paid])
                        .values_list("pk", "payment__receipt_number"))
        for attempt in attempts:
            gp = attempt.gateway_payment
            attempt.updated_at = now
            if gp is None:
                attempt.status, attempt.next_try_on, result = Status.RETRY, today, "retry"
            elif gp.status == GatewayPayment.Status.PAID:
                attempt.status, result = Status.PAID, "paid"
                attempt.last_result = _("Paid: receipt %(receipt)s") % {"receipt": receipts.get(gp.pk) or "—"}
            elif gp.status not in FAILED_PAYMENT:
                attempt.last_result, result = _("Waiting for bKash's answer"), "pending"
            else:
                revoked = gp.agreement is not None and gp.agreement.status != BkashAgreement.Status.ACTIVE
                attempt.last_result = gp.status_reason[:255] or gp.status
                if revoked or attempt.tries > len(retries):
                    attempt.status, result = Status.GAVE_UP, "gave_up"
                    gave_up.append(attempt)
                else:
                    attempt.status, result = Status.RETRY, "retry"
                    attempt.next_try_on = today + timedelta(days=retries[attempt.tries - 1])
            counts[result] = counts.get(result, 0) + 1
        autopay_rows.attempts_save(attempts, ["status", "next_try_on", "last_result", "updated_at"])
        for attempt in gave_up:
            _notify_failed(attempt, reason=attempt.gateway_payment.status_reason or attempt.gateway_payment.get_status_display())
    return counts
