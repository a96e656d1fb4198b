"""Celery wrappers for the tickets app: the SLA breach check runs every minute (ispbill/celery.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def check_sla() -> dict:
    return services.sla_check()
