"""Auto-pay's own rows (docs/payments.md, "Auto-pay"): the customer's choice, the attempt per invoice
and its claim, the job log. Every write of them is here; usecases/autopay.py decides what happens
when (it spans billing, notify and the crediting of the money) and calls these.

A claim is a conditional UPDATE (compare-and-set, the same on PostgreSQL and SQLite): of two workers
exactly one claims a row."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ispbill.core.audit import audit_record
from ispbill.core.bulk import rows_update

from .models import AutoPay, AutoPayAttempt, AutoPayRun

Status = AutoPayAttempt.Status
CLAIMABLE = (Status.SCHEDULED, Status.RETRY)


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} locks rows: call it inside transaction.atomic")


def autopay_choice_save(*, customer, enabled: bool, actor=None) -> AutoPay:
    """The customer's auto-pay switch, under its row lock, audited (the caller checks the wallet)."""
    _require_atomic("autopay_choice_save")
    row, _created = AutoPay.objects.select_for_update().get_or_create(customer=customer)
    before = row.enabled
    row.enabled = enabled
    row.save(update_fields=["enabled", "updated_at"])
    audit_record(actor=actor, action="autopay.set", obj=row, before={"enabled": before}, after={"enabled": enabled})
    return row


def attempts_mark_notified(attempt_ids: list[int]) -> None:
    AutoPayAttempt.objects.filter(pk__in=attempt_ids).update(notified_before=True)


def _stale(stale_before: datetime) -> Q:
    return Q(claimed_at__lt=stale_before) | Q(claimed_at__isnull=True)


def attempt_claim(*, attempt_id: int, today: date, worker: str, now: datetime, stale_before: datetime) -> str:
    """"charge" when this worker claimed a fresh charge (scheduled or retry, its day come → charging),
    "query" when it took over a charging row whose claim is stale, "skip" otherwise."""
    fresh = AutoPayAttempt.objects.filter(pk=attempt_id, status__in=CLAIMABLE, next_try_on__lte=today)
    if fresh.update(status=Status.CHARGING, claimed_by=worker, claimed_at=now, updated_at=now):
        return "charge"
    if AutoPayAttempt.objects.filter(pk=attempt_id, status=Status.CHARGING).filter(_stale(stale_before)).update(
            claimed_by=worker, claimed_at=now, updated_at=now):
        return "query"
    return "skip"


def attempts_claim(*, ids: list[int], today: date, worker: str, now: datetime, stale_before: datetime) -> tuple[list[int], list[int]]:
    """`attempt_claim` for many in the caller's transaction: rows locked by another worker skipped
    (SKIP LOCKED), each claim conditional. Returns (fresh ids, taken-over ids)."""
    _require_atomic("attempts_claim")
    fresh_ids = list(AutoPayAttempt.objects.select_for_update(skip_locked=True).filter(
        pk__in=ids, status__in=CLAIMABLE, next_try_on__lte=today).values_list("pk", flat=True))
    AutoPayAttempt.objects.filter(pk__in=fresh_ids, status__in=CLAIMABLE).update(
        status=Status.CHARGING, claimed_by=worker, claimed_at=now, updated_at=now)
    stale_ids = list(AutoPayAttempt.objects.select_for_update(skip_locked=True).filter(pk__in=ids, status=Status.CHARGING).filter(
        _stale(stale_before)).exclude(pk__in=fresh_ids).values_list("pk", flat=True))
    AutoPayAttempt.objects.filter(pk__in=stale_ids, status=Status.CHARGING).filter(_stale(stale_before)).update(
        claimed_by=worker, claimed_at=now, updated_at=now)
    return fresh_ids, stale_ids


def attempt_set(attempt: AutoPayAttempt, **fields) -> None:
    """Write `fields` of one attempt (and on the object)."""
    AutoPayAttempt.objects.filter(pk=attempt.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(attempt, name, value)


def attempts_save(attempts: list[AutoPayAttempt], fields: list[str]) -> None:
    """The given fields of many attempts, as set on the objects, in one statement."""
    rows_update(AutoPayAttempt, attempts, fields)


def autopay_run_open(*, day: date, worker: str) -> AutoPayRun:
    return AutoPayRun.objects.create(day=day, worker=worker)


def autopay_run_close(*, run: AutoPayRun, counts: dict) -> None:
    AutoPayRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), counts=counts)
