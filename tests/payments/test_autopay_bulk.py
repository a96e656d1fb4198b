"""Auto-pay's set-based run (usecases/autopay.py: claims a chunk at a time, bKash's calls in a thread
pool, settling and crediting in bulk) against the bKash emulator on loopback, on PostgreSQL with real
transactions: two runs racing over many chunks charge each invoice once; a lost execute answer with
bKash unreachable for the query leaves the row for the next run, which asks before it charges; random
gateway failures leave invoices to retry and never charge twice; the ledger's totals are the charges."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from billing.models import Account, Invoice, LedgerEntry
from demo.bkash.views import _get as emulator_get
from payments import bkash
from payments.models import AutoPayAttempt, GatewayPayment, Payment
from tests.payments.bkash_helpers import SLOW_WALLET, bkash_gateway  # noqa: F401 - fixture
from tests.payments.conftest import charge, ledger_ok
from tests.payments.test_autopay import charged, on_autopay
from usecases import autopay

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)
Status = AutoPayAttempt.Status


def completed_at_bkash(invoice) -> int:
    """How many payments for this invoice bKash (the emulator) completed: what the wallet was charged."""
    return sum(1 for gp in charged(invoice) if gp.sessionkey and (emulator_get("payment", gp.sessionkey) or {}).get("status") == "Completed")


def age_claims(settings) -> None:
    settings.AUTOPAY_CLAIM_STALE_MINUTES = 0
    AutoPayAttempt.objects.filter(status=Status.CHARGING).update(claimed_at=timezone.now() - timedelta(minutes=1))


def test_two_bulk_runs_racing_over_many_chunks_charge_each_invoice_exactly_once(bkash_gateway):
    invoices = [charge(on_autopay()[0], "300.00") for _ in range(12)]
    today = invoices[0].due_date - timedelta(days=3)
    autopay.autopay_schedule(today=today)
    start = threading.Barrier(2, timeout=120)
    results, errors = {}, []

    def worker(name):
        try:
            start.wait()
            results[name] = autopay.autopay_run(today=today, worker=name, chunk_size=3, threads=4)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors and len(results) == 2
    assert sum(counts.get("paid", 0) for counts in results.values()) == 12  # shared between them, none twice
    for invoice in invoices:
        [gp] = charged(invoice)
        assert gp.status == GatewayPayment.Status.PAID and emulator_get("payment", gp.sessionkey)["executed"] == 1
        assert Payment.objects.filter(gateway_payment=gp).count() == 1
    assert Payment.objects.count() == 12 and AutoPayAttempt.objects.filter(status=Status.PAID).count() == 12
    ledger_ok()


class Spy:
    """Records the order of bKash calls made through the client, and can make some of them fail."""

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        self.fail: dict[str, Exception] = {}
        for name in ("payment_execute", "payment_status"):
            original = getattr(bkash.BkashClient, name)
            monkeypatch.setattr(bkash.BkashClient, name, self._wrap(name, original))

    def _wrap(self, name, original):
        spy = self

        def call(client, payment_id):
            spy.calls.append(name)
            if name in spy.fail:
                raise spy.fail[name]
            return original(client, payment_id)

        return call


def test_an_execute_timeout_with_bkash_unreachable_is_asked_about_by_the_re_run_never_charged_again(bkash_gateway, settings, monkeypatch):
    customer, _agreement = on_autopay(wallet=SLOW_WALLET)  # the emulator completes execute but holds its answer past our timeout
    invoice = charge(customer, "650.00")
    today = invoice.due_date - timedelta(days=3)
    spy = Spy(monkeypatch)
    spy.fail["payment_status"] = bkash.GatewayError("bKash could not be reached")

    counts = autopay.autopay_run(today=today)

    # Charged at bKash, the answer lost and bKash not answering the query: nothing decided, nothing credited.
    assert counts.get("pending") == 1 and spy.calls == ["payment_execute", "payment_status"]
    [gp] = charged(invoice)
    assert gp.status == GatewayPayment.Status.PENDING and emulator_get("payment", gp.sessionkey)["executed"] == 1
    assert AutoPayAttempt.objects.get(invoice=invoice).status == Status.CHARGING and not Payment.objects.exists()
    # A run while the claim is fresh leaves it alone: no call at all.
    spy.calls.clear()
    assert autopay.autopay_run(today=today).get("skipped") == 1 and spy.calls == []

    del spy.fail["payment_status"]
    age_claims(settings)
    counts = autopay.autopay_run(today=today)

    assert counts.get("paid") == 1 and spy.calls == ["payment_status"]  # asked, and bKash said completed: no execute
    assert charged(invoice) == [gp] and emulator_get("payment", gp.sessionkey)["executed"] == 1
    assert Payment.objects.get().amount == D("650.00") and AutoPayAttempt.objects.get(invoice=invoice).status == Status.PAID
    ledger_ok()


def test_an_execute_that_never_reached_bkash_is_queried_first_then_executed_once_by_the_re_run(bkash_gateway, settings, monkeypatch):
    customer, _agreement = on_autopay()
    invoice = charge(customer, "420.00")
    today = invoice.due_date - timedelta(days=3)
    spy = Spy(monkeypatch)
    spy.fail["payment_execute"] = bkash.ExecuteTimeout("bKash did not answer in time (execute)")
    spy.fail["payment_status"] = bkash.GatewayError("bKash could not be reached")

    assert autopay.autopay_run(today=today).get("pending") == 1
    [gp] = charged(invoice)
    assert emulator_get("payment", gp.sessionkey)["status"] == "Initiated"  # created at bKash, never executed

    spy.fail.clear()
    spy.calls.clear()
    age_claims(settings)
    counts = autopay.autopay_run(today=today)

    assert counts.get("paid") == 1 and spy.calls == ["payment_status", "payment_execute"]  # query before the retry
    assert charged(invoice) == [gp] and emulator_get("payment", gp.sessionkey)["executed"] == 1
    assert Payment.objects.count() == 1
    ledger_ok()


def test_random_gateway_failures_leave_invoices_to_retry_and_never_charge_twice(bkash_gateway, settings):
    settings.AUTOPAY_RETRY_DAYS = [1, 2]
    invoices = [charge(on_autopay()[0], "250.00") for _ in range(10)]
    today = invoices[0].due_date - timedelta(days=3)
    settings.BKASH_SANDBOX_FAIL_PERCENT = 30  # the bench's 5 percent, raised so that ten invoices meet failures

    autopay.autopay_run(today=today, chunk_size=4, threads=4)

    for invoice in invoices:
        attempt = AutoPayAttempt.objects.get(invoice=invoice)
        at_bkash, receipts = completed_at_bkash(invoice), Payment.objects.filter(gateway_payment__invoices=invoice).count()
        assert at_bkash <= 1 and receipts <= at_bkash
        if attempt.status == Status.PAID:
            assert at_bkash == receipts == 1
        elif attempt.status == Status.RETRY:  # failed, known not to have been charged: tried again tomorrow
            assert at_bkash == 0 and attempt.next_try_on == today + timedelta(days=1) and attempt.tries == 1
        else:  # the answer lost and the query too: left for the next run to ask about
            assert attempt.status == Status.CHARGING and receipts == 0

    # bKash healthy again: the re-run settles what was left charging, the next day retries the failed.
    settings.BKASH_SANDBOX_FAIL_PERCENT = 0
    age_claims(settings)
    autopay.autopay_run(today=today, chunk_size=4, threads=4)
    autopay.autopay_run(today=today + timedelta(days=1), chunk_size=4, threads=4)

    for invoice in invoices:
        assert completed_at_bkash(invoice) == 1 and Payment.objects.filter(gateway_payment__invoices=invoice).count() == 1
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
    assert AutoPayAttempt.objects.filter(status=Status.PAID).count() == 10 and Payment.objects.count() == 10
    ledger_ok()


def test_the_ledger_totals_of_a_bulk_run_are_the_charges_added_up_by_hand(bkash_gateway):
    amounts = [D("1150.00"), D("799.50"), D("1.00"), D("12345.67"), D("500.25"), D("999.99"), D("70.10")]
    customers = [on_autopay()[0] for _ in amounts]
    invoices = [charge(customer, str(amount)) for customer, amount in zip(customers, amounts)]
    by_hand = D("0.00")
    for amount in amounts:
        by_hand += amount
    assert by_hand == D("15866.51")

    counts = autopay.autopay_run(today=invoices[0].due_date - timedelta(days=3), chunk_size=3, threads=3)

    assert counts["paid"] == len(amounts)
    assert Payment.objects.aggregate(total=Sum("amount"))["total"] == by_hand
    assert GatewayPayment.objects.filter(status=GatewayPayment.Status.PAID).aggregate(total=Sum("amount"))["total"] == by_hand
    payment_entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT)
    assert payment_entries.count() == len(amounts) and payment_entries.aggregate(total=Sum("amount"))["total"] == -by_hand
    for customer, invoice, amount in zip(customers, invoices, amounts):
        invoice.refresh_from_db()
        assert (invoice.status, invoice.amount_paid) == (Invoice.Status.PAID, amount)
        assert Account.objects.get(customer=customer).balance == D("0.00")  # the invoice, then the same amount paid
        assert Payment.objects.get(customer=customer).amount == amount
    ledger_ok()
