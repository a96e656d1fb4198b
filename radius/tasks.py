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


@shared_task(ignore_result=True)
def follow_radius_servers() -> int | None:
    """At a worker's start (config/celery.py): the routers in RADIUS mode given RADIUS_SERVERS again
    when it changed since they were last given it. A setting that cannot be read is logged and waits."""
    import logging

    from network.aaa import RadiusServersInvalid

    try:
        return services.radius_servers_follow()
    except RadiusServersInvalid as error:
        logging.getLogger(__name__).warning("RADIUS servers not pushed to the routers: %s", error.message)
        return None
