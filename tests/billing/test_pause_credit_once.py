"""A pause with skip billing credits the invoiced days after it; those days must never be credited a
second time by whatever credits unused days later in the same period (a cancellation, another pause,
a package change). Each credit reverses what was invoiced and not already credited.

The scenario throughout (the defaults: anchor day 1, VAT 15 % on top): Basic ৳1,000 a month, March
invoiced ৳1,000 + ৳150. Paused on 10 March: 11–31 March credited, 1000 × 21/31 = ৳677.42 + ৳101.61 VAT
= ৳779.03. Reactivated on 21 March: 21–31 March charged again, 1000 × 11/31 = ৳354.84 + ৳53.23 VAT =
৳408.07."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from billing.models import CreditedDays, LedgerEntry, PackageChange
from billing.package_changes import package_change_billing_approve, package_change_request, subscription_cancelled
from billing.selectors import account_balance
from billing.unused_days import subscription_paused, subscription_resumed
from customers.models import Subscription
from tests.billing.test_package_changes import subscribed
from tests.billing.test_run import configure, ledger_ok, run_billing
from tests.factories import PackageFactory, admin_user
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

D = Decimal


@pytest.fixture
def basic(db):
    configure()
    return PackageFactory(name="Basic 10", price=D("1000.00"))


def paused_and_resumed(package) -> Subscription:
    subscription = subscribed(package)
    run_billing(date(2026, 3, 1))  # March: 1,000 + 150
    subscription.refresh_from_db()
    assert subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 10)).amount == D("-779.03")
    invoice = subscription_resumed(actor=None, subscription=subscription, paused_on=date(2026, 3, 10), first_day=date(2026, 3, 21))
    assert invoice.total == D("408.07")
    subscription.refresh_from_db()
    return subscription


def test_cancelling_after_pause_and_reactivation_credits_the_unused_days_once(basic):
    """Cancelled on 25 March: 26–31 March, 6 days, were credited at the pause and charged again at the
    reactivation; only the reactivation's charge is still owed for them: 354.84 × 6/11 = ৳193.55 +
    ৳29.03 VAT = ৳222.58 (it was ৳445.16: March's own line was reversed a second time)."""
    subscription = paused_and_resumed(basic)
    balance = account_balance(customer_id=subscription.customer_id)

    entry = subscription_cancelled(actor=None, subscription=subscription, last_day=date(2026, 3, 25))

    assert entry.amount == D("-222.58")
    assert account_balance(customer_id=subscription.customer_id) == balance - D("222.58")
    # Over March the customer paid for 1–10 and 21–25 March only: 15 days of ৳1,150.
    assert D("1150.00") - D("779.03") + D("408.07") - D("222.58") == D("556.46")
    ledger_ok()


def test_pausing_again_after_reactivation_credits_only_what_the_reactivation_charged(basic):
    """Paused again on 25 March: ৳222.58, as for a cancellation. Reactivated again on 28 March:
    28–31 March charged at Basic, 1000 × 4/31 = ৳129.03 + ৳19.35 = ৳148.38; cancelled on 29 March:
    30–31 March of that charge, 129.03 − 64.52 (28–29 March) = ৳64.51 + ৳9.68 VAT = ৳74.19."""
    subscription = paused_and_resumed(basic)

    second = subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 25))
    assert second.amount == D("-222.58")
    again = subscription_resumed(actor=None, subscription=subscription, paused_on=date(2026, 3, 25), first_day=date(2026, 3, 28))
    assert again.total == D("148.38")
    entry = subscription_cancelled(actor=None, subscription=subscription, last_day=date(2026, 3, 29))

    assert entry.amount == D("-74.19")
    ledger_ok()


def test_a_package_change_after_pause_and_reactivation_credits_only_what_the_reactivation_charged(basic):
    """Basic → Fast ৳1,500 on 25 March: 25–31 March, 7 days, of the reactivation's charge credited,
    354.84 × 7/11 = ৳225.81 + ৳33.87 VAT; Fast for the same days, 1500 × 7/31 = ৳338.71 + ৳50.81:
    **৳129.84** to pay on the change's invoice (March's own line, credited at the pause, is not
    reversed again — that made it a ৳129.84 credit)."""
    fast = PackageFactory(name="Fast 40", price=D("1500.00"))
    subscription = paused_and_resumed(basic)

    request = package_change_request(actor=None, subscription=subscription, to_package=fast, source=PackageChange.Source.STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 25))

    assert change.status == PackageChange.Status.APPLIED
    assert change.credit_entry is None
    assert change.invoice.total == D("129.84")
    assert change.credit == D("259.68") and change.charge == D("389.52")
    ledger_ok()


def test_the_pause_records_which_days_of_which_line_it_credited(basic):
    subscription = subscribed(basic)
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()

    entry = subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 10))

    assert list(CreditedDays.objects.values_list("line__period_start", "first_day", "last_day", "entry")) == [
        (date(2026, 3, 1), date(2026, 3, 11), date(2026, 3, 31), entry.pk)
    ]
    assert LedgerEntry.objects.get(pk=entry.pk).kind == LedgerEntry.Kind.CREDIT


