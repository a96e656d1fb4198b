"""The equipment store's services: receiving (all or nothing), issuing, returning, faulty, write-off,
each move in the item's history with who, when and why."""

import threading

import pytest
from django.core.exceptions import ValidationError

from fieldservice import equipment, stock
from fieldservice.models import EquipmentItem, EquipmentModel, EquipmentMovement
from ispbill.core.models import AuditLog
from tests.factories import BranchFactory, UserFactory
from tests.threads import run_in_threads

from .conftest import onu, repair_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def router_model(db):
    return EquipmentModel.objects.create(name="TP-Link Archer C6", category="router")


@pytest.fixture
def branch(db):
    return BranchFactory(name="Mirpur", code="MIR")


def test_receiving_serials_puts_them_in_the_branch_store_with_a_received_move(zte, branch, supervisor):
    items = stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=[" zteg0001 ", "", "ZTEG0002"], note="Invoice 77")
    assert sorted(item.serial for item in items) == ["ZTEG0001", "ZTEG0002"]
    for item in EquipmentItem.objects.filter(serial__in=["ZTEG0001", "ZTEG0002"]):
        assert (item.status, item.branch, item.technician, item.customer) == ("in_stock", branch, None, None)
        move = item.movements.get()
        assert (move.from_status, move.to_status, move.actor, move.note) == ("", "in_stock", supervisor, "Received: Invoice 77")
    assert AuditLog.objects.filter(action="equipment.receive").count() == 2


@pytest.mark.parametrize("serials, problem", [
    (["ZTEG0001", "ZTEG0001"], "listed twice"),
    (["ZTEG0001", "zteg0100"], "already recorded"),  # same serial in another case
    (["ZTEG0001", "ZTE G 01"], "not a serial"),
    (["ZTEG0001", "=HYPERLINK(1)"], "not a serial"),
    (["ZTEG0001", "X" * 65], "not a serial"),
    (["ZTEG0001", "ZTEG\x000"], "not a serial"),
    ([], "at least one serial"),
])
def test_receiving_refuses_every_serial_when_one_is_bad(zte, branch, supervisor, serials, problem):
    onu("ZTEG0100")
    with pytest.raises(ValidationError) as caught:
        stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=serials)
    assert problem in " ".join(caught.value.messages)
    assert list(EquipmentItem.objects.values_list("serial", flat=True)) == ["ZTEG0100"]
    assert EquipmentMovement.objects.count() == 0


def test_receiving_refuses_a_model_not_tracked_by_serial_and_a_missing_branch(branch, supervisor):
    cable = EquipmentModel.objects.create(name="Drop cable", category="cable", serial_tracked=False)
    with pytest.raises(ValidationError):
        stock.equipment_receive(actor=supervisor, model=cable, branch=branch, serials=["C1"])
    with pytest.raises(ValidationError):
        stock.equipment_receive(actor=supervisor, model=cable, branch=None, serials=["C1"])
    assert not EquipmentItem.objects.exists()


def test_a_spreadsheet_is_received_whole_with_each_model_by_name(zte, router_model, branch, supervisor):
    rows = [(2, ["ZTEG0001", "zte f660 onu"]), (3, ["TPLC0001", "TP-Link Archer C6", "ignored"])]
    items = stock.equipment_receive_sheet(actor=supervisor, branch=branch, headers=["Serial", "Model", "Remarks"], rows=rows)
    assert {(item.serial, item.model_id) for item in items} == {("ZTEG0001", zte.pk), ("TPLC0001", router_model.pk)}
    assert EquipmentMovement.objects.filter(to_status="in_stock").count() == 2


def test_a_spreadsheet_with_bad_rows_names_each_row_and_receives_nothing(zte, branch, supervisor):
    onu("ZTEG0100")
    rows = [
        (2, ["ZTEG0001", "ZTE F660 ONU"]),
        (3, ["ZTEG0002", "Huawei HG8245"]),  # no such model
        (4, ["", "ZTE F660 ONU"]),  # no serial
        (5, ["ZTEG0001", "ZTE F660 ONU"]),  # twice in the sheet
        (6, ["zteg0100", "ZTE F660 ONU"]),  # already recorded
        (7, ["ZTEG0003"]),  # short row: no model
    ]
    with pytest.raises(ValidationError) as caught:
        stock.equipment_receive_sheet(actor=supervisor, branch=branch, headers=["S/N", "Model"], rows=rows)
    text = " ".join(caught.value.messages)
    assert "Row 2" not in text
    for row in (3, 4, 5, 6, 7):
        assert f"Row {row}:" in text
    assert "also on row 2" in text and "Huawei HG8245" in text
    assert EquipmentItem.objects.count() == 1 and EquipmentMovement.objects.count() == 0


def test_a_spreadsheet_without_serial_and_model_columns_is_refused(branch, supervisor):
    with pytest.raises(ValidationError) as caught:
        stock.equipment_receive_sheet(actor=supervisor, branch=branch, headers=["Name", "Phone"], rows=[(2, ["a", "b"])])
    assert "Serial column and a Model column" in " ".join(caught.value.messages)


