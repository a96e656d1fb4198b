"""What follows an applied package change in the apps above billing, in its transaction: the
contract is redrafted for the new package (contracts) and a free upgrade the change is not part of
ends (churn). Called by every use case that can apply a change; churn's own offer changes call
contracts directly (churn sits above contracts)."""

from __future__ import annotations

from billing.models import PackageChange
from churn.offers import offers_end_on_package_change
from contracts.services import subscription_package_changed as contract_redraft


def package_change_effects(*, actor, change: PackageChange) -> PackageChange:
    if change.status == PackageChange.Status.APPLIED:
        subscription = change.subscription
        contract_redraft(actor=actor, subscription=subscription, change=change)
        offers_end_on_package_change(actor=actor, subscription=subscription, change=change)
    return change
