"""Issue 37's "Done when", as one test per connection type, with nothing standing in for anything:

the real FreeRADIUS run by `radius_serve`'s supervisor on PostgreSQL, the RouterOS simulator as the
router (its API for the mode switch, its RADIUS client for logins and accounting, its CoA port), the
outbox applying every change as the worker does, the staff console's suspend action over HTTP, and the
customer paying in the portal through the SSLCommerz emulator (live server, IPN and all).

A router switched to RADIUS mode through the router service authenticates the customer through
FreeRADIUS (PPPoE dial, or the hotspot login page); suspending the customer in the console sends a
Disconnect and the next login lands in the walled garden (no rate limit, the router's suspended
address list; PPPoE also the walled-garden pool); paying in the portal reactivates the connection,
the outbox sends a Disconnect and the next login is back at full speed in the package's address
list; every session is in radius_radacct (the session history) with how it ended, and its octets
reach the usage roll-ups.
"""

import csv
import io
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingSettings
from customers.models import Subscription
from ispbill.core.models import AuditLog
from network import outbox, services
from network.models import ProvisioningTask, Router, UsageDaily
from radius.models import AuthAttempt, PackageRadius, Session
from radius.usage import accounting_usage_collect
from tests import waiting
from tests.demo.conftest import make_routeros_router, routeros_clock, routeros_router, routeros_simulator  # noqa: F401
from tests.factories import PackageFactory, RouterFactory, admin_user, make_customer, make_subscription
from tests.payments.conftest import billing_settings, charge  # noqa: F401
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401
from tests.radius.conftest import accounting_written, radius_supervisor, spool_drained  # noqa: F401

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("fresh_router_connections")]

FULL_RATE = "10M/20M"  # a 20/10 Mbps package: upload first, as the router sees it
PASSWORD = "pw-Karim-1"


# 60 s: under the full suite on two cores the outbox, FreeRADIUS and the simulator share the CPU
# with the other worker; a Disconnect once took over 20 s there (each step returns as soon as it holds).
eventually = partial(waiting.eventually, seconds=60.0)


def state(sim, kind: str, username: str, radius_supervisor) -> str:
    """What a step waiting for a login saw last: the router's session, its RADIUS rejects and pending
    dials, our last login attempts and tasks, FreeRADIUS's last lines."""
    attempts = list(AuthAttempt.objects.filter(username=username).order_by("-authdate", "-id")
                    .values_list("authdate", "accepted", "walled_garden", "reason")[:5])
    tasks = list(ProvisioningTask.objects.order_by("-pk").values_list("action", "status", "result")[:5])
    router = sim.state
    return "\n".join([
        f"session: {login(sim, kind, username)}", f"rejects: {router.radius_rejects}",
        f"dials pending: {router._dials}, hotspot logins pending: {router._hotspot_logins}",
        f"attempts: {attempts}", f"tasks: {tasks}", *radius_supervisor.lines[-15:],
    ])


def drained(router: Router) -> bool:
    """The worker's drain, run here: True once nothing is left in the router's queue."""
    outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timezone.timedelta(hours=1))
    return not ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).exists()


def login(sim, kind: str, username: str):
    """What the router has for the customer now: the PPPoE session (the CPE dials by itself) or the
    hotspot session (the browser's login cookie logs in again; the first time, the login page)."""
    return sim.session(username) if kind == "pppoe" else sim.hotspot_session(username)


