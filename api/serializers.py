"""What the API shows of each object, and the shape of what it accepts. Writes are validated here for
type and range only; the services decide everything else (their ValidationError is a 400)."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from billing.models import Invoice
from customers.models import Area, Customer, Package, Subscription
from network.models import UsageDaily
from payments.models import Payment
from radius.models import Session
from tickets.models import Category, Priority, Ticket

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id", "account_number", "name", "phone", "email", "address", "area", "branch", "status", "customer_since",
            "external_ref", "language", "reseller", "latitude", "longitude", "created_at", "updated_at",
        ]
        read_only_fields = fields


class CustomerCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=1000)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.none())
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    national_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True)
    customer_since = serializers.DateField(required=False)
    language = serializers.ChoiceField(choices=["", "en", "bn"], required=False, default="")
    external_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:  # the areas the user sees (None: only the schema generator makes one)
            self.fields["area"].queryset = areas


class PackageSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Package
        fields = [
            "id", "name", "type", "download_mbps", "upload_mbps", "price", "billing_cycle", "data_cap_gb", "ott_bundle",
            "live_channels", "is_active",
        ]
        read_only_fields = fields


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = [
            "id", "customer", "package", "connection_type", "router", "username", "status", "suspension_type", "skip_billing",
            "activated_at", "suspended_at", "cancelled_at", "billed_through", "paid_through", "created_at", "updated_at",
        ]
        read_only_fields = fields


class PortalSubscriptionSerializer(serializers.ModelSerializer):
    package = PackageSerializer(read_only=True)

    class Meta:
        model = Subscription
        fields = ["id", "package", "connection_type", "username", "status", "activated_at", "paid_through"]
        read_only_fields = fields


class LifecycleSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class SuspendSerializer(LifecycleSerializer):
    suspension_type = serializers.ChoiceField(choices=Subscription.SuspensionType.choices)
    skip_billing = serializers.BooleanField(required=False, default=False)


class CancelSerializer(LifecycleSerializer):
    fee = serializers.ChoiceField(
        choices=["charge", "waive"], required=False,
        help_text="Only when the contract's early-termination fee is due: charge it or waive it (as the console's dialog asks).",
    )
    fee_waive_reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    quoted_fee = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False,
        help_text="The fee total you were quoted (GET …/cancel-quote/): a fee that changed since is refused.",
    )


class CancelQuoteSerializer(serializers.Serializer):
    fee_due = serializers.BooleanField()
    fee = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)


class InvoiceSerializer(serializers.ModelSerializer):
    subtotal = serializers.DecimalField(**MONEY, read_only=True)
    vat_total = serializers.DecimalField(**MONEY, read_only=True)
    total = serializers.DecimalField(**MONEY, read_only=True)
    amount_paid = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Invoice
        fields = [
            "id", "number", "customer", "status", "issue_date", "due_date", "subtotal", "vat_rate", "vat_total", "total",
            "amount_paid", "billing_run", "created_at",
        ]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "receipt_number", "customer", "amount", "method", "reference", "status", "received_at", "note", "reseller"]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    # A prepaid card's payment is recorded by redeeming the card (docs/vouchers.md), never posted as such.
    method = serializers.ChoiceField(choices=[c for c in Payment.Method.choices if c[0] != Payment.Method.PREPAID_CARD])
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="",
        help_text="The same key twice records one payment (safe to retry after a timeout).",
    )
    confirm_large = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:  # the customers the user sees (None: only the schema generator makes one)
            self.fields["customer"].queryset = customers


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = [
            "id", "number", "customer", "category", "priority", "status", "source", "subject", "description", "assignee",
            "created_at", "updated_at", "resolved_at",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    category = serializers.ChoiceField(choices=Category.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default="")

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if customers is not None:  # the customers the user sees (None: only the schema generator makes one)
            self.fields["customer"].queryset = customers


class PortalTicketCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)


class UsageSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="subscription.customer_id", read_only=True)

    class Meta:
        model = UsageDaily
        fields = ["id", "subscription", "customer", "day", "upload_bytes", "download_bytes"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """A RADIUS accounting session (radius_radacct): octets are totals with the 32-bit wraps added."""

    id = serializers.IntegerField(source="radacctid", read_only=True)
    customer = serializers.IntegerField(source="subscription.customer_id", read_only=True, allow_null=True, default=None)
    session_id = serializers.CharField(source="acctsessionid", read_only=True)
    started_at = serializers.DateTimeField(source="acctstarttime", read_only=True)
    updated_at = serializers.DateTimeField(source="acctupdatetime", read_only=True)
    stopped_at = serializers.DateTimeField(source="acctstoptime", read_only=True)
    online = serializers.BooleanField(source="is_open", read_only=True)
    duration_seconds = serializers.IntegerField(source="acctsessiontime", read_only=True, allow_null=True)
    ip_address = serializers.IPAddressField(source="framedipaddress", read_only=True, allow_null=True)
    mac = serializers.CharField(source="callingstationid", read_only=True)
    nas_ip_address = serializers.IPAddressField(source="nasipaddress", read_only=True)
    upload_bytes = serializers.IntegerField(source="acctinputoctets", read_only=True, allow_null=True)
    download_bytes = serializers.IntegerField(source="acctoutputoctets", read_only=True, allow_null=True)
    terminate_cause = serializers.CharField(source="acctterminatecause", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id", "subscription", "customer", "router", "username", "session_id", "started_at", "updated_at", "stopped_at", "online",
            "duration_seconds", "ip_address", "mac", "nas_ip_address", "upload_bytes", "download_bytes", "terminate_cause",
        ]
        read_only_fields = fields


class PortalSessionSerializer(SessionSerializer):
    """The customer's own view of a session: no router or NAS internals."""

    class Meta(SessionSerializer.Meta):
        fields = [
            "id", "subscription", "username", "started_at", "stopped_at", "online", "duration_seconds", "ip_address",
            "upload_bytes", "download_bytes", "terminate_cause",
        ]
        read_only_fields = fields


class PortalTokenRequestSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=64, help_text="Account number or phone, as on the portal's sign-in.")
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", help_text="e.g. the phone's model")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: keep it in the app's secure storage.")
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(
        help_text="When this token stops answering (401) unless refreshed before then with POST /api/portal/token/refresh/. "
                  "The lifetime is set by the ISP (Settings → API tokens; 90 days unless changed).",
    )


class TokenRefreshSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(help_text="The token's new expiry; the token itself is unchanged.")


class ListFilterSerializer(serializers.Serializer):
    """Query parameters shared by list endpoints; each view adds its own."""

    page_size = serializers.IntegerField(min_value=1, max_value=200, required=False)
    cursor = serializers.CharField(max_length=500, required=False)
