"""radius's reads for screens, reports and the API: a connection's last refused login with its reason,
where it is online now, who is online (with counts per router and area), session history (staff,
branch-scoped; the portal, owner-scoped), staff's Disconnects, each router's RADIUS health, and the
regulator's session log (who had an address when)."""

from __future__ import annotations

import heapq
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice

from django.db.models import Count, F, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Subscription
from ispbill.accounts.selectors import user_branch_ids
from network.models import ProvisioningTask, Router

from .models import AuthAttempt, BadSecretDrop, Session, SessionLog


@dataclass(frozen=True)
class RejectExplained:
    attempt: AuthAttempt
    text: str  # what a screen shows: "Password wrong", "Already online on NAS core-1", …
    online_on: list[Router]


def subscription_open_sessions(*, subscription_id: int) -> list[Session]:
    return list(Session.objects.filter(subscription_id=subscription_id, acctstoptime__isnull=True).order_by("-acctstarttime"))


def subscription_last_reject(*, subscription_id: int) -> RejectExplained | None:
    """The connection's last refused login (or None), with a sentence for staff. "Already online"
    names the routers the connection has open sessions on, read now."""
    attempt = (
        AuthAttempt.objects.filter(subscription_id=subscription_id, accepted=False).order_by("-authdate", "-id").first()
    )
    if attempt is None:
        return None
    return explain_reject(attempt)


def explain_reject(attempt: AuthAttempt) -> RejectExplained:
    """A refused login's reason as staff read it; "already online" names the NAS the login is open on."""
    online_on: list[Router] = []
    text = attempt.get_reason_display()
    if attempt.reason == AuthAttempt.Reason.ALREADY_ONLINE:
        open_sessions = (
            subscription_open_sessions(subscription_id=attempt.subscription_id) if attempt.subscription_id
            else list(Session.objects.filter(router_id=attempt.router_id, username=attempt.username, acctstoptime__isnull=True))
        )
        router_ids = {s.router_id for s in open_sessions if s.router_id}
        online_on = list(Router.objects.filter(pk__in=router_ids).order_by("name"))
        if online_on:
            text = _("Already online on NAS %(routers)s") % {"routers": ", ".join(r.name for r in online_on)}
    return RejectExplained(attempt=attempt, text=str(text), online_on=online_on)


# The regulator's session log (docs/radius.md, "Session logs") ------------------------------------
# A session is in exactly one of two tables: radius_radacct (open, or closed in the last few days)
# or the log (closed earlier; radius.SessionLog). Every read here is the same filter on both, UNION
# ALL: the archive job moves a session in one statement, so no search misses it or sees it twice.

LOG_COLUMNS = (
    "radacctid", "acctsessionid", "username", "subscription_id", "router_id", "nasipaddress", "framedipaddress",
    "callingstationid", "acctstarttime", "acctstoptime", "acctinputoctets", "acctoutputoctets", "acctterminatecause",
)


@dataclass(frozen=True)
class SessionLogQuery:
    """What staff ask: any of an address, a moment (aware), a login, a customer, a range [start, end);
    and whose sessions they may see: `branch_ids`, the branches of the customers (None: every branch,
    and the sessions no customer was found for). The scope has no default, so no query is made
    without deciding it; staff's come from `for_user`."""

    ip: str | None = None
    at: datetime | None = None
    username: str | None = None
    customer_id: int | None = None
    router_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    branch_ids: frozenset[int] | None = field(kw_only=True)

    @classmethod
    def for_user(cls, user, **criteria) -> SessionLogQuery:
        branch_ids = user_branch_ids(user)
        return cls(**criteria, branch_ids=None if branch_ids is None else frozenset(branch_ids))

    @property
    def is_empty(self) -> bool:
        return not any((self.ip, self.at, self.username, self.customer_id, self.router_id, self.start, self.end))


_CURSOR_LATEST = 7_258_118_400_000_000  # 2200-01-01 in µs since 1970


@dataclass(frozen=True)
class SessionLogCursor:
    """Where a page of the list ends: its last row's (start, id). The next page is the rows after it
    in the list's order (keyset pagination): each table reads its (start, id) index from there, so
    page 1,000 costs what page 1 does, and nothing is counted. In the URL as `<start µs since the
    epoch>_<id>` (`n_<id>` for a session without a start, which radius_radacct may hold: listed last)."""

    start: datetime | None
    radacctid: int

    def encode(self) -> str:
        if self.start is None:
            return f"n_{self.radacctid}"
        delta = self.start - datetime(1970, 1, 1, tzinfo=UTC)
        return f"{(delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds}_{self.radacctid}"

    @classmethod
    def decode(cls, text: str) -> SessionLogCursor:
        """Raises ValueError for anything `encode` does not make (or out of datetime's range)."""
        start, sep, radacctid = text.partition("_")
        if not sep or not radacctid.isascii() or not radacctid.isdigit() or len(radacctid) > 19:
            raise ValueError(text)
        if start == "n":
            return cls(None, int(radacctid))
        # RADIUS times are unsigned seconds since 1970; no session starts after 2200.
        if not start.isascii() or not start.isdigit() or len(start) > 17 or int(start) >= _CURSOR_LATEST:
            raise ValueError(text)
        return cls(datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(start)), int(radacctid))


