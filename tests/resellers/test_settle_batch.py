"""Renewals settled together (set-based) against the same renewals settled one by one: the same rows
and amounts; a batch the database refuses falls back to one by one; two workers never settle one
renewal twice."""

import json
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from billing.ledger import wallets as wallet_ledger
from billing.models import Account, Allocation, BillingSettings, Invoice, InvoiceLine, LedgerEntry
from billing.services import LineSpec, account_credit, invoice_create
from billing.wallet_models import CommissionEntry, ResellerWallet
from customers.models import Subscription
from ispbill.core.models import AuditLog
from ispbill.notify.models import Message
from network.models import ProvisioningTask
from payments.models import Payment
from resellers import renewals as renewal_debits
from resellers import services, sql
from resellers.models import Renewal
from tests.factories import make_customer, make_subscription
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases import reseller_renewal
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.django_db


def _sub_reseller(*, parent, area, package):
    sub = services.subreseller_create(
        actor=parent.user, parent=parent, name="Para Net", phone="+8801711000001", username="para-net",
        password="sub-reseller-1", areas=[area],
    )
    services.subreseller_price_set(actor=parent.user, parent=parent, sub=sub, package_id=package.pk, price=Decimal("700.00"))
    services.subreseller_transfer(actor=parent.user, parent=parent, sub=sub, amount=Decimal("2000"))
    return sub


def _scenario():
    """Pending renewals of every shape settlement meets, debited (step 1) and not settled yet."""
    reseller, area, router, package, staff = make_reseller(price="600.00", topup="20000")  # customer price 1000
    sub_reseller = _sub_reseller(parent=reseller, area=area, package=package)

    def subscription(*, of=reseller, activate=True, customer=None):
        if customer is None:
            customer = make_customer(area=area, reseller=of)
        return make_subscription(customer=customer, package=package, router=router, activate=activate)

    new = subscription(activate=False)  # its first renewal activates it (and queues the router change)
    plain = subscription()
    already_invoiced = subscription()  # the billing run issued the period's invoice: paid, not issued again
    period = renewal_debits.renewal_period(already_invoiced)
    invoice_create(actor=staff, customer=already_invoiced.customer, issue_date=period.start - timedelta(days=3), lines=[LineSpec(
        kind=InvoiceLine.Kind.RECURRING, description="Billing run", amount=package.price,
        subscription_id=already_invoiced.pk, period=period,
    )])
    suspended = subscription()  # suspended for non-payment, an old invoice overdue: the payment reactivates it
    invoice_create(actor=staff, customer=suspended.customer, issue_date=timezone.localdate() - timedelta(days=40),
                   lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description="Old dues", amount=Decimal("250.00"))])
    subscription_suspend(actor=staff, subscription=suspended, reason="Unpaid", suspension_type="non_payment")
    with_credit = subscription()  # credit waiting on the account pays part of the renewal's invoice
    account_credit(actor=staff, customer=with_credit.customer, amount=Decimal("300.00"), reason="Goodwill")
    second_login = subscription(customer=with_credit.customer)  # the same customer's other connection, same batch
    by_sub = subscription(of=sub_reseller)  # a sub-reseller's renewal: two wallets, the parent's margin too

    renewals = []
    for who, sub in [(reseller, new), (reseller, plain), (reseller, already_invoiced), (reseller, suspended),
                     (reseller, with_credit), (reseller, second_login), (sub_reseller, by_sub)]:
        renewal, created, _level = renewal_debits.renewal_debit(actor=who.user, reseller=who, subscription=sub, idempotency_key=f"k{sub.pk}")
        assert created and renewal.status == Renewal.Status.PENDING
        renewals.append(renewal)
    return renewals


def _untimed(value) -> str:
    """JSON with the moments it holds blanked (activation times differ between two runs)."""
    return re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+(\+00:00|Z)?", "<moment>", json.dumps(value, sort_keys=True))


def _sorted(rows) -> list[tuple]:
    return sorted((tuple(row) for row in rows), key=lambda row: tuple("" if value is None else str(value) for value in row))


