"""Router screens in the staff console: permissions, branch scope, forms, and the live reads and
buttons against the RouterOS simulator."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from customers.models import Subscription
from ispbill.core.models import AuditLog
from network import outbox, reconcile
from network.models import DriftReport, ProvisioningTask, Router
from network.routeros import close_all_connections
from tests.factories import AreaFactory, BranchFactory, RouterFactory, UserFactory, make_subscription
from usecases.subscription_suspend import subscription_suspend

pytestmark = pytest.mark.usefixtures("fresh_router_connections")


def user_with(*codenames, **kwargs):
    group = Group.objects.create(name="-".join(codenames) or "nothing")
    group.permissions.set(Permission.objects.filter(content_type__app_label="network", codename__in=codenames))
    return UserFactory(roles=[group.name], **kwargs)


def router_for(sim, **fields):
    return RouterFactory(host=sim.host, api_port=sim.port, ssl_port=sim.ssl_port, username=sim.username, **fields)


def router_payload(**overrides):
    payload = {
        "name": "MIR-CORE-09", "host": "10.10.0.1", "api_port": "8728", "ssl_port": "8729", "username": "billing",
        "password": "s3cret-api", "branch": "", "is_active": "on", "provision_pppoe": "on", "provision_static": "on",
        "suspension_method": "disable", "suspended_address_list": "suspended",
    }
    payload.update(overrides)
    return payload


def fingerprint():
    return sorted(Router.objects.values_list()), ProvisioningTask.objects.count(), DriftReport.objects.count()


# List --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_router_list_shows_health_and_outbox_counts(staff_client):
    router = RouterFactory(name="DHN-CORE-01", is_online=True, routeros_version="7.16.2 (stable)", cpu_load=7, uptime_seconds=3 * 86400 + 4 * 3600, active_sessions=41)
    subscription = make_subscription(router=router, activate=True)
    ProvisioningTask.objects.filter(subscription=subscription).update(status="failed", last_error="failure: busy")
    make_subscription(router=router, activate=True)
    RouterFactory(name="UTT-CORE-01")

    page = staff_client.get(reverse("staff:router-list")).content.decode()

    for text in ("DHN-CORE-01", "Online", "7.16.2 (stable)", "7%", "3d 4h", "41", "1 failing", "1 pending", "UTT-CORE-01", "Not checked yet"):
        assert text in page, text


@pytest.mark.django_db
def test_staff_of_one_branch_see_only_their_branches_routers(client):
    mine, other = BranchFactory(), BranchFactory()
    RouterFactory(name="mine-router", branch=mine)
    RouterFactory(name="other-router", branch=other)
    RouterFactory(name="shared-router", branch=None)
    client.force_login(user_with("view_router", branch_scope=[mine]))
    page = client.get(reverse("staff:router-list")).content.decode()
    assert "mine-router" in page and "shared-router" in page
    assert "other-router" not in page


@pytest.mark.django_db
def test_staff_without_the_router_permission_get_403(client):
    router = RouterFactory()
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.get(reverse("staff:router-list")).status_code == 403
    assert client.get(reverse("staff:router-detail", args=[router.pk])).status_code == 403
    assert "Routers" not in client.get(reverse("staff:home")).content.decode()


# Create / edit -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_in_a_dialog_saves_the_router_with_its_password_encrypted(staff_client):
    branch = BranchFactory()
    area = AreaFactory(branch=branch)
    response = staff_client.post(
        reverse("staff:router-create"), router_payload(branch=branch.pk, areas=[area.pk], use_ssl="on"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert "routersChanged" in response.headers["HX-Trigger"]
    router = Router.objects.get(name="MIR-CORE-09")
    assert (router.username, router.password, router.use_ssl, router.port) == ("billing", "s3cret-api", True, 8729)
    assert list(router.areas.all()) == [area]
    assert not router.provision_hotspot
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM network_router WHERE id = %s", [router.pk])
        assert "s3cret-api" not in cursor.fetchone()[0]
    assert AuditLog.objects.filter(action="router.create", object_id=str(router.pk)).exists()


@pytest.mark.django_db
def test_create_without_any_kind_of_subscription_is_refused_and_changes_nothing(staff_client):
    before = fingerprint()
    payload = router_payload()
    del payload["provision_pppoe"], payload["provision_static"]
    page = staff_client.post(reverse("staff:router-create"), payload).content.decode()
    assert "Choose at least one kind of subscription this router carries." in page
    assert fingerprint() == before


@pytest.mark.django_db
def test_areas_of_another_branch_are_refused(staff_client):
    branch, elsewhere = BranchFactory(), AreaFactory()
    before = fingerprint()
    page = staff_client.post(reverse("staff:router-create"), router_payload(branch=branch.pk, areas=[elsewhere.pk])).content.decode()
    assert "Not in the router&#x27;s branch" in page or "Not in the router's branch" in page
    assert fingerprint() == before


@pytest.mark.django_db
def test_edit_never_shows_the_password_and_keeps_it_when_left_empty(staff_client):
    router = RouterFactory(password="keep-me")
    form = staff_client.get(reverse("staff:router-edit", args=[router.pk])).content.decode()
    assert "keep-me" not in form
    assert "Leave empty to keep the stored password." in form

    staff_client.post(reverse("staff:router-edit", args=[router.pk]), router_payload(name=router.name, password=""))
    router.refresh_from_db()
    assert (router.password, router.username) == ("keep-me", "billing")

    staff_client.post(reverse("staff:router-edit", args=[router.pk]), router_payload(name=router.name, password="", empty_password="on"))
    router.refresh_from_db()
    assert router.password == ""


@pytest.mark.django_db
def test_viewing_staff_cannot_edit_sync_retry_or_remove(client, routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, activate=True)
    task = ProvisioningTask.objects.get(subscription=subscription)
    client.force_login(user_with("view_router"))
    before = fingerprint()
    urls = [
        reverse("staff:router-edit", args=[router.pk]),
        reverse("staff:router-sync", args=[router.pk]),
        reverse("staff:router-outbox-retry", args=[router.pk, task.pk]),
        reverse("staff:router-outbox-retry-all", args=[router.pk]),
        reverse("staff:router-orphan-remove", args=[router.pk]),
        reverse("staff:router-orphan-adopt", args=[router.pk]),
        reverse("staff:router-create"),
    ]
    for url in urls:
        assert client.post(url, router_payload(table="secret", name="x")).status_code == 403, url
    assert fingerprint() == before
    page = client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert reverse("staff:router-sync", args=[router.pk]) not in page
    assert reverse("staff:router-edit", args=[router.pk]) not in page
    assert reverse("staff:router-test", args=[router.pk]) in page  # a read: viewers may test the connection


# Detail, live reads and buttons ------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_the_queue_with_errors_and_the_drift_report(staff_client, routeros_router):
    router = router_for(routeros_router)
    routeros_router.run("/ppp/secret/add", name="stranger", password="x", comment="old system")
    subscription = make_subscription(router=router, username="waiting-user", activate=True)
    ProvisioningTask.objects.filter(subscription=subscription).update(status="failed", attempts=3, last_error="failure: out of memory")
    reconcile.reconcile_router(router_id=router.pk)

    page = staff_client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()

    assert "Provisioning queue" in page and "waiting-user" in page and "failure: out of memory" in page
    assert reverse("staff:router-outbox-retry", args=[router.pk, ProvisioningTask.objects.get(subscription=subscription).pk]) in page
    assert "stranger" in page and "old system" in page and "Remove" in page
    region = staff_client.get(reverse("staff:router-outbox", args=[router.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert region.lstrip().startswith('<article id="router-outbox"') and "<html" not in region


@pytest.mark.django_db
def test_live_sessions_are_read_from_the_router_with_their_customers(staff_client, routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, username="online-user", activate=True)
    outbox.outbox_drain(router_id=router.pk)
    routeros_router.run("/ppp/secret/add", name="walk-in", password="x", service="pppoe")

    page = staff_client.get(reverse("staff:router-sessions", args=[router.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert "2 customers connected right now." in page
    assert "online-user" in page and subscription.customer.account_number in page
    assert "walk-in" in page and "not a subscription" in page


@pytest.mark.django_db
def test_live_sessions_of_an_unreachable_router_say_so_clearly(staff_client, routeros_router):
    router = router_for(routeros_router)
    routeros_router.refuse_connections()
    page = staff_client.get(reverse("staff:router-sessions", args=[router.pk])).content.decode()
    assert "Could not read the router:" in page and "refused the connection" in page


@pytest.mark.django_db
def test_lookup_shows_a_suspended_login_disabled_and_offline(staff_client, routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, username="lookup-me", activate=True)
    subscription_suspend(
        actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT
    )
    outbox.outbox_drain(router_id=router.pk)

    page = staff_client.get(reverse("staff:router-lookup", args=[router.pk]), {"login": "lookup-me"}, HTTP_HX_REQUEST="true").content.decode()

    assert "PPPoE secret" in page and "Disabled" in page and "Not connected" in page
    assert subscription.customer.account_number in page
    missing = staff_client.get(reverse("staff:router-lookup", args=[router.pk]), {"login": "ghost"}).content.decode()
    assert "The router has no entry named <code>ghost</code>." in missing


@pytest.mark.django_db
def test_test_connection_stores_the_health_or_shows_the_error(staff_client, routeros_router):
    router = router_for(routeros_router)
    page = staff_client.post(reverse("staff:router-test", args=[router.pk]), HTTP_HX_REQUEST="true").content.decode()
    router.refresh_from_db()
    assert f"Connected to {routeros_router.identity}, RouterOS 7.16.2 (stable)." in page
    assert router.is_online and router.routeros_version == "7.16.2 (stable)"

    routeros_router.go_down(3600)
    close_all_connections()
    page = staff_client.post(reverse("staff:router-test", args=[router.pk]), HTTP_HX_REQUEST="true").content.decode()
    router.refresh_from_db()
    assert "Connection failed:" in page and "refused the connection" in page
    assert not router.is_online and "refused" in router.last_error


@pytest.mark.django_db
def test_retry_puts_a_failed_change_back_to_now(staff_client, routeros_router):
    router = router_for(routeros_router)
    subscription = make_subscription(router=router, activate=True)
    routeros_router.inject_trap("/ppp/secret/add", "failure: busy")
    outbox.outbox_drain(router_id=router.pk)
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == "failed"

    response = staff_client.post(reverse("staff:router-outbox-retry", args=[router.pk, task.pk]), HTTP_HX_REQUEST="true")

    task.refresh_from_db()
    assert response.status_code == 200 and "Retrying" in response.content.decode()
    assert task.status == "pending"
    assert outbox.outbox_drain(router_id=router.pk).applied == 1


@pytest.mark.django_db
def test_retrying_another_routers_change_is_404(staff_client, routeros_router):
    router, other = router_for(routeros_router), RouterFactory()
    task = ProvisioningTask.objects.get(subscription=make_subscription(router=other, activate=True))
    before = fingerprint()
    assert staff_client.post(reverse("staff:router-outbox-retry", args=[router.pk, task.pk])).status_code == 404
    assert fingerprint() == before


@pytest.mark.django_db
def test_adopt_and_remove_buttons_queue_changes_for_listed_orphans_only(staff_client, routeros_router):
    router = router_for(routeros_router)
    routeros_router.run("/ppp/secret/add", name="existing-login", password="x", service="pppoe")
    routeros_router.run("/ppp/secret/add", name="stranger", password="x", service="pppoe")
    subscription = make_subscription(router=router, username="existing-login", activate=True)
    outbox.outbox_drain(router_id=router.pk)
    reconcile.reconcile_router(router_id=router.pk)

    staff_client.post(reverse("staff:router-orphan-adopt", args=[router.pk]), {"table": "secret", "name": "existing-login"})
    staff_client.post(reverse("staff:router-orphan-remove", args=[router.pk]), {"table": "secret", "name": "stranger"})
    page = staff_client.post(
        reverse("staff:router-orphan-remove", args=[router.pk]), {"table": "secret", "name": "existing-login-typo"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "not in the router&#x27;s latest drift report" in page or "not in the router's latest drift report" in page
    assert ProvisioningTask.objects.filter(action="remove_orphan").count() == 1
    page = staff_client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert "Removal queued" in page and "Adoption queued" in page  # until the worker has applied them
    outbox.outbox_drain(router_id=router.pk)
    names = {row["name"]: row for row in routeros_router.run("/ppp/secret/print")}
    assert set(names) == {"existing-login"}
    assert names["existing-login"]["comment"] == f"ispbill:{subscription.pk}"


@pytest.mark.django_db
def test_sync_now_queues_the_reconciler_after_the_commit(staff_client, routeros_router, django_capture_on_commit_callbacks):
    router = router_for(routeros_router)
    with django_capture_on_commit_callbacks() as callbacks:
        page = staff_client.post(reverse("staff:router-sync", args=[router.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Sync queued" in page
    assert len(callbacks) == 1
    assert AuditLog.objects.filter(action="router.sync", object_id=str(router.pk)).exists()
    # What the queued task runs:
    from network.tasks import reconcile_router_task

    reconcile_router_task.run(router.pk)
    assert router.drift_reports.get().status == DriftReport.Status.IN_SYNC


@pytest.mark.django_db
def test_action_urls_opened_without_a_post_go_back_to_the_router(staff_client):
    router = RouterFactory()
    for name in ("router-test", "router-sync", "router-outbox-retry-all", "router-orphan-remove"):
        response = staff_client.get(reverse(f"staff:{name}", args=[router.pk]))
        assert response.status_code == 302 and response.url == reverse("staff:router-detail", args=[router.pk])
    assert not AuditLog.objects.filter(action__startswith="router.").exists()
