"""billing.selectors.amounts_open: `amount_open` of many customers in one query (the demo's history reads the
day's payers with it, demo/management/commands/_demo_history.py)."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.selectors import amount_open, amounts_open
from billing.services import LineSpec, invoice_create
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.factories import UserFactory, make_customer


@pytest.mark.django_db
def test_amounts_open_is_amount_open_of_each_customer_in_one_query():
    actor = UserFactory(is_superuser=True)
    owing, part_paid, paid, nothing = (make_customer(actor=actor) for _ in range(4))
    for customer, amounts in ((owing, ["500.00", "250.50"]), (part_paid, ["700.00"]), (paid, ["300.00"])):
        for amount in amounts:
            invoice_create(actor=actor, customer=customer, lines=[LineSpec(kind="one_time", description="Fee", amount=D(amount))])
    payment_ledger_record(actor=actor, customer=part_paid, amount=D("200.00"), method=Payment.Method.CASH)
    payment_ledger_record(actor=actor, customer=paid, amount=amount_open(customer_id=paid.pk), method=Payment.Method.CASH)
    ids = [owing.pk, part_paid.pk, paid.pk, nothing.pk]

    with CaptureQueriesContext(connection) as queries:
        found = amounts_open(customer_ids=ids)
    assert len(queries) == 1
    assert found == {pk: amount_open(customer_id=pk) for pk in ids}
    assert found[paid.pk] == found[nothing.pk] == D("0") and found[part_paid.pk] == amount_open(customer_id=part_paid.pk) > 0
    assert amounts_open(customer_ids=[]) == {}
