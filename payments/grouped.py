"""Payments a gateway confirmed, recorded in groups: how bKash Pay Bill's notifications keep up with
a hundred a second.

Every receipt takes the next gap-free number (ispbill/core/numbering.py), whose counter row stays
locked until the payment's transaction commits: one payment at a time, about 15 ms each, so the
counter alone would cap payments near 60 a second. Here each payment is first queued (a
`QueuedPayment` row, committed at once); then whoever gets the recording turn (an advisory lock)
records everything queued in one set-based transaction (`payments_record_many`: one counter update
for the whole group, about 1 ms more per payment). The others wait for that transaction to commit
(a shared lock on the turn, so they all wake together), find their own payment recorded, and answer.
The recorder then queues the group's "payment received" messages and webhooks in a second
transaction, outside the turn and after its own answer has been sent (ispbill/core/after_response.py:
rendering them was nearly half of a group's time), with a turn of its own: one announcer at a time
takes every group recorded meanwhile (`recorded_groups_announce`), so under load the announcements
batch up as the groups do. The queued rows, marked with their payments in the group's transaction,
make that step certain: the job does it for a recorder that died first. Under load the groups grow by themselves; alone, a
payment is a group of one.

What each payment gets is what `payment_record` gives it (receipt, ledger, allocation, reactivation,
message, webhook, commission). A group that cannot be recorded together (one of its payments is
refused) is recorded one by one, and a refused payment's row keeps the reason for its own request.
The same idempotency key twice is one payment. Rows a dead process left queued are recorded by the
next group, or by the `payments-record-queued` job within a minute.

Only on PostgreSQL and outside a transaction (`settle_sql.grouping_possible`): on SQLite writers take
turns anyway, and inside a caller's transaction the queued row could not be seen by anyone else, so the
payment is recorded directly, one by one.

Payments own this: the queue, the turn and the recording. What recording a payment means beyond
payments (the reseller's commission) is the caller's: usecases/grouped_payments.py passes its
`Recorders` (usecases/payment_record.py), and only orchestrates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from ispbill.core.after_response import after_response

from .models import Payment, QueuedPayment
from .services import PaymentDraft, payments_announce
from .settle_sql import announcing_turn, grouping_possible, recording_turn, recording_turn_wait

logger = logging.getLogger(__name__)

GROUP_LIMIT = 200  # payments recorded in one transaction at most
ANNOUNCE_LIMIT = 200  # payments announced in one transaction at most
MAX_ROUNDS = 100  # each round records at least the oldest queued payment of every customer


@dataclass(frozen=True)
class Recorders:
    """How the caller records payments: `one` takes `payment_ledger_record`'s arguments, `many` takes
    `payments_ledger_record_many`'s (usecases/payment_record.py: with the reseller's commission)."""

    one: Callable[..., Payment]
    many: Callable[..., list[Payment]]


def payment_queue_and_record(
    *, recorders: Recorders, customer: Customer, amount: Decimal, method: str, reference: str, received_at: datetime | None,
    idempotency_key: str, note: str = "",
) -> Payment:
    """Record a payment the gateway confirmed (its limits checked: no large-amount confirmation) with
    the others arriving at the same time; returns it once committed. Raises ValidationError if it is
    refused (the key was used for another customer, a time ahead of our clock …), having recorded nothing."""
    received_at = received_at or timezone.now()
    if not grouping_possible():
        return recorders.one(
            actor=None, customer=customer, amount=amount, method=method, reference=reference, received_at=received_at,
            idempotency_key=idempotency_key, note=note, confirm_large=True,
        )
    try:
        # One statement, committed on its own (autocommit): visible to whoever records the next group.
        QueuedPayment.objects.create(
            idempotency_key=idempotency_key, customer=customer, amount=amount, method=method,
            reference=reference[:100], received_at=received_at, note=note[:255],
        )
    except IntegrityError:
        pass  # the same key is queued already (a retry while the first is in flight): its outcome is ours
    turns = 0
    while True:
        if turns:  # not before the first turn: the row was just queued
            # Woken by a group's commit, which most often held ours: its payment answers at once.
            recorded = _recorded(idempotency_key, customer)
            if recorded is not None:
                return recorded
            # Else the row, then the payment again: a group that commits (and announces) between the
            # two reads is seen recorded; reading the row alone could find neither.
            row = QueuedPayment.objects.filter(idempotency_key=idempotency_key).only("payment", "refusal").first()
            if row is None or row.payment_id is not None:
                recorded = _recorded(idempotency_key, customer)
                if recorded is not None:
                    return recorded
                if row is None:  # its customer was deleted meanwhile
                    raise ValidationError(_("The payment could not be recorded."))
            elif row.refusal:  # kept (the sweep deletes it after a day): a retry of the same key gets the same answer
                raise ValidationError(row.refusal)
        if turns == MAX_ROUNDS:
            raise RuntimeError(f"payment {idempotency_key} is still queued after {MAX_ROUNDS} turns")
        turns += 1
        grouped: list[str] = []
        with recording_turn() as took_turn:
            if took_turn:
                with transaction.atomic():
                    grouped, _count = queued_payments_record(recorders=recorders)
        if grouped:
            # After the answer: bKash need not wait while the group's messages are rendered.
            after_response(recorded_groups_announce)
        if not took_turn:
            recording_turn_wait()  # someone is recording a group, perhaps with ours in it


def _recorded(key: str, customer: Customer) -> Payment | None:
    payment = Payment.objects.filter(idempotency_key=key).first()
    if payment is not None and payment.customer_id != customer.pk:
        raise ValidationError(_("This payment's key was used for another customer."))
    return payment


def _announce(keys: list[str], *, queued_before: datetime | None = None) -> None:
    """Queue the messages and webhooks of payments recorded in a group, once (their rows locked, then
    deleted): by the group's recorder right after the group commits, outside the turn, as rendering
    them was nearly half of a group's time."""
    with transaction.atomic():
        rows = QueuedPayment.objects.select_for_update(skip_locked=True).select_related("payment__customer").filter(payment__isnull=False)
        rows = list(rows.filter(queued_at__lt=queued_before) if queued_before else rows.filter(idempotency_key__in=keys))
        if rows:
            payments_announce([row.payment for row in rows])
            QueuedPayment.objects.filter(pk__in=[row.pk for row in rows]).delete()


