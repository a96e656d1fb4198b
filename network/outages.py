"""Network outages: declaring them, telling the affected customers, and uptime from them.

How an outage reaches customers:

1. Staff declare it (``outage_declare``) over areas and/or routers, or confirm one the health check
   suggested (``outage_confirm``). In the same transaction an ``OutageBroadcast`` row is written and,
   after the commit, a worker runs ``outage_broadcast_send``.
2. The job computes the affected customers set-based — customers in the areas with a current
   subscription, and customers with a current subscription on the routers — and queues one message
   per customer and channel through ``notify_customers_bulk``. Every message carries an
   idempotency key of outage, event, occurrence, customer and channel, so a retried or doubled job
   queues nothing twice; the delivery workers send them.
3. Updates and the restoration are broadcasts of their own, the same way.

The health check (network.services.router_check_health) calls ``router_went_down`` /
``router_came_back``: one ``RouterDownPeriod`` per stretch a router did not answer, and one
*suggested* outage per period, which is never broadcast until a person confirms it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Area, Customer, Subscription
from customers.selectors import scope_to_branches
from ispbill.accounts.selectors import user_branch_ids
from ispbill.core.audit import audit_record
from ispbill.notify.models import Message
from ispbill.notify.services import notify_customers_bulk

from .models import Outage, OutageBroadcast, OutageUpdate, Router, RouterDownPeriod
from .notify_events import OUTAGE_DECLARED, OUTAGE_RESTORED, OUTAGE_UPDATE

CURRENT = (Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED)
# A start time this far ahead of the clock is a typo, not an outage (planned work is not an outage yet).
START_SLACK = timedelta(minutes=5)


# Recipients ---------------------------------------------------------------------------------------


def affected_customers(*, area_ids: Iterable[int], router_ids: Iterable[int]) -> QuerySet[Customer]:
    """Customers with a current (active or suspended) subscription in the areas or on the routers:
    one query, no per-customer loop."""
    area_ids, router_ids = list(area_ids), list(router_ids)
    current = Subscription.objects.filter(customer=OuterRef("pk"), status__in=CURRENT)
    condition = Q(pk__in=[])
    if area_ids:
        condition |= Q(area_id__in=area_ids) & Exists(current)
    if router_ids:
        condition |= Exists(current.filter(router_id__in=router_ids))
    return Customer.objects.filter(condition)


def outage_affected_customers(outage: Outage) -> QuerySet[Customer]:
    return affected_customers(
        area_ids=outage.areas.values_list("pk", flat=True), router_ids=outage.routers.values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Reach:
    """Who an outage notice would reach: customers in all, and how many read Bangla."""

    customers: int
    bangla: int

    @property
    def english(self) -> int:
        return self.customers - self.bangla


def outage_reach(*, area_ids: Iterable[int], router_ids: Iterable[int]) -> Reach:
    """The declare form's figure before anything is sent (one query)."""
    counts = dict(
        affected_customers(area_ids=area_ids, router_ids=router_ids).order_by().values_list("language").annotate(n=Count("pk"))
    )
    return Reach(customers=sum(counts.values()), bangla=counts.get("bn", 0))


# Declaring, updating, restoring ------------------------------------------------------------------


def outage_check(
    *, title: str, areas=(), routers=(), started_at: datetime, estimated_restoration_at: datetime | None = None, **_text
) -> None:
    """What declaring would refuse, asked before the review page (nothing is written)."""
    _clean(title=title, areas=list(areas), routers=list(routers), started_at=started_at, estimated_restoration_at=estimated_restoration_at)


def _clean(*, title: str, areas, routers, started_at: datetime, estimated_restoration_at: datetime | None) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the outage a title customers will understand.")]
    if not list(areas) and not list(routers):
        errors["__all__"] = [_("Choose at least one affected area or router: an outage nobody is affected by tells nobody.")]
    if started_at > timezone.now() + START_SLACK:
        errors["started_at"] = [_("The start time is in the future.")]
    if estimated_restoration_at is not None and estimated_restoration_at <= started_at:
        errors["estimated_restoration_at"] = [_("The estimated restoration must be after the start.")]
    if errors:
        raise ValidationError(errors)


