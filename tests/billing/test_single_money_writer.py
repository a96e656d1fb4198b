"""Money is written by the ledger alone (billing/ledger/): tests/money_guard.py checks every statement
of the suite; these tests prove the check itself catches another writer and lets the ledger through."""

from decimal import Decimal

import pytest

from billing.ledger import account_lock
from billing.models import Account
from tests import money_guard, structure

pytestmark = pytest.mark.django_db


def _run_as(module_path: str, source: str, **names) -> None:
    """Run `source` as if it were code of the project module at `module_path` (its frames say so)."""
    code = compile(source, str(money_guard.ROOT / module_path), "exec")
    exec(code, {"Account": Account, "Decimal": Decimal, **names})


def test_a_balance_moved_outside_the_ledger_is_caught(customer):
    account = account_lock(customer_id=customer.pk)
    money_guard.violations.clear()
    _run_as("billing/services.py", "Account.objects.filter(pk=pk).update(balance=Decimal('5.00'))", pk=account.pk)
    caught = list(money_guard.violations)
    money_guard.violations.clear()  # the guard fixture would fail this test otherwise: it did its job
    assert caught == [("UPDATE", "billing_account", "billing/services.py:1")]


def test_a_ledger_entry_created_by_another_app_is_caught(customer):
    from billing.models import LedgerEntry

    account = account_lock(customer_id=customer.pk)
    money_guard.violations.clear()
    _run_as(
        "resellers/services.py",
        "LedgerEntry.objects.create(account=account, kind='credit', amount=Decimal('-1.00'), effective_date=day)",
        LedgerEntry=LedgerEntry, account=account, day=customer.created_at.date(),
    )
    caught = list(money_guard.violations)
    money_guard.violations.clear()
    assert caught == [("INSERT", "billing_ledgerentry", "resellers/services.py:1")]


@pytest.mark.parametrize("module", [
    f"{app.replace('.', '/')}/{'services' if app == 'billing' else 'anything'}.py" for app in structure.apps()
])
def test_a_money_write_from_every_package_is_caught(customer, module):
    """Every package of pyproject.toml's list (the use cases, the cards, RADIUS, the API, the interface,
    the wiring and the demo among them), and the rest of billing, is outside the ledger."""
    account = account_lock(customer_id=customer.pk)
    money_guard.violations.clear()
    _run_as(module, "Account.objects.filter(pk=pk).update(balance=Decimal('5.00'))", pk=account.pk)
    caught = list(money_guard.violations)
    money_guard.violations.clear()
    assert caught == [("UPDATE", "billing_account", f"{module}:1")]


def test_the_ledger_itself_writes_freely(customer):
    account = account_lock(customer_id=customer.pk)
    money_guard.violations.clear()
    _run_as("billing/ledger/__init__.py", "Account.objects.filter(pk=pk).update(balance=Decimal('5.00'))", pk=account.pk)
    assert money_guard.violations == []


@pytest.mark.parametrize("sql", [
    'INSERT INTO "billing_invoice" ("number") VALUES (%s)',
    'UPDATE "billing_resellerwallet" SET "balance" = 1',
    'DELETE FROM "billing_allocation" WHERE id = 1',
    'COPY "billing_invoiceline" ("invoice_id") FROM STDIN',
])
def test_every_kind_of_write_to_a_money_table_is_recognised(sql):
    assert money_guard._WRITE.match(sql)


@pytest.mark.parametrize("sql", [
    'SELECT * FROM "billing_invoice"',
    'UPDATE "billing_billingrun" SET "status" = 1',
    'INSERT INTO "billing_invoicetemplate" ("x") VALUES (1)',
])
def test_reads_and_other_tables_are_not_money_writes(sql):
    assert not money_guard._WRITE.match(sql)
