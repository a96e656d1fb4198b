"""A Nagad online checkout emulator: check-out/initialize, check-out/complete and verify/payment under
Nagad's own paths, with the same RSA encryption and SHA256withRSA signatures (the demo's key pairs in
settings: NAGAD_SANDBOX_NAGAD_PRIVATE_KEY is the emulator's, NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY checks the
demo merchant's signatures), the checkout page where the "customer" pays with a wallet number, OTP and
PIN, and the merchant portal's daily transaction report (CSV).

Mounted under /sandbox/nagad/ only when NAGAD_SANDBOX is on (the demo default; never in production).
A protocol peer, not part of ispbill: its own crypto code (so that a mistake in our adapter is not
mirrored here), state in Redis (or files in var/ without Redis), nothing of our models; it talks to
us only over HTTP.

Test wallets: any 11-digit number starting 01, OTP 123456, PIN 1234. Failure switches:
  01800000001  insufficient balance: the payment is Failed ("Insufficient Balance") and the browser is
               sent back with status=Failed
  Cancel       the payment is Aborted and the browser is sent back with status=Aborted
  callback     "normal" (the browser is sent back), "none" (it never is: only verify/payment from our
               reconciliation can find the payment), "twice" (the emulator calls the callback itself
               first, then sends the browser: a duplicate callback)
  timeout      the payment succeeds, but the first verify/payment after it holds its answer for
               NAGAD_SANDBOX_VERIFY_DELAY seconds (our client has given up by then)
  NAGAD_SANDBOX_FORGE_SIGNATURES (setting)  the emulator plays an impostor: its answers are encrypted
               for the merchant but signed with a key that is not Nagad's
Errors answer HTTP 400 with {"reason": code, "message": text}, as Nagad does.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import secrets
import time
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import urlencode, urlsplit, urlunsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from demo.gateway_sandbox import SandboxState, WalletPage, amount_parsed
from ispbill.core import csvfiles

logger = logging.getLogger(__name__)

KEY = "nagad-sandbox:"
PIN = "1234"
INSUFFICIENT_WALLET = "01800000001"
MAX_AMOUNT = Decimal("500000.00")
MAX_BODY = 8192


# State -------------------------------------------------------------------------------------------


_state = SandboxState(KEY, "nagad-sandbox")
_store, _get, _put, _exclusive = _state.store, _state.get, _state.put, _state.exclusive


def _now_text() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


def _error(reason: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"reason": reason, "message": message}, status=status)


# Crypto: the emulator's own, from the key texts in settings ---------------------------------------


def _der(text: str) -> bytes:
    return base64.b64decode("".join(line for line in text.strip().splitlines() if not line.startswith("-----")))


@lru_cache(maxsize=4)
def _own_private_key(text: str):
    return serialization.load_der_private_key(_der(text), password=None)


@lru_cache(maxsize=4)
def _public_key(text: str):
    return serialization.load_der_public_key(_der(text))


@lru_cache(maxsize=1)
def _impostor_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _open_request(body: dict, field: str = "sensitiveData") -> dict | None:
    """The merchant's sensitiveData decrypted with the emulator's key, its signature checked with the
    merchant's public key; None when either fails."""
    sensitive, signature = body.get(field), body.get("signature")
    if not isinstance(sensitive, str) or not isinstance(signature, str) or len(sensitive) > 2048 or len(signature) > 2048:
        return None
    try:
        plaintext = _own_private_key(settings.NAGAD_SANDBOX_NAGAD_PRIVATE_KEY).decrypt(
            base64.b64decode(sensitive, validate=True), padding.PKCS1v15())
        _public_key(settings.NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY).verify(
            base64.b64decode(signature, validate=True), plaintext, padding.PKCS1v15(), hashes.SHA256())
        data = json.loads(plaintext)
    except (binascii.Error, ValueError, InvalidSignature, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _sealed_answer(data: dict) -> dict:
    """{sensitiveData, signature}: encrypted for the merchant, signed by Nagad."""
    plaintext = json.dumps(data, separators=(",", ":")).encode()
    encrypted = _public_key(settings.NAGAD_SANDBOX_MERCHANT_PUBLIC_KEY).encrypt(plaintext, padding.PKCS1v15())
    signer = _own_private_key(settings.NAGAD_SANDBOX_NAGAD_PRIVATE_KEY)
    if settings.NAGAD_SANDBOX_FORGE_SIGNATURES:  # an impostor: it can encrypt for the merchant, not sign as Nagad
        signer = _impostor_key()
    signature = signer.sign(plaintext, padding.PKCS1v15(), hashes.SHA256())
    return {"sensitiveData": base64.b64encode(encrypted).decode(), "signature": base64.b64encode(signature).decode()}


def _json_body(request) -> dict | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _amount(value) -> Decimal | None:
    return amount_parsed(value, maximum=MAX_AMOUNT)


def _short(value, limit: int = 64) -> str:
    return value[:limit] if isinstance(value, str) else ""


# The merchant API --------------------------------------------------------------------------------


def _api_headers_ok(request) -> bool:
    return bool(request.headers.get("X-KM-Api-Version")) and bool(request.headers.get("X-KM-Client-Type"))


@csrf_exempt
def initialize(request, merchant_id: str, order_id: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _api_headers_ok(request):
        return _error("K0001", "Mandatory header missing (X-KM-Api-Version, X-KM-Client-Type)")
    body = _json_body(request)
    if body is None:
        return _error("K0002", "Malformed request body")
    if merchant_id != settings.NAGAD_SANDBOX_MERCHANT_ID or body.get("accountNumber") != settings.NAGAD_SANDBOX_MERCHANT_NUMBER:
        return _error("K0010", "Invalid merchant")
    if not (order_id.isalnum() and len(order_id) <= 20):
        return _error("K0011", "Invalid order id")
    data = _open_request(body)
    if data is None:
        return _error("K0003", "Signature verification failed or sensitiveData unreadable")
    if data.get("merchantId") != merchant_id or data.get("orderId") != order_id:
        return _error("K0004", "sensitiveData does not match the request")
    challenge = _short(data.get("challenge"), 100)
    stamp = _short(data.get("datetime"), 14)
    try:
        datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return _error("K0005", "Invalid datetime")
    if not challenge:
        return _error("K0006", "Challenge missing")
    with _exclusive(f"order:{order_id}"):
        if _get("order", order_id):
            return _error("K0012", "Duplicate order id")
        reference = timezone.localtime().strftime("%m%d%H%M%S") + secrets.token_hex(8).upper()
        _put("order", order_id, reference)
        _put("payment", reference, {"reference": reference, "orderId": order_id, "status": "OrderInitiated",
                                    "orderDateTime": stamp, "createdAt": time.time(), "verified": 0})
    return JsonResponse(_sealed_answer({"paymentReferenceId": reference, "challenge": challenge, "acceptDateTime": _now_text()}))


@csrf_exempt
def complete(request, reference: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _api_headers_ok(request):
        return _error("K0001", "Mandatory header missing (X-KM-Api-Version, X-KM-Client-Type)")
    body = _json_body(request)
    if body is None:
        return _error("K0002", "Malformed request body")
    data = _open_request(body)
    if data is None:
        return _error("K0003", "Signature verification failed or sensitiveData unreadable")
    callback = body.get("merchantCallbackURL")
    if not isinstance(callback, str) or not callback.startswith(("http://", "https://")) or len(callback) > 500:
        return _error("K0007", "Invalid merchantCallbackURL")
    amount = _amount(data.get("amount"))
    if amount is None or data.get("currencyCode") != "050":
        return _error("K0008", "Invalid amount or currency")
    with _exclusive(reference[:64]):
        payment = _get("payment", reference[:64])
        if payment is None:
            return _error("K0020", "Payment reference not found")
        if data.get("merchantId") != settings.NAGAD_SANDBOX_MERCHANT_ID or data.get("orderId") != payment["orderId"]:
            return _error("K0004", "sensitiveData does not match the payment")
        if payment["status"] != "OrderInitiated":
            return _error("K0021", "Payment already completed")
        info = body.get("additionalMerchantInfo")
        payment.update(status="Ready", amount=f"{amount:.2f}", currencyCode="050", callbackURL=callback,
                       additionalMerchantInfo=info if isinstance(info, dict) and len(json.dumps(info)) < 500 else None)
        _put("payment", reference, payment)
    url = request.build_absolute_uri(reverse("nagad-sandbox:checkout", args=[reference]))
    return JsonResponse({"status": "Success", "callBackUrl": url})


def _verify_view(payment: dict) -> dict:
    status_codes = {"Success": "000", "Aborted": "001", "Failed": "002", "Ready": "003", "OrderInitiated": "003"}
    return {
        "merchantId": settings.NAGAD_SANDBOX_MERCHANT_ID, "orderId": payment["orderId"], "paymentRefId": payment["reference"],
        "amount": payment.get("amount", "0.00"),
        # Not in Nagad's documented answer: the emulator echoes the currency it was given (ours checks it when present).
        "currencyCode": payment.get("currencyCode", "050"),
        "clientMobileNo": payment.get("clientMobileNo"), "merchantMobileNo": settings.NAGAD_SANDBOX_MERCHANT_NUMBER,
        "orderDateTime": payment["orderDateTime"], "issuerPaymentDateTime": payment.get("paidAt"),
        "issuerPaymentRefNo": payment.get("issuerPaymentRefNo"),
        "additionalMerchantInfo": payment.get("additionalMerchantInfo"), "status": payment["status"],
        "statusCode": status_codes.get(payment["status"], "009"), "message": payment.get("message", ""),
        "cancelIssuerDateTime": None, "cancelIssuerRefNo": None,
    }


@csrf_exempt
def verify(request, reference: str):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    hold = 0.0
    with _exclusive(reference[:64]):
        payment = _get("payment", reference[:64])
        if payment is None:
            return _error("K0020", "Payment reference not found")
        payment["verified"] += 1
        if payment.get("fault_timeout") and payment["status"] == "Success" and not payment.get("timed_out"):
            payment["timed_out"] = True
            hold = settings.NAGAD_SANDBOX_VERIFY_DELAY
        _put("payment", reference[:64], payment)
    if hold:
        time.sleep(hold)  # paid at Nagad; the merchant's client has given up on the answer
    return JsonResponse(_verify_view(payment))


# The customer's side -----------------------------------------------------------------------------


def _callback_url(payment: dict) -> str:
    parts = urlsplit(payment["callbackURL"])
    query = urlencode({
        "merchant": settings.NAGAD_SANDBOX_MERCHANT_ID, "order_id": payment["orderId"], "payment_ref_id": payment["reference"],
        "status": payment["status"], "status_code": {"Success": "00_0000_000", "Aborted": "00_1111_001"}.get(payment["status"], "00_2222_002"),
        "message": payment.get("message") or payment["status"], "payment_dt": payment.get("paidAt") or _now_text(),
        "issuer_payment_ref": payment.get("issuerPaymentRefNo") or "",
    })
    return urlunsplit((parts.scheme, parts.netloc, parts.path, (parts.query + "&" if parts.query else "") + query, ""))


def _record_day(payment: dict) -> None:
    day = timezone.localdate().isoformat()
    listed = _get("day", day) or []
    _put("day", day, [*listed, payment["reference"]])


CHECKOUT_PAGE = WalletPage(gateway="Nagad", page="checkout", template="demo/nagad/checkout.html", state=_state,
                           open_status="Ready", pin=PIN)


def _checkout_cancel(payment: dict) -> None:
    payment.update(status="Aborted", message="Cancelled by the customer")


def _checkout_pay(payment: dict, number: str, timeout_asked: bool) -> None:
    masked = f"{number[:3]}****{number[-4:]}"
    if number == INSUFFICIENT_WALLET:
        payment.update(status="Failed", message="Insufficient Balance", clientMobileNo=masked)
        return
    payment.update(status="Success", message="Successful Transaction", clientMobileNo=masked, paidAt=_now_text(),
                   issuerPaymentRefNo=secrets.token_hex(5).upper(), fault_timeout=timeout_asked)
    _record_day(payment)


def checkout(request, reference: str):
    """Nagad's page: the wallet number, the OTP sent to it, the PIN; Pay or Cancel."""
    payment = _get("payment", reference[:64])
    if payment is None or payment["status"] == "OrderInitiated":
        raise Http404("unknown payment")
    return CHECKOUT_PAGE.respond(request, reference, payment, {"merchant": settings.NAGAD_SANDBOX_MERCHANT_ID},
                                 payable=payment["status"] == "Ready", cancel=_checkout_cancel, pay=_checkout_pay,
                                 callback_url=lambda payment, _outcome: _callback_url(payment))


# The merchant portal's daily transaction report --------------------------------------------------

REPORT_COLUMNS = ("transaction_time", "order_id", "payment_ref_id", "issuer_payment_ref", "customer_wallet", "amount",
                  "commission", "net_amount", "currency", "status")


def daily_report(request):
    """One day's successful transactions of the merchant as CSV (docs/payments.md, "Nagad's daily report").
    GET ?merchant_id=…&date=YYYY-MM-DD."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if request.GET.get("merchant_id") != settings.NAGAD_SANDBOX_MERCHANT_ID:
        return _error("K0010", "Invalid merchant", status=403)
    try:
        day = date.fromisoformat(request.GET.get("date", "")[:10])
    except ValueError:
        return _error("K0030", "date must be YYYY-MM-DD")
    out = io.StringIO()
    writer = csvfiles.writer(out, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for reference in _get("day", day.isoformat()) or []:
        payment = _get("payment", reference)
        if payment is None or payment["status"] != "Success":
            continue
        paid = datetime.strptime(payment["paidAt"], "%Y%m%d%H%M%S").strftime("%Y-%m-%d %H:%M:%S")
        amount = Decimal(str(payment["amount"]))
        commission = (amount * Decimal(str(settings.NAGAD_SANDBOX_FEE_PERCENT)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        writer.writerow((paid, payment["orderId"], payment["reference"], payment["issuerPaymentRefNo"], payment["clientMobileNo"],
                         payment["amount"], f"{commission:.2f}", f"{amount - commission:.2f}", "BDT", payment["status"]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nagad-{settings.NAGAD_SANDBOX_MERCHANT_ID}-{day.isoformat()}.csv"'
    return response
