"""The job log: every task run through Celery (eager here; a real worker in tests/test_celery_runtime.py)
is one JobRun, written by the app's task base class, with its counts, its error, its trigger."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from celery.schedules import crontab
from django.utils import timezone

from config.celery import app
from ispbill.core.jobs import (
    JOB_HEADER,
    TRIGGER_HEADER,
    PeriodicJob,
    job_progress,
    job_record,
    job_runs_mark_lost,
    schedule_interval,
)
from ispbill.core.models import JobRun


@app.task(name="tests.jobs.counts_by_return")
def counts_by_return(n: int) -> dict:
    return {"processed": n, "skipped": 2, "note": "kept"}


@app.task(name="tests.jobs.counts_by_progress")
def counts_by_progress(n: int) -> int:
    for _ in range(n):
        job_progress(processed=1)
    job_progress(failed=1)
    return 12345  # an id, not a count: kept as the result, never read as a count


class Boom(Exception):
    pass


@app.task(name="tests.jobs.fails_part_way")
def fails_part_way() -> None:
    job_progress(processed=3)
    raise Boom("router 7 did not answer")


@app.task(name="tests.jobs.retries", bind=True, max_retries=1)
def retries(self) -> None:
    raise self.retry(exc=Boom("busy"), countdown=0)


@app.task(name="tests.jobs.bulk", job_trigger="bulk")
def bulk(batch_id: int) -> int:
    return batch_id


pytestmark = pytest.mark.django_db


def test_a_successful_run_is_recorded_with_the_counts_it_returned(eager_celery):
    result = counts_by_return.delay(5)

    run = JobRun.objects.get(task_name="tests.jobs.counts_by_return")
    assert result.get() == {"processed": 5, "skipped": 2, "note": "kept"}
    assert (run.status, run.processed, run.failed, run.skipped) == ("succeeded", 5, None, 2)
    assert run.result == {"processed": 5, "skipped": 2, "note": "kept"}
    assert run.args == [5] and run.kwargs == {} and run.args_complete
    assert run.trigger == "queued" and run.task_id == result.id
    assert run.finished_at >= run.started_at and run.duration_ms is not None
    assert run.host and run.worker.startswith("eager")


def test_counts_reported_with_job_progress_add_up_and_a_returned_id_is_not_a_count(eager_celery):
    counts_by_progress.delay(4)

    run = JobRun.objects.get(task_name="tests.jobs.counts_by_progress")
    assert (run.processed, run.failed, run.skipped) == (4, 1, None)
    assert run.result == 12345


def test_a_failure_is_recorded_with_its_error_traceback_and_the_counts_so_far(eager_celery):
    with pytest.raises(Boom):
        fails_part_way.delay()

    run = JobRun.objects.get(task_name="tests.jobs.fails_part_way")
    assert run.status == "failed" and run.is_failure
    assert run.error == "Boom: router 7 did not answer"
    assert "Traceback" in run.traceback and "fails_part_way" in run.traceback
    assert run.processed == 3 and run.finished_at is not None


def test_a_retry_is_recorded_as_retrying_with_the_error_that_caused_it(eager_celery):
    # Eager Celery raises the retry instead of running it again (a worker runs it: its own JobRun,
    # the same task id, attempt 1).
    with pytest.raises(Retry):
        retries.delay()

    run = JobRun.objects.get(task_name="tests.jobs.retries")
    assert (run.status, run.attempt, run.error) == ("retrying", 0, "Boom: busy")
    assert run.is_failure


def test_the_schedule_headers_and_bulk_jobs_set_the_trigger(eager_celery, admin):
    counts_by_return.apply_async((1,), headers={TRIGGER_HEADER: "schedule", JOB_HEADER: "nightly-thing"})
    counts_by_return.apply_async((2,), headers={TRIGGER_HEADER: "manual", JOB_HEADER: "nightly-thing", "ispbill_requested_by": admin.pk})
    bulk.delay(7)

    scheduled, manual = JobRun.objects.filter(task_name="tests.jobs.counts_by_return").order_by("id")
    assert (scheduled.trigger, scheduled.job, scheduled.requested_by) == ("schedule", "nightly-thing", None)
    assert (manual.trigger, manual.requested_by) == ("manual", admin)
    assert JobRun.objects.get(task_name="tests.jobs.bulk").trigger == "bulk"


def test_a_forged_trigger_header_is_not_believed():
    # Only "schedule" and "manual" come from headers; anything else is the system's.
    counts = JobRun.objects.count()
    app.conf.task_always_eager = True
    try:
        counts_by_return.apply_async((1,), headers={TRIGGER_HEADER: "<script>", JOB_HEADER: "x" * 500})
    finally:
        app.conf.task_always_eager = False
    run = JobRun.objects.get(task_name="tests.jobs.counts_by_return")
    assert JobRun.objects.count() == counts + 1
    assert run.trigger == "queued" and len(run.job) == 100


def test_a_direct_call_is_a_function_call_not_a_job():
    assert counts_by_return(3)["processed"] == 3
    job_progress(processed=1)  # outside any job: nothing to add to, no error
    assert not JobRun.objects.exists()


def test_huge_arguments_are_cut_and_the_run_marked_not_repeatable(eager_celery):
    counts_by_return.delay(list(range(5000)))

    run = JobRun.objects.get(task_name="tests.jobs.counts_by_return")
    assert not run.args_complete and len(str(run.args)) < 5000


def test_the_same_message_delivered_again_marks_the_earlier_run_lost(eager_celery):
    first = counts_by_return.apply_async((1,), task_id="same-id")
    JobRun.objects.filter(task_id=first.id).update(status="running", finished_at=None)  # its worker was killed
    counts_by_return.apply_async((1,), task_id="same-id")

    statuses = list(JobRun.objects.filter(task_id="same-id").order_by("id").values_list("status", flat=True))
    assert statuses == ["lost", "succeeded"]


def test_runs_left_running_for_hours_are_marked_lost():
    now = timezone.now()
    stuck = JobRun.objects.create(task_name="x", started_at=now - timedelta(hours=7))
    fresh = JobRun.objects.create(task_name="x", started_at=now - timedelta(minutes=5))

    assert job_runs_mark_lost(now=now) == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == "lost" and "stopped" in stuck.error and fresh.status == "running"


def test_job_record_logs_a_bulk_job_that_is_not_a_task(admin):
    with job_record("imports.export", requested_by=admin):
        job_progress(processed=10)
    with pytest.raises(ValueError), job_record("imports.export"):
        raise ValueError("disk full")

    done, broken = JobRun.objects.filter(task_name="imports.export").order_by("id")
    assert (done.status, done.processed, done.trigger, done.requested_by) == ("succeeded", 10, "bulk", admin)
    assert broken.status == "failed" and broken.error == "ValueError: disk full"


def test_a_broken_outer_transaction_does_not_break_the_job_it_records(eager_celery):
    from django.db import IntegrityError, transaction

    from ispbill.core.models import NumberSequence

    NumberSequence.objects.create(key="dup")
    with transaction.atomic():
        try:
            NumberSequence.objects.create(key="dup")
        except IntegrityError:
            pass  # the transaction is now broken: Django refuses further queries in it
        result = counts_by_return.delay(1)  # runs inside it (eager); recording is skipped, not raised
        assert result.get()["processed"] == 1
        transaction.set_rollback(True)


# Intervals and lateness ---------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule, interval", [
    (60.0, timedelta(minutes=1)),
    (crontab(minute="*"), timedelta(minutes=1)),
    (crontab(minute="*/15"), timedelta(minutes=15)),
    (crontab(hour=2, minute=30), timedelta(days=1)),
    (crontab(hour=4, minute=15, day_of_week=1), timedelta(days=7)),
    (crontab(hour="1,13", minute=0), timedelta(hours=12)),
    (crontab(hour=9, minute=0, day_of_week="1-5"), timedelta(days=3)),  # Friday 09:00 to Monday 09:00
    (crontab(hour=0, minute=0, day_of_month=1), timedelta(days=31)),
])
def test_each_schedule_has_its_longest_gap_as_its_interval(schedule, interval):
    assert schedule_interval(schedule) == interval


@pytest.mark.parametrize("interval, late_after", [
    (timedelta(days=1), timedelta(hours=26)),       # nightly: 26 hours
    (timedelta(days=7), timedelta(days=7, hours=2)),
    (timedelta(hours=1), timedelta(hours=2)),       # twice the interval
    (timedelta(minutes=15), timedelta(minutes=30)),
    (timedelta(minutes=1), timedelta(minutes=11)),  # at least ten minutes of slack
])
def test_a_job_is_late_after_twice_its_interval_with_bounded_slack(interval, late_after):
    assert PeriodicJob(name="x", task="x", interval=interval).late_after == late_after
