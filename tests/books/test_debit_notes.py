"""Debit notes (Mushak-6.8; docs/vat.md "Debit notes", example D1): an undercharge on an issued tax invoice
raises what the customer owes, with its VAT, through the ledger; its own gap-free series; the PDF in Bangla
and English; the sales register and the VAT worksheet count it; the staff screen refuses malformed input
with 400 and staff without the permission with 403, changing nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.charges import debit_note_issue
from billing.models import Account, BillingSettings, DebitNote, Invoice, LedgerEntry
from billing.mushak import mushak_6_8_html, mushak_6_8_pdf
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from billing.vat_registers import sales_register, sales_register_totals
from books.models import JournalEntry, JournalLine
from books.selectors import vat_worksheet
from tests.books.test_vat import _assert_fields, _text
from tests.factories import UserFactory, make_customer
from usecases.payment_record import payment_record

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def undercharged(db):
    """Example D1: VAT 5 %; Padma Textiles billed ৳10,000.00 net for its dedicated line (VAT ৳500.00)."""
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        vat_rate=D("5.00"), prices_include_vat=False, vat_registration_number="0001112220101", isp_name="Dhaka Fiber Net",
    )
    padma = make_customer(name="Padma Textiles Ltd", vat_bin="0012345670101", address="Plot 7, Tejgaon I/A, Dhaka")
    invoice = invoice_create(actor=None, customer=padma, lines=[LineSpec(kind="recurring", description="Dedicated 50 Mbps", amount=D("10000.00"))])
    return Invoice.objects.get(pk=invoice.pk)


def _lines(entry: JournalEntry) -> dict[str, tuple[Decimal, Decimal]]:
    return {line.account.code: (line.debit, line.credit) for line in JournalLine.objects.filter(entry=entry).select_related("account")}


def _journal_balances() -> bool:
    debit = sum(JournalLine.objects.values_list("debit", flat=True), D("0"))
    credit = sum(JournalLine.objects.values_list("credit", flat=True), D("0"))
    return debit == credit


def test_a_debit_note_raises_what_is_owed_with_its_vat_through_the_ledger_and_the_journal(undercharged):
    note = debit_note_issue(actor=None, invoice=undercharged, net="1200.00", reason="Router installation left off")
    # VAT = 1,200 × 5 % = ৳60.00; total ৳1,260.00.
    assert (note.net, note.vat, note.amount) == (D("1200.00"), D("60.00"), D("1260.00"))
    year = timezone.localdate().year
    assert note.number == f"DN-{year}-00001" and note.challan_number == f"MDN-{year}-00001"
    # The customer owes 10,500 + 1,260 = ৳11,760.00; the charge is payable like an invoice.
    assert Account.objects.get(customer=undercharged.customer).balance == D("11760.00")
    assert note.charge.total == D("1260.00") and note.charge.status == Invoice.Status.OPEN and note.charge.challan_number == ""
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.DEBIT_NOTE)
    assert entry.amount == D("1260.00") and entry.invoice_id == note.charge_id
    journal = JournalEntry.objects.get(source=JournalEntry.Source.LEDGER, source_id=entry.pk)
    # Dr 1200 ৳1,260.00 / Cr 4200 ৳1,200.00, Cr 2100 ৳60.00.
    assert _lines(journal) == {"1200": (D("1260.00"), D("0")), "4200": (D("0"), D("1200.00")), "2100": (D("0"), D("60.00"))}
    assert _journal_balances()


def test_a_payment_settles_the_invoice_and_the_debit_note(undercharged, admin_user):
    note = debit_note_issue(actor=None, invoice=undercharged, net="1200.00", reason="Router installation left off")
    payment_record(actor=admin_user, customer=undercharged.customer, amount=D("11760.00"), method="bank", reference="TT-1")
    assert Invoice.objects.get(pk=undercharged.pk).status == Invoice.Status.PAID
    assert Invoice.objects.get(pk=note.charge_id).status == Invoice.Status.PAID
    assert Account.objects.get(customer=undercharged.customer).balance == D("0.00")
    assert _journal_balances()


def test_the_sales_register_and_the_vat_worksheet_count_the_debit_note(undercharged):
    note = debit_note_issue(actor=None, invoice=undercharged, net="1200.00", reason="Router installation left off")
    today = timezone.localdate()
    rows = sales_register(year=today.year, month=today.month)
    assert [r.challan for r in rows] == [undercharged.challan_number, note.challan_number]
    assert rows[1].remark == f"debit note on {undercharged.challan_number}"
    # Value 10,000 + 1,200 = ৳11,200.00; VAT 500 + 60 = ৳560.00: the month's output tax.
    assert sales_register_totals(rows) == (D("11200.00"), D("560.00"))
    sheet = vat_worksheet(year=today.year, month=today.month)
    assert (sheet.supply_value, sheet.output_tax) == (D("11200.00"), D("560.00"))


def test_debit_notes_are_numbered_in_their_own_gap_free_series(undercharged):
    year = timezone.localdate().year
    first = debit_note_issue(actor=None, invoice=undercharged, net="100", reason="a")
    with pytest.raises(ValidationError):
        debit_note_issue(actor=None, invoice=undercharged, net="-5", reason="refused: takes no number")
    second = debit_note_issue(actor=None, invoice=undercharged, net="50", reason="b")
    assert [first.challan_number, second.challan_number] == [f"MDN-{year}-00001", f"MDN-{year}-00002"]
    assert [first.number, second.number] == [f"DN-{year}-00001", f"DN-{year}-00002"]


MUSHAK_6_8_FIELDS = (
    ("মূসক-৬.৮", "Mushak-6.8"), ("ডেবিট নোট", "Debit Note"), ("ডেবিট নোট নম্বর", "Debit note No"),
    ("ইস্যুর তারিখ", "Date of issue"), ("ইস্যুর সময়", "Time of issue"), ("নিবন্ধিত ব্যক্তির বিআইএন", "BIN of registered person"),
    ("ক্রেতার বিআইএন", "BIN of purchaser"), ("মূল কর চালানপত্রের নম্বর", "Original tax invoice No"),
    ("সমন্বয়ের প্রকৃতি", "Nature of adjustment"), ("মূসকের পরিমাণের উপর প্রভাব", "Effect on the amount of VAT"),
)


def test_the_debit_note_carries_every_field_of_mushak_6_8_in_bangla_and_english(undercharged):
    note = debit_note_issue(actor=None, invoice=undercharged, net="1200.00", reason="Router installation left off")
    document = mushak_6_8_pdf(note)
    text = _text(document)
    _assert_fields(text, mushak_6_8_html(note), document, MUSHAK_6_8_FIELDS)
    for value in (note.challan_number, undercharged.challan_number, "Router installation left off", "Increasing adjustment",
                  "1200.00", "+60.00", "1260.00", "0012345670101"):
        assert value in text, value


@pytest.fixture
def manager(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Manager"))
    return user


def test_the_manager_issues_a_debit_note_from_the_invoice_page(client, manager, undercharged):
    client.force_login(manager)
    detail = client.get(reverse("staff:invoice-detail", args=[undercharged.pk])).content.decode()
    url = reverse("staff:debit-note-create", args=[undercharged.pk])
    assert f'href="{url}"' in detail
    assert client.get(url).status_code == 200
    response = client.post(url, {"net": "1200.00", "reason": "Router installation left off"})
    assert response.status_code == 302
    note = DebitNote.objects.get()
    detail = client.get(reverse("staff:invoice-detail", args=[undercharged.pk])).content.decode()
    assert note.challan_number in detail and reverse("staff:debit-note-mushak-pdf", args=[note.pk]) in detail
    pdf = client.get(reverse("staff:debit-note-mushak-pdf", args=[note.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    charge = client.get(reverse("staff:invoice-detail", args=[note.charge_id])).content.decode()
    assert 'id="debit-note-of"' in charge and 'id="invoice-debit-note-link"' not in charge


@pytest.mark.parametrize("data", [
    {"net": "-10", "reason": "x"}, {"net": "0", "reason": "x"}, {"net": "abc", "reason": "x"}, {"net": "NaN", "reason": "x"},
    {"net": "100"}, {"net": "100", "reason": "   "}, {"net": "1e30", "reason": "x"}, {},
])
def test_malformed_input_is_refused_with_400_and_nothing_changes(client, manager, undercharged, data):
    client.force_login(manager)
    response = client.post(reverse("staff:debit-note-create", args=[undercharged.pk]), data)
    assert response.status_code == 400
    assert not DebitNote.objects.exists() and not LedgerEntry.objects.filter(kind="debit_note").exists()
    assert Account.objects.get(customer=undercharged.customer).balance == D("10500.00")


def test_a_void_invoice_and_staff_without_the_permission_are_refused(client, manager, undercharged):
    cashier = UserFactory()
    cashier.groups.add(Group.objects.get(name="Cashier"))
    client.force_login(cashier)
    url = reverse("staff:debit-note-create", args=[undercharged.pk])
    assert client.post(url, {"net": "100", "reason": "x"}).status_code == 403
    assert 'id="invoice-debit-note-link"' not in client.get(reverse("staff:invoice-detail", args=[undercharged.pk])).content.decode()
    Invoice.objects.filter(pk=undercharged.pk).update(status=Invoice.Status.VOID)
    client.force_login(manager)
    assert client.post(url, {"net": "100", "reason": "x"}).status_code == 400
    assert client.get(reverse("staff:debit-note-create", args=[999999])).status_code == 404
    assert not DebitNote.objects.exists()
