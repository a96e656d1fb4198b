import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from fieldservice import services
from fieldservice.models import EquipmentItem, EquipmentModel, WorkOrder
from tests.factories import UserFactory, make_customer, make_subscription


def png_bytes(size=(40, 30), color="white", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def signature_data_url() -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png_bytes((300, 120))).decode()


@pytest.fixture
def technician(db):
    return UserFactory(kind="technician", username="tech1", first_name="Shuvo", last_name="Dey", phone="+8801711000111")


@pytest.fixture
def other_technician(db):
    return UserFactory(kind="technician", username="tech2", first_name="Rana")


@pytest.fixture
def supervisor(db):
    return UserFactory(roles=["Technician supervisor"], username="supervisor1")


def installation(*, actor=None, router=None, technician=None, start_in_hours=1):
    """A pending subscription and the installation order its creation made, assigned if a technician is given."""
    subscription = make_subscription(router=router) if router else make_subscription()
    order = WorkOrder.objects.get(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION)
    if technician is not None:
        order = services.workorder_schedule(
            actor=actor, order=order, technician=technician, scheduled_start=timezone.now() + timedelta(hours=start_in_hours),
        )
    return order


def repair_order(*, technician, actor=None, customer=None):
    customer = customer or make_customer()
    order = services.workorder_create(actor=actor, kind=WorkOrder.Kind.REPAIR, customer=customer, description="No light on the ONU")
    return services.workorder_schedule(actor=actor, order=order, technician=technician, scheduled_start=timezone.now())


def finish_checklist(order, actor):
    for item in order.checklist.all():
        services.workorder_check_item(actor=actor, order=order, item_id=item.pk, done=True)


def onu(serial="ZTEG0001", **kwargs):
    model, _ = EquipmentModel.objects.get_or_create(name="ZTE F660 ONU", defaults={"category": "onu"})
    return EquipmentItem.objects.create(model=model, serial=serial, **kwargs)


@pytest.fixture
def zte(db):
    return EquipmentModel.objects.create(name="ZTE F660 ONU", category="onu")
