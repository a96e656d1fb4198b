"""Every money-changing staff view, once each, with no wrapping test transaction: each request commits
(or rolls back) for real, as in production. A view whose service takes a row lock outside
transaction.atomic fails here on every database — on PostgreSQL it was a 500
TransactionManagementError (staff → invoice → Void), which the wrapped tests never saw.
CI runs these on PostgreSQL."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingSettings, Invoice, LedgerEntry, PackageChange
from billing.selectors import account_balance, current_billing_settings
from billing.services import LineSpec, invoice_create
from customers.models import Subscription
from ispbill.core.periods import Period
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription
from tests.payments.conftest import D

pytestmark = pytest.mark.django_db(transaction=True)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(client):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("0"), due_days=7, reconnection_fee=D("0"), late_fee=D("0"))
    client.force_login(admin_user())
    return client


def charge(customer, amount="1000.00", *, days_ago=0):
    issue = timezone.localdate() - timedelta(days=days_ago)
    return invoice_create(
        actor=None, customer=customer, issue_date=issue, due_date=issue + timedelta(days=7),
        lines=[LineSpec(kind="one_time", description="Charge", amount=D(amount))],
    )


def ledger_ok():
    call_command("check_ledger", stdout=open("/dev/null", "w"))


def test_void_view_commits_outside_a_wrapping_transaction(staff):
    customer = make_customer()
    invoice = charge(customer)

    response = staff.post(reverse("staff:invoice-void", args=[invoice.pk]), {"reason": "Issued by mistake"})

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID
    assert account_balance(customer_id=customer.pk) == D("0.00")
    ledger_ok()


def test_payment_record_and_reverse_views_commit(staff):
    customer = make_customer()
    invoice = charge(customer)
    data = {"amount": "1000.00", "method": "cash", "reference": "", "received_on": timezone.localdate().isoformat(),
            "note": "", "idempotency_key": "committed-1"}

    assert staff.post(reverse("staff:payment-create", args=[customer.pk]), data).status_code == 302
    payment = Payment.objects.get(customer=customer)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    done = staff.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "Wrong customer"}, **HTMX)
    assert "closeModal" in json.loads(done["HX-Trigger"])
    payment.refresh_from_db(), invoice.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED and invoice.status == Invoice.Status.OPEN
    assert account_balance(customer_id=customer.pk) == D("1000.00")
    ledger_ok()


def test_credit_view_commits(staff):
    customer = make_customer()
    charge(customer)

    staff.post(reverse("staff:customer-credit", args=[customer.pk]), {"kind": "credit", "amount": "100", "reason": "Outage"}, **HTMX)

    assert account_balance(customer_id=customer.pk) == D("900.00")
    assert LedgerEntry.objects.filter(account__customer=customer, kind="credit", amount=D("-100.00")).exists()
    ledger_ok()


def test_subscription_cancel_view_commits_with_its_credit(staff):
    subscription = make_subscription(activate=True, package=PackageFactory(price=D("3000.00")))
    today = timezone.localdate()
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    Subscription.objects.filter(pk=subscription.pk).update(billing_anchor_day=1, billing_anchor_month=1, billed_through=end)
    invoice_create(
        actor=None, customer=subscription.customer, issue_date=start, due_date=start + timedelta(days=7),
        lines=[LineSpec(kind="recurring", description="Month", amount=D("3000.00"), subscription_id=subscription.pk,
                        period=Period(start, end))],
    )

    response = staff.post(reverse("staff:subscription-cancel", args=[subscription.pk]), {"reason": "Moving away"})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    if today < end:  # unused invoiced days after today: credited
        assert LedgerEntry.objects.filter(account__customer=subscription.customer, kind="credit").exists()
    ledger_ok()


def test_package_change_view_commits(staff):
    subscription = make_subscription(activate=True, package=PackageFactory(price=D("1000.00")))
    bigger = PackageFactory(price=D("2000.00"))

    response = staff.post(
        reverse("staff:subscription-package-change", args=[subscription.pk]), {"to_package": bigger.pk, "note": "Upgrade"}
    )

    assert response.status_code == 302
    change = PackageChange.objects.get(subscription=subscription)
    assert change.status == PackageChange.Status.APPLIED
    subscription.refresh_from_db()
    assert subscription.package_id == bigger.pk
    ledger_ok()


def test_payment_reverse_after_a_payment_paid_a_suspended_customer_commits(staff):
    customer = make_customer()
    charge(customer, days_ago=20)
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("1000.00"), method="cash")

    staff.post(reverse("staff:payment-reverse", args=[payment.pk]), {"reason": "Bounced cheque"})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REVERSED
    assert Invoice.objects.get(customer=customer).status == Invoice.Status.OVERDUE
    ledger_ok()


def _journal_balanced():
    from django.db.models import Sum

    from books.models import JournalLine

    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]


def test_credit_and_debit_note_views_commit_with_their_mushak_numbers(staff):
    """A ৳1,000.00 invoice at 15 % (৳150.00 VAT, ৳1,150.00): a credit note of ৳230.00 takes back
    ৳200.00 net and ৳30.00 VAT (230 × 150 ÷ 1,150), leaving ৳920.00; a debit note of ৳100.00 net adds
    ৳15.00 VAT, ৳115.00 more: ৳1,035.00 owed. Each has its Mushak number; a credit note larger than
    what is open is refused with nothing changed."""
    from billing.models import CreditNote, DebitNote

    BillingSettings.objects.filter(pk=1).update(vat_rate=D("15"))
    customer = make_customer()
    invoice = charge(customer)
    assert invoice.total == D("1150.00")
    url = reverse("staff:credit-note-create", args=[invoice.pk])

    assert staff.post(url, {"amount": "230", "reason": "Outage of a week"}).status_code == 302
    note = CreditNote.objects.get()
    assert note.challan_number and account_balance(customer_id=customer.pk) == D("920.00")
    before = (CreditNote.objects.count(), LedgerEntry.objects.count())
    assert staff.post(url, {"amount": "920.01", "reason": "Too much"}).status_code == 400
    assert (CreditNote.objects.count(), LedgerEntry.objects.count()) == before

    response = staff.post(reverse("staff:debit-note-create", args=[invoice.pk]), {"net": "100", "reason": "Static IP left off"})
    assert response.status_code == 302
    debit = DebitNote.objects.get()
    assert (debit.net, debit.vat, debit.amount) == (D("100.00"), D("15.00"), D("115.00")) and debit.challan_number
    assert account_balance(customer_id=customer.pk) == D("1035.00")
    ledger_ok()
    _journal_balanced()
