"""The jobs page, the late-job check and its one notification, and "run again" (dashboard/jobs.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from dashboard.jobs import jobs_check_late
from ispbill.core.models import AuditLog, JobRun, JobWatch
from ispbill.notify.models import Message
from tests.core.test_job_log import counts_by_return  # noqa: F401 - registers the test tasks
from tests.factories import UserFactory, admin_user

pytestmark = pytest.mark.django_db

LIST = reverse("staff:job-list")
RUN_AGAIN = reverse("staff:job-run-again")
NIGHTLY = "tests.jobs.counts_by_return"


@pytest.fixture
def schedule():
    """A beat schedule of two jobs: a nightly one (with an argument) and a five-minute one."""
    previous = app.conf.beat_schedule
    app.conf.beat_schedule = {
        "nightly-thing": {"task": NIGHTLY, "schedule": crontab(hour=2, minute=30), "args": [7]},
        "often-thing": {"task": "tests.jobs.counts_by_progress", "schedule": 300.0, "args": [1]},
    }
    yield app.conf.beat_schedule
    app.conf.beat_schedule = previous


@pytest.fixture
def jobs_people():
    return {
        "admin": admin_user(email="admin@isp.example", phone="+8801711000001"),
        "manager": UserFactory(roles=["Manager"], email="manager@isp.example"),
        "cashier": UserFactory(roles=["Cashier"], email="cashier@isp.example"),
        "gone": UserFactory(roles=["Manager"], email="gone@isp.example", is_active=False),
    }


def _success(task: str, at):
    return JobRun.objects.create(task_name=task, status="succeeded", started_at=at, finished_at=at, trigger="schedule")


def _late_messages():
    return list(Message.objects.filter(event="job_late").order_by("to", "channel").values_list("to", "channel"))


# The late check -------------------------------------------------------------------------------------------

def test_a_nightly_job_without_success_for_26_hours_is_flagged_and_staff_told_once(schedule, jobs_people):
    t0 = timezone.now() - timedelta(days=3)
    jobs_check_late(now=t0)  # first seen: a new install is not late
    _success(NIGHTLY, t0)
    _success("tests.jobs.counts_by_progress", t0 + timedelta(hours=25, minutes=55))

    at_25h = jobs_check_late(now=t0 + timedelta(hours=25, minutes=59))
    assert (at_25h["late"], at_25h["notified"]) == (0, 0) and _late_messages() == []

    at_26h = jobs_check_late(now=t0 + timedelta(hours=26, minutes=1))
    assert at_26h["late"] == 1
    # Administrators and managers who can see the jobs page, by e-mail and SMS; not the cashier, not the inactive.
    assert _late_messages() == [
        ("+8801711000001", "sms"), ("admin@isp.example", "email"), ("manager@isp.example", "email"),
    ]
    body = Message.objects.get(to="admin@isp.example").body
    assert "nightly-thing" in body and "26" in body and "/staff/jobs/" in body
    watch = JobWatch.objects.get(job="nightly-thing")
    assert watch.late_since == t0 + timedelta(hours=26) and watch.notified_at is not None

    again = jobs_check_late(now=t0 + timedelta(hours=26, minutes=5))
    assert again["late"] == 1 and again["notified"] == 0 and len(_late_messages()) == 3  # told once


def test_a_late_job_that_succeeds_is_cleared_and_its_next_lateness_told_again(schedule, jobs_people):
    t0 = timezone.now() - timedelta(days=5)
    jobs_check_late(now=t0)
    jobs_check_late(now=t0 + timedelta(hours=27))
    told_first = len(_late_messages())
    assert told_first == 2 * 3  # both jobs late; each to the admin (e-mail, SMS) and the manager (e-mail)

    _success(NIGHTLY, t0 + timedelta(hours=28))
    _success("tests.jobs.counts_by_progress", t0 + timedelta(hours=28))
    cleared = jobs_check_late(now=t0 + timedelta(hours=28, minutes=1))
    assert cleared["late"] == 0 and JobWatch.objects.get(job="nightly-thing").late_since is None

    jobs_check_late(now=t0 + timedelta(hours=28 + 27))
    assert len(_late_messages()) == 2 * told_first


def test_a_job_that_never_ran_is_late_counted_from_when_the_check_first_saw_it(schedule, jobs_people):
    t0 = timezone.now() - timedelta(hours=1)
    jobs_check_late(now=t0)
    early = jobs_check_late(now=t0 + timedelta(minutes=14))
    late = jobs_check_late(now=t0 + timedelta(minutes=16))  # five-minute job: 5 + 10 minutes of slack

    assert early["late"] == 0 and late["late"] == 1
    assert JobWatch.objects.get(job="often-thing").late_since == t0 + timedelta(minutes=15)


def test_the_check_runs_from_the_real_schedule_and_records_itself(eager_celery, jobs_people):
    from dashboard.tasks import check_late_jobs

    check_late_jobs.delay()

    run = JobRun.objects.get(task_name="dashboard.tasks.check_late_jobs")
    assert run.status == "succeeded" and run.processed == len(app.conf.beat_schedule) and run.failed == 0
    assert set(JobWatch.objects.values_list("job", flat=True)) == set(app.conf.beat_schedule)


# The page ----------------------------------------------------------------------------------------------------

def _runs(now):
    ok = _success(NIGHTLY, now - timedelta(days=2))
    broken = JobRun.objects.create(
        task_name="tests.jobs.fails_part_way", status="failed", started_at=now - timedelta(hours=1),
        finished_at=now, error="Boom: router 7 did not answer", traceback="Traceback (most recent call last):\n  boom",
        trigger="queued", processed=3,
    )
    return ok, broken


def test_the_page_shows_late_and_failed_jobs_at_a_glance_and_filters_the_log(client, schedule, jobs_people):
    now = timezone.now()
    ok, broken = _runs(now)
    JobWatch.objects.create(job="often-thing", first_seen_at=now - timedelta(hours=1))
    client.force_login(jobs_people["manager"])

    page = client.get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="job-often-thing" class="job-late"' in html and "1 failed run in 24 h" in html
    assert f'id="jobrun-{ok.pk}"' in html and f'id="jobrun-{broken.pk}"' in html
    assert RUN_AGAIN not in html  # managers see, administrators run
    client.force_login(jobs_people["admin"])
    assert f'action="{RUN_AGAIN}"' in client.get(LIST).content.decode()
    client.force_login(jobs_people["manager"])

    problems = client.get(LIST, {"status": "problem"}).content.decode()
    assert f'id="jobrun-{broken.pk}"' in problems and f'id="jobrun-{ok.pk}"' not in problems
    by_job = client.get(LIST, {"job": NIGHTLY}).content.decode()
    assert f'id="jobrun-{ok.pk}"' in by_job and f'id="jobrun-{broken.pk}"' not in by_job
    # the broken run's own local day: "today" would miss it in the hour after midnight in Dhaka
    its_day = timezone.localdate(broken.started_at)
    by_day = client.get(LIST, {"date_from": its_day.isoformat(), "date_to": its_day.isoformat()}).content.decode()
    assert f'id="jobrun-{broken.pk}"' in by_day and f'id="jobrun-{ok.pk}"' not in by_day
    partial = client.get(LIST, {"status": "problem"}, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="job-runs"')


@pytest.mark.parametrize("query", [
    {"status": "exploded"}, {"job": "no.such.task"}, {"date_from": "yesterday"}, {"date_to": "2026-02-30"},
    {"date_from": "2026-03-02", "date_to": "2026-03-01"}, {"trigger": "x" * 5000}, {"page": "NaN"},
])
def test_malformed_filters_are_answered_with_the_form_error_not_a_crash(client, schedule, jobs_people, query):
    client.force_login(jobs_people["admin"])
    response = client.get(LIST, query)
    assert response.status_code == (200 if "page" in query else 400)


def test_the_detail_shows_the_error_and_traceback(client, schedule, jobs_people):
    _ok, broken = _runs(timezone.now())
    client.force_login(jobs_people["manager"])

    html = client.get(reverse("staff:job-detail", args=[broken.pk])).content.decode()
    assert "Boom: router 7 did not answer" in html and "Traceback (most recent call last)" in html
    assert client.get(reverse("staff:job-detail", args=[99999999])).status_code == 404


def test_a_cashier_and_a_technician_get_403_and_the_nav_offers_jobs_to_managers(client, schedule, jobs_people):
    _ok, broken = _runs(timezone.now())
    client.force_login(jobs_people["cashier"])
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("staff:job-detail", args=[broken.pk])).status_code == 403
    assert client.post(RUN_AGAIN, {"job": "nightly-thing"}).status_code == 403

    client.force_login(jobs_people["manager"])
    assert f'href="{LIST}"' in client.get(reverse("staff:home")).content.decode()


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


# Run again ---------------------------------------------------------------------------------------------------

def test_an_admin_runs_a_periodic_job_again_audited_and_recorded_as_manual(client, schedule, jobs_people, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(jobs_people["admin"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(RUN_AGAIN, {"job": "nightly-thing"})

    assert response.status_code == 302 and len(callbacks) == 1
    run = JobRun.objects.get(task_name=NIGHTLY)
    assert (run.trigger, run.job, run.requested_by, run.args, run.status) == ("manual", "nightly-thing", jobs_people["admin"], [7], "succeeded")
    audit = AuditLog.objects.get(action="job.run_again")
    assert audit.actor == jobs_people["admin"] and audit.after["task"] == NIGHTLY


def test_a_failed_bulk_run_is_run_again_with_its_arguments(client, jobs_people, eager_celery, django_capture_on_commit_callbacks):
    failed = JobRun.objects.create(task_name="tests.jobs.bulk", status="failed", trigger="bulk", args=[42], started_at=timezone.now())
    client.force_login(jobs_people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(RUN_AGAIN, {"run": failed.pk}).status_code == 302

    again = JobRun.objects.exclude(pk=failed.pk).get(task_name="tests.jobs.bulk")
    assert (again.args, again.result, again.trigger) == ([42], 42, "manual")


def test_the_page_and_run_again_do_not_run_djangos_system_checks_on_every_request(
        client, schedule, jobs_people, eager_celery, django_capture_on_commit_callbacks):
    """Asking Celery to import every app's tasks runs Django's system checks through its Django fixup
    (30 ms of CPU each time): the task modules are imported once a process (registered_tasks)."""
    from ispbill.core.jobs import registered_tasks

    registered_tasks()  # the process's first ask, as the first jobs page after a start makes it
    client.force_login(jobs_people["admin"])
    with mock.patch("django.core.checks.run_checks", side_effect=AssertionError("system checks run")):
        assert client.get(LIST).status_code == 200
        assert client.get(LIST, {"job": NIGHTLY}).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(RUN_AGAIN, {"job": "nightly-thing"}).status_code == 302
    assert JobRun.objects.get(task_name=NIGHTLY).trigger == "manual"


@pytest.mark.parametrize("data, status", [
    ({"job": "no-such-job"}, 400),
    ({"job": "x" * 5000}, 400),
    ({}, 400),
    ({"job": "nightly-thing", "run": "1"}, 400),
    ({"run": "abc"}, 400),
    ({"run": "-1"}, 400),
    ({"run": "NaN"}, 400),
    ({"run": str(10**30)}, 400),
    ({"run": "99999999"}, 404),
    ({"run": "succeeded"}, 400),
    ({"run": "not-bulk"}, 400),
])
def test_malformed_or_unknown_jobs_are_4xx_and_nothing_is_queued(client, schedule, jobs_people, data, status, django_capture_on_commit_callbacks):
    now = timezone.now()
    kinds = {
        "succeeded": JobRun.objects.create(task_name="tests.jobs.bulk", status="succeeded", trigger="bulk", args=[1], started_at=now),
        "not-bulk": JobRun.objects.create(task_name="tests.jobs.bulk", status="failed", trigger="queued", args=[1], started_at=now),
    }
    if data.get("run") in kinds:
        data = {"run": kinds[data["run"]].pk}
    before = JobRun.objects.count()
    client.force_login(jobs_people["admin"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(RUN_AGAIN, data)

    assert response.status_code == status
    assert callbacks == [] and JobRun.objects.count() == before and not AuditLog.objects.filter(action="job.run_again").exists()


def test_managers_cannot_run_again_and_get_requests_are_refused(client, schedule, jobs_people, django_capture_on_commit_callbacks):
    client.force_login(jobs_people["manager"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(RUN_AGAIN, {"job": "nightly-thing"}).status_code == 403
    client.force_login(jobs_people["admin"])
    assert client.get(RUN_AGAIN, {"job": "nightly-thing"}).status_code == 405
    assert callbacks == [] and not JobRun.objects.exists() and not AuditLog.objects.filter(action="job.run_again").exists()


@pytest.mark.parametrize("interval, text", [
    (timedelta(days=1), "every day"), (timedelta(days=7), "every 7 days"), (timedelta(minutes=1), "every minute"),
    (timedelta(minutes=15), "every 15 min"), (timedelta(hours=2), "every 2 hours"), (timedelta(seconds=90), "every 90 s"),
])
def test_intervals_read_the_way_staff_say_them(interval, text):
    from dashboard.templatetags.jobs_tags import job_interval

    assert job_interval(interval) == text
