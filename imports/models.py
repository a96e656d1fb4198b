"""Moving in: customers brought over from spreadsheets and routers, in batches that can be undone.

A batch keeps every row it read (`ImportRow`) with its errors and, once committed, what it made
(customer, subscription) and what an update changed, so a batch is previewed, committed in the
background, reported on and undone from the rows alone; the uploaded file is not kept.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportProfile(models.Model):
    """A saved mapping of file columns to fields, reused for the next file of the same shape."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField(default=dict, help_text="field → column header")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("Spreadsheet")
        ROUTER = "router", _("Router")

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to map")
        VALIDATED = "validated", _("Checked")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("Customers")
        PAST_PAYMENTS = "past_payments", _("Past payments")

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    # What the file's rows are: customers (with subscriptions and opening balances) or past payments
    # of customers already in ispbill (history only, see payments.PastPayment).
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CUSTOMERS)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MAPPING, db_index=True)
    file_name = models.CharField(max_length=255, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    profile = models.ForeignKey(ImportProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="batches")
    router = models.ForeignKey("network.Router", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Router imports: router profile name → package id, chosen on the mapping screen.
    profile_packages = models.JSONField(default=dict, blank=True)
    cutover_date = models.DateField(help_text=_("Opening balances are dated on this day"))
    activate = models.BooleanField(default=False, help_text=_("Create subscriptions as active instead of pending"))
    total_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What an undo did: customers removed and withdrawn, and the account and invoice numbers the batch
    # used (as runs), which stay used: numbering is gap-free and a number is never given out twice.
    undo_report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("run_import", "Can import customers and export all data")]

    def __str__(self) -> str:
        return f"Import #{self.pk} {self.file_name}"

    @property
    def valid_rows(self) -> int:
        return self.total_rows - self.error_rows

    @property
    def percent(self) -> int:
        todo = self.to_create + self.to_update
        return 100 if not todo else min(100, round(100 * self.processed_rows / todo))


class ImportRow(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        ERROR = "error", _("Error")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    data = models.JSONField(default=dict)  # the row as read: column header → text
    values = models.JSONField(default=dict)  # the row checked and resolved (ids, E.164 phone, amounts as text)
    errors = models.JSONField(default=list)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.CREATE)
    done = models.BooleanField(default=False)
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subscription = models.ForeignKey("customers.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opening_entry = models.ForeignKey("billing.LedgerEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    past_payment = models.ForeignKey("payments.PastPayment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    previous = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line"]
        indexes = [models.Index(fields=["batch", "done", "line"], name="importrow_batch_todo_idx")]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="importrow_one_per_line")]
