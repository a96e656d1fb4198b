"""Every service model provisioned end to end against the RouterOS simulator (docs/ipam.md): IPoE as
a static DHCP lease bound to the device's MAC with its queue, static IP as a queue, both suspended by
the walled-garden address list; IPv6 prefixes as DHCPv6 bindings or the PPP secret's
remote-ipv6-prefix. Suspend, reactivate and change package go through the same use cases (and the
same outbox) for every model."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Subscription
from network import ipam, reconcile
from network.models import AddressPool, ProvisioningTask
from tests.factories import PackageFactory, make_subscription
from tests.network.test_outbox import drain, router_for, secret, suspend
from usecases.subscription_address_assign import subscription_address_assign, subscription_prefix_release
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_update import subscription_update

pytestmark = pytest.mark.usefixtures("fresh_router_connections")

MAC = "4C:5E:0C:12:34:56"


def ipoe(router, **kwargs):
    kwargs.setdefault("static_ip", "100.64.1.10")
    kwargs.setdefault("mac_address", MAC.lower().replace(":", "-"))
    return make_subscription(router=router, connection_type=Subscription.ConnectionType.IPOE, username="", password="", **kwargs)


def leases(sim):
    return sim.run("/ip/dhcp-server/lease/print")


@pytest.mark.django_db
def test_ipoe_is_a_static_lease_bound_to_the_mac_with_its_queue_and_the_device_gets_its_address(routeros_router):
    router = router_for(routeros_router)
    package = PackageFactory(download_mbps=40, upload_mbps=20)
    subscription = ipoe(router, package=package, activate=True)
    assert subscription.mac_address == MAC  # normalised
    assert routeros_router.dhcp_request(MAC) is None  # nothing on the router before the outbox runs
    drain(router)

    [lease] = leases(routeros_router)
    assert (lease["mac-address"], lease["address"], lease["rate-limit"], lease["comment"]) == (
        MAC, "100.64.1.10", "20M/40M", f"ispbill:{subscription.pk}",
    )
    [queue] = routeros_router.run("/queue/simple/print")
    assert (queue["target"], queue["max-limit"]) == ("100.64.1.10/32", "20000000/40000000")
    answer = routeros_router.dhcp_request(MAC)
    assert answer["address"] == "100.64.1.10"
    assert routeros_router.dhcp_request("4C:5E:0C:00:00:01") is None  # another device gets no lease


@pytest.mark.django_db
def test_ipoe_suspend_reactivate_change_package_and_cancel_behave_as_for_every_model(routeros_router):
    router = router_for(routeros_router)
    slow, fast = PackageFactory(download_mbps=10, upload_mbps=5), PackageFactory(download_mbps=50, upload_mbps=25)
    subscription = ipoe(router, package=slow, activate=True)
    drain(router)

    subscription = suspend(subscription)
    drain(router)
    assert routeros_router.address_listed("100.64.1.10", "suspended")
    assert routeros_router.dhcp_request(MAC)["address"] == "100.64.1.10"  # the device keeps its address: walled

    subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    drain(router)
    assert not routeros_router.address_listed("100.64.1.10", "suspended")

    subscription_update(actor=None, subscription=subscription, package=fast)
    drain(router)
    assert leases(routeros_router)[0]["rate-limit"] == "25M/50M"
    assert routeros_router.run("/queue/simple/print")[0]["max-limit"] == "25000000/50000000"
    assert ProvisioningTask.objects.filter(subscription=subscription).exclude(status="done").count() == 0

    subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=subscription.pk), reason="left")
    drain(router)
    assert leases(routeros_router) == [] and routeros_router.run("/queue/simple/print") == []
    assert routeros_router.dhcp_request(MAC) is None


@pytest.mark.django_db
def test_a_new_device_moves_the_lease_to_its_mac(routeros_router):
    router = router_for(routeros_router)
    subscription = ipoe(router, activate=True)
    drain(router)
    subscription_update(actor=None, subscription=subscription, mac_address="4c:5e:0c:ab:cd:ef")
    drain(router)
    [lease] = leases(routeros_router)
    assert lease["mac-address"] == "4C:5E:0C:AB:CD:EF"
    assert routeros_router.dhcp_request(MAC) is None
    assert routeros_router.dhcp_request("4C:5E:0C:AB:CD:EF")["address"] == "100.64.1.10"


@pytest.mark.django_db
@pytest.mark.parametrize("fields, message", [
    ({"mac_address": ""}, "needs the MAC address"),
    ({"mac_address": "4C:5E:0C:12:34"}, "is not a MAC address"),
    ({"static_ip": None}, "needs the address its DHCP lease hands out"),
])
def test_an_ipoe_connection_without_a_valid_mac_or_address_is_refused(routeros_router, fields, message):
    router = router_for(routeros_router)
    with pytest.raises(ValidationError) as caught:
        ipoe(router, **fields)
    assert message in " ".join(caught.value.messages)
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
def test_a_lease_someone_made_by_hand_for_the_mac_is_not_taken_over(routeros_router):
    router = router_for(routeros_router)
    routeros_router.run("/ip/dhcp-server/lease/add", **{"mac-address": MAC, "address": "100.64.1.99"})
    subscription = ipoe(router, activate=True)
    drain(router)
    task = ProvisioningTask.objects.get(subscription=subscription)
    assert task.status == ProvisioningTask.Status.FAILED
    assert "DHCP lease with mac-address 4C:5E:0C:12:34:56 already exists" in task.last_error
    assert [row["address"] for row in leases(routeros_router)] == ["100.64.1.99"]


@pytest.mark.django_db
def test_a_delegated_prefix_is_a_dhcpv6_binding_for_ipoe_and_walled_with_the_address_when_suspended(routeros_router):
    router = router_for(routeros_router)
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:100::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    subscription = ipoe(router, activate=True)
    subscription = subscription_address_assign(actor=None, subscription=subscription, pool=six)
    drain(router)
    [binding] = routeros_router.run("/ipv6/dhcp-server/binding/print")
    assert (binding["address"], binding["duid"]) == ("2001:db8:100::/56", "0x000300014c5e0c123456")
    assert routeros_router.run("/queue/simple/print")[0]["target"] == "100.64.1.10/32,2001:db8:100::/56"
    # The device (DUID-LL from its MAC) is delegated its prefix with its address.
    answer = routeros_router.dhcp_request(MAC, duid="0x000300014c5e0c123456")
    assert (answer["address"], answer["ipv6-prefix"]) == ("100.64.1.10", "2001:db8:100::/56")

    subscription = suspend(subscription)
    drain(router)
    assert routeros_router.address_listed("100.64.1.10", "suspended")
    assert routeros_router.address_listed("2001:db8:100::/56", "suspended")
    subscription = subscription_reactivate(actor=None, subscription=subscription, reason="paid")
    drain(router)
    assert routeros_router.run("/ipv6/firewall/address-list/print") == []

    subscription_prefix_release(actor=None, subscription=subscription)
    drain(router)
    assert routeros_router.run("/ipv6/dhcp-server/binding/print") == []
    assert routeros_router.run("/queue/simple/print")[0]["target"] == "100.64.1.10/32"


@pytest.mark.django_db
def test_a_pppoe_subscriber_is_delegated_its_prefix_through_the_secret(routeros_router):
    router = router_for(routeros_router)
    six = ipam.address_pool_create(actor=None, name="v6 pppoe", router=router, network="2001:db8:300::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    subscription = make_subscription(router=router, username="rahim6", activate=True)
    drain(router)
    assert secret(routeros_router, "rahim6").get("remote-ipv6-prefix", "") == ""
    subscription_address_assign(actor=None, subscription=subscription, pool=six)
    drain(router)
    assert secret(routeros_router, "rahim6")["remote-ipv6-prefix"] == "2001:db8:300::/56"
    subscription_prefix_release(actor=None, subscription=subscription)
    drain(router)
    assert secret(routeros_router, "rahim6")["remote-ipv6-prefix"] == ""


@pytest.mark.django_db
def test_static_ip_from_a_pool_is_queued_and_suspended_by_address_list(routeros_router):
    router = router_for(routeros_router)
    block = ipam.address_pool_create(actor=None, name="public", router=router, network="103.148.40.0/28",
                                     kind=AddressPool.Kind.PUBLIC)
    subscription = make_subscription(router=router, connection_type=Subscription.ConnectionType.STATIC_IP, username="",
                                     static_ip="103.148.40.9", activate=True)
    drain(router)
    assert ipam.AddressAssignment.objects.get(subscription=subscription).pool_id == block.pk
    suspend(subscription)
    drain(router)
    assert routeros_router.address_listed("103.148.40.9", "suspended")
    assert routeros_router.run("/queue/simple/print")[0]["target"] == "103.148.40.9/32"


@pytest.mark.django_db
def test_the_reconciler_sees_ipoe_queues_in_sync(routeros_router):
    router = router_for(routeros_router)
    ipoe(router, activate=True)
    drain(router)
    report = reconcile.reconcile_router(router_id=router.pk)
    assert report.status == "in_sync", report.repairs
