"""Bangla in the browser without relying on the machine's fonts: the shipped Noto Sans Bengali
(static/vendor/noto-sans-bengali/) is the first family of every page, for the Bangla range only."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, admin_user


@pytest.mark.django_db(transaction=True)
def test_the_staff_console_draws_taka_and_bangla_in_the_shipped_web_font(page):
    admin_user(username="fontadmin")
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("fontadmin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Sans Bengali"')
    # The font is fetched from our static files and parses: loading it for "৳" gives the face (weights 400 and 700).
    loaded = page.evaluate("""async () => {
        const faces = [...await document.fonts.load('16px "Noto Sans Bengali"', '৳ বাংলা'),
                       ...await document.fonts.load('bold 16px "Noto Sans Bengali"', '৳')];
        return faces.filter(face => face.unicodeRange.includes("U+980-9FE")).map(face => [face.weight, face.status, face.display]);
    }""")
    assert sorted(loaded) == [["400", "loaded", "swap"], ["700", "loaded", "swap"]]
    # Latin text takes the shipped Latin subset, not the Bengali file: pages lay out alike on every machine.
    latin = page.evaluate("""async () => (await document.fonts.load('16px "Noto Sans Bengali"', 'Dashboard'))
        .map(face => [face.unicodeRange.includes("U+980-9FE"), face.status])""")
    assert latin == [[False, "loaded"]]
