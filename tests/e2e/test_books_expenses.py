"""An accountant enters a supplier's bill above the approval limit in Chromium with its PDF; a
second accountant approves it and pays it from the bank; the P&L shows the cost, the purchase
register its VAT; a hand-over's cash is deposited and a statement reconciled on the bank's page.
Screenshots at 1366 px and 360 px go to test-artifacts/ for review."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from books import services as books_services
from books.models import Bill
from payments.services import cash_handover_record, payment_ledger_record
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.staff_pages import PHONE, WIDE, staff_sign_in
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer


def _shoot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1366", WIDE), ("360", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"books-{name}-{label}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{name} scrolls sideways at 360 px"
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
@override_settings(BOOKS_BILL_APPROVAL_LIMIT=Decimal("50000"))
def test_a_bill_is_entered_approved_by_a_second_accountant_paid_and_a_statement_reconciled(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    branch = BranchFactory(name="Mirpur", code="MIR")
    books_services.supplier_create(actor=None, name="Summit IIG", bin="0001234560101")
    bank = books_services.bank_account_create(actor=None, name="DBBL current", bank="Dutch-Bangla Bank", number="110-42")
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=Decimal("5000"), method="cash")
    cash_handover_record(actor=cashier, collector=collector, branch=branch, amount="5000")
    clerk = UserFactory(roles=["Accountant"], first_name="Nasrin", last_name="Haque")
    approver = UserFactory(roles=["Accountant"], first_name="Kamal", last_name="Hossain")

    staff_sign_in(page, clerk)
    page.get_by_role("link", name="Bills and expenses").first.click()
    page.locator("#books-bill-new").click()
    form = page.locator("#books-bill-form")
    form.locator("#id_supplier").select_option(label="Summit IIG")
    form.locator("#id_supplier_reference").fill("SUM-77")
    form.locator("#id_category").select_option("bandwidth")
    form.locator("#id_branch").select_option(label="Mirpur")
    form.locator("#id_bill_date").fill(today.strftime("%d/%m/%Y"))
    form.locator("#id_description").fill("IIG 1 Gbps this month")
    form.locator("#id_net").fill("60000")
    form.locator("#id_vat").fill("9000")
    pdf = tmp_path / "summit.pdf"
    pdf.write_bytes(b"%PDF-1.4 Summit bill")
    form.locator("#id_attachment").set_input_files(str(pdf))
    _shoot(page, "bill-form")
    form.get_by_role("button", name="Enter bill").click()
    expect(page.locator("#books-bill-status")).to_have_text("Awaiting approval")
    expect(page.locator("#books-bill-total")).to_contain_text("69,000.00")
    expect(page.locator("#books-bill-approve")).to_have_count(0)  # not for the one who entered it

    bill = Bill.objects.get()
    staff_sign_in(page, approver)
    page.goto(f"/staff/books/bills/{bill.pk}/")
    page.locator("#books-bill-approve").get_by_role("button").click()
    expect(page.locator("#books-bill-status")).to_have_text("Approved, unpaid")
    pay = page.locator("#books-bill-pay")
    pay.locator("#id_paid_from").select_option("bank")
    pay.locator("#id_bank").select_option(label=str(bank))
    pay.locator("#id_reference").fill("CHQ-9")
    pay.get_by_role("button", name="Record payment").click()
    expect(page.locator("#books-bill-status")).to_have_text("Paid")
    expect(page.locator("#books-bill-journal")).to_contain_text("5100")
    _shoot(page, "bill-paid")

    page.goto(f"/staff/books/?year={today.year}")
    expect(page.locator("#books-pnl-expenses")).to_contain_text("60,000.00")
    page.goto(f"/staff/books/purchases/?year={today.year}&month={today.month}")
    expect(page.locator("#books-purchases-vat")).to_contain_text("9,000.00")
    expect(page.locator("#books-purchases")).to_contain_text("0001234560101")
    _shoot(page, "purchase-register")

    page.goto("/staff/books/cash/")
    page.get_by_role("link", name="Mirpur").click()
    expect(page.locator("#books-cash-closing")).to_contain_text("5,000.00")
    page.goto(f"/staff/books/banks/{bank.pk}/")
    deposit = page.locator("#books-deposit-form")
    deposit.locator("#id_deposit-branch").select_option(label="Mirpur")
    deposit.locator("#id_deposit-amount").fill("4000")
    deposit.locator("#id_deposit-reference").fill("DS-1")
    deposit.get_by_role("button", name="Record deposit").click()
    expect(page.locator("#books-bank-balance")).to_contain_text("-৳65,000.00")  # 4,000 − 69,000
    statement = tmp_path / "dbbl.csv"
    statement.write_text(f"Date,Description,Amount\n{today:%d/%m/%Y},Cash deposit DS-1,4000\n{today:%d/%m/%Y},Cheque CHQ-9,\"-69,000.00\"\n"
                         f"{today:%d/%m/%Y},SMS charges,-57.50\n")
    page.locator("#books-statement-form #id_statement").set_input_files(str(statement))
    page.locator("#books-statement-form").get_by_role("button", name="Reconcile").click()
    expect(page.locator("#books-rec-matched")).to_have_text("2")
    expect(page.locator("#books-rec-statement-only")).to_have_text("1")
    expect(page.locator("#books-rec-difference")).to_contain_text("-৳57.50")
    _shoot(page, "reconciliation")


@pytest.mark.django_db(transaction=True)
@override_settings(BOOKS_BILL_APPROVAL_LIMIT=Decimal("50000"))
def test_a_bill_is_paid_in_two_parts_from_cash_and_a_bank_fed_by_a_gateway_settlement(page):
    """Examples 16 and 17 (docs/accounts.md) in the browser: bKash collected ৳20,000.00 and settles it into
    DBBL (Dr 1310 / Cr 1160); Mirpur holds ৳8,000.00 handed over. An NTTN bill of ৳20,000.00 + ৳3,000.00 VAT is
    paid ৳5,000.00 in cash (partly paid, ৳18,000.00 open; Mirpur 8,000 − 5,000 = ৳3,000.00), then the
    ৳18,000.00 rest from DBBL (paid, ৳0.00 open; DBBL 20,000 − 18,000 = ৳2,000.00)."""
    today = timezone.localdate()
    branch = BranchFactory(name="Mirpur", code="MIR")
    supplier = books_services.supplier_create(actor=None, name="Fiber@Home NTTN", bin="0009876540101")
    bank = books_services.bank_account_create(actor=None, name="DBBL current", bank="Dutch-Bangla Bank", number="110-42")
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=Decimal("8000"), method="cash")
    cash_handover_record(actor=cashier, collector=collector, branch=branch, amount="8000")
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=Decimal("20000"),
                          method="bkash", reference="BK-1")
    clerk = UserFactory(roles=["Accountant"], first_name="Nasrin", last_name="Haque")
    from usecases.bill_enter import bill_enter

    bill = bill_enter(actor=clerk, supplier=supplier, category="nttn", branch=branch, bill_date=today, description="NTTN this month",
                      net="20000", vat="3000")

    staff_sign_in(page, clerk)
    page.goto(f"/staff/books/banks/{bank.pk}/")
    expect(page.locator("#books-gateway-clearing")).to_contain_text("20,000.00")
    settlement = page.locator("#books-settlement-form")
    settlement.locator("#id_settlement-gateway").select_option("bkash")
    settlement.locator("#id_settlement-amount").fill("20000")
    settlement.locator("#id_settlement-reference").fill("BK-SET-1")
    settlement.get_by_role("button", name="Record settlement").click()
    expect(page.locator("#books-bank-balance")).to_contain_text("৳20,000.00")
    expect(page.locator("#books-bank-book")).to_contain_text("Gateway settlement · bKash")
    _shoot(page, "bank-settlement")

    page.goto(f"/staff/books/bills/{bill.pk}/")
    pay = page.locator("#books-bill-pay")
    expect(pay.locator("#id_amount")).to_have_value("23000.00")  # all that is open, unless a part is entered
    pay.locator("#id_amount").fill("5000")
    pay.locator("#id_paid_from").select_option("cash")
    pay.locator("#id_reference").fill("V-1")
    pay.get_by_role("button", name="Record payment").click()
    expect(page.locator("#books-bill-status")).to_have_text("Partly paid")
    expect(page.locator("#books-bill-amount-paid")).to_contain_text("5,000.00")
    expect(page.locator("#books-bill-amount-open")).to_contain_text("18,000.00")
    _shoot(page, "bill-partly-paid")
    pay = page.locator("#books-bill-pay")
    expect(pay.locator("#id_amount")).to_have_value("18000.00")
    pay.locator("#id_paid_from").select_option("bank")
    pay.locator("#id_bank").select_option(label=str(bank))
    pay.get_by_role("button", name="Record payment").click()
    expect(page.locator("#books-bill-status")).to_have_text("Paid")
    expect(page.locator("#books-bill-amount-open")).to_contain_text("0.00")
    expect(page.locator("#books-bill-payments tbody tr")).to_have_count(2)
    expect(page.locator("#books-bill-pay")).to_have_count(0)
    _shoot(page, "bill-paid-in-parts")

    page.goto("/staff/books/bills/?status=paid")
    expect(page.locator("#books-bills")).to_contain_text(bill.number)
    page.goto("/staff/books/cash/")
    page.get_by_role("link", name="Mirpur").click()
    expect(page.locator("#books-cash-closing")).to_contain_text("3,000.00")
    page.goto(f"/staff/books/banks/{bank.pk}/")
    expect(page.locator("#books-bank-balance")).to_contain_text("৳2,000.00")
