"""Staff performance, by hand: collectors' takings and kept promises, and branch scope."""

from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from customers.models import CallLog
from dashboard import performance
from dashboard.metrics import Scope
from fieldservice.models import WorkOrder
from payments.services import call_log_create, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer

MARCH = date(2026, 3, 1)


def moment(day: date, hour: int = 12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def collectors(db):
    mirpur, uttara = BranchFactory(code="MIR"), BranchFactory(code="UTT")
    rina = UserFactory(roles=["Cashier"], first_name="Rina", last_name="Akter")
    sumon = UserFactory(roles=["Cashier"], first_name="Sumon", last_name="Das")
    a = make_customer(area=AreaFactory(branch=mirpur), name="A")
    b = make_customer(area=AreaFactory(branch=mirpur), name="B")
    c = make_customer(area=AreaFactory(branch=uttara), name="C")
    with mock.patch("django.utils.timezone.now", return_value=moment(date(2026, 3, 2), 11)):
        call_log_create(actor=rina, customer=a, outcome=CallLog.Outcome.PROMISED, called_at=moment(date(2026, 3, 2), 9),
                        promise_to_pay_date=date(2026, 3, 5))
        call_log_create(actor=rina, customer=b, outcome=CallLog.Outcome.PROMISED, called_at=moment(date(2026, 3, 2), 10),
                        promise_to_pay_date=date(2026, 3, 4))
    # A pays on the promised day (kept); B pays a day late (not kept); C is Sumon's walk-in.
    payment_ledger_record(actor=rina, customer=a, amount=Decimal("1150.00"), method="cash", received_at=moment(date(2026, 3, 5), 18))
    payment_ledger_record(actor=rina, customer=b, amount=Decimal("575.00"), method="cash", received_at=moment(date(2026, 3, 5), 10))
    payment_ledger_record(actor=sumon, customer=c, amount=Decimal("2300.00"), method="cash", received_at=moment(date(2026, 3, 9)))
    payment_ledger_record(actor=sumon, customer=c, amount=Decimal("100.00"), method="cash", received_at=moment(date(2026, 4, 1)))
    return {"rina": rina, "sumon": sumon, "branches": (mirpur, uttara)}


def test_collectors_collected_and_promises_kept(collectors):
    rows = {r["name"]: r for r in performance.collectors(scope=Scope(), month=MARCH)}
    assert rows["Sumon Das"]["collected"] == Decimal("2300.00") and rows["Sumon Das"]["payments"] == 1
    rina = rows["Rina Akter"]
    assert (rina["collected"], rina["payments"], rina["calls"], rina["promises"], rina["kept"]) == (
        Decimal("1725.00"), 2, 2, 2, 1)
    assert rina["kept_rate"] == Decimal("50.00")
    # The leaderboard ranks by money collected.
    board = performance.staff_performance(scope=Scope(), month=MARCH)["leaderboard"][0]["rows"]
    assert [name for name, *_ in board] == ["Sumon Das", "Rina Akter"]


def test_collectors_are_scoped_to_branches(collectors):
    mirpur, _ = collectors["branches"]
    rows = performance.collectors(scope=Scope(branch_ids=frozenset({mirpur.pk})), month=MARCH)
    assert [r["name"] for r in rows] == ["Rina Akter"]


def test_technicians_completed_failed_open_first_time_fix_and_on_time(db):
    tech = UserFactory(kind="technician", first_name="Tanvir", last_name="Ahmed")
    held, repeated = make_customer(), make_customer()

    def order(customer, status, *, completed=None, arrived=None, scheduled=None, window_end=None, kind=WorkOrder.Kind.REPAIR):
        created = WorkOrder.objects.create(technician=tech, customer=customer, kind=kind, status=status,
                                           scheduled_start=scheduled, window_end=window_end, completed_at=completed,
                                           arrived_at=arrived, duration_minutes=60)
        WorkOrder.objects.filter(pk=created.pk).update(created_at=moment(date(2026, 3, 1), 8))
        return created

    # A repair that held, on time (arrived before the window closed).
    order(held, WorkOrder.Status.COMPLETED, scheduled=moment(date(2026, 3, 10), 10), window_end=moment(date(2026, 3, 10), 13),
          arrived=moment(date(2026, 3, 10), 12), completed=moment(date(2026, 3, 10), 14))
    # A repair followed by a new order for the same customer 5 days later, arrived after the slot (late).
    order(repeated, WorkOrder.Status.COMPLETED, scheduled=moment(date(2026, 3, 12), 10),
          arrived=moment(date(2026, 3, 12), 12), completed=moment(date(2026, 3, 12), 13))
    follow_up = order(repeated, WorkOrder.Status.ASSIGNED, scheduled=moment(date(2026, 3, 20), 10))
    WorkOrder.objects.filter(pk=follow_up.pk).update(created_at=moment(date(2026, 3, 17), 9))
    order(held, WorkOrder.Status.FAILED, scheduled=moment(date(2026, 3, 14), 10), completed=moment(date(2026, 3, 14), 11))
    # Outside March: counted nowhere.
    order(held, WorkOrder.Status.COMPLETED, scheduled=moment(date(2026, 4, 1), 10), completed=moment(date(2026, 4, 1), 12))

    [row] = performance.technicians(scope=Scope(), month=MARCH)
    assert (row["name"], row["done"], row["failed"], row["open"]) == ("Tanvir Ahmed", 2, 1, 1)
    assert row["first_time_fix"] == Decimal("50.00")  # one of the two completed repairs held
    assert row["on_time"] == Decimal("50.00")  # one of the two completed visits arrived in time


def test_empty_month_gives_empty_tables(db):
    data = performance.staff_performance(scope=Scope(), month=MARCH)
    assert all(not t["rows"] for t in data["tables"].values())


def test_cash_handed_over_and_held_by_collectors(collectors):
    from payments.services import cash_handover_record

    mirpur, uttara = collectors["branches"]
    rina, sumon = collectors["rina"], collectors["sumon"]
    cashier = UserFactory(roles=["Cashier"], first_name="Kamal")
    with mock.patch("django.utils.timezone.now", return_value=moment(date(2026, 3, 6), 17)):
        cash_handover_record(actor=cashier, collector=rina, branch=mirpur, amount=Decimal("1000.00"))
    with mock.patch("django.utils.timezone.now", return_value=moment(date(2026, 4, 2), 9)):
        cash_handover_record(actor=cashier, collector=rina, branch=mirpur, amount=Decimal("725.00"), note="the rest")
        cash_handover_record(actor=cashier, collector=sumon, branch=uttara, amount=Decimal("2400.00"))
    rows = {r["name"]: r for r in performance.collectors(scope=Scope(), month=MARCH)}
    assert (rows["Rina Akter"]["cash"], rows["Rina Akter"]["handed_over"], rows["Rina Akter"]["cash_held"]) == (
        Decimal("1725.00"), Decimal("1000.00"), Decimal("725.00"))
    assert (rows["Sumon Das"]["cash"], rows["Sumon Das"]["handed_over"], rows["Sumon Das"]["cash_held"]) == (
        Decimal("2300.00"), Decimal("0.00"), Decimal("2300.00"))
    april = {r["name"]: r for r in performance.collectors(scope=Scope(), month=date(2026, 4, 1))}
    assert (april["Rina Akter"]["handed_over"], april["Rina Akter"]["cash_held"]) == (Decimal("725.00"), Decimal("0.00"))
    assert (april["Sumon Das"]["cash"], april["Sumon Das"]["handed_over"], april["Sumon Das"]["cash_held"]) == (
        Decimal("100.00"), Decimal("2400.00"), Decimal("0.00"))
