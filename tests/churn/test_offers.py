"""Retention offers move money only through billing: a credit note per offer and invoice for each
period that starts in the window (docs/billing.md, "Retention offers")."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import CreditNote, Invoice, InvoiceLine, PackageChange
from churn.models import RetentionOffer, RetentionOfferCredit
from churn.offers import offer_window_end, retention_offer_make, retention_offer_withdraw, retention_offers_daily
from customers.models import Subscription
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.billing.test_run import configure, ledger_ok, run_billing
from tests.factories import PackageFactory, admin_user, make_customer, make_subscription


def next_month_start(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@pytest.fixture
def billed(db):
    """Basic ৳1,000 a month, anchor 1, VAT 15 %, this month invoiced by the run of its first day."""
    configure(downgrade_at_next_cycle=True)
    today = timezone.localdate()
    first = today.replace(day=1)
    basic = PackageFactory(name="Basic 10", price=D("1000.00"))
    fast = PackageFactory(name="Fast 40", price=D("1500.00"), download_mbps=40, upload_mbps=40)
    customer = make_customer(name="Nasrin Akter")
    subscription = make_subscription(customer=customer, package=basic, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(first, time(9))))
    run_billing(first)
    subscription.refresh_from_db()
    return {"today": today, "first": first, "basic": basic, "fast": fast, "customer": customer, "subscription": subscription,
            "manager": admin_user()}


def test_window_ends_with_the_billing_period_in_which_the_months_end(billed):
    subscription = billed["subscription"]
    assert offer_window_end(subscription=subscription, starts_on=date(2026, 3, 10), months=2) == date(2026, 5, 31)
    assert offer_window_end(subscription=subscription, starts_on=date(2026, 3, 1), months=1) == date(2026, 3, 31)
    assert offer_window_end(subscription=subscription, starts_on=date(2026, 1, 31), months=1) == date(2026, 2, 28)


def test_discount_credits_each_period_invoice_in_the_window_once(billed):
    today, customer, subscription = billed["today"], billed["customer"], billed["subscription"]
    offer = retention_offer_make(
        actor=billed["manager"], customer=customer, subscription=subscription, kind="discount", months=1, percent=D("20"),
    )
    covered_start = today if today.day == 1 else next_month_start(today)
    assert offer.ends_on == next_month_start(covered_start) - timedelta(days=1)
    if covered_start != today:
        assert not offer.credits.exists()  # this month started before the offer: billed in full
        run_billing(covered_start)
        assert retention_offers_daily(today=covered_start)["credited"] == 1
    invoice = Invoice.objects.get(lines__subscription=subscription, lines__period_start=covered_start)
    credit = RetentionOfferCredit.objects.get(offer=offer)
    # ৳1,000 + ৳150 VAT = ৳1,150 invoiced; 20 % of it is ৳230, as a credit note on the invoice.
    assert credit.invoice == invoice and credit.amount == D("230.00")
    assert CreditNote.objects.get(invoice=invoice).amount == D("230.00")
    invoice.refresh_from_db()
    assert invoice.total - invoice.amount_paid == D("920.00")

    # Running the job again, or on later days, credits nothing twice; the next month is billed in full.
    following = next_month_start(covered_start)
    run_billing(following)
    counts = retention_offers_daily(today=following)
    assert counts["credited"] == 0 and counts["ended"] == 1
    assert RetentionOfferCredit.objects.filter(offer=offer).count() == 1
    assert not CreditNote.objects.filter(invoice__lines__period_start=following).exists()
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    ledger_ok()


def test_discount_on_an_invoice_already_paid_becomes_account_credit_in_the_customers_language(billed):
    today, customer, subscription = billed["today"], billed["customer"], billed["subscription"]
    customer.language = "bn"
    customer.save(update_fields=["language"])
    covered_start = today if today.day == 1 else next_month_start(today)
    run_billing(covered_start)
    owed = sum(i.total - i.amount_paid for i in Invoice.objects.filter(customer=customer))
    payment_ledger_record(actor=billed["manager"], customer=customer, amount=owed, method=Payment.Method.CASH)
    offer = retention_offer_make(
        actor=billed["manager"], customer=customer, subscription=subscription, kind="discount", months=1, percent=D("10"),
    )
    credit = RetentionOfferCredit.objects.get(offer=offer)
    assert credit.amount == D("115.00") and credit.credit_note is None
    assert credit.account_entry.amount == D("-115.00")
    assert "গ্রাহক ধরে রাখার অফার: 10% ছাড়" in credit.account_entry.memo  # read on the customer's statement
    ledger_ok()


def test_free_upgrade_credits_the_upgrade_and_each_period_then_switches_back(billed):
    today, customer, subscription = billed["today"], billed["customer"], billed["subscription"]
    manager, basic, fast = billed["manager"], billed["basic"], billed["fast"]
    offer = retention_offer_make(
        actor=manager, customer=customer, subscription=subscription, kind="free_upgrade", months=1, upgrade_package=fast,
    )
    subscription.refresh_from_db()
    assert subscription.package == fast
    change = offer.upgrade_change
    assert change.status == PackageChange.Status.APPLIED
    # What the upgrade charged for the rest of the invoiced days is credited in full.
    if change.invoice_id:
        assert RetentionOfferCredit.objects.get(offer=offer, invoice=change.invoice).amount == change.invoice.total
    covered = next_month_start(today)
    if covered <= offer.ends_on:
        run_billing(covered)
        retention_offers_daily(today=covered)
        line = InvoiceLine.objects.get(subscription=subscription, period_start=covered, kind="recurring")
        assert line.gross == D("1725.00")  # Fast 40: ৳1,500 + ৳225 VAT
        credit = RetentionOfferCredit.objects.get(offer=offer, invoice=line.invoice)
        assert credit.amount == D("575.00")  # ৳1,725 × (1,500 − 1,000) ÷ 1,500: the customer pays Basic's ৳1,150
    # In the window's last period the switch back is requested: deferred to the next period's first day.
    last_start = offer.ends_on.replace(day=1)
    retention_offers_daily(today=max(last_start, today))
    offer.refresh_from_db()
    back = offer.switch_back_change
    assert back.to_package == basic and back.status == PackageChange.Status.SCHEDULED
    assert back.effective_date == offer.ends_on + timedelta(days=1)
    # After the window: the run bills Basic again and the offer ends.
    after = offer.ends_on + timedelta(days=1)
    run_billing(after)
    retention_offers_daily(today=after)
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    assert InvoiceLine.objects.get(subscription=subscription, period_start=after, kind="recurring").gross == D("1150.00")
    assert not RetentionOfferCredit.objects.filter(offer=offer, invoice__lines__period_start=after).exists()
    ledger_ok()


def test_offer_refused_changes_nothing(billed):
    customer, subscription, manager = billed["customer"], billed["subscription"], billed["manager"]
    other = make_subscription(package=billed["basic"], activate=True)
    with pytest.raises(ValidationError):
        retention_offer_make(actor=manager, customer=customer, subscription=other, kind="discount", months=1, percent=D("10"))
    with pytest.raises(ValidationError):
        retention_offer_make(actor=manager, customer=customer, subscription=subscription, kind="discount", months=1, percent=D("0"))
    with pytest.raises(ValidationError):  # a cheaper "upgrade"
        cheap = PackageFactory(name="Lite", price=D("600.00"))
        retention_offer_make(actor=manager, customer=customer, subscription=subscription, kind="free_upgrade", months=1, upgrade_package=cheap)
    assert not RetentionOffer.objects.exists() and not CreditNote.objects.exists()
    assert not PackageChange.objects.exists()


def test_second_active_offer_refused_and_withdrawn_offer_stops(billed):
    customer, subscription, manager = billed["customer"], billed["subscription"], billed["manager"]
    offer = retention_offer_make(actor=manager, customer=customer, subscription=subscription, kind="discount", months=2, percent=D("10"))
    with pytest.raises(ValidationError), transaction.atomic():
        retention_offer_make(actor=manager, customer=customer, subscription=subscription, kind="discount", months=1, percent=D("5"))
    retention_offer_withdraw(actor=manager, offer=offer, reason="Customer moved away")
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.WITHDRAWN
    credited = RetentionOfferCredit.objects.count()
    run_billing(next_month_start(billed["today"]))
    retention_offers_daily(today=next_month_start(billed["today"]))
    assert RetentionOfferCredit.objects.count() == credited


def test_discount_worked_example_of_the_billing_rules(db):
    """docs/billing.md, "Retention offers": 20 % for 2 months made on 10 March 2026 on Basic ৳1,000."""
    configure()
    basic = PackageFactory(name="Basic 10", price=D("1000.00"))
    customer = make_customer(name="Worked Example")
    subscription = make_subscription(customer=customer, package=basic, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime(2026, 3, 1, 9)))
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()
    offer = retention_offer_make(
        actor=None, customer=customer, subscription=subscription, kind="discount", months=2, percent=D("20"), today=date(2026, 3, 10),
    )
    assert (offer.starts_on, offer.ends_on) == (date(2026, 3, 10), date(2026, 5, 31))
    assert not offer.credits.exists()  # March was invoiced before the offer
    for run_day in (date(2026, 3, 25), date(2026, 4, 25), date(2026, 5, 25)):
        run_billing(run_day)
        retention_offers_daily(today=run_day)
    credits = {c.invoice.lines.get().period_start: c.amount for c in offer.credits.select_related("invoice")}
    assert credits == {date(2026, 4, 1): D("230.00"), date(2026, 5, 1): D("230.00")}
    june = Invoice.objects.get(lines__subscription=subscription, lines__period_start=date(2026, 6, 1))
    assert june.total == D("1150.00") and not CreditNote.objects.filter(invoice=june).exists()
    retention_offers_daily(today=date(2026, 6, 1))
    offer.refresh_from_db()
    assert offer.status == RetentionOffer.Status.ENDED
    ledger_ok()


def test_withdrawn_free_upgrade_goes_back_after_the_periods_already_credited(billed):
    customer, subscription, manager = billed["customer"], billed["subscription"], billed["manager"]
    offer = retention_offer_make(
        actor=manager, customer=customer, subscription=subscription, kind="free_upgrade", months=3, upgrade_package=billed["fast"],
    )
    subscription.refresh_from_db()
    credited_through = subscription.billed_through  # the upgrade's own charge, credited, runs this far
    retention_offer_withdraw(actor=manager, offer=offer, reason="Prefers the old package")
    offer.refresh_from_db()
    back = offer.switch_back_change
    # Deferred (Settings → Billing): from the first day after what was credited, with nothing to re-credit.
    assert back.status == PackageChange.Status.SCHEDULED and back.to_package == billed["basic"]
    assert back.effective_date == credited_through + timedelta(days=1)
    run_billing(back.effective_date)
    line = InvoiceLine.objects.get(subscription=subscription, period_start=back.effective_date, kind="recurring")
    assert line.gross == D("1150.00")  # billed at Basic again, and no retention credit on it
    assert not RetentionOfferCredit.objects.filter(invoice=line.invoice).exists()
    ledger_ok()


def test_each_offer_credit_is_recorded_against_the_lines_it_was_worked_out_on_and_the_backfill_writes_the_same(billed):
    # Billing reads these rows when it credits days back (no registry asks churn): the credit shared
    # over its basis lines by their gross. The migration that filled them for older credits
    # (churn 0006) writes the same rows from RetentionOfferCredit.
    import importlib

    from django.apps import apps

    from billing.models import LineCredit

    today, customer, subscription, manager = billed["today"], billed["customer"], billed["subscription"], billed["manager"]
    offer = retention_offer_make(actor=manager, customer=customer, subscription=subscription, kind="free_upgrade", months=2,
                                 upgrade_package=billed["fast"])
    for day in (next_month_start(today), next_month_start(next_month_start(today))):
        if day <= offer.ends_on:
            run_billing(day)
            retention_offers_daily(today=day)
    credits = list(RetentionOfferCredit.objects.filter(offer=offer).select_related("invoice"))
    assert credits
    for credit in credits:
        shares = LineCredit.objects.filter(line__invoice=credit.invoice)
        assert shares.exists()
        assert sum(share.amount for share in shares).quantize(D("0.01")) == credit.amount
        for share in shares:  # each line's share is its part of the basis's gross
            basis_gross = sum(s.line.gross for s in shares)
            assert share.amount == (credit.amount * share.line.gross / basis_gross).quantize(D("1E-10"))
    written = sorted((row.line_id, row.amount) for row in LineCredit.objects.all())

    LineCredit.objects.all().delete()
    importlib.import_module("churn.migrations.0006_line_credits_backfill").backfill(apps, None)
    assert sorted((row.line_id, row.amount) for row in LineCredit.objects.all()) == written