@pytest.mark.slow(seconds=5)  # FreeRADIUS, the simulator and the outbox end to end, waits of up to 60 s: `make test-slow`
@pytest.mark.parametrize("kind", ["pppoe", "hotspot"])
def test_radius_router_suspend_walled_garden_pay_full_speed_and_history(
    kind, radius_supervisor, routeros_router, routeros_clock, gateway, billing_settings, client, settings,
):
    sim = routeros_router
    server = radius_supervisor(check_every=600)  # only the routers' NOTIFY restarts it
    settings.RADIUS_SERVER_ADDRESS = settings.RADIUS_PROBE_ADDRESS = "127.0.0.1"
    settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT = server.options.auth_port, server.options.acct_port
    settings.RADIUS_PROBE_SECRET = settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 1.0, 2
    BillingSettings.objects.filter(pk=1).update(blocked_access="walled_garden", walled_garden_pool="expired")

    router = RouterFactory(
        name="MIR-CORE-01", host=sim.host, api_port=sim.port, username=sim.username, radius_coa_port=sim.coa_port,
        suspended_address_list="suspended",
    )
    package = PackageFactory(download_mbps=20, upload_mbps=10)
    PackageRadius.objects.create(package=package, pool="home-pool", address_list="home-users")
    customer = make_customer(name="Karim Hossain", phone="01711-555666", portal_password="portal-pass-1")
    username = "karim.home" if kind == "pppoe" else "hs_karim"
    subscription = make_subscription(
        customer=customer, router=router, package=package, username=username, password=PASSWORD,
        connection_type=kind, activate=True,
    )
    assert eventually(lambda: drained(router))  # API mode: the secret (or hotspot user) is on the router
    charge(customer, "1000.00", days_ago=20)

    # The demo router is switched to RADIUS mode through the router service, as the router page does.
    services.router_switch_aaa_mode(actor=admin_user(), router=router, mode=Router.AaaMode.RADIUS)
    router.refresh_from_db()
    # radius_serve follows the router's new client (trigger, NOTIFY, restart); the switch's probe then
    # gets its answer and the local logins are removed.
    eventually(lambda: drained(router), seconds=30, message=lambda: "\n".join(radius_supervisor.lines[-20:]))
    switch = ProvisioningTask.objects.get(router=router, action="aaa_mode")
    assert switch.status == "done" and "FreeRADIUS answered" in switch.result
    assert server.restarts >= 1
    assert not [row for row in sim.run("/ppp/secret/print") if row["name"] == username]
    assert not [row for row in sim.run("/ip/hotspot/user/print") if row["name"] == username]

    # 1. The customer logs in through FreeRADIUS at full speed.
    if kind == "pppoe":
        sim.drop_session(username)  # the CPE redials: no local secret now, so RADIUS
    else:
        assert sim.hotspot_login(username, PASSWORD).outcome == "accept"
    first = eventually(lambda: login(sim, kind, username))
    assert first["radius"] == "true" and first["rate-limit"] == FULL_RATE and first["address-list"] == "home-users"
    entries = {(row["list"], row["address"]) for row in sim.run("/ip/firewall/address-list/print")}
    assert ("home-users", first["address"]) in entries
    assert accounting_written(sim, server)
    opened = eventually(lambda: Session.objects.filter(subscription=subscription, acctstoptime__isnull=True).first())
    assert opened.acctsessionid == first["session-id"] and opened.router_id == router.pk
    assert opened.servicetype == ("Framed-User" if kind == "pppoe" else "Login-User")
    routeros_clock.advance(600)  # ten minutes of traffic

    # 2. Staff suspend the customer in the console: Disconnect; the next login is walled.
    client.force_login(admin_user())
    response = client.post(
        reverse("staff:subscription-suspend", args=[subscription.pk]), {"suspension_type": "non_payment", "reason": "Unpaid"},
    )
    assert response.status_code in (200, 302)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    assert eventually(lambda: drained(router))
    suspend = ProvisioningTask.objects.filter(subscription=subscription, action="suspend").latest("pk")
    assert suspend.result.startswith("Disconnect")
    walled = eventually(lambda: (s := login(sim, kind, username)) and s["session-id"] != first["session-id"] and s,
                        message=lambda: state(sim, kind, username, radius_supervisor))
    assert walled["rate-limit"] == "" and walled["address-list"] == "suspended"
    assert spool_drained(server.directory)  # the Access-Accept loaded from the accepts file (radius/accepts.py)
    attempt = AuthAttempt.objects.filter(username=username).latest("authdate", "id")
    assert (attempt.accepted, attempt.walled_garden, attempt.reason) == (True, True, "suspended")
    routeros_clock.advance(120)

    # 3. The customer pays what is due in the portal (SSLCommerz emulator): reactivated, Disconnect,
    #    the next login is at full speed again.
    client.logout()
    client.force_login(customer.user)
    started = client.post(reverse("portal:pay"), {"purpose": "due"})
    assert started.status_code == 303
    checkout = pay_at_gateway(started["Location"], method="bkash")
    assert checkout.response.status_code == 303
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert eventually(lambda: drained(router))
    reactivate = ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").latest("pk")
    assert reactivate.result.startswith("Disconnect")
    back = eventually(lambda: (s := login(sim, kind, username)) and s["session-id"] != walled["session-id"] and s)
    assert back["rate-limit"] == FULL_RATE and back["address-list"] == "home-users"
    routeros_clock.advance(300)

    # 4. The history: three sessions, the first two ended by the Disconnects, with their octets, and
    #    the octets in the usage roll-ups.
    if kind == "pppoe":
        sim.drop_session(username, reconnect=False)
    else:
        sim.hotspot_logout(username)
    assert accounting_written(sim, server)
    sessions = eventually(lambda: (rows := list(Session.objects.filter(subscription=subscription).order_by("acctstarttime", "radacctid")))
                          and len(rows) == 3 and all(row.acctstoptime for row in rows) and rows)
    assert [row.acctsessionid for row in sessions] == [first["session-id"], walled["session-id"], back["session-id"]]
    assert [row.acctterminatecause for row in sessions] == ["Admin-Reset", "Admin-Reset", "User-Request"]
    assert all(row.acctoutputoctets > 0 and row.acctinputoctets > 0 for row in sessions)
    assert [row.acctsessiontime for row in sessions] == [600, 120, 300]
    accounting_usage_collect()
    day = UsageDaily.objects.filter(subscription=subscription)
    assert sum(row.download_bytes for row in day) == sum(row.acctoutputoctets for row in sessions)

    # 5. The regulator's export: staff export the login's sessions for those days as CSV (audited),
    #    and the three sessions are in it.
    client.logout()
    client.force_login(admin_user(username="compliance-officer"))
    first_day = timezone.localdate(sessions[0].acctstarttime)
    last_day = timezone.localdate(sessions[-1].acctstoptime)
    export = client.get(reverse("staff:session-log-export"), {
        "username": username, "start": first_day.strftime("%d/%m/%Y"), "end": last_day.strftime("%d/%m/%Y"),
    })
    assert export.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [line[-1] for line in lines[1:]] == [row.acctsessionid for row in sessions]
    assert AuditLog.objects.filter(action="radius.session_log_export", after__rows=3).exists()