def _broadcast(*, outage: Outage, event: str, update: OutageUpdate | None = None) -> OutageBroadcast:
    """Write the broadcast row and run its job once the caller's transaction commits."""
    occurrence = f"update:{update.pk}" if update is not None else ""
    broadcast, _created = OutageBroadcast.objects.get_or_create(
        outage=outage, event=event, occurrence=occurrence, defaults={"update": update}
    )

    def queue():
        from .tasks import broadcast_outage

        broadcast_outage.delay(broadcast.pk)

    transaction.on_commit(queue, robust=True)
    return broadcast


def _set_scope(outage: Outage, *, areas, routers) -> None:
    outage.areas.set(areas)
    outage.routers.set(routers)
    outage.affected_customers = outage_affected_customers(outage).count()


@transaction.atomic
def outage_declare(
    *, actor, title: str, description: str = "", title_bn: str = "", description_bn: str = "", areas=(), routers=(),
    started_at: datetime | None = None, estimated_restoration_at: datetime | None = None,
) -> Outage:
    """Declare an outage and tell every affected customer. Refused, with nothing written, when it
    names no area and no router."""
    started_at = started_at or timezone.now()
    areas, routers = list(areas), list(routers)
    _clean(title=title, areas=areas, routers=routers, started_at=started_at, estimated_restoration_at=estimated_restoration_at)
    now = timezone.now()
    outage = Outage.objects.create(
        title=title.strip(), description=description.strip(), title_bn=title_bn.strip(), description_bn=description_bn.strip(),
        status=Outage.Status.ACTIVE, started_at=started_at,
        estimated_restoration_at=estimated_restoration_at, declared_at=now, declared_by=actor,
    )
    _set_scope(outage, areas=areas, routers=routers)
    outage.save(update_fields=["affected_customers"])
    any_outage_active_forget()
    audit_record(actor=actor, action="outage.declare", obj=outage, after=_summary(outage))
    _broadcast(outage=outage, event=OUTAGE_DECLARED)
    return outage


@transaction.atomic
def outage_confirm(
    *, actor, outage: Outage, title: str, description: str = "", title_bn: str = "", description_bn: str = "", areas=(),
    routers=(), started_at: datetime, estimated_restoration_at: datetime | None = None,
) -> Outage:
    """Staff confirm a suggested outage (as it was, or corrected): it becomes active and is broadcast."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not outage.can_become(Outage.Status.ACTIVE):
        raise ValidationError(_("Only a suggested outage can be confirmed; this one is %(status)s.") % {"status": outage.get_status_display()})
    areas, routers = list(areas), list(routers)
    _clean(title=title, areas=areas, routers=routers, started_at=started_at, estimated_restoration_at=estimated_restoration_at)
    outage.title, outage.description, outage.started_at = title.strip(), description.strip(), started_at
    outage.title_bn, outage.description_bn = title_bn.strip(), description_bn.strip()
    outage.estimated_restoration_at = estimated_restoration_at
    outage.status, outage.declared_at, outage.declared_by = Outage.Status.ACTIVE, timezone.now(), actor
    _set_scope(outage, areas=areas, routers=routers)
    outage.save()
    any_outage_active_forget()
    audit_record(actor=actor, action="outage.confirm", obj=outage, after=_summary(outage))
    _broadcast(outage=outage, event=OUTAGE_DECLARED)
    return outage


@transaction.atomic
def outage_dismiss(*, actor, outage: Outage, reason: str) -> Outage:
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not outage.can_become(Outage.Status.DISMISSED):
        raise ValidationError(_("Only a suggested outage can be dismissed."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why it is not an outage.")]})
    outage.status = Outage.Status.DISMISSED
    outage.save(update_fields=["status"])
    audit_record(actor=actor, action="outage.dismiss", obj=outage, reason=reason.strip())
    return outage


@transaction.atomic
def outage_post_update(
    *, actor, outage: Outage, message: str, message_bn: str = "", estimated_restoration_at: datetime | None = None
) -> OutageUpdate:
    """A progress note for the affected customers (and a new estimate, when given)."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not outage.is_active:
        raise ValidationError(_("Updates go out while an outage is active."))
    errors = {}
    if not message.strip():
        errors["message"] = [_("Write what customers should know.")]
    if estimated_restoration_at is not None and estimated_restoration_at <= outage.started_at:
        errors["estimated_restoration_at"] = [_("The estimated restoration must be after the start.")]
    if errors:
        raise ValidationError(errors)
    update = OutageUpdate.objects.create(
        outage=outage, message=message.strip(), message_bn=message_bn.strip(), estimated_restoration_at=estimated_restoration_at,
        created_by=actor,
    )
    if estimated_restoration_at is not None:
        outage.estimated_restoration_at = estimated_restoration_at
        outage.save(update_fields=["estimated_restoration_at"])
    audit_record(actor=actor, action="outage.update", obj=outage, after={"update": update.pk, "message": update.message})
    _broadcast(outage=outage, event=OUTAGE_UPDATE, update=update)
    return update


