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
