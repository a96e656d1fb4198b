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
"""

from __future__ import annotations

import logging
import secrets
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
from ispbill.core.audit import audit_record
from ispbill.notify.services import notify_customer
from payments import bkash_flow
from payments.models import AutoPay, AutoPayAttempt, AutoPayRun, BkashAgreement, GatewayPayment
from payments.notifications import AUTOPAY_FAILED, AUTOPAY_UPCOMING
from payments.online_selectors import primary_agreement

from .online_payment import online_payment_credit

logger = logging.getLogger(__name__)

Status = AutoPayAttempt.Status
FAILED_PAYMENT = (GatewayPayment.Status.FAILED, GatewayPayment.Status.CANCELLED, GatewayPayment.Status.EXPIRED)


@transaction.atomic
def autopay_set(*, customer: Customer, enabled: bool, actor=None) -> AutoPay:
    """Turn auto-pay on (a primary saved wallet is needed) or off."""
    if enabled and primary_agreement(customer_id=customer.pk) is None:
        raise ValidationError(_("Link a bKash wallet first: auto-pay pays from your primary saved wallet."))
    row, _created = AutoPay.objects.select_for_update().get_or_create(customer=customer)
    before = row.enabled
    row.enabled = enabled
    row.save(update_fields=["enabled", "updated_at"])
    audit_record(actor=actor, action="autopay.set", obj=row, before={"enabled": before}, after={"enabled": enabled})
    return row


def charge_day(invoice: Invoice) -> date:
    return invoice.due_date - timedelta(days=settings.AUTOPAY_DAYS_BEFORE)


def _owed(invoice: Invoice):
    return invoice.total - invoice.amount_paid


def _pay_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:pay")


# Scheduling and the notice before ----------------------------------------------------------------


def autopay_schedule(*, today: date) -> int:
    """An attempt row for each open invoice of a customer on auto-pay (with a primary wallet) whose
    charge day is within AUTOPAY_NOTICE_DAYS, and the notice that says how much and when."""
    horizon = today + timedelta(days=settings.AUTOPAY_DAYS_BEFORE + settings.AUTOPAY_NOTICE_DAYS)
    earliest = today - timedelta(days=sum(settings.AUTOPAY_RETRY_DAYS) + settings.AUTOPAY_DAYS_BEFORE)
    invoices = (
        Invoice.objects.filter(status__in=OPEN_STATUSES, due_date__lte=horizon, due_date__gte=earliest,
                               customer__autopay__enabled=True, autopay_attempt__isnull=True)
        .filter(customer__bkash_agreements__is_primary=True, customer__bkash_agreements__status=BkashAgreement.Status.ACTIVE)
        .select_related("customer").order_by("due_date", "id")
    )
    created = 0
    # Every such invoice, in batches (the query is read again: rows scheduled meanwhile drop out).
    for invoice in invoices.iterator(chunk_size=2000):
        when = max(charge_day(invoice), today)
        with transaction.atomic():
            attempt, new = AutoPayAttempt.objects.get_or_create(
                invoice=invoice, defaults={"customer": invoice.customer, "next_try_on": when})
            if not new:
                continue
            created += 1
            agreement = primary_agreement(customer_id=invoice.customer_id)
            charge = bkash_flow.charge_for(owed=_owed(invoice))
            notify_customer(event=AUTOPAY_UPCOMING, customer=invoice.customer, related=invoice, context={
                "invoice_number": invoice.number, "amount": charge.total, "charge_date": when,
                "wallet": agreement.wallet_masked if agreement else "",
            })
            AutoPayAttempt.objects.filter(pk=attempt.pk).update(notified_before=True)
    return created


# Charging ----------------------------------------------------------------------------------------


def _claim(attempt_id: int, *, today: date, worker: str) -> tuple[str, AutoPayAttempt | None]:
    """("charge", row) when this worker claimed a fresh charge (its pending payment committed with the
    claim); ("query", row) when it took over a stale charging row; ("skip", None) otherwise."""
    now = timezone.now()
    stale = now - timedelta(minutes=settings.AUTOPAY_CLAIM_STALE_MINUTES)
    with transaction.atomic():
        fresh = AutoPayAttempt.objects.filter(pk=attempt_id, status__in=(Status.SCHEDULED, Status.RETRY), next_try_on__lte=today)
        if fresh.update(status=Status.CHARGING, claimed_by=worker, claimed_at=now, updated_at=now):
            mode = "charge"
        elif AutoPayAttempt.objects.filter(pk=attempt_id, status=Status.CHARGING).filter(
                Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True)).update(claimed_by=worker, claimed_at=now, updated_at=now):
            mode = "query"
        else:
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


def _set(attempt: AutoPayAttempt, **fields) -> None:
    AutoPayAttempt.objects.filter(pk=attempt.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(attempt, name, value)


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
            GatewayPayment.objects.filter(pk=gp.pk, status=GatewayPayment.Status.PENDING, sessionkey="").update(
                status=GatewayPayment.Status.FAILED, status_reason=_("The charge was interrupted before bKash answered."))
    return _finish(attempt, today=today)


def autopay_run(*, today: date | None = None, worker: str = "") -> dict:
    """The daily job: schedule and tell, then charge every attempt whose day has come."""
    today = today or timezone.localdate()
    worker = worker or f"w-{secrets.token_hex(4)}"
    run = AutoPayRun.objects.create(day=today, worker=worker)
    counts = {"scheduled": autopay_schedule(today=today)}
    due = AutoPayAttempt.objects.filter(
        Q(status__in=(Status.SCHEDULED, Status.RETRY), next_try_on__lte=today) | Q(status=Status.CHARGING)
    ).order_by("next_try_on", "id").values_list("pk", flat=True)
    for attempt_id in list(due[:100_000]):
        try:
            result = autopay_charge(attempt_id=attempt_id, today=today, worker=worker)
        except Exception:  # noqa: BLE001 - one customer's failure must not stop the others; the claim stays for the next run
            logger.exception("auto-pay attempt %s failed", attempt_id)
            result = "error"
        counts[result] = counts.get(result, 0) + 1
    AutoPayRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), counts=counts)
    return counts
