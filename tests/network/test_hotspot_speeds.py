"""A hotspot subscription on a package with BDIX and cache speeds and a night window, on a router in
API mode (local /ip/hotspot/user, no RADIUS), end to end against the RouterOS simulator: the
package's hotspot user profile carries its list (``address-list=ispbill-pkg-<package>``), the login's
address joins it while logged in, and the package's marks and PCQ queues give each class its speed;
suspend, reactivate, change of package and both edges of the night; a router that misses the edge is
corrected by its reconciler; the edge's changes keep the per-router rate (network/speeds.py,
network/speed_boundary.py, docs/speeds.md "API mode, hotspot logins")."""

from datetime import time, timedelta

import pytest

from customers.models import Subscription
from customers.services import package_speed_windows_set
from network import reconcile, speed_boundary
from network.models import DriftReport, ProvisioningTask, SpeedBoundaryRun
from network.routeros import close_all_connections
from tests.factories import PackageFactory, make_subscription
from tests.network.test_speeds import (  # noqa: F401
    BDIX_HOST,
    CACHE_HOST,
    INTERNET_HOST,
    NIGHT,
    M,
    destinations,
    drain,
    router_for,
    worked_example_package,
)
from tests.night import clock, run_task
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_router_connections")]

HOTSPOT = Subscription.ConnectionType.HOTSPOT


