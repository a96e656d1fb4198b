"""A new connection's first invoice, issued when it is activated (Settings → Billing, "Issue the first
invoice at activation"; docs/billing.md, "The first invoice").

Bangladeshi ISPs bill at connection: the technician or the counter takes the first payment when the
line goes live. With the setting on, every activation of a pending connection (staff's Activate,
the technician completing the installation, a commission reseller's new customer) calls
`first_invoice_issue` in its own transaction. It invoices what the billing run would have invoiced
first — the period containing the activation day, from that day to its end, prorated by actual days
(a full period in anniversary mode, whose anchor is the activation day), with VAT per line — plus the
customer's one-time charges waiting for their next invoice (the installation fee, rent already
charged), through `billing.services.invoice_create` and so the ledger's `invoices_write`. It moves the
subscription's `billed_through` to that period's end and fixes its anchor, as the run does, so the run
goes on from the next day: the next period is issued by the first run whose issue window reaches it
(the same night when it already does), and no day is billed twice or left out. Money the customer had
on account (paid before the activation) is applied to the invoice at once.

Nothing is issued when the setting is off (the night's run issues the first invoice, as before), for
a prepaid reseller's customer (billed by the reseller's renewals alone), or for a subscription already
invoiced: issuing is idempotent, under the customer's account lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from customers.models import Subscription
from ispbill.core.periods import Period

from .charges import pending_charges_for, pending_charges_invoiced_on
from .ledger import account_lock
from .ledger.sql import subscriptions_advance
from .models import Invoice, InvoiceLine
from .run_plan import DueSubscription, first_period_lines, read_due
from .selectors import current_billing_settings
from .services import LineSpec, invoice_create
from .vat import Line, totals, vat_line


@dataclass(frozen=True)
class FirstInvoiceQuote:
    """What activating a pending connection today would invoice at once (the Activate dialog shows it)."""

    first_day: date
    last_day: date
    service: Line  # the period line(s): the package from the activation day to the period's end
    charges: Line  # the one-time charges waiting for the next invoice (installation fee, rent)
    total: Line


def first_invoice_quote(*, subscription: Subscription) -> FirstInvoiceQuote | None:
    """The first invoice `first_invoice_issue` would write if `subscription`, still pending, were
    activated now: read only, the same arithmetic (the run's own). None when activating it would issue
    nothing (the setting off, a prepaid reseller's customer, not pending)."""
    cfg = current_billing_settings()
    if not cfg.invoice_at_activation or subscription.status != Subscription.Status.PENDING or subscription.billed_through:
        return None
    customer = subscription.customer
    if customer.reseller_id and customer.reseller.is_prepaid:
        return None
    package = subscription.package
    due = DueSubscription(
        subscription.pk, customer.pk, package.name, package.price, package.billing_cycle, subscription.login_label,
        timezone.now(), subscription.billing_anchor_day, subscription.billing_anchor_month, None,
    )
    lines, _advance = first_period_lines(due, cfg=cfg)
    if not lines:
        return None
    charges = [
        vat_line(charge.amount, rate=cfg.vat_rate, prices_include_vat=cfg.prices_include_vat)
        for charge in pending_charges_for(customer_ids=[customer.pk]).get(customer.pk, [])
    ]
    service = totals(line.money for line in lines)
    extra = totals(charges)
    return FirstInvoiceQuote(lines[0].period_start, lines[-1].period_end, service, extra, totals([service, extra]))


def first_invoice_issue(*, actor, subscription: Subscription, notify: bool = True) -> Invoice | None:
    """Issue `subscription`'s first invoice now if Settings → Billing says so (see the module's
    docstring); None when there is nothing to issue. Runs in the activation's transaction. With
    `notify=False` the caller queues the "invoice issued" notice itself (the demo's history queues a
    morning's notices together: demo/management/commands/_demo_history.py)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("first_invoice_issue runs in the activation's transaction")
    cfg = current_billing_settings()
    if not cfg.invoice_at_activation:
        return None
    customer_id = subscription.customer_id
    # The run, payments and one-time charges take this lock too: read what is due and pending under it.
    account_lock(customer_id=customer_id)
    today = timezone.localdate()
    due = [sub for sub in read_due(today, cfg, customer_id, customer_id) if sub.id == subscription.pk]
    if not due:
        return None  # not billable (not active, a prepaid reseller's customer) or invoiced past today's window
    lines, advance = first_period_lines(due[0], cfg=cfg)
    if not lines or InvoiceLine.objects.filter(subscription_id=subscription.pk, kind__in=InvoiceLine.PERIOD_KINDS).exists():
        return None
    price_side = (lambda money: money.gross) if cfg.prices_include_vat else (lambda money: money.net)
    specs = [
        LineSpec(line.kind, line.description, price_side(line.money), line.subscription_id, Period(line.period_start, line.period_end))
        for line in lines
    ]
    charges = pending_charges_for(customer_ids=[customer_id]).get(customer_id, [])
    specs += [
        LineSpec(InvoiceLine.Kind.ONE_TIME, charge.description[:255], charge.amount, charge.subscription_id)
        for charge in charges
    ]
    subscriptions_advance({subscription.pk: advance})  # the anchor it is billed on from now on, as the run fixes it
    invoice = invoice_create(actor=actor, customer=subscription.customer, lines=specs, issue_date=today, notify=notify)
    pending_charges_invoiced_on(invoice=invoice, charges=charges)
    return invoice

