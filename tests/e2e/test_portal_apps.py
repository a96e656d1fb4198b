"""The portal's Signed-in apps page (issue #51, item 3): reached from My account's tabs, it lists the
customer's app sign-ins and signs one out, on a laptop and on a 360 px phone, in English and Bangla."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from api.models import ApiToken
from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_customer


def _app_sign_in(customer, name):
    answer = Client().post("/api/portal/token/", data={"login": customer.account_number, "password": "portal-pass-1", "name": name},
                           content_type="application/json")
    assert answer.status_code == 201, answer.content
    return answer.json()["token"]


@pytest.mark.django_db(transaction=True)
def test_a_customer_signs_an_app_out_from_the_portal(browser, live_server):
    customer = make_customer(name="Nusrat Jahan", phone="01819000223", portal_password="portal-pass-1")
    raw = _app_sign_in(customer, "Samsung Galaxy A15 (Nusrat's phone)")
    _app_sign_in(customer, "Tablet")
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 800), (360, 740)):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height}, locale="en-US")
        page = context.new_page()
        page.goto("/portal/login/")
        page.get_by_label("Account number or phone").fill(customer.account_number)
        page.get_by_label("Password").fill("portal-pass-1")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Nusrat Jahan")
        page.goto("/portal/profile/")
        page.get_by_role("link", name="Signed-in apps").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in apps")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS / f"portal-apps-{width}-en.png"), full_page=True)
        if width == 1366:
            card = page.locator("article", has_text="Samsung Galaxy A15")
            expect(card).to_contain_text("Expires")
            card.get_by_role("button", name="Sign out").click()
            expect(page.locator("body")).to_contain_text("is signed out")
            expect(page.locator("article", has_text="Samsung Galaxy A15")).to_have_count(0)
            assert ApiToken.objects.get(name__startswith="Samsung").revoked_at is not None
            assert Client().get("/api/portal/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
        else:
            page.get_by_role("button", name="বাংলা").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("সাইন-ইন করা অ্যাপ")
            assert page.evaluate("document.scrollingElement.scrollWidth") <= width
            page.screenshot(path=str(ARTIFACTS / f"portal-apps-{width}-bn.png"), full_page=True)
        context.close()
