"""Usage polling against the RouterOS simulator: deltas across resets and reboots, roll-ups,
retention, and the live session facts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from customers.models import Subscription
from network import outbox, routeros, usage
from network.models import UsageDaily, UsageHourly, UsagePoll, UsageSample
from network.selectors import live_status
from network.usage import counter_delta
from tests.factories import PackageFactory, RouterFactory, make_subscription
from tests.threads import run_in_threads

pytestmark = pytest.mark.usefixtures("fresh_router_connections")

T0 = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 10:00 in Dhaka


# Deltas ------------------------------------------------------------------------------------------


def test_counter_growing_counts_the_difference():
    assert counter_delta((100, 1000), (150, 1600)) == ((50, 600), False)


def test_counter_lower_than_last_is_a_reset_and_counts_the_new_value():
    assert counter_delta((5_000_000, 90_000_000), (1_000, 20_000)) == ((1_000, 20_000), True)


def test_known_restart_counts_the_whole_value_even_when_it_grew_past_the_old_one():
    # A rebooted router whose new counters already exceed the old ones: the difference would
    # undercount, the whole value is right.
    assert counter_delta((1_000, 2_000), (5_000, 9_000), restarted=True) == ((5_000, 9_000), True)


def test_32_bit_wrap_in_one_direction_counts_across_the_wrap():
    last_down = 2**32 - 1_000
    assert counter_delta((500, last_down), (700, 4_000)) == ((200, 5_000), False)


def test_both_directions_lower_is_a_reset_not_a_wrap():
    assert counter_delta((2**32 - 1_000, 2**32 - 1_000), (10, 20)) == ((10, 20), True)


# Polling against the simulator ------------------------------------------------------------------


def router_for(sim):
    return RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username)


class Clock:
    """Moves the simulator's clock and ours together, so uptimes and poll times agree."""

    def __init__(self, routeros_clock, start=T0):
        self.sim = routeros_clock
        self.now = start

    def advance(self, seconds):
        self.sim.advance(seconds)
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def usage_network(routeros_router, routeros_clock, db):
    """A router with two PPPoE customers and one static-IP customer, all provisioned."""
    router = router_for(routeros_router)
    package = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    subs = {
        "rahim": make_subscription(router=router, package=package, username="rahim", activate=True),
        "karim": make_subscription(router=router, package=package, username="karim", activate=True),
        "static": make_subscription(
            router=router, package=package, username="", password="",
            connection_type=Subscription.ConnectionType.STATIC_IP, static_ip="10.9.0.5", activate=True,
        ),
    }
    assert outbox.outbox_drain(router_id=router.pk).applied == 3
    return router, subs, Clock(routeros_clock)


def poll(router, clock):
    result = usage.usage_poll_router(router_id=router.pk, now=clock.now)
    assert result.error == "", result.error
    return result


def counters(sim, name):
    session = sim.session(name)
    return int(session["rx-byte"]), int(session["tx-byte"])


def totals(subscription):
    samples = UsageSample.objects.filter(subscription=subscription)
    return sum(s.upload_bytes for s in samples), sum(s.download_bytes for s in samples)


@pytest.mark.django_db
def test_poll_stores_deltas_per_subscription_and_rolls_them_up(usage_network, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)  # first reading: baselines only
    assert UsageSample.objects.count() == 0
    before = counters(routeros_router, "rahim")

    clock.advance(300)
    result = poll(router, clock)
    after = counters(routeros_router, "rahim")
    assert totals(subs["rahim"]) == (after[0] - before[0], after[1] - before[1])
    assert totals(subs["rahim"])[1] > 0
    assert result.counters >= 2 and result.resets == 0

    clock.advance(300)
    poll(router, clock)
    up, down = totals(subs["rahim"])
    hour = UsageHourly.objects.get(subscription=subs["rahim"])
    day = UsageDaily.objects.get(subscription=subs["rahim"])
    assert (hour.upload_bytes, hour.download_bytes) == (up, down)
    assert (day.day.isoformat(), day.upload_bytes, day.download_bytes) == ("2026-03-10", up, down)
    # The baselines are keyed by the entries' names, never the router's .ids.
    assert set(UsagePoll.objects.get(router=router).baselines) == {"s:rahim", "s:karim", "q:static-10.9.0.5"}


