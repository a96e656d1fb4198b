"""Speed windows' edges: at each edge (a window's start or end, local time) the connections on the
packages concerned change speed without reconnecting, no router getting more than
``SPEED_CHANGES_PER_ROUTER_PER_SECOND`` changes a second (docs/speeds.md, "Night speed").

- Beat runs ``speed_edges_start`` every minute: for each edge passed in the last
  ``SPEED_EDGE_CATCH_UP_MINUTES`` and each active router with connections on a package that has
  that edge, one ``SpeedBoundaryRun`` row (unique per router and edge, so a second beat, a second
  worker or a restart starts nothing twice); one job then runs every router's share at once, a
  thread per router (``speed_edges_apply``).
- ``speed_edge_apply`` (a router's share) paces the router's changes: the n-th is sent no earlier than
  n / rate seconds after the first. RADIUS mode: a CoA with the new ``Mikrotik-Rate-Limit`` for each
  PPPoE / hotspot login (ACK: done; NAK, e.g. not online: refused — the next login is authorised at
  the right speed anyway; no answer: lost). API mode (and static IPs on any router): the ``net-NAME``
  queue's max-limit is set (network/speeds.py); one read of the router's queues first, so a queue
  already at the speed costs nothing. API mode's hotspot logins: per package, its net PCQ types'
  ``pcq-rate`` and its hotspot user profile's rate-limit (every login of the package online changes
  at once; at most three changes a package). A router that cannot be reached loses the rest.
- Logins that are no subscription's (a prepaid card's hotspot session on a plan tied to a package
  with windows) come from providers a higher layer registers (``register_other_logins``: vouchers
  does, network may not import it). A router with such logins online gets a run too, and their CoA
  goes out after the subscriptions', through the same Pacer (the rate counts them together) and into
  the same tally.
- What was lost stays on the run (``pending``: subscription ids, and "<provider>:<id>" keys of other
  logins), which is then INCOMPLETE: the reconciler (network/reconcile.py → ``speeds_reconcile``)
  corrects those connections at the speed in force when it runs, and marks the run CORRECTED.
"""

from __future__ import annotations

import logging
import time as time_module
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import PackageSpeedWindow, Subscription

from . import aaa, radius_coa, routeros, speeds
from .models import Router, SpeedBoundaryRun
from .radius_coa import CoaRefused, NasNoAnswer
from .routeros import RouterError, rate_pair, text

logger = logging.getLogger(__name__)

DEFAULT_RATE = 50.0
DEFAULT_CATCH_UP_MINUTES = 10


def changes_per_second() -> float:
    """The per-router rate: SPEED_CHANGES_PER_ROUTER_PER_SECOND (documented in docs/speeds.md)."""
    return float(getattr(settings, "SPEED_CHANGES_PER_ROUTER_PER_SECOND", DEFAULT_RATE))


# Logins that are no subscription's ----------------------------------------------------------------


@dataclass(frozen=True)
class OtherLogin:
    """A RADIUS login an edge changes that is no subscription's (a prepaid card's session). The CoA
    names it by ``username`` when the router knows it by one we keep, else by its Acct-Session-Id and
    address."""

    key: str  # "<provider prefix>:<the provider's id>": kept on the run while lost, handed back to the provider
    rate: str  # the Mikrotik-Rate-Limit in force
    session_id: str = ""
    framed_ip: str = ""
    username: str = ""


class OtherLogins(Protocol):
    """What a higher layer registers (vouchers/speed_edges.py for prepaid cards)."""

    prefix: str

    def routers_at(self, moment: time) -> Iterable[int]:
        """Routers with such a login online whose speed changes at this local time of day."""

    def at_edge(self, router_id: int, edge: datetime) -> list[OtherLogin]:
        """The router's logins online whose speed changes at `edge`, at the rate in force from it."""

    def again(self, router_id: int, keys: list[str], at: datetime) -> list[OtherLogin]:
        """Those of `keys` (an edge lost them) still online, at the rate in force at `at`."""


_other_logins: list[OtherLogins] = []


