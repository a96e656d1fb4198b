"""Changes coloured by what they mean and rates' changes in percentage points (docs/metrics.md,
"Colours and percentage points"): the one table of good directions, and the text of a change,
checked against numbers worked out by hand."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from dashboard import directions
from dashboard.directions import BAD, DOWN, FLAT, GOOD, NEUTRAL, NONE, UP
from dashboard.metrics import ALL
from dashboard.selectors import analytics_tiles
from tests.dashboard.test_comparisons_and_edges import october_and_november  # noqa: F401 (a fixture)
from tests.factories import UserFactory

D = Decimal


@pytest.mark.parametrize(("key", "good", "rate"), [
    ("mrr", UP, False), ("collected", UP, False), ("new_mrr", UP, False), ("efficiency", UP, True),
    ("overdue", DOWN, False), ("not_yet_due", NONE, False), ("receivable", NONE, False), ("churned_mrr", DOWN, False), ("paused_mrr", DOWN, False),
    ("contraction_mrr", DOWN, False), ("logo_churn", DOWN, True), ("gross_revenue_churn", DOWN, True),
])
def test_each_figure_has_one_good_direction(key, good, rate):
    assert (directions.direction(key).good, directions.is_rate(key)) == (good, rate)


@pytest.mark.parametrize(("key", "change", "tone"), [
    ("overdue", D("274.80"), BAD),   # the receivables +274.80 % were green
    ("receivable", D("274.80"), NEUTRAL),  # the total: next month's invoices issued ahead are not an alarm
    ("not_yet_due", D("-75.00"), NEUTRAL),
    ("not_yet_due", D("0.00"), FLAT),
    ("logo_churn", D("1.24"), BAD),
    ("churned_mrr", D("16.24"), BAD),
    ("paused_mrr", D("54.55"), BAD),
    ("overdue", D("-10.00"), GOOD),
    ("mrr", D("3.00"), GOOD),
    ("mrr", D("-3.00"), BAD),
    ("efficiency", D("-0.50"), BAD),
    ("mrr", D("0.00"), FLAT),
    ("overdue", None, FLAT),
])
def test_a_change_is_good_or_bad_by_the_figures_direction(key, change, tone):
    assert directions.tone(key, change) == tone


def test_a_rates_change_is_the_difference_in_percentage_points():
    # 2.34 % → 3.58 %: 3.58 − 2.34 = 1.24 points (the relative change, 52.99 %, is what the tile showed).
    assert directions.points_change(D("3.58"), D("2.34")) == D("1.24")
    assert directions.points_change(D("2.34"), D("3.58")) == D("-1.24")
    assert directions.points_change(D("2.50"), D("0")) == D("2.50")  # from no churn: still a difference
    assert directions.points_change(None, D("1")) is None
    with translation.override("en"):
        assert directions.change_text(D("1.24"), rate=True) == "+1.24 pp"
        assert directions.change_text(D("-1.24"), rate=True) == "−1.24 pp"
        assert directions.change_text(D("274.8"), rate=False) == "+274.80 %"
        assert directions.change_text(D("0"), rate=False) == "0.00 %"
    with translation.override("bn"):
        assert directions.change_text(D("1.24"), rate=True) == "+1.24 শতাংশীয় পয়েন্ট"


@pytest.mark.django_db
def test_every_analytics_tile_is_in_the_direction_table(october_and_november):  # noqa: F811
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        tiles = analytics_tiles(scope=ALL, day=date(2026, 11, 24))
    everything = [t for tile in tiles for t in (tile, *tile.parts)]
    assert tiles and all(tile.key in directions.FIGURES for tile in everything)
    by_key = {tile.key: tile for tile in everything}
    # Unpaid October invoices (৳1,150 + ৳11,500) and November's two more: receivables doubled, +100 %,
    # grey: half of it is December's invoice issued ahead (not yet due), which is no alarm.
    receivable = by_key["receivable"]
    assert (receivable.previous, receivable.value) == (D("12650.00"), D("25300.00"))
    assert (receivable.change, receivable.tone, receivable.change_text) == (D("100.00"), NEUTRAL, "+100.00 %")
    # What is late went from ৳1,150 (due 17 Oct) to ৳13,800 (that, November's due 1 Nov and 17 Nov):
    # under 10 % of it before, so "new", and red.
    overdue = by_key["overdue"]
    assert (overdue.previous, overdue.value, overdue.change, overdue.new, overdue.tone) == (
        D("1150.00"), D("13800.00"), None, True, BAD)
    not_yet_due = by_key["not_yet_due"]
    assert (not_yet_due.previous, not_yet_due.value, not_yet_due.change, not_yet_due.tone) == (
        D("11500.00"), D("11500.00"), D("0.00"), FLAT)


@pytest.mark.django_db
def test_a_rise_in_overdue_receivables_renders_red_and_the_totals_grey(client, october_and_november):  # noqa: F811
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        page = client.get(reverse("staff:analytics-dashboard"), {"month": "2026-11-01"}).content.decode()
        summary = client.get(reverse("staff:api-metrics-summary"), {"month": "2026-11-01"}).json()
    tile = page.split('data-tile="Overdue receivables"', 1)[1].split("</a>", 1)[0]
    assert 'class="stat-change bad"' in tile and "new · 31 Oct: ৳1,150.00" in tile
    total = tile.split('data-part="receivable"', 1)[1]
    assert 'class="stat-change neutral"' in total and "+100.00 % vs 31 Oct" in total
    receivable = next(t for t in summary["tiles"] if t["key"] == "receivable")
    assert (receivable["change_percent"], receivable["good_direction"], receivable["tone"]) == ("100.00", NONE, NEUTRAL)
    overdue = next(t for t in summary["tiles"] if t["key"] == "overdue")
    assert (overdue["value"], overdue["previous"], overdue["good_direction"], overdue["tone"]) == ("13800.00", "1150.00", DOWN, BAD)
    churn = next(t for t in summary["tiles"] if t["key"] == "logo_churn")
    assert churn["change_percent"] is None and churn["good_direction"] == DOWN
