"""The technician's phone (360 px) offline: it checks what completing needs before it lets the
technician finish, shows which queued action the server refused and why while the rest apply, and
signing out clears what the app keeps in the browser."""

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fieldservice import services
from fieldservice.models import ChecklistTemplate, EquipmentItem, SyncOperation, WorkOrder, WorkOrderEvent
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_fieldservice import jpeg, phone, sign_in  # noqa: F401 - the phone fixture
from tests.factories import UserFactory, make_customer
from tests.fieldservice.conftest import onu


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def strict_repair(technician):
    services.checklist_templates_ensure_defaults()
    ChecklistTemplate.objects.filter(kind=WorkOrder.Kind.REPAIR).update(photos_required=1, serial_required=True)
    order = services.workorder_create(actor=None, kind=WorkOrder.Kind.REPAIR, customer=make_customer(name="Rokeya Begum"),
                                      description="No light on the ONU")
    return services.workorder_schedule(actor=None, order=order, technician=technician, scheduled_start=timezone.now())


def repair_open_and_synced(phone):
    """A technician's strict repair order, open on the phone with nothing waiting to sync."""
    order = strict_repair(UserFactory(kind="technician", username="shuvo"))
    _context, tech = phone
    sign_in(tech, "technician", order.technician.username)
    tech.goto(f"/technician/orders/{order.pk}/")
    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.")
    return order, tech


def queued_kinds(tech):
    return tech.evaluate("idbKeyval.values().then((ops) => ops.filter((op) => op && op.kind).map((op) => op.kind))")