def register_other_logins(provider: OtherLogins) -> None:
    """Called from a higher layer's AppConfig.ready (once per provider; a second call is ignored)."""
    if all(known.prefix != provider.prefix for known in _other_logins):
        _other_logins.append(provider)


# Which edges, which connections -------------------------------------------------------------------


def edges_between(after: datetime, until: datetime) -> list[datetime]:
    """The window edges (aware datetimes) in (after, until], each once, oldest first."""
    times = set()
    for starts, ends in PackageSpeedWindow.objects.values_list("starts", "ends"):
        times.update((starts, ends))
    edges = set()
    local_after, local_until = timezone.localtime(after), timezone.localtime(until)
    day = local_after.date()
    while day <= local_until.date():
        for moment in times:
            edge = timezone.make_aware(datetime.combine(day, moment))
            if after < edge <= until:
                edges.add(edge)
        day += timedelta(days=1)
    return sorted(edges)


def affected(router_id: int, edge: datetime):
    """The router's live, unsuspended connections on a package with a window starting or ending at `edge`."""
    moment = timezone.localtime(edge).time().replace(microsecond=0)
    packages = PackageSpeedWindow.objects.filter(Q(starts=moment) | Q(ends=moment)).values("package_id")
    return (
        Subscription.objects.filter(router_id=router_id, status=Subscription.Status.ACTIVE, package_id__in=packages)
        .exclude(connection_type=Subscription.ConnectionType.HOTSPOT, username="")
        .select_related("package", "fup_state", "router")
        .prefetch_related("package__speed_windows")
        .order_by("pk")
    )


def speed_edges_start(*, now: datetime | None = None) -> list[SpeedBoundaryRun]:
    """Create the runs of the edges just passed (idempotent); the caller queues each new run's job."""
    now = now or timezone.now()
    catch_up = timedelta(minutes=int(getattr(settings, "SPEED_EDGE_CATCH_UP_MINUTES", DEFAULT_CATCH_UP_MINUTES)))
    created = []
    for edge in edges_between(now - catch_up, now):
        moment = timezone.localtime(edge).time()
        packages = PackageSpeedWindow.objects.filter(Q(starts=moment) | Q(ends=moment)).values("package_id")
        router_ids = set(
            Subscription.objects.filter(status=Subscription.Status.ACTIVE, package_id__in=packages, router__is_active=True)
            .values_list("router_id", flat=True).distinct()
        )
        others = {router_id for provider in _other_logins for router_id in provider.routers_at(moment)} - router_ids
        if others:
            router_ids |= set(Router.objects.filter(pk__in=others, is_active=True).values_list("pk", flat=True))
        for router_id in sorted(router_ids):
            try:
                with transaction.atomic():
                    created.append(SpeedBoundaryRun.objects.create(router_id=router_id, boundary_at=edge, started_at=now))
            except IntegrityError:
                continue  # this router's share of this edge is already started
    return created


# Pacing ------------------------------------------------------------------------------------------