@dataclass
class SessionLogRow:
    radacctid: int
    acctsessionid: str
    username: str
    subscription_id: int | None
    router_id: int | None
    nasipaddress: str
    framedipaddress: str | None
    callingstationid: str
    acctstarttime: datetime | None
    acctstoptime: datetime | None
    acctinputoctets: int | None
    acctoutputoctets: int | None
    acctterminatecause: str
    customer_ref: int | None
    customer: Customer | None = None
    router: Router | None = None

    @property
    def is_open(self) -> bool:
        return self.acctstoptime is None


def _filtered(qs, query: SessionLogQuery, *, customer: dict, may_be_open: bool):
    if query.ip:
        qs = qs.filter(framedipaddress=query.ip)
    if query.at:
        # The session had the address at that moment: started by then, not stopped before it (a stop
        # at exactly that second hands the address on; an open session still has it).
        # The log holds closed sessions only: a plain range on its partition key, which prunes the
        # months that ended before the moment.
        stopped_after = Q(acctstoptime__gt=query.at) | Q(acctstoptime__isnull=True) if may_be_open else Q(acctstoptime__gt=query.at)
        qs = qs.filter(stopped_after, acctstarttime__lte=query.at)
    if query.username:
        qs = qs.filter(username=query.username)
    if query.customer_id:
        qs = qs.filter(**customer)
    if query.router_id:
        qs = qs.filter(router_id=query.router_id)
    if query.start:
        qs = qs.filter(Q(acctstoptime__gte=query.start) | Q(acctstoptime__isnull=True) if may_be_open else Q(acctstoptime__gte=query.start))
    if query.end:
        qs = qs.filter(acctstarttime__lt=query.end)
    return qs


def _in_scope(qs, query: SessionLogQuery, *, customer: str):
    """The branch scope of every session-log read (the page, the count, the export): only sessions of
    customers in the query's branches — a session no customer was found for only for a user of every
    branch, as `sessions_visible_to` and the API's sessions do. `customer` is the path to the
    session's customer (the log keeps the customer of the time; radius_radacct its subscription's)."""
    if query.branch_ids is None:
        return qs
    return qs.filter(**{f"{customer}__branch_id__in": sorted(query.branch_ids)})


def _session_log_branches(query: SessionLogQuery):
    """The same filter on the log and on radius_radacct, within the query's branches, as value rows
    (LOG_COLUMNS + customer_ref). Every session-log read starts here."""
    archived = _filtered(SessionLog.objects.order_by(), query, customer={"customer_id": query.customer_id}, may_be_open=False)
    archived = _in_scope(archived, query, customer="customer").annotate(customer_ref=F("customer_id"))
    # radius_radacct knows the customer through the subscription: the customer's subscriptions are
    # looked up first, so the search is a range of (subscription, start) per subscription, not a join
    # that PostgreSQL answers by walking every session newest first until it has a page.
    subscriptions = (
        {"subscription_id__in": list(Subscription.objects.filter(customer_id=query.customer_id).values_list("pk", flat=True))}
        if query.customer_id else {}
    )
    recent = _filtered(Session.objects.order_by(), query, customer=subscriptions, may_be_open=True)
    recent = _in_scope(recent, query, customer="subscription__customer").annotate(customer_ref=F("subscription__customer_id"))
    return archived.values(*LOG_COLUMNS, "customer_ref"), recent.values(*LOG_COLUMNS, "customer_ref")


def session_log_queryset(query: SessionLogQuery, *, newest_first: bool = True):
    """The sessions matching `query` from both tables, UNION ALL (what the count reads)."""
    archived, recent = _session_log_branches(query)
    union = archived.union(recent, all=True)
    return union.order_by("-acctstarttime", "-radacctid") if newest_first else union.order_by("acctstarttime", "radacctid")


_NO_START = datetime(1, 1, 2, tzinfo=UTC)  # radius_radacct may lack a start: ordered as the oldest


