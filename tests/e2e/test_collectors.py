"""A manager gives an area its bill collector in Chromium; staff performance then shows that
collector's assigned due, whose drill-down lists the customers behind it and adds up to it; the
collector opens "My customers" on the due list. Screenshots at 1366 px and 360 px go to
test-artifacts/ for review."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.services import LineSpec, invoice_create
from customers.models import Area
from payments.services import payment_ledger_record
from tests.e2e.conftest import ARTIFACTS
from tests.factories import PASSWORD, AreaFactory, BranchFactory, UserFactory, make_customer

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


def sign_in(page, user):
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_be_visible()


def shoot(page, name: str):
    """The page at 1366 px and at 360 px, and no sideways scroll on the phone."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("1366", WIDE), ("360", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"collectors-{name}-{label}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{name} scrolls sideways at 360 px"
    page.set_viewport_size(WIDE)


@pytest.mark.django_db(transaction=True)
def test_manager_assigns_an_area_collector_and_performance_shows_the_assigned_due(page):
    today = timezone.localdate()
    branch = BranchFactory(name="Mirpur", code="MIR")
    area = AreaFactory(branch=branch, name="Pallabi")
    rina = UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter")
    owes, paid = make_customer(area=area, name="Karim Uddin"), make_customer(area=area, name="Salma Begum")
    elsewhere = make_customer(area=AreaFactory(branch=branch, name="Kazipara"), name="Elsewhere")  # not Rina's
    for customer, net in ((owes, "1000"), (paid, "500"), (elsewhere, "800")):
        invoice_create(actor=None, customer=customer, issue_date=today, due_date=today,
                       lines=[LineSpec(kind="one_time", description="Monthly service", amount=Decimal(net))])
    payment_ledger_record(actor=None, customer=paid, amount=Decimal("575.00"), method="bkash", reference="TRX9K2L", received_at=timezone.now())

    sign_in(page, UserFactory(roles=["Manager"], first_name="Farhana"))
    page.goto("/staff/areas/")
    row = page.locator(f"#area-{area.pk}")
    expect(row).to_contain_text("Nobody yet")
    row.get_by_role("link", name="Edit").click()
    dialog = page.locator("#area-form-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Collector").select_option(label="Rina Akter")
    shoot(page, "area-form")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator(f"#area-{area.pk}")).to_contain_text("Rina Akter")
    assert Area.objects.get(pk=area.pk).collector == rina
    shoot(page, "area-list")

    # The customer's page says who collects from them, and why.
    page.goto(f"/staff/customers/{owes.pk}/")
    expect(page.locator("#customer-collector")).to_contain_text("Rina Akter")
    expect(page.locator("#customer-collector")).to_contain_text("the area's collector")
    shoot(page, "customer")
    page.goto(f"/staff/customers/{owes.pk}/edit/")
    shoot(page, "customer-form")

    # Staff performance: Rina's assigned due is what fell due from her two customers this month.
    page.goto(f"/staff/analytics/staff/?month={today.replace(day=1):%Y-%m-%d}")
    # The page shows the collectors' figures in two parts; the first is their customers'.
    expect(page.locator("#perf-collectors-assigned")).to_be_visible()
    rina_row = page.locator("#perf-collectors tr", has=page.locator('a[data-drill="assigned-due"]')).filter(has_text="Rina Akter")
    link = rina_row.locator('a[data-drill="assigned-due"]')
    expect(link).to_have_text("৳1,725.00")  # ৳1,150 + ৳575
    expect(rina_row).to_contain_text("33.33 %")  # ৳575 of ৳1,725 paid
    shoot(page, "performance")
    link.click()
    expect(page.locator("#drill-total")).to_have_text("৳1,725.00")
    due_cells = page.locator("#drill-rows tbody tr td:nth-child(6)")
    expect(due_cells).to_have_count(2)
    amounts = [Decimal(v) for v in due_cells.evaluate_all("cells => cells.map(c => c.dataset.amount)")]
    assert sum(amounts) == Decimal("1725.00")
    expect(page.locator("#drill-rows")).not_to_contain_text("Elsewhere")
    shoot(page, "drill")

    # Rina opens her own collection list.
    page.context.clear_cookies()
    sign_in(page, rina)
    page.goto("/staff/billing/due/")
    page.get_by_label("My customers").check()
    page.wait_for_url("**mine=on**")
    results = page.locator("#due-results")
    expect(results).to_contain_text("Karim Uddin")
    expect(results).not_to_contain_text("Elsewhere")  # owes, but is nobody's
    page.get_by_label("My customers").uncheck()
    expect(page.locator("#due-results")).to_contain_text("Elsewhere")
    page.get_by_label("My customers").check()
    expect(page.locator("#due-results")).not_to_contain_text("Elsewhere")
    shoot(page, "due-list")
