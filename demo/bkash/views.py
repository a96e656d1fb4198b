"""A bKash Tokenized Checkout (v1.2.0-beta) emulator: token grant and refresh, create (modes 0011,
0000, 0001), execute, payment/status, agreement/status, agreement/cancel, payment/refund, the wallet
page where the "customer" enters the wallet number, OTP and PIN, and the bKash app's list of linked
merchants where an agreement can be revoked from the wallet side.

Mounted under /sandbox/bkash/ only when BKASH_SANDBOX is on (the demo default; never in production).
A protocol peer, not part of ispbill: it keeps its state in Redis (or files in var/ without Redis),
knows nothing of our models and talks to us only over HTTP. Served on its own in front of a load
(bench/autopay.py) by `demo/bkash/wsgi.py`: the same URLs and answers behind fewer middleware.

Test wallets and PIN: any 11-digit number starting 01, OTP 123456, PIN 12121 (bKash's own sandbox
values). Failure switches, on the wallet page or by wallet number (so that auto-pay, which never shows
the wallet page, can meet them too):
  01700000001  insufficient balance: execute answers 2023 and the payment is Failed
  01700000002  execute timeout: the first execute completes the payment but holds its answer for
               BKASH_SANDBOX_EXECUTE_DELAY seconds (our client has given up by then); payment/status
               tells the truth
  callback     "normal" (the browser is sent back), "none" (it never is: only payment/status and
               execute from reconciliation can finish it), "twice" (the emulator calls the callback
               itself first, then sends the browser: a duplicate callback)
  Cancel       the browser is sent back with status=cancel; the payment is Cancelled
Payments with an agreement (mode 0001) are executed without the wallet page (merchant-initiated, as
an auto-debit permission allows); docs/payments.md says what that means against the real bKash.
Status codes: 2023 insufficient balance, 2056 invalid payment state, 2062 already completed,
2070 agreement not active, 2071 refund amount too large, 9999 malformed request.

The merchant portal's daily transaction statement (`merchant/statement/?date=YYYY-MM-DD`, CSV) lists
every completed payment (checkout and Pay Bill, demo/bkash_paybill/) and refund of a day with bKash's
fee (BKASH_SANDBOX_FEE_PERCENT of the amount) and the net the bank deposit carries: the file staff
download from the portal and upload to ispbill's reconciliation. `payment/refund` with only paymentID
and trxID answers the refund's status (bKash's Refund Status call); "refund times out" (the
`refund_timeout` switch below) makes the next refund complete but hold its answer past our timeout.
"""

from __future__ import annotations

import io
import json
import logging
import random
import secrets
import time
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from demo.gateway_sandbox import TTL, SandboxState, WalletPage, amount_parsed
from ispbill.core import csvfiles

logger = logging.getLogger(__name__)

KEY = "bkash-sandbox:"
TOKEN_SECONDS = 3600
PIN = "12121"
INSUFFICIENT_WALLET, TIMEOUT_WALLET = "01700000001", "01700000002"
MAX_AMOUNT = Decimal("500000.00")
_random = random.SystemRandom()


# State -------------------------------------------------------------------------------------------


_state = SandboxState(KEY, "bkash-sandbox")
_store, _get, _put, _exclusive = _state.store, _state.get, _state.put, _state.exclusive


def _now_text() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S:%f")[:-3] + " GMT+0600"


def _id(prefix: str, n: int = 10) -> str:
    return prefix + secrets.token_hex(n).upper()


def _error(code: str, message: str, status: int = 200) -> JsonResponse:
    return JsonResponse({"statusCode": code, "statusMessage": message}, status=status)


def _body(request) -> dict | None:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _text(data: dict, key: str) -> str:
    value = data.get(key, "")
    return value if isinstance(value, str) else ""


def _merchant_ok(request) -> bool:
    return secrets.compare_digest(request.headers.get("X-APP-Key", ""), settings.BKASH_SANDBOX_APP_KEY)


# Tokens this process has seen granted or checked, with their expiry: a token is never revoked before
# it expires, so a second look at the store for each call (one round trip per call of a charge day)
# adds nothing. A token another process granted is found in the store the first time.
_known_tokens: dict[str, float] = {}


def _authorized(request) -> bool:
    token = request.headers.get("Authorization", "")
    if token.startswith("Bearer "):
        token = token[7:]
    if not token or len(token) >= 200:
        return False
    expiry = _known_tokens.get(token)
    if expiry is None:
        expiry = _get("token", token)
        if expiry:
            if len(_known_tokens) > 10_000:
                _known_tokens.clear()
            _known_tokens[token] = expiry
    return bool(expiry and expiry > time.time() and _merchant_ok(request))


