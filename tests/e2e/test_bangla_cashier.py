"""A Bangla-speaking cashier switches the staff console to Bangla from the menu and takes a
payment there, then switches back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from payments.models import Payment
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory, make_customer


@pytest.mark.django_db(transaction=True)
def test_a_cashier_works_in_bangla_after_choosing_it_in_the_menu(page):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=Decimal("0"))
    customer = make_customer(name="Jamal Hossain")
    issued = timezone.localdate() - timedelta(days=12)
    invoice_create(
        actor=None, customer=customer, issue_date=issued, due_date=issued + timedelta(days=7),
        lines=[LineSpec(kind="one_time", description="Monthly internet", amount=Decimal("800.00"))],
    )
    cashier = UserFactory(roles=["Cashier"])
    sign_in_staff(page, cashier)

    page.get_by_role("button", name="বাংলা").click()
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("button", name="সাইন আউট")).to_be_visible()

    page.get_by_role("link", name="বকেয়া তালিকা").click()
    row = page.locator(f"#due-{customer.pk}")
    expect(row).to_contain_text("Jamal Hossain")
    row.get_by_role("button", name="পেমেন্ট লিখুন").click()
    dialog = page.locator("dialog[open]")
    expect(dialog.get_by_label("পরিমাণ")).to_have_value("800.00")
    dialog.get_by_role("button", name="পেমেন্ট লিখুন").click()
    expect(dialog).to_contain_text("পেমেন্ট লেখা হয়েছে")
    assert Payment.objects.filter(customer=customer, amount=Decimal("800.00")).count() == 1

    page.goto("/staff/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    cashier.refresh_from_db()
    assert cashier.language == "en"
