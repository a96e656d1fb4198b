"""Demo address management and service models (docs/ipam.md), run after seed_demo: on every core
router an IPoE pool (CGNAT), an IPv6 pool to delegate /56 prefixes from, and on each branch's first
router a public block for static customers; a few PPPoE customers with a known device moved to
IPoE (a static DHCP lease bound to their MAC), two on each branch's first router moved to a static
public address from its block, and some connections of every model delegated an IPv6 prefix. Written through the use cases, so the router changes go through the outbox like any other.

Idempotent: a router whose IPv6 pool exists is left alone. A few dozen writes: well under a second
or two."""

from __future__ import annotations

import ipaddress

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from customers.models import Subscription
from network import ipam
from network.models import AddressPool, Router
from usecases.subscription_address_assign import subscription_address_assign
from usecases.subscription_update import subscription_update

IPOE_PER_ROUTER = 2
STATIC_PER_ROUTER = 2  # on each branch's first router, from its public block
PREFIXES_PER_ROUTER = 6


class Command(BaseCommand):
    help = "Seed address pools, IPoE customers and delegated IPv6 prefixes (docs/ipam.md)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        admin = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
        routers = list(Router.objects.filter(name__contains="-CORE-").order_by("name"))
        counts = {"pools": 0, "ipoe": 0, "static": 0, "prefixes": 0}
        for n, router in enumerate(routers):
            if AddressPool.objects.filter(name=f"IPv6 {router.name}").exists():
                continue
            with transaction.atomic():
                self.seed_router(admin, router, n, counts)
        if not options["quiet"]:
            self.stdout.write(f"Address pools: {counts['pools']} pools, {counts['ipoe']} IPoE connections, "
                              f"{counts['static']} static IPs from public blocks, {counts['prefixes']} IPv6 prefixes.")

    def seed_router(self, admin, router: Router, n: int, counts: dict) -> None:
        ipoe_pool = ipam.address_pool_create(
            actor=admin, name=f"IPoE {router.name}", router=router, network=f"100.64.{n * 4}.0/22",
            note="CGNAT addresses for IPoE (DHCP) customers",
        )
        six = ipam.address_pool_create(
            actor=admin, name=f"IPv6 {router.name}", router=router, network=f"2001:db8:{n + 1:x}00::/40",
            kind=AddressPool.Kind.DELEGATION, assign_length=56, note="Delegated /56 per subscriber",
        )
        counts["pools"] += 2
        public = None
        if router.name.endswith("-01"):
            public = ipam.address_pool_create(
                actor=admin, name=f"Public {router.name}", router=router, network=f"103.148.{200 + n}.0/26",
                kind=AddressPool.Kind.PUBLIC, note="For new static-IP customers",
            )
            counts["pools"] += 1
        on_router = Subscription.objects.filter(router=router, status=Subscription.Status.ACTIVE).select_related("router")
        hosts = ipaddress.ip_network(ipoe_pool.network).hosts()
        movers = list(on_router.filter(connection_type=Subscription.ConnectionType.PPPOE).exclude(mac_address="").order_by("pk")[:IPOE_PER_ROUTER])
        for subscription in movers:
            subscription_update(actor=admin, subscription=subscription, connection_type=Subscription.ConnectionType.IPOE,
                                username="", static_ip=str(next(hosts)))
            counts["ipoe"] += 1
        if public is not None:
            # A couple of customers bought a public address from the block (the base step's static
            # customers, if any, have theirs without a pool): the block's used list shows them, and a
            # demo of any size has static-IP customers.
            public_hosts = ipaddress.ip_network(public.network).hosts()
            buyers = list(on_router.filter(connection_type=Subscription.ConnectionType.PPPOE, customer__user__isnull=True)
                          .exclude(pk__in=[s.pk for s in movers]).order_by("-pk")[:STATIC_PER_ROUTER])  # not a demo login's
            for subscription in buyers:
                subscription_update(actor=admin, subscription=subscription, connection_type=Subscription.ConnectionType.STATIC_IP,
                                    username="", static_ip=str(next(public_hosts)))
                counts["static"] += 1
        delegated = [s.pk for s in movers]
        for kind in (Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.STATIC_IP):
            delegated += list(on_router.filter(connection_type=kind).exclude(pk__in=delegated)
                              .order_by("pk").values_list("pk", flat=True)[:PREFIXES_PER_ROUTER // 2])
        for subscription in Subscription.objects.filter(pk__in=delegated).order_by("pk"):
            subscription_address_assign(actor=admin, subscription=subscription, pool=six)
            counts["prefixes"] += 1
