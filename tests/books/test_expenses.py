"""Expenses, cash and bank (docs/accounts.md, examples 6–11): bills posted when approved and when
paid, a second person above the approval limit, the branch cash book, deposits and transfers, the
purchase register beside the VAT worksheet, and a statement reconciled; each figure worked by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from billing.ledger.books import bank_movement_journal
from books import reconciliation, selectors
from books import services as books_services
from books.models import Bill, JournalEntry, JournalLine
from fieldservice.models import EquipmentItem, EquipmentModel
from payments.services import cash_handover_record, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer
from usecases.bank_deposit import bank_deposit
from usecases.bank_transfer import bank_transfer
from usecases.bill_enter import bill_enter
from usecases.bill_settle import bill_settle
from usecases.bill_sign_off import bill_sign_off

D = Decimal
NOV = date(2026, 11, 10)


def posted(source, source_id):
    """{account code: (debit, credit)} of the journal entry of a document."""
    entry = JournalEntry.objects.get(source=source, source_id=source_id)
    return {line.account.code: (line.debit, line.credit) for line in entry.lines.select_related("account")}


def assert_all_balanced():
    for entry in JournalEntry.objects.prefetch_related("lines"):
        assert sum(line.debit for line in entry.lines.all()) == sum(line.credit for line in entry.lines.all()), entry


@pytest.fixture
def expense_world(db):
    mirpur = BranchFactory(code="MIR", name="Mirpur")
    return {
        "mirpur": mirpur,
        "clerk": UserFactory(roles=["Accountant"]),
        "approver": UserFactory(roles=["Accountant"]),
        "summit": books_services.supplier_create(actor=None, name="Summit IIG", bin="0001234560101"),
        "landlord": books_services.supplier_create(actor=None, name="Mirpur landlord"),
        "dbbl": books_services.bank_account_create(actor=None, name="DBBL current", bank="Dutch-Bangla Bank", number="101-110-1234"),
        "brac": books_services.bank_account_create(actor=None, name="BRAC savings", bank="BRAC Bank", number="1501-2020"),
    }


def _cash_at(branch, amount):
    """A collector takes `amount` in cash and hands it all over at the branch (example 5's path)."""
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=D(amount), method="cash")
    return cash_handover_record(actor=cashier, collector=collector, branch=branch, amount=amount)


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_bill_under_the_limit_posts_its_cost_and_input_vat_and_its_payment_from_the_bank(expense_world):
    w = expense_world
    # Example 6: bandwidth ৳40,000 + 15 % VAT ৳6,000 = ৳46,000, under the ৳50,000 limit.
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="bandwidth", branch=w["mirpur"], bill_date=NOV,
                      description="November IIG 1 Gbps", net="40000", vat="6000", supplier_reference="SUM-11-77")
    assert bill.status == Bill.Status.APPROVED and bill.approved_by == w["clerk"]
    assert posted("bill", bill.pk) == {"5100": (D("40000.00"), D("0")), "1260": (D("6000.00"), D("0")), "2500": (D("0"), D("46000.00"))}
    assert JournalLine.objects.get(entry__source="bill", account__code="5100").branch_id == w["mirpur"].pk
    bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=date(2026, 11, 12), reference="CHQ-7")
    assert posted("bill_part", bill.payments.get().pk) == {"2500": (D("46000.00"), D("0")), "1310": (D("0"), D("46000.00"))}
    assert selectors.account_balance(code="2500") == D("0")  # nothing owed to the supplier
    assert selectors.account_balance(code="1310") == D("-46000.00")  # overdrawn: nothing was deposited
    pnl = selectors.profit_and_loss(first=date(2026, 11, 1), last=date(2026, 11, 30), branch_id=w["mirpur"].pk)
    assert pnl.expenses_total == D("40000.00") and pnl.profit == D("-40000.00")
    with pytest.raises(ValidationError):
        bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=date(2026, 11, 12))
    assert JournalEntry.objects.filter(source="bill_part").count() == 1
    assert_all_balanced()


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_bill_above_the_limit_waits_for_a_second_person_and_posts_nothing_until_then(expense_world):
    w = expense_world
    # Example 7: rent ৳60,000 without VAT, above the limit.
    bill = bill_enter(actor=w["clerk"], supplier=w["landlord"], category="rent", branch=w["mirpur"], bill_date=NOV,
                      description="POP rent, November", net="60000")
    assert bill.status == Bill.Status.AWAITING_APPROVAL
    assert not JournalEntry.objects.filter(source="bill").exists()
    with pytest.raises(ValidationError):  # not by the one who entered it
        bill_sign_off(actor=w["clerk"], bill=bill)
    with pytest.raises(PermissionDenied):  # nor by someone without the approval permission
        bill_sign_off(actor=UserFactory(roles=["Support"]), bill=bill)
    with pytest.raises(ValidationError):  # nor paid before it is approved
        bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=NOV)
    assert not JournalEntry.objects.exists()
    bill_sign_off(actor=w["approver"], bill=bill)
    bill.refresh_from_db()
    assert bill.status == Bill.Status.APPROVED and bill.approved_by == w["approver"]
    assert posted("bill", bill.pk) == {"5300": (D("60000.00"), D("0")), "2500": (D("0"), D("60000.00"))}


