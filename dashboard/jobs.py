"""The jobs page's reads, the late-job check that tells staff once, and "run again".

The job log itself (JobRun, the task base class, the schedule's intervals) is the kernel's
(ispbill/core/jobs.py); this module adds what needs the layers above it: the staff to tell (accounts'
users and roles), the message (ispbill/notify), the audit of "run again".
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record
from ispbill.core.jobs import (
    JOB_HEADER,
    REQUESTED_BY_HEADER,
    TRIGGER_HEADER,
    JobHealth,
    job_progress,
    job_runs_mark_lost,
    jobs_health,
    periodic_job,
    periodic_jobs,
    registered_tasks,
)
from ispbill.core.models import JobRun, JobWatch
from ispbill.notify.events import Channel
from ispbill.notify.services import notify_address

from .notifications import JOB_LATE

VIEW_PERMISSION = "core.view_jobrun"
RERUN_PERMISSION = "core.rerun_jobrun"


# Reads -----------------------------------------------------------------------------------------------------

def job_choices() -> list[tuple[str, str]]:
    """Every task the log may hold: the schedule's jobs by their entry name, then the other tasks."""
    scheduled = {job.task: job.name for job in periodic_jobs()}
    others = sorted(name for name in registered_tasks() if not name.startswith("celery.") and name not in scheduled)
    return [(task, name) for task, name in scheduled.items()] + [(task, task) for task in others] + [
        ("imports.export", "imports.export")
    ]


def job_runs(*, task_name: str = "", status: str = "", trigger: str = "", date_from: date | None = None,
             date_to: date | None = None) -> QuerySet:
    """The log, newest first; dates are local days of the start, both ends included."""
    runs = JobRun.objects.select_related("requested_by")
    if task_name:
        runs = runs.filter(task_name=task_name)
    if status == "problem":
        runs = runs.filter(status__in=[JobRun.Status.FAILED, JobRun.Status.RETRYING, JobRun.Status.LOST])
    elif status:
        runs = runs.filter(status=status)
    if trigger:
        runs = runs.filter(trigger=trigger)
    zone = timezone.get_current_timezone()
    if date_from:
        runs = runs.filter(started_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to:
        runs = runs.filter(started_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone))
    return runs.order_by("-started_at", "-id")


def failures_since(*, since: datetime) -> int:
    return JobRun.objects.filter(
        started_at__gte=since, status__in=[JobRun.Status.FAILED, JobRun.Status.LOST]
    ).count()


def job_run_get(*, pk: int) -> JobRun:
    return JobRun.objects.select_related("requested_by").get(pk=pk)


def can_run_again(run: JobRun) -> bool:
    """A failed or lost bulk run can be repeated with its own arguments (an import batch resumes where it
    stopped); periodic jobs are run again by name. Fan-out runs are repeated by their periodic job."""
    return (
        run.trigger == JobRun.Trigger.BULK and run.is_failure and run.args_complete
        and run.task_name in registered_tasks()
    )


# The late check ------------------------------------------------------------------------------------------------

def job_watchers() -> QuerySet:
    """Active staff who may see the jobs page (administrators, managers): they hear about late jobs."""
    User = get_user_model()
    app_label, codename = VIEW_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return User.objects.filter(is_active=True, kind=User.Kind.STAFF).filter(holders).distinct().order_by("pk")


def _jobs_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("staff:job-list") + "?status=problem"


def _tell(health: JobHealth, watch: JobWatch) -> int:
    last_error = health.last_run.error if health.last_run is not None and health.last_run.is_failure else ""
    context = {
        "job_name": health.job.name,
        "last_success": timezone.localtime(health.last_success_at) if health.last_success_at else "",
        "late_hours": round(health.job.late_after.total_seconds() / 3600, 1),
        "last_error": last_error[:160],
        "jobs_url": _jobs_url(),
    }
    queued = 0
    for user in job_watchers():
        for channel, address in ((Channel.EMAIL, user.email), (Channel.SMS, user.phone)):
            if address and notify_address(
                event=JOB_LATE, channel=channel, to=address, context=context, related=watch,
                occurrence=watch.late_since.isoformat(),
            ):
                queued += 1
    return queued


def jobs_check_late(*, now: datetime | None = None) -> dict[str, int]:
    """Every periodic job of the beat schedule, checked: runs whose worker died are marked lost, a job
    seen for the first time starts being watched, a job with no successful run for its `late_after` is
    flagged and the administrators and managers told once; a late job that succeeds again is cleared, so
    its next lateness is told again. Safe to run twice (the watch row is locked; messages have keys)."""
    now = now or timezone.now()
    lost = job_runs_mark_lost(now=now)
    for job in periodic_jobs():
        JobWatch.objects.get_or_create(job=job.name, defaults={"first_seen_at": now})
    result = {"checked": 0, "late": 0, "notified": 0, "lost": lost}
    for health in jobs_health(now=now):
        result["checked"] += 1
        with transaction.atomic():
            watch = JobWatch.objects.select_for_update().get(job=health.job.name)
            if not health.late:
                if watch.late_since is not None:
                    watch.late_since = watch.notified_at = None
                    watch.save(update_fields=["late_since", "notified_at"])
                continue
            result["late"] += 1
            if watch.late_since is None:
                watch.late_since = health.late_since
            if watch.notified_at is None:
                result["notified"] += _tell(health, watch)
                watch.notified_at = now
            watch.save(update_fields=["late_since", "notified_at"])
    job_progress(processed=result["checked"], failed=result["late"])
    return result


# Run again -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Requeued:
    task: str
    label: str


@transaction.atomic
def job_run_again(*, actor, job: str = "", run: JobRun | None = None) -> Requeued:
    """Queue a periodic job (by its schedule name) or a failed bulk run (with its arguments) again,
    audited; it is sent after the commit, marked as run by `actor`. Every job is safe to run twice:
    each resumes where it stopped (docs/operations.md)."""
    if bool(job) == (run is not None):
        raise ValidationError(_("Choose one job to run again."))
    if run is not None:
        if not can_run_again(run):
            raise ValidationError(_("Only a failed bulk job can be run again from its record; run a periodic job by its name."))
        task, args, kwargs, label, obj = run.task_name, list(run.args), dict(run.kwargs), run.label, run
    else:
        periodic = periodic_job(job)
        if periodic is None:
            raise ValidationError(_("There is no periodic job called “%(job)s”.") % {"job": job[:100]})
        if periodic.task not in registered_tasks():
            raise ValidationError(_("The job “%(job)s” names a task this installation does not have.") % {"job": job})
        task, args, kwargs, label = periodic.task, list(periodic.args), dict(periodic.kwargs), periodic.name
        obj, _created = JobWatch.objects.get_or_create(job=periodic.name, defaults={"first_seen_at": timezone.now()})
    audit_record(actor=actor, action="job.run_again", obj=obj, after={"task": task, "job": label, "args": args, "kwargs": kwargs})
    headers = {TRIGGER_HEADER: JobRun.Trigger.MANUAL, JOB_HEADER: label if run is None else run.job, REQUESTED_BY_HEADER: actor.pk}
    transaction.on_commit(lambda: registered_tasks()[task].apply_async(args, kwargs, headers=headers))
    return Requeued(task=task, label=label)
