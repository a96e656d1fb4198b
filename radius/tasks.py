"""Celery entry points for radius (periodic jobs declared in ispbill/celery.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def close_stale_sessions() -> int:
    return services.sessions_close_stale()
