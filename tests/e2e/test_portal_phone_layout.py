"""Every portal navigation item on a 360 px phone, in English and in Bangla: nothing overflows sideways."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_every_portal_page_fits_a_phone_in_both_languages(phone_page):
    customer = make_customer(name="Nusrat Jahan", phone="01819000222", portal_password="portal-pass-1")
    make_subscription(customer=customer, activate=True, username="nusrat.layout")
    phone_page.goto("/portal/login/")
    phone_page.get_by_label("Account number or phone").fill(customer.account_number)
    phone_page.get_by_label("Password").fill("portal-pass-1")
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Nusrat Jahan")
    ARTIFACTS.mkdir(exist_ok=True)
    for language, switch_to in (("en", None), ("bn", "বাংলা")):
        if switch_to:
            phone_page.get_by_role("button", name=switch_to).click()
            expect(phone_page.locator("html")).to_have_attribute("lang", "bn")
        links = phone_page.locator("header nav.tabs a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs) >= 9
        for href in hrefs + ["/portal/notifications/", "/portal/sessions/"]:
            phone_page.goto(href)
            expect(phone_page.locator("html")).to_have_attribute("lang", language)
            width = phone_page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 360, f"{href} in {language} is {width}px wide"
            name = href.strip("/").replace("/", "-") or "home"
            phone_page.screenshot(path=str(ARTIFACTS / f"portal-360-{language}-{name}.png"), full_page=True)
    phone_page.goto("/portal/profile/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("প্রোফাইল")
