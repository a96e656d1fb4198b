"""Celery wrappers of prepaid cards (the nightly one scheduled in config/celery.py)."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from .services import batch_fill, batch_generation_fail, cards_expire_due

GENERATE_RETRIES = 3


@shared_task(ignore_result=True)
def expire_cards() -> int:
    """Nightly: unused cards past their batch's last day and cards whose time ran out become expired."""
    expired = cards_expire_due()
    job_progress(processed=expired)
    return expired


@shared_task(bind=True, max_retries=GENERATE_RETRIES, acks_late=True, job_trigger="bulk")
def generate_batch(self, batch_id: int) -> int:
    """Make the cards of a batch queued from the staff form (`services.batch_fill`; its progress shows
    on the batch's page, each run in the job log). A retry or a second delivery starts the batch over
    (`batch_fill` is idempotent); a lost database connection or a code that happened to exist already
    is retried with backoff, anything else, or the last retry, marks the batch failed with the error."""
    from django.db import IntegrityError, OperationalError

    try:
        return batch_fill(batch_id=batch_id).cards_made
    except (OperationalError, IntegrityError) as exc:
        if self.request.retries >= self.max_retries:
            batch_generation_fail(batch_id=batch_id, message=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:
        batch_generation_fail(batch_id=batch_id, message=f"{type(exc).__name__}: {exc}")
        raise
