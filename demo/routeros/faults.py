"""Faults a test or the demo can switch on for one simulated router.

Network-level faults (refusing connections, going down, rebooting) live on
``SimulatedRouter`` because they act on sockets; this holds the ones applied
to each command's reply. Settings are read by the event loop thread and written
from any thread, hence the lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

ANY_COMMAND = "*"  # matches every command except /login


@dataclass
class TrapFault:
    command: str
    message: str
    category: int | None
    remaining: int | None  # None: every time


@dataclass
class DropFault:
    command: str
    after_rows: int
    remaining: int | None


def _matches(pattern: str, command: str) -> bool:
    return pattern == command or (pattern == ANY_COMMAND and command != "/login")


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latency = 0.0
        self._traps: list[TrapFault] = []
        self._drops: list[DropFault] = []

    def set_latency(self, seconds: float) -> None:
        """Wait this long before answering each command (login included)."""
        self.latency = max(0.0, float(seconds))

    def inject_trap(self, command: str, message: str, category: int | None = None, times: int | None = 1) -> None:
        """Answer ``command`` (e.g. ``/ppp/secret/add``, or ``*``) with ``!trap`` instead of running it."""
        with self._lock:
            self._traps.append(TrapFault(command, message, category, times))

    def drop_mid_reply(self, command: str, after_rows: int = 1, times: int | None = 1) -> None:
        """Run ``command``, send ``after_rows`` rows and half of the next sentence, then close the connection."""
        with self._lock:
            self._drops.append(DropFault(command, max(0, after_rows), times))

    def clear(self) -> None:
        with self._lock:
            self.latency = 0.0
            self._traps.clear()
            self._drops.clear()

    def take_trap(self, command: str) -> TrapFault | None:
        with self._lock:
            return self._take(self._traps, command)

    def take_drop(self, command: str) -> DropFault | None:
        with self._lock:
            return self._take(self._drops, command)

    @staticmethod
    def _take(faults: list, command: str):
        for fault in faults:
            if _matches(fault.command, command):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        faults.remove(fault)
                return fault
        return None
