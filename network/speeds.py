"""Speed classes and speed windows on MikroTik (issue 56; docs/speeds.md has the worked example).

A package may give traffic to the BDIX peering prefixes and to the cache servers (YouTube GGC,
Facebook FNA …) speeds of their own, and may have windows of the day at another internet speed. The
destination lists are kept in ispbill (``SpeedDestination``) and pushed to every router as the
address lists ``ispbill-bdix`` and ``ispbill-cache``.

What a router holds, by AAA mode:

- Both modes: the two address lists (our entries carry the comment ``ispbill-speed``).
- API mode: two pairs of mangle rules that mark the packets to and from each list
  (``ispbill-bdix`` / ``ispbill-cache``), and per subscription on a shaped package up to three
  simple queues, placed above every other queue in this order, because RouterOS gives a packet to the
  first simple queue that matches its target (and its packet marks, when the queue names some):
  ``bdix-NAME`` (packet-marks=ispbill-bdix), ``cache-NAME`` (packet-marks=ispbill-cache),
  ``net-NAME`` (every other packet, at the internet speed of the window in force). The PPP profile's
  dynamic queue (or a static customer's own queue) below them then carries nothing; it stays as the
  fallback while ours are missing. Comments ``ispbill-speed:<subscription>:<class>``.
- API mode, hotspot logins (whose address changes with every login, so no per-connection queue can
  name it): the package's ``/ip hotspot user profile`` carries ``address-list=ispbill-pkg-<package>``
  (RouterOS puts a logged-in user's address in it for as long as the login lasts) and its rate-limit
  is the internet speed in force; the router holds, per shaped package with a hotspot subscription on
  it, RADIUS mode's per-package class marks, PCQ types and queues (below) and one more class, ``net``:
  every other packet of the list's addresses, marked ``ispbill-net-<package>``, through a PCQ queue at
  the internet speed in force. A window's edge sets that PCQ type's ``pcq-rate`` (and the profile's
  rate-limit, for the next login's dynamic queue): every logged-in user of the package changes speed
  at once, without logging in again, in three changes a package rather than one a login. A login
  throttled by its data cap is on the package's FUP profile, whose list (``ispbill-pkg-<package>-fup``)
  gets the class marks but not the net mark: its internet speed is the FUP profile's rate-limit.
- RADIUS mode: FreeRADIUS answers ``Mikrotik-Rate-Limit`` with the internet speed of the window in
  force and ``Mikrotik-Address-List = ispbill-pkg-<package>`` (radius migration 0021); the router
  holds per package with classes one pair of mangle rules per class that mark the packets between
  that list and the destination list (``ispbill-bdix-<package>``), a PCQ queue type per direction
  (``pcq-rate`` = the class speed, one sub-queue per customer address) and one simple queue
  ``ispbill-bdix-pkg-<package>`` with those marks and types, above the dynamic queues the
  rate-limits make. A speed window's edge is a CoA with the new ``Mikrotik-Rate-Limit``.

Everything here is idempotent (find by comment, then add, set or remove) and runs under the router's
lease (from the reconciler, the outbox or the window edge runner).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Package, PackageSpeedWindow, Subscription

from . import routeros
from .models import Router, SpeedDestination
from .routeros import RouterClient, parse_rate_pair, rate_pair, text

CLASSES = ("bdix", "cache")
ADDRESS_LISTS = {"bdix": "ispbill-bdix", "cache": "ispbill-cache"}
MANGLE = "/ip/firewall/mangle"
QUEUE_TYPES = "/queue/type"
CONFIG_COMMENT = "ispbill-speed"
QUEUE_MARKER = "ispbill-speed:"
# Connections whose speeds per-connection simple queues carry in API mode; static and IPoE ones (which
# never log in to RADIUS) in RADIUS mode too. Hotspot is not among them: its users' addresses change
# with every login, so its package's hotspot user profile puts them in the package's list, and the
# package's queues (API mode: ``hotspot_tiers``; RADIUS mode: FreeRADIUS's list and CoA) shape them.
SHAPED_KINDS = (Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.STATIC_IP, Subscription.ConnectionType.IPOE)
MAX_DESTINATIONS = 5000  # per list: RouterOS handles far more, a typo'd import should not


# Destinations ------------------------------------------------------------------------------------


def normalize_prefix(raw: str) -> str:
    """``103.4.0.0/22`` or a host ``103.4.1.7`` (→ ``103.4.1.7/32``); IPv4 only (RouterOS's
    ``/ip firewall address-list``). Host bits set are refused rather than silently dropped: a
    mistyped ``103.4.1.0/22`` would otherwise widen what gets the BDIX speed."""
    value = (raw or "").strip()
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not an IPv4 prefix such as 103.4.0.0/22 (host bits must be zero).") % {"value": value[:60]}
        ) from None
    if network.version != 4:
        raise ValidationError(_("Only IPv4 prefixes go into the router's address lists."))
    if network.prefixlen < 8:
        raise ValidationError(_("A prefix wider than /8 would give most of the internet the BDIX or cache speed."))
    return str(network)


def destinations_by_list() -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {kind: [] for kind in CLASSES}
    for kind, prefix in SpeedDestination.objects.order_by("kind", "prefix").values_list("kind", "prefix"):
        lists[kind].append(prefix)
    return lists


# A package's speeds at a moment -------------------------------------------------------------------


def local_time(at: datetime | None = None) -> time:
    return timezone.localtime(at or timezone.now()).time().replace(microsecond=0)


def window_in_force(package: Package, at: datetime | None = None) -> PackageSpeedWindow | None:
    moment = local_time(at)
    for window in _windows(package):
        if window.covers(moment):
            return window
    return None


def _windows(package: Package) -> list[PackageSpeedWindow]:
    cached = getattr(package, "_prefetched_objects_cache", {}).get("speed_windows")
    return list(cached) if cached is not None else list(package.speed_windows.all())


def internet_mbps(package: Package, at: datetime | None = None) -> tuple[int, int]:
    """(upload, download) Mbps of internet traffic at `at`: the window in force, else the package's."""
    window = window_in_force(package, at)
    if window is not None:
        return window.upload_mbps, window.download_mbps
    return package.upload_mbps, package.download_mbps


