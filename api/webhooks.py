"""Outgoing webhooks: registering endpoints, sending the outbox (core.WebhookDelivery), retries with
exponential backoff, replays. The events are queued by the apps themselves (ispbill.core.webhooks).

Sending: the pump (every WEBHOOK_PUMP_SECONDS) claims at most WEBHOOK_PUMP_BATCH due deliveries and
hands them, in chunks, to `deliver_webhooks` on the `webhooks` queue; a worker POSTs each one signed
(X-Ispbill-Signature, docs/api.md), records the attempt (status code, duration) and either marks it
delivered (2xx) or schedules the next attempt (30 s, 1 min, 2 min, … at most 6 h) until
WEBHOOK_MAX_ATTEMPTS. A claimed delivery a dead worker never finished is free again after CLAIM_SECONDS."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.audit import audit_record
from ispbill.core.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ispbill.core.webhooks import DELIVERY_HEADER, EVENT_HEADER, EVENTS, SIGNATURE_HEADER, body_bytes, signature

CLAIM_SECONDS = 300
DELIVER_CHUNK = 50
USER_AGENT = "ispbill-webhooks/1"
_pool = urllib3.PoolManager(retries=False, maxsize=8)


# Endpoints -------------------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AddressRefused(Exception):
    """A receiver's address is on our own side of the network (private, loopback, link-local, the cloud
    metadata address …): a webhook must never become a way to make the server call itself or the LAN."""


# IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits (issue #51): NAT64's
# well-known prefix (RFC 6052), IPv4-mapped, IPv4-translated (RFC 2765) and IPv4-compatible (RFC 4291).
_LAST_32_BITS = [ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "::/96")]
# Local-use NAT64 (RFC 8215): the IPv4 may sit at several places and the network is the operator's own.
_REFUSED_V6 = [ipaddress.ip_network("64:ff9b:1::/48")]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: NAT64, IPv4-mapped/-translated/-compatible (last 32
    bits), 6to4 (2002::/16, bits 16-47) and Teredo (2001::/32: the server, bits 32-63, and the client,
    the last 32 bits inverted)."""
    found = [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) for network in _LAST_32_BITS if address in network]
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A public address. Loopback itself (127.0.0.0/8, ::1) only with WEBHOOK_ALLOW_LOOPBACK; an IPv6
    address that embeds an IPv4 address is allowed only when that IPv4 is public, never for loopback."""
    if address.is_loopback:
        return bool(settings.WEBHOOK_ALLOW_LOOPBACK)
    if not address.is_global or address.is_multicast:
        return False
    if address.version == 6:
        if any(address in network for network in _REFUSED_V6):
            return False
        return all(v4.is_global and not v4.is_multicast for v4 in _embedded_ipv4(address))
    return True


def _literal_address(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def endpoint_url_clean(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    host = parts.hostname
    if host and (address := _literal_address(host)) is not None and not _address_allowed(address):
        raise ValidationError({"url": _("That address is inside a private network: webhooks go to public https:// addresses.")})
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and host and _is_loopback(host) and settings.WEBHOOK_ALLOW_LOOPBACK:
        return url
    raise ValidationError({"url": _("Use an https:// address.")})


def receiver_address(host: str, port: int) -> str:
    """The address to connect to: the name resolved once here and every address it has checked, so a
    name that points (or is re-pointed, DNS rebinding) at a private address is refused before any byte
    is sent, and the connection goes to the address that was checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"cannot resolve {host}: {error}") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    refused = [str(address) for address in addresses if not _address_allowed(address)]
    if refused or not addresses:
        raise AddressRefused(f"{host} resolves to a private address ({', '.join(refused) or 'none'}): not sent")
    return str(addresses[0])


