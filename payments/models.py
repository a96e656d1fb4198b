"""Money received from customers. Append-only: a mistaken payment is reversed by new rows
(a reversal ledger entry, negative allocations), never edited or deleted. How a payment was
applied to invoices lives in billing.Allocation."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField
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
        # A prepaid reseller's renewal, paid from the reseller's wallet: no one's cash, so it has no receiver.
        WALLET = "wallet", _("Reseller wallet")
        # Paid from the bKash app's Pay Bill menu (payments/paybill.py): no one's cash, so it has no receiver.
        BKASH_PAYBILL = "bkash_paybill", _("bKash Pay Bill")
        # A prepaid Wi-Fi card redeemed onto the account (vouchers, docs/vouchers.md "Recharge by card"): its
        # money came in when a distributor bought the card, so it is no one's cash and has no receiver.
        PREPAID_CARD = "prepaid_card", _("Prepaid card")
        # VAT a corporate customer deducted at source and pays to the NBR itself (docs/vat.md): it settles the
        # invoice's VAT part, no one's cash; a `VdsDeduction` holds its certificate (Mushak-6.6).
        VDS = "vds", _("VAT deducted at source")

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
        permissions = [
            ("reverse_payment", "Can reverse a payment"),
            ("backdate_payment", "Can date a receipt further back than RECEIPT_BACKDATE_DAYS"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        # Collections by day (the staff home's "collected today", the payments list's dates, analytics).
        indexes = [models.Index(fields=["received_at"], name="payment_received_at_idx")]

    def __str__(self) -> str:
        return self.receipt_number



class QueuedPayment(models.Model):
    """A payment a gateway confirmed, waiting a moment to be recorded together with the others that
    arrived meanwhile (payments/grouped.py): the receipt counter, which every receipt waits
    on, is then taken once per group instead of once per payment. Not money: the payment, its receipt
    and ledger entry are written when the group is recorded (`payment` set then), and the row is
    deleted once the payment's message and webhook are queued. A row left with `refusal` is one the
    group could not record; its own request answers with why."""

    idempotency_key = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    amount = MoneyField()
    method = models.CharField(max_length=16, choices=Payment.Method.choices)
    reference = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True)
    # Recorded in a group, its message and webhook not queued yet (the group's recorder does that
    # right after the group commits, or the minute job): the row is deleted when they are.
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    refusal = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.idempotency_key

# Online payments (SSLCommerz) ---------------------------------------------------------------------


class MerchantSettings(models.Model):
    """What every gateway's settings row has besides its credentials, `enabled` and `base_url` (each
    gateway's own help text): the fee rule, the branches whose customers see the gateway, who saved it
    last. payments/merchant_config.py reads the row over the environment."""

    fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    fee_passed = models.BooleanField(default=False)
    # Empty: every branch's customers see this gateway.
    branches = models.ManyToManyField("customers.Branch", blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class GatewaySettings(MerchantSettings):
    """The SSLCommerz store: one row (pk=1), edited by admins in Settings → Payment gateways. Empty
    fields fall back to the environment (SSLCOMMERZ_STORE_ID, SSLCOMMERZ_STORE_PASSWORD, SSLCOMMERZ_BASE_URL)."""

    enabled = models.BooleanField(default=True, help_text=_("Customers see Pay Now in the portal"))
    store_id = models.CharField(max_length=64, blank=True)
    store_password = EncryptedTextField(blank=True)
    base_url = models.URLField(
        blank=True,
        help_text=_("https://securepay.sslcommerz.com (live), https://sandbox.sslcommerz.com, or the local emulator"),
    )
    # MerchantSettings' fee fields, with help texts (bKash's and Nagad's have none: giving them some needs a migration).
    fee_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"),
        help_text=_("The gateway's charge, in percent of the amount (docs/payments.md, the fee rule)"),
    )
    fee_passed = models.BooleanField(
        default=False, help_text=_("On: the customer pays the fee on top (shown before paying). Off: the ISP absorbs it."),
    )

    class Meta:
        verbose_name_plural = "gateway settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="gateway_settings_single_row")]

    def __str__(self) -> str:
        return "Payment gateway settings"


class GatewayPayment(models.Model):
    """One hosted-checkout attempt: created (pending) before the session is opened, with the amount we
    expect; it becomes paid exactly once, confirmed through the validation API. The money is recorded
    as a `Payment` (receipt, allocation, reactivation) right after that commit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        HELD = "held", _("Held for review")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected after review")

    class Purpose(models.TextChoices):
        DUE = "due", _("Total due")
        INVOICE = "invoice", _("One invoice")
        ADVANCE = "advance", _("Advance")
        # A visitor buying a prepaid Wi-Fi card at a zone (vouchers.WifiPurchase): no customer; its money
        # is a `billing.CardSale`, not a `Payment` (docs/vouchers.md, "Wi-Fi zone sign-up").
        CARD = "card", _("Wi-Fi card")

    # A notification may still settle these: the gateway's word on money beats a browser's "cancel".
    OPEN_STATUSES = (Status.PENDING, Status.FAILED, Status.CANCELLED, Status.EXPIRED)

    # Every change of `status` there is (docs/payments.md, "States"): written only by
    # payments/gateway_state.py, which checks this table. Paid and rejected are final; a closed attempt
    # (failed, cancelled, expired) can still be settled on the gateway's word; held waits for staff.
    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.PAID, Status.HELD, Status.FAILED, Status.CANCELLED, Status.EXPIRED},
        Status.FAILED: {Status.PAID, Status.HELD},
        Status.CANCELLED: {Status.PAID, Status.HELD},
        Status.EXPIRED: {Status.PAID, Status.HELD},
        Status.HELD: {Status.PAID, Status.REJECTED},
        Status.PAID: set(),
        Status.REJECTED: set(),
    }

    class Gateway(models.TextChoices):
        SSLCOMMERZ = "sslcommerz", "SSLCommerz"
        BKASH = "bkash", "bKash"
        NAGAD = "nagad", "Nagad"

    # Empty only for a visitor's card purchase (purpose "card"): a constraint holds it.
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_payments")
    gateway = models.CharField(max_length=16, choices=Gateway.choices, default=Gateway.SSLCOMMERZ, db_index=True)
    tran_id = models.CharField(max_length=30, unique=True)
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    months = models.PositiveSmallIntegerField(default=0)
    invoices = models.ManyToManyField("billing.Invoice", blank=True, related_name="gateway_payments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.CharField(max_length=255, blank=True)
    sessionkey = models.CharField(max_length=100, blank=True)
    gateway_url = models.URLField(max_length=500, blank=True)
    val_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    bank_tran_id = models.CharField(max_length=100, blank=True)
    card_type = models.CharField(max_length=60, blank=True)
    method = models.CharField(max_length=16, choices=Payment.Method.choices, blank=True)
    risk_level = models.CharField(max_length=4, blank=True)
    risk_title = models.CharField(max_length=100, blank=True)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_payment")
    # A card purchase's money, once recorded (the `payment` of a visitor's purchase).
    card_sale = models.OneToOneField("billing.CardSale", null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_payment")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The gateway's charge inside `amount`: passed on (the customer paid it on top; a fee entry in the
    # ledger when credited) or absorbed (the ISP's cost; `amount` is what the customer owed).
    fee = MoneyField(default=Decimal("0.00"))
    fee_passed = models.BooleanField(default=False)
    fee_entry = models.OneToOneField(
        "billing.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_fee_of"
    )
    # A payment made with a saved bKash agreement (auto-pay, or the customer's "pay with saved wallet").
    agreement = models.ForeignKey("payments.BkashAgreement", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payments")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("refund_gatewaypayment", "Can refund an online payment"),
            ("review_gatewaypayment", "Can approve or reject a risky online payment"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gateway_payment_amount_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0) & Q(fee__lt=models.F("amount")), name="gateway_payment_fee_in_amount"),
            models.CheckConstraint(condition=Q(customer__isnull=False) | Q(purpose="card"), name="gateway_payment_customer_or_card"),
            models.CheckConstraint(condition=Q(card_sale__isnull=True) | Q(purpose="card", payment__isnull=True),
                                   name="gateway_payment_card_sale_only_for_cards"),
        ]

    def __str__(self) -> str:
        return self.tran_id

    @property
    def is_final(self) -> bool:
        return self.status in (self.Status.PAID, self.Status.HELD, self.Status.REJECTED)

    def can_become(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS[self.Status(self.status)]

    @property
    def refunded_total(self):
        return sum((r.amount for r in self.refunds.all() if r.status != GatewayRefund.Status.FAILED), Decimal("0.00"))


class GatewayEvent(models.Model):
    """Append-only log of every exchange with the gateway for one payment, secrets redacted."""

    class Kind(models.TextChoices):
        SESSION = "session", _("Session opened")
        RETURN = "return", _("Browser return")
        IPN = "ipn", _("IPN")
        VALIDATION = "validation", _("Validation")
        QUERY = "query", _("Transaction query")
        REFUND = "refund", _("Refund")
        REVIEW = "review", _("Review")
        ERROR = "error", _("Error")

    gateway_payment = models.ForeignKey(GatewayPayment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    outcome = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.outcome}"


class GatewayRefund(models.Model):
    """A refund through the gateway, polled until final. The ledger gets its refund entry when the
    gateway accepts it (money leaves); a refund that then fails is reversed by a new entry."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Failed")

    gateway_payment = models.ForeignKey(GatewayPayment, on_delete=models.PROTECT, related_name="refunds")
    amount = MoneyField()
    reason = models.CharField(max_length=255)
    refe_id = models.CharField(max_length=40, unique=True)
    refund_ref_id = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # The refund form's hidden key: the same submission twice (a double click) starts one refund.
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # The refund's ledger entry, written when the gateway accepts the refund of a credited payment
    # (none for a held payment, which was never credited); its reversal when the gateway cancels it.
    ledger_entry = models.OneToOneField(
        "billing.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_refund"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="gateway_refund_amount_positive")]

    def __str__(self) -> str:
        return self.refe_id


# bKash Tokenized Checkout (payments/bkash.py, payments/bkash_flow.py) ------------------------------


class BkashSettings(MerchantSettings):
    """The bKash merchant: one row (pk=1), edited by admins in Settings → Payment gateways. Secrets are
    encrypted at rest; empty fields fall back to the environment (BKASH_*)."""

    enabled = models.BooleanField(default=False, help_text=_("Customers see bKash in the portal"))
    app_key = models.CharField(max_length=128, blank=True)
    app_secret = EncryptedTextField(blank=True)
    username = models.CharField(max_length=128, blank=True)
    password = EncryptedTextField(blank=True)
    base_url = models.URLField(blank=True, help_text=_("…/v1.2.0-beta/tokenized/checkout of bKash, or the local emulator"))

    class Meta:
        verbose_name_plural = "bKash settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="bkash_settings_single_row")]

    def __str__(self) -> str:
        return "bKash settings"


class NagadSettings(MerchantSettings):
    """The Nagad merchant: one row (pk=1), edited by admins in Settings → Payment gateways. The merchant's
    private key is encrypted at rest and never shown back; Nagad's public key is public. Empty fields
    fall back to the environment (NAGAD_*)."""

    enabled = models.BooleanField(default=False, help_text=_("Customers see Nagad in the portal"))
    merchant_id = models.CharField(max_length=32, blank=True)
    merchant_number = models.CharField(max_length=16, blank=True)
    merchant_private_key = EncryptedTextField(blank=True)
    nagad_public_key = models.TextField(blank=True)
    base_url = models.URLField(blank=True, help_text=_("…/api/dfs of Nagad, or the local emulator"))

    class Meta:
        verbose_name_plural = "Nagad settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="nagad_settings_single_row")]

    def __str__(self) -> str:
        return "Nagad settings"


class BkashAgreement(models.Model):
    """A customer's linked bKash wallet: only bKash's agreement id and the masked wallet number, both
    encrypted at rest. Removing one revokes it at bKash and keeps the row (soft delete)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being linked")
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")
        REVOKED = "revoked", _("Revoked at bKash")
        FAILED = "failed", _("Not linked")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="bkash_agreements")
    # The create (mode 0000) call's paymentID while linking: the callback finds the row by it.
    link_payment_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    agreement_id = EncryptedTextField(blank=True)
    wallet_masked = EncryptedTextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True), name="bkash_agreement_one_primary"),
            models.CheckConstraint(condition=Q(is_primary=False) | Q(status="active"), name="bkash_agreement_primary_is_active"),
        ]

    def __str__(self) -> str:
        return f"bKash {self.wallet_masked or '…'}"


