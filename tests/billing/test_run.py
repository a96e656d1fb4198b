"""The billing run: what it issues (periods, proration, VAT, anchors, credit), its dunning, and that it
is idempotent, resumable after a crash and gap-free under concurrent chunk workers."""

import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from billing import run as billing_run_module
from billing.models import Account, Allocation, BillingRun, BillingRunChunk, BillingSettings, Invoice, InvoiceLine, LedgerEntry
from billing.run import (
    billing_run_chunk_notify,
    billing_run_chunk_process,
    billing_run_process_pending,
    billing_run_resume,
    billing_run_scheduled,
    billing_run_start,
)
from billing.selectors import current_billing_settings
from billing.services import account_credit
from customers.models import Customer, Subscription
from ispbill.core.models import AuditLog
from ispbill.notify.models import Message
from tests.factories import AreaFactory, PackageFactory, RouterFactory, make_customer, make_subscription
from tests.threads import run_in_threads
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_suspend import subscription_suspend

D = Decimal


def configure(**changes) -> BillingSettings:
    """The ISP's billing settings for a test: the documented defaults, then `changes`."""
    current_billing_settings()
    values = {
        "mode": BillingSettings.Mode.CALENDAR, "allowed_anchor_days": [1, 5, 25, 30], "default_anchor_day": 1,
        "issue_days_before": 7, "due_days": 7, "grace_days": 3, "vat_rate": D("15"), "prices_include_vat": False,
        "late_fee": D("0"), **changes,
    }
    BillingSettings.objects.filter(pk=1).update(**values)
    return BillingSettings.objects.get(pk=1)


@pytest.fixture(autouse=True)
def run_billing_defaults(db):
    configure()


def activated_on(day: date, *, customer=None, package=None, username=None, **kwargs) -> Subscription:
    """A subscription activated (through the lifecycle service) as if on `day` at 11:00 local time."""
    extra = {"username": username} if username else {}
    subscription = make_subscription(customer=customer, package=package, activate=True, **extra, **kwargs)
    Subscription.objects.filter(pk=subscription.pk).update(
        activated_at=timezone.make_aware(datetime.combine(day, time(11, 0)))
    )
    return Subscription.objects.get(pk=subscription.pk)


def run_billing(day: date, **kwargs) -> BillingRun:
    return billing_run_process_pending(billing_run_start(run_date=day, **kwargs))


def ledger_ok() -> None:
    call_command("check_ledger", stdout=open("/dev/null", "w"))  # raises CommandError when a cache disagrees


def lines_of(subscription: Subscription) -> list[tuple]:
    return list(
        InvoiceLine.objects.filter(subscription=subscription).order_by("period_start")
        .values_list("kind", "period_start", "period_end", "net", "vat", "gross")
    )


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Invoice, InvoiceLine, LedgerEntry, Allocation, Account, AuditLog)
    }


# What is issued -----------------------------------------------------------------------------------


def test_first_invoice_is_prorated_from_activation_then_whole_periods_follow():
    package = PackageFactory(price=D("1000.00"))
    subscription = activated_on(date(2026, 3, 10), package=package)

    first = run_billing(date(2026, 3, 10))

    assert first.status == BillingRun.Status.SUCCEEDED and first.issued == 1
    # 10–31 March is 22 of 31 days: 1000 × 22/31 = 709.68, VAT 15 % = 106.45.
    assert lines_of(subscription) == [("prorated", date(2026, 3, 10), date(2026, 3, 31), D("709.68"), D("106.45"), D("816.13"))]
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert (invoice.issue_date, invoice.due_date, invoice.total, invoice.status) == (
        date(2026, 3, 10), date(2026, 3, 17), D("816.13"), Invoice.Status.OPEN
    )
    assert invoice.number.startswith("INV-2026-") and invoice.billing_run == first
    subscription.refresh_from_db()
    assert (subscription.billing_anchor_day, subscription.billing_anchor_month, subscription.billed_through) == (1, 1, date(2026, 3, 31))
    assert Account.objects.get(customer=subscription.customer).balance == D("816.13")
    account_credit(actor=None, customer=subscription.customer, amount=D("816.13"), reason="Cash at the counter")

    assert run_billing(date(2026, 3, 24)).issued == 0  # 1 April − 7 days is 25 March
    assert run_billing(date(2026, 3, 25)).issued == 1

    assert lines_of(subscription)[1:] == [("recurring", date(2026, 4, 1), date(2026, 4, 30), D("1000.00"), D("150.00"), D("1150.00"))]
    subscription.refresh_from_db()
    assert (subscription.billed_through, subscription.paid_through, subscription.status) == (date(2026, 4, 30), date(2026, 3, 31), "active")
    ledger_ok()


