"""The provisioning outbox's drainer: a router's pending entries applied in order under a short lease
on the router row, with back-off for failures and for an unreachable router; and applying one
subscription's desired state to the router's tables (shared with the reconciler)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.db.models import F, Q
from django.utils import timezone

from customers.models import Subscription

from . import aaa, routeros, speeds
from .models import ProvisioningTask, Router
from .routeros import (
    RouterAuthFailed,
    RouterError,
    RouterUnreachable,
    marker,
    marker_subscription,
)
from .services import LEASE_SECONDS, RouterNotConfigured, retry_delay

logger = logging.getLogger(__name__)

Action = ProvisioningTask.Action
TaskStatus = ProvisioningTask.Status

# Applying one subscription's desired state --------------------------------------------------------


ORPHAN_TABLES = {
    "secret": routeros.SECRETS,
    "hotspot": routeros.HOTSPOT_USERS,
    "queue": routeros.QUEUES,
    "address": routeros.ADDRESS_LIST,
}


def apply_subscription_state(client: routeros.RouterClient, router: Router, desired: dict, password: str, *, adopt: bool = False, reconnect: bool = False) -> str:
    """Make the router hold exactly ``desired`` for one subscription. Idempotent."""
    kind = desired["kind"]
    comment = marker(desired["subscription"])
    name = desired["name"]
    former = [desired["former_name"]] if desired.get("former_name") else []
    done: list[str] = []

    if not desired["present"]:
        if kind == Subscription.ConnectionType.PPPOE:
            removed = routeros.remove_ours(client, routeros.SECRETS, comment=comment, names=[*former, name])
            done.append(f"secret {removed}")
            if removed == "removed" and routeros.drop_active_session(client, name=name):
                done.append("session dropped")
        elif kind == Subscription.ConnectionType.HOTSPOT:
            removed = routeros.remove_ours(client, routeros.HOTSPOT_USERS, comment=comment, names=[*former, name])
            done.append(f"hotspot user {removed}")
            if removed == "removed" and routeros.drop_active_session(client, name=name, path=routeros.HOTSPOT_ACTIVE):
                done.append("session dropped")
        else:
            done.append(f"queue {routeros.remove_ours(client, routeros.QUEUES, comment=comment, names=[*former, name])}")
        done.extend(addresses_apply(client, desired, comment=comment, present=False))
        if routeros.address_list_remove(client, list_name=desired["address_list"], comment=comment) == "removed":
            done.append("unlisted")
        _speed_queues(client, desired, done)
        return ", ".join(done)

    if not router.provisions(kind):
        label = dict(Subscription.ConnectionType.choices).get(kind, kind)
        raise RouterNotConfigured(
            f"Router {router.name} is not set up for {label} subscriptions: enable it under Routers → Edit, "
            "or move the subscription to another router."
        )
    suspended = desired["suspended"]
    disable = suspended and desired["suspension"] == Router.SuspensionMethod.DISABLE
    listed = suspended and desired["suspension"] == Router.SuspensionMethod.ADDRESS_LIST
    if kind == Subscription.ConnectionType.PPPOE:
        routeros.ensure_profile(client, name=desired["profile"], rate_limit=desired["rate_limit"])
        result = routeros.ensure_secret(
            client, name=name, password=password, profile=desired["profile"], comment=comment, disabled=disable,
            remote_address=desired["address"], former_names=former, adopt=adopt, remote_ipv6_prefix=_secret_prefix(client, desired),
        )
        done.append(f"secret {result}")
        if disable or reconnect:
            if routeros.drop_active_session(client, name=name):
                done.append("session dropped")
    elif kind == Subscription.ConnectionType.HOTSPOT:
        speed = _hotspot_user_profile(client, router, desired["profile"], desired["rate_limit"])
        result = routeros.ensure_hotspot_user(
            client, name=name, password=password, profile=desired["profile"], comment=comment, disabled=disable,
            former_names=former, adopt=adopt,
        )
        done.append(f"hotspot user {result}")
        # RouterOS reads a hotspot user's profile (its rate-limit, its address-list) at login only: a
        # new package or the FUP profile reaches a login online by ending it (the browser's login
        # cookie, or the customer, logs in again on it).
        if (disable or reconnect) and routeros.drop_active_session(client, name=name, path=routeros.HOTSPOT_ACTIVE):
            done.append("session dropped")
        if speed is not None:
            # The package's hotspot queues (network/speeds.py) are on the router from its first login.
            outcome = speeds.apply_router_speed_config(client, router)
            if outcome != "speed classes: unchanged":
                done.append(outcome)
    else:
        result = routeros.ensure_queue(
            client, name=name, target=queue_target(desired), max_limit=desired["rate_limit"], comment=comment,
            former_names=former, adopt=adopt,
        )
        done.append(f"queue {result}")
    done.extend(addresses_apply(client, desired, comment=comment, present=True, adopt=adopt))
    if listed:
        done.append(f"address list {routeros.address_list_add(client, list_name=desired['address_list'], address=desired['address'], comment=comment)}")
    elif routeros.address_list_remove(client, list_name=desired["address_list"], comment=comment) == "removed":
        done.append("unlisted")
    _speed_queues(client, desired, done)
    return ", ".join(done)


def _hotspot_user_profile(client: routeros.RouterClient, router: Router, name: str, rate_limit: str) -> dict | None:
    """The hotspot user profile, with what speeds keep on it for a shaped package (API mode: the
    internet rate in force and the package's list, network/speeds.py); returns that, or None for a
    package without classes or windows (its plain rate-limit, as always)."""
    speed = speeds.hotspot_profile_wanted(router, name)
    if speed is None:
        routeros.ensure_hotspot_profile(client, name=name, rate_limit=rate_limit)
    else:
        routeros.ensure_hotspot_profile(client, name=name, rate_limit=speed["rate-limit"], address_list=speed["address-list"])
    return speed


def _speed_queues(client: routeros.RouterClient, desired: dict, done: list[str]) -> None:
    """The speed-class queues (network/speeds.py): written for a shaped package, removed otherwise.
    A router that never had one is asked once (one print of the queues)."""
    outcome = speeds.apply_speed_queues(client, desired)
    if outcome:
        done.append(outcome)
# IPoE leases and IPv6 prefixes (docs/ipam.md) ----------------------------------------------------


def queue_target(desired: dict) -> str:
    """A static or IPoE connection's queue shapes its IPv4 address and its IPv6 prefix together."""
    return ",".join(part for part in (f"{desired['address']}/32", desired.get("ipv6", "")) if part)


def _secret_prefix(client: routeros.RouterClient, desired: dict) -> str | None:
    """The PPP secret's `remote-ipv6-prefix`: the delegated prefix, "" to clear one taken back, None
    (not sent) for a connection that never had one, so secrets of routers without IPv6 stay as they were."""
    return desired.get("ipv6") or ("" if desired.get("had_ipv6") else None)


def addresses_apply(client: routeros.RouterClient, desired: dict, *, comment: str, present: bool, adopt: bool = False) -> list[str]:
    """The DHCP lease of an IPoE connection, the DHCPv6 binding of a delegated prefix (IPoE, static with
    a MAC), and the IPv6 walled-garden entry of a suspended one; removed when the connection leaves the
    router or no longer has them. Idempotent, like the rest of `apply_subscription_state`."""
    done: list[str] = []
    kind = desired["kind"]
    mac = desired.get("mac", "")
    ipoe = present and kind == Subscription.ConnectionType.IPOE and mac
    listed = present and desired["suspended"] and desired["suspension"] == Router.SuspensionMethod.ADDRESS_LIST
    if ipoe:
        # A suspended IPoE device keeps its lease: its address is what the walled garden lists.
        result = routeros.ensure_dhcp_lease(
            client, mac=mac, address=desired["address"], rate_limit=desired["rate_limit"], comment=comment, adopt=adopt,
        )
        done.append(f"DHCP lease {result}")
    elif kind == Subscription.ConnectionType.IPOE or desired.get("had_lease"):
        if routeros.remove_commented(client, routeros.DHCP_LEASES, comment=comment) == "removed":
            done.append("DHCP lease removed")
    prefix = desired.get("ipv6", "") if present else ""
    bind = prefix and kind in (Subscription.ConnectionType.IPOE, Subscription.ConnectionType.STATIC_IP) and mac
    if bind:
        result = routeros.ensure_dhcpv6_binding(client, prefix=prefix, duid=routeros.duid_for_mac(mac), comment=comment, adopt=adopt)
        done.append(f"DHCPv6 binding {result}")
    elif desired.get("ipv6") or desired.get("had_ipv6"):
        if routeros.remove_commented(client, routeros.DHCPV6_BINDINGS, comment=comment) == "removed":
            done.append("DHCPv6 binding removed")
    if listed and prefix:
        done.append(f"IPv6 address list {routeros.address_list_v6_add(client, list_name=desired['address_list'], prefix=prefix, comment=comment)}")
    elif (desired.get("ipv6") or desired.get("had_ipv6")) and routeros.remove_commented(client, routeros.ADDRESS_LIST_V6, comment=comment) == "removed":
        done.append("IPv6 unlisted")
    return done


def _apply_task(client: routeros.RouterClient, router: Router, task: ProvisioningTask) -> str:
    desired = task.desired
    if task.action == Action.AAA_MODE:
        return aaa.apply_mode_switch(client, router, desired)
    if aaa.applies_in_radius(router, task):
        # A RADIUS router never gets a secret: Disconnect / CoA, or nothing (network/aaa.py).
        outcome = aaa.apply_radius_task(router, task)
        if outcome is not None:
            return outcome
    if task.action == Action.PROFILE:
        results = []
        if router.provision_pppoe:
            results.append(f"PPP profile {routeros.ensure_profile(client, name=desired['name'], rate_limit=desired['rate_limit'])}")
        if router.provision_hotspot:
            speed = speeds.hotspot_profile_wanted(router, desired["name"])
            rate_limit, listed = (speed["rate-limit"], speed["address-list"]) if speed else (desired["rate_limit"], None)
            outcome = routeros.ensure_hotspot_profile(client, name=desired["name"], rate_limit=rate_limit, address_list=listed)
            results.append(f"hotspot profile {outcome}")
            if speed is not None:
                # A package edit: its hotspot logins online follow through its PCQ rates (network/speeds.py).
                results.append(speeds.apply_router_speed_config(client, router))
        return ", ".join(results) or "not needed on this router"
    if task.action == Action.REMOVE_ORPHAN:
        return remove_orphan(client, desired)
    if task.action == Action.DISCONNECT:
        path = routeros.HOTSPOT_ACTIVE if desired.get("kind") == Subscription.ConnectionType.HOTSPOT else routeros.ACTIVE
        dropped = routeros.drop_active_session(client, name=desired["name"], path=path)
        return "session dropped" if dropped else "not online"
    password = task.subscription.password if task.subscription_id and task.subscription else ""
    return apply_subscription_state(
        client, router, desired, password or "",
        adopt=bool(desired.get("adopt")) or task.action == Action.ADOPT, reconnect=bool(desired.get("reconnect")),
    )


def remove_orphan(client: routeros.RouterClient, desired: dict) -> str:
    path = ORPHAN_TABLES[desired["table"]]
    where = {"list": desired["list"], "address": desired["address"]} if path == routeros.ADDRESS_LIST else {"name": desired["name"]}
    rows = client.find(path, **where)
    if any(marker_subscription(row.get("comment")) is not None for row in rows):
        return "kept: ispbill manages it now"
    if not rows:
        return "already gone"
    client.remove(path, *[row[".id"] for row in rows])
    return "removed"


# The outbox drainer ------------------------------------------------------------------------------


def claim_router(router_id: int, now: datetime) -> bool:
    """One drainer (or reconciler) per router: an atomic conditional UPDATE, no open transaction."""
    return bool(
        Router.objects.filter(pk=router_id)
        .filter(Q(outbox_lease_until__isnull=True) | Q(outbox_lease_until__lt=now))
        .update(outbox_lease_until=now + timedelta(seconds=LEASE_SECONDS))
    )


def renew_lease(router_id: int) -> None:
    Router.objects.filter(pk=router_id).update(outbox_lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS))


