"""A commission reseller on a 360 px phone records ৳60,000 of cash: asked to confirm rather than
refused, the amount and reference come back filled in, ticking the box records it once."""

import pytest
from playwright.sync_api import expect

from payments.models import Payment
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_reseller import _fits, _sign_in
from tests.factories import make_customer
from tests.resellers.helpers import make_reseller


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366])
def test_large_cash_asks_for_confirmation_then_records_once(browser, live_server, width):
    reseller, area, _router, _package, _admin = make_reseller(model="commission")
    customer = make_customer(area=area, reseller=reseller, name="Jamal Sheikh")
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    ARTIFACTS.mkdir(exist_ok=True)
    _sign_in(page, reseller.user.username, "reseller-pass-1", "reseller")
    page.goto(f"/reseller/customers/{customer.pk}/")
    expect(page.locator("#id_confirm_large")).to_have_count(0)

    page.locator("#id_amount").fill("60000")
    page.locator("#id_reference").fill("Bag 7")
    page.get_by_role("button", name="Record payment").click()

    expect(page.locator("#id_confirm_large_error")).to_contain_text("৳50,000.00: tick the box to confirm")
    expect(page.locator("#id_amount")).to_have_value("60000")
    expect(page.locator("#id_reference")).to_have_value("Bag 7")
    assert not Payment.objects.exists()
    if width == 360:
        _fits(page, "the confirmation")
    page.locator("#collect-form").screenshot(path=str(ARTIFACTS / f"reseller-large-cash-confirm-{width}.png"))

    page.get_by_label("I confirm this large amount").check()
    page.get_by_role("button", name="Record payment").click()

    expect(page.locator("main")).to_contain_text("Payment recorded: receipt")
    expect(page.locator("#id_confirm_large")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / f"reseller-large-cash-recorded-{width}.png"), full_page=True)
    payment = Payment.objects.get()
    assert (str(payment.amount), payment.reference) == ("60000.00", "Bag 7")
    context.close()
    assert not errors