@pytest.mark.parametrize(
    "anchor_day, first_line, next_period",
    [
        # Activated 20 Jan 2026 at 1,000 a month; the first charge runs to the end of the period holding 20 Jan.
        (1, ("prorated", date(2026, 1, 20), date(2026, 1, 31), D("387.10")), (date(2026, 2, 1), date(2026, 2, 28))),
        (5, ("prorated", date(2026, 1, 20), date(2026, 2, 4), D("516.13")), (date(2026, 2, 5), date(2026, 3, 4))),
        (25, ("prorated", date(2026, 1, 20), date(2026, 1, 24), D("161.29")), (date(2026, 1, 25), date(2026, 2, 24))),
        # Anchor 30: February has no 30th, so that period starts on 28 Feb and the 30th comes back in March.
        (30, ("prorated", date(2026, 1, 20), date(2026, 1, 29), D("322.58")), (date(2026, 1, 30), date(2026, 2, 27))),
    ],
)
def test_calendar_anchor_days_set_the_periods(anchor_day, first_line, next_period):
    configure(default_anchor_day=anchor_day, vat_rate=D("0"))
    subscription = activated_on(date(2026, 1, 20), package=PackageFactory(price=D("1000.00")))

    run_billing(date(2026, 1, 20))
    run_billing(max(date(2026, 1, 20), next_period[0] - timedelta(days=7)))  # issued 7 days before it starts

    kind, start, end, amount = first_line
    assert lines_of(subscription)[0] == (kind, start, end, amount, D("0.00"), amount)
    assert lines_of(subscription)[1] == ("recurring", *next_period, D("1000.00"), D("0.00"), D("1000.00"))
    subscription.refresh_from_db()
    assert (subscription.billing_anchor_day, subscription.billing_anchor_month) == (anchor_day, 1)
    ledger_ok()


def test_anchor_30_after_february_returns_to_the_30th():
    configure(default_anchor_day=30, vat_rate=D("0"))
    subscription = activated_on(date(2026, 1, 30), package=PackageFactory(price=D("1000.00")))
    for day in (date(2026, 1, 30), date(2026, 2, 21), date(2026, 3, 23)):
        run_billing(day)
    assert [(start, end) for _k, start, end, *_ in lines_of(subscription)] == [
        (date(2026, 1, 30), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 29)),
        (date(2026, 3, 30), date(2026, 4, 29)),
    ]
    assert all(kind == "recurring" for kind, *_ in lines_of(subscription))


def test_anniversary_billing_on_the_31st_through_a_leap_february():
    configure(mode=BillingSettings.Mode.ANNIVERSARY, vat_rate=D("0"))
    subscription = activated_on(date(2028, 1, 31), package=PackageFactory(price=D("1000.00")))
    account_credit(actor=None, customer=subscription.customer, amount=D("5000.00"), reason="Paid a year ahead")

    for day in (date(2028, 1, 31), date(2028, 2, 22), date(2028, 3, 24)):
        run_billing(day)

    assert [(kind, start, end, gross) for kind, start, end, _n, _v, gross in lines_of(subscription)] == [
        ("recurring", date(2028, 1, 31), date(2028, 2, 28), D("1000.00")),
        ("recurring", date(2028, 2, 29), date(2028, 3, 30), D("1000.00")),
        ("recurring", date(2028, 3, 31), date(2028, 4, 29), D("1000.00")),
    ]
    subscription.refresh_from_db()
    assert (subscription.billing_anchor_day, subscription.billing_anchor_month) == (31, 1)
    assert subscription.paid_through == date(2028, 4, 29)  # every invoice paid from the credit
    ledger_ok()


def test_anniversary_of_february_29_falls_on_february_28_in_common_years():
    configure(mode=BillingSettings.Mode.ANNIVERSARY, vat_rate=D("0"), issue_days_before=0)
    subscription = activated_on(date(2028, 2, 29), package=PackageFactory(price=D("1200.00"), billing_cycle="annual"))
    account_credit(actor=None, customer=subscription.customer, amount=D("2400.00"), reason="Two years prepaid")

    run_billing(date(2028, 2, 29))
    run_billing(date(2029, 2, 27))  # nothing due yet: the anniversary in 2029 is 28 Feb
    run_billing(date(2029, 2, 28))

    assert [(start, end) for _k, start, end, *_ in lines_of(subscription)] == [
        (date(2028, 2, 29), date(2029, 2, 27)),
        (date(2029, 2, 28), date(2030, 2, 27)),
    ]
    subscription.refresh_from_db()
    assert (subscription.billing_anchor_day, subscription.billing_anchor_month) == (29, 2)
    ledger_ok()


def test_prices_including_vat_keep_the_price_as_the_gross():
    configure(prices_include_vat=True)
    subscription = activated_on(date(2026, 5, 1), package=PackageFactory(price=D("1150.00")))
    run_billing(date(2026, 5, 1))
    assert lines_of(subscription) == [("recurring", date(2026, 5, 1), date(2026, 5, 31), D("1000.00"), D("150.00"), D("1150.00"))]
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert (invoice.subtotal, invoice.vat_total, invoice.total, invoice.vat_rate) == (D("1000.00"), D("150.00"), D("1150.00"), D("15.00"))
    ledger_ok()


def test_prices_excluding_vat_add_it_per_line():
    subscription = activated_on(date(2026, 5, 1), package=PackageFactory(price=D("999.99")))
    run_billing(date(2026, 5, 1))
    # 15 % of 999.99 is 149.9985, rounded half-up at the line.
    assert lines_of(subscription) == [("recurring", date(2026, 5, 1), date(2026, 5, 31), D("999.99"), D("150.00"), D("1149.99"))]


