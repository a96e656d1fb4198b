"""radius's writes: closing sessions FreeRADIUS will not close itself, staff's Disconnect of a session
(through the router's outbox), staff's "Test a login" (an Access-Request to FreeRADIUS), and the
regulator's session log's upkeep (partitions ahead, closed sessions moved in, retention) and its
audited export."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Subscription
from ispbill.core.audit import audit_record
from ispbill.core.jobs import job_progress
from network import aaa, radius_coa
from network import services as network_services
from network.models import ProvisioningTask, Router

from . import selectors, sql
from .models import AuthAttempt, BadSecretDrop, ServersPushed, Session, SessionLog

BAD_SECRET_EPISODE = timedelta(hours=24)


@transaction.atomic
def bad_secret_drops_record(*, router_id: int, drops: int, at: datetime) -> bool:
    """Note that FreeRADIUS dropped `drops` Access-Requests from this router because their
    Message-Authenticator did not verify (a wrong shared secret; docs/radius.md, "A wrong shared
    secret"). One row per router, updated in place; a count older than 24 hours starts again. The
    caller (radius.serve.BadSecretWatch) calls it at most once a minute per router. Not audited: it
    is what FreeRADIUS saw, as the AuthAttempt rows are. False when no such router exists."""
    if drops < 1 or not Router.objects.filter(pk=router_id).exists():
        return False
    row = BadSecretDrop.objects.select_for_update().filter(router_id=router_id).first()
    if row is None:
        BadSecretDrop.objects.create(router_id=router_id, drops=drops, first_at=at, last_at=at)
        return True
    if row.last_at <= at - BAD_SECRET_EPISODE:
        row.drops, row.first_at = 0, at
    row.drops += drops
    row.last_at = max(row.last_at, at)
    row.save(update_fields=["drops", "first_at", "last_at"])
    return True


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


def session_log_partitions_maintain(*, retention_months: int, now: datetime | None = None, batch: int = SESSION_LOG_BATCH) -> dict:
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
# Staff's Disconnect and "Test a login" (docs/radius.md, "Screens") ---------------------------------


@transaction.atomic
def session_disconnect(*, actor, session: Session) -> ProvisioningTask:
    """End one online session: a Disconnect entry in the router's outbox (the path a suspension's
    Disconnect takes: applied by the worker, retried with back-off while the router refuses or does not
    answer, never lost). A second click while one waits returns the waiting entry."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.acctstoptime is not None:
        raise ValidationError(_("This session has already ended."))
    router = Router.objects.filter(pk=session.router_id).first() if session.router_id else None
    if router is None:
        raise ValidationError(_("This session's router is not known, so there is nobody to send a Disconnect to."))
    waiting = ProvisioningTask.objects.filter(
        router=router, action=ProvisioningTask.Action.DISCONNECT, status__in=ProvisioningTask.NOT_DONE,
        desired__session_id=session.acctsessionid, desired__name=session.username,
    ).first()
    if waiting is not None:
        return waiting
    subscription = session.subscription if session.subscription_id else None
    kind = subscription.connection_type if subscription is not None else Subscription.ConnectionType.PPPOE
    desired = {
        "subscription": session.subscription_id, "router": router.pk, "kind": kind, "name": session.username,
        "session_id": session.acctsessionid, "present": True,
    }
    key = network_services.subscription_key(session.subscription_id) if session.subscription_id else f"session:{session.pk}"
    task = network_services.new_task(
        router_id=router.pk, key=key, action=ProvisioningTask.Action.DISCONNECT, desired=desired,
        subscription_id=session.subscription_id if subscription is not None else None, actor=actor,
    )
    task.save()
    audit_record(
        actor=actor, action="radius.session_disconnect", obj=subscription or router,
        after={"session": session.acctsessionid, "login": session.username, "router": router.name, "entry": task.pk},
    )
    network_services.wake_after_commit(router.pk)
    return task


@dataclass(frozen=True)
class LoginTestResult:
    accepted: bool
    text: str  # "Accepted", "Password wrong", "Already online on NAS core-1", …
    walled_garden: bool
    reply: list[tuple[str, str]]  # the reply's service attributes, as the router would get them
    attempt: AuthAttempt | None


REPLY_SHOWN = ("Mikrotik-Rate-Limit", "Framed-IP-Address", "Framed-Pool", "Mikrotik-Address-List", "Session-Timeout", "Acct-Interim-Interval")


