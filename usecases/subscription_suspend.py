"""A connection suspended (customers: the status, the router change, the message); when it is a
pause (skip_billing), billing credits what was invoiced for the days after today, and so does the rent
of rented equipment (fieldservice) unless Settings → Billing keeps it going during a pause."""

from __future__ import annotations

from django.db import transaction

from billing.transition_effects import transition_effects_apply
from billing.unused_days import subscription_paused
from customers import services as customer_services
from customers.models import Subscription
from fieldservice.rentals import rentals_paused


@transaction.atomic
def subscription_suspend(*, actor, subscription: Subscription, reason: str, suspension_type: str, skip_billing: bool = False) -> Subscription:
    suspended = customer_services.subscription_status_suspend(
        actor=actor, subscription=subscription, reason=reason, suspension_type=suspension_type, skip_billing=skip_billing
    )
    transition_effects_apply(actor=actor, subscriptions=[suspended])
    if skip_billing:
        subscription_paused(actor=actor, subscription=suspended)
        rentals_paused(actor=actor, subscription=suspended)
    return suspended