def class_mbps(package: Package) -> dict[str, tuple[int, int] | None]:
    return {
        "bdix": (package.bdix_upload_mbps, package.bdix_download_mbps) if package.bdix_download_mbps else None,
        "cache": (package.cache_upload_mbps, package.cache_download_mbps) if package.cache_download_mbps else None,
    }


def is_shaped(package: Package) -> bool:
    return package.has_speed_classes or bool(_windows(package))


def package_speed_signature(package: Package) -> list:
    """What the routers' speed configuration depends on (package_changed compares it before and after)."""
    return [
        [package.bdix_upload_mbps, package.bdix_download_mbps, package.cache_upload_mbps, package.cache_download_mbps],
        sorted([w.starts.isoformat(), w.ends.isoformat(), w.upload_mbps, w.download_mbps] for w in _windows(package)),
    ]


def speed_queues_desired(subscription: Subscription, *, throttled: bool, at: datetime | None = None) -> dict | None:
    """The per-subscription queues an API-mode router holds for a shaped package (None: none). A
    subscription throttled by its data cap keeps the throttled internet speed, window or not."""
    package = subscription.package
    if subscription.connection_type not in SHAPED_KINDS or not is_shaped(package):
        return None
    if throttled:
        up, down = package.fup_upload_mbps, package.fup_download_mbps
    else:
        up, down = internet_mbps(package, at)
    if subscription.connection_type == Subscription.ConnectionType.PPPOE:
        target = f"<pppoe-{subscription.username}>"
    elif subscription.static_ip:
        target = f"{subscription.static_ip}/32"
    else:
        return None
    classes = {name: rate_pair(*pair) for name, pair in class_mbps(package).items() if pair}
    return {"target": target, "net": rate_pair(up, down), "classes": classes}


