"""Celery entry points of the notify app: thin, they load ids and call services.

Retry policy: a failed delivery is not retried by Celery but by the database — the message row
keeps its `next_attempt_at` and `retry_due_messages` (every minute, config/celery.py) hands due
ones back to `deliver_messages`. So a retry survives worker restarts and broker outages.
"""


from celery import shared_task

from ispbill.core.jobs import job_progress

from . import services


@shared_task(ignore_result=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send each message that is still due; one already sent or claimed elsewhere is skipped."""
    delivered = services.messages_deliver(message_ids=message_ids)
    failed = sum(1 for message in delivered if message.status == message.Status.FAILED)
    job_progress(processed=len(delivered) - failed, failed=failed, skipped=len(message_ids) - len(delivered))
    return len(delivered)


@shared_task(ignore_result=True)
def retry_due_messages() -> int:
    ids = services.messages_to_dispatch()
    job_progress(processed=len(ids))
    for start in range(0, len(ids), services.DISPATCH_CHUNK):
        deliver_messages.delay(ids[start:start + services.DISPATCH_CHUNK])
    return len(ids)
