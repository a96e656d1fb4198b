"""Every write of the notify app: queueing messages, delivering them, templates and preferences.

Queueing (`notify_customer`, `notify_customers_bulk`, `notify_invoices`, …) renders the messages
and writes their rows in the caller's transaction; delivery is handed to Celery with
`transaction.on_commit`, so nothing is sent from inside a request's transaction and a rollback
sends nothing. Each message row carries a unique idempotency key: the same event about the same
object for the same recipient and channel is queued once, however often the caller runs.
"""

import copy
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core import branding
from ispbill.core.audit import audit_record, snapshot
from ispbill.core.bulk import rows_update

from . import backends
from .events import Channel, Event, EventSpec, Language, event_spec, mask
from .models import Message, MessageTemplate, NotificationPreference
from .queue_sql import messages_insert
from .rendering import prepare_context, render

logger = logging.getLogger("ispbill.notify")

# Messages handed to one delivery task: big broadcasts spread over the workers in slices this size.
DISPATCH_CHUNK = 100
QUERY_CHUNK = 1000
# A message still "sending" this long after its claim lost its worker; the sweep tries it again.
STUCK_SENDING_AFTER = timedelta(minutes=15)
# A queued message nobody picked up this long after queueing (the broker was down): dispatch again.
UNDISPATCHED_AFTER = timedelta(minutes=10)


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# Recipients, channels, context ---------------------------------------------------------------------

def customer_language(customer) -> str:
    """The language of the customer's messages and documents (set by staff or in the portal), else English."""
    return customer.language if customer.language in Language.ORDER else Language.ENGLISH


def _languages(customer_ids: Sequence[int]) -> dict[int, str]:
    """customer id → chosen language for many customers at once (no query per customer). The customers
    are read through notify's own relation to them (Message.customer), as notify imports no app."""
    Customer = Message._meta.get_field("customer").related_model
    found = {}
    for chunk in _chunks(list(customer_ids), QUERY_CHUNK):
        rows = Customer.objects.filter(pk__in=chunk, language__in=Language.ORDER)
        found.update(rows.values_list("pk", "language"))
    return found


def default_channels() -> list[str]:
    return [channel for channel in Channel.ORDER if channel in settings.NOTIFY_DEFAULT_CHANNELS]


def address_for(customer, channel: str) -> str:
    return (customer.email or "") if channel == Channel.EMAIL else (customer.phone or "")


def channels_for(customer, spec: EventSpec, preference: NotificationPreference | None) -> list[str]:
    """The channels this customer gets this event on: their choice, else the defaults; only those
    the customer has an address for (e-mail needs an e-mail address)."""
    chosen = preference.channels if (preference is not None and spec.optional) else default_channels()
    return [channel for channel in chosen if address_for(customer, channel)]


def _preferences(event: str, customer_ids: Sequence[int]) -> dict[int, NotificationPreference]:
    found = {}
    for chunk in _chunks(list(customer_ids), QUERY_CHUNK):
        for preference in NotificationPreference.objects.filter(event=event, customer_id__in=chunk):
            found[preference.customer_id] = preference
    return found


def isp_facts() -> dict[str, str]:
    """The ISP's own details for messages: Settings → Billing when saved there, else the environment."""
    isp = branding.isp_brand()
    return {
        "isp_name": (isp.name if isp else "") or settings.ISP_NAME,
        "isp_phone": isp.phone if isp else "",
        "portal_url": settings.SITE_URL.rstrip("/") + "/portal/",
    }


def channel_context(values: dict[str, Any], *, channel: str, language: str) -> dict[str, Any]:
    """Values as written on this channel in this language (SMS amounts avoid the Unicode "৳")."""
    symbol = settings.NOTIFY_SMS_CURRENCY_SYMBOL if channel == Channel.SMS else None
    return prepare_context(values, language, currency_symbol=symbol)


def customer_facts(customer) -> dict[str, Any]:
    return {"customer_name": customer.name, "account_number": customer.account_number}


