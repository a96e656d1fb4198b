"""Demo data's messages: what the seeded history told its customers, recorded as delivered then.

A seed command writes months of history through the real services, and those queue the messages a
real event would (ticket replies, resolutions, receipts). Handing them to the worker would send
hundreds of old notices, and fill its log, the first time the demo starts. Inside
`seeded_messages_delivered()` nothing is handed to the worker: each message queued there is
recorded as sent by the demo at the moment its event happened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from django.db import transaction

from ispbill.notify.models import Message

SEEDED_BACKEND = "demo-seed"


@contextmanager
def seeded_messages_delivered(when: Callable[[Message], datetime | None] | None = None) -> Iterator[list[int]]:
    """`when(message)` is the time the message's event happened (default: when it was queued).

    Each batch is recorded as delivered as soon as its transaction commits (a worker already running
    beside a seed, as in `make run`, must not find them waiting), and once more at the end."""
    queued: list[int] = []

    def record(message_ids) -> None:
        ids = list(message_ids)
        queued.extend(ids)
        transaction.on_commit(lambda: _record_delivered(ids, when))

    with mock.patch("ispbill.notify.services.dispatch_after_commit", record):
        yield queued
    _record_delivered(queued, when)


def _record_delivered(message_ids: list[int], when) -> None:
    with transaction.atomic():
        for message in Message.objects.filter(pk__in=message_ids, status=Message.Status.QUEUED).select_related("content_type"):
            at = (when(message) if when else None) or message.created_at
            Message.objects.filter(pk=message.pk).update(
                status=Message.Status.SENT, backend=SEEDED_BACKEND, attempts=1, created_at=at, updated_at=at, sent_at=at,
                next_attempt_at=None,
            )
