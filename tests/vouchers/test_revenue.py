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

from .helpers import bought_online, make_distributor, make_plan, refund_made

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


@pytest.fixture
def march_online(march):
    """The example, plus cards bought online at the Bus Stand zone (docs/metrics.md): on 12 March a Day
    pass (৳30, used that day) and a Week pass (৳150, used on 13 March); on 30 March a Day pass never
    used, which runs out on 31 March and is marked expired by the night's job on 1 April."""
    from tests.factories import AreaFactory
    from vouchers.models import WifiZone
    from vouchers.signup import online_card_make

    _distributor, day_pass, week_pass, _b1, _b2 = march
    zone = WifiZone.objects.create(name="Bus Stand", area=AreaFactory(), sells_online=True)
    with clock(date(2027, 3, 12), time(9, 0)):
        a = online_card_make(plan=day_pass, zone=zone, price=Decimal("30.00"), phone="+8801711000001")
        b = online_card_make(plan=week_pass, zone=zone, price=Decimal("150.00"), phone="+8801711000002")
    with clock(date(2027, 3, 12), time(10, 0)) as at:
        services.card_first_use(card=a, at=at, zone=zone)
    with clock(date(2027, 3, 13), time(10, 0)) as at:
        services.card_first_use(card=b, at=at, zone=zone)
    with clock(date(2027, 3, 30), time(20, 0)):
        c = online_card_make(plan=day_pass, zone=zone, price=Decimal("30.00"), phone="+8801711000003")
    with clock(date(2027, 4, 1), time(0, 20)) as at:
        services.cards_expire_due(now=at)
    c.refresh_from_db()
    assert c.state == "expired"
    return zone


def test_online_sales_count_on_sale_at_their_price_per_zone_and_as_sold_online(march_online):
    zone = march_online
    # By hand: the distributor's 3,375.00 (above) + 30.00 + 150.00 + 30.00 bought online.
    expected = Decimal("3375.00") + Decimal("30.00") + Decimal("150.00") + Decimal("30.00")
    assert expected == Decimal("3585.00")
    result = selectors.report(start=date(2027, 3, 1), end=date(2027, 3, 31), group="seller", mode="sale")
    assert result["total"].revenue == expected
    rows = {row.label: row for row in result["rows"]}
    assert (rows["Sold online"].sold, rows["Sold online"].online, rows["Sold online"].revenue) == (3, 3, Decimal("210.00"))
    assert result["total"].sold == 45 + 3 and result["total"].online == 3
    by_zone = {row.label: row for row in selectors.report(start=date(2027, 3, 1), end=date(2027, 3, 31), group="zone", mode="sale")["rows"]}
    assert (by_zone[zone.name].online, by_zone[zone.name].used, by_zone[zone.name].revenue) == (3, 2, Decimal("210.00"))
    april = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode="sale")
    assert april["total"].revenue == Decimal("0.00")
    counts = selectors.online_counts()
    assert (counts.total, counts.sold, counts.used, counts.expired) == (3, 3, 2, 3)  # the night of 1 April ended all three


def test_online_sales_count_on_use_and_an_unused_one_when_it_runs_out(march_online):
    # March: 1,782.00 (above) + 30.00 + 150.00 used; April: 810.00 + the unused Day pass's 30.00.
    march = selectors.report(start=date(2027, 3, 1), end=date(2027, 3, 31), group="plan", mode="use")
    assert march["total"].revenue == Decimal("1782.00") + Decimal("180.00") == Decimal("1962.00")
    april = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="seller", mode="use")
    assert april["total"].revenue == Decimal("810.00") + Decimal("30.00") == Decimal("840.00")
    assert {row.label: row.revenue for row in april["rows"]}["Sold online"] == Decimal("30.00")


def test_the_card_report_page_shows_online_sales(march_online, staff_client):
    html = staff_client.get(reverse("staff:voucher-report"), {"start": "2027-03-01", "end": "2027-03-31", "group": "zone"}).content.decode()
    assert html.split('id="voucher-report-online">', 1)[1].split("<", 1)[0] == "3"
    assert "Bus Stand" in html and 'id="voucher-sellers-online"' in html
    csv = staff_client.get(reverse("staff:voucher-report"), {"start": "2027-03-01", "end": "2027-03-31", "group": "seller", "format": "csv"})
    assert "Sold online,0,3,3,2,0,210.00" in csv.content.decode()  # never issued to a distributor: 0 issued


# A card redeemed onto a customer's account (docs/metrics.md, "Prepaid cards", the second example) ------