def _snapshot(since: dict) -> dict:
    """Every row settlement writes, by what it means (numbers, customers, amounts), not by its id."""
    number = dict(Invoice.objects.values_list("pk", "number"))
    receipt = dict(Payment.objects.values_list("pk", "receipt_number"))
    return {
        "invoices": _sorted(Invoice.objects.values_list(
            "number", "customer_id", "issue_date", "due_date", "subtotal", "vat_total", "total", "amount_paid", "status")),
        "lines": _sorted((number[row[0]], *row[1:]) for row in InvoiceLine.objects.values_list(
            "invoice_id", "subscription_id", "kind", "description", "period_start", "period_end", "net", "vat", "gross")),
        "entries": _sorted((row[0], row[1], row[2], row[3], number.get(row[4]), receipt.get(row[5]), row[6], row[7])
                          for row in LedgerEntry.objects.values_list(
                              "account__customer_id", "kind", "amount", "effective_date", "invoice_id", "payment_id", "memo", "created_by_id")),
        "payments": _sorted(Payment.objects.values_list(
            "receipt_number", "customer_id", "amount", "method", "reference", "idempotency_key", "reseller_id", "received_at",
            "received_by_id", "note", "status")),
        "allocations": _sorted((number[invoice_id], receipt.get(payment_id), amount)
                              for invoice_id, payment_id, amount in Allocation.objects.values_list("invoice_id", "payment_id", "amount")),
        "accounts": _sorted(Account.objects.values_list("customer_id", "balance")),
        "subscriptions": _sorted(Subscription.objects.values_list("pk", "status", "suspension_type", "paid_through", "billed_through")),
        "commissions": _sorted(CommissionEntry.objects.values_list(
            "wallet_id", "kind", "amount", "period", "subscription_id", "base_amount", "memo", "created_by_id")),
        "wallets": _sorted(ResellerWallet.objects.values_list("pk", "balance", "commission_owed")),
        "renewals": _sorted((pk, status, number.get(invoice_id), receipt.get(payment_id), error, attempts)
                           for pk, status, invoice_id, payment_id, error, attempts in Renewal.objects.values_list(
                               "pk", "status", "invoice_id", "payment_id", "last_error", "attempts")),
        "audit": _sorted((action, text, _untimed(after), actor_id)
                        for action, text, after, actor_id in AuditLog.objects.filter(pk__gt=since["audit"]).values_list(
                            "action", "object_repr", "after", "actor_id")),
        "messages": _sorted(Message.objects.filter(pk__gt=since["messages"]).values_list("event", "channel", "to", "body")),
        "router changes": _sorted(ProvisioningTask.objects.filter(pk__gt=since["tasks"]).values_list("subscription_id", "action")),
    }


def _high_marks() -> dict:
    last = lambda model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # noqa: E731
    return {"audit": last(AuditLog), "messages": last(Message), "tasks": last(ProvisioningTask)}


def test_settling_together_writes_exactly_what_settling_one_by_one_writes():
    renewals = _scenario()
    ids = [r.pk for r in renewals]
    since = _high_marks()

    with transaction.atomic():  # one by one, then undone
        for renewal_id in ids:
            reseller_renewal._settle_one(actor=None, renewal_id=renewal_id, wait=True, use_requester=True)
        one_by_one = _snapshot(since)
        transaction.set_rollback(True)
    assert Renewal.objects.filter(status=Renewal.Status.PENDING).count() == len(ids)

    assert reseller_renewal.renewals_settle(renewal_ids=ids) == set(ids)
    together = _snapshot(since)

    for part in one_by_one:
        assert together[part] == one_by_one[part], (part, together[part], one_by_one[part])
    # And what they both wrote is what the renewals mean.
    assert all(status == Renewal.Status.SETTLED for _pk, status, *_rest in together["renewals"])
    assert not Subscription.objects.filter(pk__in=[r.subscription_id for r in renewals]).exclude(status="active").exists()
    # Each renewal paid what its invoice left open: 300 of credit paid part of one (1,150 with VAT).
    assert sorted(p[2] for p in together["payments"]) == [Decimal("850.00")] + [Decimal("1150.00")] * 6
    assert {("margin", Decimal("100.00"))} <= {(c[1], c[2]) for c in together["commissions"]}  # the parent's share of the sub's sale
    assert len(together["router changes"]) >= 2  # the new connection provisioned, the suspended one reactivated
    call_command("check_ledger")
    assert wallet_ledger.wallet_discrepancies() == []