@transaction.atomic
def outage_restore(
    *, actor, outage: Outage, restored_at: datetime | None = None, note: str = "", note_bn: str = ""
) -> Outage:
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not outage.can_become(Outage.Status.RESTORED):
        raise ValidationError(_("Only an active outage can be restored."))
    restored_at = restored_at or timezone.now()
    if restored_at < outage.started_at:
        raise ValidationError({"restored_at": [_("Service cannot be restored before the outage started.")]})
    if restored_at > timezone.now() + START_SLACK:
        raise ValidationError({"restored_at": [_("The restoration time is in the future.")]})
    outage.status, outage.restored_at, outage.restoration_note = Outage.Status.RESTORED, restored_at, note.strip()
    outage.restoration_note_bn = note_bn.strip()
    outage.save(update_fields=["status", "restored_at", "restoration_note", "restoration_note_bn"])
    any_outage_active_forget()
    audit_record(actor=actor, action="outage.restore", obj=outage, after={"restored_at": restored_at.isoformat()})
    _broadcast(outage=outage, event=OUTAGE_RESTORED)
    return outage


def _summary(outage: Outage) -> dict:
    return {
        "title": outage.title, "status": outage.status, "started_at": outage.started_at.isoformat(),
        "areas": sorted(outage.areas.values_list("pk", flat=True)), "routers": sorted(outage.routers.values_list("pk", flat=True)),
        "affected_customers": outage.affected_customers,
    }


