"""Contracts: versioned templates, contracts with a term and a lifecycle, the signature evidence and
the hash-chained event log.

- `ContractTemplate`: one row per version of a template in one language; saving a change writes a
  new version, and a contract keeps the exact version it was made from.
- `Contract`: draft → sent → signed → active → expired / renewed / terminated (void from draft or
  sent). Its text is frozen when it is sent; the PDF shown to the customer is stored with its SHA-256.
- `Signature`: the evidence of one signing (signer, verified phone, IP, user agent, GPS, times,
  the hashes of the PDF shown and of the consent text, the drawn image and the signed PDF's hash).
- `ContractEvent`: every step of a contract, each row carrying the hash of the one before.
- `ContractRule`: which template (and which terms) a new subscription or a package change gets
  its contract from, by package and connection type; the most specific rule wins.
- `SigningSession`: one attempt at signing one contract, in the portal or on a technician's phone
  on site; the one-time code it sent is the only code that signs, and only in it.

On PostgreSQL the database refuses to change or delete a signature or an event, and to change a
signed contract's text or document hashes (migration 0002), as it does for the audit log.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    BANGLA = "bn", "বাংলা"


class ContractTemplate(models.Model):
    key = models.SlugField(max_length=50, help_text=_("Names the template across its versions and languages"))
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Text with variables such as {{ customer_name }}"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "language", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "language", "version"], name="contract_template_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language}, v{self.version})"


def _verify_code() -> str:
    return secrets.token_urlsafe(12)


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent for signature")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        RENEWED = "renewed", _("Renewed")
        TERMINATED = "terminated", _("Terminated")
        VOID = "void", _("Void")

    class FeeKind(models.TextChoices):
        NONE = "none", _("No early-termination fee")
        FIXED = "fixed", _("Fixed amount")
        PER_MONTH = "per_month", _("Remaining months × rate")
        PERCENT = "percent", _("Percentage of the remaining value")

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.SENT, Status.VOID},
        Status.SENT: {Status.SENT, Status.SIGNED, Status.VOID},
        Status.SIGNED: {Status.ACTIVE, Status.TERMINATED},
        Status.ACTIVE: {Status.EXPIRED, Status.RENEWED, Status.TERMINATED},
        Status.EXPIRED: set(),
        Status.RENEWED: set(),
        Status.TERMINATED: set(),
        Status.VOID: set(),
    }
    UNSIGNED = (Status.DRAFT, Status.SENT)
    IN_FORCE = (Status.SIGNED, Status.ACTIVE)

    number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="contracts")
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    template = models.ForeignKey(ContractTemplate, on_delete=models.PROTECT, related_name="contracts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    term_months = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    auto_renew = models.BooleanField(default=True)
    notice_days = models.PositiveSmallIntegerField(default=30, help_text=_("Notice needed to stop auto-renewal"))
    reminder_days = models.PositiveSmallIntegerField(default=30, help_text=_("Renewal reminder this many days before the end"))
    # Gross, VAT included, per month: the price the contract quotes.
    monthly_price = MoneyField()
    # The same price before VAT: what the early-termination fee's remaining value is worked out on
    # (VAT is added once, on the fee's invoice line; docs/billing.md).
    monthly_net = MoneyField(default=0)
    fee_kind = models.CharField(max_length=16, choices=FeeKind.choices, default=FeeKind.NONE)
    fee_value = MoneyField(default=0, help_text=_("Amount, rate per month, or percent"))
    equipment = models.CharField(max_length=255, blank=True)
    # Frozen when sent: the text, and the PDF shown to the customer with its SHA-256.
    body_text = models.TextField(blank=True)
    document = models.FileField(upload_to="contracts/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    verify_code = models.CharField(max_length=32, unique=True, default=_verify_code)
    renewed_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal")
    # A package change's contract replaces the one in force; the old one ends (without a fee) once this is signed.
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=255, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    fee_waived_reason = models.CharField(max_length=255, blank=True)
    fee_charge = models.ForeignKey(
        "billing.OneTimeCharge", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("send_contract", "Can send, resend and void contracts"),
            ("waive_fee_contract", "Can waive an early-termination fee"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(term_months__gte=1), name="contract_term_positive"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="contract_end_after_start"),
            models.CheckConstraint(condition=Q(fee_value__gte=0, monthly_price__gte=0, monthly_net__gte=0), name="contract_money_not_negative"),
            models.CheckConstraint(
                condition=~Q(fee_kind="percent") | Q(fee_value__lte=100), name="contract_fee_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def can_transition_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS[self.Status(self.status)]


class SigningChannel(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    ON_SITE = "on_site", _("Technician's phone, on site")


class Signature(models.Model):
    """The evidence of a signing. Written once; the database refuses any change (PostgreSQL)."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="signature")
    channel = models.CharField(max_length=16, choices=SigningChannel.choices, default=SigningChannel.PORTAL)
    # On site: the technician whose phone the customer signed on (a witness, never the signer).
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=150)
    phone_verified = models.CharField(max_length=20)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    device_time = models.CharField(max_length=64, blank=True, help_text=_("The signing device's clock, as it reported it"))
    server_time = models.DateTimeField()
    image = models.FileField(upload_to="signatures/")
    image_sha256 = models.CharField(max_length=64)
    document_sha256 = models.CharField(max_length=64, help_text=_("SHA-256 of the PDF shown to the signer"))
    consent_text = models.TextField()
    consent_sha256 = models.CharField(max_length=64)
    signed_pdf = models.FileField(upload_to="contracts/signed/")
    signed_pdf_sha256 = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"Signature of {self.contract_id}"


