"""Package changes and the cancellation credit: quotes by actual days, requests and decisions, applying
(money, package, router) exactly once, deferred downgrades through the billing run, and bad input."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Invoice, InvoiceLine, LedgerEntry, PackageChange
from billing.package_changes import (
    package_change_apply,
    package_change_billing_approve,
    package_change_billing_make,
    package_change_cancel,
    package_change_reject,
    package_change_request,
)
from billing.selectors import account_balance
from billing.services import account_credit
from billing.unused_days import package_change_quote
from customers.models import Subscription
from ispbill.notify.models import Message
from network.models import ProvisioningTask
from tests.billing.test_run import configure, counts, ledger_ok, run_billing
from tests.factories import PackageFactory, admin_user, make_subscription
from usecases.package_changes_apply_due import package_changes_apply_due
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

D = Decimal
STAFF = PackageChange.Source.STAFF
CUSTOMER = PackageChange.Source.CUSTOMER


@pytest.fixture(autouse=True)
def package_changes_billing_defaults(db):
    configure()


@pytest.fixture
def packages():
    return {
        "basic": PackageFactory(name="Basic 10", price=D("1000.00")),
        "fast": PackageFactory(name="Fast 40", price=D("1500.00")),
        "lite": PackageFactory(name="Lite 5", price=D("600.00")),
    }


def subscribed(package, *, day=date(2026, 3, 1), portal=False) -> Subscription:
    """A subscription activated on `day` (11:00 local) on `package`."""
    from django.utils import timezone

    from tests.factories import make_customer

    customer = make_customer(portal_password="portal-pass-1") if portal else None
    subscription = make_subscription(customer=customer, package=package, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(day, time(11))))
    return Subscription.objects.get(pk=subscription.pk)


def pay_everything(subscription) -> None:
    account_credit(actor=None, customer=subscription.customer, amount=account_balance(customer_id=subscription.customer_id), reason="Cash")


def change_lines(change) -> list[tuple]:
    return list(change.invoice.lines.order_by("id").values_list("kind", "period_start", "period_end", "net", "vat", "gross"))


def router_updates(subscription) -> list[dict]:
    return list(ProvisioningTask.objects.filter(subscription=subscription, action="update").values_list("desired", flat=True))


# Quotes and applying now -------------------------------------------------------------------------------


def test_upgrade_mid_cycle_credits_the_old_packages_unused_days_and_charges_the_new_ones(packages):
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))  # March at 1,000 + 15 % VAT
    pay_everything(subscription)
    subscription.refresh_from_db()

    quote = package_change_quote(subscription=subscription, to_package=packages["fast"], on=date(2026, 3, 11))

    # 11–31 March is 21 of 31 days. Old: 1000 − 1000 × 10/31 = 677.42; new: 1500 − 1500 × 10/31 = 1016.13.
    assert quote.mode == "now" and quote.effective_date == date(2026, 3, 11)
    assert [(line.kind, line.amount) for line in quote.lines] == [("credit", D("-677.42")), ("adjustment", D("1016.13"))]
    assert (quote.credit, quote.charge, quote.net, quote.vat, quote.total) == (
        D("779.03"), D("1168.55"), D("338.71"), D("50.81"), D("389.52")
    )
    assert quote.is_upgrade and not quote.deferred


def test_approving_an_upgrade_writes_one_invoice_switches_the_package_and_queues_the_router(packages):
    subscription = subscribed(packages["basic"], portal=True)
    run_billing(date(2026, 3, 1))
    pay_everything(subscription)
    request = package_change_request(
        actor=subscription.customer.user, subscription=subscription, to_package=packages["fast"], source=CUSTOMER, note="More speed"
    )
    assert request.status == "pending"
    assert Subscription.objects.get(pk=subscription.pk).package == packages["basic"]  # nothing until staff decide

    change = package_change_billing_approve(actor=admin_user(), change=request, note="Enjoy", on=date(2026, 3, 11))

    assert change.status == "applied" and change.applied_at and change.decided_by
    assert (change.credit, change.charge, change.total) == (D("779.03"), D("1168.55"), D("389.52"))
    assert change_lines(change) == [
        ("credit", date(2026, 3, 11), date(2026, 3, 31), D("-677.42"), D("-101.61"), D("-779.03")),
        ("adjustment", date(2026, 3, 11), date(2026, 3, 31), D("1016.13"), D("152.42"), D("1168.55")),
    ]
    assert change.invoice.total == D("389.52") and change.invoice.status == Invoice.Status.OPEN
    subscription.refresh_from_db()
    assert subscription.package == packages["fast"]
    assert [task["profile"] for task in router_updates(subscription)] == [packages["fast"].router_profile]
    assert account_balance(customer_id=subscription.customer_id) == D("389.52")
    ledger_ok()
    # The customer hears about it (queued now, sent after commit).
    message = Message.objects.get(event="package_change_decided", customer=subscription.customer)
    assert "Fast 40" in message.body

    # The next period is billed at the new package.
    run_billing(date(2026, 3, 25))
    april = InvoiceLine.objects.get(subscription=subscription, period_start=date(2026, 4, 1))
    assert (april.kind, april.net) == ("recurring", D("1500.00")) and april.description.startswith("Fast 40")


def test_applying_twice_writes_nothing_the_second_time(packages):
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    configure(downgrade_at_next_cycle=True)
    change = package_change_billing_make(actor=admin_user(), subscription=subscription, to_package=packages["lite"])
    assert change.status == "scheduled"
    package_changes_apply_due(today=change.effective_date)
    before = counts(), ProvisioningTask.objects.count()

    assert package_change_apply(actor=None, change=change).status == "applied"
    assert package_changes_apply_due(today=change.effective_date) == 0
    with pytest.raises(ValidationError):
        package_change_billing_approve(actor=admin_user(), change=change)

    assert (counts(), ProvisioningTask.objects.count()) == before


def test_an_invoiced_but_unpaid_period_is_credited_too_and_the_credit_lowers_what_is_due(packages):
    configure(downgrade_at_next_cycle=False)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    march = Invoice.objects.get(customer=subscription.customer)
    assert march.total == D("1150.00") and march.amount_paid == D("0.00")

    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))

    # Old 677.42 credited, new 600 − 600 × 10/31 = 406.45 charged; credit is larger: charge invoiced, credit on the ledger.
    assert (change.credit, change.charge) == (D("779.03"), D("467.42"))
    assert change.total == D("-311.61")
    assert [line[0] for line in change_lines(change)] == ["adjustment"]
    assert change.credit_entry.amount == D("-779.03") and change.credit_entry.kind == LedgerEntry.Kind.CREDIT
    march.refresh_from_db()
    assert march.amount_paid == D("779.03")  # applied to the oldest open invoice
    assert account_balance(customer_id=subscription.customer_id) == D("1150.00") - D("311.61")
    ledger_ok()


def test_days_not_invoiced_yet_carry_no_proration_and_the_next_invoice_bills_the_new_package(packages):
    subscription = subscribed(packages["basic"], day=date(2026, 3, 10))  # never billed yet

    quote = package_change_quote(subscription=subscription, to_package=packages["fast"], on=date(2026, 3, 11))
    assert quote.lines == () and quote.total == D("0.00")
    change = package_change_billing_make(actor=admin_user(), subscription=subscription, to_package=packages["fast"])

    assert change.status == "applied" and change.invoice is None and change.credit_entry is None
    run_billing(date(2026, 3, 11))
    line = InvoiceLine.objects.get(subscription=subscription)
    assert line.description.startswith("Fast 40") and line.period_start == date(2026, 3, 10)


# Deferred downgrades --------------------------------------------------------------------------------------


def test_a_downgrade_waits_for_the_next_period_and_that_periods_invoice_is_for_the_new_package(packages):
    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)

    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))

    assert (change.status, change.effective_mode, change.effective_date) == ("scheduled", "next_cycle", date(2026, 4, 1))
    assert (change.credit, change.charge, change.invoice) == (D("0.00"), D("0.00"), None)  # no proration
    assert Subscription.objects.get(pk=subscription.pk).package == packages["basic"]
    assert router_updates(subscription) == []

    run_billing(date(2026, 3, 25))  # issues April, before the change takes effect
    april = InvoiceLine.objects.get(subscription=subscription, period_start=date(2026, 4, 1))
    assert (april.kind, april.net) == ("recurring", D("600.00")) and april.description.startswith("Lite 5")

    assert package_changes_apply_due(today=date(2026, 3, 31)) == 0
    assert package_changes_apply_due(today=date(2026, 4, 1)) == 1
    subscription.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "applied" and change.invoice is None  # April was already priced right
    assert subscription.package == packages["lite"]
    assert [task["profile"] for task in router_updates(subscription)] == [packages["lite"].router_profile]
    ledger_ok()


def test_a_downgrade_approved_after_the_next_invoice_was_issued_corrects_that_period_when_it_applies(packages):
    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    run_billing(date(2026, 3, 25))  # April issued at 1,000
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)

    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 28))

    assert (change.status, change.effective_date, change.adjust_through) == ("scheduled", date(2026, 4, 1), date(2026, 4, 30))
    assert (change.credit, change.charge) == (D("1150.00"), D("690.00"))
    balance = account_balance(customer_id=subscription.customer_id)
    package_changes_apply_due(today=date(2026, 4, 1))
    change.refresh_from_db()
    assert change.status == "applied"
    assert account_balance(customer_id=subscription.customer_id) == balance - D("460.00")
    run_billing(date(2026, 4, 25))
    may = InvoiceLine.objects.get(subscription=subscription, period_start=date(2026, 5, 1))
    assert may.net == D("600.00")
    ledger_ok()


# Cancellation --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [True, False])
def test_cancellation_credits_unused_invoiced_days_only_when_the_isp_does(packages, policy):
    from django.utils import timezone

    configure(credit_unused_days_on_cancel=policy)
    today = timezone.localdate()
    subscription = subscribed(packages["basic"], day=today.replace(day=1))
    run_billing(today.replace(day=1))
    pay_everything(subscription)
    balance = account_balance(customer_id=subscription.customer_id)
    subscription.refresh_from_db()

    subscription_cancel(actor=admin_user(), subscription=subscription, reason="Moving away")

    credits = LedgerEntry.objects.filter(account__customer=subscription.customer, memo__startswith="Cancellation")
    if not policy or subscription.billed_through == today:
        assert not credits.exists() and account_balance(customer_id=subscription.customer_id) == balance
        return
    from billing.proration import amount_for_days
    from billing.vat import vat_line
    from ispbill.core.periods import periods_between

    period = periods_between(today, today, anchor_day=1, months=1)[0]
    net = amount_for_days(D("1000.00"), period=period, first_day=date.fromordinal(today.toordinal() + 1), last_day=period.end)
    expected = vat_line(net, rate=D("15"), prices_include_vat=False).gross
    assert [entry.amount for entry in credits] == [-expected]
    assert account_balance(customer_id=subscription.customer_id) == balance - expected
    ledger_ok()


def test_cancelling_withdraws_an_open_request(packages):
    subscription = subscribed(packages["basic"])
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["fast"], source=STAFF)
    subscription_cancel(actor=admin_user(), subscription=subscription, reason="Moving away")
    request.refresh_from_db()
    assert request.status == "cancelled"


# Staff editing the package -------------------------------------------------------------------------------


def test_editing_the_package_on_a_subscription_goes_through_the_prorated_change(packages):
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))

    subscription_update(actor=admin_user(), subscription=subscription, package=packages["fast"])

    change = PackageChange.objects.get(subscription=subscription)
    assert (change.status, change.source, change.to_package) == ("applied", "staff", packages["fast"])
    assert Subscription.objects.get(pk=subscription.pk).package == packages["fast"]
    assert len(router_updates(subscription)) == 1


# Bad input: a clear refusal, nothing changed ------------------------------------------------------------


def _refused(call, packages) -> str:
    before = counts(), PackageChange.objects.count(), list(PackageChange.objects.values_list("status", flat=True))
    with pytest.raises(ValidationError) as error:
        call()
    assert (counts(), PackageChange.objects.count(), list(PackageChange.objects.values_list("status", flat=True))) == before
    return " ".join(error.value.messages)


def test_bad_requests_are_refused_and_change_nothing(packages):
    subscription = subscribed(packages["basic"])
    retired = PackageFactory(name="Old 2", price=D("300.00"), is_active=False)
    ask = lambda package: lambda: package_change_request(  # noqa: E731
        actor=None, subscription=subscription, to_package=package, source=CUSTOMER
    )

    assert "already on Basic 10" in _refused(ask(packages["basic"]), packages)
    assert "no longer sold" in _refused(ask(retired), packages)
    first = package_change_request(actor=None, subscription=subscription, to_package=packages["fast"], source=CUSTOMER)
    assert "already waiting" in _refused(ask(packages["lite"]), packages)

    package_change_reject(actor=admin_user(), change=first, note="Not in your area yet")
    assert "already rejected" in _refused(lambda: package_change_billing_approve(actor=admin_user(), change=first), packages)
    assert "already rejected" in _refused(lambda: package_change_reject(actor=admin_user(), change=first, note="again"), packages)
    assert "already rejected" in _refused(lambda: package_change_cancel(actor=None, change=first), packages)
    second = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=CUSTOMER)
    assert "Say why" in _refused(lambda: package_change_reject(actor=admin_user(), change=second, note="  "), packages)
    assert Subscription.objects.get(pk=subscription.pk).package == packages["basic"]


def test_a_rejection_tells_the_customer_with_the_note(packages):
    subscription = subscribed(packages["basic"], portal=True)
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["fast"], source=CUSTOMER)
    package_change_reject(actor=admin_user(), change=request, note="Not in your area yet")
    message = Message.objects.get(event="package_change_decided", customer=subscription.customer)
    assert "not approved" in message.body and "Not in your area yet" in message.body


def test_a_staff_made_change_sends_no_decision_message(packages):
    subscription = subscribed(packages["basic"], portal=True)
    package_change_billing_make(actor=admin_user(), subscription=subscription, to_package=packages["fast"])
    assert not Message.objects.filter(event="package_change_decided").exists()


def test_cancelling_while_a_downgrade_is_scheduled_credits_what_was_invoiced_not_todays_price(packages):
    """Defect 2: April was invoiced at the scheduled lower price (Lite, 600); cancelling on 28 March
    (still on Basic, 1,000) credited April at 1,000. Every credit reverses what was invoiced."""
    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)
    package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))
    run_billing(date(2026, 3, 25))  # April issued at 600 (Lite), the change scheduled for 1 April
    assert InvoiceLine.objects.get(subscription=subscription, period_start=date(2026, 4, 1)).net == D("600.00")
    subscription.refresh_from_db()
    balance = account_balance(customer_id=subscription.customer_id)

    from billing.package_changes import subscription_cancelled

    Subscription.objects.filter(pk=subscription.pk).update(status=Subscription.Status.CANCELLED)
    entry = subscription_cancelled(actor=None, subscription=subscription, last_day=date(2026, 3, 28))

    # 29–31 March at Basic: 1000 × 3/31 = 96.77; all of April at Lite: 600.00; + 15 % VAT each line.
    march = D("96.77") + D("14.52")
    april = D("600.00") + D("90.00")
    assert entry.amount == -(march + april)
    assert account_balance(customer_id=subscription.customer_id) == balance - march - april
    ledger_ok()


def test_withdrawing_a_scheduled_downgrade_after_the_next_period_was_invoiced_bills_the_difference(packages):
    """Defect 3: April was invoiced at Lite (600) for the scheduled downgrade; withdrawing it kept the
    connection on Basic (1,000) and April under-billed. The withdrawal now issues the correction, and
    the quote shown before confirming says so."""
    from billing.package_changes import package_change_withdrawal_quote

    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))
    run_billing(date(2026, 3, 25))  # April at 600
    balance = account_balance(customer_id=subscription.customer_id)

    quote = package_change_withdrawal_quote(change=change)
    # April: credit the 600 invoiced, charge Basic's 1,000: + 400 net, + 60 VAT.
    assert (quote.credit, quote.charge, quote.total) == (D("690.00"), D("1150.00"), D("460.00"))

    change = package_change_cancel(actor=admin_user(), change=change, reason="Customer changed their mind")

    assert change.status == "cancelled" and change.invoice is not None
    assert change.invoice.total == D("460.00")
    assert account_balance(customer_id=subscription.customer_id) == balance + D("460.00")
    assert Subscription.objects.get(pk=subscription.pk).package == packages["basic"]
    run_billing(date(2026, 4, 25))
    assert InvoiceLine.objects.get(subscription=subscription, period_start=date(2026, 5, 1)).net == D("1000.00")
    ledger_ok()


def test_withdrawing_a_scheduled_downgrade_before_the_next_invoice_bills_nothing(packages):
    from billing.package_changes import package_change_withdrawal_quote

    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))
    invoices = Invoice.objects.count()

    assert package_change_withdrawal_quote(change=change).lines == ()
    change = package_change_cancel(actor=admin_user(), change=change, reason="Changed their mind")

    assert change.invoice is None and Invoice.objects.count() == invoices


def test_the_withdrawal_dialog_shows_the_correction_before_it_is_confirmed(packages, client):
    from django.urls import reverse

    configure(downgrade_at_next_cycle=True)
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    request = package_change_request(actor=None, subscription=subscription, to_package=packages["lite"], source=STAFF)
    change = package_change_billing_approve(actor=admin_user(), change=request, on=date(2026, 3, 11))
    run_billing(date(2026, 3, 25))
    client.force_login(admin_user())
    invoices = Invoice.objects.count()

    page = client.get(reverse("staff:packagechange-cancel", args=[change.pk])).content.decode()

    assert 'data-testid="withdrawal-correction"' in page and "460.00" in page
    assert Invoice.objects.count() == invoices  # showing it writes nothing
    client.post(reverse("staff:packagechange-cancel", args=[change.pk]), {"note": "Customer stays on Basic"})
    change.refresh_from_db()
    assert change.status == "cancelled" and change.invoice.total == D("460.00")


# Pause with skip billing (defect 1) ------------------------------------------------------------------


def paused(subscription, *, on: date) -> Subscription:
    """Suspended at the customer's request with skip billing, dated `on` (the pause day)."""
    from django.utils import timezone

    subscription_suspend(
        actor=None, subscription=subscription, reason="Travelling", suspension_type="customer_request", skip_billing=True,
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        suspended_at=timezone.make_aware(datetime.combine(on, time(10)))
    )
    return Subscription.objects.get(pk=subscription.pk)


