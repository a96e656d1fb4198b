"""Writes of the network app that staff and the other apps ask for: routers, a subscription's desired
state and its provisioning entries (the outbox's producer side), staff's retries and "Sync now",
router health. The entries reach the routers through outbox.py; reconcile.py repairs drift.

How a change reaches a router:

1. A package service (or use case) calls ``provisioning_enqueue_*`` inside its own transaction (a
   lifecycle transition's entries go through billing/transition_effects.py): the subscription's desired state is written as a ``ProvisioningTask``. If the
   transaction rolls back, so does the entry.
2. After the commit a Celery task drains that router's queue (``outbox.outbox_drain``). One drainer
   per router holds a short lease on the router row (a conditional UPDATE, so it works the same on
   SQLite and PostgreSQL and never keeps a transaction open across network I/O); routers drain in
   parallel and a slow one holds up nobody else.
3. Entries with the same key (one subscription, one profile) are applied strictly in order; each
   is idempotent (find by marker or name, then add or set). A failure is retried with exponential
   back-off, capped, forever; an unreachable router backs off as a whole and keeps every entry.
4. The reconciler (``reconcile.reconcile_router``) compares the database's desired state with the
   router's tables, repairs our customers' drift, and lists rows it does not recognise as orphans.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Package, Subscription
from ispbill.core.audit import audit_changes, audit_record, snapshot
from ispbill.core.bulk import rows_insert
from ispbill.core.statements import on_postgresql

from . import outages, routeros, speeds
from .ipam import addresses_release, delegated_prefix, prefixes_prefetch
from .models import ProvisioningTask, Router, SpeedDestination
from .routeros import (
    RouterError,
    rate_pair,
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
    "radius_coa_port", "radius_require_message_authenticator",
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
    if "radius_coa_port" in new and router.aaa_mode == Router.AaaMode.RADIUS:
        # The router must listen where we now send CoA: its RADIUS set-up is applied again.
        new_task(router_id=router.pk, key=AAA_SWITCH_KEY, action=Action.AAA_MODE, desired={"mode": router.aaa_mode}, actor=actor).save()
        wake_after_commit(router.pk)
    became_active = "is_active" in new and router.is_active
    if became_active or any(name in new for name in ("host", "api_port", "use_ssl", "ssl_port", "username", "password")):
        # New address or credentials: try the queue again now rather than after the back-off.
        Router.objects.filter(pk=router.pk).update(outbox_retry_at=None, unreachable_count=0)
        router.provisioning_tasks.filter(status__in=ProvisioningTask.NOT_DONE).update(next_attempt_at=timezone.now())
        wake_after_commit(router.pk)
    return router


# AAA mode ----------------------------------------------------------------------------------------

AAA_SWITCH_KEY = "aaa"


@transaction.atomic
def routers_radius_reapply(*, actor) -> int:
    """Queue every active router in RADIUS mode's RADIUS set-up again (its /radius entries, CoA, /ppp
    aaa), as the worker applies a switch: after the site's FreeRADIUS servers changed (RADIUS_SERVERS),
    each router is given the new list. Idempotent on the router; a router with such an entry still
    waiting gets no second one. Audited per router. Returns how many were queued."""
    waiting = set(
        ProvisioningTask.objects.filter(action=Action.AAA_MODE, status__in=ProvisioningTask.NOT_DONE).values_list("router_id", flat=True)
    )
    routers = Router.objects.filter(aaa_mode=Router.AaaMode.RADIUS, is_active=True).exclude(pk__in=waiting).order_by("pk")
    queued = 0
    for router in routers:
        new_task(router_id=router.pk, key=AAA_SWITCH_KEY, action=Action.AAA_MODE, desired={"mode": router.aaa_mode}, actor=actor).save()
        audit_record(actor=actor, action="router.radius_reapply", obj=router, after={"aaa_mode": router.aaa_mode})
        wake_after_commit(router.pk)
        queued += 1
    return queued


def radius_refused_reason() -> str:
    """Why RADIUS mode cannot be used on this installation, or "" when it can."""
    if not on_postgresql():
        return _(
            "RADIUS mode needs PostgreSQL: FreeRADIUS reads the subscribers from ispbill's database and "
            "cannot share the embedded SQLite file safely while ispbill writes to it. Set DATABASE_URL to "
            "a PostgreSQL database to use RADIUS; this router stays in API mode."
        )
    return ""


@transaction.atomic
def router_switch_aaa_mode(*, actor, router: Router, mode: str) -> ProvisioningTask:
    """Switch the router between API mode (our secrets on it) and RADIUS mode (it asks FreeRADIUS).
    Recorded at once; the router is reconfigured by one outbox entry that moves its subscribers
    without dropping a session (network/aaa.py)."""
    from .aaa import new_radius_secret

    if mode not in Router.AaaMode.values:
        raise ValidationError({"mode": _("Choose API or RADIUS mode.")})
    router = Router.objects.select_for_update().get(pk=router.pk)
    if mode == router.aaa_mode:
        raise ValidationError({"mode": _("The router is already in this mode.")})
    if mode == Router.AaaMode.RADIUS:
        reason = radius_refused_reason()
        if reason:
            raise ValidationError({"mode": reason})
        if not (router.provision_pppoe or router.provision_hotspot):
            raise ValidationError({"mode": _("This router carries no PPPoE or hotspot subscribers: RADIUS mode would change nothing.")})
    before = {"aaa_mode": router.aaa_mode}
    router.aaa_mode = mode
    fields = ["aaa_mode"]
    secret_generated = mode == Router.AaaMode.RADIUS and not router.radius_secret
    if secret_generated:
        router.radius_secret = new_radius_secret()
        fields.append("radius_secret")
    router.save(update_fields=fields)
    after = {"aaa_mode": mode, **({"radius_secret": "generated"} if secret_generated else {})}
    audit_record(actor=actor, action="router.aaa_mode", obj=router, before=before, after=after)
    task = new_task(router_id=router.pk, key=AAA_SWITCH_KEY, action=Action.AAA_MODE, desired={"mode": mode}, actor=actor)
    task.save()
    wake_after_commit(router.pk)
    return task


# Desired state -----------------------------------------------------------------------------------


def entry_name(subscription: Subscription) -> str:
    """The router-side name: the login, or for a static IP without one, a name from the address."""
    return subscription.username or f"static-{subscription.static_ip}"


def connection_addresses(subscription: Subscription) -> dict[str, str]:
    """The desired state's address-management part (docs/ipam.md): the MAC an IPoE lease is bound to,
    and the delegated IPv6 prefix (or address) a connection holds. Keys only where there is a value,
    so the desired state of a connection without either is what it always was."""
    extra = {}
    if subscription.connection_type == Subscription.ConnectionType.IPOE:
        extra["mac"] = subscription.mac_address
    prefix = delegated_prefix(subscription)
    if prefix:
        extra["ipv6"] = prefix
    return extra


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
    if kind in (Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE):
        # A static or IPoE customer has no login to disable: the walled garden is the only way to stop them.
        suspension = Router.SuspensionMethod.ADDRESS_LIST
    elif suspension == Router.SuspensionMethod.ADDRESS_LIST and not address:
        # No fixed address to list (it changes with every PPPoE dial): disable the login instead.
        suspension = Router.SuspensionMethod.DISABLE
    throttled = fup_throttled(subscription)
    if throttled:
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
        **_speed_classes_desired(subscription, throttled),
        **connection_addresses(subscription),
    }


def _speed_classes_desired(subscription: Subscription, throttled: bool) -> dict:
    """The speed-class queues (network/speeds.py) of a shaped package: on an API-mode router, and for
    static-IP and IPoE connections (which never log in) on a RADIUS one too; nothing otherwise, so an
    unshaped subscription's desired state is what it always was."""
    kind = subscription.connection_type
    fixed = kind in (Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE)
    if subscription.router.aaa_mode == Router.AaaMode.RADIUS and not fixed:
        return {}  # PPPoE and hotspot logins get their speeds from FreeRADIUS
    spec = speeds.speed_queues_desired(subscription, throttled=throttled)
    if spec and fixed:
        # Like the connection's own queue, the speed queues carry its delegated IPv6 prefix too.
        prefix = delegated_prefix(subscription)
        if prefix:
            spec["target"] = f"{spec['target']},{prefix}"
        if subscription.router.aaa_mode == Router.AaaMode.RADIUS:
            # An IPoE lease answered by FreeRADIUS puts the address in the package's list, whose marks
            # (ispbill-bdix-<package>) come first on a RADIUS router: the class queues take both.
            spec["marks"] = {kind: f"ispbill-{kind},{speeds.tier_mark(subscription.package_id, kind)}" for kind in spec["classes"]}
    return {"speeds": spec} if spec else {}


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