# Router-wide configuration --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """One package's class on a router: its marks, its PCQ types and its queue. RADIUS mode: the
    package's BDIX and cache classes. API mode, for the package's hotspot logins: those and ``net``
    (every other packet of the package's logins, at the internet speed in force)."""

    package_id: int
    kind: str
    upload_mbps: int
    download_mbps: int
    extra_lists: tuple[str, ...] = ()  # more member lists with the same marks (the FUP profile's)

    @property
    def member_list(self) -> str:
        return radius_address_list(self.package_id)

    @property
    def member_lists(self) -> tuple[str, ...]:
        return (self.member_list, *self.extra_lists)

    @property
    def mark(self) -> str:
        return tier_mark(self.package_id, self.kind)

    @property
    def queue_name(self) -> str:
        return f"ispbill-{self.kind}-pkg-{self.package_id}"


def tier_mark(package_id: int, kind: str) -> str:
    """The packet mark a router gives a class's packets of the package's logins."""
    return f"ispbill-{kind}-{package_id}"


def radius_address_list(package_id: int) -> str:
    """The package's list: FreeRADIUS answers it (Mikrotik-Address-List), and in API mode the
    package's hotspot user profile carries it (``address-list``)."""
    return f"ispbill-pkg-{package_id}"


def throttled_address_list(package_id: int) -> str:
    """The list of the package's FUP hotspot profile (API mode): the class marks, not the net mark."""
    return f"{radius_address_list(package_id)}-fup"


def radius_tiers(router: Router) -> list[Tier]:
    """The classes of every package that has one (RADIUS mode): a new subscription on any of them is
    shaped from its first login, without waiting for the router's configuration."""
    tiers = []
    for package in Package.objects.filter(Q(bdix_download_mbps__isnull=False) | Q(cache_download_mbps__isnull=False)).order_by("pk"):
        for kind, pair in class_mbps(package).items():
            if pair:
                tiers.append(Tier(package.pk, kind, pair[0], pair[1]))
    return tiers


# API mode, hotspot logins -----------------------------------------------------------------------------


def uses_hotspot_tiers(router: Router) -> bool:
    return router.aaa_mode == Router.AaaMode.API and router.provision_hotspot


def hotspot_packages(router: Router) -> list[Package]:
    """The shaped packages (a class or a window) with a hotspot subscription on this API-mode router,
    active or suspended (a suspended one comes back without waiting for the configuration). A router
    without hotspot customers on such a package holds none of it."""
    if not uses_hotspot_tiers(router):
        return []
    ids = (
        Subscription.objects.filter(router=router, connection_type=Subscription.ConnectionType.HOTSPOT,
                                    status__in=(Subscription.Status.ACTIVE, Subscription.Status.SUSPENDED))
        .values("package_id")
    )
    packages = Package.objects.filter(pk__in=ids).prefetch_related("speed_windows").order_by("pk")
    return [package for package in packages if is_shaped(package)]


def hotspot_tiers(packages: list[Package], at: datetime | None = None) -> list[Tier]:
    """Package by package: its classes, then its ``net`` tier at the internet speed in force at `at`
    (a package added later only adds rows at the end)."""
    tiers = []
    for package in packages:
        extra = (throttled_address_list(package.pk),) if package.has_fup else ()
        for kind, pair in class_mbps(package).items():
            if pair:
                tiers.append(Tier(package.pk, kind, pair[0], pair[1], extra))
        up, down = internet_mbps(package, at)
        tiers.append(Tier(package.pk, "net", up, down))
    return tiers


def hotspot_profiles_wanted(packages: list[Package], at: datetime | None = None) -> dict[str, dict[str, str]]:
    """Name → the attributes ispbill keeps on the package's hotspot user profiles: the internet rate
    in force and the package's list; the FUP profile's throttled rate and its own list (when the
    package has a class for it to keep)."""
    wanted: dict[str, dict[str, str]] = {}
    for package in packages:
        wanted[package.router_profile] = {"rate-limit": rate_pair(*internet_mbps(package, at)),
                                          "address-list": radius_address_list(package.pk)}
        if package.has_fup:
            wanted[package.fup_profile_name] = {
                "rate-limit": rate_pair(package.fup_upload_mbps, package.fup_download_mbps),
                "address-list": throttled_address_list(package.pk) if package.has_speed_classes else "",
            }
    return wanted


def hotspot_profile_wanted(router: Router, name: str, at: datetime | None = None) -> dict[str, str] | None:
    """What a hotspot user profile of this router should hold for speeds (None: none of it, the
    package's plain rate-limit as always)."""
    return hotspot_profiles_wanted(hotspot_packages(router), at).get(name)


def _is_our_list(value) -> bool:
    return text(value).startswith("ispbill-pkg-")


def _sync_hotspot_profiles(client: RouterClient, wanted: dict[str, dict[str, str]]) -> int:
    """Set (or add) the profiles' rate-limit and address-list; a list of ours left on a profile whose
    package is no longer shaped here is cleared. Other settings of a profile are the ISP's."""
    if not wanted and not _has_our_list(client):
        return 0
    try:
        rows = {text(row.get("name")): row for row in client.print(routeros.HOTSPOT_PROFILES)}
    except routeros.RouterTrap as trap:
        if trap.category == routeros.TRAP_MISSING:
            return 0  # no hotspot user-profile menu on this router (routeros.ensure_hotspot_profile)
        raise
    changes = 0
    for name, attrs in wanted.items():
        row = rows.get(name)
        if row is None:
            client.add(routeros.HOTSPOT_PROFILES, name=name, **attrs)
            changes += 1
            continue
        differ = {key: value for key, value in attrs.items() if not _same(row, {key: value})}
        if differ:
            client.set(routeros.HOTSPOT_PROFILES, text(row[".id"]), **differ)
            changes += 1
    for name, row in rows.items():
        if name not in wanted and _is_our_list(row.get("address-list")):
            client.set(routeros.HOTSPOT_PROFILES, text(row[".id"]), **{"address-list": ""})
            changes += 1
    return changes


def _has_our_list(client: RouterClient) -> bool:
    try:
        return any(_is_our_list(row.get("address-list")) for row in client.print(routeros.HOTSPOT_PROFILES, proplist=("address-list",)))
    except routeros.RouterTrap:
        return False  # no hotspot menu on this router


@dataclass
class HotspotEdge:
    """What a window's edge changes on an API-mode router for one package's hotspot logins."""

    changes: list[tuple[str, str, dict[str, str]]]  # (path, row id, attributes to set)
    queues_found: bool  # the package's net PCQ types are on the router (else the reconciler writes them)


def hotspot_speed_changes(client: RouterClient, package: Package, at: datetime) -> HotspotEdge:
    """The net PCQ types' ``pcq-rate`` (every logged-in user of the package changes speed at once)
    and the profile's rate-limit (the next login's dynamic queue), at the internet speed in force at
    `at`. Rows already right cost nothing (one read of each table first)."""
    up, down = internet_mbps(package, at)
    net = Tier(package.pk, "net", up, down)
    wanted_types = {f"{net.queue_name}-up": f"{up}M", f"{net.queue_name}-down": f"{down}M"}
    changes, found = [], set()
    for row in client.print(QUEUE_TYPES, proplist=(".id", "name", "pcq-rate", "comment")):
        rate = wanted_types.get(text(row.get("name")))
        if rate is None or text(row.get("comment")) != CONFIG_COMMENT:
            continue
        found.add(text(row.get("name")))
        if parse_rate_pair(row.get("pcq-rate")) != parse_rate_pair(rate):
            changes.append((QUEUE_TYPES, text(row[".id"]), {"pcq-rate": rate}))
    rate_limit = rate_pair(up, down)
    for row in client.find(routeros.HOTSPOT_PROFILES, name=package.router_profile):
        if parse_rate_pair(row.get("rate-limit")) != parse_rate_pair(rate_limit):
            changes.append((routeros.HOTSPOT_PROFILES, text(row[".id"]), {"rate-limit": rate_limit}))
    return HotspotEdge(changes, found == set(wanted_types))


# Router-wide configuration --------------------------------------------------------------------------


def _mangle_rules(router: Router, tiers: list[Tier], lists: dict[str, list[str]]) -> list[dict[str, str]]:
    """Marks only for a list that has prefixes: a router of an ISP that sells no classes holds none."""
    rules = []
    for tier in tiers:
        if tier.kind == "net":
            # After the package's class marks (passthrough=no stops a class packet there): the rest of
            # its hotspot logins' packets, each way, get the package's net mark (API mode).
            for side in ("src-address-list", "dst-address-list"):
                rules.append({"chain": "forward", side: tier.member_list, "action": "mark-packet",
                              "new-packet-mark": tier.mark, "passthrough": "no"})
            continue
        if not lists.get(tier.kind):
            continue
        destinations = ADDRESS_LISTS[tier.kind]
        for member in tier.member_lists:
            for src, dst in ((member, destinations), (destinations, member)):
                rules.append({"chain": "forward", "src-address-list": src, "dst-address-list": dst,
                              "action": "mark-packet", "new-packet-mark": tier.mark, "passthrough": "no"})
    # Every router, after the per-package marks: the class marks the per-connection speed queues take
    # (API mode's PPPoE logins; static-IP and IPoE connections in both modes, which never log in and
    # so are in no package's list).
    for kind in (kind for kind in CLASSES if lists.get(kind)):
        for side in ("dst-address-list", "src-address-list"):
            rules.append({"chain": "forward", side: ADDRESS_LISTS[kind], "action": "mark-packet",
                          "new-packet-mark": f"ispbill-{kind}", "passthrough": "no"})
    return rules


def _queue_types(tiers: list[Tier]) -> list[dict[str, str]]:
    types = []
    for tier in tiers:
        types.append({"name": f"{tier.queue_name}-up", "kind": "pcq", "pcq-rate": f"{tier.upload_mbps}M", "pcq-classifier": "src-address"})
        types.append({"name": f"{tier.queue_name}-down", "kind": "pcq", "pcq-rate": f"{tier.download_mbps}M", "pcq-classifier": "dst-address"})
    return types


def _tier_queues(tiers: list[Tier]) -> list[dict[str, str]]:
    return [
        {"name": tier.queue_name, "target": "0.0.0.0/0", "packet-marks": tier.mark,
         "queue": f"{tier.queue_name}-up/{tier.queue_name}-down", "max-limit": "0/0"}
        for tier in tiers
    ]


def router_speed_config(router: Router, at: datetime | None = None) -> dict:
    """Everything router-wide this router should hold for speed classes and (API mode's hotspot
    logins) windows at `at` (JSON-safe, for docs and tests)."""
    lists = destinations_by_list()
    profiles: dict[str, dict[str, str]] = {}
    if router.aaa_mode == Router.AaaMode.RADIUS:
        tiers = [tier for tier in radius_tiers(router) if lists.get(tier.kind)]
    else:
        packages = hotspot_packages(router)
        tiers = [tier for tier in hotspot_tiers(packages, at) if tier.kind == "net" or lists.get(tier.kind)]
        profiles = hotspot_profiles_wanted(packages, at)
    return {
        "address_lists": lists,
        "mangle": _mangle_rules(router, tiers, lists),
        "queue_types": _queue_types(tiers),
        "queues": _tier_queues(tiers),
        "hotspot_profiles": profiles,
    }


def _same(row: dict, wanted: dict) -> bool:
    for key, value in wanted.items():
        if key in ("max-limit", "rate-limit", "pcq-rate"):
            if parse_rate_pair(row.get(key)) != parse_rate_pair(value):
                return False
        elif key == "target":
            if routeros.host_address(row.get(key)) != routeros.host_address(value):
                return False
        elif text(row.get(key)) != value:
            return False
    return True


def _sync_ordered(client: RouterClient, path: str, wanted: list[dict[str, str]], *, top: bool = False) -> int:
    """Make our rows (comment ``ispbill-speed``) of `path` exactly `wanted`, in order. Rows are
    compared in order; from the first difference on, ours are removed and added again. Changes made."""
    ours = [row for row in client.print(path) if text(row.get("comment")) == CONFIG_COMMENT]
    keep = 0
    while keep < len(ours) and keep < len(wanted) and _same(ours[keep], wanted[keep]):
        keep += 1
    stale = [text(row[".id"]) for row in ours[keep:]]
    if stale:
        client.remove(path, *stale)
    for attrs in wanted[keep:]:
        extra = {}
        if top:
            first = _first_row_id(client, path)
            if first:
                extra["place-before"] = first
        client.add(path, **attrs, **extra, comment=CONFIG_COMMENT)
    return len(stale) + len(wanted) - keep


def _first_row_id(client: RouterClient, path: str) -> str:
    rows = client.print(path, proplist=(".id", "dynamic"))
    static = [row for row in rows if not routeros.parse_bool(row.get("dynamic"))]
    return text(static[0][".id"]) if static else ""


def _sync_address_lists(client: RouterClient, lists: dict[str, list[str]]) -> int:
    changes = 0
    for kind, list_name in ADDRESS_LISTS.items():
        rows = client.print(routeros.ADDRESS_LIST, proplist=(".id", "address", "comment"), where={"list": list_name})
        ours = {routeros.host_address(row.get("address")): text(row[".id"]) for row in rows if text(row.get("comment")) == CONFIG_COMMENT}
        wanted = {routeros.host_address(prefix): prefix for prefix in lists.get(kind, [])}
        stale = [row_id for address, row_id in ours.items() if address not in wanted]
        if stale:
            client.remove(routeros.ADDRESS_LIST, *stale)
        theirs = {routeros.host_address(row.get("address")) for row in rows if text(row.get("comment")) != CONFIG_COMMENT}
        for address, prefix in wanted.items():
            if address not in ours and address not in theirs:
                client.add(routeros.ADDRESS_LIST, list=list_name, address=prefix, comment=CONFIG_COMMENT)
                changes += 1
        changes += len(stale)
    return changes


def apply_router_speed_config(client: RouterClient, router: Router, at: datetime | None = None) -> str:
    """Push the destination lists, marks, per-package PCQ queues (RADIUS mode; API mode for hotspot
    logins) and the hotspot profiles' rate-limit and list, as in force at `at`. Idempotent."""
    config = router_speed_config(router, at)
    changes = _sync_address_lists(client, config["address_lists"])
    changes += _sync_ordered(client, MANGLE, config["mangle"])
    if config["queue_types"] or _has_ours(client, QUEUE_TYPES):
        changes += _set_pcq_rates(client, config["queue_types"])
        changes += _sync_ordered(client, QUEUE_TYPES, config["queue_types"])
    changes += _sync_tier_queues(client, config["queues"])
    if uses_hotspot_tiers(router):
        changes += _sync_hotspot_profiles(client, config["hotspot_profiles"])
    return f"speed classes: {changes} change(s)" if changes else "speed classes: unchanged"


def _set_pcq_rates(client: RouterClient, wanted: list[dict[str, str]]) -> int:
    """A PCQ type of ours that differs only by its rate (a window's edge the router missed, a package
    edit) is set in place: removing it would first need every queue using it removed."""
    rates = {attrs["name"]: attrs for attrs in wanted}
    changes = 0
    for row in client.print(QUEUE_TYPES):
        attrs = rates.get(text(row.get("name")))
        if attrs is None or text(row.get("comment")) != CONFIG_COMMENT:
            continue
        others = {key: value for key, value in attrs.items() if key != "pcq-rate"}
        if _same(row, others) and not _same(row, {"pcq-rate": attrs["pcq-rate"]}):
            client.set(QUEUE_TYPES, text(row[".id"]), **{"pcq-rate": attrs["pcq-rate"]})
            changes += 1
    return changes


def _has_ours(client: RouterClient, path: str) -> bool:
    try:
        return any(text(row.get("comment")) == CONFIG_COMMENT for row in client.print(path, proplist=("comment",)))
    except routeros.RouterTrap:
        return False


def _sync_tier_queues(client: RouterClient, wanted: list[dict[str, str]]) -> int:
    rows = client.print(routeros.QUEUES)
    ours = {text(row.get("name")): row for row in rows if text(row.get("comment")) == CONFIG_COMMENT}
    changes = 0
    for name, row in ours.items():
        if not any(attrs["name"] == name and _same(row, attrs) for attrs in wanted):
            client.remove(routeros.QUEUES, text(row[".id"]))
            changes += 1
            ours[name] = None
    for attrs in wanted:
        if ours.get(attrs["name"]) is None:
            extra = {}
            first = _first_row_id(client, routeros.QUEUES)
            if first:
                extra["place-before"] = first
            client.add(routeros.QUEUES, **attrs, **extra, comment=CONFIG_COMMENT)
            changes += 1
    return changes


# One subscription's queues (API mode) -------------------------------------------------------------


def queue_comment(subscription_id: int, kind: str) -> str:
    return f"{QUEUE_MARKER}{subscription_id}:{kind}"


def queue_owner(comment) -> int | None:
    value = text(comment)
    if not value.startswith(QUEUE_MARKER):
        return None
    number = value[len(QUEUE_MARKER):].split(":", 1)[0]
    return int(number) if number.isdigit() else None


def _wanted_queues(name: str, spec: dict) -> list[dict[str, str]]:
    """In list order: the class queues first (they take only their marked packets), then net."""
    queues = [
        {"name": f"{kind}-{name}", "kind": kind, "target": spec["target"], "packet-marks": spec.get("marks", {}).get(kind, f"ispbill-{kind}"),
         "max-limit": rate}
        for kind, rate in sorted(spec["classes"].items())
    ]
    queues.append({"name": f"net-{name}", "kind": "net", "target": spec["target"], "packet-marks": "", "max-limit": spec["net"]})
    return queues


def subscription_queue_rows(client: RouterClient, subscription_id: int) -> list[dict]:
    prefix = f"{QUEUE_MARKER}{subscription_id}:"
    return [row for row in client.print(routeros.QUEUES) if text(row.get("comment")).startswith(prefix)]


def apply_speed_queues(client: RouterClient, desired: dict, rows: list[dict] | None = None) -> str:
    """Make the router hold exactly the subscription's speed queues (none when `desired` has no
    ``speeds`` or the subscription is suspended or gone). Idempotent."""
    subscription_id = desired["subscription"]
    spec = desired.get("speeds") if desired["present"] and not desired["suspended"] else None
    if spec is None and rows is None:
        if desired.get("kind") not in SHAPED_KINDS or not client.find(routeros.QUEUES, comment=queue_comment(subscription_id, "net")):
            return ""  # never shaped (the reconciler removes any class queue left without its net queue)
    rows = subscription_queue_rows(client, subscription_id) if rows is None else rows
    if spec is None:
        if rows:
            client.remove(routeros.QUEUES, *[text(row[".id"]) for row in rows])
            return "speed queues removed"
        return ""
    wanted = _wanted_queues(desired["name"], spec)
    order = [text(row.get("comment")).rsplit(":", 1)[-1] for row in rows]
    if order != [queue["kind"] for queue in wanted]:
        # Missing, extra or out of order: the order is what makes the classes work, so start again.
        if rows:
            client.remove(routeros.QUEUES, *[text(row[".id"]) for row in rows])
        for queue in reversed(wanted):
            extra = {}
            first = _first_row_id(client, routeros.QUEUES)
            if first:
                extra["place-before"] = first
            client.add(routeros.QUEUES, name=queue["name"], target=queue["target"], **{"packet-marks": queue["packet-marks"]},
                       **{"max-limit": queue["max-limit"]}, **extra, comment=queue_comment(subscription_id, queue["kind"]))
        return "speed queues written"
    changed = 0
    for row, queue in zip(rows, wanted, strict=True):
        attrs = {key: queue[key] for key in ("name", "target", "packet-marks", "max-limit")}
        changes = {key: value for key, value in attrs.items() if not _same(row, {key: value})}
        if parse_routeros_disabled(row):
            changes["disabled"] = "no"
        if changes:
            client.set(routeros.QUEUES, text(row[".id"]), **changes)
            changed += 1
    return f"speed queues {'updated' if changed else 'unchanged'}"


def parse_routeros_disabled(row: dict) -> bool:
    return routeros.parse_bool(row.get("disabled"))


def set_net_rate(client: RouterClient, row_id: str, rate: str) -> None:
    client.set(routeros.QUEUES, row_id, **{"max-limit": rate})
