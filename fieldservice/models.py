from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldTask(models.Model):
    """Work for a technician at a customer's premises (installation, repair, relocation)."""

    class Kind(models.TextChoices):
        INSTALLATION = "installation", _("Installation")
        REPAIR = "repair", _("Repair")
        RELOCATION = "relocation", _("Relocation")
        COLLECTION = "collection", _("Equipment collection")

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_tasks")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="field_tasks")
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.PROTECT, related_name="field_tasks"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED, db_index=True)
    scheduled_for = models.DateField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id}"
