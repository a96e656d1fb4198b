"""Staff suspend a subscription in the browser and the router detail shows what the router itself
now holds: the secret disabled and the session gone.

The outbox runs eagerly: the Celery app is switched to always-eager for this test, so the drain
task that every commit queues runs at once (in the web server's thread, after the suspension's
transaction commits) against the RouterOS simulator over TCP, exactly as the worker would run it.
"""

import pytest
from playwright.sync_api import expect

from network.models import ProvisioningTask

# The simulated-router fixtures live beside the network tests; this browser test uses them too.
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import PASSWORD, RouterFactory, admin_user, make_customer, make_subscription


@pytest.mark.django_db(transaction=True)
def test_staff_suspends_and_the_router_shows_the_secret_disabled_and_the_session_gone(page, routeros_router, eager_outbox):
    router = RouterFactory(
        name="MIR-CORE-01", host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username
    )
    customer = make_customer(name="Rafiqul Islam", phone="01713-222333")
    subscription = make_subscription(customer=customer, router=router, username="rafiq.home", activate=True)
    assert routeros_router.session("rafiq.home") is not None  # provisioned through the outbox, and dialled in

    page.goto("/staff/login/")
    page.get_by_label("Username").fill(admin_user().username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/staff/routers/{router.pk}/")
    sessions = page.locator("#router-sessions")
    expect(sessions).to_contain_text("rafiq.home")
    expect(sessions).to_contain_text(customer.account_number)

    page.goto(f"/staff/customers/{customer.pk}/?tab=subscriptions")
    page.locator(f"#subscription-{subscription.pk}").get_by_role("button", name="Suspend").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Suspension type").select_option("non_payment")
    dialog.get_by_label("Reason").fill("Two months unpaid")
    dialog.get_by_role("button", name="Suspend").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator("#customer-tab")).to_contain_text("Suspended")

    page.goto(f"/staff/routers/{router.pk}/")
    expect(page.locator("#router-sessions")).to_contain_text("Nobody is connected")
    page.get_by_placeholder("PPPoE or hotspot login").fill("rafiq.home")
    page.get_by_role("button", name="Look up").click()
    lookup = page.locator("#router-lookup")
    expect(lookup).to_contain_text("PPPoE secret")
    expect(lookup).to_contain_text("Disabled")
    expect(lookup).to_contain_text("Not connected")
    expect(lookup).to_contain_text(customer.account_number)

    queue = page.locator("#router-outbox")
    expect(queue).to_contain_text("Nothing waiting")
    queue.get_by_text("Recently applied").click()
    expect(queue).to_contain_text("secret updated, session dropped")

    secret = [row for row in routeros_router.run("/ppp/secret/print") if row["name"] == "rafiq.home"][0]
    assert secret["disabled"] == "true"
    assert routeros_router.session("rafiq.home") is None
    assert list(ProvisioningTask.objects.filter(subscription=subscription).values_list("action", "status")) == [
        ("provision", "done"), ("suspend", "done"),
    ]