def wake_after_commit(router_id: int) -> None:
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
        # Django names a robust on_commit callback that raised (the broker down) by its __qualname__:
        # without one, logging the failure raised AttributeError and the committed change answered 500.
        self.__qualname__ = f"wake router {router_id} outbox"

    def __call__(self) -> None:
        from .tasks import drain_router_outbox

        drain_router_outbox.delay(self.router_id)

    def __repr__(self) -> str:
        return f"<wake router {self.router_id} outbox>"


def new_task(*, router_id: int, key: str, action: str, desired: dict, subscription_id=None, actor=None) -> ProvisioningTask:
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
    task = new_task(
        router_id=target, key=subscription_key(subscription.pk), action=action, desired=state,
        subscription_id=subscription.pk, actor=actor,
    )
    task.save()
    wake_after_commit(target)
    return task


def provisioning_enqueue_many(*, subscriptions: list[Subscription], action: str, actor=None) -> int:
    """`provisioning_enqueue` for many subscriptions (an import activating a chunk): one outbox entry
    each for its current desired state, written with COPY; each router's drainer starts after the
    commit. Returns how many."""
    if action not in Action.values:
        raise ValueError(f"unknown provisioning action {action!r}")
    prefetch_related_objects([s for s in subscriptions if s.package.has_fup], "fup_state")
    prefixes_prefetch(subscriptions)
    tasks = []
    for subscription in subscriptions:
        state = desired_state(subscription)
        tasks.append(new_task(
            router_id=state.get("router") or subscription.router_id, key=subscription_key(subscription.pk), action=action,
            desired=state, subscription_id=subscription.pk, actor=actor,
        ))
    rows_insert(ProvisioningTask, tasks)
    for router_id in sorted({task.router_id for task in tasks}):
        wake_after_commit(router_id)
    return len(tasks)


