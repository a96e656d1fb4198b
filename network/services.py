"""Every write of the network app: routers, the provisioning outbox, the reconciler, router health.

How a change reaches a router:

1. A lifecycle or package service (customers.services) calls ``provisioning_enqueue_*`` inside its
   own transaction: the subscription's desired state is written as a ``ProvisioningTask``. If the
   transaction rolls back, so does the entry.
2. After the commit a Celery task drains that router's queue (``outbox_drain``). One drainer per
   router holds a short lease on the router row (a conditional UPDATE, so it works the same on
   SQLite and PostgreSQL and never keeps a transaction open across network I/O); routers drain in
   parallel and a slow one holds up nobody else.
3. Entries with the same key (one subscription, one profile) are applied strictly in order; each
   is idempotent (find by marker or name, then add or set). A failure is retried with exponential
   back-off, capped, forever; an unreachable router backs off as a whole and keeps every entry.
4. The reconciler (``reconcile_router``) compares the database's desired state with the router's
   tables, repairs our customers' drift, and lists rows it does not recognise as orphans for staff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Package, Subscription
from ispbill.core.audit import audit_changes, audit_record, snapshot
from ispbill.core.bulk import rows_insert

from . import outages, routeros
from .models import DriftReport, ProvisioningTask, Router
from .routeros import (
    RouterAuthFailed,
    RouterError,
    RouterUnreachable,
    marker,
    marker_subscription,
    parse_bool,
    parse_rate_pair,
    rate_pair,
    text,
)

logger = logging.getLogger(__name__)

Action = ProvisioningTask.Action
TaskStatus = ProvisioningTask.Status
ON_ROUTER = (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED)

RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 30 * 60
LEASE_SECONDS = 120
HEALTH_CONNECT_TIMEOUT = 3.0
HEALTH_READ_TIMEOUT = 5.0
REPORTS_KEPT = 150


class RouterNotConfigured(RouterError):
    """The router is not set up for this kind of subscription."""

    transient = False


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at 30 min: a stuck entry is retried for ever, never dropped."""
    return timedelta(seconds=min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)))


# Routers -----------------------------------------------------------------------------------------

ROUTER_FIELDS = (
    "name", "host", "api_port", "use_ssl", "ssl_port", "username", "branch", "is_active",
    "provision_pppoe", "provision_static", "provision_hotspot", "suspension_method", "suspended_address_list",
)


def _check_router(router: Router, areas) -> None:
    if not (router.provision_pppoe or router.provision_static or router.provision_hotspot):
        raise ValidationError({"provision_pppoe": _("Choose at least one kind of subscription this router carries.")})
    if router.branch_id and areas:
        foreign = [area.name for area in areas if area.branch_id != router.branch_id]
        if foreign:
            raise ValidationError({"areas": _("Not in the router's branch %(branch)s: %(areas)s.") % {"branch": router.branch, "areas": ", ".join(foreign)}})
    if Router.objects.filter(name__iexact=router.name.strip()).exclude(pk=router.pk).exists():
        raise ValidationError({"name": _("A router named “%(name)s” already exists.") % {"name": router.name.strip()}})


