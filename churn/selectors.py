"""Churn reads: a customer's risk and reasons, the dashboard's figures, the models for the console."""

from __future__ import annotations

from uuid import uuid4

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from ispbill.core.money import ZERO

from .models import ChurnModel, ChurnRisk, RiskBand


def risk_for_customer(*, customer) -> ChurnRisk | None:
    return ChurnRisk.objects.filter(customer=customer).select_related("model").first()


def reasons_for(*, risk: ChurnRisk | None, language: str = "en") -> list[str]:
    """The risk's reasons as plain sentences in `language` ("en" or "bn"; English otherwise)."""
    if risk is None:
        return []
    key = "bn" if (language or "").lower().startswith("bn") else "en"
    return [reason.get(key) or reason.get("en", "") for reason in risk.reasons]


# The scores change only when scoring writes them (nightly, or "Score now"): the summary is cached
# under a version that `risk_scores_changed` replaces; an hour bounds what a customer's move between
# branches or deletion leaves stale. Counting a million scores on every staff home took ~100 ms.
RISK_VERSION_KEY = "churn:risk-version"
RISK_SUMMARY_SECONDS = 3600


def risk_scores_changed() -> None:
    cache.delete(RISK_VERSION_KEY)


def risk_summary(*, branch_ids=None) -> dict:
    """Customers at high risk and the monthly revenue they carry, and the medium count (the
    dashboard tile); `branch_ids` limits it to a staff user's branches (None = all)."""
    version = cache.get(RISK_VERSION_KEY)
    if version is None:
        cache.add(RISK_VERSION_KEY, uuid4().hex, None)
        version = cache.get(RISK_VERSION_KEY)
    key = f"churn:risk-summary:{version}:{'all' if branch_ids is None else ','.join(map(str, sorted(branch_ids)))}"
    figures = cache.get(key)
    if figures is None:
        risks = ChurnRisk.objects.all()
        if branch_ids is not None:
            risks = risks.filter(customer__branch_id__in=branch_ids)
        figures = risks.aggregate(
            high=Count("id", filter=Q(band=RiskBand.HIGH)),
            medium=Count("id", filter=Q(band=RiskBand.MEDIUM)),
            mrr_high=Sum("mrr", filter=Q(band=RiskBand.HIGH)),
            scored=Count("id"),
        )
        figures["mrr_high"] = figures["mrr_high"] or ZERO
        cache.set(key, figures, RISK_SUMMARY_SECONDS)
    return {**figures, "model": active_model()}


def active_model() -> ChurnModel | None:
    return ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).defer("artifact").order_by("-version").first()


def latest_model() -> ChurnModel | None:
    return ChurnModel.objects.defer("artifact").order_by("-version").first()


def model_versions(limit: int = 10):
    return ChurnModel.objects.defer("artifact").order_by("-version")[:limit]