def format_duration(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = (([_("%(n)s d") % {"n": days}] if days else []) + ([_("%(n)s h") % {"n": hours}] if hours else [])
             + [_("%(n)s min") % {"n": minutes}])
    return " ".join(parts[:2]) if days else " ".join(parts)


NOTICE_LANGUAGES = ("en", "bn")


def _in(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def _context(broadcast: OutageBroadcast, language: str = "en") -> dict:
    """The message's facts in one language: staff write the notice in English and Bangla, and each
    customer gets the text of the language they chose (English where the Bangla was left empty)."""
    outage = broadcast.outage
    text = outage.text_in(language)
    if broadcast.event == OUTAGE_DECLARED:
        return {
            "outage_title": text["title"], "outage_description": text["description"],
            "outage_areas": ", ".join(outage.areas.order_by("name").values_list("name", flat=True)),
            "outage_started": outage.started_at, "estimated_restoration": outage.estimated_restoration_at,
        }
    if broadcast.event == OUTAGE_UPDATE:
        update = broadcast.update
        return {
            "outage_title": text["title"], "update_message": (language == "bn" and update.message_bn) or update.message,
            "estimated_restoration": update.estimated_restoration_at or outage.estimated_restoration_at,
        }
    return {
        "outage_title": text["title"], "restored_at": outage.restored_at,
        "outage_duration": _in(language, format_duration, outage.duration), "restoration_note": text["restoration_note"],
    }


def outage_broadcast_send(*, broadcast_id: int) -> int:
    """The broadcast job: queue the message for every affected customer not told yet. Safe to run
    again (retries, a second worker): already-queued messages are skipped by their keys. Returns how
    many messages this run queued."""
    broadcast = OutageBroadcast.objects.select_related("outage", "update").filter(pk=broadcast_id).first()
    if broadcast is None:
        return 0
    contexts = {language: _context(broadcast, language) for language in NOTICE_LANGUAGES}
    related = broadcast.update or broadcast.outage
    customers = list(
        outage_affected_customers(broadcast.outage).only("id", "name", "account_number", "phone", "email", "language").order_by("pk")
    )
    with transaction.atomic():
        queued = notify_customers_bulk(
            broadcast.event,
            ((customer, contexts.get(customer.language, contexts["en"]), related) for customer in customers),
            occurrence=broadcast.occurrence,
        )
        OutageBroadcast.objects.filter(pk=broadcast.pk).update(
            status=OutageBroadcast.Status.DONE, recipients=len(customers), finished_at=timezone.now(),
        )
    return queued


def broadcasts_pending(*, older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Broadcasts whose job never finished (broker down at commit, worker lost): the sweep reruns them."""
    return list(
        OutageBroadcast.objects.filter(status=OutageBroadcast.Status.PENDING, created_at__lte=timezone.now() - older_than)
        .values_list("pk", flat=True)
    )


# Router health -------------------------------------------------------------------------------------


def router_went_down(*, router: Router, error: str, now: datetime) -> RouterDownPeriod | None:
    """The health check could not reach a router. The first failed check of a router that used to
    answer opens a down period and a suggested outage; later failures of the same period add nothing."""
    if router.last_seen_at is None:  # never answered: not set up yet, not an outage
        return None
    if RouterDownPeriod.objects.filter(router=router, ended_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            period = RouterDownPeriod.objects.create(router=router, started_at=now, error=error[:1000])
            outage = Outage.objects.create(
                title=_("Router %(router)s is not answering") % {"router": router.name},
                description=_("The health check could not reach %(router)s: %(error)s") % {"router": router.name, "error": error},
                status=Outage.Status.SUGGESTED, started_at=now, down_period=period,
            )
            _set_scope(outage, areas=[], routers=[router])
            outage.save(update_fields=["affected_customers"])
    except IntegrityError:  # a concurrent check opened the period first
        return None
    return period


def router_came_back(*, router: Router, now: datetime) -> int:
    """The router answers again: its open down period ends."""
    return RouterDownPeriod.objects.filter(router=router, ended_at__isnull=True).update(ended_at=now)


# Reads ----------------------------------------------------------------------------------------------


def _touching_branches(queryset: QuerySet[Outage], user) -> QuerySet[Outage]:
    """Outages over an area or a router of the user's branches (all of them for all-branch staff)."""
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return queryset
    # A router of no branch is everyone's (as in routers_visible_to).
    touching = Outage.objects.filter(
        Q(areas__branch__in=branch_ids) | Q(routers__branch__in=branch_ids) | Q(routers__isnull=False, routers__branch__isnull=True)
        | Q(down_period__router__branch__in=branch_ids) | Q(down_period__isnull=False, down_period__router__branch__isnull=True)
    ).values("pk")
    return queryset.filter(pk__in=touching)


def outages_visible_to(user, *, status: str = "") -> QuerySet[Outage]:
    outages = _touching_branches(Outage.objects.prefetch_related("areas", "routers").select_related("declared_by"), user)
    if status:
        outages = outages.filter(status=status)
    return outages


def outage_changeable_by(outage: Outage, user) -> bool:
    """May this user confirm, update, restore or dismiss the outage (permission and branches)?"""
    if not user.has_perm("network.change_outage"):
        return False
    branch_ids = user_branch_ids(user)
    if branch_ids is None:
        return True
    covered = set(outage.areas.values_list("branch_id", flat=True)) | set(outage.routers.values_list("branch_id", flat=True))
    if outage.down_period_id:
        covered.add(outage.down_period.router.branch_id)
    covered.discard(None)  # a router of no branch is everyone's
    return covered <= branch_ids


def outage_get_for_staff(*, user, pk: int, to_change: bool = False) -> Outage:
    """An outage the user may see (404 otherwise); to change it — confirm, update, restore, dismiss,
    each of which speaks to its customers — everything it covers must lie in the user's branches."""
    outage = get_object_or_404(
        _touching_branches(Outage.objects.select_related("declared_by", "down_period__router"), user), pk=pk
    )
    if to_change and not outage_changeable_by(outage, user):
        raise PermissionDenied(_("This outage covers other branches too; staff of every branch it covers must act on it."))
    return outage


# The portal asks on every page whether the customer is in an outage, and nearly always nothing is
# active anywhere: that answer is kept for a short while and forgotten when an outage starts or ends.
ANY_ACTIVE_CACHE_KEY = "network:outage-any-active"
ANY_ACTIVE_CACHE_SECONDS = 30


def any_outage_active() -> bool:
    active = cache.get(ANY_ACTIVE_CACHE_KEY)
    if active is None:
        active = Outage.objects.filter(status=Outage.Status.ACTIVE).exists()
        cache.set(ANY_ACTIVE_CACHE_KEY, active, ANY_ACTIVE_CACHE_SECONDS)
    return active


def any_outage_active_forget() -> None:
    """After the transaction that started or ended an outage commits (a reader in between may have
    cached the old answer; it lasts no longer than ANY_ACTIVE_CACHE_SECONDS)."""
    transaction.on_commit(lambda: cache.delete(ANY_ACTIVE_CACHE_KEY), robust=True)


def active_outages_for_customer(customer) -> list[Outage]:
    """Active outages over the customer's area or a router one of their current subscriptions is on
    (one query when any outage is active, none otherwise; the portal shows it on every page)."""
    if not any_outage_active():
        return []
    routers = Subscription.objects.filter(customer=customer, status__in=CURRENT).values("router_id")
    return list(
        Outage.objects.filter(status=Outage.Status.ACTIVE)
        .filter(Q(areas=customer.area_id) | Q(routers__in=routers))
        .distinct().order_by("-started_at")
    )


@dataclass
class BroadcastProgress:
    broadcast: OutageBroadcast
    queued: int = 0
    sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed

    @property
    def in_progress(self) -> bool:
        return self.broadcast.status == OutageBroadcast.Status.PENDING or self.queued > 0

    @property
    def percent_done(self) -> int:
        return int((self.sent + self.failed) * 100 / self.total) if self.total else (0 if self.in_progress else 100)


def outage_progress(outage: Outage) -> list[BroadcastProgress]:
    """Each broadcast of the outage with its messages counted by status (a failed message still due
    for a retry counts as queued). Update messages are about the update, the others about the outage."""
    outage_type = ContentType.objects.get_for_model(Outage)
    update_type = ContentType.objects.get_for_model(OutageUpdate)
    broadcasts = list(outage.broadcasts.all())
    update_ids = [str(b.update_id) for b in broadcasts if b.update_id]
    rows = Message.objects.filter(
        Q(content_type=outage_type, object_id=str(outage.pk)) | Q(content_type=update_type, object_id__in=update_ids)
    ).annotate(retrying=ExpressionWrapper(Q(next_attempt_at__isnull=False), output_field=BooleanField())).values(
        "content_type_id", "object_id", "event", "status", "retrying"
    ).annotate(n=Count("id"))
    counts: dict[tuple, dict[str, int]] = {}
    for row in rows:
        key = ("update", row["object_id"]) if row["content_type_id"] == update_type.pk else ("outage", row["event"])
        status = row["status"]
        if status == Message.Status.FAILED and row["retrying"]:
            status = Message.Status.QUEUED  # a retry is still due
        elif status == Message.Status.SENDING:
            status = Message.Status.QUEUED
        bucket = counts.setdefault(key, {})
        bucket[status] = bucket.get(status, 0) + row["n"]
    progress = []
    for broadcast in broadcasts:
        key = ("update", str(broadcast.update_id)) if broadcast.update_id else ("outage", broadcast.event)
        statuses = counts.get(key, {})
        progress.append(BroadcastProgress(
            broadcast, queued=statuses.get(Message.Status.QUEUED, 0), sent=statuses.get(Message.Status.SENT, 0),
            failed=statuses.get(Message.Status.FAILED, 0),
        ))
    return progress


# Uptime -----------------------------------------------------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The local month as aware datetimes [first day 00:00, first day of next month 00:00)."""
    tz = timezone.get_current_timezone()
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    days = calendar.monthrange(month.year, month.month)[1]
    end = datetime.combine(date(month.year, month.month, days) + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def down_seconds(intervals: Iterable[tuple[datetime, datetime | None]], start: datetime, end: datetime) -> int:
    """Seconds of [start, end) covered by the intervals (open ones run to `end`), overlaps counted once."""
    clipped = sorted(
        (max(begin, start), min(finish or end, end)) for begin, finish in intervals if begin < end and (finish is None or finish > start)
    )
    total, current_start, current_end = 0, None, None
    for begin, finish in clipped:
        if finish <= begin:
            continue
        if current_end is None or begin > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = begin, finish
        else:
            current_end = max(current_end, finish)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return int(total)


def uptime_percent(down: int, period: int) -> Decimal:
    if period <= 0:
        return Decimal("100.000")
    return (Decimal(100) * (period - down) / period).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@dataclass
class UptimeRow:
    name: str
    obj: object
    down_seconds: int
    uptime: Decimal
    outages: int

    @property
    def downtime(self) -> str:
        return format_duration(timedelta(seconds=self.down_seconds))


@dataclass
class UptimeReport:
    month: date
    start: datetime
    end: datetime
    period_seconds: int
    areas: list[UptimeRow] = field(default_factory=list)
    routers: list[UptimeRow] = field(default_factory=list)


def uptime_months(*, count: int = 12, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    months, year, month = [], today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def network_uptime(*, user, month: date, now: datetime | None = None) -> UptimeReport:
    """Uptime of each area and router in the month, up to now for the current month.

    An area is down while an active or restored outage names it, or names a router serving it. A
    router is down while an outage names it or while the health check found it not answering.
    Suggested and dismissed outages do not count."""
    from .selectors import routers_visible_to

    now = now or timezone.now()
    start, month_end = month_bounds(month)
    end = min(month_end, now)
    report = UptimeReport(month=month, start=start, end=end, period_seconds=max(0, int((end - start).total_seconds())))
    if end <= start:
        return report
    outages = list(
        Outage.objects.filter(status__in=Outage.COUNTED, started_at__lt=end)
        .filter(Q(restored_at__isnull=True) | Q(restored_at__gt=start))
        .prefetch_related("areas", "routers")
    )
    spans = [(outage, (outage.started_at, outage.restored_at), {a.pk for a in outage.areas.all()}, {r.pk for r in outage.routers.all()}) for outage in outages]
    routers = list(routers_visible_to(user).filter(is_active=True).prefetch_related("areas"))
    down_periods: dict[int, list] = {}
    for period in RouterDownPeriod.objects.filter(router__in=routers, started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    ):
        down_periods.setdefault(period.router_id, []).append((period.started_at, period.ended_at))
    routers_of_area: dict[int, set[int]] = {}
    for router in routers:
        for area in router.areas.all():
            routers_of_area.setdefault(area.pk, set()).add(router.pk)
    for area in scope_to_branches(Area.objects.select_related("branch"), user).order_by("branch__name", "name"):
        serving = routers_of_area.get(area.pk, set())
        hits = [span for outage, span, area_ids, router_ids in spans if area.pk in area_ids or router_ids & serving]
        down = down_seconds(hits, start, end)
        report.areas.append(UptimeRow(f"{area.name} ({area.branch.name})", area, down, uptime_percent(down, report.period_seconds), len(hits)))
    for router in routers:
        hits = [span for outage, span, area_ids, router_ids in spans if router.pk in router_ids]
        down = down_seconds(hits + down_periods.get(router.pk, []), start, end)
        report.routers.append(UptimeRow(router.name, router, down, uptime_percent(down, report.period_seconds), len(hits)))
    report.areas.sort(key=lambda row: (row.uptime, row.name))
    report.routers.sort(key=lambda row: (row.uptime, row.name))
    return report


# Outages found by the fibre plant ----------------------------------------------------------------


@transaction.atomic
def outage_from_fibre(
    *, title: str, title_bn: str, description: str, description_bn: str, areas, started_at: datetime, declare: bool,
) -> Outage:
    """A dark PON port (usecases/fibre_poll.py): declared and broadcast at once when Settings → Fibre
    says so, otherwise suggested for staff to confirm, like a router that stopped answering."""
    if declare:
        return outage_declare(actor=None, title=title, description=description, title_bn=title_bn, description_bn=description_bn,
                              areas=areas, started_at=started_at)
    areas = list(areas)
    _clean(title=title, areas=areas, routers=[], started_at=started_at, estimated_restoration_at=None)
    outage = Outage.objects.create(
        title=title.strip(), description=description.strip(), title_bn=title_bn.strip(), description_bn=description_bn.strip(),
        status=Outage.Status.SUGGESTED, started_at=started_at,
    )
    _set_scope(outage, areas=areas, routers=[])
    outage.save(update_fields=["affected_customers"])
    audit_record(actor=None, action="outage.suggest", obj=outage, after=_summary(outage))
    return outage


@transaction.atomic
def outage_fibre_back(*, outage: Outage, at: datetime) -> Outage:
    """The port's ONUs came back: an active outage is restored (customers told), a suggestion nobody
    confirmed is dismissed."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if outage.status == Outage.Status.ACTIVE:
        return outage_restore(actor=None, outage=outage, restored_at=max(at, outage.started_at),
                              note="The fibre is repaired and the connections are back.", note_bn="ফাইবার মেরামত হয়েছে, সংযোগ ফিরে এসেছে।")
    if outage.status == Outage.Status.SUGGESTED:
        return outage_dismiss(actor=None, outage=outage, reason="The PON port's ONUs came back before anyone confirmed it.")
    return outage
