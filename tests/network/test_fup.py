"""The fair-usage policy against the RouterOS simulator: warnings at 80 % and 95 % once per cycle,
the throttled profile through the outbox at 100 %, and back when staff lift it or the cycle resets."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from ispbill.core.models import AuditLog
from ispbill.notify.models import Message
from network import outbox, reconcile, usage
from network.models import FupState, ProvisioningTask, UsageDaily
from network.notify_events import FUP_THROTTLED, USAGE_WARNING
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from usecases.package_create import package_create as usecases_package_create
from usecases.package_update import package_update as usecases_package_update

pytestmark = pytest.mark.usefixtures("fresh_router_connections")

GB = 1000**3
# The subscription's cycle runs from the 5th: 5 March – 4 April 2026.
IN_CYCLE = datetime(2026, 3, 20, 6, 0, tzinfo=UTC)
NEXT_CYCLE = datetime(2026, 4, 5, 6, 0, tzinfo=UTC)


@pytest.fixture
def capped(routeros_router, db):
    router = RouterFactory(host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username)
    package = PackageFactory(
        router_profile="HOME-20M", download_mbps=20, upload_mbps=10,
        data_cap_gb=100, fup_download_mbps=2, fup_upload_mbps=1,
    )
    subscription = make_subscription(router=router, package=package, username="heavy", activate=True, billing_anchor_day=5)
    outbox.outbox_drain(router_id=router.pk)
    return router, subscription


def use(subscription, gb, day=date(2026, 3, 12)):
    """What the roll-ups would hold after `gb` GB downloaded on `day`."""
    UsageDaily.objects.update_or_create(subscription=subscription, day=day, defaults={"download_bytes": int(gb * GB)})


def secret(sim, name):
    return next(row for row in sim.run("/ppp/secret/print") if row["name"] == name)


def messages(event, **extra):
    return Message.objects.filter(event=event, channel="sms", **extra)


@pytest.mark.django_db
def test_thresholds_fire_once_each_and_the_fup_profile_reaches_the_router(capped, routeros_router):
    router, subscription = capped
    use(subscription, 79)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    assert messages(USAGE_WARNING).count() == 0

    use(subscription, 81)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    assert messages(USAGE_WARNING).count() == 1
    assert "80%" in messages(USAGE_WARNING).get().body

    use(subscription, 96)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    assert messages(USAGE_WARNING).count() == 2
    assert "95%" in messages(USAGE_WARNING).order_by("-pk").first().body
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M"

    use(subscription, 100.5)
    first = usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    again = usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    assert (first.throttled, again.throttled) == (1, 0)
    assert messages(FUP_THROTTLED).count() == 1
    assert messages(USAGE_WARNING).count() == 2
    state = FupState.objects.get(subscription=subscription)
    assert state.throttled and state.used_bytes == int(100.5 * GB)

    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M-FUP"
    profile = next(row for row in routeros_router.run("/ppp/profile/print") if row["name"] == "HOME-20M-FUP")
    assert profile["rate-limit"] == "1M/2M"


@pytest.mark.django_db
def test_a_jump_past_both_warnings_sends_only_the_higher_one(capped):
    router, subscription = capped
    use(subscription, 97)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    assert [m.body.count("95%") for m in messages(USAGE_WARNING)] == [1]


@pytest.mark.django_db
def test_the_reconciler_keeps_a_throttled_subscription_on_the_fup_profile(capped, routeros_router):
    router, subscription = capped
    use(subscription, 120)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    outbox.outbox_drain(router_id=router.pk)
    report = reconcile.reconcile_router(router_id=router.pk)
    assert report.repairs == []
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M-FUP"


@pytest.mark.django_db
def test_staff_lift_restores_the_profile_for_the_rest_of_the_cycle(capped, routeros_router):
    router, subscription = capped
    use(subscription, 120)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    outbox.outbox_drain(router_id=router.pk)
    staff = admin_user()

    with pytest.raises(ValidationError):
        usage.fup_lift(actor=staff, subscription=subscription, reason="  ")
    assert FupState.objects.get(subscription=subscription).throttled

    usage.fup_lift(actor=staff, subscription=subscription, reason="Gave a one-off extension")
    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M"
    entry = AuditLog.objects.get(action="subscription.fup_lift")
    assert (entry.actor, entry.reason) == (staff, "Gave a one-off extension")

    use(subscription, 150)
    assert usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE).throttled == 0
    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M"
    with pytest.raises(ValidationError):
        usage.fup_lift(actor=staff, subscription=subscription, reason="again")


@pytest.mark.django_db
def test_new_cycle_restores_the_profile_and_starts_counting_again(capped, routeros_router):
    router, subscription = capped
    use(subscription, 120)
    usage.fup_evaluate(router_id=router.pk, now=IN_CYCLE)
    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M-FUP"

    result = usage.fup_evaluate(router_id=router.pk, now=NEXT_CYCLE)
    assert result.restored == 1
    state = FupState.objects.get(subscription=subscription)
    assert (state.cycle_start, state.cycle_end, state.used_bytes) == (date(2026, 4, 5), date(2026, 5, 4), 0)
    assert not state.throttled and state.warned_80_at is None
    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M"

    # The new cycle warns again, once.
    use(subscription, 85, day=date(2026, 4, 6))
    usage.fup_evaluate(router_id=router.pk, now=NEXT_CYCLE)
    assert messages(USAGE_WARNING).count() == 1


@pytest.mark.django_db
def test_package_with_fup_creates_both_profiles_on_every_router(routeros_router):
    router = RouterFactory(host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username)
    usecases_package_create(
        actor=None, name="Capped 30", download_mbps=30, upload_mbps=15, price="1500.00", router_profile="CAP-30M",
        data_cap_gb=200, fup_download_mbps=5, fup_upload_mbps=2,
    )
    assert set(ProvisioningTask.objects.values_list("key", flat=True)) == {"profile:CAP-30M", "profile:CAP-30M-FUP"}
    outbox.outbox_drain(router_id=router.pk)
    profiles = {row["name"]: row.get("rate-limit") for row in routeros_router.run("/ppp/profile/print")}
    assert (profiles["CAP-30M"], profiles["CAP-30M-FUP"]) == ("15M/30M", "2M/5M")


@pytest.mark.django_db
def test_fup_speeds_must_come_in_pairs(db):
    package = PackageFactory(data_cap_gb=50)
    with pytest.raises(ValidationError):
        usecases_package_update(actor=None, package=package, fup_download_mbps=4)


@pytest.mark.django_db
def test_polled_traffic_past_the_cap_throttles_the_subscription(capped, routeros_router, routeros_clock):
    router, subscription = capped
    usecases_package_update(actor=None, package=subscription.package, data_cap_gb=1)
    start = datetime.now(UTC)
    usage.usage_poll_router(router_id=router.pk, now=start)
    routeros_clock.advance(6 * 3600)  # hours of traffic at 20 Mbps: well past 1 GB
    usage.usage_poll_router(router_id=router.pk, now=start + timedelta(hours=6))
    state = FupState.objects.get(subscription=subscription)
    assert state.used_bytes > GB and state.throttled
    outbox.outbox_drain(router_id=router.pk)
    assert secret(routeros_router, "heavy")["profile"] == "HOME-20M-FUP"