def recorded_groups_announce() -> int:
    """Announce what the groups recorded so far, one announcer at a time: run by each group's recorder
    once its answer is sent. Whoever finds the announcing turn taken leaves its group to the one who
    has it, who announces every recorded group (oldest first, ANNOUNCE_LIMIT a transaction) until none
    is left, then looks once more after giving the turn back (a group that committed while the turn
    was held, whose recorder found it taken). So at a hundred payments a second the groups' messages
    are rendered in batches, one announcement's fixed cost (templates, preferences, the ISP's facts:
    more than a small group's own messages) for several groups, and the recorders that find the turn
    taken free their thread at once instead of rendering. Returns how many payments were announced."""
    total = 0
    for _attempt in range(3):  # a row still there after three turns is left to the minute job
        with announcing_turn() as took_turn:
            if not took_turn:
                return total  # the announcer looks again after giving the turn back: ours is seen
            while announced := _announce_recorded():
                total += announced
        if not QueuedPayment.objects.filter(payment__isnull=False).exists():
            break
    return total


def _announce_recorded() -> int:
    """One transaction of `recorded_groups_announce`: the oldest recorded rows not being announced."""
    with transaction.atomic():
        rows = list(
            QueuedPayment.objects.select_for_update(skip_locked=True, of=("self",)).select_related("payment__customer")
            .filter(payment__isnull=False).order_by("id")[:ANNOUNCE_LIMIT]
        )
        if rows:
            payments_announce([row.payment for row in rows])
            QueuedPayment.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def queued_payments_record(*, recorders: Recorders, queued_before: datetime | None = None) -> tuple[list[str], int]:
    """Record the queued payments (the oldest of each customer, at most GROUP_LIMIT) in one transaction;
    the caller holds the recording turn, and announces the payments recorded together (their keys,
    returned with how many were recorded in all) once it has committed."""
    rows = QueuedPayment.objects.filter(payment__isnull=True, refusal="").select_related("customer").order_by("id")
    if queued_before is not None:
        rows = rows.filter(queued_at__lt=queued_before)
    rows = list(rows[:GROUP_LIMIT])
    if not rows:
        return [], 0
    group, customers = [], set()
    for row in rows:
        if row.customer_id not in customers:  # one payment per customer a group
            group.append(row)
            customers.add(row.customer_id)
    # A key recorded meanwhile another way (a caller's transaction records directly) makes the group
    # fall back to one by one, which answers with that payment.
    grouped, alone = _record_group(group, recorders)
    QueuedPayment.objects.filter(idempotency_key__in=alone).delete()  # announced already
    for row in group:
        row.payment = grouped.get(row.idempotency_key)
    QueuedPayment.objects.bulk_update([row for row in group if row.payment is not None], ["payment"])
    return list(grouped), len(grouped) + len(alone)


