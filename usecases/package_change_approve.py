"""A requested package change approved: applied now (then the contract and any free upgrade follow)
or scheduled for the next period's first day (package_changes_apply_due applies it then)."""

from __future__ import annotations

from django.db import transaction

from billing import package_changes
from billing.models import PackageChange

from .package_change_effects import package_change_effects


@transaction.atomic
def package_change_approve(*, actor, change: PackageChange, note: str = "") -> PackageChange:
    change = package_changes.package_change_billing_approve(actor=actor, change=change, note=note)
    return package_change_effects(actor=actor, change=change)
