"""Polling an OLT: read everything over SNMP first, then write it in one transaction, set-based.

`olt_poll` is what the Celery task (through usecases/fibre_poll.py) runs for one OLT every five
minutes. It reads the profile's tables (fibre/snmp.py), turns them into readings
(fibre/profiles.py), and only then writes: new PON ports and ONUs, every ONU's status, cause and
optics (one statement), a status event per change, one sample per ONU. A timeout, a malformed
answer, a table that does not match the profile or an unknown profile raises `PollError` with the
reason, which is stored on the OLT; no ONU, event or sample is written for that poll.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import sql
from .models import Olt, Onu, OnuStatusEvent, PonPort
from .profiles import OnuReading, ProfileDataError, UnknownProfile, assemble, profile_get
from .snmp import SnmpError, Target, read_tables
from .thresholds import Thresholds, classify, thresholds_for


def _snmp_run(reader, *args):
    """Run an SNMP reader (a coroutine function) to its end from synchronous code. A caller already
    inside a running event loop (an async view; Playwright's sync API holds one in the browser tests'
    thread) cannot asyncio.run() in its own thread, so the reader gets a thread and a loop of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(reader(*args))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(reader(*args))).result()

LEASE = timedelta(minutes=4)
# A PON port is dark when at least this many of its ONUs, and this share of those it had online,
# lost their signal (LOS) since the port was last fine.
DARK_MIN_ONUS = 3
DARK_SHARE = Decimal("0.8")


class PollError(Exception):
    """An OLT's poll that wrote nothing: the reason is stored on the OLT (last_error) for staff."""


@dataclass
class PollResult:
    olt_id: int
    onus: int = 0
    online: int = 0
    created: int = 0
    moved: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    went_dark: list[tuple[int, str]] = field(default_factory=list)  # (onu id, cause)
    came_back: list[int] = field(default_factory=list)
    ports_dark: list[int] = field(default_factory=list)  # PON ports that went dark in this poll
    ports_restored: list[int] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)
    seconds: float = 0.0


def target_for(olt: Olt) -> Target:
    return Target(
        host=olt.host, port=olt.snmp_port, version=olt.snmp_version, community=olt.community, v3_user=olt.v3_user,
        v3_auth_protocol=olt.v3_auth_protocol, v3_auth_key=olt.v3_auth_key, v3_priv_protocol=olt.v3_priv_protocol,
        v3_priv_key=olt.v3_priv_key, timeout=float(olt.timeout_seconds), retries=olt.retries,
    )


def _claim(olt_id: int, now: datetime) -> bool:
    return bool(Olt.objects.filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now), pk=olt_id, is_active=True)
                .update(poll_lease_until=now + LEASE))


def _failed(olt: Olt, *, now: datetime, error: str) -> None:
    Olt.objects.filter(pk=olt.pk).update(is_online=False, last_checked_at=now, last_error=error[:2000], poll_lease_until=None)


def read_olt(olt: Olt) -> tuple[dict, list[OnuReading]]:
    """Everything the OLT says, or PollError (nothing is written here)."""
    try:
        profile = profile_get(olt.profile)
    except UnknownProfile as error:
        raise PollError(str(error))
    try:
        system, tables = _snmp_run(read_tables, target_for(olt), profile.walk_oids())
        return system, assemble(profile, tables)
    except SnmpError as error:
        raise PollError(str(error))
    except ProfileDataError as error:
        raise PollError(f"the OLT's answer does not match the {profile.label} profile: {error}")


