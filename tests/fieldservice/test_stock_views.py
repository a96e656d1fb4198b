"""The equipment store's staff pages: every action end to end, its dialog, bad input (4xx, nothing
changed), roles, and branch scoping (another branch's stock is a 404 and stays as it was)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldservice import stock
from fieldservice.models import EquipmentItem, EquipmentMovement
from imports.reading import xlsx_write
from ispbill.core.models import AuditLog
from tests.factories import BranchFactory, UserFactory, admin_user

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def stock_views_branches(db):
    return BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")


@pytest.fixture
def mirpur_item(zte, stock_views_branches):
    return stock.equipment_receive(actor=None, model=zte, branch=stock_views_branches[0], serials=["ZTEG0001"])[0]


def state() -> list:
    """Every item and move as it is: what a refused request must leave alone."""
    return [
        sorted(EquipmentItem.objects.values_list("pk", "serial", "status", "branch_id", "technician_id", "customer_id", "model_id")),
        EquipmentMovement.objects.count(),
        AuditLog.objects.filter(action__startswith="equipment.").count(),
    ]


def test_receive_issue_return_faulty_write_off_and_history_through_the_pages(client, zte, stock_views_branches, supervisor, technician):
    client.force_login(supervisor)
    response = client.post(reverse("staff:equipment-receive"), {
        "model": zte.pk, "branch": stock_views_branches[0].pk, "serials": "zteg0001\r\nZTEG0002\r\n", "note": "Invoice 12",
    })
    assert response.status_code == 302
    item = EquipmentItem.objects.get(serial="ZTEG0001")
    assert (item.status, item.branch) == ("in_stock", stock_views_branches[0]) and EquipmentItem.objects.count() == 2

    assert client.post(reverse("staff:equipment-issue", args=[item.pk]), {"technician": technician.pk}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.technician) == ("with_technician", technician)
    assert client.post(reverse("staff:equipment-return", args=[item.pk]), {"note": "Job cancelled"}).status_code == 302
    assert client.post(reverse("staff:equipment-faulty", args=[item.pk]), {"reason": "No light"}).status_code == 302
    assert client.post(reverse("staff:equipment-write-off", args=[item.pk]), {"reason": "Dead"}).status_code == 302
    item.refresh_from_db()
    assert item.status == "written_off"
    page = client.get(reverse("staff:equipment-detail", args=[item.pk])).content.decode()
    for text in ("Received: Invoice 12", "Shuvo Dey", "Job cancelled", "No light", "Dead", "Written off"):
        assert text in page
    assert "equipment-actions" in page and reverse("staff:equipment-issue", args=[item.pk]) not in page  # nothing left to do

    listing = client.get(reverse("staff:equipment-list"), {"branch": stock_views_branches[0].pk}).content.decode()
    assert "ZTEG0002" in listing and "ZTE F660 ONU" in listing


def test_the_dialogs_close_with_an_event_and_show_errors_in_place(client, zte, stock_views_branches, supervisor, mirpur_item):
    client.force_login(supervisor)
    dialog = client.get(reverse("staff:equipment-faulty", args=[mirpur_item.pk]), **HTMX)
    assert dialog.status_code == 200 and b"<dialog" in dialog.content
    refused = client.post(reverse("staff:equipment-faulty", args=[mirpur_item.pk]), {"reason": ""}, **HTMX)
    assert refused.status_code == 400 and b"<dialog" in refused.content and b"required" in refused.content
    done = client.post(reverse("staff:equipment-faulty", args=[mirpur_item.pk]), {"reason": "Burnt"}, **HTMX)
    assert done.status_code == 200
    events = json.loads(done["HX-Trigger"])
    assert {"equipmentChanged", "closeModal", "messages"} <= set(events)
    received = client.post(reverse("staff:equipment-receive"), {"model": zte.pk, "branch": stock_views_branches[0].pk, "serials": "ZTEG0009"}, **HTMX)
    assert received.status_code == 200 and "equipmentChanged" in received["HX-Trigger"]
    region = client.get(reverse("staff:equipment-list"), **HTMX).content.decode()
    assert region.lstrip().startswith('<div id="equipment-page"') and "ZTEG0009" in region


def test_the_counts_per_model_status_and_technician(client, zte, stock_views_branches, supervisor, technician):
    items = stock.equipment_receive(actor=None, model=zte, branch=stock_views_branches[0], serials=["A1", "A2", "A3", "A4"])
    stock.equipment_receive(actor=None, model=zte, branch=stock_views_branches[1], serials=["B1"])
    stock.equipment_issue(actor=None, item=items[0], technician=technician)
    stock.equipment_issue(actor=None, item=items[1], technician=technician)
    stock.equipment_mark_faulty(actor=None, item=items[1], reason="x")
    stock.equipment_write_off(actor=None, item=items[2], reason="lost")
    from fieldservice.selectors import equipment_counts

    counts = equipment_counts(user=supervisor, branch=str(stock_views_branches[0].pk))
    by_status = dict(zip([value for value, _ in counts["statuses"]], counts["totals"]))
    assert by_status == {"in_stock": 1, "with_technician": 1, "installed": 0, "returned_good": 0, "returned_faulty": 1, "written_off": 1}
    assert counts["total"] == 4 and counts["models"][0]["total"] == 4
    assert counts["technicians"] == [{"id": technician.pk, "name": "Shuvo Dey", "models": {"ZTE F660 ONU": {"good": 1, "faulty": 1}}, "good": 1, "faulty": 1}]
    assert equipment_counts(user=supervisor)["total"] == 5
    client.force_login(supervisor)
    page = client.get(reverse("staff:equipment-list"), {"branch": stock_views_branches[0].pk}).content.decode()
    assert "Per model and status" in page and "Shuvo Dey" in page


def test_receiving_from_a_spreadsheet_takes_every_row_or_none(client, zte, stock_views_branches, supervisor):
    client.force_login(supervisor)
    good = xlsx_write(["Serial", "Model"], [["ZTEG0101", "ZTE F660 ONU"], ["ZTEG0102", "zte f660 onu"]])
    response = client.post(reverse("staff:equipment-receive-sheet"), {
        "branch": stock_views_branches[0].pk, "file": SimpleUploadedFile("stock.xlsx", good), "note": "PO 5",
    })
    assert response.status_code == 302 and set(EquipmentItem.objects.values_list("serial", flat=True)) == {"ZTEG0101", "ZTEG0102"}

    before = state()
    bad = b"Serial,Model\nZTEG0201,ZTE F660 ONU\nZTEG0101,ZTE F660 ONU\nZTEG0202,Nokia\n"
    response = client.post(reverse("staff:equipment-receive-sheet"), {"branch": stock_views_branches[0].pk, "file": SimpleUploadedFile("stock.csv", bad)})
    page = response.content.decode()
    assert response.status_code == 400 and "Row 3:" in page and "Row 4:" in page and "Row 2:" not in page
    assert state() == before

    for name, content in (("stock.pdf", b"%PDF-1.4"), ("stock.xlsx", b"not a zip"), ("stock.csv", b""), ("stock.csv", b"Serial,Model\n")):
        response = client.post(reverse("staff:equipment-receive-sheet"), {"branch": stock_views_branches[0].pk, "file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, name
    assert state() == before


BAD_RECEIVE = [
    {},
    {"model": "abc", "branch": "1", "serials": "X1"},
    {"model": "NaN", "branch": "NaN", "serials": "X1"},
    {"model": "1e309", "branch": "99999999999999999999999", "serials": "X1"},
    {"model": "{model}", "branch": "{branch}", "serials": ""},
    {"model": "{model}", "branch": "{branch}", "serials": "X" * 400_000},
    {"model": "{model}", "branch": "{branch}", "serials": "bad serial!"},
    {"model": "{model}", "branch": "{other_branch}", "serials": "X1"},  # a branch the user may not use
    {"model": "{model}", "branch": "{branch}", "serials": "ZTEG0001"},  # already recorded
]


@pytest.mark.parametrize("data", BAD_RECEIVE)
def test_bad_receive_input_answers_400_and_changes_nothing(client, zte, stock_views_branches, mirpur_item, data):
    user = admin_user(branch_scope=[stock_views_branches[0]])
    client.force_login(user)
    values = {"model": zte.pk, "branch": stock_views_branches[0].pk, "other_branch": stock_views_branches[1].pk}
    payload = {key: value.format(**values) if key != "serials" else value for key, value in data.items()}
    before = state()
    response = client.post(reverse("staff:equipment-receive"), payload)
    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize("move, data", [
    ("issue", {}),
    ("issue", {"technician": "abc"}),
    ("issue", {"technician": "NaN"}),
    ("issue", {"technician": "1e999"}),
    ("issue", {"technician": "{staff}"}),  # not a technician
    ("issue", {"technician": "{far_technician}"}),  # works for another branch only
    ("issue", {"technician": "{technician}", "note": "x" * 5000}),
    ("faulty", {}),
    ("faulty", {"reason": "   "}),
    ("faulty", {"reason": "x" * 5000}),
    ("write-off", {"reason": ""}),
    ("return", {"note": "x" * 5000}),  # and it is in the store: nothing to return
])
def test_bad_move_input_answers_4xx_and_changes_nothing(client, stock_views_branches, mirpur_item, supervisor, technician, move, data):
    far = UserFactory(kind="technician", branch_scope=[stock_views_branches[1]])
    values = {"staff": supervisor.pk, "far_technician": far.pk, "technician": technician.pk}
    payload = {key: value.format(**values) for key, value in data.items()}
    client.force_login(admin_user())
    before = state()
    response = client.post(reverse(f"staff:equipment-{move}", args=[mirpur_item.pk]), payload)
    assert 400 <= response.status_code < 500, response.status_code
    assert state() == before


def test_unknown_or_malformed_item_ids_are_404(client, mirpur_item):
    client.force_login(admin_user())
    before = state()
    for pk in (999999, 2**40, 10**20):
        for name in ("detail", "issue", "return", "faulty", "write-off"):
            assert client.post(reverse(f"staff:equipment-{name}", args=[pk]), {"reason": "x"}).status_code in (404, 405)
    for path in ("/staff/equipment/abc/", "/staff/equipment/NaN/issue/", "/staff/equipment/-1/faulty/"):
        assert client.post(path, {"reason": "x"}).status_code == 404
    assert state() == before


def test_staff_of_another_branch_see_none_of_its_stock_and_cannot_move_it(client, zte, stock_views_branches, mirpur_item, technician):
    stock.equipment_receive(actor=None, model=zte, branch=stock_views_branches[1], serials=["UTTR0001"])
    uttara = admin_user(branch_scope=[stock_views_branches[1]])
    client.force_login(uttara)
    listing = client.get(reverse("staff:equipment-list")).content.decode()
    assert "UTTR0001" in listing and "ZTEG0001" not in listing
    assert "ZTEG0001" not in client.get(reverse("staff:equipment-list"), {"branch": stock_views_branches[0].pk, "q": "ZTEG"}).content.decode()
    assert ">Mirpur<" not in listing  # neither in the branch filter
    before = state()
    assert client.get(reverse("staff:equipment-detail", args=[mirpur_item.pk])).status_code == 404
    for name, data in (("issue", {"technician": technician.pk}), ("return", {}), ("faulty", {"reason": "x"}), ("write-off", {"reason": "x"})):
        url = reverse(f"staff:equipment-{name}", args=[mirpur_item.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        assert client.post(url, data, **HTMX).status_code == 404
    sheet = xlsx_write(["Serial", "Model"], [["ZTEG0301", "ZTE F660 ONU"]])
    assert client.post(reverse("staff:equipment-receive-sheet"), {
        "branch": stock_views_branches[0].pk, "file": SimpleUploadedFile("s.xlsx", sheet)}).status_code == 400
    assert state() == before


def test_roles_decide_who_receives_moves_and_writes_off(client, mirpur_item, zte, stock_views_branches, technician):
    cashier = UserFactory(roles=["Cashier"])
    client.force_login(cashier)
    before = state()
    assert client.get(reverse("staff:equipment-list")).status_code == 403
    assert client.post(reverse("staff:equipment-issue", args=[mirpur_item.pk]), {"technician": technician.pk}).status_code == 403
    assert client.post(reverse("staff:equipment-receive"), {"model": zte.pk, "branch": stock_views_branches[0].pk, "serials": "N1"}).status_code == 403

    from django.contrib.auth.models import Permission

    storekeeper = UserFactory()
    storekeeper.user_permissions.set(Permission.objects.filter(
        content_type__app_label="fieldservice", codename__in=["view_equipmentitem", "change_equipmentitem"]))
    client.force_login(storekeeper)
    page = client.get(reverse("staff:equipment-detail", args=[mirpur_item.pk])).content.decode()
    assert reverse("staff:equipment-issue", args=[mirpur_item.pk]) in page
    assert reverse("staff:equipment-write-off", args=[mirpur_item.pk]) not in page
    assert client.post(reverse("staff:equipment-write-off", args=[mirpur_item.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("staff:equipment-receive"), {"model": zte.pk, "branch": stock_views_branches[0].pk, "serials": "N1"}).status_code == 403
    assert state() == before


def test_the_stock_page_is_in_the_staff_navigation(client, supervisor):
    client.force_login(supervisor)
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:equipment-list") in home and "Equipment stock" in home


def test_installed_equipment_links_to_its_history_from_the_customer_and_the_work_order(client, supervisor, technician):
    from fieldservice import equipment

    from .conftest import onu, repair_order

    item = onu("ZTEG0500", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    order = repair_order(technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0500", action="install")
    client.force_login(supervisor)
    link = reverse("staff:equipment-detail", args=[item.pk])
    assert link in client.get(reverse("staff:workorder-customer", args=[order.customer_id])).content.decode()
    order_page = client.get(reverse("staff:workorder-detail", args=[order.pk])).content.decode()
    assert link in order_page and "Installed at a customer" in order_page
    history = client.get(link).content.decode()
    assert order.number in history and order.customer.name in history


@pytest.mark.parametrize("params, status", [
    ({"branch": "²", "model": "¹", "technician": "³"}, 200),  # digits to str.isdigit, not to int()
    ({"branch": "NaN", "model": "1e309", "technician": "-1", "status": "nonsense"}, 200),
    ({"branch": "99999999999999999999999", "model": str(2**63), "technician": str(2**31)}, 200),
    ({"q": "%" * 5000}, 200),
    ({"q": "\x00"}, 400),  # refused before any view
])
def test_odd_filters_are_ignored_or_match_nothing_and_never_fail(client, supervisor, mirpur_item, params, status):
    client.force_login(supervisor)
    for headers in ({}, HTMX):
        assert client.get(reverse("staff:equipment-list"), params, **headers).status_code == status


def test_stock_of_no_branch_is_seen_only_by_staff_of_every_branch(client, zte, stock_views_branches):
    loose = EquipmentItem.objects.create(model=zte, serial="LOOSE0001")
    client.force_login(admin_user(branch_scope=[stock_views_branches[0]]))
    assert "LOOSE0001" not in client.get(reverse("staff:equipment-list")).content.decode()
    assert client.get(reverse("staff:equipment-detail", args=[loose.pk])).status_code == 404
    client.force_login(admin_user())
    assert "LOOSE0001" in client.get(reverse("staff:equipment-list")).content.decode()
