"""Routers, the provisioning outbox and the reconciler's drift reports.

The router's tables are never written from a web request: services write the desired state of a
subscription into a `ProvisioningTask` in the same transaction as the change, and a worker applies
the router's queue in order (network.services.outbox_drain). The reconciler compares what the
database wants with what each router has and stores a `DriftReport` per run.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField


class Router(models.Model):
    """A MikroTik router customers connect through, reached over the RouterOS API."""

    class SuspensionMethod(models.TextChoices):
        DISABLE = "disable", _("Disable the login and drop the active session")
        ADDRESS_LIST = "address_list", _("Add the customer's address to the suspended address list")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("host"), max_length=255, help_text=_("IP address or DNS name of the RouterOS API"))
    api_port = models.PositiveIntegerField(_("API port"), default=8728)
    use_ssl = models.BooleanField(_("use api-ssl"), default=False, help_text=_("Connect to api-ssl (TLS) instead of the plain API"))
    ssl_port = models.PositiveIntegerField(_("api-ssl port"), default=8729)
    username = models.CharField(_("API username"), max_length=100, default="admin")
    password = EncryptedTextField(_("API password"), blank=True)
    branch = models.ForeignKey(
        "customers.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="routers", verbose_name=_("branch")
    )
    areas = models.ManyToManyField("customers.Area", blank=True, related_name="routers", verbose_name=_("areas served"))
    is_active = models.BooleanField(_("active"), default=True)

    # Provisioning methods: which kinds of subscription this router carries. A subscription's own
    # connection type picks the table (PPPoE secret, simple queue, hotspot user); a router that does
    # not carry that kind refuses the change with a clear error instead of half-applying it.
    provision_pppoe = models.BooleanField(_("PPPoE secrets with profiles"), default=True)
    provision_static = models.BooleanField(_("static IPs with simple queues"), default=True)
    provision_hotspot = models.BooleanField(_("hotspot users"), default=True)
    suspension_method = models.CharField(
        _("suspension method"), max_length=16, choices=SuspensionMethod.choices, default=SuspensionMethod.DISABLE
    )
    suspended_address_list = models.CharField(
        _("suspended address list"), max_length=64, default="suspended",
        help_text=_("Firewall address list a walled-garden rule redirects to the portal's pay page"),
    )

    # Health, written by the health check and by every successful contact.
    is_online = models.BooleanField(_("online"), default=False)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    uptime_seconds = models.PositiveBigIntegerField(_("uptime"), null=True, blank=True)
    cpu_load = models.PositiveSmallIntegerField(_("CPU load (%)"), null=True, blank=True)
    routeros_version = models.CharField(_("RouterOS version"), max_length=64, blank=True)
    board_name = models.CharField(_("board"), max_length=64, blank=True)
    identity = models.CharField(_("identity"), max_length=100, blank=True)
    active_sessions = models.PositiveIntegerField(_("active sessions"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    # The outbox drainer's claim on this router (one drainer per router at a time) and the router-wide
    # back-off after it could not be reached.
    outbox_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    outbox_retry_at = models.DateTimeField(null=True, blank=True, editable=False)
    unreachable_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(api_port__gte=1, api_port__lte=65535, ssl_port__gte=1, ssl_port__lte=65535),
                name="router_ports_valid",
            ),
            models.CheckConstraint(
                condition=Q(provision_pppoe=True) | Q(provision_static=True) | Q(provision_hotspot=True),
                name="router_provisions_something",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def port(self) -> int:
        return self.ssl_port if self.use_ssl else self.api_port

    @property
    def address_label(self) -> str:
        return f"{self.host}:{self.port}{' (api-ssl)' if self.use_ssl else ''}"

    def provisions(self, connection_type: str) -> bool:
        return {
            "pppoe": self.provision_pppoe,
            "static": self.provision_static,
            "hotspot": self.provision_hotspot,
        }.get(connection_type, False)

    @property
    def provisioning_labels(self) -> list[str]:
        fields = ("provision_pppoe", "provision_static", "provision_hotspot")
        return [str(self._meta.get_field(name).verbose_name) for name in fields if getattr(self, name)]


class ProvisioningTask(models.Model):
    """One change for one router, in the order it was decided. Never dropped: retried with back-off
    until it is applied; staff see the last error and can retry at once."""

    class Action(models.TextChoices):
        PROVISION = "provision", _("Provision")
        UPDATE = "update", _("Update")
        SUSPEND = "suspend", _("Suspend")
        REACTIVATE = "reactivate", _("Reactivate")
        DEPROVISION = "deprovision", _("Deprovision")
        PROFILE = "profile", _("Profile")
        ADOPT = "adopt", _("Adopt entry")
        REMOVE_ORPHAN = "remove_orphan", _("Remove orphan")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLYING = "applying", _("Applying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, will retry")

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="provisioning_tasks")
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="provisioning_tasks"
    )
    # Entries with the same key are applied strictly in order; different keys do not wait for each other,
    # so one customer's stuck change does not hold up everybody else on the router.
    key = models.CharField(max_length=200)
    action = models.CharField(max_length=16, choices=Action.choices)
    # What the router should hold afterwards (no passwords: those are read, encrypted, from the subscription).
    desired = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    result = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["router", "status", "id"], name="provisioning_router_status_idx"),
            models.Index(fields=["subscription", "id"], name="provisioning_subscription_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.desired.get('name') or self.key} on {self.router_id}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DONE

    @property
    def target_label(self) -> str:
        return self.desired.get("name") or self.desired.get("address") or self.key


class DriftReport(models.Model):
    """One reconciler run on one router: what it compared, what it repaired, what it did not recognise."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        IN_SYNC = "in_sync", _("In sync")
        REPAIRED = "repaired", _("Drift repaired")
        INCOMPLETE = "incomplete", _("Some repairs failed")
        ERROR = "error", _("Router not reachable")

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="drift_reports")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    checked = models.PositiveIntegerField(default=0)
    # [{"key", "name", "table", "problem", "repaired": bool, "error"}]
    repairs = models.JSONField(default=list)
    # [{"table", "name", "address", "detail", "subscription": id or None}] — never deleted by the reconciler.
    orphans = models.JSONField(default=list)
    # Subscriptions left alone because the outbox still has changes for them.
    skipped = models.JSONField(default=list)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.router} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def repaired_count(self) -> int:
        return sum(1 for repair in self.repairs if repair.get("repaired"))

    @property
    def adoptable_orphans(self) -> list[dict]:
        return [orphan for orphan in self.orphans if orphan.get("subscription") and orphan.get("table") != "address"]

    @property
    def failed_repairs(self) -> list[dict]:
        return [repair for repair in self.repairs if not repair.get("repaired")]
