"""A new connection: the subscription (customers), billing's check of its anchor day and its
installation fee (billed once, on the subscription's first invoice), its fixed address in network's
address management, the installation order
(fieldservice) and the contract its rules draft (contracts)."""

from __future__ import annotations

from django.db import transaction

from billing.charges import one_time_charge_add
from billing.services import subscription_anchor_check
from contracts.services import subscription_created as contract_for_new_subscription
from customers import services as customer_services
from customers.models import Subscription
from fieldservice.services import on_subscription_created as installation_order_for
from network.ipam import address_record


@transaction.atomic
def subscription_create(*, actor, customer, package, router, billing_anchor_day: int | None = None, **connection) -> Subscription:
    subscription_anchor_check(anchor_day=billing_anchor_day)
    subscription = customer_services.subscription_pending_create(
        actor=actor, customer=customer, package=package, router=router, billing_anchor_day=billing_anchor_day, **connection
    )
    if subscription.static_ip:
        address_record(actor=actor, subscription=subscription)  # the pool's used list shows it
    if package.installation_fee > 0:
        one_time_charge_add(
            actor=actor, customer=customer, subscription=subscription, kind="installation", amount=package.installation_fee,
            description=f"Installation: {package.name} ({subscription.username or subscription.static_ip or ''})".replace(" ()", ""),
        )
    installation_order_for(actor=actor, subscription=subscription)
    contract_for_new_subscription(actor=actor, subscription=subscription)
    return subscription
