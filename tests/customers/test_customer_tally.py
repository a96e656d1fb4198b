"""The customer tally the staff home counts from (customers.models.CustomerTally): kept by triggers, it
agrees with counting the customers after every kind of write, on both databases."""

import pytest
from django.db import connection
from django.db.models import Count, Sum

from customers.apps import _tally_triggers
from customers.models import Customer, CustomerTally
from customers.selectors import customer_counts_by_status
from customers.sql import customer_tally_recount, customer_tally_triggers_drop
from dashboard.selectors import staff_home
from tests.factories import AreaFactory, UserFactory, admin_user, make_customer


def counted(branch_ids=None) -> dict[str, int]:
    customers = Customer.objects.all() if branch_ids is None else Customer.objects.filter(branch_id__in=branch_ids)
    return dict(customers.order_by().values_list("status").annotate(n=Count("id")))


def tallied_per_branch() -> dict[tuple[int, str], int]:
    rows = CustomerTally.objects.order_by().values_list("branch_id", "status").annotate(total=Sum("n"))
    return {(branch, status): n for branch, status, n in rows if n}


def counted_per_branch() -> dict[tuple[int, str], int]:
    return {(b, s): n for b, s, n in Customer.objects.order_by().values_list("branch_id", "status").annotate(n=Count("id"))}


@pytest.fixture
def customer_tally_two_branches(db):
    north, south = AreaFactory(), AreaFactory()
    customers = [make_customer(area=north) for _ in range(3)] + [make_customer(area=south) for _ in range(2)]
    return north, south, customers


def test_every_kind_of_write_keeps_the_tally_equal_to_the_count(customer_tally_two_branches):
    north, south, customers = customer_tally_two_branches
    admin = admin_user()
    assert customer_counts_by_status(admin) == counted() == {"pending": 5}

    first = customers[0]
    first.status = Customer.Status.ACTIVE
    first.save(update_fields=["status"])  # one row through the ORM
    Customer.objects.filter(branch=south.branch).update(status=Customer.Status.SUSPENDED)  # a bulk update
    with connection.cursor() as cursor:  # a raw statement, as the billing run's set-based writes are
        cursor.execute("UPDATE customers_customer SET status = %s WHERE id = %s", ["closed", customers[1].pk])
    Customer.objects.filter(pk=customers[2].pk).update(notes="no status change")  # changes nothing counted
    assert counted() == {"active": 1, "closed": 1, "pending": 1, "suspended": 2}
    assert customer_counts_by_status(admin) == counted()
    assert tallied_per_branch() == counted_per_branch()

    Customer.objects.filter(pk=customers[2].pk).update(branch=south.branch)  # moved to the other branch
    Customer.objects.filter(pk=customers[3].pk).delete()
    assert tallied_per_branch() == counted_per_branch()
    assert customer_counts_by_status(admin) == counted() == {"active": 1, "closed": 1, "pending": 1, "suspended": 1}


def test_a_branch_user_counts_their_branch_only(customer_tally_two_branches):
    north, south, _customers = customer_tally_two_branches
    Customer.objects.filter(branch=north.branch).update(status=Customer.Status.ACTIVE)
    cashier = UserFactory(kind="staff", is_staff=True, all_branches=False)
    cashier.branches.add(south.branch)
    assert customer_counts_by_status(cashier) == counted([south.branch_id]) == {"pending": 2}


def test_the_nightly_recount_folds_the_rows_and_keeps_the_figures(customer_tally_two_branches):
    north, south, customers = customer_tally_two_branches
    for status in ("active", "suspended", "active", "closed"):
        Customer.objects.filter(pk=customers[0].pk).update(status=status)
    rows_before = CustomerTally.objects.count()
    figures = customer_counts_by_status(admin_user())

    customer_tally_recount()

    assert CustomerTally.objects.count() < rows_before
    assert CustomerTally.objects.count() == len(counted_per_branch())  # one row per branch and status
    assert customer_counts_by_status(admin_user()) == figures == counted()


def test_triggers_lost_to_a_table_rebuild_come_back_after_migrate(customer_tally_two_branches):
    # SQLite rebuilds a table (and drops its triggers) when a migration alters it; post_migrate puts
    # them back and recounts what was written meanwhile.
    _north, _south, customers = customer_tally_two_branches
    customer_tally_triggers_drop()
    Customer.objects.filter(pk=customers[0].pk).update(status=Customer.Status.ACTIVE)  # not seen by the tally
    assert customer_counts_by_status(admin_user()) != counted()

    _tally_triggers(sender=None, using="default")

    assert customer_counts_by_status(admin_user()) == counted()
    Customer.objects.filter(pk=customers[1].pk).update(status=Customer.Status.ACTIVE)
    assert customer_counts_by_status(admin_user()) == counted() == {"active": 2, "pending": 3}


def test_the_staff_home_shows_the_counts(customer_tally_two_branches):
    _north, south, _customers = customer_tally_two_branches
    Customer.objects.filter(branch=south.branch).update(status=Customer.Status.ACTIVE)
    tiles = {tile.label: tile.value for tile in staff_home(user=admin_user())["sections"][0]["tiles"]}
    assert tiles["Customers"] == 5
    assert tiles["Active customers"] == 2
    assert tiles["Awaiting activation"] == 3


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_tally_is_recounted_whatever_order_it_deleted_in():
    # SQLite's flush deletes table by table in set order: when the tally goes first, the customers'
    # delete trigger writes -1 rows into it afterwards. Flush then sends post_migrate, which recounts.
    from django.core.management.sql import emit_post_migrate_signal

    make_customer()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM customers_customertally")
        cursor.execute("DELETE FROM customers_customer")
    assert customer_counts_by_status(admin_user()) == {"pending": -1}

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert customer_counts_by_status(admin_user()) == {}
