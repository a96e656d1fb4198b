"""The job log: every Celery task run is recorded by the one task base class the app uses
(`RecordedTask`, set as `task_cls` in config/celery.py), so every `@shared_task`, existing or future,
leaves a `JobRun` row without a line of its own: start, end, duration, counts, error and traceback,
host and worker, what triggered it and with which arguments.

A job reports its counts in one of two ways, both optional:

* it returns a dict with any of `processed`, `failed`, `skipped` (other keys are kept as its result);
* it (or a service it calls, at any depth) calls `job_progress(processed=…, failed=…, skipped=…)`,
  which adds to the counts of the job running in this context and does nothing outside a job.

Work that is not a Celery task but is a bulk job (an export served to a browser) is recorded with
`job_record(...)`, a context manager giving the same row.

The trigger comes from message headers: the beat schedule's entries carry `schedule` and their entry
name (config/celery.py adds them to every entry), "run again" sends `manual`; a task declared with
`job_trigger="bulk"` is a bulk job; anything else was queued by the system (a fan-out, a request).

Recording never breaks a job: each write is its own savepoint, and a write that fails (the database
down, a broken outer transaction) is logged and skipped. A task called as a plain function (not
through Celery's tracer: `task()` or `task.run()`) is a function call, not a job, and is not recorded.

This module is imported by config/celery.py before Django's apps are ready: models are imported
inside the functions.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import os
import socket
import time
import traceback as traceback_module
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from celery.exceptions import Ignore, Retry
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TRIGGER_HEADER = "ispbill_trigger"
JOB_HEADER = "ispbill_job"
REQUESTED_BY_HEADER = "ispbill_requested_by"

ARGS_LIMIT = 4000          # characters of JSON kept of a run's arguments
RESULT_LIMIT = 2000        # characters of JSON kept of what it returned
ERROR_LIMIT = 2000
TRACEBACK_LIMIT = 20000
COUNT_KEYS = ("processed", "failed", "skipped")


@dataclass
class _Counts:
    values: dict[str, int] = field(default_factory=dict)

    def add(self, **counts: int | None) -> None:
        for key, value in counts.items():
            if value is not None:
                self.values[key] = self.values.get(key, 0) + int(value)


_current: contextvars.ContextVar[_Counts | None] = contextvars.ContextVar("ispbill_job_counts", default=None)


def job_progress(*, processed: int | None = None, failed: int | None = None, skipped: int | None = None) -> None:
    """Add to the counts of the job running in this context (a task, or a `job_record` block); a
    count never reported stays empty (unknown), one reported as 0 is 0. Outside a job it does nothing,
    so services may call it whoever calls them."""
    counts = _current.get()
    if counts is not None:
        counts.add(processed=processed, failed=failed, skipped=skipped)


def _json_safe(value: Any, limit: int) -> tuple[Any, bool]:
    """(value as JSON, complete?): values JSON cannot hold become text; more than `limit` characters
    of JSON are kept as a cut text."""
    try:
        text = json.dumps(value, default=str, sort_keys=True)
    except (TypeError, ValueError):
        text = json.dumps(repr(value))
    if len(text) <= limit:
        return json.loads(text), True
    return text[:limit] + "…", False


def _host() -> str:
    return socket.gethostname()[:200]


def _savepoint_write(write) -> Any:
    """Run one recording write in a savepoint; a failure is logged and the job goes on."""
    if connection.in_atomic_block and connection.needs_rollback:
        return None  # the job's own transaction is broken: nothing can be written in it
    try:
        with transaction.atomic():
            return write()
    except Exception:  # noqa: BLE001 - the log must never break the job it records
        logger.warning("job log: could not write a run record", exc_info=True)
        return None


def _start(*, task_name: str, job: str, task_id: str, attempt: int, trigger: str, worker: str,
           args: Any, kwargs: Any, requested_by_id: int | None) -> int | None:
    from .models import JobRun

    safe_args, args_complete = _json_safe(list(args or ()), ARGS_LIMIT)
    safe_kwargs, kwargs_complete = _json_safe(dict(kwargs or {}), ARGS_LIMIT)
    complete = args_complete and kwargs_complete

    def write():
        now = timezone.now()
        if task_id:
            # The same message running again while its earlier run is still "running": that worker
            # died (acks_late gave the message back). Retries end their run first, so never match.
            JobRun.objects.filter(task_id=task_id, status=JobRun.Status.RUNNING).update(
                status=JobRun.Status.LOST, finished_at=now,
                error="The worker running it stopped before it finished; the job was delivered again.",
            )
        user_id = requested_by_id
        if user_id is not None:
            from django.contrib.auth import get_user_model

            if not get_user_model().objects.filter(pk=user_id).exists():
                user_id = None
        run = JobRun.objects.create(
            task_name=task_name[:200], job=job[:100], task_id=task_id[:64], attempt=min(attempt, 32767),
            trigger=trigger, status=JobRun.Status.RUNNING, started_at=now, host=_host(), worker=worker[:200],
            args=safe_args if args_complete else [safe_args], kwargs=safe_kwargs if kwargs_complete else {},
            args_complete=complete, requested_by_id=user_id,
        )
        return run.pk

    return _savepoint_write(write)


def _finish(pk: int | None, *, started: float, status: str, counts: _Counts, result: Any = None,
            error: str = "", tb: str = "") -> None:
    if pk is None:
        return
    from .models import JobRun

    values = {key: counts.values.get(key) for key in COUNT_KEYS}
    safe_result = _json_safe(result, RESULT_LIMIT)[0] if result is not None else None

    def write():
        JobRun.objects.filter(pk=pk).update(
            status=status, finished_at=timezone.now(), duration_ms=max(0, int((time.monotonic() - started) * 1000)),
            result=safe_result, error=error[:ERROR_LIMIT], traceback=tb[-TRACEBACK_LIMIT:], **values,
        )

    _savepoint_write(write)


def _counts_from(result: Any, counts: _Counts) -> None:
    if isinstance(result, dict):
        counts.add(**{key: result[key] for key in COUNT_KEYS if isinstance(result.get(key), int) and not isinstance(result.get(key), bool)})


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _header(request, name: str) -> Any:
    headers = getattr(request, "headers", None) or {}
    return headers.get(name, getattr(request, name, None))


def _trigger(task: Task, request) -> str:
    from .models import JobRun

    sent_as = _header(request, TRIGGER_HEADER)
    if sent_as in (JobRun.Trigger.SCHEDULE, JobRun.Trigger.MANUAL):
        return sent_as
    if getattr(task, "job_trigger", None) == JobRun.Trigger.BULK:
        return JobRun.Trigger.BULK
    return JobRun.Trigger.QUEUED


class RecordedTask(Task):
    """The base class of every task of the app: each run traced by Celery (a worker, or eager mode)
    is one `JobRun`. `job_trigger = "bulk"` (a `@shared_task` option) marks a bulk job."""

    job_trigger: str | None = None

    def __call__(self, *args, **kwargs):
        request = self.request_stack.top
        if request is None or request.called_directly:
            return super().__call__(*args, **kwargs)  # a plain function call, not a job
        from .models import JobRun

        requested_by = _header(request, REQUESTED_BY_HEADER)
        worker = request.hostname or ""
        if getattr(request, "is_eager", False):
            worker = f"eager (pid {os.getpid()})"
        pk = _start(
            task_name=self.name, job=str(_header(request, JOB_HEADER) or ""), task_id=str(request.id or ""),
            attempt=int(request.retries or 0), trigger=_trigger(self, request), worker=worker,
            args=args, kwargs=kwargs, requested_by_id=requested_by if isinstance(requested_by, int) else None,
        )
        counts = _Counts()
        token = _current.set(counts)
        started = time.monotonic()
        try:
            # What Celery's own __call__ does in a worker once the request is pushed (the tracer pushed it).
            result = self.run(*args, **kwargs)
        except Retry as exc:
            reason = exc.exc if isinstance(exc.exc, BaseException) else exc
            _finish(pk, started=started, status=JobRun.Status.RETRYING, counts=counts, error=_error_text(reason),
                    tb=traceback_module.format_exc())
            raise
        except Ignore:
            _finish(pk, started=started, status=JobRun.Status.SUCCEEDED, counts=counts, result="ignored")
            raise
        except BaseException as exc:
            _finish(pk, started=started, status=JobRun.Status.FAILED, counts=counts, error=_error_text(exc),
                    tb=traceback_module.format_exc())
            raise
        finally:
            _current.reset(token)
        _counts_from(result, counts)
        _finish(pk, started=started, status=JobRun.Status.SUCCEEDED, counts=counts, result=result)
        return result


@contextmanager
def job_record(task_name: str, *, trigger: str = "bulk", args: Any = None, kwargs: Any = None, requested_by=None):
    """Record work that is not a Celery task (a bulk export answered to a browser) as one `JobRun`;
    `job_progress` inside the block adds to its counts. The block's exception is recorded and re-raised."""
    from .models import JobRun

    pk = _start(
        task_name=task_name, job="", task_id="", attempt=0, trigger=trigger, worker=f"web (pid {os.getpid()})",
        args=args or (), kwargs=kwargs or {}, requested_by_id=getattr(requested_by, "pk", None),
    )
    counts = _Counts()
    token = _current.set(counts)
    started = time.monotonic()
    try:
        yield counts
    except BaseException as exc:
        _finish(pk, started=started, status=JobRun.Status.FAILED, counts=counts, error=_error_text(exc),
                tb=traceback_module.format_exc())
        raise
    finally:
        _current.reset(token)
    _finish(pk, started=started, status=JobRun.Status.SUCCEEDED, counts=counts)