class ContractEvent(models.Model):
    """One step of a contract. `hash` = SHA-256 of the previous event's hash and this event's
    canonical content, so removing, reordering or editing a row breaks the chain."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["contract", "seq"]
        constraints = [models.UniqueConstraint(fields=["contract", "seq"], name="contract_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.seq} {self.action}"


class ContractRule(models.Model):
    """Which template a subscription's contract is drafted from, automatically, when the
    subscription is created or its package changes. A rule names a package, a connection type,
    both or neither; the most specific rule that matches wins (then the newest)."""

    class Applies(models.TextChoices):
        BOTH = "both", _("New subscriptions and package changes")
        NEW = "new", _("New subscriptions")
        CHANGE = "change", _("Package changes")

    template_key = models.SlugField(max_length=50, help_text=_("The template, in the customer's language when it has one"))
    package = models.ForeignKey("customers.Package", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                help_text=_("Empty = every package"))
    connection_type = models.CharField(max_length=16, blank=True, choices=[
        ("pppoe", _("PPPoE")), ("static", _("Static IP")), ("hotspot", _("Hotspot")),
    ], help_text=_("Empty = every connection type"))
    applies_to = models.CharField(max_length=8, choices=Applies.choices, default=Applies.BOTH)
    auto_renew = models.BooleanField(default=True)
    notice_days = models.PositiveSmallIntegerField(default=30)
    fee_kind = models.CharField(max_length=16, choices=Contract.FeeKind.choices, default=Contract.FeeKind.NONE)
    fee_value = MoneyField(default=0)
    send_at_once = models.BooleanField(default=True, help_text=_("Send it for the customer's signature as soon as it is drafted"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template_key", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_value__gte=0), name="contract_rule_fee_not_negative"),
            models.CheckConstraint(condition=~Q(fee_kind="percent") | Q(fee_value__lte=100), name="contract_rule_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key}: {self.package or '*'} / {self.connection_type or '*'} ({self.applies_to})"

    @property
    def specificity(self) -> int:
        return (2 if self.package_id else 0) + (1 if self.connection_type else 0)


def _session_key() -> str:
    return secrets.token_urlsafe(24)


class SigningSession(models.Model):
    """One attempt at signing one contract: made when a code is asked for, it holds the one code
    that may sign in it, expires with that code, and ends when it signs or a newer session starts.
    Its key lives only in the signing browser's session."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="signing_sessions")
    key = models.CharField(max_length=40, unique=True, default=_session_key)
    channel = models.CharField(max_length=16, choices=SigningChannel.choices)
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visit_ref = models.CharField(max_length=40, blank=True, help_text=_("The field visit it happened on"))
    one_time_code = models.OneToOneField("accounts.OneTimeCode", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "-created_at"], name="signing_session_contract_idx")]

    def __str__(self) -> str:
        return f"Signing of {self.contract_id} ({self.channel})"