@transaction.atomic
def router_create(*, actor, password: str = "", areas=(), **fields) -> Router:
    unknown = set(fields) - set(ROUTER_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    router = Router(**fields, password=password)
    router.name = router.name.strip()
    _check_router(router, areas)
    router.full_clean(exclude=["areas"])
    router.save()
    router.areas.set(areas)
    audit_record(
        actor=actor, action="router.create", obj=router,
        after={**snapshot(router, ROUTER_FIELDS), "areas": sorted(area.pk for area in areas), "password": "set" if password else ""},
    )
    _enqueue_profiles_for_router(router, actor=actor)
    return router


@transaction.atomic
def router_update(*, actor, router: Router, password: str | None = None, areas=None, **changes) -> Router:
    """``password``: None keeps the stored one (the form never shows it); "" stores none."""
    unknown = set(changes) - set(ROUTER_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    router = Router.objects.select_for_update().get(pk=router.pk)
    before = {**snapshot(router, ROUTER_FIELDS), "areas": sorted(router.areas.values_list("pk", flat=True))}
    for name, value in changes.items():
        setattr(router, name, value)
    router.name = router.name.strip()
    area_list = list(areas) if areas is not None else list(router.areas.all())
    _check_router(router, area_list)
    password_changed = password is not None and password != (router.password or "")
    if password is not None:
        router.password = password
    router.full_clean(exclude=["areas"])
    router.save()
    if areas is not None:
        router.areas.set(area_list)
    after = {**snapshot(router, ROUTER_FIELDS), "areas": sorted(area.pk for area in area_list)}
    old, new = audit_changes(before, after)
    if password_changed:
        old["password"], new["password"] = "…", "changed" if password else "cleared"
    if new:
        audit_record(actor=actor, action="router.update", obj=router, before=old, after=new)
    became_active = "is_active" in new and router.is_active
    if became_active or any(name in new for name in ("host", "api_port", "use_ssl", "ssl_port", "username", "password")):
        # New address or credentials: try the queue again now rather than after the back-off.
        Router.objects.filter(pk=router.pk).update(outbox_retry_at=None, unreachable_count=0)
        router.provisioning_tasks.exclude(status=TaskStatus.DONE).update(next_attempt_at=timezone.now())
        _wake_after_commit(router.pk)
    return router


# Desired state -----------------------------------------------------------------------------------


def entry_name(subscription: Subscription) -> str:
    """The router-side name: the login, or for a static IP without one, a name from the address."""
    return subscription.username or f"static-{subscription.static_ip}"


def fup_throttled(subscription: Subscription) -> bool:
    """Whether the subscription runs on its package's FUP profile now (network.usage decides when)."""
    if not subscription.package.has_fup:
        return False
    try:
        state = subscription.fup_state
    except ObjectDoesNotExist:
        return False
    return state.throttled


def desired_state(subscription: Subscription) -> dict[str, Any]:
    """What the subscription's router should hold for it. JSON-safe; passwords are left out (they are
    read, decrypted, from the subscription when the entry is applied)."""
    router = subscription.router
    package = subscription.package
    kind = subscription.connection_type
    address = subscription.static_ip or ""
    suspension = router.suspension_method
    if kind == Subscription.ConnectionType.STATIC_IP:
        # A static customer has no login to disable: the walled garden is the only way to stop them.
        suspension = Router.SuspensionMethod.ADDRESS_LIST
    elif suspension == Router.SuspensionMethod.ADDRESS_LIST and not address:
        # No fixed address to list (it changes with every PPPoE dial): disable the login instead.
        suspension = Router.SuspensionMethod.DISABLE
    if fup_throttled(subscription):
        # Past the package's data cap this cycle: the throttled profile until the cycle resets.
        profile, rate_limit = package.fup_profile_name, rate_pair(package.fup_upload_mbps, package.fup_download_mbps)
    else:
        profile, rate_limit = package.router_profile, rate_pair(package.upload_mbps, package.download_mbps)
    return {
        "subscription": subscription.pk,
        "router": router.pk,
        "kind": kind,
        "present": subscription.status in ON_ROUTER,
        "suspended": subscription.status == Subscription.Status.SUSPENDED,
        "name": entry_name(subscription),
        "profile": profile,
        "rate_limit": rate_limit,
        "address": address,
        "suspension": str(suspension),
        "address_list": router.suspended_address_list,
    }


@dataclass(frozen=True)
class RouterFacing:
    """A subscription's router-facing state before an edit, kept in memory (it holds the password)."""

    router_id: int
    status: str
    desired: dict
    password: str


def provisioning_snapshot(subscription: Subscription) -> RouterFacing:
    return RouterFacing(
        router_id=subscription.router_id, status=subscription.status,
        desired=desired_state(subscription), password=subscription.password or "",
    )


def subscription_key(subscription_id: int) -> str:
    return f"sub:{subscription_id}"


def _wake_after_commit(router_id: int) -> None:
    """Start the router's drainer once this transaction commits (once per router per transaction)."""
    connection = transaction.get_connection()
    for entry in getattr(connection, "run_on_commit", ()):
        callback = entry[1]
        if isinstance(callback, _Wake) and callback.router_id == router_id:
            return
    transaction.on_commit(_Wake(router_id), robust=True)


class _Wake:
    def __init__(self, router_id: int) -> None:
        self.router_id = router_id

    def __call__(self) -> None:
        from .tasks import drain_router_outbox

        drain_router_outbox.delay(self.router_id)

    def __repr__(self) -> str:
        return f"<wake router {self.router_id} outbox>"


def _new_task(*, router_id: int, key: str, action: str, desired: dict, subscription_id=None, actor=None) -> ProvisioningTask:
    return ProvisioningTask(
        router_id=router_id, key=key, action=action, desired=desired, subscription_id=subscription_id,
        next_attempt_at=timezone.now(), created_by=actor if getattr(actor, "pk", None) else None,
    )


def provisioning_enqueue(*, subscription: Subscription, action: str, actor=None, desired: dict | None = None, router_id: int | None = None) -> ProvisioningTask:
    """Write one outbox entry for the subscription's current desired state (call inside the change's
    transaction); its router's drainer starts after the commit."""
    if action not in Action.values:
        raise ValueError(f"unknown provisioning action {action!r}")
    state = desired if desired is not None else desired_state(subscription)
    target = router_id or state.get("router") or subscription.router_id
    task = _new_task(
        router_id=target, key=subscription_key(subscription.pk), action=action, desired=state,
        subscription_id=subscription.pk, actor=actor,
    )
    task.save()
    _wake_after_commit(target)
    return task


def provisioning_enqueue_many(*, subscriptions: list[Subscription], action: str, actor=None) -> int:
    """`provisioning_enqueue` for many subscriptions (an import activating a chunk): one outbox entry
    each for its current desired state, written with COPY; each router's drainer starts after the
    commit. Returns how many."""
    if action not in Action.values:
        raise ValueError(f"unknown provisioning action {action!r}")
    prefetch_related_objects([s for s in subscriptions if s.package.has_fup], "fup_state")
    tasks = []
    for subscription in subscriptions:
        state = desired_state(subscription)
        tasks.append(_new_task(
            router_id=state.get("router") or subscription.router_id, key=subscription_key(subscription.pk), action=action,
            desired=state, subscription_id=subscription.pk, actor=actor,
        ))
    rows_insert(ProvisioningTask, tasks)
    for router_id in sorted({task.router_id for task in tasks}):
        _wake_after_commit(router_id)
    return len(tasks)


TRANSITION_ACTIONS = {
    (Subscription.Status.PENDING, Subscription.Status.ACTIVE): Action.PROVISION,
    (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED): Action.SUSPEND,
    (Subscription.Status.SUSPENDED, Subscription.Status.ACTIVE): Action.REACTIVATE,
    (Subscription.Status.ACTIVE, Subscription.Status.CANCELLED): Action.DEPROVISION,
    (Subscription.Status.SUSPENDED, Subscription.Status.CANCELLED): Action.DEPROVISION,
}


def provisioning_enqueue_transition(*, subscription: Subscription, previous_status: str, actor=None) -> ProvisioningTask | None:
    """The outbox entry for a lifecycle transition. A pending subscription was never on the router, so
    cancelling one queues nothing."""
    action = TRANSITION_ACTIONS.get((previous_status, subscription.status))
    if action is None:
        return None
    return provisioning_enqueue(subscription=subscription, action=action, actor=actor)


def provisioning_enqueue_change(*, subscription: Subscription, previous: RouterFacing, actor=None) -> list[ProvisioningTask]:
    """Outbox entries for an edit (package, login, password, address, router, connection type)."""
    if subscription.status not in ON_ROUTER:
        return []
    new = desired_state(subscription)
    old = previous.desired
    if previous.router_id != subscription.router_id or old["kind"] != new["kind"]:
        # Moving routers or changing kind: take the old entry away first, then provision the new one.
        removal = {**old, "present": False}
        return [
            provisioning_enqueue(subscription=subscription, action=Action.DEPROVISION, actor=actor, desired=removal, router_id=previous.router_id),
            provisioning_enqueue(subscription=subscription, action=Action.PROVISION, actor=actor, desired=new),
        ]
    if new == old and (subscription.password or "") == previous.password:
        return []
    if old["name"] != new["name"]:
        new["former_name"] = old["name"]
    if old["profile"] != new["profile"] or old["rate_limit"] != new["rate_limit"]:
        # A PPPoE session keeps the speed it dialled with: make it redial on the new profile.
        new["reconnect"] = True
    return [provisioning_enqueue(subscription=subscription, action=Action.UPDATE, actor=actor, desired=new)]


def _active_routers():
    return Router.objects.filter(is_active=True)


def _profile_desired(package: Package) -> dict:
    return {"name": package.router_profile, "rate_limit": rate_pair(package.upload_mbps, package.download_mbps), "package": package.pk}


def _profiles_desired(package: Package) -> list[dict]:
    """The package's profile, and its throttled FUP profile when the package has one."""
    profiles = [_profile_desired(package)]
    if package.has_fup:
        profiles.append({
            "name": package.fup_profile_name, "rate_limit": rate_pair(package.fup_upload_mbps, package.fup_download_mbps),
            "package": package.pk, "fup": True,
        })
    return profiles


def _enqueue_profiles_for_router(router: Router, *, actor=None) -> None:
    if not router.is_active or not (router.provision_pppoe or router.provision_hotspot):
        return
    tasks = [
        _new_task(router_id=router.pk, key=f"profile:{desired['name']}", action=Action.PROFILE, desired=desired, actor=actor)
        for package in Package.objects.filter(is_active=True).order_by("pk")
        for desired in _profiles_desired(package)
    ]
    if tasks:
        ProvisioningTask.objects.bulk_create(tasks)
        _wake_after_commit(router.pk)


def package_profile_enqueue(*, package: Package, actor=None) -> list[ProvisioningTask]:
    """Create or update the package's profile (its rate-limit) on every active router."""
    routers = _active_routers().filter(Q(provision_pppoe=True) | Q(provision_hotspot=True))
    tasks = [
        _new_task(router_id=router.pk, key=f"profile:{desired['name']}", action=Action.PROFILE, desired=desired, actor=actor)
        for router in routers
        for desired in _profiles_desired(package)
    ]
    ProvisioningTask.objects.bulk_create(tasks)
    for router in routers:
        _wake_after_commit(router.pk)
    return tasks


def package_router_state(package: Package) -> dict:
    return {
        "router_profile": package.router_profile, "upload_mbps": package.upload_mbps, "download_mbps": package.download_mbps,
        "fup": [package.fup_profile_name, package.fup_upload_mbps, package.fup_download_mbps] if package.has_fup else None,
    }


def package_changed(*, package: Package, previous: dict, actor=None) -> None:
    """After a package edit: new speeds go to every router's profile; static queues (which carry the
    speed themselves) and, on a profile rename, every login on the package are updated too."""
    current = package_router_state(package)
    if current == previous:
        return
    package_profile_enqueue(package=package, actor=actor)
    subscriptions = Subscription.objects.filter(package=package, status__in=ON_ROUTER).select_related("router", "package", "fup_state")
    if current["router_profile"] == previous["router_profile"]:
        affected = Q(connection_type=Subscription.ConnectionType.STATIC_IP)
        if current["fup"] != previous.get("fup"):
            # The throttled speed or profile changed (or FUP was switched off): the throttled logins follow.
            affected |= Q(fup_state__throttled_at__isnull=False, fup_state__lifted_at__isnull=True)
        subscriptions = subscriptions.filter(affected)
    tasks = [
        _new_task(
            router_id=subscription.router_id, key=subscription_key(subscription.pk), action=Action.UPDATE,
            desired=desired_state(subscription), subscription_id=subscription.pk, actor=actor,
        )
        for subscription in subscriptions
    ]
    ProvisioningTask.objects.bulk_create(tasks)
    for router_id in {task.router_id for task in tasks}:
        _wake_after_commit(router_id)


# Applying one subscription's desired state --------------------------------------------------------


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
        if routeros.address_list_remove(client, list_name=desired["address_list"], comment=comment) == "removed":
            done.append("unlisted")
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
            remote_address=desired["address"], former_names=former, adopt=adopt,
        )
        done.append(f"secret {result}")
        if disable or reconnect:
            if routeros.drop_active_session(client, name=name):
                done.append("session dropped")
    elif kind == Subscription.ConnectionType.HOTSPOT:
        routeros.ensure_hotspot_profile(client, name=desired["profile"], rate_limit=desired["rate_limit"])
        result = routeros.ensure_hotspot_user(
            client, name=name, password=password, profile=desired["profile"], comment=comment, disabled=disable,
            former_names=former, adopt=adopt,
        )
        done.append(f"hotspot user {result}")
        if disable and routeros.drop_active_session(client, name=name, path=routeros.HOTSPOT_ACTIVE):
            done.append("session dropped")
    else:
        result = routeros.ensure_queue(
            client, name=name, target=f"{desired['address']}/32", max_limit=desired["rate_limit"], comment=comment,
            former_names=former, adopt=adopt,
        )
        done.append(f"queue {result}")
    if listed:
        done.append(f"address list {routeros.address_list_add(client, list_name=desired['address_list'], address=desired['address'], comment=comment)}")
    elif routeros.address_list_remove(client, list_name=desired["address_list"], comment=comment) == "removed":
        done.append("unlisted")
    return ", ".join(done)


def _apply_task(client: routeros.RouterClient, router: Router, task: ProvisioningTask) -> str:
    desired = task.desired
    if task.action == Action.PROFILE:
        results = []
        if router.provision_pppoe:
            results.append(f"PPP profile {routeros.ensure_profile(client, name=desired['name'], rate_limit=desired['rate_limit'])}")
        if router.provision_hotspot:
            results.append(f"hotspot profile {routeros.ensure_hotspot_profile(client, name=desired['name'], rate_limit=desired['rate_limit'])}")
        return ", ".join(results) or "not needed on this router"
    if task.action == Action.REMOVE_ORPHAN:
        return _remove_orphan(client, desired)
    password = task.subscription.password if task.subscription_id and task.subscription else ""
    return apply_subscription_state(
        client, router, desired, password or "",
        adopt=bool(desired.get("adopt")) or task.action == Action.ADOPT, reconnect=bool(desired.get("reconnect")),
    )


def _remove_orphan(client: routeros.RouterClient, desired: dict) -> str:
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


def _claim_router(router_id: int, now: datetime) -> bool:
    """One drainer (or reconciler) per router: an atomic conditional UPDATE, no open transaction."""
    return bool(
        Router.objects.filter(pk=router_id)
        .filter(Q(outbox_lease_until__isnull=True) | Q(outbox_lease_until__lt=now))
        .update(outbox_lease_until=now + timedelta(seconds=LEASE_SECONDS))
    )


def _renew_lease(router_id: int) -> None:
    Router.objects.filter(pk=router_id).update(outbox_lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS))


