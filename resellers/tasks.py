"""Celery entry points of the resellers app: thin, they call services."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def settle_pending_renewals() -> int:
    """Finish renewals whose wallet debit committed but whose invoice and payment did not (a crash or an
    error after the debit): each exactly once (ispbill/celery.py runs this every minute)."""
    return services.renewals_settle_pending()


@shared_task(ignore_result=True)
def settle_reseller_renewals(reseller_id: int) -> int:
    """Settle the renewals a burst left waiting for this reseller's settling gate (queued by the
    requests that found it taken)."""
    return services.reseller_renewals_settle(reseller_id=reseller_id)
