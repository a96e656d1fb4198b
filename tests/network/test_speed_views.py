"""Staff, portal and reseller screens of speed classes and windows (docs/speeds.md): the destination
lists' page, the package form, and each class's speed wherever a package is shown."""

from datetime import time

import pytest
from django.urls import reverse

from customers.models import Package
from customers.services import package_speed_windows_set
from ispbill.core.models import AuditLog
from network.models import SpeedDestination
from tests.customers.test_views_catalog import package_payload
from tests.factories import PackageFactory, UserFactory, make_customer, make_subscription

pytestmark = pytest.mark.django_db


def shaped_package(**overrides):
    package = PackageFactory(**{"name": "Home 20 BDIX 100", "download_mbps": 20, "upload_mbps": 20, "bdix_download_mbps": 100,
                                "bdix_upload_mbps": 100, "cache_download_mbps": 100, "cache_upload_mbps": 50, **overrides})
    package_speed_windows_set(actor=None, package=package, windows=[(time(0), time(8), 40, 40)])
    return package


SUMMARY = "Internet 20 Mbps · BDIX 100 Mbps · Cache 100 Mbps / 50 Mbps · 00:00–08:00 40 Mbps"


def test_the_page_is_in_the_network_menu_and_lists_both_lists(staff_client):
    SpeedDestination.objects.create(kind="bdix", prefix="103.4.144.0/22", note="BDIX members")
    home = staff_client.get(reverse("staff:customer-list")).content.decode()
    assert reverse("staff:speed-destinations") in home
    page = staff_client.get(reverse("staff:speed-destinations")).content.decode()
    assert "103.4.144.0/22" in page and "BDIX members" in page and 'id="speed-destinations"' in page


@pytest.mark.parametrize("prefixes", ["103.4.145.0/22", "banglalink", "2001:db8::/32", "10.0.0.0/4", "103.4.144.0/22 300.1.1.0/24", ""])
def test_malformed_prefixes_are_refused_with_400_and_nothing_changes(staff_client, prefixes):
    response = staff_client.post(reverse("staff:speed-destinations"), {"kind": "bdix", "prefixes": prefixes})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not SpeedDestination.objects.exists()
    assert staff_client.post(reverse("staff:speed-destinations"), {"kind": "youtube", "prefixes": "10.77.0.0/24"}).status_code == 400


def test_prefixes_added_and_removed_are_audited(staff_client):
    response = staff_client.post(reverse("staff:speed-destinations"), {"kind": "cache", "prefixes": "10.77.0.0/24\n10.77.1.5", "note": "GGC"})
    assert response.status_code == 302
    assert sorted(SpeedDestination.objects.values_list("prefix", flat=True)) == ["10.77.0.0/24", "10.77.1.5/32"]
    assert AuditLog.objects.filter(action="speed_destination.add").exists()
    destination = SpeedDestination.objects.get(prefix="10.77.1.5/32")
    assert staff_client.get(reverse("staff:speed-destination-remove", args=[destination.pk])).status_code == 405
    assert staff_client.post(reverse("staff:speed-destination-remove", args=[destination.pk])).status_code == 302
    assert list(SpeedDestination.objects.values_list("prefix", flat=True)) == ["10.77.0.0/24"]
    assert staff_client.post(reverse("staff:speed-destination-remove", args=[destination.pk])).status_code == 404


def test_support_staff_cannot_change_the_lists(client):
    client.force_login(UserFactory(roles=["Support"]))
    assert client.post(reverse("staff:speed-destinations"), {"kind": "bdix", "prefixes": "103.4.144.0/22"}).status_code == 403
    assert not SpeedDestination.objects.exists()


def test_package_form_saves_classes_and_windows(staff_client):
    response = staff_client.post(reverse("staff:package-create"), package_payload(
        bdix_download_mbps="100", bdix_upload_mbps="100", cache_download_mbps="100", cache_upload_mbps="50",
        speed_windows="00:00-08:00 40/40\n22:00 – 23:30 30/30",
    ), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    package = Package.objects.get(name="Fiber 50")
    assert (package.bdix_download_mbps, package.cache_upload_mbps) == (100, 50)
    assert [(w.starts, w.ends, w.download_mbps) for w in package.speed_windows.all()] == [(time(0), time(8), 40), (time(22), time(23, 30), 30)]
    form = staff_client.get(reverse("staff:package-edit", args=[package.pk])).content.decode()
    assert "00:00-08:00 40/40" in form and 'id="package-speed-classes"' in form


@pytest.mark.parametrize("overrides, message", [
    ({"bdix_download_mbps": "100"}, "Give both the download and the upload speed, or neither."),
    ({"speed_windows": "midnight to 8 at 40"}, "Line 1: write a window as 00:00-08:00 40/40"),
    ({"speed_windows": "25:00-08:00 40/40"}, "Line 1: not a time of day."),
    ({"speed_windows": "00:00-08:00 40/40\n07:00-09:00 30/30"}, "overlap"),
])
def test_package_form_refuses_bad_classes_and_windows_and_saves_nothing(staff_client, overrides, message):
    response = staff_client.post(reverse("staff:package-create"), package_payload(**overrides), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and message in response.content.decode()
    assert not Package.objects.filter(name="Fiber 50").exists()


def test_staff_customer_page_and_package_list_show_each_class(staff_client):
    package = shaped_package()
    subscription = make_subscription(package=package)
    assert SUMMARY in staff_client.get(reverse("staff:package-list")).content.decode()
    tab = staff_client.get(reverse("staff:customer-detail", args=[subscription.customer.pk]) + "?tab=subscriptions").content.decode()
    assert SUMMARY in tab


def test_portal_home_shows_each_class(client):
    customer = make_customer(portal_password="portal-pass-1")
    make_subscription(customer=customer, package=shaped_package(), activate=True)
    client.force_login(customer.user)
    assert SUMMARY in client.get(reverse("portal:home")).content.decode()


def test_an_unshaped_package_reads_as_before():
    assert PackageFactory(download_mbps=20, upload_mbps=10).speeds_summary == "20 Mbps / 10 Mbps"


def test_reseller_sells_the_package_with_its_classes_and_sees_them_on_the_customer(client):
    from tests.resellers.helpers import make_reseller, reseller_subscription

    reseller, area, router, package, _admin = make_reseller(package=shaped_package(price="1000.00"))
    subscription = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
    client.force_login(reseller.user)
    page = client.get(reverse("reseller:customer-detail", args=[subscription.customer.pk])).content.decode()
    assert SUMMARY in page
    form = client.get(reverse("reseller:customer-create")).content.decode()
    assert f"Home 20 BDIX 100 · {SUMMARY}" in form