def _release_router(router_id: int) -> None:
    Router.objects.filter(pk=router_id).update(outbox_lease_until=None)


def _router_reached(router: Router, now: datetime) -> None:
    Router.objects.filter(pk=router.pk).update(
        is_online=True, last_seen_at=now, unreachable_count=0, outbox_retry_at=None, last_error=""
    )


def _router_unreachable(router: Router, error: RouterError, now: datetime) -> datetime:
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
    """The entries to try now: for each key, its oldest open entry, when its back-off is over."""
    due, seen = [], set()
    for task in ProvisioningTask.objects.filter(router_id=router_id).exclude(status=TaskStatus.DONE).order_by("id"):
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
        if not _claim_router(router_id, moment):
            result.busy = True
            return result
        try:
            progressed = _drain_claimed(router_id, result, now)
        finally:
            _release_router(router_id)
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
        return False
    progressed = False
    with routeros.router_session(routeros.connection_for(router)) as client:
        try:
            client.connect()
        except (RouterUnreachable, RouterAuthFailed, routeros.RouterProtocolError) as error:
            _router_down(router_id, router, error, now, result)
            return False
        _router_reached(router, now)
        while True:
            due = _due_entries(router_id, fixed_now or timezone.now())
            if not due:
                return progressed
            round_progress = False
            for task in due:
                now = fixed_now or timezone.now()
                ProvisioningTask.objects.filter(pk=task.pk).update(status=TaskStatus.APPLYING)
                try:
                    outcome = _apply_task(client, router, task)
                except (RouterUnreachable, RouterAuthFailed) as error:
                    _router_down(router_id, router, error, now, result)
                    return progressed
                except RouterError as error:
                    _fail_task(task, str(error), now)
                    result.failed += 1
                    result.errors.append(str(error))
                    continue
                except Exception as error:  # a bug must not stop the queue of every other customer
                    logger.exception("applying outbox entry %s failed", task.pk)
                    _fail_task(task, f"internal error: {error!r}", now)
                    result.failed += 1
                    result.errors.append(repr(error))
                    continue
                ProvisioningTask.objects.filter(pk=task.pk).update(
                    status=TaskStatus.DONE, applied_at=timezone.now(), result=outcome[:200], last_error="",
                    attempts=F("attempts") + 1,
                )
                progressed = round_progress = True
                result.applied += 1
                if result.applied % 50 == 0:
                    _renew_lease(router_id)
            if not round_progress:
                return progressed


