"""API tokens: one per integration (or per customer's phone), scoped, hashed at rest, revocable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Areas a token is scoped to, and the console's permission modules (app labels) each one opens.
AREAS = {
    "customers": (_("Customers, subscriptions and packages"), ("customers",)),
    # Charging or waiving a contract's early-termination fee is a billing decision (docs/billing.md).
    "billing": (_("Invoices, charges and contract fees"), ("billing", "contracts")),
    "payments": (_("Payments"), ("payments",)),
    "tickets": (_("Tickets"), ("tickets",)),
    # RADIUS sessions (/api/v1/sessions/) are read under the network scope, with the console's radius.view_session.
    "network": (_("Usage and sessions"), ("network", "radius")),
}
READ = "read"
WRITE = "write"
ACCESS_CHOICES = [("", _("No access")), (READ, _("Read only")), (WRITE, _("Read and write"))]


class ApiToken(models.Model):
    """A bearer token. Only the SHA-256 of the token is stored (the token is 256 random bits: a slow
    hash adds nothing); the first characters (`prefix`) are kept to tell tokens apart on the screen.

    A staff token acts for `user` (the administrator who made it, or a staff login chosen for the
    integration): every request is checked against that user's permissions, narrowed to the token's
    scopes (read or read-write per area) and branches. A customer token (`customer` set) reaches only
    /api/portal/, for that customer's own data."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Integration")
        CUSTOMER = "customer", _("Customer app")

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STAFF)
    prefix = models.CharField(max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens")
    # {"customers": "read", "payments": "write", ...}: areas missing are closed.
    scopes = models.JSONField(default=dict, blank=True)
    all_branches = models.BooleanField(default=True)
    branches = models.ManyToManyField("customers.Branch", blank=True, related_name="+")
    rate_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def access(self, area: str) -> str:
        return (self.scopes or {}).get(area, "")
