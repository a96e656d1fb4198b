"""Collectors' assigned due, collected from assigned and collection rate, worked by hand in taka
(docs/metrics.md, "Staff performance"; VAT 15 %).

March 2026. Rina covers area Mirpur-1, Sumon covers Uttara-1, Karim covers Uttara-2; Mirpur-2 has
no collector. B lives in Mirpur-1 but is assigned to Sumon himself (a customer's collector beats
the area's).

- A (Mirpur-1, Rina): invoice due 10 Mar ৳1,150; pays ৳1,150 on 12 Mar, to Sumon.
- E (Mirpur-1, Rina): invoice due 25 Mar ৳2,300; pays nothing.
- B (Mirpur-1, Sumon's own): invoice due 15 Mar ৳575; pays ৳575 on 16 Mar, to Rina.
- C (Uttara-1, Sumon): invoice due 20 Mar ৳2,300 (and one due 3 Apr ৳1,150); pays ৳1,000 on 25 Mar.
- D (Mirpur-2, nobody): invoice due 5 Mar ৳1,150; pays ৳1,150 on 6 Mar: counts for no collector.
- F (Uttara-2, Karim): nothing due, nothing paid: Karim still appears, with nothing due.

Rina: 2 customers, due 1,150 + 2,300 = ৳3,450.00, collected from them ৳1,150.00, rate 33.33 %.
Sumon: 2 customers, due 575 + 2,300 = ৳2,875.00, collected 575 + 1,000 = ৳1,575.00, rate 54.78 %.
"""

from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal as D
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services import LineSpec, invoice_create
from customers import services as customer_services
from dashboard import collection_figures, drilldown, metrics, performance
from dashboard.metrics import Scope
from payments.services import payment_ledger_record
from tests.factories import BranchFactory, UserFactory, make_customer

MARCH = date(2026, 3, 1)


@contextmanager
def clock(day: date, at: time = time(12, 0)):
    instant = timezone.make_aware(datetime.combine(day, at))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


@pytest.fixture
def assigned_due_world(db):
    mirpur, uttara = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    rina = UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter")
    sumon = UserFactory(roles=["Cashier"], first_name="Sumon", last_name="Das")
    karim = UserFactory(roles=["Cashier"], first_name="Karim", last_name="Mia")
    manager = UserFactory(roles=["Manager"])
    mirpur1 = customer_services.area_create(actor=manager, branch=mirpur, name="Mirpur-1", collector=rina)
    mirpur2 = customer_services.area_create(actor=manager, branch=mirpur, name="Mirpur-2")
    uttara1 = customer_services.area_create(actor=manager, branch=uttara, name="Uttara-1", collector=sumon)
    uttara2 = customer_services.area_create(actor=manager, branch=uttara, name="Uttara-2", collector=karim)
    a = make_customer(area=mirpur1, name="A")
    e = make_customer(area=mirpur1, name="E")
    b = make_customer(area=mirpur1, name="B", collector=sumon, actor=manager)
    c = make_customer(area=uttara1, name="C")
    d = make_customer(area=mirpur2, name="D")
    make_customer(area=uttara2, name="F")

    def invoice(customer, issued, due, net):
        with clock(issued):
            invoice_create(actor=None, customer=customer, issue_date=issued, due_date=due,
                           lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])

    def pay(customer, day, amount, by):
        with clock(day) as at:
            payment_ledger_record(actor=by, customer=customer, amount=D(amount), method="cash", received_at=at)

    invoice(a, date(2026, 3, 1), date(2026, 3, 10), "1000")  # 1150
    invoice(e, date(2026, 3, 18), date(2026, 3, 25), "2000")  # 2300
    invoice(b, date(2026, 3, 8), date(2026, 3, 15), "500")  # 575
    invoice(c, date(2026, 3, 13), date(2026, 3, 20), "2000")  # 2300
    invoice(c, date(2026, 3, 27), date(2026, 4, 3), "1000")  # 1150, due in April
    invoice(d, date(2026, 2, 26), date(2026, 3, 5), "1000")  # 1150
    pay(a, date(2026, 3, 12), "1150", sumon)
    pay(b, date(2026, 3, 16), "575", rina)
    pay(c, date(2026, 3, 25), "1000", sumon)
    pay(d, date(2026, 3, 6), "1150", sumon)
    return {"branches": (mirpur, uttara), "rina": rina, "sumon": sumon, "karim": karim, "customers": (a, b, c, d, e)}


def _rows(scope: Scope = metrics.ALL):
    return {r["name"]: r for r in performance.collectors(scope=scope, month=MARCH)}