@pytest.mark.django_db(transaction=True)
def test_the_phone_will_not_complete_offline_until_everything_the_server_checks_is_there(phone):  # noqa: F811
    technician = UserFactory(kind="technician", username="shuvo")
    order = strict_repair(technician)
    onu("ZTEG0777", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    context, tech = phone
    sign_in(tech, "technician", technician.username)
    tech.goto(f"/technician/orders/{order.pk}/")
    tech.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    tech.wait_for_function("caches.match(location.href).then((hit) => !!hit)")

    context.set_offline(True)
    tech.get_by_role("button", name="Arrived (check in)").click()
    expect(tech.locator("#order-status")).to_have_text("On site")
    tech.locator("[data-check]").first.check()
    tech.get_by_role("button", name="Complete").click()

    missing = tech.locator("#finish-missing")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("Tick the required checklist items:")
    expect(missing).to_contain_text("Take the required photos: 0 / 1")
    expect(missing).to_contain_text("Record the serial number")
    expect(missing).to_contain_text("Get the customer’s signature.")
    expect(tech.locator("#order-status")).to_have_text("On site")
    assert "complete" not in queued_kinds(tech)
    missing.scroll_into_view_if_needed()
    tech.screenshot(path=str(ARTIFACTS / "phone-360-completion-missing.png"))

    for box in tech.locator("[data-check]").all():
        box.check()
    with tech.expect_file_chooser() as chooser:
        tech.get_by_label("Take a photo").click()
    chooser.value.set_files(files=[{"name": "onu.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    expect(tech.locator("#photo-strip .photo-queued")).to_have_count(1)
    tech.get_by_label("Serial number").fill("ZTEG0777")
    tech.get_by_role("button", name="Record equipment").click()
    canvas = tech.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    area = canvas.bounding_box()
    tech.mouse.move(area["x"] + 20, area["y"] + 40)
    tech.mouse.down()
    for step in range(1, 10):
        tech.mouse.move(area["x"] + 20 + step * 25, area["y"] + 40 + (step % 3) * 20)
    tech.mouse.up()
    tech.get_by_role("button", name="Save signature").click()
    tech.get_by_role("button", name="Complete").click()
    expect(tech.locator("#order-status")).to_have_text("Completed")
    expect(missing).to_be_hidden()

    context.set_offline(False)
    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    assert tech.locator("#sync-conflicts li").count() == 0, tech.locator("#sync-conflicts").inner_text()
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED and order.photos.count() == 1 and order.equipment_movements.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_phone_shows_which_queued_action_was_refused_and_why_while_the_rest_apply(phone):  # noqa: F811
    order, tech = repair_open_and_synced(phone)

    # What an older version of the app (or a bad reading) left in the queue, between two good actions.
    ops = [
        {"uuid": str(uuid.uuid4()), "kind": "note", "order": order.pk, "payload": {"text": "Gate locked"}},
        {"uuid": str(uuid.uuid4()), "kind": "readings", "order": order.pk, "payload": {"onu_power_dbm": "NaN"}},
        {"uuid": str(uuid.uuid4()), "kind": "note", "order": order.pk, "payload": {"text": "Customer called back"}},
    ]
    tech.evaluate("""(ops) => Promise.all(ops.map((op, i) => idbKeyval.set("op:" + op.uuid, {...op, created: Date.now() + i, seq: i})))
                     .then(() => window.technicianSync.flush())""", ops)

    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    conflict = tech.locator("#sync-conflicts li")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("readings")
    expect(conflict).to_contain_text("ONU optical power (dBm): Enter a number.")
    conflict.scroll_into_view_if_needed()
    tech.screenshot(path=str(ARTIFACTS / "phone-360-refused-action.png"))
    assert queued_kinds(tech) == []  # nothing stuck on the phone
    assert set(WorkOrderEvent.objects.filter(order=order, action="note").values_list("message", flat=True)) == {
        "Gate locked", "Customer called back",
    }
    assert SyncOperation.objects.get(uuid=ops[1]["uuid"]).ok is False


@pytest.mark.django_db(transaction=True)
def test_an_action_queued_while_a_send_is_under_way_is_sent_right_after_it(phone):  # noqa: F811
    """The race that left a completion "1 waiting to sync" until the page was reopened: an action
    queued while the phone is sending the ones before it was not in the list that send read."""
    order, tech = repair_open_and_synced(phone)
    held = []

    def hold_the_first_send(route):
        if held:
            route.continue_()
        else:
            held.append(route)  # answered below, once the second action is queued

    tech.route("**/technician/api/ops/", hold_the_first_send)
    first, second = tech.locator("[data-check]").all()[:2]
    first.check()
    while not held:
        tech.wait_for_timeout(50)
    second.check()  # queued while the first send waits for its answer
    expect(tech.locator("#sync-state")).to_have_text("2 waiting to sync")
    held[0].continue_()

    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.", timeout=15_000)
    assert queued_kinds(tech) == []
    assert order.checklist.filter(done=True).count() == 2


QUEUE_SIZE = """() => new Promise((resolve) => {
  const open = indexedDB.open("keyval-store");
  open.onupgradeneeded = () => open.result.createObjectStore("keyval");
  open.onsuccess = () => {
    const count = open.result.transaction("keyval").objectStore("keyval").count();
    count.onsuccess = () => { resolve(count.result); open.result.close(); };
  };
})"""


@pytest.mark.django_db(transaction=True)
def test_signing_out_warns_of_unsent_actions_then_clears_the_queue_and_the_cached_pages(phone):  # noqa: F811
    technician = UserFactory(kind="technician", username="shuvo")
    order = strict_repair(technician)
    context, tech = phone
    sign_in(tech, "technician", technician.username)
    tech.goto(f"/technician/orders/{order.pk}/")
    tech.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    tech.wait_for_function("caches.match(location.href).then((hit) => !!hit)")

    # Two actions the server does not take in yet (the sync endpoint is unreachable).
    tech.route("**/technician/api/ops/", lambda route: route.abort())
    tech.get_by_role("button", name="Start travel").click()
    tech.get_by_role("button", name="Arrived (check in)").click()
    expect(tech.locator("#sync-state")).to_contain_text("2 waiting to sync")

    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    tech.once("dialog", lambda dialog: answer(dialog, accept=False))
    tech.get_by_role("button", name="Sign out").click()
    expect(tech.get_by_role("button", name="Sign out")).to_be_enabled()
    assert dialogs == ["2 actions on this phone have not been sent yet. Signing out deletes them. Sign out anyway?"]
    assert tech.url.endswith(f"/technician/orders/{order.pk}/") and tech.evaluate(QUEUE_SIZE) == 2  # kept: still signed in
    tech.get_by_role("button", name="Sign out").scroll_into_view_if_needed()
    tech.screenshot(path=str(ARTIFACTS / "phone-360-signed-in-with-unsent.png"))

    tech.once("dialog", lambda dialog: answer(dialog, accept=True))
    with tech.expect_response("**/technician/logout/") as logout:
        tech.get_by_role("button", name="Sign out").click()
    assert logout.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    expect(tech.get_by_label("Username")).to_be_visible()
    assert len(dialogs) == 2
    assert tech.evaluate(QUEUE_SIZE) == 0
    assert tech.evaluate("caches.keys()") == []
    assert tech.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    tech.screenshot(path=str(ARTIFACTS / "phone-360-signed-out.png"))
    # The next person on the phone gets nothing offline: no cached order page.
    context.set_offline(True)
    assert tech.evaluate(f"fetch('/technician/orders/{order.pk}/').then((r) => r.status, () => 'offline')") == "offline"
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ASSIGNED and not SyncOperation.objects.exists()
