"""The money rules of the second audit (docs/billing.md), each with its amounts worked out here from
the documented rule, on SQLite and PostgreSQL, outside a wrapping transaction where money changes."""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from billing.models import CreditNote, Invoice, InvoiceLine, OneTimeCharge
from billing.selectors import account_balance, available_credit
from billing.services import LineSpec, account_credit, invoice_create, invoice_credit_note, invoice_void
from customers.models import Subscription
from payments.services import payment_ledger_record
from tests.billing.test_run import configure, run_billing
from tests.factories import PackageFactory, make_customer, make_subscription
from tests.night import clock
from usecases.subscription_cancel import subscription_cancel

D = Decimal
VAT = D("0.15")


def money(value) -> Decimal:
    return D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def with_vat(net) -> Decimal:
    net = money(net)
    return net + money(net * VAT)


def ledger_ok() -> None:
    call_command("check_ledger", stdout=open("/dev/null", "w"))


def activated_on(day: date, **kwargs) -> Subscription:
    subscription = make_subscription(activate=True, **kwargs)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(day, time(11))))
    return Subscription.objects.get(pk=subscription.pk)


def charge(customer, net="1000.00") -> Invoice:
    with transaction.atomic():
        return invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])


# 2. Voiding reverses everything attached to the invoice ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_void_after_credit_note_restores_balance():
    """docs/billing.md, "Voids": ৳1,150 invoice, ৳230 credit note, ৳920 paid; voided: the balance is
    what it was before the invoice (0) less the ৳920 paid, which is credit — not ৳1,150."""
    configure()
    customer = make_customer()
    before = account_balance(customer_id=customer.pk)
    invoice = charge(customer)
    total = with_vat("1000.00")
    note = money(total * D("0.20"))
    invoice_credit_note(actor=None, invoice=invoice, amount=note, reason="Retention discount")
    paid = total - note
    payment_ledger_record(actor=None, customer=customer, amount=paid, method="cash")

    invoice_void(actor=None, invoice=invoice, reason="Billed in error")

    assert account_balance(customer_id=customer.pk) == before - paid
    assert available_credit(customer_id=customer.pk) == paid
    ledger_ok()


@pytest.mark.django_db(transaction=True)
def test_void_of_a_credit_note_that_paid_another_invoice_takes_that_payment_back():
    """A note beyond what was open on its invoice paid the next one; the void takes it back off that
    invoice, which is paid again by the customer's own money only."""
    configure()
    customer = make_customer()
    first = charge(customer)
    payment_ledger_record(actor=None, customer=customer, amount=first.total, method="cash")
    second = charge(customer)
    note = money(first.total * D("0.20"))
    invoice_credit_note(actor=None, invoice=first, amount=note, reason="Outage")  # nothing open on it: pays the second
    second.refresh_from_db()
    assert second.amount_paid == note

    invoice_void(actor=None, invoice=first, reason="Billed in error")

    # Before the first invoice existed: the second's ৳1,150 owed; the ৳1,150 paid is credit applied to it.
    second.refresh_from_db()
    assert account_balance(customer_id=customer.pk) == second.total - first.total
    assert (second.amount_paid, second.status) == (first.total, Invoice.Status.PAID)
    assert available_credit(customer_id=customer.pk) == 0
    ledger_ok()


@pytest.mark.django_db(transaction=True)
def test_void_takes_back_an_account_credit_given_on_the_paid_invoice():
    """A retention offer's credit on an invoice already paid is account credit given on that invoice
    (churn/offers.py): the void reverses it too."""
    configure()
    customer = make_customer()
    invoice = charge(customer)
    payment_ledger_record(actor=None, customer=customer, amount=invoice.total, method="cash")
    account_credit(actor=None, customer=customer, amount=D("230.00"), reason="Offer", invoice=invoice)

    invoice_void(actor=None, invoice=invoice, reason="Billed in error")

    assert account_balance(customer_id=customer.pk) == -invoice.total
    ledger_ok()


# 3. A one-time charge belongs to its connection ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_connection_cancelled_before_installation_withdraws_its_pending_installation_fee():
    configure()
    first = activated_on(date(2026, 3, 11))
    second = make_subscription(customer=first.customer, package=PackageFactory(installation_fee=D("500.00")))
    assert OneTimeCharge.objects.get(subscription=second).status == OneTimeCharge.Status.PENDING

    with clock(date(2026, 3, 11)):
        subscription_cancel(actor=None, subscription=second, reason="Customer changed their mind")
    run_billing(date(2026, 3, 12))

    fee = OneTimeCharge.objects.get(subscription=second)
    assert fee.status == OneTimeCharge.Status.CANCELLED
    # The first connection's invoice carries its own days only: 11–31 March, 1000 × 21/31, + VAT.
    invoice = Invoice.objects.get(customer=first.customer)
    assert invoice.total == with_vat(D("1000") * 21 / 31)
    assert not InvoiceLine.objects.filter(kind="one_time").exists()
    ledger_ok()


@pytest.mark.django_db(transaction=True)
def test_installation_fee_billed_on_the_other_connection_is_credited_when_cancelled_before_installation():
    configure()
    first = activated_on(date(2026, 3, 11))
    second = make_subscription(customer=first.customer, package=PackageFactory(installation_fee=D("500.00")))
    run_billing(date(2026, 3, 12))  # the pending fee lands on the first connection's invoice
    invoice = Invoice.objects.get(customer=first.customer)
    period = with_vat(D("1000") * 21 / 31)
    fee = with_vat("500.00")
    assert invoice.total == period + fee

    with clock(date(2026, 3, 13)):
        subscription_cancel(actor=None, subscription=second, reason="No line of sight for the antenna")

    assert account_balance(customer_id=first.customer_id) == period
    note = CreditNote.objects.get(invoice=invoice)
    assert note.amount == fee
    invoice.refresh_from_db()
    assert invoice.total - invoice.amount_paid == period
    ledger_ok()


@pytest.mark.django_db(transaction=True)
def test_cancelling_an_installed_connection_keeps_its_installation_fee():
    configure()
    subscription = make_subscription(package=PackageFactory(installation_fee=D("500.00")), activate=True)
    run_billing(timezone.localdate())
    subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="Moved away")
    assert OneTimeCharge.objects.get(subscription=subscription).status == OneTimeCharge.Status.INVOICED
    assert not CreditNote.objects.exists()
