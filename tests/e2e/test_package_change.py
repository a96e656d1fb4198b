"""A customer asks for a faster package in the portal, staff approve it in the queue, and the
customer's invoices show the proration (credit for the old package's unused days, charge for the new
one's), then the billing run's next invoice is for the new package."""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.models import Invoice, PackageChange
from customers.models import Subscription
from tests.billing.test_run import configure, run_billing
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription

SHOTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in_customer(page, customer):
    page.goto("/portal/login/")
    page.get_by_label("Account number or phone").fill(customer.account_number)
    page.get_by_label("Password").fill("portal-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(customer.name)


@pytest.mark.django_db(transaction=True)
def test_customer_requests_an_upgrade_staff_approve_and_the_invoices_show_the_proration(page, browser, live_server):
    configure(downgrade_at_next_cycle=True)
    today = timezone.localdate()
    basic = PackageFactory(name="Basic 10", price=Decimal("1000.00"))
    PackageFactory(name="Fast 40", price=Decimal("1500.00"), download_mbps=40, upload_mbps=40)
    customer = make_customer(name="Farhana Islam", portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, package=basic, activate=True, username="farhana.home")
    Subscription.objects.filter(pk=subscription.pk).update(
        activated_at=timezone.make_aware(datetime.combine(today.replace(day=1), time(9)))
    )
    run_billing(today)  # this month (and the next, in its last week) invoiced at Basic 10
    billed_before = set(Invoice.objects.values_list("pk", flat=True))

    # The customer asks for Fast 40 and sees the price of the change before confirming.
    sign_in_customer(page, customer)
    page.get_by_role("link", name="Change package").first.click()
    page.locator(f"#subscription-{subscription.pk}").get_by_role("button", name="Change package").click()
    page.get_by_label("Fast 40").check()
    quote = page.locator("#package-quote")
    expect(quote).to_contain_text("Credit, unused: Basic 10")
    expect(quote).to_contain_text("Fast 40 (farhana.home), prorated")
    page.get_by_role("button", name="Request this change").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Confirm the change")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "package-change-portal-confirm.png"), full_page=True)
    dialog.get_by_label("Note (optional)").fill("Working from home now")
    dialog.get_by_role("button", name="Send request").click()
    expect(page.get_by_test_id("open-request")).to_contain_text("waiting for a decision")

    # Staff approve it from the queue.
    staff_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    staff_page = staff_context.new_page()
    sign_in_staff(staff_page, admin_user())
    staff_page.get_by_role("link", name="Package requests").click()
    row = staff_page.locator("#packagechange-list tbody tr", has_text=customer.account_number)
    expect(row).to_contain_text("Working from home now")
    row.get_by_role("button", name="Approve").click()
    decide = staff_page.locator("dialog[open]")
    expect(decide.get_by_test_id("package-quote")).to_contain_text("Fast 40")
    staff_page.screenshot(path=str(SHOTS / "package-change-staff-approve.png"), full_page=True)
    decide.get_by_label("Note to the customer (optional)").fill("Enjoy the speed")
    decide.get_by_role("button", name="Approve").click()
    expect(staff_page.locator("dialog[open]")).to_have_count(0)
    expect(staff_page.locator("#packagechange-list")).to_contain_text("No request is waiting")
    staff_context.close()

    change = PackageChange.objects.get()
    assert change.status == "applied" and Subscription.objects.get(pk=subscription.pk).package.name == "Fast 40"

    # The billing run issues the next period at the new package.
    next_start = Subscription.objects.get(pk=subscription.pk).billed_through + timedelta(days=1)
    run_billing(max(today, next_start - timedelta(days=7)))
    next_invoice = Invoice.objects.exclude(pk__in=billed_before).exclude(pk=change.invoice_id).get()
    assert next_invoice.lines.get().description.startswith("Fast 40")

    # The customer's invoices: the proration invoice, its PDF listing the credit and prorated lines.
    page.get_by_role("link", name="Invoices").first.click()
    listing = page.locator("main")
    expect(listing).to_contain_text(change.invoice.number)
    expect(listing).to_contain_text(next_invoice.number)
    page.screenshot(path=str(SHOTS / "package-change-portal-invoices.png"), full_page=True)
    pdf = page.request.get(f"/portal/invoices/{change.invoice_id}/pdf/")
    assert pdf.ok
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Credit, unused: Basic 10" in text and "prorated" in text
    assert str(change.invoice.total) in text.replace(",", "")