# Building message rows ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Related:
    content_type_id: int | None
    object_id: str

    @classmethod
    def of(cls, obj) -> "Related":
        if obj is None:
            return cls(None, "")
        return cls(ContentType.objects.get_for_model(obj, for_concrete_model=True).pk, str(obj.pk))


def idempotency_key(*, event: str, channel: str, recipient: str, related: Related, occurrence: str) -> str:
    """Stable for the same event, object, occurrence, recipient and channel. A message about nothing
    in particular (no related object, no occurrence) is never a duplicate."""
    if related.content_type_id is None and not occurrence:
        return uuid.uuid4().hex
    raw = "|".join([event, channel, recipient, f"{related.content_type_id}:{related.object_id}", occurrence])
    return hashlib.sha256(raw.encode()).hexdigest()


class _Templates:
    """The event's active templates, looked up per channel and language (English as the fallback)."""

    def __init__(self, event: str):
        self.by_key = {
            (template.channel, template.language): template
            for template in MessageTemplate.objects.filter(event=event, active=True)
        }

    def get(self, channel: str, language: str) -> MessageTemplate | None:
        return self.by_key.get((channel, language)) or self.by_key.get((channel, Language.ENGLISH))


def _render_fields(template: MessageTemplate, context: dict[str, Any]) -> dict[str, Any]:
    fields = {
        "subject": render(template.subject, context).strip()[:255] if template.channel == Channel.EMAIL else "",
        "body": render(template.body, context).strip(),
        "payload": {},
    }
    if template.channel == Channel.WHATSAPP and template.whatsapp_template_name:
        fields["payload"] = {"whatsapp_template": {
            "name": template.whatsapp_template_name,
            "language": template.language,
            "params": [str(context.get(name, "")) for name in template.whatsapp_param_names],
        }}
    return fields


def _render_message(*, template: MessageTemplate, context: dict[str, Any], spec: EventSpec | None = None) -> dict[str, Any] | None:
    """The row's subject, body and payload. For an event with secret variables they are rendered
    with each secret masked, and the real text is kept in `sealed` (encrypted) for the provider only:
    the log never holds a readable code, not even while the message waits to be sent."""
    secret_names = [name for name in (spec.secret_variables if spec else ()) if context.get(name) not in (None, "")]
    try:
        fields = _render_fields(template, context)
        if secret_names:
            masked = _render_fields(template, {**context, **{name: mask(context[name]) for name in secret_names}})
            values = [str(context[name]) for name in secret_names]
            masked["sealed"] = json.dumps({**fields, "values": values}, ensure_ascii=False)
            fields = masked
    except ValidationError as error:
        # Templates are validated when saved; this is a row written around the forms (shell, SQL).
        logger.error("notify template %s cannot be rendered: %s", template.pk, "; ".join(error.messages))
        return None
    return fields


@dataclass(frozen=True, eq=False)
class _Planned:
    """One message to write: who, on which channel, with which template, under which key."""

    customer: Any
    context: dict[str, Any]
    related: Related
    channel: str
    language: str
    template: MessageTemplate
    key: str


def _plan(
    *, spec: EventSpec, customer, context: dict[str, Any], related: Related, occurrence: str,
    templates: _Templates, preference: NotificationPreference | None, language: str | None = None,
) -> list[_Planned]:
    language = language if language in Language.ORDER else customer_language(customer)
    planned = []
    for channel in channels_for(customer, spec, preference):
        template = templates.get(channel, language)
        if template is not None:
            key = idempotency_key(
                event=spec.key, channel=channel, recipient=f"customer:{customer.pk}", related=related, occurrence=occurrence,
            )
            planned.append(_Planned(customer, context, related, channel, language, template, key))
    return planned


def _existing_keys(keys: Sequence[str]) -> set[str]:
    existing = set()
    for chunk in _chunks(list(keys), QUERY_CHUNK):
        existing.update(Message.objects.filter(idempotency_key__in=chunk).values_list("idempotency_key", flat=True))
    return existing


