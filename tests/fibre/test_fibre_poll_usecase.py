"""The poll's consequences, end to end over real UDP: ONUs matched by the serial recorded at
installation, a fibre cut seen as an outage with its notices, a lone loss of signal as a ticket, a
power cut as neither, a week's worsening as a proactive work order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Area
from fibre.models import FibreIncident, FibreIncidentTicket, FibreSettings, Onu, OnuDaily, PonPort
from fibre.services import onu_match_by_hand
from fieldservice.equipment import workorder_equipment
from fieldservice.models import EquipmentItem, EquipmentModel, WorkOrder
from fieldservice.services import workorder_create
from ispbill.notify.models import Message
from network.models import Outage
from tests.factories import AreaFactory, BranchFactory, admin_user, make_customer, make_subscription
from tests.fibre.conftest import make_olt
from tickets.models import Category, Ticket, TicketComment
from tickets.services import ticket_create
from usecases.fibre_poll import fibre_poll
from usecases.fibre_signal_review import fibre_signal_review

pytestmark = pytest.mark.django_db


def install_onus(state, *, area: Area, count: int, actor, port: int | None = None) -> list:
    """Customers whose installation recorded the simulated ONUs' serials (MACs for EPON)."""
    model, _ = EquipmentModel.objects.get_or_create(name="ONU", defaults={"category": EquipmentModel.Category.ONU})
    subscriptions = []
    onus = [onu for onu in state.onus if port is None or onu.port == port][:count]
    for index, simulated in enumerate(onus):
        customer = make_customer(area=area, name=f"Fibre customer {index}", language="bn" if index % 2 else "en")
        subscription = make_subscription(customer=customer, activate=True)
        serial = simulated.serial or simulated.mac
        EquipmentItem.objects.create(model=model, serial=serial.upper(), status=EquipmentItem.Status.IN_STOCK)
        order = workorder_create(actor=actor, kind=WorkOrder.Kind.INSTALLATION, subscription=subscription)
        workorder_equipment(actor=actor, order=order, serial=serial, action="install")
        subscriptions.append(subscription)
    return subscriptions


@pytest.fixture
def simulated_plant(olt_simulator):
    actor = admin_user()
    branch = BranchFactory()
    area = AreaFactory(branch=branch)
    simulated = olt_simulator.start_olt("huawei_gpon", ports=2, onus_per_port=4, seed=21)
    olt = make_olt(simulated, branch=branch)
    subscriptions = install_onus(simulated.state, area=area, count=8, actor=actor)
    return simulated, olt, subscriptions, area, actor


def test_onus_are_matched_by_the_serial_recorded_at_installation_and_a_swap_moves_the_match(simulated_plant):
    simulated, olt, subscriptions, area, actor = simulated_plant
    fibre_poll(olt_id=olt.pk)
    matched = dict(Onu.objects.filter(olt=olt).values_list("serial", "subscription_id"))
    assert matched == {onu.serial: subscription.pk for onu, subscription in zip(simulated.state.onus, subscriptions)}
    assert set(Onu.objects.values_list("match", flat=True)) == {Onu.Match.SERIAL}

    # A repair visit swaps the first customer's ONU for a new one.
    from demo.olt import SimOnu

    old = simulated.state.onus[0]
    simulated.state.remove(old.serial)
    new = SimOnu(port=0, number=1, serial="HWTC7777AAAA", mac="", rx=-20.0)
    simulated.state.add(new)
    model = EquipmentModel.objects.get(name="ONU")
    EquipmentItem.objects.create(model=model, serial=new.serial, status=EquipmentItem.Status.IN_STOCK)
    repair = workorder_create(actor=actor, kind=WorkOrder.Kind.REPAIR, subscription=subscriptions[0])
    workorder_equipment(actor=actor, order=repair, serial=old.serial, action="collect")
    workorder_equipment(actor=actor, order=repair, serial=new.serial, action="install")
    fibre_poll(olt_id=olt.pk)

    assert Onu.objects.get(serial=new.serial).subscription_id == subscriptions[0].pk
    assert Onu.objects.get(serial=old.serial).subscription_id is None


def test_a_hand_match_is_kept_over_the_installation_record(simulated_plant):
    simulated, olt, subscriptions, area, actor = simulated_plant
    fibre_poll(olt_id=olt.pk)
    onu = Onu.objects.get(serial=simulated.state.onus[0].serial)
    onu_match_by_hand(actor=actor, onu=onu, subscription=subscriptions[5])
    fibre_poll(olt_id=olt.pk)
    onu.refresh_from_db()
    assert onu.subscription_id == subscriptions[5].pk and onu.match == Onu.Match.HAND
    assert Onu.objects.filter(subscription=subscriptions[5]).count() == 1


