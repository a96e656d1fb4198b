"""A pending connection activated (customers: the status and history) and put on its router."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Subscription

from .connection_effects import router_and_message


@transaction.atomic
def subscription_activate(*, actor, subscription: Subscription, reason: str) -> Subscription:
    activated = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason=reason)
    router_and_message(actor=actor, subscription=activated)
    return activated