def _render_planned(planned: Sequence[_Planned], *, spec: EventSpec, common: dict[str, Any]) -> list[Message]:
    """Render the planned messages that are not in the log yet (a retried broadcast renders nothing twice)."""
    existing = _existing_keys([plan.key for plan in planned])
    # A broadcast shares one context among thousands of customers: prepare it once per language and
    # channel (the plans keep their contexts alive, so id() is unique); customers' own facts are text.
    prepared: dict[tuple, dict[str, Any]] = {}
    messages = []
    for plan in planned:
        if plan.key in existing:
            continue
        cache_key = (id(plan.context), plan.language, plan.channel)
        if cache_key not in prepared:
            prepared[cache_key] = channel_context({**common, **plan.context}, channel=plan.channel, language=plan.language)
        facts = {name: value for name, value in customer_facts(plan.customer).items() if name not in plan.context}
        rendered = _render_message(template=plan.template, context={**prepared[cache_key], **facts}, spec=spec)
        if rendered is None:
            continue
        messages.append(Message(
            customer=plan.customer, channel=plan.channel, event=spec.key, language=plan.template.language,
            to=address_for(plan.customer, plan.channel), template=plan.template,
            content_type_id=plan.related.content_type_id, object_id=plan.related.object_id,
            idempotency_key=plan.key, **rendered,
        ))
    _apply_sender_ids(messages)
    return messages


def _apply_sender_ids(messages: list[Message]) -> None:
    """SMS to a reseller's customer go out under the reseller's sender id, when they have one
    (core/branding registry; the HTTP gateway sends it where it takes a sender id)."""
    sms = [message for message in messages if message.channel == Channel.SMS and message.customer_id]
    if not sms:
        return
    brands = branding.brands_for_customers([message.customer_id for message in sms])
    for message in sms:
        brand = brands.get(message.customer_id)
        if brand is not None and brand.sms_sender_id:
            message.payload = {**(message.payload or {}), "sender_id": brand.sms_sender_id}


def _queue(messages: list[Message]) -> list[int]:
    """Insert the messages and deliver them after commit; the ids inserted."""
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        message.created_at = message.updated_at = now
    try:
        with transaction.atomic():
            messages_insert(messages, batch_size=QUERY_CHUNK)  # COPY on PostgreSQL (queue_sql.py)
        ids = [message.pk for message in messages]
    except IntegrityError:
        # A concurrent caller queued some of the same keys since they were checked: insert the rest
        # and find out which rows are ours (the ids do not come back when conflicts are ignored).
        for message in messages:
            message.pk = None  # an earlier batch may have set ids that the rollback took back
        Message.objects.bulk_create(messages, batch_size=QUERY_CHUNK, ignore_conflicts=True)
        ids = []
        for chunk in _chunks([message.idempotency_key for message in messages], QUERY_CHUNK):
            ids += Message.objects.filter(
                idempotency_key__in=chunk, status=Message.Status.QUEUED, created_at=now
            ).values_list("pk", flat=True)
    ids.sort()
    dispatch_after_commit(ids)
    return ids


def dispatch_after_commit(message_ids: Sequence[int]) -> None:
    """Hand the messages to the delivery workers once the caller's transaction commits."""
    if not message_ids:
        return
    ids = list(message_ids)

    def dispatch():
        from .tasks import deliver_messages

        for chunk in _chunks(ids, DISPATCH_CHUNK):
            try:
                deliver_messages.delay(list(chunk))
            except Exception:  # the broker is down: the retry sweep sends them when it is back
                logger.exception("notify: could not hand %d messages to the workers", len(chunk))
                _dispatch_failed(chunk)

    transaction.on_commit(dispatch, robust=True)