def _router_down(router_id: int, router: Router, error: RouterError, now: datetime, result: DrainResult) -> None:
    """The router stopped answering: it backs off as a whole, and everything waiting for it waits a
    little longer with the reason attached. Nothing is dropped."""
    retry_at = _router_unreachable(router, error, now)
    ProvisioningTask.objects.filter(router_id=router_id, next_attempt_at__lte=now).exclude(status=TaskStatus.DONE).update(
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


@transaction.atomic
def outbox_retry(*, actor, task: ProvisioningTask) -> ProvisioningTask:
    """Staff's Retry: try the entry (and the router) again now."""
    task = ProvisioningTask.objects.select_for_update().get(pk=task.pk)
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("This change has already been applied."))
    task.next_attempt_at = timezone.now()
    if task.status == TaskStatus.FAILED:
        task.status = TaskStatus.PENDING
    task.save(update_fields=["next_attempt_at", "status"])
    Router.objects.filter(pk=task.router_id).update(outbox_retry_at=None)
    audit_record(actor=actor, action="router.outbox_retry", obj=task.router, after={"entry": task.pk, "action": task.action})
    _wake_after_commit(task.router_id)
    return task


@transaction.atomic
def outbox_retry_all(*, actor, router: Router) -> int:
    now = timezone.now()
    count = router.provisioning_tasks.exclude(status=TaskStatus.DONE).update(next_attempt_at=now)
    router.provisioning_tasks.filter(status=TaskStatus.FAILED).update(status=TaskStatus.PENDING)
    Router.objects.filter(pk=router.pk).update(outbox_retry_at=None)
    if count:
        audit_record(actor=actor, action="router.outbox_retry", obj=router, after={"entries": count})
        _wake_after_commit(router.pk)
    return count