class AutoPay(models.Model):
    """A customer's choice to have due invoices paid from their primary saved bKash wallet."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="autopay")
    enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"auto-pay {'on' if self.enabled else 'off'} for {self.customer_id}"


class AutoPayAttempt(models.Model):
    """Auto-pay's one row per invoice: the claim that makes a charge happen at most once. A worker
    claims it under a row lock (status charging, with the gateway payment it opens); a re-run finds a
    charging row and asks the gateway what became of that payment before it tries anything again."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CHARGING = "charging", _("Charging")
        PAID = "paid", _("Paid")
        RETRY = "retry", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, stopped")
        SKIPPED = "skipped", _("Skipped")

    invoice = models.OneToOneField("billing.Invoice", on_delete=models.PROTECT, related_name="autopay_attempt")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="autopay_attempts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    tries = models.PositiveSmallIntegerField(default=0)
    next_try_on = models.DateField(null=True, blank=True)
    gateway_payment = models.ForeignKey(GatewayPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=255, blank=True)
    notified_before = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"auto-pay {self.invoice_id}: {self.status}"


class AutoPayRun(models.Model):
    """The job log of auto-pay: one row per run (a day's job, or a re-run), with what it did."""

    day = models.DateField(db_index=True)
    worker = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"auto-pay run {self.day}"


