"""Recording and reversing customer payments. Every change to one customer's money runs under that
customer's account lock (billing.ledger.account_lock); rows are appended, never edited, except
the caches kept beside them (invoice amount_paid/status, account balance). The payment rows are
money: this module checks and builds them, the ledger (billing/ledger/) inserts them and marks a
reversed one, with the entries that move the money."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.ledger.journal import handover_journal
from billing.models import Invoice
from billing.selectors import OPEN_STATUSES, amount_open
from billing.services import suspensions_lift_if_settled
from customers.models import CallLog, Customer, Subscription
from ispbill.core.audit import audit_record, audit_record_many
from ispbill.core.money import ZERO, format_money, to_money
from ispbill.core.numbering import allocate_block, allocate_number
from ispbill.core.webhooks import PAYMENT_RECEIVED, webhook_publish_many
from ispbill.notify.events import Event
from ispbill.notify.services import notify_customer, notify_customers_bulk

from . import referral_rewards
from .models import PastPayment, Payment

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
            "amount": format_money(amount), "limit": format_money(confirm_limit()),
        }
    if errors:
        raise ValidationError(errors)
    return amount


def payment_ledger_record(
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


def _receiver(actor, method: str):
    """Who took the money in hand: the staff member (or reseller) who recorded it — except a renewal paid
    from a reseller's wallet, which is no one's cash (not in any collector's cash in hand, hand-overs or
    performance: docs/billing.md, "Cash in hand"), and a prepaid card redeemed onto the account, paid for
    when a distributor bought it (docs/vouchers.md, "Recharge by card")."""
    if method in (Payment.Method.WALLET, Payment.Method.PREPAID_CARD):
        return None
    return actor if getattr(actor, "pk", None) else None


def _existing_for_key(key: str, customer: Customer) -> Payment | None:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.customer_id != customer.pk:
        raise ValidationError(_("This form was already used for another customer; open the payment form again."))
    return existing


def _record(*, actor, customer, amount, method, reference, received_at, idempotency_key, note, reseller) -> Payment:
    account = ledger.account_lock(customer_id=customer.pk)
    payment = Payment(  # inserted by the ledger (the payments table is money)
        customer=customer, amount=amount, method=method, reference=reference[:100],
        receipt_number=allocate_number(prefix=settings.RECEIPT_NUMBER_PREFIX),
        received_at=received_at, received_by=_receiver(actor, method),
        reseller=reseller, idempotency_key=idempotency_key, note=note[:255],
    )
    allocations = ledger.payment_post(account=account, payment=payment, actor=actor)
    audit_record(
        actor=actor, action="payment.record", obj=payment,
        after={
            "customer": customer.pk, "amount": str(amount), "method": method, "reference": reference,
            "allocated": {allocation.invoice.number: str(allocation.amount) for allocation in allocations},
        },
    )
    suspensions_lift_if_settled(actor=actor, customer=customer, reason=f"Payment received: {payment.receipt_number}")
    _notify_received(customer=customer, payment=payment)
    _publish_received([payment])
    referral_rewards.payment_landed_on_commit(payment)  # a referred customer's first payment credits the referrer
    return payment


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


@dataclass(frozen=True)
class PaymentDraft:
    """One payment of `payments_record_many`: what `payment_record` takes (its actor too)."""

    customer: Customer
    amount: Decimal
    method: str
    reference: str = ""
    received_at: object = None
    idempotency_key: str | None = None
    note: str = ""
    reseller: object = None
    actor: object = None


def _actors(drafts) -> list:
    seen: list = []
    for draft in drafts:
        if draft.actor not in seen:
            seen.append(draft.actor)
    return seen


# No savepoint of its own when nested: no caller goes on after its exception without one of its own
# (a group of Pay Bill payments falls back from its own savepoint), and each pair is two round trips.
@transaction.atomic(savepoint=False)
def payments_ledger_record_many(*, drafts: Sequence[PaymentDraft], confirm_large: bool = False, announce: bool = True) -> list[Payment]:
    """`payment_record` for many customers at once (at most one payment each), in a handful of
    statements: the same payments and receipt numbers (in the order given, one counter update),
    ledger entries and allocations (`billing.ledger.payments_post`), audit entries, suspensions for
    non-payment lifted, "payment received" messages and referral checks. A key recorded before is refused by the database (IntegrityError: the caller falls
    back to `payment_record`, which answers with the first payment). `announce=False` leaves the
    messages and webhooks to a `payments_announce` the caller guarantees (usecases/grouped_payments.py)."""
    if len({draft.customer.pk for draft in drafts}) != len(drafts):
        raise ValueError("payments_record_many records at most one payment per customer")
    if not drafts:
        return []
    now = timezone.now()
    cleaned = [
        _check_payment_input(amount=d.amount, method=d.method, reference=(d.reference or "").strip(),
                             received_at=d.received_at or now, confirm_large=confirm_large)
        for d in drafts
    ]
    accounts = ledger.accounts_lock(customer_ids=[d.customer.pk for d in drafts])
    receipts = allocate_block(prefix=settings.RECEIPT_NUMBER_PREFIX, count=len(drafts))
    payments = [
        Payment(
            customer=d.customer, amount=amount, method=d.method, reference=(d.reference or "").strip()[:100],
            receipt_number=receipt, received_at=d.received_at or now,
            received_by=_receiver(d.actor, d.method), reseller=d.reseller,
            idempotency_key=(d.idempotency_key or "").strip() or None, note=(d.note or "").strip()[:255],
        )
        for d, amount, receipt in zip(drafts, cleaned, receipts)
    ]  # inserted by the ledger's payments_post (the payments table is money)
    allocations: dict[int, list] = {}
    for actor in _actors(drafts):
        mine = [p for p, d in zip(payments, drafts) if d.actor == actor]
        allocations.update(ledger.payments_post(accounts=accounts, payments=mine, actor=actor))
    for actor in _actors(drafts):
        audit_record_many(actor=actor, action="payment.record", entries=[
            (payment, None, {
                "customer": d.customer.pk, "amount": str(payment.amount), "method": payment.method, "reference": payment.reference,
                "allocated": {allocation.invoice.number: str(allocation.amount) for allocation in allocations[payment.pk]},
            })
            for payment, d in zip(payments, drafts) if d.actor == actor
        ])
    suspended = set(
        Subscription.objects.filter(
            customer_id__in=[d.customer.pk for d in drafts], status=Subscription.Status.SUSPENDED,
            suspension_type=Subscription.SuspensionType.NON_PAYMENT,
        ).values_list("customer_id", flat=True)
    )
    for payment, d in zip(payments, drafts):
        if d.customer.pk in suspended:  # the few to reactivate, one by one as payment_record does
            suspensions_lift_if_settled(actor=d.actor, customer=d.customer, reason=f"Payment received: {payment.receipt_number}")
    if announce:
        payments_announce(payments)
    referral_rewards.payments_landed_on_commit(payments)
    return payments


def payments_announce(payments: list[Payment]) -> None:
    """The "payment received" messages and `payment.received` webhooks of recorded payments, queued
    in the caller's transaction (sent after it commits)."""
    _notify_received_many(payments)
    _publish_received(payments)


