"""A retention offer's credit on days that billing credits back is taken back with them: cancelling,
pausing with skip billing or changing the package by hand during an offer gives the customer back what
they paid for the unused days, not the gross (docs/billing.md, "Retention offers"). Anchor day 1,
VAT 15 % on top, Basic ৳1,000, Fast ৳1,500, Ultra ৳2,000."""

from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from django.utils import timezone

from billing.models import CreditNote, Invoice, InvoiceLine, LedgerEntry, PackageChange
from billing.selectors import account_balance
from billing.services import account_credit
from churn.models import RetentionOffer, RetentionOfferCredit
from churn.offers import retention_offer_make, retention_offers_daily
from customers.models import Subscription
from tests.billing.test_run import configure, ledger_ok, run_billing
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription
from usecases.package_change_make import package_change_make
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend


@contextmanager
def today_is(monkeypatch, day: date):
    """Services that take no date read timezone.localdate(): make it `day` (arguments still convert)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", localdate)
        yield


def basic_from_march() -> dict:
    configure()
    basic = PackageFactory(name="Basic 10", price=D("1000.00"))
    fast = PackageFactory(name="Fast 40", price=D("1500.00"), download_mbps=40, upload_mbps=40)
    ultra = PackageFactory(name="Ultra 80", price=D("2000.00"), download_mbps=80, upload_mbps=80)
    customer = make_customer(name="Take Back")
    subscription = make_subscription(customer=customer, package=basic, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime(2026, 3, 1, 9)))
    run_billing(date(2026, 3, 1))
    pay_everything(customer)
    subscription.refresh_from_db()
    return {"basic": basic, "fast": fast, "ultra": ultra, "customer": customer, "subscription": subscription}


def pay_everything(customer) -> None:
    """Settled by cash, so the run's dunning suspends nobody."""
    owed = account_balance(customer_id=customer.pk)
    if owed > 0:
        account_credit(actor=None, customer=customer, amount=owed, reason="Cash")


def discount_with_april_credited(setup) -> RetentionOffer:
    """20 % for 2 months from 10 March: April is invoiced ৳1,150 and credited ৳230."""
    offer = retention_offer_make(
        actor=None, customer=setup["customer"], subscription=setup["subscription"], kind="discount", months=2,
        percent=D("20"), today=date(2026, 3, 10),
    )
    run_billing(date(2026, 3, 25))
    retention_offers_daily(today=date(2026, 3, 25))
    pay_everything(setup["customer"])
    assert RetentionOfferCredit.objects.get(offer=offer).amount == D("230.00")
    return offer


def free_upgrade(monkeypatch, setup) -> RetentionOffer:
    """Basic → Fast for 1 month from 11 March: the upgrade charges 11–31 March ৳389.52, credited in full."""
    with today_is(monkeypatch, date(2026, 3, 11)):  # the package change reads today
        offer = retention_offer_make(
            actor=None, customer=setup["customer"], subscription=setup["subscription"], kind="free_upgrade", months=1,
            upgrade_package=setup["fast"], today=date(2026, 3, 11),
        )
    assert offer.credits.get().amount == D("389.52")
    return offer


def free_upgrade_with_april_credited(monkeypatch, setup) -> RetentionOffer:
    """The free upgrade, then April invoiced at Fast ৳1,725 and credited ৳575."""
    offer = free_upgrade(monkeypatch, setup)
    run_billing(date(2026, 3, 25))
    retention_offers_daily(today=date(2026, 3, 25))
    pay_everything(setup["customer"])
    assert sorted(credit.amount for credit in offer.credits.all()) == [D("389.52"), D("575.00")]
    return offer


def cancellation_credit(customer) -> D:
    return -LedgerEntry.objects.get(account__customer=customer, memo__startswith="Cancellation").amount


def cancel(monkeypatch, setup, day: date) -> None:
    with today_is(monkeypatch, day):
        subscription_cancel(actor=admin_user(), subscription=setup["subscription"], reason="Moving away")


