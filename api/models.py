"""API tokens: one per integration (or per customer's phone), scoped, hashed at rest, revocable."""

from django.conf import settings
from django.db import models
from django.utils import timezone
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
    # A customer token answers until then (ApiSettings.app_token_days after its sign-in or last refresh);
    # an integration token has none: it works until revoked.
    expires_at = models.DateTimeField(null=True, blank=True)
    # A customer token is bound to the password it was signed in with: the SHA-256 of the login's password
    # hash then. Any change of the password, by any path (portal, code sign-in, console, admin), changes the
    # hash in the same write, and the token stops answering (api/tokens.py, `token_find`).
    password_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def access(self, area: str) -> str:
        return (self.scopes or {}).get(area, "")


class ApiSettings(models.Model):
    """One row (pk=1), edited in Settings → API tokens: how long a customer app's sign-in lasts."""

    MIN_DAYS, MAX_DAYS = 1, 365
    app_token_days = models.PositiveSmallIntegerField(
        default=90, help_text=_("Days a customer's app stays signed in after its sign-in or last refresh"),
    )

    class Meta:
        verbose_name_plural = "API settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="api_settings_single_row"),
            models.CheckConstraint(condition=models.Q(app_token_days__gte=1, app_token_days__lte=365), name="api_settings_app_token_days_range"),
        ]

    def __str__(self) -> str:
        return "API settings"
