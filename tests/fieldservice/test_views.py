import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fieldservice import services
from fieldservice.models import SyncOperation, WorkOrder, WorkOrderEvent, WorkOrderPhoto
from tests.factories import PASSWORD, UserFactory, make_customer, make_subscription
from tickets.services import ticket_create
from usecases.workorder_complete import workorder_complete

from .conftest import finish_checklist, png_bytes, repair_order, signature_data_url


def ops(client, *operations):
    return client.post(reverse("technician:operations"), data=json.dumps({"ops": list(operations)}), content_type="application/json")


# Staff -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_plan_a_visit_from_a_ticket_creates_a_repair_order_for_its_customer(client, supervisor, technician):
    customer = make_customer()
    ticket = ticket_create(actor=None, customer=customer, category="slow_speed", subject="No light", description="Red LOS")
    client.force_login(supervisor)
    page = client.get(reverse("staff:ticket-detail", args=[ticket.pk]))
    assert page.status_code in (200, 403)  # supervisors may only view tickets; the button is shown where allowed
    response = client.post(
        f"{reverse('staff:workorder-create')}?ticket={ticket.pk}",
        {"kind": "repair", "priority": "high", "description": "Check the drop", "duration_minutes": 60, "technician": technician.pk,
         "scheduled_start": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    order = WorkOrder.objects.get(ticket=ticket)
    assert response.status_code == 302 and response.url == reverse("staff:workorder-detail", args=[order.pk])
    assert order.customer == customer and order.source == WorkOrder.Source.TICKET
    assert order.technician == technician and order.status == WorkOrder.Status.ASSIGNED


@pytest.mark.django_db
def test_site_survey_from_a_lead(client, supervisor):
    from customers.services import lead_create

    lead = lead_create(actor=None, name="Kamal", phone="01711000077", address="Road 4")
    client.force_login(supervisor)
    response = client.post(f"{reverse('staff:workorder-create')}?lead={lead.pk}", {"kind": "site_survey", "priority": "normal", "duration_minutes": 45})
    order = WorkOrder.objects.get(lead=lead)
    assert response.status_code == 302 and order.kind == WorkOrder.Kind.SITE_SURVEY and order.customer is None


@pytest.mark.django_db
def test_create_with_an_unknown_account_number_changes_nothing(client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("staff:workorder-create"), {"account_number": "CT-NOPE", "kind": "repair", "priority": "normal", "duration_minutes": 60})
    assert response.status_code == 400 and b"No customer with that account number" in response.content
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_support_cannot_assign_and_nothing_changes(client, technician):
    support = UserFactory(roles=["Support"])
    order = repair_order(technician=technician)
    client.force_login(support)
    assert client.post(reverse("staff:workorder-assign", args=[order.pk]), {"technician": ""}).status_code == 403
    order.refresh_from_db()
    assert order.technician == technician


@pytest.mark.django_db
def test_list_detail_board_and_customer_page_render_for_the_supervisor(client, supervisor, technician):
    order = repair_order(technician=technician)
    services.workorder_add_photo(actor=technician, order=order, client_uuid=uuid.uuid4(), upload=SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG")))
    client.force_login(supervisor)
    assert order.number.encode() in client.get(reverse("staff:workorder-list")).content
    assert client.get(reverse("staff:workorder-list"), {"status": "all", "q": order.number}, HTTP_HX_REQUEST="true").status_code == 200
    detail = client.get(reverse("staff:workorder-detail", args=[order.pk]))
    assert detail.status_code == 200 and b"workorder-assign" in detail.content
    photo = order.photos.get()
    image = client.get(reverse("staff:workorder-photo", args=[order.pk, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    board = client.get(reverse("staff:workorder-dispatch"), {"day": timezone.localdate().isoformat()})
    assert board.status_code == 200 and f"board-order-{order.pk}".encode() in board.content
    assert client.get(reverse("staff:workorder-customer", args=[order.customer_id])).status_code == 200


@pytest.mark.django_db
def test_the_board_map_data_comes_as_json_with_the_boards_filters(client, supervisor, technician):
    from decimal import Decimal

    located = repair_order(technician=technician)
    WorkOrder.objects.filter(pk=located.pk).update(latitude=Decimal("23.8103"), longitude=Decimal("90.4125"))
    unlocated = repair_order(technician=technician)
    client.force_login(supervisor)
    day = timezone.localdate().isoformat()
    board = client.get(reverse("staff:workorder-dispatch"), {"day": day, "kind": "repair"}).content.decode()
    assert "data-points-url" in board and "dispatch-points" not in board  # the map's data is not in the page
    data = client.get(reverse("staff:workorder-dispatch-map"), {"day": day}).json()
    assert [(p["number"], p["lat"], p["technician"]) for p in data["points"]] == [(located.number, 23.8103, "Shuvo Dey")]
    assert [row["number"] for row in data["without_gps"]] == [unlocated.number]
    assert data["points"][0]["url"] == reverse("staff:workorder-detail", args=[located.pk])
    assert client.get(reverse("staff:workorder-dispatch-map"), {"day": day, "kind": "installation"}).json() == {"points": [], "without_gps": []}
    client.force_login(make_customer(portal_password=PASSWORD).user)
    assert client.get(reverse("staff:workorder-dispatch-map"), {"day": day}).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_board_assign_by_select_answers_the_board(client, supervisor, technician, other_technician):
    order = repair_order(technician=technician)
    client.force_login(supervisor)
    response = client.post(
        reverse("staff:workorder-dispatch-assign"),
        {"order": order.pk, "technician": other_technician.pk, "day": timezone.localdate().isoformat()}, HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and b'id="dispatch-board"' in response.content
    order.refresh_from_db()
    assert order.technician == other_technician


# Technician app ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_manifest_and_service_worker_are_served_for_the_whole_app(client):
    manifest = client.get(reverse("technician:manifest"))
    assert manifest.status_code == 200 and manifest.json()["scope"] == "/technician/"
    worker = client.get(reverse("technician:service-worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert b"fs-shell-" in worker.content and b"/static/js/technician.js" in worker.content


@pytest.mark.django_db
def test_technician_sees_only_their_orders(client, technician, other_technician):
    mine = repair_order(technician=technician)
    theirs = repair_order(technician=other_technician)
    client.force_login(technician)
    home = client.get(reverse("technician:home")).content.decode()
    assert mine.number in home and theirs.number not in home
    assert client.get(reverse("technician:order-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("technician:order-detail", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
def test_operations_endpoint_applies_once_and_answers_a_replay_the_same(client, technician):
    order = repair_order(technician=technician)
    client.force_login(technician)
    op = {"uuid": str(uuid.uuid4()), "kind": "arrive", "order": order.pk, "payload": {}}
    first = ops(client, op).json()["results"][0]
    again = ops(client, op).json()["results"][0]
    assert first == again == {"uuid": op["uuid"], "ok": True, "status": "on_site"}
    assert WorkOrderEvent.objects.filter(order=order, action="arrived").count() == 1
    order.refresh_from_db()
    assert order.arrival_without_gps  # no fix: allowed, flagged


@pytest.mark.django_db
def test_a_batch_applies_in_order_each_id_once_and_answers_each_action(client, technician, other_technician):
    order = repair_order(technician=technician)
    theirs = repair_order(technician=other_technician)
    item = order.checklist.first()
    client.force_login(technician)
    note = {"uuid": str(uuid.uuid4()), "kind": "note", "order": order.pk, "payload": {"text": "Gate locked"}}
    batch = [
        {"uuid": str(uuid.uuid4()), "kind": "arrive", "order": order.pk, "payload": {}},
        {"uuid": str(uuid.uuid4()), "kind": "check", "order": order.pk, "payload": {"item": item.pk, "done": True}},
        note, note,  # the same id twice: once
        {"uuid": str(uuid.uuid4()), "kind": "arrive", "order": theirs.pk, "payload": {}},
        {"uuid": str(uuid.uuid4()), "kind": "readings", "order": order.pk, "payload": {}},  # refused alone
        {"uuid": "not-a-uuid", "kind": "note", "order": order.pk, "payload": {"text": "x"}},
    ]
    results = ops(client, *batch).json()["results"]
    assert [(r["ok"], r.get("code"), r.get("status")) for r in results] == [
        (True, None, "on_site"), (True, None, "on_site"), (True, None, "on_site"), (True, None, "on_site"),
        (False, "not_assigned", ""), (False, "invalid", "on_site"), (False, "invalid", None),
    ]
    assert WorkOrderEvent.objects.filter(order=order, action="note", message="Gate locked").count() == 1
    assert SyncOperation.objects.get(uuid=note["uuid"]).replays == 1
    assert ops(client, *batch).json()["results"][:6] == results[:6]  # the whole batch again: the stored answers
    theirs.refresh_from_db()
    assert theirs.status == WorkOrder.Status.ASSIGNED and not WorkOrderEvent.objects.filter(order=theirs, action="arrived").exists()


@pytest.mark.django_db
def test_completing_without_checklist_is_a_conflict_and_nothing_changes(client, technician):
    order = repair_order(technician=technician)
    services.workorder_arrive(actor=technician, order=order)
    client.force_login(technician)
    result = ops(client, {"uuid": str(uuid.uuid4()), "kind": "complete", "order": order.pk, "payload": {}}).json()["results"][0]
    assert result["ok"] is False and "checklist" in result["error"]
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ON_SITE


@pytest.mark.django_db
def test_bad_operation_batches_are_refused(client, technician):
    client.force_login(technician)
    assert client.post(reverse("technician:operations"), data="nope", content_type="application/json").status_code == 400
    assert ops(client).status_code == 400
    result = ops(client, {"uuid": "not-a-uuid", "kind": "note", "order": 1, "payload": {"text": "x"}}).json()["results"][0]
    assert result["ok"] is False
    assert not SyncOperation.objects.exists()


@pytest.mark.django_db
def test_photo_upload_limits(client, technician, other_technician, settings):
    order = repair_order(technician=technician)
    theirs = repair_order(technician=other_technician)
    client.force_login(technician)
    url = reverse("technician:photo-upload")
    ok = client.post(url, {"uuid": str(uuid.uuid4()), "order": order.pk, "photo": SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG"))})
    assert ok.status_code == 201
    bad = client.post(url, {"uuid": str(uuid.uuid4()), "order": order.pk, "photo": SimpleUploadedFile("a.jpg", b"GIF89a not really")})
    assert bad.status_code == 400 and "not an image" in bad.json()["error"]
    other = client.post(url, {"uuid": str(uuid.uuid4()), "order": theirs.pk, "photo": SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG"))})
    assert other.status_code == 404
    settings.FIELDSERVICE_PHOTO_MAX_BYTES = 50
    big = client.post(url, {"uuid": str(uuid.uuid4()), "order": order.pk, "photo": SimpleUploadedFile("a.jpg", png_bytes(fmt="JPEG"))})
    assert big.status_code == 413
    assert WorkOrderPhoto.objects.count() == 1


# Portal ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_portal_shows_the_upcoming_visit_and_takes_a_rating_after_completion(client, technician):
    customer = make_customer(portal_password=PASSWORD)
    order = repair_order(technician=technician, customer=customer)
    client.force_login(customer.user)
    page = client.get(reverse("portal:visits")).content.decode()
    assert "Repair" in page and "Shuvo Dey" in page
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="R", data_url=signature_data_url())
    workorder_complete(actor=technician, order=order)
    assert f"rate-{order.pk}" in client.get(reverse("portal:visits")).content.decode()
    assert client.post(reverse("portal:visit-rate", args=[order.pk]), {"rating": 9}).status_code == 400
    response = client.post(reverse("portal:visit-rate", args=[order.pk]), {"rating": 5, "comment": "Quick"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.survey.rating, order.survey.comment) == (5, "Quick")
    assert f"rate-{order.pk}" not in client.get(reverse("portal:visits")).content.decode()


@pytest.mark.django_db
def test_new_subscription_installation_appears_in_the_portal(client):
    subscription = make_subscription(customer=make_customer(portal_password=PASSWORD))
    client.force_login(subscription.customer.user)
    assert "Installation" in client.get(reverse("portal:visits")).content.decode()


# Reports ---------------------------------------------------------------------------------

def _complete(order, technician):
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="R", data_url=signature_data_url())
    return workorder_complete(actor=technician, order=order)


@pytest.mark.django_db
def test_first_time_fix_rate_counts_a_repeat_visit_within_14_days(client, supervisor, technician):
    from fieldservice.selectors import field_report

    fixed, repeated = make_customer(), make_customer()
    _complete(repair_order(technician=technician, customer=fixed), technician)
    _complete(repair_order(technician=technician, customer=repeated), technician)
    repair_order(technician=technician, customer=repeated)  # came back: not fixed the first time
    today = timezone.localdate()
    report = field_report(user=supervisor, since=today, until=today, target_hours=72)
    assert report["repairs"] == 2 and report["fixed_first_time"] == 1 and report["first_time_fix_rate"] == 50.0
    assert report["per_technician"][0]["completed"] == 2 and report["per_technician"][0]["open"] == 1
    client.force_login(supervisor)
    page = client.get(reverse("staff:workorder-reports"))
    assert page.status_code == 200 and b"50.0 %" in page.content


@pytest.mark.django_db
def test_the_technician_reads_the_ticket_the_visit_was_planned_from_and_only_their_own(client, technician, other_technician):
    from tests.factories import admin_user
    from tickets.services import ticket_reply

    customer = make_customer()
    ticket = ticket_create(actor=None, customer=customer, category="no_connection", subject="LOS light red", description="Since the storm last night")
    ticket_reply(actor=admin_user(), ticket=ticket, body="Splice at box 14 looked wet", internal=True)
    order = services.workorder_create(actor=None, kind=WorkOrder.Kind.REPAIR, ticket=ticket, source=WorkOrder.Source.TICKET)
    services.workorder_schedule(actor=None, order=order, technician=technician, scheduled_start=timezone.now())
    plain = repair_order(technician=technician)
    client.force_login(technician)
    detail = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode()
    url = reverse("technician:order-ticket", args=[order.pk])
    assert url in detail and "LOS light red" in detail
    assert url in client.get(reverse("technician:home")).content.decode()  # under its card, kept for offline
    page = client.get(url).content.decode()
    assert "Since the storm last night" in page and "Splice at box 14 looked wet" in page and "Internal note" in page
    assert client.get(reverse("technician:order-ticket", args=[plain.pk])).status_code == 404  # no ticket
    client.force_login(other_technician)
    assert client.get(url).status_code == 404  # another technician's order


@pytest.mark.django_db
def test_a_visit_completed_from_the_phone_asks_the_customer_to_rate_it(client, technician):
    order = repair_order(technician=technician)
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    if order.kind in WorkOrder.SIGNED_KINDS:
        services.workorder_sign(actor=technician, order=order, signer_name="Rahim", data_url=signature_data_url())
    client.force_login(technician)
    result = ops(client, {"uuid": str(uuid.uuid4()), "kind": "complete", "order": order.pk, "payload": {}}).json()["results"][0]
    assert result["ok"] is True, result
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert order.survey is not None and order.survey.customer_id == order.customer_id and order.survey.agent_id == technician.pk


@pytest.mark.django_db
def test_odd_numbers_in_work_order_filters_are_ignored_not_a_server_error(client, supervisor):
    """'²' passes str.isdigit and then fails int(): it was a 500 on the list, the board and the new-order form."""
    client.force_login(supervisor)
    odd = {"technician": "²", "branch": "³", "area": "¹", "q": "WO-²"}
    assert client.get(reverse("staff:workorder-list"), odd).status_code == 200
    assert client.get(reverse("staff:workorder-list"), {"branch": "9" * 30, "q": "9" * 30}).status_code == 200
    assert client.get(reverse("staff:workorder-dispatch"), odd).status_code == 200
    assert client.get(reverse("staff:workorder-dispatch-map"), odd).status_code == 200
    for source in ("ticket", "lead", "customer"):
        assert client.get(reverse("staff:workorder-create"), {source: "²"}).status_code == 200


@pytest.mark.django_db
def test_a_technician_working_in_bangla_reads_the_orders_history_in_bangla(client, technician, supervisor):
    """The history stores codes ("created", "assigned"); each reader sees them in their language,
    and the staff page names the statuses rather than their codes."""
    order = repair_order(technician=technician)
    technician.language = "bn"
    technician.save(update_fields=["language"])
    client.force_login(technician)
    history = client.get(reverse("technician:order-detail", args=[order.pk])).content.decode().split('id="order-history"')[1]
    assert "তৈরি হয়েছে" in history and "দায়িত্ব দেওয়া হয়েছে" in history
    assert not any(code in history for code in (" created ", " assigned ", ">created", ">assigned"))
    client.force_login(supervisor)
    staff_page = client.get(reverse("staff:workorder-detail", args=[order.pk])).content.decode()
    assert "<strong>Assigned</strong> New → Assigned" in staff_page and "new → assigned" not in staff_page


@pytest.mark.django_db
def test_signing_out_of_the_technician_app_tells_the_browser_to_clear_its_cache_and_storage(client, technician, supervisor):
    client.force_login(technician)
    response = client.post(reverse("technician:logout"))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session
    client.force_login(supervisor)  # the staff console keeps its browser data
    assert "Clear-Site-Data" not in client.post(reverse("staff:logout"))
