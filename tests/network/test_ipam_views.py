"""Address management's screens (docs/ipam.md): the pools list with used and free counts worked out by
hand, a pool's used and free addresses, a new pool (malformed and overlapping networks answer 400 with
nothing written), a connection's addresses page and its assign form, the regulator's session search
finding static, IPoE and IPv6 holders, and the portal and reseller portal showing the model and
addresses read-only to their owner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Subscription
from network import ipam
from network.models import AddressAssignment, AddressPool, ProvisioningTask
from tests.factories import RouterFactory, UserFactory, make_customer, make_subscription
from tests.resellers.helpers import make_reseller
from usecases.subscription_address_assign import subscription_address_assign
from usecases.subscription_cancel import subscription_cancel

pytestmark = pytest.mark.django_db


def manager(client):
    client.force_login(UserFactory(roles=["Manager"]))
    return client


def test_the_pool_list_counts_used_and_free_by_hand_and_is_in_the_navigation(client):
    router = RouterFactory(name="MIR-CORE-01")
    block = ipam.address_pool_create(actor=None, name="Public Mirpur", router=router, network="103.148.40.0/28",
                                     kind=AddressPool.Kind.PUBLIC)
    for _ in range(3):
        subscription_address_assign(actor=None, subscription=make_subscription(router=router, activate=True), pool=block)
    manager(client)
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:address-pool-list") in home
    page = client.get(reverse("staff:address-pool-list"))
    usage = next(u for u in page.context["usages"] if u.pool.pk == block.pk)
    # A /28 is 16 addresses; without the network and broadcast addresses 14 hosts; 3 used, 11 free,
    # 3/14 = 21.4 % → 21 %.
    assert (usage.size, usage.used, usage.free, usage.percent_used) == (14, 3, 11, 21)
    assert 'id="address-pool-list"' in page.content.decode()


def test_a_pool_page_lists_the_holders_and_the_free_ranges(client):
    router = RouterFactory()
    block = ipam.address_pool_create(actor=None, name="small", router=router, network="10.1.1.0/29")
    holder = make_subscription(router=router, activate=True)
    subscription_address_assign(actor=None, subscription=holder, pool=block, address="10.1.1.3")
    page = manager(client).get(reverse("staff:address-pool-detail", args=[block.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-address="10.1.1.3"' in html and holder.customer.account_number in html
    # Hosts .1–.6 with .3 held: free runs .1–.2 (2) and .4–.6 (3).
    assert [(r.first, r.last, r.count) for r in page.context["free_ranges"]] == [("10.1.1.1", "10.1.1.2", 2), ("10.1.1.4", "10.1.1.6", 3)]
    assert "1 used, 5 free of 6." in html


def test_creating_a_pool_and_malformed_or_overlapping_networks_answer_400_with_nothing_written(client):
    router = RouterFactory()
    manager(client)
    url = reverse("staff:address-pool-create")
    assert client.get(url).status_code == 200
    done = client.post(url, {"name": "CGNAT", "router": router.pk, "network": "100.64.0.0/22", "kind": "private"})
    assert done.status_code == 302
    for network, message in (("100.64.300.0/22", "is not an IPv4 or IPv6 network"), ("100.64.2.0/24", "overlaps the pool CGNAT"),
                             ("100.65.0.1/24", "has host bits set")):
        refused = client.post(url, {"name": f"bad {network}", "router": router.pk, "network": network, "kind": "private"})
        assert refused.status_code == 400 and message in refused.content.decode()
    assert client.post(url, {"name": "x", "router": "nope", "network": "1.2.3.0/24", "kind": "weird"}).status_code == 400
    assert list(AddressPool.objects.values_list("name", flat=True)) == ["CGNAT"]


def test_the_connection_page_shows_the_model_and_addresses_and_assigns_from_a_pool(client):
    router = RouterFactory()
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:500::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    subscription = make_subscription(router=router, connection_type=Subscription.ConnectionType.IPOE, username="", password="",
                                     static_ip="100.64.9.9", mac_address="4C:5E:0C:00:00:09", activate=True)
    manager(client)
    tab = client.get(reverse("staff:customer-detail", args=[subscription.customer_id]), {"tab": "subscriptions"}).content.decode()
    assert reverse("staff:subscription-addresses", args=[subscription.pk]) in tab
    url = reverse("staff:subscription-addresses", args=[subscription.pk])
    page = client.get(url).content.decode()
    assert "IPoE / DHCP (MAC binding)" in page and "100.64.9.9" in page and "4C:5E:0C:00:00:09" in page

    assign = reverse("staff:subscription-address-assign", args=[subscription.pk])
    refused = client.post(assign, {"pool": six.pk, "address": "2001:db8:600::/56"})
    assert refused.status_code == 400 and "is not in the pool v6" in refused.content.decode()
    assert client.post(assign, {"pool": "x"}).status_code == 400
    assert not AddressAssignment.objects.filter(family=6).exists()
    assert client.post(assign, {"pool": six.pk, "address": ""}).status_code == 302
    assert "2001:db8:500::/56" in client.get(url).content.decode()
    tab = client.get(reverse("staff:customer-detail", args=[subscription.customer_id]), {"tab": "subscriptions"}).content.decode()
    assert "2001:db8:500::/56" in tab
    assert client.post(reverse("staff:subscription-prefix-release", args=[subscription.pk])).status_code == 302
    assert not AddressAssignment.objects.filter(family=6, released_at__isnull=True).exists()


def test_assigning_needs_the_permission_and_changes_nothing_without_it(client):
    router = RouterFactory()
    block = ipam.address_pool_create(actor=None, name="p", router=router, network="10.2.0.0/24")
    subscription = make_subscription(router=router, activate=True)
    client.force_login(UserFactory(roles=["Support"]))
    tasks = ProvisioningTask.objects.count()
    assert client.post(reverse("staff:subscription-address-assign", args=[subscription.pk]), {"pool": block.pk}).status_code == 403
    assert client.get(reverse("staff:address-pool-list")).status_code == 403
    assert AddressAssignment.objects.count() == 0 and ProvisioningTask.objects.count() == tasks


def test_the_regulators_search_finds_static_ipoe_and_ipv6_customers_at_a_moment(client):
    router = RouterFactory(name="core-9")
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:700::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    static = make_subscription(router=router, connection_type=Subscription.ConnectionType.STATIC_IP, username="",
                               static_ip="103.148.40.77", activate=True)
    pppoe = make_subscription(router=router, username="v6user", activate=True)
    subscription_address_assign(actor=None, subscription=pppoe, pool=six)
    manager(client)
    url = reverse("staff:session-log")

    found = client.get(url, {"ip": "103.148.40.77"}).content.decode()
    assert 'id="session-log-address-holders"' in found and static.customer.account_number in found
    # An address inside the delegated /56 finds the PPPoE customer it was delegated to.
    found = client.get(url, {"ip": "2001:db8:700:0:1234::1"}).content.decode()
    assert pppoe.customer.account_number in found and "2001:db8:700::/56" in found

    # Released on cancellation: a moment before still finds the static customer, a moment after does not.
    AddressAssignment.objects.filter(subscription=static).update(assigned_at=timezone.now() - timedelta(hours=2))
    before = timezone.localtime(timezone.now() - timedelta(hours=1))
    subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=static.pk), reason="left")
    after = timezone.localtime(timezone.now() + timedelta(minutes=2))
    moment = "%d/%m/%Y %H:%M"
    assert static.customer.account_number in client.get(url, {"ip": "103.148.40.77", "at": before.strftime(moment)}).content.decode()
    assert static.customer.account_number not in client.get(url, {"ip": "103.148.40.77", "at": after.strftime(moment)}).content.decode()


def test_the_portal_shows_the_model_and_addresses_of_the_customers_own_connections(client):
    router = RouterFactory()
    six = ipam.address_pool_create(actor=None, name="v6", router=router, network="2001:db8:800::/48",
                                   kind=AddressPool.Kind.DELEGATION, assign_length=56)
    customer = make_customer(portal_password="pw-portal-1")
    mine = make_subscription(customer=customer, router=router, connection_type=Subscription.ConnectionType.IPOE, username="",
                             password="", static_ip="100.64.8.8", mac_address="4C:5E:0C:00:00:08", activate=True)
    subscription_address_assign(actor=None, subscription=mine, pool=six)
    other = make_subscription(router=router, static_ip="100.64.8.9", activate=True)
    subscription_address_assign(actor=None, subscription=other, pool=six)
    client.force_login(customer.user)
    html = client.get(reverse("portal:home")).content.decode()
    assert "IPoE / DHCP (MAC binding)" in html and "100.64.8.8" in html and "2001:db8:800::/56" in html
    assert "100.64.8.9" not in html and "2001:db8:800:100::/56" not in html
    assert "<form" not in html.split('id="subscription-')[1].split("</article>")[0]  # read-only


def test_the_reseller_portal_shows_the_model_and_addresses_of_its_own_customers_only(client):
    reseller, area, router, package, _admin = make_reseller(model="commission")
    customer = make_customer(area=area, reseller=reseller)
    static = make_subscription(customer=customer, router=router, package=package, connection_type=Subscription.ConnectionType.STATIC_IP,
                               username="", static_ip="103.148.41.5", activate=True)
    stranger = make_customer(area=area)
    client.force_login(reseller.user)
    html = client.get(reverse("reseller:customer-detail", args=[customer.pk])).content.decode()
    assert "Static IP" in html and "103.148.41.5" in html and f'id="subscription-{static.pk}"' in html
    assert client.get(reverse("reseller:customer-detail", args=[stranger.pk])).status_code == 404
