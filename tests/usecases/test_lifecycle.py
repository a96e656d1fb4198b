"""The lifecycle use cases, each asserting what it does across the apps: customers' status, network's
outbox entry, the customer's message (notify) and, for a cancellation, billing's credit of the unused
days. Everything is set up through the services (tests/factories.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import LedgerEntry
from billing.proration import amount_for_days
from billing.selectors import account_balance, amount_open
from billing.services import LineSpec, invoice_create
from billing.vat import vat_line
from customers.models import Customer, Subscription
from fieldservice.models import ChecklistTemplate, WorkOrder
from ispbill.core.money import format_money
from ispbill.core.periods import periods_between
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from network.models import ProvisioningTask
from tests.billing.test_package_changes import pay_everything, subscribed
from tests.billing.test_run import configure, ledger_ok, run_billing
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_customer, make_subscription
from usecases.subscription_activate import subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

D = Decimal
NON_PAYMENT = Subscription.SuspensionType.NON_PAYMENT


def outbox(subscription) -> list[tuple[str, bool]]:
    """The subscription's outbox entries, oldest first: (action, whether the desired state is suspended)."""
    return [
        (task.action, task.desired.get("suspended"))
        for task in ProvisioningTask.objects.filter(subscription=subscription).order_by("id")
    ]


def messages(subscription) -> list[str]:
    """The lifecycle messages the customer was sent (one event per transition, whatever the channels)."""
    events = Message.objects.filter(customer_id=subscription.customer_id, event__in=(Event.SUSPENDED, Event.REACTIVATED))
    return list(dict.fromkeys(events.order_by("id").values_list("event", flat=True)))


@pytest.fixture
def active(admin):
    subscription = make_subscription(actor=admin, activate=True)
    ProvisioningTask.objects.all().delete()  # the activation's entry; each test looks at its own
    return subscription


def owing(subscription, amount="500.00"):
    invoice_create(
        actor=None, customer=subscription.customer, lines=[LineSpec(kind="one_time", description="Installation", amount=D(amount))],
        issue_date=timezone.localdate() - timedelta(days=30), due_date=timezone.localdate() - timedelta(days=20),
    )


def test_activation_puts_the_connection_on_its_router_and_tells_nobody(admin):
    subscription = make_subscription(actor=admin)
    assert outbox(subscription) == []

    activated = subscription_activate(actor=admin, subscription=subscription, reason="Installed")

    assert activated.status == Subscription.Status.ACTIVE
    assert Customer.objects.get(pk=subscription.customer_id).status == Customer.Status.ACTIVE
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert (task.action, task.router_id, task.desired["name"]) == (ProvisioningTask.Action.PROVISION, subscription.router_id, subscription.username)
    assert messages(subscription) == []


def test_suspension_for_non_payment_suspends_on_the_router_and_tells_the_customer_what_they_owe(admin, active):
    owing(active)

    suspended = subscription_suspend(actor=admin, subscription=active, reason="Unpaid", suspension_type=NON_PAYMENT)

    assert suspended.status == Subscription.Status.SUSPENDED
    assert Customer.objects.get(pk=active.customer_id).status == Customer.Status.SUSPENDED
    assert outbox(active) == [(ProvisioningTask.Action.SUSPEND, True)]
    assert messages(active) == [Event.SUSPENDED]
    sms = Message.objects.get(customer_id=active.customer_id, event=Event.SUSPENDED, channel="sms")
    assert amount_open(customer_id=active.customer_id) > 0
    assert format_money(amount_open(customer_id=active.customer_id), symbol=False) in sms.body  # 575.00: 500 + VAT


def test_a_suspension_staff_keep_to_themselves_changes_the_router_without_a_message(admin, active):
    subscription_suspend(actor=admin, subscription=active, reason="Abuse report", suspension_type=Subscription.SuspensionType.FRAUD)

    assert outbox(active) == [(ProvisioningTask.Action.SUSPEND, True)]
    assert messages(active) == []


def test_reactivation_restores_the_router_entry_and_tells_the_customer(admin, active):
    suspended = subscription_suspend(actor=admin, subscription=active, reason="Unpaid", suspension_type=NON_PAYMENT)

    reactivated = subscription_reactivate(actor=admin, subscription=suspended, reason="Paid at the office")

    assert reactivated.status == Subscription.Status.ACTIVE
    assert Customer.objects.get(pk=active.customer_id).status == Customer.Status.ACTIVE
    assert outbox(active) == [(ProvisioningTask.Action.SUSPEND, True), (ProvisioningTask.Action.REACTIVATE, False)]
    assert messages(active) == [Event.SUSPENDED, Event.REACTIVATED]


def test_a_refused_transition_writes_no_router_change_and_no_message(admin, active):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        subscription_reactivate(actor=admin, subscription=active, reason="Already active")

    assert Subscription.objects.get(pk=active.pk).status == Subscription.Status.ACTIVE
    assert outbox(active) == [] and messages(active) == []


