"""Settings → Billing, "Issue the first invoice at activation", end to end: an admin turns it on from the
navigation, activates a pending connection from the customer's page (the dialog quotes the first
invoice), and finds that invoice on the customer's Billing tab (docs/billing.md, "The first invoice")."""

import calendar
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import BillingSettings, Invoice
from billing.selectors import current_billing_settings
from ispbill.core.money import format_money
from tests.billing.test_first_invoice import by_hand
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription


def _shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], name), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_admin_turns_on_invoice_at_activation_activates_a_connection_and_sees_its_first_invoice(page):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode="calendar", allowed_anchor_days=[1, 5, 25, 30], default_anchor_day=1, vat_rate="15", prices_include_vat=False,
    )
    customer = make_customer(name="Nusrat Jahan", phone="01713-456789")
    subscription = make_subscription(customer=customer, package=PackageFactory(name="Home 20", price="1000.00"), username="nusrat.home")
    page.set_default_timeout(60_000)  # a loaded machine's first page can take longer than the usual 10 s
    sign_in_staff(page, admin_user())

    page.locator("nav").get_by_role("link", name="Billing", exact=True).last.click()
    choice = page.get_by_label("Issue the first invoice at activation")
    expect(choice).not_to_be_checked()  # the suite's settings row starts with the night's run rule
    choice.check()
    _shot(page, "billing-settings-invoice-at-activation.png")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Issue the first invoice at activation")).to_be_checked()
    assert BillingSettings.objects.get(pk=1).invoice_at_activation is True

    # The connection's page: the customer's Subscriptions tab, and its Activate dialog.
    page.goto(f"/staff/customers/{customer.pk}/?tab=subscriptions")
    page.locator("#customer-tab").get_by_role("link", name="Activate").or_(
        page.locator("#customer-tab").get_by_role("button", name="Activate")
    ).first.click()
    dialog = page.locator("dialog[open]")
    today = timezone.localdate()
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    expected = by_hand(1000, days_in_month - today.day + 1, days_in_month)[2]  # today to the month's end (anchor 1)
    expect(dialog.locator("#first-invoice-total")).to_have_text(format_money(expected))
    _shot(page, "activate-first-invoice-quote.png")
    dialog.get_by_role("button", name="Activate").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator("#customer-tab")).to_contain_text("Active")

    invoice = Invoice.objects.get(customer=customer)
    assert invoice.total == expected and invoice.issue_date == today
    page.locator("#customer-tab").get_by_role("link", name="Billing").click()
    billing = page.locator("#billing-tab")
    expect(billing).to_contain_text(invoice.number)
    expect(billing.get_by_role("row", name=re.compile(re.escape(invoice.number))).first).to_contain_text(format_money(expected))
    _shot(page, "customer-billing-first-invoice.png")
    subscription.refresh_from_db()
    assert subscription.billed_through is not None