def release_router(router_id: int) -> None:
    Router.objects.filter(pk=router_id).update(outbox_lease_until=None)


def router_reached(router: Router, now: datetime) -> None:
    Router.objects.filter(pk=router.pk).update(
        is_online=True, last_seen_at=now, unreachable_count=0, outbox_retry_at=None, last_error=""
    )


def router_unreachable(router: Router, error: RouterError, now: datetime) -> datetime:
    count = router.unreachable_count + 1
    retry_at = now + retry_delay(count)
    Router.objects.filter(pk=router.pk).update(
        is_online=False, last_checked_at=now, last_error=str(error), unreachable_count=count, outbox_retry_at=retry_at
    )
    return retry_at


@dataclass
class DrainResult:
    applied: int = 0
    failed: int = 0
    busy: bool = False
    stopped: str = ""  # why the drain stopped early: "unreachable", "backoff", "inactive"
    errors: list[str] = field(default_factory=list)


def _due_entries(router_id: int, now: datetime) -> list[ProvisioningTask]:
    """The entries to try now: for each key, its oldest open entry, when its back-off is over. A mode
    switch (AAA_MODE) is a barrier: it waits for every earlier open entry, and every later one waits
    for it, so no change is applied half in one mode and half in the other."""
    due, seen = [], set()
    for task in ProvisioningTask.objects.filter(router_id=router_id).filter(status__in=ProvisioningTask.NOT_DONE).order_by("id"):
        if task.action == Action.AAA_MODE:
            if not seen and task.next_attempt_at <= now:
                due.append(task)
            break
        if task.key in seen:
            continue
        seen.add(task.key)
        if task.next_attempt_at <= now:
            due.append(task)
    return due


