"""Recording and reversing customer payments. Every change to one customer's money runs under that
customer's account lock (billing.services.account_lock); rows are appended, never edited, except
the caches kept beside them (invoice amount_paid/status, account balance)."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Allocation, Invoice, InvoiceLine, LedgerEntry
from billing.selectors import OPEN_STATUSES, account_balance, amount_open, current_billing_settings
from billing.services import LineSpec, account_lock, credit_apply, invoice_create, invoice_unapply, ledger_post
from customers import referrals
from customers.models import Customer, Subscription
from customers.services import subscription_reactivate
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number
from ispbill.notify.events import Event
from ispbill.notify.services import notify_customer

from .models import Payment

DEFAULT_CONFIRM_ABOVE = Decimal("50000.00")
# A receipt may be dated a little ahead of the server clock (a cashier's phone, a slow sync), not more.
FUTURE_TOLERANCE_SECONDS = 300


def confirm_limit() -> Decimal:
    """Payments above this amount must be confirmed explicitly: a typo of one zero is costly."""
    return to_money(getattr(settings, "PAYMENT_CONFIRM_ABOVE", DEFAULT_CONFIRM_ABOVE))


def _clean_amount(amount) -> Decimal:
    try:
        amount = to_money(amount)
    except (TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount of money, for example 1150.00.")}) from None
    if amount <= ZERO:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    return amount


def _check_payment_input(*, amount, method, reference, received_at, confirm_large) -> Decimal:
    amount = _clean_amount(amount)
    errors = {}
    if method not in Payment.Method.values:
        errors["method"] = _("Choose how the money was paid.")
    elif method != Payment.Method.CASH and not reference.strip():
        errors["reference"] = _("Enter the transaction, cheque or bank reference for a non-cash payment.")
    if received_at > timezone.now() + timedelta(seconds=FUTURE_TOLERANCE_SECONDS):
        errors["received_at"] = _("A payment cannot be received in the future.")
    if amount > confirm_limit() and not confirm_large:
        errors["confirm_large"] = _("%(amount)s is above %(limit)s: tick the box to confirm this amount.") % {
            "amount": amount, "limit": confirm_limit(),
        }
    if errors:
        raise ValidationError(errors)
    return amount


def payment_record(
    *,
    actor,
    customer: Customer,
    amount,
    method: str,
    reference: str = "",
    received_at=None,
    idempotency_key: str | None = None,
    note: str = "",
    reseller=None,
    confirm_large: bool = False,
) -> Payment:
    """Record money received, apply it to the oldest open invoices (the rest stays as credit the next
    invoice consumes) and reactivate what was suspended for non-payment once nothing is overdue.
    The same idempotency key twice returns the first payment and records nothing new."""
    received_at = received_at or timezone.now()
    reference = (reference or "").strip()
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key:
        existing = _existing_for_key(idempotency_key, customer)
        if existing is not None:
            return existing
    amount = _check_payment_input(
        amount=amount, method=method, reference=reference, received_at=received_at, confirm_large=confirm_large
    )
    try:
        with transaction.atomic():
            return _record(
                actor=actor, customer=customer, amount=amount, method=method, reference=reference,
                received_at=received_at, idempotency_key=idempotency_key, note=(note or "").strip(), reseller=reseller,
            )
    except IntegrityError:
        # A concurrent submit of the same form committed first: answer with its payment.
        existing = _existing_for_key(idempotency_key, customer) if idempotency_key else None
        if existing is None:
            raise
        return existing


def _existing_for_key(key: str, customer: Customer) -> Payment | None:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.customer_id != customer.pk:
        raise ValidationError(_("This form was already used for another customer; open the payment form again."))
    return existing


def _record(*, actor, customer, amount, method, reference, received_at, idempotency_key, note, reseller) -> Payment:
    account = account_lock(customer_id=customer.pk)
    payment = Payment.objects.create(
        customer=customer, amount=amount, method=method, reference=reference[:100],
        receipt_number=allocate_number(prefix=settings.RECEIPT_NUMBER_PREFIX),
        received_at=received_at, received_by=actor if getattr(actor, "pk", None) else None,
        reseller=reseller, idempotency_key=idempotency_key, note=note[:255],
    )
    ledger_post(
        account=account, kind=LedgerEntry.Kind.PAYMENT, amount=-amount,
        effective_date=timezone.localdate(received_at), actor=actor, payment=payment, memo=payment.receipt_number,
    )
    allocations = credit_apply(account=account, actor=actor, payment=payment)
    audit_record(
        actor=actor, action="payment.record", obj=payment,
        after={
            "customer": customer.pk, "amount": str(amount), "method": method, "reference": reference,
            "allocated": {allocation.invoice.number: str(allocation.amount) for allocation in allocations},
        },
    )
    _reactivate_if_settled(actor=actor, customer=customer, payment=payment)
    _notify_received(customer=customer, payment=payment)
    referrals.payment_landed_on_commit(payment)  # a referred customer's first payment credits the referrer
    return payment


def overdue_left(*, customer_id: int, today: date | None = None) -> bool:
    """Is any invoice of the customer still unpaid after its due date?"""
    today = today or timezone.localdate()
    return Invoice.objects.filter(
        Q(status=Invoice.Status.OVERDUE) | Q(due_date__lt=today), customer_id=customer_id, status__in=OPEN_STATUSES
    ).exists()


def _reactivate_if_settled(*, actor, customer: Customer, payment: Payment) -> list[Subscription]:
    if overdue_left(customer_id=customer.pk):
        return []
    suspended = list(
        Subscription.objects.select_for_update().filter(
            customer_id=customer.pk, status=Subscription.Status.SUSPENDED,
            suspension_type=Subscription.SuspensionType.NON_PAYMENT,
        ).order_by("id")
    )
    reactivated = [
        subscription_reactivate(actor=actor, subscription=subscription, reason=f"Payment received: {payment.receipt_number}")
        for subscription in suspended
    ]
    fee = current_billing_settings().reconnection_fee if reactivated else ZERO
    if fee > ZERO:
        invoice_create(
            actor=actor, customer=customer,
            lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description=_("Reconnection fee"), amount=fee)],
        )
    return reactivated


def _notify_received(*, customer: Customer, payment: Payment) -> None:
    # Messages are queued in this transaction and sent by Celery only after it commits.
    paid_through = (
        Subscription.objects.filter(customer_id=customer.pk).aggregate(latest=Max("paid_through"))["latest"]
    )
    notify_customer(
        event=Event.PAYMENT_RECEIVED, customer=customer, related=payment,
        context={
            "receipt_number": payment.receipt_number, "amount": payment.amount,
            "payment_method": payment.get_method_display(), "payment_date": timezone.localdate(payment.received_at),
            "amount_due": amount_open(customer_id=customer.pk), "paid_through": paid_through,
        },
    )


# Reversal -----------------------------------------------------------------------------------------


@transaction.atomic
def payment_reverse(*, actor, payment: Payment, reason: str) -> Payment:
    """Undo a mistaken payment with new rows: a reversing ledger entry and negative allocations on the
    invoices its money paid (directly, or later as credit). Paid-through dates are recomputed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for reversing the payment.")})
    account = account_lock(customer_id=payment.customer_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.REVERSED:
        raise ValidationError(_("Payment %(receipt)s is already reversed.") % {"receipt": payment.receipt_number})
    original = payment.ledger_entries.get(kind=LedgerEntry.Kind.PAYMENT)
    credit_before = amount_open(customer_id=payment.customer_id) - account_balance(customer_id=payment.customer_id)
    ledger_post(
        account=account, kind=LedgerEntry.Kind.REVERSAL, amount=payment.amount, effective_date=timezone.localdate(),
        actor=actor, payment=payment, reverses=original, memo=f"Reversal of {payment.receipt_number}: {reason}",
    )
    touched = _take_back(payment=payment, shortfall=payment.amount - max(credit_before, ZERO))
    before = {"status": payment.status}
    payment.status, payment.reversal_reason, payment.reversed_at = Payment.Status.REVERSED, reason, timezone.now()
    payment.save(update_fields=["status", "reversal_reason", "reversed_at"])
    # Money still waiting (other credit) goes back onto whatever the reversal reopened.
    credit_apply(account=account, actor=actor)
    _recompute_paid_through(invoice_ids=touched)
    referrals.referral_payment_reversed(actor=actor, payment=payment, reason=reason)  # the credit it earned goes too
    audit_record(
        actor=actor, action="payment.reverse", obj=payment, reason=reason, before=before,
        after={"status": payment.status, "amount": str(payment.amount)},
    )
    return payment


def _take_back(*, payment: Payment, shortfall: Decimal, whole: bool = True) -> list[int]:
    """Unapply the payment's allocations first, then — when its money had sat as credit and paid a
    later invoice — the most recently due paid invoices, until the balance is covered again. `whole`
    (a reversal) unapplies all of the payment's own allocations; a partial refund only `shortfall`."""
    today = timezone.localdate()
    own = dict(
        Allocation.objects.filter(payment=payment).values("invoice").annotate(net=Sum("amount")).values_list("invoice", "net")
    )
    touched: list[int] = []
    to_undo = sum((net for net in own.values() if net > ZERO), ZERO)
    if whole:
        shortfall = max(shortfall, to_undo)
    candidates = Invoice.objects.select_for_update().filter(customer_id=payment.customer_id, amount_paid__gt=0).exclude(
        status=Invoice.Status.VOID
    )
    ordered = sorted(candidates, key=lambda invoice: (invoice.pk not in own, -invoice.due_date.toordinal(), -invoice.pk))
    allocations = []
    for invoice in ordered:
        if shortfall <= ZERO:
            break
        limit = own.get(invoice.pk, ZERO) if invoice.pk in own else invoice.amount_paid
        share = min(shortfall, limit, invoice.amount_paid)
        if share <= ZERO:
            continue
        shortfall -= share
        allocations.append(invoice_unapply(invoice=invoice, amount=share, payment=payment, today=today))
        touched.append(invoice.pk)
    Allocation.objects.bulk_create(allocations)
    return touched


def _recompute_paid_through(*, invoice_ids: list[int]) -> None:
    """Paid through = the end of the last period before the first one still unpaid."""
    period_lines = InvoiceLine.objects.filter(kind__in=InvoiceLine.PERIOD_KINDS, period_end__isnull=False).exclude(
        invoice__status=Invoice.Status.VOID
    )
    subscription_ids = set(
        period_lines.filter(invoice_id__in=invoice_ids, subscription__isnull=False).values_list("subscription_id", flat=True)
    )
    for subscription in Subscription.objects.select_for_update().filter(pk__in=subscription_ids):
        lines = period_lines.filter(subscription_id=subscription.pk)
        first_unpaid = lines.filter(invoice__status__in=OPEN_STATUSES).aggregate(start=Min("period_start"))["start"]
        paid = lines.filter(invoice__status=Invoice.Status.PAID)
        if first_unpaid is not None:
            paid = paid.filter(period_end__lt=first_unpaid)
        paid_through = paid.aggregate(end=Max("period_end"))["end"]
        current = subscription.paid_through
        if current is not None and (paid_through is None or paid_through < current):
            Subscription.objects.filter(pk=subscription.pk).update(paid_through=paid_through)


# Collections --------------------------------------------------------------------------------------


@transaction.atomic
def call_log_create(*, actor, customer: Customer, outcome: str, called_at=None, promise_to_pay_date=None, note: str = ""):
    """Record a collector's call. A promise to pay needs its date; other outcomes carry none."""
    from customers.models import CallLog

    called_at = called_at or timezone.now()
    errors = {}
    if outcome not in CallLog.Outcome.values:
        errors["outcome"] = _("Choose what came of the call.")
    elif outcome == CallLog.Outcome.PROMISED and promise_to_pay_date is None:
        errors["promise_to_pay_date"] = _("Enter the date the customer promised to pay by.")
    elif promise_to_pay_date is not None and outcome != CallLog.Outcome.PROMISED:
        errors["promise_to_pay_date"] = _("Only a promise to pay has a promised date.")
    if promise_to_pay_date is not None and promise_to_pay_date < timezone.localdate(called_at):
        errors["promise_to_pay_date"] = _("A promise to pay cannot be dated before the call.")
    if called_at > timezone.now() + timedelta(seconds=FUTURE_TOLERANCE_SECONDS):
        errors["called_at"] = _("A call cannot be logged in the future.")
    if errors:
        raise ValidationError(errors)
    call = CallLog.objects.create(
        customer=customer, called_by=actor, called_at=called_at, outcome=outcome,
        promise_to_pay_date=promise_to_pay_date, note=(note or "").strip(),
    )
    audit_record(actor=actor, action="calllog.create", obj=call, after={"customer": customer.pk, "outcome": outcome})
    return call
