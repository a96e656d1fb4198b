"""Churn reads: a customer's risk and reasons, the dashboard's figures, the models for the console."""

from __future__ import annotations

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


def risk_summary(*, branch_ids=None) -> dict:
    """Customers at high risk and the monthly revenue they carry, and the medium count (the
    dashboard tile); `branch_ids` limits it to a staff user's branches (None = all)."""
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
    figures["model"] = active_model()
    return figures


def active_model() -> ChurnModel | None:
    return ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).defer("artifact").order_by("-version").first()


def latest_model() -> ChurnModel | None:
    return ChurnModel.objects.defer("artifact").order_by("-version").first()


def model_versions(limit: int = 10):
    return ChurnModel.objects.defer("artifact").order_by("-version")[:limit]
