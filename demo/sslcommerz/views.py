"""An SSLCommerz v4 emulator: the session API, a hosted checkout page (bKash, Nagad, Rocket, card;
success, failure or cancel), the browser POST back, the server-to-server IPN signed like SSLCommerz
signs it, the validation API, the transaction-query and the refund APIs.

Mounted under /sandbox/sslcommerz/ only when SSLCOMMERZ_SANDBOX is on (the demo default; off in
production). It is a protocol peer, not part of ispbill: it keeps its state in Redis (or in files
in var/ without Redis), knows nothing of our models, and talks to us only over HTTP, so our client
and callbacks are tested against it exactly as against the real gateway.

Fault modes, per checkout (query flags on the checkout URL or the form) or for every checkout
(SSLCOMMERZ_SANDBOX_FAULTS, e.g. "ipn=twice,risky"):
  ipn=before   the IPN is sent and answered before the browser is sent back (the default)
  ipn=late     the IPN is sent SSLCOMMERZ_SANDBOX_IPN_DELAY seconds after the browser was sent back
  ipn=twice    the IPN is sent twice before the browser is sent back
  ipn=none     no IPN at all (only reconciliation can settle the payment)
  validation=invalid   the validation API answers INVALID_TRANSACTION for this payment
  risky        risk_level 1 ("Risky Transaction")
  amount=altered       the browser POST and the IPN carry an amount 1.00 lower than was paid (re-signed,
                       as by a gateway bug or a compromised key); the validation API has the real one

The merchant panel's transaction report for a day (`merchant/report/?date=YYYY-MM-DD`, CSV: every
successful payment with its store amount, i.e. less SSLCommerz's 2.5 % charge, and every refund) is
the file staff download and upload to ispbill's reconciliation: SSLCommerz's APIs answer about one
tran_id at a time.
"""

import io
import logging
import secrets
import threading
import time
from datetime import datetime
from decimal import ROUND_HALF_DOWN, Decimal, InvalidOperation

import urllib3
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from demo.gateway_sandbox import TTL, SandboxState
from ispbill.core import csvfiles
from payments.sslcommerz import MAX_AMOUNT, MIN_AMOUNT, sign

logger = logging.getLogger(__name__)

KEY = "sslcz-sandbox:"
REQUIRED = (
    "total_amount", "currency", "tran_id", "success_url", "fail_url", "cancel_url", "cus_name", "cus_email",
    "cus_add1", "cus_city", "cus_country", "cus_phone", "shipping_method", "product_name", "product_category",
    "product_profile",
)
METHODS = {
    "bkash": ("BKASH-BKash", "MOBILEBANKING", "BKash Mobile Banking", "bKash"),
    "nagad": ("NAGAD-Nagad", "MOBILEBANKING", "Nagad", "Nagad"),
    "rocket": ("DBBLMOBILEB-Dbbl Mobile Banking", "MOBILEBANKING", "DBBL Mobile Banking", "Rocket"),
    "card": ("VISA-Dutch Bangla", "VISA", "Dutch Bangla Bank Limited", "Visa card"),
}
IPN_MODES = ("before", "late", "twice", "none")


# State -------------------------------------------------------------------------------------------


_state = SandboxState(KEY, "sslcommerz-sandbox")
_store, _get, _put = _state.store, _state.get, _state.put


def _credentials_ok(data) -> bool:
    store_id, password = settings.SSLCOMMERZ_SANDBOX_STORE_ID, settings.SSLCOMMERZ_SANDBOX_STORE_PASSWORD
    return secrets.compare_digest(str(data.get("store_id", "")), store_id) and secrets.compare_digest(
        str(data.get("store_passwd", "")), password
    )


def _now_text() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")


def _token(n: int = 8) -> str:
    return secrets.token_hex(n).upper()


def default_faults() -> dict:
    faults = {"ipn": "before", "validation": "", "risky": False, "amount": ""}
    for item in settings.SSLCOMMERZ_SANDBOX_FAULTS:
        name, _, value = item.strip().partition("=")
        if name == "risky":
            faults["risky"] = True
        elif name in faults and value:
            faults[name] = value
    return faults


