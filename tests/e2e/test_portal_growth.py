"""Portal speed test and referral program in Chromium on a 360×740 phone screen."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.models import Customer, Lead, SpeedTestResult
from payments.services import payment_ledger_record
from tests.factories import PASSWORD, AreaFactory, PackageFactory, admin_user, make_customer, make_subscription

pytestmark = pytest.mark.usefixtures("private_cache")


def sign_in_portal(page, login: str, password: str = "portal-pass-1"):
    page.goto("/portal/login/")
    page.get_by_label("Account number or phone").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_customer_runs_a_speed_test_and_sees_it_against_their_package(phone_page, settings):
    settings.SPEEDTEST_DURATION_SECONDS = 1.5
    customer = make_customer(name="Mitu Rahman", phone="01819000222", portal_password="portal-pass-1")
    make_subscription(customer=customer, package=PackageFactory(download_mbps=50, upload_mbps=20), activate=True)
    sign_in_portal(phone_page, "01819000222")

    phone_page.get_by_text("More", exact=True).click()  # on a phone the rest of the nav is under "More"
    phone_page.get_by_role("link", name="Speed test").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Speed test")
    expect(phone_page.get_by_text("Your package: 50 Mbps down, 20 Mbps up", exact=False)).to_be_visible()
    phone_page.get_by_role("button", name="Start test").click()

    expect(phone_page.locator("#speedtest-phase")).to_have_text("Done", timeout=30_000)
    verdict = phone_page.locator("#speedtest-verdict")
    # On loopback the test can run faster than the package: the verdict then says what that means.
    expect(verdict).to_have_text(re.compile(r"You got \d+% of your 50 Mbps\.|Faster than your 50 Mbps package: "))
    result = SpeedTestResult.objects.get(customer=customer)
    assert result.download_mbps > 0 and result.upload_mbps > 0 and result.package_download_mbps == 50
    assert re.fullmatch(r"[\d.]+", phone_page.locator("#st-download").inner_text())
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.django_db(transaction=True)
def test_a_friend_joins_through_the_referral_link_and_the_referrer_sees_the_credit(phone_page, browser, live_server):
    area = AreaFactory(name="Mirpur 10")
    referrer = make_customer(name="Karim Ahmed", phone="01711555001", area=area, portal_password="portal-pass-1")
    phone_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_portal(phone_page, "01711555001")
    phone_page.get_by_text("More", exact=True).click()  # on a phone the rest of the nav is under "More"
    phone_page.get_by_role("link", name="Referrals").click()
    expect(phone_page.locator("#referral-code")).to_have_text(referrer.referral_code)
    expect(phone_page.locator(".referral-qr svg")).to_be_visible()
    phone_page.get_by_role("button", name="Copy link").click()
    expect(phone_page.get_by_role("button", name="Copied")).to_be_visible()
    link = phone_page.evaluate("navigator.clipboard.readText()")
    assert link.endswith(f"/r/{referrer.referral_code}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    # A new person opens the link on their own phone.
    friend_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    friend = friend_context.new_page()
    friend.goto(link)
    expect(friend.get_by_role("heading", level=1)).to_have_text("Get connected")
    friend.get_by_label("Your name").fill("Salma Akter")
    friend.get_by_label("Phone").fill("01811-222333")
    friend.get_by_label("Area").select_option(label=f"Mirpur 10 ({area.branch.name})")
    friend.get_by_label("Address").fill("House 5, Road 7")
    friend.get_by_role("button", name="Request a connection").click()
    expect(friend.get_by_role("status")).to_contain_text("We have your request")
    friend_context.close()
    lead = Lead.objects.get(phone="+8801811222333")
    assert lead.source == Lead.Source.REFERRAL and lead.referral.referrer == referrer

    # Staff convert the lead to a customer.
    staff_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    staff = staff_context.new_page()
    admin = admin_user()
    staff.goto("/staff/login/")
    staff.get_by_label("Username").fill(admin.username)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(f"/staff/leads/{lead.pk}/convert/")
    staff.get_by_role("button", name="Create customer").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Salma Akter")
    friend_customer = Customer.objects.get(phone="+8801811222333")
    staff_context.close()

    # The new customer pays (at the counter); the credit lands on the referrer's account.
    payment_ledger_record(actor=admin, customer=friend_customer, amount=Decimal("1000.00"), method="cash")

    phone_page.reload()
    expect(phone_page.locator("#referral-friends")).to_contain_text("Salma Akter")
    expect(phone_page.locator("#referral-friends")).to_contain_text("Credited")
    expect(phone_page.locator("#referral-credits")).to_contain_text("200.00")
    phone_page.get_by_text("More", exact=True).click()  # on a phone the rest of the nav is under "More"
    phone_page.get_by_role("link", name="Statement").click()
    expect(phone_page.locator("main")).to_contain_text("In credit")
    expect(phone_page.locator("main")).to_contain_text("200.00")
