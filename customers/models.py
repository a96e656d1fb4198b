import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField
from ispbill.core.money import MoneyField
from ispbill.notify.events import Language

from .districts import DISTRICT_CHOICES


class Branch(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=10, unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=100)
    # The bill collector ("line man") who covers the area: its customers' collector unless one of
    # them has their own (Customer.collector). An active staff user who may record payments.
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("collector"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="collector_areas",
    )
    # The district (zila) the area is in: the regulator's subscriber figures are counted by district.
    district = models.CharField(_("district"), max_length=32, blank=True, default="", db_default="", choices=DISTRICT_CHOICES)

    class Meta:
        ordering = ["branch__name", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="area_unique_name_per_branch")]

    def __str__(self) -> str:
        return self.name


class Package(models.Model):
    class Type(models.TextChoices):
        FIBER = "fiber", _("Fiber")
        BROADBAND = "broadband", _("Broadband")
        WIRELESS = "wireless", _("Wireless")

    class Cycle(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    name = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.FIBER)
    download_mbps = models.PositiveIntegerField()
    upload_mbps = models.PositiveIntegerField()
    price = MoneyField()
    billing_cycle = models.CharField(max_length=16, choices=Cycle.choices, default=Cycle.MONTHLY)
    ott_bundle = models.CharField(max_length=200, blank=True, help_text=_("Streaming apps included, comma-separated"))
    live_channels = models.PositiveIntegerField(default=0)
    data_cap_gb = models.PositiveIntegerField(null=True, blank=True, help_text=_("Monthly fair-usage cap; empty = none"))
    router_profile = models.CharField(max_length=64, help_text=_("PPPoE profile / queue name on the routers"))
    # Fair usage: past the cap a subscription is moved to this slower profile until its cycle resets.
    fup_download_mbps = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Download speed once the data cap is used up; empty = no throttling")
    )
    fup_upload_mbps = models.PositiveIntegerField(null=True, blank=True, help_text=_("Upload speed once the data cap is used up"))
    fup_profile = models.CharField(
        max_length=64, blank=True, help_text=_("Router profile for the throttled speed; empty = the package's profile + “-FUP”")
    )
    is_active = models.BooleanField(default=True)
    # Charged once, on the first invoice after the subscription is created (a one-time charge).
    installation_fee = MoneyField(default=Decimal("0.00"), help_text=_("Charged once when a subscription is created; 0 = none"))
    # A contract on this package binds the customer for this many months; empty = no minimum term.
    minimum_term_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Months a contract binds the customer; empty = no minimum term")
    )
    # Speed classes (issue 56): traffic to the BDIX peering prefixes and to the cache servers (YouTube
    # GGC, Facebook FNA …) has speeds of its own; empty = that traffic shares the internet speed.
    bdix_download_mbps = models.PositiveIntegerField(_("BDIX download (Mbps)"), null=True, blank=True)
    bdix_upload_mbps = models.PositiveIntegerField(_("BDIX upload (Mbps)"), null=True, blank=True)
    cache_download_mbps = models.PositiveIntegerField(_("cache download (Mbps)"), null=True, blank=True)
    cache_upload_mbps = models.PositiveIntegerField(_("cache upload (Mbps)"), null=True, blank=True)

    class Meta:
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="package_price_not_negative"),
            models.CheckConstraint(condition=Q(download_mbps__gt=0, upload_mbps__gt=0), name="package_speeds_positive"),
            models.CheckConstraint(
                condition=(Q(fup_download_mbps__isnull=True) & Q(fup_upload_mbps__isnull=True))
                | Q(fup_download_mbps__isnull=False, fup_upload_mbps__isnull=False, fup_download_mbps__gt=0, fup_upload_mbps__gt=0),
                name="package_fup_speeds_both_or_neither",
            ),
            models.CheckConstraint(
                condition=(Q(bdix_download_mbps__isnull=True) & Q(bdix_upload_mbps__isnull=True))
                | Q(bdix_download_mbps__gt=0, bdix_upload_mbps__gt=0),
                name="package_bdix_speeds_both_or_neither",
            ),
            models.CheckConstraint(
                condition=(Q(cache_download_mbps__isnull=True) & Q(cache_upload_mbps__isnull=True))
                | Q(cache_download_mbps__gt=0, cache_upload_mbps__gt=0),
                name="package_cache_speeds_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fup_profile_name(self) -> str:
        return self.fup_profile or f"{self.router_profile}-FUP"

    @property
    def has_speed_classes(self) -> bool:
        """BDIX or cache traffic has a speed of its own on this package."""
        return bool(self.bdix_download_mbps or self.cache_download_mbps)

    @property
    def has_fup(self) -> bool:
        """A cap and a throttled speed: what moving a subscription to the FUP profile needs."""
        return bool(self.data_cap_gb and self.fup_download_mbps and self.fup_upload_mbps)

    @property
    def speed_label(self) -> str:
        return _speed_text(self.download_mbps, self.upload_mbps)

    @property
    def speed_classes(self) -> list[tuple[str, str]]:
        """(label, speed) per class of traffic, for every screen that shows a package: internet, BDIX,
        cache, then each speed window's internet speed (docs/speeds.md)."""
        rows = [(str(_("Internet")), _speed_text(self.download_mbps, self.upload_mbps))]
        if self.bdix_download_mbps:
            rows.append((str(_("BDIX")), _speed_text(self.bdix_download_mbps, self.bdix_upload_mbps)))
        if self.cache_download_mbps:
            rows.append((str(_("Cache")), _speed_text(self.cache_download_mbps, self.cache_upload_mbps)))
        for window in (self.speed_windows.all() if self.pk else ()):
            rows.append((f"{window.starts:%H:%M}–{window.ends:%H:%M}", _speed_text(window.download_mbps, window.upload_mbps)))
        return rows

    @property
    def speeds_summary(self) -> str:
        """The speed label, or each class's speed on one line when the package has classes or windows."""
        rows = self.speed_classes
        if len(rows) == 1:
            return self.speed_label
        return " · ".join(f"{label} {speed}" for label, speed in rows)


def _speed_text(download: int, upload: int) -> str:
    def fmt(mbps: int) -> str:
        return f"{mbps // 1000} Gbps" if mbps >= 1000 and mbps % 1000 == 0 else f"{mbps} Mbps"

    return fmt(download) if download == upload else f"{fmt(download)} / {fmt(upload)}"


# Readable referral codes: no 0/O, 1/I/L, so a code read out over the phone is typed right.
REFERRAL_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERRAL_CODE_LENGTH = 8


def referral_code_new() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))