@pytest.mark.django_db(transaction=True)
def test_pause_reactivate_cancel_through_the_customer_services_commits_one_credit_for_the_days(basic):
    """The same path as staff use it (each call commits on its own, no wrapping test transaction):
    pause, reactivation and cancellation all on 20 March. The pause credits 21–31 March (1000 × 11/31
    = ৳354.84 + ৳53.23 = ৳408.07), the reactivation charges them again (৳408.07), the cancellation
    credits them once more (৳408.07): over March the customer pays for 1–20 March, ৳741.93."""
    from unittest import mock


    subscription = subscribed(basic)
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()
    start = account_balance(customer_id=subscription.customer_id)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 20)):
        subscription_suspend(
            actor=None, subscription=subscription, reason="Travelling", suspension_type="customer_request", skip_billing=True,
        )
        subscription.refresh_from_db()
        subscription_reactivate(actor=None, subscription=subscription, reason="Back home")
        subscription.refresh_from_db()
        subscription_cancel(actor=None, subscription=subscription, reason="Moving away")

    assert account_balance(customer_id=subscription.customer_id) == start - D("408.07")
    assert start - D("408.07") == D("741.93")
    ledger_ok()


def test_a_package_change_during_the_pause_neither_credits_nor_charges_the_paused_days(basic):
    """Paused on 10 March, changed to Fast ৳1,500 on 15 March while paused: 15–31 March were credited
    at the pause and are not charged while paused, so the change writes no money. Reactivated on
    21 March: 21–31 March charged at Fast, the package now in force, 1500 × 11/31 = ৳532.26 + ৳79.84 VAT
    = ৳612.10. Cancelled on 25 March: 26–31 March of that, 532.26 − 241.94 (21–25 March) = ৳290.32 +
    ৳43.55 VAT = ৳333.87."""
    from django.utils import timezone

    fast = PackageFactory(name="Fast 40", price=D("1500.00"))
    subscription = subscribed(basic)
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()
    subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 10))
    Subscription.objects.filter(pk=subscription.pk).update(
        status=Subscription.Status.SUSPENDED, suspension_type="customer_request", skip_billing=True,
        suspended_at=timezone.make_aware(datetime(2026, 3, 10, 10)),
    )
    subscription.refresh_from_db()
    balance = account_balance(customer_id=subscription.customer_id)

    request = package_change_request(actor=None, subscription=subscription, to_package=fast, source=PackageChange.Source.STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 15))

    assert change.status == PackageChange.Status.APPLIED
    assert change.invoice is None and change.credit_entry is None
    assert account_balance(customer_id=subscription.customer_id) == balance
    Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.ACTIVE, skip_billing=False, suspended_at=None)
    subscription.refresh_from_db()
    invoice = subscription_resumed(actor=None, subscription=subscription, paused_on=date(2026, 3, 10), first_day=date(2026, 3, 21))
    assert invoice.total == D("612.10")
    entry = subscription_cancelled(actor=None, subscription=subscription, last_day=date(2026, 3, 25))
    assert entry.amount == D("-333.87")
    ledger_ok()


def test_a_package_change_on_the_pause_day_charges_that_day_only(basic):
    """Paused on 10 March (11–31 credited), changed to Fast on the 10th itself, the last day of service:
    the 10th is credited at Basic, 1000/31 = ৳32.26 + ৳4.84, and charged at Fast, 1500/31 = ৳48.39 +
    ৳7.26: ৳18.55 on the change's invoice."""
    from django.utils import timezone

    fast = PackageFactory(name="Fast 40", price=D("1500.00"))
    subscription = subscribed(basic)
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()
    subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 10))
    Subscription.objects.filter(pk=subscription.pk).update(
        status=Subscription.Status.SUSPENDED, suspension_type="customer_request", skip_billing=True,
        suspended_at=timezone.make_aware(datetime(2026, 3, 10, 10)),
    )
    subscription.refresh_from_db()

    request = package_change_request(actor=None, subscription=subscription, to_package=fast, source=PackageChange.Source.STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 10))

    assert change.invoice.total == D("18.55")
    assert change.credit_entry is None
    ledger_ok()


def test_a_change_whose_credit_exceeds_its_charge_records_the_days_and_a_cancellation_credits_only_the_new_line(basic):
    """Fast ৳1,500 → Basic on 11 March, at once: Fast's 11–31 March credited, 1500 × 21/31 = ৳1,016.13 +
    ৳152.42 = ৳1,168.55 as account credit; Basic charged ৳677.42 + ৳101.61 = ৳779.03 on the change's
    invoice. Cancelled on 20 March: 21–31 March of Basic's line only, 677.42 − 322.58 (11–20 March) =
    ৳354.84 + ৳53.23 VAT = ৳408.07."""
    configure(downgrade_at_next_cycle=False)
    fast = PackageFactory(name="Fast 40", price=D("1500.00"))
    subscription = subscribed(fast)
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()

    request = package_change_request(actor=None, subscription=subscription, to_package=basic, source=PackageChange.Source.STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))
    assert change.credit_entry.amount == D("-1168.55") and change.invoice.total == D("779.03")
    assert list(CreditedDays.objects.values_list("line__period_start", "line__net", "first_day", "last_day")) == [
        (date(2026, 3, 1), D("1500.00"), date(2026, 3, 11), date(2026, 3, 31))
    ]

    subscription.refresh_from_db()
    entry = subscription_cancelled(actor=None, subscription=subscription, last_day=date(2026, 3, 20))
    assert entry.amount == D("-408.07")
    ledger_ok()
