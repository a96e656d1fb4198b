"""Delivery backends: one interface, `send(message) -> provider message id`.

A backend raises `TemporaryError` when trying again later may work (timeouts, connection
failures, HTTP 5xx / 429) and `PermanentError` when it will not (HTTP 4xx, a refused number, a
missing setting); the delivery service turns those into a retry with backoff or a final failure.
The channel → backend choice is settings.NOTIFY_BACKENDS; provider settings are read on every
send, so a changed environment needs no code.
"""

import json
import logging
import re
import smtplib
import socket
import urllib.error
import urllib.parse
import urllib.request
from email.utils import make_msgid
from http.client import HTTPException
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger("ispbill.notify")

# Provider answers are short; never read an unbounded body into memory.
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "ispbill-notify/1"


class DeliveryError(Exception):
    pass


class TemporaryError(DeliveryError):
    """Worth another attempt later."""


class PermanentError(DeliveryError):
    """Another attempt would fail the same way."""


class Backend:
    name = ""

    def send(self, message) -> str:
        raise NotImplementedError


class ConsoleBackend(Backend):
    """Writes the message to the log instead of sending it: the demo and development default.
    The Message row itself is the delivery record, marked sent like any other.

    A message with a secret (a one-time code, a card's code) is logged in clear only when DEMO is on,
    where the worker's log stands in for the visitor's phone (README); anywhere else the log gets the
    masked text the message log shows. The other backends never log a message's text."""

    name = "console"

    def send(self, message) -> str:
        masked = getattr(message, "masked", None)
        text = masked if masked is not None and not settings.DEMO else {"subject": message.subject, "body": message.body}
        subject = f" [{text['subject']}]" if text["subject"] else ""
        logger.info("notify %s to %s (%s)%s: %s", message.channel, message.to, message.event, subject, text["body"])
        return f"console-{message.pk}"


class DjangoEmailBackend(Backend):
    """Plain-text e-mail through Django's mail (EMAIL_BACKEND, EMAIL_HOST, …)."""

    name = "django"

    def send(self, message) -> str:
        message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None)
        email = EmailMessage(
            subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to],
            headers={"Message-ID": message_id}, connection=get_connection(fail_silently=False),
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            detail = "; ".join(f"{rcpt}: {code} {text!r}" for rcpt, (code, text) in error.recipients.items())
            raise (PermanentError if codes and min(codes) >= 500 else TemporaryError)(f"recipient refused: {detail}") from error
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, auth failed …
            kind = PermanentError if error.smtp_code >= 500 else TemporaryError
            raise kind(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, TimeoutError, OSError) as error:
            raise TemporaryError(f"mail server unreachable: {error}") from error
        except smtplib.SMTPException as error:
            raise TemporaryError(f"SMTP error: {error}") from error
        except ValueError as error:  # a header Django refuses (newlines in the subject …)
            raise PermanentError(str(error)) from error
        return message_id.strip("<>")


