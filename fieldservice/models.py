"""Field service: work orders for technicians, their checklists, history, photos, the offline
operation log of the technician app, and serial-tracked equipment."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ispbill.core.money import MoneyField


class WorkOrder(models.Model):
    """A visit by a technician to a customer's (or a lead's) premises."""

    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        REPAIR = "repair", _("Repair")
        RELOCATION = "relocation", _("Relocation")
        DISCONNECTION = "disconnection", _("Disconnection")
        COLLECTION = "collection", _("Equipment collection")
        SITE_SURVEY = "site_survey", _("Site survey")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCHEDULED = "scheduled", _("Scheduled")
        ASSIGNED = "assigned", _("Assigned")
        EN_ROUTE = "en_route", _("En route")
        ON_SITE = "on_site", _("On site")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        TICKET = "ticket", _("Ticket")
        LEAD = "lead", _("Lead")
        NEW_SUBSCRIPTION = "new_subscription", _("New subscription")
        CANCELLATION = "cancellation", _("Cancellation")

    S = Status
    ALLOWED_TRANSITIONS = {
        S.NEW: {S.SCHEDULED, S.ASSIGNED, S.CANCELLED},
        S.SCHEDULED: {S.ASSIGNED, S.SCHEDULED, S.CANCELLED},
        S.ASSIGNED: {S.ASSIGNED, S.SCHEDULED, S.EN_ROUTE, S.ON_SITE, S.CANCELLED, S.FAILED},
        S.EN_ROUTE: {S.ON_SITE, S.ASSIGNED, S.FAILED, S.CANCELLED},
        S.ON_SITE: {S.COMPLETED, S.FAILED, S.CANCELLED},
        S.COMPLETED: set(),
        S.FAILED: set(),
        S.CANCELLED: set(),
    }
    OPEN_STATUSES = (S.NEW, S.SCHEDULED, S.ASSIGNED, S.EN_ROUTE, S.ON_SITE)
    CLOSED_STATUSES = (S.COMPLETED, S.FAILED, S.CANCELLED)
    # Kinds the customer signs for on completion.
    SIGNED_KINDS = (Kind.INSTALLATION, Kind.REPAIR, Kind.RELOCATION, Kind.COLLECTION, Kind.DISCONNECTION)
    del S

    kind = models.CharField(max_length=16, choices=Kind.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    lead = models.ForeignKey("customers.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders")
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders",
        limit_choices_to={"kind": "technician"},
    )
    # Copied from the customer or lead: board filters and branch scope without a join.
    branch = models.ForeignKey("customers.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("customers.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    address = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    scheduled_start = models.DateTimeField(null=True, blank=True, db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    # On-site facts recorded by the technician.
    travel_started_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    arrival_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    arrival_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    arrival_accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    arrival_without_gps = models.BooleanField(default=False)
    onu_power_dbm = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    speed_down_mbps = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    speed_up_mbps = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    signer_name = models.CharField(max_length=200, blank=True)
    signature = models.FileField(upload_to="fieldservice/signatures/", blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome_reason = models.TextField(blank=True)  # why it failed or was cancelled
    override_reason = models.TextField(blank=True)  # supervisor's override of the online check
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What completing needs besides the checklist, copied from the kind's template when the order is
    # made, so the rules the phone downloaded with the order are the ones the server checks.
    photos_required = models.PositiveSmallIntegerField(default=0)
    serial_required = models.BooleanField(default=False)
    # The customer's rating of the visit: a tickets survey, asked on completion (usecases/workorder_complete.py).
    survey = models.OneToOneField("tickets.Survey", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_order")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_start", "id"]
        indexes = [models.Index(fields=["technician", "status", "scheduled_start"], name="wo_tech_status_start_idx")]
        permissions = [
            ("dispatch_workorder", "Can schedule and assign work orders"),
            ("override_workorder", "Can complete an installation without the online check"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(lead__isnull=False), name="wo_customer_or_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"WO-{self.pk:05d}" if self.pk else "WO-new"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def scheduled_end(self):
        return self.scheduled_start + timedelta(minutes=self.duration_minutes) if self.scheduled_start else None

    def can_transition_to(self, status: str) -> bool:
        return status in self.ALLOWED_TRANSITIONS[self.Status(self.status)]


class ChecklistTemplate(models.Model):
    """The checklist a kind of work order starts with; admins edit it (Django admin, Field service)."""

    kind = models.CharField(max_length=16, choices=WorkOrder.Kind.choices, unique=True)
    # What else completing the kind needs, copied to each new order with the checklist.
    photos_required = models.PositiveSmallIntegerField(default=0, help_text=_("Photos the technician must take before completing."))
    serial_required = models.BooleanField(default=False, help_text=_("A serial number must be recorded (installed or collected)."))

    def __str__(self) -> str:
        return str(WorkOrder.Kind(self.kind).label)


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(max_length=200)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class ChecklistItem(models.Model):
    """One line of an order's checklist, copied from the template when the order is created."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="checklist")
    label = models.CharField(max_length=200)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class WorkOrderEvent(models.Model):
    """The order's history: every status change, assignment, note, photo, reading and override."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)  # when it happened: the phone's time for an action made offline
    received_at = models.DateTimeField(null=True, blank=True)  # when the server wrote it (empty on rows before it was kept)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = models.TextField(blank=True)

    # What the history shows for each `action` (stored as a code, read in the reader's language).
    ACTION_LABELS = {
        "created": pgettext_lazy("work order history", "Created"),
        "scheduled": pgettext_lazy("work order history", "Scheduled"),
        "assigned": pgettext_lazy("work order history", "Assigned"),
        "rescheduled": pgettext_lazy("work order history", "Rescheduled"),
        "unassigned": pgettext_lazy("work order history", "Unassigned"),
        "cancelled": pgettext_lazy("work order history", "Cancelled"),
        "note": pgettext_lazy("work order history", "Note"),
        "en_route": pgettext_lazy("work order history", "On the way"),
        "arrived": pgettext_lazy("work order history", "Arrived"),
        "checked": pgettext_lazy("work order history", "Ticked"),
        "unchecked": pgettext_lazy("work order history", "Unticked"),
        "readings": pgettext_lazy("work order history", "Readings"),
        "signed": pgettext_lazy("work order history", "Signed"),
        "photo": pgettext_lazy("work order history", "Photo"),
        "equipment": pgettext_lazy("work order history", "Equipment"),
        "completed": pgettext_lazy("work order history", "Completed"),
        "failed": pgettext_lazy("work order history", "Failed"),
        "rated": pgettext_lazy("work order history", "Rated"),
    }

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)

    @staticmethod
    def _status_label(value: str) -> str:
        return WorkOrder.Status(value).label if value in WorkOrder.Status.values else value

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)

    def synced_late(self) -> bool:
        """Done offline and received later: the history shows both times."""
        return bool(self.received_at and self.received_at - self.at > timedelta(minutes=2))


class WorkOrderPhoto(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    # The phone's id for the upload: a retried upload lands once.
    client_uuid = models.UUIDField(unique=True)
    image = models.ImageField(upload_to="fieldservice/photos/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"photo {self.client_uuid}"


class SyncOperation(models.Model):
    """One action from the technician app, by the UUID the phone gave it: applied once, and a replay
    answered with the stored result."""

    uuid = models.UUIDField(primary_key=True, default=uuid.uuid4)
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(WorkOrder, null=True, on_delete=models.SET_NULL, related_name="operations")
    kind = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    ok = models.BooleanField(default=False)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)  # when the server received it
    # The phone's clock when the technician did it, as sent; `done_at` the time the action is recorded
    # at: the phone's, unless it is missing or outside the sanity bound (fieldservice/sync.py), then
    # the time it was received.
    client_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    replays = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"


class EquipmentModel(models.Model):
    class Category(models.TextChoices):
        ONU = "onu", _("ONU")
        ROUTER = "router", _("Wi-Fi router")
        CABLE = "cable", _("Cable (metres)")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=8, choices=Category.choices)
    serial_tracked = models.BooleanField(default=True)
    # Sold with the installation: charged once through billing (a one-time invoice line).
    sale_price = MoneyField(null=True, blank=True)
    # Rented: charged per month while it is at the customer, with their connection's billing periods
    # (fieldservice/rentals.py, docs/billing.md "Equipment rental"). Neither price: lent free.
    rental_price = MoneyField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sale_price__isnull=True) | Q(rental_price__isnull=True), name="equipment_model_sold_or_rented",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.sale_price and self.rental_price:
            raise ValidationError(_("An equipment model is sold or rented, not both: clear one of the prices."))


class EquipmentItem(models.Model):
    """One serial-numbered unit and where it is now: in a branch's store, with a technician, at a
    customer. Every change of where it is or what state it is in is an EquipmentMovement; staff move
    it through fieldservice/stock.py, a visit through fieldservice/equipment.py."""

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", _("In stock")
        WITH_TECHNICIAN = "with_technician", _("With a technician")
        INSTALLED = "installed", _("Installed at a customer")
        RETURNED_GOOD = "returned_good", _("Returned (good)")
        RETURNED_FAULTY = "returned_faulty", _("Faulty")
        WRITTEN_OFF = "written_off", _("Written off")

    # The store's moves and the statuses each may start from (a visit's install and collect are in
    # fieldservice/equipment.py). Installed equipment comes back only through a collection visit;
    # written-off equipment never moves again.
    STOCK_MOVES = {
        "issue": (Status.IN_STOCK, Status.RETURNED_GOOD, Status.WITH_TECHNICIAN),
        "return": (Status.WITH_TECHNICIAN, Status.RETURNED_FAULTY),  # the faulty one only while a technician holds it
        "faulty": (Status.IN_STOCK, Status.RETURNED_GOOD, Status.WITH_TECHNICIAN),
        "write_off": (Status.IN_STOCK, Status.RETURNED_GOOD, Status.WITH_TECHNICIAN, Status.RETURNED_FAULTY),
    }

    model = models.ForeignKey(EquipmentModel, on_delete=models.PROTECT, related_name="items")
    serial = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_STOCK, db_index=True)
    branch = models.ForeignKey("customers.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="equipment"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="equipment"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["serial"]
        permissions = [("writeoff_equipmentitem", "Can write off equipment")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="installed") | Q(customer__isnull=False), name="equipment_installed_has_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.serial}"

    def can(self, move: str) -> bool:
        if move == "return" and self.status == self.Status.RETURNED_FAULTY:
            return self.technician_id is not None
        return self.status in self.STOCK_MOVES.get(move, ())


class EquipmentMovement(models.Model):
    """History per serial, append-only: every change of where it is, who made it, when and why."""

    item = models.ForeignKey(EquipmentItem, on_delete=models.CASCADE, related_name="movements")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="equipment_movements")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who holds it after the move (issued to, or the technician who collected it).
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    invoice = models.ForeignKey("billing.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return EquipmentItem.Status(self.from_status).label if self.from_status in EquipmentItem.Status.values else ""

    @property
    def to_label(self) -> str:
        return EquipmentItem.Status(self.to_status).label if self.to_status in EquipmentItem.Status.values else self.to_status


class EquipmentRental(models.Model):
    """A rented item's stay at a customer: from the day it was installed to the day it came back. Its
    rent follows the billing periods of `subscription` (fieldservice/rentals.py)."""

    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, related_name="rentals")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="equipment_rentals")
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT, related_name="equipment_rentals")
    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="rentals")
    monthly_price = MoneyField()  # the model's rental price when it was installed
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)  # the day it came back: its last day charged

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(ended_on__isnull=True), name="equipment_rental_one_open_per_item"),
            models.CheckConstraint(condition=Q(monthly_price__gt=0), name="equipment_rental_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item} at {self.customer_id} from {self.started_on}"


class EquipmentRentalCharge(models.Model):
    """The rent of one rental for the days `first_day`..`last_day` of one billing period: a pending
    one-time charge that the billing run writes onto the customer's next invoice. One per rental and
    first day (a withdrawn one aside), so charging twice writes nothing twice."""

    rental = models.ForeignKey(EquipmentRental, on_delete=models.PROTECT, related_name="charges")
    first_day = models.DateField()
    last_day = models.DateField()
    charge = models.OneToOneField("billing.OneTimeCharge", on_delete=models.PROTECT, related_name="+")
    withdrawn = models.BooleanField(default=False)  # the item came back before it was invoiced
    credit_note = models.ForeignKey("billing.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["first_day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rental", "first_day"], condition=Q(withdrawn=False), name="equipment_rental_charge_once_per_day",
            ),
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="equipment_rental_charge_days_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.rental_id} {self.first_day}–{self.last_day}"
