"""The state of one simulated RouterOS router: its menus, PPPoE sessions and traffic.

Nothing here runs on its own. Every entry point takes the router's lock, reads
the clock once and first brings the router up to that moment (sessions that
were due to connect connect at their due time, address-list entries expire),
so a test can drive time with a fake clock and get the same answers a real
router would give after that much time.
"""

from __future__ import annotations

import hashlib
import heapq
import ipaddress
import random
import threading
import time
from collections.abc import Callable

from . import dhcp, shaping
from .radius import PppAaa, RadiusIncoming, RadiusSide, RadiusTable
from .shaping import MangleTable, QueueTypeTable
from .tables import (
    BAD_ARGUMENT,
    MISSING,
    ActiveTable,
    AddressListTable,
    HotspotActiveTable,
    HotspotProfileTable,
    HotspotServerProfileTable,
    HotspotUserTable,
    InterfaceTable,
    Menu,
    ProfileTable,
    QueueTable,
    Row,
    SecretTable,
    Table,
    Trap,
)
from .traffic import Counter, Shape
from .values import (
    format_duration,
    ip_address_or_none,
    parse_rate_pair,
    queue_target_tokens,
)

VERSION = "7.16.2 (stable)"
BOARD_NAME = "RB4011iGS+"
# An unlimited customer still only has the access link.
LINK_BITS = (100_000_000, 100_000_000)
POOL_START = ipaddress.IPv4Address("100.64.0.2")
HOTSPOT_POOL_START = ipaddress.IPv4Address("10.5.50.2")  # the hotspot's DHCP pool
# Dial outcomes after which a CPE (or a hotspot login cookie) tries again, as real ones do: the server
# did not answer, or refused, which it also does while Simultaneous-Use still counts the session a
# Disconnect just ended (its Accounting-Stop queued behind the redial).
TRY_AGAIN = frozenset({"timeout", "no server", "reject"})
RETRY_FACTOR = 5  # how many connect_delays such a retry waits
MIKROTIK_OUI = "D4:CA:6D"
CPE_OUI = "50:C7:BF"  # customers' PPPoE clients: a common home-router vendor
PPPOE_SERVICES = ("any", "pppoe")
TOTAL_MEMORY = 1024 * 1024 * 1024


class Session:
    """One connected PPPoE customer: the /ppp/active row and its <pppoe-NAME> interface."""

    __slots__ = (
        "name",
        "started",
        "address",
        "caller_id",
        "session_id",
        "counter",
        "profile_limit",
        "use_up",
        "use_down",
        "queue",
        "active_row",
        "interface_row",
        "connected",
        "radius",  # authenticated by RADIUS (accounting is sent for it)
        "rate_limit",  # Mikrotik-Rate-Limit as RADIUS (or a CoA) gave it
        "timeout_at",  # Session-Timeout: when the router ends it
        "interim_every",
        "next_interim",
        "service",  # "pppoe" or "hotspot"
        "password",  # what a hotspot client logged in with (its cookie logs it in again)
    )

    link_up = True

    def __repr__(self) -> str:
        return f"<Session {self.name} {self.address}>"


class Port:
    __slots__ = ("counter", "link_up", "rate_up", "rate_down")

    def __init__(self, counter: Counter, link_up: bool, rate_up: float, rate_down: float) -> None:
        self.counter = counter
        self.link_up = link_up
        self.rate_up = rate_up
        self.rate_down = rate_down


class QueueState:
    __slots__ = ("counter", "shaped")

    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self.shaped: set[Session] = set()


def _due(queue: list, now: float) -> list:
    """Pop every entry of the heap `queue` due by `now`, in order."""
    due = []
    while queue and queue[0][0] <= now:
        due.append(heapq.heappop(queue))
    return due


def _single_item_reply(attrs: dict[str, str], args: dict[str, str]) -> list[list[str]]:
    keys = attrs.keys()
    if ".proplist" in args:
        keys = [key.strip() for key in args[".proplist"].split(",") if key.strip()]
    return [["!re", *(f"={key}={attrs[key]}" for key in keys if key in attrs)], ["!done"]]


