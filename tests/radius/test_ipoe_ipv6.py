"""RADIUS mode for IPoE and IPv6 (docs/ipam.md), against the real FreeRADIUS: a DHCP server asking by
the device's MAC address is answered with the connection's fixed address and rate limit, and its
delegated IPv6 prefix; suspended, the same walled garden or refusal as any login; a PPPoE subscriber
with a delegated prefix gets Delegated-IPv6-Prefix (a /64 goes as Framed-IPv6-Prefix)."""

import pytest
from pyrad import packet

from customers.models import Subscription
from network import ipam
from network.models import AddressPool
from radius.models import AuthAttempt
from tests.factories import PackageFactory, make_subscription
from tests.radius.conftest import Nas, accepted, attribute, recorded
from tests.radius.test_freeradius import SECRET, radius_router, subscriber
from usecases.subscription_address_assign import subscription_address_assign, subscription_prefix_release
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.postgres

MAC = "4C:5E:0C:12:34:56"


def dhcp_request(nas: Nas, mac: str):
    """What a MikroTik DHCP server with use-radius=yes sends for a client: its MAC as User-Name (and
    Calling-Station-Id), the server's name as Called-Station-Id, no password and no PPP service."""
    request = nas.client.CreateAuthPacket(code=packet.AccessRequest, User_Name=mac)
    request["NAS-IP-Address"] = nas.address
    request["Calling-Station-Id"] = mac
    request["Called-Station-Id"] = "dhcp1"
    return recorded(nas.server, nas.client.SendPacket(request))


def ipoe(router, **kwargs):
    return make_subscription(router=router, connection_type=Subscription.ConnectionType.IPOE, username="", password="",
                             static_ip="100.64.1.10", mac_address=MAC, activate=True, **kwargs)


def delegation(router, network="2001:db8:100::/48", length=56):
    return ipam.address_pool_create(actor=None, name=f"v6 {network}", router=router, network=network,
                                    kind=AddressPool.Kind.DELEGATION, assign_length=length)


def test_a_dhcp_request_by_mac_gets_the_fixed_address_rate_limit_and_prefix(freeradius):
    router = radius_router()
    subscription = ipoe(router, package=PackageFactory(download_mbps=40, upload_mbps=20))
    subscription_address_assign(actor=None, subscription=subscription, pool=delegation(router))
    nas = Nas(freeradius(), secret=SECRET)

    reply = dhcp_request(nas, MAC)

    assert accepted(reply)
    assert attribute(reply, "Framed-IP-Address") == "100.64.1.10"
    assert attribute(reply, "Mikrotik-Rate-Limit") == "20M/40M"
    assert attribute(reply, "Delegated-IPv6-Prefix") == "2001:db8:100::/56"
    attempt = AuthAttempt.objects.filter(username=MAC).latest("authdate", "id")
    assert (attempt.accepted, attempt.subscription_id) == (True, subscription.pk)
    # An unknown device gets nothing.
    assert not accepted(dhcp_request(nas, "4C:5E:0C:00:00:01"))


def test_suspend_reactivate_and_a_new_device_follow_at_once(freeradius):
    router = radius_router()
    subscription = ipoe(router)
    nas = Nas(freeradius(), secret=SECRET)
    assert accepted(dhcp_request(nas, MAC))

    subscription = subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type="non_payment")
    refused = dhcp_request(nas, MAC)
    assert not accepted(refused)
    assert AuthAttempt.objects.filter(username=MAC).latest("authdate", "id").reason == "suspended"

    subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    assert accepted(dhcp_request(nas, MAC))

    subscription_update(actor=None, subscription=subscription, mac_address="4C:5E:0C:AB:CD:EF")
    assert not accepted(dhcp_request(nas, MAC))
    assert attribute(dhcp_request(nas, "4C:5E:0C:AB:CD:EF"), "Framed-IP-Address") == "100.64.1.10"


def test_a_ppp_login_naming_an_ipoe_mac_is_the_wrong_service(freeradius):
    router = radius_router()
    ipoe(router)
    nas = Nas(freeradius(), secret=SECRET)
    assert not accepted(nas.login(MAC, "anything"))
    assert AuthAttempt.objects.filter(username=MAC).latest("authdate", "id").reason == "wrong_service"


def test_a_pppoe_subscriber_is_delegated_its_prefix_and_a_64_goes_as_framed_prefix(freeradius):
    router = radius_router()
    alice = subscriber(router)
    bob = subscriber(router, username="bob", password="pw-Bob-1")
    subscription_address_assign(actor=None, subscription=alice, pool=delegation(router))
    subscription_address_assign(actor=None, subscription=bob, pool=delegation(router, "2001:db8:200::/56", 64))
    nas = Nas(freeradius(), secret=SECRET)

    reply = nas.login("alice", "pw-Alice-1")
    assert accepted(reply) and attribute(reply, "Delegated-IPv6-Prefix") == "2001:db8:100::/56"
    reply = nas.login("bob", "pw-Bob-1")
    assert attribute(reply, "Framed-IPv6-Prefix") == "2001:db8:200::/64" and attribute(reply, "Delegated-IPv6-Prefix") is None

    subscription_prefix_release(actor=None, subscription=alice)
    assert attribute(nas.login("alice", "pw-Alice-1"), "Delegated-IPv6-Prefix") is None
