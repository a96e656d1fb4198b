"""Address management's reads (docs/ipam.md): pools with their used and free counts, a pool's used
addresses and free ranges, the addresses a connection holds, and the regulator's question — who held
this address (IPv4, or IPv6 inside a delegated prefix) at that moment — for connections that have no
RADIUS session to find them by (static IP, IPoE) and for delegated IPv6 prefixes."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from .ipam import address_key, candidate_label, pool_candidates
from .models import AddressAssignment, AddressPool
from .selectors import routers_visible_to

FREE_RANGES_SHOWN = 50


@dataclass(frozen=True)
class PoolUsage:
    pool: AddressPool
    size: int  # addresses or prefixes it can hand out
    used: int

    @property
    def free(self) -> int:
        return max(self.size - self.used, 0)

    @property
    def percent_used(self) -> int:
        return round(100 * self.used / self.size) if self.size else 100


def pool_size(pool: AddressPool) -> int:
    """What the pool can hand out: an IPv4 block's hosts (not its network and broadcast addresses
    above /31), an IPv6 pool's addresses (less the subnet-router anycast above /127) or its prefixes."""
    network = ipaddress.ip_network(pool.network)
    if pool.assign_length < network.max_prefixlen:
        return 2 ** (pool.assign_length - network.prefixlen)
    total = network.num_addresses
    if pool.family == 4:
        return total - 2 if network.prefixlen < 31 else total
    return total - 1 if network.prefixlen < 127 else total


def pools_visible_to(user):
    """The pools of the routers the user sees (network.selectors.routers_visible_to)."""
    return AddressPool.objects.select_related("router", "branch").filter(router__in=routers_visible_to(user))


def pool_usages(*, user) -> list[PoolUsage]:
    pools = pools_visible_to(user).annotate(live=Count("assignments", filter=Q(assignments__released_at__isnull=True)))
    return [PoolUsage(pool, pool_size(pool), pool.live) for pool in pools.order_by("router__name", "family", "first_key")]


def pool_get_for_user(*, user, pk: int) -> AddressPool:
    return pools_visible_to(user).get(pk=pk)


def pool_used(pool: AddressPool) -> list[AddressAssignment]:
    return list(pool.assignments.filter(released_at__isnull=True).select_related("subscription__customer").order_by("first_key"))


@dataclass(frozen=True)
class FreeRange:
    first: str
    last: str
    count: int

    @property
    def label(self) -> str:
        return self.first if self.first == self.last else f"{self.first} – {self.last}"


def pool_free_ranges(pool: AddressPool, *, limit: int = FREE_RANGES_SHOWN) -> tuple[list[FreeRange], bool]:
    """The pool's free addresses (or prefixes) as runs, in order: the first `limit` runs, and whether
    there are more. Walked candidate by candidate up to the pool's first 65,536 (an IPv6 /64 of single
    addresses is shown as its first runs)."""
    used = set(pool.assignments.filter(released_at__isnull=True).values_list("address", flat=True))
    ranges: list[FreeRange] = []
    first = last = None
    count = 0
    for scanned, candidate in enumerate(pool_candidates(pool)):
        if scanned >= 65_536:
            break
        label = candidate_label(candidate)
        if label in used:
            if first is not None:
                ranges.append(FreeRange(first, last, count))
                first, count = None, 0
                if len(ranges) > limit:
                    break
            continue
        if first is None:
            first = label
        last, count = label, count + 1
    if first is not None:
        ranges.append(FreeRange(first, last, count))
    return ranges[:limit], len(ranges) > limit


def subscription_addresses(subscription) -> list[AddressAssignment]:
    """The addresses and prefix a connection holds now (IPv4 first)."""
    return list(AddressAssignment.objects.filter(subscription=subscription, released_at__isnull=True)
                .select_related("pool").order_by("family"))


def subscriptions_prefixes(subscription_ids) -> dict[int, str]:
    return dict(AddressAssignment.objects.filter(subscription_id__in=list(subscription_ids), family=6, released_at__isnull=True)
                .values_list("subscription_id", "address"))


def address_holders(*, ip: str, at: datetime | None, branch_ids) -> list[AddressAssignment]:
    """Who held `ip` (exactly, or inside a delegated prefix) at `at` (any time when None), newest
    first: the connections RADIUS has no session for (static IP, IPoE) and the IPv6 prefixes. Within
    `branch_ids` (None: every branch), as the session log is."""
    key = address_key(ipaddress.ip_address(ip))
    held = AddressAssignment.objects.filter(first_key__lte=key, last_key__gte=key)
    if at is not None:
        held = held.filter(Q(released_at__isnull=True) | Q(released_at__gt=at), assigned_at__lte=at)
    if branch_ids is not None:
        held = held.filter(subscription__customer__branch_id__in=sorted(branch_ids))
    return list(held.select_related("subscription__customer", "router", "pool").order_by("-assigned_at")[:50])


def prefixes_at(rows) -> dict[tuple[int, object], str]:
    """For session-log rows (subscription_id, acctstarttime): the IPv6 prefix each subscription held
    when its session started."""
    wanted = {(row.subscription_id, row.acctstarttime) for row in rows if row.subscription_id and row.acctstarttime}
    if not wanted:
        return {}
    held: dict[int, list[tuple]] = {}
    for holder, address, assigned, released in (
        AddressAssignment.objects.filter(subscription_id__in={s for s, _ in wanted}, family=6)
        .values_list("subscription_id", "address", "assigned_at", "released_at")
    ):
        held.setdefault(holder, []).append((address, assigned, released))
    found = {}
    for subscription_id, start in wanted:
        for address, assigned, released in held.get(subscription_id, ()):
            if assigned <= start and (released is None or released > start):
                found[(subscription_id, start)] = address
    return found
