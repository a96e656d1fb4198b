"""Staff performance, by hand: collectors' takings and kept promises, and branch scope."""

from datetime import date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from customers.models import CallLog
from fieldservice.models import FieldTask
from ispbill.dashboard import performance
from ispbill.dashboard.metrics import Scope
from payments.services import call_log_create, payment_record
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
    with mock.patch("django.utils.timezone.now", lambda: moment(date(2026, 3, 2), 11)):
        call_log_create(actor=rina, customer=a, outcome=CallLog.Outcome.PROMISED, called_at=moment(date(2026, 3, 2), 9),
                        promise_to_pay_date=date(2026, 3, 5))
        call_log_create(actor=rina, customer=b, outcome=CallLog.Outcome.PROMISED, called_at=moment(date(2026, 3, 2), 10),
                        promise_to_pay_date=date(2026, 3, 4))
    # A pays on the promised day (kept); B pays a day late (not kept); C is Sumon's walk-in.
    payment_record(actor=rina, customer=a, amount=Decimal("1150.00"), method="cash", received_at=moment(date(2026, 3, 5), 18))
    payment_record(actor=rina, customer=b, amount=Decimal("575.00"), method="cash", received_at=moment(date(2026, 3, 5), 10))
    payment_record(actor=sumon, customer=c, amount=Decimal("2300.00"), method="cash", received_at=moment(date(2026, 3, 9)))
    payment_record(actor=sumon, customer=c, amount=Decimal("100.00"), method="cash", received_at=moment(date(2026, 4, 1)))
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


def test_technicians_completed_tasks(db):
    tech = UserFactory(kind="technician", first_name="Tanvir", last_name="Ahmed")
    customer = make_customer()
    for status in (FieldTask.Status.DONE, FieldTask.Status.DONE, FieldTask.Status.ASSIGNED, FieldTask.Status.CANCELLED):
        FieldTask.objects.create(technician=tech, customer=customer, kind=FieldTask.Kind.REPAIR, status=status,
                                 scheduled_for=date(2026, 3, 10))
    FieldTask.objects.create(technician=tech, customer=customer, kind=FieldTask.Kind.REPAIR, status=FieldTask.Status.DONE,
                             scheduled_for=date(2026, 4, 1))
    [row] = performance.technicians(scope=Scope(), month=MARCH)
    assert (row["done"], row["open"], row["cancelled"], row["total"], row["completion"]) == (2, 1, 1, 4, Decimal("50.00"))


def test_empty_month_gives_empty_tables(db):
    data = performance.staff_performance(scope=Scope(), month=MARCH)
    assert all(not t["rows"] for t in data["tables"].values())
