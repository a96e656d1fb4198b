import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, admin_user, make_customer
from tickets.models import Survey, Ticket


def sign_in_customer(page, phone: str):
    page.goto("/portal/login/")
    page.get_by_label("Account number or phone").fill(phone)
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_customer_opens_a_ticket_agent_replies_and_resolves_customer_rates_it(page, browser, live_server):
    customer = make_customer(name="Farzana Haque", phone="01819000222", portal_password="portal-pass-1")
    agent = admin_user(username="agent.rina")

    # The customer opens a ticket from the portal.
    sign_in_customer(page, "01819-000222")
    page.get_by_role("link", name="My tickets").click()
    page.get_by_role("button", name="New ticket").click()
    page.get_by_label("What is it about?").select_option("slow_speed")
    page.get_by_label("Subject").fill("Slow every evening")
    page.get_by_label("Describe the problem").fill("Speed drops to 2 Mbps after 8 pm.")
    page.get_by_role("button", name="Send ticket").click()
    expect(page.locator("#ticket-status")).to_have_text("Open")
    ticket = Ticket.objects.get(customer=customer)
    ARTIFACTS.mkdir(exist_ok=True)

    # The agent finds it in the inbox, replies, and resolves it.
    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    staff.set_default_timeout(10_000)
    console = staff.new_page()
    console.goto("/staff/login/")
    console.get_by_label("Username").fill(agent.username)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.get_by_role("link", name="Tickets", exact=True).click()
    console.get_by_label("Show").select_option("unassigned")
    results = console.locator("#ticket-results")
    expect(results).to_contain_text("Slow every evening")
    results.get_by_role("link", name=ticket.number).click()
    console.get_by_label("Message").fill("We changed your router profile; please check tonight.")
    console.get_by_role("button", name="Send").click()
    expect(console.locator("#thread")).to_contain_text("changed your router profile")
    console.get_by_label("New status").select_option("resolved")
    console.get_by_role("button", name="Change status").click()
    expect(console.locator("#ticket-status")).to_have_text("Resolved")
    console.screenshot(path=str(ARTIFACTS / "tickets-staff-detail.png"), full_page=True)
    staff.close()

    # The customer sees the reply and the prompt, and rates the support.
    page.goto("/portal/")
    expect(page.locator("#survey-prompt")).to_contain_text(ticket.number)
    page.locator("#survey-prompt").get_by_role("link").first.click()
    expect(page.locator("#thread")).to_contain_text("changed your router profile")
    page.get_by_role("radio", name="4 stars").check()
    page.get_by_label("Anything to add? (optional)").fill("Better now, thanks")
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator("#survey")).to_contain_text("You rated this ticket 4 of 5")
    page.screenshot(path=str(ARTIFACTS / "tickets-portal-detail.png"), full_page=True)
    survey = Survey.objects.get(ticket=ticket)
    assert (survey.rating, survey.comment, survey.agent) == (4, "Better now, thanks", agent)