def _dispatch_failed(message_ids: Sequence[int]) -> None:
    """The job queue refused these messages (Redis down): mark them to be retried at once, so the
    every-minute sweep sends them within a minute of the queue coming back rather than after
    UNDISPATCHED_AFTER. Not an attempt (attempts stay as they were); still queued ones only."""
    try:
        Message.objects.filter(pk__in=list(message_ids), status=Message.Status.QUEUED).update(
            status=Message.Status.FAILED, next_attempt_at=timezone.now(), updated_at=timezone.now(),
            last_error=_("The job queue could not be reached; sent when it is back."),
        )
    except Exception:  # noqa: BLE001 - they stay queued, and the sweep still finds them later
        logger.exception("notify: could not mark %d undispatched messages for retry", len(message_ids))


# Queueing: the public entry points ----------------------------------------------------------------------

@transaction.atomic
def notify_customer(*, event: str, customer, context: dict[str, Any] | None = None, related=None, occurrence: str = "") -> list[Message]:
    """Queue `event` for one customer on each channel they get it on; returns the rows queued now
    (empty when they were queued before). `related` is what the message is about (an invoice, a
    payment …); `occurrence` tells apart repeated events about the same object (two suspensions of
    one subscription). Context values may be Decimal (money), date, datetime, bool, int, text or
    lazy translations; they are formatted in the customer's language."""
    spec = event_spec(event)
    planned = _plan(
        spec=spec, customer=customer, context=context or {}, related=Related.of(related), occurrence=occurrence,
        templates=_Templates(event), preference=_preferences(event, [customer.pk]).get(customer.pk),
    )
    rows = _render_planned(planned, spec=spec, common=isp_facts())
    ids = _queue(rows)
    return list(Message.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def notify_customers_bulk(event: str, customers_with_context: Iterable[tuple], *, occurrence: str = "") -> int:
    """Queue one event for many customers (broadcasts, billing runs) set-based: preferences and
    templates read once, rows written in batches, delivery spread over the workers. Items are
    `(customer, context)` or `(customer, context, related)`. Returns how many messages were queued."""
    spec = event_spec(event)
    items = [(entry[0], entry[1] or {}, entry[2] if len(entry) > 2 else None) for entry in customers_with_context]
    if not items:
        return 0
    templates = _Templates(event)
    preferences = _preferences(event, [customer.pk for customer, _context, _related in items])
    languages = _languages([customer.pk for customer, _context, _related in items])
    content_types: dict[type, int] = {}
    planned: list[_Planned] = []
    for customer, context, related_obj in items:
        if related_obj is None:
            related = Related(None, "")
        else:
            model = type(related_obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model, for_concrete_model=True).pk
            related = Related(content_types[model], str(related_obj.pk))
        planned += _plan(
            spec=spec, customer=customer, context=context, related=related, occurrence=occurrence,
            templates=templates, preference=preferences.get(customer.pk),
            language=languages.get(customer.pk, Language.ENGLISH),
        )
    rows = _render_planned(planned, spec=spec, common=isp_facts())
    return len(_queue(rows))


@transaction.atomic
def notify_address(
    *, event: str, channel: str, to: str, context: dict[str, Any] | None = None, language: str = Language.ENGLISH,
    related=None, occurrence: str = "",
) -> Message | None:
    """Queue an event to an address that is not a customer's (a staff member, a lead's phone)."""
    spec = event_spec(event)
    template = _Templates(event).get(channel, language)
    if template is None or not to:
        return None
    values = channel_context({**isp_facts(), **(context or {})}, channel=channel, language=template.language)
    rendered = _render_message(template=template, context=values, spec=spec)
    if rendered is None:
        return None
    related_ref = Related.of(related)
    key = idempotency_key(event=event, channel=channel, recipient=f"to:{to}", related=related_ref, occurrence=occurrence)
    if _existing_keys([key]):
        return None
    message = Message(
        channel=channel, event=spec.key, language=template.language, to=to, template=template,
        content_type_id=related_ref.content_type_id, object_id=related_ref.object_id,
        idempotency_key=key, **rendered,
    )
    ids = _queue([message])
    return Message.objects.get(pk=ids[0]) if ids else None


def invoice_context(invoice, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "invoice_number": invoice.number,
        "amount": invoice.total,
        "amount_due": invoice.amount_due,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "days_left": max(0, (invoice.due_date - today).days),
        "days_overdue": max(0, (today - invoice.due_date).days),
    }


def notify_invoices(*, event: str, invoices: Iterable) -> int:
    """Queue an invoice event (issued, due reminder, overdue) for each invoice's customer, at most
    once per invoice and event. Pass invoices with their customer selected (select_related)."""
    today = timezone.localdate()
    return notify_customers_bulk(
        event, ((invoice.customer, invoice_context(invoice, today=today), invoice) for invoice in invoices),
    )


# The suspensions a customer is told about, and then told the end of; fraud and technical
# suspensions are staff business.
NOTIFIED_SUSPENSION_TYPES = {"non_payment", "customer_request"}


def notify_subscription_change(*, subscription, previous: dict[str, Any], amount_due: Decimal) -> list[Message]:
    """After a lifecycle transition (called inside it): queue "suspended" or "reactivated" when the
    suspension is one the customer hears about. `previous` is the lifecycle snapshot before the
    change, `amount_due` what the customer owes now (billing's, given by the caller). One message per
    transition, keyed by the row's update time."""
    S = subscription.Status
    if subscription.status == S.SUSPENDED and previous["status"] != S.SUSPENDED:
        event, suspension_type = Event.SUSPENDED, subscription.suspension_type
    elif subscription.status == S.ACTIVE and previous["status"] == S.SUSPENDED:
        event, suspension_type = Event.REACTIVATED, previous.get("suspension_type", "")
    else:
        return []
    if suspension_type not in NOTIFIED_SUSPENSION_TYPES:
        return []
    customer = subscription.customer
    context = {
        "login": subscription.login_label,
        "package_name": subscription.package.name,
        "paid_through": subscription.paid_through,
        "amount_due": amount_due,
        "suspension_reason": subscription.SuspensionType(suspension_type).label,
        "non_payment": suspension_type == "non_payment",
    }
    return notify_customer(
        event=event, customer=customer, context=context, related=subscription,
        occurrence=f"{event}@{subscription.updated_at.isoformat()}",
    )


# Delivery ------------------------------------------------------------------------------------------------

def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base … capped."""
    seconds = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFY_RETRY_MAX_SECONDS))


def _claim(message_ids: Sequence[int], now) -> list[Message]:
    """Take the due messages among `message_ids` for this worker, in one transaction: those another
    worker is taking right now, or that are not due (sent, failing and not yet retried), are left."""
    due = Q(status=Message.Status.QUEUED) | Q(status=Message.Status.FAILED, next_attempt_at__lte=now)
    with transaction.atomic():
        claimed = list(Message.objects.select_for_update(skip_locked=True).filter(due, pk__in=message_ids).order_by("pk"))
        Message.objects.filter(pk__in=[message.pk for message in claimed]).update(
            status=Message.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=None, updated_at=now,
        )
    for message in claimed:
        message.status, message.attempts, message.next_attempt_at, message.updated_at = (
            Message.Status.SENDING, message.attempts + 1, None, now)
    return claimed


def _sealed(message: Message) -> dict[str, Any] | None:
    """The real text of a message that carries a secret, while it is still to be sent; else None."""
    if not message.sealed:
        return None
    try:
        return json.loads(message.sealed)
    except ValueError:
        return None


def _outgoing(message: Message, sealed: dict[str, Any] | None) -> Message:
    """What the backend is handed: the row itself, or for a secret message an unsaved copy with the
    real text (the row keeps the masked one; `masked` lets the console backend choose)."""
    if sealed is None:
        return message
    outgoing = copy.copy(message)
    outgoing.body, outgoing.subject = sealed.get("body", ""), sealed.get("subject", "")
    outgoing.payload = {**(message.payload or {}), **(sealed.get("payload") or {})}
    outgoing.masked = {"subject": message.subject, "body": message.body}
    return outgoing


def _scrub(text: str, sealed: dict[str, Any] | None) -> str:
    """An error text with any secret in it masked (a provider may echo the message it refused)."""
    for value in (sealed or {}).get("values", []):
        if value:
            text = text.replace(value, mask(value))
    return text


# Outcomes are written together, at least this often while a batch is being sent: a worker that dies
# mid-batch leaves at most this long's sent messages looking unsent (they are retried as failed, so
# those few may reach the customer twice), instead of one write per message.
OUTCOME_WRITE_SECONDS = 1.0
OUTCOME_FIELDS = ["backend", "status", "last_error", "next_attempt_at", "sent_at", "provider_message_id", "updated_at"]


def _send(message: Message) -> None:
    """Hand one claimed message to its channel's backend and set the outcome on it (not saved)."""
    backend = backends.backend_for(message.channel)
    message.backend = backend.name or type(backend).__name__
    sealed = _sealed(message)
    try:
        provider_id = backend.send(_outgoing(message, sealed))
    except backends.PermanentError as error:
        message.status, message.last_error, message.next_attempt_at = Message.Status.FAILED, _scrub(str(error), sealed), None
    except Exception as error:  # temporary, or a bug in a backend: worth another try either way
        crashed = not isinstance(error, backends.TemporaryError)  # a temporary error is expected: no log line
        if crashed and sealed is None:
            logger.exception("notify: backend %s crashed on message %s", message.backend, message.pk)
        elif crashed:  # no traceback: its frames and texts may hold the secret
            logger.error("notify: backend %s crashed on message %s: %s", message.backend, message.pk,
                         _scrub(f"{type(error).__name__}: {error}", sealed))
        retry = message.attempts < settings.NOTIFY_MAX_ATTEMPTS
        text = _scrub(str(error) or type(error).__name__, sealed)
        if not retry:
            text = _("%(error)s (gave up after %(attempts)d attempts)") % {"error": text, "attempts": message.attempts}
        message.status, message.last_error = Message.Status.FAILED, text
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts) if retry else None
    else:
        message.status, message.sent_at, message.provider_message_id = Message.Status.SENT, timezone.now(), (provider_id or "")[:200]
        message.last_error, message.next_attempt_at = "", None
    message.updated_at = timezone.now()