def test_assigned_due_collected_from_assigned_and_rate(assigned_due_world):
    rows = _rows()
    rina, sumon = rows["Rina Akter"], rows["Sumon Das"]
    assert (rina["assigned_customers"], rina["assigned_due"], rina["assigned_collected"], rina["assigned_rate"]) == (
        2, D("3450.00"), D("1150.00"), D("33.33"))
    # B's own collector (Sumon) beats the area's (Rina), both for what fell due and what B paid.
    assert (sumon["assigned_customers"], sumon["assigned_due"], sumon["assigned_collected"], sumon["assigned_rate"]) == (
        2, D("2875.00"), D("1575.00"), D("54.78"))
    # What they recorded themselves is unchanged: Rina took B's ৳575, Sumon A's, C's and D's.
    assert (rina["collected"], sumon["collected"]) == (D("575.00"), D("3300.00"))


def test_customer_without_a_collector_counts_for_nobody(assigned_due_world):
    rows = _rows()
    month_due = collection_figures.collections(MARCH)["due"]
    assert month_due == D("7475.00")  # every invoice falling due in March, D's ৳1,150 among them
    assigned = sum((r["assigned_due"] for r in rows.values()), D("0"))
    assert assigned == month_due - D("1150.00")
    assert sum(r["assigned_customers"] for r in rows.values()) == 5  # A, E, B, C, F; not D


def test_collector_with_assignments_but_no_payments_still_appears(assigned_due_world):
    karim = _rows()["Karim Mia"]
    assert (karim["assigned_customers"], karim["assigned_due"], karim["assigned_collected"], karim["assigned_rate"]) == (
        1, D("0.00"), D("0.00"), None)
    assert (karim["collected"], karim["payments"], karim["calls"]) == (D("0.00"), 0, 0)
    # Nobody with nothing collected heads the "most collected" board.
    board = performance.staff_performance(scope=Scope(), month=MARCH)["leaderboard"][0]["rows"]
    assert "Karim Mia" not in [name for name, *_ in board]


def test_assigned_due_follows_the_branch_scope(assigned_due_world):
    mirpur, uttara = assigned_due_world["branches"]
    rows = _rows(Scope(branch_ids=frozenset({mirpur.pk})))
    assert (rows["Rina Akter"]["assigned_due"], rows["Rina Akter"]["assigned_collected"]) == (D("3450.00"), D("1150.00"))
    # Only B is Sumon's in Mirpur; C is in Uttara.
    sumon = rows["Sumon Das"]
    assert (sumon["assigned_customers"], sumon["assigned_due"], sumon["assigned_collected"], sumon["assigned_rate"]) == (
        1, D("575.00"), D("575.00"), D("100.00"))
    assert "Karim Mia" not in rows
    only_uttara = _rows(Scope(branch_id=uttara.pk))
    assert "Rina Akter" not in only_uttara and only_uttara["Sumon Das"]["assigned_due"] == D("2300.00")


def test_drill_down_lists_the_customers_and_adds_up(assigned_due_world):
    sumon = assigned_due_world["sumon"]
    table = drilldown.drill("assigned-due", scope=Scope(), month=MARCH, day=date(2026, 3, 31), kind=str(sumon.pk))
    assert table.total == _rows()["Sumon Das"]["assigned_due"] == D("2875.00")
    assert sorted((r["name"], r["assigned_by"], r["due"], r["collected"]) for r in table.rows) == [
        ("B", "Customer", D("575.00"), D("575.00")), ("C", "Area", D("2300.00"), D("1000.00"))]
    assert sum(r["due"] for r in table.rows) == table.total
    with pytest.raises(drilldown.UnknownDrill):
        drilldown.drill("assigned-due", scope=Scope(), month=MARCH, day=date(2026, 3, 31), kind="nobody")


def test_reassigning_an_area_moves_its_customers_figures(assigned_due_world):
    """The assignment is read as it stands now: give Mirpur-1 to Karim and Rina's March goes with it."""
    area = assigned_due_world["customers"][0].area
    customer_services.area_update(actor=UserFactory(roles=["Manager"]), area=area, collector=assigned_due_world["karim"])
    rows = _rows()
    karim = rows["Karim Mia"]
    assert (karim["assigned_customers"], karim["assigned_due"], karim["assigned_collected"]) == (3, D("3450.00"), D("1150.00"))
    # Rina keeps what she recorded herself (B's ৳575), with nobody assigned to her now.
    rina = rows["Rina Akter"]
    assert (rina["assigned_customers"], rina["assigned_due"], rina["assigned_rate"], rina["collected"]) == (
        0, D("0.00"), None, D("575.00"))
    # B stays Sumon's: the customer's own collector is not the area's.
    assert rows["Sumon Das"]["assigned_due"] == D("2875.00")


