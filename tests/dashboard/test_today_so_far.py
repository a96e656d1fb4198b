"""A day in the life of the owner dashboard's "figures so far today" (docs/metrics.md, "Snapshots",
and issue #53 item 1): the 01:40 snapshot, the 02:30 billing run issuing April's invoice, a payment at
noon, today's rewrite as beat runs it every few minutes, and the owner's dashboard at 18:00 showing
March's billed and collected with this morning's invoice and the noon payment in them. Then the night
after finalises the day once, and its figures stay what they were at 18:00.

Before today's rewrite existed, the rows of the day were written only at 01:40, before the run: at
18:00 the dashboard read Billed ৳2,300 and Collected ৳2,300 (the 1 March invoice and its payment).
The expected figures are summed here from the invoices and payments themselves, not by the snapshot's
queries. No wrapping transaction (the jobs commit as in production), on SQLite and PostgreSQL."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice
from config.celery import app
from dashboard.models import DailyMetric
from dashboard.services import metrics_snapshot_backfill
from payments.models import Payment
from tests.billing.test_run import activated_on, configure, run_billing
from tests.factories import PackageFactory, UserFactory
from tests.night import _workers, clock, nightly_jobs, run_task
from usecases.payment_record import payment_record

D = Decimal
TODAY = date(2026, 3, 25)  # 1 April − 7 days: the night's run issues April's invoices
TODAY_JOB = "dashboard-snapshot-today"


def beat_times(entry: str, after: time) -> time:
    """The first time at or after `after` when beat sends `entry` (its crontab's hours and minutes)."""
    schedule = app.conf.beat_schedule[entry]["schedule"]
    assert isinstance(schedule, crontab)
    start = datetime.combine(TODAY, after)
    for minutes in range(24 * 60):
        at = start + timedelta(minutes=minutes)
        if at.hour in schedule.hour and at.minute in schedule.minute:
            return at.time()
    raise AssertionError(f"{entry} never runs")


def today_job(after: time) -> int:
    """Today's rewrite at its next beat time after `after`, as the worker runs it."""
    with clock(TODAY, beat_times(TODAY_JOB, after)):
        return run_task(app.conf.beat_schedule[TODAY_JOB]["task"])


def march_by_hand() -> tuple[Decimal, Decimal]:
    """March's billed and collected, summed in Python from the invoices and payments."""
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    billed = sum((i.total for i in Invoice.objects.all() if first <= i.issue_date <= last and i.status != "void"), D("0"))
    collected = sum((p.amount for p in Payment.objects.all()
                     if p.status == Payment.Status.COMPLETED and first <= timezone.localdate(p.received_at) <= last), D("0"))
    return billed, collected


def the_night_until_the_run() -> None:
    """The night's jobs that make the figures, at their beat times in their order: 01:40 the snapshot,
    02:30 the billing run and its workers (the other jobs of the night move no money here)."""
    wanted = {app.conf.beat_schedule[name]["task"] for name in ("dashboard-snapshot-metrics", "billing-daily-run")}
    jobs = [(at, name) for at, name in nightly_jobs(TODAY) if name in wanted]
    assert [name for _at, name in jobs] == ["dashboard.tasks.snapshot_metrics_nightly", "usecases.tasks.billing_run_daily"]
    for at, name in jobs:
        with clock(TODAY, at):
            run_task(name)
        _workers(TODAY, at)


def owner_dashboard(client, at: time) -> tuple[dict, str]:
    with clock(TODAY, at):
        page = client.get(reverse("staff:analytics-dashboard"))
    assert page.status_code == 200
    return {tile.label: tile.value for tile in page.context["tiles"]}, page.content.decode()


def all_row(day: date) -> tuple[Decimal, Decimal]:
    rows = DailyMetric.objects.filter(day=day, dimension="all")
    return sum((r.billed for r in rows), D("0")), sum((r.collected for r in rows), D("0"))


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_at_six_in_the_evening_holds_the_mornings_invoices_and_the_noon_payment(client):
    configure()  # VAT 15 % on top, periods from the 1st, issued 7 days ahead
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("2000.00")))
    customer = subscription.customer
    with clock(date(2026, 3, 1), time(2, 30)):
        run_billing(date(2026, 3, 1))  # March: ৳2,000 + 15 % = ৳2,300
    with clock(date(2026, 3, 3), time(10)):
        payment_record(actor=None, customer=customer, amount=D("2300.00"), method="cash")
    with clock(date(2026, 3, 24), time(23, 55)):
        metrics_snapshot_backfill(start=date(2026, 3, 1), end=date(2026, 3, 24))  # the month's rows so far

    the_night_until_the_run()  # 01:40 the snapshot, 02:30 the run (April's ৳2,300)
    assert Invoice.objects.filter(customer=customer, issue_date=TODAY).get().total == D("2300.00")
    assert all_row(TODAY) == (D("0"), D("0"))  # written at 01:40, before the run: the bug's picture
    assert today_job(after=time(2, 31)) > 0  # 02:35
    assert all_row(TODAY) == (D("2300.00"), D("0"))

    with clock(TODAY, time(12, 0)):  # the noon payment: half of April's invoice
        payment_record(actor=None, customer=customer, amount=D("1150.00"), method="cash")
    assert all_row(TODAY) == (D("2300.00"), D("0"))  # nothing on the payment path writes the snapshot
    assert today_job(after=time(12, 1)) > 0  # 12:05
    assert today_job(after=time(17, 55)) == 0  # nothing new since: the rows are not written again

    billed, collected = march_by_hand()
    assert (billed, collected) == (D("2300.00") + D("2300.00"), D("2300.00") + D("1150.00"))  # 4,600 and 3,450

    client.force_login(UserFactory(roles=["Manager"]))
    tiles, page = owner_dashboard(client, time(18, 0))
    assert (tiles["Billed"], tiles["Collected"]) == (billed, collected)
    assert "Figures so far today, 25 March 2026" in page
    section = page.split('id="analytics-tiles"')[1].split("</section>")[0]
    assert "4,600.00" in section and "3,450.00" in section
    march_row = page.split('id="analytics-months"')[1].split("</tr>")[1]  # the newest month first
    assert "Mar 2026" in march_row and "4,600.00" in march_row and "3,450.00" in march_row

    # The night after: 01:40 finalises the 25th once; its figures are what 18:00 showed.
    with clock(TODAY + timedelta(days=1), time(1, 40)):
        run_task(app.conf.beat_schedule["dashboard-snapshot-metrics"]["task"])
    assert all_row(TODAY) == (D("2300.00"), D("1150.00"))
