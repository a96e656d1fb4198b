"""Invoices, their lines, the customer ledger, billing settings and billing runs.

Financial rows are append-only: an invoice's lines and every ledger entry are written once;
a correction is a new entry (a void is a reversing entry, never an edit). The only mutable
figures are caches kept in the same transaction as the entries they summarise
(`Account.balance`, `Invoice.amount_paid`/`status`) and `manage.py check_ledger` proves them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField
from ispbill.core.periods import DEFAULT_ANCHOR_DAYS

from .vat import DEFAULT_VAT_RATE

SESSION_LOG_RETENTION_MAX_MONTHS = 120


def _default_anchor_days() -> list[int]:
    return list(DEFAULT_ANCHOR_DAYS)


class BillingSettings(models.Model):
    """The ISP's billing choices: one row (pk=1), edited in Settings → Billing."""

    class Mode(models.TextChoices):
        CALENDAR = "calendar", _("Calendar anchor day")
        ANNIVERSARY = "anniversary", _("Anniversary of activation")

    class BlockedAccess(models.TextChoices):
        REJECT = "reject", _("Refuse the login")
        WALLED_GARDEN = "walled_garden", _("Let in to the walled garden (portal and payment pages only)")

    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.CALENDAR)
    allowed_anchor_days = models.JSONField(default=_default_anchor_days)
    default_anchor_day = models.PositiveSmallIntegerField(default=1)
    issue_days_before = models.PositiveSmallIntegerField(default=7)
    due_days = models.PositiveSmallIntegerField(default=7, help_text=_("Days from issue until an invoice is due"))
    grace_days = models.PositiveSmallIntegerField(default=3, help_text=_("Days after paid-through before suspension"))
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=DEFAULT_VAT_RATE)
    prices_include_vat = models.BooleanField(default=False)
    vat_registration_number = models.CharField(max_length=40, blank=True)
    late_fee = MoneyField(default=Decimal("0.00"), help_text=_("0 = no late fee"))
    reconnection_fee = MoneyField(default=Decimal("0.00"), help_text=_("0 = no reconnection fee"))
    credit_unused_days_on_cancel = models.BooleanField(default=True)
    # A new connection's first invoice (its activation day to the next anchor, prorated) is issued in the
    # activation's own transaction instead of by the next night's run (billing/first_invoice.py,
    # docs/billing.md "The first invoice"). On for a new install; migration 0023 left it off where
    # invoices had been issued already.
    invoice_at_activation = models.BooleanField(default=True)
    downgrade_at_next_cycle = models.BooleanField(default=True)
    # Rented equipment follows the package's pause rule unless the ISP keeps charging rent while paused
    # (fieldservice/rentals.py reads it at the pause, the reactivation and every night).
    rent_during_pause = models.BooleanField(default=False)
    # RADIUS routers: what a suspended or expired (paid-through + grace days past) connection gets at
    # login, read live by FreeRADIUS through the radius views (radius/sql.py). The walled garden is
    # this pool plus the router's suspended address list.
    blocked_access = models.CharField(max_length=16, choices=BlockedAccess.choices, default=BlockedAccess.REJECT)
    walled_garden_pool = models.CharField(max_length=64, default="expired")
    # The regulator's RADIUS session log (radius.SessionLog): sessions are kept this many months after
    # they end, then deleted by the nightly job (usecases/session_log_maintain.py).
    session_log_retention_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(SESSION_LOG_RETENTION_MAX_MONTHS)],
    )
    # Prepaid cards at the hotspot: code guessing. More than `card_guess_device_limit` wrong codes from one
    # device (MAC) within `card_guess_window_minutes` locks that device out of card logins for
    # `card_lockout_minutes`; more than `card_guess_zone_limit` on one router locks the router's card
    # logins (MAC logins of remembered devices go on). Read live by FreeRADIUS (vouchers/0006).
    card_guess_device_limit = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)])
    card_guess_zone_limit = models.PositiveIntegerField(default=50, validators=[MinValueValidator(1), MaxValueValidator(100000)])
    card_guess_window_minutes = models.PositiveSmallIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(1440)])
    card_lockout_minutes = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(1), MaxValueValidator(1440)])
    isp_name = models.CharField(max_length=150, blank=True)
    isp_address = models.TextField(blank=True)
    isp_phone = models.CharField(max_length=40, blank=True)
    isp_email = models.EmailField(blank=True)
    logo = models.ImageField(upload_to="branding/", blank=True)
    currency = models.CharField(max_length=3, default="BDT")

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="billing_settings_single_row"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="billing_vat_rate_range"),
            models.CheckConstraint(condition=Q(late_fee__gte=0, reconnection_fee__gte=0), name="billing_fees_not_negative"),
            models.CheckConstraint(
                condition=Q(session_log_retention_months__gte=1, session_log_retention_months__lte=SESSION_LOG_RETENTION_MAX_MONTHS),
                name="billing_session_log_retention_range",
            ),
            models.CheckConstraint(
                condition=Q(card_guess_device_limit__gte=1, card_guess_zone_limit__gte=1, card_guess_window_minutes__gte=1,
                            card_lockout_minutes__gte=1),
                name="billing_card_guess_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return "Billing settings"


class Account(models.Model):
    """A customer's ledger account. `balance` caches the sum of its entries: positive = the customer owes."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.PROTECT, related_name="account")
    balance = MoneyField(default=Decimal("0.00"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Account of {self.customer_id}"


class BillingRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    run_date = models.DateField()
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chunks_total = models.PositiveIntegerField(default=0)
    # Chunks finished either way: done counts the ones that committed, failed the ones rolled back.
    chunks_done = models.PositiveIntegerField(default=0)
    chunks_failed = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    # Sum of the issued invoices' totals (for a dry run: of the invoices it would issue).
    issued_total = MoneyField(default=Decimal("0.00"))
    overdue = models.PositiveIntegerField(default=0)
    late_fees = models.PositiveIntegerField(default=0)
    suspended = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("start_billingrun", "Can start and preview billing runs")]
        constraints = [
            # One run of each kind at a time: two real runs would race for the same customers.
            models.UniqueConstraint(
                fields=["dry_run"], condition=Q(status="running"), name="one_running_billing_run_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(chunks_done__lte=F("chunks_total") - F("chunks_failed")), name="billing_run_chunks_counted"
            ),
        ]

    def __str__(self) -> str:
        return f"Billing run {self.run_date} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def chunks_finished(self) -> int:
        return self.chunks_done + self.chunks_failed

    @property
    def duration_seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    @property
    def progress_percent(self) -> int:
        if not self.chunks_total:
            return 0 if self.is_running else 100
        return self.chunks_finished * 100 // self.chunks_total


class BillingRunChunk(models.Model):
    """One slice of a run: the customers with ids first_id..last_id, processed in one transaction by
    one worker. Its status changes from pending exactly once, in the transaction that writes its rows,
    so a chunk delivered twice (a worker killed before acknowledging, a resume) is skipped the second time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(BillingRun, on_delete=models.CASCADE, related_name="chunks")
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    issued = models.PositiveIntegerField(default=0)
    issued_total = MoneyField(default=Decimal("0.00"))
    # A dry run keeps a few of the lines it would issue, for the preview screen.
    sample = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "first_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "first_id"], name="billing_run_chunk_unique_start"),
            models.CheckConstraint(condition=Q(last_id__gte=F("first_id")), name="billing_run_chunk_ordered"),
        ]

    def __str__(self) -> str:
        return f"Chunk {self.first_id}–{self.last_id} of run {self.run_id}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        VOID = "void", _("Void")

    number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="invoices")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    issue_date = models.DateField()
    due_date = models.DateField(db_index=True)
    subtotal = MoneyField()
    vat_total = MoneyField()
    total = MoneyField()
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    amount_paid = MoneyField(default=Decimal("0.00"))
    billing_run = models.ForeignKey(BillingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    late_fee_applied = models.BooleanField(default=False)
    void_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The Mushak-6.3 tax invoice's number (docs/vat.md): its own gap-free series (TAX_CHALLAN_PREFIX),
    # taken in the invoice's transaction; empty only on invoices issued before the series existed.
    challan_number = models.CharField(max_length=32, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-issue_date", "-id"]
        indexes = [
            models.Index(fields=["customer", "status", "due_date"], name="invoice_customer_open_idx"),
            # The analytics snapshot reads a day's invoices by issue date (billed, revenue, receivables).
            models.Index(fields=["issue_date"], name="invoice_issue_date_idx"),
        ]
        constraints = [
            # Rounded: SQLite adds decimals as floats (406.45 + 60.97 ≠ 467.42 there); exact on PostgreSQL.
            models.CheckConstraint(condition=Q(total=Round(F("subtotal") + F("vat_total"), 2)), name="invoice_total_is_sum"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="invoice_paid_not_negative"),
            models.CheckConstraint(condition=Q(due_date__gte=F("issue_date")), name="invoice_due_after_issue"),
            models.UniqueConstraint(fields=["challan_number"], condition=~Q(challan_number=""), name="invoice_challan_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_due(self) -> Decimal:
        return Decimal("0.00") if self.status == self.Status.VOID else self.total - self.amount_paid


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        RECURRING = "recurring", _("Recurring")
        PRORATED = "prorated", _("Prorated")
        ONE_TIME = "one_time", _("One-time")
        FEE = "fee", _("Fee")
        CREDIT = "credit", _("Credit")
        ADJUSTMENT = "adjustment", _("Adjustment")

    PERIOD_KINDS = (Kind.RECURRING, Kind.PRORATED)

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=255)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    net = MoneyField()
    vat = MoneyField()
    gross = MoneyField()

    class Meta:
        ordering = ["id"]
        constraints = [
            # One charge per subscription per period: the billing run can be repeated or resumed safely.
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=Q(kind__in=["recurring", "prorated"]),
                name="one_period_charge_per_subscription",
            ),
            models.CheckConstraint(condition=Q(gross=Round(F("net") + F("vat"), 2)), name="invoice_line_gross_is_sum"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_end__gte=F("period_start")),
                name="invoice_line_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        PAYMENT = "payment", _("Payment")
        CREDIT = "credit", _("Credit")
        REFUND = "refund", _("Refund")
        FEE = "fee", _("Fee")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")
        CREDIT_NOTE = "credit_note", _("Credit note")
        OPENING_BALANCE = "opening_balance", _("Opening balance")
        DEBIT_NOTE = "debit_note", _("Debit note")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Signed: positive raises what the customer owes (invoice, fee), negative lowers it (payment, credit).
    amount = MoneyField()
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    memo = models.CharField(max_length=255, blank=True)
    effective_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]
        indexes = [models.Index(fields=["account", "effective_date", "id"], name="ledger_account_date_idx")]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class CreditedDays(models.Model):
    """Days of an invoice line already given back as account credit (a pause with skip billing, a
    cancellation, a package change whose credit exceeded its charge), written with that credit.
    Append-only. Crediting unused days reads them so no day of a line is credited twice
    (`unused_days.invoiced_lines`): a line's days credited at a pause and charged again at the
    reactivation are owed only once, on the reactivation's line."""

    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credited_days")
    first_day = models.DateField()
    last_day = models.DateField()
    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "credited days"
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="credited_days_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.first_day} – {self.last_day}"


class LineCredit(models.Model):
    """Part of an invoice line's charge credited back by an app above billing (a retention offer's
    discount: a credit note or account credit on the invoice), written with that credit: the credit
    shared over the lines it was worked out on, by their gross. Append-only. When billing credits back
    invoiced days (cancellation, pause, package change) it takes the same share of those days back
    with them, so the customer gets back what they paid (`unused_days.invoiced_lines`)."""

    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credits_given")
    # Gross, unrounded: the share of a credit split over lines is kept as computed, so the days taken
    # back are worked out from the exact part of the line it credited.
    amount = models.DecimalField(max_digits=24, decimal_places=10)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.amount}"


class Allocation(models.Model):
    """Part of the account's credit applied to an invoice, attributed to the payment that brought it
    when there is one. A reversal adds a negative allocation; rows are never edited."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    amount = MoneyField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="allocation_amount_not_zero")]
        # The analytics snapshot reads a day's allocations (how receivables moved that day).
        indexes = [models.Index(fields=["created_at"], name="allocation_created_at_idx")]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice_id}"


class PackageChange(models.Model):
    """A request to move a subscription to another package, and what it did.

    Requested by the customer (portal) or by staff (console); decided by staff. Approval applies it at
    once (`applied`) or, for a downgrade when the ISP defers them, on the next period's first day
    (`scheduled`, then `applied` by the daily job). The quote (credit for the old package's unused
    charged days, charge for the new package's same days, VAT) is stored as shown at the decision,
    and the invoice its lines were written on is kept, so applying twice writes nothing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SCHEDULED = "scheduled", _("Scheduled")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        NOW = "now", _("Now, prorated")
        NEXT_CYCLE = "next_cycle", _("At the next period")

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        STAFF = "staff", _("Staff")

    OPEN_STATUSES = (Status.PENDING, Status.SCHEDULED)
    DECIDED_STATUSES = (Status.SCHEDULED, Status.APPLIED, Status.REJECTED)
    ALLOWED_TRANSITIONS = {
        Status.PENDING: {Status.SCHEDULED, Status.APPLIED, Status.REJECTED, Status.CANCELLED},
        Status.SCHEDULED: {Status.APPLIED, Status.CANCELLED},
        Status.APPLIED: set(),
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }

    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT, related_name="package_changes")
    from_package = models.ForeignKey("customers.Package", on_delete=models.PROTECT, related_name="+")
    to_package = models.ForeignKey("customers.Package", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, help_text=_("The requester's note"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    effective_mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.NOW)
    effective_date = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text=_("Staff's note to the customer"))
    # The quote, gross (VAT included): credit for the old package, charge for the new one, the VAT in
    # their difference, and the difference (positive = the customer pays more).
    credit = MoneyField(default=Decimal("0.00"))
    charge = MoneyField(default=Decimal("0.00"))
    vat = MoneyField(default=Decimal("0.00"))
    total = MoneyField(default=Decimal("0.00"))
    # The last charged day the quote adjusts (credit old, charge new) from the effective date; null
    # when nothing from the effective date on had been invoiced at the decision.
    adjust_through = models.DateField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="package_changes")
    credit_entry = models.ForeignKey(LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("decide_packagechange", "Can approve, reject and make package changes")]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"], condition=Q(status__in=["pending", "scheduled"]),
                name="one_open_package_change_per_subscription",
            ),
            models.CheckConstraint(condition=~Q(to_package=F("from_package")), name="package_change_to_another_package"),
            models.CheckConstraint(condition=Q(credit__gte=0, charge__gte=0), name="package_change_amounts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Package change #{self.pk}: {self.from_package_id} → {self.to_package_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def can_transition_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS[self.Status(self.status)]


class OneTimeCharge(models.Model):
    """Something billed once: an installation fee, equipment sold or rented, a relocation, an
    early-termination fee, a custom item. Staff add it to the customer's next invoice (`pending`
    until the billing run writes it as a line of that invoice) or invoice it at once; either way the
    money moves only as an invoice line (billing/charges.py). A pending charge can be withdrawn
    (`cancelled`, with a reason); an invoiced one is corrected by a credit note, never edited."""

    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("Installation fee")
        EQUIPMENT_SALE = "equipment_sale", _("Equipment sale")
        EQUIPMENT_RENTAL = "equipment_rental", _("Equipment rental")
        RELOCATION = "relocation", _("Relocation fee")
        TERMINATION = "termination", _("Early-termination fee")
        CUSTOM = "custom", _("Custom item")

    class Status(models.TextChoices):
        PENDING = "pending", _("On the next invoice")
        INVOICED = "invoiced", _("Invoiced")
        CANCELLED = "cancelled", _("Withdrawn")

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="one_time_charges")
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="one_time_charges"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=200)
    # On the price side, like a package price: net when prices exclude VAT, gross when they include it.
    amount = MoneyField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="one_time_charges")
    cancel_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="one_time_charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="invoiced", invoice__isnull=False) | (~Q(status="invoiced") & Q(invoice__isnull=True)),
                name="one_time_charge_invoiced_has_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description} ({self.amount})"


