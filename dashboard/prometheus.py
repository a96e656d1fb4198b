"""The figures Prometheus scrapes from /metrics (docs/operations.md, "Metrics"), read from the database at
each scrape, so every web process answers the same whatever process did the work (no per-process
counters to merge). prometheus_client writes the text format; this module only says what to count.

RADIUS: accepts, rejects and the reject ratio per RADIUS-mode router over the last five minutes, read
from radius_postauth (radius.selectors.reject_counts) at each scrape.
"""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils import timezone
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from billing.models import Invoice
from ispbill.core.jobs import jobs_health
from network.models import ProvisioningTask, Router
from payments.models import GatewayPayment
from radius.selectors import reject_counts

# The window of the RADIUS figures: short enough that an alert follows an outage of the database or a
# wrong secret within minutes, long enough to hold a few logins on a small router.
RADIUS_WINDOW_SECONDS = 300


class IspbillCollector(Collector):
    def collect(self):
        now = timezone.now()
        yield from self._outbox(now)
        yield from self._jobs(now)
        yield from self._money()
        yield from self._radius(now)

    def _outbox(self, now):
        depth = GaugeMetricFamily(
            "ispbill_outbox_depth", "Router changes waiting to be applied (pending, applying or failed and retrying), per router.",
            labels=["router"],
        )
        oldest = GaugeMetricFamily(
            "ispbill_outbox_oldest_age_seconds", "Age of the oldest router change still waiting, per router (0 when none waits).",
            labels=["router"],
        )
        waiting = {
            row["router_id"]: row
            for row in ProvisioningTask.objects.filter(status__in=ProvisioningTask.NOT_DONE)
            .values("router_id").annotate(depth=Count("id"), oldest=Min("created_at"))
        }
        for router_id, name in Router.objects.filter(is_active=True).order_by("name").values_list("pk", "name"):
            row = waiting.get(router_id)
            depth.add_metric([name], row["depth"] if row else 0)
            oldest.add_metric([name], (now - row["oldest"]).total_seconds() if row else 0)
        yield depth
        yield oldest

    def _jobs(self, now):
        health = jobs_health(now=now)
        yield GaugeMetricFamily("ispbill_jobs_late", "Periodic jobs with no successful run for twice their interval.",
                                value=sum(1 for item in health if item.late))
        late = GaugeMetricFamily("ispbill_job_late", "1 when the periodic job is late, else 0.", labels=["job"])
        success = GaugeMetricFamily(
            "ispbill_job_last_success_timestamp_seconds",
            "Unix time of the periodic job's last successful run (absent when it never succeeded).", labels=["job"],
        )
        for item in health:
            late.add_metric([item.job.name], 1 if item.late else 0)
            if item.last_success_at is not None:
                success.add_metric([item.job.name], item.last_success_at.timestamp())
        yield late
        yield success

    def _money(self):
        yield GaugeMetricFamily(
            "ispbill_payments_pending_review", "Online payments the gateway flagged, held until staff approve or refund them.",
            value=GatewayPayment.objects.filter(status=GatewayPayment.Status.HELD).count(),
        )
        overdue = Invoice.objects.filter(status=Invoice.Status.OVERDUE).aggregate(
            n=Count("id"), total=Sum("total"), paid=Sum("amount_paid")
        )
        yield GaugeMetricFamily("ispbill_invoices_overdue", "Invoices unpaid past their due date.", value=overdue["n"])
        yield GaugeMetricFamily(
            "ispbill_invoices_overdue_amount", f"What overdue invoices still owe, in {settings.CURRENCY}.",
            value=float((overdue["total"] or 0) - (overdue["paid"] or 0)),
        )

    def _radius(self, now):
        """Per active RADIUS-mode router, over the last RADIUS_WINDOW_SECONDS: answered Access-Requests
        accepted and rejected (gauges: a count over a sliding window, not a counter since start), and
        rejects / (accepts + rejects) — only for a router that was asked at all (0/0 has no ratio; alert
        on `ispbill_radius_reject_ratio > 0.5 and ispbill_radius_accepts + ispbill_radius_rejects > 20`).
        Staff's "Test a login" is not counted."""

        accepts = GaugeMetricFamily(
            "ispbill_radius_accepts", "Access-Requests FreeRADIUS accepted in the last 5 minutes, per RADIUS router.", labels=["router"],
        )
        rejects = GaugeMetricFamily(
            "ispbill_radius_rejects", "Access-Requests FreeRADIUS rejected in the last 5 minutes, per RADIUS router.", labels=["router"],
        )
        ratio = GaugeMetricFamily(
            "ispbill_radius_reject_ratio",
            "Rejected over answered Access-Requests in the last 5 minutes, per RADIUS router (absent when none was asked).",
            labels=["router"],
        )
        routers = list(Router.objects.filter(is_active=True, aaa_mode=Router.AaaMode.RADIUS).order_by("name").values_list("pk", "name"))
        counts = reject_counts(router_ids=[pk for pk, _name in routers], since=now - timedelta(seconds=RADIUS_WINDOW_SECONDS), until=now)
        for router_id, name in routers:
            window = counts.get(router_id)
            accepts.add_metric([name], window.accepts if window else 0)
            rejects.add_metric([name], window.rejects if window else 0)
            if window and window.requests:
                ratio.add_metric([name], window.rejects / window.requests)
        yield accepts
        yield rejects
        yield ratio


def registry() -> CollectorRegistry:
    """A registry of our figures alone (a new one per scrape: nothing is kept between scrapes)."""
    fresh = CollectorRegistry(auto_describe=False)
    fresh.register(IspbillCollector())
    return fresh


def token_matches(header: str) -> bool:
    """`Authorization: Bearer <METRICS_TOKEN>`, compared in constant time."""
    scheme, _, token = (header or "").partition(" ")
    return bool(settings.METRICS_TOKEN) and scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )
