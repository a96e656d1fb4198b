"""Celery wrappers of the customers services; the schedule is in ispbill/celery.py."""

from celery import shared_task

from . import referrals


@shared_task
def expire_referrals() -> int:
    """Close referrals whose friend did not pay before the referral expired."""
    return referrals.referrals_expire()
