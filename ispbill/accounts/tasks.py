from datetime import timedelta

from axes.models import AccessAttempt
from celery import shared_task
from django.utils import timezone

from ispbill.core.ratelimit import rate_counters_purge


@shared_task
def purge_old_login_attempts(days: int = 30) -> int:
    """Lockout records older than the cool-off are history; keep a month for audit, then drop."""
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - timedelta(days=days)).delete()
    rate_counters_purge()  # rate-limit windows that have ended
    return deleted


@shared_task
def sign_in_code_send(identifier: str) -> bool:
    """Queued by every sign-in code request, known account or not, so both answer alike and as fast."""
    from .customer_security import sign_in_code_deliver

    return sign_in_code_deliver(identifier=identifier)
