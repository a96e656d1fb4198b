"""Reads for the network screens and tasks. Staff see the routers of their branches (and routers
without a branch); live reads go to the router through the adapter with short timeouts."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Subscription
from ispbill.accounts.selectors import user_branch_ids

from . import routeros
from .models import DriftReport, ProvisioningTask, Router

LIVE_CONNECT_TIMEOUT = 3.0
LIVE_READ_TIMEOUT = 5.0
OPEN_STATUSES = (ProvisioningTask.Status.PENDING, ProvisioningTask.Status.APPLYING)


def routers_visible_to(user) -> QuerySet[Router]:
    routers = Router.objects.select_related("branch")
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return routers
    return routers.filter(Q(branch__in=branch_ids) | Q(branch__isnull=True))


def router_get_for_staff(*, user, pk: int) -> Router:
    return get_object_or_404(routers_visible_to(user), pk=pk)


def router_list(*, user) -> QuerySet[Router]:
    return routers_visible_to(user).annotate(
        pending_count=Count("provisioning_tasks", filter=Q(provisioning_tasks__status__in=OPEN_STATUSES), distinct=True),
        failed_count=Count("provisioning_tasks", filter=Q(provisioning_tasks__status=ProvisioningTask.Status.FAILED), distinct=True),
        subscription_count=Count("subscriptions", filter=Q(subscriptions__status__in=("active", "suspended")), distinct=True),
    ).order_by("-is_active", "name")


@dataclass
class Outbox:
    waiting: list[ProvisioningTask]
    recent: list[ProvisioningTask]
    waiting_total: int
    failed_total: int

    @property
    def pending_total(self) -> int:
        return self.waiting_total - self.failed_total


def router_outbox(router: Router, *, limit: int = 50) -> Outbox:
    tasks = ProvisioningTask.objects.filter(router=router).select_related("subscription__customer")
    waiting = tasks.exclude(status=ProvisioningTask.Status.DONE).order_by("id")
    return Outbox(
        waiting=list(waiting[:limit]),
        recent=list(tasks.filter(status=ProvisioningTask.Status.DONE).order_by("-applied_at", "-id")[:10]),
        waiting_total=waiting.count(),
        failed_total=waiting.filter(status=ProvisioningTask.Status.FAILED).count(),
    )


def outbox_task_get(*, router: Router, pk: int) -> ProvisioningTask:
    return get_object_or_404(ProvisioningTask, router=router, pk=pk)


def latest_drift_report(router: Router) -> DriftReport | None:
    return router.drift_reports.select_related("requested_by").order_by("-started_at", "-id").first()


def orphans_with_queued_actions(router: Router, report: DriftReport | None) -> list[dict]:
    """The report's orphans, each with the removal or adoption staff already queued for it (if any)."""
    if report is None:
        return []
    open_tasks = ProvisioningTask.objects.filter(router=router).exclude(status=ProvisioningTask.Status.DONE)
    removals = set(open_tasks.filter(action=ProvisioningTask.Action.REMOVE_ORPHAN).values_list("key", flat=True))
    adoptions = {
        task.subscription_id for task in open_tasks.filter(subscription__isnull=False).only("subscription_id", "desired")
        if task.desired.get("adopt")
    }
    orphans = []
    for orphan in report.orphans:
        queued = ""
        if f"orphan:{orphan['table']}:{orphan['name'] or orphan['address']}" in removals:
            queued = "removal"
        elif orphan.get("subscription") in adoptions:
            queued = "adoption"
        orphans.append({**orphan, "queued": queued})
    return orphans


def subscriptions_by_login(router: Router, names) -> dict[str, Subscription]:
    names = [name for name in names if name]
    found = Subscription.objects.filter(router=router, username__in=names).select_related("customer")
    return {subscription.username: subscription for subscription in found}


@dataclass
class LiveSessions:
    rows: list[dict] = field(default_factory=list)
    error: str = ""


def router_live_sessions(router: Router) -> LiveSessions:
    """Who is connected right now, read from the router (PPPoE sessions), with their subscriptions."""
    settings = routeros.connection_for(router, connect_timeout=LIVE_CONNECT_TIMEOUT, read_timeout=LIVE_READ_TIMEOUT)
    try:
        with routeros.router_session(settings) as client:
            active = routeros.read_active_sessions(client)
    except routeros.RouterError as error:
        return LiveSessions(error=str(error))
    subscriptions = subscriptions_by_login(router, [row.get("name", "") for row in active])
    rows = [
        {
            "name": row.get("name", ""),
            "address": row.get("address", ""),
            "caller_id": row.get("caller-id", ""),
            "uptime": routeros.parse_duration(row.get("uptime")),
            "uptime_text": row.get("uptime", ""),
            "subscription": subscriptions.get(row.get("name", "")),
        }
        for row in active
    ]
    rows.sort(key=lambda row: row["name"])
    return LiveSessions(rows=rows)


@dataclass
class LoginLookup:
    login: str
    table: str = ""
    found: dict | None = None
    session: dict | None = None
    subscription: Subscription | None = None
    error: str = ""

    @property
    def disabled(self) -> bool:
        return bool(self.found) and routeros.parse_bool(self.found.get("disabled"))


def router_lookup_login(router: Router, login: str) -> LoginLookup:
    """What the router itself holds for one login right now: its secret (or hotspot user or queue),
    enabled or disabled, and its live session."""
    login = login.strip()
    result = LoginLookup(login=login)
    if not login:
        return result
    result.subscription = subscriptions_by_login(router, [login]).get(login)
    settings = routeros.connection_for(router, connect_timeout=LIVE_CONNECT_TIMEOUT, read_timeout=LIVE_READ_TIMEOUT)
    try:
        with routeros.router_session(settings) as client:
            for table, path in (("PPPoE secret", routeros.SECRETS), ("Hotspot user", routeros.HOTSPOT_USERS), ("Simple queue", routeros.QUEUES)):
                if path == routeros.SECRETS and not router.provision_pppoe:
                    continue
                if path == routeros.HOTSPOT_USERS and not router.provision_hotspot:
                    continue
                if path == routeros.QUEUES and not router.provision_static:
                    continue
                rows = client.find(path, name=login)
                if rows:
                    result.table, result.found = table, rows[0]
                    break
            sessions = client.find(routeros.ACTIVE, name=login) if router.provision_pppoe else []
            result.session = sessions[0] if sessions else None
    except routeros.RouterError as error:
        result.error = str(error)
    return result
