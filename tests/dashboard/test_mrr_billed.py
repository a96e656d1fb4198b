"""MRR is what the ISP will actually bill per month: retention discounts included, and a connection only
from its first paid invoice (docs/metrics.md, "MRR, ARR, ARPU", the discounts and first payments
example). Each figure is worked out here from the rule, then read from the live computation, the
nightly snapshot (backfilled day by day, and from scratch) and the dashboard's tiles.

Basic ৳1,000 a month, prices excluding VAT, billing periods from the 1st of the month.
R (Basic, active since 10 January, paid) gets a 20 % discount for 2 months on 5 March: window 5 March to
31 May. N (Basic) is activated on 3 March and pays its first invoice on 12 March. U (Basic) is activated
on 3 March and never pays."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

import pytest

from churn.offers import retention_offer_make, retention_offer_withdraw
from dashboard import metrics
from dashboard.metrics import ALL
from dashboard.models import DailyMetric
from dashboard.selectors import analytics_tiles, month_figures
from dashboard.services import metrics_snapshot_backfill
from payments.services import payment_ledger_record
from tests.dashboard.test_metrics import _from_scratch, _stored, activate, activate_paid, clock, pay_first_invoice
from tests.factories import AreaFactory, PackageFactory, make_customer, make_subscription

D = Decimal
MARCH, JUNE = date(2026, 3, 1), date(2026, 6, 1)
pytestmark = pytest.mark.django_db

PRICE = D("1000.00")
DISCOUNT = D("20")
DISCOUNTED = (PRICE * (100 - DISCOUNT) / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)  # ৳800.00


@pytest.fixture
def billed_world():
    area = AreaFactory()
    basic = PackageFactory(name="Basic", price=PRICE)
    with clock(date(2025, 12, 1)):
        r, n, u = (make_subscription(customer=make_customer(area=area, name=name), package=basic) for name in "RNU")
    r = activate_paid(r, date(2026, 1, 10))
    with clock(date(2026, 3, 5)):
        offer = retention_offer_make(actor=None, customer=r.customer, subscription=r, kind="discount", months=2,
                                     percent=DISCOUNT)
    assert (offer.starts_on, offer.ends_on) == (date(2026, 3, 5), date(2026, 5, 31))
    n = activate(n, date(2026, 3, 3))
    first = pay_first_invoice(n, date(2026, 3, 3), pay=False)
    with clock(date(2026, 3, 12)) as at:
        payment_ledger_record(actor=None, customer=n.customer, amount=first.total, method="cash", received_at=at)
    u = activate(u, date(2026, 3, 3))
    pay_first_invoice(u, date(2026, 3, 3), pay=False)  # never paid
    return {"r": r, "n": n, "u": u, "offer": offer}


def test_mrr_counts_the_discount_and_only_paid_connections(billed_world):
    expected = {
        date(2026, 3, 4): PRICE,  # R before its discount; N activated but unpaid
        date(2026, 3, 5): DISCOUNTED,
        date(2026, 3, 11): DISCOUNTED,
        date(2026, 3, 12): DISCOUNTED + PRICE,  # N paid: in MRR
        date(2026, 3, 31): DISCOUNTED + PRICE,
        date(2026, 5, 31): DISCOUNTED + PRICE,  # the window's last day
        date(2026, 6, 1): PRICE + PRICE,
    }
    for day, mrr in expected.items():
        assert metrics.mrr_on(day)["mrr"] == mrr, day
    march_end = metrics.mrr_on(date(2026, 3, 31))
    assert (march_end["mrr"], march_end["customers"], march_end["arpu"]) == (D("1800.00"), 2, D("900.00"))
    assert {row["name"]: row["mrr"] for row in metrics.mrr_rows(date(2026, 3, 31))} == {"R": DISCOUNTED, "N": PRICE}


def test_movements_show_the_discount_as_contraction_and_the_first_payment_as_new(billed_world):
    march = metrics.mrr_movements(MARCH)
    assert (march["start"], march["new"], march["contraction"], march["reactivation"], march["end"]) == (
        PRICE, PRICE, PRICE - DISCOUNTED, D("0"), DISCOUNTED + PRICE)
    assert march["start"] + march["new"] - march["contraction"] == march["end"] == D("1800.00")
    assert [row["name"] for row in metrics.movement_rows(MARCH, kind="new")] == ["N"]
    june = metrics.mrr_movements(JUNE, as_of=date(2026, 6, 10))
    assert (june["expansion"], june["end"]) == (PRICE - DISCOUNTED, D("2000.00"))


def test_a_withdrawn_discount_stops_on_the_day_it_is_withdrawn(billed_world):
    with clock(date(2026, 4, 10)):
        retention_offer_withdraw(actor=None, offer=billed_world["offer"], reason="Customer asked", today=date(2026, 4, 10))
    assert metrics.mrr_on(date(2026, 4, 9))["mrr"] == DISCOUNTED + PRICE
    assert metrics.mrr_on(date(2026, 4, 10))["mrr"] == PRICE + PRICE


def test_snapshot_live_and_tiles_agree_on_the_billed_mrr(billed_world):
    start, end = date(2026, 2, 27), date(2026, 6, 2)
    metrics_snapshot_backfill(start=start, end=end)
    day = start
    while day <= end:  # every day computed from the one before equals the computation from scratch
        assert _stored(day) == _from_scratch(day), day
        day += timedelta(days=1)

    def stored(day, name):
        return sum(getattr(row, name) for row in DailyMetric.objects.filter(dimension="all", day=day))

    assert stored(date(2026, 3, 11), "mrr") == metrics.mrr_on(date(2026, 3, 11))["mrr"] == DISCOUNTED
    last = date(2026, 3, 31)
    assert (stored(last, "mrr"), stored(last, "new_mrr"), stored(last, "contraction_mrr"), stored(last, "customers")) == (
        D("1800.00"), PRICE, D("200.00"), 2)
    assert stored(date(2026, 6, 1), "expansion_mrr") == D("200.00")

    figures = month_figures(ALL, MARCH)
    assert (figures["mrr"], figures["new_mrr"], figures["contraction_mrr"]) == (D("1800.00"), PRICE, D("200.00"))
    with mock.patch("django.utils.timezone.localdate", return_value=last):
        tiles = {tile.label: tile for tile in analytics_tiles(scope=ALL, month=MARCH, day=last)}
    assert tiles["MRR"].value == metrics.mrr_on(last)["mrr"] == D("1800.00")
    assert tiles["New MRR"].value == D("1000.00")
    assert tiles["ARPU"].value == D("900.00")
