"""The dispatch board's map without internet: its tiles fail, the page says so, the markers and the
board still work. And every page has an icon."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from fieldservice.models import WorkOrder
from tests.factories import PASSWORD, UserFactory
from tests.fieldservice.conftest import repair_order


@pytest.mark.django_db(transaction=True)
def test_the_map_says_its_tiles_did_not_load_and_the_board_still_works(page):
    technician = UserFactory(kind="technician", first_name="Shuvo", last_name="Dey")
    UserFactory(username="mapsupervisor", roles=["Technician supervisor"])
    order = repair_order(technician=technician)
    WorkOrder.objects.filter(pk=order.pk).update(latitude=Decimal("23.8103"), longitude=Decimal("90.4125"))
    tile_origin = "/".join(settings.MAP_TILE_URL.split("/")[:3]).replace("{s}", "*")
    page.route(f"{tile_origin}/**", lambda route: route.abort("internetdisconnected"))  # no internet here
    page.set_default_timeout(30_000)  # the board's first load under a busy machine

    page.goto("/staff/login/", timeout=120_000)  # the live server's first page loads every view
    page.get_by_label("Username").fill("mapsupervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(reverse("staff:workorder-dispatch") + f"?day={timezone.localdate().isoformat()}")

    notice = page.get_by_test_id("map-offline")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("MAP_TILE_URL")
    expect(page.locator("#dispatch-map .leaflet-marker-icon")).to_have_count(1)  # the order is still on the map
    expect(page.locator(f"#board-order-{order.pk}")).to_be_visible()  # and on the board

    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).status == 200
    assert page.request.get("/favicon.ico", max_redirects=0).status == 301
