"""The technician app's queued operations, applied in the order the phone made them: each has a UUID
made on the phone and is applied once (a replay answers with the stored result), a refused one
(order reassigned or cancelled meanwhile) is stored with its reason. `OPERATIONS` maps each kind to
the field-service action it runs; the use case (usecases/technician_sync.py) adds completion."""

import json
import logging
import math
import uuid as uuid_module
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .equipment import workorder_equipment
from .models import (
    SyncOperation,
    WorkOrder,
)
from .services import (
    workorder_add_note,
    workorder_arrive,
    workorder_check_item,
    workorder_fail,
    workorder_record_readings,
    workorder_sign,
    workorder_start_travel,
    workorder_status_complete,
)

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_ID = 2**31 - 1  # the largest primary key PostgreSQL's integer columns hold
MAX_LOGGED_PAYLOAD = 4000  # characters of a payload kept in the log
# The sanity bound on the phone's clock: an action stamped more than this ahead of the server, or older
# than the longest a phone is expected to stay offline, or before its order existed, is recorded at the
# time it was received (the phone's time is kept beside it).
CLOCK_AHEAD = timedelta(minutes=5)
CLOCK_MAX_AGE = timedelta(days=14)


class _Payload:
    """Reads one operation's payload strictly: a value of the wrong type, NaN, infinity or a character the
    database cannot store is a ValidationError naming the field, never an exception deeper down."""

    def __init__(self, payload: dict):
        self.payload = payload

    def _invalid(self, key: str, message) -> ValidationError:
        return ValidationError({key: message}, code="invalid")

    def text(self, key: str, *, max_length: int = MAX_TEXT) -> str:
        value = self.payload.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._invalid(key, _("Send text."))
        if "\x00" in value:
            raise self._invalid(key, _("Remove the null characters."))
        if len(value) > max_length:
            raise self._invalid(key, _("Keep it under %(max)d characters.") % {"max": max_length})
        return value

    def number(self, key: str) -> str | None:
        """A finite number, as text for the service's own range check; None when absent."""
        value = self.payload.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str) or len(str(value)) > 32:
            raise self._invalid(key, _("Enter a number."))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise self._invalid(key, _("Enter a number.")) from None
        if not number.is_finite():
            raise self._invalid(key, _("Enter a number."))
        return str(number)

    def identifier(self, key: str) -> int:
        value = self.payload.get(key)
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            raise self._invalid(key, _("Send the id of one of this order's items."))
        return value

    def flag(self, key: str, *, default: bool = False) -> bool:
        value = self.payload.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._invalid(key, _("Send true or false."))
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.payload.get(key)
        if value not in choices:
            raise self._invalid(key, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return value


# Each kind: what its payload must hold (the keyword arguments of its action), then the action.
PAYLOADS: dict[str, Callable[[_Payload], dict]] = {
    "start_travel": lambda p: {},
    "arrive": lambda p: {"latitude": p.number("latitude"), "longitude": p.number("longitude"), "accuracy_m": p.number("accuracy")},
    "check": lambda p: {"item_id": p.identifier("item"), "done": p.flag("done")},
    "note": lambda p: {"text": p.text("text")},
    "readings": lambda p: {
        "onu_power_dbm": p.number("onu_power_dbm"), "speed_down_mbps": p.number("speed_down_mbps"), "speed_up_mbps": p.number("speed_up_mbps"),
    },
    "sign": lambda p: {"signer_name": p.text("signer_name", max_length=200), "data_url": p.text("data_url", max_length=600 * 1024)},
    "equipment": lambda p: {
        "serial": p.text("serial", max_length=64), "action": p.choice("action", ("install", "collect")), "faulty": p.flag("faulty"),
    },
    "complete": lambda p: {},
    "fail": lambda p: {"reason": p.text("reason")},
}

OPERATIONS = {
    "start_travel": lambda actor, order, a: workorder_start_travel(actor=actor, order=order, **a),
    "arrive": lambda actor, order, a: workorder_arrive(actor=actor, order=order, **a),
    "check": lambda actor, order, a: workorder_check_item(actor=actor, order=order, **a),
    "note": lambda actor, order, a: workorder_add_note(actor=actor, order=order, **a),
    "readings": lambda actor, order, a: workorder_record_readings(actor=actor, order=order, **a),
    "sign": lambda actor, order, a: workorder_sign(actor=actor, order=order, **a),
    "equipment": lambda actor, order, a: workorder_equipment(actor=actor, order=order, **a),
    "complete": lambda actor, order, a: workorder_status_complete(actor=actor, order=order, **a),
    "fail": lambda actor, order, a: workorder_fail(actor=actor, order=order, **a),
}


# How the phone names a refused value (the payload's key otherwise).
FIELD_LABELS = {
    "latitude": gettext_lazy("Latitude"), "longitude": gettext_lazy("Longitude"), "item": gettext_lazy("Checklist item"),
    "done": gettext_lazy("Ticked"), "text": gettext_lazy("Note"), "onu_power_dbm": gettext_lazy("ONU optical power (dBm)"),
    "speed_down_mbps": gettext_lazy("Download (Mbps)"), "speed_up_mbps": gettext_lazy("Upload (Mbps)"),
    "signer_name": gettext_lazy("Signer's name"), "signature": gettext_lazy("Signature"), "data_url": gettext_lazy("Signature"),
    "serial": gettext_lazy("Serial number"), "action": gettext_lazy("Installed or collected"), "faulty": gettext_lazy("Faulty"),
    "reason": gettext_lazy("Why?"),
}


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            " ".join(str(m) for m in messages) if field == NON_FIELD_ERRORS
            else f"{FIELD_LABELS.get(field, field)}: {' '.join(str(m) for m in messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


def client_time(value) -> datetime | None:
    """The phone's clock as sent: epoch milliseconds or an ISO 8601 time with its offset; None when
    missing or unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value) or not 0 < value < 10**14:
            return None
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            return None
        if parsed is not None and timezone.is_aware(parsed):
            return parsed
    return None


def done_at(*, client_at: datetime | None, received_at: datetime, order: WorkOrder | None) -> datetime:
    """When the action is recorded as done: the phone's time inside the sanity bound, else the time the
    server received it."""
    if client_at is None or client_at > received_at + CLOCK_AHEAD or client_at < received_at - CLOCK_MAX_AGE:
        return received_at
    if order is not None and order.created_at and client_at < order.created_at:
        return received_at
    return min(client_at, received_at)


def _order_id(value) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        return None
    return value


def offline_operations_apply(*, technician, ops, operations: Mapping[str, Callable] = OPERATIONS) -> list[SyncOperation | ValidationError]:
    """Apply a batch of queued actions from the phone, each exactly once by the UUID the phone gave it;
    `ops` are (uuid, kind, order id, payload, the phone's time); `operations` what each kind does with the arguments
    `PAYLOADS` read from its payload (the use case gives completion with its survey:
    usecases/technician_sync.py). Answers, per action, its operation (with the stored result: a replay
    gets the result stored the first time) or the ValidationError of an action that is not one (no
    valid id, unknown kind: nothing stored).

    Each action is validated and applied on its own: a payload with a wrong value (text where a number
    belongs, NaN, a missing field), an order that is not the technician's, a refused transition is that
    action's refusal, stored under its id so a replay answers the same, and the rest of the batch
    applies. The queue on the phone never jams on one bad action.

    Runs inside the caller's transaction. The batch's orders are locked first, in primary-key order, so
    a reassignment or a cancellation waits for the batch (or the batch for it) and each action sees the
    order as the one before left it. Then each action and its operation row are written in one
    savepoint: a refused action rolls back alone and is stored with its message, so the phone shows it;
    the same id applied at the same moment by another request makes the insert fail, which rolls the
    action back, and the stored result is answered instead."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("operations_apply locks rows: call it inside transaction.atomic")
    parsed = []
    received_at = timezone.now()
    for op_uuid, kind, order_id, payload, sent_at in ops:
        try:
            key = uuid_module.UUID(str(op_uuid))
        except ValueError:
            parsed.append(ValidationError(_("The operation has no valid id.")))
            continue
        parsed.append((key, str(kind).replace("\x00", "")[:32], _order_id(order_id), payload, client_time(sent_at)))
    order_ids = sorted({op[2] for op in parsed if isinstance(op, tuple) and op[2] is not None})
    orders = {order.pk: order for order in WorkOrder.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")}
    # Read after the locks: what a concurrent batch committed on these orders counts.
    stored = {op.uuid: op for op in SyncOperation.objects.filter(uuid__in=[op[0] for op in parsed if isinstance(op, tuple)])}
    answers: list[SyncOperation | ValidationError] = []
    for op in parsed:
        if isinstance(op, ValidationError):
            answers.append(op)
            continue
        key, kind, order_id, payload, client_at = op
        if key in stored:
            answers.append(_replay_or_error(stored[key], technician))
            continue
        if kind not in operations or kind not in PAYLOADS:
            # Kept under its id like any refusal: a replay answers the same even if the id comes back
            # with another kind.
            row = SyncOperation(uuid=key, technician=technician, kind=kind, payload=_loggable(payload), client_at=client_at)
            row.result = _refusal("invalid", _("Unknown operation %(kind)s.") % {"kind": kind})
            operation = _store(row, technician)
        else:
            operation = _apply_one(
                technician=technician, key=key, do=operations[kind], kind=kind, order=orders.get(order_id), payload=payload,
                client_at=client_at, received_at=received_at,
            )
        if isinstance(operation, SyncOperation):
            stored[key] = operation  # the same id again in this batch is a replay
        answers.append(operation)
    return answers


def _refusal(code: str, message, status: str = "") -> dict:
    return {"ok": False, "code": code, "error": str(message), "status": status}


def _apply_one(
    *, technician, key, do: Callable, kind: str, order: WorkOrder | None, payload, client_at: datetime | None, received_at: datetime,
) -> SyncOperation | ValidationError:
    row = SyncOperation(
        uuid=key, technician=technician, kind=kind, payload=_loggable(payload), client_at=client_at,
        done_at=done_at(client_at=client_at, received_at=received_at, order=order),
    )
    if order is None or order.technician_id != technician.pk:
        # Not (or no longer) theirs, or no such order: one answer for both, without the order's status.
        row.order = order
        row.result = _refusal("not_assigned", _("This work order is not assigned to you (it may have been reassigned)."))
        return _store(row, technician)
    row.order = order
    if payload is None:
        payload = {}
    try:
        if not isinstance(payload, dict):
            raise ValidationError(_("The operation's details are not readable."), code="invalid")
        arguments = {**PAYLOADS[kind](_Payload(payload)), "at": row.done_at}
    except ValidationError as error:
        row.result = _refusal("invalid", _messages(error), order.status)
        return _store(row, technician)
    try:
        with transaction.atomic():
            done = do(technician, order, arguments)
            if isinstance(done, WorkOrder):
                order.status = done.status  # what the next action of the batch starts from
            row.ok, row.result = True, {"ok": True, "status": order.status}
            row.save(force_insert=True)
        return row
    except ValidationError as error:  # rolled back: the order is as the batch's previous action left it
        code = getattr(error, "code", None) or "invalid"
        row.ok, row.result = False, _refusal(code, _messages(error), order.status)
        return _store(row, technician)
    except IntegrityError:
        # The same id, sent at the same moment, was applied by the other request: its result is the answer.
        already = SyncOperation.objects.filter(uuid=key).first()
        if already is not None:
            return _replay_or_error(already, technician)
        logger.exception("technician sync: %s %s refused by the database", kind, key)
        row.ok, row.result = False, _refusal("invalid", _("This action could not be saved."), order.status)
        return _store(row, technician)
    except Exception:  # noqa: BLE001 - a fault of ours must not jam the phone's queue: this action alone waits
        logger.exception("technician sync: %s %s failed", kind, key)
        return ValidationError(_("This action could not be applied now; it stays on the phone and is sent again."), code="retry")


def _store(row: SyncOperation, technician) -> SyncOperation | ValidationError:
    """Keep a refusal under its id, so a replay answers the same."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row
    except IntegrityError:
        return _replay_or_error(SyncOperation.objects.get(uuid=row.uuid), technician)


def _replay_or_error(operation: SyncOperation, technician) -> SyncOperation | ValidationError:
    if operation.technician_id != technician.pk:
        return ValidationError(_("The operation has no valid id."))
    SyncOperation.objects.filter(pk=operation.pk).update(replays=F("replays") + 1)
    operation.replays += 1
    return operation


@transaction.atomic
def operation_apply(
    *, technician, op_uuid, kind: str, order_id, payload: dict, client_at=None, operations: Mapping[str, Callable] = OPERATIONS,
) -> SyncOperation:
    """One queued action from the phone (a batch of one: `operations_apply`); ValidationError when it is
    not one."""
    answer = offline_operations_apply(technician=technician, ops=[(op_uuid, kind, order_id, payload, client_at)], operations=operations)[0]
    if isinstance(answer, ValidationError):
        raise answer
    return answer


def _clean_for_log(value, depth: int = 0):
    if depth > 5:
        return "…"
    if isinstance(value, dict):
        return {str(key)[:64].replace("\x00", ""): _clean_for_log(item, depth + 1) for key, item in list(value.items())[:50]}
    if isinstance(value, list):
        return [_clean_for_log(item, depth + 1) for item in value[:50]]
    if isinstance(value, str):
        return value[:MAX_TEXT].replace("\x00", "")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON columns take no NaN or infinity
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)[:64]


def _loggable(payload) -> dict:
    """The payload as kept in the log, storable whatever the phone sent: a signature's image is stored on
    the order, not twice; NUL characters, NaN and overlong values are cut."""
    if not isinstance(payload, dict):
        return {"unreadable": str(type(payload).__name__)}
    cleaned = _clean_for_log({key: ("<png>" if key == "data_url" else value) for key, value in payload.items()})
    if len(json.dumps(cleaned, default=str)) > MAX_LOGGED_PAYLOAD:
        return {"truncated": True}
    return cleaned
