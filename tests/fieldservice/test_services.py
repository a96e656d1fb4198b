import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from customers.models import Subscription
from fieldservice import equipment, services, sync
from fieldservice.models import (
    ChecklistTemplate,
    EquipmentItem,
    SyncOperation,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPhoto,
)
from ispbill.notify.models import Message
from tests.demo.conftest import (  # noqa: F401
    make_routeros_router,
    routeros_clock,
    routeros_router,
    routeros_simulator,
)
from tests.factories import RouterFactory, make_customer, make_subscription
from tests.threads import run_in_threads
from tickets.services import survey_answer_visit
from usecases.subscription_cancel import subscription_cancel
from usecases.workorder_complete import workorder_complete
from usecases.workorder_rate import workorder_rate

from .conftest import (
    finish_checklist,
    installation,
    onu,
    png_bytes,
    repair_order,
    signature_data_url,
)

# Creation ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_new_subscription_gets_an_installation_order_with_the_kinds_checklist():
    subscription = make_subscription()
    order = WorkOrder.objects.get(subscription=subscription)
    assert order.kind == WorkOrder.Kind.INSTALLATION
    assert order.status == WorkOrder.Status.NEW
    assert order.source == WorkOrder.Source.NEW_SUBSCRIPTION
    assert order.customer == subscription.customer and order.branch_id == subscription.customer.branch_id
    template = ChecklistTemplate.objects.get(kind=WorkOrder.Kind.INSTALLATION)
    assert list(order.checklist.values_list("label", flat=True)) == list(template.items.values_list("label", flat=True))
    assert order.events.filter(action="created").exists()


@pytest.mark.django_db
@override_settings(FIELDSERVICE_AUTO_INSTALLATION_ORDERS=False)
def test_the_automatic_installation_order_is_a_setting():
    subscription = make_subscription()
    assert not WorkOrder.objects.filter(subscription=subscription).exists()


@pytest.mark.django_db
def test_cancelling_a_subscription_with_installed_equipment_creates_a_collection_and_cancels_the_installation(technician):
    subscription = make_subscription(activate=True)
    onu(status=EquipmentItem.Status.INSTALLED, customer=subscription.customer)
    subscription_cancel(actor=None, subscription=subscription, reason="Moving abroad")
    collection = WorkOrder.objects.get(subscription=subscription, kind=WorkOrder.Kind.COLLECTION)
    assert collection.source == WorkOrder.Source.CANCELLATION and "ZTEG0001" in collection.description
    assert WorkOrder.objects.get(subscription=subscription, kind=WorkOrder.Kind.INSTALLATION).status == WorkOrder.Status.CANCELLED


@pytest.mark.django_db
def test_cancelling_without_equipment_creates_no_collection():
    subscription = make_subscription(activate=True)
    subscription_cancel(actor=None, subscription=subscription, reason="Moving abroad")
    assert not WorkOrder.objects.filter(subscription=subscription, kind=WorkOrder.Kind.COLLECTION).exists()


@pytest.mark.django_db
def test_assignment_notifies_the_technician_and_the_customer(technician):
    order = installation(technician=technician)
    assert order.status == WorkOrder.Status.ASSIGNED
    events = set(Message.objects.filter(object_id=str(order.pk)).values_list("event", "to"))
    assert ("fieldservice_technician_assigned", technician.phone) in events
    assert any(event == "fieldservice_visit_scheduled" for event, _to in events)


@pytest.mark.django_db
def test_a_closed_order_cannot_move_and_nothing_changes(technician):
    order = repair_order(technician=technician)
    services.workorder_cancel(actor=None, order=order, reason="Customer fixed it")
    with pytest.raises(ValidationError):
        services.workorder_start_travel(actor=technician, order=order)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CANCELLED and order.travel_started_at is None


# On site and completion --------------------------------------------------------------------------

