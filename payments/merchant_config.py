"""A gateway merchant's configuration as the flows use it (online.py for SSLCommerz, bkash_flow.py,
nagad_flow.py), written once: the fields every gateway has, reading them from the gateway's settings
row (Settings → Payment gateways) over the environment, and one HTTP pool per gateway host.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal

import urllib3
from django.conf import settings

from .fees import Charge, fee_charge


@dataclass(frozen=True, kw_only=True)
class MerchantConfig:
    """A merchant as the flows use it. Each gateway's config adds its credentials as fields: all of them
    must be set (and a base URL) for the gateway to be offered."""

    enabled: bool
    base_url: str
    fee_percent: Decimal = Decimal("0.00")
    fee_passed: bool = False
    branch_ids: frozenset = frozenset()

    @property
    def ready(self) -> bool:
        credentials = (field.name for field in fields(self) if field.name not in MerchantConfig.__dataclass_fields__)
        return self.enabled and bool(self.base_url) and all(getattr(self, name) for name in credentials)

    def charge(self, owed: Decimal) -> Charge:
        """What the customer pays for `owed` by this merchant's fee rule."""
        return fee_charge(owed=owed, percent=self.fee_percent, passed=self.fee_passed)


def base_url_default(*, configured: str, sandbox: bool, sandbox_path: str) -> str:
    """The base URL the environment names; else this site's emulator when in sandbox mode; else none."""
    if configured:
        return configured
    if sandbox:
        return settings.SITE_URL.rstrip("/") + sandbox_path
    return ""


def merchant_fields(row, *, enabled: bool, fee_percent: Decimal, fee_passed: bool,
                    **fields: tuple[str, str]) -> dict:
    """A config's fields from the settings row (None: never saved): `fields` maps each config field to
    (the row's field, the environment's value), an empty row field falling back to the environment.
    `enabled` and the fee are the row's when there is one, else the environment's."""
    values = {name: (getattr(row, column) if row else "") or fallback for name, (column, fallback) in fields.items()}
    if row is None:
        return {**values, "enabled": enabled, "fee_percent": fee_percent, "fee_passed": fee_passed, "branch_ids": frozenset()}
    return {**values, "enabled": row.enabled, "fee_percent": row.fee_percent, "fee_passed": row.fee_passed,
            "branch_ids": frozenset(row.branches.values_list("pk", flat=True))}


# One keep-alive pool per gateway base URL for the whole process (threads share it): a notification's
# validation call reuses a connection instead of opening one.
_http_pools: dict[str, urllib3.PoolManager] = {}


def shared_pool(base_url: str, make: Callable[[str], urllib3.PoolManager]) -> urllib3.PoolManager | None:
    """The process's pool for a gateway's base URL, made by `make` the first time; None without a URL."""
    if not base_url:
        return None
    pool = _http_pools.get(base_url)
    if pool is None:
        pool = _http_pools.setdefault(base_url, make(base_url))
    return pool
