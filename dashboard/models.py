"""Daily metric snapshots: small rows the dashboards read instead of the ledger (docs/metrics.md).

One row per day, branch and dimension key: `all` (key 0), an area, a reseller (key 0 = customers
without one) or a package. Rows are per branch so a staff user's branch scope is a filter and a
sum; a customer belongs to one branch, so customer counts add up across branches too. Rows are
derived data, rewritten by the nightly job or the backfill command; the sources stay authoritative.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class DailyMetric(models.Model):
    class Dimension(models.TextChoices):
        ALL = "all", _("All")
        AREA = "area", _("Area")
        RESELLER = "reseller", _("Reseller")
        PACKAGE = "package", _("Package")

    day = models.DateField()
    branch = models.ForeignKey("customers.Branch", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.PositiveBigIntegerField(default=0)
    # MRR at the end of the day and what makes it up.
    mrr = MoneyField(default=0)
    subscriptions = models.PositiveIntegerField(default=0)
    customers = models.PositiveIntegerField(default=0)
    # Month to date: MRR at the end of the previous month and the movements since.
    start_mrr = MoneyField(default=0)
    new_mrr = MoneyField(default=0)
    expansion_mrr = MoneyField(default=0)
    contraction_mrr = MoneyField(default=0)
    churned_mrr = MoneyField(default=0)
    reactivation_mrr = MoneyField(default=0)
    # Counted at the month's start, paused by the customer since: not churn (docs/metrics.md).
    paused_mrr = MoneyField(default=0)
    # Customer-level figures (empty on package rows, where a customer has no single package).
    customers_at_start = models.PositiveIntegerField(null=True, blank=True)
    customers_churned = models.PositiveIntegerField(null=True, blank=True)
    billed = MoneyField(null=True, blank=True)
    revenue = MoneyField(null=True, blank=True)
    due = MoneyField(null=True, blank=True)
    collected = MoneyField(null=True, blank=True)
    # Collection efficiency, month to date at the end of the day (docs/metrics.md): of the invoices
    # falling due from the 1st to the day, what was asked (net of credit notes) and paid of it; and
    # payments applied since the 1st to invoices that fell due before the month.
    asked = MoneyField(null=True, blank=True)
    paid_of_asked = MoneyField(null=True, blank=True)
    arrears_collected = MoneyField(null=True, blank=True)
    ar_current = MoneyField(null=True, blank=True)
    ar_1_30 = MoneyField(null=True, blank=True)
    ar_31_60 = MoneyField(null=True, blank=True)
    ar_61_90 = MoneyField(null=True, blank=True)
    ar_90_plus = MoneyField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "branch_id", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(fields=["day", "branch", "dimension", "key"], name="daily_metric_unique"),
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="daily_metric_dim_day_idx")]
        permissions = [("view_analytics", "Can view business analytics, staff performance and their exports")]

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id} {self.dimension}:{self.key}"