def test_cancelling_a_pending_connection_queues_nothing_for_the_router(admin):
    subscription = make_subscription(actor=admin)

    cancelled = subscription_cancel(actor=admin, subscription=subscription, reason="Changed their mind")

    assert cancelled.status == Subscription.Status.CANCELLED
    assert outbox(subscription) == [] and messages(subscription) == []


def test_cancellation_takes_the_connection_off_the_router_and_credits_the_unused_days(admin):
    """Activated on the 1st of this month, this month and the next invoiced and paid, then cancelled
    today: the router entry is removed and the whole of next month plus the rest of this one come back
    as credit (VAT on top, as invoiced), with no message."""
    configure(credit_unused_days_on_cancel=True)
    today = timezone.localdate()
    first = today.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    subscription = subscribed(PackageFactory(price=D("1000.00")), day=first)
    run_billing(first)
    pay_everything(subscription)
    run_billing(next_first)
    pay_everything(subscription)
    subscription.refresh_from_db()
    ProvisioningTask.objects.all().delete()
    balance = account_balance(customer_id=subscription.customer_id)

    cancelled = subscription_cancel(actor=admin, subscription=subscription, reason="Moving away")

    assert cancelled.status == Subscription.Status.CANCELLED
    assert Customer.objects.get(pk=subscription.customer_id).status == Customer.Status.CLOSED
    assert outbox(subscription) == [(ProvisioningTask.Action.DEPROVISION, False)]
    assert messages(subscription) == []
    period = periods_between(today, today, anchor_day=1, months=1)[0]
    rest = amount_for_days(D("1000.00"), period=period, first_day=today + timedelta(days=1), last_day=period.end) if today < period.end else D("0")
    expected = vat_line(D("1000.00"), rate=D("15"), prices_include_vat=False).gross + (
        vat_line(rest, rate=D("15"), prices_include_vat=False).gross if rest else D("0"))
    credits = LedgerEntry.objects.filter(account__customer_id=subscription.customer_id, memo__startswith="Cancellation")
    assert sum(entry.amount for entry in credits) == -expected
    assert account_balance(customer_id=subscription.customer_id) == balance - expected
    ledger_ok()


def test_cancelling_a_suspended_connection_removes_it_from_the_router(admin, active):
    suspended = subscription_suspend(actor=admin, subscription=active, reason="Unpaid", suspension_type=NON_PAYMENT)

    subscription_cancel(actor=admin, subscription=suspended, reason="Never paid")

    assert outbox(active) == [(ProvisioningTask.Action.SUSPEND, True), (ProvisioningTask.Action.DEPROVISION, False)]
    assert messages(active) == [Event.SUSPENDED]


@pytest.mark.django_db
def test_a_new_customer_and_connection_read_no_row_the_caller_handed_over_again_and_write_the_order_once():
    """A sign-up is one customer and one connection with its installation order: the area, package and
    router the caller passed are not looked up again one query each, and the order's checklist flags go
    into its INSERT, not a second UPDATE (customers/services.py, fieldservice/services.py). The
    checklist template is read, and the order still carries what it requires."""
    area, package = AreaFactory(), PackageFactory()
    router = RouterFactory(branch=area.branch)
    template, _ = ChecklistTemplate.objects.update_or_create(kind=WorkOrder.Kind.INSTALLATION, defaults={"photos_required": 2, "serial_required": True})
    template.items.create(label="Signal measured at the customer's ONU", position=99)
    with CaptureQueriesContext(connection) as queries:
        subscription = make_subscription(customer=make_customer(area=area), package=package, router=router)
    statements = [q["sql"] for q in queries.captured_queries]
    for table in ("customers_area", "customers_branch", "customers_package", "network_router", "customers_customer"):
        assert not [s for s in statements if s.startswith(f'SELECT 1 AS "a" FROM "{table}" WHERE "{table}"."id"')], table
    assert not [s for s in statements if s.startswith('UPDATE "fieldservice_workorder"')]
    order = WorkOrder.objects.get(subscription=subscription)
    assert (order.photos_required, order.serial_required) == (2, True)
    assert list(order.checklist.values_list("label", flat=True)) == list(template.items.values_list("label", flat=True))
    assert "Signal measured at the customer's ONU" in order.checklist.values_list("label", flat=True)


@pytest.mark.django_db
def test_a_status_change_reads_its_router_and_package_with_the_locked_row():
    """Activation locks the subscription's row and reads its router and package in the same statement:
    the router change queued after it (billing/transition_effects.py) reads neither again."""
    subscription = make_subscription()
    with CaptureQueriesContext(connection) as queries:
        activated = subscription_activate(actor=None, subscription=subscription, reason="installed")
    statements = [q["sql"] for q in queries.captured_queries]
    assert activated.status == "active"
    assert ProvisioningTask.objects.filter(subscription=activated).exists()  # the router change was queued
    assert not [s for s in statements if s.startswith(('SELECT "network_router"', 'SELECT "customers_package"'))], statements
    locked = [s for s in statements if " FOR UPDATE" in s and '"customers_subscription"' in s.split(" FROM ")[1][:30]]
    assert locked and all('FOR UPDATE OF "customers_subscription"' in s for s in locked)