@pytest.mark.django_db
def test_hourly_and_daily_rollups_split_at_the_hour_and_the_local_day(usage_network, routeros_router):
    router, subs, clock = usage_network
    clock.now = datetime(2026, 3, 10, 17, 50, tzinfo=UTC)  # 23:50 in Dhaka
    poll(router, clock)
    clock.advance(300)  # 23:55
    poll(router, clock)
    clock.advance(600)  # 00:05 the next local day, a new UTC hour
    poll(router, clock)
    hours = list(UsageHourly.objects.filter(subscription=subs["rahim"]).order_by("hour"))
    days = list(UsageDaily.objects.filter(subscription=subs["rahim"]).order_by("day"))
    assert [h.hour.hour for h in hours] == [17, 18]
    assert [d.day.isoformat() for d in days] == ["2026-03-10", "2026-03-11"]
    assert [d.download_bytes for d in days] == [h.download_bytes for h in hours]
    assert sum(d.download_bytes for d in days) == totals(subs["rahim"])[1]


@pytest.mark.django_db
def test_reboot_between_polls_counts_traffic_since_boot_without_doubling(usage_network, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)
    clock.advance(300)
    poll(router, clock)
    counted_before = totals(subs["rahim"])

    clock.advance(120)
    routeros_router.reboot()  # counters to zero, sessions redial with new ids, .ids renumbered
    clock.advance(1800)  # long enough that the new counters exceed the old ones
    fresh = counters(routeros_router, "rahim")
    result = poll(router, clock)
    counted = totals(subs["rahim"])
    assert result.resets >= 2
    # Exactly the traffic since the reboot is added: not the difference to the old counters
    # (too little), not the old total again (doubled), never negative.
    assert (counted[0] - counted_before[0], counted[1] - counted_before[1]) == fresh
    assert all(s.upload_bytes >= 0 and s.download_bytes >= 0 for s in UsageSample.objects.all())

    clock.advance(300)
    later = counters(routeros_router, "rahim")
    poll(router, clock)
    assert totals(subs["rahim"])[1] - counted[1] == later[1] - fresh[1]


@pytest.fixture
def usage_hotspot(usage_network):
    """A hotspot customer on the same router (a /ip/hotspot/user shaped by the package's profile)."""
    router, subs, clock = usage_network
    subscription = make_subscription(
        router=router, package=subs["rahim"].package, username="hs_rina",
        connection_type=Subscription.ConnectionType.HOTSPOT, activate=True,
    )
    assert outbox.outbox_drain(router_id=router.pk).applied == 1
    return subscription


def hotspot_counters(sim, name):
    user = sim.hotspot_user(name)
    return int(user["bytes-in"]), int(user["bytes-out"])


@pytest.mark.django_db
def test_hotspot_user_counters_are_polled_as_upload_in_and_download_out(usage_network, usage_hotspot, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)  # first reading: baselines only
    assert totals(usage_hotspot) == (0, 0)
    before = hotspot_counters(routeros_router, "hs_rina")

    clock.advance(300)
    poll(router, clock)
    after = hotspot_counters(routeros_router, "hs_rina")
    up, down = totals(usage_hotspot)
    # bytes-in (router receives) is the customer's upload, bytes-out the download.
    assert (up, down) == (after[0] - before[0], after[1] - before[1])
    assert 0 < up < down <= 20_000_000 / 8 * 300 * 1.35  # shaped by the package's 10M/20M
    clock.advance(300)
    poll(router, clock)
    up, down = totals(usage_hotspot)
    assert (up, down) == tuple(now - then for now, then in zip(hotspot_counters(routeros_router, "hs_rina"), before))
    hour = UsageHourly.objects.get(subscription=usage_hotspot)
    day = UsageDaily.objects.get(subscription=usage_hotspot)
    assert (hour.upload_bytes, hour.download_bytes) == (day.upload_bytes, day.download_bytes) == (up, down)
    assert "h:hs_rina" in UsagePoll.objects.get(router=router).baselines


@pytest.mark.django_db
def test_hotspot_counters_across_a_reboot_count_traffic_since_boot_without_doubling(usage_network, usage_hotspot, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)
    clock.advance(300)
    poll(router, clock)
    counted_before = totals(usage_hotspot)
    assert counted_before[1] > 0

    clock.advance(120)
    routeros_router.reboot()  # hotspot counters to zero, .ids renumbered
    clock.advance(1800)  # the new counters exceed the old ones
    fresh = hotspot_counters(routeros_router, "hs_rina")
    assert fresh[1] > counted_before[1]
    poll(router, clock)
    counted = totals(usage_hotspot)
    assert (counted[0] - counted_before[0], counted[1] - counted_before[1]) == fresh
    assert all(s.upload_bytes >= 0 and s.download_bytes >= 0 for s in UsageSample.objects.filter(subscription=usage_hotspot))

    clock.advance(300)
    later = hotspot_counters(routeros_router, "hs_rina")
    poll(router, clock)
    assert totals(usage_hotspot)[1] - counted[1] == later[1] - fresh[1]


