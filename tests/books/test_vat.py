"""VAT (docs/vat.md): the Mushak-6.3 and 6.7 PDFs carry every field of the NBR's forms in Bangla and
English; the sales register (6.2) and the regulator's subscriber figures are recomputed by hand; the
pages are the accountant's, in the navigation, and answer malformed input with 400, changing nothing."""

import csv
import io
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from billing.charges import credit_note_issue
from billing.models import BillingSettings, Invoice
from billing.mushak import mushak_6_3_html, mushak_6_3_pdf, mushak_6_7_html, mushak_6_7_pdf
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from billing.vat_registers import sales_register, sales_register_totals
from customers.regulator import subscriber_figures
from payments.models import Payment, VdsDeduction
from payments.vds import vds_payment_record
from tests.factories import UserFactory, make_customer

pytestmark = pytest.mark.django_db
D = Decimal
VAT_PAGES = ("books-sales-register", "books-vds-register", "books-regulator")


@pytest.fixture
def vat_accountant(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Accountant"))
    return user


@pytest.fixture
def vat_month(db):
    """The ISP (BIN 000111222-0101) at 5 % VAT; a corporate customer billed ৳10,000.00 + ৳2,000.00 and a
    home customer ৳800.00; a credit note of ৳210.00 on the second corporate invoice."""
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        vat_rate=D("5.00"), prices_include_vat=False, vat_registration_number="0001112220101", isp_name="Dhaka Fiber Net",
        isp_address="House 12, Road 5, Dhanmondi, Dhaka",
    )
    padma = make_customer(name="Padma Textiles Ltd", vat_bin="0012345670101", address="Plot 7, Tejgaon I/A, Dhaka")
    home = make_customer(name="Karim Ahmed", national_id="1990123456789")
    first = invoice_create(actor=None, customer=padma, lines=[LineSpec(kind="recurring", description="Dedicated 50 Mbps", amount=D("10000.00"))])
    second = invoice_create(actor=None, customer=padma, lines=[LineSpec(kind="one_time", description="Router", amount=D("2000.00"))])
    third = invoice_create(actor=None, customer=home, lines=[LineSpec(kind="recurring", description="Home 20 Mbps", amount=D("800.00"))])
    note = credit_note_issue(actor=None, invoice=second, amount=D("210.00"), reason="price agreed lower")
    return [Invoice.objects.get(pk=i.pk) for i in (first, second, third)], note


def _text(document) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document.content, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def _assert_fields(text: str, html: str, document, fields) -> None:
    """English labels are read back from the PDF (pdftotext). Shaped Bangla cannot be: WeasyPrint maps a
    conjunct's glyph to the letters of its first use in the document, so pdftotext reads the same label
    back differently in different places (নম্বর once as নমর, once as নিম্বর). So the Bangla labels are
    checked in the HTML the PDF is made from, and the PDF is checked to carry Bangla text set in the
    vendored Noto Sans Bengali (pdffonts). A label wrapped in a narrow cell comes back in pieces between
    the next cell's text, so the PDF's text is checked to hold every word of each English label, and the
    HTML to hold each label whole in both languages ("বাংলা / English")."""
    words = set(text.replace("/", " ").replace(":", " ").split())
    for bangla, english in fields:
        assert f"{bangla} / {english}" in html, bangla
        assert all(word in words for word in english.split()), english
    assert any(0x0980 <= ord(ch) <= 0x09FF for ch in text)
    fonts = subprocess.run(["pdffonts", "-"], input=document.content, capture_output=True)
    if fonts.returncode == 0:
        assert "Bengali" in fonts.stdout.decode()


MUSHAK_6_3_FIELDS = (
    # (Bangla, English): the form's fields (docs/vat.md, "The forms and their sources")
    ("মূসক-৬.৩", "Mushak-6.3"), ("কর চালানপত্র", "Tax Invoice"), ("নিবন্ধিত ব্যক্তির নাম", "Name of registered person"),
    ("নিবন্ধিত ব্যক্তির বিআইএন", "BIN of registered person"), ("চালানপত্র ইস্যুর ঠিকানা", "Challan issuing address"),
    ("ক্রেতার নাম", "Name of purchaser"), ("ক্রেতার বিআইএন", "BIN of purchaser"), ("সরবরাহের গন্তব্যস্থল", "Destination of supply"),
    ("চালানপত্র নম্বর", "Invoice No"), ("ইস্যুর তারিখ", "Date of issue"), ("ইস্যুর সময়", "Time of issue"),
    ("পণ্য বা সেবার বর্ণনা", "Description of goods or services"), ("পরিমাণ", "Quantity"), ("মোট মূল্য (টাকায়)", "Value before VAT (Taka)"),
    ("মূল্য সংযোজন করের হার", "VAT rate"), ("মূল্য সংযোজন করের পরিমাণ (টাকায়)", "VAT amount (Taka)"),
)


