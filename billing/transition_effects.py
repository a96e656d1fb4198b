"""The one path for what follows a subscription's lifecycle transition outside customers: the router
change (network's outbox: provision, suspend, reactivate, deprovision) and, for a suspension the
customer hears about and its end, the message with what they owe (billing's figure).

customers' transition (`customers.services.subscription_status_*`, `subscription_release`,
`subscriptions_create_existing`) writes the status, the history and the webhook, and returns rows
carrying `previous_lifecycle`; whoever made the transition then calls `transition_effects_apply`
with those rows. It lives in billing because billing is the lowest layer that knows all three
(customers' rows, network's outbox, the amount due) and has transitions of its own to follow (the
run's suspensions for non-payment, a settled debt's reactivations); the use cases above call it too.
tests/usecases/test_transition_effects.py holds the list of its callers and checks that nobody else
queues a transition's router change or message."""

from __future__ import annotations

from collections.abc import Sequence

from customers.models import Subscription
from ispbill.notify.services import notify_subscription_change
from network.services import provisioning_enqueue_transitions

from .selectors import amount_open


def transition_effects_apply(*, actor, subscriptions: Sequence[Subscription]) -> int:
    """The router change and the message for each of `subscriptions`, as customers' transition returned
    them (each with `previous_lifecycle`), in the caller's transaction; set-based for many (an import's
    chunk, a reseller's batch). Returns how many outbox entries were written."""
    written = provisioning_enqueue_transitions(subscriptions=list(subscriptions), actor=actor)
    for subscription in subscriptions:
        before = subscription.previous_lifecycle
        # Only a suspension and its end are ever told (notify decides which kinds): the amount due is
        # read for those alone.
        if Subscription.Status.SUSPENDED in (before["status"], subscription.status):
            notify_subscription_change(
                subscription=subscription, previous=before, amount_due=amount_open(customer_id=subscription.customer_id)
            )
    return written
