"""A pending connection activated (customers: the status and history) and put on its router."""

from __future__ import annotations

from django.db import transaction

from billing.transition_effects import transition_effects_apply
from customers import services as customer_services
from customers.models import Subscription


@transaction.atomic
def subscription_activate(*, actor, subscription: Subscription, reason: str) -> Subscription:
    activated = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason=reason)
    transition_effects_apply(actor=actor, subscriptions=[activated])
    return activated
