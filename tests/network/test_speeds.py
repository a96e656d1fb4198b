"""Speed classes (BDIX, cache) and speed windows (night speed) provisioned end to end against the
RouterOS simulator, which enforces them: a speed test through it shows each class's speed apart
(network/speeds.py, network/speed_boundary.py, demo/routeros/shaping.py, docs/speeds.md)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.services import package_speed_windows_set
from network import outbox, reconcile, services, speed_boundary, speeds
from network.models import DriftReport, SpeedBoundaryRun, SpeedDestination
from network.routeros import close_all_connections
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from tests.network.radius_fixtures import SECRET, point_at, radius_peer  # noqa: F401
from tests.night import clock, run_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_router_connections")]

BDIX_HOST = "103.4.145.10"  # inside 103.4.144.0/22, a BDIX member's prefix
CACHE_HOST = "10.77.0.20"  # a GGC node inside the ISP
INTERNET_HOST = "142.250.193.46"
M = 1_000_000
NIGHT = date(2026, 11, 26)


def router_for(sim, **fields):
    return RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username, **fields)


def drain(router):
    return outbox.outbox_drain(router_id=router.pk)


def worked_example_package(**overrides):
    """docs/speeds.md's worked example: Internet 20 Mbps, BDIX 100 Mbps, cache 100 Mbps, night 00–08 at 40 Mbps."""
    fields = {"name": "Home 20 BDIX 100", "router_profile": "HOME-20M", "download_mbps": 20, "upload_mbps": 20,
              "bdix_download_mbps": 100, "bdix_upload_mbps": 100, "cache_download_mbps": 100, "cache_upload_mbps": 100}
    package = PackageFactory(**{**fields, **overrides})
    package_speed_windows_set(actor=None, package=package, windows=[(time(0), time(8), 40, 40)])
    return package


@pytest.fixture
def destinations():
    services.speed_destinations_add(actor=admin_user(), kind="bdix", prefixes="103.4.144.0/22\n203.112.192.0/20")
    services.speed_destinations_add(actor=admin_user(), kind="cache", prefixes="10.77.0.0/24")


def test_destinations_refuse_malformed_prefixes_and_change_nothing(destinations):
    for bad in ("103.4.145.0/22", "not-a-prefix", "2001:db8::/32", "0.0.0.0/0", "103.4.1.0/33"):
        with pytest.raises(ValidationError):
            services.speed_destinations_add(actor=admin_user(), kind="bdix", prefixes=f"198.51.100.0/24 {bad}")
    with pytest.raises(ValidationError):
        services.speed_destinations_add(actor=admin_user(), kind="wrong", prefixes="198.51.100.0/24")
    assert sorted(SpeedDestination.objects.values_list("kind", "prefix")) == [
        ("bdix", "103.4.144.0/22"), ("bdix", "203.112.192.0/20"), ("cache", "10.77.0.0/24"),
    ]
    # A host becomes a /32, a prefix listed already is skipped.
    services.speed_destinations_add(actor=admin_user(), kind="cache", prefixes="10.77.0.0/24, 157.240.1.35")
    assert sorted(SpeedDestination.objects.filter(kind="cache").values_list("prefix", flat=True)) == ["10.77.0.0/24", "157.240.1.35/32"]


def test_windows_that_overlap_or_are_empty_are_refused():
    package = PackageFactory()
    with pytest.raises(ValidationError):
        package_speed_windows_set(actor=None, package=package, windows=[(time(22), time(2), 40, 40), (time(1), time(8), 30, 30)])
    with pytest.raises(ValidationError):
        package_speed_windows_set(actor=None, package=package, windows=[(time(3), time(3), 40, 40)])
    with pytest.raises(ValidationError):
        package_speed_windows_set(actor=None, package=package, windows=[(time(3), time(4), 0, 40)])
    assert not package.speed_windows.exists()
    package_speed_windows_set(actor=None, package=package, windows=[(time(22), time(2), 40, 40), (time(2), time(8), 30, 30)])
    assert package.speed_windows.count() == 2