def login_test(*, actor, router: Router, username: str, password: str) -> LoginTestResult:
    """Ask FreeRADIUS for one login exactly as the router would (its views, its session check), from
    ispbill's own client (RADIUS_PROBE_SECRET; NAS-Identifier names the router, docs/radius.md), and
    say what it answered and why. The password goes into the packet only: never stored, logged or
    audited. The post-auth row FreeRADIUS writes is marked as a test (its Calling-Station-Id) and left
    out of the router's health figures."""
    if router.aaa_mode != Router.AaaMode.RADIUS or not router.is_active:
        raise ValidationError(_("Only an active router in RADIUS mode can be tested: its logins are not answered by RADIUS."))
    if not settings.RADIUS_PROBE_SECRET:
        raise ValidationError(_(
            "Set RADIUS_PROBE_SECRET (and run radius_config again): FreeRADIUS answers ispbill's test only as its own client."
        ))
    station = selectors.LOGIN_TEST_STATION_PREFIX + secrets.token_hex(8)
    # Asked as the router would ask for this login: a hotspot login as a hotspot one (radius/0007
    # refuses a login asked for the other service).
    hotspot = Subscription.objects.filter(
        router_id=router.pk, username=username, connection_type=Subscription.ConnectionType.HOTSPOT,
    ).exists()
    try:
        targets = aaa.probe_targets(aaa.radius_servers())
    except aaa.RadiusServersInvalid as error:
        raise ValidationError(_("The RADIUS servers setting cannot be read: %(error)s") % {"error": error.message})
    answer = None
    for host, port in targets:  # the site's servers in the routers' order: the first that answers
        try:
            answer = radius_coa.access_request(
                host=host, port=port, secret=settings.RADIUS_PROBE_SECRET,
                nas_identifier=f"ispbill-login-test/{router.pk}", username=username, password=password, calling_station_id=station,
                timeout=settings.RADIUS_COA_TIMEOUT, attempts=settings.RADIUS_COA_ATTEMPTS, hotspot=hotspot,
            )
            break
        except radius_coa.NasNoAnswer as error:
            silent = error
    if answer is None:
        raise ValidationError(_("FreeRADIUS did not answer: %(error)s") % {"error": silent.message})
    attempt = selectors.attempt_for_login_test(station=station)
    if answer.accepted:
        walled = bool(attempt and attempt.walled_garden)
        text = _("Accepted into the walled garden (%(reason)s)") % {"reason": attempt.get_reason_display()} if walled else _("Accepted")
    else:
        walled = False
        text = selectors.explain_reject(attempt).text if attempt is not None else _("Refused")
    reply = [(name, value) for name in REPLY_SHOWN for value in answer.attributes.get(name, [])]
    with transaction.atomic():
        audit_record(
            actor=actor, action="radius.login_test", obj=router,
            after={"login": username, "accepted": answer.accepted, "reason": attempt.reason if attempt else "", "walled_garden": walled},
        )
    return LoginTestResult(accepted=answer.accepted, text=str(text), walled_garden=walled, reply=reply, attempt=attempt)


@transaction.atomic
def radius_servers_follow(*, actor=None, force: bool = False) -> int | None:
    """Give the routers in RADIUS mode the site's FreeRADIUS servers when the setting changed since they
    were last given them (RADIUS_SERVERS, or RADIUS_SERVER_ADDRESS and its ports): compared as a
    fingerprint kept in ServersPushed, checked each time a worker starts (radius.tasks.follow_radius_servers,
    queued from config/celery.py), so a server added, moved or retired reaches every router without anyone
    running `manage.py radius_push_servers` (which calls this with `force`). Queues each router's RADIUS
    set-up as network.services.routers_radius_reapply does (audited per router; one waiting entry per
    router at most) and then stores the new fingerprint. With no fingerprint stored yet (the first start
    after this was installed) the routers are given the setting too: nobody knows what they were given.
    Returns how many routers were queued, or None when nothing changed. Raises
    network.aaa.RadiusServersInvalid (and stores nothing) when the setting cannot be read."""
    servers = aaa.radius_servers()
    text = ",".join(f"{server.address}:{server.auth_port}:{server.acct_port}" for server in servers)
    fingerprint = hashlib.sha256(text.encode()).hexdigest()
    row = ServersPushed.objects.select_for_update().filter(pk=1).first()
    if row is not None and row.fingerprint == fingerprint and not force:
        return None
    queued = network_services.routers_radius_reapply(actor=actor)
    ServersPushed.objects.update_or_create(pk=1, defaults={"fingerprint": fingerprint, "servers": text, "pushed_at": timezone.now()})
    return queued
