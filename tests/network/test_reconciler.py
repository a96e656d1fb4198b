"""The reconciler against the RouterOS simulator: drift injected on the router is repaired, rows we
do not know are listed as orphans and never deleted unasked; router health is read and stored."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.models import Subscription
from network import outbox, reconcile, services
from network.models import DriftReport, ProvisioningTask
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.usefixtures("fresh_router_connections")


def router_for(sim, **fields):
    return RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username, **fields)


def drain(router, later=0):
    return outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(seconds=later) if later else None)


def row(sim, table, name):
    rows = [r for r in sim.run(f"{table}/print") if r.get("name") == name]
    return rows[0] if rows else None


def set_on_router(sim, table, name, **attrs):
    sim.run(f"{table}/set", **{".id": row(sim, table, name)[".id"]}, **attrs)


@pytest.fixture
def provisioned(routeros_router):
    """Three PPPoE customers (one suspended) and a static-IP one, all applied to the router."""
    router = router_for(routeros_router)
    package = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=20)
    subs = {
        name: make_subscription(router=router, package=package, username=name, password=f"pw-{name}", activate=True)
        for name in ("alice", "bob", "carol")
    }
    subs["carol"] = subscription_suspend(
        actor=None, subscription=subs["carol"], reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT
    )
    subs["shop"] = make_subscription(
        router=router, package=package, connection_type=Subscription.ConnectionType.STATIC_IP, username="",
        static_ip="103.148.40.21", activate=True,
    )
    assert drain(router).applied == 5
    return router, subs


@pytest.mark.django_db
def test_a_router_that_matches_the_database_is_in_sync(routeros_router, provisioned):
    router, _ = provisioned
    report = reconcile.reconcile_router(router_id=router.pk)
    assert report.status == DriftReport.Status.IN_SYNC
    assert report.checked == 4
    assert report.repairs == [] and report.orphans == []


@pytest.mark.django_db
def test_drift_injected_on_the_router_is_repaired(routeros_router, provisioned):
    router, subs = provisioned
    sim = routeros_router
    sim.run("/ppp/secret/remove", **{".id": row(sim, "/ppp/secret", "alice")[".id"]})
    set_on_router(sim, "/ppp/secret", "bob", password="guessed", profile="default")
    set_on_router(sim, "/ppp/secret", "carol", disabled="no")  # the suspended customer is back online
    assert sim.session("carol") is not None
    set_on_router(sim, "/ppp/profile", "HOME-20M", **{"rate-limit": "100M/100M"})
    set_on_router(sim, "/queue/simple", "static-103.148.40.21", **{"max-limit": "0/0"})

    report = reconcile.reconcile_router(router_id=router.pk)

    assert report.status == DriftReport.Status.REPAIRED
    problems = {repair["name"]: repair["problem"] for repair in report.repairs}
    assert problems["alice"] == "missing"
    assert problems["bob"] == "password, profile"
    assert "enabled while suspended" in problems["carol"] and "still online while suspended" in problems["carol"]
    assert problems["HOME-20M"] == "rate-limit"
    assert problems["static-103.148.40.21"] == "max-limit"
    assert all(repair["repaired"] for repair in report.repairs)

    assert row(sim, "/ppp/secret", "alice")["comment"] == f"ispbill:{subs['alice'].pk}"
    assert (row(sim, "/ppp/secret", "bob")["password"], row(sim, "/ppp/secret", "bob")["profile"]) == ("pw-bob", "HOME-20M")
    assert row(sim, "/ppp/secret", "carol")["disabled"] == "true" and sim.session("carol") is None
    assert row(sim, "/ppp/profile", "HOME-20M")["rate-limit"] == "20M/20M"
    assert sim.run("/queue/simple/print")[0]["max-limit"] == "20000000/20000000"
    assert reconcile.reconcile_router(router_id=router.pk).status == DriftReport.Status.IN_SYNC


@pytest.mark.django_db
def test_address_list_drift_is_repaired_both_ways(routeros_router, provisioned):
    router, subs = provisioned
    sim = routeros_router
    subscription_suspend(
        actor=None, subscription=subs["shop"], reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT
    )
    drain(router)
    sim.run("/ip/firewall/address-list/remove", **{".id": sim.run("/ip/firewall/address-list/print")[0][".id"]})
    # Someone listed an active customer's address by hand, with our marker copied.
    sim.run("/ip/firewall/address-list/add", list="suspended", address="10.0.0.1", comment=f"ispbill:{subs['alice'].pk}")

    report = reconcile.reconcile_router(router_id=router.pk)

    problems = {repair["name"]: repair["problem"] for repair in report.repairs}
    assert problems["static-103.148.40.21"] == "not in the suspended address list"
    assert problems["alice"] == "still in the suspended address list"
    assert [r["address"] for r in sim.run("/ip/firewall/address-list/print")] == ["103.148.40.21"]


@pytest.mark.django_db
def test_unknown_rows_are_listed_as_orphans_and_never_deleted(routeros_router, provisioned):
    router, _ = provisioned
    sim = routeros_router
    sim.run("/ppp/secret/add", name="neighbour", password="x", comment="old billing system")
    sim.run("/queue/simple/add", name="office-uplink", target="192.168.88.0/24", **{"max-limit": "50M/50M"})
    sim.run("/ip/firewall/address-list/add", list="suspended", address="10.9.9.9")
    sim.run("/ip/firewall/address-list/add", list="suspended", address="10.9.9.8", timeout="1h")  # dynamic: the router's own

    report = reconcile.reconcile_router(router_id=router.pk)

    orphans = {(orphan["table"], orphan["name"] or orphan["address"]) for orphan in report.orphans}
    assert orphans == {("secret", "neighbour"), ("queue", "office-uplink"), ("address", "10.9.9.9")}
    assert all(orphan["subscription"] is None for orphan in report.orphans)
    assert report.status == DriftReport.Status.IN_SYNC  # orphans are for staff; nothing of ours drifted
    assert row(sim, "/ppp/secret", "neighbour") is not None
    assert row(sim, "/queue/simple", "office-uplink") is not None

    # Staff remove one of them: it goes through the outbox like any change.
    reconcile.orphan_remove(actor=admin_user(), router=router, table="secret", name="neighbour")
    drain(router)
    assert row(sim, "/ppp/secret", "neighbour") is None
    remaining = {(o["table"], o["name"] or o["address"]) for o in reconcile.reconcile_router(router_id=router.pk).orphans}
    assert remaining == {("queue", "office-uplink"), ("address", "10.9.9.9")}


@pytest.mark.django_db
def test_only_orphans_in_the_latest_report_can_be_removed(routeros_router, provisioned):
    router, subs = provisioned
    reconcile.reconcile_router(router_id=router.pk)
    with pytest.raises(ValidationError, match="not in the router's latest drift report"):
        reconcile.orphan_remove(actor=admin_user(), router=router, table="secret", name="alice")
    assert not ProvisioningTask.objects.filter(action="remove_orphan").exists()


@pytest.mark.django_db
def test_an_orphan_that_became_ours_before_its_removal_ran_is_kept(routeros_router, provisioned):
    router, subs = provisioned
    sim = routeros_router
    sim.run("/ppp/secret/add", name="dave", password="x")
    reconcile.reconcile_router(router_id=router.pk)
    reconcile.orphan_remove(actor=admin_user(), router=router, table="secret", name="dave")
    set_on_router(sim, "/ppp/secret", "dave", comment="ispbill:999")
    drain(router)
    task = ProvisioningTask.objects.get(action="remove_orphan")
    assert task.result == "kept: ispbill manages it now"
    assert row(sim, "/ppp/secret", "dave") is not None


@pytest.mark.django_db
def test_a_row_left_behind_by_a_cancelled_subscription_is_removed_as_our_own_drift(routeros_router, provisioned):
    router, subs = provisioned
    sim = routeros_router
    subscription_cancel(actor=None, subscription=subs["bob"], reason="moved away")
    # The deprovision was lost (say, restored from an old backup): the router still has bob.
    ProvisioningTask.objects.filter(subscription=subs["bob"], action="deprovision").update(status="done")

    report = reconcile.reconcile_router(router_id=router.pk)

    [repair] = report.repairs
    assert (repair["name"], repair["problem"], repair["repaired"]) == ("bob", "left behind", True)
    assert row(sim, "/ppp/secret", "bob") is None


@pytest.mark.django_db
def test_subscriptions_with_changes_still_in_the_outbox_are_left_to_it(routeros_router, provisioned):
    router, subs = provisioned
    subscription_reactivate(actor=None, subscription=subs["carol"], reason="paid")
    report = reconcile.reconcile_router(router_id=router.pk)
    assert report.skipped == [{"subscription": subs["carol"].pk, "name": "carol"}]
    assert row(routeros_router, "/ppp/secret", "carol")["disabled"] == "true"  # the outbox will enable it, in order
    assert report.repairs == []


@pytest.mark.django_db
def test_an_unreachable_router_gets_an_error_report(routeros_router, provisioned):
    router, _ = provisioned
    routeros_router.go_down(3600)
    report = reconcile.reconcile_router(router_id=router.pk)
    assert report.status == DriftReport.Status.ERROR
    assert "refused the connection" in report.error or "closed the connection" in report.error
    router.refresh_from_db()
    assert not router.is_online


@pytest.mark.django_db
def test_health_check_stores_what_the_router_reports(routeros_router, provisioned):
    router, _ = provisioned
    result = services.router_check_health(router=router)
    router.refresh_from_db()
    assert result.error == ""
    assert router.is_online and router.last_seen_at and router.identity == routeros_router.identity
    assert router.routeros_version.startswith("7.") and router.uptime_seconds > 0
    assert router.active_sessions == 2  # alice and bob; carol is suspended


@pytest.mark.django_db
def test_health_check_of_a_router_that_came_back_releases_its_queue(routeros_router, provisioned):
    router, subs = provisioned
    routeros_router.go_down(3600)
    subscription_reactivate(actor=None, subscription=subs["carol"], reason="paid")
    assert drain(router).stopped == "unreachable"
    routeros_router.accept_connections()

    result = services.router_check_health(router=router)

    assert result.came_back
    assert drain(router).applied == 1  # no need to wait for the back-off
    assert row(routeros_router, "/ppp/secret", "carol")["disabled"] == "false"


@pytest.mark.django_db
def test_health_check_of_an_unreachable_router_records_the_error(routeros_router, provisioned):
    router, _ = provisioned
    routeros_router.go_down(3600)
    result = services.router_check_health(router=router)
    router.refresh_from_db()
    assert result.health is None and result.error
    assert not router.is_online and router.last_error == result.error
