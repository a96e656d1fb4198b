"""Reads for the network screens and tasks. Staff see the routers of their branches (and routers
without a branch); live reads go to the router through the adapter with short timeouts."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from customers.models import Subscription
from customers.selectors import portal_subscriptions, scope_to_branches
from ispbill.accounts.selectors import user_branch_ids

from . import aaa, routeros
from .models import DriftReport, ProvisioningTask, Router, SpeedBoundaryRun, SpeedDestination

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


def _count_per_router(rows: QuerySet) -> Coalesce:
    """How many of `rows` (filtered by router = the outer row) there are, as a subquery: counted
    apart, so the router's done changes (kept for ever, growing with every change the worker applies)
    are never joined with its connections and multiplied by them."""
    counted = rows.filter(router=OuterRef("pk")).order_by().values("router").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def router_list(*, user) -> QuerySet[Router]:
    tasks = ProvisioningTask.objects.all()
    return routers_visible_to(user).annotate(
        pending_count=_count_per_router(tasks.filter(status__in=OPEN_STATUSES)),
        failed_count=_count_per_router(tasks.filter(status=ProvisioningTask.Status.FAILED)),
        subscription_count=_count_per_router(Subscription.objects.filter(status__in=("active", "suspended"))),
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
    waiting = tasks.filter(status__in=ProvisioningTask.NOT_DONE).order_by("id")
    return Outbox(
        waiting=list(waiting[:limit]),
        # The last ten made of those applied, read backwards through the (router, status, id) index.
        recent=list(tasks.filter(status=ProvisioningTask.Status.DONE).order_by("-id")[:10]),
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
    open_tasks = ProvisioningTask.objects.filter(router=router).filter(status__in=ProvisioningTask.NOT_DONE)
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
    # A cancelled connection's login may belong to a newer one now: the session is the newer one's.
    found = (
        Subscription.objects.filter(router=router, username__in=names).exclude(status=Subscription.Status.CANCELLED)
        .select_related("customer")
    )
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


# Usage and fair usage -----------------------------------------------------------------------------

MB = 1000**2
GB = 1000**3
DAILY_DAYS = 30
WEEKLY_WEEKS = 12
MONTHLY_MONTHS = 12
HOURLY_HOURS = 48


def _epoch(day) -> int:
    """A local date as the unix time of its local midnight (the charts' x axis)."""
    from .usage import day_bounds

    return int(day_bounds(day)[0].timestamp())


def _series(points: list[tuple[int, int, int]]) -> dict:
    """[(x, upload bytes, download bytes)] as chart data in MB."""
    return {
        "x": [x for x, _up, _down in points],
        "up": [round(up / MB, 1) for _x, up, _down in points],
        "down": [round(down / MB, 1) for _x, _up, down in points],
    }


def usage_charts(subscription, *, today=None) -> dict:
    """Hourly (48 h), daily (30 days), weekly (12 weeks) and monthly (12 months) upload/download in MB,
    from the roll-ups, with empty periods as zeros so the bars line up with the calendar."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import UsageDaily, UsageHourly
    from .usage import hour_start

    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    first_month = month_start
    for _ in range(MONTHLY_MONTHS - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    days = {
        day: (up, down)
        for day, up, down in UsageDaily.objects.filter(subscription=subscription, day__gte=first_month, day__lte=today)
        .values_list("day", "upload_bytes", "download_bytes")
    }
    daily = [
        (_epoch(day), *days.get(day, (0, 0)))
        for day in (today - timedelta(days=offset) for offset in range(DAILY_DAYS - 1, -1, -1))
    ]
    this_week = today - timedelta(days=today.weekday())
    weekly = []
    for offset in range(WEEKLY_WEEKS - 1, -1, -1):
        start = this_week - timedelta(weeks=offset)
        span = [days.get(start + timedelta(days=n), (0, 0)) for n in range(7)]
        weekly.append((_epoch(start), sum(up for up, _ in span), sum(down for _, down in span)))
    monthly = []
    cursor = first_month
    while cursor <= month_start:
        up = sum(v[0] for d, v in days.items() if d.year == cursor.year and d.month == cursor.month)
        down = sum(v[1] for d, v in days.items() if d.year == cursor.year and d.month == cursor.month)
        monthly.append((_epoch(cursor), up, down))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    now_hour = hour_start(timezone.now())
    hours = {
        hour: (up, down)
        for hour, up, down in UsageHourly.objects.filter(
            subscription=subscription, hour__gt=now_hour - timedelta(hours=HOURLY_HOURS)
        ).values_list("hour", "upload_bytes", "download_bytes")
    }
    hourly = [
        (int(hour.timestamp()), *hours.get(hour, (0, 0)))
        for hour in (now_hour - timedelta(hours=offset) for offset in range(HOURLY_HOURS - 1, -1, -1))
    ]
    return {"hourly": _series(hourly), "daily": _series(daily), "weekly": _series(weekly), "monthly": _series(monthly)}


def usage_recent_days(subscription, *, days: int = 14) -> list:
    """The last days with traffic, newest first, for the table beside the charts."""
    from .models import UsageDaily

    return list(UsageDaily.objects.filter(subscription=subscription).order_by("-day")[:days])


@dataclass
class LiveSessionFacts:
    address: str
    caller_id: str
    uptime_seconds: int | None
    session_id: str


@dataclass
class LiveStatus:
    online: bool
    session: LiveSessionFacts | None
    polled_at: object | None
    poll_error: str
    static: bool


def live_status(subscription) -> LiveStatus:
    """Online/offline, address, uptime and caller MAC as the router's last usage poll saw /ppp/active."""
    from .models import UsagePoll

    poll = UsagePoll.objects.filter(router_id=subscription.router_id).only("succeeded_at", "error", "sessions").first()
    facts = None
    if poll and subscription.username and subscription.connection_type == Subscription.ConnectionType.PPPOE:
        entry = (poll.sessions or {}).get(subscription.username)
        if entry:
            facts = LiveSessionFacts(*entry)
    return LiveStatus(
        online=facts is not None,
        session=facts,
        polled_at=poll.succeeded_at if poll else None,
        poll_error=poll.error if poll else "",
        static=subscription.connection_type == Subscription.ConnectionType.STATIC_IP,
    )


@dataclass
class FupStatus:
    package: object
    state: object | None
    used_bytes: int = 0

    @property
    def capped(self) -> bool:
        return bool(self.package.data_cap_gb)

    @property
    def used_gb(self) -> float:
        return round(self.used_bytes / GB, 1)

    @property
    def percent(self) -> int:
        cap = (self.package.data_cap_gb or 0) * GB
        return min(int(self.used_bytes * 100 // cap), 100) if cap else 0

    @property
    def throttled(self) -> bool:
        return bool(self.state and self.state.throttled and self.package.has_fup)


def fup_status(subscription) -> FupStatus:
    """The subscription's cap, this cycle's usage so far (from the daily roll-ups) and its FUP state."""
    from django.db.models import Sum

    from .models import FupState, UsageDaily

    state = FupState.objects.filter(subscription=subscription).select_related("lifted_by").first()
    used = 0
    if state is not None:
        totals = UsageDaily.objects.filter(
            subscription=subscription, day__gte=state.cycle_start, day__lte=state.cycle_end
        ).aggregate(up=Sum("upload_bytes"), down=Sum("download_bytes"))
        used = (totals["up"] or 0) + (totals["down"] or 0)
    return FupStatus(package=subscription.package, state=state, used_bytes=used)


def heavy_users(*, user, start, end, area=None, package=None, limit: int = 50) -> list:
    """The top subscriptions by traffic between two local dates (inclusive), within the user's
    branches, optionally in one area or on one package."""
    from django.db.models import F, Sum

    from .models import UsageDaily

    rows = scope_to_branches(UsageDaily.objects.filter(day__gte=start, day__lte=end), user, field="subscription__customer__branch")
    if area is not None:
        rows = rows.filter(subscription__customer__area=area)
    if package is not None:
        rows = rows.filter(subscription__package=package)
    totals = list(
        rows.values("subscription")
        .annotate(up=Sum("upload_bytes"), down=Sum("download_bytes"))
        .annotate(total=F("up") + F("down"))
        .order_by("-total", "subscription")[:limit]
    )
    subscriptions = Subscription.objects.select_related("customer", "customer__area", "package", "router").in_bulk(
        [row["subscription"] for row in totals]
    )
    return [
        {**row, "subscription": subscriptions[row["subscription"]], "total_gb": row["total"] / GB,
         "down_gb": row["down"] / GB, "up_gb": row["up"] / GB}
        for row in totals
        if row["subscription"] in subscriptions
    ]


def throttled_subscriptions(*, user) -> list:

    from .models import FupState

    states = FupState.objects.filter(throttled_at__isnull=False, lifted_at__isnull=True).select_related(
        "subscription__customer", "subscription__package"
    )
    return list(scope_to_branches(states, user, field="subscription__customer__branch").order_by("-throttled_at")[:200])


def usage_subscription_for_customer(*, customer, pk: int):
    """One of the signed-in customer's own subscriptions, or 404."""

    return get_object_or_404(portal_subscriptions(customer=customer), pk=pk)


# RADIUS mode -------------------------------------------------------------------------------------


def aaa_switch_pending(router: Router) -> ProvisioningTask | None:
    """The router's mode switch still waiting to be applied (with its last error), if any."""
    return router.provisioning_tasks.filter(action=ProvisioningTask.Action.AAA_MODE, status__in=ProvisioningTask.NOT_DONE).order_by("-id").first()


def router_changes_failing(subscription_ids) -> dict[int, ProvisioningTask]:
    """For each subscription, its oldest router change that failed and waits for its retry (a CoA the
    router refused or did not answer, a secret it would not take): what the customer page shows."""
    failing: dict[int, ProvisioningTask] = {}
    rows = ProvisioningTask.objects.filter(
        subscription_id__in=list(subscription_ids), status=ProvisioningTask.Status.FAILED
    ).order_by("id")
    for task in rows:
        failing.setdefault(task.subscription_id, task)
    return failing


def radius_servers_shown() -> str:
    """The site's FreeRADIUS servers as a router in RADIUS mode is given them (the mode switch's
    dialog), or why RADIUS_SERVERS cannot be read."""
    try:
        return ", ".join(str(server) for server in aaa.radius_servers())
    except aaa.RadiusServersInvalid as error:
        return error.message


# Speed classes and windows (network/speeds.py, network/speed_boundary.py) -----------------------------


def speed_destinations_by_kind() -> dict[str, list]:
    lists: dict[str, list] = {kind: [] for kind in SpeedDestination.Kind.values}
    for destination in SpeedDestination.objects.order_by("kind", "prefix"):
        lists[destination.kind].append(destination)
    return lists


def speed_runs_recent(*, limit: int = 40) -> list:
    """The latest speed-window edges, each router's share: done / refused / lost and the busiest second."""
    return list(SpeedBoundaryRun.objects.select_related("router").order_by("-boundary_at", "router__name")[:limit])