@pytest.mark.django_db
def test_session_redial_between_polls_counts_the_new_session_from_zero(usage_network, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)
    clock.advance(300)
    poll(router, clock)
    counted_before = totals(subs["karim"])
    routeros_router.drop_session("karim")  # CPE rebooted: a new session, a new counter
    clock.advance(1500)
    fresh = counters(routeros_router, "karim")
    poll(router, clock)
    counted = totals(subs["karim"])
    assert (counted[0] - counted_before[0], counted[1] - counted_before[1]) == fresh


@pytest.mark.django_db
def test_connection_dropped_mid_poll_stores_nothing_and_the_next_poll_counts_the_gap_once(usage_network, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)
    baseline = counters(routeros_router, "rahim")
    clock.advance(300)
    # Dropped on the redial too (the adapter retries a read once on a fresh connection).
    routeros_router.drop_mid_reply("/interface/print", after_rows=1, times=None)
    failed = usage.usage_poll_router(router_id=router.pk, now=clock.now)
    routeros_router.clear_faults()
    assert failed.error
    assert UsageSample.objects.count() == 0
    assert UsagePoll.objects.get(router=router).error == failed.error

    clock.advance(300)
    poll(router, clock)
    now_counters = counters(routeros_router, "rahim")
    assert totals(subs["rahim"]) == (now_counters[0] - baseline[0], now_counters[1] - baseline[1])
    assert UsagePoll.objects.get(router=router).error == ""


@pytest.mark.django_db
def test_static_queue_counters_are_matched_by_marker_and_a_recreated_queue_counts_from_zero(usage_network):
    # The simulator moves no traffic through a static customer's queue (nobody sends from its
    # address), so the queue path is fed readings directly.
    router, subs, clock = usage_network
    static = subs["static"]

    def reading(up, down, name="static-10.9.0.5"):
        return routeros.UsageReading(
            sessions=[], active=[], router_uptime_seconds=10_000,
            queues=[routeros.Counter(name, up, down, f"ispbill:{static.pk}"), routeros.Counter("hand-made", 5, 5)],
        )

    def store(up, down, **kwargs):
        with transaction.atomic():
            return usage.store_reading(router=router, reading=reading(up, down, **kwargs), now=clock.now)

    UsagePoll.objects.get_or_create(router=router)
    store(1_000, 50_000)
    clock.advance(300)
    result = store(3_000, 90_000, name="renamed-by-hand")  # found by its ispbill marker, not its name
    assert totals(static) == (0, 0)  # a new name is a new counter: a baseline
    assert result.unknown == 1  # the hand-made queue is nobody's
    clock.advance(300)
    store(4_000, 100_000, name="renamed-by-hand")
    assert totals(static) == (1_000, 10_000)
    clock.advance(300)
    store(200, 700, name="renamed-by-hand")  # queue recreated: counters restarted
    assert totals(static) == (1_200, 10_700)


@pytest.mark.django_db
def test_live_sessions_show_address_uptime_and_caller_mac_of_the_last_poll(usage_network, routeros_router):
    router, subs, clock = usage_network
    clock.advance(90)
    poll(router, clock)
    live = live_status(subs["rahim"])
    facts = routeros_router.session("rahim")
    assert live.online and (live.session.address, live.session.caller_id) == (facts["address"], facts["caller-id"])
    assert live.session.uptime_seconds == 90 and live.polled_at == clock.now
    routeros_router.drop_session("rahim", reconnect=False)
    poll(router, clock)
    assert not live_status(subs["rahim"]).online
    assert live_status(subs["karim"]).online
    assert live_status(subs["static"]).static


@pytest.mark.django_db
def test_poll_of_an_unreachable_router_records_the_error_and_keeps_baselines(usage_network, routeros_router):
    router, subs, clock = usage_network
    poll(router, clock)
    states = UsagePoll.objects.get(router=router).baselines
    routeros_router.refuse_connections()
    routeros_router.close_connections()
    clock.advance(300)
    result = usage.usage_poll_router(router_id=router.pk, now=clock.now)
    assert "refused" in result.error
    assert UsagePoll.objects.get(router=router).baselines == states


