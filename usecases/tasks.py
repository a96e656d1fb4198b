"""Celery tasks of the use cases: thin wrappers, scheduled in config/celery.py."""

from celery import shared_task

from ispbill.core.jobs import job_progress


@shared_task
def package_changes_apply_due() -> int:
    """Scheduled package changes (deferred downgrades) whose day has come: switched at dawn."""
    from .package_changes_apply_due import package_changes_apply_due as apply_due

    applied = apply_due()
    job_progress(processed=applied)
    return applied


@shared_task
def billing_run_daily() -> int | None:
    """The nightly run; the package changes due are applied first (their dawn job may have missed one)."""
    from billing.run import billing_run_scheduled

    from .package_changes_apply_due import package_changes_apply_due as apply_due

    apply_due()
    run = billing_run_scheduled()
    # The run's chunks are queued to the workers: each chunk's run counts its invoices (billing/run.py).
    job_progress(processed=run.chunks_total if run else 0)
    return run.pk if run else None


@shared_task
def reconcile_online_payments() -> dict:
    """Online payments pending too long are looked up at the gateway, paid ones left uncredited are
    credited, refunds are polled until final."""
    from .online_payment import online_payments_reconcile

    return online_payments_reconcile()


@shared_task
def autopay_daily() -> dict:
    """Auto-pay: tell customers about coming charges and charge the invoices whose day has come."""
    from .autopay import autopay_run

    return autopay_run()


@shared_task
def reconcile_gateways_daily() -> dict:
    """Yesterday's transactions at each gateway set against ours: the differences listed for staff."""
    from payments.reconciliation import reconcile_yesterday

    return reconcile_yesterday()


@shared_task
def record_queued_payments() -> dict:
    """Gateway payments queued for a group whose process died before its turn, recorded."""
    from .grouped_payments import queued_payments_record_left

    return {"recorded": queued_payments_record_left()}


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
    error after the debit): each exactly once (config/celery.py runs this every minute)."""
    from .reseller_renewal import renewals_settle_pending

    settled = renewals_settle_pending()
    job_progress(processed=settled)
    return settled


@shared_task(ignore_result=True)
def settle_reseller_renewals(reseller_id: int) -> int:
    """Settle the renewals a burst left waiting for this reseller's settling gate (queued by the
    requests that found it taken)."""
    from .reseller_renewal import reseller_renewals_settle

    return reseller_renewals_settle(reseller_id=reseller_id)


IMPORT_COMMIT_RETRIES = 3


@shared_task(bind=True, max_retries=IMPORT_COMMIT_RETRIES, acks_late=True, job_trigger="bulk")
def import_batch_commit(self, batch_id: int) -> int:
    """Commit a checked import batch. Rows already done are skipped, so a retry or a second delivery
    resumes; a lost connection is retried with backoff, anything else marks the batch failed (the rows
    done so far stay, each whole)."""
    from django.db import OperationalError

    from .import_commit import batch_fail, batch_process

    try:
        batch = batch_process(batch_id=batch_id)
        job_progress(processed=batch.processed_rows, failed=batch.error_rows)
        return batch.processed_rows
    except OperationalError as exc:
        if self.request.retries >= self.max_retries:
            batch_fail(batch_id=batch_id, message=str(exc))
            raise
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:
        batch_fail(batch_id=batch_id, message=f"{type(exc).__name__}: {exc}")
        raise


@shared_task
def session_log_maintain() -> dict:
    """The RADIUS session log: months made ahead, closed sessions moved in, sessions past the
    retention deleted in batches (docs/radius.md, "Session logs")."""
    from .session_log_maintain import session_log_maintain as maintain

    return maintain()


@shared_task(ignore_result=True)
def fibre_poll_all() -> int:
    """Every five minutes: one poll task per active OLT, so a slow or dead OLT delays only itself."""
    from fibre.models import Olt

    ids = list(Olt.objects.filter(is_active=True).values_list("pk", flat=True))
    for olt_id in ids:
        fibre_poll_olt.delay(olt_id)
    return len(ids)


@shared_task(ignore_result=True)
def fibre_poll_olt(olt_id: int) -> None:
    """One OLT's poll and what follows from it (usecases/fibre_poll.py). A failed poll is recorded on
    the OLT (its page shows the reason) and retried by the next tick, not by Celery."""
    from fibre.poll import PollError

    from .fibre_poll import fibre_poll

    try:
        fibre_poll(olt_id=olt_id)
    except PollError:
        return


@shared_task(ignore_result=True)
def fibre_signal_review() -> int:
    """Daily: proactive work orders for signals that worsened over the week."""
    from .fibre_signal_review import fibre_signal_review as review

    made = review()
    job_progress(processed=made)
    return made
