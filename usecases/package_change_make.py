"""Staff change a connection's package from the console: billing quotes, prorates, switches it and
queues the router change; then the contract and any free upgrade follow (package_change_effects)."""

from __future__ import annotations

from django.db import transaction

from billing import package_changes
from billing.models import PackageChange

from .package_change_effects import package_change_effects


@transaction.atomic
def package_change_make(*, actor, subscription, to_package, note: str = "", seen_package_id: int | None = None) -> PackageChange:
    change = package_changes.package_change_billing_make(
        actor=actor, subscription=subscription, to_package=to_package, note=note, seen_package_id=seen_package_id
    )
    return package_change_effects(actor=actor, change=change)
