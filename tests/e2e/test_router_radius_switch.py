"""Staff switch a router to RADIUS mode in the browser (1366 px and 360 px): the confirmation
dialog, then the router itself, reconfigured by the outbox (run eagerly, against the RouterOS
simulator and a RADIUS peer on loopback), holds the /radius entry and no secrets, and the customer
who was online is still online."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from network.models import Router
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import PASSWORD, PackageFactory, RouterFactory, admin_user, make_subscription
from tests.network.radius_fixtures import SECRET, radius_peer  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 360])
def test_staff_switch_a_router_to_radius_and_nobody_is_dropped(browser, live_server, routeros_router, radius_peer, eager_outbox, settings, width):
    settings.RADIUS_SERVER_ADDRESS = settings.RADIUS_PROBE_ADDRESS = radius_peer.host
    settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT = radius_peer.auth_port, radius_peer.acct_port
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.5, 1
    sim = routeros_router
    router = RouterFactory(
        name="MIR-CORE-01", host=sim.host, api_port=sim.port, username=sim.username, radius_coa_port=sim.coa_port, radius_secret=SECRET,
    )
    make_subscription(router=router, package=PackageFactory(router_profile="HOME-20M"), username="rafiq.home", activate=True)
    online = sim.session("rafiq.home")["session-id"]

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900 if width > 400 else 740}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(admin_user().username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/staff/routers/{router.pk}/")
    page.get_by_role("button", name="Switch to RADIUS mode").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Connected customers stay connected")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"router-radius-switch-{width}.png"))
    dialog.get_by_role("button", name="Switch to RADIUS").click()
    expect(dialog.locator(".errorlist")).to_be_visible()  # not confirmed yet
    dialog.get_by_label("I understand").check()
    dialog.get_by_role("button", name="Switch to RADIUS").click()
    expect(page.locator("dialog[open]")).to_have_count(0)

    page.goto(f"/staff/routers/{router.pk}/")
    expect(page.locator("#router-aaa")).to_contain_text("RADIUS")
    expect(page.get_by_role("button", name="Switch to API mode")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"router-radius-detail-{width}.png"), full_page=True)
    assert Router.objects.get(pk=router.pk).aaa_mode == "radius"
    assert [row["address"] for row in sim.run("/radius/print")] == [radius_peer.host]
    assert not [row for row in sim.run("/ppp/secret/print") if row.get("name") == "rafiq.home"]
    assert sim.session("rafiq.home")["session-id"] == online
    context.close()
    assert not errors
