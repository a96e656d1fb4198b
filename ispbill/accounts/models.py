from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Every login: ISP staff, technicians, resellers and customers. `kind` decides the surface."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        TECHNICIAN = "technician", "Technician"
        RESELLER = "reseller", "Reseller"
        CUSTOMER = "customer", "Customer"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STAFF, db_index=True)
    phone = models.CharField(max_length=20, blank=True)
    # Staff limited to some branches see only those branches' customers; others see all.
    all_branches = models.BooleanField(default=True)
    branches = models.ManyToManyField("customers.Branch", blank=True, related_name="staff_users")

    class Meta:
        permissions = [("manage_roles", "Can edit roles and their permissions")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
