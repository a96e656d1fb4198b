"""A suspended customer signs in, pays what is due with "bKash" on the SSLCommerz emulator's hosted
checkout, comes back to a receipt, and the connection is active again with its router change queued."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.models import Subscription
from network.models import ProvisioningTask
from payments.models import GatewayPayment
from tests.factories import make_customer, make_subscription
from tests.payments.conftest import billing_settings, charge  # noqa: F401
from tests.payments.sslcommerz_helpers import gateway  # noqa: F401
from usecases.subscription_suspend import subscription_suspend

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
def test_suspended_customer_pays_with_bkash_and_is_reconnected(page, gateway, billing_settings):
    customer = make_customer(name="Nusrat Jahan", phone="01819000111", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, activate=True, username="nusrat.pppoe")
    invoice = charge(customer, "1150.00", days_ago=20)
    subscription_suspend(actor=None, subscription=subscription, reason="Two months unpaid", suspension_type="non_payment")
    queued_before = ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count()

    page.goto("/portal/pay/")  # where the walled garden sends a suspended customer
    page.get_by_label("Account number or phone").fill("01819-000111")
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#suspended-notice")).to_contain_text("suspended")
    expect(page.locator("#amount-due")).to_contain_text("1,150.00")
    expect(page.get_by_label("Total due (৳1,150.00)")).to_be_checked()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "online-payment-1-walled-garden.png"), full_page=True)
    page.locator("#pay-form").get_by_role("button", name="Pay now").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay BDT 1150.00")
    page.get_by_label("bKash").check()
    page.screenshot(path=str(SHOTS / "online-payment-2-checkout.png"), full_page=True)
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page.locator("#payment-status")).to_have_text("Paid")
    gp = GatewayPayment.objects.get(customer=customer)
    expect(page.locator("#receipt")).to_contain_text(gp.payment.receipt_number)
    expect(page.locator(f"#connection-{subscription.pk}")).to_contain_text("Active")
    page.screenshot(path=str(SHOTS / "online-payment-3-receipt.png"), full_page=True)

    page.get_by_role("link", name=gp.payment.receipt_number).click()
    expect(page.locator(".receipt")).to_contain_text("bKash")
    expect(page.locator(".receipt")).to_contain_text(invoice.number)

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count() == queued_before + 1
    assert gp.method == "bkash" and gp.status == "paid"