class Pacer:
    """At most `rate` sends in any one second. The n-th send waits until n / rate seconds after the
    first (spread evenly) and until one second after the (n - rate)-th (so a send that ran late is
    never made up by a burst). Records when each was sent: the busiest second is reported (and tested)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time_module.monotonic,
                 sleep: Callable[[float], None] = time_module.sleep) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.per_second = max(1, int(rate)) if rate > 0 else 0
        self.clock, self.sleep = clock, sleep
        self.start: float | None = None
        self.sent = 0
        self.times: list[float] = []

    def wait(self) -> None:
        now = self.clock()
        if self.start is None:
            self.start = now
        due = self.start + self.sent * self.interval
        if self.per_second and self.sent >= self.per_second:
            due = max(due, self.times[self.sent - self.per_second] + 1.0 + 1e-6)
        while due > now:
            self.sleep(due - now)
            now = self.clock()
        self.sent += 1
        self.times.append(now)

    def busiest_second(self) -> int:
        """The most sends in any one-second span [t, t + 1)."""
        window: deque[float] = deque()
        most = 0
        for moment in self.times:
            window.append(moment)
            while window[0] <= moment - 1.0 + 1e-9:  # sends exactly 1 s apart are in different seconds
                window.popleft()
            most = max(most, len(window))
        return most


# Applying one router's share ---------------------------------------------------------------------


def internet_rate(subscription: Subscription, at: datetime) -> str:
    """The Mikrotik-Rate-Limit / max-limit of the internet speed in force at `at` (FUP first)."""
    from .services import fup_throttled

    package = subscription.package
    if fup_throttled(subscription):
        return rate_pair(package.fup_upload_mbps, package.fup_download_mbps)
    return rate_pair(*speeds.internet_mbps(package, at))


def _by_coa(router: Router, subscription: Subscription) -> bool:
    return aaa.uses_radius(router) and subscription.connection_type in aaa.RADIUS_KINDS


class Tally:
    def __init__(self) -> None:
        self.done = 0
        self.refused = 0
        self.lost: list[int] = []


GIVE_UP_AFTER = 3  # CoAs in a row without an answer: the router is taken for down, the rest for lost

# One CoA: the key kept on the run if it is lost (a subscription's id, or an OtherLogin's key) and
# radius_coa.change_rate's arguments.
Coa = tuple[int | str, dict[str, str]]


def _subscription_coa(subscription: Subscription, rate: str) -> Coa:
    return subscription.pk, {"username": subscription.username, "rate_limit": rate}


def _other_coa(login: OtherLogin) -> Coa:
    return login.key, {"username": login.username, "session_id": login.session_id, "framed_ip": login.framed_ip,
                       "rate_limit": login.rate}


def _others_at_edge(router: Router, edge: datetime) -> list[Coa]:
    if not aaa.uses_radius(router):
        return []
    return [_other_coa(login) for provider in _other_logins for login in provider.at_edge(router.pk, edge)]


def _send_coas(router: Router, items: list[Coa], pacer: Pacer, tally: Tally) -> None:
    """One CoA each, paced. A router whose CoA port stops answering would cost the timeout × attempts
    per connection: after GIVE_UP_AFTER silences in a row the rest are counted lost unsent (the
    reconciler resends them)."""
    nas = radius_coa.nas_for(router)
    silent = 0
    for index, (key, arguments) in enumerate(items):
        if silent >= GIVE_UP_AFTER:
            tally.lost.extend(other for other, _arguments in items[index:])
            return
        pacer.wait()
        try:
            outcome = radius_coa.change_rate(nas=nas, **arguments)
        except NasNoAnswer:
            silent += 1
            tally.lost.append(key)
            continue
        except CoaRefused:
            silent = 0
            tally.refused += 1
            continue
        silent = 0
        if outcome.online:
            tally.done += 1
        else:
            tally.refused += 1  # not online: its next login is authorised at the speed in force


def _set_queues(router: Router, items: list[tuple[Subscription, str]], pacer: Pacer, tally: Tally) -> None:
    if not items:
        return
    remaining = list(items)
    try:
        with routeros.router_session(routeros.connection_for(router)) as client:
            rows = client.print(routeros.QUEUES, proplist=(".id", "comment", "max-limit"))
            net = {}
            for row in rows:
                owner = speeds.queue_owner(row.get("comment"))
                if owner is not None and text(row.get("comment")).endswith(":net"):
                    net[owner] = row
            while remaining:
                subscription, rate = remaining[0]
                row = net.get(subscription.pk)
                if row is None:
                    tally.refused += 1  # no speed queue on the router yet: the reconciler writes it
                elif routeros.parse_rate_pair(row.get("max-limit")) == routeros.parse_rate_pair(rate):
                    tally.done += 1
                else:
                    pacer.wait()
                    speeds.set_net_rate(client, text(row[".id"]), rate)
                    tally.done += 1
                remaining.pop(0)
    except RouterError as error:
        logger.info("speed edge: router %s stopped answering: %s", router.pk, error)
        tally.lost.extend(subscription.pk for subscription, _rate in remaining)


def _set_hotspot_speeds(router: Router, items: list[tuple[Subscription, str]], edge: datetime, pacer: Pacer, tally: Tally) -> None:
    """API mode's hotspot logins: per package, its net PCQ types' rate and its profile's rate-limit
    (network/speeds.py, ``hotspot_speed_changes``), paced like every other change. Every hotspot
    subscription of the package on the router is then at the new speed, online or not (done); a
    router without the package's queues yet refuses them (the reconciler writes the queues)."""
    if not items:
        return
    by_package: dict[int, list[Subscription]] = {}
    for subscription, _rate in items:
        by_package.setdefault(subscription.package_id, []).append(subscription)
    packages = {package.pk: package for package in speeds.hotspot_packages(router)}
    remaining = sorted(by_package)
    try:
        with routeros.router_session(routeros.connection_for(router)) as client:
            while remaining:
                package_id = remaining[0]
                package = packages.get(package_id)
                edge_changes = speeds.hotspot_speed_changes(client, package, edge) if package is not None else None
                for path, row_id, attrs in edge_changes.changes if edge_changes else ():
                    pacer.wait()
                    client.set(path, row_id, **attrs)
                if edge_changes is not None and edge_changes.queues_found:
                    tally.done += len(by_package[package_id])
                else:
                    tally.refused += len(by_package[package_id])
                remaining.pop(0)
    except RouterError as error:
        logger.info("speed edge: router %s stopped answering: %s", router.pk, error)
        tally.lost.extend(subscription.pk for package_id in remaining for subscription in by_package[package_id])


