"""Usage from RADIUS accounting: for routers in RADIUS mode the sessions' octet totals replace API
polling, and feed the same samples and hourly/daily roll-ups (network/usage.py), so the charts, the
fair-usage policy and churn read one source whatever the router's mode.

Each run (`radius.tasks.collect_accounting_usage`, every USAGE_POLL_SECONDS) takes the sessions that
reported since shortly before (Start, Interim-Update, Stop), subtracts what was already counted of
each (`counted_*_octets`), stores the differences as one poll per router (upload = Acct-Input, the
octets the router received from the customer; download = Acct-Output) and rolls them up, and moves
the counted figures on, in one transaction: a run counts each octet once or not at all. Rows are
locked with SKIP LOCKED, so two runs never count the same session and FreeRADIUS's own update of a
row waits for the run's commit at most.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from network.usage import fup_evaluate, rollup
from network.usage_sql import samples_insert

from .models import Session

# Sessions whose last report is older than this were counted by an earlier run (or never will be).
LOOKBACK = timedelta(days=2)


def accounting_usage_collect(*, now: datetime | None = None) -> dict[int, int]:
    """Count what the sessions reported since the last run. Returns {router id: samples stored}."""
    now = now or timezone.now()
    stored: dict[int, int] = {}
    with transaction.atomic():
        sessions = list(
            Session.objects.select_for_update(skip_locked=True)
            .filter(acctupdatetime__gte=now - LOOKBACK, subscription__isnull=False, router__isnull=False)
            .filter(Q(acctinputoctets__gt=F("counted_input_octets")) | Q(acctoutputoctets__gt=F("counted_output_octets")))
            .only("radacctid", "router_id", "subscription_id", "acctinputoctets", "acctoutputoctets",
                  "counted_input_octets", "counted_output_octets")
            .order_by("radacctid")
        )
        per_router: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for session in sessions:
            up = max(0, (session.acctinputoctets or 0) - session.counted_input_octets)
            down = max(0, (session.acctoutputoctets or 0) - session.counted_output_octets)
            per_router[session.router_id][session.subscription_id][0] += up
            per_router[session.router_id][session.subscription_id][1] += down
            session.counted_input_octets = max(session.counted_input_octets, session.acctinputoctets or 0)
            session.counted_output_octets = max(session.counted_output_octets, session.acctoutputoctets or 0)
        for router_id, subscriptions in per_router.items():
            samples = [(subscription_id, up, down) for subscription_id, (up, down) in subscriptions.items() if up or down]
            samples_insert(router_id=router_id, taken_at=now, samples=samples)
            if samples:
                rollup(router_id=router_id, at=now)
            stored[router_id] = len(samples)
        Session.objects.bulk_update(sessions, ["counted_input_octets", "counted_output_octets"], batch_size=2000)
    for router_id in stored:
        fup_evaluate(router_id=router_id, now=now)
    return stored
