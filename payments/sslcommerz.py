"""SSLCommerz v4 adapter: our own small client, not `sslcommerz-lib`.

sslcommerz-lib (one release, 2020) calls `requests` without a timeout, swallows every exception and
returns None, and compares signatures with MD5 and `==`. Here every call has explicit timeouts,
failures raise `GatewayError`, amounts are `Decimal`, and notifications are checked with both the MD5
(`verify_sign`) and the SHA-256 (`verify_sign_sha2`) signature in constant time. The base URL is a
setting: the live host, the sandbox host, or our own emulator (demo/sslcommerz/).

HTTP goes through urllib3 (the transport under `requests`) with a keep-alive pool: every IPN makes
one validation call while the gateway waits for our answer, and `requests`' session machinery cost
about as much CPU again as the call itself.

Nothing here touches the database: payments/online.py decides what a response means for a payment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import urllib3

SESSION_PATH = "/gwprocess/v4/api.php"
VALIDATION_PATH = "/validator/api/validationserverAPI.php"
QUERY_PATH = "/validator/api/merchantTransIDvalidationAPI.php"

LIVE_BASE_URL = "https://securepay.sslcommerz.com"
SANDBOX_BASE_URL = "https://sandbox.sslcommerz.com"

MIN_AMOUNT = Decimal("10.00")
MAX_AMOUNT = Decimal("500000.00")
MAX_TRAN_ID_LENGTH = 30

# Keys never written to logs or shown to staff.
SECRET_KEYS = frozenset({"store_passwd", "store_password", "verify_sign", "verify_sign_sha2"})
REDACTED = "•••"


class GatewayError(Exception):
    """The gateway could not be reached, answered with an HTTP error, or answered something unreadable."""


class RefundAnswerLost(GatewayError):
    """A refund request whose answer never came (a read timeout, a dropped connection, HTTP 5xx): the
    refund MAY have happened at the gateway. Never sent again blindly: ask the gateway's refund status."""


class GatewayRefused(GatewayError):
    """The gateway answered, and said no (a session it would not open, a refund it would not start)."""

    def __init__(self, message: str, response: dict | None = None):
        super().__init__(message)
        self.response = response or {}


@dataclass(frozen=True)
class Session:
    sessionkey: str
    gateway_url: str
    response: dict


def format_amount(amount: Decimal) -> str:
    """Amounts travel as text with two places: Decimal("1150") → "1150.00"."""
    if not isinstance(amount, Decimal):
        raise TypeError("amounts must be Decimal")
    return f"{amount.quantize(Decimal('0.01')):f}"


