"""Celery entry points of the dashboard app (scheduled in config/celery.py)."""

from celery import shared_task
from django.utils import timezone

from ispbill.core.jobs import job_progress

from .services import metrics_snapshot_nightly, metrics_snapshot_today


@shared_task
def snapshot_metrics_nightly() -> int:
    """Yesterday's metric rows (complete now that the day is over) and today's so far."""
    today = timezone.localdate()
    rows = metrics_snapshot_nightly(today=today)
    job_progress(processed=rows)
    return rows


@shared_task
def snapshot_metrics_today() -> int:
    """Today's metric rows so far, rewritten every few minutes (the day's invoices and payments on the
    dashboard the same hour); yesterday's stay as the nightly job finalised them."""
    rows = metrics_snapshot_today(today=timezone.localdate())
    job_progress(processed=rows)
    return rows


@shared_task(ignore_result=True)
def check_late_jobs() -> dict:
    """Periodic jobs with no successful run for twice their interval: flagged, staff told once (dashboard/jobs.py)."""
    from .jobs import jobs_check_late

    return jobs_check_late()
