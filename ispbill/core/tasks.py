from celery import shared_task
from django.core import management

from .jobs import job_progress, job_runs_purge


@shared_task
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(ignore_result=True)
def purge_job_log() -> int:
    """The job log's old rows (JOBS_LOG_RETENTION_DAYS; frequent jobs' successes sooner)."""
    deleted = job_runs_purge()
    job_progress(processed=deleted)
    return deleted
