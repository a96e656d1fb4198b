"""Routers, the provisioning outbox and the reconciler's drift reports.

The router's tables are never written from a web request: services write the desired state of a
subscription into a `ProvisioningTask` in the same transaction as the change, and a worker applies
the router's queue in order (network.outbox.outbox_drain). The reconciler compares what the
database wants with what each router has and stores a `DriftReport` per run.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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

    class AaaMode(models.TextChoices):
        API = "api", _("API: PPPoE secrets written to the router")
        RADIUS = "radius", _("RADIUS: the router asks FreeRADIUS")

    # Authentication, authorisation and accounting: API mode writes each subscriber's secret to the
    # router; RADIUS mode points the router at our FreeRADIUS (network.services.router_switch_aaa_mode).
    aaa_mode = models.CharField(_("AAA mode"), max_length=8, choices=AaaMode.choices, default=AaaMode.API)
    # The RADIUS shared secret between this router (the NAS) and FreeRADIUS, generated when RADIUS is
    # first enabled; also signs CoA and Disconnect requests to the router.
    radius_secret = EncryptedTextField(_("RADIUS secret"), blank=True)
    # Where the router listens for CoA and Disconnect (`/radius incoming set port=`): 3799 in real life.
    radius_coa_port = models.PositiveIntegerField(_("RADIUS CoA port"), default=3799)
    # BlastRADIUS (CVE-2024-3596): FreeRADIUS drops this router's Access-Requests that carry no valid
    # Message-Authenticator (clients.conf `require_message_authenticator`). Off only for a RouterOS
    # that cannot send one (before 7.15); docs/radius.md, "Message-Authenticator".
    radius_require_message_authenticator = models.BooleanField(_("Require Message-Authenticator"), default=True)

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
                condition=Q(api_port__gte=1, api_port__lte=65535, ssl_port__gte=1, ssl_port__lte=65535,
                            radius_coa_port__gte=1, radius_coa_port__lte=65535),
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
            # IPoE is a DHCP lease and a simple queue: carried where static IPs are (docs/ipam.md).
            "ipoe": self.provision_static,
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
        AAA_MODE = "aaa_mode", _("Switch AAA mode")
        # Staff's "Disconnect" on a session: end it now (RADIUS: Disconnect-Request; API: /ppp active remove).
        DISCONNECT = "disconnect", _("Disconnect session")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPLYING = "applying", _("Applying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed, will retry")

    # Every status but done, as a list: `status IN (…)` reads a router's open entries through the
    # (router, status, id) index, where `status <> 'done'` reads its done ones too, and those grow with
    # every change ever applied.
    NOT_DONE = (Status.PENDING, Status.APPLYING, Status.FAILED)

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


# Usage polling -----------------------------------------------------------------------------------
#
# Every poll reads each router's per-customer byte counters once, turns them into deltas against the
# last reading (`UsagePoll.baselines`), stores the deltas (`UsageSample`) and folds them into the hour and the
# local day they were read in. Samples, hours and days are kept for their own retention periods
# (settings.USAGE_*_RETENTION_DAYS).


class UsageSample(models.Model):
    """Bytes a subscription moved between two polls, stamped with the second poll's time."""

    subscription = models.ForeignKey("customers.Subscription", on_delete=models.CASCADE, related_name="usage_samples")
    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField()
    upload_bytes = models.PositiveBigIntegerField()
    download_bytes = models.PositiveBigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["router", "taken_at"], name="usage_sample_router_time_idx"),
            models.Index(fields=["subscription", "taken_at"], name="usage_sample_sub_time_idx"),
            models.Index(fields=["taken_at"], name="usage_sample_time_idx"),
        ]


class UsageHourly(models.Model):
    """A subscription's traffic in one clock hour (``hour`` is its start, UTC)."""

    subscription = models.ForeignKey("customers.Subscription", on_delete=models.CASCADE, related_name="usage_hours")
    hour = models.DateTimeField()
    upload_bytes = models.PositiveBigIntegerField(default=0)
    download_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "hour"], name="usage_hourly_unique")]
        indexes = [models.Index(fields=["hour"], name="usage_hourly_hour_idx")]