# The schedule: what each periodic job's interval is, and when it is late ----------------------------------

LATE_SLACK_MIN = timedelta(minutes=10)
LATE_SLACK_MAX = timedelta(hours=2)


@dataclass(frozen=True)
class PeriodicJob:
    name: str            # the beat schedule's entry name
    task: str
    interval: timedelta  # the longest gap between two runs the schedule makes
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    @property
    def late_after(self) -> timedelta:
        """No successful run for this long and the job is late: twice its interval, with at least ten
        minutes and at most two hours of slack past one interval (nightly: 26 hours)."""
        return self.interval + min(max(self.interval, LATE_SLACK_MIN), LATE_SLACK_MAX)


def schedule_interval(schedule) -> timedelta:
    """The longest gap between two consecutive runs of a beat schedule: seconds for an interval, the
    widest gap of a crontab over a week (a day-of-month or month restriction counts as a month or a year)."""
    from celery.schedules import crontab
    from celery.schedules import schedule as interval_schedule

    if isinstance(schedule, (int, float)):
        return timedelta(seconds=schedule)
    if isinstance(schedule, timedelta):
        return schedule
    if isinstance(schedule, crontab):
        if schedule.month_of_year != set(range(1, 13)):
            return timedelta(days=366)
        if schedule.day_of_month != set(range(1, 32)):
            return timedelta(days=31)
        minutes = sorted(
            day * 1440 + hour * 60 + minute
            for day in schedule.day_of_week for hour in schedule.hour for minute in schedule.minute
        )
        week = 7 * 1440
        gaps = [later - earlier for earlier, later in zip(minutes, minutes[1:])] + [minutes[0] + week - minutes[-1]]
        return timedelta(minutes=max(gaps))
    if isinstance(schedule, interval_schedule):
        return schedule.run_every
    raise ValueError(f"unknown schedule type {type(schedule).__name__}")


