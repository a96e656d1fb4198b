"""radius's writes: closing sessions FreeRADIUS will not close itself."""

from django.conf import settings
from django.db import transaction

from ispbill.core.audit import audit_record

from . import sql


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
