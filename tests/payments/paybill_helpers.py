"""Signing and sending bKash Pay Bill requests as bKash does (payments/paybill.py's protocol)."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.urls import reverse

from billing.models import Allocation, Invoice, LedgerEntry
from billing.selectors import account_balance
from payments import paybill
from payments.models import Payment


def signed_headers(path: str, body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = paybill.sign(secret=secret or settings.BKASH_PAYBILL_SECRET, timestamp=stamp, path=path, body=body)
    return {"HTTP_X_PAYBILL_TIMESTAMP": stamp, "HTTP_X_PAYBILL_SIGNATURE": signature}


def send(client, endpoint: str, data, *, raw: bytes | None = None, remote_addr: str = "127.0.0.1", **sign_kwargs):
    """POST `data` (or `raw` bytes) to /pay/bkash/paybill/<endpoint>/, signed unless headers are given."""
    path = reverse(f"bkash-paybill-{endpoint}")
    body = raw if raw is not None else json.dumps(data).encode()
    headers = sign_kwargs.pop("headers", None)
    if headers is None:
        headers = signed_headers(path, body, **sign_kwargs)
    return client.post(path, data=body, content_type="application/json", REMOTE_ADDR=remote_addr, **headers)


def notification(customer, trx_id: str = "BKP0000001", amount: str = "1000.00", **extra) -> dict:
    return {"trxID": trx_id, "accountNumber": customer.account_number, "amount": amount, "currency": "BDT",
            "payerMsisdn": "01770000000", **extra}


def money_state() -> dict:
    """Everything a payment would move: compared before and after a refused request."""
    return {
        "payments": Payment.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "allocations": Allocation.objects.count(),
        "invoices": sorted(Invoice.objects.values_list("pk", "status", "amount_paid")),
        "balances": sorted((p.customer_id, account_balance(customer_id=p.customer_id)) for p in Invoice.objects.all()),
    }
