"""An address or a delegated IPv6 prefix handed to a connection from a pool (network's address
management), the connection's fixed IPv4 address saved with it (customers), and the router change
queued through the outbox like any other edit of the connection (network). One transaction: an
exhausted pool or an address held by someone else changes nothing."""

from __future__ import annotations

from django.db import transaction

from customers import services as customer_services
from customers.models import Subscription
from network import ipam
from network import services as network_services
from network.models import AddressPool


@transaction.atomic
def subscription_address_assign(*, actor, subscription: Subscription, pool: AddressPool, address: str | None = None) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    previous = network_services.provisioning_snapshot(subscription)
    allocated = ipam.address_allocate(actor=actor, subscription=subscription, pool=pool, address=address)
    if allocated.assignment.family == AddressPool.Family.IPV4 and subscription.static_ip != allocated.assignment.address:
        subscription = customer_services.subscription_fields_update(
            actor=actor, subscription=subscription, static_ip=allocated.assignment.address
        )
    network_services.provisioning_enqueue_change(subscription=subscription, previous=previous, actor=actor)
    return subscription


@transaction.atomic
def subscription_prefix_release(*, actor, subscription: Subscription) -> Subscription:
    """The connection's IPv6 prefix taken back (the router forgets it through the outbox)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    previous = network_services.provisioning_snapshot(subscription)
    ipam.addresses_release(subscription_ids=[subscription.pk], family=AddressPool.Family.IPV6)
    network_services.provisioning_enqueue_change(subscription=subscription, previous=previous, actor=actor)
    return subscription
