"""The RADIUS screens in Chromium: who is online (filters, counts, 360 px), a customer's Sessions tab
with Disconnect (sent through the outbox and pyrad to the RouterOS simulator's CoA port), and "Test a
login" on a router page against the real FreeRADIUS. Screenshots in test-artifacts/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from network.models import ProvisioningTask
from radius.models import PackageRadius, Session
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import PASSWORD, AreaFactory, PackageFactory, RouterFactory, admin_user, make_customer, make_subscription
from tests.network.radius_fixtures import SECRET, point_at, radius_peer  # noqa: F401
from tests.radius.conftest import freeradius  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def signed_in(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900 if width > 400 else 740}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(admin_user().username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/**")
    return context, page, errors


def no_sideways_scroll(page, what):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{what} scrolls sideways"


def online_session(subscription, *, number, minutes_ago, ip, router=None, session_id=None):
    start = timezone.now() - timedelta(minutes=minutes_ago)
    return Session.objects.create(
        acctsessionid=session_id or f"e2e-{number}", acctuniqueid=f"e2e-u-{number}", username=subscription.username,
        nasipaddress="127.0.0.1", router=router or subscription.router, subscription=subscription, acctstarttime=start,
        acctupdatetime=start, framedipaddress=ip, callingstationid=f"AA:BB:CC:00:00:{number:02d}", acctinputoctets=2_000_000,
        acctoutputoctets=45_000_000,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_online_page_filters_counts_and_fits_a_phone(browser, live_server, width):
    gulshan, mirpur = AreaFactory(name="Gulshan"), AreaFactory(name="Mirpur")
    core = RouterFactory(name="DHK-CORE-01", aaa_mode="radius", radius_secret="a")
    edge = RouterFactory(name="MIR-EDGE-02", aaa_mode="radius", radius_secret="b")
    people = [("rahim.gulshan", gulshan, core), ("karim.gulshan", gulshan, core), ("salma.mirpur", mirpur, edge)]
    for number, (login, area, router) in enumerate(people, start=1):
        subscription = make_subscription(customer=make_customer(area=area, name=login.split(".")[0].title() + " Uddin"), router=router, username=login, activate=True)
        online_session(subscription, number=number, minutes_ago=10 * number, ip=f"100.64.1.{number}")

    context, page, errors = signed_in(browser, live_server, width)
    page.goto("/staff/online/")
    expect(page.get_by_role("heading", name="Online now")).to_be_visible()
    expect(page.locator("#online-table tbody tr")).to_have_count(3)
    expect(page.locator("#online-per-router")).to_contain_text("DHK-CORE-01 2")
    expect(page.locator("#online-per-area")).to_contain_text("Mirpur 1")
    no_sideways_scroll(page, f"online list at {width}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"radius-online-{width}.png"), full_page=True)

    page.locator("#id_area").select_option(label="Gulshan")
    expect(page.locator("#online-table tbody tr")).to_have_count(2)
    expect(page.locator("#online-table")).not_to_contain_text("salma.mirpur")
    assert "area=" in page.url  # the filter is in the address: a reload or a shared link keeps it
    page.locator("#id_area").select_option(label="Every area")
    page.locator("#id_q").fill("100.64.1.3")
    expect(page.locator("#online-table tbody tr")).to_have_count(1)
    expect(page.locator("#online-table")).to_contain_text("salma.mirpur")
    page.screenshot(path=str(ARTIFACTS / f"radius-online-search-{width}.png"), full_page=True)
    page.locator("#online-per-router").get_by_role("link", name="DHK-CORE-01").click()
    expect(page.locator("#online-table tbody tr")).to_have_count(2)
    context.close()
    assert not errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_customer_sessions_tab_disconnects_through_the_outbox(browser, live_server, routeros_router, radius_peer, eager_outbox, settings, width):
    """The simulator in RADIUS mode (a RADIUS peer on loopback accepts the dial); the session row as
    FreeRADIUS's accounting would have it; Disconnect goes out through the worker (eager) and pyrad."""
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.5, 1
    sim = routeros_router
    router = RouterFactory(
        name="MIR-CORE-01", host=sim.host, api_port=sim.port, username=sim.username, radius_coa_port=sim.coa_port,
        radius_secret=SECRET, aaa_mode="radius",
    )
    point_at(sim, radius_peer)
    radius_peer.users["rafiq.home"] = ("pw-Rafiq-1", {"Mikrotik-Rate-Limit": "10M/20M"})
    subscription = make_subscription(router=router, username="rafiq.home", password="pw-Rafiq-1", activate=True)
    assert sim.dial("rafiq.home", "pw-Rafiq-1").outcome == "accept"
    live = sim.session("rafiq.home")["session-id"]
    session = online_session(subscription, number=1, minutes_ago=42, ip="100.64.7.7", session_id=live)

    context, page, errors = signed_in(browser, live_server, width)
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm's "Disconnect … now?"
    page.goto(f"/staff/customers/{subscription.customer_id}/")
    page.locator("nav.tabs").get_by_role("link", name="Sessions").click()
    expect(page.locator("#open-sessions")).to_contain_text("100.64.7.7")
    no_sideways_scroll(page, f"sessions tab at {width}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"radius-sessions-tab-{width}.png"), full_page=True)

    page.locator(f"#session-{session.pk}").get_by_role("button", name="Disconnect").click()
    expect(page.locator("#customer-sessions-messages")).to_contain_text("Disconnect of rafiq.home queued")
    expect(page.locator('[data-testid="disconnect-state"]')).to_contain_text("Disconnect sent")
    page.screenshot(path=str(ARTIFACTS / f"radius-sessions-disconnected-{width}.png"), full_page=True)
    task = ProvisioningTask.objects.get(action=ProvisioningTask.Action.DISCONNECT)
    assert (task.status, task.result) == ("done", "Disconnect: disconnected")
    kind, attributes = sim.state.radius.received[-1]
    assert (kind, attributes["Acct-Session-Id"]) == ("disconnect", [live])
    assert sim.session("rafiq.home")["session-id"] != live  # ended; the CPE dialled again
    context.close()
    assert not errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_router_test_a_login_against_freeradius(browser, live_server, freeradius, settings):
    settings.RADIUS_PROBE_SECRET = "probe-secret-e2e"
    settings.RADIUS_PROBE_ADDRESS = "127.0.0.1"
    settings.RADIUS_COA_SOURCE_ADDRESS = ""
    router = RouterFactory(name="DHK-CORE-07", host="127.0.0.2", aaa_mode="radius", radius_secret="nas-secret-e2e")
    package = PackageFactory(download_mbps=20, upload_mbps=10)
    PackageRadius.objects.create(package=package, pool="home-pool")
    make_subscription(router=router, username="nadia.home", password="pw-Nadia-1", package=package, activate=True)
    server = freeradius()
    settings.RADIUS_AUTH_PORT = server.auth_port

    context, page, errors = signed_in(browser, live_server, 1280)
    page.goto(f"/staff/routers/{router.pk}/")
    expect(page.locator("#router-radius")).to_contain_text("none yet")
    page.get_by_role("button", name="Test a login").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Login").fill("nadia.home")
    dialog.get_by_label("Password").fill("pw-Nadia-1")
    dialog.get_by_role("button", name="Test").click()
    expect(dialog.locator('[data-testid="login-test-verdict"]')).to_have_text("Accepted")
    expect(dialog).to_contain_text("10M/20M")
    expect(dialog).to_contain_text("home-pool")
    expect(dialog.get_by_label("Password")).to_have_value("")  # never shown again
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "radius-login-test-accept.png"))

    dialog.get_by_label("Password").fill("")
    dialog.get_by_role("button", name="Test").click()
    expect(dialog.locator(".errorlist")).to_be_visible()  # a 400 with the field's error, shown in the dialog
    dialog.get_by_label("Password").fill("not-her-password")
    dialog.get_by_role("button", name="Test").click()
    expect(dialog.locator('[data-testid="login-test-verdict"]')).to_have_text("Refused: Password wrong")
    page.screenshot(path=str(ARTIFACTS / "radius-login-test-reject.png"))
    dialog.get_by_role("button", name="Close").last.click()
    page.goto(f"/staff/routers/{router.pk}/")  # the tests are not the router's traffic: still none
    expect(page.locator("#router-radius")).to_contain_text("none yet")
    page.screenshot(path=str(ARTIFACTS / "radius-router-page.png"), full_page=True)
    context.close()
    assert not errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_router_page_warns_of_a_wrong_shared_secret_freeradius_dropped(browser, live_server, width):
    """Issue #51 item 7: signed requests FreeRADIUS dropped (radius_serve read its log) shown on the router page."""
    from radius.services import bad_secret_drops_record

    router = RouterFactory(name="DHK-CORE-01", aaa_mode="radius", radius_secret="a")
    bad_secret_drops_record(router_id=router.pk, drops=12, at=timezone.now() - timedelta(minutes=3))
    context, page, errors = signed_in(browser, live_server, width)
    page.goto(f"/staff/routers/{router.pk}/")
    warning = page.get_by_test_id("radius-bad-secret")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Wrong shared secret suspected")
    expect(page.get_by_test_id("radius-bad-secret-dropped")).to_contain_text("12 signed login requests dropped by FreeRADIUS")
    no_sideways_scroll(page, "router page")
    warning.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"router-bad-secret-dropped-{width}.png"))
    assert not errors
    context.close()
