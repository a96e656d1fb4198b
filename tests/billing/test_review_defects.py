"""The defects an independent review of the billing engine found (issue 15), one test or more each;
every one of them failed on the code before the fix. Amounts are worked out by hand from the calendar."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import BillingSettings, Invoice
from billing.selectors import current_billing_settings
from billing.services import LineSpec, account_credit, invoice_create, invoice_void
from customers.models import Subscription
from payments.services import payment_ledger_record
from tests.factories import make_customer, make_subscription
from usecases.subscription_suspend import subscription_suspend

D = Decimal


@pytest.fixture(autouse=True)
def review_defects_billing_settings(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode="calendar", allowed_anchor_days=[1, 5, 25, 30], default_anchor_day=1, vat_rate=D("0"),
        prices_include_vat=False, due_days=7, grace_days=3, reconnection_fee=D("0"), late_fee=D("0"),
        issue_days_before=7, credit_unused_days_on_cancel=True, downgrade_at_next_cycle=True,
    )


def charge(customer, amount="1000.00", *, days_ago=0):
    issue = timezone.localdate() - timedelta(days=days_ago)
    return invoice_create(
        actor=None, customer=customer, issue_date=issue, due_date=issue + timedelta(days=7),
        lines=[LineSpec(kind="one_time", description="Charge", amount=D(amount))],
    )


# 4. A past-due invoice paid in part ----------------------------------------------------------------


def test_a_past_due_invoice_paid_in_part_stays_overdue(db):
    customer = make_customer()
    invoice = charge(customer, days_ago=20)  # due 13 days ago
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OVERDUE

    payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="cash")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (Invoice.Status.OVERDUE, D("400.00"))


def test_an_invoice_not_yet_due_paid_in_part_is_partially_paid_and_a_reversal_makes_it_overdue_when_past_due(db):
    from payments.services import payment_ledger_reverse

    customer = make_customer()
    fresh = charge(customer, days_ago=2)
    payment = payment_ledger_record(actor=None, customer=customer, amount=D("400.00"), method="cash")
    fresh.refresh_from_db()
    assert fresh.status == Invoice.Status.PARTIALLY_PAID

    late = charge(make_customer(), days_ago=30)
    paid = payment_ledger_record(actor=None, customer=late.customer, amount=D("1000.00"), method="cash")
    payment_ledger_reverse(actor=None, payment=paid, reason="Cheque bounced")
    late.refresh_from_db()
    assert late.status == Invoice.Status.OVERDUE
    assert payment.amount == fresh.amount_paid


# 5. Voiding the only overdue invoice ---------------------------------------------------------------


def suspended_for_non_payment(customer=None) -> Subscription:
    subscription = make_subscription(customer=customer, activate=True)
    return subscription_suspend(
        actor=None, subscription=subscription, reason="Non-payment", suspension_type=Subscription.SuspensionType.NON_PAYMENT
    )


def test_voiding_the_only_overdue_invoice_lifts_a_suspension_for_non_payment(db):
    subscription = suspended_for_non_payment()
    invoice = charge(subscription.customer, days_ago=20)

    invoice_void(actor=None, invoice=invoice, reason="Charged in error")

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.suspension_type == ""


def test_voiding_one_of_two_overdue_invoices_keeps_the_suspension(db):
    subscription = suspended_for_non_payment()
    first = charge(subscription.customer, days_ago=40)
    charge(subscription.customer, days_ago=20)

    invoice_void(actor=None, invoice=first, reason="Charged in error")

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED


def test_a_credit_that_clears_what_is_overdue_lifts_the_suspension_like_a_payment(db):
    subscription = suspended_for_non_payment()
    charge(subscription.customer, days_ago=20)

    account_credit(actor=None, customer=subscription.customer, amount=D("1000.00"), reason="Outage compensation")

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_a_credit_note_that_clears_what_is_overdue_lifts_the_suspension(db):
    from billing.services import invoice_credit_note

    subscription = suspended_for_non_payment()
    invoice = charge(subscription.customer, days_ago=20)

    invoice_credit_note(actor=None, invoice=invoice, amount=D("1000.00"), reason="Service never delivered")

    subscription.refresh_from_db()
    invoice.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert invoice.status == Invoice.Status.PAID


def test_a_suspension_for_another_reason_is_not_lifted_by_a_void(db):
    subscription = make_subscription(activate=True)
    subscription_suspend(actor=None, subscription=subscription, reason="Customer request",
                         suspension_type=Subscription.SuspensionType.CUSTOMER_REQUEST)
    invoice = charge(subscription.customer, days_ago=20)

    invoice_void(actor=None, invoice=invoice, reason="Charged in error")

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED


# 8. Paying in advance: the price is per billing cycle ---------------------------------------------------


def test_paying_months_in_advance_prices_a_quarterly_or_annual_package_per_month_of_its_cycle(db):
    """Defect 8: Package.price is per billing cycle; advance payment took it as monthly, so three
    months of a 3,000 quarterly package asked for 9,000 (+VAT) instead of 3,000 (+VAT)."""
    from payments import online
    from payments.models import GatewayPayment
    from tests.factories import PackageFactory

    BillingSettings.objects.filter(pk=1).update(vat_rate=D("15"))
    customer = make_customer()
    make_subscription(customer=customer, activate=True, package=PackageFactory(price=D("3000.00"), billing_cycle="quarterly"))
    make_subscription(customer=customer, activate=True, package=PackageFactory(price=D("12000.00"), billing_cycle="annual"))

    amount, _invoices = online.payable_amount(customer=customer, purpose=GatewayPayment.Purpose.ADVANCE, months=3)

    # Quarterly: 3,000 + 15 % = 3,450 a quarter = 1,150 a month; annual: 13,800 a year = 1,150 a month.
    assert amount == D("6900.00")


def test_the_portal_shows_each_price_per_cycle_with_vat_as_the_customer_pays_it(client, db):
    from django.urls import reverse

    from tests.factories import PackageFactory

    BillingSettings.objects.filter(pk=1).update(vat_rate=D("15"), prices_include_vat=False)
    customer = make_customer(portal_password="portal-pass-1")
    make_subscription(customer=customer, activate=True, package=PackageFactory(price=D("3000.00"), billing_cycle="quarterly"))
    client.force_login(customer.user)

    page = client.get(reverse("portal:home")).content.decode()

    assert "Monthly price" not in page
    assert "3,450.00" in page and "Quarterly" in page