def test_cancelling_mid_discount_credits_what_was_paid_for_the_unused_days(db, monkeypatch):
    setup = basic_from_march()
    offer = discount_with_april_credited(setup)
    balance = account_balance(customer_id=setup["customer"].pk)

    cancel(monkeypatch, setup, date(2026, 4, 15))

    # 16–30 April, 15 of 30 days: ৳500 + ৳75 VAT = ৳575 as invoiced, less the offer's 20 % of those
    # days, ৳100 + ৳15 VAT = ৳115, taken back: ৳460, what the customer paid for them (half of ৳920).
    assert cancellation_credit(setup["customer"]) == D("460.00")
    assert account_balance(customer_id=setup["customer"].pk) == balance - D("460.00")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED and offer.ended_at is not None  # at once, not at the next job
    assert retention_offers_daily(today=date(2026, 4, 16)) == {"credited": 0, "switched_back": 0, "ended": 0, "failed": 0}
    ledger_ok()


def test_cancelling_a_connection_never_credited_by_an_offer_is_unchanged(db, monkeypatch):
    setup = basic_from_march()
    run_billing(date(2026, 3, 25))
    pay_everything(setup["customer"])
    cancel(monkeypatch, setup, date(2026, 4, 15))
    assert cancellation_credit(setup["customer"]) == D("575.00")  # 16–30 April as invoiced, nothing to take back
    ledger_ok()


def test_pausing_mid_discount_credits_what_was_paid_for_the_paused_days(db, monkeypatch):
    setup = basic_from_march()
    offer = discount_with_april_credited(setup)
    balance = account_balance(customer_id=setup["customer"].pk)

    with today_is(monkeypatch, date(2026, 4, 15)):
        subscription_suspend(
            actor=None, subscription=setup["subscription"], reason="Travelling", suspension_type="customer_request",
            skip_billing=True,
        )
    pause = LedgerEntry.objects.get(account__customer=setup["customer"], memo__startswith="Pause")
    assert pause.amount == D("-460.00")  # ৳575 for 16–30 April as invoiced, less the offer's ৳115 on them
    assert account_balance(customer_id=setup["customer"].pk) == balance - D("460.00")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ACTIVE  # a pause does not end the offer: May is still covered

    # Back on 21 April: 21–30 April are charged again at Basic's price (the offer covers the run's
    # period charges, not this re-charge): 1000 × 10/30 = ৳333.33 + ৳50.00 VAT.
    Subscription.objects.filter(pk=setup["subscription"].pk).update(
        suspended_at=timezone.make_aware(datetime.combine(date(2026, 4, 15), time(10)))
    )
    with today_is(monkeypatch, date(2026, 4, 21)):
        subscription_reactivate(actor=None, subscription=Subscription.objects.get(pk=setup["subscription"].pk), reason="Back")
    assert Invoice.objects.filter(customer=setup["customer"]).order_by("-id").first().total == D("383.33")
    run_billing(date(2026, 4, 25))
    retention_offers_daily(today=date(2026, 4, 25))
    may = InvoiceLine.objects.get(subscription=setup["subscription"], period_start=date(2026, 5, 1)).invoice
    assert RetentionOfferCredit.objects.get(offer=offer, invoice=may).amount == D("230.00")
    ledger_ok()


@pytest.mark.parametrize(
    "day, credit",
    [
        # 16–30 April: ৳862.50 at Fast as invoiced, less the offer's third of it (৳575 of ৳1,725), ৳287.50:
        # ৳575, Basic's price for those days.
        (date(2026, 4, 15), D("575.00")),
        # 21–31 March, in the upgrade's own days: Basic's 11/31 (৳354.84 + ৳53.23 VAT); the upgrade's
        # lines for those days, credited in full by the offer, are reversed and taken back alike.
        (date(2026, 3, 20), D("408.07")),
    ],
)
def test_cancelling_mid_free_upgrade_credits_the_original_packages_price(db, monkeypatch, day, credit):
    setup = basic_from_march()
    offer = free_upgrade(monkeypatch, setup) if day.month == 3 else free_upgrade_with_april_credited(monkeypatch, setup)
    cancel(monkeypatch, setup, day)
    assert cancellation_credit(setup["customer"]) == credit
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    ledger_ok()


