"""Celery wrappers of resellers (scheduled in config/celery.py)."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from .commissions import commissions_catch_up


@shared_task(ignore_result=True)
def catch_up_commissions() -> int:
    """Commission on advance credit that tonight's invoices used (after the billing run)."""
    brought_up = commissions_catch_up()
    job_progress(processed=brought_up)
    return brought_up
