"""Celery entry points for radius (periodic jobs declared in config/celery.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def close_stale_sessions() -> int:
    return services.sessions_close_stale()


@shared_task(ignore_result=True)
def collect_accounting_usage() -> None:
    """RADIUS routers' usage from accounting, into the same roll-ups as API polling (radius/usage.py)."""
    from . import usage

    usage.accounting_usage_collect()
