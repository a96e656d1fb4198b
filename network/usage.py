"""Usage polling and the fair-usage policy: every write about customers' traffic.

One poll of one router (``usage_poll_router``, fanned out per router by the beat schedule):

1. Read the per-customer byte counters in one bulk print per table (``routeros.read_counters``):
   the ``<pppoe-NAME>`` interfaces, the simple queues, the hotspot users, ``/ppp/active`` and the
   router's uptime.
2. Turn each counter into a delta against the last reading of the same entry, keyed by the entry's
   name (``.id``s change on reboot). A counter that restarted (router rebooted, new PPPoE session,
   queue recreated, counters reset by hand, lower than last time) counts its new value from zero:
   never a negative figure, never the old total again.
3. Store the deltas as samples in bulk and add them to the hour and the local day they were read in,
   in one transaction (a poll counts once or not at all; the statements are in ``usage_sql.py``);
   keep the router's live sessions.
4. Evaluate FUP for the router's capped subscriptions: warnings at 80 % and 95 % once per cycle,
   the throttled profile through the outbox at 100 %, restored when the cycle resets or staff lift it.

Retention (``usage_purge``) deletes samples, hours and days past their settings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _t

from customers.models import Subscription
from ispbill.core.audit import audit_record
from ispbill.core.periods import Period, period_containing
from ispbill.notify.services import notify_customer

from . import routeros
from .models import FupState, ProvisioningTask, Router, UsageDaily, UsageHourly, UsagePoll, UsageSample
from .notify_events import FUP_THROTTLED, USAGE_WARNING
from .routeros import RouterError
from .services import ON_ROUTER, provisioning_enqueue
from .usage_sql import rollup_add, samples_insert

logger = logging.getLogger(__name__)

POLL_LEASE_SECONDS = 240
POLL_CONNECT_TIMEOUT = 5.0
POLL_READ_TIMEOUT = 30.0  # 2,000 counters in one reply
# RouterOS API counters are 64-bit; some older boards still wrap queue counters at 32 bits. A lower
# reading is a wrap only when the last one was this close to the limit and the new one this close
# to zero, and only in one direction (a reset zeroes both): everything else is a reset.
WRAP_MARGIN_32 = 1 << 28
WRAP_MARGIN_64 = 1 << 40
# Seconds of slack between our clock and the router's uptime when telling a reboot.
UPTIME_SLACK_SECONDS = 5
BASELINE_KEEP_SECONDS = 7 * 86400
GB = 1000**3
FUP_WARNINGS = (95, 80)  # highest first: a jump past both sends only the higher one


# Deltas ------------------------------------------------------------------------------------------


def _wrapped(last: int, current: int) -> int | None:
    for bits, margin in ((32, WRAP_MARGIN_32), (64, WRAP_MARGIN_64)):
        limit = 1 << bits
        if limit - margin <= last < limit and current < margin:
            return limit - last + current
    return None


def counter_delta(last: tuple[int, int], current: tuple[int, int], *, restarted: bool = False) -> tuple[tuple[int, int], bool]:
    """Bytes moved since ``last`` as (upload, download), and whether the counter had restarted.

    ``restarted`` is what we know independently (router rebooted, new session id): the whole
    current value is new traffic. Otherwise a reading lower than the last one is a reset (count the
    new value) unless it looks like a counter wrap in exactly one direction."""
    if restarted:
        return current, True
    (last_up, last_down), (up, down) = last, current
    if up >= last_up and down >= last_down:
        return (up - last_up, down - last_down), False
    if up < last_up and down >= last_down:
        wrapped = _wrapped(last_up, up)
        if wrapped is not None:
            return (wrapped, down - last_down), False
    elif down < last_down and up >= last_up:
        wrapped = _wrapped(last_down, down)
        if wrapped is not None:
            return (up - last_up, wrapped), False
    return current, True


# Polling -----------------------------------------------------------------------------------------


@dataclass
class PollResult:
    router_id: int
    counters: int = 0
    samples: int = 0
    resets: int = 0
    unknown: int = 0
    sessions: int = 0
    error: str = ""
    skipped: bool = False
    seconds: float = 0.0


def _claim_poll(router_id: int, now: datetime) -> bool:
    UsagePoll.objects.get_or_create(router_id=router_id)
    return bool(
        UsagePoll.objects.filter(router_id=router_id)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + timedelta(seconds=POLL_LEASE_SECONDS))
    )


def usage_poll_router(*, router_id: int, now: datetime | None = None) -> PollResult:
    """Poll one router's counters and store the usage. A router that cannot be reached records the
    error and keeps its baselines: the next good poll counts the traffic in between."""
    started = time.perf_counter()
    result = PollResult(router_id=router_id)
    claim_time = now or timezone.now()
    if not _claim_poll(router_id, claim_time):
        result.skipped = True
        return result
    try:
        router = Router.objects.get(pk=router_id)
        try:
            settings_ = routeros.connection_for(router, connect_timeout=POLL_CONNECT_TIMEOUT, read_timeout=POLL_READ_TIMEOUT)
            with routeros.router_session(settings_) as client:
                reading = routeros.read_counters(
                    client, sessions=router.provision_pppoe, queues=router.provision_static, hotspot=router.provision_hotspot,
                )
        except RouterError as error:
            result.error = error.message
            UsagePoll.objects.filter(router_id=router_id).update(polled_at=now or timezone.now(), error=error.message)
            logger.warning("usage poll of router %s failed: %s", router.name, error.message)
            return result
        read_at = now or timezone.now()
        with transaction.atomic():
            store_reading(router=router, reading=reading, now=read_at, result=result)
        result.seconds = time.perf_counter() - started
        UsagePoll.objects.filter(router_id=router_id).update(duration_ms=int(result.seconds * 1000))
    finally:
        UsagePoll.objects.filter(router_id=router_id).update(lease_until=None)
    fup_evaluate(router_id=router_id, now=now)
    return result


def _subscription_maps(router: Router) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Login → subscription for PPPoE sessions; queue name → subscription for simple queues;
    user name → subscription for hotspot users."""
    logins: dict[str, int] = {}
    queues: dict[str, int] = {}
    hotspot: dict[str, int] = {}
    rows = Subscription.objects.filter(router=router, status__in=ON_ROUTER).values_list(
        "pk", "connection_type", "username", "static_ip"
    )
    for pk, kind, username, static_ip in rows:
        if kind == Subscription.ConnectionType.PPPOE and username:
            logins[username] = pk
        elif kind in (Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE):
            queues[username or f"static-{static_ip}"] = pk  # services.entry_name
        elif kind == Subscription.ConnectionType.HOTSPOT and username:
            hotspot[username] = pk
    return logins, queues, hotspot


