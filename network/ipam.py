"""Address management: every write to address pools and to the addresses and IPv6 prefixes handed out
of them (docs/ipam.md). Reads are in network/ipam_selectors.py.

The rule that an address has one live holder on a router is the database's (the unique constraint
`address_assignment_live_unique`); these functions add the clear errors around it and take the next
free address under a lock on the pool's row, so twenty requests for one pool at once get twenty
different addresses, or "exhausted", and never a duplicate. Each function runs in one transaction:
a refused request writes nothing.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Subscription
from ispbill.core.audit import audit_record

from .models import AddressAssignment, AddressPool, Router

Family = AddressPool.Family
Kind = AddressPool.Kind

# IPv4 is kept mapped into ::ffff:0:0/96, so one 32-hex-digit key orders and compares both families.
_V4_MAPPED = 0xFFFF << 32

# Above this many addresses a pool's free list is not walked address by address (a /64 has 2^64).
FREE_SCAN_LIMIT = 1 << 20


def address_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    value = int(address) | _V4_MAPPED if address.version == 4 else int(address)
    return f"{value:032x}"


def network_keys(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> tuple[str, str]:
    return address_key(network.network_address), address_key(network.broadcast_address)


def parse_network(text: str, *, field: str = "network") -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """A pool's network in CIDR form, strict: host bits set (103.148.40.1/24) is a typing mistake that
    would hand out a different range than the one meant, so it is refused with the network it means."""
    text = (text or "").strip()
    if not text or "/" not in text:
        raise ValidationError({field: _("Give the network in CIDR form, e.g. 103.148.40.0/24 or 2001:db8:100::/40.")})
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValidationError({field: _("“%(text)s” is not an IPv4 or IPv6 network.") % {"text": text}})
        raise ValidationError({field: _("“%(text)s” has host bits set: the network is %(network)s.") % {"text": text, "network": loose}})


def parse_address(text: str, *, field: str = "address") -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        raise ValidationError({field: _("“%(text)s” is not an IPv4 or IPv6 address.") % {"text": text}})


def _overlapping(pool_network, *, router: Router, public: bool):
    """The pools `pool_network` would overlap: any pool on the same router, and any public block
    anywhere (a public address is routed to one place on the internet). Two private pools on
    different routers may overlap: CGNAT ranges are reused behind each router."""
    first, last = network_keys(pool_network)
    overlapping = AddressPool.objects.filter(first_key__lte=last, last_key__gte=first)
    return overlapping.filter(Q(router=router) | Q(kind=Kind.PUBLIC)) if not public else overlapping


@transaction.atomic
def address_pool_create(
    *, actor, name: str, router: Router, network: str, kind: str = Kind.PRIVATE, assign_length: int | None = None,
    branch=None, note: str = "",
) -> AddressPool:
    """A pool of addresses (or of IPv6 prefixes to delegate) on a router. Refused with nothing written:
    a malformed network, a length that does not fit it, a name in use, or an overlap with a pool on
    the same router or with a public block anywhere."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the pool a name.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of pool.")})
    parsed = parse_network(network)
    family = parsed.version
    if kind == Kind.DELEGATION and family != 6:
        raise ValidationError({"kind": _("Prefixes are delegated from an IPv6 pool only.")})
    if assign_length is None:
        assign_length = 56 if kind == Kind.DELEGATION else parsed.max_prefixlen
    if family == 4 and assign_length != 32:
        raise ValidationError({"assign_length": _("An IPv4 pool hands out single addresses (/32).")})
    if family == 6 and not (max(48, parsed.prefixlen) <= assign_length <= 128):
        raise ValidationError({"assign_length": _("The length handed out must be between /%(low)s and /128 for %(network)s.")
                               % {"low": max(48, parsed.prefixlen), "network": parsed}})
    if AddressPool.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A pool named “%(name)s” exists already.") % {"name": name}})
    # Pools on one router are created one at a time: the router's row is the lock, so two overlapping
    # pools typed at once cannot both pass the check below. Public blocks take every router's lock in
    # one order (they must not overlap anywhere).
    routers = Router.objects.select_for_update().order_by("pk")
    list(routers if kind == Kind.PUBLIC else routers.filter(pk=router.pk))
    clash = _overlapping(parsed, router=router, public=kind == Kind.PUBLIC).select_related("router").first()
    if clash is not None:
        raise ValidationError({"network": _("%(network)s overlaps the pool %(pool)s (%(other)s) on router %(router)s.")
                               % {"network": parsed, "pool": clash.name, "other": clash.network, "router": clash.router}})
    first, last = network_keys(parsed)
    pool = AddressPool(
        name=name, router=router, branch=branch if branch is not None else router.branch, family=family, kind=kind,
        network=str(parsed), assign_length=assign_length, first_key=first, last_key=last, note=(note or "").strip(),
    )
    pool.full_clean(validate_constraints=False)
    pool.save()
    audit_record(actor=actor, action="address_pool.create", obj=pool,
                 after={"name": name, "router": router.pk, "network": str(parsed), "kind": kind, "assign_length": assign_length})
    return pool


