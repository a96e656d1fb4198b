"""Staff's "Test a login" against the real FreeRADIUS (our generated configuration, the test
database): ispbill asks from its own probe client (RADIUS_PROBE_SECRET, shortname 0) and names the
router in NAS-Identifier; FreeRADIUS answers exactly as it would that router's login. The password
is never stored or audited; the test's post-auth row stays out of the router's health figures."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pyrad import packet

from customers.models import Subscription
from ispbill.core.models import AuditLog
from radius import selectors, services
from radius.models import AuthAttempt, PackageRadius
from tests.factories import PackageFactory, RouterFactory, UserFactory, admin_user, make_subscription
from tests.radius.conftest import Nas, free_udp_port
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.postgres

SECRET = "nas-secret-login-test"
PROBE_SECRET = "probe-secret-for-ispbill"
PASSWORD = "pw-Test-Login-77"


@pytest.fixture
def probe(freeradius, settings):
    """FreeRADIUS with a client entry for ispbill itself (127.0.0.1); the routers are 127.0.0.2 and .3."""
    settings.RADIUS_PROBE_SECRET = PROBE_SECRET
    settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_PROBE_ADDRESS = "127.0.0.1"
    settings.RADIUS_COA_TIMEOUT = 3
    settings.RADIUS_COA_ATTEMPTS = 2

    def start():
        server = freeradius()
        settings.RADIUS_AUTH_PORT = server.auth_port
        return server

    return start


def radius_router(**kwargs):
    return RouterFactory(**{"host": "127.0.0.2", "aaa_mode": "radius", "radius_secret": SECRET, "name": "core-2", **kwargs})


def rows_with(text: str) -> int:
    """Audit rows whose before/after mention `text` (the password must be in none)."""
    return sum(text in f"{row.before} {row.after} {row.reason}" for row in AuditLog.objects.all())


def test_accepted_login_shows_the_reply_the_router_would_get_and_keeps_no_password(probe):
    router = radius_router()
    package = PackageFactory(download_mbps=20, upload_mbps=10)
    PackageRadius.objects.create(package=package, burst_download_mbps=30, burst_upload_mbps=15, pool="home-pool", address_list="home-users")
    subscription = make_subscription(router=router, username="alice", password=PASSWORD, package=package, activate=True)
    probe()
    staff = admin_user()

    result = services.login_test(actor=staff, router=router, username="alice", password=PASSWORD)

    assert result.accepted and result.text == "Accepted" and not result.walled_garden
    reply = dict(result.reply)
    assert reply["Mikrotik-Rate-Limit"] == "10M/20M 15M/30M 7500k/15000k 16/16"
    assert reply["Framed-Pool"] == "home-pool" and reply["Mikrotik-Address-List"] == "home-users"
    attempt = result.attempt
    assert (attempt.router_id, attempt.subscription_id, attempt.accepted) == (router.pk, subscription.pk, True)
    assert attempt.callingstationid.startswith(selectors.LOGIN_TEST_STATION_PREFIX)
    audit = AuditLog.objects.get(action="radius.login_test")
    assert audit.after == {"login": "alice", "accepted": True, "reason": "", "walled_garden": False} and audit.actor == staff
    assert rows_with(PASSWORD) == 0
    # A test is not the router's traffic: its health has no request.
    health = selectors.radius_health(router_ids=[router.pk])[router.pk]
    assert (health.last_request_at, health.hour.requests, health.day.requests) == (None, 0, 0)


def test_wrong_password_and_suspended_login_say_why(probe):
    router = radius_router()
    subscription = make_subscription(router=router, username="bob", password=PASSWORD, activate=True)
    probe()

    wrong = services.login_test(actor=None, router=router, username="bob", password="not-the-password")
    assert not wrong.accepted and wrong.text == "Password wrong" and wrong.reply == []

    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    suspended = services.login_test(actor=None, router=router, username="bob", password=PASSWORD)
    assert not suspended.accepted and suspended.text == "Suspended"
    assert list(AuthAttempt.objects.order_by("id").values_list("reason", flat=True)) == ["password_wrong", "suspended"]
    assert rows_with(PASSWORD) == 0 and rows_with("not-the-password") == 0


def test_already_online_names_the_nas_and_another_routers_login_is_unknown(probe):
    router = radius_router()
    other = radius_router(host="127.0.0.3", radius_secret="nas-secret-other", name="edge-3")
    make_subscription(router=router, username="carol", password=PASSWORD, activate=True)
    server = probe()
    nas = Nas(server, secret=SECRET, address="127.0.0.2")
    assert nas.login("carol", PASSWORD).code == packet.AccessAccept
    nas.accounting("Start", username="carol", session_id="s-1", Framed_IP_Address="100.64.0.9")

    online = services.login_test(actor=None, router=router, username="carol", password=PASSWORD)
    assert not online.accepted and online.text == "Already online on NAS core-2"

    elsewhere = services.login_test(actor=None, router=other, username="carol", password=PASSWORD)
    assert not elsewhere.accepted and elsewhere.text == "No such login on this router"


def test_a_routers_own_client_cannot_name_another_router(probe):
    """Only ispbill's probe client (shortname 0) may choose the router: a router sending the
    NAS-Identifier of a test is still answered as itself."""
    router = radius_router()
    other = radius_router(host="127.0.0.3", radius_secret="nas-secret-other", name="edge-3")
    make_subscription(router=other, username="dave", password=PASSWORD, activate=True)
    server = probe()
    nas = Nas(server, secret=SECRET, address="127.0.0.2")
    request = nas.client.CreateAuthPacket(code=packet.AccessRequest, User_Name="dave")
    request.add_message_authenticator()
    request["User-Password"] = request.PwCrypt(PASSWORD)
    request["NAS-Identifier"] = f"ispbill-login-test/{other.pk}"
    assert nas.client.SendPacket(request).code == packet.AccessReject
    attempt = AuthAttempt.objects.get(username="dave")
    assert (attempt.router_id, attempt.reason) == (router.pk, "unknown_user")


def test_without_a_probe_secret_or_on_an_api_router_the_test_is_refused(probe, settings):
    router = radius_router()
    api_router = RouterFactory(host="127.0.0.4", aaa_mode="api")
    probe()
    with pytest.raises(ValidationError, match="API mode|RADIUS mode"):
        services.login_test(actor=None, router=api_router, username="x", password="y")
    settings.RADIUS_PROBE_SECRET = ""
    with pytest.raises(ValidationError, match="RADIUS_PROBE_SECRET"):
        services.login_test(actor=None, router=router, username="x", password="y")
    assert AuthAttempt.objects.count() == 0 and not AuditLog.objects.filter(action="radius.login_test").exists()


def test_with_two_servers_the_test_is_answered_by_the_next_when_one_is_silent(probe, settings):
    """A site with two FreeRADIUS servers (RADIUS_SERVERS, docs/radius.md "Two servers"): the test asks
    them in the routers' order and takes the first answer."""
    router = radius_router()
    make_subscription(router=router, username="alice", password=PASSWORD, package=PackageFactory(), activate=True)
    server = probe()
    settings.RADIUS_PROBE_ADDRESS = ""  # each server at its own address
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.3, 1
    settings.RADIUS_SERVERS = f"127.0.0.1:{free_udp_port()},127.0.0.1:{server.auth_port}:{server.acct_port}"  # nothing on the first

    result = services.login_test(actor=None, router=router, username="alice", password=PASSWORD)
    assert result.accepted and result.attempt.router_id == router.pk

    settings.RADIUS_SERVERS = "radius.example.com"
    with pytest.raises(ValidationError, match="RADIUS servers setting cannot be read"):
        services.login_test(actor=None, router=router, username="alice", password=PASSWORD)
    assert AuthAttempt.objects.count() == 1