def olt_poll(*, olt_id: int, now: datetime | None = None) -> PollResult | None:
    """Poll one OLT; None when another poll holds it. Raises PollError after recording it on the OLT."""
    now = now or timezone.now()
    if not _claim(olt_id, now):
        return None
    olt = Olt.objects.get(pk=olt_id)
    started = time.monotonic()
    try:
        system, readings = read_olt(olt)
    except PollError as error:
        _failed(olt, now=now, error=str(error))
        raise
    try:
        with transaction.atomic():
            result = _write(olt, readings, now=now, thresholds=thresholds_for(olt.profile))
            descr = system.get((1, 3, 6, 1, 2, 1, 1, 1, 0), b"")
            uptime = system.get((1, 3, 6, 1, 2, 1, 1, 3, 0))
            result.seconds = time.monotonic() - started
            Olt.objects.filter(pk=olt.pk).update(
                is_online=True, last_seen_at=now, last_checked_at=now, last_polled_at=now, last_error="", poll_lease_until=None,
                sys_descr=(descr.decode("utf-8", "replace") if isinstance(descr, bytes) else str(descr))[:255],
                sys_uptime_seconds=uptime // 100 if isinstance(uptime, int) else None, last_poll_ms=int(result.seconds * 1000),
            )
    except Exception as error:
        _failed(olt, now=now, error=f"writing the poll failed: {error}")
        raise
    return result


def _ports(olt: Olt, readings: list[OnuReading]) -> dict[str, PonPort]:
    ports = {port.key: port for port in PonPort.objects.filter(olt=olt)}
    names = {reading.port_key: reading.port_name for reading in readings}
    new = [PonPort(olt=olt, key=key, name=name) for key, name in names.items() if key not in ports]
    if new:
        PonPort.objects.bulk_create(new)
        ports = {port.key: port for port in PonPort.objects.filter(olt=olt)}
    renamed = [port for key, port in ports.items() if key in names and port.name != names[key]]
    for port in renamed:
        port.name = names[port.key]
    if renamed:
        PonPort.objects.bulk_update(renamed, ["name"])
    return ports


