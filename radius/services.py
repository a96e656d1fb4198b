"""radius's writes: closing sessions FreeRADIUS will not close itself; the regulator's session log's
upkeep (partitions ahead, closed sessions moved in, retention) and its audited export."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ispbill.core.audit import audit_record
from ispbill.core.jobs import job_progress

from . import sql
from .models import SessionLog


def sessions_close_stale(*, interim_interval: int | None = None) -> int:
    """Close the sessions with no Start/Interim-Update for twice the interim interval (the router
    stopped counting them: rebooted without Accounting-On, lost its link to us, or dropped the Stop).
    Their stop time is the last update we had, their cause 'Stale-Session'. Idempotent; 0 on SQLite."""
    if not sql.radius_supported():
        return 0
    interval = interim_interval or settings.RADIUS_INTERIM_INTERVAL
    return sql.sessions_close_stale(older_than_seconds=2 * interval)


@transaction.atomic
def router_sessions_close(*, actor, router, reason: str) -> int:
    """Close every open session of one router now, audited (what the router's own Accounting-On does
    when it restarts; for staff when a router is gone or switched back to API mode)."""
    sql.require_postgresql()
    closed = sql.router_sessions_close(router_id=router.pk, cause="Admin-Reset")
    audit_record(actor=actor, action="radius.sessions_close", obj=router, reason=reason, after={"closed": closed})
    return closed


# The regulator's session log (docs/radius.md, "Session logs") ------------------------------------

# Closed sessions stay in radius_radacct this long after their Stop (the usage collector reads the
# last two days of reports, and a late duplicate Stop still finds its row), then move to the log.
SESSION_LOG_ARCHIVE_AFTER = timedelta(days=3)
SESSION_LOG_BATCH = 10_000
SESSION_LOG_MONTHS_AHEAD = 3  # partitions made ahead of the current month


def _month_start(year: int, month: int) -> datetime:
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return timezone.make_aware(datetime(year, month, 1), timezone.get_default_timezone())


def session_log_retention_cutoff(*, now: datetime, retention_months: int) -> datetime:
    """Sessions that ended before this instant are past retention: the same local time
    `retention_months` calendar months ago (31 March − 1 month = 28/29 February)."""
    local = timezone.localtime(now)
    return timezone.make_aware(
        datetime.combine(local.date() - relativedelta(months=retention_months), local.time()), timezone.get_default_timezone()
    )


def session_log_partitions_ensure(*, now: datetime, retention_months: int, ahead: int = SESSION_LOG_MONTHS_AHEAD) -> list[str]:
    """PostgreSQL: a partition for every month from the retention cutoff's to `ahead` months after
    now's (local months), so a session moved here always has its month and the default partition only
    takes the odd stop time far outside. Returns the partitions made; nothing on SQLite."""
    if not sql.radius_supported():
        return []
    cutoff = timezone.localtime(session_log_retention_cutoff(now=now, retention_months=retention_months))
    local = timezone.localtime(now)
    made = []
    month = _month_start(cutoff.year, cutoff.month)
    last = _month_start(local.year, local.month + ahead)
    while month <= last:
        following = _month_start(month.year, month.month + 1)
        with transaction.atomic():
            if sql.session_log_partition_ensure(year=month.year, month=month.month, start=month, end=following):
                made.append(sql.session_log_partition_name(month.year, month.month))
        month = following
    return made


def session_log_archive(*, now: datetime, batch: int = SESSION_LOG_BATCH) -> int:
    """Move the sessions closed more than SESSION_LOG_ARCHIVE_AFTER ago into the log, a batch per
    transaction. 0 on SQLite (FreeRADIUS writes no sessions there)."""
    if not sql.radius_supported():
        return 0
    moved = 0
    while True:
        with transaction.atomic():
            count = sql.session_log_archive_batch(stopped_before=now - SESSION_LOG_ARCHIVE_AFTER, batch=batch)
        moved += count
        job_progress(processed=count)
        if count < batch:
            return moved


def session_log_purge(*, now: datetime, retention_months: int, batch: int = SESSION_LOG_BATCH) -> dict:
    """Delete the sessions that ended before the retention cutoff: on PostgreSQL every month partition
    wholly before it is dropped; the rest (the cutoff's own month, the default partition, SQLite) are
    deleted a batch at a time in id order, each batch its own transaction."""
    cutoff = session_log_retention_cutoff(now=now, retention_months=retention_months)
    dropped, deleted = [], 0
    if sql.radius_supported():
        for year, month in sql.session_log_partitions():
            if _month_start(year, month + 1) <= cutoff:
                with transaction.atomic():
                    deleted += sql.session_log_partition_drop(year=year, month=month)
                dropped.append(sql.session_log_partition_name(year, month))
    after = -1
    while True:
        old = SessionLog.objects.filter(acctstoptime__lt=cutoff, radacctid__gt=after).order_by("radacctid")
        ids = list(old.values_list("radacctid", flat=True)[:batch])
        if not ids:
            break
        with transaction.atomic():
            count, _ = SessionLog.objects.filter(acctstoptime__lt=cutoff, radacctid__in=ids).delete()
        deleted += count
        job_progress(processed=count)
        after = ids[-1]
        if len(ids) < batch:
            break
    return {"cutoff": cutoff.isoformat(), "deleted": deleted, "partitions_dropped": dropped}


def session_log_maintain(*, retention_months: int, now: datetime | None = None, batch: int = SESSION_LOG_BATCH) -> dict:
    """The nightly upkeep of the log: months made ahead, closed sessions moved in, sessions past the
    retention deleted. Idempotent: a second run the same night finds nothing to do."""
    now = now or timezone.now()
    made = session_log_partitions_ensure(now=now, retention_months=retention_months)
    archived = session_log_archive(now=now, batch=batch)
    purged = session_log_purge(now=now, retention_months=retention_months, batch=batch)
    return {"partitions_made": made, "archived": archived, **purged}


@transaction.atomic
def session_log_export_audit(*, actor, query, description: dict) -> int:
    """Before an export streams: count what it will hold and write the audit entry (who, the range,
    the filter, the rows), committed before the first byte leaves, so an export cut off half-way
    is on record too. Returns the row count."""
    from .selectors import session_log_count

    rows = session_log_count(query)
    audit_record(actor=actor, action="radius.session_log_export", obj=actor, after={**description, "rows": rows})
    return rows
