"""payment_record / payment_reverse: allocation, credit, receipts, idempotency, reactivation, reversal."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Allocation, BillingSettings, Invoice, LedgerEntry
from billing.selectors import account_balance, available_credit
from customers.models import Subscription
from ispbill.core.models import AuditLog
from ispbill.core.periods import Period
from payments.models import Payment
from payments.services import payment_ledger_record, payment_ledger_reverse
from tests.factories import admin_user, make_customer, make_subscription
from tests.payments.conftest import D, charge, ledger_ok
from usecases.subscription_suspend import subscription_suspend


@pytest.fixture
def payment_services_cashier(db):
    return admin_user()


def pay(customer, amount, actor, **kwargs):
    kwargs.setdefault("method", "cash")
    return payment_ledger_record(actor=actor, customer=customer, amount=D(amount), **kwargs)


def state(customer):
    return {
        "payments": Payment.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "allocations": Allocation.objects.count(),
        "balance": account_balance(customer_id=customer.pk),
        "invoices": sorted(Invoice.objects.values_list("pk", "status", "amount_paid")),
    }


def test_payment_pays_the_oldest_invoice_first(customer, payment_services_cashier):
    newer = charge(customer, "500.00", days_ago=2)
    older = charge(customer, "700.00", days_ago=20)
    payment = pay(customer, "700.00", payment_services_cashier)
    older.refresh_from_db(), newer.refresh_from_db()
    assert (older.status, older.amount_paid) == (Invoice.Status.PAID, D("700.00"))
    assert (newer.status, newer.amount_paid) == (Invoice.Status.OPEN, D("0.00"))
    assert list(payment.allocations.values_list("invoice_id", "amount")) == [(older.pk, D("700.00"))]
    assert account_balance(customer_id=customer.pk) == D("500.00")
    assert ledger_ok()


def test_partial_payment_leaves_the_invoice_partially_paid(customer, payment_services_cashier):
    invoice = charge(customer, "1000.00")
    pay(customer, "400.00", payment_services_cashier)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, D("400.00"), D("600.00"))
    assert ledger_ok()


def test_overpayment_becomes_credit_that_the_next_invoice_consumes(customer, payment_services_cashier):
    first = charge(customer, "1000.00", days_ago=3)
    pay(customer, "1500.00", payment_services_cashier)
    assert available_credit(customer_id=customer.pk) == D("500.00")
    assert account_balance(customer_id=customer.pk) == D("-500.00")
    following = charge(customer, "800.00")
    first.refresh_from_db(), following.refresh_from_db()
    assert first.status == Invoice.Status.PAID
    assert (following.status, following.amount_paid) == (Invoice.Status.PARTIALLY_PAID, D("500.00"))
    assert available_credit(customer_id=customer.pk) == D("0.00")
    assert account_balance(customer_id=customer.pk) == D("300.00")
    assert ledger_ok()


def test_receipt_numbers_are_consecutive_without_gaps(customer, payment_services_cashier):
    numbers = [pay(customer, "100.00", payment_services_cashier).receipt_number for _ in range(3)]
    # A refused payment in between must not use up a number.
    with pytest.raises(ValidationError):
        pay(customer, "0", payment_services_cashier)
    numbers.append(pay(customer, "100.00", payment_services_cashier).receipt_number)
    year = timezone.localdate().year
    assert all(re.fullmatch(rf"RCPT-{year}-\d{{5}}", number) for number in numbers)
    sequence = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + 4))
    assert ledger_ok()


def test_the_same_idempotency_key_twice_records_one_payment(customer, payment_services_cashier):
    charge(customer, "1000.00")
    first = pay(customer, "600.00", payment_services_cashier, idempotency_key="form-abc")
    before = state(customer)
    second = pay(customer, "600.00", payment_services_cashier, idempotency_key="form-abc")
    assert second.pk == first.pk
    assert state(customer) == before
    assert ledger_ok()


def test_an_idempotency_key_used_for_another_customer_is_refused(customer, payment_services_cashier):
    pay(customer, "100.00", payment_services_cashier, idempotency_key="form-xyz")
    other = make_customer()
    with pytest.raises(ValidationError):
        pay(other, "100.00", payment_services_cashier, idempotency_key="form-xyz")
    assert not Payment.objects.filter(customer=other).exists()


@pytest.mark.parametrize(
    ("amount", "kwargs", "field"),
    [
        ("0", {}, "amount"),
        ("-50.00", {}, "amount"),
        ("abc", {}, "amount"),
        ("50000.01", {}, "confirm_large"),
        ("500.00", {"method": "bkash"}, "reference"),
        ("500.00", {"method": "gold"}, "method"),
        ("500.00", {"received_at": timezone.now() + timedelta(days=2)}, "received_at"),
    ],
)
def test_bad_payment_input_is_refused_with_a_message_and_changes_nothing(customer, payment_services_cashier, amount, kwargs, field):
    charge(customer, "1000.00")
    before = state(customer)
    with pytest.raises(ValidationError) as refused:
        payment_ledger_record(actor=payment_services_cashier, customer=customer, amount=amount, **{"method": "cash", **kwargs})
    assert field in refused.value.message_dict
    assert refused.value.message_dict[field][0]
    assert state(customer) == before


def test_a_large_payment_is_recorded_once_confirmed(customer, payment_services_cashier, settings):
    settings.PAYMENT_CONFIRM_ABOVE = "10000"
    with pytest.raises(ValidationError):
        pay(customer, "10000.01", payment_services_cashier)
    payment = pay(customer, "10000.01", payment_services_cashier, confirm_large=True)
    assert payment.amount == D("10000.01")
    assert ledger_ok()


def test_suspended_for_non_payment_is_reactivated_once_nothing_is_overdue(payment_services_cashier):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    start = timezone.localdate() - timedelta(days=40)
    overdue = charge(customer, "1000.00", days_ago=40, subscription=subscription, period=Period(start, start + timedelta(days=29)))
    Invoice.objects.filter(pk=overdue.pk).update(status=Invoice.Status.OVERDUE)
    subscription_suspend(actor=None, subscription=subscription, reason="Non-payment: overdue", suspension_type="non_payment")

    partial = pay(customer, "400.00", payment_services_cashier)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED  # still overdue: 600 owed

    final = pay(customer, "600.00", payment_services_cashier)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.paid_through == start + timedelta(days=29)
    entry = AuditLog.objects.filter(action="subscription.reactivate", object_id=str(subscription.pk)).get()
    assert entry.reason == f"Payment received: {final.receipt_number}"
    assert partial.receipt_number != final.receipt_number
    assert ledger_ok()


def test_a_subscription_suspended_at_the_customers_request_stays_suspended(payment_services_cashier):
    subscription = make_subscription(activate=True)
    subscription_suspend(actor=None, subscription=subscription, reason="travelling", suspension_type="customer_request")
    pay(subscription.customer, "500.00", payment_services_cashier)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED


def test_reactivation_charges_the_reconnection_fee_when_configured(payment_services_cashier):
    BillingSettings.objects.filter(pk=1).update(reconnection_fee=D("200.00"))
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    charge(customer, "1000.00", days_ago=30)
    subscription_suspend(actor=None, subscription=subscription, reason="Non-payment", suspension_type="non_payment")
    pay(customer, "1100.00", payment_services_cashier)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    fee = Invoice.objects.filter(customer=customer, lines__kind="fee").get()
    assert fee.total == D("200.00")
    assert (fee.status, fee.amount_paid) == (Invoice.Status.PARTIALLY_PAID, D("100.00"))  # the leftover credit
    assert account_balance(customer_id=customer.pk) == D("100.00")
    assert ledger_ok()


def test_reversal_restores_the_invoice_and_is_refused_twice(customer, payment_services_cashier):
    invoice = charge(customer, "1000.00")
    payment = pay(customer, "1000.00", payment_services_cashier)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    payment_ledger_reverse(actor=payment_services_cashier, payment=payment, reason="Counterfeit note")
    invoice.refresh_from_db(), payment.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (Invoice.Status.OPEN, D("0.00"))
    assert payment.status == Payment.Status.REVERSED and payment.reversal_reason == "Counterfeit note"
    assert account_balance(customer_id=customer.pk) == D("1000.00")
    reversal = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL)
    assert reversal.amount == D("1000.00") and reversal.reverses.payment_id == payment.pk
    assert ledger_ok()
    before = state(customer)
    with pytest.raises(ValidationError):
        payment_ledger_reverse(actor=payment_services_cashier, payment=payment, reason="again")
    assert state(customer) == before


def test_reversal_needs_a_reason(customer, payment_services_cashier):
    charge(customer, "1000.00")
    payment = pay(customer, "1000.00", payment_services_cashier)
    before = state(customer)
    with pytest.raises(ValidationError) as refused:
        payment_ledger_reverse(actor=payment_services_cashier, payment=payment, reason="  ")
    assert "reason" in refused.value.message_dict
    assert state(customer) == before
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED


def test_reversal_takes_back_credit_a_later_invoice_consumed_and_recomputes_paid_through(payment_services_cashier):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    charge(customer, "1000.00", days_ago=10, subscription=subscription, period=june)
    payment = pay(customer, "2000.00", payment_services_cashier)  # pays June; 1000 left as credit
    later = charge(customer, "1000.00", subscription=subscription, period=july)
    subscription.refresh_from_db()
    later.refresh_from_db()
    assert later.status == Invoice.Status.PAID and subscription.paid_through == july.end

    payment_ledger_reverse(actor=payment_services_cashier, payment=payment, reason="Bounced cheque")
    subscription.refresh_from_db()
    assert subscription.paid_through is None
    assert set(Invoice.objects.filter(customer=customer).values_list("amount_paid", flat=True)) == {D("0.00")}
    assert account_balance(customer_id=customer.pk) == D("2000.00")
    assert ledger_ok()


def test_reversing_one_of_two_payments_keeps_the_other_applied(payment_services_cashier):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    june = Period(date(2026, 6, 1), date(2026, 6, 30))
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    first = charge(customer, "1000.00", days_ago=3, subscription=subscription, period=june)
    second = charge(customer, "1000.00", subscription=subscription, period=july)
    pay(customer, "1000.00", payment_services_cashier)
    mistaken = pay(customer, "1000.00", payment_services_cashier)
    payment_ledger_reverse(actor=payment_services_cashier, payment=mistaken, reason="Entered twice")
    first.refresh_from_db(), second.refresh_from_db(), subscription.refresh_from_db()
    assert first.status == Invoice.Status.PAID and second.status == Invoice.Status.OPEN
    assert subscription.paid_through == june.end
    assert ledger_ok()


def test_payment_and_reversal_are_audited(customer, payment_services_cashier):
    payment = pay(customer, "300.00", payment_services_cashier)
    payment_ledger_reverse(actor=payment_services_cashier, payment=payment, reason="Wrong customer")
    actions = list(AuditLog.objects.filter(object_id=str(payment.pk), action__startswith="payment.").order_by("id").values_list("action", "reason"))
    assert actions == [("payment.record", ""), ("payment.reverse", "Wrong customer")]


def _months_due(customer, subscription, count):
    """`count` consecutive monthly invoices from June 2026 on, 1000.00 each, oldest due first."""
    periods = [Period(date(2026, 6 + i, 1), date(2026, 6 + i, 1) + timedelta(days=29)) for i in range(count)]
    for i, period in enumerate(periods):
        charge(customer, "1000.00", days_ago=60 - i, subscription=subscription, period=period)
    return periods


def test_paying_several_months_at_once_moves_paid_through_to_the_last_whole_month(payment_services_cashier):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    periods = _months_due(customer, subscription, 4)
    pay(customer, "2500.00", payment_services_cashier)  # June and July in full, August half
    subscription.refresh_from_db()
    assert subscription.paid_through == periods[1].end
    pay(customer, "1500.00", payment_services_cashier)  # the rest of August and all of September
    subscription.refresh_from_db()
    assert subscription.paid_through == periods[3].end
    assert ledger_ok()


def test_a_payment_costs_one_more_query_per_extra_invoice_it_pays(payment_services_cashier, django_capture_on_commit_callbacks):
    """Paid-through is worked out for all the invoices a payment settles at once, not invoice by invoice."""
    def queries_to_pay(count):
        subscription = make_subscription(activate=True)
        customer = subscription.customer
        _months_due(customer, subscription, count)
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            pay(customer, f"{1000 * count}.00", payment_services_cashier)
        subscription.refresh_from_db()
        assert subscription.paid_through is not None
        return len(captured)

    queries_to_pay(1)  # the receipt counter and content types are created and cached on first use
    one, five = queries_to_pay(1), queries_to_pay(5)
    assert five - one <= 4, (one, five)
