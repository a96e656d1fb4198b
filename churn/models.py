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


class UsageWindow(models.Model):
    """A subscription's usage over the 60 days to `as_of`, kept day by day for the daily scoring
    (churn/usage_windows.py): one row per subscription with traffic in those days, all rows of the
    same `as_of`. The columns are those of `sql.usage_rows`; bytes are upload + download.

    A cache: it can always be rebuilt from `network_usagedaily`, so on PostgreSQL the table is
    UNLOGGED (no WAL for the daily rewrite; emptied after a crash, and then rebuilt by the next
    scoring), and the key has no database foreign key (`db_constraint=False`): its deferred checks
    cost ~7 s per rewrite of 850,000 rows, and the rows are only ever written from usage rows, whose
    subscriptions exist. Deleting a subscription through Django still deletes its row (CASCADE)."""

    subscription = models.OneToOneField("customers.Subscription", on_delete=models.CASCADE, primary_key=True,
                                        db_constraint=False, related_name="+")
    as_of = models.DateField()  # the cut-off C the row describes
    b7 = models.BigIntegerField()  # bytes on C-6..C
    b7_before = models.BigIntegerField()  # C-13..C-7
    b30 = models.BigIntegerField()  # C-29..C
    b30_before = models.BigIntegerField()  # C-59..C-30
    last_day = models.DateField()  # the last day with traffic
    mask = models.IntegerField()  # bit k set = traffic on C - k (k < 30)

    def __str__(self):
        return f"usage of subscription {self.subscription_id} to {self.as_of}"


# --- Retention workflow -------------------------------------------------------------------------
# Imported here, below the prediction models, so the two halves of this module change independently.
from django.conf import settings  # noqa: E402

from ispbill.core.fields import EncryptedTextField  # noqa: E402


class RetentionCallTask(models.Model):
    """A call to an at-risk customer: who calls, by when, and how it went. The drafts (a call script and
    an SMS, written by hand or by Gemini) are kept on it so staff can edit and send the SMS."""

    class Status(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Done")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached, no decision yet")
        NOT_REACHED = "not_reached", _("Not reached")
        ACCEPTED_OFFER = "accepted_offer", _("Accepted an offer")
        WILL_STAY = "will_stay", _("Will stay")
        WILL_LEAVE = "will_leave", _("Will leave")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="retention_calls")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="retention_calls")
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    # The risk when the task was made, so the report can say what the call was about later.
    probability = models.FloatField(null=True, blank=True)
    script = models.TextField(blank=True)
    sms_draft = models.TextField(blank=True)
    drafts_language = models.CharField(max_length=2, blank=True)
    drafts_by_gemini = models.BooleanField(default=False)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", outcome="") | (models.Q(status="done") & ~models.Q(outcome="")),
                name="retention_call_outcome_when_done",
            ),
        ]

    def __str__(self):
        return f"call {self.pk} to customer {self.customer_id} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


class RetentionOffer(models.Model):
    """An offer to keep a customer: a discount in percent, or a free upgrade, for N months of one
    subscription. Its money moves only through billing: a credit note on each period invoice within
    the window (churn/offers.py, docs/billing.md "Retention offers")."""

    class Kind(models.TextChoices):
        DISCOUNT = "discount", _("Discount")
        FREE_UPGRADE = "free_upgrade", _("Free upgrade")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="retention_offers")
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT, related_name="retention_offers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField()
    # The package the subscription was on (what the customer pays during a free upgrade) and the one it
    # is upgraded to.
    original_package = models.ForeignKey("customers.Package", on_delete=models.PROTECT, related_name="+")
    upgrade_package = models.ForeignKey("customers.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    # The last day of the billing period in which the N months end: periods starting in the window are covered.
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    upgrade_change = models.ForeignKey("billing.PackageChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    switch_back_change = models.ForeignKey("billing.PackageChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription"], condition=models.Q(status="active"), name="one_active_offer_per_subscription"),
            models.CheckConstraint(
                condition=(models.Q(kind="discount", percent__gt=0, percent__lte=100, upgrade_package__isnull=True))
                | models.Q(kind="free_upgrade", percent__isnull=True, upgrade_package__isnull=False),
                name="retention_offer_kind_fields",
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1, months__lte=12), name="retention_offer_months"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for subscription {self.subscription_id}"


class RetentionOfferCredit(models.Model):
    """What an offer credited on one invoice: once per offer and invoice. A credit note for what was
    open on the invoice, and an account credit for any rest (an invoice already paid)."""

    offer = models.ForeignKey(RetentionOffer, on_delete=models.PROTECT, related_name="credits")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    credit_note = models.ForeignKey("billing.CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    account_entry = models.ForeignKey("billing.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["offer", "invoice"], name="one_retention_credit_per_offer_invoice")]


class RetentionFieldCheck(models.Model):
    """A technician's visit to check an at-risk customer's connection: a field-service work order."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="retention_field_checks")
    work_order = models.OneToOneField("fieldservice.WorkOrder", on_delete=models.PROTECT, related_name="retention_check")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class GeminiSettings(models.Model):
    """The Gemini API key (encrypted at rest) and model, edited in Settings → Gemini. Without a key here
    or in GEMINI_API_KEY, the retention drafts are written by hand and the button is hidden."""

    api_key = EncryptedTextField(blank=True)
    model_name = models.CharField(max_length=60, default="gemini-2.5-flash")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "Gemini settings"

    def __str__(self):
        return "Gemini settings"
