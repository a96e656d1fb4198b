"""The dunning path end to end, through the real billing run and payment service: invoiced by the run,
left unpaid past paid-through + grace, suspended for non-payment by the run (with its router change in
the outbox), then reactivated by a payment that covers what is due, which extends paid-through."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import BillingSettings, Invoice, InvoiceLine
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import amount_open, current_billing_settings
from customers.models import Subscription
from ispbill.core.models import AuditLog
from network.models import ProvisioningTask
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.factories import PackageFactory, UserFactory, make_subscription

D = Decimal


@pytest.fixture(autouse=True)
def dunning_path_billing_settings(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode=BillingSettings.Mode.CALENDAR, default_anchor_day=1, issue_days_before=7, due_days=7, grace_days=3,
        vat_rate=D("15"), prices_include_vat=False, late_fee=D("0"), reconnection_fee=D("0"),
    )


def run_billing(day):
    return billing_run_process_pending(billing_run_start(run_date=day))


def outbox(subscription, action):
    return ProvisioningTask.objects.filter(subscription=subscription, action=action)


def activation_day():
    """The 2nd of the month about forty days back: the runs below (up to the 13th) stay clear of the
    window in which the next period's invoice is issued (from the 7 days before the 1st), whatever
    today's date; the real clock, which the payment path reads, is past all of them."""
    return (timezone.localdate() - timedelta(days=40)).replace(day=2)


@pytest.fixture
def activated_40_days_ago():
    subscription = make_subscription(package=PackageFactory(price=D("1000.00")), activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(
        activated_at=timezone.make_aware(datetime.combine(activation_day(), time(11, 0)))
    )
    return Subscription.objects.get(pk=subscription.pk)


def test_unpaid_subscription_is_suspended_by_the_run_and_a_full_payment_reactivates_it(activated_40_days_ago):
    subscription = activated_40_days_ago
    activated = activation_day()
    cashier = UserFactory(roles=["Cashier"])

    # The night after activation the run issues the first invoice: activation day to the next anchor.
    first = run_billing(activated + timedelta(days=1))
    assert first.issued == 1
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert invoice.billing_run_id == first.pk and invoice.due_date == activated + timedelta(days=8)
    period_lines = invoice.lines.filter(subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS)
    assert period_lines.order_by("period_start").first().period_start == activated
    subscription.refresh_from_db()
    assert subscription.paid_through is None and subscription.status == Subscription.Status.ACTIVE

    # Due, but still inside the grace period: overdue, not suspended.
    inside_grace = run_billing(activated + timedelta(days=10))
    assert inside_grace.suspended == 0
    invoice.refresh_from_db()
    subscription.refresh_from_db()
    assert invoice.status == Invoice.Status.OVERDUE and subscription.status == Subscription.Status.ACTIVE
    assert not outbox(subscription, ProvisioningTask.Action.SUSPEND).exists()

    # Past due + grace: the run suspends it for non-payment, through the lifecycle service.
    past_grace = run_billing(activated + timedelta(days=11))
    assert past_grace.suspended == 1
    subscription.refresh_from_db()
    assert (subscription.status, subscription.suspension_type, subscription.skip_billing) == (
        Subscription.Status.SUSPENDED, Subscription.SuspensionType.NON_PAYMENT, False,
    )
    entry = AuditLog.objects.get(action="subscription.suspend", object_id=str(subscription.pk))
    assert entry.actor is None and entry.reason.startswith(f"Non-payment: {invoice.number} was due")
    suspend_task = outbox(subscription, ProvisioningTask.Action.SUSPEND).get()
    assert suspend_task.status == ProvisioningTask.Status.PENDING and suspend_task.router_id == subscription.router_id
    # A second run the same day changes nothing.
    assert run_billing(activated + timedelta(days=11)).suspended == 0

    # A payment short of what is due is applied but brings nothing back.
    due = amount_open(customer_id=subscription.customer_id)
    assert due == invoice.total > 0
    payment_ledger_record(actor=cashier, customer=subscription.customer, amount=D("100.00"), method=Payment.Method.CASH)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED and subscription.paid_through is None
    assert not outbox(subscription, ProvisioningTask.Action.REACTIVATE).exists()

    # The rest of what is due reactivates it and moves paid-through to the end of the paid periods.
    payment = payment_ledger_record(
        actor=cashier, customer=subscription.customer, amount=due - D("100.00"), method=Payment.Method.BKASH,
        reference="9F7A2K3LQP",
    )
    subscription.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.amount_paid == invoice.total
    assert subscription.status == Subscription.Status.ACTIVE and subscription.suspension_type == ""
    assert subscription.paid_through == max(period_lines.values_list("period_end", flat=True))
    assert subscription.paid_through == subscription.billed_through
    reactivated = AuditLog.objects.get(action="subscription.reactivate", object_id=str(subscription.pk))
    assert reactivated.reason == f"Payment received: {payment.receipt_number}"
    assert outbox(subscription, ProvisioningTask.Action.REACTIVATE).filter(id__gt=suspend_task.id).count() == 1

    # Paid up: the next run does not suspend it again.
    assert run_billing(timezone.localdate()).suspended == 0
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    call_command("check_ledger", stdout=open("/dev/null", "w"))