def test_a_batch_the_database_refuses_settles_the_rest_one_by_one_and_names_the_bad_renewal(caplog):
    renewals = _scenario()
    bad = renewals[1]
    # Someone else's payment already holds the key this renewal's payment would take: the database
    # refuses the batch's insert, and the one-by-one retry refuses that renewal alone.
    other = make_customer()
    Payment.objects.create(customer=other, amount=Decimal("5.00"), method="cash", receipt_number="RCPT-X-1",
                           received_at=timezone.now(), idempotency_key=f"renewal-{bad.entry_id}")

    taken = reseller_renewal.renewals_settle(renewal_ids=[r.pk for r in renewals])

    assert taken == {r.pk for r in renewals}
    bad.refresh_from_db()
    assert bad.status == Renewal.Status.PENDING and bad.attempts == 1 and "another customer" in bad.last_error
    assert f"reseller renewal {bad.pk}" in caplog.text
    rest = Renewal.objects.exclude(pk=bad.pk)
    assert rest.count() == len(renewals) - 1 and not rest.exclude(status=Renewal.Status.SETTLED).exists()
    assert not Payment.objects.filter(customer=bad.subscription.customer).exists()
    call_command("check_ledger")


def test_a_request_finding_a_burst_waiting_leaves_it_to_the_worker_which_settles_it_in_one_batch(
    monkeypatch, django_capture_on_commit_callbacks,
):
    from django.core.cache import cache

    from usecases import tasks

    reseller, area, router, package, _ = make_reseller(price="600.00", topup="5000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    cache.delete(reseller_renewal.SETTLE_WAKE_KEY.format(reseller.pk))
    # Two requests were written while another held the wallet lock; ours debits all three, finds the
    # other two waiting to be settled as well, and wakes the worker instead of settling a small batch.
    for sub in subs[:2]:
        period = renewal_debits.renewal_period(sub)
        Renewal.objects.create(reseller=reseller, subscription=sub, period_start=period.start, period_end=period.end,
                               price=Decimal("600.00"), created_by=reseller.user)
    calls, woken = [], []
    original = reseller_renewal._settle_many
    monkeypatch.setattr(reseller_renewal, "_settle_many", lambda **kw: calls.append(len(kw["renewals"])) or original(**kw))
    monkeypatch.setattr(tasks.settle_reseller_renewals, "delay", lambda reseller_id: woken.append(reseller_id))

    with django_capture_on_commit_callbacks(execute=True):
        result = reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=subs[2], idempotency_key="r3")

    assert result.created and not result.settled and calls == [] and woken == [reseller.pk]
    assert Renewal.objects.filter(status=Renewal.Status.PENDING).count() == 3
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("3200.00")

    assert tasks.settle_reseller_renewals(reseller.pk) == 3

    assert calls == [3]  # one set-based settlement for the three
    assert Renewal.objects.filter(status=Renewal.Status.SETTLED).count() == 3
    assert Payment.objects.filter(reseller=reseller).count() == 3
    call_command("check_ledger")


def _waiting(reseller, sub):
    period = renewal_debits.renewal_period(sub)
    return Renewal.objects.create(reseller=reseller, subscription=sub, period_start=period.start, period_end=period.end,
                                  price=Decimal("600.00"), created_by=reseller.user)


@pytest.mark.parametrize("earlier_step_takes", ["ours and another", "ours alone"])
def test_whoever_debits_others_requests_wakes_the_worker_and_a_request_taken_by_another_does_not(
    earlier_step_takes, monkeypatch, django_capture_on_commit_callbacks,
):
    from django.core.cache import cache

    from usecases import tasks

    reseller, area, router, package, _ = make_reseller(price="600.00", topup="5000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    cache.delete(reseller_renewal.SETTLE_WAKE_KEY.format(reseller.pk))
    if earlier_step_takes == "ours and another":
        _waiting(reseller, subs[0])
    debit_step, earlier = renewal_debits.renewal_requests_debit, {}

    def another_request_locked_first(**kwargs):
        # Another request held the wallet lock first and its step debited ours (with whatever waited).
        earlier.update(debit_step(**kwargs))
        if earlier_step_takes == "ours alone":
            _waiting(reseller, subs[1])  # a request written meanwhile: our step debits it
        return debit_step(**kwargs)

    monkeypatch.setattr(renewal_debits, "renewal_requests_debit", another_request_locked_first)
    woken = []
    monkeypatch.setattr(tasks.settle_reseller_renewals, "delay", lambda reseller_id: woken.append(reseller_id))

    with django_capture_on_commit_callbacks(execute=True):
        result = reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=subs[2], idempotency_key="r3")

    assert result.created and result.renewal.pk in earlier and not result.settled
    assert Renewal.objects.filter(status=Renewal.Status.PENDING).count() == 2
    if earlier_step_takes == "ours and another":
        assert woken == []  # the request whose step took both woke the worker for them
    else:
        assert woken == [reseller.pk]  # ours debited another request's renewal: we wake it
    assert tasks.settle_reseller_renewals(reseller.pk) == 2