def test_api_mode_speed_test_shows_bdix_cache_and_internet_apart(routeros_router, destinations):
    sim = routeros_router
    router = router_for(sim)
    package = worked_example_package(cache_download_mbps=50, cache_upload_mbps=25)
    with clock(NIGHT, time(12, 0)):
        make_subscription(router=router, package=package, username="rahim", password="pw-rahim", activate=True)
        assert drain(router).applied >= 1
        report = reconcile.reconcile_router(router_id=router.pk)
    assert report.status in (DriftReport.Status.REPAIRED, DriftReport.Status.IN_SYNC)

    # What the router holds: the lists, the marks, and three queues above the profile's in class order.
    lists = {(row["list"], row["address"]) for row in sim.run("/ip/firewall/address-list/print") if row.get("comment") == "ispbill-speed"}
    assert lists == {("ispbill-bdix", "103.4.144.0/22"), ("ispbill-bdix", "203.112.192.0/20"), ("ispbill-cache", "10.77.0.0/24")}
    marks = [(row.get("dst-address-list") or row.get("src-address-list"), row["new-packet-mark"]) for row in sim.run("/ip/firewall/mangle/print")]
    assert marks == [("ispbill-bdix", "ispbill-bdix")] * 2 + [("ispbill-cache", "ispbill-cache")] * 2
    queues = [(row["name"], row["packet-marks"], row["max-limit"]) for row in sim.run("/queue/simple/print")]
    assert queues == [
        ("bdix-rahim", "ispbill-bdix", "100000000/100000000"),
        ("cache-rahim", "ispbill-cache", "25000000/50000000"),
        ("net-rahim", "", "20000000/20000000"),
    ]

    bdix = sim.speed_test("rahim", BDIX_HOST)
    cache = sim.speed_test("rahim", CACHE_HOST)
    internet = sim.speed_test("rahim", INTERNET_HOST)
    assert (bdix["mark"], bdix["download_bps"], bdix["upload_bps"]) == ("ispbill-bdix", 100 * M, 100 * M)
    assert (cache["mark"], cache["download_bps"], cache["upload_bps"]) == ("ispbill-cache", 50 * M, 25 * M)
    assert (internet["mark"], internet["download_bps"], internet["upload_bps"]) == ("", 20 * M, 20 * M)

    # A second reconcile finds nothing to do.
    with clock(NIGHT, time(12, 5)):
        assert reconcile.reconcile_router(router_id=router.pk).status == DriftReport.Status.IN_SYNC


def test_api_mode_suspension_removes_the_speed_queues_and_the_profile_carries_on(routeros_router, destinations):
    from customers.models import Subscription
    from usecases.subscription_suspend import subscription_suspend

    sim = routeros_router
    router = router_for(sim, suspension_method="disable")
    package = worked_example_package()
    with clock(NIGHT, time(12, 0)):
        subscription = make_subscription(router=router, package=package, username="rahim", password="pw", activate=True)
        drain(router)
        assert len(speeds.subscription_queue_rows(routeros_client(sim, router), subscription.pk)) == 3
        subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
        drain(router)
    assert [row["name"] for row in sim.run("/queue/simple/print")] == []


def routeros_client(sim, router):
    from network import routeros

    session = routeros.router_session(routeros.connection_for(router))
    return session.__enter__()


