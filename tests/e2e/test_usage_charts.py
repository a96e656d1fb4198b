"""The usage charts in Chromium: staff see them with the FUP status and lift a throttled customer;
the customer sees their own on a phone. Screenshots go to test-artifacts/ for review."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from network.models import FupState, UsageDaily
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, PackageFactory, admin_user, make_customer, make_subscription

GB = 1000**3


def with_history(subscription, days=75):
    today = timezone.localdate()
    UsageDaily.objects.bulk_create(
        UsageDaily(subscription=subscription, day=today - timedelta(days=n), download_bytes=(2 + n % 7) * GB, upload_bytes=GB // 3)
        for n in range(days)
    )


@pytest.mark.django_db(transaction=True)
def test_staff_usage_tab_draws_charts_and_lifts_fup(page):
    package = PackageFactory(name="Air 8 Mbps", router_profile="AIR-8M", data_cap_gb=150, fup_download_mbps=2, fup_upload_mbps=1)
    customer = make_customer(name="Rafiq Islam")
    subscription = make_subscription(customer=customer, package=package, activate=True, username="rafiq.air")
    with_history(subscription)
    today = timezone.localdate()
    FupState.objects.create(
        subscription=subscription, cycle_start=today.replace(day=1), cycle_end=today.replace(day=28), cap_bytes=150 * GB,
        used_bytes=151 * GB, throttled_at=timezone.now(),
    )
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(admin_user().username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/staff/customers/{customer.pk}/?tab=subscriptions")
    page.get_by_role("link", name="Usage", exact=True).click()
    chart = page.locator("[data-usage-chart] canvas")
    expect(chart).to_be_visible()
    expect(page.locator("#usage-fup")).to_contain_text("speed reduced")
    page.get_by_role("button", name="Monthly").click()
    expect(page.get_by_role("button", name="Monthly")).to_have_attribute("aria-pressed", "true")
    expect(chart).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "usage-staff.png"), full_page=True)

    page.get_by_label("Reason").fill("Exam week, goodwill")
    page.get_by_role("button", name="Lift throttling").click()
    expect(page.locator("#usage-fup")).to_contain_text("full speed")
    assert not FupState.objects.get(subscription=subscription).throttled


@pytest.mark.django_db(transaction=True)
def test_customer_sees_their_usage_charts_on_a_phone(phone_page):
    customer = make_customer(name="Nusrat Jahan", phone="01819000222", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, activate=True, username="nusrat.home")
    with_history(subscription, days=40)
    phone_page.goto("/portal/login/")
    phone_page.get_by_label("Account number or phone").fill("01819-000222")
    phone_page.get_by_label("Password").fill("portal-pass-1")
    phone_page.get_by_role("button", name="Sign in").click()
    phone_page.get_by_text("More", exact=True).click()  # on a phone the rest of the nav is under "More"
    phone_page.get_by_role("link", name="Usage").click()
    expect(phone_page.locator("[data-usage-chart] canvas")).to_be_visible()
    expect(phone_page.locator("#usage-fup")).to_contain_text("no data cap")
    ARTIFACTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=str(ARTIFACTS / "usage-portal-phone.png"), full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
