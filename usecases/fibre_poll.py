"""An OLT polled (every five minutes, `usecases.tasks.fibre_poll_olt`): fibre's poll, then what it
means for the other apps.

1. fibre reads the OLT and writes status, optics and samples (fibre/poll.py).
2. New ONUs are matched to subscriptions by the serial or MAC fieldservice recorded at installation
   (a swap at a repair visit moves the match to the new ONU); the rest wait for staff.
3. A PON port that went dark (its ONUs on LOS at once: a fibre cut) → an outage over the areas of
   its customers through network's outages (declared and broadcast when Settings → Fibre says so,
   suggested otherwise); the port coming back restores it.
   The port's customers' connection tickets — open when it went dark, or opened while it stays dark —
   are linked to it, each with an internal note; when the port comes back each still open gets a note
   that the fibre is back, so support can confirm with the customer and resolve it.
4. An ONU that lost its signal alone (LOS, its port not dark) → a ticket for its customer, once per
   loss. A dying gasp (the customer's power) is neither: the portal says "power off", nothing opens.

Each step's rows are written by the owning app's services; this module only decides.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from customers.models import Area
from fibre import selectors as fibre_selectors
from fibre import services as fibre_services
from fibre.models import FibreIncident, FibreSettings, Onu, PonPort
from fibre.poll import PollResult, olt_poll
from fieldservice.selectors import installed_onus
from network.outages import outage_fibre_back, outage_from_fibre
from tickets.models import Category, Priority, Ticket
from tickets.selectors import tickets_unfinished_by_ids, tickets_unfinished_for_customers
from tickets.services import ticket_create, ticket_reply


def fibre_poll(*, olt_id: int, now=None) -> PollResult | None:
    now = now or timezone.now()
    result = olt_poll(olt_id=olt_id, now=now)
    if result is None:
        return None
    if result.created or result.moved or Onu.objects.filter(olt_id=olt_id, subscription__isnull=True).exists():
        fibre_services.onus_match_installed(installed=installed_onus(), now=now)
    with transaction.atomic():
        # Every dark port of the OLT, not only those that went dark now: if this step was lost after a
        # poll had committed (the database or the worker went away in between), the next poll makes
        # the outage; an open incident is never made twice.
        dark = set(result.ports_dark) | set(PonPort.objects.filter(olt_id=olt_id, dark_since__isnull=False).values_list("pk", flat=True))
        fibre_ports_went_dark(port_ids=dark, now=now)
        result.ports_restored = sorted(set(result.ports_restored) | set(
            FibreIncident.objects.filter(kind=FibreIncident.Kind.PON_DARK, olt_id=olt_id, ended_at__isnull=True,
                                         pon_port__dark_since__isnull=True).values_list("pon_port_id", flat=True)))
        _link_tickets(olt_id=olt_id, now=now)
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


def _link_tickets(*, olt_id: int, now) -> None:
    """The connection tickets of each dark port's customers, linked to its incident once, with a note."""
    for incident in FibreIncident.objects.filter(kind=FibreIncident.Kind.PON_DARK, olt_id=olt_id, ended_at__isnull=True) \
            .select_related("olt", "pon_port"):
        tickets = tickets_unfinished_for_customers(customer_ids=fibre_selectors.port_customer_ids(incident.pon_port_id))
        new = set(fibre_services.incident_tickets_link(incident=incident, ticket_ids=[t.pk for t in tickets], now=now))
        outage = f" (outage #{incident.outage_id})" if incident.outage_id else ""
        for ticket in tickets:
            if ticket.pk in new:
                ticket_reply(actor=None, ticket=ticket, internal=True, now=now, body=(
                    f"Linked to the fibre cut{outage}: {incident.olt.name} {incident.pon_port.name} is dark since "
                    f"{timezone.localtime(incident.started_at):%d %b %Y %H:%M}, its ONUs on loss of signal. "
                    "The customer's connection is down with the whole port; found by the fibre poll."))


def _ports_back(result: PollResult, *, now) -> None:
    for incident in fibre_services.incidents_close(kind=FibreIncident.Kind.PON_DARK, now=now, pon_port_ids=result.ports_restored):
        if incident.outage_id:
            outage_fibre_back(outage=incident.outage, at=now)
        for ticket in tickets_unfinished_by_ids(fibre_selectors.incident_ticket_ids(incident)):
            ticket_reply(actor=None, ticket=ticket, internal=True, now=now, body=(
                f"The fibre is back: {incident.olt.name} {incident.pon_port.name} came back at {timezone.localtime(now):%d %b %Y %H:%M}. "
                "Confirm with the customer that the connection works, then resolve this ticket."))


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