class PackageSpeedWindow(models.Model):
    """A time of day at another internet speed (a night boost: 00:00–08:00 at 40 Mbps). Local time in
    the ISP's zone; a window may cross midnight (22:00–02:00). At each edge the subscriptions on the
    package change speed without reconnecting (network/speed_boundary.py)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="speed_windows")
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    download_mbps = models.PositiveIntegerField(_("download (Mbps)"))
    upload_mbps = models.PositiveIntegerField(_("upload (Mbps)"))

    class Meta:
        ordering = ["package_id", "starts"]
        constraints = [
            models.CheckConstraint(condition=~Q(starts=models.F("ends")), name="speed_window_not_empty"),
            models.CheckConstraint(condition=Q(download_mbps__gt=0, upload_mbps__gt=0), name="speed_window_speeds_positive"),
            models.UniqueConstraint(fields=["package", "starts"], name="speed_window_one_start_per_package"),
        ]

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M} {self.download_mbps}/{self.upload_mbps} Mbps"

    def covers(self, moment) -> bool:
        """Whether the local time of day `moment` (a datetime.time) is inside the window (start
        included, end excluded)."""
        if self.starts < self.ends:
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends

class Customer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    account_number = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, db_index=True, help_text=_("E.164"))
    email = models.EmailField(blank=True)
    national_id = models.CharField(max_length=32, blank=True)
    address = models.TextField()
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="customers")
    # Copied from the area by the service: branch scoping and filtering without a join.
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="customers", editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    customer_since = models.DateField()
    notes = models.TextField(blank=True)
    # The customer's id in the system the ISP used before (spreadsheet, old billing): kept by the
    # import so a re-import updates instead of duplicating, and searchable from the customer list.
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True, default="", db_default="", db_index=True)
    # A corporate customer's Business Identification Number (VAT registration, 13 digits): printed as the
    # purchaser's BIN on its Mushak-6.3 tax invoices; such a customer may deduct VAT at source (docs/vat.md).
    vat_bin = models.CharField(
        _("BIN"), max_length=13, blank=True, default="", db_default="",
        validators=[RegexValidator(r"^(\d{9}|\d{13})$", _("A BIN is 13 digits (or the 9 digits of an older one)."))],
        help_text=_("A corporate customer's 13-digit VAT registration (BIN)."),
    )
    # Messages (SMS, WhatsApp, e-mail) and documents (invoices, receipts, statements) go out in this
    # language. Set by staff, or by the customer in the portal; empty means English.
    language = models.CharField(
        _("language for messages and documents"), max_length=2, choices=Language.CHOICES, blank=True, default="",
        db_default="",
    )
    reseller = models.ForeignKey(
        "resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="customers"
    )
    # A collector assigned to this customer alone, over the area's (see `effective_collector`).
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("collector"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="collector_customers",
    )
    # Set on create (31^8 codes: a clash is astronomically rare and the unique constraint refuses it).
    referral_code = models.CharField(max_length=12, unique=True, default=referral_code_new, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="customer"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_id_idx"),
            models.Index(fields=["customer_since", "id"], name="customer_since_id_idx"),
            models.Index(fields=["branch", "status", "id"], name="customer_branch_status_idx"),
            models.Index(fields=["area", "id"], name="customer_area_id_idx"),
            # The list filtered by area and status, newest first (the account sort is by id).
            models.Index(fields=["area", "status", "id"], name="customer_area_status_idx"),
            # A reseller's customer list, by name (100,000 customers under one reseller: bench/resellers.py).
            models.Index(fields=["reseller", "name", "id"], name="customer_reseller_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="customer_gps_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_number} {self.name}"

    @property
    def effective_collector(self):
        """Who collects from this customer: their own collector, else their area's (or nobody)."""
        return self.collector if self.collector_id else self.area.collector