@pytest.mark.django_db
def test_completing_needs_the_required_checklist_and_the_signature(technician):
    order = repair_order(technician=technician)
    services.workorder_arrive(actor=technician, order=order, latitude="23.8", longitude="90.4", accuracy_m=12)
    with pytest.raises(ValidationError, match="checklist"):
        workorder_complete(actor=technician, order=order)
    finish_checklist(order, technician)
    with pytest.raises(ValidationError, match="signature"):
        workorder_complete(actor=technician, order=order)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE and order.completed_at is None
    services.workorder_sign(actor=technician, order=order, signer_name="Rahim Uddin", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED and order.signer_name == "Rahim Uddin" and len(order.signature_sha256) == 64


@pytest.mark.django_db
def test_arrival_without_gps_is_allowed_and_flagged(technician):
    order = repair_order(technician=technician)
    services.workorder_arrive(actor=technician, order=order)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE and order.arrival_without_gps and order.arrival_latitude is None


@pytest.mark.django_db
def test_a_signature_that_is_not_a_png_is_refused(technician):
    order = repair_order(technician=technician)
    with pytest.raises(ValidationError):
        services.workorder_sign(actor=technician, order=order, signer_name="X", data_url="data:image/png;base64,aGVsbG8=")
    order.refresh_from_db()
    assert not order.signature and order.signer_name == ""


@pytest.mark.django_db(transaction=True)
def test_installation_completes_only_when_the_session_is_online_and_activates_the_subscription(technician, routeros_router, eager_outbox):  # noqa: F811
    router = RouterFactory(host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username)
    order = installation(router=router, technician=technician)
    subscription = order.subscription
    services.workorder_start_travel(actor=technician, order=order)
    services.workorder_arrive(actor=technician, order=order, latitude="23.81", longitude="90.41", accuracy_m=8)
    # Check-in put the connection on the router for the customer's ONU to dial.
    assert routeros_router.session(subscription.username) is not None
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)
    order.refresh_from_db()
    subscription.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert subscription.status == Subscription.Status.ACTIVE and subscription.activated_at is not None
    assert any(row["name"] == subscription.username for row in routeros_router.run("/ppp/secret/print"))


@pytest.mark.django_db
def test_installation_offline_is_refused_and_only_a_supervisor_overrides(technician, supervisor):
    router = RouterFactory(host="127.0.0.1", api_port=1)  # nothing listens: the router cannot be reached
    order = installation(router=router, technician=technician)
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())
    with pytest.raises(ValidationError):
        workorder_complete(actor=technician, order=order)
    with pytest.raises(ValidationError, match="supervisor"):
        workorder_complete(actor=technician, order=order, override_reason="trust me")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE
    assert order.subscription.status == Subscription.Status.PENDING
    workorder_complete(actor=supervisor, order=order, override_reason="Router API down; customer online on the ONU")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED and order.override_by == supervisor
    assert order.subscription.status == Subscription.Status.ACTIVE


# Photos and equipment ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_photo_upload_is_idempotent_by_its_id_and_refuses_bad_files(technician, settings):
    order = repair_order(technician=technician)
    key = uuid.uuid4()
    photo, created = services.workorder_add_photo(
        actor=technician, order=order, client_uuid=key, upload=SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG")),
    )
    again, created_again = services.workorder_add_photo(
        actor=technician, order=order, client_uuid=key, upload=SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG")),
    )
    assert created and not created_again and again.pk == photo.pk
    with pytest.raises(ValidationError, match="not an image"):
        services.workorder_add_photo(actor=technician, order=order, client_uuid=uuid.uuid4(), upload=SimpleUploadedFile("x.jpg", b"not an image"))
    settings.FIELDSERVICE_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="too large"):
        services.workorder_add_photo(actor=technician, order=order, client_uuid=uuid.uuid4(), upload=SimpleUploadedFile("b.jpg", png_bytes((400, 400), fmt="JPEG")))
    assert WorkOrderPhoto.objects.filter(order=order).count() == 1