class UsageDaily(models.Model):
    """A subscription's traffic on one local day (settings.TIME_ZONE)."""

    subscription = models.ForeignKey("customers.Subscription", on_delete=models.CASCADE, related_name="usage_days")
    day = models.DateField()
    upload_bytes = models.PositiveBigIntegerField(default=0)
    download_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "day"], name="usage_daily_unique")]
        indexes = [models.Index(fields=["day", "subscription"], name="usage_daily_day_idx")]

    @property
    def total_bytes(self) -> int:
        return self.upload_bytes + self.download_bytes


class UsagePoll(models.Model):
    """The last usage poll of one router: when, how long, how many counters, what went wrong, and what
    the next poll needs: each entry's last raw counters (the baseline of its next delta) and the
    PPPoE sessions /ppp/active listed. Both are kept as one document per router, written once per
    poll, instead of thousands of rows rewritten every five minutes."""

    router = models.OneToOneField(Router, on_delete=models.CASCADE, primary_key=True, related_name="usage_poll")
    polled_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    router_uptime_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    counters = models.PositiveIntegerField(default=0)
    resets = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # {"s:<login>" | "q:<queue name>": [upload, download, session id, unix time read]}, keyed by the
    # entry's name, never by .id (ids change when the router reboots).
    baselines = models.JSONField(default=dict, blank=True)
    # {"<login>": [address, caller id, uptime seconds, session id]} at succeeded_at.
    sessions = models.JSONField(default=dict, blank=True)