@pytest.mark.usefixtures("eager_celery")  # the broadcast runs in the test
def test_a_fibre_cut_declares_an_outage_tells_the_customers_in_their_language_and_links_their_tickets(
        simulated_plant, django_capture_on_commit_callbacks, client):
    simulated, olt, subscriptions, area, actor = simulated_plant
    on_cut_port = [s for onu, s in zip(simulated.state.onus, subscriptions) if onu.port == 1]
    elsewhere = [s for onu, s in zip(simulated.state.onus, subscriptions) if onu.port != 1]
    fibre_poll(olt_id=olt.pk)
    # Before the cut: a port customer already called about the connection, another about a bill, and a
    # customer of the other port about the connection.
    called = ticket_create(actor=None, customer=on_cut_port[0].customer, category=Category.NO_CONNECTION, subject="No internet",
                           description="Red light")
    billing = ticket_create(actor=None, customer=on_cut_port[1].customer, category=Category.BILLING_DISPUTE, subject="Bill",
                            description="Charged twice")
    other_port = ticket_create(actor=None, customer=elsewhere[0].customer, category=Category.NO_CONNECTION, subject="No internet",
                               description="Since noon")

    simulated.state.fibre_cut(1)
    with django_capture_on_commit_callbacks(execute=True):
        result = fibre_poll(olt_id=olt.pk)

    port = PonPort.objects.get(olt=olt, name=simulated.state.port_name(1))
    assert result.ports_dark == [port.pk]
    incident = FibreIncident.objects.get(kind=FibreIncident.Kind.PON_DARK, pon_port=port)
    outage = incident.outage
    assert outage.status == Outage.Status.ACTIVE and list(outage.areas.all()) == [area]
    assert outage.affected_customers == 8
    sent = Message.objects.filter(customer__in=[s.customer for s in subscriptions])
    assert set(sent.values_list("customer_id", flat=True)) == {s.customer_id for s in subscriptions}
    bangla = sent.filter(customer__language="bn").first()
    english = sent.filter(customer__language="en").first()
    assert "ফাইবার" in bangla.body and "Fibre cut" in english.body
    # Each ONU of a dark port is the outage, not a ticket per customer; the port's connection ticket is linked.
    assert Ticket.objects.count() == 3
    assert list(FibreIncidentTicket.objects.filter(incident=incident).values_list("ticket_id", flat=True)) == [called.pk]
    note = TicketComment.objects.get(ticket=called)
    assert note.internal and f"outage #{outage.pk}" in note.body and port.name in note.body
    assert not TicketComment.objects.filter(ticket__in=[billing, other_port]).exists()

    # A customer of the port calls while it is dark: the next poll links that ticket too, and only once.
    later = ticket_create(actor=None, customer=on_cut_port[2].customer, category=Category.NO_CONNECTION, subject="Net down",
                          description="Nothing works", source=Ticket.Source.PORTAL)
    fibre_poll(olt_id=olt.pk)
    fibre_poll(olt_id=olt.pk)
    assert sorted(FibreIncidentTicket.objects.filter(incident=incident).values_list("ticket_id", flat=True)) == [called.pk, later.pk]
    assert TicketComment.objects.filter(ticket=later).count() == 1 and TicketComment.objects.filter(ticket=called).count() == 1
    client.force_login(actor)
    listing = client.get(reverse("staff:olt-list")).content.decode()
    assert "2 customer tickets linked" in listing

    simulated.state.fibre_repair(1)
    with django_capture_on_commit_callbacks(execute=True):
        fibre_poll(olt_id=olt.pk)
    outage.refresh_from_db()
    incident.refresh_from_db()
    assert outage.status == Outage.Status.RESTORED and incident.ended_at is not None
    for ticket in (called, later):
        last = TicketComment.objects.filter(ticket=ticket).order_by("pk").last()
        assert last.internal and last.body.startswith("The fibre is back:") and port.name in last.body
    assert not TicketComment.objects.filter(ticket__in=[billing, other_port]).exists()


