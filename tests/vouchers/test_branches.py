"""Staff limited to a branch see the prepaid cards of their branch only: zones of its areas, batches
of its zones or its distributors, their cards and their figures; another branch's (and head-office
stock: a batch with neither zone nor distributor) is a 404 and nothing changes."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.factories import AreaFactory, UserFactory
from vouchers import services
from vouchers.models import VoucherBatch, WifiZone

from .helpers import make_batch, make_distributor, make_plan
from .test_views import _snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches_two_branches(client):
    ours, admin = make_distributor(topup="100000")
    theirs, _ = make_distributor(topup="100000")
    with transaction.atomic():
        our_zone = services.zone_create(actor=admin, name="Our market", area=AreaFactory(branch=ours.branch))
        their_zone = services.zone_create(actor=admin, name="Their market", area=AreaFactory(branch=theirs.branch))
    plan = make_plan()
    data = {
        "ours": ours, "theirs": theirs, "our_zone": our_zone, "their_zone": their_zone, "plan": plan, "admin": admin,
        "zone_batch": make_batch(plan=plan, count=4, zone=our_zone),                          # our zone, not issued
        "distributor_batch": make_batch(plan=plan, count=4, distributor=ours, actor=admin),   # no zone, our distributor
        "their_batch": make_batch(plan=plan, count=4, zone=their_zone, distributor=theirs, actor=admin),
        "stock": make_batch(plan=plan, count=4),                                              # head office's
    }
    manager = UserFactory(roles=["Manager"], is_staff=True, branch_scope=[ours.branch])
    client.force_login(manager)
    data["client"] = client
    return data


def test_the_lists_show_the_branch_only(branches_two_branches):
    client, d = branches_two_branches["client"], branches_two_branches
    batches = client.get(reverse("staff:voucher-batch-list")).content.decode()
    assert d["zone_batch"].number in batches and d["distributor_batch"].number in batches
    assert d["their_batch"].number not in batches and d["stock"].number not in batches
    zones = client.get(reverse("staff:voucher-zone-list")).content.decode()
    assert "Our market" in zones and "Their market" not in zones
    form = client.get(reverse("staff:voucher-batch-create")).content.decode()
    assert "Our market" in form and "Their market" not in form
    detail = client.get(reverse("staff:voucher-batch-detail", args=[d["zone_batch"].pk])).content.decode()
    assert d["ours"].name in detail and d["theirs"].name not in detail  # the distributors it may be issued to


@pytest.mark.parametrize("which", ["their_batch", "stock"])
def test_another_branchs_batch_is_a_404_and_nothing_changes(branches_two_branches, which):
    client, batch = branches_two_branches["client"], branches_two_branches[which]
    before = _snapshot()
    for url in ("staff:voucher-batch-detail", "staff:voucher-batch-pdf", "staff:voucher-batch-csv"):
        assert client.get(reverse(url, args=[batch.pk])).status_code == 404, url
    assert client.post(reverse("staff:voucher-batch-status", args=[batch.pk]), {"action": "suspend", "reason": "x"}).status_code == 404
    assert client.post(reverse("staff:voucher-batch-issue", args=[batch.pk]),
                       {"distributor": branches_two_branches["ours"].pk}).status_code == 404
    assert client.post(reverse("staff:voucher-card-block"), {"serial": batch.first_serial, "reason": "Lost"}).status_code == 400
    assert _snapshot() == before


def test_another_branchs_zone_distributor_and_area_are_refused(branches_two_branches):
    client, d = branches_two_branches["client"], branches_two_branches
    before = _snapshot()
    assert client.get(reverse("staff:voucher-zone-edit", args=[d["their_zone"].pk])).status_code == 404
    assert client.post(reverse("staff:voucher-zone-edit", args=[d["their_zone"].pk]),
                       {"name": "Mine", "area": d["our_zone"].area_id, "is_active": "on"}).status_code == 404
    assert client.post(reverse("staff:voucher-zone-list"), {"name": "New", "area": d["their_zone"].area_id}).status_code == 400
    assert client.post(reverse("staff:voucher-batch-create"), {"plan": d["plan"].pk, "count": "3", "zone": d["their_zone"].pk}).status_code == 400
    # Without a zone the batch would be head-office stock the branch could not see: a zone is required.
    assert client.post(reverse("staff:voucher-batch-create"), {"plan": d["plan"].pk, "count": "3"}).status_code == 400
    assert client.post(reverse("staff:voucher-batch-issue", args=[d["zone_batch"].pk]),
                       {"distributor": d["theirs"].pk}).status_code == 400
    assert _snapshot() == before
    assert WifiZone.objects.get(pk=d["their_zone"].pk).name == "Their market"


def test_the_branch_works_its_own_batches(branches_two_branches):
    client, d = branches_two_branches["client"], branches_two_branches
    response = client.post(reverse("staff:voucher-batch-create"), {"plan": d["plan"].pk, "count": "3", "zone": d["our_zone"].pk})
    made = VoucherBatch.objects.order_by("-id").first()
    assert response.status_code == 302 and made.zone == d["our_zone"] and made.cards.count() == 3
    assert client.post(reverse("staff:voucher-batch-issue", args=[d["zone_batch"].pk]), {"distributor": d["ours"].pk}).status_code == 302
    assert client.post(reverse("staff:voucher-card-block"), {"serial": d["distributor_batch"].first_serial, "reason": "Lost"}).status_code == 302
    assert d["distributor_batch"].cards.get(serial=d["distributor_batch"].first_serial).state == "blocked"
    assert client.get(reverse("staff:voucher-batch-csv", args=[d["distributor_batch"].pk])).status_code == 200


def test_the_report_counts_the_branch_only(branches_two_branches):
    client, d = branches_two_branches["client"], branches_two_branches
    page = client.get(reverse("staff:voucher-report"), {"group": "seller"})
    result = page.context["result"]
    assert result["total"].issued == 4 and [row.label for row in result["rows"]] == [d["ours"].name]
    assert [seller for seller, _counts in page.context["sellers"]] == [d["ours"]]
    everyone = UserFactory(roles=["Manager"], is_staff=True)
    client.force_login(everyone)
    page = client.get(reverse("staff:voucher-report"), {"group": "seller"})
    assert page.context["result"]["total"].issued == 8
    listing = client.get(reverse("staff:voucher-batch-list")).content.decode()
    assert all(d[name].number in listing for name in ("zone_batch", "distributor_batch", "their_batch", "stock"))
