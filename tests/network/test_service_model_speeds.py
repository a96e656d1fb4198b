"""Static-IP and IPoE connections, with a delegated IPv6 prefix, on a package with BDIX and cache
speeds and a night window, end to end against the RouterOS simulator in API and RADIUS mode: the
speed test through the simulator shows the BDIX and internet speeds apart; suspend, reactivate,
change package and the night edge behave as for PPPoE (docs/ipam.md, docs/speeds.md). Static and
IPoE connections never log in to RADIUS, so in both modes their speeds are the router's simple
queues (placed above the connection's own queue), and a night edge is a queue change."""

from datetime import date, time, timedelta

import pytest

from customers.models import Subscription
from network import ipam, reconcile, speed_boundary
from network.models import AddressPool, ProvisioningTask, SpeedBoundaryRun
from tests.factories import make_subscription
from tests.network.radius_fixtures import SECRET
from tests.network.test_outbox import drain, router_for, suspend
from tests.network.test_speeds import BDIX_HOST, CACHE_HOST, INTERNET_HOST, M, destinations, worked_example_package  # noqa: F401
from tests.night import clock, run_task
from usecases.subscription_address_assign import subscription_address_assign
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_update import subscription_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_router_connections")]

NIGHT = date(2026, 11, 26)
MAC = "4C:5E:0C:12:34:56"


def connection(router, model, package):
    if model == "static":
        ipam.address_pool_create(actor=None, name="public", router=router, network="103.148.40.0/28", kind=AddressPool.Kind.PUBLIC)
        subscription = make_subscription(router=router, package=package, connection_type=Subscription.ConnectionType.STATIC_IP,
                                         username="", password="", static_ip="103.148.40.9", activate=True)
    else:
        ipam.address_pool_create(actor=None, name="ipoe", router=router, network="100.64.0.0/22")
        subscription = make_subscription(router=router, package=package, connection_type=Subscription.ConnectionType.IPOE,
                                         username="", password="", static_ip="100.64.1.10", mac_address=MAC, activate=True)
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:100::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    return subscription_address_assign(actor=None, subscription=subscription, pool=six)


def speed_queues(sim):
    return [(row["name"], row["target"], row.get("packet-marks", ""), row["max-limit"]) for row in sim.run("/queue/simple/print")
            if row.get("comment", "").startswith("ispbill-speed:")]


@pytest.mark.parametrize("mode", ["api", "radius"])
@pytest.mark.parametrize("model", ["static", "ipoe"])
def test_static_and_ipoe_get_class_speeds_and_follow_suspend_reactivate_package_change_and_the_night_edge(
        routeros_router, destinations, model, mode):  # noqa: F811
    sim = routeros_router
    fields = {"aaa_mode": "radius", "radius_secret": SECRET, "radius_coa_port": sim.coa_port} if mode == "radius" else {}
    router = router_for(sim, **fields)
    package = worked_example_package()  # internet 20, BDIX 100, cache 100, 00:00–08:00 at 40
    faster = worked_example_package(name="Home 30 BDIX 100", router_profile="HOME-30M", download_mbps=30, upload_mbps=30)
    with clock(NIGHT - timedelta(days=1), time(12, 0)):
        subscription = connection(router, model, package)
        drain(router)
        reconcile.reconcile_router(router_id=router.pk)  # the destination lists and the marks
    address = subscription.static_ip
    target = f"{address}/32,2001:db8:100::/56"
    name = f"static-{address}"
    marks = {kind: f"ispbill-{kind},ispbill-{kind}-{package.pk}" if mode == "radius" else f"ispbill-{kind}" for kind in ("bdix", "cache")}
    assert speed_queues(sim) == [
        (f"bdix-{name}", target, marks["bdix"], "100000000/100000000"),
        (f"cache-{name}", target, marks["cache"], "100000000/100000000"),
        (f"net-{name}", target, "", "20000000/20000000"),
    ]
    assert (sim.speed_test(address, BDIX_HOST)["download_bps"], sim.speed_test(address, CACHE_HOST)["download_bps"],
            sim.speed_test(address, INTERNET_HOST)["download_bps"]) == (100 * M, 100 * M, 20 * M)
    if mode == "radius":
        # A lease FreeRADIUS answered (use-radius=yes) puts the address in the package's list: its
        # packets get the package's marks first, and still their class's speed.
        sim.run("/ip/firewall/address-list/add", list=f"ispbill-pkg-{package.pk}", address=address)
        assert sim.speed_test(address, BDIX_HOST)["mark"] == f"ispbill-bdix-{package.pk}"
        assert (sim.speed_test(address, BDIX_HOST)["download_bps"], sim.speed_test(address, INTERNET_HOST)["download_bps"]) == (100 * M, 20 * M)
        [entry] = [row for row in sim.run("/ip/firewall/address-list/print") if row["list"] == f"ispbill-pkg-{package.pk}"]
        sim.run("/ip/firewall/address-list/remove", **{".id": entry[".id"]})  # the lease ends

    # Suspended: walled (address and prefix listed), the speed queues go; reactivated, they come back.
    with clock(NIGHT - timedelta(days=1), time(13, 0)):
        subscription = suspend(subscription)
        drain(router)
    assert sim.address_listed(address, "suspended") and sim.address_listed("2001:db8:100::/56", "suspended")
    assert speed_queues(sim) == []
    with clock(NIGHT - timedelta(days=1), time(14, 0)):
        subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
        drain(router)
    assert not sim.address_listed(address, "suspended")
    assert sim.speed_test(address, INTERNET_HOST)["download_bps"] == 20 * M

    # Change package: the internet queue follows at once; BDIX keeps its speed.
    with clock(NIGHT - timedelta(days=1), time(15, 0)):
        subscription_update(actor=None, subscription=subscription, package=faster)
        drain(router)
    assert sim.speed_test(address, INTERNET_HOST)["download_bps"] == 30 * M
    assert sim.speed_test(address, BDIX_HOST)["download_bps"] == 100 * M
    assert ProvisioningTask.objects.filter(subscription=subscription).exclude(status="done").count() == 0

    # Midnight: the night window's internet speed by a queue change (no CoA: nothing logs in), BDIX unchanged.
    with clock(NIGHT, time(0, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = speed_boundary.speed_edge_apply(run_id=SpeedBoundaryRun.objects.get(router=router).pk)
    assert (run.status, run.done, run.lost) == (SpeedBoundaryRun.Status.DONE, 1, 0)
    assert sim.speed_test(address, INTERNET_HOST)["download_bps"] == 40 * M
    assert sim.speed_test(address, BDIX_HOST)["download_bps"] == 100 * M
    with clock(NIGHT, time(0, 5)):
        assert reconcile.reconcile_router(router_id=router.pk).status == "in_sync"

    # 08:00: back to the package's 30.
    with clock(NIGHT, time(8, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = SpeedBoundaryRun.objects.get(router=router, status=SpeedBoundaryRun.Status.RUNNING)
        speed_boundary.speed_edge_apply(run_id=run.pk)
    assert sim.speed_test(address, INTERNET_HOST)["download_bps"] == 30 * M
