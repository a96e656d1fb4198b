"""Celery wrappers of the customers services; the schedule is in config/celery.py."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from . import referrals


@shared_task
def expire_referrals() -> int:
    """Close referrals whose friend did not pay before the referral expired."""
    expired = referrals.referrals_expire()
    job_progress(processed=expired)
    return expired


@shared_task
def customer_tally_recount() -> None:
    """Fold the day's +1/-1 rows of the customer tally into one row per branch and status."""
    from .sql import customer_tally_recount as recount

    recount()


@shared_task
def sign_in_code_send(identifier: str) -> bool:
    """Queued by every sign-in code request, known account or not, so both answer alike and as fast."""
    from .portal_access import sign_in_code_deliver

    return sign_in_code_deliver(identifier=identifier)