def _draft(row: QueuedPayment) -> PaymentDraft:
    return PaymentDraft(
        customer=row.customer, amount=row.amount, method=row.method, reference=row.reference,
        received_at=row.received_at, idempotency_key=row.idempotency_key, note=row.note,
    )


def _record_group(group: list[QueuedPayment], recorders: Recorders) -> tuple[dict[str, Payment], set[str]]:
    """The whole group at once, its messages and webhooks left to `_announce` (key → payment); or,
    if one of them is refused, one by one (the keys recorded, each announced as it is)."""
    try:
        with transaction.atomic():
            payments = recorders.many(drafts=[_draft(row) for row in group], confirm_large=True, announce=False)
    except (ValidationError, IntegrityError):
        return {}, _record_one_by_one(group, recorders)
    return {payment.idempotency_key: payment for payment in payments}, set()


def _record_one_by_one(group: list[QueuedPayment], recorders: Recorders) -> set[str]:
    """Each payment in its own savepoint; a refusal is kept on its row for its own request to answer."""
    recorded = set()
    for row in group:
        try:
            with transaction.atomic():
                recorders.one(
                    actor=None, customer=row.customer, amount=row.amount, method=row.method, reference=row.reference,
                    received_at=row.received_at, idempotency_key=row.idempotency_key, note=row.note, confirm_large=True,
                )
            recorded.add(row.idempotency_key)
        except ValidationError as error:
            row.refusal = "; ".join(error.messages) or str(_("The payment could not be recorded."))
            row.save(update_fields=["refusal"])
        except Exception:
            # A payment that breaks the recording must not hold up everyone queued behind it.
            logger.exception("queued payment %s could not be recorded", row.idempotency_key)
            row.refusal = str(_("The payment could not be recorded."))
            row.save(update_fields=["refusal"])
    return recorded


def queued_payments_sweep(*, recorders: Recorders, older_than: timedelta = timedelta(seconds=30)) -> int:
    """The scheduled sweep (`payments-record-queued`): record payments queued more than `older_than`
    ago and still waiting (their process died before its turn), queue the messages and webhooks of
    payments whose recorder died before it did, and forget refusals a day old. Returns how many
    payments were recorded."""
    total = 0
    while True:
        done = None
        with recording_turn() as took_turn:
            if took_turn:
                with transaction.atomic():
                    done = queued_payments_record(recorders=recorders, queued_before=timezone.now() - older_than)
        if done is None:
            recording_turn_wait()
            continue
        grouped, count = done
        if grouped:
            _announce(grouped)
        if not count:
            break
        total += count
    _announce([], queued_before=timezone.now() - older_than)
    QueuedPayment.objects.exclude(refusal="").filter(queued_at__lt=timezone.now() - timedelta(days=1)).delete()
    return total
