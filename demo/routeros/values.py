"""RouterOS value formats: booleans, durations, bit rates, addresses."""

from __future__ import annotations

import ipaddress
import re

TRUE_WORDS = frozenset({"yes", "true"})
FALSE_WORDS = frozenset({"no", "false"})

_DURATION_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 0.001}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|w|d|h|m|s)")
_CLOCK = re.compile(r"(?:(\d+)d\s*)?(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d+))?")
_RATE = re.compile(r"(\d+(?:\.\d+)?)([kKMG]?)")
_RATE_UNITS = {"": 1, "k": 1_000, "K": 1_000, "M": 1_000_000, "G": 1_000_000_000}


def parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def wire_bool(value: bool) -> str:
    return "true" if value else "false"


def format_duration(seconds: float) -> str:
    """RouterOS's API spelling of a duration: ``1w2d3h4m5s``, ``2h3m4s``, ``0s``."""
    remaining = int(seconds)
    if remaining <= 0:
        return "0s"
    parts = []
    for unit in ("w", "d", "h", "m", "s"):
        size = _DURATION_UNITS[unit]
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def parse_duration(text: str) -> float | None:
    """Seconds in ``1w2d3h4m5s``, ``1d 00:05:00``, ``00:05:00`` or a bare number of seconds."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    clock = _CLOCK.fullmatch(text)
    if clock:
        days, hours, minutes, secs, _fraction = clock.groups()
        return int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(secs)
    total = 0.0
    position = 0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(text) or position == 0:
        return None
    return total


def parse_rate(text: str) -> int | None:
    """Bits per second in ``10M``, ``512k``, ``1G`` or ``1500000``."""
    match = _RATE.fullmatch(text.strip())
    if not match:
        return None
    return int(float(match.group(1)) * _RATE_UNITS[match.group(2)])


def parse_rate_pair(text: str) -> tuple[int, int] | None:
    """(upload, download) bits per second from ``max-limit`` or the first pair of ``rate-limit``.

    ``10M/20M`` is 10M up and 20M down, seen from the customer: RouterOS writes
    rx/tx from the router's side, and the router receives what the customer sends.
    A single value limits both directions. Burst settings after a space are ignored.
    """
    first = text.strip().split(" ", 1)[0]
    if not first:
        return None
    up_text, _, down_text = first.partition("/")
    up = parse_rate(up_text)
    down = parse_rate(down_text) if down_text else up
    if up is None or down is None:
        return None
    return up, down


def ip_address_or_none(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def normalize_host_address(text: str) -> str:
    """``10.0.0.5/32`` → ``10.0.0.5``; networks, ranges and names are left alone."""
    text = text.strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return text
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def normalize_queue_target(text: str) -> str:
    """Queue targets as RouterOS prints them: host addresses get their ``/32``."""
    parts = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        address = ip_address_or_none(part)
        if address is not None:
            part = f"{address}/{address.max_prefixlen}"
        parts.append(part)
    return ",".join(parts)


def queue_target_tokens(target: str) -> list[str]:
    """What a queue target can match a PPP session by: ``<pppoe-name>`` or a host address."""
    return [normalize_host_address(part) for part in target.split(",") if part.strip()]
