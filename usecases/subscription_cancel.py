"""A connection cancelled. In one transaction, in this order: the status and the router change
(customers); billing withdraws open package changes and credits the unused invoiced days when the
ISP's policy says so; installation orders are cancelled and, with our equipment at the customer, a
collection order is opened (fieldservice); the contract in force is terminated with its
early-termination fee (or the fee waived, with a reason) and unsigned ones voided (contracts); a
retention offer on it ends (churn).

`subscription_cancel_quote` is what the cancel dialog shows first: the fee with its VAT, the
unused-days credit and what the two come to — the figures the cancellation then writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.package_changes import subscription_cancelled as billing_cancelled
from billing.transition_effects import transition_effects_apply
from billing.unused_days import cancellation_credit_quote
from churn.offers import offers_end_on_cancellation
from contracts.models import Contract
from contracts.services import FeeQuote, subscription_fee_quote
from contracts.services import subscription_cancelled as contracts_cancelled
from customers import services as customer_services
from customers.models import Subscription
from fieldservice.services import on_subscription_cancelled as equipment_collection_for
from ispbill.core.money import ZERO


@dataclass(frozen=True)
class CancelQuote:
    """Cancelling on `on`: the contract's fee (net, VAT, total; zero without one), the unused invoiced
    days credited back (VAT included), and `net` = fee total − credit (what the customer owes for the
    cancellation, negative when it leaves them in credit)."""

    on: date
    contract: Contract | None
    fee: FeeQuote
    credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.fee.gross - self.credit

    @property
    def in_favour(self) -> Decimal:
        return -self.net


def subscription_cancel_quote(*, subscription: Subscription, on: date | None = None) -> CancelQuote:
    on = on or timezone.localdate()
    contract, fee = subscription_fee_quote(subscription=subscription, on=on)
    credit = cancellation_credit_quote(subscription=subscription, last_day=on)
    return CancelQuote(on=on, contract=contract, fee=fee, credit=-credit.total if credit else ZERO)


@transaction.atomic
def subscription_cancel(*, actor, subscription: Subscription, reason: str, fee_waive_reason: str = "") -> Subscription:
    cancelled = customer_services.subscription_status_cancel(actor=actor, subscription=subscription, reason=reason)
    transition_effects_apply(actor=actor, subscriptions=[cancelled])
    billing_cancelled(actor=actor, subscription=cancelled)
    equipment_collection_for(actor=actor, subscription=cancelled, reason=reason)
    contracts_cancelled(actor=actor, subscription=cancelled, reason=reason, fee_waive_reason=fee_waive_reason)
    offers_end_on_cancellation(actor=actor, subscription=cancelled, reason=reason)
    return cancelled