def outbox_drain(*, router_id: int, now: datetime | None = None) -> DrainResult:
    """Apply the router's due outbox entries in order until none is left or the router stops answering."""
    result = DrainResult()
    for _round in range(3):
        moment = now or timezone.now()
        if not claim_router(router_id, moment):
            result.busy = True
            return result
        try:
            progressed = _drain_claimed(router_id, result, now)
        finally:
            release_router(router_id)
        # An entry committed while we held the lease had its wake-up turned away: look once more.
        if result.stopped or not progressed or not _due_entries(router_id, now or timezone.now()):
            break
    return result


def _drain_claimed(router_id: int, result: DrainResult, fixed_now: datetime | None) -> bool:
    router = Router.objects.filter(pk=router_id).first()
    if router is None:
        result.stopped = "gone"
        return False
    now = fixed_now or timezone.now()
    if not router.is_active:
        result.stopped = "inactive"
        return False
    if router.outbox_retry_at and router.outbox_retry_at > now:
        result.stopped = "backoff"
        if aaa.uses_radius(router):
            return _drain_radius_only(router_id, router, result, fixed_now)
        return False
    progressed = False
    with routeros.router_session(routeros.connection_for(router)) as client:
        try:
            client.connect()
        except (RouterUnreachable, RouterAuthFailed, routeros.RouterProtocolError) as error:
            if aaa.uses_radius(router):
                # Disconnect and CoA go to the router's CoA port, not its API: they need not wait.
                progressed = _drain_radius_only(router_id, router, result, fixed_now)
            _router_down(router_id, router, error, now, result)
            return progressed
        router_reached(router, now)
        while True:
            due = _due_entries(router_id, fixed_now or timezone.now())
            if not due:
                return progressed
            round_progress = False
            for task in due:
                now = fixed_now or timezone.now()
                try:
                    applied = _apply_entry(task, partial(_apply_task, client, router, task), now, result,
                                           router_down=(RouterUnreachable, RouterAuthFailed))
                except (RouterUnreachable, RouterAuthFailed) as error:
                    _router_down(router_id, router, error, now, result)
                    return progressed
                if applied:
                    progressed = round_progress = True
                    if result.applied % 50 == 0:
                        renew_lease(router_id)
            if not round_progress:
                return progressed


