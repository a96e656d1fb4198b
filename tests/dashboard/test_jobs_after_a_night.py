"""After a night, every job of the beat schedule is on the jobs page with a successful run: each entry
of `config/celery.py`'s schedule is sent as beat sends it (its entry name and the schedule trigger in
the headers), at its own time of the day, in the order of the day; the frequent ones once. Nothing is
late, nothing failed, and the page lists each job by name with its last run. A job added to the
schedule that cannot run, or that forgets the recording base class, fails this test."""

from datetime import date, time

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from ispbill.core.jobs import JOB_HEADER, TRIGGER_HEADER, jobs_health, registered_tasks
from ispbill.core.models import JobRun
from tests.factories import admin_user
from tests.night import _workers, clock

# A Monday: the weekly jobs (churn training) run too.
DAY = date(2026, 11, 23)


# The every-few-minutes jobs run once, last, at 05:00 (after the night's last job), and the page is
# read a minute later: each is then as fresh as it is between two of its runs.
FREQUENT_AT, READ_AT = time(5, 0), time(5, 1)


def _at(schedule) -> time:
    if isinstance(schedule, crontab) and len(schedule.hour) == 1 and len(schedule.minute) == 1:
        return time(min(schedule.hour), min(schedule.minute))
    return FREQUENT_AT


@pytest.mark.django_db(transaction=True)
def test_every_periodic_job_has_a_successful_run_on_the_jobs_page_after_a_night(client):
    assert DAY.isoweekday() == 1
    registered_tasks()  # every app's tasks, as a worker registers them
    entries = sorted(app.conf.beat_schedule.items(), key=lambda item: _at(item[1]["schedule"]))
    for name, entry in entries:
        at = _at(entry["schedule"])
        with clock(DAY, at):
            result = app.tasks[entry["task"]].apply(
                args=entry.get("args", ()), kwargs=entry.get("kwargs", {}),
                headers={JOB_HEADER: name, TRIGGER_HEADER: JobRun.Trigger.SCHEDULE},
            )
        assert result.successful(), f"{name}: {result.result!r}"
        _workers(DAY, at)

    for name, entry in entries:
        runs = JobRun.objects.filter(task_name=entry["task"], trigger=JobRun.Trigger.SCHEDULE)
        assert runs.filter(status=JobRun.Status.SUCCEEDED).exists(), f"{name} left no successful run"

    with clock(DAY, READ_AT):
        health = {item.job.name: item for item in jobs_health(now=timezone.now())}
    assert set(health) == set(app.conf.beat_schedule)
    assert [name for name, item in health.items() if item.late or item.last_success_at is None] == []

    client.force_login(admin_user())
    with clock(DAY, READ_AT):
        page = client.get(reverse("staff:job-list")).content.decode()
    section = page.split('id="job-health"')[1].split("</section>")[0]
    for item in health.values():
        assert item.job.name in section