def test_staff_changing_the_package_during_a_free_upgrade_ends_it_and_takes_its_share_back(db, monkeypatch):
    setup = basic_from_march()
    offer = free_upgrade_with_april_credited(monkeypatch, setup)

    with today_is(monkeypatch, date(2026, 4, 16)):
        change = package_change_make(actor=admin_user(), subscription=setup["subscription"], to_package=setup["ultra"])

    # 16–30 April (15 of 30 days): Fast credited as invoiced −৳862.50, the offer's share of it taken back
    # +৳287.50, Ultra charged +৳1,150: ৳575. With the ৳575 already paid for those days at Basic's price
    # the customer pays Ultra's ৳1,150 for them, no more and no less.
    assert change.status == PackageChange.Status.APPLIED and change.invoice.total == D("575.00")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    run_billing(date(2026, 4, 25))
    assert retention_offers_daily(today=date(2026, 4, 25))["credited"] == 0
    may = InvoiceLine.objects.get(subscription=setup["subscription"], period_start=date(2026, 5, 1))
    assert may.gross == D("2300.00") and not CreditNote.objects.filter(invoice=may.invoice).exists()

    # Cancelled later in April: the take-back line is reversed like any line and taken back again from
    # the offer's credit, so what comes back is Ultra's price for the days, as paid: 26–30 April, 5/30
    # of ৳2,300 = ৳383.33 — plus May, invoiced and not used, ৳2,300.
    cancel(monkeypatch, setup, date(2026, 4, 25))
    assert cancellation_credit(setup["customer"]) == D("383.33") + D("2300.00")
    ledger_ok()


def test_a_discount_goes_on_after_a_package_change_by_hand_and_its_share_of_the_changed_days_comes_back(db, monkeypatch):
    setup = basic_from_march()
    offer = discount_with_april_credited(setup)

    with today_is(monkeypatch, date(2026, 4, 16)):
        change = package_change_make(actor=admin_user(), subscription=setup["subscription"], to_package=setup["fast"])

    # 16–30 April: Basic credited as invoiced −৳575, the discount's ৳115 on those days taken back, Fast
    # charged ৳750 + ৳112.50 VAT = ৳862.50: ৳402.50. With the ৳460 paid for them the days cost Fast's
    # ৳862.50 (the change's charge is not a period charge the run invoices, so it is not discounted).
    assert change.invoice.total == D("402.50")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ACTIVE
    run_billing(date(2026, 4, 25))
    retention_offers_daily(today=date(2026, 4, 25))
    may = InvoiceLine.objects.get(subscription=setup["subscription"], period_start=date(2026, 5, 1)).invoice
    assert RetentionOfferCredit.objects.get(offer=offer, invoice=may).amount == D("345.00")  # 20 % of Fast's ৳1,725
    ledger_ok()


def test_the_offers_own_switch_back_does_not_end_it_early(db, monkeypatch):
    setup = basic_from_march()
    configure(downgrade_at_next_cycle=False)
    offer = free_upgrade_with_april_credited(monkeypatch, setup)
    run_billing(date(2026, 4, 25))  # May at Fast, after the window
    counts = retention_offers_daily(today=date(2026, 5, 1))
    offer.refresh_from_db()
    assert counts["switched_back"] == 1 and offer.status == RetentionOffer.Status.ENDED
    back = offer.switch_back_change
    assert back.status == PackageChange.Status.APPLIED and back.to_package == setup["basic"]
    # May was invoiced at Fast and never credited by the offer: credited as invoiced (৳1,725), nothing
    # taken back, and charged at Basic (৳1,150).
    assert back.credit_entry.amount == D("-1725.00") and back.invoice.total == D("1150.00")
    ledger_ok()


@pytest.mark.django_db(transaction=True)
def test_cancelling_mid_discount_committed(monkeypatch):
    """The same cancellation with no wrapping test transaction: each service commits as in production."""
    setup = basic_from_march()
    offer = discount_with_april_credited(setup)
    cancel(monkeypatch, setup, date(2026, 4, 15))
    assert cancellation_credit(setup["customer"]) == D("460.00")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    ledger_ok()
