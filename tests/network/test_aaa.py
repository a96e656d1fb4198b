"""Routers in RADIUS mode, the router side, against the RouterOS simulator and a RADIUS peer on
loopback: the mode switch (its /radius and /ppp aaa tables, subscribers moved without a dropped
session, switching back restoring the secrets), and the outbox for RADIUS routers (Disconnect on
suspension and reactivation, CoA on a package change with the Disconnect fallback, a NAK or a silent
router recorded and retried, and never a secret written)."""

import io
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from customers.models import Subscription
from ispbill.core.models import AuditLog
from network import aaa, outbox, reconcile, services
from network.models import ProvisioningTask, Router
from network.routeros import close_all_connections
from network.selectors import router_changes_failing
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from tests.network.radius_fixtures import SECRET, radius_peer  # noqa: F401
from tests.network.radius_peer import RadiusPeer
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.usefixtures("fresh_router_connections")

Status = ProvisioningTask.Status


@pytest.fixture
def radius_settings(settings, radius_peer):
    settings.RADIUS_SERVER_ADDRESS = radius_peer.host
    settings.RADIUS_PROBE_ADDRESS = radius_peer.host
    settings.RADIUS_AUTH_PORT = radius_peer.auth_port
    settings.RADIUS_ACCT_PORT = radius_peer.acct_port
    settings.RADIUS_INTERIM_INTERVAL = 300
    settings.RADIUS_SERVERS = ""
    settings.RADIUS_PROBE_SECRET = ""
    settings.RADIUS_COA_SOURCE_ADDRESS = ""
    settings.RADIUS_COA_TIMEOUT = 0.3
    settings.RADIUS_COA_ATTEMPTS = 1
    return settings


def router_for(sim, **fields) -> Router:
    return RouterFactory(
        host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username, radius_coa_port=sim.coa_port,
        radius_secret=SECRET, **fields,
    )


def drain(router, *, later=0):
    return outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(seconds=later) if later else None)


def our_secrets(sim) -> dict[str, dict]:
    return {row["name"]: row for row in sim.run("/ppp/secret/print") if row.get("comment", "").startswith("ispbill:")}


def customer_online(sim, peer, *, username, password, package, router):
    """An active PPPoE subscriber, its secret on the (API mode) router and its CPE connected; the
    RADIUS peer knows the login as the `radius` branch's FreeRADIUS would."""
    subscription = make_subscription(router=router, package=package, username=username, password=password, activate=True)
    peer.users[username] = (password, {"Mikrotik-Rate-Limit": f"{package.upload_mbps}M/{package.download_mbps}M"})
    return subscription


def switch(router, mode, actor=None):
    return services.router_switch_aaa_mode(actor=actor, router=router, mode=mode)


def suspend(subscription):
    return subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)


