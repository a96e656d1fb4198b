"""Who a customer deals with, for their documents and messages: a registry the apps above fill in.

The ISP sells some connections through resellers (the `resellers` app, high in the layering), yet
invoices are drawn by `billing` and SMS sent by `ispbill/notify`, both below it. So resellers register a
resolver here at start-up (ResellersConfig.ready) and billing and notify ask the registry, never the
resellers app: `brands_for_customers([ids])` → {customer id: Brand} for the customers that have one.

The ISP's own name and phone, the brand every other customer deals with, are kept in Settings →
Billing; billing registers their reader here too (BillingConfig.ready), so notify signs its messages
with them without importing billing: `isp_brand()`.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Brand:
    name: str
    # Shown on invoices, receipts and statements (PDF and portal) when set.
    on_documents: bool = False
    logo_path: Path | None = None
    # The SMS sender id (masking) the customer's messages go out under, where the SMS gateway takes one.
    sms_sender_id: str = ""
    phone: str = ""

    def logo_data_uri(self) -> str:
        """The logo inline, for web pages (media files are not served by the web app)."""
        if self.logo_path is None:
            return ""
        try:
            content = self.logo_path.read_bytes()
        except OSError:
            return ""
        kind = mimetypes.guess_type(self.logo_path.name)[0] or "image/png"
        return f"data:{kind};base64,{base64.b64encode(content).decode()}"


Resolver = Callable[[list[int]], dict[int, Brand]]
_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def brands_for_customers(customer_ids: Iterable[int]) -> dict[int, Brand]:
    ids = [pk for pk in set(customer_ids) if pk]
    found: dict[int, Brand] = {}
    if not ids:
        return found
    for resolver in _resolvers:
        for customer_id, brand in resolver(ids).items():
            found.setdefault(customer_id, brand)
    return found


def brand_for_customer(customer_id: int | None) -> Brand | None:
    return brands_for_customers([customer_id]).get(customer_id) if customer_id else None


_isp_readers: list[Callable[[], Brand]] = []


def register_isp(reader: Callable[[], Brand]) -> None:
    if reader not in _isp_readers:
        _isp_readers.append(reader)


def isp_brand() -> Brand | None:
    """The ISP's own name and phone as saved (None before billing is loaded: a bare kernel)."""
    return _isp_readers[0]() if _isp_readers else None