class CreditNote(models.Model):
    """A numbered credit note (CN-YYYY-NNNNN) lowering what is open on one posted invoice, partly or
    wholly, with a reason. Its money is the ledger entry of kind credit_note it points at."""

    number = models.CharField(max_length=32, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="credit_notes")
    amount = MoneyField()
    reason = models.CharField(max_length=255)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="credit_note")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The Mushak-6.7 credit note's number: its own gap-free series (CREDIT_NOTE_CHALLAN_PREFIX), taken in
    # the credit note's transaction; empty only on credit notes made before the series existed.
    challan_number = models.CharField(max_length=32, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.UniqueConstraint(fields=["challan_number"], condition=~Q(challan_number=""), name="credit_note_challan_unique"),
        ]

    def __str__(self) -> str:
        return self.number

class DebitNote(models.Model):
    """A numbered debit note (DN-YYYY-NNNNN) raising what the customer owes on one issued invoice (an
    undercharge found after issue: docs/vat.md, "Debit notes"), with the VAT on it at the invoice's
    rate and its Mushak-6.8 number (MDN-YYYY-NNNNN, its own gap-free series). Written by the ledger
    alone (billing/ledger/debit_notes.py). What it raises is payable like an invoice: `charge` is a
    receivable row of the invoices' table numbered as the note (no Mushak-6.3 number of its own), so
    payments, dunning and statements find it; its ledger entry is of kind debit_note. Append-only."""

    number = models.CharField(max_length=32, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="debit_notes")
    charge = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="debit_note_of")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="debit_notes")
    net = MoneyField()
    vat = MoneyField()
    amount = MoneyField()
    reason = models.CharField(max_length=255)
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="debit_note")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    challan_number = models.CharField(max_length=32, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(net__gt=0) & Q(vat__gte=0), name="debit_note_amounts_positive"),
            models.CheckConstraint(condition=Q(amount=Round(F("net") + F("vat"), 2)), name="debit_note_amount_is_sum"),
        ]

    def __str__(self) -> str:
        return self.number


