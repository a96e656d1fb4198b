"""Money received from customers. Append-only: a mistaken payment is reversed by new rows
(a reversal ledger entry, negative allocations), never edited or deleted. How a payment was
applied to invoices lives in billing.Allocation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank transfer")
        BKASH = "bkash", _("bKash")
        NAGAD = "nagad", _("Nagad")
        ROCKET = "rocket", _("Rocket")
        CHEQUE = "cheque", _("Cheque")
        ONLINE = "online", _("Online (gateway)")

    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        REVERSED = "reversed", _("Reversed")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()
    method = models.CharField(max_length=16, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True, help_text=_("Transaction id, cheque or bank reference"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COMPLETED, db_index=True)
    receipt_number = models.CharField(max_length=32, unique=True)
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reseller = models.ForeignKey(
        "resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    # A form's hidden key: the same submission twice records one payment.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    reversal_reason = models.TextField(blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        permissions = [("reverse_payment", "Can reverse a payment")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return self.receipt_number
