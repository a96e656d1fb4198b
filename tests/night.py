"""The night's jobs, run as celery beat runs them: every job of `config/celery.py`'s beat schedule
that runs once a day, in the order of its time, each on a clock set to that day and time (the
tasks read `timezone.now()`, as in production). Jobs that run every few minutes (the outbox, the
SLA check, the renewals' sweep) are left to the test, which calls them where it needs them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from importlib import import_module
from unittest import mock

from celery.schedules import crontab
from django.utils import timezone

from config.celery import app


@contextmanager
def clock(day: date, at: time = time(12, 0)):
    """`timezone.now()` is `day` at `at`, local time."""
    instant = timezone.make_aware(datetime.combine(day, at))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def nightly_jobs(day: date) -> list[tuple[time, str]]:
    """The once-a-day jobs the beat schedule runs on `day`, in the order of their time."""
    jobs = []
    for entry in app.conf.beat_schedule.values():
        schedule = entry["schedule"]
        if not isinstance(schedule, crontab) or len(schedule.hour) != 1 or len(schedule.minute) != 1:
            continue
        if (day.isoweekday() % 7) not in schedule.day_of_week:  # crontab counts Sunday as 0
            continue
        jobs.append((time(min(schedule.hour), min(schedule.minute)), entry["task"]))
    return sorted(jobs)


def run_task(name: str):
    """The task registered under `name`, run in this process (its module imported first, as the worker does)."""
    import_module(name.rpartition(".")[0])
    return app.tasks[name].run()


def _workers(day: date, at: time) -> None:
    """What the workers do with what a job queued: the billing run's chunks (the run dispatches them
    to Celery on commit)."""
    from billing.models import BillingRun
    from billing.run import billing_run_process_pending

    for run in BillingRun.objects.filter(status=BillingRun.Status.RUNNING, dry_run=False):
        with clock(day, at):
            billing_run_process_pending(run)


def night(day: date) -> None:
    """The jobs of the night that starts `day` (00:05 package changes … 02:30 billing run … 04:45
    churn scores), each at its own time on `day`, and the workers' share of each before the next."""
    for at, name in nightly_jobs(day):
        with clock(day, at):
            run_task(name)
        _workers(day, at)


def nights(first: date, last: date) -> None:
    """Every night from `first` to `last`, both included."""
    day = first
    while day <= last:
        night(day)
        day += timedelta(days=1)
