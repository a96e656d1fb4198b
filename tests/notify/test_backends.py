"""Each backend against a real peer on 127.0.0.1, asserting the exact request the provider gets."""

import email
import email.policy
import socket
from decimal import Decimal

import pytest

from ispbill.notify import message_templates, services
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

CONTEXT = {"login": "rahim1", "package_name": "Home 20", "non_payment": True, "amount_due": Decimal("1150")}


def queue(channel: str, *, customer=None, language: str = "en") -> Message:
    customer = customer or make_customer(phone="01712345678", email="rahim@example.com")
    customer.language = language
    services.notification_preference_set(actor=None, customer=customer, event=Event.SUSPENDED, channels={channel})
    (message,) = services.notify_customer(event=Event.SUSPENDED, customer=customer, context=CONTEXT)
    return message


def deliver(message: Message) -> Message:
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


@pytest.fixture
def sms_gateway(settings, http_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "http"}

    def configure(**changes):
        settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "url": f"{http_peer.url}/api/smsapi", **changes}

    configure()
    return configure


@pytest.fixture
def whatsapp(settings, http_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "whatsapp": "cloud_api"}
    settings.WHATSAPP_CLOUD = {
        "base_url": f"{http_peer.url}/v21.0", "token": "EAAG-test-token", "phone_number_id": "106540352242922", "timeout": 5,
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# HTTP SMS gateway -------------------------------------------------------------------------------------

def test_bulksmsbd_style_get_request_and_json_success(sms_gateway, http_peer):
    sms_gateway(
        method="GET", api_key="KEY-123", sender_id="8809617611111", extra_params="type=text",
        param_to="number", param_message="message", param_api_key="api_key", param_sender_id="senderid",
        success_json_field="response_code", success_json_value="202", message_id_field="message_id",
    )
    http_peer.respond(200, {"response_code": 202, "message_id": 4711, "success_message": "SMS Submitted Successfully", "error_message": ""})
    message = deliver(queue("sms"))
    (request,) = http_peer.requests
    assert (request.method, request.path) == ("GET", "/api/smsapi")
    assert request.query == {
        "type": ["text"], "api_key": ["KEY-123"], "senderid": ["8809617611111"],
        "number": ["8801712345678"], "message": [message.body],
    }
    assert (message.status, message.provider_message_id, message.backend, message.attempts) == ("sent", "4711", "http", 1)


def test_ssl_wireless_style_json_post_with_our_reference(sms_gateway, http_peer):
    sms_gateway(
        url=f"{http_peer.url}/api/v3/send-sms", method="POST", post_format="json", api_key="tok", sender_id="DEMONET",
        param_to="msisdn", param_message="sms", param_api_key="api_token", param_sender_id="sid",
        param_reference="csms_id", success_json_field="status", success_json_value="SUCCESS",
        message_id_field="smsinfo.0.reference_id",
    )
    http_peer.respond(200, {
        "status": "SUCCESS", "status_code": 200, "error_message": "",
        "smsinfo": [{"sms_status": "SUCCESS", "status_message": "Success", "msisdn": "8801712345678", "reference_id": "6f1c2a"}],
    })
    message = deliver(queue("sms", language="bn"))
    (request,) = http_peer.requests
    assert (request.method, request.path, request.headers["Content-Type"]) == ("POST", "/api/v3/send-sms", "application/json")
    assert request.json == {
        "api_token": "tok", "sid": "DEMONET", "msisdn": "8801712345678", "sms": message.body, "csms_id": str(message.pk),
    }
    assert message.body.startswith("প্রিয় Rahim Uddin")
    assert (message.status, message.provider_message_id) == ("sent", "6f1c2a")


def test_form_post_gateway_with_national_numbers(sms_gateway, http_peer):
    sms_gateway(method="POST", post_format="form", number_format="national", api_key="", param_api_key="",
                sender_id="", param_sender_id="", param_to="msisdn", param_message="text", success_regex=r"^OK \d+")
    http_peer.respond(200, "OK 99812", content_type="text/plain")
    message = deliver(queue("sms"))
    (request,) = http_peer.requests
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert request.form == {"msisdn": ["01712345678"], "text": [message.body]}
    assert message.status == "sent"


def test_gateway_refusal_in_the_json_fails_at_once(sms_gateway, http_peer):
    sms_gateway(success_json_field="response_code", success_json_value="202")
    http_peer.respond(200, {"response_code": 1007, "error_message": "Balance Insufficient"})
    message = deliver(queue("sms"))
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert "response_code=1007" in message.last_error and "Balance Insufficient" in message.last_error


def test_gateway_answer_not_matching_the_success_regex_fails_at_once(sms_gateway, http_peer):
    sms_gateway(success_regex=r"^OK")
    http_peer.respond(200, "ERR invalid number", content_type="text/plain")
    message = deliver(queue("sms"))
    assert (message.status, message.next_attempt_at) == ("failed", None)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_retried_later(sms_gateway, http_peer, status):
    http_peer.respond(status, "busy", content_type="text/plain")
    message = deliver(queue("sms"))
    assert message.status == "failed" and message.next_attempt_at is not None
    assert f"HTTP {status}" in message.last_error


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_fail_at_once(sms_gateway, http_peer, status):
    http_peer.respond(status, {"error": "bad request"})
    message = deliver(queue("sms"))
    assert (message.status, message.next_attempt_at) == ("failed", None)


def test_a_gateway_that_does_not_answer_in_time_is_retried_later(sms_gateway, http_peer):
    sms_gateway(timeout=0.3)
    http_peer.respond(200, "{}", delay=1.5)
    message = deliver(queue("sms"))
    assert message.status == "failed" and message.next_attempt_at is not None
    assert message.last_error == "no answer within 0.3 s"


def test_an_unreachable_gateway_is_retried_later(sms_gateway):
    sms_gateway(url=f"http://127.0.0.1:{closed_port()}/send")
    message = deliver(queue("sms"))
    assert message.status == "failed" and message.next_attempt_at is not None
    assert "cannot reach 127.0.0.1" in message.last_error


def test_missing_gateway_url_fails_with_the_setting_named(sms_gateway):
    sms_gateway(url="")
    message = deliver(queue("sms"))
    assert (message.status, message.last_error, message.next_attempt_at) == ("failed", "SMS_GATEWAY_URL is not set", None)


# WhatsApp Cloud API ------------------------------------------------------------------------------------

def test_whatsapp_text_message_request(whatsapp, http_peer):
    http_peer.respond(200, {
        "messaging_product": "whatsapp", "contacts": [{"input": "8801712345678", "wa_id": "8801712345678"}],
        "messages": [{"id": "wamid.HBgNODgwMTcxMjM0NTY3OBUCABEYEjQ"}],
    })
    message = deliver(queue("whatsapp"))
    (request,) = http_peer.requests
    assert (request.method, request.path) == ("POST", "/v21.0/106540352242922/messages")
    assert request.headers["Authorization"] == "Bearer EAAG-test-token"
    assert request.json == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "8801712345678", "type": "text",
        "text": {"preview_url": False, "body": message.body},
    }
    assert (message.status, message.provider_message_id) == ("sent", "wamid.HBgNODgwMTcxMjM0NTY3OBUCABEYEjQ")