def test_issue_return_faulty_and_write_off_each_leave_a_move_with_who_and_why(zte, branch, supervisor, technician):
    item = stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=["ZTEG0001"])[0]
    item = stock.equipment_issue(actor=supervisor, item=item, technician=technician, note="For the Mirpur jobs")
    assert (item.status, item.technician) == ("with_technician", technician)
    item = stock.equipment_return(actor=supervisor, item=item)
    assert (item.status, item.technician) == ("in_stock", None)  # never installed: new stock again
    item = stock.equipment_mark_faulty(actor=supervisor, item=item, reason="Power LED dead")
    assert item.status == "returned_faulty"
    with pytest.raises(ValidationError):
        stock.equipment_issue(actor=supervisor, item=item, technician=technician)
    item = stock.equipment_write_off(actor=supervisor, item=item, reason="Beyond repair")
    assert (item.status, item.technician, item.customer) == ("written_off", None, None)
    history = list(item.movements.values_list("from_status", "to_status", "technician", "note", "actor"))
    assert history == [
        ("", "in_stock", None, "Received", supervisor.pk),
        ("in_stock", "with_technician", technician.pk, "For the Mirpur jobs", supervisor.pk),
        ("with_technician", "in_stock", None, "Returned to the store", supervisor.pk),
        ("in_stock", "returned_faulty", None, "Power LED dead", supervisor.pk),
        ("returned_faulty", "written_off", None, "Beyond repair", supervisor.pk),
    ]
    assert list(AuditLog.objects.filter(object_id=str(item.pk), action__startswith="equipment.").values_list("action", flat=True)
                .order_by("pk")) == ["equipment.receive", "equipment.issue", "equipment.return", "equipment.faulty", "equipment.write_off"]
    for move in ("issue", "return", "faulty"):
        assert not item.can(move)
    with pytest.raises(ValidationError):
        stock.equipment_write_off(actor=supervisor, item=item, reason="Again")
    assert item.movements.count() == 5


def test_a_used_item_brought_back_good_is_returned_good_and_a_faulty_one_stays_faulty(technician, supervisor):
    item = onu("ZTEG0010", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    order = repair_order(technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0010", action="install")
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0010", action="collect")
    item.refresh_from_db()
    assert (item.status, item.technician) == ("with_technician", technician)
    item = stock.equipment_return(actor=supervisor, item=item)
    assert item.status == "returned_good"

    broken = onu("ZTEG0011", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0011", action="install")
    equipment.workorder_equipment(actor=technician, order=order, serial="ZTEG0011", action="collect", faulty=True)
    broken.refresh_from_db()
    assert (broken.status, broken.technician) == ("returned_faulty", technician)  # the technician still holds it
    broken = stock.equipment_return(actor=supervisor, item=broken)
    assert (broken.status, broken.technician) == ("returned_faulty", None)
    assert not broken.can("return")  # in the store now


def test_installed_equipment_is_not_moved_by_the_store(technician, supervisor):
    item = onu("ZTEG0012", status=EquipmentItem.Status.WITH_TECHNICIAN, technician=technician)
    equipment.workorder_equipment(actor=technician, order=repair_order(technician=technician), serial="ZTEG0012", action="install")
    item.refresh_from_db()
    for call in (
        lambda: stock.equipment_issue(actor=supervisor, item=item, technician=technician),
        lambda: stock.equipment_return(actor=supervisor, item=item),
        lambda: stock.equipment_mark_faulty(actor=supervisor, item=item, reason="x"),
        lambda: stock.equipment_write_off(actor=supervisor, item=item, reason="x"),
    ):
        with pytest.raises(ValidationError):
            call()
    item.refresh_from_db()
    assert item.status == "installed" and item.movements.count() == 1


def test_stock_is_issued_only_to_an_active_technician_of_its_branch(zte, branch, supervisor):
    item = stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=["ZTEG0001"])[0]
    elsewhere = UserFactory(kind="technician", branch_scope=[BranchFactory(name="Uttara", code="UTT")])
    gone = UserFactory(kind="technician", is_active=False)
    staff = UserFactory(kind="staff")
    for who in (elsewhere, gone, staff, None):
        with pytest.raises(ValidationError):
            stock.equipment_issue(actor=supervisor, item=item, technician=who)
    local = UserFactory(kind="technician", branch_scope=[branch])
    assert stock.equipment_issue(actor=supervisor, item=item, technician=local).technician == local


def test_faulty_and_write_off_need_a_reason(zte, branch, supervisor):
    item = stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=["ZTEG0001"])[0]
    for call in (stock.equipment_mark_faulty, stock.equipment_write_off):
        with pytest.raises(ValidationError):
            call(actor=supervisor, item=item, reason="   ")
    item.refresh_from_db()
    assert item.status == "in_stock" and item.movements.count() == 1


@pytest.mark.postgres  # real concurrency: two connections receiving one serial
@pytest.mark.django_db(transaction=True)
def test_two_receipts_of_the_same_serial_at_once_record_it_once_and_refuse_the_other_cleanly(zte, branch, supervisor):
    barrier = threading.Barrier(2, timeout=120)

    def receive():
        barrier.wait()
        try:
            stock.equipment_receive(actor=supervisor, model=zte, branch=branch, serials=["ZTEG0777"])
        except ValidationError:
            return "refused"
        return "received"

    outcomes, errors = run_in_threads(receive, 2)
    assert not errors
    assert sorted(outcomes) == ["received", "refused"]
    assert EquipmentItem.objects.filter(serial="ZTEG0777").count() == 1
    assert EquipmentMovement.objects.filter(item__serial="ZTEG0777").count() == 1
