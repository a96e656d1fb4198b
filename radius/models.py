"""RADIUS: what FreeRADIUS reads to authorise a login and the tables it writes (docs/radius.md).

FreeRADIUS (rlm_sql, PostgreSQL) reads our data live through two views (`radius_check`,
`radius_reply`, made by migration 0002 from radius/sql.py) over subscriptions, packages, routers and
the billing settings: nothing is copied, so a suspension, a package change or a new password is what
the next Access-Request sees. It writes `Session` (radacct-compatible columns, through our own
queries.conf) and `AuthAttempt` (radpostauth-like, with the reason of a reject).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PackageRadius(models.Model):
    """A package's RADIUS reply, beyond its speeds: burst, pool, address list, sessions at a time. A
    package without a row gets the defaults (no burst, the router's default pool, one session)."""

    package = models.OneToOneField("customers.Package", primary_key=True, on_delete=models.CASCADE, related_name="radius")
    burst_download_mbps = models.PositiveIntegerField(_("burst download (Mbps)"), null=True, blank=True)
    burst_upload_mbps = models.PositiveIntegerField(_("burst upload (Mbps)"), null=True, blank=True)
    burst_threshold_percent = models.PositiveSmallIntegerField(
        _("burst threshold (percent of the rate)"), default=75,
        help_text=_("Bursting is allowed while the average rate stays under this share of the package speed"),
    )
    burst_time_seconds = models.PositiveSmallIntegerField(_("burst time (s)"), default=16)
    pool = models.CharField(_("IP pool"), max_length=64, blank=True, help_text=_("Framed-Pool; empty = the router's default"))
    address_list = models.CharField(_("address list"), max_length=64, blank=True)
    simultaneous_use = models.PositiveSmallIntegerField(_("sessions at a time"), default=1)

    class Meta:
        verbose_name = _("package RADIUS attributes")
        verbose_name_plural = _("packages' RADIUS attributes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(burst_download_mbps__isnull=True) & Q(burst_upload_mbps__isnull=True))
                | Q(burst_download_mbps__gt=0, burst_upload_mbps__gt=0),
                name="radius_burst_both_or_neither",
            ),
            models.CheckConstraint(condition=Q(burst_threshold_percent__gte=1, burst_threshold_percent__lte=100), name="radius_burst_threshold_pct"),
            models.CheckConstraint(condition=Q(burst_time_seconds__gte=1), name="radius_burst_time_positive"),
            models.CheckConstraint(condition=Q(simultaneous_use__gte=1), name="radius_simultaneous_use_positive"),
        ]

    def __str__(self) -> str:
        return f"RADIUS of {self.package_id}"