def test_with_declaring_off_the_fibre_cut_is_only_suggested(simulated_plant):
    simulated, olt, subscriptions, area, actor = simulated_plant
    FibreSettings.objects.update_or_create(pk=1, defaults={"declare_outages": False})
    fibre_poll(olt_id=olt.pk)
    simulated.state.fibre_cut(0)
    fibre_poll(olt_id=olt.pk)
    outage = FibreIncident.objects.get(kind=FibreIncident.Kind.PON_DARK).outage
    assert outage.status == Outage.Status.SUGGESTED and Message.objects.count() == 0

    simulated.state.fibre_repair(0)
    fibre_poll(olt_id=olt.pk)
    outage.refresh_from_db()
    assert outage.status == Outage.Status.DISMISSED


def test_a_lone_loss_of_signal_opens_one_ticket_and_a_power_cut_opens_none(simulated_plant):
    simulated, olt, subscriptions, area, actor = simulated_plant
    fibre_poll(olt_id=olt.pk)
    cut, gasp = simulated.state.onus[0], simulated.state.onus[5]
    with simulated.state.lock:
        cut.online, cut.cause = False, "los"
        simulated.state._changed()
    simulated.state.power_cut(gasp.serial)
    fibre_poll(olt_id=olt.pk)
    fibre_poll(olt_id=olt.pk)  # still dark: no second ticket

    ticket = Ticket.objects.get()
    assert ticket.customer_id == subscriptions[0].customer_id and "LOS" in ticket.description
    assert Onu.objects.get(serial=gasp.serial).down_cause == Onu.Cause.DYING_GASP
    assert not FibreIncident.objects.filter(onu__serial=gasp.serial).exists()
    assert not PonPort.objects.filter(dark_since__isnull=False).exists()


def test_a_signal_worsening_over_the_week_gets_one_proactive_work_order(simulated_plant):
    simulated, olt, subscriptions, area, actor = simulated_plant
    fibre_poll(olt_id=olt.pk)
    onu = Onu.objects.get(serial=simulated.state.onus[2].serial)
    steady = Onu.objects.get(serial=simulated.state.onus[3].serial)
    today = timezone.localdate()
    for row, before, after in ((onu, -19.0, -27.6), (steady, -19.0, -19.4)):
        OnuDaily.objects.create(onu=row, day=today - timedelta(days=7), samples=288, online_samples=288, rx_avg=before)
        OnuDaily.objects.create(onu=row, day=today - timedelta(days=1), samples=288, online_samples=288, rx_avg=after)

    assert fibre_signal_review(today=today) == 1
    assert fibre_signal_review(today=today) == 0
    order = WorkOrder.objects.get(kind=WorkOrder.Kind.REPAIR)
    assert order.subscription_id == onu.subscription_id and "-19.0 dBm to -27.6 dBm" in order.description
    assert FibreIncident.objects.get(kind=FibreIncident.Kind.SIGNAL_WORSENING).work_order_id == order.pk


def test_an_outage_lost_after_the_poll_committed_is_made_by_the_next_poll(simulated_plant, django_capture_on_commit_callbacks):
    """The poll's writes and what they mean for the other apps are two transactions: if the second
    is lost (the database or the worker went away in between), the next poll does it."""
    from unittest import mock

    from django.db import OperationalError

    simulated, olt, subscriptions, area, actor = simulated_plant
    fibre_poll(olt_id=olt.pk)
    simulated.state.fibre_cut(1)
    with mock.patch("usecases.fibre_poll._lone_losses", side_effect=OperationalError("server closed the connection")):
        with pytest.raises(OperationalError):
            fibre_poll(olt_id=olt.pk)
    port = PonPort.objects.get(olt=olt, name=simulated.state.port_name(1))
    assert port.is_dark and not FibreIncident.objects.exists() and not Outage.objects.exists()  # the follow-up rolled back whole

    with django_capture_on_commit_callbacks(execute=True):
        result = fibre_poll(olt_id=olt.pk)
    assert result.ports_dark == []  # it went dark in the lost poll
    incident = FibreIncident.objects.get(kind=FibreIncident.Kind.PON_DARK, pon_port=port, ended_at__isnull=True)
    assert incident.outage.status == Outage.Status.ACTIVE
    fibre_poll(olt_id=olt.pk)
    assert FibreIncident.objects.count() == 1 and Outage.objects.count() == 1  # never twice

    simulated.state.fibre_repair(1)
    with mock.patch("usecases.fibre_poll._lone_losses", side_effect=OperationalError("server closed the connection")):
        with pytest.raises(OperationalError):
            fibre_poll(olt_id=olt.pk)
    with django_capture_on_commit_callbacks(execute=True):
        fibre_poll(olt_id=olt.pk)
    incident.refresh_from_db()
    assert incident.ended_at is not None and incident.outage.status == Outage.Status.RESTORED
