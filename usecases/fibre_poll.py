"""An OLT polled (every five minutes, `usecases.tasks.fibre_poll_olt`): fibre's poll, then what it
means for the other apps.

1. fibre reads the OLT and writes status, optics and samples (fibre/poll.py).
2. New ONUs are matched to subscriptions by the serial or MAC fieldservice recorded at installation
   (a swap at a repair visit moves the match to the new ONU); the rest wait for staff.
3. A PON port that went dark (its ONUs on LOS at once: a fibre cut) → an outage over the areas of
   its customers through network's outages (declared and broadcast when Settings → Fibre says so,
   suggested otherwise); the port coming back restores it.
4. An ONU that lost its signal alone (LOS, its port not dark) → a ticket for its customer, once per
   loss. A dying gasp (the customer's power) is neither: the portal says "power off", nothing opens.

Each step's rows are written by the owning app's services; this module only decides.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from customers.models import Area
from fibre import services as fibre_services
from fibre.models import FibreIncident, FibreSettings, Onu, PonPort
from fibre.poll import PollResult, olt_poll
from fieldservice.selectors import installed_onus
from network.outages import outage_fibre_back, outage_from_fibre
from tickets.models import Category, Priority, Ticket
from tickets.services import ticket_create


def fibre_poll(*, olt_id: int, now=None) -> PollResult | None:
    now = now or timezone.now()
    result = olt_poll(olt_id=olt_id, now=now)
    if result is None:
        return None
    if result.created or result.moved or Onu.objects.filter(olt_id=olt_id, subscription__isnull=True).exists():
        fibre_services.onus_match_installed(installed=installed_onus(), now=now)
    with transaction.atomic():
        fibre_ports_went_dark(port_ids=result.ports_dark, now=now)
        _ports_back(result, now=now)
        _lone_losses(result, now=now)
        fibre_services.incidents_close(kind=FibreIncident.Kind.ONU_LOS, now=now, onu_ids=result.came_back)
    return result


def _port_areas(port: PonPort) -> list[Area]:
    if port.area_id:
        return [port.area]
    ids = set(Onu.objects.filter(pon_port=port, subscription__isnull=False).values_list("subscription__customer__area_id", flat=True))
    return list(Area.objects.filter(pk__in=ids))


def fibre_ports_went_dark(*, port_ids, now) -> None:
    """The outage (and incident) of PON ports that went dark; the demo's seed calls it for its dark port."""
    declare = FibreSettings.current().declare_outages
    for port in PonPort.objects.filter(pk__in=list(port_ids)).select_related("olt", "area"):
        incident, made = fibre_services.incident_open(
            kind=FibreIncident.Kind.PON_DARK, olt_id=port.olt_id, pon_port_id=port.pk, started_at=port.dark_since or now,
            detail=f"{port.onus_total} ONUs dark on {port.olt.name} {port.name}",
        )
        if not made or incident.outage_id:
            continue
        areas = _port_areas(port)
        if not areas:
            fibre_services.incident_link(incident=incident, detail=f"{incident.detail}; no area known, so no outage")
            continue
        outage = outage_from_fibre(
            title="Fibre cut in your area",
            title_bn="আপনার এলাকায় ফাইবার কাটা পড়েছে",
            description=f"A fibre line to your area is down since {timezone.localtime(port.dark_since or now):%H:%M}. Our team is on it.",
            description_bn=f"{timezone.localtime(port.dark_since or now):%H:%M} থেকে আপনার এলাকার ফাইবার লাইন বন্ধ। আমাদের দল কাজ করছে।",
            areas=areas, started_at=port.dark_since or now, declare=declare,
        )
        fibre_services.incident_link(incident=incident, outage=outage)


def _ports_back(result: PollResult, *, now) -> None:
    for incident in fibre_services.incidents_close(kind=FibreIncident.Kind.PON_DARK, now=now, pon_port_ids=result.ports_restored):
        if incident.outage_id:
            outage_fibre_back(outage=incident.outage, at=now)


def _lone_losses(result: PollResult, *, now) -> None:
    los = [onu_id for onu_id, cause in result.went_dark if cause == Onu.Cause.LOS]
    if not los:
        return
    for onu in Onu.objects.filter(pk__in=los, pon_port__dark_since__isnull=True, subscription__isnull=False).select_related(
            "subscription__customer", "pon_port", "olt"):
        incident, made = fibre_services.incident_open(kind=FibreIncident.Kind.ONU_LOS, olt_id=onu.olt_id, pon_port_id=onu.pon_port_id,
                                                       onu_id=onu.pk, started_at=now, detail=f"{onu} lost its signal")
        if not made:
            continue
        ticket = ticket_create(
            actor=None, customer=onu.subscription.customer, category=Category.NO_CONNECTION, priority=Priority.HIGH,
            source=Ticket.Source.STAFF, now=now,
            subject=f"Fibre signal lost at {onu.olt.name} {onu.pon_port.name}:{onu.number}",
            description=(f"The OLT reports loss of signal (LOS) for ONU {onu} since {timezone.localtime(now):%d %b %Y %H:%M}: "
                         "the drop fibre or a connector, not the customer's power. Found by the fibre poll."),
        )
        fibre_services.incident_link(incident=incident, ticket_id=ticket.pk)