def _write(olt: Olt, readings: list[OnuReading], *, now: datetime, thresholds: Thresholds) -> PollResult:
    result = PollResult(olt_id=olt.pk)
    ports = _ports(olt, readings)
    existing = {onu.key: onu for onu in Onu.objects.filter(olt=olt)}
    seen_keys = {reading.key for reading in readings}

    # Another ONU under a known key (a swap: the OLT gave the new ONU the old one's id): the old row
    # leaves the OLT's table (missing, its history kept) and the new ONU is a row of its own.
    replaced = [existing[r.key] for r in readings if r.key in existing and r.serial and existing[r.key].serial
                and existing[r.key].serial != r.serial]
    for onu in replaced:
        Onu.objects.filter(pk=onu.pk).update(key=f"gone-{onu.pk}", status=Onu.Status.MISSING, status_changed_at=now, signal="")
        OnuStatusEvent.objects.create(onu_id=onu.pk, at=now, status=Onu.Status.MISSING, cause="")
        result.missing.append(onu.pk)
        del existing[onu.key]

    # ONUs that appear under a new key: the same serial elsewhere (another port or OLT) has moved here.
    fresh = [reading for reading in readings if reading.key not in existing]
    if fresh:
        by_serial = {
            onu.serial: onu for onu in Onu.objects.filter(serial__in=[r.serial for r in fresh if r.serial]).exclude(olt=olt, key__in=seen_keys)
        }
        created = []
        for reading in fresh:
            onu = by_serial.get(reading.serial) if reading.serial else None
            if onu is not None:
                Onu.objects.filter(pk=onu.pk).update(olt=olt, key=reading.key, moved_from=onu.pon_port_id, moved_at=now)
                onu.olt, onu.key = olt, reading.key
                existing[reading.key] = onu
                result.moved.append(onu.pk)
            else:
                created.append(Onu(
                    olt=olt, pon_port=ports[reading.port_key], key=reading.key, number=reading.number, serial=reading.serial,
                    mac=reading.mac, status=Onu.Status.OFFLINE if reading.status != "online" else Onu.Status.ONLINE,
                    down_cause=reading.cause, status_changed_at=now, last_seen_at=now,
                ))
        if created:
            Onu.objects.bulk_create(created)
            result.created = len(created)
            for onu in Onu.objects.filter(olt=olt, key__in=[onu.key for onu in created]):
                existing[onu.key] = onu
                result.unmatched.append(onu.pk)

    rows, events, samples = [], [], []
    for reading in readings:
        onu = existing[reading.key]
        status = Onu.Status.ONLINE if reading.status == "online" else Onu.Status.OFFLINE
        changed = onu.status != status
        if changed or onu.status_changed_at is None:
            events.append(OnuStatusEvent(onu_id=onu.pk, at=now, status=status, cause=reading.cause))
            if status == Onu.Status.ONLINE:
                result.came_back.append(onu.pk)
            else:
                result.went_dark.append((onu.pk, reading.cause))
        signal = classify(reading.rx, thresholds) if status == Onu.Status.ONLINE else ""
        rows.append((
            onu.pk, status, reading.cause, now if changed else onu.status_changed_at or now, reading.rx, reading.tx,
            reading.distance, reading.temperature, signal, now, ports[reading.port_key].pk, reading.number, reading.serial or onu.serial,
            reading.mac or onu.mac,
        ))
        samples.append((onu.pk, status == Onu.Status.ONLINE, _float(reading.rx), _float(reading.tx), _float(reading.temperature)))
        result.online += status == Onu.Status.ONLINE
    result.onus = len(readings)

    # ONUs the OLT no longer lists.
    moved = set(result.moved)
    gone = [onu for key, onu in existing.items()
            if key not in seen_keys and onu.pk not in moved and onu.status != Onu.Status.MISSING and onu.olt_id == olt.pk]
    for onu in gone:
        events.append(OnuStatusEvent(onu_id=onu.pk, at=now, status=Onu.Status.MISSING, cause=""))
        result.missing.append(onu.pk)
    if gone:
        Onu.objects.filter(pk__in=[onu.pk for onu in gone]).update(status=Onu.Status.MISSING, status_changed_at=now, signal="")

    sql.onus_update(rows)
    OnuStatusEvent.objects.bulk_create(events, batch_size=2000)
    sql.samples_insert(at=now, samples=samples)
    _port_states(olt, readings, existing, ports, now=now, result=result)
    return result


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _port_states(olt, readings, existing, ports, *, now, result) -> None:
    """Counts per port, and which went dark (a fibre cut: most of its ONUs on LOS) or came back."""
    per_port: dict[str, list[OnuReading]] = {}
    for reading in readings:
        per_port.setdefault(reading.port_key, []).append(reading)
    changed = []
    for key, port_readings in per_port.items():
        port = ports[key]
        total = len(port_readings)
        online = sum(r.status == "online" for r in port_readings)
        los = sum(r.status != "online" and r.cause in ("los", "unknown") for r in port_readings)
        dark = los >= DARK_MIN_ONUS and Decimal(los) >= DARK_SHARE * total
        fields = (port.onus_total, port.onus_online, port.dark_since)
        port.onus_total, port.onus_online = total, online
        if dark and port.dark_since is None:
            port.dark_since = now
            result.ports_dark.append(port.pk)
        elif not dark and port.dark_since is not None and online * 2 >= total:
            port.dark_since = None
            result.ports_restored.append(port.pk)
        if fields != (port.onus_total, port.onus_online, port.dark_since):
            changed.append(port)
    if changed:
        PonPort.objects.bulk_update(changed, ["onus_total", "onus_online", "dark_since"])


def olt_check_health(*, olt_id: int, now: datetime | None = None) -> bool:
    """'Test connection' and the health job: sysDescr and sysUpTime only; the OLT's health fields."""
    from .snmp import read_system

    now = now or timezone.now()
    olt = Olt.objects.get(pk=olt_id)
    try:
        system = _snmp_run(read_system, target_for(olt))
    except SnmpError as error:
        Olt.objects.filter(pk=olt.pk).update(is_online=False, last_checked_at=now, last_error=str(error)[:2000])
        return False
    descr = system.get((1, 3, 6, 1, 2, 1, 1, 1, 0), b"")
    uptime = system.get((1, 3, 6, 1, 2, 1, 1, 3, 0))
    Olt.objects.filter(pk=olt.pk).update(
        is_online=True, last_seen_at=now, last_checked_at=now, last_error="",
        sys_descr=(descr.decode("utf-8", "replace") if isinstance(descr, bytes) else str(descr))[:255],
        sys_uptime_seconds=uptime // 100 if isinstance(uptime, int) else None,
    )
    return True
