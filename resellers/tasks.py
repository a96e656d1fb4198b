"""Celery wrappers of resellers (scheduled in ispbill/celery.py)."""

from celery import shared_task

from .commissions import commissions_catch_up


@shared_task(ignore_result=True)
def catch_up_commissions() -> int:
    """Commission on advance credit that tonight's invoices used (after the billing run)."""
    return commissions_catch_up()
