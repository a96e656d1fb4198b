"""Routers in RADIUS mode, the router side: switching a router between API mode (our PPPoE secrets on
the router) and RADIUS mode (the router asks FreeRADIUS), and what the outbox sends a RADIUS router
instead of secrets (Disconnect and CoA through network.radius_coa).

Switching is one outbox entry (``Action.AAA_MODE``) that the drainer applies as a barrier: it waits for
every earlier entry of the router, and every later entry waits for it (outbox._due_entries).

API → RADIUS, without dropping a session:

1. ``/radius add service=ppp,hotspot address=… secret=… authentication-port=… accounting-port=…``
   for each of the site's FreeRADIUS servers (``RADIUS_SERVERS``, in the order the router tries them;
   ours, found again by their comments), ``/ppp aaa set use-radius=yes accounting=yes
   interim-update=…``, ``/radius incoming set accept=yes port=…``. Nothing changes for anyone yet:
   RouterOS checks a dial against the local ``/ppp secret`` table first and asks RADIUS only for a
   name it does not find there.
2. ispbill sends an Access-Request on the router's behalf (its secret, its NAS address) to the servers
   in turn and waits for an answer (Accept or Reject from one of them proves the site's FreeRADIUS
   knows the router). No answer: the entry fails and is retried with its back-off; the secrets stay,
   so nobody is locked out.
3. Our secrets (and hotspot users) are removed. RouterOS does not end a live PPP session when its
   secret is removed or disabled (only removing it from ``/ppp active`` does), so every connected
   customer stays connected; their next dial finds no secret and goes to RADIUS.

RADIUS → API: every PPPoE / hotspot subscription's secret is written first (a local secret wins over
RADIUS at the next dial), then ``use-radius=no``, our ``/radius`` entries removed and incoming CoA
refused. Sessions authorised by RADIUS carry on until they end, as on RouterOS.
"""

from __future__ import annotations

import ipaddress
import re
import secrets as secrets_module
from dataclasses import dataclass

from django.conf import settings

from customers.models import Subscription

from . import radius_coa, routeros
from .models import ProvisioningTask, Router
from .radius_coa import CoaRefused
from .routeros import RouterClient, RouterError, marker_subscription, parse_bool, text

Action = ProvisioningTask.Action

RADIUS = "/radius"
RADIUS_INCOMING = "/radius/incoming"
PPP_AAA = "/ppp/aaa"
HOTSPOT_SERVER_PROFILES = "/ip/hotspot/profile"
RADIUS_COMMENT = "ispbill"  # the first server's entry; the next ones are "ispbill-2", "ispbill-3" …
COA_SOURCE_COMMENT = "ispbill-coa"
SERVER_COMMENT = re.compile(r"^ispbill(-[2-9]|-[1-9][0-9]+)?$")
RADIUS_KINDS = (Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.HOTSPOT)
PROBE_USER = "ispbill-probe"


class RadiusNotAnswering(RouterError):
    """FreeRADIUS did not answer for this router: the switch waits (local secrets kept)."""


class RadiusServersInvalid(RouterError):
    """RADIUS_SERVERS cannot be read: the switch waits with the reason until the setting is fixed."""


# The site's FreeRADIUS servers -------------------------------------------------------------------


@dataclass(frozen=True)
class RadiusServer:
    """One FreeRADIUS server as the routers reach it."""

    address: str
    auth_port: int
    acct_port: int

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.auth_port}/{self.acct_port}"


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise RadiusServersInvalid(f"RADIUS_SERVERS: {entry!r} has the port {text!r}; a port is 1 to 65535")
    return int(text)


