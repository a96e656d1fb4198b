"""The Accounts section's expense, cash and bank pages (web/books/): in the accountant's navigation,
a bill entered, approved by a second person and paid through the pages, a statement reconciled,
and every malformed form or file answered 400 with nothing changed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from billing.ledger.books import bill_journal
from books import services as books_services
from books.models import BankAccount, BankMovement, Bill, JournalEntry, JournalLine, Supplier
from tests.factories import BranchFactory, UserFactory

D = Decimal
PAGES = ("books-bill-list", "books-bill-create", "books-supplier-list", "books-purchase-register", "books-cash-book", "books-bank-list")


@pytest.fixture
def books_desk(db):
    return {
        "branch": BranchFactory(code="UTT", name="Uttara"),
        "clerk": UserFactory(roles=["Accountant"]),
        "approver": UserFactory(roles=["Accountant"]),
        "supplier": books_services.supplier_create(actor=None, name="Fiber@Home NTTN", bin="0009876540101"),
        "bank": books_services.bank_account_create(actor=None, name="City current", bank="City Bank", number="1102"),
    }


def snapshot():
    return (Bill.objects.count(), Supplier.objects.count(), BankAccount.objects.count(), BankMovement.objects.count(),
            JournalEntry.objects.count(), JournalLine.objects.count(), list(Bill.objects.values_list("status", flat=True)))


def test_every_new_page_is_in_the_accountants_navigation_and_renders(client, books_desk):
    client.force_login(books_desk["clerk"])
    home = client.get(reverse("staff:home")).content.decode()
    for name in PAGES:
        if name != "books-bill-create":
            assert f'href="{reverse(f"staff:{name}")}"' in home, name
        assert client.get(reverse(f"staff:{name}")).status_code == 200, name
    assert client.get(reverse("staff:books-bank-detail", args=[books_desk["bank"].pk])).status_code == 200


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_bill_entered_approved_by_another_and_paid_through_the_pages(client, books_desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = books_desk
    client.force_login(d["clerk"])
    response = client.post(reverse("staff:books-bill-create"), {
        "supplier": d["supplier"].pk, "category": "nttn", "branch": d["branch"].pk, "bill_date": "10/11/2026",
        "description": "NTTN 10 Gbps, November", "net": "80000", "vat": "12000", "supplier_reference": "FH-2026-11",
        "attachment": SimpleUploadedFile("fh.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    })
    bill = Bill.objects.get()
    assert response.status_code == 302 and bill.status == Bill.Status.AWAITING_APPROVAL
    page = client.get(reverse("staff:books-bill-detail", args=[bill.pk])).content.decode()
    assert 'id="books-bill-approve"' not in page  # not offered to the one who entered it
    assert client.post(reverse("staff:books-bill-approve", args=[bill.pk])).status_code == 400
    assert client.get(reverse("staff:books-bill-attachment", args=[bill.pk]))["Content-Type"] == "application/pdf"
    client.force_login(d["approver"])
    assert client.post(reverse("staff:books-bill-approve", args=[bill.pk])).status_code == 302
    bill.refresh_from_db()
    assert bill.status == Bill.Status.APPROVED
    response = client.post(reverse("staff:books-bill-pay", args=[bill.pk]),
                           {"paid_from": "bank", "bank": d["bank"].pk, "paid_on": "12/11/2026", "reference": "CHQ-100"})
    assert response.status_code == 302
    page = client.get(reverse("staff:books-purchase-register"), {"year": 2026, "month": 11}).content.decode()
    assert "FH-2026-11" in page and "0009876540101" in page and "12,000.00" in page
    page = client.get(reverse("staff:books-bank-detail", args=[d["bank"].pk]), {"first": "01/11/2026", "last": "30/11/2026"}).content.decode()
    assert "-৳92,000.00" in page  # the bank paid the bill: 0 − 92,000
    # The book's line says what it is in words, not the journal entry's code.
    assert "Supplier&#x27;s bill paid · Bank account" in page and "bill_paid_bank" not in page


@pytest.mark.parametrize("name,data", [
    ("books-bill-create", {}),
    ("books-bill-create", {"category": "nttn", "net": "abc", "bill_date": "31/02/2026"}),
    ("books-bill-create", {"category": "other", "net": "10", "vat": "11", "description": "x", "bill_date": "01/11/2026"}),
    ("books-bill-create", {"category": "other", "net": "10", "description": "x", "bill_date": "01/11/2026", "serials": "A1"}),
    ("books-supplier-list", {"name": ""}),
    ("books-supplier-list", {"name": "Shop", "bin": "12"}),
    ("books-supplier-list", {"name": "Fiber@Home NTTN"}),
    ("books-bank-list", {"name": "City current", "bank": "City", "number": "9"}),
    ("books-bank-list", {"name": "\x00"}),
])
def test_malformed_forms_answer_400_and_change_nothing(client, books_desk, name, data):
    client.force_login(books_desk["clerk"])
    if name == "books-bill-create" and data.get("description"):
        data = {**data, "supplier": books_desk["supplier"].pk, "branch": books_desk["branch"].pk}
    before = snapshot()
    assert client.post(reverse(f"staff:{name}"), data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("action,data", [
    ("books-bank-deposit", {}),
    ("books-bank-deposit", {"deposit-branch": "999999", "deposit-amount": "10", "deposit-date": "01/11/2026"}),
    ("books-bank-deposit", {"deposit-amount": "10", "deposit-date": "01/11/2026"}),  # the branch holds no cash
    ("books-bank-transfer", {"transfer-amount": "-1", "transfer-date": "01/11/2026"}),
    ("books-bank-reconcile", {}),
    ("books-bank-reconcile", {"statement": "garbage"}),
    ("books-bank-settlement", {}),
    ("books-bank-settlement", {"settlement-gateway": "paypal", "settlement-amount": "10", "settlement-date": "01/11/2026"}),
    ("books-bank-settlement", {"settlement-gateway": "bkash", "settlement-amount": "-1", "settlement-date": "01/11/2026"}),
    ("books-bank-settlement", {"settlement-gateway": "bkash", "settlement-amount": "10", "settlement-date": "01/11/2026"}),  # nothing to settle
])
def test_malformed_bank_forms_answer_400_and_change_nothing(client, books_desk, action, data):
    client.force_login(books_desk["clerk"])
    if action == "books-bank-deposit" and "deposit-branch" not in data and data:
        data = {**data, "deposit-branch": books_desk["branch"].pk}
    before = snapshot()
    assert client.post(reverse(f"staff:{action}", args=[books_desk["bank"].pk]), data).status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("content", [b"\x00\x01\x02", b"Date,Amount\n99/99/2026,5\n", b"nothing,here\n1,2\n", b""])
def test_a_statement_that_cannot_be_read_answers_400_and_changes_nothing(client, books_desk, content):
    client.force_login(books_desk["clerk"])
    before = snapshot()
    response = client.post(reverse("staff:books-bank-reconcile", args=[books_desk["bank"].pk]),
                           {"statement": SimpleUploadedFile("s.csv", content or b" ", content_type="text/csv")})
    assert response.status_code == 400
    assert snapshot() == before


def test_a_statement_is_reconciled_on_the_bank_page(client, books_desk):
    client.force_login(books_desk["clerk"])
    statement = SimpleUploadedFile("s.csv", b"Date,Reference,Amount\n03/11/2026,Charges,-115.00\n", content_type="text/csv")
    page = client.post(reverse("staff:books-bank-reconcile", args=[books_desk["bank"].pk]), {"statement": statement})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="books-rec-statement-only">1<' in html and 'id="books-rec-matched">0<' in html


@pytest.mark.parametrize("name,query", [
    ("books-purchase-register", {"month": "13"}), ("books-cash-book", {"branch": "x"}),
    ("books-cash-book", {"first": "30/11/2026", "last": "01/11/2026"}), ("books-bill-list", {"status": "lost"}),
])
def test_malformed_filters_of_the_new_pages_answer_400(client, books_desk, name, query):
    client.force_login(books_desk["clerk"])
    assert client.get(reverse(f"staff:{name}"), query).status_code == 400


def test_support_staff_cannot_see_or_write_the_books(client, books_desk):
    client.force_login(UserFactory(roles=["Support"]))
    before = snapshot()
    for name in PAGES:
        assert client.get(reverse(f"staff:{name}")).status_code == 403, name
    assert client.post(reverse("staff:books-supplier-list"), {"name": "Sneaky"}).status_code == 403
    assert client.post(reverse("staff:books-bank-deposit", args=[books_desk["bank"].pk]), {}).status_code == 403
    assert snapshot() == before


def test_a_bill_cannot_be_dated_tomorrow(client, books_desk):
    client.force_login(books_desk["clerk"])
    tomorrow = date.fromordinal(date.today().toordinal() + 2).strftime("%d/%m/%Y")
    before = snapshot()
    assert client.post(reverse("staff:books-bill-create"), {
        "supplier": books_desk["supplier"].pk, "category": "other", "branch": books_desk["branch"].pk, "bill_date": tomorrow,
        "description": "x", "net": "5"}).status_code == 400
    assert snapshot() == before


@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("50000"))
def test_a_bill_paid_in_parts_through_the_page_shows_paid_and_open(client, books_desk):
    d = books_desk
    client.force_login(d["clerk"])
    bill = books_services.bill_create(actor=d["clerk"], supplier=d["supplier"], category="nttn", branch=d["branch"],
                                      bill_date=date(2026, 11, 10), description="NTTN", net="20000", vat="3000")
    with transaction.atomic():
        bill_journal(bill=bill)
    url = reverse("staff:books-bill-pay", args=[bill.pk])
    for data in ({"amount": "-5", "paid_from": "bank", "bank": d["bank"].pk, "paid_on": "12/11/2026"},
                 {"amount": "abc", "paid_from": "bank", "bank": d["bank"].pk, "paid_on": "12/11/2026"},
                 {"amount": "23000.01", "paid_from": "bank", "bank": d["bank"].pk, "paid_on": "12/11/2026"},
                 {"amount": "100", "paid_from": "cash", "paid_on": "12/11/2026"}):  # the branch holds no cash
        before = snapshot()
        assert client.post(url, data).status_code == 400, data
        assert snapshot() == before and not bill.payments.exists()
    assert client.post(url, {"amount": "8000", "paid_from": "bank", "bank": d["bank"].pk, "paid_on": "12/11/2026"}).status_code == 302
    page = client.get(reverse("staff:books-bill-detail", args=[bill.pk])).content.decode()
    # ৳23,000.00 − ৳8,000.00 = ৳15,000.00 open.
    assert 'id="books-bill-amount-paid">৳8,000.00' in page and 'id="books-bill-amount-open">৳15,000.00' in page
    assert 'id="books-bill-pay"' in page and 'id="books-bill-payments"' in page
    assert client.post(url, {"paid_from": "bank", "bank": d["bank"].pk, "paid_on": "13/11/2026"}).status_code == 302
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID and bill.amount_paid == D("23000.00") and bill.payments.count() == 2
    page = client.get(reverse("staff:books-bill-detail", args=[bill.pk])).content.decode()
    assert 'id="books-bill-amount-open">৳0.00' in page and 'id="books-bill-pay"' not in page


def test_a_gateway_settlement_lands_in_the_bank_through_the_page(client, books_desk):
    """Example 17 (docs/accounts.md): bKash collected ৳1,200.00 (Dr 1160); settled into City current: Dr 1310 / Cr 1160 ৳1,200.00, the bank
    holds ৳1,200.00 and the clearing account ৳0.00; settling ৳0.01 more is refused."""
    from books import selectors
    from payments.services import payment_ledger_record
    from tests.factories import AreaFactory, make_customer

    d = books_desk
    payment_ledger_record(actor=d["clerk"], customer=make_customer(area=AreaFactory(branch=d["branch"])), amount=D("1200"),
                          method="bkash", reference="BK-1")
    client.force_login(d["clerk"])
    url = reverse("staff:books-bank-settlement", args=[d["bank"].pk])
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post(url, {"settlement-gateway": "bkash", "settlement-amount": "1200", "settlement-date": today,
                             "settlement-reference": "BK-SET-1"}).status_code == 302
    movement = BankMovement.objects.get(kind="settlement")
    lines = {line.account.code: (line.debit, line.credit) for line in JournalLine.objects.filter(
        entry__source="bank_movement", entry__source_id=movement.pk).select_related("account")}
    assert lines == {d["bank"].ledger_account.code: (D("1200.00"), D("0")), "1160": (D("0"), D("1200.00"))}
    assert selectors.account_balance(code=d["bank"].ledger_account.code) == D("1200.00")
    assert selectors.account_balance(code="1160") == D("0")
    before = snapshot()
    assert client.post(url, {"settlement-gateway": "nagad", "settlement-amount": "0.01", "settlement-date": today}).status_code == 400
    assert snapshot() == before
    page = client.get(reverse("staff:books-bank-detail", args=[d["bank"].pk])).content.decode()
    assert "Gateway settlement · bKash" in page
