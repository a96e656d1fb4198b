"""The router page's AAA mode switch (staff, with confirmation, permission-checked and audited) and
a failing router change shown on the customer page."""

import pytest
from django.db import connection
from django.urls import reverse

from ispbill.core.models import AuditLog
from network.models import ProvisioningTask, Router
from tests.factories import RouterFactory, make_subscription
from tests.network.test_views import fingerprint, user_with


def url(router):
    return reverse("staff:router-aaa-mode", args=[router.pk])


@pytest.mark.django_db
def test_router_page_offers_the_switch_and_the_confirmation_explains_it(staff_client, settings):
    settings.RADIUS_SERVERS = "10.0.0.5:1812:1813,10.0.0.6:1814"
    router = RouterFactory()
    page = staff_client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert url(router) in page and "Switch to RADIUS mode" in page
    dialog = staff_client.get(url(router), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="router-aaa-dialog"' in dialog and "Connected customers stay connected" in dialog
    assert "<code>10.0.0.5:1812/1813, 10.0.0.6:1814/1815</code>" in dialog  # the site's servers, in the routers' order
    full = staff_client.get(url(router)).content.decode()
    assert 'name="confirm"' in full and 'value="radius"' in full


@pytest.mark.django_db
def test_confirmed_switch_queues_the_change_and_is_audited(staff_client, admin):
    router = RouterFactory()
    response = staff_client.post(url(router), {"mode": "radius", "confirm": "on"})
    assert response.status_code == 302
    router.refresh_from_db()
    assert router.aaa_mode == "radius" and router.radius_secret
    task = ProvisioningTask.objects.get(router=router, action=ProvisioningTask.Action.AAA_MODE)
    assert task.desired == {"mode": "radius"} and task.created_by == admin
    assert AuditLog.objects.filter(action="router.aaa_mode", actor=admin).exists()
    page = staff_client.get(reverse("staff:router-detail", args=[router.pk])).content.decode()
    assert "Switch waiting" in page and "Switch to API mode" in page


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [
    {"mode": "radius"},  # not confirmed
    {"mode": "radius", "confirm": ""},
    {"mode": "tacacs", "confirm": "on"},
    {"mode": ["radius", "api"] * 500, "confirm": "on"},
    {"mode": "r" * 100_000, "confirm": "on"},
    {"mode": "NaN", "confirm": "on"},
    {},
])
def test_malformed_switch_requests_change_nothing(staff_client, payload):
    router = RouterFactory()
    before = fingerprint(), AuditLog.objects.count()
    response = staff_client.post(url(router), payload)
    assert response.status_code == 400
    assert (fingerprint(), AuditLog.objects.count()) == before


@pytest.mark.django_db
def test_switch_to_the_current_mode_is_refused_on_the_form(staff_client):
    router = RouterFactory()
    before = fingerprint()
    response = staff_client.post(url(router), {"mode": "api", "confirm": "on"})
    assert response.status_code == 400 and "already in this mode" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.django_db
def test_sqlite_installation_is_told_why_radius_is_refused(staff_client, monkeypatch):
    router = RouterFactory()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    page = staff_client.get(url(router)).content.decode()
    assert "RADIUS mode needs PostgreSQL" in page and 'name="confirm"' not in page
    before = fingerprint()
    response = staff_client.post(url(router), {"mode": "radius", "confirm": "on"})
    assert response.status_code == 400 and "RADIUS mode needs PostgreSQL" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.django_db
def test_without_change_permission_or_outside_the_branch_nothing_changes(client):
    router = RouterFactory()
    other_branch = user_with("view_router", "change_router", branch_scope=[RouterFactory().branch])
    before = fingerprint(), AuditLog.objects.count()
    client.force_login(user_with("view_router"))
    assert client.post(url(router), {"mode": "radius", "confirm": "on"}).status_code == 403
    client.force_login(other_branch)
    assert client.post(url(router), {"mode": "radius", "confirm": "on"}).status_code == 404
    assert client.post(reverse("staff:router-aaa-mode", args=[999_999]), {"mode": "radius", "confirm": "on"}).status_code == 404
    assert (fingerprint(), AuditLog.objects.count()) == before
    assert Router.objects.get(pk=router.pk).aaa_mode == "api"


@pytest.mark.django_db
def test_a_failing_router_change_shows_on_the_customer_page(staff_client):
    subscription = make_subscription(activate=True)
    ProvisioningTask.objects.filter(subscription=subscription).update(
        status="failed", attempts=3, last_error="router-9 (10.0.0.9:3799) did not answer the CoA-Request within 3 s × 2",
    )
    page = staff_client.get(reverse("staff:customer-detail", args=[subscription.customer_id]) + "?tab=subscriptions").content.decode()
    assert 'data-testid="router-change-failing"' in page and "did not answer the CoA-Request" in page and "attempt 3" in page
    ProvisioningTask.objects.filter(subscription=subscription).update(status="done")
    page = staff_client.get(reverse("staff:customer-detail", args=[subscription.customer_id]) + "?tab=subscriptions").content.decode()
    assert "router-change-failing" not in page
