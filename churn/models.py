"""Churn prediction: versioned models trained on the ISP's own history, and each customer's latest risk.

The retention workflow's models (call tasks, offers, outcomes) sit at the end of this module, below
its own heading, so that prediction and retention can change independently.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class RiskBand(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ChurnModel(models.Model):
    """One trained model version, stored in the database (never as a file in the repository).

    A version that could not be trained (too little history) is kept too, with the reason, so the
    console can say why nothing is scored.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        REFUSED = "refused", _("Refused: history too short")

    version = models.PositiveIntegerField(unique=True)
    trained_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices)
    refusal_reason = models.TextField(blank=True)
    algorithm = models.CharField(max_length=60, blank=True)
    feature_names = models.JSONField(default=list, blank=True)
    cutoffs = models.JSONField(default=list, blank=True)
    training_rows = models.PositiveIntegerField(default=0)
    training_positives = models.PositiveIntegerField(default=0)
    # The time-based back-test: per cut-off and overall ROC-AUC, PR-AUC, precision in the top 10%,
    # calibration bins, and the candidates compared.
    backtest = models.JSONField(default=dict, blank=True)
    # Probability thresholds for the medium and high bands, chosen at training time.
    band_thresholds = models.JSONField(default=dict, blank=True)
    artifact = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        # Training reads the whole history and takes minutes: the administrators' button, not every manager's.
        permissions = [("train_churnmodel", "Can train a churn model now")]

    def __str__(self):
        return f"churn model v{self.version} ({self.status})"


class ChurnRisk(models.Model):
    """A customer's latest score: one row per customer, replaced by every scoring run."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="churn_risk")
    model = models.ForeignKey(ChurnModel, on_delete=models.PROTECT, related_name="risks")
    scored_on = models.DateField()
    probability = models.FloatField()
    band = models.CharField(max_length=10, choices=RiskBand.choices)
    # The top three contributions in plain words: [{"code": ..., "en": ..., "bn": ..., "weight": ...}].
    reasons = models.JSONField(default=list, blank=True)
    # Monthly recurring revenue at stake when this customer leaves (what the dashboard tile sums).
    mrr = MoneyField(default=0)

    class Meta:
        indexes = [models.Index(fields=["band", "-probability"], name="churn_risk_band_prob")]

    def __str__(self):
        return f"{self.customer_id}: {self.band} ({self.probability:.2f})"


# --- Retention workflow -------------------------------------------------------------------------