def provisioning_remove_many(*, subscriptions: list[Subscription], actor=None) -> int:
    """Outbox entries taking many subscriptions' entries off their routers (an undone import's), written
    with COPY. Each entry carries what to remove, so it is applied after the subscription is gone."""
    tasks = [
        new_task(
            router_id=subscription.router_id, key=subscription_key(subscription.pk), action=Action.DEPROVISION,
            desired={**desired_state(subscription), "present": False}, subscription_id=subscription.pk, actor=actor,
        )
        for subscription in subscriptions
    ]
    rows_insert(ProvisioningTask, tasks)
    for router_id in sorted({task.router_id for task in tasks}):
        wake_after_commit(router_id)
    return len(tasks)


TRANSITION_ACTIONS = {
    (Subscription.Status.PENDING, Subscription.Status.ACTIVE): Action.PROVISION,
    (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED): Action.SUSPEND,
    (Subscription.Status.SUSPENDED, Subscription.Status.ACTIVE): Action.REACTIVATE,
    (Subscription.Status.ACTIVE, Subscription.Status.CANCELLED): Action.DEPROVISION,
    (Subscription.Status.SUSPENDED, Subscription.Status.CANCELLED): Action.DEPROVISION,
}


def provisioning_enqueue_transitions(*, subscriptions: list[Subscription], actor=None) -> int:
    """The outbox entries for lifecycle transitions, each subscription as customers' transition returned
    it (with `previous_lifecycle`); called by billing/transition_effects.py alone. One subscription's
    entry is written at once; many (an import's chunk, a reseller's batch) with one COPY per action. A
    pending subscription was never on the router, so cancelling one queues nothing. Returns how many."""
    by_action: dict[str, list[Subscription]] = {}
    for subscription in subscriptions:
        action = TRANSITION_ACTIONS.get((subscription.previous_lifecycle["status"], subscription.status))
        if action is not None:
            by_action.setdefault(action, []).append(subscription)
    cancelled = [s.pk for s in subscriptions if s.status == Subscription.Status.CANCELLED]
    if cancelled:
        # A cancelled connection gives its addresses and prefix back (kept as history for the regulator).
        addresses_release(subscription_ids=cancelled)
    written = 0
    for action, changed in by_action.items():
        if len(changed) == 1:
            provisioning_enqueue(subscription=changed[0], action=action, actor=actor)
            written += 1
        else:
            written += provisioning_enqueue_many(subscriptions=changed, action=action, actor=actor)
    return written


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
    if old.get("ipv6") and not new.get("ipv6"):
        new["had_ipv6"] = True  # the prefix taken back: the router forgets its binding (network/outbox.py)
    if old.get("ipv6") != new.get("ipv6") and new["kind"] == Subscription.ConnectionType.PPPOE:
        new["reconnect"] = True  # a PPPoE session is delegated its prefix when it dials
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
        new_task(router_id=router.pk, key=f"profile:{desired['name']}", action=Action.PROFILE, desired=desired, actor=actor)
        for package in Package.objects.filter(is_active=True).order_by("pk")
        for desired in _profiles_desired(package)
    ]
    if tasks:
        ProvisioningTask.objects.bulk_create(tasks)
        wake_after_commit(router.pk)


