"""Prepaid cards end to end in Chromium, at 360 px and 1366 px.

- The demo's card distributor (`cards.bazar`, seeded by `seed_vouchers`) finds its batches (one active
  with sales, uses and a blocked card, one suspended), reports cards sold by serial range, blocks a lost
  card, prints a sheet of its cards and exports its batch as CSV.
- A branch's manager makes a batch big enough to be made in the background and watches its page turn
  ready by itself (HTMX poll), issues it, suspends, resumes, blocks a card by serial, cancels the batch
  and reads the report."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.selectors import current_billing_settings
from demo.management.commands import seed_vouchers
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_staff_customers import sign_in_staff
from tests.factories import AreaFactory, UserFactory, admin_user
from tests.vouchers.helpers import make_distributor, make_plan
from vouchers import services, tasks
from vouchers.models import VoucherBatch
from web.vouchers import staff_views

WIDTHS = (360, 1366)


def _fits(page, width, what):
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{what} is {scroll}px wide at {width}px"


def _context(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 800}, locale="en-US",
                                  accept_downloads=True)
    context.set_default_timeout(60_000)  # a PDF and the live server's first answers are slow on a loaded machine
    return context


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_demo_distributor_sells_blocks_prints_and_exports(browser, live_server, width):
    current_billing_settings()
    AreaFactory()
    admin_user(is_superuser=True)
    call_command("seed_vouchers")
    day = VoucherBatch.objects.get(status="active", distributor__isnull=False)
    hours = VoucherBatch.objects.get(status="suspended")
    ARTIFACTS.mkdir(exist_ok=True)
    context = _context(browser, live_server, width)
    page = context.new_page()
    page.goto("/reseller/login/")
    page.get_by_label("Username", exact=True).fill(seed_vouchers.DISTRIBUTOR_LOGIN)
    page.get_by_label("Password", exact=True).fill(seed_vouchers.DISTRIBUTOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Prepaid cards").first.click()

    # Its batches: the Day passes with sales, uses and a blocked card; the Hour passes suspended.
    expect(page.locator(f"#card-batch-{day.pk}")).to_contain_text("200")
    expect(page.locator(f"#card-batch-{hours.pk}")).to_contain_text("Suspended")
    expect(page.locator("#card-total-sold")).to_have_text("70")
    _fits(page, width, "card batches")
    page.screenshot(path=str(ARTIFACTS / f"cards-distributor-list-{width}.png"), full_page=True)

    # A lost card, blocked from the list page.
    lost = day.first_serial + 150
    page.get_by_label("Card serial").fill(str(lost))
    page.get_by_label("Reason").fill("Dropped at the bus stand")
    page.get_by_role("button", name="Block card").click()
    expect(page.locator("main")).to_contain_text(f"Card {lost:09d} blocked")
    assert day.cards.get(serial=lost).state == "blocked"

    # Ten more cards sold, by serial range.
    page.get_by_role("link", name=day.number).click()
    expect(page.locator("#card-batch-sold")).to_have_text("60")
    page.locator("#card-sold-form").get_by_label("From serial").fill(str(day.first_serial + 60))
    page.locator("#card-sold-form").get_by_label("To serial").fill(str(day.first_serial + 69))
    page.get_by_role("button", name="Mark sold").click()
    expect(page.locator("main")).to_contain_text("10 cards marked sold")
    expect(page.locator("#card-batch-sold")).to_have_text("70")
    _fits(page, width, "batch page")
    page.screenshot(path=str(ARTIFACTS / f"cards-distributor-batch-{width}.png"), full_page=True)

    # A sheet of 20 cards to print, and the whole batch for a card printer.
    page.locator("#card-print-form").get_by_label("From serial").fill(str(day.first_serial + 60))
    page.locator("#card-print-form").get_by_label("To serial").fill(str(day.first_serial + 79))
    with page.expect_download() as download:
        page.get_by_role("button", name="Print cards (PDF)").click()
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    assert len(reader.pages) == 2 and f"{day.first_serial + 60:09d}" in reader.pages[0].extract_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV for a card printer").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(rows) == 200 and rows[0]["serial"] == f"{day.first_serial:09d}" and rows[0]["batch"] == day.number
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_branch_manager_runs_a_batch_from_generation_to_cancellation(browser, live_server, monkeypatch, width):
    current_billing_settings()
    distributor, admin = make_distributor(commission="10", topup="100000")
    make_plan(price="10.00", name="Hour pass")
    zone = services.zone_create(actor=admin, name="Station Wi-Fi", area=AreaFactory(branch=distributor.branch))
    manager = UserFactory(roles=["Manager"], is_staff=True, branch_scope=[distributor.branch])
    # The worker is the test: the queued job is held, then run while the page waits for it.
    queued = []
    monkeypatch.setattr(tasks.generate_batch, "apply_async", lambda args, **options: queued.append(args[0]))
    monkeypatch.setattr(staff_views, "WEB_SYNC_MAX", 100)
    ARTIFACTS.mkdir(exist_ok=True)
    context = _context(browser, live_server, width)
    page = context.new_page()
    sign_in_staff(page, manager)

    page.goto("/staff/cards/")
    page.get_by_role("button", name="New batch").click()
    page.get_by_label("Plan").select_option(label="Hour pass")
    page.get_by_label("Number of cards").fill("2500")
    page.get_by_label("Wi-Fi zone").select_option(label=zone.name)
    page.get_by_role("button", name="Generate cards").click()
    expect(page.locator("#voucher-batch-progress")).to_contain_text("Being generated: 0 of 2500 cards")
    expect(page.locator("#voucher-print-form")).to_have_count(0)
    _fits(page, width, "batch being generated")
    page.screenshot(path=str(ARTIFACTS / f"cards-batch-generating-{width}.png"), full_page=True)
    batch = VoucherBatch.objects.get()
    assert queued == [batch.pk]
    services.batch_fill(batch_id=batch.pk)
    expect(page.locator("#voucher-batch-status")).to_have_text("Active")  # the poll brought the ready batch
    expect(page.locator("#voucher-print-form")).to_be_visible()

    page.get_by_label("Card distributor").select_option(label=distributor.name)
    page.get_by_role("button", name="Issue batch").click()
    expect(page.locator("#voucher-batch-distributor")).to_contain_text(distributor.name)
    page.get_by_label("Reason").fill("Shop closed for a week")
    page.get_by_role("button", name="Suspend batch").click()
    expect(page.locator("#voucher-batch-status")).to_have_text("Suspended")
    page.get_by_role("button", name="Resume batch").click()
    expect(page.locator("#voucher-batch-status")).to_have_text("Active")

    page.goto("/staff/cards/block/")
    page.get_by_label("Card serial").fill(str(batch.first_serial + 7))
    page.get_by_label("Reason").fill("Reported stolen")
    page.get_by_role("button", name="Block card").click()
    expect(page.locator("#voucher-blocked")).to_contain_text(f"{batch.first_serial + 7:09d}")

    page.goto(f"/staff/cards/{batch.pk}/")
    page.get_by_label("Reason").fill("Printed with the wrong price")
    page.get_by_role("button", name="Cancel batch").click()
    expect(page.locator("#voucher-batch-status")).to_have_text("Cancelled")
    _fits(page, width, "cancelled batch")
    page.screenshot(path=str(ARTIFACTS / f"cards-batch-cancelled-{width}.png"), full_page=True)
    batch.refresh_from_db()
    assert batch.refunded_cards == 2499 and batch.refund_entry.amount == Decimal("22491.00")  # 2,499 × 9.00 back

    page.goto("/staff/cards/report/?group=seller")
    expect(page.locator("#voucher-report")).to_contain_text(distributor.name)
    expect(page.locator("#voucher-sellers")).to_contain_text(distributor.name)
    _fits(page, width, "card report")
    page.screenshot(path=str(ARTIFACTS / f"cards-report-{width}.png"), full_page=True)
    context.close()
