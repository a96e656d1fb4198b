"""The ledger invariant under random sequences of what happens to accounts: invoices issued by the
billing run and by the invoice service, payments, reversals, refunds, staff credits and adjustments,
voids, pauses with skip billing and reactivations, package changes (upgrades, scheduled downgrades
and their withdrawal) and cancellations.

After every step: each account's cached balance equals the sum of its entries; each invoice's amount
paid equals its allocations and lies within 0…total, with paid + due = total; no payment has more
allocated than it brought; refunded + reversed never exceed what a payment paid; paid invoices are
exactly those with nothing open, and an overdue one has its due date past; no day of a subscription
is in two period charges; `check_ledger` passes. (The day-by-day price check runs in
test_simulated_year.py, which keeps the calendar.)"""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from billing.models import Account, Allocation, BillingSettings, Invoice, LedgerEntry
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import current_billing_settings
from billing.services import LineSpec, account_credit, invoice_create, invoice_void
from customers.models import Subscription
from payments.models import Payment
from payments.services import payment_ledger_record, payment_ledger_reverse
from tests.factories import PackageFactory, UserFactory, make_subscription

D = Decimal
ZERO = D("0.00")

amounts = st.integers(min_value=1, max_value=300_000).map(lambda cents: D(cents) / 100)
picks = st.integers(min_value=0, max_value=10_000)  # an index into what exists, modulo its length
reasons = st.sampled_from(["Keyed on the wrong account", "Outage credit", "Goodwill", "Billing error"])


def total(rows) -> Decimal:
    """Sum of the rows' amounts in Python: exact, where SQLite would add them as floats."""
    return sum(rows.values_list("amount", flat=True), ZERO)