from .wallet_models import CommissionEntry, ResellerWallet, WalletEntry  # noqa: E402,F401  (reseller wallets)


class CardSale(models.Model):
    """Money a visitor paid online for one prepaid Wi-Fi card at a Wi-Fi zone (docs/vouchers.md, "Wi-Fi
    zone sign-up"): no customer account and no wallet is involved, so the sale is its own ledger row.
    Written only by `billing/ledger/cards.py: card_sale_post`, once per gateway transaction
    (`idempotency_key` `<gateway>:<tran_id>`, unique). Append-only.

    `amount` is what the gateway took from the visitor; `fee` the gateway's charge inside it when it
    was passed on to the visitor; `price` = amount − fee passed on, the card's price: the ISP's revenue.
    """

    amount = MoneyField()
    price = MoneyField()
    fee = MoneyField(default=Decimal("0.00"))
    fee_passed = models.BooleanField(default=False)
    method = models.CharField(max_length=16)
    reference = models.CharField(max_length=100, blank=True, help_text=_("The gateway's transaction id"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField()
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"], name="cardsale_received_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0) & Q(amount__gte=models.F("price")), name="cardsale_price_in_amount"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="cardsale_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"card sale {self.idempotency_key} {self.amount}"


class CardSaleRefund(models.Model):
    """A card sale given back to the visitor through the gateway (docs/vouchers.md, "Refunding a card
    bought online"): whole, once, so one row per sale. Written only by `billing/ledger/cards.py:
    card_sale_refund_post` when the gateway has made the refund; the card stops working in the same
    transaction. Append-only.

    `amount` went back to the visitor (the sale's whole amount, a fee passed on included); `price` is
    the revenue it takes back (the sale's price): docs/metrics.md, "Prepaid cards"."""

    sale = models.OneToOneField(CardSale, on_delete=models.PROTECT, related_name="refund")
    amount = MoneyField()
    price = MoneyField()
    reference = models.CharField(max_length=100, blank=True, help_text=_("The gateway's refund id"))
    idempotency_key = models.CharField(max_length=64, unique=True)
    refunded_at = models.DateTimeField()
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refunded_at", "-id"]
        indexes = [models.Index(fields=["refunded_at"], name="cardsalerefund_refunded_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0) & Q(amount__gte=models.F("price")), name="cardsalerefund_price_in_amount"),
        ]

    def __str__(self) -> str:
        return f"card sale refund {self.idempotency_key} {self.amount}"
