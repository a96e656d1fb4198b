"""The one writer of an online payment's state (`GatewayPayment.status`, docs/payments.md "States").

Every change goes through a function here, which checks it against the model's one table of allowed
changes (`GatewayPayment.ALLOWED_TRANSITIONS`) and writes the status together with the fields that go
with it (the reason, the gateway's ids, who reviewed it) under the row's lock:

- `gateway_payment_transition(gp=, to=, ...)`: one payment, its row locked (`select_for_update`,
  inside the caller's `transaction.atomic`: asserted), the change made only if the status it has now
  may become `to`. Returns the locked row and whether it changed.
- `gateway_payments_transition(changes=, ...)`: the same for many payments at once (auto-pay's charge
  day): the rows locked in primary-key order, the changes that the table allows written in one statement.
- `gateway_payment_settle(gp=, settled=, ...)`: open → paid or held, exactly once, by one conditional
  UPDATE (an IPN's hot path: a burst of notifications settles hundreds a minute). The statement's own
  row lock is the lock: of any number of notifications racing for a payment exactly one changes it
  (PostgreSQL re-checks the condition once the winner commits); on PostgreSQL it writes the event in
  the same statement (settle_sql.py), elsewhere in a transaction with the ORM.

tests/payments/test_gateway_state.py holds the line: no other module writes the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from ispbill.core.bulk import rows_update

from . import sslcommerz
from .models import GatewayEvent, GatewayPayment
from .settle_sql import settle_with_event

Status = GatewayPayment.Status
TRANSITIONS = GatewayPayment.ALLOWED_TRANSITIONS


def transition_sources(to: str, within: Iterable[str] | None = None) -> tuple[str, ...]:
    """The statuses the table lets become `to` (of `within` only, when given). A change the table
    never allows from any of them is a programming error: ValueError."""
    within = None if within is None else set(within)
    sources = tuple(status for status, targets in TRANSITIONS.items()
                    if to in targets and (within is None or status in within))
    if not sources:
        raise ValueError(f"no online payment may become {to!r} from {sorted(within) if within else 'any status'}")
    return sources


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} locks the payment's row: call it inside transaction.atomic")


def gateway_payment_transition(
    *, gp: GatewayPayment, to: str, from_: Iterable[str] | None = None, only_if: Mapping | None = None, **fields,
) -> tuple[GatewayPayment, bool]:
    """Lock the payment's row and, if its status may become `to` (the table, narrowed to `from_` when
    given) and its fields match `only_if`, write `to` and `fields`. Returns (the locked row, changed);
    an unchanged row is left exactly as it was."""
    _require_atomic("gateway_payment_transition")
    sources = transition_sources(to, from_)
    locked = GatewayPayment.objects.select_for_update().get(pk=gp.pk)
    if locked.status not in sources or any(getattr(locked, name) != value for name, value in (only_if or {}).items()):
        return locked, False
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *fields])
    return locked, True


def gateway_payments_transition(
    *, changes: Sequence[tuple[GatewayPayment, str, Mapping]], fields: Sequence[str], from_: Iterable[str] | None = None,
    only_if: Mapping | None = None,
) -> set[int]:
    """`gateway_payment_transition` for many: each (payment, to, its `fields` values). The rows are
    locked in primary-key order; each payment whose status may become its `to` (from `from_`, its
    fields matching `only_if`) gets `to` and its values, on the object given too, all in one
    statement. Returns the ids changed."""
    _require_atomic("gateway_payments_transition")
    if not changes:
        return set()
    from_ = None if from_ is None else tuple(from_)
    rows = GatewayPayment.objects.select_for_update().filter(pk__in=[gp.pk for gp, _to, _values in changes]).order_by("pk")
    names = list(only_if or {})
    current = {row[0]: row[1:] for row in rows.values_list("pk", "status", *names)}
    wanted = tuple((only_if or {}).values())
    changed = []
    for gp, to, values in changes:
        now = current.get(gp.pk)
        if now is None or now[0] not in transition_sources(to, from_) or tuple(now[1:]) != wanted:
            continue
        gp.status = to
        for name in fields:
            setattr(gp, name, values[name])
        changed.append(gp)
    rows_update(GatewayPayment, changed, ["status", *fields])
    return {gp.pk for gp in changed}


def gateway_payment_settle(*, gp: GatewayPayment, settled: Mapping, kind: str, outcome: str, data: Mapping) -> bool:
    """Apply `settled` (its "status": paid or held, and the gateway's fields) to the payment if it is
    still open (GatewayPayment.OPEN_STATUSES, as far as the table lets them become that status) and
    write the event saying so, atomically. False if it was no longer open; IntegrityError if its
    val_id already paid another payment. On PostgreSQL both are one statement, no BEGIN or COMMIT of
    its own (settle_sql.py)."""
    sources = transition_sources(settled["status"], GatewayPayment.OPEN_STATUSES)
    changed = settle_with_event(gp, settled, sources=sources, kind=kind, outcome=outcome, data=data)
    if changed is not None:
        return changed
    with transaction.atomic():
        changed = GatewayPayment.objects.filter(pk=gp.pk, status__in=sources).update(**settled)
        if changed:
            GatewayEvent.objects.create(gateway_payment=gp, kind=kind, outcome=outcome[:255], data=sslcommerz.redact(dict(data or {})))
        return bool(changed)
