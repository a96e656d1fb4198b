"""Support take the calls: signed in as Support, the ticket of a customer in an area with an active
outage says so at the top, and the outage opens from there (security review, finding 11)."""

import pytest
from playwright.sync_api import expect

from network import outages
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, AreaFactory, UserFactory, admin_user, make_customer
from tickets import services as ticket_services


@pytest.mark.django_db(transaction=True)
def test_support_sees_the_active_outage_on_the_ticket_and_opens_it(page):
    area = AreaFactory(name="Mirpur 10")
    customer = make_customer(area=area, name="Nusrat Jahan")
    ticket = ticket_services.ticket_create(actor=None, customer=customer, category="no_connection",
                                           subject="No internet since morning", description="Red light on the router")
    outages.outage_declare(actor=admin_user(), title="Fibre cut at Mirpur 10 market", areas=[area])
    agent = UserFactory(username="support.rina", roles=["Support"])

    page.goto("/staff/login/")
    page.get_by_label("Username").fill(agent.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/staff/tickets/{ticket.pk}/")
    notice = page.locator("#customer-outage-notice")
    expect(notice).to_contain_text("Active outage in this customer's area")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "support-ticket-outage.png"), full_page=False)
    notice.get_by_role("link", name="Fibre cut at Mirpur 10 market").click()
    expect(page.get_by_role("heading", name="Fibre cut at Mirpur 10 market")).to_be_visible()