# Health ------------------------------------------------------------------------------------------


@dataclass
class HealthResult:
    health: routeros.Health | None
    error: str = ""
    came_back: bool = False  # it was offline with changes waiting: its drainer has been woken


def router_check_health(*, router: Router, connect_timeout: float = HEALTH_CONNECT_TIMEOUT, read_timeout: float = HEALTH_READ_TIMEOUT) -> HealthResult:
    """Read uptime, CPU, version and session count, and store them (a read: fine from a request)."""
    now = timezone.now()
    settings = routeros.connection_for(router, connect_timeout=connect_timeout, read_timeout=read_timeout)
    try:
        with routeros.router_session(settings) as client:
            health = routeros.read_health(client)
    except RouterError as error:
        Router.objects.filter(pk=router.pk).update(is_online=False, last_checked_at=now, last_error=str(error))
        router.is_online, router.last_checked_at, router.last_error = False, now, str(error)
        outages.router_went_down(router=router, error=str(error), now=now)  # a suggested outage, once per down period
        return HealthResult(health=None, error=str(error))
    was_waiting = bool(router.outbox_retry_at) or not router.is_online
    values = {
        "is_online": True, "last_seen_at": now, "last_checked_at": now, "last_error": "",
        "uptime_seconds": health.uptime_seconds, "cpu_load": health.cpu_load, "routeros_version": health.version[:64],
        "board_name": health.board_name[:64], "identity": health.identity[:100], "active_sessions": health.active_sessions,
        "outbox_retry_at": None, "unreachable_count": 0,
    }
    Router.objects.filter(pk=router.pk).update(**values)
    for name, value in values.items():
        setattr(router, name, value)
    outages.router_came_back(router=router, now=now)
    came_back = was_waiting and router.provisioning_tasks.exclude(status=TaskStatus.DONE).exists()
    if came_back:
        # Back before its back-off ran out: everything waiting for it is tried again now.
        router.provisioning_tasks.exclude(status=TaskStatus.DONE).filter(next_attempt_at__gt=now).update(next_attempt_at=now)
        _wake_after_commit(router.pk)
    return HealthResult(health=health, came_back=came_back)