class SystemResource(Menu):
    path = "/system/resource"
    verbs = frozenset({"print", "getall"})

    def __init__(self, router: RouterState) -> None:
        self.router = router

    def run(self, verb, args, queries, now):
        if verb not in self.verbs:
            raise Trap("no such command", MISSING)
        Table.check_only(args, {".proplist", "without-paging"})
        router = self.router
        sessions = len(router.sessions)
        bucket = random.Random(f"{router.seed}:{router.identity}:cpu:{int(now // 10)}")
        cpu_load = min(100, 2 + sessions // 60 + bucket.randint(0, 6))
        used = 160 * 1024 * 1024 + sessions * 48 * 1024 + bucket.randint(0, 4 * 1024 * 1024)
        attrs = {
            "uptime": format_duration(now - router.boot_time),
            "version": router.version,
            "build-time": "2024-12-03 10:26:14",
            "factory-software": "6.44.6",
            "free-memory": str(TOTAL_MEMORY - used),
            "total-memory": str(TOTAL_MEMORY),
            "cpu": "ARMv7",
            "cpu-count": "4",
            "cpu-frequency": "1400",
            "cpu-load": str(cpu_load),
            "free-hdd-space": "456335360",
            "total-hdd-space": "536870912",
            "architecture-name": "arm",
            "board-name": router.board_name,
            "platform": "MikroTik",
        }
        return _single_item_reply(attrs, args)


class SystemIdentity(Menu):
    path = "/system/identity"
    verbs = frozenset({"print", "getall", "set"})

    def __init__(self, router: RouterState) -> None:
        self.router = router

    def run(self, verb, args, queries, now):
        if verb not in self.verbs:
            raise Trap("no such command", MISSING)
        if verb == "set":
            Table.check_only(args, {"name"})
            if "name" in args:
                if not args["name"]:
                    raise Trap("value of name must not be empty", BAD_ARGUMENT)
                self.router.identity = args["name"]
            return [["!done"]]
        Table.check_only(args, {".proplist", "without-paging"})
        return _single_item_reply({"name": self.router.identity}, args)


class RouterState:
    def __init__(
        self,
        *,
        identity: str = "MikroTik",
        username: str = "admin",
        password: str = "",
        seed: int | str = 0,
        clock: Callable[[], float] | None = None,
        connect_delay: float = 2.0,
        online_ratio: float = 1.0,
        version: str = VERSION,
        board_name: str = BOARD_NAME,
        radius_bind: str = "127.0.0.1",
        coa_port: int = 0,
    ) -> None:
        self.lock = threading.RLock()
        self.identity = identity
        self.username = username
        self.password = password
        self.seed = seed
        self.clock = clock or time.monotonic
        self.connect_delay = connect_delay
        self.online_ratio = online_ratio
        self.version = version
        self.board_name = board_name
        self.offline: set[str] = set()
        # Once the customers it was found with are loaded (`in_service`), a secret added is a new
        # connection: the installer is at the customer's with their router, which dials whatever
        # share of the old customers have theirs switched off (online_ratio).
        self.in_service = False
        self.installed: set[str] = set()
        self.reboots = 0

        self._rng = random.Random(f"{seed}:{identity}")
        now = self.clock()
        self._wall_offset = time.time() - now
        # A router found running has been up for a while.
        self.boot_time = now - self._rng.uniform(3 * 3600, 40 * 86400)

        self.secrets = SecretTable(self)
        self.profiles = ProfileTable(self)
        self.active = ActiveTable(self)
        self.queues = QueueTable(self)
        self.address_lists = AddressListTable(self)
        self.hotspot_users = HotspotUserTable(self)
        self.hotspot_profiles = HotspotProfileTable(self)
        self.interfaces = InterfaceTable(self)
        self.radius_servers = RadiusTable(self)
        self.tables: list[Table] = [
            self.radius_servers,
            self.secrets,
            self.profiles,
            self.active,
            self.queues,
            self.address_lists,
            self.hotspot_users,
            self.hotspot_profiles,
            self.interfaces,
        ]
        for table in self.tables:
            table.next_num = self._rng.randrange(0x10, 0x400)
        self.profiles.install_builtins()
        self.hotspot_profiles.install_builtins()
        self.menus: dict[str, Menu] = {table.path: table for table in self.tables}
        self.menus["/system/resource"] = SystemResource(self)
        self.menus["/system/identity"] = SystemIdentity(self)
        self.ppp_aaa = PppAaa(self)
        self.radius_incoming = RadiusIncoming(self)
        self.menus["/ppp/aaa"] = self.ppp_aaa
        self.menus["/radius/incoming"] = self.radius_incoming
        # The RADIUS client and the CoA listener (UDP ``coa_port`` on ``radius_bind``; 0: a free port).
        self.radius = RadiusSide(self, bind=radius_bind, coa_port=coa_port)
        # What each customer's CPE dials with: learnt from the secret the installer set it up with,
        # and kept when that secret is removed (the CPE still has it), so it can dial RADIUS later.
        self.cpe_passwords: dict[str, str] = {}
        self.radius_sessions: dict[str, Session] = {}
        self.radius_rejects: dict[str, int] = {}
        self._dials: list[tuple[float, int, str]] = []

        self.sessions: dict[str, Session] = {}
        self.sessions_by_address: dict[str, Session] = {}
        self.queues_by_token: dict[str, list[Row]] = {}
        self._pending: list[tuple[float, int, Row]] = []
        self._sequence = 0
        self._pool: dict[str, str] = {}
        self._next_session_id = 0x81C00000 + self._rng.randrange(0x10000)
        self._install_ports(now)
        # The hotspot's RADIUS side (ip hotspot profile use-radius=yes): clients logged in through
        # RADIUS, in /ip/hotspot/active. Numbered from a draw of their own, so adding them changed no
        # other table's .id.
        self.hotspot_active = HotspotActiveTable(self)
        self.hotspot_server_profiles = HotspotServerProfileTable(self)
        draw = random.Random(f"{seed}:{identity}:hotspot")
        for table in (self.hotspot_active, self.hotspot_server_profiles):
            table.next_num = draw.randrange(0x10, 0x400)
            self.tables.append(table)
            self.menus[table.path] = table
        self.hotspot_server_profiles.install_builtins()
        # Packet marks and queue types for per-class speeds (demo/routeros/shaping.py), numbered from a
        # draw of their own so that no other table's .id moved.
        self.mangle = MangleTable(self)
        self.queue_types = QueueTypeTable(self)
        draw = random.Random(f"{seed}:{identity}:shaping")
        for table in (self.mangle, self.queue_types):
            table.next_num = draw.randrange(0x10, 0x400)
            self.tables.append(table)
            self.menus[table.path] = table
        dhcp.install(self)  # IPoE leases, DHCPv6 bindings, IPv6 address lists (demo/routeros/dhcp.py)
        self._directories = {
            "/".join(path.split("/")[:depth]) for path in self.menus for depth in range(2, path.count("/") + 1)
        }
        self.hotspot_server = "hotspot1"
        self.hotspot_sessions: dict[str, Session] = {}
        self._hotspot_logins: list[tuple[float, int, str]] = []
        # name -> (password, MAC, CHAP answer or None): the login cookie
        self._hotspot_devices: dict[str, tuple[str, str, tuple[bytes, bytes, bytes] | None]] = {}
        self._hotspot_pool: dict[str, str] = {}
        # Session id -> the dynamic /ip/firewall/address-list entries its Mikrotik-Address-List made.
        self._session_lists: dict[str, list[Row]] = {}

    # -- entry points ------------------------------------------------------

    def check_login(self, name: str, password: str) -> bool:
        return name == self.username and password == self.password

    def sentence_answer(self, words: list[str]) -> list[list[str]]:
        """Run one API sentence (command word first, no .tag) and return the reply sentences."""
        command = words[0]
        args: dict[str, str] = {}
        queries: list[str] = []
        for word in words[1:]:
            if word.startswith("="):
                key, _, value = word[1:].partition("=")
                args[key] = value
            elif word.startswith("?"):
                queries.append(word)
        with self.lock:
            now = self.clock()
            self._advance(now)
            try:
                menu, verb = self._lookup(command)
                return menu.run(verb, args, queries, now)
            except Trap as trap:
                return trap.sentences()

    def run(self, command: str, **attrs: str) -> list[dict[str, str]]:
        """Python shortcut for ``sentence_answer``: attributes in, reply rows as plain string dicts out.

        Raises ``Trap`` when the router answers with ``!trap``. The ``!done``
        sentence's attributes (``ret`` after add) come last when present.
        """
        words = [command, *(f"={key}={value}" for key, value in attrs.items())]
        rows = []
        for sentence in self.sentence_answer(words):
            reply, attributes = sentence[0], dict(word[1:].split("=", 1) for word in sentence[1:])
            if reply == "!trap":
                category = attributes.get("category")
                raise Trap(attributes.get("message", ""), int(category) if category else None)
            if attributes:
                rows.append(attributes)
        return rows

    def _lookup(self, command: str) -> tuple[Menu, str]:
        menu_path, _, verb = command.rpartition("/")
        menu = self.menus.get(menu_path)
        if menu is not None:
            return menu, verb
        # RouterOS names the first part of the path it does not know.
        path = ""
        segments = command.strip("/").split("/")
        for index, segment in enumerate(segments):
            path = f"{path}/{segment}"
            if path in self.menus or path in self._directories or index == len(segments) - 1:
                continue
            raise Trap(
                f"no such command or directory ({segment})",
                MISSING,
                more=(("no such command prefix", MISSING),),
            )
        raise Trap("no such command", MISSING)

    # -- time --------------------------------------------------------------

    def now(self) -> float:
        return self.clock()

    def wall_time(self, now: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now + self._wall_offset))

    @property
    def wall_offset(self) -> float:
        return self._wall_offset

    def _advance(self, now: float) -> None:
        while self._pending and self._pending[0][0] <= now:
            due, _, secret = heapq.heappop(self._pending)
            if secret.state != due or not self.secrets.contains(secret):
                continue
            secret.state = None
            if self._may_connect(secret):
                self._start_session(secret, due)
        if self.radius_sessions:
            self._radius_timers(now)
        # Taken off their queues before any is tried: one that failed goes back on (a CPE keeps
        # dialling, a login cookie logs in again), to be tried at the next look at the earliest, not
        # again in this one.
        for due, _, name in _due(self._dials, now):
            if self._radius_dial(name, due).outcome in TRY_AGAIN:
                self._schedule_dial(name, now, retry=True)
        for due, _, name in _due(self._hotspot_logins, now):
            device = self._hotspot_devices.get(name)
            if device is not None and name not in self.hotspot_sessions:
                if self._hotspot_login(name, device[0], device[1], due, chap=device[2]).outcome in TRY_AGAIN:
                    self._schedule_hotspot_login(name, now, retry=True)

    # -- PPPoE sessions ----------------------------------------------------

    def wants_online(self, name: str) -> bool:
        if name in self.offline:
            return False
        if self.online_ratio >= 1 or name in self.installed:
            return True
        return random.Random(f"{self.seed}:online:{name}").random() < self.online_ratio

    def _may_connect(self, secret: Row) -> bool:
        attrs = secret.attrs
        return (
            attrs["disabled"] == "false"
            and attrs["service"] in PPPOE_SERVICES
            and attrs["name"] not in self.sessions
            and self.wants_online(attrs["name"])
        )

    def _schedule(self, secret: Row, now: float) -> None:
        if secret.state is not None or not self._may_connect(secret):
            return
        due = now + self.connect_delay
        secret.state = due
        self._sequence += 1
        heapq.heappush(self._pending, (due, self._sequence, secret))

    def secret_changed(self, secret: Row, old: dict[str, str] | None, now: float) -> None:
        # An active session outlives its secret being disabled or edited, as on RouterOS;
        # the secret only decides whether the customer may connect again.
        if old is None and self.in_service:
            self.installed.add(secret.attrs["name"])
        self.cpe_passwords[secret.attrs["name"]] = secret.attrs.get("password", "")
        if self._may_connect(secret):
            self._schedule(secret, now)
        else:
            secret.state = None

    def profile_renamed(self, old_name: str, new_name: str) -> None:
        for secret in self.secrets.rows.values():
            if secret.attrs.get("profile") == old_name:
                secret.attrs["profile"] = new_name

    def _address_for(self, secret: Row, profile: Row | None) -> str:
        for candidate in (secret.attrs.get("remote-address"), profile.attrs.get("remote-address") if profile else None):
            if candidate and ip_address_or_none(candidate) is not None and candidate not in self.sessions_by_address:
                return candidate
        name = secret.attrs["name"]
        address = self._pool.get(name)
        if address is None or address in self.sessions_by_address:
            address = str(POOL_START + len(self._pool))
            self._pool[name] = address
        return address

    def _start_session(self, secret: Row, at: float) -> Session:
        name = secret.attrs["name"]
        profile = self.profiles.by_key.get(secret.attrs["profile"])
        # The profile's rate-limit applies from connect time: editing it later needs a reconnect.
        limit = parse_rate_pair(profile.attrs["rate-limit"]) if profile and profile.attrs.get("rate-limit") else None
        return self._open_session(
            name, at, address=self._address_for(secret, profile), caller_id=secret.attrs.get("caller-id") or "", limit=limit
        )

    def _caller_id(self, name: str) -> str:
        draw = random.Random(f"{self.seed}:use:{name}")
        return ":".join([CPE_OUI, *(f"{draw.randrange(256):02X}" for _ in range(3))])

    def _open_session(
        self, name: str, at: float, *, address: str, caller_id: str, limit: tuple[int, int] | None, radius: bool = False,
        rate_limit: str = "", timeout: float = 0, interim: float = 0,
    ) -> Session:
        draw = random.Random(f"{self.seed}:use:{name}")
        session = Session()
        session.name = name
        session.started = at
        session.address = address
        session.caller_id = caller_id or ":".join([CPE_OUI, *(f"{draw.randrange(256):02X}" for _ in range(3))])
        self._next_session_id += 1
        session.session_id = f"0x{self._next_session_id:08X}"
        session.profile_limit = limit
        session.service = "pppoe"
        session.password = ""
        session.radius = radius
        session.rate_limit = rate_limit
        session.timeout_at = at + timeout if timeout > 0 else None
        session.interim_every = interim
        session.next_interim = at + interim if interim > 0 else None
        session.use_down = draw.uniform(0.15, 0.7)
        session.use_up = session.use_down * draw.uniform(0.1, 0.35)
        session.counter = Counter(Shape(f"{self.seed}:{name}"), at)
        session.queue = None
        session.connected = True
        session.active_row = self.active.insert(
            {
                "name": name,
                "service": "pppoe",
                "caller-id": session.caller_id,
                "encoding": "",
                "address": session.address,
                "session-id": session.session_id,
                "limit-bytes-in": "0",
                "limit-bytes-out": "0",
                "radius": "true" if radius else "false",
            },
            state=session,
        )
        session.interface_row = self.interfaces.insert(
            {
                "name": f"<pppoe-{name}>",
                "type": "pppoe-in",
                "mtu": "1480",
                "actual-mtu": "1480",
                "rx-drop": "0",
                "tx-drop": "0",
                "rx-error": "0",
                "tx-error": "0",
                "dynamic": "true",
                "disabled": "false",
            },
            state=session,
        )
        self.sessions[name] = session
        self.sessions_by_address[session.address] = session
        if radius:
            self.radius_sessions[session.session_id] = session
        self._retune(at, [session], ())
        if radius:
            self.radius.account("Start", session, at)
        return session

    # -- RADIUS ------------------------------------------------------------

    def _next_try(self, now: float, *, retry: bool) -> float:
        """When a CPE (or a browser's login cookie) tries again: after connect_delay, or after a failed
        try RETRY_FACTOR times that, as real CPEs back off."""
        return now + self.connect_delay * (RETRY_FACTOR if retry else 1)

    def _schedule_dial(self, name: str, now: float, *, retry: bool = False) -> None:
        """The CPE dials again after connect_delay (after a failed dial, five times that: the simulator
        holds its lock while it waits for the server); with no local secret that is a RADIUS login."""
        if name not in self.cpe_passwords or not self.ppp_aaa.use_radius or not self.wants_online(name):
            return
        self._sequence += 1
        heapq.heappush(self._dials, (self._next_try(now, retry=retry), self._sequence, name))

    def _radius_dial(self, name: str, now: float):
        from .radius import DialResult

        if name in self.sessions:
            return DialResult("connected", {}, self.sessions[name])
        if self.secrets.by_key.get(name) is not None:
            return DialResult("local", {})  # a local secret answers first, as on RouterOS
        if not self.ppp_aaa.use_radius:
            return DialResult("refused", {})
        outcome, attributes = self.radius.authenticate(name, self.cpe_passwords.get(name, ""), self._caller_id(name))
        if outcome != "accept":
            self.radius_rejects[name] = self.radius_rejects.get(name, 0) + 1
            return DialResult(outcome, attributes)
        rate = str((attributes.get("Mikrotik-Rate-Limit") or [""])[0])
        framed = str((attributes.get("Framed-IP-Address") or [""])[0])
        if not framed or framed in self.sessions_by_address:
            framed = self._pool.get(name) or str(POOL_START + len(self._pool))
            self._pool.setdefault(name, framed)
        timeout = float((attributes.get("Session-Timeout") or [0])[0] or 0)
        interim = float((attributes.get("Acct-Interim-Interval") or [0])[0] or 0) or self.ppp_aaa.interim_seconds
        session = self._open_session(
            name, now, address=framed, caller_id="", limit=parse_rate_pair(rate) if rate else None, radius=True,
            rate_limit=rate, timeout=timeout, interim=interim,
        )
        self._add_session_lists(session, attributes, now)
        return DialResult("accept", attributes, session)

    def _radius_timers(self, now: float) -> None:
        for session in list(self.radius_sessions.values()):
            if session.timeout_at is not None and session.timeout_at <= now:
                self.end_session(session, session.timeout_at, reconnect=True, cause="Session-Timeout")
                continue
            if session.next_interim is not None and session.next_interim <= now:
                # One Interim-Update with the counters of now, however many intervals were skipped.
                self.radius.account("Interim-Update", session, now)
                while session.next_interim <= now:
                    session.next_interim += session.interim_every

    def coa_request(self, *, disconnect: bool, name=None, session_id=None, address=None, rate_limit=None) -> bool:
        """A verified CoA or Disconnect-Request: False when no session matches (NAK 503)."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            session = None
            if name is not None:
                session = self.sessions.get(str(name)) or self.hotspot_sessions.get(str(name))
            elif address is not None:
                session = self.sessions_by_address.get(str(address)) or next(
                    (s for s in self.hotspot_sessions.values() if s.address == str(address)), None
                )
            if session is None or (session_id and session.session_id != str(session_id)):
                return False
            if disconnect:
                self.end_session(session, now, reconnect=True, cause="Admin-Reset")
                return True
            if rate_limit:
                session.rate_limit = str(rate_limit)
                session.profile_limit = parse_rate_pair(str(rate_limit))
                self._retune(now, [session], ())
            return True

    def dial(self, name: str, password: str | None = None):
        """A customer's CPE dials PPPoE now (with ``password``, which it keeps for later dials)."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            if password is not None:
                self.cpe_passwords[name] = password
            return self._radius_dial(name, now)

    def end_session(self, session: Session, now: float, *, reconnect: bool, cause: str = "User-Request") -> None:
        if not session.connected:
            return
        if session.radius:
            self.radius.account("Stop", session, now, cause=cause)
            if self.radius_sessions.get(session.session_id) is session:
                del self.radius_sessions[session.session_id]
        if session.service == "hotspot":
            self._end_hotspot_session(session, now, reconnect=reconnect)
            return
        self._drop_session_lists(session, now)
        session.connected = False
        self.active.delete(session.active_row)
        self.interfaces.delete(session.interface_row)
        if self.sessions.get(session.name) is session:
            del self.sessions[session.name]
        if self.sessions_by_address.get(session.address) is session:
            del self.sessions_by_address[session.address]
        self._retune(now, [session], ())
        if reconnect:
            secret = self.secrets.by_key.get(session.name)
            if secret is not None:
                self._schedule(secret, now)
            else:
                self._schedule_dial(session.name, now)

    # -- hotspot users -----------------------------------------------------

    def hotspot_user_changed(self, row: Row, now: float) -> None:
        """A hotspot user logged in moves traffic shaped by its profile's rate-limit, as a PPPoE
        session does; a disabled or offline one moves none. Counters live on the user row."""
        if row.state is None:
            row.state = Counter(Shape(f"{self.seed}:{row.attrs['name']}"), now)
        name = row.attrs["name"]
        if row.attrs["disabled"] != "false" or not self.wants_online(name):
            row.state.set_rate(now, 0, 0)
            return
        profile = self.hotspot_profiles.by_key.get(row.attrs.get("profile", ""))
        limit = parse_rate_pair(profile.attrs["rate-limit"]) if profile and profile.attrs.get("rate-limit") else None
        up, down = limit or LINK_BITS
        draw = random.Random(f"{self.seed}:use:{name}")
        use_down = draw.uniform(0.15, 0.7)
        use_up = use_down * draw.uniform(0.1, 0.35)
        row.state.set_rate(now, (up or LINK_BITS[0]) / 8 * use_up, (down or LINK_BITS[1]) / 8 * use_down)

    def hotspot_profile_changed(self, old_name: str, new_name: str, now: float) -> None:
        for row in self.hotspot_users.rows.values():
            if row.attrs.get("profile") in (old_name, new_name):
                row.attrs["profile"] = new_name
                self.hotspot_user_changed(row, now)

    # -- hotspot logins through RADIUS -------------------------------------

    def hotspot_login(self, name: str, password: str, *, mac: str | None = None, chap: tuple[bytes, bytes, bytes] | None = None):
        """A client submits the hotspot login page (username and password, as a voucher or a
        subscription's login): a local /ip/hotspot/user answers first (its session in /ip/hotspot/active
        has its user profile's rate-limit, and its address joins the profile's address-list until it
        logs out); else, with the server profile's use-radius=yes, an Access-Request (Service-Type
        Login-User). Accepted: a session in /ip/hotspot/active with the reply's rate limit, address
        list and Session-Timeout, accounting Start, and the browser keeps a login cookie (it logs in
        again after a Disconnect or timeout).
        ``chap``: the login page's CHAP answer (ident, challenge, MD5 response) instead of the password
        (http-chap: the browser hashed it with md5.js; the router never sees the password)."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            return self._hotspot_login(name, password, mac or self._hotspot_mac(name), now, chap=chap)

    def hotspot_logout(self, name: str) -> bool:
        """The client presses "log out": Stop with User-Request, and the cookie is forgotten."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            self._hotspot_devices.pop(name, None)
            session = self.hotspot_sessions.get(name)
            if session is None:
                return False
            self.end_session(session, now, reconnect=False, cause="User-Request")
            return True

    def hotspot_session(self, name: str) -> dict[str, str] | None:
        """What /ip/hotspot/active says about a logged-in client, with the session's RADIUS values."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            session = self.hotspot_sessions.get(name)
            if session is None:
                return None
            row = session.active_row
            values = {key: self.hotspot_active.value(row, key, now) for key in self.hotspot_active.print_keys}
            values.update({"rate-limit": session.rate_limit or "", "session-id": session.session_id,
                           "address-list": self.session_address_lists(session)})
            return values

    def session_address_lists(self, session: Session) -> str:
        return ",".join(row.attrs["list"] for row in self._session_lists.get(session.session_id, ()))

    def _add_session_lists(self, session: Session, attributes: dict, now: float) -> None:
        """Mikrotik-Address-List: the session's address in those lists, as dynamic entries that go with it."""
        rows = []
        for value in attributes.get("Mikrotik-Address-List") or ():
            for name in str(value).split(","):
                name = name.strip()
                if not name or (name, session.address) in self.address_lists.by_entry:
                    continue
                row = self.address_lists.insert({
                    "list": name, "address": session.address, "creation-time": self.wall_time(now),
                    "dynamic": "true", "disabled": "false",
                })
                self.address_lists.by_entry[(name, session.address)] = row
                rows.append(row)
        if rows:
            self._session_lists[session.session_id] = rows

    def _drop_session_lists(self, session: Session, now: float) -> None:
        for row in self._session_lists.pop(session.session_id, ()):
            if self.address_lists.contains(row):
                self.address_lists.delete(row)
                self.address_lists.after_remove(row, now)

    def _hotspot_profile(self) -> Row:
        return self.hotspot_server_profiles.ordered_rows()[0]

    def _hotspot_mac(self, name: str) -> str:
        draw = random.Random(f"{self.seed}:hotspot-device:{name}")
        return ":".join(["A4:50:46", *(f"{draw.randrange(256):02X}" for _ in range(3))])

    def _hotspot_address(self, name: str) -> str:
        address = self._hotspot_pool.get(name)
        if address is None:
            address = str(HOTSPOT_POOL_START + len(self._hotspot_pool))
            self._hotspot_pool[name] = address
        return address

    def _hotspot_login(self, name: str, password: str, mac: str, now: float, *, chap: tuple[bytes, bytes, bytes] | None = None):
        from .radius import DialResult

        self._hotspot_devices[name] = (password, mac, chap)
        if name in self.hotspot_sessions:
            return DialResult("connected", {}, self.hotspot_sessions[name])
        profile = self._hotspot_profile()
        user = self.hotspot_users.by_key.get(name)
        if user is not None:  # a local user answers first, as on RouterOS
            secret = user.attrs.get("password", "")
            if chap is not None:
                ident, challenge, response = chap
                matches = hashlib.md5(ident + secret.encode() + challenge).digest() == response
            else:
                matches = secret == password
            if not (matches and user.attrs["disabled"] == "false"):
                return DialResult("reject", {})
            # Its user profile, read now: the rate-limit of the session's dynamic queue and the list
            # its address joins (address-list) until it logs out.
            user_profile = self.hotspot_profiles.by_key.get(user.attrs.get("profile", ""))
            attrs = user_profile.attrs if user_profile is not None else {}
            session = self._open_hotspot_session(
                name, password, mac, now, profile, rate=attrs.get("rate-limit", ""), timeout=0, interim=0, radius=False,
                lists=[attrs["address-list"]] if attrs.get("address-list") else [],
            )
            return DialResult("local", {}, session)
        if profile.attrs.get("use-radius") != "true":
            return DialResult("refused", {})
        address = self._hotspot_address(name)
        outcome, attributes = self.radius.authenticate(
            name, password, mac, service="hotspot", address=address, chap="http-pap" not in profile.attrs.get("login-by", "").split(","),
            chap_answer=chap,
        )
        if outcome != "accept":
            self.radius_rejects[name] = self.radius_rejects.get(name, 0) + 1
            return DialResult(outcome, attributes)
        session = self._open_hotspot_session(
            name, password, mac, now, profile, rate=str((attributes.get("Mikrotik-Rate-Limit") or [""])[0]),
            timeout=float((attributes.get("Session-Timeout") or [0])[0] or 0),
            interim=float((attributes.get("Acct-Interim-Interval") or [0])[0] or 0), radius=True,
            lists=attributes.get("Mikrotik-Address-List") or (),
        )
        return DialResult("accept", attributes, session)

    def _open_hotspot_session(self, name: str, password: str, mac: str, now: float, profile: Row, *, rate: str, timeout: float,
                              interim: float, radius: bool, lists) -> Session:
        """A client logged in: its /ip/hotspot/active row, its address in `lists` (RADIUS's
        Mikrotik-Address-List, or its user profile's address-list) and, through RADIUS, accounting."""
        address = self._hotspot_address(name)
        draw = random.Random(f"{self.seed}:use:{name}")
        session = Session()
        session.name = name
        session.service = "hotspot"
        session.password = password
        session.started = now
        session.address = address
        session.caller_id = mac
        self._next_session_id += 1
        session.session_id = f"0x{self._next_session_id:08X}"
        session.profile_limit = parse_rate_pair(rate) if rate else None
        session.radius = radius
        session.rate_limit = rate
        session.timeout_at = now + timeout if timeout > 0 else None
        session.interim_every = interim
        session.next_interim = now + interim if interim > 0 else None
        session.use_down = draw.uniform(0.15, 0.7)
        session.use_up = session.use_down * draw.uniform(0.1, 0.35)
        session.counter = Counter(Shape(f"{self.seed}:{name}"), now)
        session.queue = None
        session.connected = True
        session.interface_row = None
        session.active_row = self.hotspot_active.insert(
            {
                "server": self.hotspot_server, "user": name, "domain": "", "address": address, "mac-address": mac,
                "login-by": "http-pap" if "http-pap" in profile.attrs.get("login-by", "") else "http-chap",
                "radius": "true" if radius else "false",
            },
            state=session,
        )
        self.hotspot_sessions[name] = session
        if radius:
            self.radius_sessions[session.session_id] = session
        self._add_session_lists(session, {"Mikrotik-Address-List": list(lists)}, now)
        self._retune(now, [session], ())
        if radius and profile.attrs.get("radius-accounting") == "true":
            self.radius.account("Start", session, now)
        return session

    def _end_hotspot_session(self, session: Session, now: float, *, reconnect: bool) -> None:
        session.connected = False
        self.hotspot_active.delete(session.active_row)
        if self.hotspot_sessions.get(session.name) is session:
            del self.hotspot_sessions[session.name]
        self._drop_session_lists(session, now)
        self._retune(now, [session], ())
        if reconnect and session.name in self._hotspot_devices and self.wants_online(session.name):
            # The browser's login cookie: it logs in again when the client next opens a page.
            self._schedule_hotspot_login(session.name, now)

    def _schedule_hotspot_login(self, name: str, now: float, *, retry: bool = False) -> None:
        self._sequence += 1
        heapq.heappush(self._hotspot_logins, (self._next_try(now, retry=retry), self._sequence, name))

    # -- traffic shaping ---------------------------------------------------

    def _sessions_for(self, tokens) -> set[Session]:
        found = set()
        for token in tokens:
            if token.startswith("<pppoe-") and token.endswith(">"):
                session = self.sessions.get(token[7:-1])
            else:
                session = self.sessions_by_address.get(token)
            if session is not None:
                found.add(session)
        return found

    def _shaping_queue(self, session: Session) -> Row | None:
        """The first enabled queue (in list order) whose target is this customer and that takes
        unmarked packets: the one their internet traffic passes. Queues with packet-marks take only
        their class's packets (speed_test)."""
        best = None
        order = self.queues.order
        for token in (f"<pppoe-{session.name}>", session.address):
            for queue in self.queues_by_token.get(token, ()):
                if queue.attrs["disabled"] == "false" and not queue.attrs.get("packet-marks") and (
                    best is None or order.get(queue, 0.0) < order.get(best, 0.0)
                ):
                    best = queue
        return best

    def speed_test(self, name: str, destination: str) -> dict[str, object] | None:
        """What a speed test from the customer `name` (a PPPoE or hotspot login, or a static
        customer's address) to `destination` measures: the packet mark each direction gets, the queue
        that carries it and its speed in bits per second. None: not online."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            session = self.sessions.get(name) or self.hotspot_sessions.get(name)
            if session is not None:
                address, tokens = session.address, {f"<pppoe-{session.name}>", session.address}
                own = session.profile_limit or (0, 0)
            elif ip_address_or_none(name) is not None:
                address, tokens, own = name, {name}, (0, 0)
            else:
                return None
            up_mark = shaping.packet_mark(self, address, destination)
            down_mark = shaping.packet_mark(self, destination, address)
            up_queue = shaping.shaping_queue(self, tokens, address, up_mark)
            down_queue = shaping.shaping_queue(self, tokens, address, down_mark)
            upload = shaping.speed_for(self, up_queue, own, LINK_BITS)[0]
            download = shaping.speed_for(self, down_queue, own, LINK_BITS)[1]
            return {
                "mark": down_mark or up_mark, "queue": (down_queue.attrs["name"] if down_queue else ""),
                "upload_bps": upload, "download_bps": download,
            }

    def _session_limit(self, session: Session) -> tuple[int, int]:
        limit = None
        if session.queue is not None:
            pair = parse_rate_pair(session.queue.attrs["max-limit"])
            if pair and any(pair):
                limit = pair
        if limit is None:
            limit = session.profile_limit or LINK_BITS
        return limit[0] or LINK_BITS[0], limit[1] or LINK_BITS[1]

    def _retune(self, now: float, sessions, queues) -> None:
        queues = set(queues)
        for session in sessions:
            if session.queue is not None:
                session.queue.state.shaped.discard(session)
                queues.add(session.queue)
            session.queue = self._shaping_queue(session) if session.connected else None
            if session.queue is not None:
                session.queue.state.shaped.add(session)
                queues.add(session.queue)
            if session.connected:
                up, down = self._session_limit(session)
                session.counter.set_rate(now, up / 8 * session.use_up, down / 8 * session.use_down)
            else:
                session.counter.set_rate(now, 0, 0)
        for queue in queues:
            if self.queues.contains(queue):
                shaped = queue.state.shaped
                queue.state.counter.set_rate(
                    now,
                    sum(session.counter.rate_up for session in shaped),
                    sum(session.counter.rate_down for session in shaped),
                )

    def _index_queue(self, queue: Row, target: str) -> list[str]:
        tokens = queue_target_tokens(target)
        for token in tokens:
            self.queues_by_token.setdefault(token, []).append(queue)
        return tokens

    def _unindex_queue(self, queue: Row, target: str) -> list[str]:
        tokens = queue_target_tokens(target)
        for token in tokens:
            listed = self.queues_by_token.get(token)
            if listed and queue in listed:
                listed.remove(queue)
                if not listed:
                    del self.queues_by_token[token]
        return tokens

    def queue_added(self, queue: Row, now: float) -> None:
        queue.state = QueueState(Counter(Shape(f"{self.seed}:{queue.attrs['name']}"), now))
        tokens = self._index_queue(queue, queue.attrs["target"])
        self._retune(now, self._sessions_for(tokens), [queue])

    def queue_changed(self, queue: Row, old: dict[str, str], now: float) -> None:
        old_tokens = self._unindex_queue(queue, old["target"])
        new_tokens = self._index_queue(queue, queue.attrs["target"])
        affected = self._sessions_for(old_tokens) | self._sessions_for(new_tokens) | set(queue.state.shaped)
        self._retune(now, affected, [queue])

    def queue_removed(self, queue: Row, now: float) -> None:
        self._unindex_queue(queue, queue.attrs["target"])
        affected = set(queue.state.shaped)
        queue.state.shaped.clear()
        for session in affected:
            session.queue = None
        self._retune(now, affected, ())

    # -- ports -------------------------------------------------------------

    def _install_ports(self, now: float) -> None:
        draw = random.Random(f"{self.seed}:{self.identity}:ports")
        # ether1 faces the upstream, ether2 the access switches; the rest are unplugged.
        wan_down = draw.uniform(20e6, 60e6)
        wan_up = wan_down * draw.uniform(0.1, 0.25)
        rates = {1: (wan_down, wan_up), 2: (wan_up, wan_down)}
        for number in range(1, 6):
            rx, tx = rates.get(number, (0.0, 0.0))
            mac = ":".join([MIKROTIK_OUI, *(f"{draw.randrange(256):02X}" for _ in range(2)), f"{number:02X}"])
            port = Port(Counter(Shape(f"{self.seed}:{self.identity}:ether{number}"), now), number in rates, rx, tx)
            port.counter.set_rate(now, rx, tx)
            # The router has been up for a while before we found it, and counting all along.
            port.counter.up = rx * (now - self.boot_time)
            port.counter.down = tx * (now - self.boot_time)
            self.interfaces.insert(
                {
                    "name": f"ether{number}",
                    "default-name": f"ether{number}",
                    "type": "ether",
                    "mtu": "1500",
                    "actual-mtu": "1500",
                    "mac-address": mac,
                    "rx-drop": "0",
                    "tx-drop": "0",
                    "rx-error": "0",
                    "tx-error": "0",
                    "dynamic": "false",
                    "disabled": "false",
                },
                state=port,
            )

    def port_changed(self, row: Row, now: float) -> None:
        port = row.state
        if row.attrs["disabled"] == "true" or not port.link_up:
            port.counter.set_rate(now, 0, 0)
        else:
            port.counter.set_rate(now, port.rate_up, port.rate_down)

    # -- Python API (tests, the management command) ------------------------

    def reboot(self) -> None:
        """Counters to zero, sessions dropped (they dial back in), new .id everywhere, uptime 0."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            for session in [*self.sessions.values(), *self.hotspot_sessions.values()]:
                session.radius = False  # a rebooting router sends no Stop: Accounting-On says it instead
                self.end_session(session, now, reconnect=False)
            self.radius_sessions.clear()
            self._dials.clear()
            self._hotspot_logins.clear()
            for queue in self.queues.rows.values():
                queue.state.counter.reset(now)
            for row in self.interfaces.rows.values():
                row.state.counter.reset(now)
            for row in self.hotspot_users.rows.values():
                row.state.reset(now)
                row.attrs["uptime"] = "0s"
            self.address_lists.drop_dynamic()
            dhcp.reboot(self)
            for table in self.tables:
                first = next(iter(sorted(num for num in table.rows if num not in (0, 0xFFFFFFFE))), None)
                base = self._rng.randrange(0x10, 0x800)
                if base == first:
                    base += 1
                table.renumber(base)
            self._pending.clear()
            for secret in self.secrets.rows.values():
                secret.state = None
                self._schedule(secret, now)
            self.boot_time = now
            self.reboots += 1
            if self.ppp_aaa.use_radius:
                self.radius.account("Accounting-On", None, now)
                for name in self.cpe_passwords:
                    if name not in self.secrets.by_key:
                        self._schedule_dial(name, now)
            for name in self._hotspot_devices:  # login cookies: the clients log in again
                if self.wants_online(name):
                    self._schedule_hotspot_login(name, now)

    def dhcp_request(self, mac: str, *, duid: str | None = None) -> dict[str, str] | None:
        """An IPoE device with `mac` asks for its address (and, with a DUID, its IPv6 prefix): what the
        router's DHCP and DHCPv6 servers answer, None when it gets no lease."""
        with self.lock:
            lease = self.dhcp_leases.request(mac)
            if lease is None:
                return None
            if duid:
                lease["ipv6-prefix"] = self.dhcpv6_bindings.request(duid) or ""
            return lease

    def address_listed(self, address: str, list_name: str) -> bool:
        """Whether the walled garden's address list (IPv4 or IPv6) holds `address`."""
        table = self.address_lists_v6 if ":" in address else self.address_lists
        return (list_name, address) in table.by_entry

    def drop_session(self, name: str, *, reconnect: bool = True) -> bool:
        """The customer's link dropped (CPE rebooted, fibre cut). False if they were not connected."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            session = self.sessions.get(name)
            if session is None:
                return False
            self.end_session(session, now, reconnect=reconnect)
            return True

    def set_offline(self, name: str, offline: bool = True) -> None:
        """Keep a customer from dialling in (their CPE is off), or let them again."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            if offline:
                self.offline.add(name)
            else:
                self.offline.discard(name)
            user = self.hotspot_users.by_key.get(name)
            if user is not None:
                self.hotspot_user_changed(user, now)
            if offline:
                return
            secret = self.secrets.by_key.get(name)
            if secret is not None:
                self._schedule(secret, now)

    def session(self, name: str) -> dict[str, str] | None:
        """What /ppp/active and /interface say about a connected customer, or None."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            session = self.sessions.get(name)
            if session is None:
                return None
            rx, tx = session.counter.read(now)
            return {
                ".id": session.active_row.id,
                "name": name,
                "address": session.address,
                "caller-id": session.caller_id,
                "uptime": format_duration(now - session.started),
                "rx-byte": str(rx),
                "tx-byte": str(tx),
                "radius": "true" if session.radius else "false",
                "rate-limit": session.rate_limit or "",
                "session-id": session.session_id,
                "address-list": self.session_address_lists(session),
            }

    def hotspot_user(self, name: str) -> dict[str, str] | None:
        """What /ip/hotspot/user says about a customer's byte counters, or None."""
        with self.lock:
            now = self.clock()
            self._advance(now)
            row = self.hotspot_users.by_key.get(name)
            if row is None:
                return None
            return {key: self.hotspot_users.value(row, key, now) for key in (".id", "name", "bytes-in", "bytes-out")}

    def session_names(self) -> list[str]:
        with self.lock:
            self._advance(self.clock())
            return list(self.sessions)