def periodic_jobs() -> list[PeriodicJob]:
    """Every entry of the beat schedule (config/celery.py), in its order."""
    from celery import current_app

    return [
        PeriodicJob(name=name, task=entry["task"], interval=schedule_interval(entry["schedule"]),
                    args=tuple(entry.get("args") or ()), kwargs=dict(entry.get("kwargs") or {}))
        for name, entry in current_app.conf.beat_schedule.items()
    ]


def periodic_job(name: str) -> PeriodicJob | None:
    return next((job for job in periodic_jobs() if job.name == name), None)


@functools.cache
def registered_tasks():
    """Celery's task registry with every app's tasks in it, as a worker has it once started.

    The first call in a process imports the task modules (Celery's autodiscovery) and the registry is
    the app's one mapping from then on. Asking Celery again would run Django's system checks again
    (its Django fixup does on every autodiscovery: 30 ms of CPU here)."""
    from celery import current_app

    current_app.loader.import_default_modules()
    return current_app.tasks


@dataclass(frozen=True)
class JobHealth:
    job: PeriodicJob
    last_run: Any            # JobRun | None
    last_success_at: datetime | None
    watched_since: datetime | None
    late: bool
    late_since: datetime | None

    @property
    def failing(self) -> bool:
        return self.last_run is not None and self.last_run.is_failure


