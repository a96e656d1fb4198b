"""Writing and reading the append-only audit log."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .bulk import rows_insert
from .models import AuditLog
from .request_context import client_ip, via


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """JSON-safe copy of the named fields; foreign keys are stored as their ids."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = field.attname if field.is_relation else name
        data[name] = _plain(getattr(obj, attname))
    return data


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        reason=reason,
        before=before,
        after=after,
        ip_address=client_ip.get(),
        via=via.get(),
    )


def audit_record_many(*, actor, action: str, entries: Iterable[tuple[models.Model, dict | None, dict | None]], reason: str = "") -> int:
    """The entries `audit_record` would write for many objects of one change (object, before, after),
    written with COPY (no ids read back): a bulk import audits every row it makes."""
    actor = actor if getattr(actor, "pk", None) else None
    ip_address = client_ip.get()
    came_via = via.get()
    rows = [
        AuditLog(
            actor=actor, action=action, content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk), object_repr=str(obj)[:200], reason=reason, before=before, after=after, ip_address=ip_address, via=came_via,
        )
        for obj, before, after in entries
    ]
    return rows_insert(AuditLog, rows)


def audit_changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def audit_for_objects(objects: Iterable[models.Model]):
    """Audit entries for a set of objects of possibly different models, newest first."""
    query = models.Q(pk__in=[])
    for obj in objects:
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        query |= models.Q(content_type=ct, object_id=str(obj.pk))
    return AuditLog.objects.filter(query).select_related("actor", "content_type")
