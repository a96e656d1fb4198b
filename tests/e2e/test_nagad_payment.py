"""A demo customer pays an invoice with Nagad from the portal through the Nagad emulator, comes back to
the receipt, and the invoice shows paid. Screenshots of the pay page, Nagad's page and the receipt at
1366 px and 360 px, and of the staff's Nagad settings (test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from billing.models import Invoice
from payments.models import GatewayPayment, NagadSettings
from tests.factories import admin_user, make_customer
from tests.payments.conftest import billing_settings, charge  # noqa: F401
from tests.payments.nagad_helpers import nagad_gateway  # noqa: F401

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"nagad-{name}.png"), full_page=True)


def both_widths(page, name: str) -> None:
    shoot(page, f"{name}-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    shoot(page, f"{name}-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name} is wider than a 360 px phone"
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_customer_pays_an_invoice_with_nagad_and_sees_it_paid(browser, live_server, nagad_gateway, billing_settings):
    customer = make_customer(name="Farzana Akter", phone="01819000333", portal_password="portal-pass-1")
    invoice = charge(customer, "950.00")
    NagadSettings.objects.create(pk=1, enabled=True).branches.set([customer.branch_id])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/portal/invoices/")
    page.get_by_label("Account number or phone").fill("01819-000333")
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/portal/invoices/")
    shoot(page, "0-invoices-1366")
    page.locator(f"#invoice-{invoice.pk}").get_by_role("button", name="Pay now").click()

    expect(page.locator("#pay-gateways")).to_contain_text("Pay from your Nagad wallet")
    expect(page.locator("label[for=gateway-nagad] img")).to_have_attribute("alt", "Nagad")
    page.locator("#gateway-nagad").check()
    both_widths(page, "1-pay")
    page.locator("#pay-form").get_by_role("button", name="Pay now").click()

    expect(page.locator("#nagad-checkout")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay BDT 950.00")
    page.get_by_label("Nagad account number").fill("01712345678")
    page.get_by_label("Verification code (sandbox: 123456)").fill("123456")
    page.get_by_label("PIN (sandbox: 1234)").fill("1234")
    both_widths(page, "2-checkout")
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page.locator("#payment-status")).to_have_text("Paid")
    gp = GatewayPayment.objects.get(customer=customer)
    assert gp.gateway == "nagad" and gp.status == "paid" and gp.payment.amount == 950 and gp.payment.method == "nagad"
    expect(page.locator("#receipt")).to_contain_text(gp.payment.receipt_number)
    both_widths(page, "3-receipt")

    page.goto("/portal/invoices/")
    expect(page.locator(f"#invoice-{invoice.pk}")).to_contain_text("Paid")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert errors == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_staff_turn_nagad_on_in_the_settings(browser, live_server, nagad_gateway, client, settings):
    settings.NAGAD_ENABLED = False  # as on a fresh install: off until an admin turns it on
    admin = admin_user(username="admin-nagad")
    client.force_login(admin)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/staff/settings/payment-gateways/")
    form = page.locator("#nagad-form")
    expect(page.locator("#nagad-effective")).to_contain_text("not ready")
    form.get_by_label("Customers can pay with Nagad").check()
    form.get_by_label("Fee (%)").fill("1.50")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#nagad-effective")).to_contain_text("ready")
    expect(page.locator("#nagad-effective")).to_contain_text("1.50%")
    expect(page.locator("#nagad-effective")).to_contain_text("Nagad has no refund API")
    both_widths(page, "4-staff-settings")
    assert NagadSettings.objects.get().enabled
    context.close()
