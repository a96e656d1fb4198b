"""Staff's Disconnect, end to end on loopback: the RouterOS simulator in RADIUS mode dials the real
FreeRADIUS (the session row is FreeRADIUS's own accounting), staff press Disconnect, the outbox entry
goes out through pyrad to the simulator's CoA port, the router ends the session and its Stop closes the
row. A router that refuses (NAK) or says nothing keeps the entry failing and retried, shown on the
customer's Sessions tab."""

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ispbill.core.models import AuditLog
from network import outbox
from network.models import ProvisioningTask
from radius import services
from radius.models import Session
from tests.factories import PackageFactory, RouterFactory, UserFactory, admin_user, make_subscription
from tests.network.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fresh_router_connections")]

SECRET = "nas-secret-disconnect"
Status = ProvisioningTask.Status


@pytest.fixture
def disconnect_online(routeros_router, freeradius, settings):
    """A RADIUS-mode router (the simulator) pointed at the real FreeRADIUS, with rahim dialled in."""
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.5, 1
    sim = routeros_router
    router = RouterFactory(
        name="core-sim", host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username,
        radius_coa_port=sim.coa_port, radius_secret=SECRET, aaa_mode="radius",
    )
    subscription = make_subscription(router=router, username="rahim", password="pw-Rahim-1", package=PackageFactory(), activate=True)
    outbox.outbox_drain(router_id=router.pk)  # activation on a RADIUS router: nothing to send
    server = freeradius()
    sim.run("/radius/add", service="ppp,hotspot", address="127.0.0.1", secret=SECRET,
            **{"authentication-port": str(server.auth_port), "accounting-port": str(server.acct_port), "timeout": "2s"})
    sim.run("/ppp/aaa/set", **{"use-radius": "yes", "accounting": "yes", "interim-update": "5m"})
    sim.run("/radius/incoming/set", accept="yes", port=str(sim.coa_port))
    assert sim.dial("rahim", "pw-Rahim-1").outcome == "accept"
    session = wait_for(lambda: Session.objects.filter(username="rahim", acctstoptime__isnull=True).first())
    return sim, router, subscription, session


