"""Celery entry points of the notify app: thin, they load ids and call services.

Retry policy: a failed delivery is not retried by Celery but by the database — the message row
keeps its `next_attempt_at` and `retry_due_messages` (every minute, ispbill/celery.py) hands due
ones back to `deliver_messages`. So a retry survives worker restarts and broker outages.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .events import Event


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send each message that is still due; one already sent or claimed elsewhere is skipped."""
    return len(services.messages_deliver(message_ids=message_ids))


@shared_task(ignore_result=True)
def retry_due_messages() -> int:
    ids = services.messages_to_dispatch()
    for start in range(0, len(ids), services.DISPATCH_CHUNK):
        deliver_messages.delay(ids[start:start + services.DISPATCH_CHUNK])
    return len(ids)


@shared_task(ignore_result=True)
def send_due_reminders(days_before: int | None = None) -> int:
    """Remind customers whose unpaid invoices fall due in NOTIFY_DUE_REMINDER_DAYS days (once per invoice)."""
    from billing.selectors import invoices_due_on

    days = settings.NOTIFY_DUE_REMINDER_DAYS if days_before is None else days_before
    due_date = timezone.localdate() + timedelta(days=days)
    return services.notify_invoices(event=Event.DUE_REMINDER, invoices=invoices_due_on(due_date=due_date))
