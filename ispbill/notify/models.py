"""Message templates, the delivery log and customers' channel preferences.

The event keys and their variables live in `events.py` (a registry other apps add to), so the
`event` columns are plain strings validated against it rather than choices frozen in migrations.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ispbill.core.fields import EncryptedTextField

from .events import EVENTS, Channel, Language, event_label


class MessageTemplate(models.Model):
    """The wording of one event on one channel in one language, edited by staff."""

    event = models.CharField(max_length=40)
    channel = models.CharField(max_length=16, choices=Channel.CHOICES)
    language = models.CharField(max_length=8, choices=Language.CHOICES)
    subject = models.CharField(max_length=200, blank=True, help_text=_("E-mail only"))
    body = models.TextField()
    # WhatsApp outside the 24-hour customer window only delivers templates approved by Meta: name
    # one here and the rendered variables listed below fill its {{1}}, {{2}}, … in order.
    whatsapp_template_name = models.CharField(max_length=100, blank=True)
    whatsapp_template_params = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notify_template_unique_per_event_channel_language"),
        ]

    def __str__(self) -> str:
        return f"{self.event_label} · {self.get_channel_display()} · {self.get_language_display()}"

    @property
    def event_label(self) -> str:
        return event_label(self.event)

    @property
    def whatsapp_param_names(self) -> list[str]:
        return [name.strip() for name in self.whatsapp_template_params.split(",") if name.strip()]


class Message(models.Model):
    """One message to one address on one channel: the delivery log and the work queue in one row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    channel = models.CharField(max_length=16, choices=Channel.CHOICES)
    event = models.CharField(max_length=40)
    language = models.CharField(max_length=8, choices=Language.CHOICES, default=Language.ENGLISH)
    to = models.CharField(max_length=254, help_text=_("Phone number (E.164) or e-mail address"))
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    # Backend extras decided at render time, e.g. the approved WhatsApp template and its parameters.
    payload = models.JSONField(default=dict, blank=True)
    # A message whose event has secret variables (a one-time code, a card's code): subject, body and
    # payload above hold them masked from the start; the real text that goes to the provider is here,
    # encrypted (JSON: body, subject, payload, values), only until the message is sent or given up
    # on, then emptied. Never shown, never exported, not in the admin.
    sealed = EncryptedTextField(blank=True, editable=False)
    template = models.ForeignKey(MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set on a failed message while an automatic retry is still due; empty once it has given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    backend = models.CharField(max_length=32, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    # What the message is about (an invoice, a payment, a subscription, an outage …).
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    # The same event about the same object for the same recipient and channel is queued once.
    idempotency_key = models.CharField(max_length=64, unique=True)
    # Set explicitly (not auto_now): one batch shares one timestamp, and every status change stamps it.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="notify_message_log_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="notify_message_due_idx"),
            models.Index(fields=["customer", "-created_at"], name="notify_message_customer_idx"),
            models.Index(fields=["content_type", "object_id"], name="notify_message_related_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_attempt_at__isnull=True) | Q(status="failed"),
                name="notify_message_retry_only_when_failed",
            ),
        ]
        permissions = [("retry_message", "Can retry failed messages")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to} ({self.status})"

    @property
    def event_label(self) -> str:
        return event_label(self.event)

    @property
    def holds_secret(self) -> bool:
        """Its text carried a secret (shown masked); staff's "send again" makes a new one or refuses."""
        spec = EVENTS.get(self.event)
        return bool(spec and spec.secret)

    @property
    def retry_scheduled(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is not None


class NotificationPreference(models.Model):
    """Which channels a customer wants for one event. No row: the defaults (NOTIFY_DEFAULT_CHANNELS)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="notification_preferences")
    event = models.CharField(max_length=40)
    sms = models.BooleanField(default=True)
    whatsapp = models.BooleanField(default=False)
    email = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "event"], name="notify_preference_unique_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.event}: {', '.join(self.channels) or 'none'}"

    @property
    def channels(self) -> list[str]:
        return [channel for channel in Channel.ORDER if getattr(self, channel)]
