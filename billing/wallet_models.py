"""Reseller wallets: the money a reseller holds with the ISP, kept as ledgers like a customer's account.

Imported by `billing.models` so they belong to the billing app; written only by `billing/ledger/wallets.py`.
`ResellerWallet.balance` caches the sum of its `WalletEntry` rows (prepaid credit: top-ups raise it,
renewals lower it) and `commission_owed` caches the sum of its `CommissionEntry` rows (what the ISP
owes the reseller: accruals raise it, clawbacks and payouts lower it). Both are append-only.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class ResellerWallet(models.Model):
    reseller = models.OneToOneField("resellers.Reseller", on_delete=models.PROTECT, related_name="wallet")
    balance = MoneyField(default=Decimal("0.00"))
    # How far below zero the balance may go: the reseller renews on credit up to this amount.
    credit_limit = MoneyField(default=Decimal("0.00"))
    # Negative when a payment whose commission was already paid out is refunded or reversed: the reseller
    # owes that back, and it is taken from their next commissions (no payout until it is positive).
    commission_owed = MoneyField(default=Decimal("0.00"))
    # The last credit-use alert raised (0, 80 or 100 percent), so each threshold alerts once per crossing.
    alert_level = models.PositiveSmallIntegerField(default=0)
    # Commission periods up to this month are closed by a statement; new entries go to a later month.
    commission_closed_through = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="wallet_credit_limit_not_negative"),
            models.CheckConstraint(condition=Q(balance__gte=-F("credit_limit")), name="wallet_within_credit_limit"),
        ]

    def __str__(self) -> str:
        return f"Wallet of reseller {self.reseller_id}"

    @property
    def available(self) -> Decimal:
        """What the reseller can still spend: the balance plus the credit limit."""
        return self.balance + self.credit_limit

    @property
    def credit_used_percent(self) -> int:
        if self.balance >= 0:
            return 0
        if self.credit_limit <= 0:
            return 100
        return min(100, int(-self.balance * 100 / self.credit_limit))


class WalletEntry(models.Model):
    class Kind(models.TextChoices):
        TOPUP = "topup", _("Top-up")
        DEBIT = "debit", _("Renewal debit")
        REVERSAL = "reversal", _("Reversal")
        ADJUSTMENT = "adjustment", _("Adjustment")
        # Between a reseller and its sub-reseller: the parent's credit moved to the sub (- / +), and
        # the sub's renewal price paid to the parent (+ on the parent, beside its own debit).
        TRANSFER = "transfer", _("Transfer")
        SUB_RENEWAL = "sub_renewal", _("Sub-reseller renewal")
        # A card distributor's batch of prepaid cards (-), and the cards of a cancelled batch given back (+).
        CARDS = "cards", _("Prepaid cards")
        CARDS_REFUND = "cards_refund", _("Prepaid cards given back")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank transfer")
        BKASH = "bkash", _("bKash")
        NAGAD = "nagad", _("Nagad")
        CHEQUE = "cheque", _("Cheque")

    wallet = models.ForeignKey(ResellerWallet, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = MoneyField()  # signed: + raises the balance, - lowers it
    balance_after = MoneyField()
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="wallet_entries"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    memo = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["wallet", "-id"], name="walletentry_wallet_latest_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="walletentry_moves_money"),
            # One renewal debit per subscription and period, whatever the key or the timing.
            models.UniqueConstraint(
                fields=["wallet", "subscription", "period_start"], condition=Q(kind="debit"),
                name="walletentry_one_debit_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class CommissionEntry(models.Model):
    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("Commission")
        MARGIN = "margin", _("Renewal margin")
        CLAWBACK = "clawback", _("Clawback")
        PAYOUT = "payout", _("Payout")

    # Margins are what a prepaid reseller keeps (customer price - reseller price): reported, not owed.
    OWED_KINDS = (Kind.ACCRUAL, Kind.CLAWBACK, Kind.PAYOUT)

    wallet = models.ForeignKey(ResellerWallet, on_delete=models.PROTECT, related_name="commissions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = MoneyField()  # signed: accrual/margin +, clawback/payout -
    period = models.DateField(help_text=_("First day of the statement month this entry belongs to"))
    payment = models.ForeignKey("payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey("customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    base_amount = MoneyField(null=True, blank=True)  # what the commission was computed on
    rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    memo = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["wallet", "period"], name="commission_wallet_period_idx")]
        constraints = [
            # A payment may accrue more than once: as its advance credit pays invoices later (resellers/
            # commissions.py works each one out under the wallet lock, so nothing is earned twice).
            models.CheckConstraint(condition=~Q(amount=0), name="commission_moves_money"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
