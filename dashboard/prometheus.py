"""The figures Prometheus scrapes from /metrics (docs/operations.md, "Metrics"), read from the database at
each scrape, so every web process answers the same whatever process did the work (no per-process
counters to merge). prometheus_client writes the text format; this module only says what to count.

RADIUS (its reject rate) is not built yet: `_radius` is the place for it, see below.
"""

import hmac

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


class IspbillCollector(Collector):
    def collect(self):
        now = timezone.now()
        yield from self._outbox(now)
        yield from self._jobs(now)
        yield from self._money()
        yield from self._radius()

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

    def _radius(self):
        # RADIUS_REJECT_RATE: the radius app (being built) adds `ispbill_radius_reject_ratio` here — rejects
        # over all Access-Requests in the last five minutes, per NAS — once its accounting tables exist.
        return iter(())


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