def test_the_tax_invoice_carries_every_field_of_mushak_6_3_in_bangla_and_english(vat_month):
    (first, _second, _third), _note = vat_month
    document = mushak_6_3_pdf(first)
    text = _text(document)
    _assert_fields(text, mushak_6_3_html(first), document, MUSHAK_6_3_FIELDS)
    issued = timezone.localtime(first.created_at)
    for value in ("Dhaka Fiber Net", "0001112220101", "Padma Textiles Ltd", "0012345670101", first.challan_number,
                  issued.strftime("%d/%m/%Y"), issued.strftime("%H:%M"), "Dedicated 50 Mbps", "10000.00", "5%", "500.00", "10500.00"):
        assert value in text, value


MUSHAK_6_7_FIELDS = (
    ("মূসক-৬.৭", "Mushak-6.7"), ("ক্রেডিট নোট", "Credit Note"), ("ক্রেডিট নোট নম্বর", "Credit note No"),
    ("ইস্যুর তারিখ", "Date of issue"), ("ইস্যুর সময়", "Time of issue"), ("নিবন্ধিত ব্যক্তির বিআইএন", "BIN of registered person"),
    ("ক্রেতার বিআইএন", "BIN of purchaser"), ("মূল কর চালানপত্রের নম্বর", "Original tax invoice No"),
    ("সমন্বয়ের প্রকৃতি", "Nature of adjustment"), ("মূসকের পরিমাণের উপর প্রভাব", "Effect on the amount of VAT"),
)


def test_the_credit_note_carries_every_field_of_mushak_6_7_in_bangla_and_english(vat_month):
    (_first, second, _third), note = vat_month
    document = mushak_6_7_pdf(note)
    text = _text(document)
    _assert_fields(text, mushak_6_7_html(note), document, MUSHAK_6_7_FIELDS)
    # ৳210.00 on a ৳2,100.00 invoice with ৳100.00 VAT: VAT share 210 × 100 ÷ 2,100 = ৳10.00, value ৳200.00.
    for value in (note.challan_number, second.challan_number, "price agreed lower", "200.00", "−10.00", "210.00"):
        assert value in text, value


def test_the_sales_register_lists_the_months_tax_invoices_and_credit_notes(vat_month):
    (first, second, third), note = vat_month
    today = timezone.localdate()
    rows = sales_register(year=today.year, month=today.month)
    assert [r.challan for r in rows] == [first.challan_number, second.challan_number, third.challan_number, note.challan_number]
    assert rows[0].registration == "0012345670101" and rows[2].registration == "1990123456789"
    # Value: 10,000 + 2,000 + 800 − 200 = 12,600.00; VAT: 500 + 100 + 40 − 10 = 630.00.
    assert sales_register_totals(rows) == (D("12600.00"), D("630.00"))


