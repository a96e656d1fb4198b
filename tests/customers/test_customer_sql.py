"""The pieces of customers/sql.py that the list's own tests (test_selectors.py) do not reach: an
owner's name search read through the indexes (`index_reads`, the reseller portal's list) gives the
same page as a plain read on both databases; on PostgreSQL it plans without a sequential scan, and
the setting ends with the read."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from customers.selectors import customer_page, customer_selection
from tests.factories import admin_user, make_customer, make_subscription

pytestmark = pytest.mark.django_db

SEQSCAN_OFF = "SET LOCAL enable_seqscan = off"


def test_a_name_search_read_through_the_indexes_gives_the_same_page_and_forgets_the_setting():
    everyone = admin_user()
    by_name = make_customer(name="Sabina Yasmin", customer_since=date(2024, 3, 1))
    by_login = make_subscription(customer=make_customer(name="Kulsum Begum"), username="sabina.k").customer
    make_customer(name="Rokeya Khatun")
    selection = customer_selection(user=everyone, q="sabina")

    plain = customer_page(selection, sort="name", size=5)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        through_indexes = customer_page(selection, sort="name", size=5, index_reads=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW enable_seqscan")
                assert cursor.fetchone() == ("on",)  # rolled back with the read's savepoint

    assert plain.customers == through_indexes.customers == [by_login, by_name]
    assert (through_indexes.total, through_indexes.next_cursor) == (2, None)
    statements = [query["sql"] for query in queries.captured_queries]
    assert statements.count(SEQSCAN_OFF) == (1 if connection.vendor == "postgresql" else 0)