def jobs_health(*, now: datetime | None = None) -> list[JobHealth]:
    """Each periodic job with its last run, its last success, and whether it is late: no successful
    run for `late_after`, counted from its last success or, for a job that never succeeded, from when
    the late check first saw it (a new install is not late on its first night)."""
    from .models import JobRun, JobWatch

    now = now or timezone.now()
    jobs = periodic_jobs()
    # Two indexed lookups per job (a few dozen jobs), whatever the size of the log.
    successes, last_runs = {}, {}
    for task in {job.task for job in jobs}:
        runs = JobRun.objects.filter(task_name=task).order_by("-started_at", "-id")
        last_runs[task] = runs.first()
        success = runs.filter(status=JobRun.Status.SUCCEEDED).only("finished_at").first()
        successes[task] = success.finished_at if success else None
    watches = {watch.job: watch for watch in JobWatch.objects.filter(job__in=[job.name for job in jobs])}
    health = []
    for job in jobs:
        watch = watches.get(job.name)
        success = successes.get(job.task)
        since = success or (watch.first_seen_at if watch else None)
        late = since is not None and now - since > job.late_after
        health.append(JobHealth(
            job=job, last_run=last_runs.get(job.task), last_success_at=success,
            watched_since=watch.first_seen_at if watch else None, late=late,
            late_since=(since + job.late_after) if late else None,
        ))
    return health


def jobs_late(*, now: datetime | None = None) -> list[JobHealth]:
    return [health for health in jobs_health(now=now) if health.late]


JOBS_LOST_AFTER = timedelta(hours=6)


def job_runs_mark_lost(*, now: datetime | None = None, after: timedelta | None = None) -> int:
    """Runs "running" for longer than any job takes were ended by a dead worker whose message never
    came back (no acks_late): recorded as lost, so the page does not show them running forever."""
    from django.conf import settings

    from .models import JobRun

    now = now or timezone.now()
    after = after or timedelta(hours=getattr(settings, "JOBS_LOST_AFTER_HOURS", 6))
    return JobRun.objects.filter(status=JobRun.Status.RUNNING, started_at__lt=now - after).update(
        status=JobRun.Status.LOST, finished_at=now,
        error=f"No end was recorded within {after}: the worker running it stopped.",
    )


def job_runs_purge(*, now: datetime | None = None) -> int:
    """Runs older than JOBS_LOG_RETENTION_DAYS; successful runs of jobs that run more often than hourly
    (every minute: 1,440 rows a day each) after JOBS_LOG_FREQUENT_RETENTION_DAYS."""
    from django.conf import settings

    from .models import JobRun

    now = now or timezone.now()
    deleted, _ = JobRun.objects.filter(started_at__lt=now - timedelta(days=settings.JOBS_LOG_RETENTION_DAYS)).delete()
    frequent = [job.task for job in periodic_jobs() if job.interval < timedelta(hours=1)]
    cut = now - timedelta(days=settings.JOBS_LOG_FREQUENT_RETENTION_DAYS)
    more, _ = JobRun.objects.filter(status=JobRun.Status.SUCCEEDED, started_at__lt=cut).filter(
        task_name__in=frequent
    ).delete()
    # Fan-out runs (one per router, per message batch) were queued by the system, not by the schedule.
    fanout, _ = JobRun.objects.filter(
        status=JobRun.Status.SUCCEEDED, started_at__lt=cut, trigger=JobRun.Trigger.QUEUED
    ).delete()
    return deleted + more + fanout
