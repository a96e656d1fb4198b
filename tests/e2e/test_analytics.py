"""The owner opens the business analytics in Chromium: the charts draw with data, and a tile's
drill-down list adds up to the tile. Screenshots go to test-artifacts/ for review."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.services import LineSpec, invoice_create
from churn.offers import retention_offer_make
from dashboard.services import metrics_snapshot_backfill
from payments.services import payment_ledger_record
from tests.dashboard.test_metrics import pay_first_invoice
from tests.e2e.conftest import ARTIFACTS
from tests.factories import (
    PASSWORD,
    AreaFactory,
    PackageFactory,
    UserFactory,
    make_customer,
    make_subscription,
)
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel


def at(day: date):
    instant = timezone.make_aware(datetime.combine(day, time(11, 0)))
    return mock.patch("django.utils.timezone.now", return_value=instant)


def sign_in(page, user):
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_owner_dashboard_draws_charts_and_a_tile_drills_down_to_rows_that_add_up(page):
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=70)).replace(day=1)
    area = AreaFactory(name="Pallabi")
    packages = [PackageFactory(name="Home 20", price=Decimal("800.00")), PackageFactory(name="Home 50", price=Decimal("1200.00"))]
    for n in range(6):
        day = start + timedelta(days=9 * n)
        with at(day):
            customer = make_customer(area=area, name=f"Customer {n}")
            subscription = make_subscription(customer=customer, package=packages[n % 2])
            subscription = usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
        # MRR counts a connection from its first paid invoice; Customer 4 never pays.
        pay_first_invoice(subscription, day, pay=n != 4)
        if n == 1:  # a 20 % retention discount: ৳1,200 bills ৳960 while it lasts
            with at(today - timedelta(days=5)):
                retention_offer_make(actor=None, customer=customer, subscription=subscription, kind="discount", months=2,
                                     percent=Decimal("20"))
        if n == 5:
            with at(today - timedelta(days=2)):
                subscription_cancel(actor=None, subscription=subscription, reason="moved away")
    metrics_snapshot_backfill(start=start, end=today)

    sign_in(page, UserFactory(roles=["Manager"], first_name="Owner"))
    page.get_by_role("link", name="Business analytics").first.click()
    expect(page.locator("h1")).to_have_text("Business analytics")
    for chart in ("mrr", "collections", "churn"):
        expect(page.locator(f'[data-analytics-chart="{chart}"] canvas')).to_be_visible()
        expect(page.locator(f'[data-analytics-chart="{chart}"]')).to_have_attribute("data-drawn", "true")
        # The axes are canvas text: drawn in the shipped font, loaded before drawing, so "৳" is a glyph, not a box.
        font = page.locator(f'[data-analytics-chart="{chart}"]').get_attribute("data-axis-font")
        assert '"Noto Sans Bengali"' in font.split(",")[0], font
        assert page.evaluate("font => document.fonts.check(font, '৳')", font), chart
    # Money charts start at zero, and the first and last months' bars (up to 0.45 of a month wide, beside their month) fit.
    for chart in ("mrr", "collections"):
        scales = page.evaluate("""name => {
            const u = document.querySelector(`[data-analytics-chart="${name}"]`).uplot, x = u.data[0];
            return {yMin: u.scales.y.min, xMin: u.scales.x.min, xMax: u.scales.x.max, first: x[0], last: x[x.length - 1],
                    step: (x[x.length - 1] - x[0]) / (x.length - 1)};
        }""", chart)
        # (MRR's churned and contraction bars go below zero; billed and collected never do.)
        assert scales["yMin"] == 0 if chart == "collections" else scales["yMin"] <= 0, (chart, scales)
        assert scales["xMin"] <= scales["first"] - 0.6 * scales["step"], (chart, scales)
        assert scales["xMax"] >= scales["last"] + 0.6 * scales["step"], (chart, scales)
    # Changes are coloured by what they mean (dashboard/directions.py), not by their sign; a rate's is in points.
    tones = page.locator("#analytics-tiles .stat-change[data-tone]").evaluate_all(
        "els => els.map(e => [e.closest('[data-tile]').dataset.tile, e.dataset.tone, getComputedStyle(e).color, e.textContent])")
    assert tones
    for label, tone, colour, text in tones:
        assert colour == {"good": "rgb(47, 133, 90)", "bad": "rgb(194, 65, 12)"}.get(tone, colour), (label, tone, colour)
        if label in ("Logo churn", "Collection efficiency") and tone != "flat":
            assert " pp " in text, (label, text)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator('[data-analytics-chart="collections"]').screenshot(path=str(ARTIFACTS / "analytics-collections-chart.png"))
    page.screenshot(path=str(ARTIFACTS / "analytics-owner.png"), full_page=True)

    tile = page.locator('[data-tile="MRR"] .stat-value')
    tile_value = tile.inner_text()
    # Four paid and active: ৳800, ৳1,200 less 20 % = ৳960, ৳800, ৳1,200 (the fifth never paid, the sixth was cancelled).
    assert tile_value == "৳3,760.00"
    page.locator('[data-tile="MRR"]').click()
    expect(page.locator("#drill-total")).to_have_text(tile_value)
    amounts = [Decimal(v) for v in page.locator("#drill-rows td[data-amount]").evaluate_all("cells => cells.map(c => c.dataset.amount)")]
    assert sorted(amounts) == [Decimal("800.00"), Decimal("800.00"), Decimal("960.00"), Decimal("1200.00")]
    page.screenshot(path=str(ARTIFACTS / "analytics-drill-mrr.png"), full_page=True)

    # A point of the billed/collected chart opens the payments behind it.
    page.go_back()
    chart = page.locator('[data-analytics-chart="collections"] .u-over')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 8, box["y"] + box["height"] - 4)
    page.mouse.click(box["x"] + box["width"] - 8, box["y"] + box["height"] - 4)
    expect(page.locator("h1")).to_contain_text(re.compile("Collected|Billed"))
    assert "/staff/analytics/drill/" in page.url


def _invoice(customer, issued: date, due: date, net: str):
    with at(issued):
        return invoice_create(actor=None, customer=customer, issue_date=issued, due_date=due,
                              lines=[LineSpec(kind="one_time", description="Service", amount=Decimal(net))])


def _sections(page) -> dict:
    """The drill-down's rows summed per section (overdue, not yet due), read from the table itself."""
    return page.evaluate("""() => {
        const sums = {}; let section = null;
        for (const row of document.querySelectorAll('#drill-rows tbody tr')) {
            if (row.dataset.section) { section = row.dataset.section; sums[section] = 0; continue; }
            const cell = row.querySelector('td[data-amount]');
            if (cell) sums[section] = Math.round((sums[section] + Number(cell.dataset.amount)) * 100) / 100;
        }
        return sums;
    }""")


