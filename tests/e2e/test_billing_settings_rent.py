"""Settings → Billing, reached from the navigation: the rent-during-pause choice is on the page, saved,
and read back (docs/billing.md, "Equipment rental")."""

import os

import pytest
from playwright.sync_api import expect

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import admin_user


@pytest.mark.django_db(transaction=True)
def test_admin_keeps_rent_going_during_a_pause_from_the_billing_settings_page(page):
    current_billing_settings()
    page.set_default_timeout(60_000)  # a loaded machine's first page can take longer than the usual 10 s
    sign_in_staff(page, admin_user())
    page.locator("nav").get_by_role("link", name="Billing", exact=True).last.click()
    expect(page.get_by_role("heading", name="Billing settings")).to_be_visible()
    choice = page.get_by_label("Keep charging rented equipment's rent while a connection is paused")
    expect(choice).not_to_be_checked()
    choice.check()
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "billing-settings-rent.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Keep charging rented equipment's rent while a connection is paused")).to_be_checked()
    assert BillingSettings.objects.get(pk=1).rent_during_pause is True
