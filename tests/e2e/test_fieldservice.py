"""The field-service acceptance test: a supervisor plans and assigns an installation in the staff
console; the technician, on a 360×780 phone, opens it, goes offline, checks in, ticks the checklist,
takes a photo, gets the customer's signature and completes; back online, the queue is replayed and
the server has everything exactly once; the installation activated the subscription and the RouterOS
simulator holds its secret. The outbox runs eagerly against the simulator, as in test_router_suspend."""

import io
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from customers.models import Subscription
from fieldservice.models import SyncOperation, WorkOrder, WorkOrderEvent, WorkOrderPhoto
from tests.demo.conftest import (  # noqa: F401
    make_routeros_router,
    routeros_clock,
    routeros_router,
    routeros_simulator,
)
from tests.e2e.conftest import ARTIFACTS
from tests.factories import (
    PASSWORD,
    RouterFactory,
    UserFactory,
    make_customer,
    make_subscription,
)


@pytest.fixture
def phone(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 780}, locale="en-US", has_touch=True,
        permissions=["geolocation"], geolocation={"latitude": 23.8069, "longitude": 90.3687, "accuracy": 15},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield context, page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-phone.png"), full_page=True, diagnostic=True)
    context.close()
    assert not errors, f"JavaScript errors on the phone: {errors}"


def jpeg(width=1200, height=900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 200)).save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def sign_in(page, surface: str, username: str):
    page.goto(f"/{surface}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
@override_settings(FIELDSERVICE_AUTO_INSTALLATION_ORDERS=False)
def test_supervisor_assigns_and_technician_completes_an_installation_offline(page, phone, routeros_router, eager_outbox):  # noqa: F811
    router = RouterFactory(name="MIR-CORE-01", host=routeros_router.host, api_port=routeros_router.port, username=routeros_router.username)
    customer = make_customer(name="Nasima Akter", phone="01713-444555", latitude="23.806900", longitude="90.368700")
    subscription = make_subscription(customer=customer, router=router, username="nasima.home")
    assert subscription.status == Subscription.Status.PENDING
    assert not any(row["name"] == "nasima.home" for row in routeros_router.run("/ppp/secret/print"))
    technician = UserFactory(kind="technician", username="shuvo", first_name="Shuvo", last_name="Dey", phone="+8801711000111")
    supervisor = UserFactory(username="dipankar", roles=["Technician supervisor"])

    # The supervisor plans the installation from the customer's page and assigns it.
    sign_in(page, "staff", supervisor.username)
    page.goto(f"/staff/customers/{customer.pk}/")
    page.get_by_role("button", name="Visits & equipment").click()
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_label("Kind").select_option("installation")
    page.get_by_label("Connection").select_option(str(subscription.pk))
    page.get_by_label("Technician").select_option(str(technician.pk))
    start = timezone.localtime(timezone.now() + timedelta(minutes=30))
    page.get_by_label("Scheduled at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Create work order").click()
    expect(page.locator("#workorder-status")).to_have_text("Assigned")
    order = WorkOrder.objects.get(subscription=subscription)
    assert order.technician == technician and order.kind == WorkOrder.Kind.INSTALLATION
    required = order.checklist.count()
    assert required > 0

    # The technician opens it on the phone, online, and the app is installed (service worker active).
    context, tech = phone
    sign_in(tech, "technician", technician.username)
    tech.locator(f"#order-card-{order.pk}").click()
    expect(tech.locator("#order-status")).to_have_text("Assigned")
    assert tech.evaluate("navigator.serviceWorker.ready.then(() => true)")
    tech.wait_for_function("caches.match(location.href).then((hit) => !!hit)")  # kept for offline use
    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.")

    # Offline: every action is kept on the phone.
    context.set_offline(True)
    tech.get_by_role("button", name="Arrived (check in)").click()
    expect(tech.locator("#order-status")).to_have_text("On site")
    for box in tech.locator("[data-check]").all():
        box.check()
    with tech.expect_file_chooser() as chooser:
        tech.get_by_label("Take a photo").click()
    chooser.value.set_files(files=[{"name": "onu.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    expect(tech.locator("#photo-strip .photo-queued")).to_have_count(1)
    canvas = tech.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    tech.mouse.move(box["x"] + 20, box["y"] + 40)
    tech.mouse.down()
    for step in range(1, 12):
        tech.mouse.move(box["x"] + 20 + step * 22, box["y"] + 40 + (step % 3) * 25)
    tech.mouse.up()
    tech.get_by_label("Signer's name").fill("Nasima Akter")
    tech.get_by_role("button", name="Save signature").click()
    tech.get_by_role("button", name="Complete").click()
    expect(tech.locator("#order-status")).to_have_text("Completed")
    expect(tech.locator("#sync-state")).to_contain_text("waiting to sync")
    # A completed visit keeps no buttons: nothing to tap twice, no form to fill after the fact.
    expect(tech.get_by_role("button", name="Complete")).to_be_hidden()
    expect(tech.get_by_role("button", name="Arrived (check in)")).to_be_hidden()
    expect(tech.locator("#order-closed")).to_be_visible()
    tech.screenshot(path=str(ARTIFACTS / "technician-360-completed.png"), full_page=True)

    # Nothing has reached the server yet.
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.ASSIGNED
    assert not SyncOperation.objects.exists() and not WorkOrderPhoto.objects.exists()

    # Offline, a reload is served by the service worker and still shows what is queued.
    tech.reload()
    expect(tech.locator("#order-status")).to_have_text("Completed")

    # Back online: the queue is replayed once, in order.
    context.set_offline(False)
    expect(tech.locator("#sync-state")).to_have_text("Everything is synced.", timeout=30_000)
    assert tech.locator("#sync-conflicts li").count() == 0, tech.locator("#sync-conflicts").inner_text()

    order.refresh_from_db()
    subscription.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED
    assert not order.arrival_without_gps and order.arrival_accuracy_m == 15
    assert order.checklist.filter(done=True).count() == required
    assert order.signer_name == "Nasima Akter" and order.signature_sha256
    assert WorkOrderPhoto.objects.filter(order=order).count() == 1
    assert WorkOrderPhoto.objects.get(order=order).size < len(jpeg())  # compressed on the phone
    assert WorkOrderEvent.objects.filter(order=order, action="arrived").count() == 1
    assert WorkOrderEvent.objects.filter(order=order, action="completed").count() == 1
    assert SyncOperation.objects.filter(order=order, ok=True).count() == 1 + required + 1 + 1  # arrive, ticks, sign, complete
    assert subscription.status == Subscription.Status.ACTIVE
    assert any(row["name"] == "nasima.home" for row in routeros_router.run("/ppp/secret/print"))
    assert routeros_router.session("nasima.home") is not None

    # The supervisor sees the completed order with its photo and signature.
    page.goto(f"/staff/work-orders/{order.pk}/")
    expect(page.locator("#workorder-status")).to_have_text("Completed")
    expect(page.locator("#workorder-photos img")).to_have_count(2)
