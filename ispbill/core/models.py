from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import EncryptedTextField


class NumberSequence(models.Model):
    """One counter row per document series (e.g. `customer:CT:2026`), locked while a number is taken."""

    key = models.CharField(max_length=64, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} @ {self.last_value}"


class AuditLog(models.Model):
    """Append-only record of who changed what, when, why, and from where."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # "api:<token name>" when the change came through the REST API with an integration's or a
    # customer's token (the actor is then the user the token acts for); empty for the web pages.
    via = models.CharField(max_length=120, blank=True, default="", db_default="")

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are append-only")


class RateLimitCounter(models.Model):
    """How often something was done under one key in one fixed window (sign-in codes per customer,
    per address; Pay now per customer). Counted with one conditional UPDATE, so the limit is exact
    under concurrent requests on PostgreSQL and SQLite, whatever the cache is. Rows of past windows
    are deleted by the nightly housekeeping."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class WebhookEndpoint(models.Model):
    """A URL an administrator registered to be told of events (Settings → Webhooks; api/ sends).
    The secret signs every delivery (HMAC-SHA256, docs/api.md); it is encrypted at rest and shown
    to the administrator, because the receiver must hold the same value."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """The outbox: one event for one endpoint, written in the transaction of the change it reports
    (ispbill.core.webhooks.webhook_publish) and sent afterwards by a worker (api/tasks.py), retried
    with exponential backoff. A replay is a new delivery of the same event (`replay_of`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Handed to a worker until then (a worker that died with it frees it when this passes).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The pump's question: what is waiting and due (a partial index: delivered rows are most of them).
            models.Index(fields=["next_attempt_at"], name="webhook_due_idx", condition=models.Q(status="pending")),
            models.Index(fields=["endpoint", "-id"], name="webhook_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the answer's status code (none when the connection failed) and
    how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"
class JobRun(models.Model):
    """One run of a Celery task (a periodic job, a bulk job, a job's fan-out), written by the one task
    base class every task uses (ispbill/core/jobs.py), never by the job itself: start, end, counts,
    error, where it ran and why."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        RETRYING = "retrying", _("Failed, retry queued")
        # Started and never finished: its worker died (SIGKILL, power) and the message came back, or
        # it has been "running" longer than JOBS_LOST_AFTER_HOURS.
        LOST = "lost", _("Lost (worker died)")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Run again by staff")
        BULK = "bulk", _("Bulk job")
        QUEUED = "queued", _("Queued by the system")

    task_name = models.CharField(max_length=200)
    # The beat schedule's entry (config/celery.py) that sent it, when the schedule or "run again" did.
    job = models.CharField(max_length=100, blank=True, db_index=True)
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    attempt = models.PositiveSmallIntegerField(default=0)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.QUEUED)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveBigIntegerField(null=True, blank=True)
    processed = models.PositiveIntegerField(null=True, blank=True)
    failed = models.PositiveIntegerField(null=True, blank=True)
    skipped = models.PositiveIntegerField(null=True, blank=True)
    # What the task returned (or the counts it reported beyond the three), JSON-safe and bounded.
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    host = models.CharField(max_length=200, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # False when args/kwargs were cut to fit: such a run cannot be repeated from its record.
    args_complete = models.BooleanField(default=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["task_name", "-started_at"], name="jobrun_task_idx"),
            models.Index(fields=["task_name", "status", "-started_at"], name="jobrun_task_status_idx"),
            models.Index(fields=["status", "-started_at"], name="jobrun_status_idx"),
        ]
        permissions = [("rerun_jobrun", "Can run a job again")]

    def __str__(self) -> str:
        return f"{self.job or self.task_name} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def label(self) -> str:
        return self.job or self.task_name.rpartition(".")[2]

    @property
    def is_failure(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.RETRYING, self.Status.LOST)


class JobWatch(models.Model):
    """What the late-job check (ispbill/core/jobs.py, `jobs_check_late`) knows about one periodic job
    of the beat schedule: since when it is watched (a job that never ran is late counted from here),
    since when it is late, and when staff were told, so they are told once per lateness."""

    job = models.CharField(max_length=100, unique=True)
    first_seen_at = models.DateTimeField()
    late_since = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.job