def _taka(text: str) -> Decimal:
    return Decimal(text.replace("৳", "").replace(",", ""))


@pytest.mark.django_db(transaction=True)
def test_the_receivables_tile_shows_overdue_and_not_yet_due_and_its_drill_down_adds_up(page):
    """Issue #53 item 5: next month's invoice issued ahead is receivable but not overdue. The tile's
    figure is what is overdue, with what is not yet due beside it; its drill-down lists the invoices in
    those two sections, whose totals are the tile's and add up to the receivables."""
    today = timezone.localdate()
    area = AreaFactory(name="Pallabi")
    asha, bilal = make_customer(area=area, name="Asha"), make_customer(area=area, name="Bilal")
    _invoice(asha, today - timedelta(days=20), today - timedelta(days=13), "1000")  # ৳1,150 overdue
    _invoice(bilal, today - timedelta(days=25), today - timedelta(days=18), "2000")  # ৳2,300 …
    with at(today - timedelta(days=10)):
        payment_ledger_record(actor=None, customer=bilal, amount=Decimal("1000.00"), method="cash",
                              received_at=timezone.now())  # … ৳1,300 of it still overdue
    _invoice(asha, today - timedelta(days=2), today, "1000")  # ৳1,150 due today: not late yet
    _invoice(bilal, today, today + timedelta(days=6), "500")  # next month's ৳575, issued a week ahead
    metrics_snapshot_backfill(start=today - timedelta(days=40), end=today)
    overdue, not_yet_due = Decimal("2450.00"), Decimal("1725.00")

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, UserFactory(roles=["Manager"], first_name="Owner"))
    page.get_by_role("link", name="Business analytics").first.click()
    tile = page.locator('#analytics-tiles [data-key="overdue"]')
    expect(tile.locator(".stat-label")).to_have_text("Overdue receivables")
    assert _taka(tile.locator(".stat-value").inner_text()) == overdue
    assert _taka(tile.locator('[data-part="not_yet_due"] .stat-part-value').inner_text()) == not_yet_due
    assert _taka(tile.locator('[data-part="receivable"] .stat-part-value').inner_text()) == overdue + not_yet_due
    expect(tile.locator('[data-part="not_yet_due"] .stat-part-label')).to_have_text("Not yet due")
    ARTIFACTS.mkdir(exist_ok=True)
    tile.screenshot(path=str(ARTIFACTS / "analytics-receivables-tile-1366.png"))
    page.screenshot(path=str(ARTIFACTS / "analytics-receivables-1366.png"), full_page=True)

    tile.click()
    expect(page.locator("h1")).to_contain_text("Receivables open on")
    parts = {key: _taka(page.locator(f"#drill-part-{key} .stat-value").inner_text()) for key in ("overdue", "not-yet-due", "all")}
    assert parts == {"overdue": overdue, "not-yet-due": not_yet_due, "all": overdue + not_yet_due}
    assert _taka(page.locator("#drill-total").inner_text()) == overdue + not_yet_due
    sections = {key: Decimal(str(value)).quantize(Decimal("0.01")) for key, value in _sections(page).items()}
    assert sections == {"overdue": overdue, "not-yet-due": not_yet_due}
    expect(page.locator('tr[data-section="overdue"]')).to_contain_text("Overdue")
    expect(page.locator('tr[data-section="not-yet-due"]')).to_contain_text("Not yet due")
    page.screenshot(path=str(ARTIFACTS / "analytics-receivables-drill-1366.png"), full_page=True)

    # One part alone: its rows and total, the other section gone.
    page.locator("#drill-part-overdue").click()
    expect(page.locator("h1")).to_contain_text("Overdue receivables on")
    assert _taka(page.locator("#drill-total").inner_text()) == overdue
    assert set(_sections(page)) == {"overdue"}

    # On a phone the tile and the drill-down's parts fit the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.locator("#drill-part-all").click()
    expect(page.locator("h1")).to_contain_text("Receivables open on")
    for key in ("overdue", "not-yet-due", "all"):
        box = page.locator(f"#drill-part-{key}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (key, box)
    page.screenshot(path=str(ARTIFACTS / "analytics-receivables-drill-360.png"), full_page=True)
    page.locator("#drill-back").click()
    tile = page.locator('#analytics-tiles [data-key="overdue"]')
    box = tile.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    tile.screenshot(path=str(ARTIFACTS / "analytics-receivables-tile-360.png"))
    page.screenshot(path=str(ARTIFACTS / "analytics-receivables-360.png"), full_page=True)
