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
    """Every table's rows, as a multiset, ids included, times left out (a real flush's post_migrate stamps
    the rows it writes with now; it gives them the same ids every time, tests/template_db.py)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in fast_flush._tables(connection):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = Counter(tuple(repr(value) for value in row if not isinstance(value, datetime)) for row in cursor.fetchall())
    return tables


def content_type_ids() -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model, id FROM django_content_type")
        return {(app, model): pk for app, model, pk in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_content_types_keep_their_ids_through_every_kind_of_flush():
    """As the template has them, after a real flush and after a fast one: rows seeded in one worker before
    its first flush and copied into another after its own (tests/seeded_demo.py) name the same types, and
    no flush leaves Django's process-wide cache of them pointing at ids that are gone."""
    from django.contrib.contenttypes.models import ContentType

    from tickets.models import Ticket

    as_made = content_type_ids()
    fast_flush.django_flush(connection.alias)
    assert content_type_ids() == as_made
    fast_flush.baseline_capture(connection.alias)
    ContentType.objects.get_for_model(Ticket)  # cached
    write_a_little_of_everything()
    fast_flush.fast_flush(connection.alias)
    assert content_type_ids() == as_made
    assert ContentType.objects.get_for_model(Ticket).pk == as_made[("tickets", "ticket")]


def write_a_little_of_everything():
    subscription = make_subscription(activate=True)
    role = Group.objects.order_by("name").first()
    role.permissions.remove(*role.permissions.all()[:3])  # a baseline table changed, not only added to
    Permission.objects.filter(codename__startswith="view_").first().delete()
    return subscription


@pytest.mark.django_db(transaction=True)
def test_the_fast_flush_leaves_the_database_a_real_flush_leaves():
    fast_flush.django_flush(connection.alias)
    fast_flush.baseline_capture(connection.alias)
    assert fast_flush._baselines[connection.alias], "PostgreSQL as a superuser (CI's set-up) takes the fast way"
    fast_flush.django_flush(connection.alias)  # a real flush since (a module's fixture, say)

    write_a_little_of_everything()
    written = set(fast_flush.tables_with_rows(connection))
    fast_flush.fast_flush(connection.alias)
    after_fast = contents()

    write_a_little_of_everything()
    fast_flush.django_flush(connection.alias)
    after_real = contents()

    assert {"customers_customer", "customers_subscription", "customers_package"} <= written
    different = sorted(table for table in after_real if after_fast[table] != after_real[table])
    assert different == []
    assert sum(after_real["auth_permission"].values()) > 0 and not after_real["customers_customer"]


@pytest.mark.django_db(transaction=True)
def test_a_sequence_started_again_is_not_left_behind_the_rows_copied_back():
    """A migration test that takes an app back and forth makes its tables again, their sequences at 1; the
    baseline's rows copied back keep their ids, and the next insert must not meet one of them."""
    from books.models import LedgerAccount
    from books.services import bank_account_create

    fast_flush.django_flush(connection.alias)
    fast_flush.baseline_capture(connection.alias)
    sequence = fast_flush.id_sequences(connection, ["books_ledgeraccount"])["books_ledgeraccount"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(%s, 1, false)", [sequence])  # as a table made anew starts
    fast_flush.fast_flush(connection.alias)

    account = bank_account_create(actor=None, name="DBBL current", bank="Dutch-Bangla Bank", number="110-1")
    assert account.ledger_account.pk == LedgerAccount.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert account.ledger_account.code == "1310"


@pytest.mark.django_db(transaction=True)
def test_a_baseline_table_changed_in_place_is_put_back_and_one_left_alone_is_not_rewritten():
    """The fast flush skips the baseline tables a test did not touch. A row changed in place keeps the
    count, so it is the row's new writer (xmin) that tells; a table nobody wrote keeps its writers."""
    from ispbill.notify.models import MessageTemplate

    fast_flush.django_flush(connection.alias)
    fast_flush.baseline_capture(connection.alias)
    before = contents()
    left_alone = fast_flush.fingerprints(connection, ["auth_permission"])
    template = MessageTemplate.objects.order_by("pk").first()
    MessageTemplate.objects.filter(pk=template.pk).update(body=template.body + " changed")

    fast_flush.fast_flush(connection.alias)

    assert MessageTemplate.objects.get(pk=template.pk).body == template.body
    assert contents() == before
    assert fast_flush.fingerprints(connection, ["auth_permission"]) == left_alone


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suites_connections_commit_without_waiting_for_the_disk():
    """tests/conftest.py: a committing test's statements do not wait on fdatasync (a third of a
    committing test's time on this machine); a change that dropped the option would show here."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suites_connections_give_up_on_a_lock_instead_of_hanging_the_worker():
    """tests/conftest.py: a test thread blocked on a row its own test holds fails after 120 s rather than
    hanging the run until CI's limit."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "2min"


backends_seen: list[int] = []


@pytest.mark.xdist_group("kept_connection")
@pytest.mark.django_db(transaction=True)
def test_a_committing_test_leaves_its_connection_open():
    """tests/kept_connections.py: the next committing test uses the same PostgreSQL backend, not a new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backends_seen.append(cursor.fetchone()[0])


@pytest.mark.xdist_group("kept_connection")
@pytest.mark.django_db(transaction=True)
def test_the_next_committing_test_finds_it_open():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert backends_seen == [cursor.fetchone()[0]]
