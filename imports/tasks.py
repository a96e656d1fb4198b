"""Celery entry points of the import: thin wrappers over imports.services."""

from celery import shared_task
from django.db import DatabaseError, OperationalError

from . import services

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def import_batch_commit(self, batch_id: int) -> int:
    """Commit a checked batch. Rows already done are skipped, so a retry or a second delivery resumes;
    a lost connection is retried with backoff, anything else marks the batch failed (the rows done
    so far stay, each whole)."""
    try:
        return services.batch_process(batch_id=batch_id).processed_rows
    except OperationalError as exc:
        if self.request.retries >= self.max_retries:
            services.batch_fail(batch_id=batch_id, message=str(exc))
            raise
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except (DatabaseError, Exception) as exc:
        services.batch_fail(batch_id=batch_id, message=f"{type(exc).__name__}: {exc}")
        raise