def _http_request(method: str, url: str, *, data: bytes | None, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """(status, body text) for any answer the server gives; TemporaryError if there is none."""
    request = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
    except TimeoutError as error:
        raise TemporaryError(f"no answer within {timeout:g} s") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise TemporaryError(f"no answer within {timeout:g} s") from error
        raise TemporaryError(f"cannot reach {urllib.parse.urlsplit(url).netloc}: {error.reason}") from error
    except (HTTPException, OSError) as error:
        raise TemporaryError(f"connection failed: {error}") from error


def _raise_for_status(status: int, body: str, *, provider: str) -> None:
    if 200 <= status < 300:
        return
    detail = f"{provider} answered HTTP {status}: {body[:300]}"
    if status in (408, 425, 429) or status >= 500:
        raise TemporaryError(detail)
    raise PermanentError(detail)


def _dig(data: Any, path: str) -> Any:
    """`a.b.0.c` into nested JSON; None where the path does not exist."""
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def _phone_as(e164: str, number_format: str) -> str:
    try:
        number = phonenumbers.parse(e164, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise PermanentError(f"not a phone number: {e164!r}") from error
    if number_format == "e164":
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number_format == "national":
        return re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


class HttpSmsBackend(Backend):
    """A generic HTTP SMS gateway, configured entirely by settings.SMS_GATEWAY.

    Covers the Bangladeshi providers' styles: BulkSMSBD (GET with api_key/senderid/number/message,
    JSON `response_code` 202), SSL Wireless (JSON POST with api_token/sid/msisdn/sms/csms_id,
    `status` SUCCESS), Banglalink and other form-POST gateways. Success is a 2xx status and, when
    configured, a JSON field with the expected value and/or a regex found in the body.
    """

    name = "http"

    def __init__(self, config: dict | None = None):
        self.config = {**settings.SMS_GATEWAY, **(config or {})}

    def request_for(self, message) -> tuple[str, str, bytes | None, dict[str, str]]:
        """(method, url, body, headers): exactly what the provider will receive."""
        cfg = self.config
        if not cfg["url"]:
            raise PermanentError("SMS_GATEWAY_URL is not set")
        params = dict(urllib.parse.parse_qsl(cfg["extra_params"], keep_blank_values=True))
        if cfg["param_api_key"] and cfg["api_key"]:
            params[cfg["param_api_key"]] = cfg["api_key"]
        # A reseller's customers hear from the reseller's own sender id (message payload) when it has one.
        sender_id = (message.payload or {}).get("sender_id") or cfg["sender_id"]
        if cfg["param_sender_id"] and sender_id:
            params[cfg["param_sender_id"]] = sender_id
        params[cfg["param_to"]] = _phone_as(message.to, cfg["number_format"])
        params[cfg["param_message"]] = message.body
        if cfg["param_reference"]:
            # Our id for the SMS (SSL Wireless' csms_id): unique, so the provider can drop a duplicate.
            params[cfg["param_reference"]] = str(message.pk)
        method = cfg["method"].upper()
        headers = {"Accept": "application/json, text/plain, */*"}
        if method == "GET":
            separator = "&" if urllib.parse.urlsplit(cfg["url"]).query else "?"
            return method, cfg["url"] + separator + urllib.parse.urlencode(params), None, headers
        if cfg["post_format"] == "json":
            headers["Content-Type"] = "application/json"
            return method, cfg["url"], json.dumps(params, ensure_ascii=False).encode(), headers
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        return method, cfg["url"], urllib.parse.urlencode(params).encode(), headers

    def send(self, message) -> str:
        cfg = self.config
        method, url, data, headers = self.request_for(message)
        status, body = _http_request(method, url, data=data, headers=headers, timeout=float(cfg["timeout"]))
        _raise_for_status(status, body, provider="SMS gateway")
        parsed = None
        if cfg["success_json_field"] or cfg["message_id_field"]:
            try:
                parsed = json.loads(body)
            except ValueError:
                if cfg["success_json_field"]:
                    raise PermanentError(f"SMS gateway answered without JSON: {body[:300]}") from None
        if cfg["success_json_field"]:
            value = _dig(parsed, cfg["success_json_field"])
            expected = cfg["success_json_value"]
            ok = str(value) == expected if expected else bool(value)
            if not ok:
                raise PermanentError(f"SMS gateway refused ({cfg['success_json_field']}={value!r}): {body[:300]}")
        if cfg["success_regex"] and not re.search(cfg["success_regex"], body):
            raise PermanentError(f"SMS gateway refused: {body[:300]}")
        provider_id = _dig(parsed, cfg["message_id_field"]) if cfg["message_id_field"] and parsed is not None else None
        return "" if provider_id is None else str(provider_id)


# Cloud API error codes that mean "slow down / try later", whatever the HTTP status says.
WHATSAPP_TEMPORARY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


class WhatsAppCloudBackend(Backend):
    """Meta's WhatsApp Cloud API: POST {base}/{phone-number-id}/messages with a bearer token.
    A message whose template row names an approved WhatsApp template is sent as that template with
    its parameters; otherwise as text (which only reaches customers inside the 24-hour window)."""

    name = "cloud_api"

    def __init__(self, config: dict | None = None):
        self.config = {**settings.WHATSAPP_CLOUD, **(config or {})}

    def request_for(self, message) -> tuple[str, str, bytes, dict[str, str]]:
        cfg = self.config
        if not cfg["token"] or not cfg["phone_number_id"]:
            raise PermanentError("WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID must be set")
        to = _phone_as(message.to, "international")
        template = (message.payload or {}).get("whatsapp_template")
        if template:
            body = {
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
                "template": {
                    "name": template["name"], "language": {"code": template["language"]},
                    "components": [{
                        "type": "body", "parameters": [{"type": "text", "text": value} for value in template["params"]],
                    }] if template["params"] else [],
                },
            }
        else:
            body = {
                "messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
                "text": {"preview_url": False, "body": message.body},
            }
        url = f"{cfg['base_url'].rstrip('/')}/{cfg['phone_number_id']}/messages"
        headers = {"Authorization": f"Bearer {cfg['token']}", "Content-Type": "application/json"}
        return "POST", url, json.dumps(body, ensure_ascii=False).encode(), headers

    def send(self, message) -> str:
        method, url, data, headers = self.request_for(message)
        status, body = _http_request(method, url, data=data, headers=headers, timeout=float(self.config["timeout"]))
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        error = _dig(parsed, "error") if isinstance(parsed, dict) else None
        if error is not None:
            code = _dig(error, "code")
            detail = f"WhatsApp error {code}: {_dig(error, 'message') or body[:300]} (HTTP {status})"
            if code in WHATSAPP_TEMPORARY_CODES or status in (408, 429) or status >= 500:
                raise TemporaryError(detail)
            raise PermanentError(detail)
        _raise_for_status(status, body, provider="WhatsApp")
        provider_id = _dig(parsed, "messages.0.id")
        if not provider_id:
            raise PermanentError(f"WhatsApp accepted nothing: {body[:300]}")
        return str(provider_id)


BACKEND_ALIASES = {
    "console": ConsoleBackend,
    "django": DjangoEmailBackend,
    "http": HttpSmsBackend,
    "cloud_api": WhatsAppCloudBackend,
}


def backend_for(channel: str) -> Backend:
    choice = settings.NOTIFY_BACKENDS.get(channel, "console")
    backend_class = BACKEND_ALIASES.get(choice) or import_string(choice)
    return backend_class()
