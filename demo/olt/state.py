"""A simulated OLT's ONUs and the SNMP table its profile makes of them.

The table is the profile read backwards: for every column of the profile, the value each ONU's row
holds, encoded once per change of state and kept sorted for GetNext and GetBulk (bisect). Rx power
moves: every `tick` adds a little noise and each ONU's drift (dB per tick); the fault switches turn
ONUs dark with the cause a real OLT reports (dying gasp for a power cut, LOS for a fibre cut)."""

from __future__ import annotations

import bisect
import random
import threading
from dataclasses import dataclass

from fibre import ber
from fibre.profiles import Profile, profile_get

PORT_BASES = {  # what a real OLT of the family uses as a PON port's ifIndex and name
    "huawei_gpon": (lambda i: 4194304000 + 256 * i, lambda i: f"GPON 0/1/{i}"),
    "zte_gpon": (lambda i: 268500992 + 256 * (i + 1), lambda i: f"gpon-olt_1/1/{i + 1}"),
    "bdcom_epon": (lambda i: 10 + i, lambda i: f"EPON0/{i + 1}"),
    "vsol_epon": (lambda i: i + 1, lambda i: f"EPON0/{i + 1}"),
}
VENDOR_IDS = {"huawei_gpon": "HWTC", "zte_gpon": "ZTEG"}


@dataclass
class SimOnu:
    port: int  # 0-based PON port
    number: int
    serial: str
    mac: str
    rx: float
    tx: float = 2.1
    distance: int = 1200
    temperature: int = 41
    online: bool = True
    cause: str = ""  # the last down cause: "los", "dying_gasp", "other"
    drift: float = 0.0  # dB added to rx at every tick (negative: worsening)