def test_staff_performance_page_links_the_drill_down_and_csv_has_the_columns(assigned_due_world, client):
    manager = UserFactory(roles=["Manager"])
    client.force_login(manager)
    sumon = assigned_due_world["sumon"]
    page = client.get(reverse("staff:analytics-staff"), {"month": "2026-03-01"}).content.decode()
    drill = f'{reverse("staff:analytics-drill", args=["assigned-due"])}?month=2026-03-01&amp;kind={sumon.pk}'
    assert drill in page and "৳2,875.00" in page and "54.78 %" in page
    response = client.get(drill.replace("&amp;", "&"))
    assert response.status_code == 200 and 'id="drill-total">৳2,875.00' in response.content.decode()
    # Its way back is the page it was opened from.
    assert f'id="drill-back" href="{reverse("staff:analytics-staff")}?month=2026-03-01"' in response.content.decode()
    other = client.get(reverse("staff:analytics-drill", args=["receivable"]), {"month": "2026-03-01"}).content.decode()
    assert f'id="drill-back" href="{reverse("staff:analytics-dashboard")}?month=2026-03-01"' in other
    csv = client.get(reverse("staff:analytics-staff"), {"month": "2026-03-01", "table": "collectors", "format": "csv"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Collector,Assigned customers,Assigned due,Collected from assigned,Collection rate,")
    assert any(line.startswith("Sumon Das,2,2875.00,1575.00,54.78,") for line in lines)
    api = client.get(reverse("staff:api-metrics-staff"), {"month": "2026-03-01"}).json()
    sumon_row = next(r for r in api["collectors"] if r["user_id"] == sumon.pk)
    assert (sumon_row["assigned_due"], sumon_row["assigned_collected"], sumon_row["assigned_rate"]) == ("2875.00", "1575.00", "54.78")


def test_branch_limited_manager_sees_only_their_branch_in_the_drill_down(assigned_due_world, client):
    mirpur, _ = assigned_due_world["branches"]
    client.force_login(UserFactory(roles=["Manager"], branch_scope=[mirpur]))
    sumon = assigned_due_world["sumon"]
    response = client.get(reverse("staff:analytics-drill", args=["assigned-due"]), {"month": "2026-03-01", "kind": sumon.pk})
    body = response.content.decode()
    assert 'id="drill-total">৳575.00' in body and ">C<" not in body


def test_closed_customers_are_nobodys_round(assigned_due_world):
    from customers.models import Customer

    Customer.objects.filter(name="F").update(status=Customer.Status.CLOSED)
    assert "Karim Mia" not in _rows()  # his only customer closed, nothing due or paid: not listed
    Customer.objects.filter(name="E").update(status=Customer.Status.CLOSED)
    rina = _rows()["Rina Akter"]
    # E no longer counts as a customer on her round, but what fell due from E in March still does.
    assert (rina["assigned_customers"], rina["assigned_due"]) == (1, D("3450.00"))


def test_the_page_lists_only_collectors_with_customers_in_the_assigned_part(assigned_due_world):
    jamal = UserFactory(roles=["Cashier"], first_name="Jamal", last_name="Khan")
    with clock(date(2026, 3, 7)) as at:
        payment_ledger_record(actor=jamal, customer=assigned_due_world["customers"][3], amount=D("100"), method="cash", received_at=at)
    table = performance.staff_performance(scope=metrics.ALL, month=MARCH)["tables"]["collectors"]
    assigned, activity = table["parts"]
    assert {r["name"] for r in assigned["rows"]} == {"Rina Akter", "Sumon Das", "Karim Mia"}
    assert "Jamal Khan" in {r["name"] for r in activity["rows"]} and len(table["rows"]) == 4
    # The CSV and the JSON carry every column of the one table.
    assert [c["key"] for c in table["columns"]] == [c["key"] for c in assigned["columns"]] + [
        c["key"] for c in activity["columns"][1:]]


def test_the_monthly_report_shows_the_assigned_due(assigned_due_world):
    from django.template.loader import render_to_string

    from dashboard import report

    html = render_to_string("dashboard/report.html", report.monthly_report_context(scope=metrics.ALL, month=MARCH))
    assigned = html[html.index("<h3>Assigned customers</h3>"):html.index("<h3>Collections, promises and cash</h3>")]
    assert "Sumon Das" in assigned and "৳2,875.00" in assigned and "54.78 %" in assigned


def test_the_month_in_progress_counts_what_fell_due_up_to_today(assigned_due_world):
    # On 16 March, E's ৳2,300 (due 25 March) and C's (due 20 March) have not fallen due yet.
    with clock(date(2026, 3, 16), time(18, 0)):
        rows = _rows()
        table = drilldown.drill("assigned-due", scope=metrics.ALL, month=MARCH, day=date(2026, 3, 16),
                                kind=str(assigned_due_world["sumon"].pk))
    assert (rows["Rina Akter"]["assigned_due"], rows["Rina Akter"]["assigned_collected"]) == (D("1150.00"), D("1150.00"))
    assert (rows["Sumon Das"]["assigned_due"], rows["Sumon Das"]["assigned_rate"]) == (D("575.00"), D("100.00"))
    assert table.total == D("575.00") and [r["name"] for r in table.rows] == ["B"]
