"""Signal thresholds per vendor profile: staff's row (Settings → Fibre) or the profile's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import Onu, SignalThreshold
from .profiles import profile_get


@dataclass(frozen=True)
class Thresholds:
    rx_warning_dbm: Decimal
    rx_critical_dbm: Decimal
    rx_overload_dbm: Decimal
    drift_db: Decimal

    def installable(self, rx: Decimal | None) -> bool:
        """An installation may be completed with this Rx: at or above the warning line, below overload."""
        return rx is not None and self.rx_warning_dbm <= rx <= self.rx_overload_dbm


def thresholds_for(profile: str) -> Thresholds:
    row = SignalThreshold.objects.filter(profile=profile).first()
    if row is not None:
        return Thresholds(row.rx_warning_dbm, row.rx_critical_dbm, row.rx_overload_dbm, row.drift_db)
    defaults = profile_get(profile).thresholds
    return Thresholds(*(Decimal(str(defaults[name])) for name in ("rx_warning_dbm", "rx_critical_dbm", "rx_overload_dbm", "drift_db")))


def classify(rx: Decimal | None, thresholds: Thresholds) -> str:
    if rx is None:
        return Onu.Signal.NONE
    if rx > thresholds.rx_overload_dbm:
        return Onu.Signal.OVERLOAD
    if rx < thresholds.rx_critical_dbm:
        return Onu.Signal.CRITICAL
    if rx < thresholds.rx_warning_dbm:
        return Onu.Signal.WARNING
    return Onu.Signal.OK
