"""The retention workflow's Celery task (declared in config/celery.py's beat schedule)."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from .offers import retention_offers_daily


@shared_task(name="churn.retention_tasks.retention_offers_daily")
def retention_offers_daily_task() -> dict:
    """Credit what the billing run invoiced under active offers, switch free upgrades back, end offers."""
    counts = retention_offers_daily()
    # "failed" is read from the dict by the job log; the rest is what was done.
    job_progress(processed=counts.get("credited", 0) + counts.get("switched_back", 0) + counts.get("ended", 0))
    return counts