def test_the_limit_is_read_from_the_setting(expense_world):
    w = expense_world
    with override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("100")):
        assert bill_enter(actor=w["clerk"], supplier=w["landlord"], category="other", branch=w["mirpur"], bill_date=NOV,
                          description="Tea", net="100.01").status == Bill.Status.AWAITING_APPROVAL
        assert bill_enter(actor=w["clerk"], supplier=w["landlord"], category="other", branch=w["mirpur"], bill_date=NOV,
                          description="Tea", net="100.00").status == Bill.Status.APPROVED


def test_the_cash_book_takes_hand_overs_in_and_cash_bills_and_deposits_out(expense_world):
    w = expense_world
    today = date.today()
    # Example 8: ৳3,000 handed over at Mirpur; a ৳500 bill paid in cash; ৳2,000 deposited to DBBL.
    _cash_at(w["mirpur"], "3000")
    bill = bill_enter(actor=w["clerk"], supplier=w["landlord"], category="power", branch=w["mirpur"], bill_date=NOV,
                      description="Generator diesel", net="500")
    bill_settle(actor=w["clerk"], bill=bill, paid_from="cash", paid_on=NOV)
    assert posted("bill_part", bill.payments.get().pk) == {"2500": (D("500.00"), D("0")), "1110": (D("0"), D("500.00"))}
    deposit = bank_deposit(actor=w["clerk"], branch=w["mirpur"], bank=w["dbbl"], amount="2000", on=NOV, reference="DS-1")
    assert posted("bank_movement", deposit.pk) == {"1310": (D("2000.00"), D("0")), "1110": (D("0"), D("2000.00"))}
    assert selectors.cash_balance(branch_id=w["mirpur"].pk) == D("3000") - D("500") - D("2000") == D("500.00")
    book = selectors.account_book(code="1110", branch_id=w["mirpur"].pk, first=NOV, last=max(today, NOV))
    assert (book.opening, book.money_in, book.money_out, book.closing) == (D("0"), D("3000.00"), D("2500.00"), D("500.00"))
    with pytest.raises(ValidationError):  # the branch holds ৳500 only
        bank_deposit(actor=w["clerk"], branch=w["mirpur"], bank=w["dbbl"], amount="600", on=NOV)
    big = bill_enter(actor=w["clerk"], supplier=w["landlord"], category="other", branch=w["mirpur"], bill_date=NOV,
                     description="Cable", net="501")
    with pytest.raises(ValidationError):
        bill_settle(actor=w["clerk"], bill=big, paid_from="cash", paid_on=NOV)
    # Example 9: ৳1,500 moved from DBBL (1310) to BRAC (1311): DBBL 2,000 − 1,500 = ৳500.
    transfer = bank_transfer(actor=w["clerk"], from_bank=w["dbbl"], to_bank=w["brac"], amount="1500", on=NOV)
    assert posted("bank_movement", transfer.pk) == {"1311": (D("1500.00"), D("0")), "1310": (D("0"), D("1500.00"))}
    assert selectors.account_balance(code="1310") == D("500.00")
    with pytest.raises(ValidationError):
        bank_transfer(actor=w["clerk"], from_bank=w["dbbl"], to_bank=w["brac"], amount="500.01", on=NOV)
    assert_all_balanced()


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_the_purchase_register_lists_the_months_bills_and_its_vat_is_the_worksheets_input_tax(expense_world):
    w = expense_world
    # Example 10: November's bandwidth ৳40,000 + ৳6,000 VAT, the NTTN's ৳10,000 + ৳1,500, and rent
    # ৳60,000 still waiting for approval (not in the register); October's ৳2,000 + ৳300 is October's.
    bill_enter(actor=w["clerk"], supplier=w["summit"], category="bandwidth", branch=w["mirpur"], bill_date=NOV,
               description="IIG", net="40000", vat="6000")
    bill_enter(actor=w["clerk"], supplier=w["summit"], category="nttn", branch=w["mirpur"], bill_date=date(2026, 11, 3),
               description="NTTN link", net="10000", vat="1500")
    bill_enter(actor=w["clerk"], supplier=w["landlord"], category="rent", branch=w["mirpur"], bill_date=NOV, description="Rent", net="60000")
    bill_enter(actor=w["clerk"], supplier=w["summit"], category="nttn", branch=w["mirpur"], bill_date=date(2026, 10, 30),
               description="NTTN link", net="2000", vat="300")
    register = selectors.purchase_register(year=2026, month=11)
    assert [b.description for b in register.bills] == ["NTTN link", "IIG"]
    assert (register.net, register.vat, register.total) == (D("50000.00"), D("7500.00"), D("57500.00"))
    rows = list(selectors.purchase_register_csv_rows(register))
    assert rows[1][3:6] == ("Summit IIG", "0001234560101", "")
    sheet = selectors.vat_worksheet(year=2026, month=11)
    assert sheet.input_tax == register.vat == D("6000") + D("1500")
    assert sheet.net_payable == sheet.output_tax - D("7500.00")


