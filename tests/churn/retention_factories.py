"""Scores written directly (the prediction half trains the real model): a ChurnModel and ChurnRisk rows."""

from decimal import Decimal

from django.utils import timezone

from churn.models import ChurnModel, ChurnRisk, RiskBand

REASONS = {
    RiskBand.HIGH: [
        {"code": "late_payments", "en": "Paid 18 days late twice", "bn": "দুইবার ১৮ দিন দেরিতে পরিশোধ", "weight": 0.31},
        {"code": "usage_drop", "en": "Usage down 60% this month", "bn": "এই মাসে ব্যবহার ৬০% কম", "weight": 0.22},
        {"code": "tickets", "en": "3 support tickets in 30 days", "bn": "৩০ দিনে ৩টি সাপোর্ট টিকেট", "weight": 0.12},
    ],
    RiskBand.MEDIUM: [
        {"code": "session_gap", "en": "No session for 9 days", "bn": "৯ দিন কোনো সেশন নেই", "weight": 0.18},
    ],
    RiskBand.LOW: [],
}
PROBABILITY = {RiskBand.HIGH: 0.78, RiskBand.MEDIUM: 0.41, RiskBand.LOW: 0.06}


def churn_model() -> ChurnModel:
    model, _created = ChurnModel.objects.get_or_create(
        version=1, defaults={"status": ChurnModel.Status.ACTIVE, "algorithm": "test", "band_thresholds": {"medium": 0.3, "high": 0.6}}
    )
    return model


def score(customer, band: str, *, probability: float | None = None, mrr: str = "1000.00") -> ChurnRisk:
    risk, _created = ChurnRisk.objects.update_or_create(
        customer=customer,
        defaults={
            "model": churn_model(), "scored_on": timezone.localdate(), "band": band,
            "probability": PROBABILITY[band] if probability is None else probability,
            "reasons": REASONS[band], "mrr": Decimal(mrr),
        },
    )
    return risk
