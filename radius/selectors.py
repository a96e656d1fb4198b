"""radius's reads for screens: a connection's last refused login with its reason, where it is online
now, and the regulator's session log (who had an address when)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from django.db.models import F, Q
from django.utils.translation import gettext as _

from customers.models import Customer
from network.models import Router

from .models import AuthAttempt, Session, SessionLog


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
    online_on: list[Router] = []
    text = attempt.get_reason_display()
    if attempt.reason == AuthAttempt.Reason.ALREADY_ONLINE:
        router_ids = {s.router_id for s in subscription_open_sessions(subscription_id=subscription_id) if s.router_id}
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
    """What staff ask: any of an address, a moment (aware), a login, a customer, a range [start, end)."""

    ip: str | None = None
    at: datetime | None = None
    username: str | None = None
    customer_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.ip, self.at, self.username, self.customer_id, self.start, self.end))


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


def _filtered(qs, query: SessionLogQuery, *, customer_field: str, may_be_open: bool):
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
        qs = qs.filter(**{customer_field: query.customer_id})
    if query.start:
        qs = qs.filter(Q(acctstoptime__gte=query.start) | Q(acctstoptime__isnull=True) if may_be_open else Q(acctstoptime__gte=query.start))
    if query.end:
        qs = qs.filter(acctstarttime__lt=query.end)
    return qs


def _session_log_branches(query: SessionLogQuery):
    """The same filter on the log and on radius_radacct, as value rows (LOG_COLUMNS + customer_ref)."""
    archived = _filtered(SessionLog.objects.order_by(), query, customer_field="customer_id", may_be_open=False).annotate(
        customer_ref=F("customer_id")
    )
    recent = _filtered(Session.objects.order_by(), query, customer_field="subscription__customer_id", may_be_open=True).annotate(
        customer_ref=F("subscription__customer_id")
    )
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


def _rows(values) -> list[SessionLogRow]:
    return [SessionLogRow(**value) for value in values]


def session_log_page(query: SessionLogQuery, *, page: int, per_page: int = 50) -> tuple[list[SessionLogRow], bool]:
    """One page of matches, newest start first, with the customers and routers of its rows; and
    whether a next page exists (no count: a month holds millions of sessions)."""
    offset = (page - 1) * per_page
    wanted = offset + per_page + 1
    archived, recent = _ordered_branches(query, newest_first=True)
    merged = heapq.merge(list(archived[:wanted]), list(recent[:wanted]), key=_order_key, reverse=True)
    rows = _rows(islice(merged, offset, wanted))
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    customers = Customer.objects.only("pk", "name", "account_number").in_bulk({row.customer_ref for row in rows if row.customer_ref})
    routers = Router.objects.in_bulk({row.router_id for row in rows if row.router_id})
    for row in rows:
        row.customer = customers.get(row.customer_ref)
        row.router = routers.get(row.router_id)
    return rows, has_next


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