def test_the_sales_register_page_and_its_csv(client, vat_accountant, vat_month):
    client.force_login(vat_accountant)
    today = timezone.localdate()
    page = client.get(reverse("staff:books-sales-register"), {"year": today.year, "month": today.month}).content.decode()
    assert 'id="books-sales-vat">৳630.00' in page or "630.00" in page
    response = client.get(reverse("staff:books-sales-register"), {"year": today.year, "month": today.month, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "serial" and len(rows) == 5
    assert sum(D(r[11]) for r in rows[1:]) == D("630.00")


def _regulator_world():
    """Dhaka: a 20 Mbps PPPoE and a 50 Mbps static-IP connection; Sylhet: a 20 Mbps PPPoE connection,
    another cancelled an hour ago and a 50 Mbps one never activated (neither counts)."""
    from customers.models import Subscription
    from tests.factories import AreaFactory, PackageFactory, make_subscription

    mirpur, sylhet = AreaFactory(district="Dhaka"), AreaFactory(district="Sylhet")
    p20, p50 = PackageFactory(download_mbps=20, upload_mbps=20), PackageFactory(download_mbps=50, upload_mbps=50)
    now = timezone.now()
    made = [
        make_subscription(customer=make_customer(area=mirpur), package=p20),
        make_subscription(customer=make_customer(area=mirpur), package=p50),
        make_subscription(customer=make_customer(area=sylhet), package=p20),
        make_subscription(customer=make_customer(area=sylhet), package=p20),
    ]
    Subscription.objects.filter(pk__in=[s.pk for s in made]).update(activated_at=now - timedelta(days=1))
    Subscription.objects.filter(pk=made[1].pk).update(connection_type=Subscription.ConnectionType.STATIC_IP, static_ip="10.9.0.2")
    # One connection cancelled already, one never activated: neither counts.
    Subscription.objects.filter(pk=made[3].pk).update(cancelled_at=now - timedelta(hours=1))
    make_subscription(customer=make_customer(area=sylhet), package=p50)


def test_the_regulators_figures_count_subscribers_by_type_bandwidth_and_district(db):
    _regulator_world()
    figures = subscriber_figures(year=timezone.localdate().year, month=timezone.localdate().month)
    assert figures.total == 3
    assert figures.by_connection_type == [("PPPoE", 2), ("Static IP", 1)]
    assert figures.by_bandwidth == [(20, 2), (50, 1)]
    assert figures.by_district == [("Dhaka", 2), ("Sylhet", 1)]


def test_the_regulators_figures_page_and_its_csv(client, vat_accountant):
    """The CSV is the three counts together, a row per district, connection type and bandwidth: Dhaka
    has one 20 Mbps PPPoE and one 50 Mbps static IP, Sylhet one 20 Mbps PPPoE — 1 + 1 + 1 = 3."""
    _regulator_world()
    today = timezone.localdate()
    client.force_login(vat_accountant)
    page = client.get(reverse("staff:books-regulator"), {"year": today.year, "month": today.month})
    assert page.status_code == 200
    assert 'id="books-regulator-total">3<' in page.content.decode()
    response = client.get(reverse("staff:books-regulator"), {"year": today.year, "month": today.month, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    label = f"{today.year}-{today.month:02d}"
    assert f'btrc-subscribers-{label}.csv' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows == [
        ["month", "district", "connection_type", "download_mbps", "subscribers"],
        [label, "Dhaka", "PPPoE", "20", "1"],
        [label, "Dhaka", "Static IP", "50", "1"],
        [label, "Sylhet", "PPPoE", "20", "1"],
    ]


def test_every_vat_page_is_in_the_accountants_navigation_and_renders(client, vat_accountant, vat_month):
    client.force_login(vat_accountant)
    home = client.get(reverse("staff:home")).content.decode()
    for name in VAT_PAGES:
        assert f'href="{reverse(f"staff:{name}")}"' in home, name
        assert client.get(reverse(f"staff:{name}")).status_code == 200, name
    assert client.get(reverse("staff:books-vds-awaiting")).status_code == 200
    (first, _second, _third), note = vat_month
    assert client.get(reverse("staff:invoice-mushak-pdf", args=[first.pk]))["Content-Type"] == "application/pdf"
    assert client.get(reverse("staff:credit-note-mushak-pdf", args=[note.pk]))["Content-Type"] == "application/pdf"
    detail = client.get(reverse("staff:invoice-detail", args=[first.pk])).content.decode()
    assert reverse("staff:invoice-mushak-pdf", args=[first.pk]) in detail and reverse("staff:invoice-vds", args=[first.pk]) in detail


def test_the_accountant_records_vat_deducted_and_its_certificate_in_the_browser_pages(client, vat_accountant, vat_month):
    (first, _second, _third), _note = vat_month
    client.force_login(vat_accountant)
    url = reverse("staff:invoice-vds", args=[first.pk])
    assert client.get(url).status_code == 200
    # The accountant records the VAT side only; money received needs payments.add_payment.
    assert client.post(url, {"withheld": "500.00", "received": "10000", "method": "bank", "reference": "X"}).status_code == 403
    assert not VdsDeduction.objects.exists()
    response = client.post(url, {"withheld": "500.00", "received": "0", "method": "bank"})
    assert response.status_code == 302
    deduction = VdsDeduction.objects.get()
    awaiting = client.get(reverse("staff:books-vds-awaiting"), {"days": "0"}).content.decode()
    assert f'id="vds-certificate-{deduction.pk}"' in awaiting
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert client.post(reverse("staff:books-vds-certificate", args=[deduction.pk]), {"number": "C-77", "date": today}).status_code == 302
    deduction.refresh_from_db()
    assert deduction.certificate_number == "C-77"


@pytest.mark.parametrize("name,query", [
    ("books-sales-register", {"month": "13"}), ("books-sales-register", {"year": "x"}),
    ("books-vds-register", {"first": "31/02/2026", "last": "01/03/2026"}), ("books-vds-register", {"first": "02/03/2026", "last": "01/03/2026"}),
    ("books-vds-awaiting", {"days": "-1"}), ("books-vds-awaiting", {"days": "x"}),
    ("books-regulator", {"month": "0"}), ("books-regulator", {"year": "\x00"}),
])
def test_malformed_vat_filters_answer_400(client, vat_accountant, vat_month, name, query):
    client.force_login(vat_accountant)
    assert client.get(reverse(f"staff:{name}"), query).status_code == 400


@pytest.mark.parametrize("data", [
    {"withheld": "abc"}, {"withheld": "-5"}, {"withheld": "501.00", "received": "0", "method": "bank"},
    {"withheld": "100", "received": "0", "method": "bank", "certificate_number": "C-1"},
    {"withheld": "100", "received": "0", "method": "bank", "certificate_date": "01/01/2099", "certificate_number": "C"},
    {"withheld": "100", "received": "0", "method": "teleport"},
])
def test_malformed_vds_input_answers_400_and_changes_nothing(client, vat_accountant, vat_month, data):
    (first, _second, _third), _note = vat_month
    client.force_login(vat_accountant)
    assert client.post(reverse("staff:invoice-vds", args=[first.pk]), data).status_code == 400
    assert not VdsDeduction.objects.exists() and not Payment.objects.exists()


def test_a_malformed_certificate_answers_400_and_changes_nothing(client, vat_accountant, vat_month):
    (first, _second, _third), _note = vat_month
    deduction = vds_payment_record(actor=None, invoice=first, withheld="500.00").deduction
    client.force_login(vat_accountant)
    url = reverse("staff:books-vds-certificate", args=[deduction.pk])
    for data in ({"number": "", "date": "01/01/2026"}, {"number": "C-1", "date": "31/02/2026"}, {"number": "C-1", "date": "01/01/2099"}):
        assert client.post(url, data).status_code == 400
    deduction.refresh_from_db()
    assert deduction.certificate_number == ""
    assert client.post(reverse("staff:books-vds-certificate", args=[999999]), {"number": "C", "date": "01/01/2026"}).status_code == 404


def test_the_customer_downloads_their_own_tax_forms_in_the_portal(client, vat_month):
    """A corporate customer claims its input tax with the ISP's forms, so the portal gives them: each
    invoice's Mushak-6.3, a debit note's 6.8 on its row, each credit note's 6.7 — its own only."""
    from billing.charges import debit_note_issue
    from customers.services import customer_portal_access_set

    (first, second, third), note = vat_month
    padma = first.customer
    customer_portal_access_set(actor=None, customer=padma, password="portal-pass-1")
    padma.refresh_from_db()
    debit = debit_note_issue(actor=None, invoice=first, net="1000.00", reason="Second port left off")
    client.force_login(padma.user)
    page = client.get(reverse("portal:invoice-list")).content.decode()
    for invoice in (first, second):
        assert f'id="invoice-mushak-{invoice.pk}"' in page
    assert f'id="invoice-mushak-{debit.charge_id}"' in page and "Mushak-6.8" in page
    assert f'href="{reverse("portal:credit-note-mushak-pdf", args=[note.pk])}"' in page
    assert f'id="invoice-mushak-{third.pk}"' not in page  # Karim's invoice is not Padma's

    tax_invoice = client.get(reverse("portal:invoice-mushak-pdf", args=[first.pk]))
    assert tax_invoice["Content-Type"] == "application/pdf"
    text = _text(tax_invoice)
    # ৳10,000.00 at 5 %: ৳500.00 of VAT, ৳10,500.00 in all, to Padma's BIN.
    for value in ("Mushak-6.3", first.challan_number, "0012345670101", "10000.00", "500.00", "10500.00"):
        assert value in text, value
    # The debit note's row gives its Mushak-6.8: ৳1,000.00 more at 5 % = ৳50.00 of VAT.
    text = _text(client.get(reverse("portal:invoice-mushak-pdf", args=[debit.charge_id])))
    assert "Mushak-6.8" in text and debit.challan_number in text and "50.00" in text
    text = _text(client.get(reverse("portal:credit-note-mushak-pdf", args=[note.pk])))
    assert "Mushak-6.7" in text and note.challan_number in text and second.challan_number in text
    # Karim's invoice and another's credit note are not found.
    assert client.get(reverse("portal:invoice-mushak-pdf", args=[third.pk])).status_code == 404
    other_note = credit_note_issue(actor=None, invoice=third, amount=D("100.00"), reason="outage")
    assert client.get(reverse("portal:credit-note-mushak-pdf", args=[other_note.pk])).status_code == 404