def test_quarterly_package_follows_calendar_quarters():
    subscription = activated_on(date(2026, 2, 15), package=PackageFactory(price=D("3000.00"), billing_cycle="quarterly"))
    account_credit(actor=None, customer=subscription.customer, amount=D("10000.00"), reason="Prepaid")
    run_billing(date(2026, 2, 15))
    run_billing(date(2026, 3, 25))
    # 15 Feb – 31 Mar is 45 of the quarter's 90 days.
    assert lines_of(subscription) == [
        ("prorated", date(2026, 2, 15), date(2026, 3, 31), D("1500.00"), D("225.00"), D("1725.00")),
        ("recurring", date(2026, 4, 1), date(2026, 6, 30), D("3000.00"), D("450.00"), D("3450.00")),
    ]
    ledger_ok()


def test_customer_with_two_subscriptions_gets_one_invoice_with_both_lines():
    customer = make_customer()
    first = activated_on(date(2026, 6, 1), customer=customer, package=PackageFactory(price=D("1000.00")))
    second = activated_on(date(2026, 6, 1), customer=customer, package=PackageFactory(price=D("500.00")))
    run = run_billing(date(2026, 6, 1))
    assert run.issued == 1
    invoice = Invoice.objects.get(customer=customer)
    assert sorted(invoice.lines.values_list("subscription_id", flat=True)) == sorted([first.pk, second.pk])
    assert invoice.total == D("1725.00") and run.issued_total == D("1725.00")
    assert LedgerEntry.objects.filter(invoice=invoice).get().amount == D("1725.00")
    ledger_ok()


def test_customer_with_credit_has_the_new_invoice_paid_from_it():
    with_credit = activated_on(date(2026, 7, 1), package=PackageFactory(price=D("1000.00")))
    without_credit = activated_on(date(2026, 7, 1), package=PackageFactory(price=D("1000.00")))
    account_credit(actor=None, customer=with_credit.customer, amount=D("2000.00"), reason="Advance payment")

    run_billing(date(2026, 7, 1))

    paid = Invoice.objects.get(customer=with_credit.customer)
    assert (paid.status, paid.amount_paid) == (Invoice.Status.PAID, D("1150.00"))
    assert Allocation.objects.get(invoice=paid).amount == D("1150.00")
    assert Account.objects.get(customer=with_credit.customer).balance == D("-850.00")
    with_credit.refresh_from_db()
    assert with_credit.paid_through == date(2026, 7, 31)
    unpaid = Invoice.objects.get(customer=without_credit.customer)
    assert (unpaid.status, unpaid.amount_paid) == (Invoice.Status.OPEN, D("0.00"))
    ledger_ok()


def test_partial_credit_leaves_the_invoice_partially_paid():
    subscription = activated_on(date(2026, 7, 1), package=PackageFactory(price=D("1000.00")))
    account_credit(actor=None, customer=subscription.customer, amount=D("150.00"), reason="Refund of a double payment")
    run_billing(date(2026, 7, 1))
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert (invoice.status, invoice.amount_paid) == (Invoice.Status.PARTIALLY_PAID, D("150.00"))
    assert Account.objects.get(customer=subscription.customer).balance == D("1000.00")
    ledger_ok()


def test_pending_cancelled_and_skip_billing_subscriptions_are_not_billed():
    area = AreaFactory()
    package = PackageFactory(price=D("1000.00"))
    pending = make_subscription(customer=make_customer(area=area), package=package)
    cancelled = activated_on(date(2026, 8, 1), customer=make_customer(area=area), package=package)
    subscription_cancel(actor=None, subscription=cancelled, reason="Moved away")
    on_hold = activated_on(date(2026, 8, 1), customer=make_customer(area=area), package=package)
    subscription_suspend(
        actor=None, subscription=on_hold, reason="Travelling for two months", suspension_type="customer_request", skip_billing=True
    )
    unpaid = activated_on(date(2026, 8, 1), customer=make_customer(area=area), package=package)
    subscription_suspend(actor=None, subscription=unpaid, reason="Old dues", suspension_type="non_payment")

    run = run_billing(date(2026, 8, 1))

    assert run.issued == 1
    assert list(InvoiceLine.objects.values_list("subscription_id", flat=True)) == [unpaid.pk]
    for subscription in (pending, cancelled, on_hold):
        subscription.refresh_from_db()
        assert subscription.billed_through is None and subscription.billing_anchor_day is None
    ledger_ok()


def test_free_package_issues_a_paid_zero_invoice_without_a_ledger_entry():
    subscription = activated_on(date(2026, 8, 1), package=PackageFactory(price=D("0.00")))
    run_billing(date(2026, 8, 1))
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert (invoice.total, invoice.status) == (D("0.00"), Invoice.Status.PAID)
    assert not LedgerEntry.objects.exists()
    subscription.refresh_from_db()
    assert subscription.billed_through == date(2026, 8, 31)
    ledger_ok()


