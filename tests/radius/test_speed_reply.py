"""What FreeRADIUS answers for speed classes and windows (radius migration 0021, docs/speeds.md): the
window's internet rate while a window covers the local time of day, and the package's address list
that the router's marks and PCQ queues turn into the BDIX and cache speeds."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from customers.services import package_speed_windows_set
from network.models import FupState
from radius.models import PackageRadius
from tests.factories import PackageFactory, RouterFactory, make_subscription

pytestmark = pytest.mark.postgres
DHAKA = ZoneInfo("Asia/Dhaka")


def answer(router_id, username):
    with connection.cursor() as cursor:
        # FreeRADIUS's role reads in the ISP's zone (radius/sql.py: ALTER ROLE … SET timezone).
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Dhaka'")
        cursor.execute("SELECT r_attribute, r_value FROM radius_authorize_rows(%s, %s, 'Framed-User')", [router_id, username])
        return dict(cursor.fetchall())


def _hour(offset: int):
    return (datetime.now(DHAKA) + timedelta(hours=offset)).time().replace(minute=0, second=0, microsecond=0)


def test_the_window_in_force_gives_its_rate_and_a_class_package_its_list(db):
    router = RouterFactory(aaa_mode="radius")
    package = PackageFactory(download_mbps=20, upload_mbps=20, bdix_download_mbps=100, bdix_upload_mbps=100,
                             fup_download_mbps=2, fup_upload_mbps=1)
    rahim = make_subscription(router=router, username="rahim", package=package, activate=True)
    assert answer(router.pk, "rahim")["Mikrotik-Rate-Limit"] == "20M/20M"
    assert answer(router.pk, "rahim")["Mikrotik-Address-List"] == f"ispbill-pkg-{package.pk}"

    # A window from the last full hour to two hours later covers now: download 40, upload 10.
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(0), _hour(2), 40, 10)])
    assert answer(router.pk, "rahim")["Mikrotik-Rate-Limit"] == "10M/40M"
    # One that starts in three hours does not.
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(3), _hour(5), 40, 10)])
    assert answer(router.pk, "rahim")["Mikrotik-Rate-Limit"] == "20M/20M"

    # Throttled by its data cap: the throttled rate, window or not.
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(0), _hour(2), 40, 10)])
    FupState.objects.create(subscription=rahim, cycle_start=timezone.localdate(), cycle_end=timezone.localdate() + timedelta(days=30),
                            cap_bytes=10, used_bytes=20, throttled_at=timezone.now())
    assert answer(router.pk, "rahim")["Mikrotik-Rate-Limit"] == "1M/2M"

    # A package with its own RADIUS address list keeps it.
    PackageRadius.objects.create(package=package, address_list="vip")
    assert answer(router.pk, "rahim")["Mikrotik-Address-List"] == "vip"


def test_a_package_without_classes_gets_no_list(db):
    router = RouterFactory(aaa_mode="radius")
    make_subscription(router=router, username="karim", package=PackageFactory(download_mbps=10, upload_mbps=5), activate=True)
    reply = answer(router.pk, "karim")
    assert reply["Mikrotik-Rate-Limit"] == "5M/10M" and "Mikrotik-Address-List" not in reply


def test_freeradius_answers_a_pppoe_login_and_an_ipoe_lease_the_window_in_force_and_the_package_list(freeradius):
    """The same answer through the real FreeRADIUS (its role reads in the ISP's zone), for both
    models that ask it: a PPPoE login and an IPoE DHCP server asking by the device's MAC."""
    from customers.models import Subscription
    from tests.radius.conftest import Nas, accepted, attribute
    from tests.radius.test_freeradius import SECRET, radius_router
    from tests.radius.test_ipoe_ipv6 import MAC, dhcp_request

    router = radius_router()
    package = PackageFactory(download_mbps=20, upload_mbps=20, bdix_download_mbps=100, bdix_upload_mbps=100)
    make_subscription(router=router, username="rahim", password="pw-Rahim-1", package=package, activate=True)
    make_subscription(router=router, package=package, connection_type=Subscription.ConnectionType.IPOE, username="", password="",
                      static_ip="100.64.1.10", mac_address=MAC, activate=True)
    nas = Nas(freeradius(), secret=SECRET)
    for reply in (nas.login("rahim", "pw-Rahim-1"), dhcp_request(nas, MAC)):
        assert accepted(reply)
        assert (attribute(reply, "Mikrotik-Rate-Limit"), attribute(reply, "Mikrotik-Address-List")) == ("20M/20M", f"ispbill-pkg-{package.pk}")

    # A window covering now (from the last full hour, for two hours): the next login and lease get its rate.
    package_speed_windows_set(actor=None, package=package, windows=[(_hour(0), _hour(2), 40, 10)])
    for reply in (nas.login("rahim", "pw-Rahim-1"), dhcp_request(nas, MAC)):
        assert attribute(reply, "Mikrotik-Rate-Limit") == "10M/40M"
