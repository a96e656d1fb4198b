"""Messages that carry a secret (a portal sign-in code, a Wi-Fi sign-up code, a card bought online):
the provider gets the real text, but nothing staff can read — the message log, its HTMX list, the
detail page, the admin, the database row, the log of a production backend — ever holds the secret,
and staff's "send again" makes a new code instead of replaying the old one (security issue #51, 1)."""

import importlib
import json
import logging
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ispbill.accounts.customer_security import one_time_code_check, one_time_code_send
from ispbill.accounts.models import OneTimeCode
from ispbill.core.models import AuditLog
from ispbill.notify import services
from ispbill.notify.models import Message
from tests.factories import UserFactory, make_customer
from tests.vouchers.helpers import bought_online, make_plan
from tests.vouchers.wifi_helpers import make_zone
from vouchers import codes, signup
from vouchers.models import WifiSignupCode

pytestmark = pytest.mark.django_db

CODE, NEW_CODE = "482913", "650374"
WIFI_PHONE = "+8801711222444"


@pytest.fixture
def fixed_codes():
    """The first one-time code is CODE, the next NEW_CODE (the real ones are random)."""
    with mock.patch("ispbill.accounts.customer_security.secrets.randbelow", side_effect=[int(CODE), int(NEW_CODE)]):
        yield


@pytest.fixture
def sms_provider(settings, http_peer):
    """A real HTTP SMS gateway on loopback: what it receives is what the customer's phone shows."""
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "http"}
    settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "url": f"{http_peer.url}/api/smsapi", "method": "POST",
                            "post_format": "json", "param_to": "to", "param_message": "text"}
    return http_peer


