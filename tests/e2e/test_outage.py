import pytest
from playwright.sync_api import expect

from ispbill.notify.models import Message
from network.models import Outage
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, AreaFactory, BranchFactory, RouterFactory, admin_user, make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_staff_declares_an_outage_and_an_affected_customer_sees_the_banner(page, browser, live_server, eager_celery):
    branch = BranchFactory(name="Dhanmondi branch")
    mirpur, gulshan = AreaFactory(branch=branch, name="Mirpur 10"), AreaFactory(branch=branch, name="Gulshan 2")
    router = RouterFactory(branch=branch, name="DHK-CORE-01")
    affected = make_customer(area=mirpur, name="Nusrat Jahan", phone="01819000333", portal_password="portal-pass-1")
    elsewhere = make_customer(area=gulshan, name="Kamal Hossain", phone="01819000444", portal_password="portal-pass-1")
    for customer in (affected, elsewhere):
        make_subscription(customer=customer, router=router, activate=True)
    staff_user = admin_user(username="noc.shila")
    ARTIFACTS.mkdir(exist_ok=True)

    # Staff declare the outage from the console.
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    staff.set_default_timeout(10_000)
    console = staff.new_page()
    console.goto("/staff/login/")
    console.get_by_label("Username").fill(staff_user.username)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_role("link", name="Outages", exact=True).click()
    console.get_by_role("button", name="Declare outage").click()
    console.get_by_role("textbox", name="Title", exact=True).fill("Fibre cut on Mirpur Road")
    console.get_by_role("textbox", name="Description", exact=True).fill("Road works cut the feeder fibre.")
    console.get_by_role("button", name="Review before sending").click()  # no area, no router: refused
    expect(console.locator(".form-error")).to_contain_text("at least one affected area or router")
    assert not Outage.objects.exists()
    console.get_by_label("Mirpur 10").check()
    expect(console.locator("#outage-reach")).to_contain_text("1 customer will be told")
    console.get_by_role("button", name="Review before sending").click()
    console.get_by_role("button", name="Send to 1 customer").click()
    expect(console.locator("h1")).to_contain_text("Fibre cut on Mirpur Road")
    expect(console.locator("#affected-count")).to_have_text("1")
    expect(console.locator("#broadcast-progress")).to_contain_text("1 sent")
    console.screenshot(path=str(ARTIFACTS / "outage-staff-detail.png"), full_page=True)
    assert list(Message.objects.filter(event="outage_declared").values_list("customer_id", flat=True)) == [affected.pk]

    # The affected customer sees the banner on every portal page; the other customer does not.
    page.goto("/portal/login/")
    page.get_by_label("Account number or phone").fill("01819-000333")
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()
    banner = page.locator(".outage-banner")
    expect(banner).to_contain_text("Fibre cut on Mirpur Road")
    page.get_by_role("link", name="Invoices").click()
    expect(banner).to_contain_text("Fibre cut on Mirpur Road")
    page.screenshot(path=str(ARTIFACTS / "outage-portal-banner.png"), full_page=True)

    other = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    other_page = other.new_page()
    other_page.goto("/portal/login/")
    other_page.get_by_label("Account number or phone").fill("01819-000444")
    other_page.get_by_label("Password").fill("portal-pass-1")
    other_page.get_by_role("button", name="Sign in").click()
    expect(other_page.get_by_role("link", name="Invoices")).to_be_visible()
    expect(other_page.locator(".outage-banner")).to_have_count(0)
    other.close()

    # Staff restore it; the banner goes away.
    console.get_by_label("Note for customers").fill("The cable is spliced.")
    console.get_by_role("button", name="Mark restored and notify").click()
    expect(console.locator("h1")).to_contain_text("Restored")
    staff.close()
    page.reload()
    expect(page.locator(".outage-banner")).to_have_count(0)
