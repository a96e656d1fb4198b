"""A retention discount covers the same number of billed days whatever pauses (docs/billing.md,
"Retention offers"): the days a pause gives back are covered after the window as made. The night's jobs
run in the beat schedule's order (tests/night.py: the billing run at 02:30, the offers' job at 03:00)
over the dates that matter; no wrapping transaction, on SQLite and PostgreSQL."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import InvoiceLine
from billing.selectors import account_balance
from billing.services import account_credit
from churn.models import RetentionOffer, RetentionOfferCredit
from churn.offers import retention_offer_make
from customers.models import Subscription
from tests.billing.test_run import configure
from tests.factories import PackageFactory, make_customer, make_subscription
from tests.night import clock, night
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

D = Decimal


def money(value) -> Decimal:
    return D(value).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def pay_everything(customer) -> None:
    owed = account_balance(customer_id=customer.pk)
    if owed > 0:
        account_credit(actor=None, customer=customer, amount=owed, reason="Cash")


def line(subscription, start: date) -> InvoiceLine:
    return InvoiceLine.objects.get(subscription=subscription, period_start=start, kind__in=InvoiceLine.PERIOD_KINDS)


def credit_on(offer, line) -> Decimal:
    return RetentionOfferCredit.objects.get(offer=offer, invoice=line.invoice).amount


@pytest.mark.django_db(transaction=True)
def test_a_discount_covers_the_same_billed_days_when_the_connection_pauses():
    configure()
    customer = make_customer()
    subscription = make_subscription(customer=customer, package=PackageFactory(price=D("1000.00")), activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime(2026, 3, 1, 9)))
    night(date(2026, 3, 2))
    pay_everything(customer)
    with clock(date(2026, 3, 10)):
        offer = retention_offer_make(actor=None, customer=customer, subscription=Subscription.objects.get(pk=subscription.pk),
                                     kind="discount", months=2, percent=D("20"))
    # The window as made: 10 March – 31 May; it covers April and May, 30 + 31 = 61 billed days.
    budget = 30 + 31
    night(date(2026, 3, 25))
    april = line(subscription, date(2026, 4, 1))
    assert credit_on(offer, april) == money(april.gross * D("0.20")) == D("230.00")
    pay_everything(customer)

    with clock(date(2026, 4, 10)):  # paused after 10 April: 11–30 April given back, 10 days of April billed
        subscription_suspend(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="Travelling",
                             suspension_type=Subscription.SuspensionType.CUSTOMER_REQUEST, skip_billing=True)
    night(date(2026, 4, 25))
    night(date(2026, 5, 1))  # past the window as made, still paused: the offer waits
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ACTIVE
    with clock(date(2026, 5, 10)):
        subscription_reactivate(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="Back")
    night(date(2026, 5, 11))  # 10–31 May billed, 22 days, covered whole
    may = line(subscription, date(2026, 5, 10))
    assert credit_on(offer, may) == money(may.gross * D("0.20"))
    pay_everything(customer)

    night(date(2026, 5, 25))  # June issued: the 61 − 10 − 22 = 29 days left are covered on it
    june = line(subscription, date(2026, 6, 1))
    left = budget - 10 - 22
    assert credit_on(offer, june) == money(june.gross * left / 30 * D("0.20")) == D("222.33")
    offer.refresh_from_db()
    assert offer.ends_on == date(2026, 6, 30)
    pay_everything(customer)

    night(date(2026, 6, 24))  # July issued: nothing left to cover
    night(date(2026, 7, 1))
    july = line(subscription, date(2026, 7, 1))
    assert not RetentionOfferCredit.objects.filter(offer=offer, invoice=july.invoice).exists()
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    call_command("check_ledger", stdout=open("/dev/null", "w"))
