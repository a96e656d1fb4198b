"""Celery tasks of the use cases: thin wrappers, scheduled in ispbill/celery.py."""

from celery import shared_task


@shared_task
def package_changes_apply_due() -> int:
    """Scheduled package changes (deferred downgrades) whose day has come: switched at dawn."""
    from .package_changes_apply_due import package_changes_apply_due as apply_due

    return apply_due()


@shared_task
def billing_run_daily() -> int | None:
    """The nightly run; the package changes due are applied first (their dawn job may have missed one)."""
    from billing.run import billing_run_scheduled

    from .package_changes_apply_due import package_changes_apply_due as apply_due

    apply_due()
    run = billing_run_scheduled()
    return run.pk if run else None


@shared_task
def reconcile_online_payments() -> dict:
    """Online payments pending too long are looked up at the gateway, paid ones left uncredited are
    credited, refunds are polled until final."""
    from .online_payment import online_payments_reconcile

    return online_payments_reconcile()


class CreditFailed(Exception):
    pass


@shared_task(autoretry_for=(CreditFailed,), retry_backoff=True, max_retries=5)
def credit_paid_online_payments() -> dict:
    """Record the money of the online payments IPNs confirmed (receipt, allocation, reactivation, commission)."""
    from .online_payment import online_payments_credit_owed

    counts = online_payments_credit_owed()
    if counts["failed"]:
        raise CreditFailed(f"{counts['failed']} online payment(s) could not be credited")
    return counts


@shared_task(ignore_result=True)
def settle_pending_renewals() -> int:
    """Finish renewals whose wallet debit committed but whose invoice and payment did not (a crash or an
    error after the debit): each exactly once (ispbill/celery.py runs this every minute)."""
    from .reseller_renewal import renewals_settle_pending

    return renewals_settle_pending()


@shared_task(ignore_result=True)
def settle_reseller_renewals(reseller_id: int) -> int:
    """Settle the renewals a burst left waiting for this reseller's settling gate (queued by the
    requests that found it taken)."""
    from .reseller_renewal import reseller_renewals_settle

    return reseller_renewals_settle(reseller_id=reseller_id)