def _server(entry: str) -> RadiusServer:
    """`address`, `address:auth_port` (accounting on the next port) or `address:auth_port:acct_port`;
    an IPv6 address in brackets when ports follow (`[2001:db8::5]:1812:1813`)."""
    if entry.startswith("["):
        address, bracket, rest = entry[1:].partition("]")
        ports = rest[1:].split(":") if bracket and rest.startswith(":") else ([] if bracket and not rest else None)
    elif entry.count(":") > 2:
        address, ports = entry, []  # a bare IPv6 address
    else:
        address, *ports = entry.split(":")
    if ports is None or len(ports) > 2 or not _is_ip(address):
        raise RadiusServersInvalid(
            f"RADIUS_SERVERS: {entry!r} is not an IP address with optional ports (address, address:auth_port or"
            " address:auth_port:acct_port; RouterOS's /radius takes an address, not a name)"
        )
    if not ports:
        return RadiusServer(address, settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT)
    auth = _port(ports[0], entry)
    acct = _port(ports[1], entry) if len(ports) == 2 else _port(str(auth + 1), entry)
    return RadiusServer(address, auth, acct)


def radius_servers() -> list[RadiusServer]:
    """The site's FreeRADIUS servers as the routers reach them, in the order a router asks them
    (RADIUS_SERVERS, comma-separated; empty: the one server RADIUS_SERVER_ADDRESS, RADIUS_AUTH_PORT,
    RADIUS_ACCT_PORT). Raises RadiusServersInvalid for a malformed setting."""
    raw = (settings.RADIUS_SERVERS or "").strip()
    if not raw:
        return [RadiusServer(settings.RADIUS_SERVER_ADDRESS, settings.RADIUS_AUTH_PORT, settings.RADIUS_ACCT_PORT)]
    servers = [_server(entry.strip()) for entry in raw.split(",") if entry.strip()]
    seen: set[tuple[str, int]] = set()
    for server in servers:
        key = (str(ipaddress.ip_address(server.address)), server.auth_port)
        if key in seen:
            raise RadiusServersInvalid(f"RADIUS_SERVERS lists {server} twice")
        seen.add(key)
    if not servers:
        raise RadiusServersInvalid("RADIUS_SERVERS names no server")
    return servers


def probe_targets(servers: list[RadiusServer]) -> list[tuple[str, int]]:
    """Where ispbill itself reaches each server (host, auth port), in the routers' order: the
    comma-separated RADIUS_PROBE_ADDRESS, one per server (a name such as the compose service is fine
    here), the server's own address for those it does not name."""
    named = [item.strip() for item in (settings.RADIUS_PROBE_ADDRESS or "").split(",") if item.strip()]
    return [(named[index] if index < len(named) else server.address, server.auth_port) for index, server in enumerate(servers)]


def new_radius_secret() -> str:
    # RouterOS and FreeRADIUS take any printable secret; 24 URL-safe characters is 144 bits.
    return secrets_module.token_urlsafe(18)


def uses_radius(router: Router) -> bool:
    return router.aaa_mode == Router.AaaMode.RADIUS


# What a RADIUS router gets instead of secrets ------------------------------------------------------


def apply_radius_task(router: Router, task: ProvisioningTask) -> str | None:
    """The outbox's RADIUS path for one entry: a Disconnect, a CoA, or nothing at all; never a secret.
    None: not a RADIUS matter (static IPs keep their queues and address lists, orphans are removed
    over the API as before)."""
    desired = task.desired
    if task.action == Action.PROFILE:
        return "not needed: RADIUS sends the rate at login"
    if task.action == Action.REMOVE_ORPHAN or desired.get("kind") not in RADIUS_KINDS:
        return None
    nas = radius_coa.nas_for(router)
    name = desired["name"]
    if task.action == Action.DISCONNECT:
        # Staff ended one session: by its Acct-Session-Id when we know it (RouterOS matches the session).
        outcome = radius_coa.disconnect(nas=nas, username=name, session_id=desired.get("session_id", ""))
        return f"Disconnect: {outcome.detail}"
    if not desired["present"] or task.action in (Action.SUSPEND, Action.REACTIVATE, Action.DEPROVISION):
        # Suspended: the next login is rejected or lands in the walled garden. Reactivated: the walled
        # garden session ends and comes back at full speed. Cancelled: it ends.
        return f"Disconnect: {radius_coa.disconnect(nas=nas, username=name).detail}"
    if task.action == Action.UPDATE:
        done = []
        former = desired.get("former_name")
        if former and former != name:
            done.append(f"Disconnect {former}: {radius_coa.disconnect(nas=nas, username=former).detail}")
        if desired.get("reconnect"):
            done.append(change_rate_or_disconnect(nas, name, desired["rate_limit"]))
        return ", ".join(done) or "nothing to send: the next login is authorised from our data"
    return "nothing to send: RADIUS authorises the next login from our data"