def _order_key(value: dict):
    return (value["acctstarttime"] or _NO_START, value["radacctid"])


def _ordered_branches(query: SessionLogQuery, *, newest_first: bool):
    """Each table in the list's order, (start, id). Ordered each on its own and merged here: one ORDER
    BY over the UNION makes PostgreSQL sort every match of a range (a day: ~200,000) for one page,
    while each table alone reads its months' (start, id) indexes in order and stops at the page."""
    archived, recent = _session_log_branches(query)
    if newest_first:
        return (archived.order_by("-acctstarttime", "-radacctid"),
                recent.order_by(F("acctstarttime").desc(nulls_last=True), "-radacctid"))
    return (archived.order_by("acctstarttime", "radacctid"),
            recent.order_by(F("acctstarttime").asc(nulls_first=True), "radacctid"))


def _older_than(qs, cursor: SessionLogCursor | None):
    """The rows with a start after `cursor` in newest-first order, among rows that have a start. The
    `start <= S` term is what PostgreSQL's index scan starts from; the OR only settles the ties."""
    if cursor is None:
        return qs
    if cursor.start is None:  # the list has reached the sessions without a start: none of these is left
        return qs.none()
    return qs.filter(Q(acctstarttime__lt=cursor.start) | Q(acctstarttime=cursor.start, radacctid__lt=cursor.radacctid),
                     acctstarttime__lte=cursor.start)


def _rows(values) -> list[SessionLogRow]:
    return [SessionLogRow(**value) for value in values]


def session_log_page(
    query: SessionLogQuery, *, after: SessionLogCursor | None = None, per_page: int = 50
) -> tuple[list[SessionLogRow], SessionLogCursor | None]:
    """One page of matches, newest start first, beginning after `after` (None: the newest), with the
    customers and routers of its rows; and the cursor of the next page (None: this is the last). No
    count and no offset: a month holds millions of sessions, and an empty query is the whole log,
    newest first. Each table is read in (start, id) order from the cursor (`start DESC, id DESC`, the
    backward scan of its (start, id) index — or of (router, start, id), (username, start) …) and at
    most `per_page + 1` rows each; radius_radacct's rows without a start come last, read only once
    everything with one has been listed."""
    wanted = per_page + 1
    archived, recent = _session_log_branches(query)
    archived = _older_than(archived, after).order_by("-acctstarttime", "-radacctid")
    dated = _older_than(recent.filter(acctstarttime__isnull=False), after).order_by("-acctstarttime", "-radacctid")
    rows = _rows(islice(heapq.merge(list(archived[:wanted]), list(dated[:wanted]), key=_order_key, reverse=True), wanted))
    if len(rows) < wanted:
        undated = recent.filter(acctstarttime__isnull=True)
        if after is not None and after.start is None:
            undated = undated.filter(radacctid__lt=after.radacctid)
        rows += _rows(undated.order_by("-radacctid")[: wanted - len(rows)])
    following = None
    if len(rows) > per_page:
        rows = rows[:per_page]
        following = SessionLogCursor(rows[-1].acctstarttime, rows[-1].radacctid)
    customers = Customer.objects.only("pk", "name", "account_number").in_bulk({row.customer_ref for row in rows if row.customer_ref})
    routers = Router.objects.in_bulk({row.router_id for row in rows if row.router_id})
    for row in rows:
        row.customer = customers.get(row.customer_ref)
        row.router = routers.get(row.router_id)
    return rows, following


def session_log_count(query: SessionLogQuery) -> int:
    return session_log_queryset(query).count()


def session_log_export_rows(query: SessionLogQuery, *, chunk_size: int = 5000) -> Iterator[SessionLogRow]:
    """Every match, oldest start first, read in chunks (a server-side cursor on PostgreSQL), with
    customers and routers looked up per chunk: memory stays flat for any range."""
    customers: dict[int, Customer] = {}
    routers = {router.pk: router for router in Router.objects.all()}
    chunk: list[SessionLogRow] = []

    def flush():
        wanted = {row.customer_ref for row in chunk if row.customer_ref and row.customer_ref not in customers}
        if wanted:
            customers.update(Customer.objects.only("pk", "name", "account_number").in_bulk(wanted))
        for row in chunk:
            row.customer = customers.get(row.customer_ref)
            row.router = routers.get(row.router_id)
        if len(customers) > 50_000:
            customers.clear()
        yield from chunk
        chunk.clear()

    archived, recent = _ordered_branches(query, newest_first=False)
    merged = heapq.merge(archived.iterator(chunk_size=chunk_size), recent.iterator(chunk_size=chunk_size), key=_order_key)
    for value in merged:
        chunk.append(SessionLogRow(**value))
        if len(chunk) >= chunk_size:
            yield from flush()
    yield from flush()
