"""What the Accounts section's browser walks share: the two screen sizes they check, and signing a staff
user in through the login form (the cookies of the previous user cleared first)."""

from playwright.sync_api import expect

from tests.factories import PASSWORD

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


def staff_sign_in(page, user) -> None:
    page.context.clear_cookies()
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_be_visible()