def applies_in_radius(router: Router, task: ProvisioningTask) -> bool:
    """Whether the entry is applied the RADIUS way. The router's mode is saved when staff switch it,
    but the router changes mode only when the switch's entry is applied, after every entry queued
    before it (the barrier): those are applied in the mode the router is still in. Without this, a
    change queued just before a switch to RADIUS would be sent as a CoA to a router not yet listening
    for one, fail, and hold the switch behind it for ever."""
    switch = (
        ProvisioningTask.objects.filter(router_id=router.pk, action=Action.AAA_MODE, status__in=ProvisioningTask.NOT_DONE, pk__gt=task.pk)
        .order_by("pk").values_list("desired", flat=True).first()
    )
    if switch is not None:
        return switch.get("mode") != Router.AaaMode.RADIUS  # the mode before that switch
    return uses_radius(router)


def needs_no_api(router: Router, task: ProvisioningTask) -> bool:
    """Whether the entry is applied without the router's API (RADIUS mode: a Disconnect, a CoA, or nothing)."""
    if task.action in (Action.AAA_MODE, Action.REMOVE_ORPHAN) or not applies_in_radius(router, task):
        return False
    return task.action == Action.PROFILE or task.desired.get("kind") in RADIUS_KINDS


def change_rate_or_disconnect(nas: radius_coa.Nas, username: str, rate_limit: str) -> str:
    """CoA with the new Mikrotik-Rate-Limit; a NAS that refuses CoA gets a Disconnect, and the
    customer's next login carries the new rate."""
    try:
        return f"CoA: {radius_coa.change_rate(nas=nas, username=username, rate_limit=rate_limit).detail}"
    except CoaRefused as refused:
        outcome = radius_coa.disconnect(nas=nas, username=username)
        return f"CoA refused ({refused.message}); Disconnect: {outcome.detail}"


# The switch ---------------------------------------------------------------------------------------


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _ensure_radius_entry(client: RouterClient, *, comment: str, attrs: dict[str, str]) -> str:
    rows = client.find(RADIUS, comment=comment)
    if not rows:
        client.add(RADIUS, **attrs, comment=comment)
        return "created"
    row, extra = rows[0], rows[1:]
    if extra:
        client.remove(RADIUS, *[text(other[".id"]) for other in extra])
    changes = {key: value for key, value in attrs.items() if text(row.get(key)) != value}
    client.set(RADIUS, text(row[".id"]), **changes)
    return "updated" if changes else "unchanged"


def server_comment(index: int) -> str:
    return RADIUS_COMMENT if index == 0 else f"{RADIUS_COMMENT}-{index + 1}"


def _ensure_server_entries(client: RouterClient, router: Router, servers: list[RadiusServer]) -> str:
    """One `/radius` entry per server, in the routers' order. RouterOS asks the entries of a service in
    the order `/radius print` lists them, so ours are matched by position, not by comment: the i-th of
    ours gets the i-th server (and its comment), one too many is removed, one missing is added after
    them. Idempotent."""
    ours = [row for row in client.print(RADIUS) if SERVER_COMMENT.match(text(row.get("comment")))]
    outcomes = []
    for index, server in enumerate(servers):
        attrs = {
            "service": "ppp,hotspot",
            "address": server.address,
            "secret": router.radius_secret,
            "authentication-port": str(server.auth_port),
            "accounting-port": str(server.acct_port),
            "comment": server_comment(index),
        }
        if index < len(ours):
            row = ours[index]
            changes = {key: value for key, value in attrs.items() if text(row.get(key)) != value}
            if changes:
                client.set(RADIUS, text(row[".id"]), **changes)
            outcomes.append("updated" if changes else "unchanged")
        else:
            client.add(RADIUS, **attrs)
            outcomes.append("created")
    extra = [text(row[".id"]) for row in ours[len(servers):]]
    if extra:
        client.remove(RADIUS, *extra)
    return ", ".join(f"{server.address} {outcome}" for server, outcome in zip(servers, outcomes, strict=True)) + (
        f", {len(extra)} removed" if extra else ""
    )


