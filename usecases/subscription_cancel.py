"""A connection cancelled. In one transaction, in this order: the status and the router change
(customers); billing withdraws open package changes and credits the unused invoiced days when the
ISP's policy says so; installation orders are cancelled and, with our equipment at the customer, a
collection order is opened (fieldservice); the contract in force is terminated with its
early-termination fee and unsigned ones voided (contracts); a retention offer on it ends (churn)."""

from __future__ import annotations

from django.db import transaction

from billing.package_changes import subscription_cancelled as billing_cancelled
from churn.offers import offers_end_on_cancellation
from contracts.services import subscription_cancelled as contracts_cancelled
from customers import services as customer_services
from customers.models import Subscription
from fieldservice.services import on_subscription_cancelled as equipment_collection_for

from .connection_effects import router_and_message


@transaction.atomic
def subscription_cancel(*, actor, subscription: Subscription, reason: str) -> Subscription:
    cancelled = customer_services.subscription_cancel(actor=actor, subscription=subscription, reason=reason)
    router_and_message(actor=actor, subscription=cancelled)
    billing_cancelled(actor=actor, subscription=cancelled)
    equipment_collection_for(actor=actor, subscription=cancelled, reason=reason)
    contracts_cancelled(actor=actor, subscription=cancelled, reason=reason)
    offers_end_on_cancellation(actor=actor, subscription=cancelled, reason=reason)
    return cancelled
