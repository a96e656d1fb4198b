"""The dashboard's comparisons, wording and edge cases (docs/metrics.md, "Comparing with last month"):
like with like and "new" over a small base; "so far today" until the day's snapshot is final; money
in the JSON as two-decimal text; months outside the snapshots an empty range with a message."""

import json
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from billing.services import LineSpec, invoice_create
from dashboard.metrics import ALL
from dashboard.selectors import analytics_tiles
from dashboard.services import metrics_snapshot_backfill
from tests.billing.test_run import configure
from tests.dashboard.test_collection_efficiency import clock
from tests.factories import UserFactory, make_customer
from tests.shared_rows import rows_for_the_module

D = Decimal
pytestmark = pytest.mark.django_db


def billed(customer, day, net):
    with clock(day):
        invoice_create(actor=None, customer=customer, issue_date=day, due_date=day + timedelta(days=7),
                       lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])


def _october_and_november():
    """1–24 October billed ৳1,150 (a proration); 1–24 November ৳1,150 and, on 24 November,
    December's ৳11,500 issued a week ahead; the whole of October ৳12,650."""
    configure()
    customer = make_customer(name="H")
    billed(customer, date(2026, 10, 10), "1000")
    billed(customer, date(2026, 10, 24) + timedelta(days=1), "10000")  # 25 Oct: after the compared days
    billed(customer, date(2026, 11, 10), "1000")
    billed(customer, date(2026, 11, 24), "10000")
    metrics_snapshot_backfill(start=date(2026, 10, 1), end=date(2026, 11, 24))
    return customer


@pytest.fixture(scope="module")
def october_and_november(django_db_setup, django_db_blocker):
    """Built once for the module's tests, which only read it (tests/shared_rows.py): 8 s a build on a slow
    machine, once per test before."""
    yield from rows_for_the_module(django_db_blocker, _october_and_november)


def tiles_on(day):
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        return {tile.label: tile for tile in analytics_tiles(scope=ALL, day=day)}


def test_billed_month_to_date_is_compared_with_the_same_days_and_a_small_base_reads_new(october_and_november):
    billed_tile = tiles_on(date(2026, 11, 24))["Billed"]
    same_days_of_october = D("1150.00")  # 1–24 October, not the whole month's 12,650
    assert (billed_tile.value, billed_tile.previous, billed_tile.compared) == (D("12650.00"), same_days_of_october, "1–24 Oct")
    # 1,150 is under 10 % of 12,650: no "+1,000 %", the amount and "new" instead.
    assert billed_tile.change is None and billed_tile.new


def test_a_comparable_base_still_gives_a_percentage(october_and_november):
    billed_tile = tiles_on(date(2026, 11, 20))["Billed"]  # 1–20 Nov ৳1,150 against 1–20 Oct ৳1,150
    assert (billed_tile.change, billed_tile.new, billed_tile.compared) == (D("0.00"), False, "1–20 Oct")


def test_json_money_is_text_with_two_decimals(client, october_and_november):
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        months = json.loads(client.get(reverse("staff:api-metrics-months"), {"month": "2026-11-01"}).content)["months"]
    november = months[-1]
    assert november["billed"] == "12650.00" and november["receivable"].count(".") == 1
    assert all(len(value.split(".")[1]) == 2 for month in months for key, value in month.items()
               if isinstance(value, str) and key not in ("month", "day") and "." in value)


@pytest.mark.parametrize("month", ["2001-01-01", "0001-01-01", "9999-12-01", "2030-01-01"])
def test_months_outside_the_snapshots_are_an_empty_range_with_a_message(client, october_and_november, month):
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        page = client.get(reverse("staff:analytics-dashboard"), {"month": month})
        breakdown = client.get(reverse("staff:analytics-breakdown"), {"month": month, "by": "area"})
        api = client.get(reverse("staff:api-metrics-months"), {"month": month})
        summary = client.get(reverse("staff:api-metrics-summary"), {"month": month})
        drill = client.get(reverse("staff:analytics-drill", args=["mrr"]), {"month": month})
    assert page.status_code == 200 and "Nothing to show for" in page.content.decode()
    assert "October 2026 to November 2026" in page.content.decode()
    assert breakdown.status_code == 200 and 'id="breakdown-out-of-range"' in breakdown.content.decode()
    assert api.status_code == 200 and json.loads(api.content)["months"] == [] and json.loads(api.content)["message"]
    assert summary.status_code == 200 and json.loads(summary.content)["tiles"] == []
    assert drill.status_code == 404


def test_the_day_in_progress_says_so_far_today(client, october_and_november):
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 24)):
        today = client.get(reverse("staff:analytics-dashboard")).content.decode()
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 11, 25)):
        tomorrow = client.get(reverse("staff:analytics-dashboard")).content.decode()
    assert "so far today, 24 November 2026" in today and "as of the end of 24 November" not in today
    assert "as of the end of 24 November 2026" in tomorrow
