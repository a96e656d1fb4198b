"""The dawn job (and the billing run's catch-up): every scheduled package change whose day has come
is applied, each in its own transaction with what follows it; one refused stays scheduled for the
next day. Returns how many were applied."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing import package_changes
from billing.models import PackageChange

from .package_change_effects import package_change_effects


def package_changes_apply_due(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    applied = 0
    for change in package_changes.package_changes_due(today=today):
        try:
            with transaction.atomic():
                if not PackageChange.objects.select_for_update().filter(pk=change.pk, status=PackageChange.Status.SCHEDULED).exists():
                    continue  # applied or cancelled since it was read: nothing follows twice
                change = package_changes.package_change_apply(actor=None, change=change, today=today)
                package_change_effects(actor=None, change=change)
        except ValidationError:
            continue
        applied += change.status == PackageChange.Status.APPLIED
    return applied
