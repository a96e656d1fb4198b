"""The provisioning outbox against the RouterOS simulator: lifecycle services write entries in their
transaction, the drainer (called directly, as the Celery task does) applies them in order, and no
fault loses one."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import Subscription
from network import outbox, reconcile, services
from network.models import ProvisioningTask, Router
from tests.factories import PackageFactory, RouterFactory, admin_user, make_subscription
from usecases.package_create import package_create as usecases_package_create
from usecases.package_update import package_update as usecases_package_update
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.usefixtures("fresh_router_connections")

Status = ProvisioningTask.Status


def router_for(sim, *, ssl=False, **fields) -> Router:
    """A Router row pointing at a simulated router."""
    return RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, use_ssl=ssl, username=sim.username, **fields)


def drain(router, *, later=0):
    return outbox.outbox_drain(router_id=router.pk, now=timezone.now() + timedelta(seconds=later) if later else None)


def secret(sim, name):
    rows = [row for row in sim.run("/ppp/secret/print") if row.get("name") == name]
    return rows[0] if rows else None


def suspend(subscription, **kwargs):
    return subscription_suspend(
        actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT, **kwargs
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ssl", [False, True], ids=["api", "api-ssl"])
def test_lifecycle_reaches_the_router_provision_suspend_reactivate_change_package_deprovision(routeros_router, ssl):
    router = router_for(routeros_router, ssl=ssl)
    home = PackageFactory(router_profile="HOME-20M", download_mbps=20, upload_mbps=10)
    subscription = make_subscription(router=router, package=home, username="rahim", password="pw-rahim")
    assert drain(router).applied == 0  # pending: nothing for the router yet
    assert secret(routeros_router, "rahim") is None

    subscription = usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
    assert drain(router).applied == 1
    row = secret(routeros_router, "rahim")
    assert (row["password"], row["profile"], row["disabled"], row["service"]) == ("pw-rahim", "HOME-20M", "false", "pppoe")
    assert row["comment"] == f"ispbill:{subscription.pk}"
    [profile] = [p for p in routeros_router.run("/ppp/profile/print") if p["name"] == "HOME-20M"]
    assert profile["rate-limit"] == "10M/20M"  # upload (the router's rx) first
    assert routeros_router.session("rahim") is not None

    subscription = suspend(subscription)
    drain(router)
    assert secret(routeros_router, "rahim")["disabled"] == "true"
    assert routeros_router.session("rahim") is None

    subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    drain(router)
    assert secret(routeros_router, "rahim")["disabled"] == "false"
    assert routeros_router.session("rahim") is not None

    family = PackageFactory(router_profile="FAMILY-50M", download_mbps=50, upload_mbps=50)
    first_session = routeros_router.session("rahim")["caller-id"], routeros_router.session("rahim")[".id"]
    subscription = subscription_update(actor=None, subscription=subscription, package=family)
    drain(router)
    assert secret(routeros_router, "rahim")["profile"] == "FAMILY-50M"
    # The session redialled to pick up the new speed.
    assert routeros_router.session("rahim")[".id"] != first_session[1]

    subscription_cancel(actor=None, subscription=subscription, reason="moved away")
    drain(router)
    assert secret(routeros_router, "rahim") is None
    assert routeros_router.session("rahim") is None
    tasks = list(ProvisioningTask.objects.filter(subscription=subscription))
    assert [task.action for task in tasks] == ["provision", "suspend", "reactivate", "update", "deprovision"]
    assert all(task.status == Status.DONE and task.applied_at for task in tasks)


@pytest.mark.django_db
def test_cancelling_a_pending_subscription_queues_nothing(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router)
    subscription_cancel(actor=None, subscription=subscription, reason="never installed")
    assert not ProvisioningTask.objects.filter(subscription=subscription).exists()


@pytest.mark.django_db
def test_entries_are_written_in_the_lifecycle_transaction_and_vanish_with_its_rollback(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
            assert ProvisioningTask.objects.filter(subscription=subscription).count() == 1
            raise RuntimeError("the rest of the request failed")
    assert not ProvisioningTask.objects.filter(subscription=subscription).exists()


@pytest.mark.django_db
def test_one_wake_up_per_router_per_transaction(routeros_router, django_capture_on_commit_callbacks):
    router = router_for(routeros_router)
    subscriptions = [make_subscription(router=router) for _ in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            for subscription in subscriptions:
                usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
    wakes = [callback for callback in callbacks if isinstance(callback, services._Wake)]
    assert [wake.router_id for wake in wakes] == [router.pk]


@pytest.mark.django_db
def test_router_down_delays_changes_and_applies_all_of_them_in_order_after_recovery(routeros_router):
    router = router_for(routeros_router)
    first = make_subscription(router=router, username="first", activate=True)
    second = make_subscription(router=router, username="second", activate=True)
    drain(router)
    routeros_router.go_down(3600)  # the kept connection dies, new ones are refused

    first = suspend(first)
    second = subscription_update(actor=None, subscription=second, password="new-password")
    first = subscription_reactivate(actor=None, subscription=first, reason="paid")
    first = suspend(first)
    waiting = list(ProvisioningTask.objects.exclude(status=Status.DONE).order_by("id"))
    result = drain(router)

    assert result.stopped == "unreachable" and result.applied == 0
    router.refresh_from_db()
    assert not router.is_online and "refused the connection" in router.last_error
    for task in ProvisioningTask.objects.filter(pk__in=[t.pk for t in waiting]):
        assert task.status == Status.FAILED and task.attempts == 1
        assert "refused the connection" in task.last_error
        assert task.next_attempt_at > timezone.now()

    routeros_router.accept_connections()
    assert drain(router).stopped == "backoff"  # the router's back-off is not over yet: nothing is hammered
    result = drain(router, later=120)

    assert result.applied == len(waiting) == 4
    applied = list(ProvisioningTask.objects.filter(pk__in=[t.pk for t in waiting]).order_by("id"))
    assert all(task.status == Status.DONE for task in applied)
    # In the order they were decided.
    assert [task.applied_at for task in applied] == sorted(task.applied_at for task in applied)
    assert secret(routeros_router, "first")["disabled"] == "true"
    assert routeros_router.session("first") is None
    assert secret(routeros_router, "second")["password"] == "new-password"
    router.refresh_from_db()
    assert router.is_online and router.last_error == "" and router.unreachable_count == 0


@pytest.mark.django_db
def test_a_router_down_for_a_while_gets_every_change_when_it_is_back(routeros_router):
    router = router_for(routeros_router)
    subscriptions = [make_subscription(router=router, username=f"user{n}") for n in range(5)]
    routeros_router.go_down(0.3)
    for subscription in subscriptions:
        usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
    assert drain(router).stopped == "unreachable"
    time.sleep(0.4)
    assert drain(router, later=600).applied == 5
    assert {row["name"] for row in routeros_router.run("/ppp/secret/print")} == {f"user{n}" for n in range(5)}


@pytest.mark.django_db
def test_wrong_credentials_keep_the_changes_until_the_password_is_fixed(make_routeros_router):
    sim = make_routeros_router(password="right-password")
    router = router_for(sim, password="wrong-password")
    subscription = make_subscription(router=router, username="karim", activate=True)
    assert drain(router).stopped == "unreachable"
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == Status.FAILED and "refused the login" in task.last_error
    router.refresh_from_db()
    assert not router.is_online and "refused the login" in router.last_error

    # Staff fix the password: the router's back-off is lifted and the queue goes through.
    services.router_update(actor=admin_user(), router=router, password="right-password")
    assert drain(router).applied == 1
    assert secret(sim, "karim") is not None


@pytest.mark.django_db
def test_a_trap_fails_one_customer_and_the_others_still_go_through(routeros_router):
    router = router_for(routeros_router)
    stuck = make_subscription(router=router, username="stuck")
    fine = make_subscription(router=router, username="fine")
    usecases_subscription_activate(actor=None, subscription=stuck, reason="installed")
    usecases_subscription_activate(actor=None, subscription=fine, reason="installed")
    suspend(Subscription.objects.get(pk=stuck.pk))
    routeros_router.inject_trap("/ppp/secret/add", "failure: could not add secret", category=4)

    result = drain(router)

    stuck_tasks = list(ProvisioningTask.objects.filter(subscription=stuck).order_by("id"))
    assert stuck_tasks[0].status == Status.FAILED
    assert stuck_tasks[0].last_error == "failure: could not add secret"
    assert stuck_tasks[1].status == Status.PENDING  # waits behind its own customer's failed change
    assert ProvisioningTask.objects.get(subscription=fine).status == Status.DONE
    assert result.applied == 1 and result.failed == 1
    assert secret(routeros_router, "stuck") is None

    drain(router, later=60)  # the back-off of the first attempt is over: both of stuck's changes, in order
    assert all(task.status == Status.DONE for task in ProvisioningTask.objects.filter(subscription=stuck))
    assert secret(routeros_router, "stuck")["disabled"] == "true"


@pytest.mark.django_db
def test_back_off_grows_and_is_capped():
    delays = [services.retry_delay(attempt).total_seconds() for attempt in range(1, 12)]
    assert delays[:4] == [30, 60, 120, 240]
    assert delays == sorted(delays)
    assert max(delays) == services.RETRY_CAP_SECONDS


@pytest.mark.django_db
def test_a_username_already_on_the_router_fails_clearly_until_staff_adopt_it(routeros_router):
    router = router_for(routeros_router)
    routeros_router.run("/ppp/secret/add", name="old-customer", password="old", service="pppoe")
    subscription = make_subscription(router=router, username="old-customer", password="new-pw", activate=True)

    drain(router)
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == Status.FAILED
    assert "already exists on the router and was not created by ispbill" in task.last_error
    assert secret(routeros_router, "old-customer")["password"] == "old"

    report = reconcile.reconcile_router(router_id=router.pk)
    [orphan] = report.orphans
    assert (orphan["name"], orphan["subscription"]) == ("old-customer", subscription.pk)
    reconcile.orphan_adopt(actor=admin_user(), router=router, table="secret", name="old-customer")
    drain(router)

    row = secret(routeros_router, "old-customer")
    assert (row["password"], row["comment"]) == ("new-pw", f"ispbill:{subscription.pk}")
    assert ProvisioningTask.objects.get(subscription=subscription).status == Status.DONE
    assert reconcile.reconcile_router(router_id=router.pk).orphans == []


@pytest.mark.django_db
def test_a_reboot_mid_operation_changes_every_id_and_the_retry_finds_the_rows_again(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, username="rebooted", activate=True)
    drain(router)
    ids_before = {row[".id"] for row in routeros_router.run("/ppp/secret/print")}

    suspend(subscription)
    # The router dies right after taking the change, and comes back with new ids.
    routeros_router.drop_mid_reply("/ppp/secret/set", after_rows=0)
    first = drain(router)
    routeros_router.reboot()
    assert first.stopped == "unreachable"
    task = ProvisioningTask.objects.get(subscription=subscription, action="suspend")
    assert task.status == Status.FAILED

    assert drain(router, later=120).applied == 1
    assert {row[".id"] for row in routeros_router.run("/ppp/secret/print")}.isdisjoint(ids_before)
    assert secret(routeros_router, "rebooted")["disabled"] == "true"
    assert routeros_router.session("rebooted") is None


@pytest.mark.django_db
def test_static_ip_subscriptions_get_a_queue_and_are_suspended_by_address_list(routeros_router):
    router = router_for(routeros_router)
    package = PackageFactory(download_mbps=30, upload_mbps=15)
    subscription = make_subscription(
        router=router, package=package, connection_type=Subscription.ConnectionType.STATIC_IP, username="", static_ip="103.148.40.20",
        activate=True,
    )
    drain(router)
    [queue] = routeros_router.run("/queue/simple/print")
    assert (queue["name"], queue["target"], queue["max-limit"]) == ("static-103.148.40.20", "103.148.40.20/32", "15000000/30000000")

    subscription = suspend(subscription)
    drain(router)
    [listed] = routeros_router.run("/ip/firewall/address-list/print")
    assert (listed["list"], listed["address"]) == ("suspended", "103.148.40.20")

    subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    drain(router)
    assert routeros_router.run("/ip/firewall/address-list/print") == []


@pytest.mark.django_db
def test_address_list_suspension_keeps_the_login_and_lists_its_fixed_address(routeros_router):
    router = router_for(routeros_router, suspension_method=Router.SuspensionMethod.ADDRESS_LIST, suspended_address_list="unpaid")
    subscription = make_subscription(router=router, username="fixed", static_ip="10.20.0.7", activate=True)
    drain(router)
    assert secret(routeros_router, "fixed")["remote-address"] == "10.20.0.7"
    suspend(subscription)
    drain(router)
    assert secret(routeros_router, "fixed")["disabled"] == "false"
    assert [(row["list"], row["address"]) for row in routeros_router.run("/ip/firewall/address-list/print")] == [("unpaid", "10.20.0.7")]


@pytest.mark.django_db
def test_hotspot_subscriptions_are_hotspot_users(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, connection_type=Subscription.ConnectionType.HOTSPOT, username="hs_rina", activate=True)
    drain(router)
    [user] = routeros_router.run("/ip/hotspot/user/print")
    assert (user["name"], user["comment"], user["disabled"]) == ("hs_rina", f"ispbill:{subscription.pk}", "false")
    suspend(subscription)
    drain(router)
    assert routeros_router.run("/ip/hotspot/user/print")[0]["disabled"] == "true"


@pytest.mark.django_db
def test_a_router_not_set_up_for_a_kind_refuses_it_with_a_clear_error(routeros_router):
    router = router_for(routeros_router, provision_hotspot=False)
    subscription = make_subscription(router=router, connection_type=Subscription.ConnectionType.HOTSPOT, username="hs_x", activate=True)
    drain(router)
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == Status.FAILED and "not set up for Hotspot subscriptions" in task.last_error
    assert routeros_router.run("/ip/hotspot/user/print") == []


@pytest.mark.django_db
def test_moving_a_subscription_to_another_router_removes_it_from_the_first(make_routeros_router):
    sim_a, sim_b = make_routeros_router(), make_routeros_router()
    router_a, router_b = router_for(sim_a), router_for(sim_b)
    subscription = make_subscription(router=router_a, username="mover", activate=True)
    drain(router_a)
    subscription_update(actor=None, subscription=subscription, router=router_b)
    drain(router_a)
    drain(router_b)
    assert secret(sim_a, "mover") is None
    assert secret(sim_b, "mover") is not None


@pytest.mark.django_db
def test_renaming_the_login_renames_the_secret(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, username="before", activate=True)
    drain(router)
    subscription_update(actor=None, subscription=subscription, username="after")
    drain(router)
    assert [row["name"] for row in routeros_router.run("/ppp/secret/print")] == ["after"]


@pytest.mark.django_db
def test_package_changes_reach_the_profile_on_every_active_router_and_static_queues(make_routeros_router):
    sim_a, sim_b, sim_off = make_routeros_router(), make_routeros_router(), make_routeros_router()
    router_a, router_b = router_for(sim_a), router_for(sim_b)
    router_off = router_for(sim_off, is_active=False)
    package = usecases_package_create(
        actor=None, name="Fiber 20", download_mbps=20, upload_mbps=20, price="1000", router_profile="F-20M"
    )
    assert set(ProvisioningTask.objects.filter(action="profile").values_list("router_id", flat=True)) == {router_a.pk, router_b.pk}
    static = make_subscription(
        router=router_b, package=package, connection_type=Subscription.ConnectionType.STATIC_IP, username="", static_ip="10.1.0.9",
        activate=True,
    )
    drain(router_a), drain(router_b)
    usecases_package_update(actor=None, package=package, download_mbps=40)
    drain(router_a), drain(router_b), drain(router_off)

    for sim in (sim_a, sim_b):
        [profile] = [row for row in sim.run("/ppp/profile/print") if row["name"] == "F-20M"]
        assert profile["rate-limit"] == "20M/40M"
    assert not [row for row in sim_off.run("/ppp/profile/print") if row["name"] == "F-20M"]
    assert sim_b.run("/queue/simple/print")[0]["max-limit"] == "20000000/40000000"
    assert ProvisioningTask.objects.filter(subscription=static, action="update").count() == 1


@pytest.mark.django_db
def test_a_second_drainer_on_the_same_router_steps_aside(routeros_router):
    router = router_for(routeros_router)
    make_subscription(router=router, activate=True)
    assert outbox.claim_router(router.pk, timezone.now())
    try:
        result = drain(router)
    finally:
        outbox.release_router(router.pk)
    assert result.busy and result.applied == 0
    assert drain(router).applied == 1


@pytest.mark.django_db
def test_retry_applies_a_failed_entry_now(routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, activate=True)
    routeros_router.inject_trap("/ppp/secret/add", "failure: busy")
    drain(router)
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == Status.FAILED and task.next_attempt_at > timezone.now()
    assert drain(router).applied == 0  # still backing off
    services.outbox_retry(actor=admin_user(), task=task)
    assert drain(router).applied == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_slow_router_does_not_hold_up_another_routers_drain(make_routeros_router):
    slow_sim, fast_sim = make_routeros_router(), make_routeros_router()
    slow, fast = router_for(slow_sim), router_for(fast_sim)
    for n in range(3):
        make_subscription(router=slow, username=f"slow{n}", activate=True)
        make_subscription(router=fast, username=f"fast{n}", activate=True)
    slow_sim.set_latency(0.4)
    finished = {}

    def run(router, name):
        outbox.outbox_drain(router_id=router.pk)
        finished[name] = time.monotonic()
        from django.db import connection

        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(slow, "slow")), threading.Thread(target=run, args=(fast, "fast"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert finished["fast"] - started < 1.0
    assert finished["slow"] > finished["fast"]
    assert ProvisioningTask.objects.exclude(status=Status.DONE).count() == 0


@pytest.mark.django_db
def test_the_safety_net_drains_routers_with_due_changes_and_leaves_backing_off_ones(make_routeros_router, eager_celery):
    from network.tasks import drain_due_outboxes

    up_sim, down_sim = make_routeros_router(), make_routeros_router()
    up, down = router_for(up_sim), router_for(down_sim)
    make_subscription(router=up, username="lost-wakeup", activate=True)  # its wake-up never ran (test transaction)
    make_subscription(router=down, username="waits", activate=True)
    down_sim.go_down(3600)
    drain(down)  # unreachable: the router backs off
    down_sim.accept_connections()

    drain_due_outboxes()

    assert secret(up_sim, "lost-wakeup") is not None
    assert secret(down_sim, "waits") is None  # still inside its back-off: not hammered
    assert ProvisioningTask.objects.get(router=down).status == Status.FAILED