@pytest.mark.django_db
def test_switch_to_radius_configures_the_router_and_moves_subscribers_without_dropping_a_session(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    karim = customer_online(sim, radius_peer, username="karim", password="pw-k", package=home, router=router)
    drain(router)
    assert set(our_secrets(sim)) == {"rahim", "karim"}
    before = {name: sim.session(name)["session-id"] for name in ("rahim", "karim")}
    admin = admin_user()

    task = switch(router, Router.AaaMode.RADIUS, actor=admin)
    drain(router)

    task.refresh_from_db()
    assert task.status == Status.DONE, task.last_error
    assert "FreeRADIUS answered" in task.result
    [entry] = sim.run("/radius/print")
    assert (entry["service"], entry["address"], entry["secret"]) == ("ppp,hotspot", radius_peer.host, SECRET)
    assert (entry["authentication-port"], entry["accounting-port"]) == (str(radius_peer.auth_port), str(radius_peer.acct_port))
    [aaa] = sim.run("/ppp/aaa/print")
    assert (aaa["use-radius"], aaa["accounting"], aaa["interim-update"]) == ("true", "true", "5m")
    [incoming] = sim.run("/radius/incoming/print")
    assert (incoming["accept"], incoming["port"]) == ("true", str(sim.coa_port))
    # The secrets are gone and nobody was dropped.
    assert our_secrets(sim) == {}
    assert {name: sim.session(name)["session-id"] for name in ("rahim", "karim")} == before
    # The next dial goes to RADIUS and gets its speed from there.
    sim.drop_session("rahim")
    assert sim.session("rahim")["radius"] == "true"
    assert sim.session("rahim")["rate-limit"] == "10M/20M"
    assert [request["User-Name"] for request in radius_peer.auth_requests][-1] == ["rahim"]
    # The probe authenticated on the router's behalf, with its secret.
    assert radius_peer.auth_requests[0]["User-Name"] == ["ispbill-probe"]
    log = AuditLog.objects.filter(action="router.aaa_mode").latest("pk")
    assert (log.before, log.after) == ({"aaa_mode": "api"}, {"aaa_mode": "radius"})
    assert {rahim.pk, karim.pk} == set(Subscription.objects.filter(router=router).values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_change_queued_just_before_the_switch_is_applied_in_api_mode_and_does_not_hold_the_switch(routeros_router, radius_peer, radius_settings):
    """The demo's first start: the usage seed throttles a customer (an UPDATE entry) a moment before the
    router is switched. The entry is applied the way the router still works (its secret's profile over
    the API), not as a CoA to a router not yet listening for one, and the switch follows."""
    sim = routeros_router
    router = router_for(sim)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    drain(router)
    faster = PackageFactory(router_profile="HOME-40M", download_mbps=40, upload_mbps=20)
    subscription_update(actor=None, subscription=rahim, package=faster)  # queued, not yet applied
    task = switch(router, Router.AaaMode.RADIUS)

    drain(router)

    update = ProvisioningTask.objects.filter(subscription=rahim, action="update").latest("pk")
    assert update.status == Status.DONE and "CoA" not in update.result and "Disconnect" not in update.result, update.result
    task.refresh_from_db()
    assert task.status == Status.DONE, task.last_error
    assert our_secrets(sim) == {}


@pytest.mark.django_db
def test_switching_back_to_api_restores_the_secrets_and_turns_radius_off(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    karim = customer_online(sim, radius_peer, username="karim", password="pw-k", package=home, router=router)
    drain(router)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    sim.drop_session("rahim")  # now on RADIUS
    suspend(karim)
    drain(router)
    radius_session = sim.session("rahim")["session-id"]

    switch(Router.objects.get(pk=router.pk), Router.AaaMode.API)
    drain(router)

    secrets = our_secrets(sim)
    assert set(secrets) == {"rahim", "karim"}
    assert (secrets["rahim"]["password"], secrets["rahim"]["profile"], secrets["rahim"]["disabled"]) == ("pw-r", "HOME-20M", "false")
    assert secrets["karim"]["disabled"] == "true"  # suspended in API mode: a disabled secret
    assert secrets["rahim"]["comment"] == f"ispbill:{rahim.pk}"
    assert sim.run("/ppp/aaa/print")[0]["use-radius"] == "false"
    assert sim.run("/radius/print") == []
    assert sim.run("/radius/incoming/print")[0]["accept"] == "false"
    # The RADIUS session carries on; the next dial uses the local secret.
    assert sim.session("rahim")["session-id"] == radius_session
    sim.drop_session("rahim")
    assert sim.session("rahim")["radius"] == "false"


@pytest.mark.django_db
def test_switch_waits_while_radius_does_not_answer_and_later_changes_wait_for_it(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    drain(router)
    radius_peer.silent = True

    task = switch(router, Router.AaaMode.RADIUS)
    suspend(rahim)  # written after the switch: waits for it
    drain(router)

    task.refresh_from_db()
    assert task.status == Status.FAILED and "FreeRADIUS did not answer" in task.last_error
    assert set(our_secrets(sim)) == {"rahim"}  # nobody locked out
    suspension = ProvisioningTask.objects.get(subscription=rahim, action=ProvisioningTask.Action.SUSPEND)
    assert suspension.status == Status.PENDING and suspension.attempts == 0
    report = reconcile.reconcile_router(router_id=router.pk)
    assert "switching" in report.error and our_secrets(sim)  # the reconciler leaves the switch alone

    radius_peer.silent = False
    drain(router, later=3600)
    task.refresh_from_db()
    suspension.refresh_from_db()
    assert task.status == Status.DONE and suspension.status == Status.DONE
    assert our_secrets(sim) == {}
    assert suspension.result.startswith("Disconnect: disconnected")


@pytest.mark.django_db
def test_outbox_on_a_radius_router_disconnects_and_sends_coa_and_never_writes_a_secret(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    family = PackageFactory(router_profile="FAMILY-50M", download_mbps=50, upload_mbps=25)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    router.refresh_from_db()
    secrets_before = sim.run("/ppp/secret/print")

    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    activation = drain(router)
    assert activation.applied == 1 and sim.run("/ppp/secret/print") == secrets_before
    assert ProvisioningTask.objects.get(subscription=rahim).result.startswith("nothing to send")
    sim.dial("rahim", "pw-r")
    first = sim.session("rahim")["session-id"]

    rahim = suspend(rahim)
    drain(router)
    kind, attributes = sim.state.radius.received[-1]
    assert (kind, attributes["User-Name"]) == ("disconnect", ["rahim"])
    assert sim.session("rahim")["session-id"] != first  # the CPE redialled (our peer stands in: it accepts)

    rahim = subscription_reactivate(actor=None, subscription=rahim, reason="paid")
    drain(router)
    assert [kind for kind, _ in sim.state.radius.received] == ["disconnect", "disconnect"]

    current = sim.session("rahim")["session-id"]
    rahim = subscription_update(actor=None, subscription=rahim, package=family)
    drain(router)
    change = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert change.status == Status.DONE and change.result == "CoA: rate 25M/50M"
    session = sim.session("rahim")
    assert (session["session-id"], session["rate-limit"]) == (current, "25M/50M")  # same session, new speed

    # The router refuses CoA: the session is disconnected instead and comes back on the new rate.
    sim.set_coa_fault("nak")
    radius_peer.users["rahim"] = ("pw-r", {"Mikrotik-Rate-Limit": "10M/20M"})
    rahim = subscription_update(actor=None, subscription=rahim, package=home)
    drain(router)
    change = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert change.status == Status.DONE and "CoA refused" in change.result and "Disconnect: disconnected" in change.result
    assert (sim.session("rahim")["session-id"] != current, sim.session("rahim")["rate-limit"]) == (True, "10M/20M")

    # The router says nothing: recorded, retried later, never lost.
    sim.set_coa_fault("silent")
    rahim = subscription_update(actor=None, subscription=rahim, package=family)
    drain(router)
    change = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert change.status == Status.FAILED and "did not answer the CoA-Request" in change.last_error
    assert router_changes_failing([rahim.pk])[rahim.pk].pk == change.pk
    sim.set_coa_fault(None)
    drain(router, later=3600)
    change.refresh_from_db()
    assert change.status == Status.DONE and change.attempts == 2
    assert sim.session("rahim")["rate-limit"] == "25M/50M"

    assert sim.run("/ppp/secret/print") == secrets_before
    # The reconciler does not put secrets back on a RADIUS router either.
    reconcile.reconcile_router(router_id=router.pk)
    assert sim.run("/ppp/secret/print") == secrets_before


@pytest.mark.django_db
def test_switch_generates_a_secret_audits_and_refuses_nonsense(routeros_router, radius_settings):
    router = RouterFactory(host=routeros_router.host, api_port=routeros_router.port)
    assert router.radius_secret == ""
    switch(router, Router.AaaMode.RADIUS)
    router.refresh_from_db()
    assert len(router.radius_secret) >= 20 and router.aaa_mode == "radius"
    assert AuditLog.objects.filter(action="router.aaa_mode").latest("pk").after == {"aaa_mode": "radius", "radius_secret": "generated"}
    secret = router.radius_secret
    with pytest.raises(ValidationError):
        switch(router, Router.AaaMode.RADIUS)
    with pytest.raises(ValidationError):
        switch(router, "tacacs")
    switch(router, Router.AaaMode.API)
    switch(Router.objects.get(pk=router.pk), Router.AaaMode.RADIUS)
    router.refresh_from_db()
    assert router.radius_secret == secret  # kept: FreeRADIUS and the router already share it


@pytest.mark.django_db
def test_radius_mode_is_refused_on_sqlite(monkeypatch, radius_settings):
    router = RouterFactory()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(ValidationError) as refused:
        switch(router, Router.AaaMode.RADIUS)
    assert "PostgreSQL" in " ".join(refused.value.messages)
    router.refresh_from_db()
    assert (router.aaa_mode, router.radius_secret) == ("api", "")
    assert not ProvisioningTask.objects.filter(router=router).exists()


@pytest.mark.django_db
def test_reconciler_removes_our_secret_left_on_a_radius_router_and_nobody_is_dropped(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=PackageFactory(router_profile="HOME-20M"), router=router)
    drain(router)
    # Someone put the secret back by hand: with it the router would let rahim in even when suspended.
    sim.run("/ppp/secret/add", name="rahim", password="pw-r", service="pppoe", comment=f"ispbill:{rahim.pk}")
    online = sim.session("rahim")["session-id"]

    report = reconcile.reconcile_router(router_id=router.pk)

    assert our_secrets(sim) == {}
    assert [(repair["name"], repair["problem"], repair["repaired"]) for repair in report.repairs] == [("rahim", "left behind", True)]
    assert sim.session("rahim")["session-id"] == online


@pytest.mark.django_db
def test_cancelling_on_a_radius_router_disconnects_and_a_customer_offline_is_no_failure(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=PackageFactory(), router=router)
    drain(router)
    suspend(rahim)  # not online: the router answers NAK 503, which is not a failure
    drain(router)
    suspension = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert (suspension.status, suspension.result) == (Status.DONE, "Disconnect: not online")

    sim.dial("rahim", "pw-r")
    subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=rahim.pk), reason="moved away")
    radius_peer.users.pop("rahim")  # FreeRADIUS no longer lets a cancelled login in
    drain(router)
    cancellation = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert (cancellation.action, cancellation.status, cancellation.result) == ("deprovision", Status.DONE, "Disconnect: disconnected")
    assert sim.session("rahim") is None


@pytest.mark.django_db
def test_a_coa_source_other_than_the_radius_host_gets_its_own_radius_entry(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    radius_settings.RADIUS_COA_SOURCE_ADDRESS = "127.0.0.2"
    router = router_for(sim)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    entries = {row["comment"]: row for row in sim.run("/radius/print")}
    assert (entries["ispbill-coa"]["service"], entries["ispbill-coa"]["address"], entries["ispbill-coa"]["secret"]) == ("login", "127.0.0.2", SECRET)
    assert entries["ispbill"]["service"] == "ppp,hotspot"

    # Not needed any more: the next time the set-up is applied (here: the CoA port changed) it goes.
    radius_settings.RADIUS_COA_SOURCE_ADDRESS = ""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    free_port = probe.getsockname()[1]
    probe.close()
    services.router_update(actor=None, router=Router.objects.get(pk=router.pk), radius_coa_port=free_port)
    drain(router)
    assert [row["comment"] for row in sim.run("/radius/print")] == ["ispbill"]
    assert sim.run("/radius/incoming/print")[0]["port"] == str(free_port) == str(sim.coa_port)  # the listener moved


@pytest.fixture
def second_peer():
    peer = RadiusPeer(SECRET)
    yield peer
    peer.close()


def radius_entries(sim) -> list[tuple[str, str, str, str, str, str]]:
    return [(row.get("comment", ""), row["service"], row["address"], row["authentication-port"], row["accounting-port"], row["secret"])
            for row in sim.run("/radius/print")]


@pytest.mark.django_db
def test_a_router_switched_to_radius_gets_every_server_of_the_site_in_order(routeros_router, radius_peer, second_peer, radius_settings):
    """RADIUS_SERVERS lists the site's FreeRADIUS servers: the router gets one /radius entry for each, in
    that order (RouterOS asks them in turn), and the switch goes on when one of them answers its probe.
    A CoA source that is one of the servers needs no entry of its own: CoA comes from the app, and the
    router accepts it from any address it has an entry for."""
    sim = routeros_router
    radius_settings.RADIUS_SERVERS = (
        f"{radius_peer.host}:{radius_peer.auth_port}:{radius_peer.acct_port}, {second_peer.host}:{second_peer.auth_port}:{second_peer.acct_port}"
    )
    radius_settings.RADIUS_PROBE_ADDRESS = ""  # each server at its own address
    radius_settings.RADIUS_COA_SOURCE_ADDRESS = radius_peer.host
    radius_peer.silent = True  # the first server does not answer: the second's answer is enough
    router = router_for(sim)
    task = switch(router, Router.AaaMode.RADIUS)
    drain(router)

    task.refresh_from_db()
    assert task.status == Status.DONE, task.last_error
    assert radius_entries(sim) == [
        ("ispbill", "ppp,hotspot", radius_peer.host, str(radius_peer.auth_port), str(radius_peer.acct_port), SECRET),
        ("ispbill-2", "ppp,hotspot", second_peer.host, str(second_peer.auth_port), str(second_peer.acct_port), SECRET),
    ]
    assert [request["User-Name"] for request in second_peer.auth_requests] == [["ispbill-probe"]]

    # The site loses its second server: the next time the set-up is applied, the router has one entry.
    radius_settings.RADIUS_SERVERS = f"{second_peer.host}:{second_peer.auth_port}:{second_peer.acct_port}"
    services.router_update(actor=None, router=Router.objects.get(pk=router.pk), radius_coa_port=free_udp_port())
    drain(router)
    assert radius_entries(sim) == [("ispbill", "ppp,hotspot", second_peer.host, str(second_peer.auth_port), str(second_peer.acct_port), SECRET)]

    # Back to API mode: every entry of ours goes.
    switch(router, Router.AaaMode.API)
    drain(router)
    assert radius_entries(sim) == []


@pytest.mark.django_db
def test_a_switch_with_no_server_answering_waits_and_names_each_silent_server(routeros_router, radius_peer, second_peer, radius_settings):
    sim = routeros_router
    radius_settings.RADIUS_SERVERS = f"{radius_peer.host}:{radius_peer.auth_port},{second_peer.host}:{second_peer.auth_port}"
    radius_peer.silent = second_peer.silent = True
    router = router_for(sim)
    task = switch(router, Router.AaaMode.RADIUS)
    drain(router)
    task.refresh_from_db()
    assert task.status == Status.FAILED and "FreeRADIUS did not answer" in task.last_error
    assert str(radius_peer.auth_port) in task.last_error and str(second_peer.auth_port) in task.last_error
    # `address:auth_port` alone: accounting on the next port.
    assert [row[3:5] for row in radius_entries(sim)] == [
        (str(radius_peer.auth_port), str(radius_peer.auth_port + 1)), (str(second_peer.auth_port), str(second_peer.auth_port + 1)),
    ]


@pytest.mark.django_db
def test_push_servers_gives_routers_already_in_radius_mode_the_new_list(routeros_router, radius_peer, second_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    assert [row[0] for row in radius_entries(sim)] == ["ispbill"]
    api_router = RouterFactory()  # API mode: not touched
    queued_before = ProvisioningTask.objects.count()

    radius_settings.RADIUS_SERVERS = "radius.example.com"
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("radius_push_servers")
    assert ProvisioningTask.objects.count() == queued_before

    radius_settings.RADIUS_SERVERS = (
        f"{radius_peer.host}:{radius_peer.auth_port}:{radius_peer.acct_port},{second_peer.host}:{second_peer.auth_port}:{second_peer.acct_port}"
    )
    out = io.StringIO()
    call_command("radius_push_servers", stdout=out)
    assert out.getvalue().startswith("1 router(s) in RADIUS mode queued")
    call_command("radius_push_servers", stdout=io.StringIO())  # still waiting: no second entry
    assert ProvisioningTask.objects.filter(router=router, action="aaa_mode", status__in=ProvisioningTask.NOT_DONE).count() == 1
    assert not ProvisioningTask.objects.filter(router=api_router).exists()
    assert AuditLog.objects.filter(action="router.radius_reapply", object_id=str(router.pk)).count() == 1
    drain(router)
    assert [row[:4] for row in radius_entries(sim)] == [
        ("ispbill", "ppp,hotspot", radius_peer.host, str(radius_peer.auth_port)),
        ("ispbill-2", "ppp,hotspot", second_peer.host, str(second_peer.auth_port)),
    ]


def test_radius_servers_setting_is_read_with_its_defaults_and_refused_when_malformed(settings):
    settings.RADIUS_SERVER_ADDRESS, settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT = "10.0.0.5", 1812, 1813
    settings.RADIUS_SERVERS = ""
    assert aaa.radius_servers() == [aaa.RadiusServer("10.0.0.5", 1812, 1813)]
    settings.RADIUS_SERVERS = " 10.0.0.5 , 10.0.0.6:1814 ,10.0.0.7:1900:1950,[2001:db8::5]:1812:1813, 2001:db8::6"
    assert aaa.radius_servers() == [
        aaa.RadiusServer("10.0.0.5", 1812, 1813), aaa.RadiusServer("10.0.0.6", 1814, 1815), aaa.RadiusServer("10.0.0.7", 1900, 1950),
        aaa.RadiusServer("2001:db8::5", 1812, 1813), aaa.RadiusServer("2001:db8::6", 1812, 1813),
    ]
    settings.RADIUS_PROBE_ADDRESS = "radius, radius-2"
    assert aaa.probe_targets(aaa.radius_servers()[:3]) == [("radius", 1812), ("radius-2", 1814), ("10.0.0.7", 1900)]
    for malformed in ("radius.example.com", "10.0.0.5:0", "10.0.0.5:65536", "10.0.0.5:1812:x", "10.0.0.5:1:2:3",
                      "[2001:db8::5", "10.0.0.5,10.0.0.5", " , "):
        settings.RADIUS_SERVERS = malformed
        with pytest.raises(aaa.RadiusServersInvalid, match="RADIUS_SERVERS"):
            aaa.radius_servers()


@pytest.mark.django_db
def test_a_malformed_radius_servers_setting_keeps_the_switch_waiting_with_the_reason(routeros_router, radius_settings):
    sim = routeros_router
    radius_settings.RADIUS_SERVERS = "radius.example.com"
    router = router_for(sim)
    task = switch(router, Router.AaaMode.RADIUS)
    drain(router)
    task.refresh_from_db()
    assert task.status == Status.FAILED and "not an IP address" in task.last_error
    assert sim.run("/radius/print") == [] and sim.run("/ppp/aaa/print")[0]["use-radius"] == "false"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_disconnect_and_coa_do_not_wait_for_a_router_api_that_does_not_answer(routeros_router, radius_peer, radius_settings):
    sim = routeros_router
    router = router_for(sim)
    switch(router, Router.AaaMode.RADIUS)
    drain(router)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    rahim = customer_online(sim, radius_peer, username="rahim", password="pw-r", package=home, router=router)
    static = make_subscription(router=router, package=home, connection_type=Subscription.ConnectionType.STATIC_IP,
                               username="", static_ip="10.20.0.5", activate=True)
    sim.dial("rahim", "pw-r")
    sim.go_down(3600)  # the API port is closed; the CoA port still answers
    close_all_connections()
    first = sim.session("rahim")["session-id"]

    rahim = suspend(rahim)
    result = drain(router)

    suspension = ProvisioningTask.objects.filter(subscription=rahim).latest("id")
    assert (suspension.status, suspension.result) == (Status.DONE, "Disconnect: disconnected"), (suspension.last_error, result)
    assert sim.session("rahim")["session-id"] != first
    assert result.stopped == "unreachable" and not Router.objects.get(pk=router.pk).is_online
    queue = ProvisioningTask.objects.filter(subscription=static).latest("id")
    assert queue.status == Status.FAILED  # a static IP's queue needs the API: it waits

    # Later, while the router as a whole backs off, a package change still reaches the session.
    rahim = subscription_reactivate(actor=None, subscription=rahim, reason="paid")
    rahim = subscription_update(actor=None, subscription=rahim, package=PackageFactory(download_mbps=50, upload_mbps=25))
    result = drain(router)
    assert result.stopped == "backoff"
    assert [task.status for task in ProvisioningTask.objects.filter(subscription=rahim).order_by("id")][-2:] == [Status.DONE, Status.DONE]
    assert sim.session("rahim")["rate-limit"] == "25M/50M"


@pytest.mark.django_db
def test_a_drain_that_loaded_the_router_before_the_switch_still_applies_it(routeros_router, radius_peer, radius_settings):
    """A worker's drain holds the router it loaded; a switch written meanwhile is read against the
    router's mode now, not that old copy (it once closed its own entry as 'superseded')."""
    from network import aaa, routeros

    router = router_for(routeros_router)
    held = Router.objects.get(pk=router.pk)  # loaded by a drain while the router was in API mode
    switch(router, Router.AaaMode.RADIUS)
    entry = ProvisioningTask.objects.get(router=router, action=ProvisioningTask.Action.AAA_MODE)

    with routeros.router_session(routeros.connection_for(held)) as client:
        result = aaa.apply_mode_switch(client, held, entry.desired)

    assert not result.startswith("superseded"), result
    assert [row for row in routeros_router.run("/radius/print") if row.get("address") == radius_peer.host]
