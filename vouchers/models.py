"""Prepaid Wi-Fi cards (vouchers): plans, Wi-Fi zones, batches of cards and the cards themselves.

A card's code exists in clear only in the sealed copy of its batch (`BatchCodes`, Fernet-encrypted with
FIELD_ENCRYPTION_KEYS, read only to print or export the batch); a card row keeps `code_hmac`, the
HMAC-SHA256 of the normalised code under VOUCHER_HMAC_KEY, unique and indexed, which is how a login
finds its card (vouchers/codes.py). docs/vouchers.md tells the whole story.

Money: a distributor pays for a batch from its reseller wallet when the batch is issued to it; only
`billing/ledger/wallets.py` writes that (the batch keeps the entry). Revenue is read from these rows
(docs/metrics.md, "Prepaid cards").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField
from ispbill.core.money import MoneyField
from ispbill.notify.events import Language


class WifiZone(models.Model):
    """A place with hotspot Wi-Fi (a market, a campus): the reports count cards per zone."""

    name = models.CharField(max_length=120, unique=True)
    area = models.ForeignKey("customers.Area", on_delete=models.PROTECT, related_name="wifi_zones")
    router = models.ForeignKey("network.Router", null=True, blank=True, on_delete=models.PROTECT, related_name="wifi_zones")
    is_active = models.BooleanField(default=True)
    # Sign-up at the zone (docs/vouchers.md "Wi-Fi zone sign-up"): a visitor buys a plan online by phone.
    sells_online = models.BooleanField(default=False, help_text=_("Visitors may buy a plan here with their phone (OTP, then bKash or Nagad)"))
    remember_mac = models.BooleanField(default=True, help_text=_("A visitor's device logs in again by itself while the plan lasts"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VoucherPlan(models.Model):
    """What a card gives: time, data, speed and devices, at a price."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("Hours")
        DAYS = "days", _("Days")
        MONTHS = "months", _("Months")

    class ValidFrom(models.TextChoices):
        FIRST_USE = "first_use", _("First use")
        SALE = "sale", _("Sale")

    name = models.CharField(max_length=80, unique=True)
    name_bn = models.CharField(max_length=80, blank=True, help_text=_("The plan's name on Bangla cards"))
    duration = models.PositiveIntegerField(help_text=_("How long a card lasts, in the unit below"))
    duration_unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.DAYS)
    data_mb = models.PositiveIntegerField(null=True, blank=True, help_text=_("Data allowance in MB; empty = unlimited"))
    download_kbps = models.PositiveIntegerField(help_text=_("Download speed, kbit/s"))
    upload_kbps = models.PositiveIntegerField(help_text=_("Upload speed, kbit/s"))
    # The speed shape of a package (docs/speeds.md, "Prepaid cards"): a card login in RADIUS mode joins
    # the package's address list (its BDIX and cache speeds) and, while one of the package's speed windows
    # covers the local time, gets that window's internet speed instead of the plan's own.
    speed_package = models.ForeignKey(
        "customers.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="voucher_plans",
        help_text=_("BDIX, cache and night speeds of this package (RADIUS mode); empty = the plan's speed only"),
    )
    devices = models.PositiveSmallIntegerField(default=1, help_text=_("Devices that may use one card at a time"))
    price = MoneyField(help_text=_("Price printed on the card"))
    valid_from = models.CharField(max_length=10, choices=ValidFrom.choices, default=ValidFrom.FIRST_USE)
    unused_days = models.PositiveIntegerField(
        default=180, help_text=_("An unused card expires this many days after its batch is made"),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="voucherplan_price_positive"),
            models.CheckConstraint(condition=Q(duration__gte=1, duration__lte=8760), name="voucherplan_duration_range"),
            models.CheckConstraint(condition=Q(devices__gte=1, devices__lte=20), name="voucherplan_devices_range"),
            models.CheckConstraint(condition=Q(download_kbps__gte=64, upload_kbps__gte=64), name="voucherplan_speed_min"),
            models.CheckConstraint(condition=Q(unused_days__gte=1, unused_days__lte=3650), name="voucherplan_unused_days_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The name a visitor reads: the Bangla one on Bangla pages, cards and SMS, where it is set."""
        return self.name_bn if language == "bn" and self.name_bn else self.name

    @property
    def local_name(self) -> str:
        """`name_in` the language of the page being rendered."""
        return self.name_in(get_language() or "en")

    @property
    def speed_shape(self) -> list[tuple[str, str]]:
        """(label, speed) of what the speed package adds to the plan's own speed: its BDIX and cache
        speeds and its speed windows (empty without a speed package)."""
        return self.speed_package.speed_classes[1:] if self.speed_package_id else []

    @property
    def rate_limit(self) -> str:
        """The MikroTik rate limit (rx/tx as the router sees the client: upload/download)."""
        return f"{self.upload_kbps}k/{self.download_kbps}k"


class VoucherBatch(models.Model):
    """Cards made together, with consecutive serials; printed, exported and issued as one."""

    class Status(models.TextChoices):
        # Made in the background (`services.batch_queue`, then the task `vouchers.tasks.generate_batch`):
        # no card of it may be used, printed, exported or issued until it is active.
        GENERATING = "generating", _("Being generated")
        FAILED = "failed", _("Generation failed")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    # What staff may do (suspend, resume, cancel); generation moves a batch out of GENERATING itself.
    TRANSITIONS = {
        Status.GENERATING: set(),
        Status.FAILED: set(),
        Status.ACTIVE: {Status.SUSPENDED, Status.CANCELLED},
        Status.SUSPENDED: {Status.ACTIVE, Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    class Channel(models.TextChoices):
        PRINTED = "printed", _("Printed cards")
        ONLINE = "online", _("Bought online at a zone")

    number = models.CharField(max_length=32, unique=True)
    # Online: one card made for one visitor's payment at a Wi-Fi zone; sold by the ISP when made, so it
    # needs no distributor to work.
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.PRINTED)
    plan = models.ForeignKey(VoucherPlan, on_delete=models.PROTECT, related_name="batches")
    zone = models.ForeignKey(WifiZone, null=True, blank=True, on_delete=models.PROTECT, related_name="batches",
                             help_text=_("Where the cards are meant to be sold"))
    count = models.PositiveIntegerField()
    first_serial = models.PositiveBigIntegerField()
    last_serial = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The price on the card, as the plan had it when the batch was made.
    unit_price = MoneyField()
    unused_expires_on = models.DateField(help_text=_("Cards not used by this day stop working"))
    note = models.CharField(max_length=200, blank=True)
    # Issue to a card distributor (a reseller of kind cards): what it paid per card, from its wallet.
    distributor = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT, related_name="voucher_batches")
    issued_at = models.DateTimeField(null=True, blank=True)
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    unit_net = MoneyField(null=True, blank=True, help_text=_("What the distributor paid per card"))
    wallet_entry = models.OneToOneField("billing.WalletEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="voucher_batch")
    refund_entry = models.OneToOneField("billing.WalletEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="voucher_batch_refund")
    refunded_cards = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Generation in the background: cards written so far (the page's progress), the attempt that owns
    # the work (a retry or a second delivery starts a new one and an older one stops), why it failed.
    cards_made = models.PositiveIntegerField(default=0)
    generation_attempt = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("issue_voucherbatch", "Can issue card batches to distributors")]
        indexes = [models.Index(fields=["distributor", "-id"], name="voucherbatch_distributor_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1, count__lte=100_000), name="voucherbatch_count_range"),
            models.CheckConstraint(condition=Q(last_serial=models.F("first_serial") + models.F("count") - 1), name="voucherbatch_serials_span"),
            models.CheckConstraint(
                condition=Q(distributor__isnull=True, issued_at__isnull=True, wallet_entry__isnull=True)
                | Q(distributor__isnull=False, issued_at__isnull=False, unit_net__isnull=False),
                name="voucherbatch_issued_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_ready(self) -> bool:
        """Its cards exist and its codes are sealed: it may be printed, exported, issued."""
        return self.status not in (self.Status.GENERATING, self.Status.FAILED)

    @property
    def percent_made(self) -> int:
        return min(100, self.cards_made * 100 // self.count) if self.count else 0

    @property
    def is_issued(self) -> bool:
        return self.distributor_id is not None

    @property
    def may_be_used(self) -> bool:
        """Cards of a printed batch work once it is issued to a distributor; an online sale's at once."""
        return self.is_issued or self.channel == self.Channel.ONLINE


class BatchCodes(models.Model):
    """The batch's codes in clear, in serial order, one per line, encrypted at rest: the only copy.
    Read to print the cards or export them for a card printer; nothing looks a card up here."""

    batch = models.OneToOneField(VoucherBatch, on_delete=models.CASCADE, primary_key=True, related_name="codes")
    sealed = EncryptedTextField()


class VoucherCard(models.Model):
    """One card. `code_hmac` finds it at login; the state says whether it may be used."""

    class State(models.TextChoices):
        UNSOLD = "unsold", _("Unsold")
        SOLD = "sold", _("Sold")
        ACTIVE = "active", _("In use")
        USED_UP = "used_up", _("Used up")
        EXPIRED = "expired", _("Expired")
        BLOCKED = "blocked", _("Blocked")
        CANCELLED = "cancelled", _("Cancelled")

    # Never used yet: the states a cancellation or an unused-card expiry ends.
    UNUSED = (State.UNSOLD, State.SOLD)
    # Final: nothing moves a card out of these.
    ENDED = (State.USED_UP, State.EXPIRED, State.BLOCKED, State.CANCELLED)
    TRANSITIONS = {
        State.UNSOLD: {State.SOLD, State.ACTIVE, State.EXPIRED, State.BLOCKED, State.CANCELLED},
        State.SOLD: {State.ACTIVE, State.EXPIRED, State.BLOCKED, State.CANCELLED},
        # CANCELLED from ACTIVE: a card bought online whose money was given back (usecases/wifi_signup.py).
        State.ACTIVE: {State.USED_UP, State.EXPIRED, State.BLOCKED, State.CANCELLED},
        State.USED_UP: set(), State.EXPIRED: set(), State.BLOCKED: set(), State.CANCELLED: set(),
    }

    batch = models.ForeignKey(VoucherBatch, on_delete=models.PROTECT, related_name="cards")
    serial = models.PositiveBigIntegerField(unique=True)
    code_hmac = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNSOLD)
    sold_at = models.DateTimeField(null=True, blank=True)
    first_used_at = models.DateTimeField(null=True, blank=True)
    # When the card's time runs out (set at sale or first use, by the plan's `valid_from`).
    expires_at = models.DateTimeField(null=True, blank=True)
    data_used_bytes = models.PositiveBigIntegerField(default=0)
    # The devices (MAC addresses) that have used the card; at most the plan's `devices`.
    devices = models.JSONField(default=list, blank=True)
    used_zone = models.ForeignKey(WifiZone, null=True, blank=True, on_delete=models.PROTECT, related_name="cards_used")
    # A card bought online by a visitor: the phone it was bought with (verified by OTP), and the device
    # remembered so it logs in again by its MAC address until `remembered_until` (the zone's choice).
    phone = models.CharField(max_length=20, blank=True)
    remembered_mac = models.CharField(max_length=17, blank=True, help_text=_("Upper-case AA:BB:CC:DD:EE:FF"))
    remembered_until = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Recharge by card (docs/vouchers.md): a card redeemed onto a regular customer's account instead of
    # used at a hotspot; the payment it made (method "Prepaid card", the printed price).
    redeemed_customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    redeemed_payment = models.OneToOneField("payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="voucher_card")
    redeemed_at = models.DateTimeField(null=True, blank=True)
    block_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["serial"]
        indexes = [
            models.Index(fields=["batch", "state"], name="vouchercard_batch_state_idx"),
            models.Index(fields=["first_used_at"], condition=Q(first_used_at__isnull=False), name="vouchercard_used_idx"),
            models.Index(fields=["sold_at"], condition=Q(sold_at__isnull=False), name="vouchercard_sold_idx"),
            models.Index(fields=["remembered_mac"], condition=~Q(remembered_mac=""), name="vouchercard_remembered_mac_idx"),
            models.Index(fields=["phone"], condition=~Q(phone=""), name="vouchercard_phone_idx"),
            models.Index(fields=["redeemed_at"], condition=Q(redeemed_at__isnull=False), name="vouchercard_redeemed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["active", "used_up"]) | Q(first_used_at__isnull=False), name="vouchercard_used_has_first_use",
            ),
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True) | Q(state="used_up", redeemed_customer__isnull=False, redeemed_payment__isnull=False),
                name="vouchercard_redeemed_whole",
            ),
        ]

    def __str__(self) -> str:
        return format_serial(self.serial)


def format_serial(serial: int) -> str:
    return f"{serial:09d}"


class CardLoginKey(models.Model):
    """What FreeRADIUS's card lookup needs and its role must not read: the HMAC key (VOUCHER_HMAC_KEY)
    and the ISP's time zone, in one row written from settings whenever FreeRADIUS's role is made
    (`radius_db_role`, `radius_serve`: vouchers/radius.py). Only the SECURITY DEFINER functions of
    migration vouchers/0006 read it; the role has no right on this table (docs/vouchers.md, "Hotspot
    logins")."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    hmac_key = models.BinaryField()
    time_zone = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="cardloginkey_single_row")]


class CardSession(models.Model):
    """A hotspot session logged in with a card (one per accounting session id): which card it is, and
    how many of its octets the card was charged for already, so a repeated or late Interim-Update or
    Stop never counts twice. Written by FreeRADIUS's accounting (migration vouchers/0006)."""

    acctuniqueid = models.CharField(max_length=32, primary_key=True)
    card = models.ForeignKey(VoucherCard, on_delete=models.CASCADE, related_name="sessions")
    counted_bytes = models.BigIntegerField(default=0)
    started_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["card", "started_at"], name="cardsession_card_idx")]


class WifiSignupCode(models.Model):
    """A one-time code sent by SMS to a visitor's phone at a Wi-Fi zone (docs/vouchers.md, "Wi-Fi zone
    sign-up"). Only its keyed hash is kept; valid OTP_TTL_MINUTES, OTP_MAX_ATTEMPTS wrong tries."""

    zone = models.ForeignKey(WifiZone, on_delete=models.CASCADE, related_name="signup_codes")
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=128)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "-created_at"], name="wifisignupcode_phone_idx")]

    def __str__(self) -> str:
        return f"code for {self.phone}"


