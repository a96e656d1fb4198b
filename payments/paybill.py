"""bKash Pay Bill (biller): what bKash asks of us when a customer pays from the bKash app's Pay Bill
menu without visiting our site — the bill of an account (look-up), the record of a payment
(notification, recorded by usecases/paybill.py) and "did you record trxID X?" (status) — and the
checks every such request passes first: the address allow-list, the timestamp window and the
HMAC signature (docs/payments.md, "bKash Pay Bill").

Signature: `X-Paybill-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<path>.<raw body>")>` with
`X-Paybill-Timestamp: <unix seconds>` — the scheme Stripe and GitHub use for webhooks. The secret never
travels (a username/password header pair sends it on every request, readable by anything that logs
headers, and binds nothing to the body); the body, the endpoint and the time are all bound, so a
changed amount, a look-up's signature reused on the payment endpoint, or a request replayed after
the window are refused. Inside the window a repeated request is harmless: look-ups and status
queries read, and a payment is keyed on bKash's trxID (one payment per trxID, a unique constraint).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from billing.selectors import amount_open, available_credit, open_invoices
from customers.models import Customer
from ispbill.core.money import ZERO
from ispbill.core.phone import normalize_phone

from .models import Payment

SIGNATURE_HEADER = "X-Paybill-Signature"
TIMESTAMP_HEADER = "X-Paybill-Timestamp"
SIGNATURE_VERSION = "v1"
IDEMPOTENCY_PREFIX = "bkash-paybill:"
MAX_BODY_BYTES = 4096
TRX_ID = re.compile(r"^[A-Za-z0-9]{6,30}$")
ACCOUNT = re.compile(r"^[A-Za-z0-9+\- ]{3,40}$")
AMOUNT_TEXT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")


class Refused(Exception):
    """A request we answer with a 4xx (or 503) and our code; nothing has changed."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict:
        return {"code": self.code, "message": self.message}


# The codes bKash reads (docs/payments.md has the table).
SUCCESS = "0000"
NOT_CONFIGURED = (503, "5030", "Pay Bill is not configured")
IP_REFUSED = (403, "4030", "Address not allowed")
BAD_SIGNATURE = (401, "4010", "Signature invalid")
EXPIRED = (401, "4011", "Timestamp missing or outside the allowed window")
MALFORMED = (400, "4000", "Malformed request")
BAD_AMOUNT = (422, "4022", "Invalid amount")
BAD_CURRENCY = (422, "4023", "Invalid currency")
ACCOUNT_NOT_FOUND = (404, "4004", "Account not found")
TRX_NOT_FOUND = (404, "4044", "Transaction not found")
TRX_CONFLICT = (409, "4090", "Transaction id already used for another account or amount")


def refuse(what: tuple[int, str, str]) -> Refused:
    return Refused(*what)


# Authentication ----------------------------------------------------------------------------------


def sign(*, secret: str, timestamp: str, path: str, body: bytes) -> str:
    """The signature header's value for a request (what bKash — and the demo's emulator — send)."""
    message = timestamp.encode() + b"." + path.encode() + b"." + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _allowed_networks() -> list:
    networks = []
    for entry in settings.BKASH_PAYBILL_ALLOWED_IPS:
        entry = entry.strip()
        if entry:
            networks.append(ipaddress.ip_network(entry, strict=False))
    return networks


def authenticate(*, remote_addr: str | None, timestamp: str | None, signature: str | None, path: str, body: bytes,
                 now: float | None = None) -> None:
    """Raise `Refused` unless the request comes from an allowed address, inside the time window, with
    the signature of its timestamp, path and body under our shared secret."""
    secret = settings.BKASH_PAYBILL_SECRET
    networks = _allowed_networks()
    if not secret or not networks:
        raise refuse(NOT_CONFIGURED)
    try:
        address = ipaddress.ip_address((remote_addr or "").strip())
    except ValueError:
        raise refuse(IP_REFUSED) from None
    if not any(address in network for network in networks):
        raise refuse(IP_REFUSED)
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise refuse(EXPIRED)
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > settings.BKASH_PAYBILL_MAX_SKEW_SECONDS:
        raise refuse(EXPIRED)
    expected = sign(secret=secret, timestamp=timestamp, path=path, body=body)
    if not signature or not hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace")):
        raise refuse(BAD_SIGNATURE)


# Parsing -----------------------------------------------------------------------------------------


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number")


def parse_body(body: bytes) -> dict:
    """The JSON object of a request: numbers as Decimal, NaN/Infinity refused."""
    if len(body) > MAX_BODY_BYTES:
        raise refuse(MALFORMED)
    try:
        data = json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError):
        raise refuse(MALFORMED) from None
    if not isinstance(data, dict):
        raise refuse(MALFORMED)
    return data


