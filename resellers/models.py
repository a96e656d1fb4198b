"""Resellers (sub-dealers): who they are, what they may sell and at what price, how they earn.

Their money (wallet, commissions, payouts posted) lives in `billing.wallet_models` and is written
only by `billing/ledger/wallets.py`; this app holds the terms and the requests around it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class Reseller(models.Model):
    """A sub-dealer who sells and collects for the ISP in an area; signs in to the reseller portal."""

    class Model(models.TextChoices):
        PREPAID = "prepaid", _("Prepaid wallet")
        COMMISSION = "commission", _("Commission")

    class Kind(models.TextChoices):
        SUBSCRIBERS = "subscribers", _("Reseller of connections")
        CARDS = "cards", _("Card distributor")

    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20)
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="resellers")
    # The owner's login (role owner); further logins are ResellerLogin rows.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reseller")
    is_active = models.BooleanField(default=True)
    model = models.CharField(max_length=16, choices=Model.choices, default=Model.COMMISSION)
    # A card distributor (a shop, a reseller of prepaid Wi-Fi cards) buys batches of cards from its
    # wallet at the card price less `card_commission_percent` (vouchers/services.py: batch_issue).
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SUBSCRIBERS)
    card_commission_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0,
        help_text=_("Card distributors: the share of the card price they keep (they pay the rest for a batch)"),
    )
    contact_person = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    areas = models.ManyToManyField("customers.Area", blank=True, related_name="resellers")
    # A sub-reseller sells under this (prepaid) reseller: within its areas and packages, at prices it
    # sets, and every renewal charges both wallets in one step. One level only: a parent has no parent.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subresellers",
        help_text=_("The reseller this sub-reseller sells under"),
    )
    # An SMS to `phone` when a debit takes the wallet balance below this (once per crossing); empty = no alert.
    low_balance_alert = MoneyField(
        null=True, blank=True, help_text=_("Send an SMS when the wallet balance falls below this amount")
    )
    # Their customers' invoices, receipts and statements (PDF and portal) carry the reseller's name and logo.
    brand_on_documents = models.BooleanField(default=False, help_text=_("Show the reseller's name and logo on their customers' invoices"))
    logo = models.ImageField(upload_to="resellers/logos/", blank=True)
    # SMS to their customers go out under this sender id (masking), where the SMS gateway takes one.
    sms_sender_id = models.CharField(
        max_length=11, blank=True, help_text=_("SMS sender name for their customers (at most 11 letters or digits, approved by the SMS provider)"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("topup_reseller", "Can top up and adjust reseller wallets"),
            ("approve_payout", "Can approve reseller payouts"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="reseller_not_own_parent"),
            models.CheckConstraint(
                condition=Q(card_commission_percent__gte=0, card_commission_percent__lt=100), name="reseller_card_commission_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prepaid(self) -> bool:
        return self.model == self.Model.PREPAID

    @property
    def is_card_distributor(self) -> bool:
        return self.kind == self.Kind.CARDS

    def clean(self):
        super().clean()
        if self.kind == self.Kind.CARDS and not self.is_prepaid:
            raise ValidationError({"kind": _("A card distributor pays for its cards from a prepaid wallet.")})
        if self.parent_id is None:
            if self.pk and not self.is_prepaid and Reseller.objects.filter(parent_id=self.pk).exists():
                raise ValidationError({"model": _("A reseller with sub-resellers stays prepaid.")})
            return
        # One level: a sub-reseller's parent is a top-level prepaid reseller, and a reseller with
        # sub-resellers of its own cannot become one.
        parent = self.parent
        if parent.parent_id is not None or parent.pk == self.pk:
            raise ValidationError({"parent": _("A sub-reseller sells under a top-level reseller.")})
        if not parent.is_prepaid or not self.is_prepaid:
            raise ValidationError({"parent": _("Sub-resellers and the reseller above them are prepaid.")})
        if self.pk and Reseller.objects.filter(parent_id=self.pk).exists():
            raise ValidationError({"parent": _("A reseller with sub-resellers cannot become one.")})


class ResellerLogin(models.Model):
    """A further login of a reseller's business: an owner (everything) or a staff member (customers,
    renewals, collections and tickets; no payouts)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    reseller = models.ForeignKey(Reseller, on_delete=models.PROTECT, related_name="logins")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reseller_login")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ResellerPackage(models.Model):
    """A package the reseller may sell; `price` is what a prepaid reseller's wallet pays per cycle."""

    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="packages")
    package = models.ForeignKey("customers.Package", on_delete=models.PROTECT, related_name="+")
    price = MoneyField(null=True, blank=True, help_text=_("Reseller price per cycle (prepaid resellers)"))

    class Meta:
        ordering = ["package__price", "package__name"]
        constraints = [
            models.UniqueConstraint(fields=["reseller", "package"], name="resellerpackage_once"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=0), name="resellerpackage_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.package} @ {self.price}"


class CommissionRule(models.Model):
    """A share of collected payments (commission model). The most specific rule applies: one for the
    payment's package before a general one, and of those the highest tier the reseller reaches
    (`min_active_customers`)."""

    reseller = models.ForeignKey(Reseller, on_delete=models.CASCADE, related_name="commission_rules")
    package = models.ForeignKey("customers.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Only for this many months from the customer's first payment; empty = for ever")
    )
    min_active_customers = models.PositiveIntegerField(default=0, help_text=_("Tier: applies from this many active customers"))

    class Meta:
        ordering = ["package_id", "-min_active_customers"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="commissionrule_percent_range"),
        ]

    def __str__(self) -> str:
        return f"{self.percent}%"