def stored(message: Message) -> str:
    """Every column of the message's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Message._meta.db_table} WHERE id = %s", [message.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def sent_texts(peer) -> list[str]:
    return [request.json["text"] for request in peer.requests]


def code_message(customer) -> Message:
    return Message.objects.filter(event="one_time_code", customer__isnull=True, to=customer.phone).latest("pk")


def support_client(client):
    client.force_login(UserFactory(roles=["Support"]))
    return client


def failed(message: Message) -> Message:
    Message.objects.filter(pk=message.pk).update(status="failed", attempts=5, last_error="SMS gateway answered HTTP 503")
    message.refresh_from_db()
    return message


# Reading the log ---------------------------------------------------------------------------------------

def test_support_reading_the_message_log_never_sees_a_customers_sign_in_code(client, fixed_codes):
    customer = make_customer(phone="01711000301")
    client.post(reverse("portal:login-code"), {"identifier": customer.account_number}, REMOTE_ADDR="10.0.0.1")
    message = code_message(customer)
    client.logout()
    support = support_client(client)

    pages = {
        "list": support.get(reverse("staff:message-list")),
        "htmx list": support.get(reverse("staff:message-list"), {"event": "one_time_code"}, HTTP_HX_REQUEST="true"),
        "detail": support.get(reverse("staff:message-detail", args=[message.pk])),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert CODE not in page.content.decode(), f"the code is readable on the {name}"
    detail = pages["detail"].content.decode()
    assert "••••••" in detail and "One-time code" in detail and message.to in detail  # what support needs stays
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    admin_page = client.get(reverse("admin:notify_message_change", args=[message.pk]))
    assert admin_page.status_code == 200 and CODE not in admin_page.content.decode()


def test_the_row_holds_the_code_masked_while_queued_and_after_sending_while_the_provider_gets_it(sms_provider, fixed_codes):
    customer = make_customer(phone="01711000302")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
    message = code_message(customer)
    assert CODE not in stored(message) and "•••••• is your" in message.body  # queued: masked already

    services.message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    (text,) = sent_texts(sms_provider)
    assert text.startswith(f"{CODE} is your") and text.replace(CODE, "••••••") == message.body
    assert CODE not in stored(message) and message.sealed == ""


def test_a_failing_code_is_retried_with_the_same_code_yet_never_readable_even_in_the_providers_error(sms_provider, fixed_codes):
    customer = make_customer(phone="01711000303")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
    message = code_message(customer)
    sms_provider.respond(503, "busy")
    sms_provider.respond(400, {"error": f"refused text: {CODE} is your code"})  # a provider echoing the text

    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "failed" and message.retry_scheduled and CODE not in stored(message)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    services.message_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert [text[:6] for text in sent_texts(sms_provider)] == [CODE, CODE]  # the automatic retry: the same code
    assert message.status == "failed" and not message.retry_scheduled and "refused text: ••••••" in message.last_error
    assert CODE not in stored(message)


def test_the_sms_of_a_card_bought_online_is_stored_masked_and_the_provider_gets_the_code(sms_provider):
    purchase = bought_online(zone=make_zone(), plan=make_plan(), phone=WIFI_PHONE)
    code = codes.display(signup.card_code(card=purchase.card))
    message = Message.objects.get(event="wifi_card_bought", to=WIFI_PHONE)
    assert code not in stored(message) and code.replace(code[:4], "") not in stored(message)
    assert "code ••••-••••-••••" in message.body

    services.message_deliver(message_id=message.pk)

    (text,) = sent_texts(sms_provider)
    assert f"code {code}," in text
    message.refresh_from_db()
    assert message.status == "sent" and code not in stored(message)


@pytest.mark.parametrize("demo, in_log", [(True, True), (False, False)])
def test_the_console_backend_logs_a_code_in_clear_only_in_the_demo(settings, caplog, fixed_codes, demo, in_log):
    settings.DEMO = demo
    customer = make_customer(phone="01711000304")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
    with caplog.at_level(logging.INFO, logger="ispbill.notify"):
        services.message_deliver(message_id=code_message(customer).pk)
    assert "notify sms to +8801711000304 (one_time_code)" in caplog.text
    assert (CODE in caplog.text) is in_log and ("••••••" in caplog.text) is not in_log


def test_codes_stored_in_clear_before_the_upgrade_are_masked_by_the_migration():
    """Rows written by the code before this change: a queued one keeps its text only encrypted (it is
    still sent), a sent card SMS keeps nothing readable."""
    migration = importlib.import_module("ispbill.notify.migrations.0002_message_sealed")
    queued = Message.objects.create(channel="sms", event="one_time_code", to="+8801711000305", idempotency_key="m1",
                                    body=f"{CODE} is your Demo Net code. It expires in 10 minutes.")
    sent = Message.objects.create(channel="sms", event="wifi_card_bought", to=WIFI_PHONE, idempotency_key="m2", status="sent",
                                  body="Demo Net Wi-Fi at Gulshan: Day pass, code ABCD-EFGH-JKMN, valid until 26 Nov 2026 18:00.")
    other = Message.objects.create(channel="sms", event="suspended", to="+8801711000306", idempotency_key="m3", body="Ref 123456")

    migration.mask_stored_secrets(django_apps, None)

    for message in (queued, sent, other):
        message.refresh_from_db()
    assert queued.body.startswith("•••••• is your") and json.loads(queued.sealed)["body"].startswith(CODE)
    assert "code ••••-••••-••••," in sent.body and sent.sealed == "" and "ABCD" not in stored(sent)
    assert other.body == "Ref 123456"  # not a secret event: untouched


# Sending again ------------------------------------------------------------------------------------------

def test_sending_a_failed_sign_in_code_again_makes_a_new_code_and_the_old_one_stops_working(client, sms_provider, fixed_codes):
    customer = make_customer(phone="01711000310")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
    old = failed(code_message(customer))

    answer = support_client(client).post(reverse("staff:message-retry", args=[old.pk]))

    assert answer.status_code == 302
    fresh = code_message(customer)
    assert fresh.pk != old.pk and fresh.status == "queued" and CODE not in stored(fresh) and NEW_CODE not in stored(fresh)
    old.refresh_from_db()
    assert old.status == "failed" and not old.retry_scheduled and old.sealed == ""  # never replayed
    services.message_deliver(message_id=fresh.pk)
    services.message_deliver(message_id=old.pk)  # not due: nothing goes out
    assert [text[:6] for text in sent_texts(sms_provider)] == [NEW_CODE]
    with pytest.raises(ValidationError):
        one_time_code_check(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, code=CODE)
    assert one_time_code_check(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, code=NEW_CODE)
    assert AuditLog.objects.filter(action="message.resend", object_id=str(old.pk)).exists()
    follow = client.get(answer.url).content.decode()
    assert "A new code is on its way" in follow and NEW_CODE not in follow


def test_sending_a_failed_wifi_sign_up_code_again_makes_a_new_code_for_the_same_zone(client):
    zone = make_zone()
    with mock.patch("vouchers.signup.secrets.randbelow", side_effect=[int(CODE), int(NEW_CODE)]):
        signup.code_send(zone=zone, phone=WIFI_PHONE)
        old = failed(Message.objects.get(event="wifi_signup_code"))
        answer = support_client(client).post(reverse("staff:message-retry", args=[old.pk]), HTTP_HX_REQUEST="true")

    assert answer.status_code == 204
    fresh = Message.objects.filter(event="wifi_signup_code").latest("pk")
    assert fresh.pk != old.pk and WifiSignupCode.objects.count() == 2 and NEW_CODE not in stored(fresh)
    with pytest.raises(ValidationError):
        signup.code_check(zone=zone, phone=WIFI_PHONE, code=CODE)
    signup.code_check(zone=zone, phone=WIFI_PHONE, code=NEW_CODE)


def test_a_card_code_is_never_sent_again_and_staff_are_told_why(client):
    bought_online(zone=make_zone(), plan=make_plan(), phone=WIFI_PHONE)
    message = failed(Message.objects.get(event="wifi_card_bought"))
    before = (Message.objects.count(), stored(message))

    answer = support_client(client).post(reverse("staff:message-retry", args=[message.pk]), follow=True)

    assert "A Wi-Fi card&#x27;s code is never sent again" in answer.content.decode()
    assert (Message.objects.count(), stored(message)) == before


def test_a_contract_signing_code_is_sent_again_only_from_the_contract(client, fixed_codes):
    customer = make_customer(phone="01711000311")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.CONTRACT_SIGN, destination=customer.phone)
    message = failed(code_message(customer))
    before = (Message.objects.count(), OneTimeCode.objects.count(), stored(message))

    answer = support_client(client).post(reverse("staff:message-retry", args=[message.pk]), follow=True)

    assert "asks for a new code on the contract" in answer.content.decode()
    assert (Message.objects.count(), OneTimeCode.objects.count(), stored(message)) == before
    assert one_time_code_check(customer=customer, purpose=OneTimeCode.Purpose.CONTRACT_SIGN, code=CODE)


def test_malformed_or_refused_resend_requests_change_nothing(client, fixed_codes):
    customer = make_customer(phone="01711000312")
    one_time_code_send(customer=customer, purpose=OneTimeCode.Purpose.SIGN_IN, destination=customer.phone)
    message = failed(code_message(customer))
    sent = Message.objects.create(channel="sms", event="one_time_code", to=customer.phone, idempotency_key="sent-one",
                                  status="sent", body="•••••• is your code.")

    def state():
        return (Message.objects.count(), OneTimeCode.objects.count(), stored(message), AuditLog.objects.count())

    before = state()
    support = support_client(client)
    url = reverse("staff:message-retry", args=[message.pk])
    assert support.get(url).status_code == 405
    assert support.post(reverse("staff:message-retry", args=[999999])).status_code == 404
    assert support.post(f"/staff/messages/{message.pk}x/retry/").status_code == 404
    assert support.post("/staff/messages/-1/retry/").status_code == 404
    refused = support.post(reverse("staff:message-retry", args=[sent.pk]), follow=True)
    assert refused.status_code == 200 and "Only a failed message can be retried" in refused.content.decode()
    assert state() == before
    redirect = support.post(url, {"next": "https://evil.example/"})
    assert redirect.status_code == 302 and redirect.url == reverse("staff:message-detail", args=[message.pk])
    after_good = state()
    assert after_good[0] == before[0] + 1  # only the one well-formed request made a new code
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.post(url).status_code == 403
    assert state() == after_good
