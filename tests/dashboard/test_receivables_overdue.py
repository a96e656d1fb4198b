"""Receivables overdue and not yet due (docs/metrics.md, "Collections", and issue #53 item 5): the
worked example recomputed by hand from the invoices and allocations, against the selector, the
snapshot's tile, the drill-down and the JSON summary, on every day of its table — including 25 March,
when April's invoice issued a week ahead makes the total jump while nothing more is overdue, and today's
five-minute rewrite picking that invoice up.

The ledger is written through the services staff use (invoices, payments), on a clock set to each day.
"""

from datetime import date, time
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from billing.models import Allocation, Invoice
from billing.services import LineSpec, invoice_create
from dashboard import collection_figures, drilldown
from dashboard.directions import BAD, DOWN, NEUTRAL, NONE
from dashboard.metrics import ALL, end_of_day, month_start
from dashboard.selectors import analytics_tiles
from dashboard.services import metrics_snapshot_backfill, metrics_snapshot_today
from payments.services import payment_ledger_record
from tests.dashboard.test_metrics import clock
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer

D = Decimal
OVERDUE, NOT_YET_DUE = collection_figures.OVERDUE, collection_figures.NOT_YET_DUE

# docs/metrics.md's table: day → (overdue, not yet due); receivables are their sum.
WORKED_EXAMPLE = {
    date(2026, 2, 28): (D("1150.00"), D("2300.00")),
    date(2026, 3, 24): (D("1300.00"), D("1150.00")),
    date(2026, 3, 25): (D("1300.00"), D("1725.00")),  # I4 issued: the total jumps, overdue does not
    date(2026, 3, 27): (D("1300.00"), D("1725.00")),  # I3 falls due today: not late yet
    date(2026, 3, 28): (D("2450.00"), D("575.00")),  # I3 one day late
    date(2026, 3, 31): (D("2450.00"), D("575.00")),
}


def _invoice(customer, issued: date, due: date, net: str) -> Invoice:
    with clock(issued, time(2, 30)):  # the billing run's hour
        return invoice_create(actor=None, customer=customer, issue_date=issued, due_date=due,
                              lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])


def _pay(customer, day: date, amount: str) -> None:
    with clock(day) as at:
        payment_ledger_record(actor=None, customer=customer, amount=D(amount), method="cash", received_at=at)


@pytest.fixture
def ledger_without_i4(db):
    """docs/metrics.md's I1–I3 and the three payments (VAT 15 %); I4 is issued by the test."""
    d1 = make_customer(area=AreaFactory(branch=BranchFactory(code="MIR", name="Mirpur")), name="D1")
    d2 = make_customer(area=AreaFactory(branch=BranchFactory(code="UTT", name="Uttara")), name="D2")
    _invoice(d1, date(2026, 2, 20), date(2026, 2, 27), "1000")  # I1 1,150
    _invoice(d2, date(2026, 2, 25), date(2026, 3, 4), "2000")  # I2 2,300
    _invoice(d1, date(2026, 3, 20), date(2026, 3, 27), "1000")  # I3 1,150
    _pay(d1, date(2026, 3, 2), "1150")  # settles I1
    _pay(d2, date(2026, 3, 10), "1000")  # part of I2: 1,300 left
    _pay(d1, date(2026, 4, 2), "1150")  # settles I3, in April
    return {"d1": d1, "d2": d2, "issue_i4": lambda: _invoice(d2, date(2026, 3, 25), date(2026, 4, 1), "500")}  # 575


@pytest.fixture
def receivables_ledger(ledger_without_i4):
    ledger_without_i4["issue_i4"]()
    return ledger_without_i4


def by_hand(day: date) -> tuple[Decimal, Decimal]:
    """(overdue, not yet due) at the end of `day`, summed in Python from each invoice and the allocations
    made to it by then, as the definitions read — not by the dashboard's queries."""
    overdue = not_yet_due = D("0.00")
    for invoice in Invoice.objects.all():
        if invoice.status in (Invoice.Status.VOID, Invoice.Status.DRAFT) or invoice.issue_date > day:
            continue
        paid = sum((a.amount for a in Allocation.objects.filter(invoice=invoice) if a.created_at < end_of_day(day)), D("0"))
        still_open = invoice.total - paid
        if still_open <= 0:
            continue
        if invoice.due_date < day:
            overdue += still_open
        else:
            not_yet_due += still_open
    return overdue, not_yet_due


