"""A voluntary pause is not churn: it is its own movement, paused MRR, and the customer's return is a
reactivation shown beside new MRR (docs/metrics.md, "MRR movements" and "Churn", the pause example).

Basic ৳1,000 and Plus ৳1,500 a month, prices excluding VAT; each first invoice paid on activation. P1 (Q1, Basic, active since 5 January) is
paused at the customer's request on 10 March and reactivated on 5 April; P2 (Q2, Plus, active since 5
January) is cancelled on 20 March."""

from datetime import date
from decimal import Decimal

import pytest

from customers.models import Subscription
from dashboard import metrics
from dashboard.models import DailyMetric
from dashboard.selectors import month_figures
from dashboard.services import metrics_snapshot_backfill
from tests.dashboard.test_metrics import activate_paid, cancel, clock, reactivate
from tests.factories import AreaFactory, PackageFactory, make_customer, make_subscription
from usecases.subscription_suspend import subscription_suspend

D = Decimal
MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def paused_and_cancelled():
    area = AreaFactory()
    basic, plus = PackageFactory(name="Basic", price=D("1000.00")), PackageFactory(name="Plus", price=D("1500.00"))
    with clock(date(2025, 12, 1)):
        p1 = make_subscription(customer=make_customer(area=area, name="Q1"), package=basic)
        p2 = make_subscription(customer=make_customer(area=area, name="Q2"), package=plus)
    activate_paid(p1, date(2026, 1, 5))
    activate_paid(p2, date(2026, 1, 5))
    with clock(date(2026, 3, 10)):
        p1 = subscription_suspend(actor=None, subscription=p1, reason="Travelling for two weeks",
                                  suspension_type=Subscription.SuspensionType.CUSTOMER_REQUEST)
    cancel(p2, date(2026, 3, 20))
    reactivate(p1, date(2026, 4, 5))
    return p1, p2


def test_a_pause_is_its_own_movement_and_not_churn(paused_and_cancelled):
    start = D("1000") + D("1500")
    march = metrics.mrr_movements(MARCH)
    assert (march["start"], march["paused"], march["churned"], march["end"]) == (start, D("1000"), D("1500"), D("0"))
    assert march["start"] + march["new"] + march["reactivation"] + march["expansion"] - march["contraction"] \
        - march["churned"] - march["paused"] == march["end"]

    churn = metrics.churn(MARCH)
    assert (churn["customers_at_start"], churn["customers_churned"]) == (2, 1)  # Q2 left, Q1 paused
    assert churn["logo_churn"] == D("50.00")
    assert churn["gross_revenue_churn"] == (D("1500") / start * 100).quantize(D("0.01")) == D("60.00")
    assert [row["name"] for row in metrics.churned_customer_rows(MARCH)] == ["Q2"]
    assert [row["name"] for row in metrics.movement_rows(MARCH, kind="paused")] == ["Q1"]


def test_the_return_from_a_pause_is_a_reactivation_beside_new_mrr(paused_and_cancelled):
    april = metrics.mrr_movements(APRIL)
    assert (april["start"], april["reactivation"], april["new"], april["end"]) == (D("0"), D("1000"), D("0"), D("1000"))
    # Reactivations are not netted into churn: nothing was lost in April.
    assert metrics.churn(APRIL)["net_revenue_churn"] is None  # no MRR at the start


def test_snapshot_rows_keep_paused_mrr_apart_like_the_sources(paused_and_cancelled):
    metrics_snapshot_backfill(start=date(2026, 2, 27), end=date(2026, 4, 30))
    row = lambda day: {  # noqa: E731
        name: sum(getattr(r, name) for r in DailyMetric.objects.filter(dimension="all", day=day))
        for name in ("paused_mrr", "churned_mrr", "reactivation_mrr", "customers_churned", "mrr")}
    assert row(date(2026, 3, 31)) == {"paused_mrr": D("1000"), "churned_mrr": D("1500"), "reactivation_mrr": D("0"),
                                      "customers_churned": 1, "mrr": D("0")}
    assert row(date(2026, 4, 30))["reactivation_mrr"] == D("1000")
    from dashboard.metrics import ALL

    figures = month_figures(ALL, MARCH)
    assert (figures["paused_mrr"], figures["logo_churn"], figures["gross_revenue_churn"]) == (D("1000"), D("50.00"), D("60.00"))