def configure_radius(client: RouterClient, router: Router) -> list[str]:
    """Point the router at the site's FreeRADIUS servers (idempotent)."""
    servers = radius_servers()
    done = [f"/radius {_ensure_server_entries(client, router, servers)}"]
    coa_source = settings.RADIUS_COA_SOURCE_ADDRESS
    if coa_source and coa_source not in {server.address for server in servers}:
        # RouterOS takes CoA only from an address it has a /radius entry for (with that entry's
        # secret). `login` is a service nobody uses unless /user aaa use-radius is on.
        source = {"service": "login", "address": coa_source, "secret": router.radius_secret}
        done.append(f"CoA source {_ensure_radius_entry(client, comment=COA_SOURCE_COMMENT, attrs=source)}")
    else:
        stale = [text(row[".id"]) for row in client.find(RADIUS, comment=COA_SOURCE_COMMENT)]
        if stale:
            client.remove(RADIUS, *stale)
    client.command(f"{PPP_AAA}/set", "=use-radius=yes", "=accounting=yes", f"=interim-update={settings.RADIUS_INTERIM_INTERVAL}s")
    client.command(f"{RADIUS_INCOMING}/set", "=accept=yes", f"=port={router.radius_coa_port}")
    done.append(f"ppp aaa use-radius, CoA on {router.radius_coa_port}")
    hotspot = _hotspot_use_radius(client, True)
    if hotspot:
        done.append(f"hotspot use-radius on {hotspot} profile(s)")
    return done


def _hotspot_use_radius(client: RouterClient, on: bool) -> int:
    """The hotspot server profiles ask RADIUS (use-radius) and account to it. A login page that sends
    CHAP cannot be checked against the NT hash FreeRADIUS holds (docs/radius.md), so RADIUS mode logs
    in by http-pap instead of http-chap (serve the login page over https). 0: no hotspot on the router."""
    try:
        rows = client.print(HOTSPOT_SERVER_PROFILES)
    except routeros.RouterTrap as trap:
        if trap.category == routeros.TRAP_MISSING:
            return 0
        raise
    for row in rows:
        attrs = {"use-radius": "yes" if on else "no"}
        if on:
            methods = [m for m in text(row.get("login-by")).split(",") if m and m != "http-chap"]
            if "http-pap" not in methods:
                methods.append("http-pap")
            attrs.update({"login-by": ",".join(methods), "radius-accounting": "yes", "radius-interim-update": "received"})
        client.set(HOTSPOT_SERVER_PROFILES, text(row[".id"]), **attrs)
    return len(rows)


def probe_radius(router: Router) -> str:
    """Ask the site's FreeRADIUS servers in turn, on the router's behalf, whether they answer for it:
    the first answer is enough (the router itself goes on to the next server when one is silent).
    Raises RadiusNotAnswering when none answers."""
    failures = []
    for host, port in probe_targets(radius_servers()):
        try:
            answer = radius_coa.access_probe(
                host=host, port=port, secret=settings.RADIUS_PROBE_SECRET or router.radius_secret,
                nas_address=router.host if _is_ip(router.host) else "", nas_identifier=router.identity or router.name,
                username=PROBE_USER, password=secrets_module.token_urlsafe(12),
                timeout=settings.RADIUS_COA_TIMEOUT, attempts=settings.RADIUS_COA_ATTEMPTS,
            )
        except radius_coa.NasNoAnswer as error:
            failures.append(error.message)
            continue
        return answer
    raise RadiusNotAnswering(
        f"FreeRADIUS did not answer for router {router.name}: local secrets are kept and the switch is retried. ({'; '.join(failures)})"
    )


