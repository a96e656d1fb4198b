"""The equipment store in the browser: a supervisor of one branch opens Equipment stock from the
navigation, receives two serials, issues one to a technician, takes it back, marks it faulty, writes
it off and reads its history; every action is a dialog over the page, which redraws itself."""

import pytest
from playwright.sync_api import expect

from fieldservice.models import EquipmentItem, EquipmentModel
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import BranchFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_supervisor_receives_issues_returns_marks_faulty_and_writes_off_a_serial_and_reads_its_history(page):
    mirpur, uttara = BranchFactory(name="Mirpur", code="MIR"), BranchFactory(name="Uttara", code="UTT")
    EquipmentModel.objects.create(name="ZTE F660 ONU", category="onu")
    UserFactory(kind="technician", first_name="Shuvo", last_name="Dey", branch_scope=[mirpur])
    UserFactory(kind="technician", first_name="Rana", last_name="Mia", branch_scope=[uttara])  # not Mirpur's
    supervisor = UserFactory(roles=["Technician supervisor"], branch_scope=[mirpur])
    sign_in_staff(page, supervisor)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("link", name="Equipment stock").click()
    expect(page.get_by_role("heading", name="Equipment stock", level=1)).to_be_visible()
    page.get_by_role("button", name="Receive stock").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Model").select_option(label="ZTE F660 ONU")
    dialog.get_by_label("Serials").fill("zteg0001\nZTEG0001")  # twice: refused, the dialog says so
    dialog.get_by_role("button", name="Receive").click()
    expect(page.locator("dialog[open]")).to_contain_text("listed twice")
    assert not EquipmentItem.objects.exists()
    dialog = page.locator("dialog[open]")
    dialog.get_by_label("Serials").fill("zteg0001\nZTEG0002")
    dialog.get_by_label("Reference (supplier, invoice)").fill("Invoice 12")
    dialog.get_by_role("button", name="Receive").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text("Received 2 × ZTE F660 ONU into Mirpur")
    results = page.locator("#equipment-results")
    expect(results).to_contain_text("ZTEG0001")
    expect(results).to_contain_text("ZTEG0002")
    expect(page.locator("#equipment-counts tfoot")).to_contain_text("2")

    results.get_by_role("link", name="ZTEG0001").click()
    expect(page.get_by_role("heading", name="ZTEG0001")).to_be_visible()
    page.get_by_role("button", name="Issue to a technician").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label("Technician")).to_be_visible()
    options = dialog.get_by_label("Technician").locator("option").all_inner_texts()
    assert "Shuvo Dey" in options and "Rana Mia" not in options  # only Mirpur's technicians
    dialog.get_by_label("Technician").select_option(label="Shuvo Dey")
    dialog.get_by_role("button", name="Issue").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator("#equipment-status")).to_have_text("With a technician")

    page.get_by_role("button", name="Return to the store").click()
    page.locator("dialog[open]").get_by_label("Note (optional)").fill("Job cancelled")
    page.locator("dialog[open]").get_by_role("button", name="Return").click()
    expect(page.locator("#equipment-status")).to_have_text("In stock")

    page.get_by_role("button", name="Mark faulty").click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_role("button", name="Mark faulty").click()  # no reason: refused in the dialog
    expect(page.locator("dialog[open]")).to_contain_text("This field is required")
    page.locator("dialog[open]").get_by_label("Reason").fill("No light on the PON port")
    page.locator("dialog[open]").get_by_role("button", name="Mark faulty").click()
    expect(page.locator("#equipment-status")).to_have_text("Faulty")

    page.get_by_role("button", name="Write off").click()
    page.locator("dialog[open]").get_by_label("Reason").fill("Beyond repair")
    page.locator("dialog[open]").get_by_role("button", name="Write off").click()
    expect(page.locator("#equipment-status")).to_have_text("Written off")
    expect(page.locator("#equipment-actions a")).to_have_count(0)

    history = page.locator("#equipment-history tbody tr")
    expect(history).to_have_count(5)
    for row, text in enumerate(["Received: Invoice 12", "Shuvo Dey", "Job cancelled", "No light on the PON port", "Beyond repair"]):
        expect(history.nth(row)).to_contain_text(text)
    item = EquipmentItem.objects.get(serial="ZTEG0001")
    assert (item.status, item.branch, item.technician) == ("written_off", mirpur, None)
    assert list(item.movements.values_list("to_status", flat=True)) == [
        "in_stock", "with_technician", "in_stock", "returned_faulty", "written_off"]

    # A delivery from a spreadsheet: one bad row refuses the sheet and names the row; fixed, it is received whole.
    page.get_by_role("link", name="Equipment stock").first.click()
    page.get_by_role("button", name="Receive from a spreadsheet").click()
    sheet = "Serial,Model\nZTEG0003,ZTE F660 ONU\nZTEG0004,Nokia G-140W\n"
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "delivery.csv", "mimeType": "text/csv", "buffer": sheet.encode()}])
    page.get_by_role("button", name="Check and receive").click()
    expect(page.locator("form#receive-sheet-form")).to_contain_text("Row 3: no equipment model named “Nokia G-140W”")
    assert not EquipmentItem.objects.filter(serial="ZTEG0003").exists()
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": "delivery.csv", "mimeType": "text/csv", "buffer": sheet.replace("Nokia G-140W", "ZTE F660 ONU").encode()}])
    page.get_by_role("button", name="Check and receive").click()
    expect(page.locator("#messages")).to_contain_text("Received 2 serials into Mirpur")
    expect(page.locator("#equipment-results")).to_contain_text("ZTEG0004")