def test_reactivation_after_a_pause_bills_from_the_reactivation_day_not_the_paused_periods(packages):
    """Defect 1: billed_through stayed frozen during the pause and the first run after reactivation
    billed every period that started during it, at full price."""
    from django.utils import timezone

    today = timezone.localdate()
    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))  # March at 1,000
    subscription = paused(subscription, on=date(2026, 3, 10))
    for day in (date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 1)):
        assert run_billing(day).issued == 0  # nothing while paused

    subscription_reactivate(actor=None, subscription=subscription, reason="Back home")
    run_billing(today)

    lines = list(InvoiceLine.objects.filter(subscription=subscription).order_by("period_start").values_list("kind", "period_start", "period_end"))
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    expected_kind = "recurring" if today.day == 1 else "prorated"
    assert lines[0] == ("recurring", date(2026, 3, 1), date(2026, 3, 31))
    assert lines[1] == (expected_kind, today, month_end)  # from the reactivation day, prorated to the next anchor
    assert all(start >= today for _kind, start, _end in lines[1:])  # no period that started during the pause
    ledger_ok()


def test_a_pause_credits_the_invoiced_days_after_the_pause_day_and_reactivation_in_them_charges_them_again(packages):
    from billing.unused_days import subscription_paused, subscription_resumed

    subscription = subscribed(packages["basic"])
    run_billing(date(2026, 3, 1))
    subscription.refresh_from_db()
    balance = account_balance(customer_id=subscription.customer_id)

    credit = subscription_paused(actor=None, subscription=subscription, last_day=date(2026, 3, 10))
    # 11–31 March, 21 of 31 days of the 1,000 invoiced: 677.42 + 15 % VAT 101.61.
    assert credit.amount == D("-779.03")

    invoice = subscription_resumed(actor=None, subscription=subscription, paused_on=date(2026, 3, 10), first_day=date(2026, 3, 21))
    # 21–31 March again at Basic: 1000 × 11/31 = 354.84 + VAT 53.23.
    assert invoice.total == D("408.07")
    assert account_balance(customer_id=subscription.customer_id) == balance - D("779.03") + D("408.07")
    subscription.refresh_from_db()
    assert subscription.billed_through == date(2026, 3, 31)
    assert run_billing(date(2026, 3, 25)).issued == 1  # April as usual
    ledger_ok()