STATEMENT = b"""Date,Description,Amount
11/11/2026,Cash deposit DS-1,2000.00
12/11/2026,Cheque CHQ-7 Summit,"-46,000.00"
20/11/2026,Bank charges,-250.00
"""


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_statement_is_matched_by_amount_date_and_reference_and_the_rest_listed(expense_world):
    w = expense_world
    _cash_at(w["mirpur"], "2000")
    # Example 11: the books of DBBL hold a deposit of ৳2,000 (10 Nov, DS-1), a bill paid ৳46,000
    # (12 Nov, CHQ-7) and a transfer out of ৳1,000 (14 Nov, to BRAC).
    bank_deposit(actor=w["clerk"], branch=w["mirpur"], bank=w["dbbl"], amount="2000", on=NOV, reference="DS-1")
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="bandwidth", branch=w["mirpur"], bill_date=NOV,
                      description="IIG", net="40000", vat="6000")
    bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=date(2026, 11, 12), reference="CHQ-7")
    with transaction.atomic():  # the transfer out of an overdrawn account, posted as the ledger posts it
        movement = books_services.bank_movements_create_many(rows=[dict(
            kind="transfer", from_bank=w["dbbl"], to_bank=w["brac"], amount=D("1000"), date=date(2026, 11, 14))])[0]
        bank_movement_journal(movement=movement)
    result = reconciliation.reconcile(code="1310", lines=reconciliation.statement_parse(STATEMENT))
    assert [(s.amount, b.reference) for s, b in result.matched] == [(D("2000.00"), "DS-1"), (D("-46000.00"), "CHQ-7")]
    assert [(s.row, s.amount) for s in result.statement_only] == [(4, D("-250.00"))]
    assert [(b.date, b.credit) for b in result.book_only] == [(date(2026, 11, 14), D("1000.00"))]
    # Statement 2,000 − 46,000 − 250 = −44,250; books 2,000 − 46,000 − 1,000 = −45,000; difference ৳750.
    assert result.difference == D("-44250.00") - D("-45000.00") == D("750.00")


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe\x00garbage", b"Date,Amount\n31/02/2026,100\n", b"Date,Amount\n01/11/2026,abc\n", b"Description\nx\n",
    b"Date,Amount\n01/11/2026,0\n", b"Date,Amount\n", b"Date,Amount\n01/11/2026,NaN\n", b"Date,Amount\n01/11/2026,1e400\n",
])
def test_a_statement_that_cannot_be_read_is_refused_whole(content):
    with pytest.raises(reconciliation.StatementError):
        reconciliation.statement_parse(content)


def test_credit_and_debit_columns_and_bangladeshi_formats_are_read():
    lines = reconciliation.statement_parse(b"Txn Date,Particulars,Debit,Credit\n05-Nov-2026,ATM,\"1,200.00\",\n06/11/2026,Deposit,,500\n")
    assert [(line.date, line.amount) for line in lines] == [(date(2026, 11, 5), D("-1200.00")), (date(2026, 11, 6), D("500.00"))]


