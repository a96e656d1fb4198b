"""Fibre's reads for pages, the portal, the technician app, dispatch, churn and the use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ispbill.accounts.selectors import user_branch_ids

from .models import FibreIncident, FibreIncidentTicket, Olt, Onu, OnuDaily, OnuHourly, OnuSample, OnuStatusEvent, PonPort
from .services import normalise
from .thresholds import Thresholds, thresholds_for


def olts_visible_to(user) -> QuerySet[Olt]:
    """Staff see the OLTs of the branches they serve (all of them without a branch restriction)."""
    queryset = Olt.objects.select_related("branch")
    branches = user_branch_ids(user)
    return queryset if branches is None else queryset.filter(branch_id__in=branches)


def olt_list(*, user) -> QuerySet[Olt]:
    return olts_visible_to(user).annotate(
        onus_total=Count("onus", filter=~Q(onus__status=Onu.Status.MISSING)),
        onus_online=Count("onus", filter=Q(onus__status=Onu.Status.ONLINE)),
        onus_weak=Count("onus", filter=Q(onus__signal__in=[Onu.Signal.WARNING, Onu.Signal.CRITICAL])),
        ports_dark=Count("pon_ports", filter=Q(pon_ports__dark_since__isnull=False), distinct=True),
    )


def olt_get_for_staff(*, user, pk) -> Olt:
    return get_object_or_404(olts_visible_to(user), pk=pk)


def olt_ports(olt: Olt) -> QuerySet[PonPort]:
    return olt.pon_ports.select_related("area").annotate(
        weak=Count("onus", filter=Q(onus__signal__in=[Onu.Signal.WARNING, Onu.Signal.CRITICAL])),
        unmatched=Count("onus", filter=Q(onus__subscription__isnull=True) & ~Q(onus__status=Onu.Status.MISSING)),
    )


def port_onus(port: PonPort) -> QuerySet[Onu]:
    return port.onus.select_related("subscription__customer").order_by("number")


def onus_unmatched(*, user) -> QuerySet[Onu]:
    return Onu.objects.filter(olt__in=olts_visible_to(user), subscription__isnull=True).exclude(status=Onu.Status.MISSING) \
        .select_related("olt", "pon_port").order_by("olt__name", "pon_port__name", "number")


def onus_moved(*, user) -> QuerySet[Onu]:
    return Onu.objects.filter(olt__in=olts_visible_to(user), moved_at__isnull=False).select_related(
        "olt", "pon_port", "moved_from", "subscription__customer").order_by("-moved_at")


def dark_ports(*, user=None, branch_ids=None) -> QuerySet[PonPort]:
    """PON ports dark now (the dispatch board, the OLT list)."""
    queryset = PonPort.objects.filter(dark_since__isnull=False).select_related("olt", "area")
    if user is not None:
        queryset = queryset.filter(olt__in=olts_visible_to(user))
    return queryset.order_by("dark_since")


def open_incidents(*, user) -> QuerySet[FibreIncident]:
    return FibreIncident.objects.filter(ended_at__isnull=True, olt__in=olts_visible_to(user)).select_related(
        "olt", "pon_port", "onu__subscription__customer", "outage").annotate(tickets_linked=Count("ticket_links"))


def incident_ticket_ids(incident: FibreIncident) -> list[int]:
    return list(FibreIncidentTicket.objects.filter(incident=incident).order_by("ticket_id").values_list("ticket_id", flat=True))


def port_customer_ids(port_id: int) -> list[int]:
    """The customers whose matched ONUs are on the PON port (those a fibre cut there leaves offline)."""
    return list(Onu.objects.filter(pon_port_id=port_id, subscription__isnull=False).exclude(status=Onu.Status.MISSING)
                .values_list("subscription__customer_id", flat=True).distinct())


# A customer's ONU ----------------------------------------------------------------------------------


def onus_for_customer(customer) -> list[Onu]:
    return list(Onu.objects.filter(subscription__customer=customer).select_related("olt", "pon_port", "subscription"))


def onu_get_for_staff(*, user, pk) -> Onu:
    return get_object_or_404(Onu.objects.filter(olt__in=olts_visible_to(user)).select_related("olt", "pon_port", "subscription__customer"), pk=pk)


@dataclass(frozen=True)
class PortalLine:
    """What the portal says about a customer's fibre box."""

    dark: bool
    since: datetime | None
    cause: str  # Onu.Cause value
    rx_dbm: Decimal | None


