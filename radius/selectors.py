"""radius's reads for screens: a connection's last refused login with its reason, and where it is
online now."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from network.models import Router

from .models import AuthAttempt, Session


@dataclass(frozen=True)
class RejectExplained:
    attempt: AuthAttempt
    text: str  # what a screen shows: "Password wrong", "Already online on NAS core-1", …
    online_on: list[Router]


def subscription_open_sessions(*, subscription_id: int) -> list[Session]:
    return list(Session.objects.filter(subscription_id=subscription_id, acctstoptime__isnull=True).order_by("-acctstarttime"))


def subscription_last_reject(*, subscription_id: int) -> RejectExplained | None:
    """The connection's last refused login (or None), with a sentence for staff. "Already online"
    names the routers the connection has open sessions on, read now."""
    attempt = (
        AuthAttempt.objects.filter(subscription_id=subscription_id, accepted=False).order_by("-authdate", "-id").first()
    )
    if attempt is None:
        return None
    online_on: list[Router] = []
    text = attempt.get_reason_display()
    if attempt.reason == AuthAttempt.Reason.ALREADY_ONLINE:
        router_ids = {s.router_id for s in subscription_open_sessions(subscription_id=subscription_id) if s.router_id}
        online_on = list(Router.objects.filter(pk__in=router_ids).order_by("name"))
        if online_on:
            text = _("Already online on NAS %(routers)s") % {"routers": ", ".join(r.name for r in online_on)}
    return RejectExplained(attempt=attempt, text=str(text), online_on=online_on)
