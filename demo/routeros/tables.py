"""Configuration menus of the simulated router: generic print/add/set/remove plus per-menu rules.

A menu is a table of rows. Stored attributes live in ``row.attrs`` exactly as
they go on the wire (strings, booleans as ``true``/``false``); counters and
uptimes are computed when printed. Cross-menu behaviour (sessions, traffic
shaping) is delegated to the router through ``after_*`` hooks.
"""

from __future__ import annotations

import heapq
import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .query import Query, QueryError
from .values import (
    format_duration,
    ip_address_or_none,
    normalize_host_address,
    normalize_queue_target,
    parse_bool,
    parse_duration,
    parse_rate_pair,
    wire_bool,
)

if TYPE_CHECKING:
    from .router import RouterState

# Trap categories as RouterOS documents them.
MISSING = 0  # missing item or command
BAD_ARGUMENT = 1  # argument value failure

PRINT_OPTIONS = frozenset({".proplist", "count-only", "detail", "stats", "without-paging", "terse", "brief", "as-value"})
BUILTIN_NUMS = (0, 0xFFFFFFFE)


class Trap(Exception):
    """A command failed: answered with one ``!trap`` per (message, category), then ``!done``."""

    def __init__(self, message: str, category: int | None = None, *, more: tuple[tuple[str, int | None], ...] = ()):
        super().__init__(message)
        self.traps = ((message, category), *more)

    def sentences(self) -> list[list[str]]:
        replies = []
        for message, category in self.traps:
            words = ["!trap"]
            if category is not None:
                words.append(f"=category={category}")
            words.append(f"=message={message}")
            replies.append(words)
        replies.append(["!done"])
        return replies


@dataclass(frozen=True)
class Field:
    name: str
    default: str | None = None  # what add stores when the client leaves it out; None: absent
    kind: str = "text"  # text, name, bool, choice, ip, rate_pair, rate_limit, target, address
    choices: tuple[str, ...] = ()
    writable: bool = True
    computed: bool = False  # read-only and worked out at print time


class Row:
    __slots__ = ("num", "attrs", "state")

    def __init__(self, num: int, attrs: dict[str, str], state=None) -> None:
        self.num = num
        self.attrs = attrs
        self.state = state

    @property
    def id(self) -> str:
        return f"*{self.num:X}"

    def __repr__(self) -> str:
        return f"<Row {self.id} {self.attrs}>"


def parse_id(text: str) -> int | None:
    if text.startswith("*"):
        try:
            return int(text[1:], 16)
        except ValueError:
            return None
    return None


class Menu:
    """Anything a command path can name: a table or a single-item menu like /system/identity."""

    path = ""
    verbs: frozenset[str] = frozenset()

    def run(self, verb: str, args: dict[str, str], queries: list[str], now: float) -> list[list[str]]:
        raise NotImplementedError


