"""Package change screens: the portal page, quote and request; the staff queue and its decisions; staff
changing a subscription's package with the quote shown first. Refusals change nothing."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import PackageChange
from billing.package_changes import package_change_request
from customers.models import Subscription
from tests.billing.test_run import configure
from tests.factories import BranchFactory, PackageFactory, UserFactory, admin_user, make_customer, make_subscription

D = Decimal


@pytest.fixture(autouse=True)
def package_change_views_billing_defaults(db):
    configure()


@pytest.fixture
def package_change_views_world(db):
    basic, fast = PackageFactory(name="Basic 10", price=D("1000.00")), PackageFactory(name="Fast 40", price=D("1500.00"))
    retired = PackageFactory(name="Retired 2", price=D("300.00"), is_active=False)
    customer = make_customer(portal_password="portal-pass-1")
    subscription = make_subscription(customer=customer, package=basic, activate=True)
    return {"basic": basic, "fast": fast, "retired": retired, "subscription": subscription, "customer": customer}


def snapshot():
    return list(PackageChange.objects.values_list("pk", "status", "to_package_id")), list(
        Subscription.objects.values_list("pk", "package_id")
    )


def test_portal_nav_page_quote_and_request(client, package_change_views_world):
    client.force_login(package_change_views_world["customer"].user)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:package-changes") in home  # reachable from the portal navigation
    page = client.get(reverse("portal:package-change", args=[package_change_views_world["subscription"].pk])).content.decode()
    assert "Fast 40" in page and "Retired 2" not in page

    quote = client.get(
        reverse("portal:package-change", args=[package_change_views_world["subscription"].pk]), {"to": package_change_views_world["fast"].pk}, HTTP_HX_REQUEST="true"
    )
    assert 'id="package-quote"' in quote.content.decode() and "<html" not in quote.content.decode()
    dialog = client.get(
        reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk]), {"to": package_change_views_world["fast"].pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<dialog" in dialog and "Send request" in dialog

    response = client.post(
        reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk]), {"to_package": package_change_views_world["fast"].pk, "note": "faster"}
    )
    assert response.status_code == 302
    change = PackageChange.objects.get()
    assert (change.status, change.source, change.to_package, change.requested_by) == (
        "pending", "customer", package_change_views_world["fast"], package_change_views_world["customer"].user
    )
    assert "waiting for a decision" in client.get(reverse("portal:package-changes")).content.decode()

    client.post(reverse("portal:package-change-cancel", args=[change.pk]))
    change.refresh_from_db()
    assert change.status == "cancelled"


@pytest.mark.parametrize("choice", ["basic", "retired"])
def test_portal_refuses_the_same_or_a_retired_package_and_changes_nothing(client, package_change_views_world, choice):
    client.force_login(package_change_views_world["customer"].user)
    before = snapshot()
    response = client.post(
        reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk]), {"to_package": package_change_views_world[choice].pk}
    )
    assert response.status_code == 200 and "not available" in response.content.decode()
    assert snapshot() == before


def test_portal_refuses_a_second_request(client, package_change_views_world):
    package_change_request(actor=None, subscription=package_change_views_world["subscription"], to_package=package_change_views_world["fast"], source="customer")
    client.force_login(package_change_views_world["customer"].user)
    before = snapshot()
    other = PackageFactory(name="Mid 20", price=D("1200.00"))
    response = client.post(reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk]), {"to_package": other.pk})
    assert "already waiting" in response.content.decode()
    assert snapshot() == before


def test_a_customer_cannot_request_for_another_customers_subscription(client, package_change_views_world):
    intruder = make_customer(portal_password="portal-pass-2")
    client.force_login(intruder.user)
    before = snapshot()
    url = reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk])
    assert client.post(url, {"to_package": package_change_views_world["fast"].pk}).status_code == 404
    assert client.get(reverse("portal:package-change", args=[package_change_views_world["subscription"].pk])).status_code == 404
    assert snapshot() == before


def test_staff_queue_approve_and_reject_with_notes(client, package_change_views_world):
    first = package_change_request(actor=None, subscription=package_change_views_world["subscription"], to_package=package_change_views_world["fast"], source="customer")
    staff = admin_user()
    client.force_login(staff)
    queue = client.get(reverse("staff:packagechange-list")).content.decode()
    assert package_change_views_world["customer"].account_number in queue and reverse("staff:packagechange-approve", args=[first.pk]) in queue

    dialog = client.get(reverse("staff:packagechange-approve", args=[first.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<dialog" in dialog and 'data-testid="package-quote"' in dialog
    response = client.post(reverse("staff:packagechange-approve", args=[first.pk]), {"note": "Done"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and "packageChangesChanged" in response["HX-Trigger"]
    first.refresh_from_db()
    assert first.status == "applied" and first.decision_note == "Done"
    assert Subscription.objects.get(pk=package_change_views_world["subscription"].pk).package == package_change_views_world["fast"]

    # Approving again: refused, nothing changes.
    before = snapshot()
    again = client.post(reverse("staff:packagechange-approve", args=[first.pk]), {"note": ""})
    assert "already applied" in again.content.decode() and snapshot() == before

    second = package_change_request(actor=None, subscription=package_change_views_world["subscription"], to_package=package_change_views_world["basic"], source="customer")
    missing_note = client.post(reverse("staff:packagechange-reject", args=[second.pk]), {"note": ""})
    assert "Say why" in missing_note.content.decode()
    second.refresh_from_db()
    assert second.status == "pending"
    client.post(reverse("staff:packagechange-reject", args=[second.pk]), {"note": "Not now"})
    second.refresh_from_db()
    assert (second.status, second.decision_note) == ("rejected", "Not now")
    assert "Not now" in client.get(reverse("staff:packagechange-list"), {"state": "decided"}).content.decode()


def test_queue_is_branch_scoped(client, package_change_views_world):
    change = package_change_request(actor=None, subscription=package_change_views_world["subscription"], to_package=package_change_views_world["fast"], source="customer")
    other_branch = BranchFactory(name="Elsewhere", code="ELS")
    client.force_login(admin_user(branch_scope=[other_branch]))
    assert package_change_views_world["customer"].account_number not in client.get(reverse("staff:packagechange-list")).content.decode()
    before = snapshot()
    assert client.post(reverse("staff:packagechange-approve", args=[change.pk])).status_code == 404
    assert snapshot() == before


def test_deciding_needs_the_permission(client, package_change_views_world):
    change = package_change_request(actor=None, subscription=package_change_views_world["subscription"], to_package=package_change_views_world["fast"], source="customer")
    client.force_login(UserFactory(roles=["Support"]))
    before = snapshot()
    assert client.post(reverse("staff:packagechange-approve", args=[change.pk])).status_code == 403
    assert snapshot() == before


def test_staff_change_shows_the_quote_then_applies(client, package_change_views_world):
    client.force_login(admin_user())
    url = reverse("staff:subscription-package-change", args=[package_change_views_world["subscription"].pk])
    tab = client.get(reverse("staff:customer-detail", args=[package_change_views_world["customer"].pk]), {"tab": "subscriptions"}).content.decode()
    assert url in tab
    quote = client.get(url, {"to_package": package_change_views_world["fast"].pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="package-quote")
    assert 'id="package-quote"' in quote.content.decode() and "Fast 40" in quote.content.decode()
    response = client.post(url, {"to_package": package_change_views_world["fast"].pk, "note": "Asked by phone"})
    assert response.status_code == 302
    change = PackageChange.objects.get()
    assert (change.status, change.source) == ("applied", "staff")
    assert Subscription.objects.get(pk=package_change_views_world["subscription"].pk).package == package_change_views_world["fast"]


def test_staff_change_from_the_dialog_says_it_was_done(client, package_change_views_world):
    client.force_login(admin_user())
    url = reverse("staff:subscription-package-change", args=[package_change_views_world["subscription"].pk])
    response = client.post(url, {"to_package": package_change_views_world["fast"].pk, "note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    events = json.loads(response["HX-Trigger"])
    assert "closeModal" in events and events["messages"]["items"][0]["text"] == "Package changed to Fast 40."


def test_the_edit_form_no_longer_changes_the_package_by_itself(client, package_change_views_world):
    client.force_login(admin_user())
    subscription = package_change_views_world["subscription"]
    form = client.get(reverse("staff:subscription-edit", args=[subscription.pk])).content.decode()
    assert "Change package" in form
    before = snapshot()
    client.post(reverse("staff:subscription-edit", args=[subscription.pk]), {
        "package": package_change_views_world["fast"].pk, "connection_type": subscription.connection_type, "router": subscription.router_id,
        "username": subscription.username, "password": "", "static_ip": "", "mac_address": "",
    })
    assert snapshot()[1] == before[1]  # the disabled field keeps the package


def test_portal_offers_only_packages_for_the_same_kind_of_connection_and_refuses_another(client, package_change_views_world):
    """A fiber subscriber is not offered wireless packages: another kind of connection is a new installation."""
    wireless = PackageFactory(name="Air 30", price=D("1200.00"), type="wireless")
    assert package_change_views_world["basic"].type == package_change_views_world["fast"].type != "wireless"
    client.force_login(package_change_views_world["customer"].user)
    page = client.get(reverse("portal:package-change", args=[package_change_views_world["subscription"].pk])).content.decode()
    assert "Fast 40" in page and "Air 30" not in page
    before = snapshot()
    response = client.post(
        reverse("portal:package-change-confirm", args=[package_change_views_world["subscription"].pk]), {"to_package": wireless.pk}
    )
    assert response.status_code == 200 and "not available" in response.content.decode()
    assert snapshot() == before
