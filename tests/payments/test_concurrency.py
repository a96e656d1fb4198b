"""Payments for one customer recorded at the same time: the account lock serialises them, so the
balance, the allocations and the receipt numbers stay exact."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from billing.models import Invoice
from billing.selectors import account_balance
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.factories import admin_user, make_customer
from tests.payments.conftest import charge, ledger_ok

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _run_concurrently(work) -> list[BaseException]:
    barrier, errors = threading.Barrier(THREADS, timeout=120), []

    def run(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    return errors


def test_concurrent_payments_for_one_customer_keep_balance_and_receipts_exact():
    cashier = admin_user()
    customer = make_customer()
    invoices = [charge(customer, "1000.00", days_ago=days) for days in (30, 20, 10)]

    errors = _run_concurrently(
        lambda index: payment_ledger_record(actor=cashier, customer=customer, amount=Decimal("500.00"), method="cash")
    )

    assert errors == []
    payments = list(Payment.objects.filter(customer=customer))
    assert len(payments) == THREADS
    numbers = sorted(int(payment.receipt_number.rsplit("-", 1)[1]) for payment in payments)
    assert numbers == list(range(numbers[0], numbers[0] + THREADS))
    assert account_balance(customer_id=customer.pk) == Decimal("0.00")
    assert set(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("status", flat=True)) == {"paid"}
    assert ledger_ok()


def test_the_same_form_submitted_concurrently_records_one_payment():
    cashier = admin_user()
    customer = make_customer()
    charge(customer, "1000.00")

    errors = _run_concurrently(
        lambda index: payment_ledger_record(
            actor=cashier, customer=customer, amount=Decimal("700.00"), method="cash", idempotency_key="same-form"
        )
    )

    assert errors == []
    assert Payment.objects.filter(customer=customer).count() == 1
    assert account_balance(customer_id=customer.pk) == Decimal("300.00")
    assert ledger_ok()
