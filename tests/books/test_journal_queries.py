"""The journal's posting takes a fixed number of statements however many ledger entries it posts,
and on PostgreSQL looks its rows up by primary key (`= ANY(array)`): issue #53 item 12, where
`IN (SELECT unnest(...))` was planned as a hash join over the whole journal (83 ms a posting)."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.services import LineSpec, invoice_create
from payments.services import PaymentDraft, payment_ledger_reverse, payments_ledger_record_many
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def _journal_statements(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "books_journal" in q["sql"]]


def _pay(customers: int):
    people = [make_customer() for _ in range(customers)]
    with transaction.atomic():
        for customer in people:
            invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Router", amount=Decimal("500"))])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        payments = payments_ledger_record_many(drafts=[
            PaymentDraft(customer=customer, amount=Decimal("500"), method="cash", reference=f"J{customer.pk}") for customer in people
        ])
    return payments, _journal_statements(queries)


def test_payments_posted_together_take_three_journal_statements_however_many():
    _payments, two = _pay(2)
    _payments, six = _pay(6)
    # the entries, their lines, and the check that none is left without lines
    assert len(two) == len(six) == 3
    if connection.vendor == "postgresql":
        assert all("unnest" not in sql for sql in six)
        assert all("= ANY(" in sql for sql in six)


def test_a_reversal_mirrors_its_entry_in_five_journal_statements():
    (payment,), _statements = _pay(1)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        payment_ledger_reverse(actor=None, payment=payment, reason="counted twice")
    statements = _journal_statements(queries)
    # the entry, lines (none: a reversal), the check, the mirrored lines, the check again
    assert len(statements) == 5