# Idempotency, crash and resume -----------------------------------------------------------------------


def test_second_run_on_the_same_day_creates_no_rows():
    configure(late_fee=D("50.00"))
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("700.00")))
    run_billing(date(2026, 3, 1))
    run_billing(date(2026, 3, 12))  # overdue, late fees, suspensions
    before = counts()
    states = list(Subscription.objects.order_by("pk").values_list("status", "billed_through", "paid_through"))

    again = run_billing(date(2026, 3, 12))

    assert (again.issued, again.overdue, again.late_fees, again.suspended, again.failed) == (0, 0, 0, 0, 0)
    assert counts() == {**before, "AuditLog": before["AuditLog"] + 1}  # only the run's own "started" entry
    assert list(Subscription.objects.order_by("pk").values_list("status", "billed_through", "paid_through")) == states
    ledger_ok()


def _build_world() -> None:
    """Six customers in three chunks of two, with every case the run handles; fixed names and logins
    so that two builds of it can be compared row by row."""
    configure(late_fee=D("40.00"))
    monthly = PackageFactory(name="Home 20", price=D("1000.00"), router_profile="home20")
    quarterly = PackageFactory(name="Office Q", price=D("2700.00"), billing_cycle="quarterly", router_profile="officeq")
    area = AreaFactory()
    router = RouterFactory(branch=area.branch)
    customers = [make_customer(area=area, name=f"Customer {n}") for n in range(6)]
    activated_on(date(2026, 3, 10), customer=customers[0], package=monthly, username="c0-a", router=router)
    activated_on(date(2026, 3, 1), customer=customers[1], package=monthly, username="c1-a", router=router)
    activated_on(date(2026, 3, 1), customer=customers[1], package=quarterly, username="c1-b", router=router)
    activated_on(date(2026, 2, 20), customer=customers[2], package=quarterly, username="c2-a", router=router)
    activated_on(date(2026, 3, 3), customer=customers[3], package=monthly, username="c3-a", router=router)
    account_credit(actor=None, customer=customers[3], amount=D("3000.00"), reason="Prepaid")
    activated_on(date(2026, 3, 1), customer=customers[4], package=monthly, username="c4-a", router=router)
    make_subscription(customer=customers[5], package=monthly, username="c5-pending", router=router)


def _snapshot() -> dict:
    """The run's observable result, by natural keys (numbers, logins), not by database ids."""
    return {
        "invoices": sorted(Invoice.objects.values_list(
            "number", "customer__account_number", "status", "issue_date", "due_date", "subtotal", "vat_total", "total",
            "amount_paid", "late_fee_applied",
        )),
        "lines": sorted(InvoiceLine.objects.values_list(
            "invoice__number", "subscription__username", "kind", "description", "period_start", "period_end", "net", "vat", "gross",
        ), key=repr),
        "ledger": sorted(LedgerEntry.objects.values_list("account__customer__account_number", "kind", "amount", "invoice__number", "effective_date"), key=repr),
        "allocations": sorted(Allocation.objects.values_list("invoice__number", "amount")),
        "accounts": sorted(Account.objects.values_list("customer__account_number", "balance")),
        "subscriptions": sorted(Subscription.objects.values_list(
            "username", "status", "suspension_type", "billing_anchor_day", "billing_anchor_month", "billed_through", "paid_through",
        )),
        "customers": sorted(Customer.objects.values_list("account_number", "status")),
        "suspensions": sorted(AuditLog.objects.filter(action="subscription.suspend").values_list("object_repr", "reason")),
    }


class WorkerKilled(BaseException):
    """Stands in for a worker process killed mid-chunk: not an Exception, so nothing in the run catches it."""


