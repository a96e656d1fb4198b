"""A site with two FreeRADIUS servers (issue #52, item 3; docs/radius.md, "Two servers"), with nothing
standing in for anything: two instances of `radius_serve`'s supervisor on the test database (each its
own directory, ports, spools and role, as a second `manage.py radius_serve` runs), the RouterOS
simulator as the router (its API for the mode switch, its RADIUS client for logins and accounting, its
CoA port) and the outbox applying every change as the worker does.

A router switched to RADIUS mode gets both servers' /radius entries, in order; its customer logs in
through the first; when the first server is killed, the router passes over it and the customer logs in
through the second, whose accounting reaches the same database; and a suspension's Disconnect, sent
by the application itself, reaches the router whichever server authenticated the session."""


from functools import partial

import pytest
from django.utils import timezone

from customers.models import Subscription
from network import outbox, services
from network.models import ProvisioningTask, Router
from radius.models import AuthAttempt, Session
from tests import waiting
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from tests.radius.conftest import accounting_written, radius_supervisor  # noqa: F401
from usecases.subscription_suspend import subscription_suspend

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fresh_router_connections")]

PASSWORD = "pw-Rahim-1"


eventually = partial(waiting.eventually, seconds=15.0)


def drained(router: Router) -> bool:
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timezone.timedelta(hours=1))
    return not ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).exists()


def test_a_router_with_both_servers_logs_in_through_the_second_when_the_first_is_killed(radius_supervisor, routeros_router, settings):
    sim = routeros_router
    # Both started before any request: the second instance's start (a role and a password of its own)
    # does not lock the first one out of the database.
    first = radius_supervisor()
    second = radius_supervisor(directory="raddb-2", db_user="ispbill_radius_two")
    assert first.directory != second.directory and first.options.auth_port != second.options.auth_port
    assert "user='ispbill_radius_two'" in (second.directory / "mods-available" / "sql").read_text()
    assert "user='ispbill_radius'" in (first.directory / "mods-available" / "sql").read_text()
    settings.RADIUS_SERVERS = ",".join(
        f"127.0.0.1:{server.options.auth_port}:{server.options.acct_port}" for server in (first, second)
    )
    settings.RADIUS_PROBE_ADDRESS = settings.RADIUS_PROBE_SECRET = settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 1.0, 2
    router = RouterFactory(name="MIR-CORE-02", host=sim.host, api_port=sim.port, username=sim.username, radius_coa_port=sim.coa_port)
    subscription = make_subscription(router=router, package=PackageFactory(download_mbps=20, upload_mbps=10), username="rahim",
                                     password=PASSWORD, activate=True)
    assert eventually(lambda: drained(router))  # API mode: the secret is on the router

    services.router_switch_aaa_mode(actor=admin_user(), router=router, mode=Router.AaaMode.RADIUS)
    router.refresh_from_db()
    # Both instances follow the router's new client (NOTIFY, clients.conf, restart); the probe is answered.
    assert eventually(lambda: drained(router), message=lambda: "\n".join(radius_supervisor.lines[-20:]))
    assert first.restarts >= 1 and second.restarts >= 1
    entries = [(row["comment"], row["service"], row["address"], row["authentication-port"], row["accounting-port"], row["secret"])
               for row in sim.run("/radius/print")]
    assert entries == [
        ("ispbill", "ppp,hotspot", "127.0.0.1", str(first.options.auth_port), str(first.options.acct_port), router.radius_secret),
        ("ispbill-2", "ppp,hotspot", "127.0.0.1", str(second.options.auth_port), str(second.options.acct_port), router.radius_secret),
    ]

    # The customer's CPE redials (no local secret now): through the first server.
    sim.drop_session("rahim")
    one = eventually(lambda: sim.session("rahim"))
    assert one["radius"] == "true" and one["rate-limit"] == "10M/20M"
    assert sim.state.radius.last_server == f"127.0.0.1:{first.options.auth_port}"
    assert accounting_written(sim, first)

    # The first server is killed: the router passes over it (its timeout) and asks the second.
    radius_supervisor.stop(first)
    assert not first.running()
    sim.drop_session("rahim")
    two = eventually(lambda: (session := sim.session("rahim")) and session["session-id"] != one["session-id"] and session,
                     message=lambda: f"rejects {sim.state.radius_rejects}; " + "\n".join(radius_supervisor.lines[-10:]))
    assert two["radius"] == "true" and two["rate-limit"] == "10M/20M"
    assert sim.state.radius.last_server == f"127.0.0.1:{second.options.auth_port}"
    # The first session's Stop and the second's Start went to the second server, into the same database.
    assert accounting_written(sim, second)
    sessions = list(Session.objects.filter(subscription=subscription).order_by("acctstarttime", "radacctid")
                    .values_list("acctsessionid", "acctstoptime", "router_id"))
    assert [(sid, stop is None, router_id) for sid, stop, router_id in sessions] == [
        (one["session-id"], False, router.pk), (two["session-id"], True, router.pk),
    ]
    assert AuthAttempt.objects.filter(username="rahim", accepted=True, router_id=router.pk).count() == 2

    # A suspension: the application sends the Disconnect itself (from this host, which is a /radius
    # address of the router), so it reaches the router whichever server authenticated the session.
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    assert eventually(lambda: drained(router))
    suspension = ProvisioningTask.objects.filter(subscription=subscription, action="suspend").latest("pk")
    assert suspension.result == "Disconnect: disconnected"
    kind, attributes = sim.state.radius.received[-1]
    assert (kind, attributes["User-Name"]) == ("disconnect", ["rahim"])
    # The CPE dials again and the second server refuses the suspended login (the ISP's default).
    assert sim.dial("rahim").outcome == "reject"
    assert sim.state.radius.last_server == f"127.0.0.1:{second.options.auth_port}"
    refused = AuthAttempt.objects.filter(username="rahim").latest("authdate", "id")
    assert (refused.accepted, refused.reason, refused.router_id) == (False, "suspended", router.pk)