def _write_outcomes(messages: list[Message]) -> None:
    rows_update(Message, messages, OUTCOME_FIELDS)
    done_with = [message.pk for message in messages if message.sealed and message.next_attempt_at is None]
    if done_with:  # sent or given up on: the real text goes, the masked one stays
        Message.objects.filter(pk__in=done_with).update(sealed="")
        for message in messages:
            if message.pk in done_with:
                message.sealed = ""


def messages_deliver(*, message_ids: Sequence[int]) -> list[Message]:
    """Send each message that is due through its channel's backend, outside any transaction (network
    time must not hold locks): claimed together, sent one by one, outcomes written together at least
    every OUTCOME_WRITE_SECONDS. Temporary failures are retried with backoff up to
    NOTIFY_MAX_ATTEMPTS; permanent ones fail at once. Returns the messages sent or tried now; one
    not due (sent, or taken elsewhere) is skipped."""
    claimed = _claim(message_ids, timezone.now())
    unwritten: list[Message] = []
    written_at = time.monotonic()
    try:
        for message in claimed:
            _send(message)
            unwritten.append(message)
            if time.monotonic() - written_at >= OUTCOME_WRITE_SECONDS:
                _write_outcomes(unwritten)
                unwritten, written_at = [], time.monotonic()
    finally:
        _write_outcomes(unwritten)
    return claimed


