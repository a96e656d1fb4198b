"""radius's writes: closing sessions FreeRADIUS will not close itself, staff's Disconnect of a session
(through the router's outbox) and staff's "Test a login" (an Access-Request to FreeRADIUS)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Subscription
from ispbill.core.audit import audit_record
from network import radius_coa
from network import services as network_services
from network.models import ProvisioningTask, Router

from . import selectors, sql
from .models import AuthAttempt, Session


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
    try:
        answer = radius_coa.access_request(
            host=settings.RADIUS_PROBE_ADDRESS, port=settings.RADIUS_AUTH_PORT, secret=settings.RADIUS_PROBE_SECRET,
            nas_identifier=f"ispbill-login-test/{router.pk}", username=username, password=password, calling_station_id=station,
            timeout=settings.RADIUS_COA_TIMEOUT, attempts=settings.RADIUS_COA_ATTEMPTS,
        )
    except radius_coa.NasNoAnswer as error:
        raise ValidationError(_("FreeRADIUS did not answer: %(error)s") % {"error": error.message})
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