class Session(models.Model):
    """One RADIUS accounting session, the columns of FreeRADIUS's `radacct` (so its queries and tools
    read it; text without a length, so a long value from a NAS never loses the accounting row), written by FreeRADIUS through radius/freeradius/queries.conf, plus the router and the
    subscription it resolved. Octets are totals with the gigawords added (× 2^32). It holds the open
    sessions and those closed in the last three days: the nightly job moves older closed ones to
    `SessionLog`, so the table FreeRADIUS updates at every Interim-Update stays small."""

    radacctid = models.BigAutoField(primary_key=True)
    acctsessionid = models.TextField()
    # Unique by a constraint, not unique=True: that also made a second (varchar_pattern_ops) index,
    # one more write at every Start and at every session an Accounting-On closes, read by nothing.
    acctuniqueid = models.CharField(max_length=32)
    username = models.TextField()
    realm = models.TextField(blank=True, default="")
    nasipaddress = models.GenericIPAddressField()
    nasportid = models.TextField(blank=True, default="")
    nasporttype = models.TextField(blank=True, default="")
    acctstarttime = models.DateTimeField(null=True, blank=True)
    acctupdatetime = models.DateTimeField(null=True, blank=True)
    acctstoptime = models.DateTimeField(null=True, blank=True)
    acctinterval = models.BigIntegerField(null=True, blank=True)
    acctsessiontime = models.BigIntegerField(null=True, blank=True)
    acctauthentic = models.TextField(blank=True, default="")
    connectinfo_start = models.TextField(blank=True, default="")
    connectinfo_stop = models.TextField(blank=True, default="")
    acctinputoctets = models.BigIntegerField(null=True, blank=True)
    acctoutputoctets = models.BigIntegerField(null=True, blank=True)
    calledstationid = models.TextField(blank=True, default="")
    callingstationid = models.TextField(blank=True, default="")
    acctterminatecause = models.TextField(blank=True, default="")
    servicetype = models.TextField(blank=True, default="")
    framedprotocol = models.TextField(blank=True, default="")
    framedipaddress = models.GenericIPAddressField(null=True, blank=True)
    # What of this session's octets the usage roll-ups have already counted (radius/usage.py adds
    # the difference): database defaults, since FreeRADIUS's INSERTs do not name them.
    counted_input_octets = models.BigIntegerField(default=0, db_default=0)
    counted_output_octets = models.BigIntegerField(default=0, db_default=0)
    # Ours: the NAS by its row (clients.conf's shortname is the router's id) and the subscription the
    # login belongs to. No database constraint: sessions are the regulator's log and outlive both.
    # No index of its own either: radacct_open_login_idx (router, username; open sessions) serves
    # Accounting-On and the Simultaneous-Use count, and a plain router index beside it was what a count's
    # plan, kept for a connection's life and made while the table was near empty, chose: reading every
    # open session of the router at each login.
    router = models.ForeignKey("network.Router", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                               related_name="+")
    # No index of its own: radacct_subscription_idx (subscription, start) serves every look-up by it.
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="radius_sessions",
    )

    class Meta:
        db_table = "radius_radacct"
        ordering = ["-acctstarttime", "-radacctid"]
        permissions = [
            ("disconnect_session", "Can disconnect an online session"),
            ("test_login", "Can test a login against RADIUS"),
        ]
        indexes = [
            # Simultaneous-Use: a login's open sessions on its router.
            models.Index(fields=["router", "username"], condition=Q(acctstoptime__isnull=True), name="radacct_open_login_idx"),
            # No (acctupdatetime) index over the open sessions any more: the stale-session job compares
            # COALESCE(acctupdatetime, acctstarttime), which it could not search by, and it cost a write at
            # every Interim-Update. Worse, with statistics taken while no session was open (ANALYZE after
            # an Accounting-On; autovacuum behind or off) it looked as empty as radacct_open_login_idx,
            # and the Simultaneous-Use count was planned on it: every open session read at each login
            # (bench/README.md, 26 November: 34 of 5,000 accepted on a reboot after the accounting phase).
            models.Index(fields=["subscription", "acctstarttime"], name="radacct_subscription_idx"),
            # The usage collector: sessions that reported since its last run.
            models.Index(fields=["acctupdatetime"], name="radacct_updated_idx"),
            models.Index(fields=["framedipaddress", "acctstarttime"], name="radacct_ip_time_idx"),
            # The session-log page's newest-first list and date ranges (keyset pages on (start, id)):
            # without it every page sorted the table (docs/radius.md, "Session logs").
            models.Index(fields=["acctstarttime", "radacctid"], name="radacct_start_idx"),
            # The session-log page's login search: a login's sessions newest first, one range read in
            # order (the open-session index above holds only open ones, per router).
            models.Index(fields=["username", "acctstarttime", "radacctid"], name="radacct_login_idx"),
        ]
        # The id FreeRADIUS's accounting queries upsert on (ON CONFLICT (acctuniqueid)).
        constraints = [models.UniqueConstraint(fields=["acctuniqueid"], name="radacct_acctuniqueid_uniq")]

    def __str__(self) -> str:
        return f"{self.username} {self.acctsessionid}"

    @property
    def is_open(self) -> bool:
        return self.acctstoptime is None