class OltState:
    def __init__(self, profile: str, *, ports: int = 4, onus_per_port: int = 16, seed: int = 1, serial_prefix: str = "") -> None:
        self.profile: Profile = profile_get(profile)
        self.ports = ports
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.version = 0
        self._built = -1
        self._oids: list[tuple[int, ...]] = []
        self._encoded: list[bytes] = []
        self._values: list[object] = []  # the same cells as Python values (the SNMPv3 agent encodes them with pysnmp)
        self.onus: list[SimOnu] = []
        self.sys_descr = f"{self.profile.label} (ispbill simulator)"
        self.uptime_ticks = 123456
        self.corrupt_column: str | None = None
        vendor = VENDOR_IDS.get(profile, "")
        for port in range(ports):
            for number in range(1, onus_per_port + 1):
                index = len(self.onus) + 1 + seed * 100_000
                serial = f"{vendor}{index:08X}" if vendor else ""
                mac = "e0:67:b3:" + ":".join(f"{(index >> shift) & 0xFF:02x}" for shift in (16, 8, 0))
                self.onus.append(SimOnu(
                    port=port, number=number, serial=serial_prefix + serial if serial else "", mac=mac,
                    rx=round(self.random.uniform(-24.5, -17.0), 2), distance=self.random.randint(300, 9000),
                ))

    # What tests and the demo switch ---------------------------------------------------------------

    def _changed(self) -> None:
        self.version += 1

    def find(self, identity: str) -> SimOnu:
        for onu in self.onus:
            if identity in (onu.serial, onu.mac):
                return onu
        raise KeyError(identity)

    def port_name(self, port: int) -> str:
        return PORT_BASES[self.profile.name][1](port)

    def tick(self) -> None:
        """Time passes: every online ONU's Rx moves a little, and drifts by its drift."""
        with self.lock:
            for onu in self.onus:
                if onu.online:
                    onu.rx = round(onu.rx + onu.drift + self.random.uniform(-0.05, 0.05), 2)
            self.uptime_ticks += 30000
            self._changed()

    def power_cut(self, identity: str) -> None:
        with self.lock:
            onu = self.find(identity)
            onu.online, onu.cause = False, "dying_gasp"
            self._changed()

    def power_back(self, identity: str) -> None:
        with self.lock:
            self.find(identity).online = True
            self._changed()

    def fibre_cut(self, port: int) -> None:
        """Every ONU of the port loses its signal at once (LOS)."""
        with self.lock:
            for onu in self.onus:
                if onu.port == port:
                    onu.online, onu.cause = False, "los"
            self._changed()

    def fibre_repair(self, port: int) -> None:
        with self.lock:
            for onu in self.onus:
                if onu.port == port and onu.cause == "los":
                    onu.online = True
            self._changed()

    def set_rx(self, identity: str, dbm: float, *, drift: float | None = None) -> None:
        with self.lock:
            onu = self.find(identity)
            onu.rx = dbm
            if drift is not None:
                onu.drift = drift
            self._changed()

    def remove(self, identity: str) -> SimOnu:
        with self.lock:
            onu = self.find(identity)
            self.onus.remove(onu)
            self._changed()
            return onu

    def add(self, onu: SimOnu) -> None:
        with self.lock:
            self.onus.append(onu)
            self._changed()

    def corrupt(self, column: str | None) -> None:
        """Serve text where the profile's `column` holds numbers (None: stop)."""
        with self.lock:
            self.corrupt_column = column
            self._changed()

    # The table ------------------------------------------------------------------------------------

    def _code(self, column, wanted: str, *, cause: str = "") -> int:
        """The vendor's code for a status or cause (the profile's map read backwards)."""
        codes = [int(code) for code, meaning in column.map.items() if meaning == wanted]
        cause_column = self.profile.columns.get("cause")
        if column.name == "status" and cause_column is not None and cause_column.oid == column.oid and wanted == "offline":
            matching = [code for code in codes if cause_column.map.get(str(code), cause_column.default) == cause]
            codes = matching or codes
        if codes:
            return codes[0]
        return 99 if column.name == "cause" else 0

    def _raw(self, column, value: float) -> int:
        return int(round((value - column.offset) / column.scale))

    def _cells(self, flat: int, onu: SimOnu) -> list[tuple[tuple[int, ...], object]]:
        profile = self.profile
        port_index, port_name = PORT_BASES[profile.name]
        rows = profile.rows
        if "index_part" in rows["port"]:
            row = (port_index(onu.port), onu.number)
        elif rows["port"].get("column") == "pon":
            row = (flat,)
        else:  # an ONU interface of its own (BDCOM): ifIndex and ifName EPON0/1:3
            row = (1000 + onu.port * 256 + onu.number,)
        out = []
        for name, column in profile.columns.items():
            if column.index == "port_onu":
                suffix = (port_index(onu.port), onu.number)
            elif column.index == "mac_suffix":
                suffix = (port_index(onu.port),) + tuple(bytes.fromhex(onu.mac.replace(":", "")))
            else:
                suffix = row
            if name == "serial":
                value = onu.serial[:4].encode() + bytes.fromhex(onu.serial[4:])
            elif name == "mac":
                value = bytes.fromhex(onu.mac.replace(":", ""))
            elif name == "ifname":
                value = f"{port_name(onu.port)}:{onu.number}"
            elif name == "pon":
                value = port_index(onu.port)
            elif name == "onu_no":
                value = onu.number
            elif name == "status":
                value = self._code(column, "online" if onu.online else "offline", cause=onu.cause)
            elif name == "cause":
                if column.oid == profile.columns["status"].oid:
                    continue
                value = self._code(column, onu.cause) if onu.cause else column.invalid[0] if column.invalid else 0
            elif name in ("rx", "tx"):
                reading = onu.rx if name == "rx" else onu.tx
                value = self._raw(column, reading) if onu.online else (column.invalid[0] if column.invalid else 0)
            elif name == "temperature":
                value = onu.temperature
            elif name == "distance":
                value = onu.distance
            else:
                continue
            if name == self.corrupt_column:
                value = "n/a"
            out.append((column.oid + suffix, value))
        return out

    def _build(self) -> None:
        cells: dict[tuple[int, ...], object] = {
            (1, 3, 6, 1, 2, 1, 1, 1, 0): self.sys_descr,
            (1, 3, 6, 1, 2, 1, 1, 3, 0): (ber.TIMETICKS, self.uptime_ticks),
        }
        for flat, onu in enumerate(self.onus, start=1):
            cells.update(self._cells(flat, onu))
        names = self.profile.port_names
        if "oid" in names:
            base = tuple(int(p) for p in names["oid"].split("."))
            port_index, port_name = PORT_BASES[self.profile.name]
            for port in range(self.ports):
                cells[base + (port_index(port),)] = port_name(port)
        if self.profile.name == "bdcom_epon":  # the PON ports' own interfaces sit in ifName too
            base = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1)
            for port in range(self.ports):
                cells[base + (PORT_BASES["bdcom_epon"][0](port),)] = PORT_BASES["bdcom_epon"][1](port)
        self._oids = sorted(cells)
        self._encoded = [ber.enc_varbind(oid, cells[oid]) for oid in self._oids]
        self._values = [cells[oid] for oid in self._oids]
        self._built = self.version

    def value_at(self, oid: tuple[int, ...], *, following: bool) -> tuple[tuple[int, ...], object]:
        """(oid, value) of the cell at `oid` (Get; ber.NO_SUCH when there is none) or of the one after it
        (GetNext; ber.END past the last): what the SNMPv3 agent serves."""
        with self.lock:
            if self._built != self.version:
                self._build()
            if not following:
                at = bisect.bisect_left(self._oids, oid)
                found = at < len(self._oids) and self._oids[at] == oid
                return (oid, self._values[at]) if found else (oid, ber.NO_SUCH)
            at = bisect.bisect_right(self._oids, oid)
            return (self._oids[at], self._values[at]) if at < len(self._oids) else (oid, ber.END)

    def lookup(self, oids: list[tuple[int, ...]], kind: int, max_repetitions: int = 1) -> list[bytes]:
        """Encoded variable bindings answering a Get, GetNext or GetBulk (one repeater per OID)."""
        with self.lock:
            if self._built != self.version:
                self._build()
            answer = []
            for oid in oids:
                if kind == ber.GET:
                    at = bisect.bisect_left(self._oids, oid)
                    found = at < len(self._oids) and self._oids[at] == oid
                    answer.append(self._encoded[at] if found else ber.enc_varbind(oid, ber.NO_SUCH))
                    continue
                at = bisect.bisect_right(self._oids, oid)
                count = 1 if kind == ber.GET_NEXT else max(1, min(max_repetitions, 500))
                for step in range(count):
                    if at + step >= len(self._oids):
                        answer.append(ber.enc_varbind(oid, ber.END))
                        break
                    answer.append(self._encoded[at + step])
            return answer
