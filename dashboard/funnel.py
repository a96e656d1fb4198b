"""The growth funnel (docs/metrics.md): leads of a period and how far each came (site survey,
installed, paying). Reads only, scoped like every figure (`metrics.Scope`)."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    IntegerField,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast

from customers.models import Lead
from ispbill.core.models import AuditLog
from payments.models import Payment

from .metrics import ALL, Scope, end_of_day, ratio, start_of_day

# Growth funnel ----------------------------------------------------------------------------------------


FUNNEL_STAGES = ("leads", "site_survey", "installed", "paying")


def funnel_leads(start: date, end: date, *, scope: Scope = ALL) -> QuerySet[Lead]:
    """Leads created in [start, end] within the scope (a lead without an area is everyone's)."""
    leads = Lead.objects.filter(created_at__gte=start_of_day(start), created_at__lt=end_of_day(end))
    if scope.branch_ids is not None:
        leads = leads.filter(Q(branch_id__in=scope.branch_ids) | Q(branch__isnull=True))
    if scope.branch_id is not None:
        leads = leads.filter(branch_id=scope.branch_id)
    if scope.area_id is not None:
        leads = leads.filter(area_id=scope.area_id)
    return leads


def funnel_stage_q(stage: str) -> Q:
    """The leads that reached `stage`: site survey (by the lead's status or its audited history),
    installed (its customer has a subscription activated), paying (its customer has made a completed
    payment). Each stage is a filter of its own, so a drill-down lists exactly the leads counted."""
    if stage == "leads":
        return Q()
    if stage == "site_survey":
        surveyed_ids = AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Lead), action="lead.update", after__status=Lead.Status.SITE_SURVEY,
        ).values("object_id")
        return Q(status__in=[Lead.Status.SITE_SURVEY, Lead.Status.CONVERTED]) | Q(pk__in=_as_ints(surveyed_ids))
    if stage == "installed":
        return Q(converted_customer__subscriptions__activated_at__isnull=False)
    if stage == "paying":
        return Q(converted_customer__payments__status=Payment.Status.COMPLETED)
    raise ValueError(stage)


def funnel(start: date, end: date, *, scope: Scope = ALL) -> dict:
    """Leads created in [start, end] and how many reached each stage (`funnel_stage_q`)."""
    counts = funnel_leads(start, end, scope=scope).aggregate(
        **{stage: Count("id", filter=funnel_stage_q(stage) or None, distinct=True) for stage in FUNNEL_STAGES}
    )
    stages = [(stage, counts[stage]) for stage in FUNNEL_STAGES]
    return {"stages": stages, "conversion": ratio(counts["paying"], counts["leads"])}


def funnel_rows(start: date, end: date, *, stage: str, scope: Scope = ALL) -> QuerySet[Lead]:
    """The leads behind one stage of the funnel (the drill-down)."""
    return funnel_leads(start, end, scope=scope).filter(pk__in=Lead.objects.filter(funnel_stage_q(stage)).values("pk"))


def _as_ints(object_ids: QuerySet) -> QuerySet:
    """Audit object ids are text; leads' keys are integers."""
    return object_ids.annotate(as_int=Cast("object_id", IntegerField())).values("as_int")