def package_profile_enqueue(*, package: Package, actor=None) -> list[ProvisioningTask]:
    """Create or update the package's profile (its rate-limit) on every active router."""
    routers = _active_routers().filter(Q(provision_pppoe=True) | Q(provision_hotspot=True))
    tasks = [
        new_task(router_id=router.pk, key=f"profile:{desired['name']}", action=Action.PROFILE, desired=desired, actor=actor)
        for router in routers
        for desired in _profiles_desired(package)
    ]
    ProvisioningTask.objects.bulk_create(tasks)
    for router in routers:
        wake_after_commit(router.pk)
    return tasks


def package_router_state(package: Package) -> dict:
    return {
        "router_profile": package.router_profile, "upload_mbps": package.upload_mbps, "download_mbps": package.download_mbps,
        "fup": [package.fup_profile_name, package.fup_upload_mbps, package.fup_download_mbps] if package.has_fup else None,
        "speeds": _speed_signature(package),
    }


def _speed_signature(package: Package) -> list:
    return speeds.package_speed_signature(package)


def package_changed(*, package: Package, previous: dict, actor=None) -> None:
    """After a package edit: new speeds go to every router's profile; static queues (which carry the
    speed themselves) and, on a profile rename, every login on the package are updated too."""
    current = package_router_state(package)
    if current == previous:
        return
    package_profile_enqueue(package=package, actor=actor)
    subscriptions = Subscription.objects.filter(package=package, status__in=ON_ROUTER).select_related("router", "package", "fup_state")
    if current["router_profile"] == previous["router_profile"]:
        affected = Q(connection_type__in=[Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE])
        if current["fup"] != previous.get("fup"):
            # The throttled speed or profile changed (or FUP was switched off): the throttled logins follow.
            affected |= Q(fup_state__throttled_at__isnull=False, fup_state__lifted_at__isnull=True)
        if current["speeds"] != previous.get("speeds"):
            # Speed classes or windows changed: every connection's speed queues follow (network/speeds.py).
            affected |= Q(connection_type__in=[Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.STATIC_IP])
        subscriptions = subscriptions.filter(affected)
    subscriptions = list(subscriptions)
    prefixes_prefetch(subscriptions)
    tasks = [
        new_task(
            router_id=subscription.router_id, key=subscription_key(subscription.pk), action=Action.UPDATE,
            desired=desired_state(subscription), subscription_id=subscription.pk, actor=actor,
        )
        for subscription in subscriptions
    ]
    ProvisioningTask.objects.bulk_create(tasks)
    for router_id in {task.router_id for task in tasks}:
        wake_after_commit(router_id)
    if current["speeds"] != previous.get("speeds"):
        speed_config_push_after_commit()


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
    wake_after_commit(task.router_id)
    return task


