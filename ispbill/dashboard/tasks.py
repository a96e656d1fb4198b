"""Celery entry points of the dashboard app (scheduled in ispbill/celery.py)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .services import metrics_snapshot_write


@shared_task
def snapshot_metrics_nightly() -> int:
    """Yesterday's metric rows (complete now that the day is over) and today's so far."""
    today = timezone.localdate()
    return metrics_snapshot_write(day=today - timedelta(days=1)) + metrics_snapshot_write(day=today)