class CustomerTally(models.Model):
    """How many customers each branch has in each status, kept by database triggers on the customer
    table so the staff home counts a million customers by reading a few rows (docs/architecture.md,
    "Counts the home shows"). Every insert, delete and status or branch change adds a row of +n / -n;
    the nightly `customer_tally_recount` folds them back into one row per branch and status. Never
    written by Python code: the triggers see every writer, bulk updates and raw SQL included."""

    branch = models.ForeignKey(Branch, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    status = models.CharField(max_length=16)
    n = models.BigIntegerField()

    class Meta:
        default_permissions = ()


class Subscription(models.Model):
    class ConnectionType(models.TextChoices):
        PPPOE = "pppoe", _("PPPoE")
        STATIC_IP = "static", _("Static IP")
        HOTSPOT = "hotspot", _("Hotspot")
        # IPoE: DHCP hands the customer's device (bound by its MAC address) a fixed address; no login.
        IPOE = "ipoe", _("IPoE / DHCP (MAC binding)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    class SuspensionType(models.TextChoices):
        NON_PAYMENT = "non_payment", _("Non-payment")
        CUSTOMER_REQUEST = "customer_request", _("Customer request")
        TECHNICAL = "technical", _("Technical")
        FRAUD = "fraud", _("Fraud")

    # Every lifecycle change goes through customers.services; this table is its law.
    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.SUSPENDED, Status.CANCELLED},
        Status.SUSPENDED: {Status.ACTIVE, Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="subscriptions")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="subscriptions")
    connection_type = models.CharField(max_length=16, choices=ConnectionType.choices, default=ConnectionType.PPPOE)
    router = models.ForeignKey("network.Router", on_delete=models.PROTECT, related_name="subscriptions")
    username = models.CharField(max_length=64, blank=True, help_text=_("PPPoE / hotspot login; unique per router"))
    password = EncryptedTextField(blank=True)
    # The password's NT hash (MD4 of UTF-16LE), FreeRADIUS's `NT-Password`: the encrypted password above
    # is unreadable to it. Set with the password by customers.services (`_set_password`), in the same
    # save, so a changed password is the one the next RADIUS login is checked against. docs/radius.md.
    password_nt_hash = models.CharField(max_length=32, blank=True, editable=False)
    static_ip = models.GenericIPAddressField(protocol="IPv4", null=True, blank=True)
    mac_address = models.CharField(max_length=17, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    suspension_type = models.CharField(max_length=20, choices=SuspensionType.choices, blank=True)
    # While suspended with skip_billing, the billing run issues nothing for this subscription.
    skip_billing = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Billing state, written only by billing services: the cycle's anchor (month matters for quarterly
    # and annual cycles), the end of the last period invoiced, and the end of the last period fully paid.
    billing_anchor_day = models.PositiveSmallIntegerField(null=True, blank=True)
    billing_anchor_month = models.PositiveSmallIntegerField(null=True, blank=True)
    billed_through = models.DateField(null=True, blank=True)
    paid_through = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # A cancelled connection gives its login and address back: a new customer, or the same one
            # signing up again, may take them on that router.
            models.UniqueConstraint(
                fields=["router", "username"], condition=~Q(username="") & ~Q(status="cancelled"),
                name="subscription_username_unique_per_router",
            ),
            models.UniqueConstraint(
                fields=["router", "static_ip"], condition=Q(static_ip__isnull=False) & ~Q(status="cancelled"),
                name="subscription_ip_unique_per_router",
            ),
            # An IPoE connection logs in to RADIUS by its device's MAC address (docs/ipam.md): one per router.
            models.UniqueConstraint(
                fields=["router", "mac_address"], condition=Q(connection_type="ipoe") & ~Q(status="cancelled"),
                name="subscription_ipoe_mac_unique_per_router",
            ),
            models.CheckConstraint(
                condition=Q(connection_type="static", static_ip__isnull=False)
                | (Q(connection_type="ipoe", static_ip__isnull=False) & ~Q(mac_address=""))
                | (~Q(connection_type__in=["static", "ipoe"]) & ~Q(username="")),
                name="subscription_has_login_or_ip",
            ),
            models.CheckConstraint(
                condition=Q(billing_anchor_day__isnull=True) | Q(billing_anchor_day__gte=1, billing_anchor_day__lte=31),
                name="subscription_anchor_day_in_month",
            ),
            models.CheckConstraint(
                condition=Q(billing_anchor_month__isnull=True) | Q(billing_anchor_month__gte=1, billing_anchor_month__lte=12),
                name="subscription_anchor_month_valid",
            ),
        ]
        indexes = [models.Index(fields=["username"], name="subscription_username_idx")]
        permissions = [("lifecycle_subscription", "Can activate, suspend, reactivate and cancel subscriptions")]

    def __str__(self) -> str:
        return self.login_label

    @property
    def login_label(self) -> str:
        return self.username or (self.static_ip or f"#{self.pk}")

    def can_transition_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS[self.Status(self.status)]