@pytest.mark.django_db
def test_a_serial_installed_elsewhere_is_refused(technician):
    elsewhere = make_customer()
    onu("ZTEG0009", status=EquipmentItem.Status.INSTALLED, customer=elsewhere)
    order = repair_order(technician=technician)
    with pytest.raises(ValidationError, match="another customer"):
        equipment.workorder_equipment(actor=technician, order=order, serial="zteg0009", action="install")
    item = EquipmentItem.objects.get(serial="ZTEG0009")
    assert item.customer == elsewhere and item.movements.count() == 0


@pytest.mark.django_db
def test_installing_and_collecting_equipment_keeps_its_history(technician):
    item = onu("ZTEG0010", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    order = repair_order(technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0010", action="install")
    item.refresh_from_db()
    assert item.status == EquipmentItem.Status.INSTALLED and item.customer == order.customer
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0010", action="collect", faulty=True)
    item.refresh_from_db()
    assert item.status == EquipmentItem.Status.RETURNED_FAULTY and item.customer is None
    assert list(item.movements.values_list("to_status", flat=True)) == ["installed", "returned_faulty"]


# The technician app's operations -----------------------------------------------------------------

@pytest.mark.django_db
def test_a_replayed_operation_answers_the_stored_result_and_applies_once(technician):
    order = repair_order(technician=technician)
    key = uuid.uuid4()
    first = sync.operation_apply(technician=technician, op_uuid=key, kind="note", order_id=order.pk, payload={"text": "Gate locked"})
    again = sync.operation_apply(technician=technician, op_uuid=str(key), kind="note", order_id=order.pk, payload={"text": "Gate locked"})
    assert first.result == again.result == {"ok": True, "status": "assigned"}
    assert WorkOrderEvent.objects.filter(order=order, action="note").count() == 1
    assert SyncOperation.objects.get(uuid=key).replays == 1


@pytest.mark.django_db
def test_an_operation_on_a_cancelled_order_is_a_stored_conflict_and_changes_nothing(technician):
    order = repair_order(technician=technician)
    services.workorder_cancel(actor=None, order=order, reason="Duplicate")
    result = sync.operation_apply(technician=technician, op_uuid=uuid.uuid4(), kind="start_travel", order_id=order.pk, payload={})
    assert result.ok is False and result.result["status"] == "cancelled"
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CANCELLED and order.travel_started_at is None


@pytest.mark.django_db
def test_an_operation_on_an_order_reassigned_to_another_technician_is_refused(technician, other_technician):
    order = repair_order(technician=technician)
    services.workorder_schedule(actor=None, order=order, technician=other_technician)
    result = sync.operation_apply(technician=technician, op_uuid=uuid.uuid4(), kind="arrive", order_id=order.pk, payload={})
    assert result.ok is False and result.result["code"] == "not_assigned" and result.result["status"] == ""
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ASSIGNED and order.arrived_at is None


@pytest.mark.postgres  # real concurrency: ten connections racing on one unique key
@pytest.mark.django_db(transaction=True)
def test_one_operation_id_sent_ten_times_at_once_has_one_effect(technician):
    order = repair_order(technician=technician)
    key = str(uuid.uuid4())
    barrier = threading.Barrier(10, timeout=120)

    def send():
        barrier.wait()
        return sync.operation_apply(technician=technician, op_uuid=key, kind="note", order_id=order.pk, payload={"text": "once"}).result

    results, errors = run_in_threads(send, 10)
    assert not errors
    assert results == [{"ok": True, "status": "assigned"}] * 10
    assert WorkOrderEvent.objects.filter(order=order, action="note", message="once").count() == 1
    assert SyncOperation.objects.filter(uuid=key).count() == 1


@pytest.mark.django_db
def test_rating_only_a_completed_visit_once(technician):
    customer = make_customer(portal_password="pw-123456789")
    order = repair_order(technician=technician, customer=customer)
    with pytest.raises(ValidationError):
        workorder_rate(customer=customer, order=order, rating=5)
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="R", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)
    workorder_rate(customer=customer, order=order, rating=4, comment="On time")
    with pytest.raises(ValidationError):
        workorder_rate(customer=customer, order=order, rating=1)
    order.refresh_from_db()
    assert (order.survey.kind, order.survey.rating, order.survey.comment) == ("visit", 4, "On time")


@pytest.mark.django_db
def test_a_completed_visit_asks_a_tickets_survey_that_counts_for_the_technician_in_the_survey_report(technician, admin):
    from django.core.exceptions import PermissionDenied

    from tickets.models import Survey
    from tickets.selectors import survey_analytics

    customer = make_customer(portal_password="pw-123456789")
    other = make_customer(portal_password="pw-123456789")
    order = repair_order(technician=technician, customer=customer)
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="R", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)
    order.refresh_from_db()
    survey = order.survey
    assert (survey.kind, survey.customer, survey.agent, survey.ticket, survey.rating) == ("visit", customer, technician, None, None)
    assert survey.subject.startswith(order.number) and survey.branch_id == customer.branch_id
    with pytest.raises(ValidationError):  # another customer cannot rate the visit, nor answer its survey
        workorder_rate(customer=other, order=order, rating=1)
    with pytest.raises(PermissionDenied):
        survey_answer_visit(customer=other, survey_id=survey.pk, rating=1)
    assert Survey.objects.get(pk=survey.pk).rating is None
    workorder_rate(customer=customer, order=order, rating=2, comment="Late")

    stats = survey_analytics(user=admin)
    assert (stats.asked, stats.answered, stats.average) == (1, 1, 2)
    assert [row["agent__username"] for row in stats.per_agent] == ["tech1"]
    assert [str(row["label"]) for row in stats.per_category] == ["Technician visit"]
    assert stats.comments[0].subject == survey.subject


