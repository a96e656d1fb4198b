"""Thin Celery wrappers for outgoing webhooks (api/webhooks.py). `deliver_webhooks` runs on the
`webhooks` queue (settings.CELERY_TASK_ROUTES) so a backlog never waits in front of other jobs."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ispbill.core.models import WebhookDelivery

from . import webhooks

# Delivered (and given-up) deliveries are kept this long for the screen and replays.
KEEP_DAYS = 30


@shared_task
def webhooks_pump() -> int:
    return webhooks.webhooks_pump()


@shared_task(acks_late=True)
def deliver_webhooks(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        webhooks.webhook_deliver(delivery_id)


@shared_task
def webhooks_purge() -> int:
    deleted, _ = WebhookDelivery.objects.filter(
        status__in=[WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED],
        created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS),
    ).delete()
    return deleted