def message_deliver(*, message_id: int) -> Message | None:
    """`messages_deliver` for one message: the message, or None when it was not due."""
    delivered = messages_deliver(message_ids=[message_id])
    return delivered[0] if delivered else None


def messages_to_dispatch(*, limit: int = 5000) -> list[int]:
    """The retry sweep's work: failed messages whose retry is due, queued ones nobody picked up, and
    ones a dead worker left "sending" (re-queued here: the provider may or may not have them)."""
    now = timezone.now()
    Message.objects.filter(status=Message.Status.SENDING, updated_at__lt=now - STUCK_SENDING_AFTER).update(
        status=Message.Status.FAILED, next_attempt_at=now, updated_at=now,
        last_error=_("The worker stopped while sending; trying again."),
    )
    due = Q(status=Message.Status.FAILED, next_attempt_at__lte=now) | Q(
        status=Message.Status.QUEUED, created_at__lt=now - UNDISPATCHED_AFTER
    )
    return list(Message.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:limit])


@transaction.atomic
def message_retry(*, actor, message: Message) -> Message:
    """Staff send a failed message again now (after fixing a setting, a number, the balance at the
    provider). It gets one more attempt whatever the attempt count, and is returned.

    A message that carried a secret is never sent again as it was: its event's `resend` makes a new
    one through the path the first took (a new code, the old one stops working) and the new message
    is returned; the failed one is closed (no automatic retry, its real text emptied). An event that
    has no such path (a card's code) is refused with the reason."""
    locked = Message.objects.select_for_update().get(pk=message.pk)
    if locked.status != Message.Status.FAILED:
        raise ValidationError(
            _("Only a failed message can be retried; this one is %(status)s.") % {"status": locked.get_status_display().lower()},
            code="invalid_state",
        )
    try:
        spec = event_spec(locked.event)
    except ValueError:  # an event no longer registered: nothing says whether it held a secret
        spec = None
    if spec is not None and spec.secret:
        return _message_resend_secret(actor=actor, message=locked, spec=spec)
    before = snapshot(locked, ("status", "attempts", "last_error"))
    locked.status, locked.next_attempt_at, locked.updated_at = Message.Status.QUEUED, None, timezone.now()
    locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
    audit_record(actor=actor, action="message.retry", obj=locked, before=before, after={"status": locked.status})
    dispatch_after_commit([locked.pk])
    return locked


