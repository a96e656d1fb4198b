"""Outgoing webhooks against a real HTTP receiver on loopback: queued in the event's transaction,
signed (the receiver checks the HMAC as docs/api.md shows), retried with exponential backoff on a
500, every attempt recorded with its code and duration, replayable from the staff screen."""

import hashlib
import hmac
import ipaddress
import json
import threading
import time
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

import usecases.payment_record
from api import webhooks
from billing.models import InvoiceLine
from billing.services import LineSpec, invoice_create
from ispbill.core.models import WebhookAttempt, WebhookDelivery
from ispbill.core.webhooks import EVENTS, INVOICE_ISSUED, PAYMENT_RECEIVED, SIGNATURE_HEADER, signature_valid
from tests.factories import make_subscription


class Receiver:
    """A tiny threaded HTTP server on 127.0.0.1:<free port> that answers with the codes queued in
    `answers` (then 200) and keeps what it was sent."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver, maker):
    return webhooks.webhook_endpoint_create(actor=maker, name="ERP", url=receiver.url, events=list(EVENTS))


def _send_due():
    for delivery_id in webhooks.webhooks_claim_due():
        webhooks.webhook_deliver(delivery_id)


def test_payment_received_is_signed_and_the_receiver_can_verify_it(endpoint, receiver, north_customer, maker):
    payment = usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("500.00"), method="cash")
    delivery = WebhookDelivery.objects.get(event=PAYMENT_RECEIVED)
    assert delivery.status == WebhookDelivery.Status.PENDING
    _send_due()
    [request] = receiver.requests
    body = request["body"]
    # The receiver's check, written from docs/api.md without our code: HMAC-SHA256(secret, "<t>." + body).
    parts = dict(part.split("=", 1) for part in request["headers"][SIGNATURE_HEADER].split(","))
    expected = hmac.new(endpoint.secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"])
    assert abs(int(parts["t"]) - time.time()) < 60
    assert signature_valid(secret=endpoint.secret, header=request["headers"][SIGNATURE_HEADER], body=body, now=int(time.time()))
    assert not signature_valid(secret="whsec_wrong", header=request["headers"][SIGNATURE_HEADER], body=body, now=int(time.time()))
    assert not signature_valid(secret=endpoint.secret, header=request["headers"][SIGNATURE_HEADER], body=body + b" ", now=int(time.time()))
    payload = json.loads(body)
    assert payload["type"] == "payment.received" and payload["id"] == str(delivery.event_id)
    assert payload["data"]["id"] == payment.pk and payload["data"]["amount"] == "500.00"
    assert request["headers"]["X-Ispbill-Event"] == "payment.received"
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.last_status_code == 200 and delivery.attempts == 1
    assert delivery.last_duration_ms is not None


def test_a_500_is_retried_with_exponential_backoff_and_every_attempt_recorded(endpoint, receiver, north_customer, settings, client, maker):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    invoice_create(actor=None, customer=north_customer, lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description="Fee", amount=Decimal("10.00"))])
    delivery = WebhookDelivery.objects.get(event=INVOICE_ISSUED)
    receiver.answers = [500, 503, 500]

    started = timezone.now()
    _send_due()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1 and delivery.last_status_code == 500
    assert timedelta(seconds=29) <= delivery.next_attempt_at - started <= timedelta(seconds=35)
    _send_due()  # not due yet: nothing sent
    assert len(receiver.requests) == 1

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    second = timezone.now()
    _send_due()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 503
    assert timedelta(seconds=59) <= delivery.next_attempt_at - second <= timedelta(seconds=65)  # doubled

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    _send_due()
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 3 and delivery.next_attempt_at is None
    codes = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("status_code", flat=True))
    assert codes == [500, 503, 500]
    client.force_login(maker)
    page = client.get(f"/staff/settings/webhooks/{endpoint.pk}/").content.decode()
    attempts = page.split(f'id="attempts-{delivery.pk}"', 1)[1].split("</ol>", 1)[0]
    assert attempts.count("<li>") == 3 and attempts.count("HTTP 500") == 2 and "HTTP 503" in attempts and " ms</li>" in attempts
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 1  # the same event every time


def test_backoff_doubles_and_is_capped(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    assert [webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 3600]


def test_an_unreachable_receiver_is_recorded_and_retried(maker, settings, north_customer):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    gone = Receiver()
    url = gone.url
    gone.close()
    webhooks.webhook_endpoint_create(actor=maker, name="Gone", url=url, events=[PAYMENT_RECEIVED])
    usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("5.00"), method="cash")
    _send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.last_status_code is None and delivery.last_error
    assert WebhookAttempt.objects.get().status_code is None


def test_replay_from_the_screen_sends_the_same_event_again(endpoint, receiver, north_customer, maker, client):
    usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("5.00"), method="cash")
    _send_due()
    original = WebhookDelivery.objects.get()
    client.force_login(maker)
    page = client.get(f"/staff/settings/webhooks/{endpoint.pk}/")
    assert page.status_code == 200 and f'id="delivery-{original.pk}"' in page.content.decode()
    assert client.post(f"/staff/settings/webhooks/deliveries/{original.pk}/replay/").status_code == 302
    replay = WebhookDelivery.objects.exclude(pk=original.pk).get()
    assert replay.replay_of_id == original.pk and replay.event_id == original.event_id
    _send_due()
    assert len(receiver.requests) == 2 and receiver.requests[0]["body"] == receiver.requests[1]["body"]
    replay.refresh_from_db()
    assert replay.status == WebhookDelivery.Status.DELIVERED


def test_a_rolled_back_change_sends_nothing(endpoint, north_customer, maker):
    with pytest.raises(RuntimeError), transaction.atomic():
        usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("5.00"), method="cash")
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request failed after the payment")
    assert not WebhookDelivery.objects.exists()


def test_only_subscribed_events_are_queued(maker, receiver, north_customer):
    webhooks.webhook_endpoint_create(actor=maker, name="Tickets only", url=receiver.url, events=["ticket.created"])
    usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("5.00"), method="cash")
    assert not WebhookDelivery.objects.exists()


def test_lifecycle_and_ticket_events_are_published_where_they_happen(endpoint, receiver, north_customer, api_as):
    from tickets.services import ticket_change_status, ticket_create

    subscription = make_subscription(customer=north_customer, activate=True)
    api = api_as({"customers": "write"})
    api.post(f"/api/v1/subscriptions/{subscription.pk}/suspend/", {"reason": "r", "suspension_type": "technical"})
    api.post(f"/api/v1/subscriptions/{subscription.pk}/reactivate/", {"reason": "r"})
    ticket = ticket_create(actor=None, customer=north_customer, category="other", subject="s", description="d")
    ticket_change_status(actor=None, ticket=ticket, status="resolved")
    events = list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))
    assert events == ["subscription.suspended", "subscription.reactivated", "ticket.created", "ticket.resolved"]
    _send_due()
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == events


def test_the_pump_hands_deliveries_to_their_own_queue(endpoint, receiver, north_customer, maker, eager_celery, settings):
    settings.WEBHOOK_PUMP_BATCH = 2
    for amount in ("1.00", "2.00", "3.00"):
        usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal(amount), method="cash")
    from api.tasks import webhooks_pump

    assert eager_celery.amqp.router.route({}, "api.tasks.deliver_webhooks")["queue"].name == "webhooks"
    assert webhooks_pump.delay().get() == 2  # a batch at a time: a backlog never floods the queue
    assert WebhookDelivery.objects.filter(status="delivered").count() == 2
    assert webhooks_pump.delay().get() == 1
    assert len(receiver.requests) == 3


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/x", "javascript:alert(1)", "", "https://"])
def test_endpoint_urls_must_be_https(maker, settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(actor=maker, name="x", url=url, events=[PAYMENT_RECEIVED])


def test_loopback_http_only_when_allowed(maker, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_create(actor=maker, name="x", url="http://127.0.0.1:9/hook", events=[PAYMENT_RECEIVED])
    assert webhooks.webhook_endpoint_create(actor=maker, name="x", url="https://erp.example.net/hook", events=[PAYMENT_RECEIVED]).pk


def test_a_completed_visit_is_published(endpoint, receiver, north_customer):
    from fieldservice import services
    from fieldservice.models import WorkOrder
    from tests.factories import UserFactory
    from tests.fieldservice.conftest import finish_checklist, repair_order, signature_data_url
    from usecases.workorder_complete import workorder_complete

    technician = UserFactory(kind="technician")
    order = repair_order(technician=technician, customer=north_customer)
    services.workorder_arrive(actor=technician, order=order)
    finish_checklist(order, technician)
    services.workorder_sign(actor=technician, order=order, signer_name="Karim", data_url=signature_data_url())
    WebhookDelivery.objects.all().delete()
    workorder_complete(actor=technician, order=order)
    delivery = WebhookDelivery.objects.get(event="workorder.completed")
    assert delivery.payload["data"]["id"] == order.pk and delivery.payload["data"]["kind"] == WorkOrder.Kind.REPAIR
    assert delivery.payload["data"]["customer_id"] == north_customer.pk and delivery.payload["data"]["completed_at"]


def test_the_billing_run_publishes_each_invoice_it_issues(endpoint):
    from datetime import date

    from billing.models import Invoice
    from tests.billing.test_package_changes import subscribed
    from tests.billing.test_run import configure, run_billing
    from tests.factories import PackageFactory

    configure()
    first = subscribed(PackageFactory(price=Decimal("1000.00")), day=date(2026, 5, 1))
    second = subscribed(PackageFactory(price=Decimal("500.00")), day=date(2026, 5, 1))
    WebhookDelivery.objects.all().delete()
    run_billing(date(2026, 6, 1))
    invoices = {inv.number: inv for inv in Invoice.objects.filter(customer__in=[first.customer, second.customer])}
    published = {d.payload["data"]["number"]: d.payload["data"] for d in WebhookDelivery.objects.filter(event=INVOICE_ISSUED)}
    assert invoices and set(published) == set(invoices)
    for number, data in published.items():
        assert data["total"] == str(invoices[number].total) and data["customer_id"] == invoices[number].customer_id
        assert data["billing_run_id"] == invoices[number].billing_run_id is not None


@pytest.mark.parametrize("url", [
    "https://10.0.0.5/hook", "https://192.168.88.1/hook", "https://169.254.169.254/latest/meta-data",
    "https://[fd00::1]/hook", "https://100.64.0.1/hook", "https://0.0.0.0/hook", "https://224.0.0.1/hook",
])
def test_private_addresses_are_refused_when_registered(maker, settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(actor=maker, name="LAN", url=url, events=[PAYMENT_RECEIVED])
    assert "private network" in str(refused.value)


def test_a_name_that_resolves_to_a_private_address_is_never_called(endpoint, receiver, north_customer, maker, settings):
    """The receiver listens on loopback; with loopback no longer allowed, the delivery is refused at
    connect time (the name is resolved and checked before any byte is sent) and recorded, and the
    receiver hears nothing. `localhost` is the name here: the check is on what a name resolves to."""
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    endpoint.url = receiver.url.replace("127.0.0.1", "localhost")
    endpoint.save(update_fields=["url"])
    usecases.payment_record.payment_record(actor=maker, customer=north_customer, amount=Decimal("5.00"), method="cash")
    _send_due()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(event=PAYMENT_RECEIVED)
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith("refused: localhost resolves to a private address")
    assert WebhookAttempt.objects.get(delivery=delivery).status_code is None


def test_an_https_receiver_is_reached_at_the_checked_address_with_its_own_name(monkeypatch, settings):
    """The connection goes to the address that was checked, while TLS keeps verifying the name the
    admin registered (SNI and certificate name), and the Host header carries it."""
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda host, port, type: [(2, 1, 6, "", ("93.184.215.14", port))])
    seen = {}

    def connection_from_host(host, port, scheme, pool_kwargs):
        seen.update(host=host, port=port, scheme=scheme, **pool_kwargs)
        raise webhooks.urllib3.exceptions.NewConnectionError(None, "stopped here")

    monkeypatch.setattr(webhooks._pool, "connection_from_host", connection_from_host)
    code, _ms, error = webhooks._post("https://erp.example.net:8443/hook?x=1", b"{}", {})
    assert code is None and "stopped here" in error
    assert seen == {"host": "93.184.215.14", "port": 8443, "scheme": "https",
                    "server_hostname": "erp.example.net", "assert_hostname": "erp.example.net"}


# IPv6 addresses that carry an IPv4 address inside them (issue #51, item 4): each form is refused when
# its IPv4 would be, on save and at delivery, also when a name resolves to it. Loopback stays allowed
# (WEBHOOK_ALLOW_LOOPBACK) only for 127.0.0.1, ::1 and localhost themselves, never for an embedding.
EMBEDDED_REFUSED = [
    "64:ff9b::7f00:1",                       # NAT64 (RFC 6052) of 127.0.0.1
    "64:ff9b::a00:5",                        # NAT64 of 10.0.0.5
    "64:ff9b::a9fe:a9fe",                    # NAT64 of 169.254.169.254 (cloud metadata)
    "64:ff9b:1::7f00:1",                     # local-use NAT64 (RFC 8215)
    "2002:7f00:1::",                         # 6to4 of 127.0.0.1
    "2002:c0a8:5801::1",                     # 6to4 of 192.168.88.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1 (inverted bits)
    "2001:0:7f00:1::1",                      # Teredo, server 127.0.0.1
    "::ffff:127.0.0.1",                      # IPv4-mapped
    "::ffff:a00:5",                          # IPv4-mapped 10.0.0.5
    "::ffff:0:7f00:1",                       # IPv4-translated (RFC 2765)
    "::127.0.0.1",                           # IPv4-compatible (deprecated)
    "::a9fe:a9fe",                           # IPv4-compatible 169.254.169.254
]


@pytest.mark.parametrize("address", EMBEDDED_REFUSED)
def test_ipv6_forms_that_embed_a_refused_ipv4_are_refused_when_saved(maker, settings, address):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # as in the demo: even then, only plain loopback passes
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(actor=maker, name="NAT64", url=f"https://[{address}]/hook", events=[PAYMENT_RECEIVED])
    assert "private network" in str(refused.value)
    endpoint = webhooks.webhook_endpoint_create(actor=maker, name="ERP", url="https://erp.example.net/hook", events=[PAYMENT_RECEIVED])
    with pytest.raises(ValidationError):
        webhooks.webhook_endpoint_update(actor=maker, endpoint=endpoint, name="ERP", url=f"https://[{address}]/hook",
                                         events=[PAYMENT_RECEIVED], is_active=True)
    endpoint.refresh_from_db()
    assert endpoint.url == "https://erp.example.net/hook"


@pytest.mark.parametrize("address", EMBEDDED_REFUSED)
def test_ipv6_forms_that_embed_a_refused_ipv4_are_never_called_at_delivery(monkeypatch, settings, address):
    """An address saved before this check (or a name that resolves to one) is refused before connecting."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    connected = []
    monkeypatch.setattr(webhooks._pool, "connection_from_host", lambda *args, **kwargs: connected.append(args))
    code, _ms, error = webhooks._post(f"https://[{address}]/hook", b"{}", {})
    assert code is None and error.startswith("refused:") and connected == []
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda host, port, type: [(10, 1, 6, "", (address, port, 0, 0))])
    code, _ms, error = webhooks._post("https://erp.example.net/hook", b"{}", {})
    assert code is None and error.startswith("refused: erp.example.net resolves to a private address") and connected == []


@pytest.mark.parametrize("address", [
    "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700:4700::1111", "93.184.215.14",
])
def test_public_addresses_and_embeddings_of_public_ipv4_still_pass(maker, monkeypatch, settings, address):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    host = f"[{address}]" if ":" in address else address
    endpoint = webhooks.webhook_endpoint_create(actor=maker, name="ERP", url=f"https://{host}/hook", events=[PAYMENT_RECEIVED])
    assert endpoint.url == f"https://{host}/hook"
    family = 10 if ":" in address else 2
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda host, port, type: [(family, 1, 6, "", (address, port) + ((0, 0) if family == 10 else ()))])
    assert ipaddress.ip_address(webhooks.receiver_address("erp.example.net", 443)) == ipaddress.ip_address(address)