class FupState(models.Model):
    """A capped subscription's fair-usage standing in its current cycle: usage so far, the warnings
    already sent, and whether it runs on the package's throttled profile. Reset when the cycle ends."""

    subscription = models.OneToOneField(
        "customers.Subscription", on_delete=models.CASCADE, primary_key=True, related_name="fup_state"
    )
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    cap_bytes = models.PositiveBigIntegerField()
    used_bytes = models.PositiveBigIntegerField(default=0)
    warned_80_at = models.DateTimeField(null=True, blank=True)
    warned_95_at = models.DateTimeField(null=True, blank=True)
    throttled_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lift_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("lift_fup", "Can lift a subscription's fair-usage throttling")]
        constraints = [models.CheckConstraint(condition=Q(cycle_end__gte=models.F("cycle_start")), name="fup_cycle_ordered")]

    @property
    def throttled(self) -> bool:
        return self.throttled_at is not None and self.lifted_at is None

    @property
    def percent(self) -> int:
        return int(self.used_bytes * 100 // self.cap_bytes) if self.cap_bytes else 0


# Outages -----------------------------------------------------------------------------------------
#
# Staff declare an outage over areas and/or routers; the customers with a current subscription there
# are told on their channels (network.outages), and told again on every update and on restoration.
# The health check records each period a router stopped answering and suggests an outage for it.


class RouterDownPeriod(models.Model):
    """A stretch of time a router that used to answer did not answer the health check (open while it
    is still down). Feeds router uptime and opens at most one suggested outage."""

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="down_periods")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["router", "started_at"], name="router_down_router_start_idx")]
        constraints = [
            models.UniqueConstraint(fields=["router"], condition=Q(ended_at__isnull=True), name="router_one_open_down_period"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")), name="router_down_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.router} down since {self.started_at:%Y-%m-%d %H:%M}"


class Outage(models.Model):
    """A service interruption customers are told about: declared by staff, or suggested by the health
    check and confirmed (or dismissed) by staff. Never broadcast before a person declares it."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        ACTIVE = "active", _("Active")
        RESTORED = "restored", _("Restored")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS = {
        Status.SUGGESTED: {Status.ACTIVE, Status.DISMISSED},
        Status.ACTIVE: {Status.RESTORED},
        Status.RESTORED: set(),
        Status.DISMISSED: set(),
    }
    # Statuses that count against uptime (a dismissed suggestion was not an outage customers had).
    COUNTED = (Status.ACTIVE, Status.RESTORED)

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The same notice in Bangla for customers who read Bangla; empty: they get the English text.
    title_bn = models.CharField(_("title in Bangla"), max_length=200, blank=True)
    description_bn = models.TextField(_("description in Bangla"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    started_at = models.DateTimeField(_("started"))
    estimated_restoration_at = models.DateTimeField(_("estimated restoration"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    restoration_note = models.TextField(_("restoration note"), blank=True)
    restoration_note_bn = models.TextField(_("restoration note in Bangla"), blank=True)
    areas = models.ManyToManyField("customers.Area", blank=True, related_name="outages", verbose_name=_("affected areas"))
    routers = models.ManyToManyField(Router, blank=True, related_name="outages", verbose_name=_("affected routers"))
    # Customers with a current subscription in the areas or on the routers when it was declared.
    affected_customers = models.PositiveIntegerField(_("affected customers"), default=0)
    # The router down period that suggested this outage: one suggestion per down period.
    down_period = models.OneToOneField(
        RouterDownPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggested_outage"
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="outage_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(restored_at__isnull=True) | Q(restored_at__gte=models.F("started_at")), name="outage_restored_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def text_in(self, language: str) -> dict[str, str]:
        """Title, description and restoration note in a customer's language (English where the
        Bangla was left empty)."""
        bangla = language == "bn"
        return {
            "title": (bangla and self.title_bn) or self.title,
            "description": (bangla and self.description_bn) or self.description,
            "restoration_note": (bangla and self.restoration_note_bn) or self.restoration_note,
        }

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def duration(self):
        """How long it lasted (so far, while active); None for suggestions and dismissals."""
        if self.status not in self.COUNTED:
            return None
        return (self.restored_at or timezone.now()) - self.started_at


class OutageUpdate(models.Model):
    """A progress note staff send to the affected customers while the outage lasts."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="updates")
    message = models.TextField(_("message"))
    message_bn = models.TextField(_("message in Bangla"), blank=True)
    estimated_restoration_at = models.DateTimeField(_("estimated restoration"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outage}: {self.message[:40]}"


class OutageBroadcast(models.Model):
    """One message to every affected customer (declared, an update, restored). The job that queues
    it can run any number of times: messages carry an idempotency key per outage, customer and event."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queueing")
        DONE = "done", _("Queued")

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="broadcasts")
    event = models.CharField(max_length=40)
    update = models.ForeignKey(OutageUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    occurrence = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    recipients = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outage", "event", "occurrence"], name="outage_broadcast_once"),
        ]


class SpeedDestination(models.Model):
    """One prefix of a speed class's destination list (issue 56): the BDIX peering prefixes and the
    cache servers (YouTube GGC, Facebook FNA …) whose traffic gets the package's BDIX or cache speed.
    Pushed to every router as the address lists ``ispbill-bdix`` and ``ispbill-cache``
    (network/speeds.py). ``prefix`` is the network in canonical form (``103.4.0.0/22``; a host is /32)."""

    class Kind(models.TextChoices):
        BDIX = "bdix", _("BDIX")
        CACHE = "cache", _("Cache")

    kind = models.CharField(_("list"), max_length=8, choices=Kind.choices)
    prefix = models.CharField(_("prefix"), max_length=50)
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "prefix"]
        constraints = [models.UniqueConstraint(fields=["kind", "prefix"], name="speed_destination_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.prefix}"


class SpeedBoundaryRun(models.Model):
    """One router's share of one speed-window edge (network/speed_boundary.py): how many sessions were
    changed (done), how many the router refused or had no session for (refused), how many got no
    answer (lost; ``pending`` holds their subscription ids, and the "card:<radacctid>" keys of other
    logins a higher layer registered (speed_boundary.register_other_logins), for the reconciler to
    correct)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        INCOMPLETE = "incomplete", _("Incomplete: the reconciler corrects the rest")
        CORRECTED = "corrected", _("Corrected by the reconciler")

    router = models.ForeignKey(Router, on_delete=models.CASCADE, related_name="speed_runs")
    boundary_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    pending = models.JSONField(default=list, blank=True)
    max_rate = models.FloatField(default=0, help_text=_("Most changes sent to the router in any one second"))
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-boundary_at", "router_id"]
        constraints = [models.UniqueConstraint(fields=["router", "boundary_at"], name="speed_run_one_per_router_and_edge")]
# Address management ------------------------------------------------------------------------------
#
# IPv4 and IPv6 pools and public blocks per router (and the branch — the site — it stands in), and the
# addresses and delegated prefixes handed out of them to connections. One `AddressAssignment` row per
# address (or prefix) held: the database refuses a second live holder of the same address on a router
# (a unique constraint, on SQLite and PostgreSQL alike), whatever the form checked. Released rows stay:
# they are the regulator's record of who held an address when. network/ipam.py writes both; docs/ipam.md.


class AddressPool(models.Model):
    class Family(models.IntegerChoices):
        IPV4 = 4, "IPv4"
        IPV6 = 6, "IPv6"

    class Kind(models.TextChoices):
        PRIVATE = "private", _("Private addresses (CGNAT or LAN)")
        PUBLIC = "public", _("Public block")
        DELEGATION = "delegation", _("IPv6 prefixes to delegate")

    name = models.CharField(_("name"), max_length=100, unique=True)
    router = models.ForeignKey(Router, on_delete=models.PROTECT, related_name="address_pools", verbose_name=_("router"))
    branch = models.ForeignKey(
        "customers.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("site (branch)"),
    )
    family = models.PositiveSmallIntegerField(_("family"), choices=Family.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRIVATE)
    network = models.CharField(_("network"), max_length=43, help_text=_("In CIDR form: 103.148.40.0/24 or 2001:db8:100::/40"))
    # The length of each prefix handed out: 32 (v4) or 128 (v6) for single addresses, e.g. 56 or 64 for
    # delegated IPv6 prefixes.
    assign_length = models.PositiveSmallIntegerField(_("length handed out"))
    # The network's first and last address as 32 hex digits (IPv4 mapped into ::ffff:0:0/96): overlap
    # and "which pool holds this address" are then range comparisons on any database.
    first_key = models.CharField(max_length=32, editable=False)
    last_key = models.CharField(max_length=32, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["router__name", "family", "first_key"]
        constraints = [
            models.CheckConstraint(condition=Q(family__in=[4, 6]), name="address_pool_family_valid"),
            models.CheckConstraint(
                condition=Q(family=4, assign_length=32) | Q(family=6, assign_length__gte=48, assign_length__lte=128),
                name="address_pool_assign_length_valid",
            ),
            models.CheckConstraint(condition=~Q(kind="delegation") | Q(family=6), name="address_pool_delegation_is_ipv6"),
        ]
        permissions = [("manage_addresses", "Can manage address pools and assign addresses")]

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"


class AddressAssignment(models.Model):
    """One address (or delegated prefix) held by one connection from `assigned_at` until `released_at`."""

    pool = models.ForeignKey(AddressPool, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    router = models.ForeignKey(Router, on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey("customers.Subscription", on_delete=models.PROTECT, related_name="address_assignments")
    family = models.PositiveSmallIntegerField(choices=AddressPool.Family.choices)
    # "103.148.40.21" for an address, "2001:db8:100:200::/56" for a delegated prefix.
    address = models.CharField(max_length=43)
    first_key = models.CharField(max_length=32)
    last_key = models.CharField(max_length=32)
    assigned_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["first_key", "assigned_at"]
        constraints = [
            # The rule that matters: an address has at most one live holder on a router.
            models.UniqueConstraint(
                fields=["router", "address"], condition=Q(released_at__isnull=True), name="address_assignment_live_unique",
            ),
            # A connection holds at most one live IPv4 address and one live IPv6 prefix.
            models.UniqueConstraint(
                fields=["subscription", "family"], condition=Q(released_at__isnull=True), name="address_assignment_one_per_family",
            ),
        ]
        indexes = [
            models.Index(fields=["pool", "first_key"], condition=Q(released_at__isnull=True), name="address_assignment_pool_idx"),
            # The regulator's "who had this address then": a range read on the key.
            models.Index(fields=["first_key", "last_key"], name="address_assignment_key_idx"),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def is_prefix(self) -> bool:
        return "/" in self.address
