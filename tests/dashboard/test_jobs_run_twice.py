""""Run again" is safe for the big nightly jobs: each run a second time on the same night, through Celery
as the jobs page queues it (eager here), leaves exactly the rows the first run left — no invoice, ledger
entry, rent charge, late fee, suspension, message or metric row twice. A job that failed part-way
resumes: the billing run's chunks are each done once (tests/billing/test_run.py, "resumed after a crash
mid-chunk" and "a chunk delivered twice"); the import batch skips rows already done (tests/imports).

A rented router on a connection active since 1 March 2026 (docs/billing.md's rental example); the
nights of 25 March (April's invoice with April's rent) and 12 April (April unpaid past due date and
grace: overdue, late fee, suspension) run in the beat schedule's order (tests/night.py)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from billing.models import Invoice, InvoiceLine, LedgerEntry, OneTimeCharge
from config.celery import app
from customers.models import Subscription
from dashboard.models import DailyMetric
from fieldservice.models import EquipmentRentalCharge
from ispbill.core.jobs import JOB_HEADER, TRIGGER_HEADER
from ispbill.core.models import JobRun
from ispbill.notify.models import Message
from tests.billing.test_run import configure
from tests.fieldservice.conftest import technician  # noqa: F401 - the fixture
from tests.fieldservice.test_rent_during_pause import rented_connection
from tests.night import _workers, clock, nightly_jobs

pytestmark = pytest.mark.django_db(transaction=True)

ISSUE_NIGHT, DUNNING_NIGHT = date(2026, 3, 25), date(2026, 4, 12)


def state() -> dict:
    metric_values = [
        field.attname for field in DailyMetric._meta.concrete_fields if field.name not in ("id", "computed_at")
    ]
    return {
        "invoices": list(Invoice.objects.order_by("pk").values_list("pk", "number", "status", "total")),
        "lines": list(InvoiceLine.objects.order_by("pk").values_list("pk", "kind", "gross")),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount")),
        "charges": list(OneTimeCharge.objects.order_by("pk").values_list("pk", "amount", "status", "invoice_id")),
        "rent": list(EquipmentRentalCharge.objects.order_by("pk").values_list("pk", "first_day", "last_day", "withdrawn")),
        "subscriptions": list(Subscription.objects.order_by("pk").values_list("pk", "status")),
        "messages": Message.objects.count(),
        "metrics": list(DailyMetric.objects.order_by(*metric_values[:4]).values_list(*metric_values)),
    }


def night_until(day: date, last_task: str) -> time:
    """The night's jobs on `day` up to and including `last_task`, as beat and the workers run them."""
    for at, name in nightly_jobs(day):
        with clock(day, at):
            app.tasks[name].apply(headers={TRIGGER_HEADER: "schedule"})
        _workers(day, at)
        if name == last_task:
            return at
    raise AssertionError(f"{last_task} is not a nightly job")


def run_again(day: date, at: time, entry: str) -> None:
    """What "Run again" on the jobs page queues, run as the worker runs it, later the same night."""
    task = app.conf.beat_schedule[entry]["task"]
    later = (datetime.combine(day, at) + timedelta(minutes=20)).time()  # before the next job of the night
    with clock(day, later):
        app.tasks[task].apply(headers={TRIGGER_HEADER: "manual", JOB_HEADER: entry})
    _workers(day, later)


@pytest.fixture
def rented(technician, eager_celery):  # noqa: F811
    configure(late_fee=Decimal("50.00"))
    return rented_connection(technician)


@pytest.mark.parametrize("day, entry, did_something", [
    (ISSUE_NIGHT, "fieldservice-rental-charges", lambda before: len(before["rent"]) >= 1),
    (ISSUE_NIGHT, "billing-daily-run", lambda before: any(kind == "one_time" for _pk, kind, _gross in before["lines"])),
    # Dunning: April overdue, its late fee, the suspension.
    (DUNNING_NIGHT, "billing-daily-run", lambda before: (
        "suspended" in {status for _pk, status in before["subscriptions"]}
        and "overdue" in {status for _pk, _number, status, _total in before["invoices"]}
        and any(kind == "fee" for _pk, kind, _gross in before["lines"])
    )),
    (DUNNING_NIGHT, "dashboard-snapshot-metrics", lambda before: len(before["metrics"]) >= 1),
])
def test_a_big_job_run_again_the_same_night_changes_nothing(rented, day, entry, did_something):
    subscription, _rental = rented
    task = app.conf.beat_schedule[entry]["task"]
    if day == DUNNING_NIGHT:
        night_until(ISSUE_NIGHT, "churn.tasks.score_churn_risks")  # April's invoice, never paid
    at = night_until(day, task)
    before = state()
    assert did_something(before), before

    run_again(day, at, entry)

    assert state() == before
    again = JobRun.objects.filter(task_name=task, trigger="manual").get()
    assert again.status == "succeeded" and again.job == entry
    if entry == "billing-daily-run" and day == DUNNING_NIGHT:
        assert Subscription.objects.get(pk=subscription.pk).status == "suspended"