def speed_edge_apply(*, run_id: int, clock: Callable[[], float] = time_module.monotonic,
                     sleep: Callable[[float], None] = time_module.sleep) -> SpeedBoundaryRun:
    """Apply one router's share of one edge, paced (see the module's docstring). Idempotent: a run
    already finished is returned as it is."""
    run = SpeedBoundaryRun.objects.select_related("router").get(pk=run_id)
    if run.status != SpeedBoundaryRun.Status.RUNNING:
        return run
    router = run.router
    run.started_at = timezone.now()
    items = [(subscription, internet_rate(subscription, run.boundary_at)) for subscription in affected(router.pk, run.boundary_at)]
    pacer = Pacer(changes_per_second(), clock, sleep)
    tally = Tally()
    coas = [_subscription_coa(subscription, rate) for subscription, rate in items if _by_coa(router, subscription)]
    queues = [(subscription, rate) for subscription, rate in items if not _by_coa(router, subscription)
              and subscription.connection_type in speeds.SHAPED_KINDS]
    hotspots = [(subscription, rate) for subscription, rate in items if not _by_coa(router, subscription)
                and subscription.connection_type == Subscription.ConnectionType.HOTSPOT]
    _send_coas(router, coas + _others_at_edge(router, run.boundary_at), pacer, tally)
    _set_queues(router, queues, pacer, tally)
    _set_hotspot_speeds(router, hotspots, run.boundary_at, pacer, tally)
    run.done, run.refused, run.lost = tally.done, tally.refused, len(tally.lost)
    run.pending = tally.lost
    run.max_rate = pacer.busiest_second()
    run.finished_at = timezone.now()
    run.status = SpeedBoundaryRun.Status.INCOMPLETE if tally.lost else SpeedBoundaryRun.Status.DONE
    if tally.lost:
        run.error = f"{len(tally.lost)} connection(s) not reached; the reconciler corrects them"
    run.save(update_fields=["started_at", "done", "refused", "lost", "pending", "max_rate", "finished_at", "status", "error"])
    return run


def speed_edges_apply(*, run_ids: list[int]) -> list[SpeedBoundaryRun]:
    """Every router's share of an edge at once, one thread per router: each mostly sleeps (pacing),
    so one worker process carries them all, and the edge takes as long as the busiest router's share
    (2,500 connections at 50 a second: 50 s) rather than the sum of them."""
    import threading

    from django.db import connection

    def work(run_id: int) -> None:
        try:
            speed_edge_apply(run_id=run_id)
        except Exception:
            logger.exception("speed edge run %s failed", run_id)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, args=(run_id,), name=f"speed-edge-{run_id}") for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return list(SpeedBoundaryRun.objects.filter(pk__in=run_ids).order_by("pk"))


# The reconciler's share ---------------------------------------------------------------------------


