"""Celery wrappers for the tickets app: the SLA breach check runs every minute (config/celery.py)."""

from celery import shared_task

from . import sla_policies


@shared_task(ignore_result=True)
def check_sla() -> dict:
    return sla_policies.sla_check()