def test_run_resumed_after_a_crash_mid_chunk_gives_exactly_the_rows_of_a_clean_run(monkeypatch):
    class Discard(Exception):
        pass

    with pytest.raises(Discard), transaction.atomic():
        _build_world()
        run_billing(date(2026, 3, 10), chunk_size=2)
        run_billing(date(2026, 3, 25), chunk_size=2)
        clean = _snapshot()
        raise Discard  # the clean world is rolled back; the same world is built again below

    _build_world()
    run_billing(date(2026, 3, 10), chunk_size=2)
    real_write = billing_run_module._write
    calls = []

    def write_then_die(*args, **kwargs):
        written = real_write(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:  # the second chunk dies after writing its invoices, lines and ledger entries
            raise WorkerKilled
        return written

    monkeypatch.setattr(billing_run_module, "_write", write_then_die)
    run = billing_run_start(run_date=date(2026, 3, 25), chunk_size=2)
    with pytest.raises(WorkerKilled):
        billing_run_process_pending(run)
    run.refresh_from_db()
    assert run.status == BillingRun.Status.RUNNING and run.chunks_done == 1
    assert list(run.chunks.values_list("status", flat=True)) == ["done", "pending", "pending"]

    monkeypatch.setattr(billing_run_module, "_write", real_write)
    resumed = billing_run_process_pending(run)

    assert resumed.status == BillingRun.Status.SUCCEEDED and resumed.chunks_done == 3
    assert _snapshot() == clean
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    ledger_ok()


def test_a_chunk_delivered_twice_does_its_work_once():
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run = billing_run_start(run_date=date(2026, 3, 1))
    chunk = run.chunks.get()
    assert billing_run_chunk_process(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id) == "done"
    assert billing_run_chunk_process(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id) == "done"
    run.refresh_from_db()
    assert (run.chunks_done, run.issued, run.status) == (1, 1, BillingRun.Status.SUCCEEDED)
    assert InvoiceLine.objects.filter(subscription=subscription).count() == 1


def test_failed_chunk_rolls_back_records_the_error_and_the_next_run_catches_up(monkeypatch):
    subscriptions = [activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00"))) for _ in range(3)]
    broken = subscriptions[1].customer_id
    real_plan = billing_run_module.plan_invoices

    def plan_fails_for_one_customer(due, late, **kwargs):
        if any(sub.customer_id == broken for sub in due):
            raise RuntimeError("package price missing")
        return real_plan(due, late, **kwargs)

    monkeypatch.setattr(billing_run_module, "plan_invoices", plan_fails_for_one_customer)
    run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=1)
    run = billing_run_process_pending(run)

    assert run.status == BillingRun.Status.FAILED
    assert (run.chunks_done, run.chunks_failed, run.issued, run.failed) == (2, 1, 2, 1)
    assert any("package price missing" in error for error in run.errors)
    assert run.chunks.get(first_id=broken).status == BillingRunChunk.Status.FAILED
    assert not Invoice.objects.filter(customer_id=broken).exists()
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["INV-2026-00001", "INV-2026-00002"]

    monkeypatch.setattr(billing_run_module, "plan_invoices", real_plan)
    again = run_billing(date(2026, 3, 1))
    assert (again.status, again.issued) == (BillingRun.Status.SUCCEEDED, 1)
    assert Invoice.objects.get(customer_id=broken).number == "INV-2026-00003"
    ledger_ok()


def test_transient_database_error_is_raised_for_a_retry_until_the_last_attempt(monkeypatch):
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))

    def deadlock(*args, **kwargs):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(billing_run_module, "_write", deadlock)
    run = billing_run_start(run_date=date(2026, 3, 1))
    chunk = run.chunks.get()
    with pytest.raises(OperationalError):
        billing_run_chunk_process(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id, final_attempt=False)
    chunk.refresh_from_db()
    assert chunk.status == BillingRunChunk.Status.PENDING

    assert billing_run_chunk_process(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id, final_attempt=True) == "failed"
    run.refresh_from_db()
    assert run.status == BillingRun.Status.FAILED and not Invoice.objects.exists()


def test_resume_queues_the_pending_chunks_and_the_worker_finishes_the_run(django_capture_on_commit_callbacks, eager_celery):
    for _ in range(3):
        activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=1, dispatch=False)  # as if the messages were lost
    first = run.chunks.first()
    billing_run_chunk_process(run_id=run.pk, first_id=first.first_id, last_id=first.last_id)

    with django_capture_on_commit_callbacks(execute=True):
        queued = billing_run_resume(actor=None, run=run)

    assert queued == 2
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.issued) == (BillingRun.Status.SUCCEEDED, 3, 3)
    with pytest.raises(ValidationError, match="has finished"):
        billing_run_resume(actor=None, run=run)


def test_a_worker_starting_resumes_the_run_a_killed_worker_left_running(django_capture_on_commit_callbacks, eager_celery):
    """SIGKILL mid-run: the chunk being written rolled back (still pending), the messages the dead worker
    held wait in Redis for the visibility timeout. The next worker to start queues the run's pending
    chunks again (config/celery.py, worker_ready); the run completes with every invoice once."""
    from config.celery import _resume_stalled_work

    for _ in range(3):
        activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=1, dispatch=False)  # its messages held by the dead worker
    first = run.chunks.order_by("first_id").first()
    billing_run_chunk_process(run_id=run.pk, first_id=first.first_id, last_id=first.last_id)

    with django_capture_on_commit_callbacks(execute=True):
        _resume_stalled_work(sender=None)

    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.issued) == (BillingRun.Status.SUCCEEDED, 3, 3)
    assert Invoice.objects.count() == 3
    numbers = sorted(int(number.rsplit("-", 1)[1]) for number in Invoice.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]  # no gap, none twice
    with django_capture_on_commit_callbacks(execute=True):
        _resume_stalled_work(sender=None)  # another worker starting later finds nothing to do
    assert Invoice.objects.count() == 3


def test_start_queues_every_chunk_as_a_celery_task_on_commit(django_capture_on_commit_callbacks, eager_celery):
    for _ in range(2):
        activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=1)
    # The run's dispatch first; then, registered by the chunks as they commit, their messages.
    assert callbacks[0].__qualname__.startswith("billing_run_start")
    run.refresh_from_db()
    assert (run.status, run.chunks_total, run.chunks_done, run.issued) == (BillingRun.Status.SUCCEEDED, 2, 2, 2)
    assert Message.objects.filter(event="invoice_issued").values("customer").distinct().count() == 2