# Cash brought in from the field -----------------------------------------------------------------------


class CashHandover(models.Model):
    """Cash a collector took in the field (cash payments recorded in their name), counted and received
    by a cashier at a branch. What a collector still holds is their cash payments less their
    hand-overs. Append-only: never edited or deleted; a miscount is put right by the next hand-over."""

    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cash_handed_over")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cash_received")
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="cash_handovers")
    amount = MoneyField()
    handed_over_at = models.DateTimeField()
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handed_over_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cash_handover_amount_positive"),
            models.CheckConstraint(condition=~Q(collector=models.F("received_by")), name="cash_handover_not_to_oneself"),
        ]
        indexes = [models.Index(fields=["collector", "handed_over_at"], name="cash_handover_collector_idx")]

    def __str__(self) -> str:
        return f"{self.collector_id} → {self.received_by_id}: {self.amount}"


class PastPayment(models.Model):
    """A payment the customer made to the ISP before it moved to ispbill, brought over by a spreadsheet
    import of payment history. History only: it is not a Payment and moves no money — no ledger entry,
    no receipt, no cashier day or report counts it — because the opening balance posted at the cut-over
    already nets it (docs/billing.md, "Past payments are history, not payments"). payments/services.py
    writes it for an import's commit and undo (usecases/import_commit.py, usecases/import_undo.py); the
    staff customer page and the portal's payment history show it, labelled as such."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="past_payments")
    paid_on = models.DateField()
    amount = MoneyField()
    method = models.CharField(max_length=40, blank=True, help_text=_("As the old system wrote it (Cash, bKash, …)"))
    # The old system's reference: a re-import finds the record by it and never adds it twice.
    reference = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["customer", "-paid_on"], name="pastpayment_customer_idx")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pastpayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} on {self.paid_on}"


# Reconciliation with the gateways (payments/reconciliation.py, docs/payments.md "Reconciliation") ------


class GatewayStatement(models.Model):
    """A gateway's merchant-portal settlement report for one day, as staff uploaded it (the file's
    rows in `lines`). The gateways' APIs answer about one transaction at a time; only this report
    lists a whole day, with the fee and what the bank deposit will be. A later upload for the same
    day replaces the earlier one for reconciliation; both are kept."""

    gateway = models.CharField(max_length=16, db_index=True)
    day = models.DateField(db_index=True)
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.gateway} statement {self.day}"


class GatewayStatementLine(models.Model):
    """One transaction of a settlement report: a payment (money in, less the gateway's fee) or a
    refund (money out)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        PAYBILL = "paybill", _("Pay Bill")
        REFUND = "refund", _("Refund")

    statement = models.ForeignKey(GatewayStatement, on_delete=models.CASCADE, related_name="lines")
    txn_id = models.CharField(max_length=100, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    amount = MoneyField()
    fee = MoneyField(default=Decimal("0.00"))
    # Our tran_id (a checkout's merchant invoice number), or the account number a Pay Bill payment named.
    reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0) & Q(fee__gte=0), name="statement_line_amounts")]

    def __str__(self) -> str:
        return f"{self.txn_id} {self.amount}"