def _publish_received(payments: list[Payment]) -> None:
    """The `payment.received` webhook (docs/api.md), queued in this transaction."""
    webhook_publish_many(PAYMENT_RECEIVED, (
        {
            "id": payment.pk, "receipt_number": payment.receipt_number, "customer_id": payment.customer_id,
            "amount": payment.amount, "method": payment.method, "reference": payment.reference,
            "received_at": payment.received_at,
        }
        for payment in payments
    ))


def _notify_received_many(payments: list[Payment]) -> None:
    """`_notify_received` for many payments: what is due and paid-through read in two grouped queries."""
    customer_ids = [payment.customer_id for payment in payments]
    paid_through = dict(
        Subscription.objects.filter(customer_id__in=customer_ids).values("customer_id").annotate(latest=Max("paid_through"))
        .values_list("customer_id", "latest")
    )
    due = dict(
        Invoice.objects.filter(customer_id__in=customer_ids, status__in=OPEN_STATUSES).values("customer_id")
        .annotate(due=Sum(F("total") - F("amount_paid"))).values_list("customer_id", "due")
    )
    notify_customers_bulk(Event.PAYMENT_RECEIVED, [
        (payment.customer, {
            "receipt_number": payment.receipt_number, "amount": payment.amount,
            "payment_method": payment.get_method_display(), "payment_date": timezone.localdate(payment.received_at),
            "amount_due": to_money(due.get(payment.customer_id) or ZERO), "paid_through": paid_through.get(payment.customer_id),
        }, payment)
        for payment in payments
    ])


# Reversal -----------------------------------------------------------------------------------------


