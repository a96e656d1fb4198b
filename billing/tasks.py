"""Celery entry points of the billing run: thin wrappers over billing.run, which holds the logic."""

from celery import shared_task

from . import package_changes
from . import run as billing_run

CHUNK_MAX_RETRIES = 3


@shared_task(bind=True, max_retries=CHUNK_MAX_RETRIES, acks_late=True)
def billing_run_chunk(self, run_id: int, first_id: int, last_id: int) -> str:
    """One chunk of a run. A deadlock or a lost connection is retried with backoff; any other error,
    or the last retry, records the chunk as failed (its transaction has rolled back)."""
    final = self.request.retries >= self.max_retries
    try:
        return billing_run.billing_run_chunk_process(run_id=run_id, first_id=first_id, last_id=last_id, final_attempt=final)
    except billing_run.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


@shared_task(bind=True, max_retries=CHUNK_MAX_RETRIES, acks_late=True)
def billing_run_chunk_notify(self, run_id: int, first_id: int, last_id: int) -> int:
    """The customer messages of a committed chunk (invoice issued, overdue); safe to run twice."""
    try:
        return billing_run.billing_run_chunk_notify(run_id=run_id, first_id=first_id, last_id=last_id)
    except billing_run.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


@shared_task
def billing_run_daily() -> int | None:
    """The nightly run (scheduled in ispbill/celery.py)."""
    run = billing_run.billing_run_scheduled()
    return run.pk if run else None


@shared_task
def package_changes_apply_due() -> int:
    """Scheduled package changes (deferred downgrades) whose day has come: switched at dawn (ispbill/celery.py)."""
    return package_changes.package_changes_apply_due()
