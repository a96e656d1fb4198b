"""Celery wrappers of the payments services; the schedule is in ispbill/celery.py."""

from celery import shared_task

from . import online


@shared_task
def reconcile_online_payments() -> dict:
    """Online payments pending too long are looked up at the gateway; refunds are polled until final."""
    return online.online_payments_reconcile()