@transaction.atomic
def payment_ledger_reverse(*, actor, payment: Payment, reason: str) -> Payment:
    """Undo a mistaken payment with new rows: a reversing ledger entry and negative allocations on the
    invoices its money paid (directly, or later as credit). Paid-through dates are recomputed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for reversing the payment.")})
    account = ledger.account_lock(customer_id=payment.customer_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == Payment.Status.REVERSED:
        raise ValidationError(_("Payment %(receipt)s is already reversed.") % {"receipt": payment.receipt_number})
    before = {"status": payment.status}
    # The reversing entry, and the payment marked reversed with it: both the ledger's (money).
    ledger.payment_unpost(
        account=account, payment=payment, actor=actor, memo=f"Reversal of {payment.receipt_number}: {reason}", reason=reason,
    )
    referral_rewards.referral_payment_reversed(actor=actor, payment=payment, reason=reason)  # the credit it earned goes too
    audit_record(
        actor=actor, action="payment.reverse", obj=payment, reason=reason, before=before,
        after={"status": payment.status, "amount": str(payment.amount)},
    )
    return payment


# Collections --------------------------------------------------------------------------------------


@transaction.atomic
def call_log_create(*, actor, customer: Customer, outcome: str, called_at=None, promise_to_pay_date=None, note: str = ""):
    """Record a collector's call. A promise to pay needs its date; other outcomes carry none."""

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


# Cash brought in from the field ---------------------------------------------------------------------


@transaction.atomic
def cash_handover_record(*, actor, collector, branch, amount, note: str = ""):
    """The actor counts and receives cash from a collector at a branch. No more than the collector
    holds (their cash payments less what they handed over before); not from oneself."""
    from django.contrib.auth import get_user_model

    from .models import CashHandover
    from .selectors import cash_in_hand

    amount = _clean_amount(amount)
    assert transaction.get_connection().in_atomic_block  # the collector's row lock below
    # One hand-over of a collector's cash at a time: two cashiers cannot both take the same taka.
    get_user_model().objects.select_for_update().filter(pk=collector.pk).first()
    holding = cash_in_hand(collector_ids=[collector.pk]).get(collector.pk, {}).get("in_hand", ZERO)
    errors = {}
    if collector.pk == actor.pk:
        errors["collector"] = _("Cash is handed over to someone else: another staff member records it.")
    elif amount > holding:
        errors["amount"] = _("%(name)s holds only ৳%(holding)s in cash.") % {
            "name": collector.get_full_name() or collector.username, "holding": f"{holding:,.2f}"}
    if errors:
        raise ValidationError(errors)
    handover = CashHandover.objects.create(
        collector=collector, received_by=actor, branch=branch, amount=amount, handed_over_at=timezone.now(),
        note=(note or "").strip(),
    )
    handover_journal(handover=handover)  # the branch's cash book (docs/accounts.md)
    audit_record(actor=actor, action="cashhandover.create", obj=handover,
                 after={"collector": collector.pk, "branch": branch.pk, "amount": str(amount)})
    return handover


# Past payments: history an import brings over (usecases/import_commit.py, usecases/import_undo.py) ----
# They move no money (no ledger entry, no receipt: see PastPayment), so they are written here and not by
# the ledger; the import batch that brings them, or undoes them, is what the audit log records.

PAST_PAYMENT_UPDATABLE = ("paid_on", "amount", "method", "note")


@transaction.atomic
def past_payments_create(*, records: Sequence[dict]) -> list[PastPayment]:
    """Past payments in one INSERT, each from its fields (customer_id, paid_on, amount, method, reference, note)."""
    return PastPayment.objects.bulk_create([PastPayment(**record) for record in records])


@transaction.atomic
def past_payment_update(*, past_payment_id: int, values: dict) -> tuple[PastPayment, dict[str, str]]:
    """A re-import: the record, locked, follows `values` in the fields an import may change. Returns it and
    the earlier values (as text) of the fields that changed, for an undo to put back. Raises
    PastPayment.DoesNotExist when the record was removed."""
    past = PastPayment.objects.select_for_update().get(pk=past_payment_id)
    changes = {k: values[k] for k in PAST_PAYMENT_UPDATABLE if values[k] != getattr(past, k)}
    previous = {k: str(getattr(past, k)) for k in changes}
    for k, value in changes.items():
        setattr(past, k, value)
    if changes:
        past.save(update_fields=list(changes))
    return past, previous


@transaction.atomic
def past_payments_restore(*, values_by_id: dict[int, dict]) -> None:
    """An undone re-import: each record gets back the earlier values it was given ({id: {field: value}})."""
    records = PastPayment.objects.in_bulk(list(values_by_id))
    for pk, values in values_by_id.items():
        for key, value in values.items():
            setattr(records[pk], key, value)
    if records:
        PastPayment.objects.bulk_update(list(records.values()), PAST_PAYMENT_UPDATABLE)


@transaction.atomic
def past_payments_remove(*, ids) -> None:
    """An undone import: the records it added removed (`ids`: a list or a subquery of ids)."""
    PastPayment.objects.filter(pk__in=ids).delete()