@pytest.mark.django_db
def test_a_slot_overlap_shows_on_the_board(technician, admin):
    from fieldservice.selectors import dispatch_board

    start = timezone.now().replace(hour=4, minute=0, second=0, microsecond=0)
    first = repair_order(technician=technician)
    second = repair_order(technician=technician)
    services.workorder_schedule(actor=None, order=first, scheduled_start=start, duration_minutes=90)
    services.workorder_schedule(actor=None, order=second, scheduled_start=start + timedelta(minutes=60))
    board = dispatch_board(user=admin, day=timezone.localdate(start))
    column = next(c for c in board.columns if c["technician"] == technician)
    assert column["overlaps"] == {first.pk, second.pk} and column["minutes"] == 150


@pytest.mark.django_db(transaction=True)
def test_installing_sold_equipment_bills_it_once_through_billing_and_lent_equipment_bills_nothing(technician):
    from decimal import Decimal

    from billing.models import Invoice, InvoiceLine
    from fieldservice.models import EquipmentModel

    router_model = EquipmentModel.objects.create(name="TP-Link Archer C6", category="router", sale_price=Decimal("2800.00"))
    sold = EquipmentItem.objects.create(model=router_model, serial="TPLC0001", status=EquipmentItem.Status.WITH_TECHNICIAN)
    onu("ZTEG0077", status=EquipmentItem.Status.WITH_TECHNICIAN)  # no price: lent
    order = repair_order(technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0077", action="install")
    assert not Invoice.objects.filter(customer=order.customer).exists()
    equipment.workorder_equipment(actor=technician, order=order, serial="TPLC0001", action="install")
    equipment.workorder_equipment(actor=technician, order=order, serial="TPLC0001", action="install")  # recorded again: no second bill
    invoice = Invoice.objects.get(customer=order.customer)
    line = InvoiceLine.objects.get(invoice=invoice)
    assert line.kind == "one_time" and "TPLC0001" in line.description and order.number in line.description
    assert invoice.total >= Decimal("2800.00")
    assert sold.movements.get(to_status="installed").invoice == invoice
