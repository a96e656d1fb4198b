"""A pending connection activated (customers: the status and history), put on its router, and — when
Settings → Billing says so — its first invoice issued at once (billing/first_invoice.py)."""

from __future__ import annotations

from django.db import transaction

from billing.first_invoice import FirstInvoiceQuote, first_invoice_issue, first_invoice_quote
from billing.selectors import billing_settings_cached
from billing.transition_effects import transition_effects_apply
from customers import services as customer_services
from customers.models import Subscription


def subscription_activate(*, actor, subscription: Subscription, reason: str, notify_first_invoice: bool = True) -> Subscription:
    """Staff's Activate (and the technician's, the reseller's). `notify_first_invoice=False` leaves the
    first invoice's "invoice issued" notice to the caller, who queues it with others (the demo's history)."""
    # Settings → Billing read once for the activation, its first invoice and that invoice's notice.
    with billing_settings_cached(), transaction.atomic():
        activated = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason=reason)
        transition_effects_apply(actor=actor, subscriptions=[activated])
        first_invoice_issue(actor=actor, subscription=activated, notify=notify_first_invoice)
    return activated


def subscription_activate_quote(*, subscription: Subscription) -> FirstInvoiceQuote | None:
    """What activating the pending `subscription` now invoices at once (the Activate dialog shows it
    before anything is confirmed); None when it invoices nothing."""
    return first_invoice_quote(subscription=subscription)