def _unavailable() -> JsonResponse:
    """A 503 of the random faults: expected, so not logged as a server error (the log of a bench run
    failing 5 percent of its calls at random was thousands of tracebacks' worth of lines)."""
    response = JsonResponse({"message": "Service Unavailable"}, status=503)
    response._has_been_logged = True
    return response


def _random_fault() -> str:
    """BKASH_SANDBOX_FAIL_PERCENT of the API calls fail at random (the auto-pay bench's 5 percent): half
    answered 503 before doing anything, half after the work was done (the answer lost)."""
    percent = settings.BKASH_SANDBOX_FAIL_PERCENT
    if percent <= 0:
        return ""
    draw = _random.random() * 100
    if draw >= percent:
        return ""
    return "before" if draw < percent / 2 else "after"


def api(view):
    """A merchant API call: POST, JSON, a valid id_token and app key (token calls check their own)."""

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        data = _body(request)
        if data is None:
            return _error("9999", "Malformed request body", status=400)
        if view.__name__ not in ("token_grant", "token_refresh") and not _authorized(request):
            return JsonResponse({"message": "Unauthorized"}, status=401)
        fault = _random_fault()
        if fault == "before":
            return _unavailable()
        answer = view(request, data, *args, **kwargs)
        if fault == "after":  # done at bKash, the answer lost on the way back
            return _unavailable()
        return answer

    wrapper.__name__ = view.__name__
    return wrapper


# Tokens ------------------------------------------------------------------------------------------


