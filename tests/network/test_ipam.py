"""Address management (docs/ipam.md): pools per router, one live holder per address enforced by the
database, clear errors with nothing written for malformed addresses, overlapping pools and exhausted
pools, and twenty concurrent requests for one pool getting twenty different addresses."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.models import Subscription
from network import ipam
from network.models import AddressAssignment, AddressPool, ProvisioningTask
from tests.factories import RouterFactory, make_subscription
from usecases.subscription_address_assign import subscription_address_assign, subscription_prefix_release
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_update import subscription_update


def static(router, **kwargs):
    kwargs.setdefault("static_ip", None)
    subscription = make_subscription(router=router, connection_type=Subscription.ConnectionType.PPPOE, **kwargs)
    return subscription


def pool(router, network="103.148.40.0/29", **kwargs):
    kwargs.setdefault("name", f"pool {network} {router.pk}")
    return ipam.address_pool_create(actor=None, router=router, network=network, **kwargs)


# Pools -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_pool_keeps_its_network_and_range_keys():
    router = RouterFactory()
    v4 = pool(router, "103.148.40.0/24", kind=AddressPool.Kind.PUBLIC)
    v6 = pool(router, "2001:db8:100::/40", kind=AddressPool.Kind.DELEGATION)
    assert (v4.family, v4.assign_length, v4.network) == (4, 32, "103.148.40.0/24")
    # 103.148.40.0 is 0x67942800, mapped into ::ffff:0:0/96.
    assert (v4.first_key, v4.last_key) == ("00000000000000000000ffff67942800", "00000000000000000000ffff679428ff")
    assert (v6.family, v6.assign_length) == (6, 56)
    assert v6.first_key == "20010db8010000000000000000000000"


@pytest.mark.django_db
@pytest.mark.parametrize("network, message", [
    ("103.148.40.0", "CIDR form"),
    ("103.148.400.0/24", "is not an IPv4 or IPv6 network"),
    ("banana/24", "is not an IPv4 or IPv6 network"),
    ("103.148.40.1/24", "has host bits set: the network is 103.148.40.0/24"),
    ("2001:db8::1/64", "has host bits set"),
])
def test_a_malformed_network_is_refused_with_nothing_written(network, message):
    router = RouterFactory()
    with pytest.raises(ValidationError) as caught:
        pool(router, network)
    assert message in str(caught.value.message_dict["network"])
    assert AddressPool.objects.count() == 0


@pytest.mark.django_db
def test_overlapping_pools_on_one_router_are_refused_and_private_ranges_may_repeat_across_routers():
    router, other = RouterFactory(), RouterFactory()
    pool(router, "100.64.0.0/22", name="CGNAT A")
    with pytest.raises(ValidationError) as caught:
        pool(router, "100.64.2.0/24", name="inside")
    assert "overlaps the pool CGNAT A (100.64.0.0/22)" in caught.value.message_dict["network"][0]
    with pytest.raises(ValidationError):
        pool(router, "100.64.0.0/16", name="around")
    pool(other, "100.64.0.0/22", name="CGNAT B")  # CGNAT is reused behind each router
    pool(router, "100.64.4.0/22", name="next to it")  # adjacent, not overlapping
    assert sorted(AddressPool.objects.values_list("name", flat=True)) == ["CGNAT A", "CGNAT B", "next to it"]


@pytest.mark.django_db
def test_a_public_block_may_not_overlap_any_pool_anywhere():
    router, other = RouterFactory(), RouterFactory()
    pool(router, "103.148.40.0/24", name="public", kind=AddressPool.Kind.PUBLIC)
    with pytest.raises(ValidationError) as caught:
        pool(other, "103.148.40.128/25", name="private elsewhere")
    assert "overlaps the pool public" in caught.value.message_dict["network"][0]
    with pytest.raises(ValidationError):
        pool(other, "103.148.0.0/16", name="public elsewhere", kind=AddressPool.Kind.PUBLIC)
    assert AddressPool.objects.count() == 1


@pytest.mark.django_db
def test_delegation_needs_ipv6_and_a_length_inside_the_pool():
    router = RouterFactory()
    with pytest.raises(ValidationError) as caught:
        pool(router, "10.0.0.0/24", kind=AddressPool.Kind.DELEGATION)
    assert "IPv6" in caught.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as caught:
        pool(router, "2001:db8::/56", kind=AddressPool.Kind.DELEGATION, assign_length=48)
    assert "between /56 and /128" in caught.value.message_dict["assign_length"][0]
    assert AddressPool.objects.count() == 0


# Handing out -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_addresses_are_handed_out_in_order_and_the_connection_keeps_its_address():
    router = RouterFactory()
    block = pool(router, "103.148.40.0/29")  # hosts .1 to .6
    first, second = static(router, activate=True), static(router, activate=True)
    first = subscription_address_assign(actor=None, subscription=first, pool=block)
    second = subscription_address_assign(actor=None, subscription=second, pool=block)
    assert (first.static_ip, second.static_ip) == ("103.148.40.1", "103.148.40.2")
    # The PPPoE secret follows: one outbox entry each with the address as remote-address.
    task = ProvisioningTask.objects.filter(subscription=first).latest("id")
    assert task.desired["address"] == "103.148.40.1"


@pytest.mark.django_db
def test_an_exhausted_pool_says_so_and_writes_nothing():
    router = RouterFactory()
    tiny = pool(router, "103.148.40.0/30")  # two hosts: .1 and .2
    holders = [static(router, activate=True) for _ in range(3)]
    for holder in holders[:2]:
        subscription_address_assign(actor=None, subscription=holder, pool=tiny)
    tasks_before = ProvisioningTask.objects.count()
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=holders[2], pool=tiny)
    assert "The pool pool 103.148.40.0/30" in caught.value.message_dict["pool"][0]
    assert "is exhausted" in caught.value.message_dict["pool"][0]
    holders[2].refresh_from_db()
    assert holders[2].static_ip is None
    assert AddressAssignment.objects.filter(subscription=holders[2]).count() == 0
    assert ProvisioningTask.objects.count() == tasks_before


@pytest.mark.django_db
@pytest.mark.parametrize("address, message", [
    ("103.148.40.300", "is not an IPv4 or IPv6 address"),
    ("103.148.41.5", "is not in the pool"),
    ("103.148.40.0", "network or broadcast address"),
    ("103.148.40.7", "network or broadcast address"),
    ("2001:db8::1", "is not in the pool"),
])
def test_an_address_asked_for_must_be_a_host_of_the_pool(address, message):
    router = RouterFactory()
    block = pool(router, "103.148.40.0/29")
    holder = static(router, activate=True)
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=holder, pool=block, address=address)
    assert message in caught.value.message_dict["address"][0]
    assert AddressAssignment.objects.count() == 0


@pytest.mark.django_db
def test_an_address_held_by_another_connection_is_refused():
    router = RouterFactory()
    block = pool(router, "103.148.40.0/29")
    first, second = static(router, activate=True), static(router, activate=True)
    subscription_address_assign(actor=None, subscription=first, pool=block, address="103.148.40.5")
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=second, pool=block, address="103.148.40.5")
    assert "already held by another connection" in caught.value.message_dict["address"][0]
    second.refresh_from_db()
    assert second.static_ip is None


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_holder_whatever_the_code_checked():
    router = RouterFactory()
    first, second = static(router), static(router)
    now = timezone.now()
    key = ipam.address_key(__import__("ipaddress").ip_address("10.9.0.1"))
    AddressAssignment.objects.create(router=router, subscription=first, family=4, address="10.9.0.1", first_key=key, last_key=key,
                                     assigned_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressAssignment.objects.create(router=router, subscription=second, family=4, address="10.9.0.1", first_key=key,
                                         last_key=key, assigned_at=now)
    # Released, the address may be held again: the released row stays as history.
    AddressAssignment.objects.filter(subscription=first).update(released_at=now)
    AddressAssignment.objects.create(router=router, subscription=second, family=4, address="10.9.0.1", first_key=key, last_key=key,
                                     assigned_at=now)
    assert AddressAssignment.objects.filter(address="10.9.0.1").count() == 2


@pytest.mark.django_db
def test_a_cancelled_connection_gives_its_address_back_and_the_next_one_gets_it():
    router = RouterFactory()
    tiny = pool(router, "103.148.40.0/30")
    leaving, staying, newcomer = (static(router, activate=True) for _ in range(3))
    subscription_address_assign(actor=None, subscription=leaving, pool=tiny)
    subscription_address_assign(actor=None, subscription=staying, pool=tiny)
    subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=leaving.pk), reason="moved away")
    assert AddressAssignment.objects.get(subscription=leaving).released_at is not None
    newcomer = subscription_address_assign(actor=None, subscription=newcomer, pool=tiny)
    assert newcomer.static_ip == "103.148.40.1"


@pytest.mark.django_db
def test_a_typed_static_address_is_recorded_in_the_pool_that_holds_it_and_a_changed_one_released():
    router = RouterFactory()
    block = pool(router, "103.148.40.0/29")
    holder = static(router, static_ip="103.148.40.3", activate=True)
    live = AddressAssignment.objects.get(subscription=holder, released_at__isnull=True)
    assert (live.pool_id, live.address) == (block.pk, "103.148.40.3")
    subscription_update(actor=None, subscription=holder, static_ip="10.20.0.9")
    held = AddressAssignment.objects.filter(subscription=holder).order_by("assigned_at", "id")
    assert [(row.address, row.pool_id, row.released_at is None) for row in held] == [
        ("103.148.40.3", block.pk, False), ("10.20.0.9", None, True),
    ]


@pytest.mark.django_db
def test_ipv6_prefixes_are_delegated_in_order_and_taken_back():
    router = RouterFactory()
    six = pool(router, "2001:db8:100::/54", kind=AddressPool.Kind.DELEGATION, assign_length=56)  # four /56s
    holders = [static(router, activate=True) for _ in range(5)]
    for holder in holders[:4]:
        subscription_address_assign(actor=None, subscription=holder, pool=six)
    assert [ipam.delegated_prefix(h) for h in holders[:4]] == [
        "2001:db8:100::/56", "2001:db8:100:100::/56", "2001:db8:100:200::/56", "2001:db8:100:300::/56",
    ]
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=holders[4], pool=six)
    assert "exhausted" in caught.value.message_dict["pool"][0]
    # The prefix is in the router's desired state, and the PPPoE session redials to be delegated it.
    task = ProvisioningTask.objects.filter(subscription=holders[0]).latest("id")
    assert (task.desired["ipv6"], task.desired["reconnect"]) == ("2001:db8:100::/56", True)
    subscription_prefix_release(actor=None, subscription=holders[1])
    assert ipam.delegated_prefix(holders[1]) == ""
    task = ProvisioningTask.objects.filter(subscription=holders[1]).latest("id")
    assert task.desired.get("had_ipv6") is True and "ipv6" not in task.desired
    holders[4] = subscription_address_assign(actor=None, subscription=holders[4], pool=six)
    assert ipam.delegated_prefix(holders[4]) == "2001:db8:100:100::/56"


@pytest.mark.django_db
def test_a_pool_on_another_router_or_a_prefix_asked_with_the_wrong_length_is_refused():
    router, other = RouterFactory(), RouterFactory()
    elsewhere = pool(other, "10.50.0.0/24")
    six = pool(router, "2001:db8:200::/48", kind=AddressPool.Kind.DELEGATION, assign_length=56)
    holder = static(router, activate=True)
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=holder, pool=elsewhere)
    assert "not on this connection's router" in caught.value.message_dict["pool"][0]
    with pytest.raises(ValidationError) as caught:
        subscription_address_assign(actor=None, subscription=holder, pool=six, address="2001:db8:200::/64")
    assert "delegates /56 prefixes, not /64" in caught.value.message_dict["address"][0]
    assert AddressAssignment.objects.count() == 0


# Concurrency -------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_one_pool_get_twenty_distinct_addresses_or_exhausted():
    """Twenty threads, each with its own connection, ask the same pool at the same moment. The pool
    (a /28: 16 addresses less the network and broadcast ones, 14 hosts) has room for 14: 14 get
    distinct addresses, 6 are told the pool is exhausted, and nobody gets an address twice."""
    router = RouterFactory()
    block = pool(router, "103.148.50.0/28")
    askers = [static(router, activate=True) for _ in range(20)]
    barrier, answers = threading.Barrier(20), [None] * 20

    def ask(n):
        try:
            barrier.wait()
            done = subscription_address_assign(actor=None, subscription=askers[n], pool=block)
            answers[n] = ("ok", done.static_ip)
        except ValidationError as error:
            answers[n] = ("refused", " ".join(error.messages))
        except Exception as error:  # anything else is a failure of the test
            answers[n] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a for a in answers if a[0] == "error"] == []
    given = [address for outcome, address in answers if outcome == "ok"]
    refused = [message for outcome, message in answers if outcome == "refused"]
    assert len(given) == 14 and len(set(given)) == 14
    assert set(given) == {f"103.148.50.{n}" for n in range(1, 15)}
    assert len(refused) == 6 and all("exhausted" in message for message in refused)
    live = list(AddressAssignment.objects.filter(pool=block, released_at__isnull=True).values_list("address", flat=True))
    assert len(live) == 14 == len(set(live))
    assert set(Subscription.objects.filter(pk__in=[a.pk for a in askers], static_ip__isnull=False)
               .values_list("static_ip", flat=True)) == set(given)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_a_roomy_pool_all_get_distinct_addresses():
    router = RouterFactory()
    block = pool(router, "100.64.10.0/24")
    askers = [static(router, activate=True) for _ in range(20)]
    barrier, answers = threading.Barrier(20), [None] * 20

    def ask(n):
        try:
            barrier.wait()
            answers[n] = subscription_address_assign(actor=None, subscription=askers[n], pool=block).static_ip
        except Exception as error:
            answers[n] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers, key=lambda a: int(a.rsplit(".", 1)[1])) == [f"100.64.10.{n}" for n in range(1, 21)]