def _due_radius_entries(router_id: int, router: Router, fixed_now: datetime | None):
    """The due entries that need no API, round after round (a subscription's next entry is due once
    its previous one is applied), until a round applies nothing."""
    tried: set[int] = set()
    while True:
        batch = [
            task for task in _due_entries(router_id, fixed_now or timezone.now())
            if task.pk not in tried and aaa.needs_no_api(router, task)
        ]
        if not batch:
            return
        for task in batch:
            tried.add(task.pk)
            yield task


def _drain_radius_only(router_id: int, router: Router, result: DrainResult, fixed_now: datetime | None) -> bool:
    """A RADIUS router whose API does not answer: apply the due entries that need no API (Disconnect,
    CoA, nothing-to-send), in the usual order; the rest wait for the API with the router's back-off."""
    progressed = False
    for task in _due_radius_entries(router_id, router, fixed_now):
        now = fixed_now or timezone.now()
        progressed = _apply_entry(task, partial(aaa.apply_radius_task, router, task), now, result) or progressed
    return progressed


def _apply_entry(task: ProvisioningTask, apply: Callable[[], str | None], now: datetime, result: DrainResult,
                 router_down: tuple[type[Exception], ...] = ()) -> bool:
    """One entry, through the API or RADIUS (`apply`): applying, then done with what `apply` answered,
    or failed and retried later when the router refuses it or our code breaks (a bug must not stop
    the queue of every other customer). True when applied. `router_down` errors are the router's, not
    the entry's: raised for the caller to back the whole router off."""
    ProvisioningTask.objects.filter(pk=task.pk).update(status=TaskStatus.APPLYING)
    try:
        outcome = apply()
    except router_down:
        raise
    except RouterError as error:
        _fail_task(task, str(error), now)
        result.failed += 1
        result.errors.append(str(error))
        return False
    except Exception as error:
        logger.exception("applying outbox entry %s failed", task.pk)
        _fail_task(task, f"internal error: {error!r}", now)
        result.failed += 1
        result.errors.append(repr(error))
        return False
    ProvisioningTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.DONE, applied_at=timezone.now(), result=(outcome or "")[:200], last_error="", attempts=F("attempts") + 1,
    )
    result.applied += 1
    return True


def _router_down(router_id: int, router: Router, error: RouterError, now: datetime, result: DrainResult) -> None:
    """The router stopped answering: it backs off as a whole, and everything waiting for it waits a
    little longer with the reason attached. Nothing is dropped."""
    retry_at = router_unreachable(router, error, now)
    ProvisioningTask.objects.filter(router_id=router_id, next_attempt_at__lte=now).filter(status__in=ProvisioningTask.NOT_DONE).update(
        status=TaskStatus.FAILED, attempts=F("attempts") + 1, last_error=str(error), next_attempt_at=retry_at
    )
    result.failed += 1
    result.stopped = "unreachable"
    result.errors.append(str(error))


def _fail_task(task: ProvisioningTask, message: str, now: datetime) -> None:
    attempts = task.attempts + 1
    ProvisioningTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.FAILED, attempts=attempts, last_error=message, next_attempt_at=now + retry_delay(attempts)
    )