# Sessions as staff and customers see them (docs/radius.md, "Screens") ------------------------------

# The Calling-Station-Id of staff's "Test a login" (radius.services.login_test): its post-auth row is
# kept (who asked is in the audit log) but it is not the router's traffic, so health figures skip it.
LOGIN_TEST_STATION_PREFIX = "ispbill-login-test:"


def sessions_visible_to(user) -> QuerySet[Session]:
    """Every session a staff user may see: those of customers in their branches (all, with the
    sessions no subscription was found for, for a user of every branch)."""
    sessions = Session.objects.select_related("router", "subscription__customer__area")
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return sessions
    return sessions.filter(subscription__customer__branch__in=branch_ids)


def session_get_for_staff(*, user, pk: int) -> Session:
    return get_object_or_404(sessions_visible_to(user), pk=pk)


@dataclass(frozen=True)
class OnlineFilters:
    router_id: int | None = None
    area_id: int | None = None
    search: str = ""


def _search(sessions: QuerySet[Session], text: str) -> QuerySet[Session]:
    text = text.strip()
    if not text:
        return sessions
    try:
        # An address typed whole means that address (the (framedipaddress, acctstarttime) index).
        return sessions.filter(framedipaddress=ipaddress.ip_address(text).compressed)
    except ValueError:
        pass
    return sessions.filter(
        Q(username__icontains=text) | Q(callingstationid__icontains=text)
        | Q(subscription__customer__account_number__icontains=text) | Q(subscription__customer__name__icontains=text)
    )


def online_sessions(*, user, filters: OnlineFilters = OnlineFilters()) -> QuerySet[Session]:
    """Who is online now (open accounting sessions), newest first, within the user's branches."""
    sessions = sessions_visible_to(user).filter(acctstoptime__isnull=True)
    if filters.router_id:
        sessions = sessions.filter(router_id=filters.router_id)
    if filters.area_id:
        sessions = sessions.filter(subscription__customer__area_id=filters.area_id)
    return _search(sessions, filters.search).order_by("-acctstarttime", "-radacctid")


@dataclass(frozen=True)
class OnlineCount:
    pk: int | None
    name: str
    online: int


def online_counts(*, user) -> tuple[list[OnlineCount], list[OnlineCount]]:
    """(per router, per area): how many are online now within the user's branches, biggest first.
    A session whose router or customer is unknown counts under None ("unknown")."""
    sessions = sessions_visible_to(user).filter(acctstoptime__isnull=True).order_by()
    per_router = sessions.values("router_id", "router__name").annotate(n=Count("radacctid"))
    per_area = sessions.values("subscription__customer__area_id", "subscription__customer__area__name").annotate(n=Count("radacctid"))
    routers = [OnlineCount(row["router_id"], row["router__name"] or "", row["n"]) for row in per_router]
    areas = [
        OnlineCount(row["subscription__customer__area_id"], row["subscription__customer__area__name"] or "", row["n"])
        for row in per_area
    ]
    return (sorted(routers, key=lambda c: (-c.online, c.name)), sorted(areas, key=lambda c: (-c.online, c.name)))


def customer_sessions(*, customer_id: int, limit: int = 50) -> list[Session]:
    """A customer's sessions (open and closed) across their connections, newest first: the customer
    page's Sessions tab (the staff selector fetched the customer in the user's branches)."""
    return list(
        Session.objects.filter(subscription__customer_id=customer_id).select_related("router", "subscription")
        .order_by("-acctstarttime", "-radacctid")[:limit]
    )


def portal_sessions(*, customer) -> QuerySet[Session]:
    """The signed-in customer's own sessions, newest first; nothing of anyone else's."""
    return (
        Session.objects.filter(subscription__customer=customer).select_related("subscription__package")
        .order_by("-acctstarttime", "-radacctid")
    )


def disconnects_for_subscriptions(subscription_ids) -> dict[int, list[ProvisioningTask]]:
    """Staff's Disconnects of the last day per subscription, newest first: what a session row shows
    (waiting, done, refused by the router, or no answer and retrying)."""
    since = timezone.now() - timedelta(days=1)
    found: dict[int, list[ProvisioningTask]] = {}
    tasks = ProvisioningTask.objects.filter(
        subscription_id__in=list(subscription_ids), action=ProvisioningTask.Action.DISCONNECT, created_at__gte=since,
    ).order_by("-id")
    for task in tasks:
        found.setdefault(task.subscription_id, []).append(task)
    return found