def store_reading(*, router: Router, reading: routeros.UsageReading, now: datetime, result: PollResult | None = None) -> PollResult:
    """Deltas, samples, roll-ups and live sessions for one reading (call inside a transaction)."""
    result = result or PollResult(router_id=router.pk)
    poll = UsagePoll.objects.select_for_update().get(router=router)
    logins, queue_names, hotspot_names = _subscription_maps(router)
    static_ids = set(queue_names.values())
    previous: dict = poll.baselines or {}
    now_ts = now.timestamp()
    # A router whose uptime is shorter than the time since our last good read has rebooted since:
    # every counter on it started again from zero.
    uptime = reading.router_uptime_seconds
    rebooted_ts: float | None = None
    if uptime is not None and poll.succeeded_at is not None:
        booted = now_ts - uptime - UPTIME_SLACK_SECONDS
        if booted > poll.succeeded_at.timestamp():
            rebooted_ts = booted
    since_last_ok = (now_ts - poll.succeeded_at.timestamp()) if poll.succeeded_at else None
    sessions = {session.name: session for session in reading.active}

    samples: list[tuple[int, int, int]] = []
    baselines: dict[str, list] = {}
    for prefix, counters in (("s", reading.sessions), ("q", reading.queues), ("h", reading.hotspot_users)):
        for counter in counters:
            if prefix == "s":
                subscription_id = logins.get(counter.name)
                session = sessions.get(counter.name)
                session_id = session.session_id if session else ""
                session_uptime = session.uptime_seconds if session else None
            elif prefix == "h":
                # Cumulative per user across logins: only a reboot or a reset restarts them.
                subscription_id = hotspot_names.get(counter.name)
                session_id, session_uptime = "", None
            else:
                # Only static customers are counted by queue (a PPPoE customer is counted by session,
                # even if someone gave them a queue too): never twice.
                marked = routeros.marker_subscription(counter.comment)
                subscription_id = marked if marked in static_ids else queue_names.get(counter.name)
                session_id, session_uptime = "", None
            current = (counter.upload_bytes, counter.download_bytes)
            key = f"{prefix}:{counter.name}"
            last = previous.get(key)
            if last is None:
                # First sight: a session that began since our last good read is all new traffic;
                # anything else is a baseline (we cannot know what it counted before).
                fresh = session_uptime is not None and since_last_ok is not None and session_uptime <= since_last_ok
                delta, restarted = (current, True) if fresh else ((0, 0), False)
            else:
                last_up, last_down, last_session, last_read = last
                restarted = bool(
                    (rebooted_ts is not None and rebooted_ts > last_read)
                    or (session_id and last_session and session_id != last_session)
                )
                delta, restarted = counter_delta((last_up, last_down), current, restarted=restarted)
            result.counters += 1
            result.resets += restarted
            if subscription_id is None:
                result.unknown += 1
            elif delta[0] or delta[1]:
                samples.append((subscription_id, delta[0], delta[1]))
            baselines[key] = [current[0], current[1], session_id, now_ts]
    # Entries not in this reading keep their baseline for a week (a queue off for maintenance, a
    # session that drops between polls comes back with a new id anyway).
    keep_after = now_ts - BASELINE_KEEP_SECONDS
    for key, value in previous.items():
        if key not in baselines and value[3] >= keep_after:
            baselines[key] = value
    samples_insert(router_id=router.pk, taken_at=now, samples=samples)
    result.samples = len(samples)
    if samples:
        rollup(router_id=router.pk, at=now)
    result.sessions = len(sessions)
    UsagePoll.objects.filter(router=router).update(
        polled_at=now, succeeded_at=now, router_uptime_seconds=uptime, counters=result.counters, resets=result.resets, error="",
        baselines=baselines,
        sessions={s.name: [s.address, s.caller_id, s.uptime_seconds, s.session_id] for s in sessions.values()},
    )
    return result


