"""Settings → Billing, reached from the navigation: the prepaid cards' code-guessing limits (read by
FreeRADIUS at every card login, docs/vouchers.md "Hotspot logins") are on the page, changed and saved,
on a phone and a desktop."""

import os

import pytest
from playwright.sync_api import expect

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import admin_user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [360, 1366])
def test_admin_sets_the_card_guessing_limits_from_the_billing_settings_page(page, width):
    current_billing_settings()
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_staff(page, admin_user())
    if width < 800:
        page.get_by_test_id("sidenav-button").click()  # the phone's menu
    page.locator("nav").get_by_role("link", name="Billing", exact=True).last.click()
    expect(page.get_by_role("heading", name="Billing settings")).to_be_visible()
    section = page.locator("#card-guessing")
    expect(section.get_by_label("Prepaid cards: wrong codes allowed per device")).to_have_value("5")
    section.get_by_label("Prepaid cards: wrong codes allowed per device").fill("4")
    section.get_by_label("Prepaid cards: lockout (minutes)").fill("45")
    section.scroll_into_view_if_needed()
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    if os.environ.get("SCREENSHOT_DIR"):
        section.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], f"billing-settings-card-guessing-{width}.png"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#card-guessing").get_by_label("Prepaid cards: lockout (minutes)")).to_have_value("45")
    cfg = BillingSettings.objects.get(pk=1)
    assert (cfg.card_guess_device_limit, cfg.card_lockout_minutes) == (4, 45)
