"""`manage.py check_ledger` exits 0 when every cache agrees with its rows and non-zero when one does not."""

from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core.management import load_command_class
from django.db import connection

from billing.models import Account, Invoice, LedgerEntry
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from payments.services import payment_ledger_record
from tests.factories import make_customer

D = Decimal


def check_ledger() -> tuple[int, str, str]:
    """Run the command as `manage.py check_ledger` does (run_from_argv: a CommandError becomes
    sys.exit(1)) and return (exit status, stdout, stderr). Only closing the database connections at
    the end is skipped: the test's transaction still needs its connection."""
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err), mock.patch("django.core.management.base.connections.close_all"):
        command = load_command_class("billing", "check_ledger")
        try:
            command.run_from_argv(["manage.py", "check_ledger"])
        except SystemExit as exit_:
            return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def check_ledger_ledger(db):
    """A customer with an invoice partly paid: balance 700, amount paid 300."""
    current_billing_settings()
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Router", amount=D("1000"))])
    payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")
    return customer, Invoice.objects.get(pk=invoice.pk)


def raw_update(model, column: str, delta: str, pk: int) -> None:
    with connection.cursor() as cursor:
        table, col = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
        cursor.execute(f"UPDATE {table} SET {col} = {col} + %s WHERE id = %s", [D(delta), pk])


def test_check_ledger_exits_zero_when_balances_agree(check_ledger_ledger):
    customer, invoice = check_ledger_ledger

    status, out, err = check_ledger()

    assert status == 0 and err == ""
    assert "ledger OK: 1 accounts, 1 invoices" in out
    assert customer.account.balance == invoice.total - D("300.00")


def test_check_ledger_exits_non_zero_when_a_cached_balance_disagrees(check_ledger_ledger):
    customer, _invoice = check_ledger_ledger
    account = Account.objects.get(customer=customer)
    entries = list(LedgerEntry.objects.values_list("id", "amount"))

    raw_update(Account, "balance", "0.01", account.pk)

    status, out, err = check_ledger()
    assert status == 1
    assert f"account {account.pk} (customer {customer.pk}): balance" in err
    assert "ledger check failed: " in err and "ledger OK" not in out
    assert list(LedgerEntry.objects.values_list("id", "amount")) == entries  # the check only reads

    raw_update(Account, "balance", "-0.01", account.pk)
    assert check_ledger()[0] == 0


def test_check_ledger_exits_non_zero_when_an_invoice_paid_amount_disagrees(check_ledger_ledger):
    _customer, invoice = check_ledger_ledger

    raw_update(Invoice, "amount_paid", "5.00", invoice.pk)

    status, _out, err = check_ledger()
    assert status == 1
    assert f"invoice {invoice.number}: amount_paid" in err and "≠ allocations" in err


def test_check_ledger_compares_open_amounts_exactly_on_every_database(db):
    """Defect 10: SQLite works out total − amount_paid in floats (1150.10 − 1137.76 = 12.339999999999918)
    and the check reported "credit 1E-13 left unapplied" on a ledger that was right. Exact now."""
    settings_row = current_billing_settings()
    settings_row.vat_rate = D("0")
    settings_row.save(update_fields=["vat_rate"])
    customer = make_customer()
    invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Item", amount=D("1150.10"))])
    payment_ledger_record(actor=None, customer=customer, amount=D("1137.76"), method="cash")
    assert Account.objects.get(customer=customer).balance == D("12.34")

    status, out, err = check_ledger()

    assert (status, err) == (0, "")
    assert "ledger OK: 1 accounts, 1 invoices" in out
