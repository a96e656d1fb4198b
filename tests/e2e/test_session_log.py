"""The session-log search in Chromium: a manager opens Session logs from the navigation on a phone,
asks who had an address at a moment, sees the session (customer, login, MAC, NAS), and exports the
day as CSV. Screenshots go to test-artifacts/ for review."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ispbill.core.models import AuditLog
from radius.models import SessionLog
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, RouterFactory, UserFactory, make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_manager_finds_who_had_an_ip_at_a_moment_on_a_phone_and_exports_the_day(phone_page):
    page = phone_page
    page.set_default_timeout(60_000)  # the shared 2-core machine can be slow; the steps, not the clock, are tested
    router = RouterFactory(name="Mirpur-core")
    customer = make_customer(name="Shirin Akter")
    subscription = make_subscription(customer=customer, router=router, username="shirin.home")
    at = timezone.localtime(timezone.now() - timedelta(days=12)).replace(hour=21, minute=14, second=0, microsecond=0)
    for n, (start, stop, ip) in enumerate([
        (at - timedelta(hours=5), at - timedelta(hours=2), "103.7.12.40"),   # the address, earlier
        (at - timedelta(hours=1), at + timedelta(hours=3), "103.7.12.40"),   # had it at 21:14
        (at - timedelta(hours=1), at + timedelta(hours=3), "103.7.12.41"),   # a neighbour
    ]):
        SessionLog.objects.create(
            radacctid=100 + n, acctsessionid=f"E2E-{n}", acctuniqueid=f"{n:032x}", username="shirin.home",
            nasipaddress="10.20.0.1", acctstarttime=start, acctstoptime=stop, acctinputoctets=3_500_000,
            acctoutputoctets=48_000_000_000, callingstationid="D4:CA:6D:11:22:33", framedipaddress=ip,
            router=router, subscription=subscription, customer=customer, acctterminatecause="User-Request",
        )
    manager = UserFactory(roles=["Manager"])

    page.goto("/staff/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("sidenav-button").click()
    page.get_by_role("link", name="Session logs").click()
    expect(page.get_by_role("heading", name="Session logs")).to_be_visible()

    page.get_by_label("IP address").fill("103.7.12.40")
    page.get_by_label("At (date and time)").fill(at.strftime("%d/%m/%Y %H:%M"))
    page.get_by_role("button", name="Search", exact=True).click()

    results = page.locator("#session-log-results")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("shirin.home")
    expect(results).to_contain_text("D4:CA:6D:11:22:33")
    expect(results).to_contain_text("Mirpur-core")
    expect(results).to_contain_text("48.0 GB")
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "session-log-phone.png"), full_page=True)
    results.get_by_role("link", name="Shirin Akter").click()
    expect(page).to_have_url(f"{page.url.split('/staff/')[0]}/staff/customers/{customer.pk}/")

    page.go_back()
    page.locator("#id_start").fill(at.strftime("%d/%m/%Y"))
    page.locator("#id_end").fill(at.strftime("%d/%m/%Y"))
    page.get_by_label("IP address").fill("")
    page.get_by_label("At (date and time)").fill("")
    with page.expect_download() as download_info:
        page.get_by_test_id("session-log-export").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert content.count("\n") == 4 and "E2E-1" in content and "Shirin Akter" in content
    entry = AuditLog.objects.get(action="radius.session_log_export")
    assert entry.actor_id == manager.pk and entry.after["rows"] == 3

    page.get_by_label("IP address").fill("103.7.12.999")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#id_ip_error")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "session-log-phone-error.png"), full_page=True)
