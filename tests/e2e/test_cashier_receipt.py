import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from payments.models import Payment
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory, make_customer


@pytest.mark.django_db(transaction=True)
def test_cashier_records_a_payment_from_the_due_list_and_downloads_the_receipt_pdf(page):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=Decimal("0"), isp_name="Padma Net Ltd.")
    customer = make_customer(name="Jamal Hossain")
    issued = timezone.localdate() - timedelta(days=12)
    invoice = invoice_create(
        actor=None, customer=customer, issue_date=issued, due_date=issued + timedelta(days=7),
        lines=[LineSpec(kind="one_time", description="Monthly internet", amount=Decimal("800.00"))],
    )
    cashier = UserFactory(roles=["Cashier"])
    sign_in_staff(page, cashier)

    page.get_by_role("link", name="Due list").click()
    row = page.locator(f"#due-{customer.pk}")
    expect(row).to_contain_text("Jamal Hossain")
    row.get_by_role("button", name="Record payment").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label("Amount")).to_have_value("800.00")
    dialog.get_by_role("button", name="Record payment").click()
    expect(dialog).to_contain_text("Payment recorded")

    payment = Payment.objects.get(customer=customer)
    expect(dialog).to_contain_text(payment.receipt_number)
    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Download receipt PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{payment.receipt_number}.pdf"
    content = open(download.path(), "rb").read()
    assert content.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert payment.receipt_number in text and invoice.number in text and "800.00" in text and "Jamal Hossain" in text
    # Paid in full: the customer has left the due list.
    expect(page.locator(f"#due-{customer.pk}")).to_have_count(0)
