"""The RADIUS screens with rows as FreeRADIUS writes them: who is online (counts per router and area,
filters, pages, branch scope), a customer's Sessions tab with the last refused login, the portal's
connection history (only the customer's own), the routers' RADIUS health recomputed by hand, and
the Prometheus figures."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from radius.models import AuthAttempt, Session
from radius.selectors import LOGIN_TEST_STATION_PREFIX, radius_health
from tests.dashboard.test_prometheus import scrape
from tests.factories import AreaFactory, RouterFactory, UserFactory, make_customer, make_subscription

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def session(subscription, *, number, minutes_ago=10, stopped=False, ip="100.64.0.1", mac="AA:BB:CC:00:00:01", router=None):
    start = NOW - timedelta(minutes=minutes_ago)
    return Session.objects.create(
        acctsessionid=f"s-{number}", acctuniqueid=f"u-{number}", username=subscription.username, nasipaddress="10.0.0.1",
        router=router or subscription.router, subscription=subscription, acctstarttime=start, acctupdatetime=start,
        acctstoptime=start + timedelta(minutes=5) if stopped else None, acctsessiontime=300 if stopped else None,
        acctterminatecause="User-Request" if stopped else "", framedipaddress=ip, callingstationid=mac,
        acctinputoctets=1_500_000, acctoutputoctets=12_400_000_000,
    )


def attempt(router, *, accepted, minutes_ago, reason="", subscription=None, station="AA:BB:CC:00:00:01", username="someone"):
    return AuthAttempt.objects.create(
        username=username, router=router, subscription=subscription, accepted=accepted, reason=reason if not accepted else "",
        callingstationid=station, authdate=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def screens_network():
    """Two areas of two branches, two RADIUS routers, four customers: three online, one who was."""
    gulshan, mirpur = AreaFactory(name="Gulshan"), AreaFactory(name="Mirpur")
    core, edge = RouterFactory(name="core-1", aaa_mode="radius", radius_secret="a"), RouterFactory(name="edge-2", aaa_mode="radius", radius_secret="b")
    rahim = make_subscription(customer=make_customer(area=gulshan, name="Rahim Uddin"), router=core, username="rahim", activate=True)
    karim = make_subscription(customer=make_customer(area=gulshan, name="Karim Ali"), router=core, username="karim", activate=True)
    salma = make_subscription(customer=make_customer(area=mirpur, name="Salma Begum"), router=edge, username="salma", activate=True)
    nasir = make_subscription(customer=make_customer(area=mirpur, name="Nasir Khan"), router=edge, username="nasir", activate=True)
    return {
        "areas": (gulshan, mirpur), "routers": (core, edge), "subs": (rahim, karim, salma, nasir),
        "sessions": (
            session(rahim, number=1, minutes_ago=30, ip="100.64.0.11", mac="AA:BB:CC:00:00:11"),
            session(karim, number=2, minutes_ago=20, ip="100.64.0.12", mac="AA:BB:CC:00:00:12"),
            session(salma, number=3, minutes_ago=10, ip="100.64.0.13", mac="AA:BB:CC:00:00:13"),
            session(nasir, number=4, minutes_ago=90, stopped=True, ip="100.64.0.14"),
        ),
    }


def online_ids(response) -> list[str]:
    body = response.content.decode()
    found = [(body.index(f"<code>{name}</code>"), name) for name in ("rahim", "karim", "salma", "nasir") if f"<code>{name}</code>" in body]
    return [name for _, name in sorted(found)]


# Online now ---------------------------------------------------------------------------------------------------


def test_online_list_shows_who_is_online_since_when_ip_mac_nas_with_counts(staff_client, screens_network):
    response = staff_client.get(reverse("staff:radius-online"))
    body = response.content.decode()
    assert response.status_code == 200
    assert online_ids(response) == ["salma", "karim", "rahim"]  # newest first; nasir ended
    assert "100.64.0.12" in body and "AA:BB:CC:00:00:12" in body and "core-1" in body and "12.4 GB" in body
    per_router = body.split('id="online-per-router"')[1].split("</details>")[0]
    per_area = body.split('id="online-per-area"')[1].split("</details>")[0]
    assert "core-1</a> <strong>2</strong>" in per_router and "edge-2</a> <strong>1</strong>" in per_router
    assert "Gulshan</a> <strong>2</strong>" in per_area and "Mirpur</a> <strong>1</strong>" in per_area
    assert "3 sessions open" in body
    assert reverse("staff:router-detail", args=[screens_network["routers"][0].pk]) in body  # the NAS links to its router
    assert reverse("staff:radius-online") in staff_client.get(reverse("staff:home")).content.decode()  # in the navigation


def test_online_list_filters_search_and_pages(staff_client, screens_network, settings):
    core, edge = screens_network["routers"]
    gulshan, mirpur = screens_network["areas"]
    url = reverse("staff:radius-online")
    assert online_ids(staff_client.get(url, {"router": edge.pk})) == ["salma"]
    assert online_ids(staff_client.get(url, {"area": gulshan.pk})) == ["karim", "rahim"]
    assert online_ids(staff_client.get(url, {"q": "100.64.0.11"})) == ["rahim"]
    assert online_ids(staff_client.get(url, {"q": "00:00:12"})) == ["karim"]
    assert online_ids(staff_client.get(url, {"q": screens_network["subs"][2].customer.account_number})) == ["salma"]
    assert online_ids(staff_client.get(url, {"q": "nasir"})) == []  # not online
    region = staff_client.get(url, {"area": mirpur.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert region.startswith('\n<section id="online-list"') or region.lstrip().startswith('<section id="online-list"')
    settings.STAFF_LIST_PAGE_SIZE = 2
    assert online_ids(staff_client.get(url)) == ["salma", "karim"]
    second = staff_client.get(url, {"page": 2})
    assert online_ids(second) == ["rahim"] and "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("params", [
    {"router": "abc"}, {"router": "-1"}, {"router": "NaN"}, {"router": str(2**70)}, {"area": "1e9"}, {"area": "99999999"},
    {"q": "x" * 101}, {"router": ["1", "2"] * 200 + ["x"]},
])
def test_malformed_online_filters_are_400_and_list_nobody(staff_client, screens_network, params):
    response = staff_client.get(reverse("staff:radius-online"), params)
    assert response.status_code == 400 and online_ids(response) == []


def test_online_list_keeps_to_the_users_branches_and_needs_the_permission(client, screens_network):
    gulshan, mirpur = screens_network["areas"]
    client.force_login(UserFactory(roles=["Support"], branch_scope=[gulshan.branch]))
    response = client.get(reverse("staff:radius-online"))
    assert online_ids(response) == ["karim", "rahim"] and "Mirpur" not in response.content.decode()
    # Support may not open a router: the NAS column names it without a link to a 403.
    core = screens_network["routers"][0]
    assert "core-1" in response.content.decode() and reverse("staff:router-detail", args=[core.pk]) not in response.content.decode()
    assert client.get(reverse("staff:radius-online"), {"area": mirpur.pk}).status_code == 400  # not theirs to pick
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.get(reverse("staff:radius-online")).status_code == 403


# The customer's Sessions tab ---------------------------------------------------------------------------------


def test_sessions_tab_shows_open_sessions_history_and_the_last_refused_login(staff_client, screens_network):
    rahim = screens_network["subs"][0]
    core = screens_network["routers"][0]
    session(rahim, number=9, minutes_ago=600, stopped=True, ip="100.64.9.9")
    attempt(core, accepted=False, minutes_ago=5, reason="already_online", subscription=rahim, username="rahim")
    url = reverse("staff:customer-detail", args=[rahim.customer_id]) + "?tab=sessions"
    body = staff_client.get(url).content.decode()
    assert 'id="open-sessions"' in body and "100.64.0.11" in body
    history = body.split('id="session-history"')[1]
    assert "100.64.9.9" in history and "User-Request" in history and "5m 0s" in history
    assert "Already online on NAS core-1" in body
    # Another customer's sessions are not on this page.
    assert "100.64.0.12" not in body and "100.64.0.13" not in body
    region = staff_client.get(reverse("staff:radius-customer-sessions", args=[rahim.customer_id]), HTTP_HX_REQUEST="true")
    assert region.status_code == 200 and 'id="customer-sessions"' in region.content.decode()


def test_sessions_tab_of_another_branchs_customer_is_404(client, screens_network):
    gulshan, mirpur = screens_network["areas"]
    salma = screens_network["subs"][2]
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[gulshan.branch]))
    assert client.get(reverse("staff:customer-detail", args=[salma.customer_id]) + "?tab=sessions").status_code == 404
    assert client.get(reverse("staff:radius-customer-sessions", args=[salma.customer_id]), HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(reverse("staff:radius-session-disconnect", args=[screens_network["sessions"][2].pk])).status_code == 404


# The portal ------------------------------------------------------------------------------------------------------


def test_portal_connection_history_shows_only_the_customers_own_sessions(client, screens_network):
    from customers.services import customer_portal_access_set

    rahim = screens_network["subs"][0]
    session(rahim, number=8, minutes_ago=300, stopped=True, ip="100.64.8.8")
    customer_portal_access_set(actor=None, customer=rahim.customer, password="portal-pass-1")
    rahim.customer.refresh_from_db()
    client.force_login(rahim.customer.user)
    response = client.get(reverse("portal:connection-history"))
    body = response.content.decode()
    assert response.status_code == 200 and "100.64.0.11" in body and "100.64.8.8" in body and "Online now" in body
    for other in ("100.64.0.12", "100.64.0.13", "100.64.0.14"):
        assert other not in body
    assert reverse("portal:connection-history") in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:connection-history"), {"page": "abc"}).status_code == 200  # a bad page shows the first
    assert client.get(reverse("staff:radius-online")).status_code in (302, 403)


# RADIUS health (docs/radius.md, worked example) -------------------------------------------------------------------


@pytest.fixture
def answers():
    """docs/radius.md's example: core-1's answers over the last day."""
    core = RouterFactory(name="core-1", aaa_mode="radius", radius_secret="a")
    for _ in range(3):
        attempt(core, accepted=True, minutes_ago=30)
    attempt(core, accepted=False, minutes_ago=40, reason="password_wrong")
    for _ in range(4):
        attempt(core, accepted=True, minutes_ago=300)
    attempt(core, accepted=False, minutes_ago=310, reason="suspended")
    attempt(core, accepted=False, minutes_ago=320, reason="expired")
    attempt(core, accepted=False, minutes_ago=30 * 60, reason="password_wrong")  # over a day ago
    attempt(core, accepted=False, minutes_ago=10, reason="password_wrong", station=LOGIN_TEST_STATION_PREFIX + "abc")  # staff's test
    return core


def test_radius_health_recomputed_by_hand(answers):
    health = radius_health(router_ids=[answers.pk])[answers.pk]
    # Last hour: 3 accepted, 1 rejected -> 1 / 4 = 25.0 %. Last 24 h: 7 accepted, 3 rejected -> 3 / 10 = 30.0 %.
    assert (health.hour.accepts, health.hour.rejects, str(health.hour.reject_rate)) == (3, 1, "25.0")
    assert (health.day.accepts, health.day.rejects, str(health.day.reject_rate)) == (7, 3, "30.0")
    # The last request is the newest router answer, 30 minutes ago (staff's test 10 minutes ago is not the router).
    assert abs((timezone.now() - health.last_request_at) - timedelta(minutes=30)) < timedelta(minutes=1)
    quiet = RouterFactory(aaa_mode="radius", radius_secret="q")
    attempt(quiet, accepted=True, minutes_ago=3 * 24 * 60)
    old = radius_health(router_ids=[quiet.pk])[quiet.pk]
    assert old.hour.reject_rate is None and old.day.requests == 0 and old.last_request_at is not None


def test_router_page_and_list_show_radius_health(staff_client, answers):
    page = staff_client.get(reverse("staff:router-detail", args=[answers.pk])).content.decode()
    hour = page.split('data-testid="radius-hour">')[1].split("</dd>")[0]
    day = page.split('data-testid="radius-day">')[1].split("</dd>")[0]
    assert "3 accepted, 1 rejected" in hour and "25.0" in hour
    assert "7 accepted, 3 rejected" in day and "30.0" in day
    assert "30\xa0minutes ago" in page and reverse("staff:radius-login-test", args=[answers.pk]) in page
    listed = staff_client.get(reverse("staff:router-list")).content.decode()
    cell = listed.split(f'data-testid="router-aaa-{answers.pk}">')[1].split("</td>")[0]
    assert "RADIUS" in cell and "25.0" in cell and "30\xa0minutes ago" in cell


def test_prometheus_reject_ratio_per_radius_router(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    core = RouterFactory(name="core-1", aaa_mode="radius", radius_secret="a")
    RouterFactory(name="edge-2", aaa_mode="radius", radius_secret="b")
    RouterFactory(name="api-3", aaa_mode="api")
    for _ in range(3):
        attempt(core, accepted=True, minutes_ago=2)
    attempt(core, accepted=False, minutes_ago=1, reason="password_wrong")
    attempt(core, accepted=False, minutes_ago=6, reason="password_wrong")  # outside the five minutes
    attempt(core, accepted=False, minutes_ago=1, reason="password_wrong", station=LOGIN_TEST_STATION_PREFIX + "x")  # a test
    values = scrape(client, "s3cret-metrics-token")
    core_label, edge_label = (("router", "core-1"),), (("router", "edge-2"),)
    # core-1: 3 accepted, 1 rejected in the last 5 minutes -> 1 / 4 = 0.25.
    assert values[("ispbill_radius_accepts", core_label)] == 3 and values[("ispbill_radius_rejects", core_label)] == 1
    assert values[("ispbill_radius_reject_ratio", core_label)] == 0.25
    assert values[("ispbill_radius_accepts", edge_label)] == 0 and ("ispbill_radius_reject_ratio", edge_label) not in values
    assert not any(labels == (("router", "api-3"),) for name, labels in values if name.startswith("ispbill_radius"))