class Lead(models.Model):
    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone call")
        FACEBOOK = "facebook", _("Facebook")
        WEBSITE = "website", _("Website")
        REFERRAL = "referral", _("Referral")
        FIELD = "field", _("Field visit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        SITE_SURVEY = "site_survey", _("Site survey")
        CONVERTED = "converted", _("Converted")
        LOST = "lost", _("Lost")

    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, db_index=True)
    address = models.TextField(blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="leads")
    # Copied from the area: staff branch scope applies to leads too; a lead without an area is everyone's.
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="leads", editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PHONE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    interested_package = models.ForeignKey(Package, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    converted_customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="lead", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class CallLog(models.Model):
    """A collector's call to a customer about money owed: who called, what came of it, a promise date."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        PROMISED = "promised", _("Promised to pay")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        REFUSED = "refused", _("Refused")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="call_logs")
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    promise_to_pay_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["customer", "-called_at"], name="calllog_customer_latest_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.customer_id}"


# Referrals ----------------------------------------------------------------------------------------


class ReferralSettings(models.Model):
    """One row (pk=1), edited by staff under Settings → Referrals; read on every sign-up and payment."""

    class RewardKind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PERCENT = "percent", _("Percentage of the first payment")

    is_enabled = models.BooleanField(default=True, help_text=_("Off: referral links still open, but no new credits are earned"))
    reward_kind = models.CharField(max_length=10, choices=RewardKind.choices, default=RewardKind.FIXED)
    fixed_amount = MoneyField(default=200)
    percent = models.DecimalField(max_digits=5, decimal_places=2, default=10)
    expiry_days = models.PositiveIntegerField(
        default=90, help_text=_("Days from sign-up within which the friend's first payment earns the credit; 0 = never expires")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "referral settings"
        constraints = [
            models.CheckConstraint(condition=Q(fixed_amount__gte=0), name="referral_fixed_not_negative"),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="referral_percent_0_100"),
        ]

    def __str__(self) -> str:
        return "Referral settings"


class Referral(models.Model):
    """A friend who asked to join through a customer's link: the lead, then the customer it became."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        CREDITED = "credited", _("Credited")
        REVERSED = "reversed", _("Credit reversed")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Not eligible")

    referrer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="referrals_made")
    lead = models.OneToOneField(Lead, on_delete=models.PROTECT, related_name="referral")
    referred_customer = models.OneToOneField(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="referred_by"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SIGNED_UP, db_index=True)
    status_note = models.CharField(max_length=255, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["referrer", "-created_at"], name="referral_referrer_idx")]
        permissions = [("reverse_referralcredit", "Can reverse a referral credit")]

    def __str__(self) -> str:
        return f"{self.referrer_id} → {self.lead}"