@transaction.atomic
def outbox_retry_all(*, actor, router: Router) -> int:
    now = timezone.now()
    count = router.provisioning_tasks.filter(status__in=ProvisioningTask.NOT_DONE).update(next_attempt_at=now)
    router.provisioning_tasks.filter(status=TaskStatus.FAILED).update(status=TaskStatus.PENDING)
    Router.objects.filter(pk=router.pk).update(outbox_retry_at=None)
    if count:
        audit_record(actor=actor, action="router.outbox_retry", obj=router, after={"entries": count})
        wake_after_commit(router.pk)
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
    came_back = was_waiting and router.provisioning_tasks.filter(status__in=ProvisioningTask.NOT_DONE).exists()
    if came_back:
        # Back before its back-off ran out: everything waiting for it is tried again now.
        router.provisioning_tasks.filter(status__in=ProvisioningTask.NOT_DONE).filter(next_attempt_at__gt=now).update(next_attempt_at=now)
        wake_after_commit(router.pk)
    return HealthResult(health=health, came_back=came_back)


def sync_request(*, actor, router: Router) -> None:
    """Staff's "Sync now": reconcile this router in the worker (router writes never run in a request)."""
    from .tasks import reconcile_router_task

    audit_record(actor=actor, action="router.sync", obj=router)
    transaction.on_commit(lambda: reconcile_router_task.delay(router.pk, getattr(actor, "pk", None)), robust=True)


# Speed classes: destination lists (network/speeds.py) ----------------------------------------------


def speed_config_push_after_commit() -> None:
    """Once this transaction commits, every active router's reconciler runs: it pushes the destination
    lists, marks and per-package queues (and compares every connection's speed queues)."""
    def push() -> None:
        from .tasks import reconcile_router_task

        for router_id in Router.objects.filter(is_active=True).values_list("pk", flat=True):
            reconcile_router_task.delay(router_id)

    transaction.on_commit(push, robust=True)


@transaction.atomic
def speed_destinations_add(*, actor, kind: str, prefixes: str, note: str = "") -> list[SpeedDestination]:
    """Add prefixes (one per line, or separated by commas or spaces) to the BDIX or cache list. All or
    nothing: one malformed prefix refuses the lot with its own message. A prefix already listed is
    skipped. Pushed to every router after the commit."""
    if kind not in SpeedDestination.Kind.values:
        raise ValidationError({"kind": _("Choose the BDIX or the cache list.")})
    raw = [item for item in prefixes.replace(",", " ").split() if item.strip()]
    if not raw:
        raise ValidationError({"prefixes": _("Give at least one prefix.")})
    errors, cleaned = [], []
    for item in raw:
        try:
            cleaned.append(speeds.normalize_prefix(item))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"prefixes": errors})
    existing = set(SpeedDestination.objects.filter(kind=kind).values_list("prefix", flat=True))
    fresh = [prefix for prefix in dict.fromkeys(cleaned) if prefix not in existing]
    if len(existing) + len(fresh) > speeds.MAX_DESTINATIONS:
        raise ValidationError({"prefixes": _("A list holds at most %(n)s prefixes.") % {"n": speeds.MAX_DESTINATIONS}})
    created = SpeedDestination.objects.bulk_create([SpeedDestination(kind=kind, prefix=prefix, note=note.strip()[:100]) for prefix in fresh])
    if created:
        audit_record(actor=actor, action="speed_destination.add", obj=created[0], after={"list": kind, "prefixes": fresh})
        speed_config_push_after_commit()
    return created


@transaction.atomic
def speed_destination_remove(*, actor, destination: SpeedDestination) -> None:
    audit_record(actor=actor, action="speed_destination.remove", obj=destination, before={"list": destination.kind, "prefix": destination.prefix})
    destination.delete()
    speed_config_push_after_commit()
