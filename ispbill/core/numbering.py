"""Gap-free document numbers (`CT-2026-00042`, `INV-…`, `RCPT-…`).

A number is taken by incrementing a locked counter row inside the caller's
transaction: if the caller rolls back, the counter rolls back with it, so no
number is ever skipped or given twice.

Two kinds of series:
- yearly (`allocate_number`): INV-YYYY-NNNNN, RCPT-…, tickets: the counter starts again at 1 every
  year (key `INV:2026`);
- continuous (`allocate_continuous`): customer account numbers CT-YYYY-NNNNN, where YYYY is the year
  the customer joined and NNNNN one counter that never resets (key `CT:continuous`). On first use the
  continuous counter starts after the highest yearly counter of the prefix, so numbers given before
  it existed are never given again.

NNNNN is five digits wide; past 99,999 in one series the number simply grows a digit
(INV-2026-100000): still unique, still gap-free, nothing wraps around or is refused.

One of core's raw-SQL modules (tests/core/test_raw_sql_places.py): `_advance` on PostgreSQL, tested on
both databases by tests/core/test_numbering.py.
"""

import re

from django.db import connection, transaction
from django.db.models import F, Max
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
    # One statement takes the row lock and the numbers (UPDATE … RETURNING); the counter row is made
    # on the series' first use.
    last = _advance(key, count)
    if last is None:
        NumberSequence.objects.get_or_create(key=key)
        last = _advance(key, count)
    first = last - count + 1
    return [format_number(prefix, year, value) for value in range(first, first + count)]


def _advance(key: str, count: int) -> int | None:
    """Add `count` to the counter `key` under its row lock; the new last value, or None if no such row.

    PostgreSQL: one UPDATE … RETURNING takes the row lock and the numbers. Why not the ORM there: its
    update() returns a row count, not the new value, so it takes a SELECT … FOR UPDATE and an UPDATE,
    two round trips on every invoice, receipt and ticket. Elsewhere (SQLite, one writer at a time) the
    ORM's two statements."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {NumberSequence._meta.db_table} SET "last_value" = "last_value" + %s WHERE "key" = %s RETURNING "last_value"',
                [count, key],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    sequence = NumberSequence.objects.select_for_update().filter(key=key).first()
    if sequence is None:
        return None
    NumberSequence.objects.filter(pk=sequence.pk).update(last_value=F("last_value") + count)
    return sequence.last_value + count


def allocate_number(*, prefix: str, year: int | None = None) -> str:
    return allocate_block(prefix=prefix, count=1, year=year)[0]


def allocate_continuous(*, prefix: str, year: int) -> str:
    """The next number of a series that never resets, shown with `year` (the customer's joining year)."""
    return allocate_continuous_block(prefix=prefix, years=[year])[0]


def allocate_continuous_block(*, prefix: str, years: list[int]) -> list[str]:
    """`len(years)` consecutive numbers of a series that never resets, each shown with its own year
    (an import numbering many customers at once); one counter update however many."""
    if not years:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers must be allocated inside the transaction that uses them")
    key = f"{prefix}:continuous"
    # As `allocate_block`: one statement once the counter exists (every new customer), where an existence
    # check, a locking read and an update took three.
    last = _advance(key, len(years))
    if last is None:
        yearly = NumberSequence.objects.filter(key__regex=rf"^{re.escape(prefix)}:[0-9]{{4}}$").aggregate(m=Max("last_value"))["m"]
        NumberSequence.objects.get_or_create(key=key, defaults={"last_value": yearly or 0})
        last = _advance(key, len(years))
    first = last - len(years) + 1
    return [format_number(prefix, year, first + i) for i, year in enumerate(years)]