class ReferralCredit(models.Model):
    """The credit a referral earned: one per referral and one per payment, posted to the ledger once."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="credit")
    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT, related_name="referral_credit")
    ledger_entry = models.OneToOneField("billing.LedgerEntry", on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    reversal_entry = models.OneToOneField(
        "billing.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.CharField(max_length=255, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="referral_credit_positive")]

    def __str__(self) -> str:
        return f"{self.amount} for referral {self.referral_id}"

    @property
    def is_reversed(self) -> bool:
        return self.reversal_entry_id is not None


# Speed test ---------------------------------------------------------------------------------------


class SpeedTestResult(models.Model):
    """One run of the portal speed test, with the package's speeds at the time to compare against."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="speed_tests")
    ip = models.GenericIPAddressField(null=True, blank=True)
    download_mbps = models.DecimalField(max_digits=8, decimal_places=2)
    upload_mbps = models.DecimalField(max_digits=8, decimal_places=2)
    ping_ms = models.DecimalField(max_digits=8, decimal_places=1)
    jitter_ms = models.DecimalField(max_digits=8, decimal_places=1)
    package_download_mbps = models.PositiveIntegerField(null=True, blank=True)
    package_upload_mbps = models.PositiveIntegerField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="speedtest_customer_idx")]

    def __str__(self) -> str:
        return f"{self.download_mbps}/{self.upload_mbps} Mbps"

    @property
    def download_percent(self) -> int | None:
        if not self.package_download_mbps:
            return None
        return round(self.download_mbps * 100 / self.package_download_mbps)

    @property
    def upload_percent(self) -> int | None:
        if not self.package_upload_mbps:
            return None
        return round(self.upload_mbps * 100 / self.package_upload_mbps)
