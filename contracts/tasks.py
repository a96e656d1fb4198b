"""Celery wrappers for contracts: the daily job (ispbill/celery.py beat schedule)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def contracts_daily() -> dict:
    return services.contracts_daily()
