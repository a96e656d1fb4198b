"""The fibre plant: OLTs, their PON ports, the ONUs on them, and the ONUs' optical history.

An OLT is polled over SNMP (fibre/snmp.py, the adapter) with the OIDs of its vendor profile
(fibre/profiles/*.json, read by fibre/profiles.py). A poll writes, set-based (fibre/poll.py), each
ONU's status, last-down cause and optical readings, one raw sample per ONU, and a status event for
every ONU whose status changed. Raw samples are kept 7 days, hourly roll-ups 90 days, daily roll-ups
for good; on PostgreSQL the raw and hourly tables are partitioned by time (fibre/sql.py), on SQLite
they are plain tables. docs/fibre.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField


class Olt(models.Model):
    """An optical line terminal at a POP, reached over SNMP v2c or v3."""

    class Version(models.TextChoices):
        V2C = "2c", _("SNMP v2c (community)")
        V3 = "3", _("SNMP v3 (user, authentication, privacy)")

    class AuthProtocol(models.TextChoices):
        NONE = "", _("None")
        MD5 = "md5", "MD5"
        SHA = "sha", "SHA-1"
        SHA256 = "sha256", "SHA-256"

    class PrivProtocol(models.TextChoices):
        NONE = "", _("None")
        DES = "des", "DES"
        AES = "aes", "AES-128"

    name = models.CharField(_("name"), max_length=100, unique=True)
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="olts", verbose_name=_("branch"))
    site = models.CharField(_("POP / site"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    host = models.CharField(_("host"), max_length=255, help_text=_("IP address or DNS name the OLT answers SNMP on"))
    snmp_port = models.PositiveIntegerField(_("SNMP port"), default=161)
    profile = models.CharField(_("vendor profile"), max_length=40)
    snmp_version = models.CharField(_("SNMP version"), max_length=2, choices=Version.choices, default=Version.V2C)
    community = EncryptedTextField(_("community"), blank=True)
    v3_user = models.CharField(_("SNMPv3 user"), max_length=64, blank=True)
    v3_auth_protocol = models.CharField(_("authentication"), max_length=8, choices=AuthProtocol.choices, blank=True)
    v3_auth_key = EncryptedTextField(_("authentication key"), blank=True)
    v3_priv_protocol = models.CharField(_("privacy"), max_length=8, choices=PrivProtocol.choices, blank=True)
    v3_priv_key = EncryptedTextField(_("privacy key"), blank=True)
    timeout_seconds = models.DecimalField(_("timeout (seconds)"), max_digits=4, decimal_places=1, default=2)
    retries = models.PositiveSmallIntegerField(_("retries"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    # Health, written by the health check and by every poll.
    is_online = models.BooleanField(_("online"), default=False)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_poll_ms = models.PositiveIntegerField(_("last poll (ms)"), null=True, blank=True)
    sys_descr = models.CharField(_("system description"), max_length=255, blank=True)
    sys_uptime_seconds = models.PositiveBigIntegerField(_("uptime"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The poller's claim (one poll per OLT at a time, the beat's next tick finds it busy).
    poll_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(snmp_port__gte=1, snmp_port__lte=65535), name="olt_snmp_port_valid"),
            models.CheckConstraint(condition=Q(retries__lte=5), name="olt_retries_bounded"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address_label(self) -> str:
        return f"{self.host}:{self.snmp_port}"


class PonPort(models.Model):
    """One PON port of an OLT, found by polling; staff say which area its fibre serves."""

    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="pon_ports")
    key = models.CharField(max_length=64)  # the port's index in the profile's tables (an ifIndex, a port number)
    name = models.CharField(_("name"), max_length=64)
    area = models.ForeignKey(
        "customers.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="pon_ports", verbose_name=_("area served")
    )
    # Dark: (nearly) every ONU that was online lost its signal at once (LOS): a fibre cut, not customers.
    dark_since = models.DateTimeField(_("dark since"), null=True, blank=True)
    onus_total = models.PositiveIntegerField(default=0)
    onus_online = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["olt", "name"]
        constraints = [models.UniqueConstraint(fields=["olt", "key"], name="pon_port_unique_key")]

    def __str__(self) -> str:
        return f"{self.olt} {self.name}"

    @property
    def is_dark(self) -> bool:
        return self.dark_since is not None


class Onu(models.Model):
    """An ONU as the OLT last reported it, and the subscription it serves."""

    class Status(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Offline")
        MISSING = "missing", _("Not on the OLT")  # no longer listed by the OLT (removed, or moved to another OLT)

    class Cause(models.TextChoices):
        NONE = "", _("—")
        LOS = "los", _("Loss of signal (fibre)")
        DYING_GASP = "dying_gasp", _("Power off at the customer")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not reported")

    class Signal(models.TextChoices):
        OK = "ok", _("Good")
        WARNING = "warning", _("Weak")
        CRITICAL = "critical", _("Critical")
        OVERLOAD = "overload", _("Too strong")
        NONE = "", _("No reading")

    class Match(models.TextChoices):
        NONE = "", _("Not matched")
        SERIAL = "serial", _("By serial at installation")
        MAC = "mac", _("By MAC at installation")
        HAND = "hand", _("By hand")

    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="onus")
    pon_port = models.ForeignKey(PonPort, on_delete=models.CASCADE, related_name="onus")
    key = models.CharField(max_length=64)  # the ONU's row index in the profile's tables
    number = models.PositiveIntegerField(_("ONU id"))
    serial = models.CharField(_("serial"), max_length=32, blank=True, db_index=True)
    mac = models.CharField(_("MAC"), max_length=17, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ONLINE)
    down_cause = models.CharField(_("last-down cause"), max_length=12, choices=Cause.choices, blank=True)
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    rx_dbm = models.DecimalField(_("Rx (dBm)"), max_digits=5, decimal_places=2, null=True, blank=True)
    tx_dbm = models.DecimalField(_("Tx (dBm)"), max_digits=5, decimal_places=2, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    temperature_c = models.DecimalField(_("temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True)
    signal = models.CharField(_("signal"), max_length=8, choices=Signal.choices, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Moved: it appeared on another port (or OLT) than the one it was matched on.
    moved_from = models.ForeignKey(PonPort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(null=True, blank=True)
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="onus", verbose_name=_("subscription")
    )
    match = models.CharField(_("matched"), max_length=8, choices=Match.choices, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["olt", "pon_port", "number"]
        constraints = [models.UniqueConstraint(fields=["olt", "key"], name="onu_unique_key")]
        indexes = [models.Index(fields=["subscription"], name="onu_subscription_idx")]

    def __str__(self) -> str:
        return self.serial or self.mac or f"{self.pon_port.name}:{self.number}"

    @property
    def is_dark(self) -> bool:
        return self.status != self.Status.ONLINE


class OnuStatusEvent(models.Model):
    """Append-only: an ONU's status changed (online → offline with its cause, and back). Offline hours
    and "off since 14:02 (power)" are read from these."""

    onu = models.ForeignKey(Onu, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Onu.Status.choices)
    cause = models.CharField(max_length=12, choices=Onu.Cause.choices, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["onu", "at"], name="onu_event_onu_at_idx")]


# The optical history. No foreign-key constraints: partitions are dropped whole, and the history of an
# ONU removed from the plant goes with its partitions, not with a cascade over millions of rows.


class OnuSample(models.Model):
    """One poll's reading of one ONU (kept 7 days). PostgreSQL: partitioned by day of `at`."""

    pk = models.CompositePrimaryKey("onu_id", "at")
    onu = models.ForeignKey(Onu, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    at = models.DateTimeField()
    online = models.BooleanField()
    rx_dbm = models.FloatField(null=True)
    tx_dbm = models.FloatField(null=True)
    temperature_c = models.FloatField(null=True)

    class Meta:
        db_table = "fibre_onu_sample"


class OnuHourly(models.Model):
    """An hour of one ONU's samples (kept 90 days). PostgreSQL: partitioned by month of `hour`."""

    pk = models.CompositePrimaryKey("onu_id", "hour")
    onu = models.ForeignKey(Onu, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    hour = models.DateTimeField()
    samples = models.PositiveSmallIntegerField()
    online_samples = models.PositiveSmallIntegerField()
    rx_avg = models.FloatField(null=True)
    rx_min = models.FloatField(null=True)
    rx_max = models.FloatField(null=True)
    tx_avg = models.FloatField(null=True)

    class Meta:
        db_table = "fibre_onu_hourly"


class OnuDaily(models.Model):
    """A day (UTC) of one ONU's hours, kept for good."""

    pk = models.CompositePrimaryKey("onu_id", "day")
    onu = models.ForeignKey(Onu, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    day = models.DateField()
    samples = models.PositiveIntegerField()
    online_samples = models.PositiveIntegerField()
    rx_avg = models.FloatField(null=True)
    rx_min = models.FloatField(null=True)
    rx_max = models.FloatField(null=True)
    tx_avg = models.FloatField(null=True)

    class Meta:
        db_table = "fibre_onu_daily"


class SignalThreshold(models.Model):
    """Staff's thresholds for one vendor profile (Settings → Fibre); without a row, the profile's own."""

    profile = models.CharField(_("vendor profile"), max_length=40, unique=True)
    rx_warning_dbm = models.DecimalField(_("Rx warning below (dBm)"), max_digits=5, decimal_places=2)
    rx_critical_dbm = models.DecimalField(_("Rx critical below (dBm)"), max_digits=5, decimal_places=2)
    rx_overload_dbm = models.DecimalField(_("Rx too strong above (dBm)"), max_digits=5, decimal_places=2)
    drift_db = models.DecimalField(_("Worsening over 7 days (dB)"), max_digits=4, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rx_critical_dbm__lt=models.F("rx_warning_dbm")) & Q(rx_warning_dbm__lt=models.F("rx_overload_dbm")),
                name="threshold_ordered",
            ),
            models.CheckConstraint(condition=Q(drift_db__gt=0), name="threshold_drift_positive"),
        ]


class FibreIncident(models.Model):
    """Something the fibre told us that staff act on: a dark PON port (with the outage it suggested or
    declared), an ONU that lost its signal alone (with its ticket), a signal worsening over days (with
    its proactive work order). One open incident per kind and port or ONU."""

    class Kind(models.TextChoices):
        PON_DARK = "pon_dark", _("PON port dark (fibre cut)")
        ONU_LOS = "onu_los", _("ONU lost its signal")
        SIGNAL_WORSENING = "worsening", _("Signal worsening")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    olt = models.ForeignKey(Olt, on_delete=models.CASCADE, related_name="incidents")
    pon_port = models.ForeignKey(PonPort, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents")
    onu = models.ForeignKey(Onu, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=255, blank=True)
    # What it led to, in the apps above (ids: fibre sits below tickets and fieldservice).
    outage = models.ForeignKey("network.Outage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket_id = models.PositiveIntegerField(null=True, blank=True)
    work_order_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "pon_port"], condition=Q(ended_at__isnull=True, onu__isnull=True), name="incident_one_open_per_port"
            ),
            models.UniqueConstraint(fields=["kind", "onu"], condition=Q(ended_at__isnull=True), name="incident_one_open_per_onu"),
        ]


class FibreIncidentTicket(models.Model):
    """A customer's ticket linked to a dark port's incident: open when the port went dark, or opened
    while it stayed dark, by a customer whose ONU is on that port. Its id only: fibre sits below tickets."""

    incident = models.ForeignKey(FibreIncident, on_delete=models.CASCADE, related_name="ticket_links")
    ticket_id = models.PositiveIntegerField()
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "ticket_id"], name="incident_ticket_once")]


class FibreSettings(models.Model):
    """Settings → Fibre (one row): whether a dark PON port's outage is declared to customers at once."""

    declare_outages = models.BooleanField(
        _("Tell customers of a fibre cut at once"), default=True,
        help_text=_("On: a PON port whose ONUs all lose their signal declares an outage over its area and its customers are told. "
                    "Off: the outage is only suggested, and staff confirm it."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> FibreSettings:
        """The saved row, or the defaults (unsaved) until staff save Settings → Fibre."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