def test_second_run_is_refused_while_one_is_running_and_a_preview_may_still_start():
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    running = billing_run_start(run_date=date(2026, 3, 1), dispatch=False)

    with pytest.raises(ValidationError, match="already running"):
        billing_run_start(run_date=date(2026, 3, 1))

    assert BillingRun.objects.filter(dry_run=False).count() == 1
    preview = billing_run_start(run_date=date(2026, 3, 1), dry_run=True, dispatch=False)
    assert preview.is_running and running.is_running
    billing_run_process_pending(running)
    assert billing_run_start(run_date=date(2026, 3, 1), dispatch=False).is_running  # allowed once finished


def test_nightly_job_starts_todays_run(django_capture_on_commit_callbacks):
    activated_on(timezone.localdate(), package=PackageFactory(price=D("1000.00")))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = billing_run_scheduled()
    assert (run.run_date, run.dry_run, run.started_by, run.status) == (timezone.localdate(), False, None, "running")
    assert len(callbacks) == 1


def test_nightly_job_resumes_a_run_still_marked_running_instead_of_starting_another(django_capture_on_commit_callbacks):
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    stalled = billing_run_start(run_date=date(2026, 3, 1), dispatch=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert billing_run_scheduled() == stalled
    assert BillingRun.objects.count() == 1 and len(callbacks) == 1
    assert AuditLog.objects.filter(action="billingrun.resume", object_id=str(stalled.pk)).exists()


def test_run_without_customers_finishes_at_once():
    run = billing_run_start(run_date=date(2026, 3, 1))
    assert (run.status, run.chunks_total, run.progress_percent) == (BillingRun.Status.SUCCEEDED, 0, 100)


# Dry run --------------------------------------------------------------------------------------------


def test_dry_run_reports_what_would_be_issued_and_writes_nothing():
    configure(late_fee=D("40.00"))
    first = activated_on(date(2026, 3, 1), package=PackageFactory(name="Home 20", price=D("1000.00")))
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("500.00")))
    run_billing(date(2026, 3, 1))
    before = counts()
    states = list(Subscription.objects.order_by("pk").values_list("status", "billed_through", "paid_through"))
    statuses = list(Invoice.objects.order_by("pk").values_list("status", flat=True))

    preview = run_billing(date(2026, 3, 25), dry_run=True)

    assert preview.dry_run and preview.status == BillingRun.Status.SUCCEEDED
    # Next month for both (1150 + 575), plus a late fee line each on the same invoices (46.00 each).
    assert (preview.issued, preview.issued_total) == (2, D("1817.00"))
    assert (preview.overdue, preview.late_fees, preview.suspended) == (2, 2, 2)
    sample = [line for chunk in preview.chunks.all() for line in chunk.sample]
    assert {"account": first.customer.account_number, "kind": "recurring",
            "description": f"Home 20 ({first.username}), 1 Apr 2026 – 30 Apr 2026",
            "net": "1000.00", "vat": "150.00", "gross": "1150.00"} in sample
    assert counts() == {**before, "AuditLog": before["AuditLog"] + 1}
    assert list(Subscription.objects.order_by("pk").values_list("status", "billed_through", "paid_through")) == states
    assert list(Invoice.objects.order_by("pk").values_list("status", flat=True)) == statuses

    real = run_billing(date(2026, 3, 25))
    assert (real.issued, real.issued_total, real.overdue, real.late_fees, real.suspended) == (2, D("1817.00"), 2, 2, 2)


# Dunning ---------------------------------------------------------------------------------------------


def test_unpaid_invoices_become_overdue_the_day_after_they_are_due():
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))  # due 8 March
    invoice = Invoice.objects.get(customer=subscription.customer)

    assert run_billing(date(2026, 3, 8)).overdue == 0
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN

    assert run_billing(date(2026, 3, 9)).overdue == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OVERDUE
    ledger_ok()


def test_partially_paid_invoice_past_due_becomes_overdue_and_paid_one_does_not():
    partly = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    fully = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))
    account_credit(actor=None, customer=partly.customer, amount=D("100.00"), reason="Part payment")
    account_credit(actor=None, customer=fully.customer, amount=D("1150.00"), reason="Full payment")
    # The credits land today, long after the 8 March due date: the part-paid invoice is overdue at
    # once (status follows due date and open amount after every operation), so the run finds
    # nothing newly overdue and does not count it a second time.
    assert Invoice.objects.get(customer=partly.customer).status == Invoice.Status.OVERDUE

    assert run_billing(date(2026, 3, 9)).overdue == 0
    assert Invoice.objects.get(customer=partly.customer).status == Invoice.Status.OVERDUE
    assert Invoice.objects.get(customer=fully.customer).status == Invoice.Status.PAID
    ledger_ok()