def test_a_lone_renewal_is_settled_in_its_own_request():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="5000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)

    result = reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=sub, idempotency_key="r1")

    assert result.created and result.settled and result.invoice is not None and result.payment is not None
    assert result.invoice.amount_paid == result.invoice.total


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_settling_the_same_renewals_at_once_settle_each_exactly_once():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="20000")
    ids = []
    for _ in range(12):
        sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
        renewal, _created, _level = renewal_debits.renewal_debit(actor=reseller.user, reseller=reseller, subscription=sub)
        ids.append(renewal.pk)
    barrier = threading.Barrier(3, timeout=120)
    taken, errors = [], []

    def worker(order):
        try:
            barrier.wait()
            taken.append(reseller_renewal.renewals_settle(renewal_ids=order))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(order,)) for order in (ids, ids[::-1], ids[3:] + ids[:3])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(len(t) for t in taken) >= len(ids) and set().union(*taken) == set(ids)
    assert Renewal.objects.filter(pk__in=ids, status=Renewal.Status.SETTLED).count() == len(ids)
    assert Payment.objects.filter(reseller=reseller).count() == len(ids)
    assert Invoice.objects.filter(customer__reseller=reseller).count() == len(ids)
    assert CommissionEntry.objects.filter(kind="margin").count() == len(ids)
    assert reseller_renewal.renewals_settle(renewal_ids=ids) == set()  # nothing left to take
    call_command("check_ledger")
    assert wallet_ledger.wallet_discrepancies() == []


def test_renewals_settle_together_when_the_billing_settings_row_is_made_during_the_batch(caplog):
    # Found by the bench: the row made from the environment inside the batch held its fees as text, the
    # batch failed comparing them, rolled the row back with it, and every batch fell back to one by one.
    renewals = _scenario()
    BillingSettings.objects.all().delete()

    assert reseller_renewal.renewals_settle(renewal_ids=[r.pk for r in renewals]) == {r.pk for r in renewals}

    assert "one by one" not in caplog.text
    assert not Renewal.objects.exclude(status=Renewal.Status.SETTLED).exists()
    call_command("check_ledger")