# The reconciler ----------------------------------------------------------------------------------

ORPHAN_TABLES = {
    "secret": routeros.SECRETS,
    "hotspot": routeros.HOTSPOT_USERS,
    "queue": routeros.QUEUES,
    "address": routeros.ADDRESS_LIST,
}
TABLE_FOR_KIND = {
    Subscription.ConnectionType.PPPOE: "secret",
    Subscription.ConnectionType.HOTSPOT: "hotspot",
    Subscription.ConnectionType.STATIC_IP: "queue",
}


def _index(rows: list[dict], key: str) -> dict[str, dict]:
    indexed = {}
    for row in rows:
        indexed.setdefault(text(row.get(key)), row)
    return indexed


def _problems(desired: dict, password: str, tables: routeros.RouterTables, lookups: dict) -> tuple[list[str], dict | None]:
    """What differs between a subscription's desired state and the router. Returns (problems, conflict
    row): a conflict is a same-named row that is not ours, which is an orphan to adopt, not drift."""
    kind = desired["kind"]
    comment = marker(desired["subscription"])
    table = TABLE_FOR_KIND[kind]
    by_comment, by_name = lookups[table]
    row = by_comment.get(comment) or by_name.get(desired["name"])
    problems = []
    if row is None:
        problems.append("missing")
    elif text(row.get("comment")) != comment:
        return [], row
    else:
        suspended = desired["suspended"]
        disable = suspended and desired["suspension"] == Router.SuspensionMethod.DISABLE
        if text(row.get("name")) != desired["name"]:
            problems.append("name")
        if kind == Subscription.ConnectionType.STATIC_IP:
            if routeros.host_address(row.get("target")) != desired["address"]:
                problems.append("target")
            if parse_rate_pair(row.get("max-limit")) != parse_rate_pair(desired["rate_limit"]):
                problems.append("max-limit")
            if parse_bool(row.get("disabled")):
                problems.append("queue disabled")
        else:
            if text(row.get("password")) != password:
                problems.append("password")
            if text(row.get("profile")) != desired["profile"]:
                problems.append("profile")
            if parse_bool(row.get("disabled")) != disable:
                problems.append("enabled while suspended" if disable else "disabled while active")
            if kind == Subscription.ConnectionType.PPPOE and desired["address"] and routeros.host_address(row.get("remote-address")) != desired["address"]:
                problems.append("remote-address")
        if disable and kind == Subscription.ConnectionType.PPPOE and desired["name"] in lookups["active"]:
            problems.append("still online while suspended")
    listed = lookups["address_comments"].get(comment, set())
    if suspended_by_list(desired):
        if desired["address"] not in listed:
            problems.append("not in the suspended address list")
        elif len(listed) > 1:
            problems.append("stale address-list entries")
    elif listed:
        problems.append("still in the suspended address list")
    return problems, None


def suspended_by_list(desired: dict) -> bool:
    return desired["suspended"] and desired["suspension"] == Router.SuspensionMethod.ADDRESS_LIST


def _row_detail(table: str, row: dict) -> str:
    if table == "queue":
        return f"target {text(row.get('target'))}, max-limit {text(row.get('max-limit'))}"
    if table == "address":
        return f"list {text(row.get('list'))}"
    parts = [f"profile {text(row.get('profile')) or '—'}"]
    if parse_bool(row.get("disabled")):
        parts.append("disabled")
    return ", ".join(parts)


def reconcile_router(*, router_id: int, requested_by=None, now: datetime | None = None) -> DriftReport | None:
    """Compare and repair one router. None when its drainer holds it right now (try again shortly)."""
    moment = now or timezone.now()
    if not _claim_router(router_id, moment):
        return None
    try:
        return _reconcile_claimed(router_id, requested_by, moment)
    finally:
        _release_router(router_id)


def _reconcile_claimed(router_id: int, requested_by, now: datetime) -> DriftReport:
    router = Router.objects.get(pk=router_id)
    report = DriftReport.objects.create(
        router=router, started_at=now, requested_by=requested_by if getattr(requested_by, "pk", None) else None
    )
    try:
        with routeros.router_session(routeros.connection_for(router)) as client:
            tables = routeros.read_tables(
                client, address_list=router.suspended_address_list, pppoe=router.provision_pppoe,
                queues=router.provision_static, hotspot=router.provision_hotspot,
            )
            _router_reached(router, now)
            _compare_and_repair(client, router, tables, report)
    except (RouterUnreachable, RouterAuthFailed) as error:
        Router.objects.filter(pk=router.pk).update(is_online=False, last_checked_at=now, last_error=str(error))
        report.status = DriftReport.Status.ERROR
        report.error = str(error)
    except RouterError as error:
        report.status = DriftReport.Status.ERROR
        report.error = str(error)
    report.finished_at = timezone.now()
    report.save()
    # A day and a half of reports at the default 15 minutes is plenty to see when drift started.
    old = router.drift_reports.order_by("-started_at", "-id").values_list("pk", flat=True)[REPORTS_KEPT:]
    DriftReport.objects.filter(pk__in=list(old)).delete()
    return report


