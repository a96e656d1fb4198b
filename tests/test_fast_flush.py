"""The fast flush after a committing test (tests/fast_flush.py) leaves what Django's flush leaves."""

from collections import Counter
from datetime import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from tests import fast_flush
from tests.factories import make_subscription

pytestmark = pytest.mark.postgres


def contents() -> dict[str, Counter]:
    """Every table's rows, as a multiset, without the id columns and times (a real flush's post_migrate
    gives the rows it writes new ids, as the sequences are never reset, and stamps them with now)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in fast_flush._tables(connection):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            keep = [i for i, column in enumerate(cursor.description) if column.name != "id" and not column.name.endswith("_id")]
            tables[table] = Counter(
                tuple(repr(row[i]) for i in keep if not isinstance(row[i], datetime)) for row in cursor.fetchall()
            )
    return tables


def write_a_little_of_everything():
    subscription = make_subscription(activate=True)
    role = Group.objects.order_by("name").first()
    role.permissions.remove(*role.permissions.all()[:3])  # a baseline table changed, not only added to
    Permission.objects.filter(codename__startswith="view_").first().delete()
    return subscription


@pytest.mark.django_db(transaction=True)
def test_the_fast_flush_leaves_the_database_a_real_flush_leaves():
    fast_flush._django_flush(connection.alias)
    fast_flush.baseline_capture(connection.alias)
    assert fast_flush._baselines[connection.alias], "PostgreSQL as a superuser (CI's set-up) takes the fast way"
    # A real flush since (a module's fixture, say) gives the content types new ids, which Django caches.
    fast_flush._django_flush(connection.alias)

    write_a_little_of_everything()
    written = set(fast_flush.tables_with_rows(connection))
    fast_flush.fast_flush(connection.alias)
    after_fast = contents()

    write_a_little_of_everything()
    fast_flush._django_flush(connection.alias)
    after_real = contents()

    assert {"customers_customer", "customers_subscription", "customers_package"} <= written
    different = sorted(table for table in after_real if after_fast[table] != after_real[table])
    assert different == []
    assert sum(after_real["auth_permission"].values()) > 0 and not after_real["customers_customer"]