class Table(Menu):
    fields: tuple[Field, ...] = ()
    key_field: str | None = "name"
    required: tuple[str, ...] = ("name",)
    verbs = frozenset({"print", "getall", "add", "set", "remove", "enable", "disable"})
    duplicate_message = "failure: item with the same name already exists"
    id_ordered = False  # print in .id order (tables with built-in rows at *0 and *FFFFFFFE)

    def __init__(self, router: RouterState) -> None:
        self.router = router
        self.rows: dict[int, Row] = {}
        self.by_key: dict[str, Row] = {}
        self.next_num = 1
        self.field_map = {field.name: field for field in self.fields}
        self.computed = frozenset(field.name for field in self.fields if field.computed)
        self.print_keys = (".id", *(field.name for field in self.fields))
        self.bool_fields = frozenset(field.name for field in self.fields if field.kind == "bool")

    # -- storage -----------------------------------------------------------

    def insert(self, attrs: dict[str, str], *, state=None, num: int | None = None) -> Row:
        if num is None:
            num = self.next_num
            self.next_num += 1
        row = Row(num, attrs, state)
        self.rows[num] = row
        if self.key_field and self.key_field in attrs:
            self.by_key[attrs[self.key_field]] = row
        return row

    def delete(self, row: Row) -> None:
        del self.rows[row.num]
        if self.key_field and self.by_key.get(row.attrs.get(self.key_field)) is row:
            del self.by_key[row.attrs[self.key_field]]

    def contains(self, row: Row) -> bool:
        return self.rows.get(row.num) is row

    def ordered_rows(self) -> list[Row]:
        if self.id_ordered:
            return [self.rows[num] for num in sorted(self.rows)]
        return list(self.rows.values())

    def renumber(self, base: int) -> None:
        """New ids after a reboot, in the same order; built-in rows keep theirs."""
        rows = self.ordered_rows()
        self.rows = {}
        num = base
        for row in rows:
            if row.num not in BUILTIN_NUMS:
                row.num = num
                num += 1
            self.rows[row.num] = row
        self.next_num = num

    def find(self, reference: str) -> Row | None:
        num = parse_id(reference)
        if num is not None:
            return self.rows.get(num)
        if self.key_field:
            return self.by_key.get(reference)
        return None

    def resolve(self, args: dict[str, str]) -> list[Row]:
        references = args.get(".id", args.get("numbers"))
        if not references:
            raise Trap("no such item", MISSING)
        rows = []
        for reference in references.split(","):
            row = self.find(reference.strip())
            if row is None:
                raise Trap("no such item", MISSING)
            rows.append(row)
        return rows

    # -- values ------------------------------------------------------------

    def value(self, row: Row, key: str, now: float) -> str | None:
        if key == ".id":
            return row.id
        if key in self.computed:
            return self.compute(row, key, now)
        return row.attrs.get(key)

    def compute(self, row: Row, key: str, now: float) -> str | None:
        raise NotImplementedError(key)

    def normalize_query_value(self, key: str, value: str) -> str:
        if key in self.bool_fields:
            parsed = parse_bool(value)
            return value if parsed is None else wire_bool(parsed)
        if key == ".id":
            num = parse_id(value)
            return value if num is None else f"*{num:X}"
        return value

    def clean(self, args: dict[str, str], *, adding: bool) -> dict[str, str]:
        cleaned = {}
        for key, value in args.items():
            if key in (".id", "numbers") and not adding:
                continue
            field = self.field_map.get(key)
            if field is None or not field.writable or field.computed:
                raise Trap("unknown parameter", BAD_ARGUMENT)
            cleaned[key] = self.clean_value(field, value)
        return cleaned

    def clean_value(self, field: Field, value: str) -> str:
        kind = field.kind
        if kind == "bool":
            parsed = parse_bool(value)
            if parsed is None:
                raise Trap(f"value of {field.name} must be yes or no", BAD_ARGUMENT)
            return wire_bool(parsed)
        if kind == "name":
            if not value.strip():
                raise Trap(f"value of {field.name} must not be empty", BAD_ARGUMENT)
            return value
        if kind == "choice":
            if value not in field.choices:
                raise Trap(f"input does not match any value of {field.name}", BAD_ARGUMENT)
            return value
        if kind == "ip":
            if value and ip_address_or_none(value) is None:
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return value
        if kind == "rate_pair":
            pair = parse_rate_pair(value)
            if pair is None:
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return f"{pair[0]}/{pair[1]}"
        if kind == "rate_limit":
            if value and parse_rate_pair(value) is None:
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return value
        if kind == "target":
            target = normalize_queue_target(value)
            if not target:
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return target
        if kind == "address":
            if not value.strip():
                raise Trap(f"invalid value for argument {field.name}", BAD_ARGUMENT)
            return normalize_host_address(value)
        return value

    # -- commands ----------------------------------------------------------

    def run(self, verb: str, args: dict[str, str], queries: list[str], now: float) -> list[list[str]]:
        if verb not in self.verbs:
            raise Trap("no such command", MISSING)
        self.purge(now)
        if verb in ("print", "getall"):
            return self.cmd_print(args, queries, now)
        if verb == "add":
            row = self.cmd_add(args, now)
            return [["!done", f"=ret={row.id}"]]
        if verb == "set":
            self.cmd_set(args, now)
        elif verb == "remove":
            self.cmd_remove(args, now)
        elif verb in ("enable", "disable"):
            self.check_only(args, {".id", "numbers"})
            self.cmd_set({**args, "disabled": wire_bool(verb == "disable")}, now)
        elif verb in ("reset-counters", "reset-counters-all"):
            self.check_only(args, {".id", "numbers"})
            rows = self.ordered_rows() if verb == "reset-counters-all" else self.resolve(args)
            for row in rows:
                self.reset_counters(row, now)
        return [["!done"]]

    @staticmethod
    def check_only(args: dict[str, str], allowed: set[str]) -> None:
        if any(key not in allowed for key in args):
            raise Trap("unknown parameter", BAD_ARGUMENT)

    def select(self, query: Query, now: float) -> list[Row]:
        equality = query.sole_equality()
        if equality is not None:
            key, wanted = equality
            if key == ".id":
                num = parse_id(wanted)
                row = self.rows.get(num) if num is not None else None
                return [row] if row is not None else []
            if key == self.key_field:
                row = self.by_key.get(wanted)
                return [row] if row is not None else []
        rows = self.ordered_rows()
        if not query:
            return rows
        value = self.value
        return [row for row in rows if query.matches(lambda key, row=row: value(row, key, now))]

    def cmd_print(self, args: dict[str, str], queries: list[str], now: float) -> list[list[str]]:
        if any(key not in PRINT_OPTIONS for key in args):
            raise Trap("unknown parameter", BAD_ARGUMENT)
        try:
            query = Query(queries, self.normalize_query_value)
        except QueryError as error:
            raise Trap(str(error), BAD_ARGUMENT) from None
        rows = self.select(query, now)
        if "count-only" in args:
            return [["!done", f"=ret={len(rows)}"]]
        keys = self.print_keys
        if ".proplist" in args:
            keys = tuple(key.strip() for key in args[".proplist"].split(",") if key.strip())
        value = self.value
        replies = []
        for row in rows:
            words = ["!re"]
            for key in keys:
                found = value(row, key, now)
                if found is not None:
                    words.append(f"={key}={found}")
            replies.append(words)
        replies.append(["!done"])
        return replies

    def cmd_add(self, args: dict[str, str], now: float) -> Row:
        cleaned = self.clean(args, adding=True)
        attrs = {field.name: field.default for field in self.fields if field.default is not None and not field.computed}
        attrs.update(cleaned)
        self.fill_defaults(attrs, now)
        for name in self.required:
            if not attrs.get(name):
                raise Trap(f"failure: {name} not specified", BAD_ARGUMENT)
        self.validate(attrs, None)
        row = self.insert(attrs)
        self.after_add(row, now)
        return row

    def cmd_set(self, args: dict[str, str], now: float) -> None:
        rows = self.resolve(args)
        cleaned = self.clean(args, adding=False)
        if not cleaned:
            return
        for row in rows:
            self.before_change(row, cleaned)
            merged = {**row.attrs, **cleaned}
            self.validate(merged, row)
        for row in rows:
            old = dict(row.attrs)
            key = self.key_field
            if key and key in cleaned and cleaned[key] != old.get(key):
                if self.by_key.get(old.get(key)) is row:
                    del self.by_key[old[key]]
                self.by_key[cleaned[key]] = row
            row.attrs.update(cleaned)
            self.after_set(row, old, now)

    def cmd_remove(self, args: dict[str, str], now: float) -> None:
        self.check_only(args, {".id", "numbers"})
        rows = self.resolve(args)
        for row in rows:
            self.before_remove(row)
        for row in rows:
            if self.contains(row):
                self.delete(row)
                self.after_remove(row, now)

    # -- hooks -------------------------------------------------------------

    def purge(self, now: float) -> None:
        """Drop rows that have expired by ``now``."""

    def fill_defaults(self, attrs: dict[str, str], now: float) -> None:
        """Defaults that depend on other rows or the time."""

    def validate(self, attrs: dict[str, str], row: Row | None) -> None:
        key = self.key_field
        if key and key in attrs:
            existing = self.by_key.get(attrs[key])
            if existing is not None and existing is not row:
                raise Trap(self.duplicate_message)

    def before_change(self, row: Row, changes: dict[str, str]) -> None:
        pass

    def before_remove(self, row: Row) -> None:
        pass

    def after_add(self, row: Row, now: float) -> None:
        pass

    def after_set(self, row: Row, old: dict[str, str], now: float) -> None:
        pass

    def after_remove(self, row: Row, now: float) -> None:
        pass

    def reset_counters(self, row: Row, now: float) -> None:
        raise Trap("no such command", MISSING)