# Roll-ups ----------------------------------------------------------------------------------------


def hour_start(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local day as UTC instants [start, end)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), zone)
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()), zone)
    return start, end


def rollup(*, router_id: int, at: datetime) -> None:
    """Add the samples this poll stored (router, ``at``) to the hour and the local day they were read
    in. Runs in the transaction that inserted them, so a poll is rolled up exactly once or not at all;
    adding (instead of re-summing the hour) keeps the cost to this poll's rows however full the hour
    is, and a subscription that moved routers mid-hour keeps both routers' traffic. The statements are
    in network/usage_sql.py."""
    rollup_add(router_id=router_id, at=at, hour=hour_start(at), day=timezone.localdate(at))


def usage_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is past its retention (settings.USAGE_*_RETENTION_DAYS)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    deleted = {
        "samples": UsageSample.objects.filter(taken_at__lt=now - timedelta(days=settings.USAGE_SAMPLE_RETENTION_DAYS)).delete()[0],
        "hours": UsageHourly.objects.filter(hour__lt=now - timedelta(days=settings.USAGE_HOURLY_RETENTION_DAYS)).delete()[0],
        "days": UsageDaily.objects.filter(day__lt=today - timedelta(days=settings.USAGE_DAILY_RETENTION_DAYS)).delete()[0],
    }
    return deleted


# Fair usage --------------------------------------------------------------------------------------


