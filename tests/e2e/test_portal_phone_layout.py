"""Every portal page on a 360 px phone, in English and in Bangla: nothing overflows sideways, and every
navigation item is on screen or in the "More" menu. One walk per language: a separate walk of the same
pages for the width alone visited each page twice more (25 s on a slow machine)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, tappable, tappable_links
from tests.factories import make_customer, make_subscription
from web.surfaces import SURFACES_BY_NAME


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language,switch_to,more", [("en", None, "More"), ("bn", "বাংলা", "আরও")])
def test_every_portal_nav_item_is_reachable_on_a_phone(phone_page, language, switch_to, more):
    """At 360 px each item is either on screen in the tab row or in the "More" menu, and the current page's
    item is always on screen (not scrolled off to the side). One language per test: each walks every page."""
    customer = make_customer(name="Rafiq Islam", phone="01819000333", portal_password="portal-pass-1")
    make_subscription(customer=customer, activate=True, username="rafiq.nav")
    phone_page.goto("/portal/login/")
    phone_page.get_by_label("Account number or phone").fill(customer.account_number)
    phone_page.get_by_label("Password").fill("portal-pass-1")
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Rafiq Islam")
    ARTIFACTS.mkdir(exist_ok=True)
    nav = phone_page.locator("header nav.tabs")
    if switch_to:
        phone_page.get_by_role("button", name=switch_to).click()
        expect(phone_page.locator("html")).to_have_attribute("lang", "bn")
    hrefs = {a.get_attribute("href") for a in nav.locator("a").all()}
    assert len(hrefs) == len(SURFACES_BY_NAME["portal"].nav)  # every menu item, none hidden
    for href in sorted(hrefs):
        phone_page.goto(href)
        _fits_a_phone(phone_page, href, language)
        current = nav.locator("a[aria-current=page]:visible")
        expect(current).to_have_count(1)
        phone_page.evaluate("window.scrollTo(0, 0)")  # a page may have scrolled to an autofocused field
        in_the_row = tappable_links(nav)
        assert current.get_attribute("href") in in_the_row, f"current item of {href} in {language} is off screen"
        in_the_menu = hrefs - in_the_row
        if in_the_menu:
            # The rest are in the "More" menu: opened once, each of them on screen in it.
            menu = nav.get_by_text(more, exact=True)
            assert tappable(menu), f"{sorted(in_the_menu)} neither shown nor in a menu on {href}"
            menu.click()
            expect(nav.locator(f'a[href="{min(in_the_menu)}"]:visible').first).to_be_visible()  # the menu is open
            off_screen = in_the_menu - tappable_links(nav)
            assert not off_screen, f"{sorted(off_screen)} in the menu on {href} are off screen"
            if href.endswith("/portal/"):
                phone_page.screenshot(path=str(ARTIFACTS / f"portal-360-nav-menu-{language}.png"))
            menu.click()
        width = phone_page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 360, f"{href} in {language} is {width}px wide with the menu"
    for href in ("/portal/notifications/", "/portal/sessions/"):  # pages reached from others, not the menu
        phone_page.goto(href)
        _fits_a_phone(phone_page, href, language)
    if switch_to:
        phone_page.goto("/portal/profile/")  # the language chosen stays chosen
        expect(phone_page.get_by_role("heading", level=1)).to_have_text("প্রোফাইল")


def _fits_a_phone(page, href: str, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{href} in {language} is {width}px wide"
    name = href.strip("/").replace("/", "-") or "home"
    page.screenshot(path=str(ARTIFACTS / f"portal-360-{language}-{name}.png"), full_page=True)