def test_night_edge_changes_api_queues_without_reconnecting_and_a_router_down_is_corrected(make_routeros_router, destinations):
    up, down = make_routeros_router(identity="pop-up"), make_routeros_router(identity="pop-down")
    router_up, router_down = router_for(up, name="pop-up"), router_for(down, name="pop-down")
    package = worked_example_package()
    with clock(NIGHT - timedelta(days=1), time(23, 50)):
        for router, name in ((router_up, "rahim"), (router_down, "karim")):
            make_subscription(router=router, package=package, username=name, password=f"pw-{name}", activate=True)
            drain(router)
            reconcile.reconcile_router(router_id=router.pk)  # the destination lists and marks (pushed when they were added)
    assert up.speed_test("rahim", INTERNET_HOST)["download_bps"] == 20 * M
    session_before = up.session("rahim")["session-id"]

    down.refuse_connections()
    close_all_connections()
    with clock(NIGHT, time(0, 0, 30)):
        run_task("network.tasks.start_speed_edges")  # the beat, 30 s after midnight
        runs = {run.router_id: run for run in SpeedBoundaryRun.objects.all()}
        assert set(runs) == {router_up.pk, router_down.pk}
        for run in runs.values():
            speed_boundary.speed_edge_apply(run_id=run.pk)
        run_task("network.tasks.start_speed_edges")  # a second beat starts nothing twice
    assert SpeedBoundaryRun.objects.count() == 2

    ran_up, ran_down = SpeedBoundaryRun.objects.get(router=router_up), SpeedBoundaryRun.objects.get(router=router_down)
    assert timezone.localtime(ran_up.boundary_at).time() == time(0, 0)
    assert (ran_up.status, ran_up.done, ran_up.refused, ran_up.lost) == (SpeedBoundaryRun.Status.DONE, 1, 0, 0)
    assert up.speed_test("rahim", INTERNET_HOST)["download_bps"] == 40 * M
    assert up.speed_test("rahim", BDIX_HOST)["download_bps"] == 100 * M  # BDIX keeps its own speed
    assert up.session("rahim")["session-id"] == session_before  # no reconnect
    assert (ran_down.status, ran_down.lost, ran_down.pending) == (SpeedBoundaryRun.Status.INCOMPLETE, 1, [ran_down.pending[0]])

    # The router comes back at 00:20; its reconciler corrects the speed and the run.
    down.accept_connections()
    with clock(NIGHT, time(0, 20)):
        report = reconcile.reconcile_router(router_id=router_down.pk)
    assert any(repair.get("problem") == "speed queues" for repair in report.repairs)
    assert down.speed_test("karim", INTERNET_HOST)["download_bps"] == 40 * M
    assert SpeedBoundaryRun.objects.get(router=router_down).status == SpeedBoundaryRun.Status.CORRECTED

    # At 08:00 the night ends: back to 20.
    with clock(NIGHT, time(8, 0, 10)):
        run_task("network.tasks.start_speed_edges")
        for run in SpeedBoundaryRun.objects.filter(status=SpeedBoundaryRun.Status.RUNNING):
            speed_boundary.speed_edge_apply(run_id=run.pk)
    assert up.speed_test("rahim", INTERNET_HOST)["download_bps"] == 20 * M
    assert down.speed_test("karim", INTERNET_HOST)["download_bps"] == 20 * M


def test_pacer_never_sends_more_than_the_rate_in_any_second():
    moments = [0.0]

    def now():
        return moments[0]

    def sleep(seconds):
        moments[0] += seconds

    pacer = speed_boundary.Pacer(50, now, sleep)
    for _ in range(260):
        pacer.wait()
        moments[0] += 0.001  # each send takes a millisecond
    assert pacer.busiest_second() == 50
    # 260 sends at 50 a second: the last leaves 259 / 50 = 5.18 s after the first.
    assert pacer.times[-1] - pacer.times[0] == pytest.approx(5.18, abs=0.002)


def test_radius_mode_classes_by_address_list_and_the_edge_by_coa(make_routeros_router, radius_peer, destinations, settings):  # noqa: F811
    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.2, 1
    sim = make_routeros_router(identity="pop-radius")
    point_at(sim, radius_peer)
    router = router_for(sim, aaa_mode="radius", radius_secret=SECRET, radius_coa_port=sim.coa_port)
    package = worked_example_package()
    with clock(NIGHT - timedelta(days=1), time(23, 50)):
        subscription = make_subscription(router=router, package=package, username="rahim", password="pw", activate=True)
        # What FreeRADIUS answers this login (radius migration 0021): the internet rate and the package's list.
        radius_peer.users["rahim"] = ("pw", {"Mikrotik-Rate-Limit": "20M/20M", "Mikrotik-Address-List": speeds.radius_address_list(package.pk)})
        assert sim.dial("rahim", "pw").outcome == "accept"
        reconcile.reconcile_router(router_id=router.pk)

    types = {row["name"]: row["pcq-rate"] for row in sim.run("/queue/type/print") if row.get("comment") == "ispbill-speed"}
    assert types == {f"ispbill-bdix-pkg-{package.pk}-up": "100M", f"ispbill-bdix-pkg-{package.pk}-down": "100M",
                     f"ispbill-cache-pkg-{package.pk}-up": "100M", f"ispbill-cache-pkg-{package.pk}-down": "100M"}
    assert sim.speed_test("rahim", BDIX_HOST)["download_bps"] == 100 * M
    assert sim.speed_test("rahim", BDIX_HOST)["queue"] == f"ispbill-bdix-pkg-{package.pk}"
    assert sim.speed_test("rahim", INTERNET_HOST)["download_bps"] == 20 * M

    # Midnight, with the router's CoA port silent: the change is lost, then resent by the reconciler.
    sim.set_coa_fault("silent")
    with clock(NIGHT, time(0, 0, 20)):
        run_task("network.tasks.start_speed_edges")
        run = SpeedBoundaryRun.objects.get(router=router)
        run = speed_boundary.speed_edge_apply(run_id=run.pk)
    assert (run.status, run.lost, run.pending) == (SpeedBoundaryRun.Status.INCOMPLETE, 1, [subscription.pk])
    assert sim.speed_test("rahim", INTERNET_HOST)["download_bps"] == 20 * M
    sim.set_coa_fault(None)
    session_before = sim.session("rahim")["session-id"]
    with clock(NIGHT, time(0, 15)):
        reconcile.reconcile_router(router_id=router.pk)
    assert SpeedBoundaryRun.objects.get(pk=run.pk).status == SpeedBoundaryRun.Status.CORRECTED
    assert sim.speed_test("rahim", INTERNET_HOST)["download_bps"] == 40 * M
    assert sim.speed_test("rahim", BDIX_HOST)["download_bps"] == 100 * M
    assert sim.session("rahim")["session-id"] == session_before  # changed by CoA, not by a new login


