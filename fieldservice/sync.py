"""The technician app's queued operations, applied in the order the phone made them: each has a UUID
made on the phone and is applied once (a replay answers with the stored result), a refused one
(order reassigned or cancelled meanwhile) is stored with its reason. `OPERATIONS` maps each kind to
the field-service action it runs; the use case (usecases/technician_sync.py) adds completion."""

import uuid as uuid_module
from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .equipment import workorder_equipment
from .models import (
    SyncOperation,
    WorkOrder,
)
from .services import (
    workorder_add_note,
    workorder_arrive,
    workorder_check_item,
    workorder_complete,
    workorder_fail,
    workorder_record_readings,
    workorder_sign,
    workorder_start_travel,
)

OPERATIONS = {
    "start_travel": lambda actor, order, p: workorder_start_travel(actor=actor, order=order),
    "arrive": lambda actor, order, p: workorder_arrive(
        actor=actor, order=order, latitude=p.get("latitude"), longitude=p.get("longitude"), accuracy_m=p.get("accuracy")
    ),
    "check": lambda actor, order, p: workorder_check_item(actor=actor, order=order, item_id=p.get("item"), done=bool(p.get("done"))),
    "note": lambda actor, order, p: workorder_add_note(actor=actor, order=order, text=p.get("text", "")),
    "readings": lambda actor, order, p: workorder_record_readings(
        actor=actor, order=order, onu_power_dbm=p.get("onu_power_dbm"), speed_down_mbps=p.get("speed_down_mbps"),
        speed_up_mbps=p.get("speed_up_mbps"),
    ),
    "sign": lambda actor, order, p: workorder_sign(actor=actor, order=order, signer_name=p.get("signer_name", ""), data_url=p.get("data_url", "")),
    "equipment": lambda actor, order, p: workorder_equipment(
        actor=actor, order=order, serial=p.get("serial", ""), action=p.get("action", ""), faulty=bool(p.get("faulty"))
    ),
    "complete": lambda actor, order, p: workorder_complete(actor=actor, order=order),
    "fail": lambda actor, order, p: workorder_fail(actor=actor, order=order, reason=p.get("reason", "")),
}


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _order_id(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def operations_apply(*, technician, ops, operations: Mapping[str, Callable] = OPERATIONS) -> list[SyncOperation | ValidationError]:
    """Apply a batch of queued actions from the phone, each exactly once by the UUID the phone gave it;
    `ops` are (uuid, kind, order id, payload); `operations` what each kind does (the use case gives
    completion with its survey: usecases/technician_sync.py). Answers, per action, its operation (with the stored
    result: a replay gets the result stored the first time) or the ValidationError of an action that
    is not one (no valid id, unknown kind: nothing stored).

    Runs inside the caller's transaction. The batch's orders are locked first, in primary-key order, so
    a reassignment or a cancellation waits for the batch (or the batch for it) and each action sees the
    order as the one before left it. Then each action and its operation row are written in one
    savepoint: a refused action (a conflict: the order was reassigned or cancelled meanwhile) rolls back
    alone and is stored with its message, so the phone shows it; the same id applied at the same
    moment by another request makes the insert fail, which rolls the action back, and the stored
    result is answered instead."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("operations_apply locks rows: call it inside transaction.atomic")
    parsed = []
    for op_uuid, kind, order_id, payload in ops:
        try:
            key = uuid_module.UUID(str(op_uuid))
        except ValueError:
            parsed.append(ValidationError(_("The operation has no valid id.")))
            continue
        parsed.append((key, kind, _order_id(order_id), payload if isinstance(payload, dict) else {}))
    order_ids = sorted({op[2] for op in parsed if isinstance(op, tuple) and op[2] is not None})
    orders = {order.pk: order for order in WorkOrder.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")}
    # Read after the locks: what a concurrent batch committed on these orders counts.
    stored = {op.uuid: op for op in SyncOperation.objects.filter(uuid__in=[op[0] for op in parsed if isinstance(op, tuple)])}
    answers: list[SyncOperation | ValidationError] = []
    for op in parsed:
        if isinstance(op, ValidationError):
            answers.append(op)
            continue
        key, kind, order_id, payload = op
        if key in stored:
            answers.append(_replay_or_error(stored[key], technician))
            continue
        if kind not in operations:
            answers.append(ValidationError(_("Unknown operation %(kind)s.") % {"kind": kind}))
            continue
        operation = _apply_one(technician=technician, key=key, do=operations[kind], kind=kind, order=orders.get(order_id), payload=payload)
        if isinstance(operation, SyncOperation):
            stored[key] = operation  # the same id again in this batch is a replay
        answers.append(operation)
    return answers


def _apply_one(*, technician, key, do: Callable, kind: str, order: WorkOrder | None, payload: dict) -> SyncOperation | ValidationError:
    row = SyncOperation(uuid=key, technician=technician, kind=kind, payload=_loggable(payload))
    if order is None:
        row.result = {"ok": False, "code": "not_found", "error": str(_("That work order does not exist.")), "status": ""}
        return _store(row, technician)
    if order.technician_id != technician.pk:
        row.order = order
        row.result = {"ok": False, "code": "reassigned", "error": str(_("This work order was reassigned to someone else.")), "status": order.status}
        return _store(row, technician)
    row.order = order
    try:
        with transaction.atomic():
            done = do(technician, order, payload)
            if isinstance(done, WorkOrder):
                order.status = done.status  # what the next action of the batch starts from
            row.ok, row.result = True, {"ok": True, "status": order.status}
            row.save(force_insert=True)
        return row
    except ValidationError as error:  # rolled back: the order is as the batch's previous action left it
        code = getattr(error, "code", None) or "invalid"
        row.ok, row.result = False, {"ok": False, "code": code, "error": _messages(error), "status": order.status}
        return _store(row, technician)
    except IntegrityError:
        # The same id, sent at the same moment, was applied by the other request: its result is the answer.
        return _replay_or_error(SyncOperation.objects.get(uuid=key), technician)


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
def operation_apply(*, technician, op_uuid, kind: str, order_id, payload: dict, operations: Mapping[str, Callable] = OPERATIONS) -> SyncOperation:
    """One queued action from the phone (a batch of one: `operations_apply`); ValidationError when it is
    not one."""
    answer = operations_apply(technician=technician, ops=[(op_uuid, kind, order_id, payload)], operations=operations)[0]
    if isinstance(answer, ValidationError):
        raise answer
    return answer


def _loggable(payload) -> dict:
    """The payload as kept in the log: a signature's image is stored on the order, not twice."""
    if not isinstance(payload, dict):
        return {}
    return {key: ("<png>" if key == "data_url" else value) for key, value in payload.items()}
