"""Prepaid cards at a speed window's edge (docs/speeds.md, "Prepaid cards"): a card session online on a
router when a window of its plan's speed package starts or ends is sent the CoA of its new
Mikrotik-Rate-Limit with the subscriptions' (network/speed_boundary.py paces and counts them
together). network may not import vouchers, so this module is registered with it
(``register_other_logins``, from VouchersConfig.ready).

A card's session is an open accounting session (radius ``Session``, radacct) that FreeRADIUS's
accounting tied to the card (``CardSession``, by its unique id). Its radacct row is kept under the
card's label ("card 000000123"), never the code the router knows it by, so the CoA names it by its
Acct-Session-Id and address. The rate is what the card's login would be answered now
(vouchers/0009 ``voucher_card_rate``): the package's window in force, else the plan's own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db.models import Q

from customers.models import PackageSpeedWindow
from network import speeds
from network.routeros import rate_pair
from network.speed_boundary import OtherLogin
from radius.models import Session

from .models import CardSession, VoucherPlan

PREFIX = "card"


def _packages_with_edge(moment: time):
    return PackageSpeedWindow.objects.filter(Q(starts=moment) | Q(ends=moment)).values("package_id")


def card_rate(plan: VoucherPlan, at: datetime) -> str:
    """The Mikrotik-Rate-Limit a card of `plan` logging in at `at` is answered (as voucher_card_rate)."""
    window = speeds.window_in_force(plan.speed_package, at) if plan.speed_package_id else None
    if window is not None:
        return rate_pair(window.upload_mbps, window.download_mbps)
    return plan.rate_limit


def _logins(sessions, at: datetime) -> list[OtherLogin]:
    sessions = list(sessions.order_by("radacctid"))
    cards = (
        CardSession.objects.filter(acctuniqueid__in=[session.acctuniqueid for session in sessions])
        .select_related("card__batch__plan__speed_package").prefetch_related("card__batch__plan__speed_package__speed_windows")
    )
    plans = {row.acctuniqueid: row.card.batch.plan for row in cards}
    return [
        OtherLogin(key=f"{PREFIX}:{session.radacctid}", rate=card_rate(plans[session.acctuniqueid], at),
                   session_id=session.acctsessionid, framed_ip=session.framedipaddress or "")
        for session in sessions if session.acctuniqueid in plans
    ]


def _online_on_package_with_edge(moment: time):
    cards = CardSession.objects.filter(card__batch__plan__speed_package_id__in=_packages_with_edge(moment))
    return Session.objects.filter(acctstoptime__isnull=True, acctuniqueid__in=cards.values("acctuniqueid"))


class CardLogins:
    """network.speed_boundary.OtherLogins for prepaid cards' hotspot sessions."""

    prefix = PREFIX

    def routers_at(self, moment: time) -> Iterable[int]:
        return set(_online_on_package_with_edge(moment).exclude(router_id=None).values_list("router_id", flat=True))

    def at_edge(self, router_id: int, edge: datetime) -> list[OtherLogin]:
        moment = speeds.local_time(edge)
        return _logins(_online_on_package_with_edge(moment).filter(router_id=router_id), edge)

    def again(self, router_id: int, keys: list[str], at: datetime) -> list[OtherLogin]:
        ids = [int(key.partition(":")[2]) for key in keys if key.partition(":")[2].isdigit()]
        return _logins(Session.objects.filter(pk__in=ids, router_id=router_id, acctstoptime__isnull=True), at)


CARDS = CardLogins()
