"""bKash Tokenized Checkout (v1.2.0-beta) adapter: our own small client, like payments/sslcommerz.py.

Base URL `…/v1.2.0-beta/tokenized/checkout` (or the demo's emulator, demo/bkash/). Every call is a JSON
POST with explicit timeouts and no retries; failures raise `GatewayError` (could not reach / could
not read the answer, including a timeout: the call MAY have happened at bKash) or `GatewayRefused`
(bKash answered a statusCode other than "0000": it did not happen). A timed-out `execute` must be
followed by `payment_status` before anything is tried again: the payment may have completed.

Tokens: `token/grant` (headers username/password, body app_key/app_secret) gives an `id_token`
valid for an hour and a `refresh_token`; a client keeps them per process and refreshes a minute
before expiry (`token/refresh`), granting afresh when a refresh is refused.

Nothing here touches the database: payments/bkash_flow.py decides what an answer means.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import urllib3

from .sslcommerz import GatewayError, GatewayRefused, RefundAnswerLost, format_amount, http_pool, json_request, parse_amount

__all__ = ["BkashClient", "GatewayError", "GatewayRefused", "ExecuteTimeout", "RefundAnswerLost", "mask_wallet", "parse_amount",
           "format_amount"]

MODE_CHECKOUT = "0011"          # pay without an agreement
MODE_AGREEMENT = "0000"         # create an agreement (link the wallet)
MODE_WITH_AGREEMENT = "0001"    # pay with an agreement
OK = "0000"
# The statusCodes we act on (bKash's error list): the rest are reported as they come.
INSUFFICIENT_BALANCE = "2023"
ALREADY_COMPLETED = "2062"
AGREEMENT_NOT_ACTIVE = "2070"
NO_REFUND = "2075"

MIN_AMOUNT = Decimal("1.00")
MAX_AMOUNT = Decimal("500000.00")
SECRET_KEYS = frozenset({"app_secret", "password", "id_token", "refresh_token", "Authorization"})
REFRESH_MARGIN_SECONDS = 60


class Unauthorized(GatewayError):
    """bKash refused the id_token (expired early, revoked): nothing was done; grant a new one and ask again."""


class ExecuteTimeout(GatewayError):
    """execute (or a create with an agreement) got no answer: it may have completed at bKash. Query first."""


def mask_wallet(msisdn: str) -> str:
    """"01770618575" → "017•••••575": what we keep of a wallet number."""
    digits = "".join(ch for ch in str(msisdn or "") if ch.isdigit() or ch == "*")
    if len(digits) < 6:
        return "•••"
    return f"{digits[:3]}{'•' * (len(digits) - 6)}{digits[-3:]}"


def redact(data):
    if isinstance(data, dict):
        return {k: ("•••" if k in SECRET_KEYS else redact(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(v) for v in data]
    return data


@dataclass
class _Token:
    id_token: str
    refresh_token: str
    expires_at: float


# One token per merchant per process, shared by threads.
_tokens: dict[tuple, _Token] = {}
_token_lock = threading.Lock()


def tokens_forget() -> None:
    _tokens.clear()


class BkashClient:
    def __init__(self, *, app_key: str, app_secret: str, username: str, password: str, base_url: str,
                 connect_timeout: float = 5.0, read_timeout: float = 30.0, http: urllib3.PoolManager | None = None):
        if not (app_key and app_secret and username and password and base_url):
            raise GatewayError("the bKash app key, secret, username, password and base URL are not all configured")
        self.app_key, self.app_secret = app_key, app_secret
        self.username, self.password = username, password
        self.base_url = base_url.rstrip("/")
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.http = http or http_pool(self.base_url)

    # -- plumbing

    def _post(self, path: str, body: dict, headers: dict, *, lost_answer: type[GatewayError] = GatewayError) -> dict:
        status, answer = json_request(
            self.http, "POST", f"{self.base_url}/{path}", gateway="bKash", what=path, timeout=self.timeout,
            lost_answer=lost_answer, body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        )
        if status == 401 and "statusCode" not in answer:
            raise Unauthorized(f"bKash refused the token ({path})")
        if status >= 400 and "statusCode" not in answer:
            raise GatewayError(f"bKash answered HTTP {status} ({path})")
        return answer

    def _checked(self, answer: dict, what: str) -> dict:
        code = str(answer.get("statusCode", ""))
        if code != OK:
            message = str(answer.get("statusMessage") or answer.get("errorMessage") or f"{what} refused")
            error = GatewayRefused(f"{message} ({code})", redact(answer))
            error.code = code
            raise error
        return answer

    def _token(self) -> str:
        key = (self.base_url, self.app_key, self.username)
        with _token_lock:
            token = _tokens.get(key)
            now = time.monotonic()
            if token and token.expires_at - REFRESH_MARGIN_SECONDS > now:
                return token.id_token
            answer = None
            if token and token.refresh_token:
                try:
                    answer = self._checked(self._post(
                        "token/refresh", {"app_key": self.app_key, "app_secret": self.app_secret, "refresh_token": token.refresh_token},
                        {"username": self.username, "password": self.password},
                    ), "token refresh")
                except GatewayRefused:
                    answer = None
            if answer is None:
                answer = self._checked(self._post(
                    "token/grant", {"app_key": self.app_key, "app_secret": self.app_secret},
                    {"username": self.username, "password": self.password},
                ), "token grant")
            if not answer.get("id_token"):
                raise GatewayError("bKash granted no id_token")
            expires_in = int(answer.get("expires_in") or 3600)
            _tokens[key] = _Token(str(answer["id_token"]), str(answer.get("refresh_token", "")), now + expires_in)
            return _tokens[key].id_token

    def _call(self, path: str, body: dict, *, lost_answer: type[GatewayError] = GatewayError) -> dict:
        headers = {"Authorization": self._token(), "X-APP-Key": self.app_key}
        try:
            return self._post(path, body, headers, lost_answer=lost_answer)
        except Unauthorized:
            with _token_lock:
                _tokens.pop((self.base_url, self.app_key, self.username), None)
            headers["Authorization"] = self._token()
            return self._post(path, body, headers, lost_answer=lost_answer)

    # -- checkout

    def create(self, *, mode: str, amount: Decimal | None, payer_reference: str, callback_url: str,
               merchant_invoice_number: str, agreement_id: str = "", currency: str = "BDT") -> dict:
        """Open a payment (0011, 0001) or an agreement (0000): `paymentID` and `bkashURL`."""
        body = {"mode": mode, "payerReference": payer_reference[:255] or " ", "callbackURL": callback_url}
        if mode != MODE_AGREEMENT:
            if not isinstance(amount, Decimal) or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
                raise ValueError(f"the amount must be a Decimal between {MIN_AMOUNT} and {MAX_AMOUNT}")
            body.update(amount=format_amount(amount), currency=currency, intent="sale",
                        merchantInvoiceNumber=merchant_invoice_number)
        if mode == MODE_WITH_AGREEMENT:
            body["agreementID"] = agreement_id
        answer = self._checked(self._call("create", body), "create")
        if not answer.get("paymentID"):
            raise GatewayError("bKash answered create without a paymentID")
        return answer

    def payment_execute(self, payment_id: str) -> dict:
        """Complete a payment or agreement the customer confirmed. Raises ExecuteTimeout when the answer
        is lost: ask `payment_status` (or `agreement_status`) before anything else."""
        return self._checked(self._call("execute", {"paymentID": payment_id}, lost_answer=ExecuteTimeout), "execute")

    def payment_status(self, payment_id: str) -> dict:
        """The payment as bKash has it: transactionStatus Initiated, Completed, Cancelled, Failed …"""
        return self._checked(self._call("payment/status", {"paymentID": payment_id}), "payment status")

    # -- agreements

    def agreement_status(self, agreement_id: str) -> dict:
        return self._checked(self._call("agreement/status", {"agreementID": agreement_id}), "agreement status")

    def agreement_cancel(self, agreement_id: str) -> dict:
        return self._checked(self._call("agreement/cancel", {"agreementID": agreement_id}), "agreement cancel")

    # -- refunds

    def refund(self, *, payment_id: str, trx_id: str, amount: Decimal, reason: str, sku: str = "internet") -> dict:
        """Refund all or part of a payment. A lost answer raises RefundAnswerLost: ask `refund_status`
        before anything else (the refund may have been made)."""
        if not isinstance(amount, Decimal) or amount <= 0:
            raise ValueError("a refund amount must be a positive Decimal")
        return self._checked(self._call("payment/refund", {
            "paymentID": payment_id, "trxID": trx_id, "amount": format_amount(amount), "reason": reason[:255], "sku": sku,
        }, lost_answer=RefundAnswerLost), "refund")

    def refund_status(self, *, payment_id: str, trx_id: str) -> dict:
        """bKash's Refund Status: the same path with only paymentID and trxID; refundTrxID, amount and
        transactionStatus of the refund made (statusCode 2075 when there is none)."""
        return self._checked(self._call("payment/refund", {"paymentID": payment_id, "trxID": trx_id}), "refund status")
