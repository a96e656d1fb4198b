"""Fibre's writes: OLTs and their credentials, thresholds and settings, ONU matches, PON port areas,
incidents, and the history's upkeep (roll-ups, partitions, retention). The poll's writes are in
fibre/poll.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record

from . import sql
from .models import FibreIncident, FibreIncidentTicket, FibreSettings, Olt, Onu, PonPort, SignalThreshold
from .profiles import UnknownProfile, profile_get

OLT_FIELDS = ("name", "branch", "site", "address", "host", "snmp_port", "profile", "snmp_version", "v3_user", "v3_auth_protocol",
              "v3_priv_protocol", "timeout_seconds", "retries", "is_active")
SECRETS = ("community", "v3_auth_key", "v3_priv_key")
RAW_DAYS, HOURLY_DAYS = 7, 90


def _summary(olt: Olt) -> dict:
    """What the audit log keeps: never a secret, only whether one is set."""
    summary = {field: str(getattr(olt, field)) for field in OLT_FIELDS}
    summary.update({f"{secret}_set": bool(getattr(olt, secret)) for secret in SECRETS})
    return summary


def _clean_olt(olt: Olt) -> None:
    errors = {}
    try:
        profile_get(olt.profile)
    except UnknownProfile as error:
        errors["profile"] = [str(error)]
    if olt.snmp_version == Olt.Version.V2C and not olt.community:
        errors["community"] = [_("SNMP v2c needs the OLT's read community.")]
    if olt.snmp_version == Olt.Version.V3:
        if not olt.v3_user:
            errors["v3_user"] = [_("SNMPv3 needs a user name.")]
        if olt.v3_auth_protocol and len(olt.v3_auth_key) < 8:
            errors["v3_auth_key"] = [_("The authentication key has at least 8 characters.")]
        if olt.v3_priv_protocol and not olt.v3_auth_protocol:
            errors["v3_priv_protocol"] = [_("Privacy needs authentication too.")]
        if olt.v3_priv_protocol and len(olt.v3_priv_key) < 8:
            errors["v3_priv_key"] = [_("The privacy key has at least 8 characters.")]
    if errors:
        raise ValidationError(errors)
    olt.full_clean()


@transaction.atomic
def olt_create(*, actor, **fields) -> Olt:
    olt = Olt(**fields)
    _clean_olt(olt)
    olt.save()
    audit_record(actor=actor, action="olt.create", obj=olt, after=_summary(olt))
    return olt


@transaction.atomic
def olt_update(*, actor, olt: Olt, **fields) -> Olt:
    """A secret left empty keeps the stored one (the form never shows it)."""
    olt = Olt.objects.select_for_update().get(pk=olt.pk)
    before = _summary(olt)
    for name, value in fields.items():
        if name in SECRETS and not value:
            continue
        setattr(olt, name, value)
    _clean_olt(olt)
    olt.save()
    audit_record(actor=actor, action="olt.update", obj=olt, before=before, after=_summary(olt))
    return olt


@transaction.atomic
def threshold_save(*, actor, profile: str, rx_warning_dbm, rx_critical_dbm, rx_overload_dbm, drift_db) -> SignalThreshold:
    profile_get(profile)
    row = SignalThreshold.objects.filter(profile=profile).first() or SignalThreshold(profile=profile)
    row.rx_warning_dbm, row.rx_critical_dbm, row.rx_overload_dbm, row.drift_db = rx_warning_dbm, rx_critical_dbm, rx_overload_dbm, drift_db
    if not rx_critical_dbm < rx_warning_dbm < rx_overload_dbm:
        raise ValidationError(_("The lines must be in order: critical below warning, warning below too strong."))
    if drift_db <= 0:
        raise ValidationError({"drift_db": [_("The worsening is a positive number of dB.")]})
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="fibre.threshold", obj=row, after={"profile": profile, "warning": str(rx_warning_dbm),
                                                                        "critical": str(rx_critical_dbm), "overload": str(rx_overload_dbm),
                                                                        "drift": str(drift_db)})
    return row


@transaction.atomic
def fibre_settings_save(*, actor, declare_outages: bool) -> FibreSettings:
    settings = FibreSettings.current()
    settings.declare_outages = bool(declare_outages)
    settings.save()
    audit_record(actor=actor, action="fibre.settings", obj=settings, after={"declare_outages": settings.declare_outages})
    return settings


@transaction.atomic
def pon_port_set_area(*, actor, port: PonPort, area) -> PonPort:
    port = PonPort.objects.select_for_update().get(pk=port.pk)
    before = {"area": port.area_id}
    port.area = area
    port.save(update_fields=["area"])
    audit_record(actor=actor, action="pon_port.area", obj=port, before=before, after={"area": port.area_id})
    return port


# Matching ---------------------------------------------------------------------------------------


def normalise(identity: str) -> str:
    """A serial or MAC as the technician typed it or the OLT reported it: letters and digits, upper case."""
    return "".join(ch for ch in (identity or "") if ch.isalnum()).upper()


@transaction.atomic
def onu_match_by_hand(*, actor, onu: Onu, subscription) -> Onu:
    """Staff say which subscription an ONU serves (None: unmatch). A subscription has one ONU: the
    one it had is unmatched."""
    onu = Onu.objects.select_for_update().get(pk=onu.pk)
    before = {"subscription": onu.subscription_id, "match": onu.match}
    if subscription is not None:
        Onu.objects.filter(subscription=subscription).exclude(pk=onu.pk).update(subscription=None, match="", matched_at=None)
    onu.subscription = subscription
    onu.match = Onu.Match.HAND if subscription is not None else Onu.Match.NONE
    onu.matched_at = timezone.now() if subscription is not None else None
    onu.moved_from, onu.moved_at = None, None
    onu.save(update_fields=["subscription", "match", "matched_at", "moved_from", "moved_at"])
    audit_record(actor=actor, action="onu.match", obj=onu, before=before, after={"subscription": onu.subscription_id, "match": onu.match})
    return onu


@transaction.atomic
def onu_move_acknowledge(*, actor, onu: Onu) -> Onu:
    """Staff have seen that the ONU moved (a new drop, a port re-patched): it leaves the moved list and
    keeps its match (a serial match stays one, so a later swap still moves it)."""
    onu = Onu.objects.select_for_update().get(pk=onu.pk)
    if onu.moved_at is None:
        return onu
    before = {"moved_from": onu.moved_from_id, "moved_at": onu.moved_at.isoformat()}
    onu.moved_from, onu.moved_at = None, None
    onu.save(update_fields=["moved_from", "moved_at"])
    audit_record(actor=actor, action="onu.move_seen", obj=onu, before=before, after={"pon_port": onu.pon_port_id})
    return onu


@transaction.atomic
def onus_match_installed(*, installed: dict[str, int], now: datetime | None = None) -> int:
    """Match ONUs to the subscriptions their serial or MAC was recorded for at installation
    (`installed`: normalised serial → subscription id, from fieldservice). A hand match is never
    overridden; a subscription whose recorded ONU changed (a swap at a repair visit) moves to the new
    ONU. Returns how many matches changed."""
    now = now or timezone.now()
    changed = 0
    candidates = Onu.objects.exclude(match=Onu.Match.HAND).exclude(status=Onu.Status.MISSING).only("pk", "serial", "mac", "subscription_id", "match")
    wanted: dict[int, tuple[int, str]] = {}
    for onu in candidates:
        for method, identity in ((Onu.Match.SERIAL, onu.serial), (Onu.Match.MAC, onu.mac)):
            subscription_id = installed.get(normalise(identity)) if identity else None
            if subscription_id:
                wanted[onu.pk] = (subscription_id, method)
                break
    current = {onu.pk: onu for onu in candidates}
    hand_taken = set(Onu.objects.filter(match=Onu.Match.HAND).exclude(subscription=None).values_list("subscription_id", flat=True))
    for onu_id, (subscription_id, method) in wanted.items():
        onu = current[onu_id]
        if subscription_id in hand_taken or (onu.subscription_id == subscription_id and onu.match == method):
            continue
        Onu.objects.filter(subscription_id=subscription_id).exclude(pk=onu_id).exclude(match=Onu.Match.HAND).update(
            subscription=None, match="", matched_at=None)
        Onu.objects.filter(pk=onu_id).update(subscription_id=subscription_id, match=method, matched_at=now, moved_from=None, moved_at=None)
        changed += 1
    return changed


# Incidents ----------------------------------------------------------------------------------------


def incident_open(*, kind: str, olt_id: int, pon_port_id: int | None = None, onu_id: int | None = None, started_at: datetime,
                  detail: str = "") -> tuple[FibreIncident, bool]:
    """The open incident of that kind for the port or ONU, made if there is none: (incident, made)."""
    lookup = {"kind": kind, "ended_at__isnull": True}
    lookup.update({"onu_id": onu_id} if onu_id else {"pon_port_id": pon_port_id, "onu__isnull": True})
    existing = FibreIncident.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    return FibreIncident.objects.create(kind=kind, olt_id=olt_id, pon_port_id=pon_port_id, onu_id=onu_id, started_at=started_at,
                                        detail=detail[:255]), True


def incident_link(*, incident: FibreIncident, outage=None, ticket_id: int | None = None, work_order_id: int | None = None,
                  detail: str | None = None) -> FibreIncident:
    fields = []
    for name, value in (("outage", outage), ("ticket_id", ticket_id), ("work_order_id", work_order_id), ("detail", detail)):
        if value is not None:
            setattr(incident, name, value)
            fields.append(name)
    if fields:
        incident.save(update_fields=fields)
    return incident


def incident_tickets_link(*, incident: FibreIncident, ticket_ids, now: datetime) -> list[int]:
    """Link customers' tickets to a dark port's incident; returns the ids not linked before (each
    ticket is linked once, however many polls see it)."""
    wanted = sorted(set(ticket_ids))
    known = set(FibreIncidentTicket.objects.filter(incident=incident, ticket_id__in=wanted).values_list("ticket_id", flat=True))
    new = [ticket_id for ticket_id in wanted if ticket_id not in known]
    FibreIncidentTicket.objects.bulk_create([FibreIncidentTicket(incident=incident, ticket_id=ticket_id, linked_at=now) for ticket_id in new],
                                            ignore_conflicts=True)
    return new


def incidents_close(*, kind: str, now: datetime, pon_port_ids=(), onu_ids=()) -> list[FibreIncident]:
    """End the open incidents of that kind for the ports or ONUs; returns them (with their outages)."""
    open_ = FibreIncident.objects.filter(kind=kind, ended_at__isnull=True)
    if pon_port_ids:
        open_ = open_.filter(pon_port_id__in=list(pon_port_ids), onu__isnull=True)
    elif onu_ids:
        open_ = open_.filter(onu_id__in=list(onu_ids))
    else:
        return []
    closed = list(open_.select_related("outage"))
    FibreIncident.objects.filter(pk__in=[i.pk for i in closed]).update(ended_at=now)
    return closed


# History upkeep -------------------------------------------------------------------------------------


def _midnight(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def history_upkeep(*, now: datetime | None = None) -> dict:
    """Hourly: the last two hours rolled up, yesterday and today's days rolled up, partitions made
    three days and one month ahead, and what is older than the retention dropped. Idempotent."""
    now = (now or timezone.now()).astimezone(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    today = _midnight(now)
    month = today.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    with transaction.atomic():
        made = sql.partitions_ensure(days=[today + timedelta(days=n) for n in range(-1, 4)], months=[month, next_month])
        hours = sql.rollup_hour(hour=hour - timedelta(hours=1)) + sql.rollup_hour(hour=hour)
        days = sql.rollup_day(day=(today - timedelta(days=1)).date(), start=today - timedelta(days=1))
        days += sql.rollup_day(day=today.date(), start=today)
        removed = sql.history_drop_before(samples_before=today - timedelta(days=RAW_DAYS), hourly_before=today - timedelta(days=HOURLY_DAYS))
    return {"partitions": made, "hours": hours, "days": days, "removed": removed}