class CommissionStatement(models.Model):
    """A closed month of commissions: the totals as they stood when staff or the reseller closed it."""

    reseller = models.ForeignKey(Reseller, on_delete=models.PROTECT, related_name="statements")
    period = models.DateField(help_text=_("First day of the month"))
    accrued = MoneyField()
    margin = MoneyField()
    clawed_back = MoneyField()
    paid_out = MoneyField()
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["reseller", "period"], name="commissionstatement_once")]

    def __str__(self) -> str:
        return f"{self.reseller} {self.period:%Y-%m}"


class Payout(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    reseller = models.ForeignKey(Reseller, on_delete=models.PROTECT, related_name="payouts")
    amount = MoneyField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    note = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)
    entry = models.OneToOneField("billing.CommissionEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"{self.reseller} {self.amount}"


class Renewal(models.Model):
    """A prepaid renewal, from request to done.

    requested → the reseller asked; nothing is taken yet. Requests against one wallet are debited
    together, in request order, by whichever request takes the wallet lock next (`renewal_debit`):
    one lock, one set-based debit for all of them, so a wallet's throughput does not hang on one
    renewal's round trips. → pending: the wallet debit (`entry`) is committed, with this status, in
    that transaction; or → refused (too little balance), with the reason, nothing taken.
    pending → settled: the customer's side, outside the wallet lock (the period's invoice, the payment
    settling it, the margin, activation), under this row's lock, exactly once; the payment's
    idempotency key is the debit's. `usecases.tasks.settle_pending_renewals` finishes any request or
    settlement a crash or an error left behind."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PENDING = "pending", _("Being completed")
        SETTLED = "settled", _("Done")
        REFUSED = "refused", _("Refused")

    # A subscription's period is renewed once: a repeat request finds the live one.
    LIVE = (Status.REQUESTED, Status.PENDING, Status.SETTLED)

    reseller = models.ForeignKey(Reseller, on_delete=models.PROTECT, related_name="renewals")
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT, related_name="reseller_renewals")
    entry = models.OneToOneField("billing.WalletEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal")
    period_start = models.DateField()
    period_end = models.DateField()
    price = MoneyField(help_text=_("What the wallet pays"))
    # A sub-reseller's renewal also charges its parent's wallet the parent's price, in the same step.
    parent_price = MoneyField(null=True, blank=True, help_text=_("What the parent reseller's wallet pays"))
    parent_entry = models.OneToOneField(
        "billing.WalletEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="parent_renewal",
    )
    # The form's key: a double click or a retry finds this request. Cleared on refusal, so the same
    # form may be sent again after a top-up.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    invoice = models.ForeignKey("billing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey("payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["subscription", "-period_end"], name="renewal_sub_latest_idx"),
            models.Index(fields=["reseller", "id"], condition=Q(status="requested"), name="renewal_requested_idx"),
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="renewal_pending_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"], condition=Q(status__in=["requested", "pending", "settled"]),
                name="renewal_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(entry__isnull=True, status__in=["requested", "refused"]) | Q(entry__isnull=False, status__in=["pending", "settled"]),
                name="renewal_debited_iff_pending_or_settled",
            ),
        ]

    def __str__(self) -> str:
        return f"Renewal {self.subscription_id} {self.period_start}..{self.period_end}"