def test_equipment_bought_is_received_into_the_branch_store_with_the_bill(expense_world):
    w = expense_world
    onu = EquipmentModel.objects.create(name="Huawei HG8010H", category="onu")
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="equipment", branch=w["mirpur"], bill_date=NOV,
                      description="Two ONUs", net="3000", vat="450", equipment_model=onu, serials=["hwtc0001", "HWTC0002"])
    assert bill.equipment_serials == ["HWTC0001", "HWTC0002"] and bill.equipment_model == "Huawei HG8010H"
    items = EquipmentItem.objects.filter(serial__in=bill.equipment_serials)
    assert {(i.status, i.branch_id) for i in items} == {("in_stock", w["mirpur"].pk)}
    assert posted("bill", bill.pk)["5600"] == (D("3000.00"), D("0"))
    # A serial the store already holds refuses the whole bill: no bill, no entry, no item.
    before = (Bill.objects.count(), JournalEntry.objects.count(), EquipmentItem.objects.count())
    with pytest.raises(ValidationError):
        bill_enter(actor=w["clerk"], supplier=w["summit"], category="equipment", branch=w["mirpur"], bill_date=NOV,
                   description="Again", net="1500", equipment_model=onu, serials=["HWTC0003", "HWTC0001"])
    assert (Bill.objects.count(), JournalEntry.objects.count(), EquipmentItem.objects.count()) == before


def test_a_bill_keeps_its_attachment_and_refuses_a_file_that_is_not_what_it_says(expense_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = expense_world
    pdf = SimpleUploadedFile("bill.pdf", b"%PDF-1.4 bill", content_type="application/pdf")
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="other", branch=w["mirpur"], bill_date=NOV,
                      description="Stationery", net="120", attachment=pdf)
    assert bill.attachment_name == "bill.pdf" and bill.attachment_type == "application/pdf" and bill.attachment.name.startswith("bills/")
    before = Bill.objects.count()
    with pytest.raises(ValidationError):
        bill_enter(actor=w["clerk"], supplier=w["summit"], category="other", branch=w["mirpur"], bill_date=NOV,
                   description="Stationery", net="120", attachment=SimpleUploadedFile("bill.pdf", b"<script>", content_type="application/pdf"))
    assert Bill.objects.count() == before


@pytest.mark.parametrize("changes", [
    {"net": "0"}, {"net": "-5"}, {"vat": "-1"}, {"net": "100", "vat": "101"}, {"category": "yacht"}, {"description": ""},
    {"bill_date": date(2999, 1, 1)},
])
def test_a_bill_that_does_not_add_up_is_refused_and_changes_nothing(expense_world, changes):
    w = expense_world
    fields = dict(actor=w["clerk"], supplier=w["summit"], category="other", branch=w["mirpur"], bill_date=NOV, description="x", net="100")
    with pytest.raises(ValidationError):
        bill_enter(**{**fields, **changes})
    assert not Bill.objects.exists() and not JournalEntry.objects.exists()


def test_a_supplier_bin_is_thirteen_digits(db):
    with pytest.raises(ValidationError):
        books_services.supplier_create(actor=None, name="Shop", bin="12AB")
    assert books_services.supplier_create(actor=None, name="Shop", bin="000123456-0101").bin == "0001234560101"


