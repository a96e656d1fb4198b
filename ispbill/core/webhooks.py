"""Outgoing webhooks, the part every app calls: `webhook_publish` writes the event into the outbox
(core.WebhookDelivery, one row per endpoint that subscribed to it) inside the caller's transaction,
so an event is sent if and only if the change it reports committed. Sending, retries and the
screens are the api app's (api/webhooks.py, api/tasks.py); the signature is defined here because
the receiver's check (docs/api.md) and our sender must agree byte for byte.

An event nobody subscribed to writes nothing: a billing run of 100k invoices costs one query
when no endpoint wants `invoice.issued`."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WebhookDelivery, WebhookEndpoint

PAYMENT_RECEIVED = "payment.received"
INVOICE_ISSUED = "invoice.issued"
SUBSCRIPTION_SUSPENDED = "subscription.suspended"
SUBSCRIPTION_REACTIVATED = "subscription.reactivated"
SUBSCRIPTION_CANCELLED = "subscription.cancelled"
TICKET_CREATED = "ticket.created"
TICKET_RESOLVED = "ticket.resolved"
WORKORDER_COMPLETED = "workorder.completed"

EVENTS = {
    PAYMENT_RECEIVED: _("Payment received"),
    INVOICE_ISSUED: _("Invoice issued"),
    SUBSCRIPTION_SUSPENDED: _("Subscription suspended"),
    SUBSCRIPTION_REACTIVATED: _("Subscription reactivated"),
    SUBSCRIPTION_CANCELLED: _("Subscription cancelled"),
    TICKET_CREATED: _("Ticket created"),
    TICKET_RESOLVED: _("Ticket resolved"),
    WORKORDER_COMPLETED: _("Work order completed"),
}

SIGNATURE_HEADER = "X-Ispbill-Signature"
EVENT_HEADER = "X-Ispbill-Event"
DELIVERY_HEADER = "X-Ispbill-Delivery"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def envelope(*, event: str, data: Mapping[str, Any], event_id: uuid.UUID | None = None, at: datetime | None = None) -> dict:
    """What the receiver gets as the JSON body: the event's id (the same on every retry and replay:
    receivers dedupe on it), its type, when it happened, and the object's fields."""
    return {
        "id": str(event_id or uuid.uuid4()),
        "type": event,
        "created": (at or timezone.now()).isoformat(),
        "data": {key: _plain(value) for key, value in data.items()},
    }


def _subscribers(event: str) -> list[int]:
    # JSON containment is not portable to SQLite; the endpoints are a handful of rows.
    return [pk for pk, events in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", "events") if event in (events or [])]


def webhook_publish(event: str, data: Mapping[str, Any]) -> int:
    """Queue `event` for every active endpoint that subscribed to it, in the caller's transaction.
    Returns how many deliveries were written."""
    return webhook_publish_many(event, [data])


def webhook_publish_many(event: str, items: Iterable[Mapping[str, Any]]) -> int:
    """`webhook_publish` for many objects of one event (a billing run's invoices): one query when no
    endpoint listens, else one INSERT per batch."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = _subscribers(event)
    if not endpoints:
        return 0
    now = timezone.now()
    rows = []
    for data in items:
        body = envelope(event=event, data=data, at=now)
        event_id = uuid.UUID(body["id"])
        rows.extend(
            WebhookDelivery(endpoint_id=pk, event=event, event_id=event_id, payload=body, next_attempt_at=now) for pk in endpoints
        )
    WebhookDelivery.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def body_bytes(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, keys in the order stored."""
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """`X-Ispbill-Signature`'s value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(*, secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """The receiver's check (what docs/api.md shows): the HMAC matches and the timestamp is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
