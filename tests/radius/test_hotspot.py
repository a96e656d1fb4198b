"""Hotspot logins through the same FreeRADIUS (issue 37 items 7 and 8), against the real server.

A hotspot login is an Access-Request with Service-Type Login-User (RouterOS's hotspot), a PPP dial one
with Framed-User. The authorisation answers each for its own kind of login only, gives a hotspot
session no pool or framed address (the client has its DHCP address) and a Session-Timeout that ends
it when the paid time runs out. The simulator's hotspot login page then logs in through FreeRADIUS,
keeps the reply's rate limit and address list, sends accounting, and ends the session at its
Session-Timeout with a Stop whose cause says so."""

import math
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from pyrad import packet

from billing.models import BillingSettings
from customers.models import Subscription
from radius.models import AuthAttempt, PackageRadius, Session
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_simulator  # noqa: F401
from tests.factories import PackageFactory, RouterFactory, make_subscription
from tests.network.radius_fixtures import point_at
from tests.radius.conftest import Nas, accepted, accounting_written, attribute, recorded

pytestmark = pytest.mark.postgres

SECRET = "nas-secret-hs"


def hotspot_login(nas: Nas, username: str, password: str, *, address: str = "10.5.50.9"):
    """An Access-Request as RouterOS's hotspot sends it (login-by http-pap)."""
    request = nas.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request.add_message_authenticator()
    request["User-Password"] = request.PwCrypt(password)
    request["NAS-IP-Address"] = nas.address
    request["Service-Type"] = "Login-User"
    request["Called-Station-Id"] = "hotspot1"
    request["Calling-Station-Id"] = "A4:50:46:00:00:01"
    request["NAS-Port-Type"] = "Wireless-802.11"
    return recorded(nas.server, nas.client.SendPacket(request))


def last_attempt(username):
    return AuthAttempt.objects.filter(username=username).latest("authdate", "id")