def _compare_and_repair(client: routeros.RouterClient, router: Router, tables: routeros.RouterTables, report: DriftReport) -> None:
    subscriptions = list(
        Subscription.objects.filter(router=router, status__in=ON_ROUTER).select_related("router", "package", "customer", "fup_state")
    )
    open_keys = set(router.provisioning_tasks.exclude(status=TaskStatus.DONE).values_list("key", flat=True))
    lookups = {
        "secret": (_index(tables.secrets, "comment"), _index(tables.secrets, "name")),
        "hotspot": (_index(tables.hotspot_users, "comment"), _index(tables.hotspot_users, "name")),
        "queue": (_index(tables.queues, "comment"), _index(tables.queues, "name")),
        "active": {text(row.get("name")) for row in tables.active},
        "address_comments": {},
    }
    for row in tables.address_list:
        lookups["address_comments"].setdefault(text(row.get("comment")), set()).add(routeros.host_address(row.get("address")))

    repairs, orphans, skipped = [], [], []
    claimed: dict[str, set[str]] = {table: set() for table in ORPHAN_TABLES}  # row ids accounted for
    wanted_names: dict[str, dict[str, int]] = {table: {} for table in ORPHAN_TABLES}
    wanted_addresses: dict[str, int] = {}
    profiles_needed: dict[str, str] = {}

    wanted = [(subscription, desired_state(subscription)) for subscription in subscriptions]
    for _subscription, desired in wanted:
        if desired["kind"] == Subscription.ConnectionType.PPPOE:
            profiles_needed[desired["profile"]] = desired["rate_limit"]

    # Profiles first: a secret refers to its profile, and one repair here fixes many customers.
    profiles = _index(tables.profiles, "name")
    for name, rate_limit in sorted(profiles_needed.items()):
        if not router.provision_pppoe or f"profile:{name}" in open_keys:
            continue
        row = profiles.get(name)
        if row is not None and parse_rate_pair(row.get("rate-limit")) == parse_rate_pair(rate_limit):
            continue
        repair = {"key": f"profile:{name}", "name": name, "table": "profile", "problem": "missing" if row is None else "rate-limit"}
        try:
            repair["result"] = routeros.ensure_profile(client, name=name, rate_limit=rate_limit)
            repair["repaired"] = True
        except (RouterUnreachable, RouterAuthFailed):
            raise
        except RouterError as error:
            repair["repaired"], repair["error"] = False, str(error)
        repairs.append(repair)

    for subscription, desired in wanted:
        table = TABLE_FOR_KIND[desired["kind"]]
        wanted_names[table][desired["name"]] = subscription.pk
        if desired["address"]:
            wanted_addresses[desired["address"]] = subscription.pk
        by_comment, by_name = lookups[table]
        row = by_comment.get(marker(subscription.pk)) or by_name.get(desired["name"])
        if row is not None and text(row.get("comment")) == marker(subscription.pk):
            claimed[table].add(text(row.get(".id")))
        if not router.provisions(desired["kind"]):
            continue  # the outbox reports that to staff; there is nothing here to compare
        key = subscription_key(subscription.pk)
        if key in open_keys:
            skipped.append({"subscription": subscription.pk, "name": desired["name"]})
            continue
        report.checked += 1
        problems, conflict = _problems(desired, subscription.password or "", tables, lookups)
        if conflict is not None:
            continue  # listed below as an orphan that staff can adopt for this subscription
        if not problems:
            continue
        repair = {"key": key, "name": desired["name"], "table": table, "problem": ", ".join(problems), "subscription": subscription.pk}
        try:
            repair["result"] = apply_subscription_state(client, router, desired, subscription.password or "")
            repair["repaired"] = True
        except (RouterUnreachable, RouterAuthFailed):
            raise
        except RouterError as error:
            repair["repaired"] = False
            repair["error"] = str(error)
        repairs.append(repair)

    table_rows = {"secret": tables.secrets, "hotspot": tables.hotspot_users, "queue": tables.queues, "address": tables.address_list}
    live = {subscription.pk for subscription in subscriptions}
    for table, rows in table_rows.items():
        for row in rows:
            if parse_bool(row.get("dynamic")) or text(row.get(".id")) in claimed[table]:
                continue
            owner = marker_subscription(row.get("comment"))
            name = text(row.get("name"))
            address = routeros.host_address(row.get("address"))
            if table == "address" and owner is not None and owner in live:
                continue  # compared with its subscription above
            if owner is not None and subscription_key(owner) not in open_keys:
                # Ours, but its subscription no longer wants this row (cancelled, moved, another kind,
                # a duplicate): our own drift, so ours to remove.
                repair = {"key": subscription_key(owner), "name": name or address, "table": table, "problem": "left behind", "subscription": owner}
                try:
                    client.remove(ORPHAN_TABLES[table], text(row.get(".id")))
                    repair["result"], repair["repaired"] = "removed", True
                except (RouterUnreachable, RouterAuthFailed):
                    raise
                except RouterError as error:
                    repair["repaired"], repair["error"] = False, str(error)
                repairs.append(repair)
                continue
            if owner is not None:
                continue  # its change is still in the outbox
            match = wanted_addresses.get(address) if table == "address" else wanted_names[table].get(name)
            orphans.append({
                "table": table, "name": name, "address": address, "list": text(row.get("list")),
                "detail": _row_detail(table, row), "comment": text(row.get("comment"))[:100],
                "subscription": match,
            })

    report.repairs, report.orphans, report.skipped = repairs, orphans, skipped
    if any(not repair.get("repaired") for repair in repairs):
        report.status = DriftReport.Status.INCOMPLETE
    elif repairs:
        report.status = DriftReport.Status.REPAIRED
    else:
        report.status = DriftReport.Status.IN_SYNC


