"""The prepaid-card screens: every page renders, bad input answers 4xx and changes nothing, the
reseller portal shows a distributor its own batches only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.wallet_models import ResellerWallet, WalletEntry
from tests.factories import AreaFactory, UserFactory
from vouchers import codes, selectors
from vouchers.models import VoucherBatch, VoucherCard, VoucherPlan, WifiZone

from .helpers import make_batch, make_distributor, make_plan

pytestmark = pytest.mark.django_db


def _snapshot():
    return (VoucherBatch.objects.count(), VoucherCard.objects.count(), VoucherPlan.objects.count(), WifiZone.objects.count(),
            WalletEntry.objects.count(), sorted(VoucherCard.objects.values_list("state", flat=True)),
            sorted(VoucherBatch.objects.values_list("status", flat=True)),
            list(ResellerWallet.objects.order_by("pk").values_list("balance", flat=True)))


def test_every_staff_page_renders_and_is_in_the_navigation(staff_client):
    distributor, admin = make_distributor()
    batch = make_batch(count=3, distributor=distributor, actor=admin)
    zone_area = AreaFactory()
    from vouchers import services

    zone = services.zone_create(actor=admin, name="Bazar Wi-Fi", area=zone_area)
    pages = [
        reverse("staff:voucher-batch-list"), reverse("staff:voucher-batch-create"), reverse("staff:voucher-batch-detail", args=[batch.pk]),
        reverse("staff:voucher-plan-list"), reverse("staff:voucher-plan-create"), reverse("staff:voucher-plan-edit", args=[batch.plan_id]),
        reverse("staff:voucher-zone-list"), reverse("staff:voucher-zone-edit", args=[zone.pk]), reverse("staff:voucher-card-block"),
        reverse("staff:voucher-report"), reverse("staff:voucher-report") + "?group=seller",
    ]
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
    home = staff_client.get(reverse("staff:voucher-batch-list")).content.decode()
    for name in ("voucher-batch-list", "voucher-plan-list", "voucher-zone-list", "voucher-card-block", "voucher-report"):
        assert f'href="{reverse("staff:" + name)}"' in home


def test_staff_generates_a_batch_prints_exports_and_issues_it(staff_client):
    distributor, _admin = make_distributor(commission="10", topup="1000")
    plan = make_plan(price="30.00")
    response = staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan.pk, "count": "25", "note": "Market"})
    batch = VoucherBatch.objects.get()
    assert response.status_code == 302 and batch.count == 25 and batch.cards.count() == 25
    pdf = staff_client.get(reverse("staff:voucher-batch-pdf", args=[batch.pk]), {"language": "bn"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv_text = staff_client.get(reverse("staff:voucher-batch-csv", args=[batch.pk])).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("serial,code,login_url") and len(lines) == 26
    serial, code = lines[1].split(",")[:2]
    assert selectors.card_by_code(code=code).serial == int(serial) == batch.first_serial
    assert codes.normalise(code) in lines[1].split(",")[2]
    response = staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": distributor.pk})
    assert response.status_code == 302
    assert ResellerWallet.objects.get(reseller=distributor).balance == Decimal("325.00")


@pytest.mark.parametrize("count", ["", "abc", "NaN", "0", "-5", "100001", "1e9", "99999999999999999999"])
def test_batch_form_refuses_bad_counts(staff_client, count):
    plan = make_plan()
    before = _snapshot()
    response = staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan.pk, "count": count})
    assert response.status_code == 400 and _snapshot() == before


@pytest.mark.parametrize("plan", ["", "abc", "999999", "-1"])
def test_batch_form_refuses_unknown_plans(staff_client, plan):
    make_plan()
    before = _snapshot()
    assert staff_client.post(reverse("staff:voucher-batch-create"), {"plan": plan, "count": "5"}).status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-1", "0", "abc", "1e20", ""])
def test_plan_form_refuses_bad_prices(staff_client, price):
    before = _snapshot()
    response = staff_client.post(reverse("staff:voucher-plan-create"), {
        "name": "Hour", "duration": "1", "duration_unit": "hours", "download_kbps": "1024", "upload_kbps": "512", "devices": "1",
        "price": price, "valid_from": "first_use", "unused_days": "30", "is_active": "on"})
    assert response.status_code == 400 and _snapshot() == before


def test_plan_form_creates_and_edits(staff_client):
    data = {"name": "Hour", "duration": "1", "duration_unit": "hours", "download_kbps": "1024", "upload_kbps": "512", "devices": "2",
            "price": "10.00", "valid_from": "first_use", "unused_days": "30", "is_active": "on"}
    assert staff_client.post(reverse("staff:voucher-plan-create"), data).status_code == 302
    plan = VoucherPlan.objects.get()
    assert staff_client.post(reverse("staff:voucher-plan-edit", args=[plan.pk]), {**data, "price": "12.00"}).status_code == 302
    plan.refresh_from_db()
    assert plan.price == Decimal("12.00")
    assert staff_client.get(reverse("staff:voucher-plan-edit", args=[plan.pk + 999])).status_code == 404


@pytest.mark.parametrize("distributor", ["", "abc", "999999"])
def test_issue_refuses_unknown_distributors(staff_client, distributor):
    batch = make_batch(count=3)
    before = _snapshot()
    response = staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": distributor})
    assert response.status_code == 400 and _snapshot() == before


def test_issue_refuses_a_reseller_who_is_not_a_distributor_and_a_too_small_wallet(staff_client):
    from tests.resellers.helpers import make_reseller

    plain, *_rest = make_reseller(topup="100000")
    poor, _admin = make_distributor(topup="10")
    batch = make_batch(count=3)
    before = _snapshot()
    assert staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": plain.pk}).status_code == 400
    assert staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]), {"distributor": poor.pk}).status_code == 400
    assert _snapshot() == before
    assert staff_client.post(reverse("staff:voucher-batch-issue", args=[batch.pk + 999]), {"distributor": poor.pk}).status_code == 404


@pytest.mark.parametrize("post", [{"action": "explode", "reason": "x"}, {"action": "cancel", "reason": ""}, {"action": "resume"}, {}])
def test_status_refuses_bad_actions(staff_client, post):
    batch = make_batch(count=3)
    before = _snapshot()
    assert staff_client.post(reverse("staff:voucher-batch-status", args=[batch.pk]), post).status_code == 400
    assert _snapshot() == before


def test_suspend_resume_cancel_from_the_page(staff_client):
    batch = make_batch(count=3)
    url = reverse("staff:voucher-batch-status", args=[batch.pk])
    assert staff_client.post(url, {"action": "suspend", "reason": "Box missing"}).status_code == 302
    assert staff_client.post(url, {"action": "resume"}).status_code == 302
    assert staff_client.post(url, {"action": "cancel", "reason": "Misprint"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.cards.filter(state="cancelled").count() == 3


@pytest.mark.parametrize("query", [{"first_serial": "0"}, {"first_serial": "abc"}, {"first_serial": "NaN"}, {"last_serial": "99999999999999"},
                                   {"first_serial": "999999990", "last_serial": "999999999"}, {"language": "fr"}])
def test_print_refuses_serials_outside_the_batch(staff_client, query):
    batch = make_batch(count=3)
    assert staff_client.get(reverse("staff:voucher-batch-pdf", args=[batch.pk]), query).status_code == 400


@pytest.mark.parametrize("serial", ["", "abc", "NaN", "-1", "0", "99999999999999999", "123456"])
def test_block_refuses_bad_or_unknown_serials(staff_client, serial):
    make_batch(count=3)
    before = _snapshot()
    response = staff_client.post(reverse("staff:voucher-card-block"), {"serial": serial, "reason": "lost"})
    assert response.status_code == 400 and _snapshot() == before


def test_block_from_the_page(staff_client):
    batch = make_batch(count=3)
    response = staff_client.post(reverse("staff:voucher-card-block"), {"serial": f"{batch.first_serial:09d}", "reason": "lost"})
    assert response.status_code == 302 and batch.cards.get(serial=batch.first_serial).state == "blocked"


@pytest.mark.parametrize("query", [{"start": "2027-13-01"}, {"start": "2027-03-10", "end": "2027-03-01"}, {"group": "planet"},
                                   {"start": "2020-01-01", "end": "2027-01-01"}])
def test_report_refuses_bad_queries(staff_client, query):
    assert staff_client.get(reverse("staff:voucher-report"), query).status_code == 400


def test_report_csv(staff_client):
    distributor, admin = make_distributor()
    make_batch(count=4, distributor=distributor, actor=admin)
    response = staff_client.get(reverse("staff:voucher-report"), {"group": "seller", "format": "csv"})
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "seller,issued,sold,sold_online,used,refunded_online,revenue" and lines[1].startswith(f"{distributor.name},4,0,0,0,0,")


def test_staff_without_the_permission_are_refused(client):
    cashier = UserFactory(roles=["Cashier"])
    client.force_login(cashier)
    batch = make_batch(count=2)
    before = _snapshot()
    for url in (reverse("staff:voucher-batch-list"), reverse("staff:voucher-batch-detail", args=[batch.pk]),
                reverse("staff:voucher-batch-csv", args=[batch.pk]), reverse("staff:voucher-report")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff:voucher-batch-create"), {"plan": batch.plan_id, "count": "5"}).status_code == 403
    assert client.post(reverse("staff:voucher-card-block"), {"serial": batch.first_serial, "reason": "x"}).status_code == 403
    assert _snapshot() == before


# --- the distributor's portal ------------------------------------------------------------------------------

def _as(client, reseller):
    client.force_login(reseller.user)
    return client


def test_distributor_sees_its_batches_marks_sold_and_blocks_its_lost_card(client):
    mine, admin = make_distributor()
    batch = make_batch(count=10, distributor=mine, actor=admin)
    _as(client, mine)
    page = client.get(reverse("reseller:card-batch-list")).content.decode()
    assert batch.number in page and f'href="{reverse("reseller:card-batch-list")}"' in page
    assert client.get(reverse("reseller:card-batch-detail", args=[batch.pk])).status_code == 200
    response = client.post(reverse("reseller:card-batch-sold", args=[batch.pk]),
                           {"first_serial": batch.first_serial, "last_serial": batch.first_serial + 4})
    assert response.status_code == 302 and batch.cards.filter(state="sold").count() == 5
    response = client.post(reverse("reseller:card-block"), {"serial": batch.last_serial, "reason": "Lost at the shop"})
    assert response.status_code == 302 and batch.cards.get(serial=batch.last_serial).state == "blocked"
    pdf = client.get(reverse("reseller:card-batch-pdf", args=[batch.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    rows = client.get(reverse("reseller:card-batch-csv", args=[batch.pk])).content.decode().strip().splitlines()
    assert len(rows) == 11 and rows[1].split(",")[0] == f"{batch.first_serial:09d}"


def test_another_distributors_batch_is_invisible(client):
    mine, admin = make_distributor()
    theirs, _ = make_distributor()
    their_batch = make_batch(count=5, distributor=theirs, actor=admin)
    make_batch(count=2, distributor=mine, actor=admin)
    _as(client, mine)
    assert their_batch.number not in client.get(reverse("reseller:card-batch-list")).content.decode()
    before = _snapshot()
    assert client.get(reverse("reseller:card-batch-detail", args=[their_batch.pk])).status_code == 404
    assert client.get(reverse("reseller:card-batch-pdf", args=[their_batch.pk])).status_code == 404
    assert client.get(reverse("reseller:card-batch-csv", args=[their_batch.pk])).status_code == 404
    assert client.get(reverse("reseller:card-batch-csv", args=[999_999_999])).status_code == 404
    assert client.post(reverse("reseller:card-batch-sold", args=[their_batch.pk]), {"first_serial": their_batch.first_serial}).status_code == 404
    assert client.post(reverse("reseller:card-block"), {"serial": their_batch.first_serial, "reason": "mine now"}).status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize("post", [{"first_serial": "abc"}, {"first_serial": "NaN"}, {}, {"first_serial": "999999990", "last_serial": "999999999"},
                                  {"first_serial": "99999999999999999"}])
def test_mark_sold_refuses_bad_serials(client, post):
    mine, admin = make_distributor()
    batch = make_batch(count=5, distributor=mine, actor=admin)
    _as(client, mine)
    before = _snapshot()
    assert client.post(reverse("reseller:card-batch-sold", args=[batch.pk]), post).status_code == 400
    assert _snapshot() == before


def test_a_reseller_of_connections_has_no_card_pages(client):
    from tests.resellers.helpers import make_reseller

    plain, *_rest = make_reseller()
    _as(client, plain)
    assert client.get(reverse("reseller:card-batch-list")).status_code == 404
    assert client.get(reverse("reseller:card-batch-csv", args=[make_batch(count=2).pk])).status_code == 404
    assert f'href="{reverse("reseller:card-batch-list")}"' not in client.get(reverse("reseller:home")).content.decode()


def test_staff_make_a_card_distributor_from_the_reseller_form(client):
    from resellers.models import Reseller
    from tests.resellers.helpers import make_reseller

    _reseller, area, _router, _package, admin = make_reseller()
    client.force_login(admin)
    data = {"name": "Bazar Cards", "phone": "01711000333", "branch": area.branch.pk, "areas": [area.pk], "model": "prepaid",
            "credit_limit": "0", "username": "bazarcards", "password": "bazar-pass-1", "kind": "cards", "card_commission_percent": "12.5"}
    for bad in ({"card_commission_percent": "100"}, {"card_commission_percent": "NaN"}, {"kind": "shop"},
                {"model": "commission"}):
        assert client.post(reverse("staff:reseller-create"), {**data, **bad}).status_code in (200, 400)
        assert not Reseller.objects.filter(name="Bazar Cards").exists()
    assert client.post(reverse("staff:reseller-create"), data).status_code == 302
    created = Reseller.objects.get(name="Bazar Cards")
    assert created.is_card_distributor and created.card_commission_percent == Decimal("12.50")
    assert created in selectors.distributors()


def test_a_cancelled_issued_batch_shows_what_was_given_back(staff_client):
    distributor, admin = make_distributor(commission="10")
    batch = make_batch(plan=make_plan(price="30.00"), count=4, distributor=distributor, actor=admin)
    assert staff_client.post(reverse("staff:voucher-batch-status", args=[batch.pk]), {"action": "cancel", "reason": "Misprint"}).status_code == 302
    page = staff_client.get(reverse("staff:voucher-batch-detail", args=[batch.pk])).content.decode()
    assert "4 cards, ৳108.00" in page or "4 cards, 108.00" in page


def _shaped_package(**fields):
    from datetime import time

    from customers.services import package_speed_windows_set
    from tests.factories import PackageFactory

    package = PackageFactory(**{"name": "Home 20 BDIX 100", "download_mbps": 20, "upload_mbps": 20, "bdix_download_mbps": 100,
                                "bdix_upload_mbps": 100, "cache_download_mbps": 100, "cache_upload_mbps": 100, **fields})
    package_speed_windows_set(actor=None, package=package, windows=[(time(0), time(8), 40, 40)])
    return package


PLAN_DATA = {"name": "Night owl", "duration": "1", "duration_unit": "days", "download_kbps": "5120", "upload_kbps": "2048",
             "devices": "1", "price": "20.00", "valid_from": "first_use", "unused_days": "30", "is_active": "on"}


def test_plan_form_sets_and_clears_a_speed_package_and_the_list_shows_its_speeds(staff_client):
    package = _shaped_package()
    form = staff_client.get(reverse("staff:voucher-plan-create")).content.decode()
    assert 'name="speed_package"' in form and "Home 20 BDIX 100 — Internet 20 Mbps · BDIX 100 Mbps" in form

    assert staff_client.post(reverse("staff:voucher-plan-create"), {**PLAN_DATA, "speed_package": package.pk}).status_code == 302
    plan = VoucherPlan.objects.get()
    assert plan.speed_package == package
    page = staff_client.get(reverse("staff:voucher-plan-list")).content.decode()
    assert "BDIX 100 Mbps · Cache 100 Mbps · 00:00–08:00 40 Mbps" in page and "speeds of package Home 20 BDIX 100" in page
    edit = staff_client.get(reverse("staff:voucher-plan-edit", args=[plan.pk])).content.decode()
    assert f'<option value="{package.pk}" selected>' in edit

    assert staff_client.post(reverse("staff:voucher-plan-edit", args=[plan.pk]), {**PLAN_DATA, "speed_package": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.speed_package is None


@pytest.mark.parametrize("choice", ["abc", "999999", "-1", "1.5", "plain"])
def test_plan_form_refuses_a_speed_package_that_is_unknown_or_has_no_speeds_and_changes_nothing(staff_client, choice):
    from tests.factories import PackageFactory

    shaped = _shaped_package()
    plain = PackageFactory(name="Plain 10")  # no class, no window: nothing to give a card
    plan = make_plan(speed_package=shaped)
    value = plain.pk if choice == "plain" else choice
    before = _snapshot()
    response = staff_client.post(reverse("staff:voucher-plan-create"), {**PLAN_DATA, "speed_package": value})
    assert response.status_code == 400 and 'name="speed_package"' in response.content.decode()
    response = staff_client.post(reverse("staff:voucher-plan-edit", args=[plan.pk]), {**PLAN_DATA, "speed_package": value})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert _snapshot() == before and plan.speed_package == shaped and plan.name != "Night owl"


def test_plan_service_refuses_a_package_without_speeds():
    from django.core.exceptions import ValidationError

    from tests.factories import PackageFactory
    from vouchers import services

    with pytest.raises(ValidationError) as error:
        make_plan(speed_package=PackageFactory())
    assert "speed_package" in error.value.message_dict and not VoucherPlan.objects.exists()
    plan = make_plan()
    with pytest.raises(ValidationError):
        services.plan_update(actor=None, plan=plan, speed_package=PackageFactory())
    plan.refresh_from_db()
    assert plan.speed_package is None
