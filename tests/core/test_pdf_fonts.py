"""Every PDF is set in the fonts we ship (static/vendor/noto-sans-bengali/), so its Bangla is Bangla
on any machine: read back, each Bangla document gives its text, and the fonts that draw it are the
shipped ones, embedded in the file."""

import io
import os
import subprocess
import sys
import unicodedata
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from billing.documents import invoice_pdf, receipt_pdf, statement_pdf
from billing.models import InvoiceLine
from billing.services import LineSpec, invoice_create
from contracts import services as contract_services
from contracts.documents import contract_pdf
from dashboard import metrics
from dashboard.report import monthly_report_pdf
from ispbill.core.pdf import FONT_DIR, font_files
from payments.services import payment_ledger_record
from tests.factories import PackageFactory, make_customer, make_subscription

BANGLA_NAME = "রহিম উদ্দিন"
SHIPPED = ("Document-Sans", "Document-Sans-Bengali", "Document-Sans-Bold", "Document-Sans-Bengali-Bold", "Document-Sans-Extended")


def read_back(content: bytes) -> tuple[str, dict[str, bool]]:
    """(the text of every page, {font name without its subset tag: embedded?})."""
    reader = PdfReader(io.BytesIO(content))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            fonts[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def letters(text: str) -> str:
    """The letters and digits of `text`, in order. A PDF draws Bangla in visual order (a vowel sign
    before its consonant) and its glyphs map back to text with the signs moved or doubled (and some
    conjuncts to one of their letters); the letters of most words come back in the order they were
    written, so they are what a test can compare."""
    return "".join(c for c in text if unicodedata.category(c) in ("Lo", "Lu", "Ll", "Nd") or c == "৳")


def assert_bangla_document(content: bytes, *bangla: str) -> str:
    text, fonts = read_back(content)
    assert "\x00" not in text  # text read back as text, not UTF-16 bytes
    for words in bangla:
        assert letters(words) in letters(text), f"{words!r} not in {text!r}"
    assert "Document-Sans-Bengali" in fonts or "Document-Sans-Bengali-Bold" in fonts
    assert all(fonts.values()), f"fonts not embedded: {[name for name, embedded in fonts.items() if not embedded]}"
    # Mono digits of a contract's hash may come from the machine; every other glyph is ours.
    assert {name for name in fonts if "Mono" not in name} <= set(SHIPPED), fonts
    return text


def test_the_shipped_fonts_and_their_licence_are_in_static():
    assert all(path.is_file() for path in font_files())
    licence = next(FONT_DIR.glob("LICENSE-noto-sans-bengali-*")).read_text()
    assert "SIL Open Font License" in licence


NO_FONTS_SCRIPT = """
import sys
import django
django.setup()
import weasyprint.pdf.fonts
if sys.argv[1] == "fonttools":
    weasyprint.pdf.fonts.harfbuzz_subset = None  # as on a machine without libharfbuzz-subset0
from ispbill.core.pdf import html_to_pdf
sys.stdout.buffer.write(html_to_pdf(sys.stdin.read()))
"""


@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_a_bangla_pdf_is_right_on_a_machine_without_any_font_with_either_subsetter(tmp_path, subsetter):
    config = tmp_path / "fonts.conf"  # fontconfig that knows no font at all
    config.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>')
    html = "<p>মোট বকেয়া ৳১,২০০ Total due <b>পরিশোধিত ২০০</b></p>"
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", NO_FONTS_SCRIPT, subsetter], input=html.encode(), capture_output=True, env=env,
        cwd=Path(settings.BASE_DIR), timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    text, fonts = read_back(done.stdout)
    assert letters(text) == letters("মোট বকেয়া ৳১,২০০ Total due পরিশোধিত ২০০")
    assert set(fonts) == {"Document-Sans", "Document-Sans-Bengali", "Document-Sans-Bengali-Bold"}
    assert all(fonts.values())


@pytest.fixture
def bangla_customer(db):
    customer = make_customer(name=BANGLA_NAME, address="বাড়ি ৫, রোড ২, ধানমন্ডি", language="bn")
    subscription = make_subscription(customer=customer)
    start = timezone.localdate().replace(day=1)
    invoice_create(
        actor=None, customer=customer, issue_date=start,
        lines=[LineSpec(kind=InvoiceLine.Kind.ONE_TIME, description="রাউটার স্থাপন", amount=Decimal("500.00"),
                        subscription_id=subscription.pk)],
    )
    return customer


def test_bangla_invoice_receipt_and_statement_carry_their_text_in_the_shipped_fonts(bangla_customer):
    invoice = bangla_customer.invoices.get()
    assert_bangla_document(invoice_pdf(invoice).content, BANGLA_NAME, "বিল", "রাউটার স্থাপন", "বকেয়া")
    payment = payment_ledger_record(actor=None, customer=bangla_customer, amount=Decimal("500.00"), method="cash")
    assert_bangla_document(receipt_pdf(payment).content, BANGLA_NAME, "রসিদ")
    today = timezone.localdate()
    assert_bangla_document(statement_pdf(bangla_customer, start=today - timedelta(days=40), end=today).content, BANGLA_NAME)


def test_a_bangla_contract_carries_its_terms_in_the_shipped_fonts(db):
    subscription = make_subscription(
        customer=make_customer(name=BANGLA_NAME), package=PackageFactory(price=Decimal("1000.00"), minimum_term_months=12),
    )
    template = contract_services.contract_template_save(
        actor=None, key="home", language="bn", title="ইন্টারনেট সেবা চুক্তি",
        body="{{ customer_name }} এর সাথে চুক্তি। মাসিক মূল্য {{ price_per_cycle }}।",
    )
    contract = contract_services.contract_create(actor=None, subscription=subscription, template=template)
    contract = contract_services.contract_send(actor=None, contract=contract)  # the terms are frozen when sent
    assert_bangla_document(contract_pdf(contract), "ইন্টারনেট সেবা চুক্তি", f"{BANGLA_NAME} এর সাথে চুক্তি", "মাসিক মূল্য")


def test_reports_in_bangla_carry_their_text_in_the_shipped_fonts(staff_client, admin):
    month = timezone.localdate().replace(day=1)
    with translation.override("bn"):
        text = assert_bangla_document(monthly_report_pdf(scope=metrics.ALL, month=month, user=admin))
        assert "৳" in text
    sla = staff_client.get(reverse("staff:sla-report"), HTTP_ACCEPT_LANGUAGE="bn")
    assert sla["Content-Type"] == "application/pdf"
    read_back(sla.content)  # English labels are fine here; the fonts must still be ours
    assert set(read_back(sla.content)[1]) <= set(SHIPPED)