@pytest.fixture
def redeemed():
    """Corner Shop (10 per cent) buys 10 Day passes (৳30) on 3 March; 2 are used at the hotspot on 10
    March; 3 recharge Rahim's account on 12 March."""
    from billing.selectors import current_billing_settings
    from tests.factories import make_customer
    from usecases.card_recharge import card_recharge

    current_billing_settings()
    distributor, admin = make_distributor(commission="10.00", topup="1000")
    plan = make_plan(price="30.00", name="Day pass")
    with clock(date(2027, 3, 3), time(10, 0)), transaction.atomic():
        batch = services.batch_issue(actor=admin, batch=services.batch_generate(actor=admin, plan=plan, count=10), distributor=distributor)
    codes = [code for _serial, code in selectors.batch_codes(batch=batch)]
    with clock(date(2027, 3, 10), time(18, 0)) as at:
        for card in _cards(batch, 0, 2):
            services.card_first_use(card=card, at=at)
    rahim = make_customer(name="Rahim Uddin")
    with clock(date(2027, 3, 12), time(11, 0)), transaction.atomic():
        for code in codes[2:5]:
            card_recharge(actor=None, customer=rahim, code=code)
    return batch, rahim


def test_a_redeemed_card_counts_once_as_the_customers_payment_not_again_as_card_revenue(redeemed):
    from dashboard.collection_figures import collections, collections_by
    from payments.models import Payment

    _batch, rahim = redeemed
    march = (date(2027, 3, 1), date(2027, 3, 31))
    # By hand. On sale: 10 × 27.00 paid by the wallet, less 3 × 27.00 that became Rahim's payments.
    on_sale = 10 * Decimal("27.00") - 3 * Decimal("27.00")
    # On use: the 2 cards used at the hotspot; the 3 redeemed never count as card revenue.
    on_use = 2 * Decimal("27.00")
    # Collected: the printed price of each redeemed card, as Rahim's payments (method "Prepaid card").
    collected = 3 * Decimal("30.00")
    assert (on_sale, on_use, collected) == (Decimal("189.00"), Decimal("54.00"), Decimal("90.00"))

    sale = selectors.report(start=march[0], end=march[1], group="day", mode="sale")
    assert sale["total"].revenue == on_sale
    assert {row.label: row.revenue for row in sale["rows"]} == {
        "2027-03-03": Decimal("270.00"), "2027-03-10": Decimal("0.00"), "2027-03-12": Decimal("-81.00")}
    use = selectors.report(start=march[0], end=march[1], group="plan", mode="use")
    assert use["total"].revenue == on_use
    assert (use["total"].issued, use["total"].sold, use["total"].used, use["total"].redeemed) == (10, 5, 2, 3)

    figures = collections(date(2027, 3, 1))
    assert figures["collected"] == collected
    by_method = {row["key"]: row["collected"] for row in collections_by(date(2027, 3, 1), by="method")}
    assert by_method == {Payment.Method.PREPAID_CARD: collected}
    assert sum(p.amount for p in Payment.objects.filter(customer=rahim)) == collected
    # Card revenue and subscription money together: the wallet's ৳270 is counted once, as ৳189 of cards
    # and ৳90 of Rahim's payments; the ৳9 between is the distributor's commission on the 3 cards.
    assert on_sale + collected - 10 * Decimal("27.00") == 3 * Decimal("3.00")


# Refunds of online purchases (docs/metrics.md, "Prepaid cards", the refunds example) ----------------

def _bought_online(zone, plan, phone: str, day: date, at: time):
    with clock(day, at):
        return bought_online(zone=zone, plan=plan, phone=phone)


def _refunded(purchase, day: date, at: time) -> None:
    with clock(day, at):
        refund_made(purchase)


@pytest.fixture
def april_refunds():
    """R1 bought 5 April 09:00, never used, refunded 11:00; R2 bought 09:30, used 10:00, refunded 6 April
    12:00; R3 bought 6 April 08:00, used 08:30, kept. A Day pass at ৳30.00 at Bus Stand."""
    from tests.factories import AreaFactory
    from vouchers.models import WifiZone

    zone = WifiZone.objects.create(name="Bus Stand", area=AreaFactory(), sells_online=True)
    day_pass = make_plan(price="30.00", name="Day pass")
    r1 = _bought_online(zone, day_pass, "+8801711000011", date(2027, 4, 5), time(9, 0))
    r2 = _bought_online(zone, day_pass, "+8801711000012", date(2027, 4, 5), time(9, 30))
    with clock(date(2027, 4, 5), time(10, 0)) as at:
        services.card_first_use(card=r2.card, at=at, zone=zone)
    _refunded(r1, date(2027, 4, 5), time(11, 0))
    r3 = _bought_online(zone, day_pass, "+8801711000013", date(2027, 4, 6), time(8, 0))
    with clock(date(2027, 4, 6), time(8, 30)) as at:
        services.card_first_use(card=r3.card, at=at, zone=zone)
    _refunded(r2, date(2027, 4, 6), time(12, 0))
    return zone, (r1, r2, r3)