def speeds_of(sim, login):
    """(BDIX, cache, internet) download and upload in Mbps, as a speed test from the login measures them."""
    return tuple((sim.speed_test(login, host)["download_bps"] // M, sim.speed_test(login, host)["upload_bps"] // M)
                 for host in (BDIX_HOST, CACHE_HOST, INTERNET_HOST))


def profile(sim, name):
    [row] = [row for row in sim.run("/ip/hotspot/user/profile/print") if row["name"] == name]
    return row["rate-limit"], row.get("address-list", "")


def hotspot_subscription(router, package, name="hs_rina"):
    return make_subscription(router=router, package=package, username=name, password=f"pw-{name}", connection_type=HOTSPOT, activate=True)


def test_api_mode_hotspot_login_gets_its_class_speeds_and_follows_suspend_reactivate_package_change_and_the_night(
        routeros_router, destinations):  # noqa: F811
    sim = routeros_router
    router = router_for(sim)  # API mode, hotspot provisioned
    package = worked_example_package(cache_download_mbps=50, cache_upload_mbps=25)  # 20 / BDIX 100 / cache 50 up 25, 00–08 at 40
    faster = worked_example_package(name="Home 30 BDIX 100", router_profile="HOME-30M", download_mbps=30, upload_mbps=30)
    day = NIGHT - timedelta(days=1)
    with clock(day, time(12, 0)):
        subscription = hotspot_subscription(router, package)
        drain(router)

    # The package's hotspot user profile carries its list; the router holds the package's marks and queues.
    assert profile(sim, "HOME-20M") == ("20M/20M", f"ispbill-pkg-{package.pk}")
    marks = [(row.get("src-address-list", ""), row.get("dst-address-list", ""), row["new-packet-mark"])
             for row in sim.run("/ip/firewall/mangle/print")]
    pkg, p = f"ispbill-pkg-{package.pk}", package.pk
    assert marks == [
        (pkg, "ispbill-bdix", f"ispbill-bdix-{p}"), ("ispbill-bdix", pkg, f"ispbill-bdix-{p}"),
        (pkg, "ispbill-cache", f"ispbill-cache-{p}"), ("ispbill-cache", pkg, f"ispbill-cache-{p}"),
        (pkg, "", f"ispbill-net-{p}"), ("", pkg, f"ispbill-net-{p}"),
        ("", "ispbill-bdix", "ispbill-bdix"), ("ispbill-bdix", "", "ispbill-bdix"),
        ("", "ispbill-cache", "ispbill-cache"), ("ispbill-cache", "", "ispbill-cache"),
    ]
    types = {row["name"]: row["pcq-rate"] for row in sim.run("/queue/type/print") if row.get("comment") == "ispbill-speed"}
    assert types[f"ispbill-net-pkg-{p}-down"] == "20M" and types[f"ispbill-cache-pkg-{p}-up"] == "25M"

    # The customer logs in on the hotspot page: the address joins the list while logged in.
    assert sim.hotspot_login("hs_rina", "pw-hs_rina").outcome == "local"
    session = sim.hotspot_session("hs_rina")
    address = session["address"]
    assert session["address-list"] == pkg and sim.address_listed(address, pkg)
    assert speeds_of(sim, "hs_rina") == ((100, 100), (50, 25), (20, 20))
    assert sim.speed_test("hs_rina", BDIX_HOST)["queue"] == f"ispbill-bdix-pkg-{p}"
    assert sim.hotspot_logout("hs_rina")
    assert not sim.address_listed(address, pkg) and sim.speed_test("hs_rina", INTERNET_HOST) is None
    assert sim.hotspot_login("hs_rina", "pw-hs_rina").outcome == "local"
    with clock(day, time(12, 5)):
        assert reconcile.reconcile_router(router_id=router.pk).status == DriftReport.Status.IN_SYNC

    # Suspended: the login is disabled and its session ended (the address leaves the list); reactivated, it logs in again.
    with clock(day, time(13, 0)):
        subscription = subscription_suspend(actor=None, subscription=subscription, reason="unpaid",
                                            suspension_type=Subscription.SuspensionType.NON_PAYMENT)
        drain(router)
    assert sim.hotspot_session("hs_rina") is None and not sim.address_listed(address, pkg)
    assert sim.hotspot_login("hs_rina", "pw-hs_rina").outcome == "reject"
    with clock(day, time(14, 0)):
        subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
        drain(router)
    assert sim.hotspot_login("hs_rina", "pw-hs_rina").outcome == "local"
    assert speeds_of(sim, "hs_rina") == ((100, 100), (50, 25), (20, 20))

    # Change of package: RouterOS reads the profile at login, so the session is ended; the next login
    # is on the new profile and in the new package's list. The old profile loses the list (no one here is on it).
    with clock(day, time(15, 0)):
        subscription_update(actor=None, subscription=subscription, package=faster)
        drain(router)
    assert not ProvisioningTask.objects.filter(subscription=subscription).exclude(status="done").exists()
    assert sim.hotspot_session("hs_rina") is None
    assert sim.hotspot_login("hs_rina", "pw-hs_rina").outcome == "local"
    assert sim.hotspot_session("hs_rina")["address-list"] == f"ispbill-pkg-{faster.pk}"
    assert speeds_of(sim, "hs_rina") == ((100, 100), (100, 100), (30, 30))
    assert profile(sim, "HOME-30M") == ("30M/30M", f"ispbill-pkg-{faster.pk}")
    assert profile(sim, "HOME-20M")[1] == ""
    session_id = sim.hotspot_session("hs_rina")["session-id"]

    # Midnight: the package's net PCQ rate and its profile's rate-limit change; the login online
    # changes speed without logging in again; BDIX keeps its own.
    with clock(NIGHT, time(0, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = speed_boundary.speed_edge_apply(run_id=SpeedBoundaryRun.objects.get(router=router).pk)
    assert (run.status, run.done, run.refused, run.lost) == (SpeedBoundaryRun.Status.DONE, 1, 0, 0)
    assert speeds_of(sim, "hs_rina") == ((100, 100), (100, 100), (40, 40))
    assert sim.hotspot_session("hs_rina")["session-id"] == session_id
    assert profile(sim, "HOME-30M")[0] == "40M/40M"  # a login after midnight: its dynamic queue at 40 too
    with clock(NIGHT, time(0, 5)):
        assert reconcile.reconcile_router(router_id=router.pk).status == DriftReport.Status.IN_SYNC

    # 08:00: back to the package's 30, still the same session.
    with clock(NIGHT, time(8, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = SpeedBoundaryRun.objects.get(router=router, status=SpeedBoundaryRun.Status.RUNNING)
        run = speed_boundary.speed_edge_apply(run_id=run.pk)
    assert (run.done, run.lost) == (1, 0)
    assert speeds_of(sim, "hs_rina") == ((100, 100), (100, 100), (30, 30))
    assert sim.hotspot_session("hs_rina")["session-id"] == session_id
    assert profile(sim, "HOME-30M")[0] == "30M/30M"


def test_api_mode_hotspot_router_down_at_midnight_is_corrected_by_its_reconciler(make_routeros_router, destinations):  # noqa: F811
    sim = make_routeros_router(identity="pop-hotspot-down")
    router = router_for(sim, name="pop-hotspot-down")
    package = worked_example_package()
    with clock(NIGHT - timedelta(days=1), time(23, 50)):
        hotspot_subscription(router, package, "hs_karim")
        drain(router)
    assert sim.hotspot_login("hs_karim", "pw-hs_karim").outcome == "local"
    session_id = sim.hotspot_session("hs_karim")["session-id"]
    assert speeds_of(sim, "hs_karim")[2] == (20, 20)

    sim.refuse_connections()
    close_all_connections()
    with clock(NIGHT, time(0, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = speed_boundary.speed_edge_apply(run_id=SpeedBoundaryRun.objects.get(router=router).pk)
    assert (run.status, run.lost, len(run.pending)) == (SpeedBoundaryRun.Status.INCOMPLETE, 1, 1)
    assert speeds_of(sim, "hs_karim")[2] == (20, 20)

    # Back at 00:20: the reconciler sets the net PCQ rate and the profile in force, and the run is corrected.
    sim.accept_connections()
    with clock(NIGHT, time(0, 20)):
        report = reconcile.reconcile_router(router_id=router.pk)
    assert any(repair.get("name") == "speed classes" for repair in report.repairs)
    assert SpeedBoundaryRun.objects.get(pk=run.pk).status == SpeedBoundaryRun.Status.CORRECTED
    assert speeds_of(sim, "hs_karim") == ((100, 100), (100, 100), (40, 40))
    assert sim.hotspot_session("hs_karim")["session-id"] == session_id  # no new login
    assert profile(sim, "HOME-20M")[0] == "40M/40M"


def test_api_mode_hotspot_edge_keeps_the_per_router_rate(routeros_router, destinations, settings):  # noqa: F811
    """Two packages with the same window on one router: six changes (each package's two net PCQ types
    and its profile) at 2 a second leave over 2.5 s, never more than 2 in any second."""
    settings.SPEED_CHANGES_PER_ROUTER_PER_SECOND = 2
    sim = routeros_router
    router = router_for(sim)
    packages = [worked_example_package(), PackageFactory(name="Night owl", router_profile="OWL-10M", download_mbps=10, upload_mbps=10)]
    package_speed_windows_set(actor=None, package=packages[1], windows=[(time(0), time(8), 50, 50)])
    with clock(NIGHT - timedelta(days=1), time(23, 50)):
        for package, name in zip(packages, ("hs_a", "hs_b"), strict=True):
            hotspot_subscription(router, package, name)
        drain(router)
    for name in ("hs_a", "hs_b"):
        assert sim.hotspot_login(name, f"pw-{name}").outcome == "local"
    assert (speeds_of(sim, "hs_a")[2], speeds_of(sim, "hs_b")[2]) == ((20, 20), (10, 10))

    moments = [0.0]

    def sleep(seconds):
        moments[0] += seconds

    with clock(NIGHT, time(0, 0, 30)):
        run_task("network.tasks.start_speed_edges")
        run = speed_boundary.speed_edge_apply(run_id=SpeedBoundaryRun.objects.get(router=router).pk,
                                              clock=lambda: moments[0], sleep=sleep)
    assert (run.status, run.done, run.max_rate) == (SpeedBoundaryRun.Status.DONE, 2, 2)
    assert moments[0] >= 2.5  # the sixth change no earlier than 5 / 2 s after the first
    assert (speeds_of(sim, "hs_a")[2], speeds_of(sim, "hs_b")[2]) == ((40, 40), (50, 50))
    assert speeds_of(sim, "hs_b")[0] == (50, 50)  # no classes on this package: BDIX is internet traffic


def test_api_mode_hotspot_login_throttled_by_its_cap_keeps_bdix_at_its_fup_speed(routeros_router, destinations):  # noqa: F811
    """At the cap the login is ended and comes back on the FUP profile, whose own list
    (ispbill-pkg-<package>-fup) takes the class marks but not the net mark: BDIX 100, internet at the
    throttled 2/1 Mbps of the profile's rate-limit."""
    from datetime import UTC, date, datetime

    from network import usage
    from network.models import UsageDaily

    with clock(NIGHT - timedelta(days=1), time(12, 0)):  # outside the night window
        sim = routeros_router
        router = router_for(sim)
        package = worked_example_package(data_cap_gb=100, fup_download_mbps=2, fup_upload_mbps=1)
        subscription = make_subscription(router=router, package=package, username="hs_heavy", password="pw-hs_heavy",
                                         connection_type=HOTSPOT, activate=True, billing_anchor_day=5)
        drain(router)
        assert profile(sim, "HOME-20M-FUP") == ("1M/2M", f"ispbill-pkg-{package.pk}-fup")
        assert sim.hotspot_login("hs_heavy", "pw-hs_heavy").outcome == "local"

        UsageDaily.objects.update_or_create(subscription=subscription, day=date(2026, 3, 12), defaults={"download_bytes": 120 * 1000**3})
        assert usage.fup_evaluate(router_id=router.pk, now=datetime(2026, 3, 20, 6, 0, tzinfo=UTC)).throttled == 1
        drain(router)
        assert sim.hotspot_session("hs_heavy") is None  # ended: the FUP profile is read at the next login
        assert sim.hotspot_login("hs_heavy", "pw-hs_heavy").outcome == "local"
        assert sim.hotspot_session("hs_heavy")["address-list"] == f"ispbill-pkg-{package.pk}-fup"
        bdix, _cache, internet = speeds_of(sim, "hs_heavy")
        assert (bdix, internet) == ((100, 100), (2, 1))
        assert reconcile.reconcile_router(router_id=router.pk).repairs == []