def seconds_until_access_ends(paid_through, grace_days: int) -> int:
    """By hand: midnight after the last day of access (paid-through + grace) in the ISP's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    end = datetime.combine(paid_through + timedelta(days=grace_days + 1), time(0), tzinfo=zone)
    return math.ceil((end - timezone.now()).total_seconds())


def test_hotspot_login_gets_rate_and_list_no_pool_and_a_session_timeout_to_the_end_of_paid_access(freeradius):
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 2})
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET)
    package = PackageFactory(download_mbps=8, upload_mbps=4)
    PackageRadius.objects.create(package=package, pool="home-pool", address_list="hotspot-users")
    subscription = make_subscription(router=router, package=package, username="hs_rina", password="pw-Rina-1",
                                     connection_type="hotspot", activate=True)
    paid_through = timezone.localdate() + timedelta(days=5)
    Subscription.objects.filter(pk=subscription.pk).update(paid_through=paid_through)  # billing's field, set as billing would
    nas = Nas(freeradius(interim_interval=120), secret=SECRET)

    expected = seconds_until_access_ends(paid_through, 2)  # e.g. paid to the 30th + 2 days: to midnight starting the 3rd
    reply = hotspot_login(nas, "hs_rina", "pw-Rina-1")

    assert accepted(reply)
    assert attribute(reply, "Mikrotik-Rate-Limit") == "4M/8M"
    assert attribute(reply, "Mikrotik-Address-List") == "hotspot-users"
    assert attribute(reply, "Framed-Pool") is None and attribute(reply, "Framed-IP-Address") is None
    assert abs(attribute(reply, "Session-Timeout") - expected) <= 2
    assert attribute(reply, "Acct-Interim-Interval") == 120
    assert last_attempt("hs_rina").subscription_id == subscription.pk

    # No paid-through date known: no Session-Timeout.
    Subscription.objects.filter(pk=subscription.pk).update(paid_through=None)
    assert attribute(hotspot_login(nas, "hs_rina", "pw-Rina-1"), "Session-Timeout") is None


def test_a_login_is_answered_only_for_its_own_service(freeradius):
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET)
    make_subscription(router=router, username="hs_rina", password="pw-Rina-1", connection_type="hotspot", activate=True)
    make_subscription(router=router, username="karim", password="pw-Karim-1", connection_type="pppoe", activate=True)
    nas = Nas(freeradius(), secret=SECRET)

    pppoe_at_hotspot = hotspot_login(nas, "karim", "pw-Karim-1")
    assert not accepted(pppoe_at_hotspot) and attribute(pppoe_at_hotspot, "Mikrotik-Rate-Limit") is None
    assert (last_attempt("karim").accepted, last_attempt("karim").reason) == (False, "wrong_service")
    assert not accepted(nas.login("hs_rina", "pw-Rina-1"))  # a hotspot login dialled as PPPoE
    assert last_attempt("hs_rina").reason == "wrong_service"

    ppp = nas.login("karim", "pw-Karim-1")
    assert accepted(ppp) and attribute(ppp, "Session-Timeout") is None  # PPPoE answers are as before
    assert accepted(hotspot_login(nas, "hs_rina", "pw-Rina-1"))
    assert not accepted(hotspot_login(nas, "hs_rina", "wrong"))
    assert last_attempt("hs_rina").reason == "password_wrong"


def test_expired_hotspot_login_is_refused_or_walled_like_pppoe(freeradius):
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 0})
    router = RouterFactory(host="127.0.0.1", aaa_mode="radius", radius_secret=SECRET, suspended_address_list="suspended")
    subscription = make_subscription(router=router, username="hs_rina", password="pw-Rina-1", connection_type="hotspot", activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(paid_through=timezone.localdate() - timedelta(days=1))
    nas = Nas(freeradius(), secret=SECRET)

    assert not accepted(hotspot_login(nas, "hs_rina", "pw-Rina-1"))
    assert last_attempt("hs_rina").reason == "expired"

    BillingSettings.objects.filter(pk=1).update(blocked_access="walled_garden")
    walled = hotspot_login(nas, "hs_rina", "pw-Rina-1")
    assert accepted(walled)
    assert attribute(walled, "Mikrotik-Address-List") == "suspended"
    assert attribute(walled, "Mikrotik-Rate-Limit") is None and attribute(walled, "Session-Timeout") is None
    assert attribute(walled, "Framed-Pool") is None  # the walled-garden pool is a PPP pool


def test_simulator_hotspot_login_page_accounts_and_ends_the_session_at_its_timeout(freeradius, make_routeros_router, routeros_clock):
    BillingSettings.objects.update_or_create(pk=1, defaults={"grace_days": 0})
    sim = make_routeros_router()
    router = RouterFactory(host=sim.host, aaa_mode="radius", radius_secret=SECRET)
    package = PackageFactory(download_mbps=8, upload_mbps=4)
    PackageRadius.objects.create(package=package, address_list="hotspot-users")
    subscription = make_subscription(router=router, package=package, username="hs_rina", password="pw-Rina-1",
                                     connection_type="hotspot", activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(paid_through=timezone.localdate())  # access ends tonight
    server = freeradius(interim_interval=300)

    class Peer:  # where point_at sends the router: the real FreeRADIUS
        host, auth_port, acct_port = "127.0.0.1", server.auth_port, server.acct_port

    point_at(sim, Peer, secret=SECRET)
    # Without use-radius on the hotspot server profile the login page does not ask RADIUS.
    assert sim.hotspot_login("hs_rina", "pw-Rina-1").outcome == "refused"
    profile = sim.run("/ip/hotspot/profile/print")[0]
    # CHAP (RouterOS's default login-by) cannot be checked against an NT hash: refused as a wrong password.
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "use-radius": "yes"})
    assert sim.hotspot_login("hs_rina", "pw-Rina-1").outcome == "reject"
    assert last_attempt("hs_rina").reason == "password_wrong"
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "login-by": "cookie,http-pap"})

    result = sim.hotspot_login("hs_rina", "pw-Rina-1")

    assert result.outcome == "accept"
    timeout = result.attributes["Session-Timeout"][0]
    active = sim.run("/ip/hotspot/active/print")
    assert [(row["user"], row["server"], row["radius"]) for row in active] == [("hs_rina", "hotspot1", "true")]
    shown = sim.hotspot_session("hs_rina")
    assert shown["rate-limit"] == "4M/8M" and shown["address-list"] == "hotspot-users"
    assert accounting_written(sim, server)
    session = Session.objects.get(subscription=subscription)
    assert session.acctstoptime is None and session.servicetype == "Login-User" and session.calledstationid == "hotspot1"

    # Past midnight the paid time is over: the router ends the session (Stop, Session-Timeout); the
    # login cookie logs the client in again, and FreeRADIUS now answers "expired".
    Subscription.objects.filter(pk=subscription.pk).update(paid_through=timezone.localdate() - timedelta(days=1))
    routeros_clock.advance(timeout + 1)
    assert sim.hotspot_session("hs_rina") is None
    assert accounting_written(sim, server)
    session.refresh_from_db()
    assert session.acctterminatecause == "Session-Timeout" and session.acctsessiontime == timeout
    assert session.acctoutputoctets > 0
    assert last_attempt("hs_rina").reason == "expired"
    assert sim.run("/ip/hotspot/active/print") == []
    assert ("hotspot-users", shown["address"]) not in {(r["list"], r["address"]) for r in sim.run("/ip/firewall/address-list/print")}