def _remove_local_logins(client: RouterClient) -> int:
    """Remove every secret and hotspot user ispbill made (by our marker); live sessions stay up."""
    removed = 0
    for path in (routeros.SECRETS, routeros.HOTSPOT_USERS):
        try:
            rows = client.print(path, proplist=(".id", "comment"))
        except routeros.RouterTrap as trap:
            if path == routeros.HOTSPOT_USERS and trap.category == routeros.TRAP_MISSING:
                continue
            raise
        ours = [text(row[".id"]) for row in rows if marker_subscription(row.get("comment")) is not None]
        if ours:
            client.remove(path, *ours)
            removed += len(ours)
    return removed


def _restore_local_logins(client: RouterClient, router: Router) -> int:
    from .outbox import apply_subscription_state
    from .services import ON_ROUTER, desired_state

    restored = 0
    subscriptions = Subscription.objects.filter(
        router=router, status__in=ON_ROUTER, connection_type__in=RADIUS_KINDS
    ).select_related("router", "package", "fup_state").order_by("pk")
    for subscription in subscriptions:
        if not router.provisions(subscription.connection_type):
            continue
        apply_subscription_state(client, router, desired_state(subscription), subscription.password or "")
        restored += 1
    return restored


def _is_ours(comment: str) -> bool:
    return comment == COA_SOURCE_COMMENT or bool(SERVER_COMMENT.match(comment))


def _unconfigure_radius(client: RouterClient) -> None:
    client.command(f"{PPP_AAA}/set", "=use-radius=no")
    _hotspot_use_radius(client, False)
    ours = [text(row[".id"]) for row in client.print(RADIUS, proplist=(".id", "comment")) if _is_ours(text(row.get("comment")))]
    if ours:
        client.remove(RADIUS, *ours)
    client.command(f"{RADIUS_INCOMING}/set", "=accept=no")


def apply_mode_switch(client: RouterClient, router: Router, desired: dict) -> str:
    """Apply an ``AAA_MODE`` outbox entry (see the module's docstring). Idempotent, so a retry after a
    failure part-way through is safe."""
    mode = desired.get("mode")
    # The mode as it is now: a drain that loaded the router before this entry was written holds the
    # old mode, and would take its own entry for a superseded one.
    router.refresh_from_db(fields=["aaa_mode"])
    if mode != router.aaa_mode:
        # Switched again since this entry was written: the later entry does the work.
        return f"superseded: the router is in {router.aaa_mode} mode now"
    if mode == Router.AaaMode.RADIUS:
        done = configure_radius(client, router)
        done.append(f"FreeRADIUS answered ({probe_radius(router)})")
        done.append(f"{_remove_local_logins(client)} local logins removed, sessions kept")
        return ", ".join(done)
    restored = _restore_local_logins(client, router)
    _unconfigure_radius(client)
    return f"{restored} local logins written, RADIUS off"


def radius_state(client: RouterClient) -> dict:
    """What the router says about its RADIUS set-up (the router page's check)."""
    aaa = (client.print(PPP_AAA) or [{}])[0]
    incoming = (client.print(RADIUS_INCOMING) or [{}])[0]
    entries = [row for row in client.print(RADIUS) if _is_ours(text(row.get("comment")))]
    return {
        "use_radius": parse_bool(aaa.get("use-radius")),
        "accounting": parse_bool(aaa.get("accounting")),
        "interim_update": text(aaa.get("interim-update")),
        "incoming_accept": parse_bool(incoming.get("accept")),
        "incoming_port": text(incoming.get("port")),
        "entries": [{"address": text(row.get("address")), "service": text(row.get("service"))} for row in entries],
    }
