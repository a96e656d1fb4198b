"""RADIUS on the simulated router: the ``/radius``, ``/radius/incoming`` and ``/ppp/aaa`` menus, the
RADIUS client side of PPPoE (Access-Request at dial, Accounting Start / Interim-Update / Stop,
Accounting-On after a reboot) and the CoA / Disconnect listener (RFC 5176) on a UDP port.

As on RouterOS:

- A dial is checked against the local ``/ppp/secret`` first; only a name with no local secret is
  sent to RADIUS, and only when ``/ppp aaa use-radius=yes`` and a ``/radius`` entry with the
  ``ppp`` service exists.
- Several ``/radius`` entries for a service are asked in the order ``/radius print`` lists them: a
  server that does not answer (the request sent twice, its entry's ``timeout`` apart) is passed over
  for the next one, for logins and accounting alike; a refusal is an answer, not a reason to ask the
  next server. ``last_server`` says which one answered last (tests).
- Accounting goes to the accounting port of the entry, from a queue: a slow or absent server
  never holds a dial up. ``flush()`` waits until the queue is empty (tests).
- A CoA or Disconnect-Request is answered only when ``/radius incoming accept=yes`` and the source
  address has a ``/radius`` entry whose secret authenticates it; anything else is dropped without
  a word, so the sender times out.

Packets are built and parsed with pyrad and the dictionary in network/dictionary.radius (the same
attributes ispbill's adapter uses). Everything here is plain Python: no Django.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyrad import packet
from pyrad.client import Client, Timeout

from network.radius_coa import radius_dictionary

from .tables import BAD_ARGUMENT, MISSING, Field, Menu, Table, Trap
from .values import ip_address_or_none, parse_bool, parse_duration, wire_bool

if TYPE_CHECKING:
    from .router import RouterState, Session

logger = logging.getLogger(__name__)

GIGA = 2**32
SERVICE_KEY = "_service"  # in a queued accounting packet: which /radius service it goes to
SESSION_NOT_FOUND = 503
ADMINISTRATIVELY_PROHIBITED = 501


class RadiusTable(Table):
    """/radius: the servers the router asks, one row per server."""

    path = "/radius"
    fields = (
        Field("service", ""),
        Field("called-id", ""),
        Field("domain", ""),
        Field("address", kind="ip"),
        Field("secret", ""),
        Field("authentication-port", "1812"),
        Field("accounting-port", "1813"),
        Field("timeout", "300ms"),
        Field("accounting-backup", "false", kind="bool"),
        Field("realm", ""),
        Field("src-address", "0.0.0.0"),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    key_field = None
    required = ("address",)
    SERVICES = frozenset({"ppp", "login", "hotspot", "wireless", "dhcp", "ipsec", "dot1x"})

    def clean_value(self, field, value):
        if field.name == "service":
            services = [item.strip() for item in value.split(",") if item.strip()]
            if any(item not in self.SERVICES for item in services):
                raise Trap("input does not match any value of service", BAD_ARGUMENT)
            return ",".join(services)
        if field.name in ("authentication-port", "accounting-port"):
            if not value.isdigit() or not 1 <= int(value) <= 65535:
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return value
        if field.name == "timeout" and parse_duration(value) is None and not value.endswith("ms"):
            raise Trap("invalid value for argument timeout", BAD_ARGUMENT)
        return super().clean_value(field, value)

    def servers_for(self, service: str) -> list[dict[str, str]]:
        return [
            dict(row.attrs) for row in self.ordered_rows()
            if row.attrs.get("disabled") != "true" and service in row.attrs.get("service", "").split(",")
        ]

    def secret_for(self, address: str) -> str | None:
        for row in self.ordered_rows():
            if row.attrs.get("disabled") != "true" and row.attrs.get("address") == address:
                return row.attrs.get("secret", "")
        return None


class SettingsMenu(Menu):
    """A single-item menu (``print`` and ``set``) such as /ppp/aaa."""

    fields: dict[str, str] = {}  # name -> kind: bool, duration, port, text
    verbs = frozenset({"print", "getall", "set"})

    def __init__(self, router: RouterState) -> None:
        self.router = router
        self.values = {name: default for name, (kind, default) in self.fields.items()}

    def run(self, verb, args, queries, now):
        if verb not in self.verbs:
            raise Trap("no such command", MISSING)
        if verb == "set":
            Table.check_only(args, set(self.fields))
            cleaned = {key: self.clean(key, value) for key, value in args.items()}
            self.apply(cleaned)
            return [["!done"]]
        Table.check_only(args, {".proplist", "without-paging"})
        keys = self.values.keys()
        if ".proplist" in args:
            keys = [key.strip() for key in args[".proplist"].split(",") if key.strip()]
        return [["!re", *(f"={key}={self.values[key]}" for key in keys if key in self.values)], ["!done"]]

    def clean(self, key: str, value: str) -> str:
        kind = self.fields[key][0]
        if kind == "bool":
            parsed = parse_bool(value)
            if parsed is None:
                raise Trap(f"value of {key} must be yes or no", BAD_ARGUMENT)
            return wire_bool(parsed)
        if kind == "duration":
            seconds = parse_duration(value)
            if seconds is None:
                raise Trap(f"invalid value for argument {key}", BAD_ARGUMENT)
            return _format_interval(seconds)
        if kind == "port":
            if not value.isdigit() or not 1 <= int(value) <= 65535:
                raise Trap(f"invalid value for argument {key}", BAD_ARGUMENT)
            return value
        return value

    def apply(self, cleaned: dict[str, str]) -> None:
        self.values.update(cleaned)


def _format_interval(seconds: float) -> str:
    seconds = int(seconds)
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


class PppAaa(SettingsMenu):
    path = "/ppp/aaa"
    fields = {
        "use-radius": ("bool", "false"),
        "accounting": ("bool", "true"),
        "interim-update": ("duration", "0s"),
        "use-circuit-id-in-nas-port-id": ("bool", "false"),
        "enable-ipv6-accounting": ("bool", "false"),
    }

    @property
    def use_radius(self) -> bool:
        return self.values["use-radius"] == "true"

    @property
    def accounting(self) -> bool:
        return self.values["accounting"] == "true"

    @property
    def interim_seconds(self) -> int:
        return int(parse_duration(self.values["interim-update"]) or 0)


class RadiusIncoming(SettingsMenu):
    path = "/radius/incoming"
    fields = {"accept": ("bool", "false"), "port": ("port", "3799"), "vrf": ("text", "main")}

    def apply(self, cleaned):
        port = cleaned.get("port")
        if port is not None and int(port) != self.router.radius.coa_port:
            try:
                self.router.radius.rebind(int(port))
            except OSError as error:
                raise Trap(f"failure: could not listen on port {port}: {error.strerror or error}") from None
        super().apply(cleaned)

    @property
    def accepting(self) -> bool:
        return self.values["accept"] == "true"


@dataclass
class DialResult:
    outcome: str  # "accept", "reject", "timeout", "local", "refused" (no secret and no RADIUS)
    attributes: dict
    session: Session | None = None


class RadiusSide:
    """One router's RADIUS client and CoA listener."""

    def __init__(self, router: RouterState, *, bind: str, coa_port: int) -> None:
        self.router = router
        self.bind = bind
        self.coa_fault: str | None = None  # None, "nak" or "silent"
        self.disconnect_fault: str | None = None
        self.received: list[tuple[str, dict]] = []  # (kind, attributes) of every CoA/Disconnect handled
        self.accounting_sent: list[dict] = []
        self.accounting_lost = 0
        self.last_server: str = ""  # "address:port" of the server that answered the last request
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._acct: queue.Queue = queue.Queue()
        self._acct_thread: threading.Thread | None = None
        self.coa_port = 0
        self.wanted_port = coa_port

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        if self._sock is None:
            self._open(self.wanted_port)
        if self._acct_thread is None:
            self._acct_thread = threading.Thread(target=self._acct_loop, name=f"radius-acct-{self.router.identity}", daemon=True)
            self._acct_thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._close()
        self._acct.put(None)
        if self._acct_thread is not None:
            self._acct_thread.join(timeout=5)
            self._acct_thread = None

    def _open(self, port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.bind((self.bind, port))
        except OSError:
            sock.close()
            raise
        sock.settimeout(0.2)
        self._sock = sock
        self.coa_port = sock.getsockname()[1]
        self.router.radius_incoming.values["port"] = str(self.coa_port)
        thread = threading.Thread(target=self._coa_loop, args=(sock,), name=f"radius-coa-{self.router.identity}", daemon=True)
        self._thread = thread
        thread.start()

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        thread, self._thread = self._thread, None
        if sock is not None:
            sock.close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)

    def rebind(self, port: int) -> None:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((self.bind, port))
        finally:
            probe.close()
        self._close()
        self._open(port)

    # -- the client side ---------------------------------------------------

    def _servers(self, service: str) -> list[dict[str, str]]:
        return self.router.radius_servers.servers_for(service)

    def _client(self, server: dict[str, str]) -> Client:
        raw = server.get("timeout", "300ms")
        timeout = float(raw[:-2]) / 1000 if raw.endswith("ms") else float(parse_duration(raw) or 1)
        client = Client(
            server=server["address"], authport=int(server["authentication-port"]), acctport=int(server["accounting-port"]),
            secret=server.get("secret", "").encode(), dict=radius_dictionary(), retries=2, timeout=max(timeout, 0.3),
        )
        own, target = ip_address_or_none(self.bind), ip_address_or_none(server["address"])
        if own is not None and target is not None and not own.is_unspecified and own.is_loopback == target.is_loopback:
            # Requests leave from the router's own address: a RADIUS server knows its clients by it.
            client.bind((self.bind, 0))
        return client

    def _nas_attributes(self, request) -> None:
        request["NAS-Identifier"] = self.router.identity
        if ip_address_or_none(self.bind) is not None:
            request["NAS-IP-Address"] = self.bind

    def authenticate(
        self, name: str, password: str, caller_id: str, *, service: str = "ppp", address: str = "", chap: bool = False,
        chap_answer: tuple[bytes, bytes, bytes] | None = None,
    ) -> tuple[str, dict]:
        """One Access-Request for a PPPoE dial or a hotspot login (service "hotspot": Service-Type
        Login-User, the hotspot server's name as Called-Station-Id, the client's address, PAP or with
        ``chap`` CHAP as the login page sends it, or ``chap_answer`` the page's own): ("accept" | "reject" | "timeout" | "no server", reply attributes)."""
        servers = self._servers(service)
        if not servers:
            return "no server", {}
        for server in servers:  # in /radius order; a silent one is passed over for the next
            client = self._client(server)
            request = self._auth_request(client, name, password, caller_id, service=service, address=address, chap=chap,
                                         chap_answer=chap_answer)
            try:
                reply = client.SendPacket(request)
            except (Timeout, OSError):
                continue
            finally:
                client._CloseSocket()
            self.last_server = f"{server['address']}:{server['authentication-port']}"
            attributes = {key: reply[key] for key in reply.keys() if isinstance(key, str)}
            if reply.code == packet.AccessAccept:
                return "accept", attributes
            return "reject", attributes
        return "timeout", {}

    def _auth_request(self, client: Client, name: str, password: str, caller_id: str, *, service: str, address: str, chap: bool,
                      chap_answer: tuple[bytes, bytes, bytes] | None):
        request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=name)
        # RouterOS 7.15 and later sign every Access-Request (BlastRADIUS); ispbill's FreeRADIUS requires it.
        request.add_message_authenticator()
        if chap_answer is not None:  # the hotspot page's own CHAP (md5.js): passed on as the browser made it
            ident, challenge, response = chap_answer
            request["CHAP-Password"] = ident + response
            request["CHAP-Challenge"] = challenge
        elif chap:
            ident, challenge = os.urandom(1), os.urandom(16)
            request["CHAP-Password"] = ident + hashlib.md5(ident + password.encode() + challenge).digest()
            request["CHAP-Challenge"] = challenge
        else:
            request["User-Password"] = request.PwCrypt(password)
        request["Calling-Station-Id"] = caller_id
        if service == "hotspot":
            request["Service-Type"] = "Login-User"
            request["Called-Station-Id"] = self.router.hotspot_server
            request["NAS-Port-Type"] = "Wireless-802.11"
            request["Framed-IP-Address"] = address
        else:
            request["Service-Type"] = "Framed-User"
            request["Framed-Protocol"] = "PPP"
            request["NAS-Port-Type"] = "Ethernet"
        self._nas_attributes(request)
        return request

    def account(self, status: str, session: Session | None, now: float, *, cause: str = "") -> None:
        """Queue one Accounting-Request (sent by the accounting thread, in order)."""
        hotspot = session is not None and session.service == "hotspot"
        if hotspot:
            if self.router.hotspot_server_profiles.ordered_rows()[0].attrs.get("radius-accounting") != "true":
                return
        elif not self.router.ppp_aaa.accounting:
            return
        attributes: dict[str, object] = {"Acct-Status-Type": status, "Event-Timestamp": int(now + self.router.wall_offset)}
        if session is not None:
            up, down = session.counter.read(now)
            attributes.update({
                "User-Name": session.name,
                "Acct-Session-Id": session.session_id,
                "Framed-IP-Address": session.address,
                "Calling-Station-Id": session.caller_id,
                "Acct-Authentic": "RADIUS",
            })
            if hotspot:
                attributes.update({
                    "Service-Type": "Login-User", "Called-Station-Id": self.router.hotspot_server,
                    "NAS-Port-Type": "Wireless-802.11", SERVICE_KEY: "hotspot",
                })
            else:
                attributes.update({"Service-Type": "Framed-User", "Framed-Protocol": "PPP", "NAS-Port-Type": "Ethernet"})
            if status != "Start":
                # The NAS receives what the customer uploads: input = upload. 32-bit counters, with
                # the wraps in Gigawords (RFC 2869).
                attributes.update({
                    "Acct-Session-Time": int(now - session.started),
                    "Acct-Input-Octets": up % GIGA, "Acct-Input-Gigawords": up // GIGA,
                    "Acct-Output-Octets": down % GIGA, "Acct-Output-Gigawords": down // GIGA,
                })
            if cause:
                attributes["Acct-Terminate-Cause"] = cause
        self._acct.put(attributes)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued accounting packet has been sent (or given up on)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._acct.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def _acct_loop(self) -> None:
        while True:
            attributes = self._acct.get()
            try:
                if attributes is None:
                    return
                self._send_acct(attributes)
            except Exception:  # a bad packet must not stop accounting for everyone else
                logger.exception("%s: accounting packet failed", self.router.identity)
            finally:
                self._acct.task_done()

    def _send_acct(self, attributes: dict) -> None:
        attributes = dict(attributes)
        for server in self._servers(attributes.pop(SERVICE_KEY, "ppp")):  # in /radius order, as logins
            client = self._client(server)
            request = client.CreateAcctPacket(code=packet.AccountingRequest)
            for key, value in attributes.items():
                request[key] = value
            self._nas_attributes(request)
            try:
                client.SendPacket(request)
            except (Timeout, OSError):
                continue
            finally:
                client._CloseSocket()
            self.accounting_sent.append(attributes)
            return
        self.accounting_lost += 1

    # -- CoA / Disconnect --------------------------------------------------

    def _coa_loop(self, sock: socket.socket) -> None:
        while not self._stopping.is_set() and self._sock is sock:
            try:
                raw, source = sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                reply = self._handle(raw, source[0])
            except Exception:
                logger.exception("%s: CoA handling failed", self.router.identity)
                reply = None
            if reply is not None:
                try:
                    sock.sendto(reply, source)
                except OSError:
                    return

    def _handle(self, raw: bytes, source: str) -> bytes | None:
        if not self.router.radius_incoming.accepting:
            return None
        secret = self.router.radius_servers.secret_for(source)
        if secret is None:
            return None  # RouterOS answers only addresses it has a /radius entry for
        try:
            request = packet.CoAPacket(packet=raw, secret=secret.encode(), dict=radius_dictionary())
        except packet.PacketError:
            return None
        if request.code not in (packet.CoARequest, packet.DisconnectRequest) or not request.VerifyCoARequest():
            return None
        attributes = {key: request[key] for key in request.keys() if isinstance(key, str)}
        disconnecting = request.code == packet.DisconnectRequest
        fault = self.disconnect_fault if disconnecting else self.coa_fault
        if fault == "silent":
            return None
        reply = request.CreateReply()
        if fault == "nak":
            reply.code = packet.DisconnectNAK if disconnecting else packet.CoANAK
            reply["Error-Cause"] = ADMINISTRATIVELY_PROHIBITED
            return reply.ReplyPacket()
        self.received.append(("disconnect" if disconnecting else "coa", attributes))
        found = self.router.coa_request(
            disconnect=disconnecting,
            name=_first(attributes.get("User-Name")),
            session_id=_first(attributes.get("Acct-Session-Id")),
            address=_first(attributes.get("Framed-IP-Address")),
            rate_limit=_first(attributes.get("Mikrotik-Rate-Limit")),
        )
        if not found:
            reply.code = packet.DisconnectNAK if disconnecting else packet.CoANAK
            reply["Error-Cause"] = SESSION_NOT_FOUND
        return reply.ReplyPacket()


def _first(values):
    if not values:
        return None
    return values[0]
