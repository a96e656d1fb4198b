"""Celery wrappers of the payments services; the schedule is in ispbill/celery.py."""

from celery import shared_task

from . import online


@shared_task
def reconcile_online_payments() -> dict:
    """Online payments pending too long are looked up at the gateway; refunds are polled until final."""
    return online.online_payments_reconcile()


class CreditFailed(Exception):
    pass


@shared_task(autoretry_for=(CreditFailed,), retry_backoff=True, max_retries=5)
def credit_paid_online_payments() -> dict:
    """Record the money of the online payments IPNs confirmed (receipt, allocation, reactivation)."""
    counts = online.online_payments_credit_owed()
    if counts["failed"]:
        raise CreditFailed(f"{counts['failed']} online payment(s) could not be credited")
    return counts
