from datetime import timedelta

from axes.models import AccessAttempt
from celery import shared_task
from django.utils import timezone

from ispbill.core.jobs import job_progress
from ispbill.core.ratelimit import rate_counters_purge


@shared_task
def purge_old_login_attempts(days: int = 30) -> int:
    """Lockout records older than the cool-off are history; keep a month for audit, then drop."""
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - timedelta(days=days)).delete()
    rate_counters_purge()  # rate-limit windows that have ended
    job_progress(processed=deleted)
    return deleted
