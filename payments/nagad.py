"""Nagad online checkout adapter: our own small client over Nagad's public Merchant API (the "remote
payment gateway", `…/api/dfs/`), like payments/bkash.py. No SDK: Nagad's PHP/Java samples and the
community packages are unmaintained, and the protocol is four calls and two RSA operations.

    POST check-out/initialize/{merchantId}/{orderId}
        {accountNumber, dateTime, sensitiveData, signature}
        sensitiveData = base64(RSA-encrypt(Nagad's public key, JSON {merchantId, datetime, orderId, challenge}))
        signature     = base64(SHA256withRSA(our private key, the same JSON))
      → {sensitiveData, signature}: decrypted with our private key to {paymentReferenceId, challenge,
        acceptDateTime}; the signature must verify with Nagad's public key over that plaintext.
    POST check-out/complete/{paymentReferenceId}
        {sensitiveData: enc({merchantId, orderId, currencyCode "050", amount, challenge}), signature,
         merchantCallbackURL, additionalMerchantInfo}
      → {status "Success", callBackUrl}: the page the customer pays on.
    (the customer pays; Nagad sends the browser to merchantCallbackURL?merchant=…&order_id=…
     &payment_ref_id=…&status=…&status_code=…&message=…&payment_dt=…&issuer_payment_ref=…)
    GET verify/payment/{paymentReferenceId}
      → {merchantId, orderId, paymentRefId, amount, clientMobileNo, issuerPaymentRefNo, status, statusCode, …}:
        the only proof of payment (the callback's query string is the browser's word).

Every call carries X-KM-Api-Version, X-KM-IP-V4 (the customer's address) and X-KM-Client-Type. RSA
encryption is PKCS#1 v1.5, as Nagad's samples use (openssl_public_encrypt's default); signatures are
PKCS#1 v1.5 with SHA-256 ("SHA256withRSA"). Failures raise `GatewayError` (could not reach / could not
read: the call MAY have happened) or `GatewayRefused` (Nagad answered with a `reason`: it did not).
A verify that times out raises `VerifyTimeout`: the payment may be paid; ask again, never start over.

Nothing here touches the database: payments/nagad_flow.py decides what an answer means.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import secrets
from decimal import Decimal
from urllib.parse import quote

import urllib3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .sslcommerz import GatewayError, GatewayRefused, format_amount, http_pool, json_request, parse_amount

__all__ = ["NagadClient", "GatewayError", "GatewayRefused", "VerifyTimeout", "BadSignature", "parse_amount", "format_amount",
           "encrypt", "decrypt", "sign", "signature_ok", "load_private_key", "load_public_key", "CURRENCY_BDT"]

API_VERSION = "v-0.2.0"
CURRENCY_BDT = "050"            # ISO 4217 numeric: Nagad takes Taka only
MIN_AMOUNT = Decimal("1.00")
MAX_AMOUNT = Decimal("500000.00")
SECRET_KEYS = frozenset({"sensitiveData", "signature", "sensitiveDataCancelRequest", "challenge"})


class VerifyTimeout(GatewayError):
    """verify/payment got no answer: the payment may well be paid. Ask again later; never open another."""


class BadSignature(GatewayRefused):
    """Nagad's answer did not carry a signature that Nagad's public key verifies, or could not be decrypted
    with our key, or answered another challenge: it is not Nagad's answer to this request."""


# Keys and the two RSA operations ------------------------------------------------------------------


def _der(text: str, kind: str) -> bytes:
    """Bare base64 (Nagad's portal hands keys out so) or PEM, PKCS#8 / PKCS#1 / SubjectPublicKeyInfo."""
    text = (text or "").strip()
    if not text:
        raise GatewayError(f"no {kind} key is configured")
    if "-----BEGIN" in text:
        text = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise GatewayError(f"the {kind} key is not base64 or PEM") from exc