def test_late_fee_is_charged_once_per_overdue_invoice_and_never_on_a_fee():
    configure(late_fee=D("50.00"), grace_days=30)
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))  # INV-1, due 8 March
    original = Invoice.objects.get()

    run = run_billing(date(2026, 3, 9))
    assert (run.overdue, run.late_fees, run.issued) == (1, 1, 1)
    fee_invoice = Invoice.objects.exclude(pk=original.pk).get()
    assert list(fee_invoice.lines.values_list("kind", "description", "net", "vat", "gross")) == [
        ("fee", f"Late fee: {original.number} was due 8 Mar 2026", D("50.00"), D("7.50"), D("57.50"))
    ]
    original.refresh_from_db()
    assert original.late_fee_applied

    assert run_billing(date(2026, 3, 10)).late_fees == 0
    # The fee invoice (due 16 March) goes overdue in turn, but carries no fee of its own.
    later = run_billing(date(2026, 3, 17))
    assert (later.overdue, later.late_fees) == (1, 0)
    assert InvoiceLine.objects.filter(kind="fee").count() == 1
    assert Account.objects.get(customer=subscription.customer).balance == D("1207.50")
    ledger_ok()


def test_late_fee_rides_on_the_invoice_issued_the_same_day():
    configure(late_fee=D("50.00"), issue_days_before=7, due_days=20, grace_days=30)
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))  # due 21 March
    run_billing(date(2026, 3, 25))  # April's invoice, and the late fee for March's

    april = Invoice.objects.get(issue_date=date(2026, 3, 25))
    assert sorted(april.lines.values_list("kind", flat=True)) == ["fee", "recurring"]
    assert april.total == D("1150.00") + D("57.50")
    assert Invoice.objects.filter(customer=subscription.customer).count() == 2
    ledger_ok()


def test_no_late_fee_when_the_fee_is_zero():
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))
    run = run_billing(date(2026, 3, 9))
    assert (run.overdue, run.late_fees, run.issued) == (1, 0, 0)


def test_unpaid_subscription_is_suspended_after_grace_through_the_lifecycle_service():
    admin_area = AreaFactory()
    unpaid = activated_on(date(2026, 3, 1), customer=make_customer(area=admin_area), package=PackageFactory(price=D("1000.00")))
    paid = activated_on(date(2026, 3, 1), customer=make_customer(area=admin_area), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))  # due 8 March; never paid: 1 March + 7 due days + 3 grace days = 11 March
    account_credit(actor=None, customer=paid.customer, amount=D("1150.00"), reason="Paid in cash")

    assert run_billing(date(2026, 3, 11)).suspended == 0
    run = run_billing(date(2026, 3, 12))

    assert run.suspended == 1
    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, unpaid.suspension_type, unpaid.skip_billing) == ("suspended", "non_payment", False)
    assert paid.status == "active"
    assert Customer.objects.get(pk=unpaid.customer_id).status == Customer.Status.SUSPENDED
    entry = AuditLog.objects.get(action="subscription.suspend", object_id=str(unpaid.pk))
    number = Invoice.objects.get(customer=unpaid.customer).number
    assert entry.reason == f"Non-payment: {number} was due 8 Mar 2026; never paid"
    assert entry.before["status"] == "active" and entry.after["status"] == "suspended"
    ledger_ok()


def test_paid_subscription_is_suspended_when_the_next_period_stays_unpaid_past_grace():
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))
    account_credit(actor=None, customer=subscription.customer, amount=D("1150.00"), reason="March paid")
    run_billing(date(2026, 3, 25))  # April, due 1 April; paid through 31 March + 3 grace days = 3 April

    assert run_billing(date(2026, 4, 3)).suspended == 0
    run = run_billing(date(2026, 4, 4))

    assert run.suspended == 1
    april = Invoice.objects.get(issue_date=date(2026, 3, 25))
    assert AuditLog.objects.get(action="subscription.suspend").reason == (
        f"Non-payment: {april.number} was due 1 Apr 2026; paid through 31 Mar 2026"
    )
    ledger_ok()


def test_subscription_is_not_suspended_before_its_invoice_is_due():
    configure(due_days=15)  # April's invoice, issued 25 March, is due 9 April: after paid-through + grace
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))
    account_credit(actor=None, customer=subscription.customer, amount=D("1150.00"), reason="March paid")
    run_billing(date(2026, 3, 25))

    assert run_billing(date(2026, 4, 5)).suspended == 0
    assert run_billing(date(2026, 4, 10)).suspended == 1


def test_suspended_subscription_keeps_being_invoiced_unless_billing_is_skipped():
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run_billing(date(2026, 3, 1))
    run_billing(date(2026, 3, 12))
    subscription.refresh_from_db()
    assert subscription.status == "suspended"
    assert run_billing(date(2026, 3, 25)).issued == 1  # April is still invoiced: the debt goes on
    assert run_billing(date(2026, 4, 10)).suspended == 0  # already suspended: no second suspension
    ledger_ok()


# Customer messages ------------------------------------------------------------------------------------


