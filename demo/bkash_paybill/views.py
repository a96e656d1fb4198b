"""An emulated bKash app, Pay Bill menu only: the customer picks the ISP as biller, enters their
account number (or registered phone), sees the masked name and the amount due that our look-up
answers, enters an amount and their PIN, and "bKash" notifies us of the payment — signed as the
biller protocol says (docs/payments.md, "bKash Pay Bill").

It is a protocol peer, not part of ispbill: it knows nothing of our models, signs with its own copy
of the shared secret (its own HMAC code, so a mistake in ours is caught) and talks to us only over
HTTP at SITE_URL. Failure switches, per payment:
  duplicate        the notification is delivered twice (both must answer the same success)
  lost             the first notification is lost on the way; bKash asks the status endpoint (not
                   found), then sends it again
  answer_lost      the notification arrives but its answer is lost; bKash asks the status endpoint,
                   which says it was recorded, and does not send it again
  wrong_signature  signed with a wrong secret: refused, and bKash gives the customer their money back
  never            every notification is lost: bKash has the money, we never hear of it (only the
                   merchant statement shows it: reconciliation finds it)
Every payment bKash keeps the money of is on the merchant statement of the bKash emulator (demo/bkash/).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import string
import time
from decimal import Decimal

import urllib3
from django.conf import settings
from django.shortcuts import render

logger = logging.getLogger(__name__)

FAULTS = {
    "": "None (pay normally)",
    "duplicate": "Duplicate notification",
    "lost": "Notification lost, then retried",
    "answer_lost": "Answer lost, status asked",
    "wrong_signature": "Wrong signature",
    "never": "Notification never arrives",
}
PIN = re.compile(r"^[0-9]{5}$")
AMOUNT = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,2})?$")
ENDPOINTS = {"lookup": "/pay/bkash/paybill/lookup/", "payment": "/pay/bkash/paybill/payment/", "status": "/pay/bkash/paybill/status/"}


def _signature(secret: str, timestamp: str, path: str, body: bytes) -> str:
    return "v1=" + hmac.new(secret.encode(), f"{timestamp}.{path}.".encode() + body, hashlib.sha256).hexdigest()


def _call(endpoint: str, data: dict, *, secret: str | None = None) -> dict:
    """POST to the biller the way bKash does; the answer with its HTTP status, or the error."""
    path = ENDPOINTS[endpoint]
    body = json.dumps(data).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json", "Connection": "close", "X-Paybill-Timestamp": stamp,
        "X-Paybill-Signature": _signature(secret or settings.BKASH_PAYBILL_SECRET, stamp, path, body),
    }
    http = urllib3.PoolManager()
    try:
        response = http.request("POST", settings.SITE_URL.rstrip("/") + path, body=body, headers=headers,
                                retries=False, timeout=urllib3.Timeout(connect=5, read=20))
        try:
            answer = json.loads(response.data.decode())
        except ValueError:
            answer = {"code": "", "message": response.data[:200].decode(errors="replace")}
        result = {"http": response.status, **answer}
    except urllib3.exceptions.HTTPError as exc:
        result = {"http": None, "code": "", "message": f"no answer ({exc.__class__.__name__})"}
    finally:
        http.clear()
    logger.info("bKash Pay Bill emulator %s → %s %s", endpoint, result.get("http"), result.get("code"))
    return {"endpoint": endpoint, **result}


def _trx_id() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _biller() -> dict:
    return {"code": "ISPBILL", "name": settings.ISP_NAME, "category": "Internet"}


def app_home(request):
    return render(request, "demo/bkash_paybill/home.html", {"biller": _biller()})


def paybill(request):
    """The Pay Bill screens: account (GET), the bill and the payment form, the result."""
    context = {"biller": _biller(), "faults": FAULTS}
    if request.method != "POST":
        return render(request, "demo/bkash_paybill/account.html", context)
    step = request.POST.get("step")
    account = (request.POST.get("account") or "").strip()[:40]
    context["account"] = account
    if not account:
        context["error"] = "Enter the account number."
        return render(request, "demo/bkash_paybill/account.html", context, status=400)
    bill = _call("lookup", {"accountNumber": account})
    if bill.get("code") != "0000":
        context["error"] = "Account not found. Check the number on your bill." if bill.get("code") == "4004" else (
            f"The biller could not be reached ({bill.get('message')}).")
        return render(request, "demo/bkash_paybill/account.html", context, status=200)
    context["bill"] = bill
    if step != "pay":
        context["amount"] = bill["amountDue"] if bill["amountDue"] != "0.00" else ""
        return render(request, "demo/bkash_paybill/bill.html", context)
    amount = (request.POST.get("amount") or "").strip()
    pin = request.POST.get("pin") or ""
    fault = request.POST.get("fault") or ""
    context.update(amount=amount, fault=fault)
    if not AMOUNT.match(amount) or Decimal(amount) <= 0:
        context["error"] = "Enter an amount, e.g. 1150 or 1150.50."
        return render(request, "demo/bkash_paybill/bill.html", context, status=400)
    if not PIN.match(pin):
        context["error"] = "Enter your 5-digit bKash PIN."
        return render(request, "demo/bkash_paybill/bill.html", context, status=400)
    if fault not in FAULTS:
        fault = ""
    trx_id = _trx_id()
    notification = {
        "trxID": trx_id, "accountNumber": bill["accountNumber"], "amount": _two_places(amount),
        "currency": "BDT", "payerMsisdn": "017XXXXXXXX", "billerCode": _biller()["code"],
        "billReference": bill.get("billReference", ""),
    }
    exchanges = _deliver(notification, fault)
    if fault != "wrong_signature":  # refused: bKash gives the money back; otherwise it is on the statement
        from demo.bkash.views import statement_add

        statement_add(kind="Pay Bill", trx_id=trx_id, amount=Decimal(notification["amount"]),
                      reference=bill["accountNumber"], msisdn=notification["payerMsisdn"])
    recorded = next((e for e in reversed(exchanges) if e.get("code") == "0000" and e["endpoint"] in ("payment", "status")), None)
    context.update(trx_id=trx_id, exchanges=exchanges, recorded=recorded, notification=notification)
    return render(request, "demo/bkash_paybill/result.html", context)


def _two_places(amount: str) -> str:
    whole, _dot, cents = amount.partition(".")
    return f"{int(whole)}.{(cents + '00')[:2]}"


def _deliver(notification: dict, fault: str) -> list[dict]:
    """Send the notification as the fault says; every exchange, in order, for the result screen."""
    if fault == "wrong_signature":
        return [_call("payment", notification, secret="not-the-shared-secret")]
    if fault == "never":
        return [{"endpoint": "payment", "http": None, "code": "", "message": "lost on the way (never arrived, never retried)"}]
    if fault == "duplicate":
        return [_call("payment", notification), _call("payment", notification)]
    if fault == "lost":
        lost = {"endpoint": "payment", "http": None, "code": "", "message": "lost on the way (never arrived)"}
        status = _call("status", {"trxID": notification["trxID"]})
        return [lost, status, _call("payment", notification)]
    if fault == "answer_lost":
        sent = _call("payment", notification)
        sent = {"endpoint": "payment", "http": None, "code": "", "message": f"answer lost (the biller said {sent.get('code')})"}
        status = _call("status", {"trxID": notification["trxID"]})
        if status.get("code") == "0000":
            return [sent, status]
        return [sent, status, _call("payment", notification)]
    return [_call("payment", notification)]
