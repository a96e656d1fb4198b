"""A demo installation can be completed: the simulated router `demo_routers` loads brings up the PPPoE
session of a connection a technician's check-in puts on it (the customer's router dials), while the
customers it was loaded with keep the demo's share of switched-off routers."""

import pytest

from customers.models import Subscription
from demo.management.commands.demo_routers import Command as DemoRouters
from fieldservice import services
from fieldservice.models import WorkOrder
from network import outbox
from tests.demo.conftest import (  # noqa: F401
    make_routeros_router,
    routeros_clock,
    routeros_simulator,
)
from tests.factories import RouterFactory, make_subscription
from tests.fieldservice.conftest import finish_checklist, installation, signature_data_url, technician  # noqa: F401
from usecases.workorder_complete import workorder_complete


@pytest.mark.django_db(transaction=True)
def test_installation_on_a_demo_router_completes_because_the_new_connection_dials(technician, make_routeros_router, eager_outbox):  # noqa: F811
    # A demo router on which no customer found at the start has their router switched on.
    sim = make_routeros_router(online_ratio=0.0)
    router = RouterFactory(name="MIR-CORE-01", host=sim.host, api_port=sim.port, username=sim.username)
    old = make_subscription(router=router, activate=True, username="old.customer")
    outbox.outbox_drain(router_id=router.pk)
    DemoRouters().load(router, sim)
    assert sim.session("old.customer") is None

    order = installation(router=router, technician=technician)
    services.workorder_start_travel(actor=technician, order=order)
    services.workorder_arrive(actor=technician, order=order, latitude="23.81", longitude="90.41", accuracy_m=8)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)

    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED and not order.override_reason
    assert order.subscription.status == Subscription.Status.ACTIVE
    assert sim.session(order.subscription.username) is not None
    # The customers loaded at the start keep their routers off: the online ratio still holds for them.
    assert sim.session(old.username) is None
