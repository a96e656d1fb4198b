"""Collection efficiency covers the invoices falling due in the month, net of credit notes, and never
exceeds 100 %; arrears paid in the month are shown beside it (docs/metrics.md, "Collections").

The worked example, VAT 15 %: E's April invoice of ৳1,150 (due 8 April) gets a 20 % retention credit
note of ৳230 and E pays the ৳920 asked on 5 April; F owes March's ৳1,150 (due 8 March) and pays it
with April's ৳1,150 (due 8 April) on 6 April. A December invoice issued on 24 November is
December's."""

from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from billing.charges import credit_note_issue
from billing.services import LineSpec, invoice_create
from dashboard import collection_figures
from dashboard.models import DailyMetric
from dashboard.selectors import analytics_tiles, month_figures
from dashboard.services import metrics_snapshot_backfill
from payments.services import payment_ledger_record
from tests.billing.test_run import configure
from tests.factories import make_customer

D = Decimal
APRIL = date(2026, 4, 1)
pytestmark = pytest.mark.django_db


@contextmanager
def clock(day: date):
    at = timezone.make_aware(datetime.combine(day, time(12)))
    with mock.patch("django.utils.timezone.now", return_value=at), mock.patch("django.utils.timezone.localdate", return_value=day):
        yield at


def invoice(customer, issued, due, net="1000"):
    with clock(issued):
        return invoice_create(actor=None, customer=customer, issue_date=issued, due_date=due,
                              lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])


def pay(customer, day, amount):
    with clock(day) as at:
        return payment_ledger_record(actor=None, customer=customer, amount=D(amount), method="cash", received_at=at)


@pytest.fixture
def april():
    configure()
    e, f = make_customer(name="E"), make_customer(name="F")
    e_april = invoice(e, date(2026, 4, 1), date(2026, 4, 8))
    with clock(date(2026, 4, 2)):
        credit_note_issue(actor=None, invoice=e_april, amount=D("230"), reason="Retention discount 20 %")
    pay(e, date(2026, 4, 5), "920")
    invoice(f, date(2026, 3, 1), date(2026, 3, 8))
    invoice(f, date(2026, 4, 1), date(2026, 4, 8))
    pay(f, date(2026, 4, 6), "2300")
    return e, f


def test_efficiency_is_paid_of_what_was_asked_net_of_credit_notes_and_arrears_are_beside_it(april):
    asked = (D("1150") - D("230")) + D("1150")  # E's invoice net of its note, F's April invoice
    paid = D("920") + D("1150")  # both paid in full; F's March payment is arrears
    figures = collection_figures.collections(APRIL)

    assert (figures["asked"], figures["paid_of_asked"]) == (asked, paid)
    assert figures["efficiency"] == D("100.00")
    assert figures["arrears_collected"] == D("1150.00")
    # The old figure, collected ÷ due before credit notes: (920 + 2300) ÷ 2300.
    assert (figures["collected"] / figures["due"] * 100).quantize(D("0.01")) == D("140.00")


def test_a_customer_who_paid_what_was_asked_shows_100_not_80(april):
    e, _f = april
    rows = collection_figures.collections_by(APRIL, by="branch")
    assert collection_figures.efficiency_parts(APRIL, date(2026, 4, 30))[None]["asked"] == D("2070.00")
    e_only = collection_figures.efficiency_invoices(APRIL, date(2026, 4, 30)).get(customer=e)
    assert (e_only.asked, e_only.paid) == (D("920.00"), D("920.00"))  # 920 ÷ 1150 was 80 %
    assert all(r["efficiency"] <= 100 for r in rows if r["efficiency"] is not None)


def test_invoices_issued_ahead_for_next_month_count_in_the_month_they_fall_due(db):
    """The run of 24 November issues December, due 1 December: November's efficiency does not see it."""
    configure()
    g = make_customer(name="G")
    invoice(g, date(2026, 11, 1), date(2026, 11, 8))
    pay(g, date(2026, 11, 5), "1150")
    invoice(g, date(2026, 11, 24), date(2026, 12, 1))

    november = collection_figures.collections(date(2026, 11, 1), as_of=date(2026, 11, 24))
    assert (november["asked"], november["paid_of_asked"], november["efficiency"]) == (D("1150.00"), D("1150.00"), D("100.00"))
    december = collection_figures.collections(date(2026, 12, 1))
    assert (december["asked"], december["efficiency"]) == (D("1150.00"), D("0.00"))


def test_snapshot_rows_and_the_dashboard_give_the_same_efficiency_as_the_sources(april):
    metrics_snapshot_backfill(start=date(2026, 3, 1), end=date(2026, 4, 30))
    live = collection_figures.collections(APRIL)
    stored = DailyMetric.objects.filter(dimension="all", day=date(2026, 4, 30))
    for name in ("asked", "paid_of_asked", "arrears_collected"):
        assert sum(getattr(row, name) for row in stored) == live[name], name
    from dashboard.metrics import ALL

    figures = month_figures(ALL, APRIL)
    assert (figures["efficiency"], figures["arrears_collected"]) == (live["efficiency"], live["arrears_collected"]) == (
        D("100.00"), D("1150.00"))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 4, 30)):
        tiles = {tile.label: tile for tile in analytics_tiles(scope=ALL, month=APRIL, day=date(2026, 4, 30))}
    efficiency = tiles["Collection efficiency"]
    assert efficiency.value == D("100.00") and "arrears paid this month are not counted" in efficiency.note
    assert tiles["Arrears collected"].value == D("1150.00")
