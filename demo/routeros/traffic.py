"""Byte counters that grow with time, computed only when read.

A counter holds what it had at its last change (``since``) plus a rate; the
value at any later moment is that base plus the integral of the rate. The rate
wobbles slowly around its mean so that traffic graphs are not ruler-straight,
and the integral has a closed form, so reading 2,000 counters costs 2,000
small sums and no background work.
"""

from __future__ import annotations

import math
import random

WOBBLE = 0.35  # the rate swings between 65% and 135% of its mean
UPLOAD_PACKET_BYTES = 600
DOWNLOAD_PACKET_BYTES = 1200


class Shape:
    """A slow, deterministic rhythm seeded from a name, shared by counters of the same customer."""

    __slots__ = ("angular", "phase")

    def __init__(self, seed_text: str) -> None:
        rng = random.Random(seed_text)
        period = rng.uniform(600, 1800)
        self.angular = 2 * math.pi / period
        self.phase = rng.uniform(0, 2 * math.pi)

    def integral(self, start: float, end: float) -> float:
        """∫(1 + WOBBLE·sin(ωt + φ)) dt from start to end: always ≥ 0.65·(end - start)."""
        if end <= start:
            return 0.0
        cos_start = math.cos(self.angular * start + self.phase)
        cos_end = math.cos(self.angular * end + self.phase)
        return (end - start) + WOBBLE * (cos_start - cos_end) / self.angular


class Counter:
    """An upload/download byte pair. Rates are mean bytes per second."""

    __slots__ = ("shape", "up", "down", "rate_up", "rate_down", "since")

    def __init__(self, shape: Shape, now: float) -> None:
        self.shape = shape
        self.up = 0.0
        self.down = 0.0
        self.rate_up = 0.0
        self.rate_down = 0.0
        self.since = now

    def read(self, now: float) -> tuple[int, int]:
        if (self.rate_up or self.rate_down) and now > self.since:
            span = self.shape.integral(self.since, now)
            return int(self.up + self.rate_up * span), int(self.down + self.rate_down * span)
        return int(self.up), int(self.down)

    def packets(self, now: float) -> tuple[int, int]:
        up, down = self.read(now)
        return up // UPLOAD_PACKET_BYTES, down // DOWNLOAD_PACKET_BYTES

    def current_rate_bits(self, now: float) -> tuple[int, int]:
        factor = 1 + WOBBLE * math.sin(self.shape.angular * now + self.shape.phase)
        return int(self.rate_up * factor * 8), int(self.rate_down * factor * 8)

    def set_rate(self, now: float, rate_up: float, rate_down: float) -> None:
        if now > self.since and (self.rate_up or self.rate_down):
            span = self.shape.integral(self.since, now)
            self.up += self.rate_up * span
            self.down += self.rate_down * span
        self.since = max(now, self.since)
        self.rate_up = rate_up
        self.rate_down = rate_down

    def reset(self, now: float) -> None:
        self.up = 0.0
        self.down = 0.0
        self.since = now
