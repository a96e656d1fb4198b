"""Vendor profiles: which OIDs of an OLT give its PON ports and ONUs, read from one JSON file per
vendor family in fibre/profiles/ (docs/fibre.md cites the MIBs each comes from).

A profile names the columns to walk and how to read them (`type`, `scale`, `offset`, values that
mean "no reading", a `map` from the vendor's codes to our statuses and causes), and how a row of the
ONU table gives its PON port and ONU number: parts of the row's index (Huawei, ZTE: PON ifIndex .
ONU id), other columns of the row (V-SOL), or a pattern on the ONU's interface name (BDCOM).
`assemble` turns the walked tables into `OnuReading`s, refusing values of the wrong type with
`ProfileDataError` rather than guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from .ber import parse_oid

DIRECTORY = Path(__file__).resolve().parent / "profiles"
STATUSES = ("online", "offline")
CAUSES = ("los", "dying_gasp", "other")


class UnknownProfile(ValueError):
    """An OLT names a vendor profile with no file in fibre/profiles/."""


class ProfileDataError(ValueError):
    """The OLT answered, but not with what its profile says its tables hold."""


@dataclass(frozen=True)
class Column:
    name: str
    oid: tuple[int, ...]
    type: str = "int"
    scale: float = 1.0
    offset: float = 0.0
    invalid: tuple = ()
    map: dict = field(default_factory=dict)
    default: str = ""
    index: str = "row"


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    technology: str
    mib: str
    sources: tuple[str, ...]
    thresholds: dict
    rows: dict
    port_names: dict
    columns: dict[str, Column]

    def walk_oids(self) -> list[tuple[int, ...]]:
        oids = {column.oid for column in self.columns.values()}
        if "oid" in self.port_names:
            oids.add(parse_oid(self.port_names["oid"]))
        return sorted(oids)


def _load(path: Path) -> Profile:
    data = json.loads(path.read_text())
    columns = {
        name: Column(
            name=name, oid=parse_oid(spec["oid"]), type=spec.get("type", "int"), scale=float(spec.get("scale", 1)),
            offset=float(spec.get("offset", 0)), invalid=tuple(spec.get("invalid", ())), map=dict(spec.get("map", {})),
            default=spec.get("default", ""), index=spec.get("index", "row"),
        )
        for name, spec in data["columns"].items()
    }
    profile = Profile(
        name=data["name"], label=data["label"], technology=data["technology"], mib=data["mib"], sources=tuple(data["sources"]),
        thresholds=data["thresholds"], rows=data["rows"], port_names=data["port_names"], columns=columns,
    )
    if profile.name != path.stem:
        raise ValueError(f"{path.name}: the profile's name must be its file name")
    if profile.rows["identity"] not in columns or "status" not in columns:
        raise ValueError(f"{path.name}: a profile needs its identity column and a status column")
    return profile


@cache
def profiles() -> dict[str, Profile]:
    return {profile.name: profile for profile in map(_load, sorted(DIRECTORY.glob("*.json")))}


def profile_get(name: str) -> Profile:
    try:
        return profiles()[name]
    except KeyError:
        raise UnknownProfile(_("There is no vendor profile “%(name)s”; known profiles: %(known)s.") % {
            "name": name, "known": ", ".join(sorted(profiles()))})


def profile_choices() -> list[tuple[str, str]]:
    return [(profile.name, profile.label) for profile in profiles().values()]


# Reading the tables --------------------------------------------------------------------------------


@dataclass
class OnuReading:
    key: str
    port_key: str
    port_name: str
    number: int
    serial: str = ""
    mac: str = ""
    status: str = "offline"
    cause: str = ""
    rx: Decimal | None = None
    tx: Decimal | None = None
    distance: int | None = None
    temperature: Decimal | None = None


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    if isinstance(value, int):
        return str(value)
    raise ProfileDataError(_("a text value was expected, the OLT sent %(value)r") % {"value": value})


def format_mac(value) -> str:
    if isinstance(value, bytes) and len(value) == 6:
        return ":".join(f"{b:02x}" for b in value)
    digits = re.sub(r"[^0-9a-fA-F]", "", _text(value))
    if len(digits) != 12:
        raise ProfileDataError(_("not a MAC address: %(value)r") % {"value": value})
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2)).lower()


def format_serial(value) -> str:
    """A GPON serial: four letters of vendor id and eight hex digits (HWTC1A2B3C4D)."""
    if isinstance(value, bytes) and len(value) == 8 and value[:4].isalpha():
        return (value[:4].decode() + value[4:].hex()).upper()
    text = _text(value).replace("-", "").upper()
    if not re.fullmatch(r"[A-Z0-9]{8,16}", text):
        raise ProfileDataError(_("not an ONU serial: %(value)r") % {"value": value})
    return text


def _number(column: Column, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProfileDataError(_("%(column)s: a number was expected, the OLT sent %(value)r") % {"column": column.name, "value": value})
    if value in column.invalid:
        return None
    return value


def _reading(column: Column, value) -> Decimal | None:
    number = _number(column, value)
    if number is None:
        return None
    return Decimal(str(round(number * column.scale + column.offset, 2)))


def _place(spec: dict, row: tuple[int, ...], cells: dict[str, object]) -> str:
    if "index_part" in spec:
        part = spec["index_part"]
        if len(row) <= part:
            raise ProfileDataError(_("an ONU row index is shorter than the profile says: %(row)s") % {"row": row})
        return str(row[part])
    value = cells.get(spec["column"])
    if value is None:
        raise ProfileDataError(_("ONU row %(row)s has no %(column)s") % {"row": ".".join(map(str, row)), "column": spec["column"]})
    if "pattern" in spec:
        matched = re.match(spec["pattern"], _text(value))
        if not matched:
            raise ProfileDataError(_("ONU row %(row)s: %(value)r is not an ONU interface") % {"row": ".".join(map(str, row)), "value": value})
        return matched.group(spec["group"])
    if not isinstance(value, int):
        _text(value)
    return str(value if isinstance(value, int) else _text(value))


def assemble(profile: Profile, tables: dict[tuple[int, ...], dict]) -> list[OnuReading]:
    """The ONUs in one poll's tables ({column OID: {row suffix: value}})."""
    by_name = {name: tables.get(column.oid, {}) for name, column in profile.columns.items()}
    row_columns = {name: rows for name, rows in by_name.items() if profile.columns[name].index == "row"}
    by_mac_suffix = {
        name: {format_mac(bytes(suffix[-6:])): value for suffix, value in rows.items() if len(suffix) >= 6}
        for name, rows in by_name.items() if profile.columns[name].index == "mac_suffix"
    }
    port_rows = tables.get(parse_oid(profile.port_names["oid"]), {}) if "oid" in profile.port_names else {}
    readings = []
    for row in sorted(by_name[profile.rows["identity"]]):
        cells = {name: rows[row] for name, rows in row_columns.items() if row in rows}
        port_key = _place(profile.rows["port"], row, cells)
        number = int(_place(profile.rows["onu"], row, cells))
        if "oid" in profile.port_names:
            name = port_rows.get(tuple(int(p) for p in port_key.split(".")))
            port_name = _text(name) if name is not None else f"PON {port_key}"
        elif "format" in profile.port_names:
            port_name = profile.port_names["format"].format(key=port_key)
        else:
            port_name = port_key
        reading = OnuReading(key=".".join(map(str, row)), port_key=port_key, port_name=port_name, number=number)
        identity = profile.rows["identity"]
        if identity == "serial":
            reading.serial = format_serial(cells["serial"])
        if "mac" in profile.columns and "mac" in cells:
            reading.mac = format_mac(cells["mac"])
            if identity == "mac":
                reading.serial = reading.mac.replace(":", "").upper()
        for name, column in profile.columns.items():
            if column.index == "port_onu":
                value = by_name[name].get(tuple(int(p) for p in port_key.split(".")) + (number,))
            elif column.index == "mac_suffix":
                value = by_mac_suffix[name].get(reading.mac)
            else:
                value = cells.get(name)
            if value is None:
                continue
            if name == "status":
                code = _number(column, value)
                reading.status = column.map.get(str(code), "offline")
            elif name == "cause":
                code = _number(column, value)
                reading.cause = column.map.get(str(code), column.default) if code is not None else ""
            elif name in ("rx", "tx", "temperature"):
                setattr(reading, name, _reading(column, value))
            elif name == "distance":
                reading.distance = _number(column, value)
        if reading.status == "online":
            reading.cause = ""
        elif "cause" not in profile.columns:
            reading.cause = "unknown"
        elif not reading.cause:
            reading.cause = "other"
        if reading.status != "online":
            reading.rx = reading.tx = None  # an offline ONU's last reading is the OLT's stale cache
        readings.append(reading)
    return readings
