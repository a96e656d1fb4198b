"""docs/metrics.md, "Prepaid cards": the worked example recomputed by hand, on sale and on use, and the
analytics dashboard's card line kept apart from subscription revenue."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from tests.night import clock
from vouchers import selectors, services

from .helpers import make_distributor, make_plan

pytestmark = pytest.mark.django_db


def _cards(batch, first, count):
    return list(batch.cards.order_by("serial")[first:first + count])


@pytest.fixture
def march():
    """The example: Bazar Store (10 per cent) buys 100 Day passes (৳30) on 3 March and 20 Week passes
    (৳150) on 5 March; 40 + 5 used in March; B2 cancelled on 20 March; one B1 card lost on 25 March;
    30 more B1 cards used in April."""
    distributor, admin = make_distributor(commission="10.00", topup="10000")
    day_pass, week_pass = make_plan(price="30.00", name="Day pass"), make_plan(price="150.00", duration=7, name="Week pass")
    with clock(date(2027, 3, 3), time(10, 0)), transaction.atomic():
        b1 = services.batch_generate(actor=admin, plan=day_pass, count=100)
        b1 = services.batch_issue(actor=admin, batch=b1, distributor=distributor)
    with clock(date(2027, 3, 5), time(10, 0)), transaction.atomic():
        b2 = services.batch_generate(actor=admin, plan=week_pass, count=20)
        b2 = services.batch_issue(actor=admin, batch=b2, distributor=distributor)
    with clock(date(2027, 3, 10), time(18, 0)) as at:
        for card in _cards(b1, 0, 40) + _cards(b2, 0, 5):
            services.card_first_use(card=card, at=at)
    with clock(date(2027, 3, 20), time(9, 0)):
        services.batch_cancel(actor=admin, batch=b2, reason="Wrong price printed")
    with clock(date(2027, 3, 25), time(9, 0)):
        services.card_block(actor=admin, serial=b1.first_serial + 99, reason="Reported lost")
    with clock(date(2027, 4, 2), time(12, 0)) as at:
        for card in _cards(b1, 40, 30):
            services.card_first_use(card=card, at=at)
    return distributor, day_pass, week_pass, b1, b2


def test_revenue_on_sale_is_what_the_wallet_paid_less_what_a_cancellation_gave_back(march):
    distributor, _day, _week, b1, b2 = march
    # By hand: 100 × 27.00 + 20 × 135.00 − 15 × 135.00.
    expected = 100 * Decimal("27.00") + 20 * Decimal("135.00") - 15 * Decimal("135.00")
    assert expected == Decimal("3375.00")
    result = selectors.report(start=date(2027, 3, 1), end=date(2027, 3, 31), group="day", mode="sale")
    assert result["total"].revenue == expected
    assert {row.label: row.revenue for row in result["rows"]} == {
        "2027-03-03": Decimal("2700.00"), "2027-03-05": Decimal("2700.00"), "2027-03-10": Decimal("0.00"),
        "2027-03-20": Decimal("-2025.00"),
    }
    assert (result["total"].issued, result["total"].used, result["total"].sold) == (120, 45, 45)
    april = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode="sale")
    assert april["total"].revenue == Decimal("0.00") and april["total"].used == 30
    # The same money as the wallet's own entries.
    from billing.wallet_models import WalletEntry

    moved = sum(e.amount for e in WalletEntry.objects.filter(wallet__reseller=distributor, kind__in=["cards", "cards_refund"]))
    assert -moved == expected


def test_revenue_on_use_counts_first_uses_and_the_lost_card(march):
    _distributor, day_pass, week_pass, _b1, _b2 = march
    expected = 40 * Decimal("27.00") + 5 * Decimal("135.00") + 1 * Decimal("27.00")
    assert expected == Decimal("1782.00")
    result = selectors.report(start=date(2027, 3, 1), end=date(2027, 3, 31), group="plan", mode="use")
    assert result["total"].revenue == expected
    assert {row.label: row.revenue for row in result["rows"]} == {"Day pass": Decimal("1107.00"), "Week pass": Decimal("675.00")}
    april = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="seller", mode="use")
    assert april["total"].revenue == 30 * Decimal("27.00") == Decimal("810.00")
    assert [row.label for row in april["rows"]] == [_distributor.name]


@override_settings(VOUCHER_REVENUE_ON="use")
def test_dashboard_month_figures_follow_the_setting(march):
    figures = selectors.month_figures(month=date(2027, 3, 1))
    assert (figures["revenue"], figures["issued"], figures["used"], figures["mode"]) == (Decimal("1782.00"), 120, 45, "use")


def test_analytics_dashboard_shows_card_revenue_on_its_own_line(march, client, admin):
    from dashboard.services import metrics_snapshot_write

    with clock(date(2027, 3, 31), time(23, 0)):
        metrics_snapshot_write(day=date(2027, 3, 31))
        client.force_login(admin)
        response = client.get(reverse("staff:analytics-dashboard"), {"month": "2027-03-01"})
    assert response.status_code == 200
    html = response.content.decode()
    revenue = html.split('id="analytics-cards-revenue">', 1)[1].split("<", 1)[0]
    assert "3,375.00" in revenue
    # Subscription revenue is the invoices' alone: no invoice was issued, so the month's revenue stays nil.
    assert "3,375.00" not in html.split('id="analytics-cards"', 1)[0]