def _text(data: dict, key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise refuse(MALFORMED)
    return value.strip()


def parse_trx_id(data: dict) -> str:
    trx_id = _text(data, "trxID")
    if not TRX_ID.fullmatch(trx_id):
        raise refuse(MALFORMED)
    return trx_id


def parse_amount(value) -> Decimal:
    """A positive amount in taka with at most two decimals, within the Pay Bill limits. A string
    ("1150.00", as bKash sends amounts) or a JSON number; never a float, NaN or an exponent."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise refuse(BAD_AMOUNT)
    text = str(value).strip()
    if not AMOUNT_TEXT.fullmatch(text):
        raise refuse(BAD_AMOUNT)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise refuse(BAD_AMOUNT) from None
    if not (Decimal(settings.BKASH_PAYBILL_MIN_AMOUNT) <= amount <= Decimal(settings.BKASH_PAYBILL_MAX_AMOUNT)):
        raise refuse(BAD_AMOUNT)
    return amount.quantize(Decimal("0.01"))


def parse_currency(data: dict) -> str:
    currency = data.get("currency")
    if currency != "BDT":  # bKash moves taka only
        raise refuse(BAD_CURRENCY)
    return currency


def parse_time(data: dict) -> datetime | None:
    """bKash's transaction time (ISO 8601 with an offset), if sent; a time ahead of us is refused by
    payment_record itself."""
    raw = data.get("transactionTime")
    if raw is None:
        return None
    try:
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        parsed = None
    if parsed is None or timezone.is_naive(parsed):
        raise refuse(MALFORMED)
    if parsed < timezone.now() - timedelta(days=settings.RECEIPT_BACKDATE_DAYS):
        # Older than a cashier may date a receipt without a manager: not a retry bKash would send.
        raise Refused(422, "4220", "Transaction time too far in the past")
    return parsed


# Look-up -----------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """"Rahim Uddin" → "Ra*** Ud***": enough for the payer to recognise the account, not to learn a name."""
    return " ".join((word[:2] if len(word) > 2 else word[:1]) + "***" for word in name.split()) or "***"


def customer_for_account(account: str) -> Customer:
    """The customer an account reference names: their account number (CT-…), else their registered
    phone when exactly one customer has it. Refused as not found otherwise (never a guess)."""
    account = (account or "").strip()
    if not account or not ACCOUNT.fullmatch(account):
        raise refuse(ACCOUNT_NOT_FOUND)
    customers = Customer.objects.only("pk", "name", "account_number", "phone")
    # Exact matches on the unique index (account numbers are upper case; a payer may type "ct-…").
    found = customers.filter(account_number__in={account, account.upper()}).first()
    if found is not None:
        return found
    try:
        phone = normalize_phone(account)
    except ValidationError:
        raise refuse(ACCOUNT_NOT_FOUND) from None
    matches = list(customers.filter(phone=phone)[:2])
    if len(matches) != 1:
        raise refuse(ACCOUNT_NOT_FOUND)
    return matches[0]


@dataclass(frozen=True)
class Bill:
    customer: Customer
    amount_due: Decimal
    due_date: date | None
    reference: str

    def as_json(self) -> dict:
        return {
            "code": SUCCESS, "message": "Success", "accountNumber": self.customer.account_number,
            "customerName": mask_name(self.customer.name), "amountDue": f"{self.amount_due:.2f}",
            "currency": settings.CURRENCY, "dueDate": self.due_date.isoformat() if self.due_date else None,
            "billReference": self.reference,
        }


def amount_due_now(*, customer_id: int) -> Decimal:
    """What the customer owes now: their open invoices less the credit waiting to be applied
    (billing.selectors; the same figure as the portal's "total due" less credit)."""
    return max(ZERO, amount_open(customer_id=customer_id) - available_credit(customer_id=customer_id))


def bill_lookup(*, account: str) -> Bill:
    customer = customer_for_account(account)
    oldest = open_invoices(customer_id=customer.pk).values_list("number", "due_date").first()
    due = amount_due_now(customer_id=customer.pk)
    return Bill(
        customer=customer, amount_due=due, due_date=oldest[1] if oldest and due > ZERO else None,
        reference=oldest[0] if oldest and due > ZERO else customer.account_number,
    )


# Payments we hold --------------------------------------------------------------------------------


def idempotency_key(trx_id: str) -> str:
    return f"{IDEMPOTENCY_PREFIX}{trx_id}"


def paybill_payment_for_trx(trx_id: str) -> Payment | None:
    return (
        Payment.objects.filter(idempotency_key=idempotency_key(trx_id), method=Payment.Method.BKASH_PAYBILL)
        .select_related("customer").first()
    )


def payment_answer(payment: Payment) -> dict:
    """What a payment notification and a status query answer for a recorded payment."""
    status = "Completed" if payment.status == Payment.Status.COMPLETED else "Reversed"
    return {
        "code": SUCCESS, "message": "Success", "trxID": payment.reference, "status": status,
        "accountNumber": payment.customer.account_number, "amount": f"{payment.amount:.2f}",
        "currency": settings.CURRENCY, "receiptNumber": payment.receipt_number,
        "recordedAt": payment.created_at.isoformat() if payment.created_at else None,
    }


def paybill_settlement(*, day: date) -> dict:
    """The Pay Bill payments of one local day (by bKash's transaction time) with their gross total,
    for reconciliation against bKash's settlement file. Reversed ones are listed apart, not summed."""
    start = timezone.make_aware(datetime.combine(day, dtime.min))
    payments = (
        Payment.objects.filter(method=Payment.Method.BKASH_PAYBILL, received_at__gte=start,
                               received_at__lt=start + timedelta(days=1))
        .select_related("customer").order_by("received_at", "id")
    )
    completed = payments.filter(status=Payment.Status.COMPLETED)
    totals = completed.aggregate(count=Count("id"), gross=Sum("amount"))
    return {
        "day": day, "payments": list(payments), "count": totals["count"], "gross": totals["gross"] or ZERO,
        "reversed": payments.filter(status=Payment.Status.REVERSED).count(),
    }
