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
    # Customers: the portal's and their messages' language (empty: the browser's), and digits as ০১২৩.
    language = models.CharField(max_length=8, choices=[("en", "English"), ("bn", "বাংলা")], blank=True)
    bangla_numerals = models.BooleanField(default=False)

    class Meta:
        permissions = [("manage_roles", "Can edit roles and their permissions")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OneTimeCode(models.Model):
    """A short-lived code sent to a phone or an e-mail address. Only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "First sign-in / forgotten password"
        PHONE_CHANGE = "phone_change", "Verify a new phone"
        EMAIL_CHANGE = "email_change", "Verify a new e-mail address"
        CONTRACT_SIGN = "contract_sign", "Sign a contract"

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="one_time_codes")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # Where the code went: the phone or address that becomes the customer's once verified.
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["customer", "purpose", "-created_at"], name="otp_customer_purpose_idx")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for customer {self.customer_id}"


class CustomerSession(models.Model):
    """Where a customer is signed in: one row per portal session, touched at most every few minutes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portal_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "-last_seen"], name="customer_session_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.ip_address} · {self.last_seen:%Y-%m-%d %H:%M}"