class WifiPurchase(models.Model):
    """A visitor buying one card of `plan` at `zone`, paying through `gateway_payment` (purpose "card").
    When the gateway confirms the payment, usecases/wifi_signup.py makes the card (a batch of channel
    online, count 1), records the money (billing/ledger/cards.py) and sets `card`, once."""

    token = models.CharField(max_length=43, unique=True, help_text=_("The visitor's link to the purchase's page"))
    zone = models.ForeignKey(WifiZone, on_delete=models.PROTECT, related_name="purchases")
    plan = models.ForeignKey(VoucherPlan, on_delete=models.PROTECT, related_name="purchases")
    phone = models.CharField(max_length=20)
    mac = models.CharField(max_length=17, blank=True, help_text=_("Upper-case AA:BB:CC:DD:EE:FF"))
    login_url = models.URLField(max_length=500, blank=True, help_text=_("The router's login page (link-login-only)"))
    dst = models.URLField(max_length=500, blank=True, help_text=_("Where the visitor was going (link-orig)"))
    price = MoneyField()
    # The page's language when the visitor paid: the card's SMS is sent from the gateway's callback,
    # which has no visitor's request to take it from.
    language = models.CharField(max_length=2, choices=Language.CHOICES, default=Language.ENGLISH)
    gateway_payment = models.OneToOneField("payments.GatewayPayment", on_delete=models.PROTECT, related_name="wifi_purchase")
    card = models.OneToOneField(VoucherCard, null=True, blank=True, on_delete=models.PROTECT, related_name="purchase")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["phone", "-id"], name="wifipurchase_phone_idx")]

    def __str__(self) -> str:
        return f"{self.phone} {self.plan_id} @ {self.zone_id}"