def test_bank_accounts_get_accounts_of_their_own_in_the_chart(expense_world):
    assert (expense_world["dbbl"].ledger_account.code, expense_world["brac"].ledger_account.code) == ("1310", "1311")
    assert expense_world["dbbl"].ledger_account.type == "asset"


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_bill_paid_in_two_parts_from_cash_and_from_the_bank_shows_paid_and_open_and_the_books_agree(expense_world):
    """Example 16 (docs/accounts.md): NTTN ৳20,000.00 + 15 % VAT ৳3,000.00 = ৳23,000.00. Mirpur holds ৳8,000.00
    handed over and DBBL ৳30,000.00 deposited from cash handed over before. Paid ৳5,000.00 in cash on 12 Nov:
    paid ৳5,000.00, open 23,000 − 5,000 = ৳18,000.00; Mirpur's cash 8,000 − 5,000 = ৳3,000.00. Then ৳18,000.00
    from DBBL on 14 Nov: paid, open ৳0.00; DBBL 30,000 − 18,000 = ৳12,000.00; owed to suppliers ৳0.00."""
    w = expense_world
    _cash_at(w["mirpur"], "38000")
    bank_deposit(actor=w["clerk"], branch=w["mirpur"], bank=w["dbbl"], amount="30000", on=NOV)
    assert selectors.cash_balance(branch_id=w["mirpur"].pk) == D("8000.00")
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="nttn", branch=w["mirpur"], bill_date=NOV,
                      description="NTTN November", net="20000", vat="3000")
    # More than is open, or than the cash book holds, is refused; nothing changes.
    with pytest.raises(ValidationError):
        bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=date(2026, 11, 12), amount="23000.01")
    with pytest.raises(ValidationError):
        bill_settle(actor=w["clerk"], bill=bill, paid_from="cash", paid_on=date(2026, 11, 12), amount="8000.01")
    assert not bill.payments.exists() and not JournalEntry.objects.filter(source="bill_part").exists()

    first = bill_settle(actor=w["clerk"], bill=bill, paid_from="cash", paid_on=date(2026, 11, 12), amount="5000", reference="V-1")
    assert first.status == Bill.Status.PARTLY_PAID
    assert (first.amount_paid, first.amount_open) == (D("5000.00"), D("18000.00"))
    cash_part = bill.payments.get()
    assert posted("bill_part", cash_part.pk) == {"2500": (D("5000.00"), D("0")), "1110": (D("0"), D("5000.00"))}
    assert selectors.cash_balance(branch_id=w["mirpur"].pk) == D("3000.00")
    assert selectors.account_balance(code="2500") == -D("18000.00")  # still owed to the supplier

    second = bill_settle(actor=w["clerk"], bill=bill, paid_from="bank", bank=w["dbbl"], paid_on=date(2026, 11, 14))
    assert second.status == Bill.Status.PAID and (second.amount_paid, second.amount_open) == (D("23000.00"), D("0.00"))
    bank_part = bill.payments.exclude(pk=cash_part.pk).get()
    assert bank_part.amount == D("18000.00")  # all that was open
    assert posted("bill_part", bank_part.pk) == {"2500": (D("18000.00"), D("0")), "1310": (D("0"), D("18000.00"))}
    assert selectors.account_balance(code="1310") == D("12000.00")
    assert selectors.account_balance(code="2500") == D("0")
    with pytest.raises(ValidationError):
        bill_settle(actor=w["clerk"], bill=bill, paid_from="cash", paid_on=date(2026, 11, 14), amount="1")
    assert_all_balanced()


def test_the_bills_page_links_each_serial_bought_to_the_store_for_those_who_see_it(client, expense_world):
    """The bill names the items it bought; staff who see the equipment store, the accountant among them
    (read only), follow each serial to it (the store's list searched by that serial, which finds the one
    item); staff who do not see the store read the serials without a link that would answer 403."""
    from tests.factories import admin_user

    w = expense_world
    onu = EquipmentModel.objects.create(name="Huawei HG8010H", category="onu")
    bill = bill_enter(actor=w["clerk"], supplier=w["summit"], category="equipment", branch=w["mirpur"], bill_date=NOV,
                      description="Two ONUs", net="3000", vat="450", equipment_model=onu, serials=["HWTC0001", "HWTC0002"])
    url = reverse("staff:books-bill-detail", args=[bill.pk])
    store = reverse("staff:equipment-list")
    for reader in (admin_user(), w["clerk"]):
        client.force_login(reader)
        page = client.get(url).content.decode()
        for serial in ("HWTC0001", "HWTC0002"):
            assert f'href="{store}?q={serial}"' in page
        found = client.get(store, {"q": "HWTC0002"}).content.decode()
        assert "HWTC0002" in found and "HWTC0001" not in found
    # The accountant checks the store; receiving into it or moving an item is the store's staff's.
    items = list(EquipmentItem.objects.order_by("pk").values_list("pk", "status"))
    assert client.get(reverse("staff:equipment-receive")).status_code == 403
    assert client.post(reverse("staff:equipment-write-off", args=[items[0][0]]), {"reason": "lost"}).status_code == 403
    assert list(EquipmentItem.objects.order_by("pk").values_list("pk", "status")) == items
    # Staff who see the books but not the store (a role an admin made) read the serials without links.
    books_only = UserFactory(roles=[])
    books_only.user_permissions.add(*Permission.objects.filter(content_type__app_label="books", codename="view_journalentry"))
    client.force_login(books_only)
    page = client.get(url).content.decode()
    assert "HWTC0001, HWTC0002" in page and store not in page
    assert client.get(store).status_code == 403
