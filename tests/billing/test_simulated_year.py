"""A simulated year of 56 subscriptions through the real services, day by day on a simulated clock:
billing runs, payments (some partial, some late), reversals, refunds, upgrades, scheduled downgrades
(some withdrawn), pauses with skip billing and reactivations, cancellations, one-time charges and
their voids. The issue's invariants are checked along the way and at the end, on SQLite and (in CI)
PostgreSQL:

- every day of service is charged exactly once, at the price in force that day, and paused days
  (after the pause day, before the reactivation day) and days after a cancellation are never
  charged: per subscription, what its invoice lines and its pause/cancellation credits add up to
  equals the sum over its days of (price ÷ days in that period) + VAT, to a paisa per line;
- balance = invoices − payments − credits exactly (check_ledger);
- refunded + reversed ≤ paid for every payment;
- invoice status agrees with open amount and due date after every run; paid-through agrees with
  the invoices."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from billing import ledger
from billing.models import BillingSettings, Invoice, InvoiceLine, LedgerEntry, PackageChange
from billing.package_changes import package_change_cancel
from billing.run import billing_run_process_pending, billing_run_start
from billing.selectors import amount_open, current_billing_settings
from billing.services import LineSpec, invoice_create, invoice_void
from customers.models import Subscription
from ispbill.core.periods import period_containing
from payments.models import Payment
from payments.services import payment_ledger_record, payment_ledger_reverse
from tests.factories import PackageFactory, make_subscription
from usecases.package_change_make import package_change_make
from usecases.package_changes_apply_due import package_changes_apply_due
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

D = Decimal
ZERO = D("0.00")
VAT = Fraction(115, 100)
SUBSCRIPTIONS = 56
START = date(2025, 1, 1)
DAYS = 365


class Clock:
    def __init__(self, day: date):
        self.day = day

    def now(self):
        return timezone.make_aware(datetime.combine(self.day, time(12, 0)))


def run_billing(day: date) -> None:
    run = billing_run_process_pending(billing_run_start(run_date=day, dispatch=False))
    assert run.status == "succeeded", run.errors


def check_statuses(today: date) -> None:
    """After a run on `today`: status follows open amount and due date."""
    for invoice in Invoice.objects.exclude(status=Invoice.Status.VOID):
        due = invoice.total - invoice.amount_paid
        if due == ZERO:
            assert invoice.status == Invoice.Status.PAID, invoice
        elif invoice.due_date < today:
            assert invoice.status == Invoice.Status.OVERDUE, invoice
        else:
            assert invoice.status in (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID), invoice


def check_money_out() -> None:
    for payment in Payment.objects.all():
        out = ledger.payment_money_out(payment=payment)
        assert ZERO <= out <= payment.amount, payment


def check_paid_through() -> None:
    for subscription in Subscription.objects.all():
        lines = list(
            InvoiceLine.objects.filter(subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS)
            .exclude(invoice__status=Invoice.Status.VOID).values_list("period_start", "period_end", "invoice__status")
        )
        if not lines:
            continue
        first_unpaid = min((start for start, _end, status in lines if status != Invoice.Status.PAID), default=None)
        ends = [end for _start, end, status in lines if status == Invoice.Status.PAID and (first_unpaid is None or end < first_unpaid)]
        assert subscription.paid_through == max(ends, default=None), subscription


@pytest.mark.slow(seconds=30)  # over the 20 s budget (25-35 s on a middling machine, 70-85 s on a slow one)
@pytest.mark.django_db  # one wrapping transaction: a year of commits would take minutes (the views are tested committed)
def test_a_simulated_year_of_56_subscriptions_keeps_every_invariant():
    rng = random.Random(15)
    clock = Clock(START)
    with mock.patch("django.utils.timezone.now", clock.now):
        _simulate(rng, clock)


def _simulate(rng: random.Random, clock: Clock) -> None:
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        mode=BillingSettings.Mode.CALENDAR, allowed_anchor_days=[1, 5, 25, 30], default_anchor_day=1,
        issue_days_before=7, due_days=7, grace_days=3, vat_rate=D("15"), prices_include_vat=False,
        late_fee=D("0"), reconnection_fee=D("0"), credit_unused_days_on_cancel=True, downgrade_at_next_cycle=True,
    )
    packages = [PackageFactory(price=D(price)) for price in ("600.00", "1000.00", "1499.99", "2200.00")]
    subscriptions = []
    for n in range(SUBSCRIPTIONS):
        subscription = make_subscription(package=packages[n % len(packages)], billing_anchor_day=rng.choice([1, 5, 25, 30]))
        subscriptions.append(subscription)
    # Activated over the first two months.
    activation = {s.pk: START + timedelta(days=rng.randrange(0, 60)) for s in subscriptions}
    # What the simulation believes: per subscription and day, the package in force, or None (not billed).
    in_force: dict[int, dict[date, int | None]] = {s.pk: {} for s in subscriptions}
    paused_on: dict[int, date] = {}
    cancelled: set[int] = set()
    one_time: list[int] = []

    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        clock.day = day
        for subscription in subscriptions:
            if activation[subscription.pk] == day:
                usecases_subscription_activate(actor=None, subscription=subscription, reason="Installed")
        package_changes_apply_due(today=day)
        if offset % 3 == 0 or offset == DAYS - 1:
            run_billing(day)
            check_statuses(day)

        for _ in range(rng.randrange(0, 4)):
            _random_event(rng, day, subscriptions, paused_on, cancelled, packages, one_time)

        # The package in force today (pauses and cancellations are read from the audit log at the end).
        package_of = dict(Subscription.objects.filter(pk__in=in_force).values_list("pk", "package_id"))
        for pk, days in in_force.items():
            days[day] = None if activation[pk] > day else package_of[pk]
        if offset % 30 == 0:
            call_command("check_ledger", stdout=open("/dev/null", "w"))
            check_money_out()
            check_paid_through()

    call_command("check_ledger", stdout=open("/dev/null", "w"))
    check_money_out()
    check_paid_through()
    _check_every_day_charged_once(subscriptions, activation, in_force, packages)
    assert Subscription.objects.filter(status=Subscription.Status.CANCELLED).exists()
    assert LedgerEntry.objects.filter(memo__startswith="Pause of").exists()
    assert PackageChange.objects.filter(status=PackageChange.Status.CANCELLED).exists()
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).exists()


def _random_event(rng, day, subscriptions, paused_on, cancelled, packages, one_time) -> None:
    subscription = Subscription.objects.select_related("package", "customer").get(pk=rng.choice(subscriptions).pk)
    customer = subscription.customer
    roll = rng.random()
    if roll < 0.35:
        due = amount_open(customer_id=customer.pk)
        if due > ZERO:
            amount = due if rng.random() < 0.7 else (due / 2).quantize(D("0.01"))
            payment_ledger_record(actor=None, customer=customer, amount=amount, method="cash", confirm_large=True)
    elif roll < 0.40:
        payment = Payment.objects.filter(customer=customer).exclude(status=Payment.Status.REVERSED).order_by("-id").first()
        if payment is not None:
            try:
                payment_ledger_reverse(actor=None, payment=payment, reason="Cheque bounced")
            except ValidationError:
                pass  # refunded in full already: nothing left to reverse
    elif roll < 0.45:
        payment = Payment.objects.filter(customer=customer).exclude(status=Payment.Status.REVERSED).order_by("-id").first()
        if payment is not None:
            left = payment.amount - ledger.payment_money_out(payment=payment)
            if left > ZERO:
                with transaction.atomic():
                    account = ledger.account_lock(customer_id=customer.pk)
                    ledger.refund_post(account=account, payment=payment, amount=min(left, D("300.00")), memo="Cash refund")
    elif roll < 0.55 and subscription.status == Subscription.Status.ACTIVE and subscription.billed_through:
        if not subscription.package_changes.filter(status__in=PackageChange.OPEN_STATUSES).exists():
            others = [p for p in packages if p.pk != subscription.package_id]
            package_change_make(actor=None, subscription=subscription, to_package=rng.choice(others))
    elif roll < 0.62:
        change = PackageChange.objects.filter(status=PackageChange.Status.SCHEDULED).order_by("id").first()
        if change is not None:  # withdrawn, billing the difference if its period was invoiced already
            package_change_cancel(actor=None, change=change, reason="Changed their mind")
    elif roll < 0.68 and subscription.status == Subscription.Status.ACTIVE and subscription.billed_through:
        subscription_suspend(
            actor=None, subscription=subscription, reason="Travelling", suspension_type="customer_request", skip_billing=True,
        )
        paused_on[subscription.pk] = day
    elif roll < 0.78 and subscription.pk in paused_on and subscription.status == Subscription.Status.SUSPENDED \
            and subscription.skip_billing and paused_on[subscription.pk] < day:
        subscription_reactivate(actor=None, subscription=subscription, reason="Back home")
        del paused_on[subscription.pk]
    elif roll < 0.80 and subscription.status == Subscription.Status.ACTIVE and subscription.billed_through:
        subscription_cancel(actor=None, subscription=subscription, reason="Moving away")
        cancelled.add(subscription.pk)
    elif roll < 0.88:
        invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Router", amount=D("500.00"))])
        one_time.append(invoice.pk)
    elif one_time:
        invoice = Invoice.objects.get(pk=one_time.pop(rng.randrange(len(one_time))))
        if invoice.status != Invoice.Status.VOID:
            invoice_void(actor=None, invoice=invoice, reason="Router returned")


def _check_every_day_charged_once(subscriptions, activation, in_force, packages) -> None:
    price = {p.pk: Fraction(p.price) for p in packages}
    pause_days: dict[int, set[date]] = {}
    for subscription in Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]):
        charged = Fraction(0)
        days = in_force[subscription.pk]
        last_day = max(max(days), subscription.billed_through or START)
        not_charged = _unbilled_days(subscription, days)
        pause_days[subscription.pk] = not_charged
        day = activation[subscription.pk]
        scheduled = PackageChange.objects.filter(subscription=subscription, status=PackageChange.Status.SCHEDULED).first()
        while day <= last_day:
            package = days.get(day, days[max(days)])
            if day not in days and scheduled is not None and day >= scheduled.effective_date:
                package = scheduled.to_package_id  # invoiced ahead at the scheduled package
            if package is not None and day not in not_charged:
                period = period_containing(day, anchor_day=subscription.billing_anchor_day, months=1)
                charged += price[package] / period.days
            day += timedelta(days=1)
        expected = charged * VAT
        lines = InvoiceLine.objects.filter(subscription=subscription, period_start__isnull=False).exclude(
            invoice__status=Invoice.Status.VOID
        )
        # Credits that are not invoice lines: the pause and cancellation credits (named after the
        # connection) and a package change's credit when it exceeded its charge (kept on the change).
        change_credits = PackageChange.objects.filter(subscription=subscription, credit_entry__isnull=False).values("credit_entry")
        credits = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CREDIT).filter(
            Q(memo__contains=f" of {subscription.login_label}: ") | Q(pk__in=change_credits)
        )
        actual = (lines.aggregate(s=Sum("gross"))["s"] or ZERO) + sum(credits.values_list("amount", flat=True), ZERO)
        tolerance = D("0.02") * (lines.count() + credits.count() + 1)
        assert abs(Fraction(actual) - expected) <= Fraction(tolerance), (
            f"{subscription.login_label}: charged {actual}, days in service come to {float(expected):.2f}; "
            f"lines {list(lines.values_list('kind', 'period_start', 'period_end', 'gross', 'invoice__status'))}; "
            f"credits {list(credits.values_list('memo', 'amount'))}; "
            f"events {_events(subscription)}"
        )


def _unbilled_days(subscription, days) -> set[date]:
    """The days the audit log says were paused (after a skip-billing pause day, before its
    reactivation day) or after the cancellation day."""
    from ispbill.core.models import AuditLog

    unbilled: set[date] = set()
    pause = None
    end = max(max(days), subscription.billed_through or max(days))
    for entry in AuditLog.objects.filter(object_id=str(subscription.pk), action__startswith="subscription.").order_by("at", "id"):
        day = timezone.localdate(entry.at)
        if entry.action == "subscription.suspend" and (entry.after or {}).get("skip_billing"):
            pause = day
        elif entry.action == "subscription.reactivate" and pause is not None:
            unbilled |= {pause + timedelta(days=n) for n in range(1, (day - pause).days)}
            pause = None
        elif entry.action == "subscription.cancel":
            unbilled |= {day + timedelta(days=n) for n in range(1, (end - day).days + 1)}
    if pause is not None:
        unbilled |= {pause + timedelta(days=n) for n in range(1, (end - pause).days + 1)}
    return unbilled


def _events(subscription) -> list:
    from ispbill.core.models import AuditLog

    return [(timezone.localdate(e.at), e.action, (e.after or {}).get("skip_billing"))
            for e in AuditLog.objects.filter(object_id=str(subscription.pk), action__startswith="subscription.").order_by("at", "id")]