# Loading a 2048-bit private key checks it (OpenSSL's RSA_check_key), 15-46 ms of CPU, and every checkout,
# callback and verification builds its client from the settings' text: the same few keys, read once a process.
# A key that fails to load raises, and a raised error is not kept.
@functools.lru_cache(maxsize=8)
def load_private_key(text: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_der_private_key(_der(text, "private"), password=None)
    except (ValueError, TypeError) as exc:
        raise GatewayError("the merchant private key cannot be read") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise GatewayError("the merchant private key is not an RSA key")
    return key


@functools.lru_cache(maxsize=8)
def load_public_key(text: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_der_public_key(_der(text, "public"))
    except (ValueError, TypeError) as exc:
        raise GatewayError("Nagad's public key cannot be read") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise GatewayError("Nagad's public key is not an RSA key")
    return key


def encrypt(public_key: rsa.RSAPublicKey, plaintext: str) -> str:
    return base64.b64encode(public_key.encrypt(plaintext.encode(), padding.PKCS1v15())).decode()


def decrypt(private_key: rsa.RSAPrivateKey, ciphertext: str) -> str:
    """Raises BadSignature when the text is not base64 or not encrypted for our key."""
    try:
        raw = base64.b64decode(str(ciphertext or ""), validate=True)
        return private_key.decrypt(raw, padding.PKCS1v15()).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadSignature("Nagad's sensitiveData cannot be decrypted with our key", {}) from exc


def sign(private_key: rsa.RSAPrivateKey, plaintext: str) -> str:
    return base64.b64encode(private_key.sign(plaintext.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def signature_ok(public_key: rsa.RSAPublicKey, plaintext: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(str(signature or ""), validate=True)
        public_key.verify(raw, plaintext.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def sealed(*, data: dict, nagad_public_key: rsa.RSAPublicKey, private_key: rsa.RSAPrivateKey) -> tuple[str, str]:
    """(sensitiveData, signature) for a request: the JSON encrypted for Nagad and signed by us."""
    plaintext = json.dumps(data, separators=(",", ":"))
    return encrypt(nagad_public_key, plaintext), sign(private_key, plaintext)


def opened(*, answer: dict, private_key: rsa.RSAPrivateKey, nagad_public_key: rsa.RSAPublicKey,
           field: str = "sensitiveData") -> dict:
    """The decrypted, signature-checked sensitiveData of an answer of Nagad's."""
    plaintext = decrypt(private_key, answer.get(field, ""))
    if not signature_ok(nagad_public_key, plaintext, answer.get("signature", "")):
        raise BadSignature("Nagad's signature on its answer does not verify", redact(answer))
    try:
        data = json.loads(plaintext)
    except ValueError as exc:
        raise BadSignature("Nagad's sensitiveData is not JSON", {}) from exc
    if not isinstance(data, dict):
        raise BadSignature("Nagad's sensitiveData is not a JSON object", {})
    return data


def redact(data):
    if isinstance(data, dict):
        return {k: ("•••" if k in SECRET_KEYS else redact(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(v) for v in data]
    return data


def new_challenge() -> str:
    return secrets.token_hex(20)


# The client ---------------------------------------------------------------------------------------


class NagadClient:
    def __init__(self, *, merchant_id: str, merchant_number: str, private_key: str, nagad_public_key: str, base_url: str,
                 connect_timeout: float = 5.0, read_timeout: float = 30.0, http: urllib3.PoolManager | None = None):
        if not (merchant_id and merchant_number and private_key and nagad_public_key and base_url):
            raise GatewayError("the Nagad merchant id, number, keys and base URL are not all configured")
        self.merchant_id, self.merchant_number = merchant_id, merchant_number
        self.private_key = load_private_key(private_key)
        self.nagad_public_key = load_public_key(nagad_public_key)
        self.base_url = base_url.rstrip("/")
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.http = http or http_pool(self.base_url)

    def _request(self, method: str, path: str, body: dict | None, *, client_ip: str,
                 lost_answer: type[GatewayError] = GatewayError) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json", "X-KM-Api-Version": API_VERSION,
                   "X-KM-IP-V4": client_ip or "127.0.0.1", "X-KM-Client-Type": "PC_WEB"}
        status, answer = json_request(
            self.http, method, f"{self.base_url}/{path}", gateway="Nagad", what=path.split("/")[0], timeout=self.timeout,
            lost_answer=lost_answer, body=json.dumps(body).encode() if body is not None else None, headers=headers, redirect=False,
        )
        if answer.get("reason") or status >= 400:
            error = GatewayRefused(f"{answer.get('message') or 'refused'} ({answer.get('reason') or status})", redact(answer))
            error.code = str(answer.get("reason", ""))
            raise error
        return answer

    def initialize(self, *, order_id: str, client_ip: str, now_text: str) -> dict:
        """Open a payment: {paymentReferenceId, challenge, acceptDateTime}, signed by Nagad and answering
        our challenge (a replayed answer to another request answers another challenge)."""
        challenge = new_challenge()
        data = {"merchantId": self.merchant_id, "datetime": now_text, "orderId": order_id, "challenge": challenge}
        sensitive, signature = sealed(data=data, nagad_public_key=self.nagad_public_key, private_key=self.private_key)
        answer = self._request(
            "POST", f"check-out/initialize/{quote(self.merchant_id, safe='')}/{quote(order_id, safe='')}",
            {"accountNumber": self.merchant_number, "dateTime": now_text, "sensitiveData": sensitive, "signature": signature},
            client_ip=client_ip,
        )
        inner = opened(answer=answer, private_key=self.private_key, nagad_public_key=self.nagad_public_key)
        if not secrets.compare_digest(str(inner.get("challenge", "")), challenge):
            raise BadSignature("Nagad's answer is for another challenge", {})
        if not inner.get("paymentReferenceId"):
            raise GatewayError("Nagad answered initialize without a paymentReferenceId")
        return inner

    def complete(self, *, payment_reference_id: str, order_id: str, amount: Decimal, challenge: str, callback_url: str,
                 client_ip: str, additional: dict | None = None) -> dict:
        """Fix the amount: {status "Success", callBackUrl} — the page where the customer pays."""
        if not isinstance(amount, Decimal) or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            raise ValueError(f"the amount must be a Decimal between {MIN_AMOUNT} and {MAX_AMOUNT}")
        data = {"merchantId": self.merchant_id, "orderId": order_id, "currencyCode": CURRENCY_BDT,
                "amount": format_amount(amount), "challenge": challenge}
        sensitive, signature = sealed(data=data, nagad_public_key=self.nagad_public_key, private_key=self.private_key)
        answer = self._request(
            "POST", f"check-out/complete/{quote(payment_reference_id, safe='')}",
            {"sensitiveData": sensitive, "signature": signature, "merchantCallbackURL": callback_url,
             "additionalMerchantInfo": additional or {}},
            client_ip=client_ip,
        )
        if answer.get("status") != "Success" or not answer.get("callBackUrl"):
            raise GatewayRefused(f"complete: {answer.get('status') or 'no status'}", redact(answer))
        return answer

    def verify(self, payment_reference_id: str) -> dict:
        """What Nagad has for a payment. Raises VerifyTimeout when the answer is lost."""
        return self._request("GET", f"verify/payment/{quote(payment_reference_id, safe='')}", None, client_ip="",
                             lost_answer=VerifyTimeout)
