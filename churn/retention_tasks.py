"""The retention workflow's Celery task (declared in ispbill/celery.py's beat schedule)."""

from celery import shared_task

from .offers import retention_offers_daily


@shared_task(name="churn.retention_tasks.retention_offers_daily")
def retention_offers_daily_task() -> dict:
    """Credit what the billing run invoiced under active offers, switch free upgrades back, end offers."""
    return retention_offers_daily()
