"""A visitor at a Wi-Fi zone, on a 360 px phone: opens the zone's page from the hotspot (MAC and login
link in the query), proves a phone with the code from the SMS, picks a plan, pays through the bKash
emulator and is shown the card's code and a Connect button; the staff card report then shows the sale.
Screenshots under test-artifacts/wifi-*.png."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.models import CardSale
from ispbill.notify.models import Message
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import admin_user
from tests.outbox import text_as_sent
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401 - fixture
from tests.vouchers.helpers import make_plan
from tests.vouchers.wifi_helpers import make_zone
from vouchers import codes, signup
from vouchers.models import WifiPurchase


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"wifi-{name}.png"), full_page=True)


def fits(page, what: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{what} is {width}px wide"


def sms_code(phone: str, *, timeout: float = 10.0) -> str:
    """The code in the SMS queued to `phone` (the test's outbox: the message rows)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = Message.objects.filter(event="wifi_signup_code", to=phone).order_by("-pk").first()
        found = message and re.search(r"\b(\d{6})\b", text_as_sent(message))
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no code sent to {phone}")


@pytest.mark.django_db(transaction=True)
def test_a_visitor_buys_a_day_pass_with_bkash_on_a_phone_and_the_report_shows_it(browser, live_server, bkash_gateway):
    zone = make_zone(name="Bus Stand Wi-Fi")
    make_plan(price="10.00", name="Hour pass", duration=1, unit="hours")
    make_plan(price="30.00", name="Day pass")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"/wifi/{zone.pk}/?mac=02:00:00:00:00:AA&login=http://10.5.50.1/login&dst=http://example.com/")
    expect(page.locator("#wifi-zone")).to_contain_text("Bus Stand Wi-Fi")
    shoot(page, "1-phone-360")
    fits(page, "the phone step")
    page.get_by_label("Mobile number").fill("01711-222333")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator("#wifi-code-sent")).to_contain_text("01711222333")
    page.get_by_label("Code from the SMS").fill(sms_code("+8801711222333"))
    shoot(page, "2-code-360")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("#wifi-plans")).to_be_visible()
    page.get_by_label(re.compile("Day pass")).check()
    page.get_by_label("bKash").check()
    shoot(page, "3-plans-360")
    fits(page, "the plans")
    page.get_by_role("button", name="Pay").click()

    expect(page.locator("#bkash-wallet")).to_be_visible()
    page.get_by_label("bKash account number").fill("01770618575")
    page.get_by_label("Verification code (sandbox: 123456)").fill("123456")
    page.get_by_label("PIN (sandbox: 12121)").fill("12121")
    page.get_by_role("button", name="Confirm").click()

    purchase = WifiPurchase.objects.get()
    expect(page.locator("#wifi-card-code")).to_be_visible()
    purchase.refresh_from_db()
    code = signup.card_code(card=purchase.card)
    expect(page.locator("#wifi-card-code")).to_have_text(codes.display(code))  # shown ABCD-EFGH-JKMN, as printed cards
    expect(page.locator("#wifi-connect-form")).to_have_attribute("action", "http://10.5.50.1/login")
    shoot(page, "4-code-360")
    fits(page, "the code page")
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "4-code-1366")
    assert purchase.card.remembered_mac == "02:00:00:00:00:AA"
    assert CardSale.objects.get().price == Decimal("30.00")
    context.close()
    assert not errors, errors

    # The same page in Bangla (the language button sets this cookie), on a phone.
    bangla = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="bn-BD")
    bangla.add_cookies([{"name": "django_language", "value": "bn", "url": live_server.url}])
    visitor = bangla.new_page()
    visitor.goto(f"/wifi/{zone.pk}/")
    expect(visitor.locator("html")).to_have_attribute("lang", "bn")
    expect(visitor.get_by_role("button", name="English")).to_be_visible()
    shoot(visitor, "6-bangla-360")
    fits(visitor, "the Bangla page")
    bangla.close()

    # The staff card report, per zone, shows the online sale and its revenue.
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    staff.set_default_timeout(30_000)
    desk = staff.new_page()
    sign_in_staff(desk, admin_user())
    desk.get_by_role("link", name="Card report").click()
    desk.get_by_label("Per").select_option("zone")
    desk.get_by_role("button", name="Show").click()
    expect(desk.locator("#voucher-report")).to_contain_text("Bus Stand Wi-Fi")
    expect(desk.locator("#voucher-report-online")).to_have_text("1")
    expect(desk.locator("#voucher-report-revenue")).to_contain_text("30.00")
    expect(desk.locator("#voucher-sellers-online")).to_contain_text("Sold online")
    shoot(desk, "5-report-1366")
    staff.close()
