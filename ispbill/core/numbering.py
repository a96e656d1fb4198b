"""Gap-free document numbers (`CT-2026-00042`, later `INV-…`, `RCPT-…`).

A number is taken by incrementing a locked counter row inside the caller's
transaction: if the caller rolls back, the counter rolls back with it, so no
number is ever skipped or given twice.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import NumberSequence

WIDTH = 5


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:0{WIDTH}d}"


def allocate_block(*, prefix: str, count: int, year: int | None = None) -> list[str]:
    """Take `count` consecutive numbers of the series `prefix`/`year`; must run in the caller's transaction."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers must be allocated inside the transaction that uses them")
    year = year or timezone.localdate().year
    key = f"{prefix}:{year}"
    NumberSequence.objects.get_or_create(key=key)
    sequence = NumberSequence.objects.select_for_update().get(key=key)
    first = sequence.last_value + 1
    NumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return [format_number(prefix, year, value) for value in range(first, first + count)]


def allocate_number(*, prefix: str, year: int | None = None) -> str:
    return allocate_block(prefix=prefix, count=1, year=year)[0]
