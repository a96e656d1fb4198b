"""Prepaid cards in the browser: staff make a batch, print its cards, issue it to a card distributor;
the distributor, on a 360 px phone, sees it and reports cards sold."""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.selectors import current_billing_settings
from billing.wallet_models import ResellerWallet
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import admin_user
from tests.vouchers.helpers import make_distributor, make_plan
from vouchers.models import VoucherBatch


def _fits(page, what):
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{what} is {width}px wide"


@pytest.mark.django_db(transaction=True)
def test_staff_generate_print_and_issue_a_batch_then_the_distributor_reports_sales_on_a_phone(page, browser, live_server):
    current_billing_settings()
    distributor, _admin = make_distributor(commission="10", topup="2000")
    make_plan(price="30.00", name="Day pass")
    admin = admin_user()
    ARTIFACTS.mkdir(exist_ok=True)
    # Generating, rendering a PDF and the live server's first answer are slow on a loaded machine.
    page.set_default_timeout(60_000)
    sign_in_staff(page, admin)

    page.get_by_role("link", name="Card batches").click()
    page.get_by_role("button", name="New batch").click()
    page.get_by_label("Plan").select_option(label="Day pass")
    page.get_by_label("Number of cards").fill("40")
    page.get_by_role("button", name="Generate cards").click()
    batch = VoucherBatch.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(batch.number)
    expect(page.locator("#voucher-batch-distributor")).to_contain_text("Not issued")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print cards (PDF)").click()
    content = open(download_info.value.path(), "rb").read()
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 4  # 40 cards, ten to a page
    assert f"{batch.first_serial:09d}" in reader.pages[0].extract_text()

    page.get_by_label("Card distributor").select_option(label=distributor.name)
    page.get_by_role("button", name="Issue batch").click()
    expect(page.locator("main")).to_contain_text("taken from their wallet")
    expect(page.locator("#voucher-batch-distributor")).to_contain_text(distributor.name)
    page.screenshot(path=str(ARTIFACTS / "vouchers-batch-issued.png"), full_page=True)
    assert ResellerWallet.objects.get(reseller=distributor).balance == Decimal("920.00")  # 2000 − 40 × 27.00

    # The distributor on a phone.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="en-US")
    context.set_default_timeout(60_000)
    phone = context.new_page()
    phone.goto("/reseller/login/")
    phone.get_by_label("Username", exact=True).fill(distributor.user.username)
    phone.get_by_label("Password", exact=True).fill("reseller-pass-1")
    phone.get_by_role("button", name="Sign in").click()
    phone.goto("/reseller/cards/")
    expect(phone.locator(f"#card-batch-{batch.pk}")).to_contain_text("40")
    _fits(phone, "card batches")
    phone.get_by_role("link", name=batch.number).click()
    # Both forms of the page (cards sold, print) ask for serials: each label names its own field.
    phone.locator("#card-sold-form").get_by_label("From serial").fill(str(batch.first_serial))
    phone.locator("#card-sold-form").get_by_label("To serial").fill(str(batch.first_serial + 9))
    phone.get_by_role("button", name="Mark sold").click()
    expect(phone.locator("main")).to_contain_text("10 cards marked sold")
    expect(phone.locator("#card-batch-sold")).to_have_text("10")
    _fits(phone, "batch page")
    phone.screenshot(path=str(ARTIFACTS / "vouchers-distributor-360.png"), full_page=True)
    context.close()
    assert batch.cards.filter(state="sold").count() == 10