@pytest.mark.django_db
@override_settings(USAGE_SAMPLE_RETENTION_DAYS=2, USAGE_HOURLY_RETENTION_DAYS=5, USAGE_DAILY_RETENTION_DAYS=30)
def test_purge_keeps_each_level_for_its_retention(usage_network):
    router, subs, clock = usage_network
    subscription = subs["rahim"]
    now = T0
    for days in (1, 3):
        UsageSample.objects.create(subscription=subscription, router=router, taken_at=now - timedelta(days=days), upload_bytes=1, download_bytes=1)
    for days in (4, 6):
        UsageHourly.objects.create(subscription=subscription, hour=now - timedelta(days=days), upload_bytes=1)
    for days in (29, 31):
        UsageDaily.objects.create(subscription=subscription, day=(now - timedelta(days=days)).date(), upload_bytes=1)
    deleted = usage.usage_purge(now=now)
    assert (deleted["samples"], deleted["hours"], deleted["days"]) == (1, 1, 1)
    assert UsageSample.objects.count() == UsageHourly.objects.count() == UsageDaily.objects.count() == 1


@pytest.mark.django_db
def test_seed_usage_writes_past_days_only_configures_fup_and_runs_once(db):
    from django.core.management import call_command

    from customers.models import Package
    from network.models import FupState

    capped = PackageFactory(data_cap_gb=100)
    heavy = make_subscription(package=capped, activate=True)
    plain = make_subscription(activate=True)
    Subscription.objects.filter(pk__in=[heavy.pk, plain.pk]).update(activated_at=timezone.now() - timedelta(days=90))
    call_command("seed_usage", days=20, stdout=open("/dev/null", "w"))
    today = timezone.localdate()
    days = UsageDaily.objects.filter(subscription=plain)
    assert days.count() == 20 and not days.filter(day=today).exists()
    assert all(day.download_bytes > day.upload_bytes > 0 for day in days)
    assert UsageHourly.objects.filter(subscription=plain).count() == 48
    capped.refresh_from_db()
    assert capped.has_fup  # the demo catalogue's capped packages get throttled speeds
    assert FupState.objects.filter(subscription=heavy).exists()
    before = UsageDaily.objects.count()
    call_command("seed_usage", days=20, stdout=open("/dev/null", "w"))
    assert UsageDaily.objects.count() == before
    assert Package.objects.filter(data_cap_gb__gt=0, fup_download_mbps__isnull=True).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seed_usage_run_twice_at_once_writes_the_history_once_without_an_error():
    """`make run`: the routers process and the background seed's usage step can both find no usage yet and
    seed it at the same moment; on PostgreSQL the second insert of a (subscription, day) stopped the demo."""
    import threading

    from django.db import connection

    from demo.management.commands import seed_usage

    if connection.vendor != "postgresql":
        pytest.skip("the race needs two connections writing at once (PostgreSQL)")
    plain = make_subscription(activate=True)
    Subscription.objects.filter(pk=plain.pk).update(activated_at=timezone.now() - timedelta(days=90))
    both_configured = threading.Barrier(2, timeout=60)
    configure = seed_usage._configure_fup
    errors = []

    def configure_then_wait():
        configured = configure()
        both_configured.wait()  # both past here, then both delete and write the same rows
        return configured

    def writer():
        try:
            seed_usage.seed_history(days=20, batch=5)
        except Exception as error:  # noqa: BLE001 - the thread's failure is the test's
            errors.append(error)
        finally:
            connection.close()

    seed_usage._configure_fup = configure_then_wait
    try:
        threads = [threading.Thread(target=writer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    finally:
        seed_usage._configure_fup = configure
    assert errors == []
    assert UsageDaily.objects.filter(subscription=plain).count() == 20
    assert UsageHourly.objects.filter(subscription=plain).count() == 48


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_fup_evaluations_at_once_make_one_state_and_neither_fails(monkeypatch):
    """A router's next usage poll may evaluate FUP while the last one still does, and `make run`'s routers
    process and usage seed step evaluate at once: both find a capped subscription with no state yet and
    make it. The second insert stopped the demo (a duplicate key); now it finds the first one's row."""
    import threading

    from django.db import connection

    from network.models import FupState

    if connection.vendor != "postgresql":
        pytest.skip("the race needs two connections writing at once (PostgreSQL)")
    subscription = make_subscription(package=PackageFactory(data_cap_gb=100), activate=True)
    both_read = threading.Barrier(2, timeout=60)
    cycle = usage.fup_cycle

    def cycle_once_both_have_read(subscription, today):
        both_read.wait()  # both have looked for the state and found none
        return cycle(subscription, today)

    monkeypatch.setattr(usage, "fup_cycle", cycle_once_both_have_read)
    results, errors = run_in_threads(usage.fup_evaluate, 2)
    assert errors == []
    assert [result.checked for result in results] == [1, 1]
    assert FupState.objects.filter(subscription=subscription).count() == 1
