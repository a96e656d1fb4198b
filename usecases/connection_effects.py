"""What follows every lifecycle transition of a connection, outside customers: the router change
(network's outbox: provision, suspend, reactivate, deprovision) and, for a suspension the customer
hears about and its end, the message with what they owe (billing's figure). The transition use cases
call it after customers' service; customers knows neither network nor billing."""

from __future__ import annotations

from billing.selectors import amount_open
from customers.models import Subscription
from ispbill.notify.services import notify_subscription_change
from network import services as network_services


def router_and_message(*, actor, subscription: Subscription) -> None:
    """`subscription` as customers' transition returned it (with `previous_lifecycle`)."""
    before = subscription.previous_lifecycle
    network_services.provisioning_enqueue_transition(subscription=subscription, previous_status=before["status"], actor=actor)
    if Subscription.Status.SUSPENDED in (before["status"], subscription.status):
        notify_subscription_change(subscription=subscription, previous=before, amount_due=amount_open(customer_id=subscription.customer_id))