# Orphans -----------------------------------------------------------------------------------------


def _orphan_in_report(router: Router, *, table: str, name: str, address: str) -> dict:
    report = router.drift_reports.exclude(status=DriftReport.Status.RUNNING).order_by("-started_at", "-id").first()
    for orphan in (report.orphans if report else []):
        if orphan["table"] == table and (orphan["name"] == name if table != "address" else orphan["address"] == address):
            return orphan
    raise ValidationError(_("That entry is not in the router's latest drift report any more: run Sync now and look again."))


@transaction.atomic
def orphan_adopt(*, actor, router: Router, table: str, name: str = "", address: str = "") -> ProvisioningTask:
    """Take over a same-named row on the router for the subscription it matches (its password,
    profile and state become ours); the change goes through the outbox like any other."""
    orphan = _orphan_in_report(router, table=table, name=name, address=address)
    subscription = Subscription.objects.select_related("router", "package", "fup_state").filter(
        pk=orphan.get("subscription") or 0, router=router, status__in=ON_ROUTER
    ).first()
    if subscription is None:
        raise ValidationError(_("No subscription on this router matches that entry: only Remove is possible."))
    key = subscription_key(subscription.pk)
    waiting = list(router.provisioning_tasks.filter(key=key).exclude(status=TaskStatus.DONE))
    for task in waiting:
        # The entries stuck on "not created by ispbill" go through now, taking the row over.
        task.desired = {**task.desired, "adopt": True}
        task.next_attempt_at = timezone.now()
        task.status = TaskStatus.PENDING
        task.save(update_fields=["desired", "next_attempt_at", "status"])
    entry = waiting[0] if waiting else provisioning_enqueue(
        subscription=subscription, action=Action.ADOPT, actor=actor, desired={**desired_state(subscription), "adopt": True}
    )
    audit_record(actor=actor, action="router.orphan_adopt", obj=router, after={"table": table, "name": name or address, "subscription": subscription.pk})
    _wake_after_commit(router.pk)
    return entry


@transaction.atomic
def orphan_adopt_all(*, actor, router: Router) -> int:
    report = router.drift_reports.exclude(status=DriftReport.Status.RUNNING).order_by("-started_at", "-id").first()
    adopted = 0
    for orphan in (report.orphans if report else []):
        if orphan.get("subscription") and orphan["table"] != "address":
            try:
                orphan_adopt(actor=actor, router=router, table=orphan["table"], name=orphan["name"], address=orphan["address"])
            except ValidationError:
                continue
            adopted += 1
    return adopted


@transaction.atomic
def orphan_remove(*, actor, router: Router, table: str, name: str = "", address: str = "") -> ProvisioningTask:
    """Staff chose to delete an unknown row: queued like every router change, and re-checked on the
    router first (a row that became ours meanwhile is kept)."""
    orphan = _orphan_in_report(router, table=table, name=name, address=address)
    desired = {"table": table, "name": orphan["name"], "address": orphan["address"], "list": orphan.get("list") or router.suspended_address_list}
    task = _new_task(
        router_id=router.pk, key=f"orphan:{table}:{orphan['name'] or orphan['address']}", action=Action.REMOVE_ORPHAN,
        desired=desired, actor=actor,
    )
    task.save()
    audit_record(actor=actor, action="router.orphan_remove", obj=router, after={"table": table, "name": orphan["name"] or orphan["address"]})
    _wake_after_commit(router.pk)
    return task


def sync_request(*, actor, router: Router) -> None:
    """Staff's "Sync now": reconcile this router in the worker (router writes never run in a request)."""
    from .tasks import reconcile_router_task

    audit_record(actor=actor, action="router.sync", obj=router)
    transaction.on_commit(lambda: reconcile_router_task.delay(router.pk, getattr(actor, "pk", None)), robust=True)
