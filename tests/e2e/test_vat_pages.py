"""The VAT pages (docs/vat.md) walked in Chromium as the Accountant: a corporate customer's invoice
gives its Mushak-6.3 PDF; the VAT it withheld is recorded through the invoice's form and settles it;
the deduction waits for its certificate, which is recorded from the awaited list and then shows in the
register of certificates received (Mushak-6.6); the month's sales register (6.2) carries the invoice
and its CSV; the regulator's subscriber figures count the connection. Pages at 1366 px, the registers
also at 360 px with nothing scrolling sideways; screenshots go to test-artifacts/ for review.

Figures by hand (example V1 in docs/vat.md): ৳10,000.00 net at 5 % VAT is ৳500.00 VAT, ৳10,500.00 in
all. The customer pays ৳10,000.00 (taken by a cashier: the accountant cannot take money) and withholds
৳500.00; 10,000 + 500 = 10,500, so the invoice is paid and ৳500.00 waits for a certificate."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import BillingSettings, DebitNote, Invoice
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from payments.models import VdsDeduction
from payments.services import payment_ledger_record
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.staff_pages import PHONE, WIDE, staff_sign_in
from tests.factories import AreaFactory, PackageFactory, UserFactory, make_customer, make_subscription

D = Decimal


def _shoot(page, name: str, *, phone: bool = False):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size(WIDE)
    page.screenshot(path=str(ARTIFACTS / f"vat-{name}-1366.png"), full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(ARTIFACTS / f"vat-{name}-360.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{name} scrolls sideways at 360 px"
        page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
def test_an_accountant_records_vat_deducted_at_source_and_its_certificate_and_reads_the_registers(page):
    today = timezone.localdate()
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False,
                                                vat_registration_number="0001112220101", isp_name="Dhaka Fiber Net")
    area = AreaFactory(district="Dhaka")
    padma = make_customer(area=area, name="Padma Textiles Ltd", vat_bin="0012345670101", address="Plot 7, Tejgaon I/A, Dhaka")
    make_subscription(customer=padma, package=PackageFactory(download_mbps=50), activate=True)
    invoice = invoice_create(actor=None, customer=padma, lines=[
        LineSpec(kind="recurring", description="Dedicated 50 Mbps", amount=D("10000.00")),
    ])
    assert Invoice.objects.count() == 1  # activating issued no first invoice of its own
    assert invoice.vat_total == D("500.00") and invoice.total == D("10500.00")
    payment_ledger_record(actor=UserFactory(roles=["Cashier"]), customer=padma, amount=D("10000.00"), method="cash")
    invoice.refresh_from_db()
    assert invoice.amount_due == D("500.00")
    accountant = UserFactory(roles=["Accountant"], first_name="Nasrin", last_name="Haque")

    staff_sign_in(page, accountant)
    page.goto(f"/staff/billing/invoices/{invoice.pk}/")
    expect(page.locator("h1")).to_contain_text(invoice.number)
    mushak = page.request.get(page.locator("#invoice-mushak-link").get_attribute("href"))
    assert mushak.status == 200 and mushak.headers["content-type"].startswith("application/pdf")
    assert mushak.body().startswith(b"%PDF")
    _shoot(page, "invoice-before")

    page.locator("#invoice-vds-link").click()
    form = page.locator("#invoice-vds-form form")
    expect(form.locator("#id_withheld")).to_have_value("500.00")  # what is left of the VAT to deduct
    # The ৳10,000.00 was taken by the cashier; the accountant is not offered the money fields at all.
    expect(form.locator("#id_received")).to_be_hidden()
    expect(form.get_by_label("Money received")).to_have_count(0)
    _shoot(page, "vds-form", phone=True)
    form.get_by_role("button", name="Record").click()
    expect(page).to_have_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    expect(page.locator("h1 .badge")).to_have_text("Paid")
    expect(page.locator("#invoice-vds-link")).to_have_count(0)  # nothing left to deduct
    _shoot(page, "invoice-settled")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_due == D("0.00")

    page.goto("/staff/books/vds/awaiting/")
    filters = page.locator("#books-vds-awaiting-filters")
    filters.locator("#id_days").fill("0")  # it was deducted today; by default only 30 days overdue show
    filters.get_by_role("button", name="Show").click()
    awaited = page.locator("#books-vds-awaiting tbody tr")
    expect(awaited).to_have_count(1)
    expect(awaited).to_contain_text("Padma Textiles Ltd")
    expect(awaited).to_contain_text("0012345670101")
    expect(awaited).to_contain_text(invoice.number)
    expect(page.locator("#books-vds-awaiting-total")).to_contain_text("500.00")
    _shoot(page, "vds-awaiting", phone=True)
    deduction = VdsDeduction.objects.get()
    certificate = page.locator(f"#vds-certificate-{deduction.pk}")
    button, box = certificate.get_by_role("button", name="Record certificate"), page.locator("#books-vds-awaiting").locator("..")
    assert button.bounding_box()["x"] + button.bounding_box()["width"] <= box.bounding_box()["x"] + box.bounding_box()["width"] + 1, (
        "the certificate's button sits past the table's edge at 1366 px"
    )
    certificate.locator("#id_number").fill("VDS-2026-0042")
    certificate.locator("#id_date").fill(today.strftime("%d/%m/%Y"))
    certificate.get_by_role("button", name="Record certificate").click()
    expect(page.locator("main")).to_contain_text("Certificate VDS-2026-0042 recorded.")
    deduction.refresh_from_db()
    assert deduction.certificate_number == "VDS-2026-0042" and deduction.certificate_date == today

    page.goto("/staff/books/vds/")
    filters = page.locator("#books-vds-filters")
    filters.locator("#id_first").fill(today.replace(day=1).strftime("%d/%m/%Y"))
    filters.locator("#id_last").fill(today.strftime("%d/%m/%Y"))
    filters.get_by_role("button", name="Show").click()
    received = page.locator("#books-vds tbody tr")
    expect(received).to_have_count(1)
    expect(received).to_contain_text("VDS-2026-0042")
    expect(received).to_contain_text("Padma Textiles Ltd")
    expect(page.locator("#books-vds-total")).to_contain_text("500.00")
    _shoot(page, "vds-register", phone=True)

    page.goto("/staff/books/sales-register/")
    filters = page.locator("#books-sales-filters")
    filters.locator("#id_year").fill(str(today.year))
    filters.locator("#id_month").fill(str(today.month))
    filters.get_by_role("button", name="Show").click()
    sold = page.locator("#books-sales tbody tr")
    expect(sold).to_have_count(1)
    cells = sold.locator("td")
    expect(cells.nth(2)).to_have_text("Padma Textiles Ltd")
    expect(cells.nth(3)).to_have_text("0012345670101")
    expect(cells.nth(4)).to_contain_text(invoice.challan_number or invoice.number)
    expect(cells.nth(7)).to_contain_text("10,000.00")
    expect(cells.nth(9)).to_contain_text("500.00")
    expect(page.locator("#books-sales-value")).to_contain_text("10,000.00")
    expect(page.locator("#books-sales-vat")).to_contain_text("500.00")
    _shoot(page, "sales-register", phone=True)
    exported = page.request.get(page.url.split("?")[0] + page.locator("#books-sales-csv").get_attribute("href"))
    assert exported.status == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text().lstrip("\ufeff"))))
    assert len(rows) == 2 and "Padma Textiles Ltd" in rows[1] and "0012345670101" in rows[1]

    page.goto("/staff/books/regulator/")
    filters = page.locator("#books-regulator-filters")
    filters.locator("#id_year").fill(str(today.year))
    filters.locator("#id_month").fill(str(today.month))
    filters.get_by_role("button", name="Show").click()
    expect(page.locator("#books-regulator-total")).to_have_text("1")  # Padma's one active connection
    expect(page.locator("#books-regulator-speed")).to_contain_text("50 Mbps")
    expect(page.locator("#books-regulator-district")).to_contain_text("Dhaka")
    _shoot(page, "regulator", phone=True)


@pytest.mark.django_db(transaction=True)
def test_a_manager_issues_a_debit_note_on_an_invoice_and_the_sales_register_counts_it(page):
    """Example D1 (docs/vat.md) in the browser: ৳10,000.00 at 5 % billed; ৳1,200.00 left off raised by a debit
    note: VAT 1,200 × 5 % = ৳60.00, ৳1,260.00 payable; the register's value 10,000 + 1,200 = ৳11,200.00 and VAT
    500 + 60 = ৳560.00."""
    today = timezone.localdate()
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False,
                                                vat_registration_number="0001112220101", isp_name="Dhaka Fiber Net")
    padma = make_customer(area=AreaFactory(district="Dhaka"), name="Padma Textiles Ltd", vat_bin="0012345670101",
                          address="Plot 7, Tejgaon I/A, Dhaka")
    invoice = invoice_create(actor=None, customer=padma, lines=[
        LineSpec(kind="recurring", description="Dedicated 50 Mbps", amount=D("10000.00")),
    ])
    manager = UserFactory(roles=["Manager"], first_name="Rafiq", last_name="Islam")

    staff_sign_in(page, manager)
    page.goto(f"/staff/billing/invoices/{invoice.pk}/")
    page.locator("#invoice-debit-note-link").click()
    form = page.locator("#debit-note-form form")
    form.locator("#id_net").fill("1200")
    form.locator("#debit-note-submit").click()  # no reason: refused, nothing issued
    expect(page.locator("#debit-note-form")).to_contain_text("Give a reason")
    assert not DebitNote.objects.exists()
    form = page.locator("#debit-note-form form")
    form.locator("#id_net").fill("1200")
    form.locator("#id_reason").fill("Router installation left off")
    _shoot(page, "debit-note-form", phone=True)
    form.locator("#debit-note-submit").click()
    expect(page).to_have_url(re.compile(rf"/invoices/{invoice.pk}/$"))
    note = DebitNote.objects.get()
    rows = page.locator("#invoice-debit-notes tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(note.challan_number)
    expect(rows).to_contain_text("60.00")
    expect(rows).to_contain_text("1,260.00")
    _shoot(page, "invoice-debit-note")
    pdf = page.request.get(rows.get_by_role("link", name=re.compile("Mushak-6.8")).get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    rows.get_by_role("link", name=note.number, exact=True).click()
    expect(page.locator("#debit-note-of")).to_contain_text(invoice.number)
    expect(page.locator("#invoice-amount-due")).to_contain_text("1,260.00")
    expect(page.locator("#debit-note-mushak-link")).to_be_visible()

    page.goto(f"/staff/books/sales-register/?year={today.year}&month={today.month}")
    sold = page.locator("#books-sales tbody tr")
    expect(sold).to_have_count(2)
    expect(sold.nth(1)).to_contain_text(note.challan_number)
    expect(page.locator("#books-sales-value")).to_contain_text("11,200.00")
    expect(page.locator("#books-sales-vat")).to_contain_text("560.00")
    _shoot(page, "sales-register-debit-note", phone=True)


@pytest.mark.django_db(transaction=True)
def test_a_corporate_customer_downloads_its_tax_invoice_and_credit_note_in_the_portal(page):
    """Padma signs in to the portal: Invoices gives the ৳10,000.00 invoice's Mushak-6.3 (৳500.00 VAT at
    5 %) and lists the ৳210.00 credit note with its Mushak-6.7; nothing scrolls sideways at 360 px."""
    from billing.charges import credit_note_issue
    from tests.e2e.test_package_change import sign_in_customer

    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False, vat_registration_number="0001112220101")
    padma = make_customer(name="Padma Textiles Ltd", vat_bin="0012345670101", portal_password="portal-pass-1")
    invoice = invoice_create(actor=None, customer=padma, lines=[LineSpec(kind="recurring", description="Dedicated 50 Mbps", amount=D("10000.00"))])
    note = credit_note_issue(actor=None, invoice=invoice, amount=D("210.00"), reason="price agreed lower")
    sign_in_customer(page, padma)
    page.goto("/portal/invoices/")
    with page.expect_download() as download:
        page.locator(f"#invoice-mushak-{invoice.pk}").click()
    assert download.value.suggested_filename.startswith("mushak-6.3-")
    expect(page.locator(f"#credit-note-{note.pk}")).to_contain_text("210.00")
    with page.expect_download() as download:
        page.locator(f"#credit-note-mushak-{note.pk}").click()
    assert download.value.suggested_filename.startswith("mushak-6.7-")
    _shoot(page, "portal-invoices", phone=True)
