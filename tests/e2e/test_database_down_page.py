"""A customer on a phone while PostgreSQL cannot be reached: a clear page that fits 360 px (no
traceback), and the portal back as soon as the database is (issue 39; bench/faults.py runs the
drill against a real cluster)."""

import socket

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_customer, make_subscription


def _dead_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return str(sock.getsockname()[1])


@pytest.mark.django_db(transaction=True)
def test_portal_answers_a_clear_page_while_the_database_is_down_and_recovers(phone_page):
    customer = make_customer(name="Rina Akter", phone="01819000333", portal_password="portal-pass-2")
    make_subscription(customer=customer, activate=True, username="rina.down")
    phone_page.set_default_timeout(60_000)  # a shared, loaded machine: the first page imports every view
    phone_page.goto("/portal/login/")
    phone_page.get_by_label("Account number or phone").fill(customer.account_number)
    phone_page.get_by_label("Password").fill("portal-pass-2")
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Rina Akter")

    # The database goes away: every connection of the test database is cut (the live server's
    # included) and new ones point at a port nothing listens on (the settings dict is shared).
    settings_dict = connection.settings_dict
    saved_port = settings_dict["PORT"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    settings_dict["PORT"] = _dead_port()
    try:
        answer = phone_page.goto("/portal/")
        assert answer.status == 503
        expect(phone_page.get_by_role("heading", level=1)).to_have_text("Briefly unavailable")
        assert "Traceback" not in phone_page.content()
        width = phone_page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 360, f"the error page is {width}px wide"
        ARTIFACTS.mkdir(exist_ok=True)
        phone_page.screenshot(path=str(ARTIFACTS / "database-down-360.png"), full_page=True)
    finally:
        settings_dict["PORT"] = saved_port

    phone_page.get_by_role("link", name="Try again").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Rina Akter")