def fup_cycle(subscription: Subscription, today: date) -> Period:
    """The monthly usage cycle: from the subscription's billing anchor day (or its activation day,
    or the 1st) to the day before the next one."""
    anchor = subscription.billing_anchor_day
    if not anchor and subscription.activated_at:
        anchor = timezone.localdate(subscription.activated_at).day
    return period_containing(today, anchor_day=anchor or 1, months=1)


def _throttle_desired(subscription: Subscription) -> dict:
    from .services import desired_state

    # A PPPoE session keeps the speed it dialled with: redial onto the new profile.
    return {**desired_state(subscription), "reconnect": True}


def _fup_context(subscription: Subscription, state: FupState, percent: int) -> dict:
    package = subscription.package
    return {
        "login": subscription.login_label,
        "package_name": package.name,
        "used_gb": f"{state.used_bytes / GB:.1f}",
        "cap_gb": package.data_cap_gb,
        "percent": percent,
        "cycle_end": state.cycle_end,
        "fup_speed": f"{package.fup_download_mbps} Mbps" if package.fup_download_mbps else "",
    }


def _notify(event: str, subscription: Subscription, state: FupState, percent: int) -> None:

    notify_customer(
        event=event, customer=subscription.customer, context=_fup_context(subscription, state, percent),
        related=subscription, occurrence=f"{event}:{percent}@{state.cycle_start.isoformat()}",
    )


@dataclass
class FupResult:
    checked: int = 0
    warned: int = 0
    throttled: int = 0
    restored: int = 0