def _faults_from(data, base: dict) -> dict:
    faults = dict(base)
    if data.get("ipn") in IPN_MODES:
        faults["ipn"] = data["ipn"]
    if "validation" in data:
        faults["validation"] = "invalid" if data.get("validation") == "invalid" else ""
    if "amount" in data:
        faults["amount"] = "altered" if data.get("amount") == "altered" else ""
    if "risky" in data:
        faults["risky"] = data.get("risky") in ("1", "on", "true", "yes")
    return faults


# Session API -------------------------------------------------------------------------------------


@csrf_exempt
def session_api(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    data = request.POST
    if not _credentials_ok(data):
        return JsonResponse({"status": "FAILED", "failedreason": "Store Credential Error Or Store is De-active"})
    missing = [name for name in REQUIRED if not data.get(name)]
    if missing:
        return JsonResponse({"status": "FAILED", "failedreason": f"Invalid Information: {', '.join(missing)} missing"})
    try:
        amount = Decimal(data["total_amount"])
    except InvalidOperation:
        return JsonResponse({"status": "FAILED", "failedreason": "Invalid amount"})
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        return JsonResponse({"status": "FAILED", "failedreason": f"Amount must be between {MIN_AMOUNT} and {MAX_AMOUNT}"})
    if len(data["tran_id"]) > 30:
        return JsonResponse({"status": "FAILED", "failedreason": "tran_id is longer than 30 characters"})
    sessionkey = secrets.token_hex(16).upper()
    session = {key: data.get(key, "") for key in data.keys() if key != "store_passwd"}
    session.update({"sessionkey": sessionkey, "status": "PENDING", "created": time.time(), "val_id": "", "ipn_log": []})
    _put("session", sessionkey, session)
    tran_sessions = _get("tran", data["tran_id"]) or []
    _put("tran", data["tran_id"], [*tran_sessions, sessionkey])
    page = request.build_absolute_uri(reverse("sslcommerz-sandbox:checkout", args=[sessionkey]))
    return JsonResponse(
        {
            "status": "SUCCESS", "failedreason": "", "sessionkey": sessionkey,
            "gw": {"visa": "city_visa,ebl_visa", "master": "city_master", "mobilebanking": "bkash,nagad,dbblmobilebanking"},
            "redirectGatewayURL": page, "directPaymentURLBank": "", "directPaymentURLCard": "", "directPaymentURL": "",
            "redirectGatewayURLFailed": "", "GatewayPageURL": page, "storeBanner": "", "storeLogo": "",
            "desc": [{"name": label, "type": brand, "gw": code} for code, (_, brand, _, label) in METHODS.items()],
            "is_direct_pay_enable": "0",
        }
    )


# Hosted checkout ---------------------------------------------------------------------------------


def checkout(request, sessionkey: str):
    session = _get("session", sessionkey)
    if session is None:
        raise Http404("unknown session")
    base_faults = _faults_from(request.GET, default_faults())
    context = {"session": session, "methods": [(code, label) for code, (_, _, _, label) in METHODS.items()],
               "faults": base_faults, "ipn_modes": IPN_MODES}
    if request.method == "GET" or session["status"] != "PENDING":
        return render(request, "demo/sslcommerz/checkout.html", context)
    outcome = request.POST.get("outcome")
    method = request.POST.get("method", "bkash")
    if outcome not in ("success", "fail", "cancel") or method not in METHODS:
        context["error"] = "Choose a payment method and an outcome."
        return render(request, "demo/sslcommerz/checkout.html", context, status=400)
    faults = _faults_from(request.POST, base_faults)
    payload = _complete(session, outcome=outcome, method=method, faults=faults)
    target = {"success": "success_url", "fail": "fail_url", "cancel": "cancel_url"}[outcome]
    browser_payload = dict(payload)
    if faults["amount"] == "altered" and outcome == "success":
        browser_payload["amount"] = f"{Decimal(payload['amount']) - Decimal('1.00'):.2f}"
        browser_payload.update(sign(_unsigned(browser_payload), settings.SSLCOMMERZ_SANDBOX_STORE_PASSWORD))
    _deliver_ipn(session, browser_payload if faults["amount"] == "altered" else payload, faults["ipn"])
    return render(request, "demo/sslcommerz/return.html", {"action": session[target], "payload": browser_payload, "outcome": outcome})


def _unsigned(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if k not in ("verify_key", "verify_sign", "verify_sign_sha2")}


def _complete(session: dict, *, outcome: str, method: str, faults: dict) -> dict:
    """Settle the session at the gateway and build the signed notification SSLCommerz would post."""
    card_type, brand, issuer, _ = METHODS[method]
    status = {"success": "VALID", "fail": "FAILED", "cancel": "CANCELLED"}[outcome]
    amount = Decimal(session["total_amount"])
    payload = {
        "tran_id": session["tran_id"],
        "val_id": f"{datetime.now():%y%m%d%H%M%S}{_token(5)}" if status == "VALID" else "",
        "amount": f"{amount:.2f}",
        "card_type": card_type if status != "CANCELLED" else "",
        # SSLCommerz keeps 2.5 %, rounded half-up to the paisa (so the store amount rounds half-down).
        "store_amount": f"{(amount * Decimal('0.975')).quantize(Decimal('0.01'), rounding=ROUND_HALF_DOWN):.2f}",
        "card_no": "01XXXXXXX45" if brand == "MOBILEBANKING" else "432149XXXXXX0667",
        "bank_tran_id": f"{datetime.now():%y%m%d%H%M%S}{_token(4)}" if status != "CANCELLED" else "",
        "status": status,
        "tran_date": _now_text(),
        "error": {"FAILED": "Payment failed at the bank", "CANCELLED": "Cancelled by the customer"}.get(status, ""),
        "currency": session["currency"],
        "card_issuer": issuer,
        "card_brand": brand,
        "card_sub_brand": "Classic",
        "card_issuer_country": "Bangladesh",
        "card_issuer_country_code": "BD",
        "store_id": settings.SSLCOMMERZ_SANDBOX_STORE_ID,
        "currency_type": session["currency"],
        "currency_amount": f"{amount:.2f}",
        "currency_rate": "1.0000",
        "base_fair": "0.00",
        "value_a": session.get("value_a", ""),
        "value_b": session.get("value_b", ""),
        "value_c": session.get("value_c", ""),
        "value_d": session.get("value_d", ""),
        "risk_level": "1" if faults["risky"] else "0",
        "risk_title": "Risky Transaction" if faults["risky"] else "Safe",
    }
    payload.update(sign(payload, settings.SSLCOMMERZ_SANDBOX_STORE_PASSWORD))
    session.update({"status": status, "val_id": payload["val_id"], "bank_tran_id": payload["bank_tran_id"],
                    "faults": faults, "transaction": _unsigned(payload)})
    _put("session", session["sessionkey"], session)
    _put("validations", session["sessionkey"], 0)
    if payload["val_id"]:
        _put("val", payload["val_id"], session["sessionkey"])
    if payload["bank_tran_id"]:
        _put("bank", payload["bank_tran_id"], session["sessionkey"])
    if status == "VALID":
        report_add({"tran_id": payload["tran_id"], "val_id": payload["val_id"], "bank_tran_id": payload["bank_tran_id"],
                    "tran_date": payload["tran_date"], "type": "PAYMENT", "amount": payload["amount"],
                    "store_amount": payload["store_amount"], "currency": payload["currency"],
                    "card_type": payload["card_type"], "status": "VALID"})
    return payload


def _post_ipn(sessionkey: str, url: str, payload: dict) -> None:
    # One connection per notification, as a gateway's IPN sender does. A pool of its own, emptied after
    # the request: a shared pool could hand the second IPN a connection the server was just closing.
    http = urllib3.PoolManager()
    try:
        response = http.request("POST", url, fields=payload, encode_multipart=False, retries=False,
                                headers={"Connection": "close"}, timeout=urllib3.Timeout(connect=5, read=30))
        result = response.status
    except urllib3.exceptions.HTTPError as exc:
        result = f"error: {exc.__class__.__name__}"
    finally:
        http.clear()
    session = _get("session", sessionkey) or {}
    session.setdefault("ipn_log", []).append(result)
    _put("session", sessionkey, session)
    logger.info("sandbox IPN for %s → %s", payload.get("tran_id"), result)


def _deliver_ipn(session: dict, payload: dict, mode: str) -> None:
    url = session.get("ipn_url")
    if not url or mode == "none":
        return
    key = session["sessionkey"]
    if mode == "late":
        def later():
            time.sleep(settings.SSLCOMMERZ_SANDBOX_IPN_DELAY)
            _post_ipn(key, url, payload)

        threading.Thread(target=later, daemon=True, name="sandbox-late-ipn").start()
        return
    for _ in range(2 if mode == "twice" else 1):
        _post_ipn(key, url, payload)


def ipn_log(sessionkey: str) -> list:
    """What the IPN deliveries for a session answered (HTTP status codes), for tests and the demo."""
    return (_get("session", sessionkey) or {}).get("ipn_log", [])


# Validation API ----------------------------------------------------------------------------------


def _session_for_val(val_id: str) -> dict | None:
    key = _get("val", val_id) if val_id else None
    return _get("session", key) if key else None


def _validated(sessionkey: str) -> int:
    """Count one more validation of the session's transaction (atomic across server processes)."""
    key = f"{KEY}validations:{sessionkey}"
    try:
        return _store().incr(key)
    except ValueError:  # completed before validations were counted on their own
        _store().set(key, 1, TTL)
        return 1


def _validations(sessionkey: str) -> int:
    return _get("validations", sessionkey) or 0


def validation_api(request):
    data = request.GET
    if not _credentials_ok(data):
        return JsonResponse({"APIConnect": "INVALID_REQUEST", "status": "INVALID_TRANSACTION"})
    session = _session_for_val(data.get("val_id", ""))
    if session is None or session["status"] != "VALID" or session["faults"].get("validation") == "invalid":
        return JsonResponse({"APIConnect": "DONE", "status": "INVALID_TRANSACTION", "val_id": data.get("val_id", "")})
    answer = dict(session["transaction"])
    answer.update({
        "status": "VALID" if _validated(session["sessionkey"]) == 1 else "VALIDATED",
        "validated_on": _now_text(), "gw_version": "", "APIConnect": "DONE",
        "emi_instalment": "0", "emi_amount": "0.00", "emi_description": "", "emi_issuer": "", "account_details": "",
    })
    return JsonResponse(answer)


# Transaction query and refunds -------------------------------------------------------------------


def _element(session: dict) -> dict:
    if session.get("transaction"):
        element = dict(session["transaction"])
        validated = _validations(session["sessionkey"])
        if element["status"] == "VALID" and validated:
            element["status"] = "VALIDATED"
        element["validated_on"] = _now_text() if validated else ""
        return element
    expired = time.time() - session["created"] > settings.SSLCOMMERZ_SANDBOX_SESSION_SECONDS
    return {"tran_id": session["tran_id"], "status": "EXPIRED" if expired else "PENDING", "amount": session["total_amount"],
            "currency": session["currency"], "val_id": "", "bank_tran_id": "", "tran_date": ""}


def query_api(request):
    data = request.GET
    if not _credentials_ok(data):
        return JsonResponse({"APIConnect": "INVALID_REQUEST"})
    if data.get("refund_ref_id"):
        return _refund_status(data["refund_ref_id"])
    if data.get("bank_tran_id") or data.get("refund_amount"):
        return _refund_start(data)
    if data.get("tran_id"):
        sessions = [_get("session", key) for key in _get("tran", data["tran_id"]) or []]
        elements = [_element(session) for session in sessions if session]
        return JsonResponse({"APIConnect": "DONE", "no_of_trans_found": len(elements), "element": elements})
    if data.get("sessionkey"):
        session = _get("session", data["sessionkey"])
        if session is None:
            return JsonResponse({"APIConnect": "DONE", "status": "INVALID_REQUEST"})
        return JsonResponse({"APIConnect": "DONE", **_element(session), "sessionkey": data["sessionkey"]})
    return JsonResponse({"APIConnect": "INVALID_REQUEST"})


def _refund_start(data) -> JsonResponse:
    key = _get("bank", data.get("bank_tran_id", ""))
    session = _get("session", key) if key else None
    refused = {"APIConnect": "DONE", "bank_tran_id": data.get("bank_tran_id", ""), "status": "failed"}
    if session is None or session["status"] != "VALID":
        return JsonResponse({**refused, "errorReason": "Invalid bank transaction id"})
    try:
        amount = Decimal(data.get("refund_amount", ""))
    except InvalidOperation:
        return JsonResponse({**refused, "errorReason": "Invalid refund amount"})
    refunded = sum((Decimal(r["amount"]) for r in session.get("refunds", [])), Decimal("0"))
    if not data.get("refund_remarks") or amount <= 0 or refunded + amount > Decimal(session["total_amount"]):
        return JsonResponse({**refused, "errorReason": "Refund amount exceeds the transaction, or remarks missing"})
    refund_ref_id = f"RF{_token(6)}"
    session.setdefault("refunds", []).append({"amount": f"{amount:.2f}", "refund_ref_id": refund_ref_id, "polls": 0,
                                               "initiated_on": _now_text(), "refe_id": data.get("refe_id", "")})
    _put("session", session["sessionkey"], session)
    _put("refund", refund_ref_id, session["sessionkey"])
    report_add({"tran_id": session["tran_id"], "val_id": session["val_id"], "bank_tran_id": refund_ref_id,
                "tran_date": _now_text(), "type": "REFUND", "amount": f"{amount:.2f}", "store_amount": f"{-amount:.2f}",
                "currency": session["currency"], "card_type": session["transaction"].get("card_type", ""),
                "status": "REFUNDED"})
    return JsonResponse({"APIConnect": "DONE", "bank_tran_id": session["bank_tran_id"], "trans_id": session["tran_id"],
                         "refund_ref_id": refund_ref_id, "status": "success", "errorReason": ""})


def _refund_status(refund_ref_id: str) -> JsonResponse:
    key = _get("refund", refund_ref_id)
    session = _get("session", key) if key else None
    refund = next((r for r in (session or {}).get("refunds", []) if r["refund_ref_id"] == refund_ref_id), None)
    if refund is None:
        return JsonResponse({"APIConnect": "DONE", "status": "failed", "errorReason": "Invalid refund_ref_id"})
    # The first poll finds it processing; from the second on it is refunded.
    refund["polls"] += 1
    _put("session", session["sessionkey"], session)
    done = refund["polls"] > 1
    return JsonResponse({
        "APIConnect": "DONE", "bank_tran_id": session["bank_tran_id"], "tran_id": session["tran_id"],
        "refund_ref_id": refund_ref_id, "initiated_on": refund["initiated_on"], "refunded_on": _now_text() if done else "",
        "status": "refunded" if done else "processing", "errorReason": "",
    })


# The merchant panel's transaction report ---------------------------------------------------------

REPORT_COLUMNS = ("tran_id", "val_id", "bank_tran_id", "tran_date", "type", "amount", "store_amount", "currency", "card_type", "status")


def report_add(row: dict) -> None:
    """A transaction onto its day's report (a counter and one key per row: no list rewritten)."""
    day = row["tran_date"][:10]
    store = _store()
    store.add(f"{KEY}report-count:{day}", 0, TTL)
    n = store.incr(f"{KEY}report-count:{day}")
    store.set(f"{KEY}report:{day}:{n}", row, TTL)


def report(request):
    """The merchant panel's "Export" of one day's transactions: CSV."""
    try:
        day = datetime.strptime(request.GET.get("date", ""), "%Y-%m-%d").date().isoformat()
    except ValueError:
        return HttpResponseBadRequest("date=YYYY-MM-DD")
    store = _store()
    count = store.get(f"{KEY}report-count:{day}") or 0
    keys = [f"{KEY}report:{day}:{n}" for n in range(1, count + 1)]
    found = store.get_many(keys) if keys else {}
    out = io.StringIO()
    writer = csvfiles.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for key in keys:
        if key in found:
            writer.writerow([found[key][name] for name in REPORT_COLUMNS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sslcommerz-report-{day}.csv"'
    return response