def portal_fibre_lines(customer) -> dict[int, PortalLine]:
    """Subscription id → its fibre box's line, for the signed-in customer's own subscriptions only."""
    return {onu.subscription_id: PortalLine(dark=onu.is_dark, since=onu.status_changed_at, cause=onu.down_cause, rx_dbm=onu.rx_dbm)
            for onu in Onu.objects.filter(subscription__customer=customer).exclude(status=Onu.Status.MISSING)}


def onu_chart(*, onu_id: int, days: int = 90, now: datetime | None = None) -> dict:
    """The ONU's Rx over `days`: hourly averages up to 90 days back, daily beyond (and the last raw
    samples for today's hours not yet rolled up). Arrays for uPlot: times (Unix seconds), avg, min."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    times, avg, low = [], [], []
    if days > 90:
        for day, rx_avg, rx_min in OnuDaily.objects.filter(onu_id=onu_id, day__gte=since.date(), day__lt=(now - timedelta(days=90)).date()) \
                .order_by("day").values_list("day", "rx_avg", "rx_min"):
            times.append(int(datetime(day.year, day.month, day.day).timestamp()))
            avg.append(rx_avg)
            low.append(rx_min)
    last_hour = None
    for hour, rx_avg, rx_min in OnuHourly.objects.filter(onu_id=onu_id, hour__gte=max(since, now - timedelta(days=90))) \
            .order_by("hour").values_list("hour", "rx_avg", "rx_min"):
        times.append(int(hour.timestamp()))
        avg.append(rx_avg)
        low.append(rx_min)
        last_hour = hour
    recent = OnuSample.objects.filter(onu_id=onu_id, at__gte=(last_hour + timedelta(hours=1)) if last_hour else now - timedelta(hours=2))
    for at, rx in recent.order_by("at").values_list("at", "rx_dbm"):
        times.append(int(at.timestamp()))
        avg.append(rx)
        low.append(rx)
    return {"t": times, "avg": avg, "min": low}


def onu_thresholds(onu: Onu) -> Thresholds:
    return thresholds_for(onu.olt.profile)


def onu_offline_seconds(*, onu_ids, start: datetime, end: datetime) -> dict[int, int]:
    """Seconds each ONU was not online within [start, end), from its status events (churn's feature)."""
    result = {onu_id: 0 for onu_id in onu_ids}
    events = OnuStatusEvent.objects.filter(onu_id__in=list(onu_ids), at__lt=end).order_by("onu_id", "at").values_list("onu_id", "at", "status")
    state: dict[int, tuple[datetime, str]] = {}
    for onu_id, at, status in events:
        previous = state.get(onu_id)
        if previous and previous[1] != Onu.Status.ONLINE:
            result[onu_id] += int(max(0, (min(at, end) - max(previous[0], start)).total_seconds()))
        state[onu_id] = (at, status)
    for onu_id, (at, status) in state.items():
        if status != Onu.Status.ONLINE:
            result[onu_id] += int(max(0, (end - max(at, start)).total_seconds()))
    return result


# Installation and repair -------------------------------------------------------------------------


@dataclass(frozen=True)
class InstallCheck:
    ok: bool
    rx_dbm: Decimal | None
    source: str  # "olt": the OLT's live reading; "meter": what the technician measured; "": neither
    low: Decimal
    high: Decimal


def install_check(*, serials: list[str], measured_dbm: Decimal | None, branch_id: int | None = None) -> InstallCheck:
    """Is the installed ONU's Rx within the profile's range? The OLT's reading of the ONU whose serial
    or MAC was recorded wins; else the technician's meter reading, against the thresholds of the
    branch's OLT profile. Without either, `ok` is None-like False with no reading."""
    wanted = {normalise(serial) for serial in serials if serial}
    onu = None
    if wanted:
        onu = Onu.objects.filter(Q(serial__in=wanted) | Q(mac__in=_macs(wanted))).exclude(status=Onu.Status.MISSING) \
            .select_related("olt").first()
    if onu is not None and onu.rx_dbm is not None:
        thresholds = thresholds_for(onu.olt.profile)
        return InstallCheck(thresholds.installable(onu.rx_dbm), onu.rx_dbm, "olt", thresholds.rx_warning_dbm, thresholds.rx_overload_dbm)
    olt = (onu.olt if onu is not None else Olt.objects.filter(branch_id=branch_id).order_by("pk").first() or Olt.objects.order_by("pk").first())
    if olt is None:
        return InstallCheck(True, measured_dbm, "", Decimal("-27"), Decimal("-8"))  # no fibre plant known: nothing to check against
    thresholds = thresholds_for(olt.profile)
    if measured_dbm is None:
        return InstallCheck(False, None, "", thresholds.rx_warning_dbm, thresholds.rx_overload_dbm)
    return InstallCheck(thresholds.installable(measured_dbm), measured_dbm, "meter", thresholds.rx_warning_dbm, thresholds.rx_overload_dbm)


def _macs(normalised: set[str]) -> list[str]:
    return [":".join(n[i:i + 2] for i in range(0, 12, 2)).lower() for n in normalised if len(n) == 12]


def signal_at(*, subscription_id: int, at: datetime) -> Decimal | None:
    """The subscription's ONU Rx nearest before `at` (the raw sample, else the hour): a visit's 'before'."""
    onu = Onu.objects.filter(subscription_id=subscription_id).first()
    if onu is None:
        return None
    sample = OnuSample.objects.filter(onu_id=onu.pk, at__lte=at, rx_dbm__isnull=False).order_by("-at").values_list("rx_dbm", flat=True).first()
    if sample is None:
        sample = OnuHourly.objects.filter(onu_id=onu.pk, hour__lte=at, rx_avg__isnull=False).order_by("-hour").values_list("rx_avg", flat=True).first()
    return None if sample is None else Decimal(str(round(sample, 2)))


def worsening_onus(*, days: int = 7, today=None) -> list[tuple[int, int, float, float]]:
    """(onu id, subscription id, Rx a week ago, Rx yesterday) of matched online ONUs whose daily
    average fell by at least their profile's drift over `days` and is now below the warning line."""
    today = today or timezone.now().date()
    then, last = today - timedelta(days=days), today - timedelta(days=1)
    out = []
    onus = Onu.objects.filter(subscription__isnull=False, status=Onu.Status.ONLINE).select_related("olt")
    by_id = {onu.pk: onu for onu in onus}
    rows = OnuDaily.objects.filter(onu_id__in=list(by_id), day__in=[then, last], rx_avg__isnull=False).values_list("onu_id", "day", "rx_avg")
    readings: dict[int, dict] = {}
    for onu_id, day, rx in rows:
        readings.setdefault(onu_id, {})[day] = rx
    cache: dict[str, Thresholds] = {}
    for onu_id, values in readings.items():
        if then not in values or last not in values:
            continue
        onu = by_id[onu_id]
        thresholds = cache.setdefault(onu.olt.profile, thresholds_for(onu.olt.profile))
        if values[then] - values[last] >= float(thresholds.drift_db) and values[last] < float(thresholds.rx_warning_dbm):
            out.append((onu_id, onu.subscription_id, values[then], values[last]))
    return out


def customer_fibre_rows(*, start: datetime, end: datetime) -> list[tuple[int, float, int]]:
    """(customer id, hours their ONUs were not online, days with a weak signal) within [start, end),
    for every customer with a matched ONU and any of either: churn's two fibre features.

    Offline hours come from the status events (`onu_offline_seconds`; a customer's several ONUs add
    up; the power cut counts too: the customer was without the service all the same). A weak day is a
    UTC day in [start, end) whose daily Rx average was below the warning line of the ONU's profile
    (critical included); a customer's ONUs weak on the same day count that day once. The match is
    today's (the ONU's subscription), which a churn cut-off in the past reads as it is now."""
    onus = list(Onu.objects.filter(subscription__isnull=False).values_list("pk", "subscription__customer_id", "olt__profile"))
    if not onus:
        return []
    customer_of = {onu_id: customer_id for onu_id, customer_id, _profile in onus}
    hours: dict[int, float] = {}
    for onu_id, seconds in onu_offline_seconds(onu_ids=customer_of, start=start, end=end).items():
        if seconds:
            hours[customer_of[onu_id]] = hours.get(customer_of[onu_id], 0.0) + seconds / 3600
    weak: dict[int, set] = {}
    by_profile: dict[str, list[int]] = {}
    for onu_id, _customer_id, profile in onus:
        by_profile.setdefault(profile, []).append(onu_id)
    first_day, last_day = start.astimezone(UTC).date(), (end.astimezone(UTC) - timedelta(microseconds=1)).date()
    for profile, onu_ids in by_profile.items():
        warning = float(thresholds_for(profile).rx_warning_dbm)
        rows = OnuDaily.objects.filter(onu_id__in=onu_ids, day__gte=first_day, day__lte=last_day, rx_avg__lt=warning) \
            .values_list("onu_id", "day")
        for onu_id, day in rows:
            weak.setdefault(customer_of[onu_id], set()).add(day)
    return [(customer_id, hours.get(customer_id, 0.0), len(weak.get(customer_id, ())))
            for customer_id in sorted(set(hours) | set(weak))]