def fup_evaluate(*, router_id: int | None = None, subscription_ids=None, now: datetime | None = None) -> FupResult:
    """Bring the capped subscriptions' FUP standing up to date: roll over finished cycles (restoring
    the normal profile), total this cycle's usage from the daily roll-ups, and act on thresholds."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = FupResult()
    subscriptions = Subscription.objects.filter(status__in=ON_ROUTER, package__data_cap_gb__gt=0)
    if router_id is not None:
        subscriptions = subscriptions.filter(router_id=router_id)
    if subscription_ids is not None:
        subscriptions = subscriptions.filter(pk__in=subscription_ids)
    subscriptions = list(subscriptions.select_related("package", "router", "customer"))
    if not subscriptions:
        return result
    with transaction.atomic():
        states = {
            state.subscription_id: state
            for state in FupState.objects.select_for_update().filter(subscription__in=[s.pk for s in subscriptions])
        }
        restore: list[Subscription] = []
        fresh: list[FupState] = []
        rolled: list[FupState] = []
        for subscription in subscriptions:
            cycle = fup_cycle(subscription, today)
            cap = subscription.package.data_cap_gb * GB
            state = states.get(subscription.pk)
            if state is None:
                state = FupState(subscription=subscription, cycle_start=cycle.start, cycle_end=cycle.end, cap_bytes=cap)
                fresh.append(state)
                states[subscription.pk] = state
            elif state.cycle_start != cycle.start:
                if state.throttled:
                    restore.append(subscription)
                state.cycle_start, state.cycle_end, state.cap_bytes, state.used_bytes = cycle.start, cycle.end, cap, 0
                state.warned_80_at = state.warned_95_at = state.throttled_at = state.lifted_at = None
                state.lifted_by, state.lift_reason = None, ""
                rolled.append(state)
            else:
                state.cap_bytes = cap
            subscription.fup_state = state
        if fresh:
            # Two evaluations may both find a subscription with no state yet (a router's next poll while
            # the last one still evaluates; `make run`'s routers process and usage seed step): the rows
            # are inserted if absent (on PostgreSQL the insert waits for the other's commit, then skips),
            # and what the table then holds is read back and locked, the other evaluation's act included.
            FupState.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
            by_subscription = {subscription.pk: subscription for subscription in subscriptions}
            for state in FupState.objects.select_for_update().filter(subscription__in=[state.subscription_id for state in fresh]):
                states[state.subscription_id] = by_subscription[state.subscription_id].fup_state = state
        # The new cycles are in the table before this cycle's usage is summed against them.
        FupState.objects.bulk_update(rolled, ["cycle_start", "cycle_end"], batch_size=500)
        used = dict(
            UsageDaily.objects.filter(subscription__in=list(states))
            .filter(day__gte=F("subscription__fup_state__cycle_start"), day__lte=F("subscription__fup_state__cycle_end"))
            .values("subscription")
            .annotate(total=Sum("upload_bytes") + Sum("download_bytes"))
            .values_list("subscription", "total")
        )
        changed = []
        for subscription in subscriptions:
            state = states[subscription.pk]
            result.checked += 1
            total = int(used.get(subscription.pk) or 0)
            share = total / state.cap_bytes if state.cap_bytes else 0
            if (share >= 0.8 and state.warned_80_at is None) or (share >= 0.95 and state.warned_95_at is None) or (
                share >= 1 and state.throttled_at is None and state.lifted_at is None and subscription.package.has_fup
            ):
                # Only states that act are written; the usage itself lives in the daily roll-ups.
                state.used_bytes = total
                changed.append(state)
            else:
                continue
            package = subscription.package
            if share >= 1 and state.throttled_at is None and state.lifted_at is None and package.has_fup:
                # Past the cap: the throttled profile through the outbox; the warnings below it are
                # marked as passed so a late 80 % message never follows the throttling notice.
                state.throttled_at = now
                state.warned_80_at = state.warned_80_at or now
                state.warned_95_at = state.warned_95_at or now
                provisioning_enqueue(subscription=subscription, action=ProvisioningTask.Action.UPDATE, desired=_throttle_desired(subscription))
                audit_record(
                    actor=None, action="subscription.fup_throttle", obj=subscription,
                    after={"profile": package.fup_profile_name, "used_bytes": state.used_bytes, "cap_bytes": state.cap_bytes},
                )
                _notify(FUP_THROTTLED, subscription, state, 100)
                result.throttled += 1
                continue
            for percent in FUP_WARNINGS:
                field = f"warned_{percent}_at"
                if share * 100 >= percent and getattr(state, field) is None:
                    for lower in FUP_WARNINGS:
                        if lower <= percent and getattr(state, f"warned_{lower}_at") is None:
                            setattr(state, f"warned_{lower}_at", now)
                    _notify(USAGE_WARNING, subscription, state, percent)
                    result.warned += 1
                    break
        FupState.objects.bulk_update(
            [*changed, *(state for state in rolled if state not in changed)],
            ["cycle_start", "cycle_end", "cap_bytes", "used_bytes", "warned_80_at", "warned_95_at", "throttled_at",
             "lifted_at", "lifted_by", "lift_reason"],
            batch_size=500,
        )
        for subscription in restore:
            provisioning_enqueue(subscription=subscription, action=ProvisioningTask.Action.UPDATE, desired=_throttle_desired(subscription))
            audit_record(actor=None, action="subscription.fup_restore", obj=subscription, reason=_t("New usage cycle"))
            result.restored += 1
    return result


@transaction.atomic
def fup_lift(*, actor, subscription: Subscription, reason: str) -> FupState:
    """Staff take a subscription off its FUP profile for the rest of the cycle (audited, with reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _t("Say why the throttling is lifted.")})
    state = FupState.objects.select_for_update().filter(subscription=subscription).first()
    if state is None or not state.throttled:
        raise ValidationError(_t("This subscription is not throttled."))
    state.lifted_at = timezone.now()
    state.lifted_by = actor if getattr(actor, "pk", None) else None
    state.lift_reason = reason
    state.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    subscription.fup_state = state
    provisioning_enqueue(subscription=subscription, action=ProvisioningTask.Action.UPDATE, actor=actor, desired=_throttle_desired(subscription))
    audit_record(
        actor=actor, action="subscription.fup_lift", obj=subscription, reason=reason,
        before={"profile": subscription.package.fup_profile_name}, after={"profile": subscription.package.router_profile},
    )
    return state


PACKAGE_FUP_FIELDS = ("data_cap_gb", "fup_download_mbps", "fup_upload_mbps", "fup_profile")
