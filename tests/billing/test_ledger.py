"""billing.ledger: the one module that changes money. Its transaction contract (every function that
locks rows refuses to run outside transaction.atomic) and its use-case functions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from billing import ledger
from billing.models import Account, Allocation, Invoice, LedgerEntry
from billing.selectors import available_credit, current_billing_settings
from billing.services import LineSpec, invoice_create
from payments.services import payment_ledger_record
from tests.factories import make_customer

D = Decimal


def one_time_invoice(customer, amount="1000.00"):
    return invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Router", amount=D(amount))])


def money_rows() -> tuple:
    return (
        list(LedgerEntry.objects.order_by("id").values_list("id", "amount")),
        list(Allocation.objects.order_by("id").values_list("id", "amount")),
        list(Account.objects.order_by("id").values_list("id", "balance")),
        list(Invoice.objects.order_by("id").values_list("id", "status", "amount_paid")),
    )


LOCKING_CALLS = {
    "account_lock": lambda c, a, i, p: ledger.account_lock(customer_id=c.pk),
    "entry_post": lambda c, a, i, p: ledger.entry_post(account=a, kind="credit", amount=D("-1"), effective_date=i.issue_date),
    "credit_apply": lambda c, a, i, p: ledger.credit_apply(account=a),
    "credit_take_back": lambda c, a, i, p: ledger.credit_take_back(customer_id=c.pk, amount=D("1")),
    "credit_post": lambda c, a, i, p: ledger.credit_post(account=a, amount=D("1"), memo="x"),
    "credit_note_post": lambda c, a, i, p: ledger.credit_note_post(account=a, invoice=i, amount=D("1"), memo="x"),
    "payment_unpost": lambda c, a, i, p: ledger.payment_unpost(account=a, payment=p, memo="x"),
    "refund_post": lambda c, a, i, p: ledger.refund_post(account=a, payment=p, amount=D("1"), memo="x"),
    "invoice_void_post": lambda c, a, i, p: ledger.invoice_void_post(account=a, invoice=i, reason="x"),
    "opening_balance_post": lambda c, a, i, p: ledger.opening_balance_post(customer=c, amount=D("5"), effective_date=i.issue_date),
    "opening_balances_post": lambda c, a, i, p: ledger.opening_balances_post(balances=[(c, D("5"))], effective_date=i.issue_date),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(LOCKING_CALLS))
def test_every_locking_ledger_function_refuses_to_run_outside_a_transaction(name):
    """No wrapping test transaction here: the check itself, not the test harness, must catch a missing atomic."""
    current_billing_settings()
    customer = make_customer()
    invoice = one_time_invoice(customer)
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")
    account = Account.objects.get(customer=customer)
    before = money_rows()

    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        LOCKING_CALLS[name](customer, account, invoice, payment)

    assert money_rows() == before


@pytest.mark.django_db(transaction=True)
def test_the_same_ledger_call_inside_atomic_succeeds():
    current_billing_settings()
    customer = make_customer()
    with transaction.atomic():
        account = ledger.account_lock(customer_id=customer.pk)
        ledger.credit_post(account=account, amount=D("50.00"), memo="Goodwill")
    assert Account.objects.get(customer=customer).balance == D("-50.00")


def test_credit_note_lowers_the_open_amount_of_its_invoice_first(db):
    current_billing_settings()
    customer = make_customer()
    older = one_time_invoice(customer, "500.00")
    newer = one_time_invoice(customer, "800.00")
    with transaction.atomic():
        account = ledger.account_lock(customer_id=customer.pk)
        entry = ledger.credit_note_post(account=account, invoice=newer, amount=D("200.00"), memo="Outage week")

    newer.refresh_from_db()
    older.refresh_from_db()
    assert entry.kind == LedgerEntry.Kind.CREDIT_NOTE and entry.invoice_id == newer.pk and entry.amount == D("-200.00")
    assert newer.amount_paid == D("200.00") and newer.status == Invoice.Status.PARTIALLY_PAID
    assert older.amount_paid == D("0.00")  # the note went to its own invoice, not the oldest one
    assert Account.objects.get(customer=customer).balance == older.total + newer.total - D("200.00")


def test_opening_balance_debt_is_an_invoice_a_payment_settles(db):
    current_billing_settings()
    customer = make_customer()
    with transaction.atomic():
        entry = ledger.opening_balance_post(
            customer=customer, amount=D("1234.50"), effective_date=one_day() - timedelta(days=30), memo="Balance from the old system"
        )

    assert entry.kind == LedgerEntry.Kind.OPENING_BALANCE and entry.amount == D("1234.50")
    invoice = entry.invoice
    assert (invoice.total, invoice.vat_total, invoice.status) == (D("1234.50"), D("0.00"), Invoice.Status.OVERDUE)
    payment_ledger_record(actor=None, customer=customer, amount=D("1234.50"), method="cash")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Account.objects.get(customer=customer).balance == D("0.00")


def test_opening_balance_credit_is_applied_to_the_next_invoice(db):
    current_billing_settings()
    customer = make_customer()
    with transaction.atomic():
        ledger.opening_balance_post(customer=customer, amount=D("-300.00"), effective_date=one_day())
    assert available_credit(customer_id=customer.pk) == D("300.00")

    invoice = one_time_invoice(customer, "200.00")

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert available_credit(customer_id=customer.pk) == D("300.00") - invoice.total


def test_refund_and_reversal_together_never_exceed_the_payment(db):
    current_billing_settings()
    customer = make_customer()
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("500.00"), method="cash")
    with transaction.atomic():
        account = ledger.account_lock(customer_id=customer.pk)
        ledger.refund_post(account=account, payment=payment, amount=D("400.00"), memo="part refund")
    before = money_rows()

    with pytest.raises(ValidationError, match="left to give back"), transaction.atomic():
        account = ledger.account_lock(customer_id=customer.pk)
        ledger.refund_post(account=account, payment=payment, amount=D("100.01"), memo="too much")

    assert money_rows() == before
    assert ledger.payment_money_out(payment=payment) == D("400.00")


def one_day():
    from django.utils import timezone

    return timezone.localdate()


def test_reversing_a_payment_takes_back_all_of_it_when_a_void_moved_its_money_around(db):
    """Found by the simulated year: a payment paid I1 and part of I2; voiding I1 put its money on I2
    and I3 as credit; reversing the payment then took back only the payment's own share of I2, and
    the account owed more than its open invoices ("balance exceeds open invoices")."""
    from django.core.management import call_command

    from billing.models import BillingSettings
    from billing.services import invoice_void
    from payments.services import payment_ledger_reverse

    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("0"))
    customer = make_customer()
    first, second, third = (one_time_invoice(customer, "500.00") for _ in range(3))
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("800.00"), method="cash")  # I1 500, I2 300
    invoice_void(actor=None, invoice=first, reason="Charged twice")  # its 500: I2 +200, I3 +300

    payment_ledger_reverse(actor=None, payment=payment, reason="Cheque bounced")

    second.refresh_from_db(), third.refresh_from_db()
    assert (second.amount_paid, third.amount_paid) == (D("0.00"), D("0.00"))
    assert Account.objects.get(customer=customer).balance == D("1000.00")
    call_command("check_ledger", stdout=open("/dev/null", "w"))
