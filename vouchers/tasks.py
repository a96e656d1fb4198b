"""Celery wrappers of prepaid cards (scheduled in ispbill/celery.py)."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from .services import cards_expire_due


@shared_task(ignore_result=True)
def expire_cards() -> int:
    """Nightly: unused cards past their batch's last day and cards whose time ran out become expired."""
    expired = cards_expire_due()
    job_progress(processed=expired)
    return expired