def _grant() -> dict:
    id_token, refresh_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    _put("token", id_token, time.time() + TOKEN_SECONDS)
    _known_tokens[id_token] = time.time() + TOKEN_SECONDS
    _put("refresh", refresh_token, 1)
    return {"statusCode": "0000", "statusMessage": "Successful", "id_token": id_token, "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS, "refresh_token": refresh_token}


def _credentials_ok(request, data) -> bool:
    return (
        secrets.compare_digest(request.headers.get("username", ""), settings.BKASH_SANDBOX_USERNAME)
        and secrets.compare_digest(request.headers.get("password", ""), settings.BKASH_SANDBOX_PASSWORD)
        and secrets.compare_digest(_text(data, "app_key"), settings.BKASH_SANDBOX_APP_KEY)
        and secrets.compare_digest(_text(data, "app_secret"), settings.BKASH_SANDBOX_APP_SECRET)
    )


@api
def token_grant(request, data):
    if not _credentials_ok(request, data):
        return _error("2079", "Invalid username or password or app key/secret", status=401)
    return JsonResponse(_grant())


@api
def token_refresh(request, data):
    token = _text(data, "refresh_token")
    if not _credentials_ok(request, data) or not token or len(token) > 200 or not _get("refresh", token):
        return _error("2079", "Invalid refresh token", status=401)
    return JsonResponse(_grant())


# Checkout ----------------------------------------------------------------------------------------


def _amount(value) -> Decimal | None:
    return amount_parsed(value, maximum=MAX_AMOUNT)


@api
def create(request, data):
    mode = _text(data, "mode")
    callback = _text(data, "callbackURL")
    if mode not in ("0011", "0000", "0001") or not callback.startswith(("http://", "https://")) or len(callback) > 500:
        return _error("9999", "Mandatory field missing or invalid (mode, callbackURL)")
    payment = {
        "mode": mode, "callbackURL": callback, "payerReference": _text(data, "payerReference")[:255],
        "status": "Initiated", "created": _now_text(), "createdAt": time.time(), "executed": 0, "refunded": "0.00",
    }
    if mode != "0000":
        amount = _amount(data.get("amount"))
        if amount is None or _text(data, "currency") != "BDT" or _text(data, "intent") != "sale":
            return _error("9999", "Invalid amount, currency or intent")
        payment.update(amount=f"{amount:.2f}", currency="BDT", intent="sale",
                       merchantInvoiceNumber=_text(data, "merchantInvoiceNumber")[:255])
    if mode == "0001":
        agreement = _get("agreement", _text(data, "agreementID")[:64]) if _text(data, "agreementID") else None
        if agreement is None or agreement["status"] != "Completed":
            return _error("2070", "Agreement is not active")
        payment.update(agreementID=_text(data, "agreementID"), msisdn=agreement["msisdn"])
    payment_id = _id("TR00", 8)
    payment["paymentID"] = payment_id
    _put("payment", payment_id, payment)
    answer = {
        "statusCode": "0000", "statusMessage": "Successful", "paymentID": payment_id,
        "bkashURL": request.build_absolute_uri(reverse("bkash-sandbox:wallet", args=[payment_id])),
        "callbackURL": callback, "paymentCreateTime": payment["created"],
    }
    if mode == "0000":
        answer["agreementStatus"] = "Initiated"
    else:
        answer.update(amount=payment["amount"], currency="BDT", intent="sale", transactionStatus="Initiated",
                      merchantInvoiceNumber=payment["merchantInvoiceNumber"])
    return JsonResponse(answer)


def _payment_view(payment: dict) -> dict:
    """What execute and payment/status answer for a payment (or an agreement's creation)."""
    if payment["mode"] == "0000":
        answer = {"paymentID": payment["paymentID"], "payerReference": payment["payerReference"],
                  "agreementStatus": "Completed" if payment["status"] == "Completed" else payment["status"],
                  "transactionStatus": payment["status"] if payment["status"] != "Authorized" else "Initiated"}
        if payment.get("agreementID"):
            answer.update(agreementID=payment["agreementID"], customerMsisdn=payment["msisdn"],
                          agreementExecuteTime=payment.get("executeTime", ""))
        return {"statusCode": "0000", "statusMessage": "Successful", **answer}
    answer = {
        "statusCode": "0000", "statusMessage": "Successful", "paymentID": payment["paymentID"],
        "amount": payment["amount"], "currency": payment["currency"], "intent": payment["intent"],
        "merchantInvoiceNumber": payment["merchantInvoiceNumber"], "payerReference": payment["payerReference"],
        # Authorized is the emulator's own note that the customer confirmed: bKash reports it as Initiated.
        "transactionStatus": "Initiated" if payment["status"] == "Authorized" else payment["status"],
        "paymentCreateTime": payment["created"],
    }
    if payment.get("trxID"):
        answer.update(trxID=payment["trxID"], customerMsisdn=payment["msisdn"], paymentExecuteTime=payment.get("executeTime", ""))
    if payment.get("agreementID"):
        answer["agreementID"] = payment["agreementID"]
    return answer


@api
def execute(request, data):
    payment_id = _text(data, "paymentID")[:64]
    hold = 0.0
    with _exclusive(payment_id):
        payment = _get("payment", payment_id) if payment_id else None
        if payment is None:
            return _error("2056", "Invalid Payment State")
        if payment["status"] == "Completed":
            return _error("2062", "The payment has already been completed")
        ready = payment["status"] == "Authorized" or (payment["mode"] == "0001" and payment["status"] == "Initiated")
        if not ready:
            return _error("2056", "Invalid Payment State")
        if payment["mode"] == "0001":
            agreement = _get("agreement", payment["agreementID"])
            if agreement is None or agreement["status"] != "Completed":
                payment["status"] = "Failed"
                _put("payment", payment_id, payment)
                return _error("2070", "Agreement is not active")
        if payment["msisdn"] == INSUFFICIENT_WALLET and payment["mode"] != "0000":
            payment["status"] = "Failed"
            _put("payment", payment_id, payment)
            return _error("2023", "Insufficient Balance")
        payment["status"], payment["executeTime"] = "Completed", _now_text()
        payment["executed"] += 1
        if payment["mode"] == "0000":
            agreement_id = _id("TokenizedMerchant0", 8)
            payment["agreementID"] = agreement_id
            _put("agreement", agreement_id, {"agreementID": agreement_id, "msisdn": payment["msisdn"], "status": "Completed",
                                             "payerReference": payment["payerReference"], "created": _now_text()})
            linked = _get("wallet", payment["msisdn"]) or []
            _put("wallet", payment["msisdn"], [*linked, agreement_id])
        else:
            payment["trxID"] = _id("", 5)[:10]
            statement_add(kind="Payment", trx_id=payment["trxID"], amount=Decimal(payment["amount"]),
                          reference=payment["merchantInvoiceNumber"], msisdn=payment["msisdn"])
        _put("payment", payment_id, payment)
        timeout_wanted = payment["msisdn"] == TIMEOUT_WALLET or payment.get("fault_timeout")
        if timeout_wanted and payment["mode"] != "0000" and not payment.get("timed_out"):
            payment["timed_out"] = True
            _put("payment", payment_id, payment)
            hold = settings.BKASH_SANDBOX_EXECUTE_DELAY
    if hold:
        time.sleep(hold)  # completed at the gateway; the merchant's client has given up on the answer
    return JsonResponse(_payment_view(payment))


@api
def payment_status(request, data):
    payment = _get("payment", _text(data, "paymentID")[:64]) if _text(data, "paymentID") else None
    if payment is None:
        return _error("2056", "Invalid Payment State")
    return JsonResponse(_payment_view(payment))


@api
def agreement_status(request, data):
    agreement = _get("agreement", _text(data, "agreementID")[:64]) if _text(data, "agreementID") else None
    if agreement is None:
        return _error("2070", "Agreement is not active")
    return JsonResponse({"statusCode": "0000", "statusMessage": "Successful", "agreementID": agreement["agreementID"],
                         "payerReference": agreement["payerReference"], "customerMsisdn": agreement["msisdn"],
                         "agreementStatus": agreement["status"], "agreementCreateTime": agreement["created"]})


def _agreement_cancel(agreement_id: str) -> dict | None:
    with _exclusive(agreement_id):
        agreement = _get("agreement", agreement_id)
        if agreement is None or agreement["status"] != "Completed":
            return None
        agreement.update(status="Cancelled", cancelled=_now_text())
        _put("agreement", agreement_id, agreement)
        return agreement


@api
def agreement_cancel(request, data):
    agreement_id = _text(data, "agreementID")[:64]
    agreement = _agreement_cancel(agreement_id) if agreement_id else None
    if agreement is None:
        return _error("2070", "Agreement is not active")
    return JsonResponse({"statusCode": "0000", "statusMessage": "Successful", "agreementID": agreement_id,
                         "payerReference": agreement["payerReference"], "agreementStatus": "Cancelled",
                         "agreementVoidTime": agreement["cancelled"]})


def _refund_answer(payment: dict, refund: dict) -> dict:
    return {"statusCode": "0000", "statusMessage": "Successful", "originalTrxID": payment["trxID"],
            "refundTrxID": refund["refundTrxID"], "transactionStatus": "Completed", "amount": refund["amount"],
            "currency": "BDT", "charge": "0.00", "completedTime": refund["completedTime"]}


@api
def refund(request, data):
    """A refund (with `amount`), or, with only paymentID and trxID, the status of the refunds made:
    the last one at the top (as bKash answers) and every one in `refunds` (the emulator's addition)."""
    payment_id = _text(data, "paymentID")[:64]
    hold = 0.0
    with _exclusive(payment_id):
        payment = _get("payment", payment_id) if payment_id else None
        if payment is None or payment["status"] != "Completed" or payment["mode"] == "0000" or payment.get("trxID") != _text(data, "trxID"):
            return _error("2056", "Invalid Payment State")
        if "amount" not in data:
            refunds = payment.get("refunds", [])
            if not refunds:
                return _error("2075", "No refund found for this transaction")
            return JsonResponse({**_refund_answer(payment, refunds[-1]), "refunds": refunds})
        amount = _amount(data.get("amount"))
        left = Decimal(payment["amount"]) - Decimal(payment["refunded"])
        if amount is None or amount > left:
            return _error("2071", "Refund amount is more than what can be refunded")
        payment["refunded"] = f"{Decimal(payment['refunded']) + amount:.2f}"
        refund_row = {"refundTrxID": _id("", 5)[:10], "amount": f"{amount:.2f}", "completedTime": _now_text()}
        payment.setdefault("refunds", []).append(refund_row)
        _put("payment", payment_id, payment)
        statement_add(kind="Refund", trx_id=refund_row["refundTrxID"], amount=amount, reference=payment["trxID"],
                      msisdn=payment["msisdn"], fee=Decimal("0.00"))
        if _store().get(f"{KEY}fault:refund_timeout"):
            _store().delete(f"{KEY}fault:refund_timeout")
            hold = settings.BKASH_SANDBOX_EXECUTE_DELAY
    if hold:
        time.sleep(hold)  # refunded at bKash; the merchant's client has given up on the answer
    return JsonResponse(_refund_answer(payment, refund_row))


def refund_timeout_next() -> None:
    """The next refund completes at bKash but its answer comes too late (the demo's and the tests' switch)."""
    _store().set(f"{KEY}fault:refund_timeout", 1, TTL)


# The merchant portal's transaction statement -----------------------------------------------------

STATEMENT_COLUMNS = ("Transaction ID", "Date Time", "Transaction Type", "Wallet", "Reference", "Amount", "Fee", "Net Amount", "Status")


def statement_add(*, kind: str, trx_id: str, amount: Decimal, reference: str, msisdn: str, fee: Decimal | None = None,
                  at=None) -> None:
    """A completed transaction onto its day's statement (a counter and one key per row: no list rewritten)."""
    at = timezone.localtime(at)
    if fee is None:
        fee = (amount * Decimal(str(settings.BKASH_SANDBOX_FEE_PERCENT)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    net = -amount if kind == "Refund" else amount - fee
    row = {"Transaction ID": trx_id, "Date Time": at.strftime("%Y-%m-%d %H:%M:%S"), "Transaction Type": kind,
           "Wallet": f"{msisdn[:3]}*****{msisdn[-3:]}" if len(msisdn) >= 6 else msisdn, "Reference": reference,
           "Amount": f"{amount:.2f}", "Fee": f"{fee:.2f}", "Net Amount": f"{net:.2f}", "Status": "Completed"}
    day = at.date().isoformat()
    store = _store()
    try:
        n = store.incr(f"{KEY}statement-count:{day}")  # one round trip on every row but a day's first
    except ValueError:
        store.add(f"{KEY}statement-count:{day}", 0, TTL)
        n = store.incr(f"{KEY}statement-count:{day}")
    store.set(f"{KEY}statement:{day}:{n}", row, TTL)


def statement_rows(day: str) -> list[dict]:
    store = _store()
    count = store.get(f"{KEY}statement-count:{day}") or 0
    keys = [f"{KEY}statement:{day}:{n}" for n in range(1, count + 1)]
    found = store.get_many(keys) if keys else {}
    return [found[key] for key in keys if key in found]


def statement(request):
    """The merchant portal's "Download statement" for one day: CSV, one row per transaction."""
    day = request.GET.get("date", "")
    try:
        parsed = timezone.datetime.strptime(day, "%Y-%m-%d").date()
    except ValueError:
        return HttpResponseBadRequest("date=YYYY-MM-DD")
    out = io.StringIO()
    writer = csvfiles.writer(out)
    writer.writerow(STATEMENT_COLUMNS)
    for row in statement_rows(parsed.isoformat()):
        writer.writerow([row[name] for name in STATEMENT_COLUMNS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bkash-statement-{parsed.isoformat()}.csv"'
    return response


# The customer's side -----------------------------------------------------------------------------


def _callback_url(payment: dict, status: str) -> str:
    parts = urlsplit(payment["callbackURL"])
    query = (parts.query + "&" if parts.query else "") + urlencode({"paymentID": payment["paymentID"], "status": status})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


WALLET_PAGE = WalletPage(gateway="bKash", page="wallet", template="demo/bkash/wallet.html", state=_state,
                         open_status="Initiated", pin=PIN, confirm="Confirm")


def _wallet_cancel(payment: dict) -> None:
    payment["status"] = "Cancelled"


def _wallet_confirm(payment: dict, number: str, timeout_asked: bool) -> None:
    payment.update(status="Authorized", msisdn=number, fault_timeout=timeout_asked)


def wallet(request, payment_id: str):
    """bKash's page: the wallet number, the OTP sent to it, the PIN; Confirm or Cancel. A payment with an
    agreement (mode 0001) is never confirmed here: it is executed at once."""
    payment = _get("payment", payment_id[:64])
    if payment is None:
        raise Http404("unknown payment")
    return WALLET_PAGE.respond(request, payment_id, payment, {}, payable=payment["status"] == "Initiated" and payment["mode"] != "0001",
                               cancel=_wallet_cancel, pay=_wallet_confirm, callback_url=_callback_url)


def app(request):
    """The bKash app's "linked merchants" for one wallet: revoke an agreement from the wallet side."""
    number = (request.POST.get("wallet") or request.GET.get("wallet") or "").strip()[:11]
    if request.method == "POST" and request.POST.get("revoke"):
        agreement = _get("agreement", request.POST["revoke"][:64])
        if agreement is not None and agreement["msisdn"] == number:
            _agreement_cancel(agreement["agreementID"])
        return redirect(f"{reverse('bkash-sandbox:app')}?{urlencode({'wallet': number})}")
    agreements = [a for a in (_get("agreement", i) for i in (_get("wallet", number) or [])) if a] if number else []
    return render(request, "demo/bkash/app.html", {"wallet": number, "agreements": agreements})
