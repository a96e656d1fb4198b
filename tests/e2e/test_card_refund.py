"""A manager refunds a visitor's Wi-Fi card bought online, in the browser: Prepaid cards → Sold online,
find the purchase by the visitor's phone, open it, give a reason, refund through the bKash emulator;
the page then says Refunded, the card is cancelled, and the card report counts the refund and takes
its price back. Screenshots under test-artifacts/card-refund-*.png."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from billing.models import CardSaleRefund
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import UserFactory
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401 - fixture
from tests.vouchers.test_card_refund import _bought
from vouchers.models import VoucherCard


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"card-refund-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_manager_refunds_a_card_bought_online_and_the_report_takes_it_back(browser, live_server, bkash_gateway):
    purchase = _bought(Client(), price="30.00")
    manager = UserFactory(roles=["Manager"], is_staff=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in_staff(page, manager)

    page.get_by_role("link", name="Sold online").click()
    page.get_by_label("Phone, transaction id or card serial").fill(purchase.phone[-8:])
    page.get_by_role("button", name="Find").click()
    row = page.locator(f"#voucher-online-{purchase.pk}")
    expect(row).to_contain_text(str(purchase.card))
    shoot(page, "1-list")
    row.get_by_role("link").first.click()

    expect(page.locator("#voucher-online-card")).to_contain_text("Sold")
    page.get_by_label("Reason").fill("Paid but the zone was down")
    shoot(page, "2-detail")
    page.get_by_role("button", name="Refund through the gateway").click()

    expect(page.locator("#voucher-online-refunded")).to_be_visible()
    expect(page.locator("#voucher-online-card")).to_contain_text("Cancelled")
    expect(page.locator("#voucher-online-refunds")).to_contain_text("Paid but the zone was down")
    expect(page.locator("#voucher-online-refund")).to_have_count(0)
    shoot(page, "3-refunded")
    purchase.card.refresh_from_db()
    assert purchase.card.state == VoucherCard.State.CANCELLED
    assert CardSaleRefund.objects.get().amount == Decimal("30.00")

    # The card report of the day: one sold online, one refunded, nothing left of its price.
    page.get_by_role("link", name="Card report").click()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#voucher-report-online")).to_have_text("1")
    expect(page.locator("#voucher-report-refunded")).to_have_text("1")
    expect(page.locator("#voucher-report-revenue")).to_contain_text("0.00")
    shoot(page, "4-report")
    context.close()
    assert not errors, errors
