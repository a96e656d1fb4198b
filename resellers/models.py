from django.conf import settings
from django.db import models


class Reseller(models.Model):
    """A sub-dealer who sells and collects for the ISP in an area; signs in to the reseller portal."""

    name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20)
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="resellers")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reseller")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
