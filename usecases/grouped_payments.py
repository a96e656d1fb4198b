"""Payments a gateway confirmed, recorded in groups (bKash Pay Bill's notifications at a hundred a
second): the queue, the recording turn and the set-based recording are payments' own
(payments/grouped.py, its docstring tells how); this use case gives them the recorders that also
accrue the reseller's commission (usecases/payment_record.py), and only orchestrates."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from customers.models import Customer
from payments import grouped
from payments.models import Payment

from .payment_record import payment_record, payments_record_many

RECORDERS = grouped.Recorders(one=payment_record, many=payments_record_many)


def payment_record_grouped(
    *, customer: Customer, amount: Decimal, method: str, reference: str, received_at: datetime | None,
    idempotency_key: str, note: str = "",
) -> Payment:
    """Record a payment the gateway confirmed with the others arriving at the same time; returns it
    once committed. Raises ValidationError if it is refused, having recorded nothing."""
    return grouped.payment_queue_and_record(
        recorders=RECORDERS, customer=customer, amount=amount, method=method, reference=reference,
        received_at=received_at, idempotency_key=idempotency_key, note=note,
    )


def queued_payments_record_left(*, older_than: timedelta = timedelta(seconds=30)) -> int:
    """The scheduled sweep (`payments-record-queued`): what a dead process left queued, recorded."""
    return grouped.queued_payments_sweep(recorders=RECORDERS, older_than=older_than)
