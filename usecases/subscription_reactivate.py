"""A suspended connection reactivated (customers: the status, the router change, the message); after
a pause, billing resumes from today, prorated, never the periods that started during the pause, and the
rent of rented equipment with it (fieldservice)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from billing.transition_effects import transition_effects_apply
from billing.unused_days import subscription_resumed
from customers import services as customer_services
from customers.models import Subscription
from fieldservice.rentals import rentals_resumed


@transaction.atomic
def subscription_reactivate(*, actor, subscription: Subscription, reason: str) -> Subscription:
    paused = Subscription.objects.filter(pk=subscription.pk).values("status", "skip_billing", "suspended_at").get()
    reactivated = customer_services.subscription_status_reactivate(actor=actor, subscription=subscription, reason=reason)
    transition_effects_apply(actor=actor, subscriptions=[reactivated])
    if paused["status"] == Subscription.Status.SUSPENDED and paused["skip_billing"]:
        paused_on = timezone.localdate(paused["suspended_at"]) if paused["suspended_at"] else None
        subscription_resumed(actor=actor, subscription=reactivated, paused_on=paused_on)
        rentals_resumed(actor=actor, subscription=reactivated, paused_on=paused_on)
    return reactivated