@pytest.mark.parametrize("mode, by_day", [
    # By hand. On sale: 5 April R1 + R2 − R1's refund; 6 April R3 − R2's refund.
    ("sale", {"2027-04-05": Decimal("30.00") + Decimal("30.00") - Decimal("30.00"), "2027-04-06": Decimal("30.00") - Decimal("30.00")}),
    # On use: 5 April R2's use (R1 never used, so never counted); 6 April R3's use − R2's refund.
    ("use", {"2027-04-05": Decimal("30.00"), "2027-04-06": Decimal("30.00") - Decimal("30.00")}),
])
def test_refunded_online_purchases_take_their_price_back_on_the_refunds_day(april_refunds, mode, by_day):
    zone, (r1, r2, r3) = april_refunds
    result = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode=mode)
    assert {row.label: row.revenue for row in result["rows"]} == by_day
    assert result["total"].revenue == Decimal("30.00")  # the one card kept, whichever the mode
    assert {row.label: row.refunded for row in result["rows"]} == {"2027-04-05": 1, "2027-04-06": 1}
    assert (result["total"].sold, result["total"].online, result["total"].refunded) == (3, 3, 2)
    by_zone = {row.label: row for row in selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="zone", mode=mode)["rows"]}
    assert (by_zone[zone.name].refunded, by_zone[zone.name].revenue) == (2, Decimal("30.00"))
    for purchase in (r1, r2):
        purchase.card.refresh_from_db()
        assert purchase.card.state == "cancelled"
    r3.card.refresh_from_db()
    assert r3.card.state == "active"


def test_refunded_online_purchases_are_recorded_once_with_what_went_back(april_refunds):
    from billing.models import CardSaleRefund

    _zone, (r1, r2, _r3) = april_refunds
    refunds = {refund.sale_id: refund for refund in CardSaleRefund.objects.all()}
    assert set(refunds) == {r1.gateway_payment.card_sale_id, r2.gateway_payment.card_sale_id}
    assert all((refund.amount, refund.price) == (Decimal("30.00"), Decimal("30.00")) for refund in refunds.values())
    from payments.models import GatewayRefund
    from usecases.wifi_signup import card_purchase_refunded

    # The same refund accepted again (a lost answer the reconciliation found later): nothing more.
    with clock(date(2027, 4, 7), time(9, 0)), transaction.atomic():
        card_purchase_refunded(actor=None, refund=GatewayRefund.objects.get(gateway_payment=r1.gateway_payment))
    assert CardSaleRefund.objects.count() == 2
    april = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode="sale")
    assert april["total"].revenue == Decimal("30.00") and april["total"].refunded == 2


def test_an_online_card_refunded_after_it_ran_out_unused_takes_its_breakage_back():
    """On use, an online Day pass bought 5 April 09:00 and never used ends on 6 April 09:00 and the night
    of 7 April marks it expired: ৳30.00 of breakage on 7 April (the day it was marked ended). Refunded on 8 April (the visitor says
    the zone never worked), the ৳30.00 leaves again that day: April ends at ৳0.00 by hand."""
    from tests.factories import AreaFactory
    from vouchers.models import WifiZone

    zone = WifiZone.objects.create(name="Bus Stand", area=AreaFactory(), sells_online=True)
    purchase = _bought_online(zone, make_plan(price="30.00", name="Day pass"), "+8801711000021", date(2027, 4, 5), time(9, 0))
    with clock(date(2027, 4, 7), time(0, 20)) as at:
        services.cards_expire_due(now=at)
    purchase.card.refresh_from_db()
    assert purchase.card.state == "expired"
    _refunded(purchase, date(2027, 4, 8), time(10, 0))

    use = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode="use")
    assert {row.label: row.revenue for row in use["rows"] if row.revenue} == {"2027-04-07": Decimal("30.00"), "2027-04-08": Decimal("-30.00")}
    assert use["total"].revenue == Decimal("0.00")
    sale = selectors.report(start=date(2027, 4, 1), end=date(2027, 4, 30), group="day", mode="sale")
    assert {row.label: row.revenue for row in sale["rows"] if row.revenue} == {"2027-04-05": Decimal("30.00"), "2027-04-08": Decimal("-30.00")}
    purchase.card.refresh_from_db()
    assert purchase.card.state == "expired"  # ended before the refund: its state still says why
