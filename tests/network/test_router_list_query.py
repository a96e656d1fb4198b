"""The Routers page's query does not grow with what a running system accumulates.

Every change the worker applies stays as a done outbox entry; in a demo left running for a day the
page took 8 s, because the counts joined each router's done entries with its connections (rows
multiplied by rows) before counting them distinct. Counted apart, the work is that of the open
entries and the connections, whatever the number of done ones."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.models import ProvisioningTask
from network.selectors import router_list
from tests.factories import RouterFactory, admin_user, make_subscription

pytestmark = pytest.mark.django_db

DONE = 3000
CONNECTIONS = 40


def a_day_of_done_changes(router, subscriptions, count=DONE):
    now = timezone.now()
    ProvisioningTask.objects.bulk_create(
        ProvisioningTask(
            router=router, subscription=subscriptions[n % len(subscriptions)], key=f"sub:{subscriptions[n % len(subscriptions)].pk}",
            action="update", desired={}, status="done", next_attempt_at=now, applied_at=now,
        )
        for n in range(count)
    )


def rows_produced(plan: dict) -> int:
    """The most rows any step of the plan produced (rows × loops)."""
    rows = plan.get("Actual Rows", 0) * plan.get("Actual Loops", 1)
    return max([rows, *(rows_produced(child) for child in plan.get("Plans", []))])


def test_router_list_counts_stay_right_with_many_done_changes(staff_client):
    router = RouterFactory(name="MIR-CORE-01")
    subscriptions = [make_subscription(router=router, activate=True, username=f"c{n}") for n in range(3)]
    ProvisioningTask.objects.filter(subscription=subscriptions[0]).update(status="failed")
    a_day_of_done_changes(router, subscriptions, count=50)
    empty = RouterFactory(name="UTT-CORE-01")

    rows = {r.pk: r for r in router_list(user=admin_user())}

    assert (rows[router.pk].pending_count, rows[router.pk].failed_count, rows[router.pk].subscription_count) == (2, 1, 3)
    assert (rows[empty.pk].pending_count, rows[empty.pk].failed_count, rows[empty.pk].subscription_count) == (0, 0, 0)
    page = staff_client.get(reverse("staff:router-list")).content.decode()
    assert "1 failing" in page and "2 pending" in page


def test_router_list_is_one_query_that_joins_no_changes_with_connections():
    router = RouterFactory()
    make_subscription(router=router, activate=True)
    with CaptureQueriesContext(connection) as queries:
        list(router_list(user=admin_user()))
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT") and "network_router" in q["sql"]]
    assert len(selects) == 1
    assert 'JOIN "network_provisioningtask"' not in selects[0] and 'JOIN "customers_subscription"' not in selects[0]


@pytest.mark.postgres
def test_router_list_plan_does_not_grow_with_done_changes():
    router = RouterFactory(name="MIR-CORE-01")
    subscriptions = [make_subscription(router=router, activate=True, username=f"c{n}") for n in range(CONNECTIONS)]
    a_day_of_done_changes(router, subscriptions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE network_provisioningtask")
        cursor.execute("ANALYZE customers_subscription")
    sql, params = router_list(user=admin_user()).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    # Joined, the router's 3,000 done changes times its 40 connections made 120,000 rows; counted
    # apart, no step produces more rows than the connections or the open changes.
    assert rows_produced(plan) <= CONNECTIONS * 2


def rows_read(plan: dict) -> int:
    """Rows every step read: what it produced and what its filter removed (× loops)."""
    own = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * plan.get("Actual Loops", 1)
    return own + sum(rows_read(child) for child in plan.get("Plans", []))


@pytest.mark.postgres
def test_a_routers_open_changes_are_read_without_its_done_ones():
    router = RouterFactory(name="MIR-CORE-01")
    subscriptions = [make_subscription(router=router, activate=True, username=f"c{n}") for n in range(CONNECTIONS)]
    a_day_of_done_changes(router, subscriptions, count=20_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE network_provisioningtask")
    # What the outbox's drainer, the router page and the reconciler ask for: the open entries.
    open_entries = ProvisioningTask.objects.filter(router=router, status__in=ProvisioningTask.NOT_DONE).order_by("id")
    assert open_entries.count() == CONNECTIONS  # each connection's provisioning, still queued
    assert rows_read(explained(open_entries)) <= CONNECTIONS * 3
    # Asked as "not done", the same rows cost a read of every done entry of the router.
    not_done = ProvisioningTask.objects.filter(router=router).exclude(status="done").order_by("id")
    assert rows_read(explained(not_done)) >= 20_000


def explained(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
