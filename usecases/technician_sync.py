"""The technician phone's queued actions applied (fieldservice), each once; completing a visit is the
use case (usecases/workorder_complete.py: the customer is asked to rate it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from fieldservice import sync as fieldservice_sync
from fieldservice.models import SyncOperation

from .workorder_complete import workorder_complete

OPERATIONS = {
    **fieldservice_sync.OPERATIONS,
    "complete": lambda actor, order, arguments: workorder_complete(actor=actor, order=order, **arguments),
}


def operations_apply(*, technician, ops) -> list[SyncOperation | ValidationError]:
    """See fieldservice.sync.offline_operations_apply (inside the caller's transaction)."""
    return fieldservice_sync.offline_operations_apply(technician=technician, ops=ops, operations=OPERATIONS)
