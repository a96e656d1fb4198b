"""What completing a visit needs, checked by the phone before it lets the technician finish offline
and by the server at sync, from the same rules the phone downloaded with the order."""

import json
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldservice import equipment, services
from fieldservice.models import ChecklistTemplate, EquipmentItem, WorkOrder

from .conftest import finish_checklist, onu, png_bytes, repair_order, signature_data_url


@pytest.fixture
def strict_repairs(db):
    """Repairs need two photos and a serial (the admin sets this on the kind's checklist)."""
    services.checklist_templates_ensure_defaults()
    ChecklistTemplate.objects.filter(kind=WorkOrder.Kind.REPAIR).update(photos_required=2, serial_required=True)


def photo(order, actor):
    services.workorder_add_photo(actor=actor, order=order, client_uuid=uuid.uuid4(), upload=SimpleUploadedFile("p.png", png_bytes()))


@pytest.mark.django_db
def test_completion_needs_the_photos_and_the_serial_the_kind_asks_for(strict_repairs, technician):
    order = repair_order(technician=technician)
    assert (order.photos_required, order.serial_required) == (2, True)  # copied when the order was made
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="R", data_url=signature_data_url())
    photo(order, technician)

    with pytest.raises(ValidationError) as refused:
        services.workorder_status_complete(actor=technician, order=order)
    assert refused.value.code == "photos" and "1 of 2" in refused.value.messages[0]
    photo(order, technician)
    with pytest.raises(ValidationError) as refused:
        services.workorder_status_complete(actor=technician, order=order)
    assert refused.value.code == "serial"
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE and order.completed_at is None

    onu("ZTEG0500", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0500", action="install")
    assert services.workorder_status_complete(actor=technician, order=order).status == WorkOrder.Status.COMPLETED


@pytest.mark.django_db
def test_the_order_page_carries_the_rules_the_server_checks(client, strict_repairs, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    page = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    rules = json.loads(re.search(r'<script id="completion-rules" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert rules == {
        "status": "on_site", "checklist": [item.pk for item in order.checklist.all() if item.required],
        "signature": True, "photos": 2, "serial": True, "rx_range": None, "rx_olt": None,  # a repair: no optical range to meet
    }
    assert 'id="finish-missing"' in page