def _message_resend_secret(*, actor, message: Message, spec: EventSpec) -> Message:
    if spec.resend is None:
        raise ValidationError(
            _("This message held a secret and is never sent again; the customer asks for a new one."), code="secret",
        )
    fresh = spec.resend(actor=actor, message=message)  # raises ValidationError when it cannot
    if not isinstance(fresh, Message):
        raise ValidationError(_("No new message could be sent: the template for it is turned off."), code="not_sent")
    before = snapshot(message, ("status", "next_attempt_at"))
    Message.objects.filter(pk=message.pk).update(next_attempt_at=None, sealed="", updated_at=timezone.now())
    audit_record(actor=actor, action="message.resend", obj=message, before=before, after={"new_message": fresh.pk})
    return fresh


# Preferences ---------------------------------------------------------------------------------------------

@transaction.atomic
def notification_preference_set(*, actor, customer, event: str, channels: Iterable[str]) -> NotificationPreference:
    """The customer's channels for one event (the portal's preferences page, staff on their behalf)."""
    spec = event_spec(event)
    channels = set(channels)
    unknown = channels - set(Channel.ORDER)
    if unknown:
        raise ValidationError({"channels": _("Unknown channels: %(names)s.") % {"names": ", ".join(sorted(unknown))}})
    if not spec.optional:
        raise ValidationError(_("%(event)s messages cannot be turned off.") % {"event": spec.label})
    if Channel.EMAIL in channels and not customer.email:
        raise ValidationError({"channels": _("Add an e-mail address before choosing e-mail.")})
    preference, created = NotificationPreference.objects.select_for_update().get_or_create(customer=customer, event=event)
    before = preference.channels
    for channel in Channel.ORDER:
        setattr(preference, channel, channel in channels)
    preference.save()
    if before != preference.channels or created:
        audit_record(
            actor=actor, action="notification_preference.set", obj=customer,
            before=None if created else {"event": event, "channels": before},
            after={"event": event, "channels": preference.channels},
        )
    return preference
