"""Routers in RADIUS mode, the router side: switching a router between API mode (our PPPoE secrets on
the router) and RADIUS mode (the router asks FreeRADIUS), and what the outbox sends a RADIUS router
instead of secrets (Disconnect and CoA through network.radius_coa).

Switching is one outbox entry (``Action.AAA_MODE``) that the drainer applies as a barrier: it waits for
every earlier entry of the router, and every later entry waits for it (outbox._due_entries).

API → RADIUS, without dropping a session:

1. ``/radius add service=ppp,hotspot address=… secret=… authentication-port=… accounting-port=…``
   (ours, found again by its comment), ``/ppp aaa set use-radius=yes accounting=yes
   interim-update=…``, ``/radius incoming set accept=yes port=…``. Nothing changes for anyone yet:
   RouterOS checks a dial against the local ``/ppp secret`` table first and asks RADIUS only for a
   name it does not find there.
2. ispbill sends an Access-Request on the router's behalf (its secret, its NAS address) and waits
   for an answer (Accept or Reject both prove FreeRADIUS knows the router). No answer: the entry
   fails and is retried with its back-off; the secrets stay, so nobody is locked out.
3. Our secrets (and hotspot users) are removed. RouterOS does not end a live PPP session when its
   secret is removed or disabled (only removing it from ``/ppp active`` does), so every connected
   customer stays connected; their next dial finds no secret and goes to RADIUS.

RADIUS → API: every PPPoE / hotspot subscription's secret is written first (a local secret wins over
RADIUS at the next dial), then ``use-radius=no``, our ``/radius`` entries removed and incoming CoA
refused. Sessions authorised by RADIUS carry on until they end, as on RouterOS.
"""

from __future__ import annotations

import ipaddress
import secrets as secrets_module

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
RADIUS_COMMENT = "ispbill"
COA_SOURCE_COMMENT = "ispbill-coa"
RADIUS_KINDS = (Subscription.ConnectionType.PPPOE, Subscription.ConnectionType.HOTSPOT)
PROBE_USER = "ispbill-probe"


class RadiusNotAnswering(RouterError):
    """FreeRADIUS did not answer for this router: the switch waits (local secrets kept)."""


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


def configure_radius(client: RouterClient, router: Router) -> list[str]:
    """Point the router at FreeRADIUS (idempotent)."""
    server = settings.RADIUS_SERVER_ADDRESS
    entry = {
        "service": "ppp,hotspot",
        "address": server,
        "secret": router.radius_secret,
        "authentication-port": str(settings.RADIUS_AUTH_PORT),
        "accounting-port": str(settings.RADIUS_ACCT_PORT),
    }
    done = [f"/radius {_ensure_radius_entry(client, comment=RADIUS_COMMENT, attrs=entry)}"]
    coa_source = settings.RADIUS_COA_SOURCE_ADDRESS
    if coa_source and coa_source != server:
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
    """Ask FreeRADIUS on the router's behalf whether it answers for it. Raises RadiusNotAnswering."""
    try:
        answer = radius_coa.access_probe(
            host=settings.RADIUS_PROBE_ADDRESS, port=settings.RADIUS_AUTH_PORT, secret=settings.RADIUS_PROBE_SECRET or router.radius_secret,
            nas_address=router.host if _is_ip(router.host) else "", nas_identifier=router.identity or router.name,
            username=PROBE_USER, password=secrets_module.token_urlsafe(12),
            timeout=settings.RADIUS_COA_TIMEOUT, attempts=settings.RADIUS_COA_ATTEMPTS,
        )
    except radius_coa.NasNoAnswer as error:
        raise RadiusNotAnswering(
            f"FreeRADIUS did not answer for router {router.name}: local secrets are kept and the switch is retried. ({error.message})"
        ) from error
    return answer


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


def _unconfigure_radius(client: RouterClient) -> None:
    client.command(f"{PPP_AAA}/set", "=use-radius=no")
    _hotspot_use_radius(client, False)
    ours = [text(row[".id"]) for row in client.print(RADIUS, proplist=(".id", "comment"))
            if text(row.get("comment")) in (RADIUS_COMMENT, COA_SOURCE_COMMENT)]
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
    entries = [row for row in client.print(RADIUS) if text(row.get("comment")) in (RADIUS_COMMENT, COA_SOURCE_COMMENT)]
    return {
        "use_radius": parse_bool(aaa.get("use-radius")),
        "accounting": parse_bool(aaa.get("accounting")),
        "interim_update": text(aaa.get("interim-update")),
        "incoming_accept": parse_bool(incoming.get("accept")),
        "incoming_port": text(incoming.get("port")),
        "entries": [{"address": text(row.get("address")), "service": text(row.get("service"))} for row in entries],
    }