def speeds_reconcile(client: routeros.RouterClient, router: Router, subscriptions: list[Subscription], now: datetime) -> list[dict]:
    """Called by the reconciler with the router's API open: push the router-wide speed config, bring
    every shaped connection's speed queues to the state in force now, remove speed queues nobody
    owns, resend what an edge lost by CoA (RADIUS), and mark the router's incomplete runs corrected
    when nothing is left. Returns repairs in the drift report's shape."""
    from .services import desired_state

    repairs: list[dict] = []
    outcome = speeds.apply_router_speed_config(client, router, now)
    if outcome != "speed classes: unchanged":
        repairs.append({"key": "speeds", "name": "speed classes", "table": "queue", "problem": "router config", "result": outcome, "repaired": True})
    rows = client.print(routeros.QUEUES, proplist=(".id", "name", "target", "packet-marks", "max-limit", "disabled", "comment"))
    by_owner: dict[int, list[dict]] = {}
    for row in rows:
        owner = speeds.queue_owner(row.get("comment"))
        if owner is not None:
            by_owner.setdefault(owner, []).append(row)
    seen = set()
    for subscription in subscriptions:
        desired = desired_state(subscription)
        seen.add(subscription.pk)
        own = by_owner.get(subscription.pk, [])
        if not own and "speeds" not in desired:
            continue
        if not desired["present"]:
            continue
        before = [(text(row.get("name")), text(row.get("max-limit")), text(row.get("disabled"))) for row in own]
        result = speeds.apply_speed_queues(client, desired, own)
        after_rows = speeds.subscription_queue_rows(client, subscription.pk) if result not in ("", "speed queues unchanged") else own
        after = [(text(row.get("name")), text(row.get("max-limit")), text(row.get("disabled"))) for row in after_rows]
        if result and result != "speed queues unchanged" and before != after:
            repairs.append({"key": f"speeds:{subscription.pk}", "name": desired["name"], "table": "queue", "problem": "speed queues",
                            "result": result, "repaired": True, "subscription": subscription.pk})
    stale = [text(row[".id"]) for owner, own in by_owner.items() if owner not in seen for row in own]
    if stale:
        client.remove(routeros.QUEUES, *stale)
        repairs.append({"key": "speeds", "name": "speed queues", "table": "queue", "problem": "left behind",
                        "result": f"{len(stale)} removed", "repaired": True})
    repairs.extend(_resend_lost(router, now))
    return repairs


def _resend_lost(router: Router, now: datetime) -> list[dict]:
    repairs = []
    runs = SpeedBoundaryRun.objects.filter(router=router, status=SpeedBoundaryRun.Status.INCOMPLETE).order_by("boundary_at")
    for run in runs:
        pending = list(run.pending)
        if aaa.uses_radius(router) and pending:
            subscriptions = (
                Subscription.objects.filter(pk__in=[key for key in pending if isinstance(key, int)], router=router,
                                            status=Subscription.Status.ACTIVE)
                .select_related("package", "fup_state").prefetch_related("package__speed_windows")
            )
            tally = Tally()
            coas = [_subscription_coa(subscription, internet_rate(subscription, now)) for subscription in subscriptions
                    if _by_coa(router, subscription)]
            for provider in _other_logins:  # a login no longer online is left out: its next one gets the speed in force
                keys = [key for key in pending if isinstance(key, str) and key.startswith(f"{provider.prefix}:")]
                if keys:
                    coas.extend(_other_coa(login) for login in provider.again(router.pk, keys, now))
            _send_coas(router, coas, Pacer(changes_per_second()), tally)
            pending = tally.lost
        # API-mode queues were compared and repaired just before (speeds_reconcile).
        if not pending or not aaa.uses_radius(router):
            run.status = SpeedBoundaryRun.Status.CORRECTED
            run.pending = []
            run.error = ""
            repairs.append({"key": f"speed-edge:{run.pk}", "name": f"speed edge {timezone.localtime(run.boundary_at):%H:%M}",
                            "table": "queue", "problem": f"{run.lost} missed", "result": "corrected", "repaired": True})
        else:
            run.pending = pending
        run.save(update_fields=["status", "pending", "error"])
    return repairs