def test_whatsapp_approved_template_request(whatsapp, http_peer):
    from ispbill.notify.models import MessageTemplate

    template = MessageTemplate.objects.get(event=Event.SUSPENDED, channel="whatsapp", language="bn")
    message_templates.message_template_update(
        actor=None, template=template, whatsapp_template_name="connection_suspended", whatsapp_template_params="customer_name, amount_due",
    )
    http_peer.respond(200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.T1"}]})
    message = deliver(queue("whatsapp", language="bn"))
    (request,) = http_peer.requests
    assert request.json == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "8801712345678", "type": "template",
        "template": {
            "name": "connection_suspended", "language": {"code": "bn"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "Rahim Uddin"}, {"type": "text", "text": "৳1,150.00"},
            ]}],
        },
    }
    assert message.status == "sent"


def test_whatsapp_invalid_token_fails_at_once(whatsapp, http_peer):
    http_peer.respond(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
    message = deliver(queue("whatsapp"))
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert message.last_error == "WhatsApp error 190: Invalid OAuth access token. (HTTP 401)"


def test_whatsapp_rate_limit_code_is_retried_later_whatever_the_status(whatsapp, http_peer):
    http_peer.respond(400, {"error": {"message": "Rate limit hit", "code": 130429}})
    message = deliver(queue("whatsapp"))
    assert message.status == "failed" and message.next_attempt_at is not None


# E-mail over SMTP --------------------------------------------------------------------------------------

def test_email_reaches_the_smtp_server_with_subject_body_and_message_id(settings, smtp_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "email": "django"}
    message = deliver(queue("email", language="bn"))
    (received,) = smtp_peer.received
    assert (received["from"], received["to"]) == (settings.DEFAULT_FROM_EMAIL, ["rahim@example.com"])
    parsed = email.message_from_bytes(received["data"], policy=email.policy.default)
    assert parsed["Subject"].strip() == message.subject == "আপনার সংযোগ rahim1 বন্ধ করা হয়েছে"
    assert parsed.get_content().replace("\r\n", "\n").strip() == message.body
    assert parsed["Message-ID"] == f"<{message.provider_message_id}>"
    assert message.status == "sent"


def test_email_refused_for_good_fails_at_once(settings, smtp_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "email": "django"}
    smtp_peer.rcpt_reply = "550 5.1.1 mailbox unavailable"
    message = deliver(queue("email"))
    assert (message.status, message.next_attempt_at) == ("failed", None)
    assert "550" in message.last_error


def test_email_greylisted_is_retried_later(settings, smtp_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "email": "django"}
    smtp_peer.rcpt_reply = "451 4.7.1 greylisted, try again later"
    message = deliver(queue("email"))
    assert message.status == "failed" and message.next_attempt_at is not None


def test_email_server_down_is_retried_later(settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "email": "django"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    message = deliver(queue("email"))
    assert message.status == "failed" and message.next_attempt_at is not None
    assert message.last_error.startswith("mail server unreachable")


# Console ------------------------------------------------------------------------------------------------

def test_console_backend_writes_the_message_to_the_log(caplog):
    caplog.set_level("INFO", logger="ispbill.notify")
    message = deliver(queue("email"))
    assert (message.status, message.backend, message.provider_message_id) == ("sent", "console", f"console-{message.pk}")
    assert f"notify email to rahim@example.com (suspended) [{message.subject}]: {message.body}" in caplog.text
