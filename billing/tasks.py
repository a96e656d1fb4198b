"""Celery entry points of billing: the run (thin wrappers over billing.run, which holds the logic), the
deferred package changes, and the due-date reminders."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ispbill.core.jobs import job_progress
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices

from . import run as billing_run
from .ledger.journal import journal_backpost as journal_backpost_run
from .selectors import invoices_due_on

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


@shared_task
def billing_runs_resume_stalled() -> int:
    """Sent by every worker as it starts (config/celery.py): runs left running by a worker that died
    have their unfinished chunks queued again; a chunk done or in progress is skipped."""
    queued = billing_run.billing_runs_resume_stalled()
    job_progress(processed=queued)
    return queued


@shared_task(bind=True, max_retries=CHUNK_MAX_RETRIES, acks_late=True)
def billing_run_chunk_notify(self, run_id: int, first_id: int, last_id: int) -> int:
    """The customer messages of a committed chunk (invoice issued, overdue); safe to run twice."""
    try:
        return billing_run.billing_run_chunk_notify(run_id=run_id, first_id=first_id, last_id=last_id)
    except billing_run.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


@shared_task(ignore_result=True)
def send_due_reminders(days_before: int | None = None) -> int:
    """Remind customers whose unpaid invoices fall due in NOTIFY_DUE_REMINDER_DAYS days (once per invoice)."""
    days = settings.NOTIFY_DUE_REMINDER_DAYS if days_before is None else days_before
    due_date = timezone.localdate() + timedelta(days=days)
    queued = notify_invoices(event=Event.DUE_REMINDER, invoices=invoices_due_on(due_date=due_date))
    job_progress(processed=queued)
    return queued


@shared_task(acks_late=True)
def journal_backpost() -> int:
    """The journal's back-posting (manage.py journal_backpost) from the jobs page or after an upgrade."""
    posted = journal_backpost_run()
    job_progress(processed=posted)
    return posted
