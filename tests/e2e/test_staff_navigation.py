"""The staff console on a phone: the navigation is one "Menu" line above the page, not ~540 px of links."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, admin_user


def _sign_in(page):
    admin_user(username="navadmin")
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("navadmin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_staff_navigation_folds_into_a_menu(phone_page):
    _sign_in(phone_page)
    links = phone_page.locator("#sidenav-links")
    menu = phone_page.get_by_test_id("sidenav-button")
    expect(links).to_be_hidden()
    expect(menu).to_contain_text("Menu · Dashboard")
    assert phone_page.get_by_role("heading", level=1).bounding_box()["y"] < 200
    menu.click()
    expect(links.get_by_role("link", name="Customers", exact=True)).to_be_visible()
    links.get_by_role("link", name="Customers", exact=True).click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Customers")
    expect(links).to_be_hidden()
    expect(menu).to_contain_text("Menu · Customers")


@pytest.mark.django_db(transaction=True)
def test_on_a_laptop_the_staff_navigation_is_a_sidebar_without_a_menu_button(page):
    _sign_in(page)
    expect(page.get_by_test_id("sidenav-button")).to_be_hidden()
    expect(page.locator("#sidenav-links").get_by_role("link", name="Customers", exact=True)).to_be_visible()
