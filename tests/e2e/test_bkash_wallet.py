"""A customer links a bKash wallet in the portal through the bKash emulator, turns auto-pay on, then
pays what is due with bKash from Pay now and comes back to the receipt. Screenshots of the changed
portal pages at 1366 px and 360 px (test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from payments.models import BkashAgreement, GatewayPayment
from tests.factories import make_customer
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401
from tests.payments.conftest import billing_settings, charge  # noqa: F401

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"bkash-{name}.png"), full_page=True)


def confirm_on_wallet_page(page, wallet: str) -> None:
    expect(page.locator("#bkash-wallet")).to_be_visible()
    page.get_by_label("bKash account number").fill(wallet)
    page.get_by_label("Verification code (sandbox: 123456)").fill("123456")
    page.get_by_label("PIN (sandbox: 12121)").fill("12121")
    page.get_by_role("button", name="Confirm").click()


@pytest.mark.django_db(transaction=True)
def test_customer_links_a_wallet_and_pays_with_bkash(browser, live_server, bkash_gateway, billing_settings):
    customer = make_customer(name="Nusrat Jahan", phone="01819000222", portal_password="portal-pass-1")
    charge(customer, "1150.00")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/portal/payments/")
    page.get_by_label("Account number or phone").fill("01819-000222")
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Saved wallets and auto-pay").click()
    expect(page.locator("#saved-wallets")).to_contain_text("No saved wallet")
    page.get_by_role("button", name="Link a bKash wallet").click()

    confirm_on_wallet_page(page, "01770618575")

    expect(page.locator("#linked-notice")).to_contain_text("linked")
    expect(page.locator("#saved-wallets")).to_contain_text("017•••••575")
    expect(page.locator("#saved-wallets")).to_contain_text("Primary")
    page.get_by_role("button", name="Turn auto-pay on").click()
    expect(page.locator("#autopay-state")).to_contain_text("Auto-pay is on.")
    shoot(page, "1-saved-wallets-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    shoot(page, "1-saved-wallets-360")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto("/portal/pay/")
    expect(page.locator("#pay-gateways")).to_contain_text("Pay from your bKash wallet")
    page.locator("#gateway-bkash").check()
    shoot(page, "2-pay-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    shoot(page, "2-pay-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#pay-form").get_by_role("button", name="Pay now").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay BDT 1150.00")
    confirm_on_wallet_page(page, "01770618575")

    expect(page.locator("#payment-status")).to_have_text("Paid")
    gp = GatewayPayment.objects.get(customer=customer)
    expect(page.locator("#receipt")).to_contain_text(gp.payment.receipt_number)
    shoot(page, "3-receipt-1366")
    assert gp.gateway == "bkash" and gp.status == "paid" and gp.payment.amount == 1150
    agreement = BkashAgreement.objects.get(customer=customer)
    assert agreement.is_primary and agreement.status == "active"
    context.close()
    assert not errors, errors