def wait_for(probe, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_disconnect_goes_through_the_outbox_and_pyrad_and_the_router_ends_the_session(disconnect_online, client):
    sim, router, subscription, session = disconnect_online
    assert session.router_id == router.pk and session.subscription_id == subscription.pk
    assert session.acctsessionid == sim.session("rahim")["session-id"]
    staff = admin_user()
    client.force_login(staff)
    tab = client.get(reverse("staff:customer-detail", args=[subscription.customer_id]) + "?tab=sessions").content.decode()
    assert reverse("staff:radius-session-disconnect", args=[session.pk]) in tab and "Disconnect" in tab

    response = client.post(reverse("staff:radius-session-disconnect", args=[session.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Disconnect waiting" in response.content.decode()
    task = ProvisioningTask.objects.get(action=ProvisioningTask.Action.DISCONNECT)
    assert (task.router_id, task.subscription_id, task.desired["session_id"], task.created_by) == (router.pk, subscription.pk, session.acctsessionid, staff)
    assert AuditLog.objects.filter(action="radius.session_disconnect", actor=staff).exists()
    # A second press while it waits queues nothing more.
    client.post(reverse("staff:radius-session-disconnect", args=[session.pk]))
    assert ProvisioningTask.objects.filter(action=ProvisioningTask.Action.DISCONNECT).count() == 1

    outbox.outbox_drain(router_id=router.pk)

    task.refresh_from_db()
    assert (task.status, task.result) == (Status.DONE, "Disconnect: disconnected")
    kind, attributes = sim.state.radius.received[-1]
    assert (kind, attributes["User-Name"], attributes["Acct-Session-Id"]) == ("disconnect", ["rahim"], [session.acctsessionid])
    sim.flush_accounting()
    session.refresh_from_db()
    ended = wait_for(lambda: Session.objects.filter(pk=session.pk, acctstoptime__isnull=False).first())
    assert ended.acctterminatecause == "Admin-Reset"
    tab = client.get(reverse("staff:customer-detail", args=[subscription.customer_id]) + "?tab=sessions").content.decode()
    assert 'id="session-history"' in tab and "Admin-Reset" in tab  # the ended session, in the history with its cause


def test_a_nak_or_a_silent_router_keeps_the_disconnect_failing_and_shown(disconnect_online, client):
    sim, router, subscription, session = disconnect_online
    client.force_login(admin_user())
    sim.set_coa_fault("nak", disconnect=True)
    client.post(reverse("staff:radius-session-disconnect", args=[session.pk]))
    outbox.outbox_drain(router_id=router.pk)
    task = ProvisioningTask.objects.get(action=ProvisioningTask.Action.DISCONNECT)
    assert task.status == Status.FAILED and "refused to disconnect" in task.last_error and "Error-Cause 501" in task.last_error
    tab = client.get(reverse("staff:customer-detail", args=[subscription.customer_id]) + "?tab=sessions").content.decode()
    assert "Disconnect failed (attempt 1)" in tab and "refused to disconnect" in tab
    assert 'hx-trigger="every 5s"' in tab  # the tab follows the retry

    sim.set_coa_fault("silent", disconnect=True)
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(minutes=5))
    task.refresh_from_db()
    assert task.status == Status.FAILED and task.attempts == 2 and "did not answer the Disconnect-Request" in task.last_error
    assert Session.objects.get(pk=session.pk).acctstoptime is None  # still online, never dropped from the queue

    sim.set_coa_fault(None, disconnect=True)
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(hours=1))
    task.refresh_from_db()
    assert (task.status, task.result) == (Status.DONE, "Disconnect: disconnected")


@pytest.mark.django_db
def test_disconnect_refuses_an_ended_session_someone_elses_and_bad_input():
    router = RouterFactory(aaa_mode="radius", radius_secret=SECRET)
    subscription = make_subscription(router=router, username="karim", activate=True)
    ended = Session.objects.create(
        acctsessionid="a", acctuniqueid="u-a", username="karim", nasipaddress="127.0.0.1", router=router, subscription=subscription,
        acctstarttime=timezone.now() - timedelta(hours=2), acctstoptime=timezone.now(),
    )
    with pytest.raises(ValidationError):
        services.session_disconnect(actor=None, session=ended)
    assert not ProvisioningTask.objects.filter(action=ProvisioningTask.Action.DISCONNECT).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_disconnect_view_checks_permission_branch_and_method(client, method, branches_pair):
    north, south = branches_pair
    router = RouterFactory(aaa_mode="radius", radius_secret=SECRET)
    subscription = make_subscription(router=router, username="salma", activate=True, customer=south)
    session = Session.objects.create(
        acctsessionid="b", acctuniqueid="u-b", username="salma", nasipaddress="127.0.0.1", router=router, subscription=subscription,
        acctstarttime=timezone.now(),
    )
    url = reverse("staff:radius-session-disconnect", args=[session.pk])
    before = ProvisioningTask.objects.count(), AuditLog.objects.count()
    client.force_login(UserFactory(roles=["Support"]))  # sees sessions, may not disconnect
    assert getattr(client, method)(url).status_code in (403, 405)
    assert north.branch_id != south.branch_id
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[north.branch]))
    assert getattr(client, method)(url).status_code == (404 if method == "post" else 405)
    client.force_login(admin_user())
    assert client.post(reverse("staff:radius-session-disconnect", args=[10**12])).status_code == 404
    assert (ProvisioningTask.objects.count(), AuditLog.objects.count()) == before


@pytest.fixture
def branches_pair(db):
    from tests.factories import make_customer

    return make_customer(name="North One"), make_customer(name="South One")


@pytest.mark.django_db
def test_on_a_router_back_in_api_mode_disconnect_removes_the_active_session(routeros_router, settings):
    """A session from a router's RADIUS days, the router since switched back to API mode: the same
    Disconnect entry ends the login's /ppp active session over the API."""
    sim = routeros_router
    router = RouterFactory(name="api-sim", host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username)
    subscription = make_subscription(router=router, username="rubel", password="pw-Rubel-1", package=PackageFactory(), activate=True)
    outbox.outbox_drain(router_id=router.pk)  # the secret is written; the CPE dials it
    first = wait_for(lambda: sim.session("rubel"))["session-id"]
    session = Session.objects.create(
        acctsessionid=first, acctuniqueid="api-1", username="rubel", nasipaddress=sim.host, router=router, subscription=subscription,
        acctstarttime=timezone.now(),
    )

    task = services.session_disconnect(actor=None, session=session)
    outbox.outbox_drain(router_id=router.pk)

    task.refresh_from_db()
    assert (task.status, task.result) == (Status.DONE, "session dropped")
    assert sim.session("rubel") is None or sim.session("rubel")["session-id"] != first