def parse_amount(value: Any) -> Decimal | None:
    """A gateway amount as Decimal exactly as sent ("1150.00", "1150"), or None if it is not a number."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def redact(data: Any) -> Any:
    """A copy safe to store and show: store passwords and signatures replaced."""
    if isinstance(data, Mapping):
        return {key: (REDACTED if key in SECRET_KEYS else redact(value)) for key, value in data.items()}
    if isinstance(data, list):
        return [redact(item) for item in data]
    return data


# Signatures -----------------------------------------------------------------------------------------


def _digest(algorithm: str, text: str) -> str:
    return hashlib.new(algorithm, text.encode("utf-8")).hexdigest()


def _signature(fields: Mapping[str, str], store_password: str, algorithm: str) -> str:
    data = dict(fields)
    data["store_passwd"] = _digest(algorithm, store_password)
    # SSLCommerz's own code builds "k=v&" for each key and then rtrim()s every trailing "&" (so a last
    # value ending in "&" loses it); signatures only match if we do exactly the same.
    return _digest(algorithm, "".join(f"{key}={data[key]}&" for key in sorted(data)).rstrip("&"))


def sign(payload: Mapping[str, str], store_password: str) -> dict[str, str]:
    """verify_key (every field of the payload), verify_sign (MD5) and verify_sign_sha2 (SHA-256) for a
    notification, the way SSLCommerz signs its POSTs. Used by the emulator and by tests."""
    fields = {key: str(value) for key, value in payload.items() if key not in ("verify_key", "verify_sign", "verify_sign_sha2")}
    return {
        "verify_key": ",".join(fields),
        "verify_sign": _signature(fields, store_password, "md5"),
        "verify_sign_sha2": _signature(fields, store_password, "sha256"),
    }


def _signed_fields(payload: Mapping[str, str]) -> dict[str, str] | None:
    verify_key = payload.get("verify_key")
    if not isinstance(verify_key, str) or not verify_key.strip():
        return None
    fields = {}
    for key in verify_key.split(","):
        if not key or key not in payload:
            return None
        value = payload[key]
        if not isinstance(value, str):
            return None
        fields[key] = value
    return fields


def _matches(expected: str, given: Any) -> bool:
    if not isinstance(given, str) or not given.isascii() or len(given) != len(expected):
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii"))


def verify_ipn_signature(payload: Mapping[str, str], store_password: str) -> bool:
    """True only if both verify_sign (MD5) and verify_sign_sha2 (SHA-256) match the fields that
    verify_key names. False — never an exception — for a missing or malformed signature, an empty
    verify_key, or a verify_key naming a field the payload does not have."""
    try:
        fields = _signed_fields(payload)
        if fields is None or not store_password:
            return False
        md5_ok = _matches(_signature(fields, store_password, "md5"), payload.get("verify_sign"))
        sha2_ok = _matches(_signature(fields, store_password, "sha256"), payload.get("verify_sign_sha2"))
        return md5_ok and sha2_ok
    except Exception:  # noqa: BLE001 - a hostile payload must never turn into a 500
        return False


# Client ---------------------------------------------------------------------------------------------


# Idle connections kept per host: enough for every thread of a worker (gunicorn --threads) to have
# its own. urllib3 keeps one by default, so concurrent calls opened a new connection each time and
# logged "Connection pool is full" for every one they then had to drop.
POOL_CONNECTIONS = 16


def http_pool(base_url: str) -> urllib3.PoolManager:
    """A keep-alive connection pool for the gateway's host, through the proxy the environment names
    for it (HTTPS_PROXY / HTTP_PROXY, unless NO_PROXY exempts the host), as `requests` would. Safe to
    share between threads."""
    parts = urllib3.util.parse_url(base_url)
    proxy = urllib.request.getproxies().get(parts.scheme or "https")
    if proxy and not urllib.request.proxy_bypass(parts.host or ""):
        return urllib3.ProxyManager(proxy, maxsize=POOL_CONNECTIONS)
    return urllib3.PoolManager(maxsize=POOL_CONNECTIONS)


def json_request(http: urllib3.PoolManager, method: str, url: str, *, gateway: str, what: str, timeout: urllib3.Timeout,
                 lost_answer: type[GatewayError] = GatewayError, **request: Any) -> tuple[int, dict]:
    """One call, never retried, whose answer must be a JSON object: (HTTP status, that object). Shared
    by the gateway clients so that each tells a lost answer from a call that surely did not happen in
    the same way. A call that may have reached the gateway but whose answer was lost (a read timeout, a
    dropped connection, HTTP 5xx) raises `lost_answer`; one that could not connect, or an answer that
    is not a JSON object, raises GatewayError. A 4xx is the caller's to judge (bKash and Nagad say why
    in the body)."""
    try:
        response = http.request(method, url, timeout=timeout, retries=False, **request)
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise lost_answer(f"{gateway} did not answer in time ({what})") from exc
    except urllib3.exceptions.TimeoutError as exc:  # could not connect: nothing was sent
        raise GatewayError(f"{gateway} could not be reached in time ({what})") from exc
    except urllib3.exceptions.ProtocolError as exc:  # the connection dropped after sending
        raise lost_answer(f"{gateway} dropped the connection ({what})") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise GatewayError(f"{gateway} could not be reached ({what}): {exc.__class__.__name__}") from exc
    if response.status >= 500:
        raise lost_answer(f"{gateway} answered HTTP {response.status} ({what})")
    try:
        answer = json.loads(response.data)
    except ValueError as exc:
        raise GatewayError(f"{gateway} answered something that is not JSON ({what})") from exc
    if not isinstance(answer, dict):
        raise GatewayError(f"{gateway} answered an unexpected JSON shape ({what})")
    return response.status, answer


class SSLCommerzClient:
    """One store's calls to the session, validation, transaction-query and refund APIs."""

    def __init__(
        self,
        *,
        store_id: str,
        store_password: str,
        base_url: str,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        http: urllib3.PoolManager | None = None,
    ):
        if not store_id or not store_password:
            raise GatewayError("the gateway's store id and store password are not configured")
        self.store_id = store_id
        self.store_password = store_password
        self.base_url = base_url.rstrip("/")
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.http = http or http_pool(self.base_url)

    # -- plumbing

    def _call(self, method: str, path: str, data: dict[str, str]) -> dict:
        data = {"store_id": self.store_id, "store_passwd": self.store_password, **data}
        # No retries: a call that failed is reported, and a validation or refund is asked again by
        # reconciliation, never blindly repeated here.
        form = {"encode_multipart": False} if method == "POST" else {}
        status, body = json_request(self.http, method, self.base_url + path, gateway="SSLCommerz", what=path,
                                    timeout=self.timeout, fields=data, **form)
        if status >= 400:
            raise GatewayError(f"SSLCommerz answered HTTP {status} ({path})")
        return body

    # -- session

    def create_session(
        self,
        *,
        tran_id: str,
        amount: Decimal,
        currency: str,
        success_url: str,
        fail_url: str,
        cancel_url: str,
        ipn_url: str,
        customer: Mapping[str, str],
        product_name: str,
        product_category: str = "Internet service",
        product_profile: str = "non-physical-goods",
        values: Mapping[str, str] | None = None,
    ) -> Session:
        """Open a hosted-checkout session; the customer is sent to `Session.gateway_url`."""
        if not isinstance(amount, Decimal) or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            raise ValueError(f"the amount must be a Decimal between {MIN_AMOUNT} and {MAX_AMOUNT}")
        if not tran_id or len(tran_id) > MAX_TRAN_ID_LENGTH:
            raise ValueError(f"tran_id must be 1–{MAX_TRAN_ID_LENGTH} characters")
        data = {
            "total_amount": format_amount(amount),
            "currency": currency,
            "tran_id": tran_id,
            "success_url": success_url,
            "fail_url": fail_url,
            "cancel_url": cancel_url,
            "ipn_url": ipn_url,
            "cus_name": customer.get("name", ""),
            "cus_email": customer.get("email", ""),
            "cus_add1": customer.get("address", ""),
            "cus_city": customer.get("city", ""),
            "cus_postcode": customer.get("postcode", ""),
            "cus_country": customer.get("country", "Bangladesh"),
            "cus_phone": customer.get("phone", ""),
            "shipping_method": "NO",
            "num_of_item": "1",
            "product_name": product_name,
            "product_category": product_category,
            "product_profile": product_profile,
        }
        for key, value in (values or {}).items():
            if key not in ("value_a", "value_b", "value_c", "value_d"):
                raise ValueError(f"{key} is not one of value_a…value_d")
            data[key] = value
        body = self._call("POST", SESSION_PATH, data)
        if str(body.get("status", "")).upper() != "SUCCESS" or not body.get("GatewayPageURL"):
            raise GatewayRefused(str(body.get("failedreason") or "the gateway refused to open a session"), redact(body))
        return Session(sessionkey=str(body.get("sessionkey", "")), gateway_url=str(body["GatewayPageURL"]), response=body)

    # -- validation and queries

    def validate(self, val_id: str) -> dict:
        """The Order Validation API's answer for a val_id (status VALID, VALIDATED or INVALID_TRANSACTION)."""
        return self._call("GET", VALIDATION_PATH, {"val_id": val_id, "format": "json", "v": "1"})

    def query_by_tran_id(self, tran_id: str) -> list[dict]:
        """Every attempt the gateway knows for our tran_id (an empty list when it knows none)."""
        body = self._call("GET", QUERY_PATH, {"tran_id": tran_id, "format": "json"})
        if body.get("APIConnect") not in (None, "DONE"):
            raise GatewayError(f"transaction query failed: {body.get('APIConnect')}")
        elements = body.get("element") or []
        return [element for element in elements if isinstance(element, dict)]

    def query_by_session(self, sessionkey: str) -> dict:
        return self._call("GET", QUERY_PATH, {"sessionkey": sessionkey, "format": "json"})

    # -- refunds

    def refund(self, *, bank_tran_id: str, amount: Decimal, remarks: str, refe_id: str) -> dict:
        """Start a refund; answers `status` success (started), processing or failed, and `refund_ref_id`."""
        if not isinstance(amount, Decimal) or amount <= 0:
            raise ValueError("a refund amount must be a positive Decimal")
        body = self._call(
            "GET", QUERY_PATH,
            {
                "bank_tran_id": bank_tran_id, "refund_amount": format_amount(amount), "refund_remarks": remarks,
                "refe_id": refe_id, "format": "json",
            },
        )
        if body.get("APIConnect") not in (None, "DONE") or str(body.get("status", "")).lower() == "failed":
            raise GatewayRefused(str(body.get("errorReason") or body.get("APIConnect") or "refund refused"), redact(body))
        return body

    def refund_status(self, refund_ref_id: str) -> dict:
        """A refund's status: refunded, processing or cancelled."""
        return self._call("GET", QUERY_PATH, {"refund_ref_id": refund_ref_id, "format": "json"})