class AuthAttempt(models.Model):
    """One Access-Request's answer (FreeRADIUS's post-auth), with why: what a screen shows as "password
    wrong", "suspended", "already online on NAS x". Never the password."""

    class Reason(models.TextChoices):
        ACCEPTED = "", _("Accepted")
        UNKNOWN_USER = "unknown_user", _("No such login on this router")
        PASSWORD_WRONG = "password_wrong", _("Password wrong")
        NO_PASSWORD = "no_password", _("No password set")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired (paid-through date passed)")
        NOT_ACTIVE = "not_active", _("Not activated yet")
        ALREADY_ONLINE = "already_online", _("Already online")
        SERVER_ERROR = "server_error", _("RADIUS could not read the database")
        # The router's fault, not the subscriber's: the password arrived as garbage (issue #51).
        BAD_SECRET = "bad_secret", _("Wrong shared secret on the router (the password could not be read)")
        WRONG_SERVICE = "wrong_service", _("Login is for the other service (PPPoE or hotspot)")
        # Prepaid cards at the hotspot (docs/vouchers.md, "Hotspot logins").
        CARD_UNKNOWN = "card_unknown", _("No such login or card code")
        MAC_UNKNOWN = "mac_unknown", _("No card remembers this device")
        CARD_USED_UP = "card_used_up", _("Card used up")
        CARD_EXPIRED = "card_expired", _("Card expired")
        CARD_BLOCKED = "card_blocked", _("Card blocked")
        CARD_CANCELLED = "card_cancelled", _("Card cancelled")
        CARD_BATCH_STOPPED = "card_batch_stopped", _("Card's batch suspended or cancelled")
        CARD_NOT_ISSUED = "card_not_issued", _("Card not issued for sale")
        CARD_DEVICES = "card_devices", _("Card in use on as many devices as it allows")
        LOCKED_OUT = "locked_out", _("Locked out after too many wrong codes")

    username = models.TextField()
    # No single-column indexes: the (router, authdate) and (subscription, authdate) ones below serve
    # every look-up by either, and each index is one more write per Access-Request (bench/README.md,
    # "RADIUS").
    router = models.ForeignKey(
        "network.Router", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="radius_auth_attempts",
    )
    accepted = models.BooleanField()
    reason = models.CharField(max_length=32, blank=True, choices=Reason.choices)
    # Accepted into the walled garden (suspended or expired, with the ISP's walled-garden choice).
    walled_garden = models.BooleanField(default=False)
    callingstationid = models.TextField(blank=True)
    authdate = models.DateTimeField()
    # FreeRADIUS's random id for this answer: a record replayed from its spool (written while the
    # database was away) twice is still one row (radius_postauth_answer_uniq, ON CONFLICT DO NOTHING).
    answer_id = models.TextField(null=True, blank=True)  # noqa: DJ001 - NULL for rows written before it (unique, so not '')

    class Meta:
        db_table = "radius_postauth"
        ordering = ["-authdate", "-id"]
        indexes = [
            models.Index(fields=["subscription", "authdate"], name="radius_postauth_sub_idx"),
            models.Index(fields=["router", "authdate"], name="radius_postauth_router_idx"),
            # Code guessing at the hotspot (per device, per router): partial, so only a wrong card
            # code costs an index write.
            models.Index(fields=["callingstationid", "authdate"], condition=Q(reason="card_unknown"), name="radius_postauth_guess_mac_idx"),
            models.Index(fields=["router", "authdate"], condition=Q(reason="card_unknown"), name="radius_postauth_guess_nas_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["answer_id"], name="radius_postauth_answer_uniq")]

    def __str__(self) -> str:
        return f"{self.username} {'accept' if self.accepted else 'reject'} {self.reason}"


class BadSecretDrop(models.Model):
    """A router whose Access-Requests FreeRADIUS drops because their Message-Authenticator does not
    verify: the router signs with another shared secret than ours (issue #51, item 7). Such a request
    never reaches our SQL, so it has no AuthAttempt; `manage.py radius_serve` reads FreeRADIUS's
    "invalid Message-Authenticator" log line and keeps one row per router here (radius.services.
    bad_secret_drops_record), written at most once a minute per router, whatever the flood.
    `drops` counts the lines seen since `first_at` (FreeRADIUS logs at most one such line a second),
    a new count starting when the last was more than 24 hours ago."""

    router = models.OneToOneField("network.Router", primary_key=True, on_delete=models.CASCADE, related_name="+")
    drops = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        db_table = "radius_bad_secret_drop"

    def __str__(self) -> str:
        return f"router {self.router_id}: {self.drops} dropped, last {self.last_at}"


class SessionLog(models.Model):
    """The regulator's session log (docs/radius.md, "Session logs"): every closed RADIUS session, kept
    for the retention of Settings → Billing (12 months by default), searchable by IP and moment.

    FreeRADIUS never writes here. It writes `Session` (radius_radacct), which keeps the open sessions
    and the recently closed ones, so its Interim-Update and Stop stay one index probe on a small
    table; the daily job moves closed sessions here a few days after their Stop (one statement per
    batch: DELETE … RETURNING into INSERT). On PostgreSQL the table is partitioned by month of
    `acctstoptime` (a closed session's stop never changes, and retention is counted from the stop: a
    month's partition is dropped whole once its last day is older than the retention), with a
    default partition for a stop outside every month made (a NAS clock in 2037); on SQLite it is a
    plain table. The primary key has the partition key in it, as PostgreSQL requires."""

    pk = models.CompositePrimaryKey("radacctid", "acctstoptime")
    radacctid = models.BigIntegerField()  # the session's id in radius_radacct
    acctsessionid = models.TextField()
    acctuniqueid = models.CharField(max_length=32)
    username = models.TextField()
    nasipaddress = models.GenericIPAddressField()
    nasportid = models.TextField(blank=True, default="")
    acctstarttime = models.DateTimeField()
    acctstoptime = models.DateTimeField()
    acctsessiontime = models.BigIntegerField(null=True, blank=True)
    acctinputoctets = models.BigIntegerField(null=True, blank=True)
    acctoutputoctets = models.BigIntegerField(null=True, blank=True)
    calledstationid = models.TextField(blank=True, default="")
    callingstationid = models.TextField(blank=True, default="")  # the customer's MAC on PPPoE
    acctterminatecause = models.TextField(blank=True, default="")
    framedipaddress = models.GenericIPAddressField(null=True, blank=True)
    # No database constraints: the log outlives routers, subscriptions and customers. The customer is
    # the subscription's when the session was moved here (a subscription later moved to another
    # customer does not rewrite who had the address then).
    # Indexed only where a search needs it (the customer and the router, below): 50 million rows carry every index.
    router = models.ForeignKey(
        "network.Router", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    subscription = models.ForeignKey(
        "customers.Subscription", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )

    class Meta:
        db_table = "radius_session_log"
        ordering = ["-acctstarttime", "-radacctid"]
        permissions = [("export_sessionlog", "Can export session logs (CSV)")]
        indexes = [
            # "Who had 103.x.y.z at 21:14 on 3 March": the address's sessions started by then, with
            # their stop in the index (an index-only scan per month partition).
            models.Index(fields=["framedipaddress", "acctstarttime"], include=["acctstoptime"], name="radius_log_ip_idx"),
            models.Index(fields=["username", "acctstarttime"], name="radius_log_username_idx"),
            models.Index(fields=["customer", "acctstarttime"], name="radius_log_customer_idx"),
            # A date range in start order (the list's pages, the export): with the id, the list's whole
            # order, so a page merges the months' index scans instead of sorting the range.
            models.Index(fields=["acctstarttime", "radacctid"], name="radius_log_start_idx"),
            # A router's sessions (of a day, newest first): the NAS the regulator names.
            models.Index(fields=["router", "acctstarttime", "radacctid"], name="radius_log_router_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.acctsessionid}"


class RouterReload(models.Model):
    """When a router last said it (re)started (its Accounting-On/Off, Event-Timestamp): every session it
    had open before that moment is over. FreeRADIUS writes it live, before it answers the router; the
    spooled copies of the packet close those sessions' rows when the replay reaches them (queries.conf,
    accounting-on), behind whatever the spool held before. Until then the Simultaneous-Use count
    (radius_open_sessions) already leaves such sessions out, so a rebooted router's subscribers dial
    back at once however far behind the replay is, and the answer does not wait for tens of thousands
    of rows to be closed (docs/radius.md, "Accounting-On / Accounting-Off"). One row per router."""

    router = models.OneToOneField(
        "network.Router", primary_key=True, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+",
    )
    reloaded_at = models.DateTimeField()

    class Meta:
        db_table = "radius_router_reload"
        default_permissions = ()  # written by FreeRADIUS alone; no screen reads or edits it

    def __str__(self) -> str:
        return f"{self.router_id} reloaded {self.reloaded_at:%Y-%m-%d %H:%M:%S}"


class ServersPushed(models.Model):
    """The site's FreeRADIUS servers (RADIUS_SERVERS as network.aaa.radius_servers reads it, or the one
    server of RADIUS_SERVER_ADDRESS and its ports) that the routers in RADIUS mode were last given, as a
    fingerprint: a worker that starts compares it with the setting and, when they differ, queues every
    RADIUS router's set-up again (radius.services.radius_servers_follow; docs/radius.md, "Two servers").
    One row."""

    fingerprint = models.CharField(max_length=64)
    servers = models.TextField(help_text="the servers as the routers were given them, address:auth:acct, in order")
    pushed_at = models.DateTimeField()

    class Meta:
        db_table = "radius_servers_pushed"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="radius_servers_pushed_one_row")]

    def __str__(self) -> str:
        return self.servers
