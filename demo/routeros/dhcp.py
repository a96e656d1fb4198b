"""The simulated router's DHCP side, for IPoE customers and delegated IPv6 prefixes (docs/ipam.md):
static DHCP leases (`/ip/dhcp-server/lease`: a device's MAC bound to its address, with the lease's
rate limit and `block-access`), DHCPv6 server bindings (`/ipv6/dhcp-server/binding`: a prefix bound
to a client's DUID) and the IPv6 firewall address lists. A device asking for an address
(`RouterState.dhcp_request`) is answered from them as RouterOS answers: its static lease's address,
nothing when the lease is blocked or disabled (no dynamic pool is simulated), and a prefix for a
DUID bound to one. Rows behave like RouterOS's: one lease per MAC and per address on a server, one
binding per prefix, ids that change on reboot."""

from __future__ import annotations

import ipaddress
import random
import re

from .tables import BAD_ARGUMENT, AddressListTable, Field, Table, Trap

MAC = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$")


class DhcpLeaseTable(Table):
    path = "/ip/dhcp-server/lease"
    fields = (
        Field("address", kind="ip"),
        Field("mac-address"),
        Field("client-id", ""),
        Field("server", "all"),
        Field("address-lists", ""),
        Field("rate-limit", "", kind="rate_limit"),
        Field("lease-time", "0s"),
        Field("block-access", "false", kind="bool"),
        Field("status", computed=True),
        Field("active-address", computed=True),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    key_field = None
    required = ("address", "mac-address")
    verbs = Table.verbs | {"make-static"}

    def __init__(self, router) -> None:
        super().__init__(router)
        self.bound: dict[int, str] = {}  # lease row -> the address its device holds now

    def clean_value(self, field, value):
        if field.name == "mac-address":
            mac = value.strip().upper().replace("-", ":")
            if not MAC.match(mac):
                raise Trap("invalid value for argument mac-address", BAD_ARGUMENT)
            return mac
        cleaned = super().clean_value(field, value)
        if field.name == "address" and ipaddress.ip_address(cleaned).version != 4:
            raise Trap("invalid value for argument address", BAD_ARGUMENT)
        return cleaned

    def validate(self, attrs, row):
        for other in self.rows.values():
            if other is row:
                continue
            if other.attrs.get("mac-address") == attrs.get("mac-address"):
                raise Trap("failure: lease with such MAC address already exists")
            if other.attrs.get("address") == attrs.get("address"):
                raise Trap("failure: lease for such address already exists")

    def compute(self, row, key, now):
        if key == "status":
            return "bound" if row.num in self.bound else "waiting"
        if key == "active-address":
            return self.bound.get(row.num)
        return None

    def after_set(self, row, old, now):
        # A changed, blocked or disabled lease: the device's next request gets the new answer.
        if row.attrs.get("address") != old.get("address") or row.attrs.get("mac-address") != old.get("mac-address"):
            self.bound.pop(row.num, None)
        if row.attrs.get("disabled") == "true" or row.attrs.get("block-access") == "true":
            self.bound.pop(row.num, None)

    def after_remove(self, row, now):
        self.bound.pop(row.num, None)

    def request(self, mac: str) -> dict[str, str] | None:
        """DHCPDISCOVER/REQUEST from `mac`: the static lease's answer, or None (no offer)."""
        mac = mac.upper()
        for row in self.rows.values():
            if row.attrs.get("mac-address") != mac:
                continue
            if row.attrs.get("disabled") == "true" or row.attrs.get("block-access") == "true":
                return None
            self.bound[row.num] = row.attrs["address"]
            return {"address": row.attrs["address"], "rate-limit": row.attrs.get("rate-limit", "")}
        return None


class Dhcpv6BindingTable(Table):
    path = "/ipv6/dhcp-server/binding"
    fields = (
        Field("address"),
        Field("duid"),
        Field("iaid", "0"),
        Field("server", "all"),
        Field("life-time", "3d"),
        Field("prefix-pool", ""),
        Field("status", computed=True),
        Field("dynamic", "false", writable=False),
        Field("disabled", "false", kind="bool"),
        Field("comment"),
    )
    key_field = None
    required = ("address", "duid")

    def __init__(self, router) -> None:
        super().__init__(router)
        self.bound: set[int] = set()

    def clean_value(self, field, value):
        if field.name == "address":
            try:
                network = ipaddress.IPv6Network(value.strip(), strict=True)
            except ValueError:
                raise Trap("invalid value for argument address", BAD_ARGUMENT)
            return str(network)
        if field.name == "duid" and not re.fullmatch(r"0x[0-9a-fA-F]{4,260}", value.strip()):
            raise Trap("invalid value for argument duid", BAD_ARGUMENT)
        return super().clean_value(field, value.strip().lower() if field.name == "duid" else value)

    def validate(self, attrs, row):
        for other in self.rows.values():
            if other is not row and other.attrs.get("address") == attrs.get("address"):
                raise Trap("failure: binding for such prefix already exists")

    def compute(self, row, key, now):
        return "bound" if row.num in self.bound else "waiting"

    def after_set(self, row, old, now):
        if row.attrs != old:
            self.bound.discard(row.num)

    def after_remove(self, row, now):
        self.bound.discard(row.num)

    def request(self, duid: str) -> str | None:
        """A DHCPv6 Solicit with IA_PD from `duid`: the bound prefix, or None."""
        for row in self.rows.values():
            if row.attrs.get("duid") == duid.lower() and row.attrs.get("disabled") != "true":
                self.bound.add(row.num)
                return row.attrs["address"]
        return None


class Ipv6AddressListTable(AddressListTable):
    path = "/ipv6/firewall/address-list"


def install(router) -> None:
    """Give `router` its DHCP tables (numbered from a draw of their own, so adding them changed no
    other table's .id) and register their paths."""
    router.dhcp_leases = DhcpLeaseTable(router)
    router.dhcpv6_bindings = Dhcpv6BindingTable(router)
    router.address_lists_v6 = Ipv6AddressListTable(router)
    router.dhcp_tables = (router.dhcp_leases, router.dhcpv6_bindings, router.address_lists_v6)
    router.dhcp_rng = random.Random(f"{router.seed}:{router.identity}:dhcp")
    for table in router.dhcp_tables:
        table.next_num = router.dhcp_rng.randrange(0x10, 0x400)
        router.menus[table.path] = table


def reboot(router) -> None:
    """Leases and bindings are configuration (kept, renumbered); who holds them is forgotten until the
    devices ask again."""
    router.dhcp_leases.bound.clear()
    router.dhcpv6_bindings.bound.clear()
    router.address_lists_v6.drop_dynamic()
    for table in router.dhcp_tables:
        table.renumber(router.dhcp_rng.randrange(0x10, 0x800))