def test_customers_are_told_of_issued_and_overdue_invoices_once():
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run = run_billing(date(2026, 3, 1))
    chunk = run.chunks.get()
    invoice = Invoice.objects.get(customer=subscription.customer)

    queued = billing_run_chunk_notify(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id)

    issued = Message.objects.filter(event="invoice_issued", object_id=str(invoice.pk))
    assert queued == issued.count() >= 1 and invoice.number in issued.first().body
    assert billing_run_chunk_notify(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id) == 0

    later = run_billing(date(2026, 3, 9))
    chunk = later.chunks.get()
    assert billing_run_chunk_notify(run_id=later.pk, first_id=chunk.first_id, last_id=chunk.last_id) >= 1
    assert Message.objects.filter(event="overdue", object_id=str(invoice.pk)).exists()
    assert Message.objects.filter(event="invoice_issued").count() == issued.count()  # nothing issued on the 9th
    assert billing_run_chunk_notify(run_id=later.pk, first_id=chunk.first_id, last_id=chunk.last_id) == 0


def test_a_committed_chunk_queues_its_messages_after_commit(django_capture_on_commit_callbacks, eager_celery):
    subscription = activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    run = billing_run_start(run_date=date(2026, 3, 1), dispatch=False)
    chunk = run.chunks.get()
    with django_capture_on_commit_callbacks(execute=True):
        billing_run_chunk_process(run_id=run.pk, first_id=chunk.first_id, last_id=chunk.last_id)
    invoice = Invoice.objects.get(customer=subscription.customer)
    assert Message.objects.filter(event="invoice_issued", object_id=str(invoice.pk)).exists()


def test_a_preview_tells_nobody_anything(django_capture_on_commit_callbacks):
    activated_on(date(2026, 3, 1), package=PackageFactory(price=D("1000.00")))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        billing_run_process_pending(billing_run_start(run_date=date(2026, 3, 1), dry_run=True, dispatch=False), notify=True)
    assert not callbacks and not Message.objects.exists()


# Concurrency on PostgreSQL ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_chunk_workers_issue_unique_gap_free_numbers():
    assert connection.vendor == "postgresql"
    configure()
    package = PackageFactory(price=D("1000.00"))
    area = AreaFactory()
    router = RouterFactory(branch=area.branch)
    subscriptions = [
        activated_on(date(2026, 3, 1), customer=make_customer(area=area), package=package, router=router) for _ in range(40)
    ]
    run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=3, dispatch=False)
    queue = list(run.chunks.values_list("first_id", "last_id"))
    lock = threading.Lock()
    start = threading.Barrier(2, timeout=120)

    def worker() -> None:
        start.wait()
        while True:
            with lock:
                if not queue:
                    return
                first_id, last_id = queue.pop(0)
            billing_run_chunk_process(run_id=run.pk, first_id=first_id, last_id=last_id)

    _results, errors = run_in_threads(worker, 2)
    assert not errors
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.chunks_failed, run.issued) == (BillingRun.Status.SUCCEEDED, run.chunks_total, 0, 40)
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 41)), "numbers must be unique and gap-free"
    assert InvoiceLine.objects.filter(subscription__in=subscriptions).count() == 40
    ledger_ok()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_chunk_does_not_wait_for_another_chunk_of_the_same_run(monkeypatch):
    """Chunks lock their own row, not the run's: a worker held up in one chunk holds up no other."""
    configure()
    area = AreaFactory()
    router = RouterFactory(branch=area.branch)
    for _ in range(2):
        activated_on(date(2026, 3, 1), customer=make_customer(area=area), package=PackageFactory(price=D("1000.00")), router=router)
    run = billing_run_start(run_date=date(2026, 3, 1), chunk_size=1, dispatch=False)
    (slow_first, slow_last), (fast_first, fast_last) = run.chunks.values_list("first_id", "last_id")
    paused, release = threading.Event(), threading.Event()
    real_plan = billing_run_module.plan_invoices

    def plan_pausing_the_slow_chunk(due, late, **kwargs):
        if due and due[0].customer_id == slow_first:
            paused.set()
            release.wait(30)
        return real_plan(due, late, **kwargs)

    monkeypatch.setattr(billing_run_module, "plan_invoices", plan_pausing_the_slow_chunk)

    def process(first_id, last_id):
        try:
            billing_run_chunk_process(run_id=run.pk, first_id=first_id, last_id=last_id)
        finally:
            connection.close()

    slow = threading.Thread(target=process, args=(slow_first, slow_last))
    slow.start()
    assert paused.wait(30)
    fast = threading.Thread(target=process, args=(fast_first, fast_last))
    fast.start()
    fast.join(timeout=20)
    finished_while_the_other_was_held = not fast.is_alive()
    release.set()
    slow.join(timeout=30)
    fast.join(timeout=30)

    assert finished_while_the_other_was_held
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.issued) == (BillingRun.Status.SUCCEEDED, 2, 2)
    ledger_ok()


@pytest.mark.postgres
@pytest.mark.django_db
def test_subscriptions_and_accounts_keep_room_on_their_pages_for_hot_updates():
    """The run rewrites billed_through and every balance: with free space on the page PostgreSQL
    updates the row in place of its indexes (customers 0010, billing 0006)."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('customers_subscription', 'billing_account') ORDER BY relname"
        )
        assert cursor.fetchall() == [("billing_account", ["fillfactor=80"]), ("customers_subscription", ["fillfactor=80"])]