def test_radius_mode_hotspot_subscription_gets_its_classes_and_the_night_edge_by_coa(make_routeros_router, radius_peer, destinations, settings):  # noqa: F811
    """The same for a hotspot subscription (a login on the hotspot page, not a PPPoE dial): its session is
    in /ip/hotspot/active, and the edge's CoA changes it there without a new login."""
    from customers.models import Subscription

    settings.RADIUS_COA_TIMEOUT, settings.RADIUS_COA_ATTEMPTS = 0.2, 1
    sim = make_routeros_router(identity="pop-radius-hotspot")
    point_at(sim, radius_peer)
    profile = sim.run("/ip/hotspot/profile/print")[0]
    sim.run("/ip/hotspot/profile/set", **{".id": profile[".id"], "use-radius": "yes", "radius-accounting": "yes",
                                          "login-by": "cookie,http-pap"})
    router = router_for(sim, aaa_mode="radius", radius_secret=SECRET, radius_coa_port=sim.coa_port)
    package = worked_example_package()
    with clock(NIGHT - timedelta(days=1), time(23, 50)):
        subscription = make_subscription(router=router, package=package, username="hs_rina", password="pw",
                                         connection_type=Subscription.ConnectionType.HOTSPOT, activate=True)
        radius_peer.users["hs_rina"] = ("pw", {"Mikrotik-Rate-Limit": "20M/20M", "Mikrotik-Address-List": speeds.radius_address_list(package.pk)})
        assert sim.hotspot_login("hs_rina", "pw").outcome == "accept"
        reconcile.reconcile_router(router_id=router.pk)
    assert sim.speed_test("hs_rina", BDIX_HOST)["download_bps"] == 100 * M
    assert sim.speed_test("hs_rina", INTERNET_HOST)["download_bps"] == 20 * M
    session_before = sim.hotspot_session("hs_rina")

    with clock(NIGHT, time(0, 0, 20)):
        run_task("network.tasks.start_speed_edges")
        run = speed_boundary.speed_edge_apply(run_id=SpeedBoundaryRun.objects.get(router=router).pk)
    assert (run.status, run.done, run.lost) == (SpeedBoundaryRun.Status.DONE, 1, 0)
    assert sim.speed_test("hs_rina", INTERNET_HOST)["download_bps"] == 40 * M
    assert sim.speed_test("hs_rina", BDIX_HOST)["download_bps"] == 100 * M
    after = sim.hotspot_session("hs_rina")
    assert after["session-id"] == session_before["session-id"] and after["rate-limit"] != session_before["rate-limit"]  # changed by CoA, not a new login
    assert subscription.pk not in run.pending


def test_a_late_send_is_not_made_up_by_a_burst():
    moments = [0.0]

    def sleep(seconds):
        moments[0] += seconds

    pacer = speed_boundary.Pacer(50, lambda: moments[0], sleep)
    for number in range(200):
        pacer.wait()
        moments[0] += 0.6 if number == 30 else 0.001  # the 31st change waits 0.6 s for its answer
    assert pacer.busiest_second() == 50
    times = pacer.times
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[50:], strict=False))
