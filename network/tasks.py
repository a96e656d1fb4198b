"""Celery entry points for the network app: ids in, services do the work. Periodic jobs are declared
in config/celery.py; each fans out one task per router so a slow router delays only itself."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from ispbill.core.jobs import job_progress
from network import outbox, reconcile

from . import services
from .models import ProvisioningTask, Router

RECONCILE_BUSY_RETRY_SECONDS = 20
RECONCILE_BUSY_RETRIES = 15


@shared_task(ignore_result=True)
def drain_router_outbox(router_id: int) -> None:
    """Apply one router's waiting changes (queued after every commit that wrote an outbox entry)."""
    result = outbox.outbox_drain(router_id=router_id)
    job_progress(processed=result.applied, failed=result.failed, skipped=1 if result.busy else 0)


@shared_task(ignore_result=True)
def drain_due_outboxes() -> None:
    """Safety net: wake the drainer of every router with changes whose back-off is over, in case a
    wake-up was lost (broker down at commit time, worker restarted mid-drain)."""
    now = timezone.now()
    due = (
        ProvisioningTask.objects.filter(status__in=ProvisioningTask.NOT_DONE)
        .filter(next_attempt_at__lte=now, router__is_active=True)
        .filter(Q(router__outbox_retry_at__isnull=True) | Q(router__outbox_retry_at__lte=now))
        .values_list("router_id", flat=True)
        .distinct()
    )
    for router_id in due:
        drain_router_outbox.delay(router_id)


@shared_task(bind=True, ignore_result=True, max_retries=RECONCILE_BUSY_RETRIES)
def reconcile_router_task(self, router_id: int, requested_by_id: int | None = None) -> None:
    from django.contrib.auth import get_user_model

    requested_by = get_user_model().objects.filter(pk=requested_by_id).first() if requested_by_id else None
    report = reconcile.reconcile_router(router_id=router_id, requested_by=requested_by)
    if report is None:  # the drainer holds the router: compare after it is done
        raise self.retry(countdown=RECONCILE_BUSY_RETRY_SECONDS)


@shared_task(ignore_result=True)
def reconcile_all_routers() -> None:
    for router_id in Router.objects.filter(is_active=True).values_list("pk", flat=True):
        reconcile_router_task.delay(router_id)


@shared_task(ignore_result=True)
def check_router_health(router_id: int) -> None:
    router = Router.objects.filter(pk=router_id, is_active=True).first()
    if router is None:
        return
    services.router_check_health(router=router)  # wakes the drainer itself when the router came back


@shared_task(ignore_result=True)
def check_all_routers_health() -> None:
    for router_id in Router.objects.filter(is_active=True).values_list("pk", flat=True):
        check_router_health.delay(router_id)


# Usage polling and fair usage ----------------------------------------------------------------------


@shared_task(ignore_result=True, soft_time_limit=240)
def poll_router_usage(router_id: int) -> None:
    """Read one router's counters, store the usage, and evaluate FUP for its subscriptions."""
    from . import usage

    result = usage.usage_poll_router(router_id=router_id)
    if result.skipped:
        job_progress(skipped=1)
    elif result.error:
        job_progress(failed=1)
    else:
        job_progress(processed=result.counters)


@shared_task(ignore_result=True)
def poll_all_routers_usage() -> None:
    """Every USAGE_POLL_SECONDS: one task per router, so a slow or dead router delays only itself.
    Routers in RADIUS mode report usage through accounting instead (radius/usage.py)."""
    for router_id in Router.objects.filter(is_active=True).exclude(aaa_mode=Router.AaaMode.RADIUS).values_list("pk", flat=True):
        poll_router_usage.delay(router_id)


@shared_task(ignore_result=True)
def purge_usage() -> None:
    """Daily: samples, hourly and daily totals past their retention settings."""
    from . import usage

    usage.usage_purge()


# Outages ------------------------------------------------------------------------------------------


@shared_task(bind=True, ignore_result=True, max_retries=5, default_retry_delay=30)
def broadcast_outage(self, broadcast_id: int) -> None:
    """Queue an outage's message for every affected customer; a retry queues nobody twice."""
    from django.db import DatabaseError

    from . import outages

    try:
        outages.outage_broadcast_send(broadcast_id=broadcast_id)
    except DatabaseError as error:
        raise self.retry(exc=error)


@shared_task(ignore_result=True)
def resume_outage_broadcasts() -> None:
    """Safety net: rerun broadcasts whose job was lost (broker down at commit, worker restarted)."""
    from . import outages

    for broadcast_id in outages.broadcasts_pending():
        broadcast_outage.delay(broadcast_id)


# Speed windows (network/speed_boundary.py) ---------------------------------------------------------


@shared_task(ignore_result=True)
def start_speed_edges() -> None:
    """Every minute: the speed-window edges just passed get one job per router (each edge once)."""
    from django.db import transaction

    from . import speed_boundary

    with transaction.atomic():
        runs = speed_boundary.speed_edges_start()
        if runs:
            run_ids = [run.pk for run in runs]
            transaction.on_commit(lambda: apply_speed_edges.delay(run_ids), robust=True)
    job_progress(processed=len(runs))


@shared_task(ignore_result=True)
def apply_speed_edges(run_ids: list[int]) -> None:
    """Every router's share of one edge, a thread per router, each paced at
    SPEED_CHANGES_PER_ROUTER_PER_SECOND (network/speed_boundary.py)."""
    from . import speed_boundary

    runs = speed_boundary.speed_edges_apply(run_ids=run_ids)
    job_progress(processed=sum(run.done for run in runs), failed=sum(run.lost for run in runs),
                 skipped=sum(run.refused for run in runs))