def _events_clean(events) -> list[str]:
    events = list(events or [])
    if not events or any(event not in EVENTS for event in events):
        raise ValidationError({"events": _("Choose at least one event.")})
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(*, actor, name: str, url: str, events) -> WebhookEndpoint:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the receiver.")})
    endpoint = WebhookEndpoint.objects.create(
        name=name[:100], url=endpoint_url_clean(url), events=_events_clean(events), secret=f"whsec_{secrets.token_urlsafe(32)}",
        created_by=actor,
    )
    audit_record(actor=actor, action="webhook.create", obj=endpoint, after={"name": endpoint.name, "url": endpoint.url, "events": endpoint.events})
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint: WebhookEndpoint, name: str, url: str, events, is_active: bool) -> WebhookEndpoint:
    before = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the receiver.")})
    endpoint.name, endpoint.url, endpoint.events, endpoint.is_active = name[:100], endpoint_url_clean(url), _events_clean(events), bool(is_active)
    endpoint.save()
    audit_record(actor=actor, action="webhook.update", obj=endpoint, before=before,
                 after={"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active})
    return endpoint


@transaction.atomic
def webhook_secret_rotate(*, actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint.save(update_fields=["secret"])
    audit_record(actor=actor, action="webhook.secret_rotate", obj=endpoint)
    return endpoint


@transaction.atomic
def webhook_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again (the same event id and body, freshly signed), as a new delivery."""
    copy = WebhookDelivery.objects.create(
        endpoint_id=delivery.endpoint_id, event=delivery.event, event_id=delivery.event_id, payload=delivery.payload,
        next_attempt_at=timezone.now(), replay_of=delivery,
    )
    audit_record(actor=actor, action="webhook.replay", obj=copy, after={"replay_of": delivery.pk, "event": delivery.event})
    return copy


# Sending ---------------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n−1), at most the maximum."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def webhooks_claim_due(*, limit: int | None = None, now=None) -> list[int]:
    """Claim up to `limit` deliveries that are due (oldest first) for CLAIM_SECONDS; returns their ids."""
    now = now or timezone.now()
    limit = limit or settings.WEBHOOK_PUMP_BATCH
    with transaction.atomic():
        due = (
            WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=ids).update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    return ids


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, int, str]:
    """(status code or None, milliseconds, error). Redirects are not followed: a receiver answers itself.
    The connection goes to the checked address (receiver_address); TLS still verifies the name."""
    started = time.monotonic()
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = receiver_address(parts.hostname or "", port)
        pool_kwargs = {"server_hostname": parts.hostname, "assert_hostname": parts.hostname} if parts.scheme == "https" else {}
        connection = _pool.connection_from_host(address, port=port, scheme=parts.scheme, pool_kwargs=pool_kwargs)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        response = connection.urlopen(
            "POST", path, body=body, headers={**headers, "Host": parts.netloc.rsplit("@", 1)[-1]}, redirect=False,
            preload_content=True, retries=False,
            timeout=urllib3.Timeout(connect=min(5.0, settings.WEBHOOK_TIMEOUT_SECONDS), read=settings.WEBHOOK_TIMEOUT_SECONDS),
        )
        return response.status, int((time.monotonic() - started) * 1000), ""
    except AddressRefused as error:
        return None, int((time.monotonic() - started) * 1000), f"refused: {error}"[:300]
    except urllib3.exceptions.HTTPError as error:
        return None, int((time.monotonic() - started) * 1000), f"{type(error).__name__}: {error}"[:300]


def webhook_deliver(delivery_id: int) -> str | None:
    """One attempt of one delivery, recorded; returns its status afterwards (None if not ours to send)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).first()
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    now = timezone.now()
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, last_error="endpoint disabled", claimed_until=None, next_attempt_at=None,
        )
        return WebhookDelivery.Status.FAILED
    body = body_bytes(delivery.payload)
    headers = {
        "Content-Type": "application/json", "User-Agent": USER_AGENT, EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk), SIGNATURE_HEADER: signature(secret=endpoint.secret, timestamp=int(now.timestamp()), body=body),
    }
    code, duration, error = _post(endpoint.url, body, headers)
    attempts = delivery.attempts + 1
    ok = code is not None and 200 <= code < 300
    if ok:
        status, next_at = WebhookDelivery.Status.DELIVERED, None
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        status, next_at = WebhookDelivery.Status.FAILED, None
    else:
        status, next_at = WebhookDelivery.Status.PENDING, timezone.now() + retry_delay(attempts)
    if not ok and not error:
        error = f"HTTP {code}"
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, at=now, status_code=code, duration_ms=duration, error=error)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=status, attempts=attempts, next_attempt_at=next_at, claimed_until=None, last_status_code=code,
            last_duration_ms=duration, last_error=error, delivered_at=timezone.now() if ok else None,
        )
    return status


def webhooks_pump() -> int:
    """Hand the due deliveries to the `webhooks` queue; returns how many were queued."""
    from .tasks import deliver_webhooks

    ids = webhooks_claim_due()
    for start in range(0, len(ids), DELIVER_CHUNK):
        deliver_webhooks.delay(ids[start:start + DELIVER_CHUNK])
    return len(ids)