class ReconciliationRun(models.Model):
    """One reconciliation of one gateway's day: what was asked, what was found (counts), and how many
    transactions could not be checked (the gateway did not answer: run again)."""

    gateway = models.CharField(max_length=16, db_index=True)
    day = models.DateField(db_index=True)
    statement = models.ForeignKey(GatewayStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"reconciliation {self.gateway} {self.day}"


class ReconciliationItem(models.Model):
    """One transaction of a gateway's day as the two sides see it: matched, or a difference for staff
    to resolve (settle what the gateway has and we do not; reverse what we credited and the gateway
    does not have; mark for refund or acknowledge with a note). A re-run updates an unresolved item
    and never touches a resolved one."""

    class Kind(models.TextChoices):
        MATCHED = "matched", _("Matched")
        MISSING_OURS = "missing_ours", _("Missing on our side")
        MISSING_GATEWAY = "missing_gateway", _("Missing at the gateway")
        AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        SETTLED = "settled", _("Settled")
        REVERSED = "reversed", _("Reversed")
        REFUND_NEEDED = "refund_needed", _("Refund needed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    gateway = models.CharField(max_length=16, db_index=True)
    day = models.DateField(db_index=True)
    # The gateway's transaction id (bKash trxID, SSLCommerz bank_tran_id) — "ours:<tran_id>" when the
    # gateway has no transaction for one of our payments.
    key = models.CharField(max_length=110)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    txn_id = models.CharField(max_length=100, blank=True)
    gateway_payment = models.ForeignKey(GatewayPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    our_amount = MoneyField(null=True, blank=True)
    gateway_amount = MoneyField(null=True, blank=True)
    gateway_fee = MoneyField(null=True, blank=True)
    gateway_at = models.DateTimeField(null=True, blank=True)
    statement_kind = models.CharField(max_length=16, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    detail = models.CharField(max_length=255, blank=True)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True, default="")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "gateway_at", "id"]
        permissions = [("settle_reconciliationitem", "Can settle, reverse or acknowledge a gateway reconciliation difference")]
        constraints = [models.UniqueConstraint(fields=["gateway", "day", "key"], name="reconciliation_item_once_per_day")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.day} {self.key}: {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.kind != self.Kind.MATCHED and not self.resolution


class VdsDeduction(models.Model):
    """VAT a corporate customer (a withholding entity) deducted at source from what it paid on one
    invoice (docs/vat.md): the amount settles the invoice's VAT part as a payment of method `vds`
    (its money: Dr 1250 VDS receivable / Cr 1200), and the withholding entity's certificate
    (Mushak-6.6) is recorded when it arrives. Not money itself: the payment is."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="vds_deductions")
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="vds_deductions")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="vds_deduction")
    amount = MoneyField()
    deducted_on = models.DateField()
    certificate_number = models.CharField(max_length=64, blank=True, default="")
    certificate_date = models.DateField(null=True, blank=True)
    certificate_recorded_at = models.DateTimeField(null=True, blank=True)
    certificate_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-deducted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="vds_amount_positive"),
            models.CheckConstraint(
                condition=(Q(certificate_number="") & Q(certificate_date__isnull=True))
                | (~Q(certificate_number="") & Q(certificate_date__isnull=False)),
                name="vds_certificate_number_with_date",
            ),
        ]
        indexes = [models.Index(fields=["certificate_number"], name="vds_certificate_idx")]

    def __str__(self) -> str:
        return f"VDS {self.amount} on {self.invoice_id}"