def disconnect_for_session(session: Session, disconnects: dict[int, list[ProvisioningTask]]) -> ProvisioningTask | None:
    for task in disconnects.get(session.subscription_id, []):
        if task.desired.get("session_id") == session.acctsessionid:
            return task
    return None


# RADIUS health per router (docs/radius.md, "RADIUS health") ------------------------------------------


@dataclass(frozen=True)
class Window:
    accepts: int = 0
    rejects: int = 0

    @property
    def requests(self) -> int:
        return self.accepts + self.rejects

    @property
    def reject_rate(self) -> Decimal | None:
        """Rejects over answered Access-Requests, a percentage with one decimal (half-up); None with none."""
        if not self.requests:
            return None
        return (Decimal(100) * self.rejects / self.requests).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RadiusHealth:
    last_request_at: datetime | None = None
    hour: Window = field(default_factory=Window)
    day: Window = field(default_factory=Window)
    # Requests refused in the last 24 hours because the router's shared secret is wrong (their
    # password could not be read): the router's fault, shown on its page, not any subscriber's.
    bad_secret_day: int = 0
    bad_secret_last_at: datetime | None = None
    # Requests FreeRADIUS dropped because their Message-Authenticator did not verify (the same wrong
    # secret, on a router that must sign): never in radius_postauth; radius.models.BadSecretDrop.
    dropped_day: int = 0
    dropped_last_at: datetime | None = None

    @property
    def bad_secret_suspected(self) -> bool:
        return bool(self.bad_secret_day or self.dropped_day)


def _router_attempts():
    return AuthAttempt.objects.exclude(callingstationid__startswith=LOGIN_TEST_STATION_PREFIX)


def radius_health(*, router_ids, now: datetime | None = None) -> dict[int, RadiusHealth]:
    """Per router: its last Access-Request, and accepts / rejects over the last hour and 24 hours, read
    from radius_postauth (one row per answer FreeRADIUS gave). Staff's login tests are left out."""
    now = now or timezone.now()
    router_ids = list(router_ids)
    hour, day = now - timedelta(hours=1), now - timedelta(hours=24)
    rows = (
        _router_attempts().filter(router_id__in=router_ids, authdate__gt=day, authdate__lte=now).order_by()
        .values("router_id").annotate(
            accepts_hour=Count("id", filter=Q(accepted=True, authdate__gt=hour)),
            rejects_hour=Count("id", filter=Q(accepted=False, authdate__gt=hour)),
            accepts_day=Count("id", filter=Q(accepted=True)),
            rejects_day=Count("id", filter=Q(accepted=False)),
            last=Max("authdate"),
            bad_secret_day=Count("id", filter=Q(reason=AuthAttempt.Reason.BAD_SECRET)),
            bad_secret_last=Max("authdate", filter=Q(reason=AuthAttempt.Reason.BAD_SECRET)),
        )
    )
    health = {
        row["router_id"]: RadiusHealth(
            last_request_at=row["last"], hour=Window(row["accepts_hour"], row["rejects_hour"]),
            day=Window(row["accepts_day"], row["rejects_day"]),
            bad_secret_day=row["bad_secret_day"], bad_secret_last_at=row["bad_secret_last"],
        )
        for row in rows
    }
    for router_id in router_ids:
        if router_id not in health:
            # Quiet for a day: when it last asked at all (the router, authdate index; one row).
            last = _router_attempts().filter(router_id=router_id, authdate__lte=now).order_by("-authdate").values_list("authdate", flat=True).first()
            health[router_id] = RadiusHealth(last_request_at=last)
    for drop in BadSecretDrop.objects.filter(router_id__in=router_ids, last_at__gt=day, last_at__lte=now):
        health[drop.router_id] = replace(health[drop.router_id], dropped_day=drop.drops, dropped_last_at=drop.last_at)
    return health


def reject_counts(*, router_ids, since: datetime, until: datetime) -> dict[int, Window]:
    """{router id: accepts and rejects} between two instants for these routers (for /metrics): read
    through the (router, authdate) index, one range per router."""
    rows = (
        _router_attempts().filter(router_id__in=list(router_ids), authdate__gt=since, authdate__lte=until).order_by()
        .values("router_id").annotate(accepts=Count("id", filter=Q(accepted=True)), rejects=Count("id", filter=Q(accepted=False)))
    )
    return {row["router_id"]: Window(row["accepts"], row["rejects"]) for row in rows}


def attempt_for_login_test(*, station: str) -> AuthAttempt | None:
    """The post-auth row FreeRADIUS wrote for one login test (its Calling-Station-Id is the test's own)."""
    return AuthAttempt.objects.filter(callingstationid=station).order_by("-id").first()
