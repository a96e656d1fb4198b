"""A repair visit shows the technician the ONU's Rx from its OLT before the visit and now, both read
over real UDP from the simulator: the technician sees the splice fixed the signal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldservice import services
from fieldservice.models import WorkOrder
from tests.factories import AreaFactory, BranchFactory, UserFactory, admin_user
from tests.fibre.conftest import make_olt
from tests.fibre.test_fibre_poll_usecase import install_onus
from usecases.fibre_poll import fibre_poll

pytestmark = pytest.mark.django_db


def test_a_repair_visit_shows_the_signal_before_the_visit_and_now(olt_simulator, client):
    branch = BranchFactory()
    simulated = olt_simulator.start_olt("zte_gpon", ports=1, onus_per_port=2, seed=91)
    olt = make_olt(simulated, branch=branch)
    (subscription,) = install_onus(simulated.state, area=AreaFactory(branch=branch), count=1, actor=admin_user())
    serial = simulated.state.onus[0].serial
    simulated.state.set_rx(serial, -29.4)  # a bad splice
    earlier = timezone.now() - timedelta(minutes=30)
    fibre_poll(olt_id=olt.pk, now=earlier)

    technician = UserFactory(kind="technician", username="tech.splice")
    order = services.workorder_create(actor=None, kind=WorkOrder.Kind.REPAIR, subscription=subscription, description="Weak signal")
    order = services.workorder_schedule(actor=None, order=order, technician=technician, scheduled_start=timezone.now())
    services.workorder_arrive(actor=technician, order=order, latitude="23.8", longitude="90.4", accuracy_m=10,
                              at=earlier + timedelta(minutes=10))
    simulated.state.set_rx(serial, -20.5)  # spliced again
    fibre_poll(olt_id=olt.pk)

    client.force_login(technician)
    page = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    signal = page[page.index('id="order-fibre-signal"'):]
    signal = signal[:signal.index("</p>")]
    assert "before <strong>-29.4" in signal and "now <strong>-20.50</strong>" in signal