PPP_SERVICES = ("any", "async", "l2tp", "ovpn", "pppoe", "pptp", "sstp")


class SecretTable(Table):
    path = "/ppp/secret"
    fields = (
        Field("name", kind="name"),
        Field("service", "any", kind="choice", choices=PPP_SERVICES),
        Field("caller-id", ""),
        Field("password", ""),
        Field("profile", "default"),
        Field("local-address", kind="ip"),
        Field("remote-address", kind="ip"),
        Field("remote-ipv6-prefix", ""),
        Field("routes", ""),
        Field("limit-bytes-in", "0"),
        Field("limit-bytes-out", "0"),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    duplicate_message = "failure: secret with the same name already exists"

    def validate(self, attrs, row):
        super().validate(attrs, row)
        if attrs.get("profile") not in self.router.profiles.by_key:
            raise Trap("input does not match any value of profile", BAD_ARGUMENT)
        prefix = attrs.get("remote-ipv6-prefix")
        if prefix:
            try:
                ipaddress.IPv6Network(prefix, strict=True)
            except ValueError:
                raise Trap("invalid value for argument remote-ipv6-prefix", BAD_ARGUMENT)

    def after_add(self, row, now):
        self.router.secret_changed(row, None, now)

    def after_set(self, row, old, now):
        self.router.secret_changed(row, old, now)


class ProfileTable(Table):
    path = "/ppp/profile"
    fields = (
        Field("name", kind="name"),
        Field("local-address"),
        Field("remote-address"),
        Field("bridge-learning", "default"),
        Field("use-mpls", "default"),
        Field("use-compression", "default"),
        Field("use-encryption", "default"),
        Field("only-one", "default"),
        Field("change-tcp-mss", "default"),
        Field("use-upnp", "default"),
        Field("address-list", ""),
        Field("dns-server"),
        Field("rate-limit", kind="rate_limit"),
        Field("on-up", ""),
        Field("on-down", ""),
        Field("default", "false", writable=False),
        Field("comment"),
    )
    verbs = frozenset({"print", "getall", "add", "set", "remove"})
    duplicate_message = "failure: profile with the same name already exists"
    id_ordered = True

    def install_builtins(self) -> None:
        for num, name, encryption in ((0, "default", "default"), (0xFFFFFFFE, "default-encryption", "yes")):
            attrs = {field.name: field.default for field in self.fields if field.default is not None}
            attrs.update({"name": name, "use-encryption": encryption, "default": "true"})
            self.insert(attrs, num=num)

    def before_change(self, row, changes):
        if row.attrs.get("default") == "true" and "name" in changes and changes["name"] != row.attrs["name"]:
            raise Trap("failure: can not rename default profile")

    def before_remove(self, row):
        if row.attrs.get("default") == "true":
            raise Trap("failure: can not remove default profile")

    def after_set(self, row, old, now):
        # Secrets refer to a profile by its id, so a rename shows up on them.
        if old.get("name") != row.attrs["name"]:
            self.router.profile_renamed(old["name"], row.attrs["name"])


class ActiveTable(Table):
    """/ppp/active: one row per connected session, created and removed by the router."""

    path = "/ppp/active"
    fields = (
        Field("name", writable=False),
        Field("service", writable=False),
        Field("caller-id", writable=False),
        Field("encoding", writable=False),
        Field("address", writable=False),
        Field("uptime", computed=True),
        Field("session-id", writable=False),
        Field("limit-bytes-in", writable=False),
        Field("limit-bytes-out", writable=False),
        Field("radius", writable=False),
    )
    verbs = frozenset({"print", "getall", "remove"})

    def compute(self, row, key, now):
        return format_duration(now - row.state.started)

    def cmd_remove(self, args, now):
        self.check_only(args, {".id", "numbers"})
        for row in self.resolve(args):
            if self.contains(row):
                self.router.end_session(row.state, now, reconnect=True)


class QueueTable(Table):
    path = "/queue/simple"
    fields = (
        Field("name"),
        Field("target", kind="target"),
        Field("parent", "none"),
        Field("packet-marks", ""),
        Field("priority", "8/8"),
        Field("queue", "default-small/default-small"),
        Field("limit-at", "0/0", kind="rate_pair"),
        Field("max-limit", "0/0", kind="rate_pair"),
        Field("burst-limit", "0/0", kind="rate_pair"),
        Field("burst-threshold", "0/0", kind="rate_pair"),
        Field("burst-time", "0s/0s"),
        Field("bucket-size", "0.1/0.1"),
        Field("bytes", computed=True),
        Field("packets", computed=True),
        Field("rate", computed=True),
        Field("packet-rate", computed=True),
        Field("queued-bytes", "0/0", writable=False),
        Field("dropped", "0/0", writable=False),
        Field("invalid", "false", writable=False),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    required = ("target",)
    verbs = Table.verbs | {"reset-counters", "reset-counters-all"}
    duplicate_message = "failure: queue with such name exists"

    # List order matters (a packet goes to the first queue that takes it): ``add place-before=<id>``
    # puts a queue above another. Each row's place is a number; one added at the end gets the next.
    def __init__(self, router):
        super().__init__(router)
        self.order: dict[Row, float] = {}
        self._last_order = 0.0
        self._place_before: Row | None = None

    def cmd_add(self, args, now):
        reference = args.get("place-before")
        if reference is not None:
            args = {key: value for key, value in args.items() if key != "place-before"}
            self._place_before = self.find(reference)
            if self._place_before is None:
                raise Trap("no such item", MISSING)
        try:
            return super().cmd_add(args, now)
        finally:
            self._place_before = None

    def insert(self, attrs, *, state=None, num=None):
        row = super().insert(attrs, state=state, num=num)
        reference = self._place_before
        if reference is not None and reference in self.order:
            above = [self.order[other] for other in self.order if self.order[other] < self.order[reference]]
            self.order[row] = ((max(above) if above else self.order[reference] - 1.0) + self.order[reference]) / 2
        else:
            self._last_order += 1.0
            self.order[row] = self._last_order
        return row

    def delete(self, row):
        super().delete(row)
        self.order.pop(row, None)

    def ordered_rows(self):
        order = self.order
        return sorted(self.rows.values(), key=lambda row: order.get(row, 0.0))

    def fill_defaults(self, attrs, now):
        if not attrs.get("name"):
            number = len(self.rows) + 1
            while f"queue{number}" in self.by_key:
                number += 1
            attrs["name"] = f"queue{number}"

    def compute(self, row, key, now):
        counter = row.state.counter
        if key == "bytes":
            up, down = counter.read(now)
        elif key == "packets":
            up, down = counter.packets(now)
        elif key == "rate":
            up, down = counter.current_rate_bits(now)
        else:
            up, down = counter.current_rate_bits(now)
            up, down = up // (8 * 600), down // (8 * 1200)
        return f"{up}/{down}"

    def after_add(self, row, now):
        self.router.queue_added(row, now)

    def after_set(self, row, old, now):
        self.router.queue_changed(row, old, now)

    def after_remove(self, row, now):
        self.router.queue_removed(row, now)

    def reset_counters(self, row, now):
        row.state.counter.reset(now)


class AddressListTable(Table):
    path = "/ip/firewall/address-list"
    fields = (
        Field("list", kind="name"),
        Field("address", kind="address"),
        Field("creation-time", writable=False),
        Field("timeout", computed=True),  # given as a duration, kept as an expiry time
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    key_field = None
    required = ("list", "address")
    duplicate_message = "failure: already have such entry"

    def __init__(self, router):
        super().__init__(router)
        self.by_entry: dict[tuple[str, str], Row] = {}
        self.expiry: list[tuple[float, int, Row]] = []
        self.sequence = 0

    def clean(self, args, *, adding):
        timeout = args.get("timeout")
        cleaned = super().clean({key: value for key, value in args.items() if key != "timeout"}, adding=adding)
        if timeout is not None:
            seconds = parse_duration(timeout) if timeout else 0
            if seconds is None:
                raise Trap("invalid value for argument timeout", BAD_ARGUMENT)
            cleaned["timeout"] = str(seconds)
        return cleaned

    def normalize_query_value(self, key, value):
        if key == "address":
            return normalize_host_address(value)
        return super().normalize_query_value(key, value)

    def fill_defaults(self, attrs, now):
        attrs["creation-time"] = self.router.wall_time(now)

    def validate(self, attrs, row):
        existing = self.by_entry.get((attrs["list"], attrs["address"]))
        if existing is not None and existing is not row:
            raise Trap(self.duplicate_message)

    def compute(self, row, key, now):
        if row.state is None:
            return None
        return format_duration(row.state - now)

    def _apply_timeout(self, row, now):
        if "timeout" not in row.attrs:
            return
        seconds = float(row.attrs.pop("timeout") or 0)
        if seconds > 0:
            row.state = now + seconds
            row.attrs["dynamic"] = "true"
            self.sequence += 1
            heapq.heappush(self.expiry, (row.state, self.sequence, row))
        else:
            row.state = None
            row.attrs["dynamic"] = "false"

    def after_add(self, row, now):
        self.by_entry[(row.attrs["list"], row.attrs["address"])] = row
        self._apply_timeout(row, now)

    def after_set(self, row, old, now):
        self.by_entry.pop((old["list"], old["address"]), None)
        self.by_entry[(row.attrs["list"], row.attrs["address"])] = row
        self._apply_timeout(row, now)

    def after_remove(self, row, now):
        if self.by_entry.get((row.attrs["list"], row.attrs["address"])) is row:
            del self.by_entry[(row.attrs["list"], row.attrs["address"])]

    def purge(self, now):
        while self.expiry and self.expiry[0][0] <= now:
            expires, _, row = heapq.heappop(self.expiry)
            if self.contains(row) and row.state == expires:
                self.delete(row)
                self.after_remove(row, now)

    def drop_dynamic(self) -> None:
        """Entries with a timeout live in memory only: a reboot forgets them."""
        for row in [row for row in self.rows.values() if row.state is not None]:
            self.delete(row)
            self.after_remove(row, 0)
        self.expiry.clear()


class HotspotUserTable(Table):
    path = "/ip/hotspot/user"
    fields = (
        Field("server", "all"),
        Field("name", kind="name"),
        Field("password", ""),
        Field("profile", "default"),
        Field("limit-uptime"),
        Field("limit-bytes-total"),
        Field("uptime", "0s", writable=False),
        Field("bytes-in", computed=True),
        Field("bytes-out", computed=True),
        Field("packets-in", computed=True),
        Field("packets-out", computed=True),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    verbs = Table.verbs | {"reset-counters"}
    duplicate_message = "failure: already have user with this name for this server"

    def compute(self, row, key, now):
        # A user's state is its Counter. bytes-in is what the router receives from the client:
        # the customer's upload, as rx-byte on a <pppoe-NAME> interface.
        counter = row.state
        up, down = counter.packets(now) if key.startswith("packets") else counter.read(now)
        return str(up if key.endswith("-in") else down)

    def after_add(self, row, now):
        self.router.hotspot_user_changed(row, now)

    def after_set(self, row, old, now):
        self.router.hotspot_user_changed(row, now)

    def reset_counters(self, row, now):
        row.attrs["uptime"] = "0s"
        row.state.reset(now)


class HotspotProfileTable(Table):
    """/ip/hotspot/user/profile: the rate-limit its users' traffic is shaped to, and the address list
    a logged-in user's address joins for as long as the login lasts (``address-list``). Both are read
    at login: a change reaches the users who log in after it."""

    path = "/ip/hotspot/user/profile"
    fields = (
        Field("name", kind="name"),
        Field("address-pool", "none"),
        Field("shared-users", "1"),
        Field("session-timeout", "0s"),
        Field("idle-timeout", "none"),
        Field("rate-limit", kind="rate_limit"),
        Field("address-list", ""),
        Field("default", "false", writable=False),
    )
    verbs = frozenset({"print", "getall", "add", "set", "remove"})
    duplicate_message = "failure: profile with the same name already exists"
    id_ordered = True

    def install_builtins(self) -> None:
        attrs = {field.name: field.default for field in self.fields if field.default is not None}
        attrs.update({"name": "default", "default": "true"})
        self.insert(attrs, num=0)

    def before_change(self, row, changes):
        if row.attrs.get("default") == "true" and "name" in changes and changes["name"] != row.attrs["name"]:
            raise Trap("failure: can not rename default profile")

    def before_remove(self, row):
        if row.attrs.get("default") == "true":
            raise Trap("failure: can not remove default profile")

    def after_set(self, row, old, now):
        self.router.hotspot_profile_changed(old["name"], row.attrs["name"], now)


class InterfaceTable(Table):
    """/interface: the router's ports and one dynamic ``<pppoe-NAME>`` per PPPoE session."""

    path = "/interface"
    fields = (
        Field("name", writable=False),
        Field("default-name", writable=False),
        Field("type", writable=False),
        Field("mtu", writable=False),
        Field("actual-mtu", writable=False),
        Field("mac-address", writable=False),
        Field("rx-byte", computed=True),
        Field("tx-byte", computed=True),
        Field("rx-packet", computed=True),
        Field("tx-packet", computed=True),
        Field("rx-drop", "0", writable=False),
        Field("tx-drop", "0", writable=False),
        Field("rx-error", "0", writable=False),
        Field("tx-error", "0", writable=False),
        Field("running", computed=True),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    verbs = frozenset({"print", "getall", "set", "enable", "disable", "reset-counters"})

    def compute(self, row, key, now):
        # A pppoe-in row's state is its Session, a port's is a Port: both carry a counter.
        if key == "running":
            return wire_bool(row.attrs.get("disabled") != "true" and row.state.link_up)
        counter = row.state.counter
        if key in ("rx-byte", "tx-byte"):
            up, down = counter.read(now)
        else:
            up, down = counter.packets(now)
        # The router receives what the customer uploads.
        return str(up if key.startswith("rx") else down)

    def before_change(self, row, changes):
        if row.attrs.get("dynamic") == "true":
            raise Trap("failure: can not change dynamic interface")

    def after_set(self, row, old, now):
        self.router.port_changed(row, now)

    def reset_counters(self, row, now):
        row.state.counter.reset(now)


class HotspotActiveTable(Table):
    """/ip/hotspot/active: one row per hotspot client logged in, as a local /ip/hotspot/user or through
    RADIUS (created and removed by the router; removing one logs the client out, as on RouterOS)."""

    path = "/ip/hotspot/active"
    key_field = "user"
    fields = (
        Field("server", writable=False),
        Field("user", writable=False),
        Field("domain", writable=False),
        Field("address", writable=False),
        Field("mac-address", writable=False),
        Field("login-by", writable=False),
        Field("uptime", computed=True),
        Field("session-time-left", computed=True),
        Field("bytes-in", computed=True),
        Field("bytes-out", computed=True),
        Field("radius", writable=False),
    )
    verbs = frozenset({"print", "getall", "remove"})

    def compute(self, row, key, now):
        session = row.state
        if key == "uptime":
            return format_duration(now - session.started)
        if key == "session-time-left":
            return format_duration(max(0.0, session.timeout_at - now)) if session.timeout_at is not None else ""
        up, down = session.counter.read(now)
        return str(up if key == "bytes-in" else down)

    def cmd_remove(self, args, now):
        self.check_only(args, {".id", "numbers"})
        for row in self.resolve(args):
            if self.contains(row):
                self.router.end_session(row.state, now, reconnect=False, cause="Admin-Reset")


class HotspotServerProfileTable(Table):
    """/ip/hotspot/profile: the hotspot servers' profiles. ``use-radius`` sends logins with no local
    user to RADIUS; ``login-by`` decides whether the password goes as PAP (http-pap) or CHAP."""

    path = "/ip/hotspot/profile"
    fields = (
        Field("name", kind="name"),
        Field("hotspot-address", ""),
        Field("dns-name", ""),
        Field("login-by", "cookie,http-chap"),
        Field("use-radius", "false", kind="bool"),
        Field("radius-accounting", "true", kind="bool"),
        Field("radius-interim-update", "received"),
        Field("default", "false", writable=False),
    )
    verbs = frozenset({"print", "getall", "add", "set", "remove"})
    duplicate_message = "failure: profile with the same name already exists"
    id_ordered = True

    def install_builtins(self) -> None:
        attrs = {field.name: field.default for field in self.fields if field.default is not None}
        attrs.update({"name": "default", "default": "true"})
        self.insert(attrs, num=0)
