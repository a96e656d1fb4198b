"""From the home page's demo link, a suspended customer opens the emulated bKash app on a phone
(360 px), picks Pay Bill and the ISP, enters their account number, sees their masked name and what
is due, pays it with their PIN, and gets bKash's confirmation with our receipt number — and their
connection is active again."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.models import Subscription
from payments.models import Payment
from tests.factories import make_customer, make_subscription
from tests.payments.conftest import billing_settings, charge  # noqa: F401
from usecases.subscription_suspend import subscription_suspend

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_a_suspended_customer_pays_from_the_bkash_app_pay_bill_menu(phone_page, live_server, settings, billing_settings):
    settings.SITE_URL = live_server.url
    settings.BKASH_PAYBILL_SANDBOX = True
    customer = make_customer(name="Nusrat Jahan", phone="01819000111")
    subscription = make_subscription(customer=customer, activate=True)
    charge(customer, "1150.00", days_ago=20)
    subscription_suspend(actor=None, subscription=subscription, reason="Unpaid", suspension_type="non_payment")
    page = phone_page
    page.set_default_timeout(30_000)  # the machine is shared: a slow first page is not what is tested here
    SHOTS.mkdir(exist_ok=True)

    page.goto("/")
    page.get_by_test_id("landing-bkash-paybill").get_by_role("link").click()
    page.get_by_test_id("paybill-menu").click()
    page.get_by_test_id("paybill-account").fill(customer.account_number)
    page.get_by_test_id("paybill-next").click()

    expect(page.get_by_test_id("paybill-name")).to_have_text("Nu*** Ja***")
    expect(page.get_by_test_id("paybill-due")).to_have_text("৳ 1150.00")
    expect(page.get_by_test_id("paybill-amount")).to_have_value("1150.00")
    page.get_by_test_id("paybill-pin").fill("12345")
    page.screenshot(path=str(SHOTS / "bkash-paybill-1-bill-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    page.get_by_test_id("paybill-confirm").click()

    expect(page.get_by_test_id("paybill-success")).to_be_visible()
    payment = Payment.objects.get(customer=customer)
    expect(page.get_by_test_id("paybill-receipt")).to_have_text(payment.receipt_number)
    expect(page.get_by_test_id("paybill-trxid")).to_have_text(payment.reference)
    page.screenshot(path=str(SHOTS / "bkash-paybill-2-done-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.ACTIVE