@transaction.atomic
def address_pool_delete(*, actor, pool: AddressPool) -> None:
    """A pool that never handed anything out may go; one with history stays (the regulator's record)."""
    pool = AddressPool.objects.select_for_update().get(pk=pool.pk)
    if pool.assignments.exists():
        raise ValidationError(_("The pool %(pool)s has handed out addresses: it is kept for their history.") % {"pool": pool.name})
    audit_record(actor=actor, action="address_pool.delete", obj=pool, before={"name": pool.name, "network": pool.network})
    pool.delete()


# Handing out --------------------------------------------------------------------------------------


def pool_candidates(pool: AddressPool):
    """The pool's assignable addresses or prefixes in order: for IPv4 the usable hosts (not the network
    and broadcast addresses of a block larger than /31), skipping .0 and .255 of public blocks is left
    to the ISP (those are valid hosts inside a /23)."""
    network = ipaddress.ip_network(pool.network)
    if pool.family == 4:
        yield from (network.hosts() if network.prefixlen < 31 else iter(network))
    elif pool.assign_length == 128:
        yield from (network.hosts() if network.prefixlen < 127 else iter(network))
    else:
        yield from network.subnets(new_prefix=pool.assign_length)


def candidate_label(candidate) -> str:
    return str(candidate) if isinstance(candidate, ipaddress.IPv4Network | ipaddress.IPv6Network) else candidate.compressed