class LedgerMachine(RuleBasedStateMachine):
    """Two customers, each with a subscription the billing run invoices as the days go by."""

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown: examples never see each other's rows.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.staff = UserFactory(roles=["Manager"])
        self.today = timezone.localdate()
        self.day = self.today - timedelta(days=150)
        self.subscriptions = []
        for price in (D("1000.00"), D("1499.99")):
            subscription = make_subscription(package=PackageFactory(price=price), activate=True)
            Subscription.objects.filter(pk=subscription.pk).update(
                activated_at=timezone.make_aware(datetime.combine(self.day, time(12, 0)))
            )
            self.subscriptions.append(subscription)
        self.customers = [subscription.customer for subscription in self.subscriptions]
        self.invoices: list[int] = []
        self.payments: list[int] = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def customer(self, pick):
        return self.customers[pick % len(self.customers)]

    def snapshot(self):
        return (
            list(LedgerEntry.objects.order_by("id").values_list("id", "amount")),
            list(Invoice.objects.order_by("id").values_list("id", "status", "amount_paid")),
            list(Allocation.objects.order_by("id").values_list("id", "amount")),
        )

    # Invoices --------------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=40))
    def billing_run(self, days):
        self.day = min(self.day + timedelta(days=days), self.today)
        run = billing_run_process_pending(billing_run_start(run_date=self.day))
        assert run.status == "succeeded", run.errors
        self.invoices += list(Invoice.objects.filter(billing_run=run).values_list("id", flat=True))

    @rule(pick=picks, amount=amounts)
    def invoice_one_time_charge(self, pick, amount):
        invoice = invoice_create(
            actor=self.staff, customer=self.customer(pick),
            lines=[LineSpec(kind="one_time", description="Router and installation", amount=amount)],
        )
        self.invoices.append(invoice.pk)

    @precondition(lambda self: self.invoices)
    @rule(pick=picks, reason=reasons)
    def void_invoice(self, pick, reason):
        invoice = Invoice.objects.get(pk=self.invoices[pick % len(self.invoices)])
        if invoice.status == Invoice.Status.VOID:
            before = self.snapshot()
            with pytest.raises(ValidationError):
                invoice_void(actor=self.staff, invoice=invoice, reason=reason)
            assert self.snapshot() == before
            return
        invoice_void(actor=self.staff, invoice=invoice, reason=reason)

    # Money in and out ------------------------------------------------------------------------------

    @rule(pick=picks, amount=amounts, method=st.sampled_from(["cash", "bkash", "bank"]))
    def record_payment(self, pick, amount, method):
        payment = payment_ledger_record(
            actor=self.staff, customer=self.customer(pick), amount=amount, method=method,
            reference="" if method == "cash" else "TRX12345", confirm_large=True,
        )
        self.payments.append(payment.pk)

    @precondition(lambda self: self.payments)
    @rule(pick=picks, reason=reasons)
    def reverse_payment(self, pick, reason):
        payment = Payment.objects.get(pk=self.payments[pick % len(self.payments)])
        if payment.status == Payment.Status.REVERSED:
            before = self.snapshot()
            with pytest.raises(ValidationError):
                payment_ledger_reverse(actor=self.staff, payment=payment, reason=reason)
            assert self.snapshot() == before
            return
        payment_ledger_reverse(actor=self.staff, payment=payment, reason=reason)

    @rule(pick=picks, amount=amounts, kind=st.sampled_from([LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.ADJUSTMENT]),
          reason=reasons)
    def staff_credit(self, pick, amount, kind, reason):
        account_credit(actor=self.staff, customer=self.customer(pick), amount=amount, reason=reason, kind=kind)

    @rule(pick=picks)
    def credit_without_reason_changes_nothing(self, pick):
        before = self.snapshot()
        with pytest.raises(ValidationError):
            account_credit(actor=self.staff, customer=self.customer(pick), amount=D("10.00"), reason="  ")
        assert self.snapshot() == before

    @precondition(lambda self: self.payments)
    @rule(pick=picks, amount=amounts)
    def refund(self, pick, amount):
        from billing import ledger

        payment = Payment.objects.get(pk=self.payments[pick % len(self.payments)])
        left = payment.amount - ledger.payment_money_out(payment=payment)
        before = self.snapshot()
        if amount > left:
            with pytest.raises(ValidationError), transaction.atomic():
                ledger.refund_post(account=ledger.account_lock(customer_id=payment.customer_id), payment=payment, amount=amount)
            assert self.snapshot() == before
            return
        with transaction.atomic():
            ledger.refund_post(account=ledger.account_lock(customer_id=payment.customer_id), payment=payment, amount=amount)

    # Lifecycle and package changes --------------------------------------------------------------------

    def subscription(self, pick):
        return Subscription.objects.select_related("package", "customer").get(pk=self.subscriptions[pick % len(self.subscriptions)].pk)

    @rule(pick=picks)
    def pause_or_reactivate(self, pick):
        from usecases.subscription_reactivate import subscription_reactivate
        from usecases.subscription_suspend import subscription_suspend

        subscription = self.subscription(pick)
        if subscription.status == Subscription.Status.ACTIVE:
            subscription_suspend(actor=self.staff, subscription=subscription, reason="Travelling",
                                 suspension_type="customer_request", skip_billing=True)
        elif subscription.status == Subscription.Status.SUSPENDED:
            subscription_reactivate(actor=self.staff, subscription=subscription, reason="Back")

    @rule(pick=picks, price=st.sampled_from([D("600.00"), D("2500.00")]))
    def change_package(self, pick, price):
        from usecases.package_change_make import package_change_make

        subscription = self.subscription(pick)
        if subscription.status != Subscription.Status.ACTIVE or subscription.package_changes.filter(status__in=["pending", "scheduled"]).exists():
            return
        package_change_make(actor=self.staff, subscription=subscription, to_package=PackageFactory(price=price))

    @rule(pick=picks)
    def withdraw_scheduled_change(self, pick):
        from billing.models import PackageChange
        from billing.package_changes import package_change_cancel

        change = PackageChange.objects.filter(subscription=self.subscription(pick), status="scheduled").first()
        if change is not None:
            package_change_cancel(actor=self.staff, change=change, reason="Stays")

    @rule(pick=picks)
    def cancel(self, pick):
        from usecases.subscription_cancel import subscription_cancel

        subscription = self.subscription(pick)
        if subscription.status == Subscription.Status.ACTIVE:
            subscription_cancel(actor=self.staff, subscription=subscription, reason="Moving away")

    # Invariants ------------------------------------------------------------------------------------

    @invariant()
    def balance_is_the_sum_of_entries(self):
        for account in Account.objects.all():
            entries = total(LedgerEntry.objects.filter(account=account))
            assert account.balance == entries, account

    @invariant()
    def invoices_add_up(self):
        for invoice in Invoice.objects.all():
            allocated = total(invoice.allocations.all())
            assert invoice.amount_paid == allocated, invoice
            assert ZERO <= invoice.amount_paid <= invoice.total, invoice
            if invoice.status == Invoice.Status.VOID:
                assert invoice.amount_paid == ZERO and invoice.amount_due == ZERO
            else:
                assert invoice.amount_paid + invoice.amount_due == invoice.total
                assert (invoice.status == Invoice.Status.PAID) == (invoice.amount_due == ZERO), invoice

    @invariant()
    def payments_never_over_allocated(self):
        for payment in Payment.objects.all():
            allocated = total(payment.allocations.all())
            assert allocated <= payment.amount, payment
            if payment.status == Payment.Status.REVERSED:
                assert allocated <= ZERO, payment

    @invariant()
    def refunded_and_reversed_never_exceed_what_was_paid(self):
        from billing import ledger

        for payment in Payment.objects.all():
            assert ZERO <= ledger.payment_money_out(payment=payment) <= payment.amount, payment

    @invariant()
    def status_follows_open_amount_and_due_date(self):
        for invoice in Invoice.objects.exclude(status=Invoice.Status.VOID):
            if invoice.status == Invoice.Status.OVERDUE:
                assert invoice.due_date < self.today and invoice.amount_due > ZERO, invoice

    @invariant()
    def no_day_is_in_two_period_charges(self):
        from billing.models import InvoiceLine

        for subscription in self.subscriptions:
            spans = sorted(
                InvoiceLine.objects.filter(subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS)
                .exclude(invoice__status=Invoice.Status.VOID).values_list("period_start", "period_end")
            )
            for (_start, end), (next_start, _next_end) in zip(spans, spans[1:]):
                assert end < next_start, subscription

    @invariant()
    def check_ledger_passes(self):
        call_command("check_ledger", stdout=open("/dev/null", "w"))  # CommandError if any cache disagrees


@pytest.mark.django_db
def test_ledger_invariant_holds_under_random_sequences():
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode=BillingSettings.Mode.CALENDAR, default_anchor_day=1, issue_days_before=7, due_days=7, grace_days=3,
        vat_rate=D("15"), prices_include_vat=False, late_fee=D("50.00"), reconnection_fee=D("0"),
    )
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=15, stateful_step_count=10, deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