def tiles_on(day: date) -> dict:
    """The receivables tile and its parts as the dashboard reads them from the snapshot, by key."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        tiles = analytics_tiles(scope=ALL, day=day)
    tile = next(t for t in tiles if t.key == "overdue")
    return {t.key: t for t in (tile, *tile.parts)}


def test_the_worked_example_by_hand_equals_the_selector_the_tile_and_the_drill_down(receivables_ledger):
    metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 31))
    for day, (overdue, not_yet_due) in WORKED_EXAMPLE.items():
        assert by_hand(day) == (overdue, not_yet_due), day
        assert collection_figures.receivable_parts_on(day) == {
            "overdue": overdue, "not_yet_due": not_yet_due, "total": overdue + not_yet_due}, day
        tile = tiles_on(day)
        assert (tile["overdue"].value, tile["not_yet_due"].value, tile["receivable"].value) == (
            overdue, not_yet_due, overdue + not_yet_due), day
        table = drilldown.drill("receivable", scope=ALL, month=month_start(day), day=day)
        parts = {part["key"]: part["total"] for part in table.parts}
        assert parts == {OVERDUE: overdue, NOT_YET_DUE: not_yet_due}, day
        assert table.total == sum((r["open"] for r in table.rows), D("0")) == overdue + not_yet_due, day
        for part, amount in parts.items():
            chosen = drilldown.drill("receivable", scope=ALL, month=month_start(day), day=day, kind=part)
            assert {r["part"] for r in chosen.rows} <= {part} and chosen.total == amount, (day, part)
            # Overdue rows are past their due date, not-yet-due rows are not.
            assert all((r["days_past_due"] > 0) == (part == OVERDUE) for r in chosen.rows), (day, part)


def test_next_months_invoices_make_the_total_jump_but_not_overdue(receivables_ledger):
    metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 28))
    i4 = Invoice.objects.get(customer=receivables_ledger["d2"], issue_date=date(2026, 3, 25))
    before, after = tiles_on(date(2026, 3, 24)), tiles_on(date(2026, 3, 25))
    assert after["receivable"].value - before["receivable"].value == i4.total  # ৳575: +23.47 % in a day
    assert after["overdue"].value == before["overdue"].value
    assert after["not_yet_due"].value - before["not_yet_due"].value == i4.total
    # Three days on, I3 is late: overdue moves by its ৳1,150 while the total does not move at all.
    i3 = Invoice.objects.get(customer=receivables_ledger["d1"], issue_date=date(2026, 3, 20))
    due_day, late_day = tiles_on(date(2026, 3, 27)), tiles_on(date(2026, 3, 28))
    assert late_day["receivable"].value == due_day["receivable"].value
    assert late_day["overdue"].value - due_day["overdue"].value == i3.total


def test_each_part_compares_with_the_end_of_last_month_coloured_by_its_meaning(receivables_ledger):
    metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 31))
    end_of_february = by_hand(date(2026, 2, 28))
    for day in (date(2026, 3, 25), date(2026, 3, 31)):
        now = by_hand(day)
        tile = tiles_on(day)
        for key, before, current in (("overdue", end_of_february[0], now[0]), ("not_yet_due", end_of_february[1], now[1]),
                                     ("receivable", sum(end_of_february), sum(now))):
            change = ((current - before) / before * 100).quantize(D("0.01"))
            assert (tile[key].previous, tile[key].compared, tile[key].change) == (before, "28 Feb", change), (day, key)
    # 31 March: overdue +113.04 % is red; not yet due −75.00 % and the total −12.32 % are grey.
    tile = tiles_on(date(2026, 3, 31))
    assert [(tile[k].change_text, tile[k].tone) for k in ("overdue", "not_yet_due", "receivable")] == [
        ("+113.04 %", BAD), ("−75.00 %", NEUTRAL), ("−12.32 %", NEUTRAL)]


def test_todays_rewrite_picks_up_next_months_invoices_issued_this_morning(ledger_without_i4, client):
    today = date(2026, 3, 25)
    with clock(date(2026, 3, 24), time(23, 55)):
        metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 24))
    with clock(today, time(1, 40)):
        assert metrics_snapshot_today(today=today) > 0
    assert tiles_on(today)["not_yet_due"].value == by_hand(today)[1] == D("1150.00")  # before the run
    ledger_without_i4["issue_i4"]()  # 02:30: April's invoice
    with clock(today, time(2, 35)):
        assert metrics_snapshot_today(today=today) > 0
    with clock(today, time(2, 40)):
        assert metrics_snapshot_today(today=today) == 0  # nothing new: not written again
    overdue, not_yet_due = by_hand(today)
    assert (overdue, not_yet_due) == WORKED_EXAMPLE[today]
    client.force_login(UserFactory(roles=["Manager"]))
    with clock(today, time(18, 0)), mock.patch("django.utils.timezone.localdate", return_value=today):
        page = client.get(reverse("staff:analytics-dashboard"))
        summary = client.get(reverse("staff:api-metrics-summary")).json()
    tile = next(t for t in page.context["tiles"] if t.key == "overdue")
    assert (tile.value, [p.value for p in tile.parts]) == (overdue, [not_yet_due, overdue + not_yet_due])
    api = {t["key"]: t for t in summary["tiles"]}
    assert (api["overdue"]["value"], api["not_yet_due"]["value"], api["receivable"]["value"]) == (
        str(overdue), str(not_yet_due), str(overdue + not_yet_due))


def test_the_json_summary_months_and_drill_down_carry_both_parts(receivables_ledger, client):
    metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 31))
    day = date(2026, 3, 31)
    overdue, not_yet_due = by_hand(day)
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        summary = client.get(reverse("staff:api-metrics-summary")).json()
        months = client.get(reverse("staff:api-metrics-months")).json()["months"]
        drill = client.get(reverse("staff:api-metrics-drill", args=["receivable"])).json()
        overdue_only = client.get(reverse("staff:api-metrics-drill", args=["receivable"]), {"kind": OVERDUE}).json()
        csv = client.get(reverse("staff:analytics-dashboard"), {"format": "csv"}).content.decode()
    api = {t["key"]: t for t in summary["tiles"]}
    assert [(api[k]["value"], api[k]["good_direction"], api[k]["tone"]) for k in ("overdue", "not_yet_due", "receivable")] == [
        (str(overdue), DOWN, BAD), (str(not_yet_due), NONE, NEUTRAL), (str(overdue + not_yet_due), NONE, NEUTRAL)]
    assert api["overdue"]["change_percent"] == "113.04" and api["not_yet_due"]["change_percent"] == "-75.00"
    assert (months[-1]["overdue"], months[-1]["not_yet_due"], months[-1]["receivable"]) == (
        str(overdue), str(not_yet_due), str(overdue + not_yet_due))
    assert {p["key"]: p["total"] for p in drill["parts"]} == {OVERDUE: str(overdue), NOT_YET_DUE: str(not_yet_due)}
    assert drill["total"] == str(overdue + not_yet_due)
    assert overdue_only["total"] == str(overdue) and {r["part"] for r in overdue_only["rows"]} == {OVERDUE}
    header, *rows = csv.lstrip("\ufeff").splitlines()
    assert header.endswith(",receivable,overdue,not_yet_due") and rows[-1].endswith(f",{overdue + not_yet_due},{overdue},{not_yet_due}")


def test_the_breakdowns_overdue_cell_opens_the_overdue_invoices(receivables_ledger, client):
    metrics_snapshot_backfill(start=date(2026, 3, 30), end=date(2026, 3, 31))
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 31)):
        rows = client.get(reverse("staff:analytics-breakdown"), {"by": "branch"}).context["rows"]
        assert {r["name"]: r["overdue"] for r in rows} == {"Mirpur": D("1150.00"), "Uttara": D("1300.00")}  # I3; I2
        for row in rows:
            assert client.get(row["urls"]["receivable"]).context["table"].total == row["overdue"], row["name"]


@pytest.mark.parametrize("query", [{"kind": "late"}, {"kind": "OVERDUE"}, {"bucket": "1-31"}, {"kind": "overdue", "bucket": "x"}])
def test_a_malformed_part_or_bucket_is_a_404(receivables_ledger, client, query):
    metrics_snapshot_backfill(start=date(2026, 3, 30), end=date(2026, 3, 31))
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 31)):
        assert client.get(reverse("staff:analytics-drill", args=["receivable"]), query).status_code == 404
        assert client.get(reverse("staff:api-metrics-drill", args=["receivable"]), query).status_code == 404
        # A part and a bucket that exclude each other are an empty list, not an error.
        empty = client.get(reverse("staff:analytics-drill", args=["receivable"]), {"kind": OVERDUE, "bucket": "current"})
    assert empty.status_code == 200 and empty.context["table"].rows == []


@pytest.mark.django_db(transaction=True)
def test_the_tile_and_its_drill_down_outside_a_wrapping_transaction(receivables_ledger, client):
    """On PostgreSQL as in production (each statement commits): the page's tile, its drill-down's two
    sections and their totals, which add up to the tile's total."""
    metrics_snapshot_backfill(start=date(2026, 2, 20), end=date(2026, 3, 31))
    day = date(2026, 3, 31)
    overdue, not_yet_due = by_hand(day)
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        page = client.get(reverse("staff:analytics-dashboard"))
        tile = next(t for t in page.context["tiles"] if t.key == "overdue")
        html = page.content.decode().split('data-key="overdue"', 1)[1].split("</a>", 1)[0]
        drill = client.get(tile.group_url)
        one_part = client.get(tile.url)
    assert "৳2,450.00" in html and 'data-part="not_yet_due"' in html and "৳575.00" in html and "৳3,025.00" in html
    assert drill.status_code == 200 and one_part.status_code == 200
    body = drill.content.decode()
    for key, amount in ((OVERDUE, overdue), (NOT_YET_DUE, not_yet_due)):
        assert f'data-section="{key}"' in body and f'id="drill-part-{key}"' in body
        assert f'data-amount="{amount}"' in body
    assert drill.context["table"].total == overdue + not_yet_due == drill.context["parts_total"]
    assert one_part.context["table"].total == overdue and {r["part"] for r in one_part.context["table"].rows} == {OVERDUE}