def _keys(candidate) -> tuple[str, str]:
    if isinstance(candidate, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return network_keys(candidate)
    key = address_key(candidate)
    return key, key


def _used_labels(pool: AddressPool) -> set[str]:
    return set(AddressAssignment.objects.filter(router_id=pool.router_id, released_at__isnull=True,
                                                first_key__gte=pool.first_key, last_key__lte=pool.last_key)
               .values_list("address", flat=True))


def _check_holder(subscription: Subscription, pool: AddressPool) -> None:
    if subscription.router_id != pool.router_id:
        raise ValidationError({"pool": _("The pool %(pool)s is on router %(router)s, not on this connection's router.")
                               % {"pool": pool.name, "router": pool.router}})
    if subscription.status == Subscription.Status.CANCELLED:
        raise ValidationError(_("A cancelled connection holds no addresses."))
    if pool.kind == Kind.DELEGATION and subscription.connection_type == Subscription.ConnectionType.HOTSPOT:
        raise ValidationError({"pool": _("Hotspot users get no delegated prefix.")})


@dataclass(frozen=True)
class Allocated:
    assignment: AddressAssignment
    released: AddressAssignment | None  # the connection's former address of the family, if any


@transaction.atomic
def address_allocate(*, actor, subscription: Subscription, pool: AddressPool, address: str | None = None) -> Allocated:
    """Give `subscription` an address (or an IPv6 prefix) from `pool`: the one asked for, or the first
    free one. Its former live address of the same family is released in the same transaction. The
    pool's row is locked first, so concurrent requests for one pool queue here and each sees the
    others' committed addresses; the unique constraint is the last word all the same."""
    pool = AddressPool.objects.select_for_update().select_related("router").get(pk=pool.pk)
    _check_holder(subscription, pool)
    network = ipaddress.ip_network(pool.network)
    if address:
        wanted = _wanted(address, pool, network)
        label = candidate_label(wanted)
        if label in _used_labels(pool):
            holder = AddressAssignment.objects.filter(router_id=pool.router_id, address=label, released_at__isnull=True).first()
            if holder is not None and holder.subscription_id != subscription.pk:
                raise ValidationError({"address": _("%(address)s is already held by another connection on router %(router)s.")
                                       % {"address": label, "router": pool.router}})
    else:
        wanted = _first_free(pool)
        label = candidate_label(wanted)
    current = AddressAssignment.objects.filter(subscription=subscription, family=pool.family, released_at__isnull=True).first()
    if current is not None and current.address == label and current.router_id == pool.router_id:
        return Allocated(current, None)
    now = timezone.now()
    if current is not None:
        current.released_at = now
        current.save(update_fields=["released_at"])
    first, last = _keys(wanted)
    assignment = AddressAssignment(
        pool=pool, router_id=pool.router_id, subscription=subscription, family=pool.family, address=label,
        first_key=first, last_key=last, assigned_at=now,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError({"address": _("%(address)s was just taken on router %(router)s: try again.")
                               % {"address": label, "router": pool.router}})
    audit_record(actor=actor, action="address.assign", obj=subscription,
                 before={"address": current.address} if current else {}, after={"address": label, "pool": pool.name})
    return Allocated(assignment, current)


def _wanted(address: str, pool: AddressPool, network):
    text = (address or "").strip()
    if pool.assign_length < network.max_prefixlen or "/" in text:
        wanted = parse_network(text, field="address")
        if wanted.prefixlen != pool.assign_length:
            raise ValidationError({"address": _("The pool %(pool)s delegates /%(length)s prefixes, not /%(given)s.")
                                   % {"pool": pool.name, "length": pool.assign_length, "given": wanted.prefixlen}})
        inside = wanted.subnet_of(network) if wanted.version == network.version else False
    else:
        wanted = parse_address(text)
        inside = wanted.version == network.version and wanted in network
        if inside and pool.family == 4 and network.prefixlen < 31 and wanted in (network.network_address, network.broadcast_address):
            raise ValidationError({"address": _("%(address)s is the network or broadcast address of %(network)s.")
                                   % {"address": wanted, "network": network}})
    if not inside:
        raise ValidationError({"address": _("%(address)s is not in the pool %(pool)s (%(network)s).")
                               % {"address": text, "pool": pool.name, "network": network}})
    return wanted


def _first_free(pool: AddressPool):
    used = _used_labels(pool)
    for scanned, candidate in enumerate(pool_candidates(pool)):
        if candidate_label(candidate) not in used:
            return candidate
        if scanned > FREE_SCAN_LIMIT:
            break
    raise ValidationError({"pool": _("The pool %(pool)s (%(network)s) is exhausted: every address is in use.")
                           % {"pool": pool.name, "network": pool.network}})


def _pool_holding(*, router_id: int, address) -> AddressPool | None:
    key = address_key(address)
    return AddressPool.objects.filter(router_id=router_id, first_key__lte=key, last_key__gte=key, family=address.version,
                                      ).exclude(kind=Kind.DELEGATION).first()


def address_record(*, actor, subscription: Subscription) -> AddressAssignment | None:
    """Keep the IPv4 assignment in step with the connection's fixed address as customers saved it
    (typed on the form, imported): a live row for it, in the pool that holds it if any (the pool's used
    list then shows it), the former one released. Call inside the edit's transaction."""
    live = AddressAssignment.objects.filter(subscription=subscription, family=Family.IPV4, released_at__isnull=True).first()
    address = subscription.static_ip if subscription.status != Subscription.Status.CANCELLED else None
    if live is not None and address and live.address == address and live.router_id == subscription.router_id:
        return live
    now = timezone.now()
    if live is not None:
        live.released_at = now
        live.save(update_fields=["released_at"])
    if not address:
        return None
    parsed = ipaddress.ip_address(address)
    key = address_key(parsed)
    assignment = AddressAssignment(
        pool=_pool_holding(router_id=subscription.router_id, address=parsed), router_id=subscription.router_id,
        subscription=subscription, family=Family.IPV4, address=parsed.compressed, first_key=key, last_key=key, assigned_at=now,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError({"static_ip": _("The address %(address)s is already held on router %(router)s.")
                               % {"address": address, "router": subscription.router}})
    return assignment


def addresses_release(*, subscription_ids, family: int | None = None) -> int:
    """Release the live addresses and prefixes of connections (cancelled, or an IPv6 prefix taken back).
    The rows stay, with the time, for the regulator's search."""
    live = AddressAssignment.objects.filter(subscription_id__in=list(subscription_ids), released_at__isnull=True)
    if family is not None:
        live = live.filter(family=family)
    return live.update(released_at=timezone.now())


def delegated_prefix(subscription: Subscription) -> str:
    """The connection's live IPv6 prefix (or address), "" without one: what provisioning hands out.
    Read once for many by `prefixes_prefetch` (the reconciler, a package's many connections)."""
    if subscription.pk is None:
        return ""
    if hasattr(subscription, "_ipv6_prefix"):
        return subscription._ipv6_prefix
    return (AddressAssignment.objects.filter(subscription=subscription, family=Family.IPV6, released_at__isnull=True)
            .values_list("address", flat=True).first() or "")


def prefixes_prefetch(subscriptions) -> None:
    """Each connection's live IPv6 prefix in one query, for `delegated_prefix` to read."""
    subscriptions = [s for s in subscriptions if s.pk is not None]
    held = dict(AddressAssignment.objects.filter(subscription_id__in=[s.pk for s in subscriptions], family=Family.IPV6,
                                                 released_at__isnull=True).values_list("subscription_id", "address"))
    for subscription in subscriptions:
        subscription._ipv6_prefix = held.get(subscription.pk, "")