# Through the screen ----------------------------------------------------------------------------------


def test_router_page_dialog_runs_the_test_and_shows_the_answer(probe, client):
    router = radius_router()
    make_subscription(router=router, username="erin", password=PASSWORD, activate=True, static_ip="10.9.8.7")
    probe()
    client.force_login(admin_user())
    url = reverse("staff:radius-login-test", args=[router.pk])
    page = client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert url in page and "Test a login" in page

    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="login-test-dialog"' in dialog and 'type="password"' in dialog

    answer = client.post(url, {"username": "erin", "password": PASSWORD}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="login-test-dialog")
    body = answer.content.decode()
    assert answer.status_code == 200 and "Accepted" in body and "Framed-IP-Address" in body and "10.9.8.7" in body
    assert PASSWORD not in body  # never rendered back

    refused = client.post(url, {"username": "erin", "password": "wrong-one"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="login-test-dialog")
    assert refused.status_code == 200 and "Refused:" in refused.content.decode() and "Password wrong" in refused.content.decode()
    assert 'id="login-test-dialog"' in refused.content.decode()  # the dialog again, with the answer
    # Without JS: a page of its own.
    page = client.post(url, {"username": "erin", "password": PASSWORD})
    assert page.status_code == 200 and "<dialog" not in page.content.decode() and "Accepted" in page.content.decode()


@pytest.mark.parametrize("payload", [
    {},
    {"username": "erin"},
    {"password": PASSWORD},
    {"username": "", "password": PASSWORD},
    {"username": "e" * 65, "password": PASSWORD},
    {"username": "erin", "password": "p" * 129},
    {"username": "er\x01in", "password": PASSWORD},
    {"username": "erin", "password": "a\x00b"},
    {"username": ["e" * 65] * 300, "password": "NaN"},
    {"username": "ই" * 30, "password": PASSWORD},  # 30 characters, 90 bytes
    {"username": "erin", "password": "পাসওয়ার্ড" * 12},  # under 128 characters, over 128 bytes
])
@pytest.mark.django_db
def test_malformed_login_tests_send_nothing_and_change_nothing(client, settings, payload):
    """Refused by the form before any packet: nothing listens on the port, and the answer is the
    field's error, not "FreeRADIUS did not answer"."""
    settings.RADIUS_PROBE_SECRET = PROBE_SECRET
    settings.RADIUS_AUTH_PORT = free_udp_port()
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.2, 1
    router = radius_router()
    client.force_login(admin_user())
    before = AuthAttempt.objects.count(), AuditLog.objects.count()
    response = client.post(reverse("staff:radius-login-test", args=[router.pk]), payload)
    assert response.status_code == 400 and "did not answer" not in response.content.decode()
    assert (AuthAttempt.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.django_db
def test_login_test_needs_its_permission_and_a_visible_router(client, settings):
    settings.RADIUS_PROBE_SECRET = PROBE_SECRET
    router = radius_router()
    client.force_login(UserFactory(roles=["Support"]))
    before = AuditLog.objects.count()
    assert client.post(reverse("staff:radius-login-test", args=[router.pk]), {"username": "a", "password": "b"}).status_code == 403
    client.force_login(admin_user())
    assert client.get(reverse("staff:radius-login-test", args=[10**9])).status_code == 404
    assert AuditLog.objects.count() == before


def test_a_walled_garden_login_is_accepted_into_the_garden_and_says_why(probe):
    from billing.models import BillingSettings

    BillingSettings.objects.update_or_create(pk=1, defaults={"blocked_access": "walled_garden", "walled_garden_pool": "expired-pool"})
    router = radius_router(suspended_address_list="walled")
    subscription = make_subscription(router=router, username="fatema", password=PASSWORD, activate=True)
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    probe()

    result = services.login_test(actor=None, router=router, username="fatema", password=PASSWORD)

    assert result.accepted and result.walled_garden and result.text == "Accepted into the walled garden (Suspended)"
    assert dict(result.reply) == {"Framed-Pool": "expired-pool", "Mikrotik-Address-List": "walled", "Acct-Interim-Interval": "300"}


def test_a_hotspot_login_is_tested_as_the_hotspot_asks(probe):
    """A hotspot customer's login is asked as RouterOS's hotspot asks it (Service-Type Login-User):
    asked as a PPP dial-in it would be refused as the wrong service (radius/0007)."""
    router = radius_router()
    make_subscription(router=router, username="hs_test", password=PASSWORD, connection_type="hotspot", activate=True)
    probe()

    result = services.login_test(actor=admin_user(), router=router, username="hs_test", password=PASSWORD)

    assert result.accepted and result.text == "Accepted"
    reply = dict(result.reply)
    assert reply["Mikrotik-Rate-Limit"] and "Framed-Pool" not in reply and "Framed-IP-Address" not in reply
    assert (result.attempt.reason, result.attempt.accepted) == ("", True)