def _hold_settling_gate(reseller_id, *, held, release):
    """Another connection holding the reseller's settling gate (a request or the worker mid-batch)."""
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [sql.SETTLE_GATE, reseller_id])
            held.set()
            release.wait(30)
            cursor.execute("COMMIT")
    finally:
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_renewal_finding_the_settling_gate_taken_does_not_wait_and_wakes_one_worker_that_settles_the_burst(monkeypatch):
    from django.core.cache import cache

    from usecases import tasks

    reseller, area, router, package, _ = make_reseller(price="600.00", topup="20000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True) for _ in range(3)]
    cache.delete(reseller_renewal.SETTLE_WAKE_KEY.format(reseller.pk))
    woken = []
    monkeypatch.setattr(tasks.settle_reseller_renewals, "delay", lambda reseller_id: woken.append(reseller_id))
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_settling_gate, args=(reseller.pk,), kwargs={"held": held, "release": release})
    holder.start()
    try:
        assert held.wait(10)
        results = [
            reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=sub, idempotency_key=f"burst-{sub.pk}")
            for sub in subs
        ]
    finally:
        release.set()
        holder.join()

    # Each request answered at once: debited, not settled, and the whole burst queued one wake-up.
    assert [r.created and not r.settled for r in results] == [True, True, True]
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("18200.00")
    assert Renewal.objects.filter(reseller=reseller, status=Renewal.Status.PENDING).count() == 3
    assert woken == [reseller.pk]

    calls = []
    original = reseller_renewal._settle_many
    monkeypatch.setattr(reseller_renewal, "_settle_many", lambda **kw: calls.append(len(kw["renewals"])) or original(**kw))
    assert tasks.settle_reseller_renewals(reseller.pk) == 3

    assert calls == [3]  # the burst, settled together
    assert Renewal.objects.filter(reseller=reseller, status=Renewal.Status.SETTLED).count() == 3
    assert Payment.objects.filter(reseller=reseller).count() == 3
    assert cache.add(reseller_renewal.SETTLE_WAKE_KEY.format(reseller.pk), 1)  # the task cleared the mark: the next burst wakes it again
    assert tasks.settle_reseller_renewals(reseller.pk) == 0
    call_command("check_ledger")
    assert wallet_ledger.wallet_discrepancies() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_woken_worker_lets_the_next_batch_gather_while_a_burst_goes_on(monkeypatch):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="20000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True) for _ in range(5)]
    monkeypatch.setattr(reseller_renewal, "_wake_settler", lambda reseller_id: None)
    for sub in subs[:2]:
        renewal_debits.renewal_debit(actor=reseller.user, reseller=reseller, subscription=sub)
    later = iter([subs[2:], []])
    pauses = []

    def burst_goes_on(seconds):  # while the worker waits, three more renewals are debited
        pauses.append(seconds)
        for sub in next(later):
            renewal_debits.renewal_debit(actor=reseller.user, reseller=reseller, subscription=sub)

    monkeypatch.setattr(reseller_renewal.time, "sleep", burst_goes_on)
    batches = []
    original = reseller_renewal._settle_many
    monkeypatch.setattr(reseller_renewal, "_settle_many", lambda **kw: batches.append(len(kw["renewals"])) or original(**kw))

    assert reseller_renewal.reseller_renewals_settle(reseller_id=reseller.pk) == 5

    assert batches == [2, 3] and pauses == [reseller_renewal.SETTLE_GATHER_SECONDS] * 2
    assert Renewal.objects.filter(reseller=reseller, status=Renewal.Status.SETTLED).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_woken_worker_leaves_a_renewal_that_failed_before_to_the_sweep():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="20000")
    good, bad = (reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True) for _ in range(2))
    for sub in (good, bad):
        renewal_debits.renewal_debit(actor=reseller.user, reseller=reseller, subscription=sub)
    Renewal.objects.filter(subscription=bad).update(attempts=1, last_error="earlier failure")

    assert reseller_renewal.reseller_renewals_settle(reseller_id=reseller.pk) == 1

    assert Renewal.objects.get(subscription=good).status == Renewal.Status.SETTLED
    assert Renewal.objects.get(subscription=bad).status == Renewal.Status.PENDING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_wakes_a_real_celery_worker_that_settles_it(monkeypatch, tmp_path):
    import os
    import subprocess
    import time
    import uuid

    from django.core.cache import cache

    from tests.test_celery_runtime import PROJECT_ROOT, _celery_command, _purge, _stop, _worker_database_url
    from usecases import tasks

    reseller, area, router, package, _ = make_reseller(price="600.00", topup="20000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True) for _ in range(3)]
    cache.delete(reseller_renewal.SETTLE_WAKE_KEY.format(reseller.pk))
    # A queue of its own (routing only), so a worker of `make run` on the same broker cannot take the wake-up.
    queue_name = f"test-settle-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(tasks.settle_reseller_renewals, "queue", queue_name, raising=False)
    monkeypatch.setattr(tasks.settle_reseller_renewals, "_exec_options", None)  # Celery caches the task's options
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_settling_gate, args=(reseller.pk,), kwargs={"held": held, "release": release})
    holder.start()
    try:
        assert held.wait(10)
        results = [reseller_renewal.subscription_renew(actor=reseller.user, reseller=reseller, subscription=sub, idempotency_key=f"real-{sub.pk}")
                   for sub in subs]
    finally:
        release.set()
        holder.join()
    assert not any(result.settled for result in results)

    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": _worker_database_url(tmp_path), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(_celery_command("worker", "--pool=solo", "--loglevel=INFO", "-Q", queue_name, "-n", f"{queue_name}@%h"),
                                  cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while Renewal.objects.filter(reseller=reseller, status=Renewal.Status.PENDING).exists() and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        _stop(worker)
        _purge(queue_name)
    log_text = log_path.read_text(errors="replace")
    assert Renewal.objects.filter(reseller=reseller, status=Renewal.Status.SETTLED).count() == 3, log_text
    assert "Task usecases.tasks.settle_reseller_renewals" in log_text and "succeeded" in log_text, log_text
    assert Payment.objects.filter(reseller=reseller).count() == 3
    call_command("check_ledger")
    assert wallet_ledger.wallet_discrepancies() == []
