import pytest
from playwright.sync_api import expect

from tests.factories import make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_customer_signs_in_on_a_phone_and_sees_their_subscription(phone_page):
    customer = make_customer(name="Nusrat Jahan", phone="01819000111", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, activate=True, username="nusrat.pppoe")

    phone_page.goto("/portal/")
    expect(phone_page).to_have_url("/portal/login/?next=/portal/")
    phone_page.get_by_label("Account number or phone").fill("01819-000111")
    phone_page.get_by_label("Password").fill("portal-pass-1")
    phone_page.get_by_role("button", name="Sign in").click()

    card = phone_page.locator(f"#subscription-{subscription.pk}")
    expect(card).to_contain_text(subscription.package.name)
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text("nusrat.pppoe")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Nusrat Jahan")
    # Nothing overflows a 360 px screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
