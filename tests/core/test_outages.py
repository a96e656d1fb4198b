"""What the web does while a service it depends on is down (issue 39's fault drills; bench/faults.py
runs them against real processes): a clear 503 page while PostgreSQL cannot be reached, and payments
taken while Redis is stopped, their messages and router changes left in the database for later.

A real redis-server is started on a free port and stopped for the test; the database is made
unreachable by pointing the connection at a port nothing listens on."""

import shutil
import socket
import subprocess
import time
from decimal import Decimal

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from billing.models import Invoice, InvoiceLine, LedgerEntry
from billing.services import LineSpec, invoice_create
from ispbill.core.cache import RedisCache
from ispbill.notify.models import Message
from payments.models import Payment
from tests.api.conftest import Api
from tests.factories import make_customer

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server that the test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


# Redis down -------------------------------------------------------------------------------------------


def test_cache_answers_as_an_empty_cache_while_redis_is_down_and_works_again_after(redis_server):
    cache = RedisCache(redis_server.url, {"KEY_PREFIX": "outage", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    cache.set("kept", "before", 60)
    assert cache.get("kept") == "before"

    redis_server.stop()
    started = time.monotonic()
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {}
    assert cache.add("new", 1, 60) is False
    assert cache.has_key("kept") is False
    cache.set("kept", "during", 60)  # lost, not raised
    cache.delete("kept")
    assert cache.incr("counter", 1) == 1  # a cache-kept limit lets the request through
    assert time.monotonic() - started < 5  # refused connections answer at once

    redis_server.start()
    cache.set("kept", "after", 60)
    assert cache.get("kept") == "after"


def _api_with_write_token(client, maker_username="outage-admin"):
    from api.models import WRITE
    from api.tokens import token_create
    from tests.factories import admin_user

    maker = admin_user(username=maker_username)
    _token, raw = token_create(actor=maker, name="Bank feed", scopes={"payments": WRITE, "customers": WRITE},
                               all_branches=True, rate_per_minute=1000)
    return Api(client, raw)


def _fresh_broker_pools(app):
    """Forget the app's broker connections and producers, so the next publish connects to broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_payment_is_taken_while_redis_is_down_and_its_receipt_waits_in_the_database(
    client, redis_server, eager_celery, django_capture_on_commit_callbacks
):
    """Redis is the cache and Celery's broker: stopped, a payment through the API is still recorded in
    full (ledger, allocation), and its receipt message is left queued in the database, where the
    every-minute `retry_due_messages` finds it once the broker is back."""
    from config.celery import app
    from ispbill.notify.tasks import retry_due_messages

    customer = make_customer(name="Rahim Outage", phone="01711000111")
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind=InvoiceLine.Kind.FEE, description="Installation", amount=Decimal("1000.00"))])
    caches = {"default": {"BACKEND": "ispbill.core.cache.RedisCache", "LOCATION": redis_server.url,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    previous_broker = app.conf.broker_url
    with override_settings(CACHES=caches):
        api = _api_with_write_token(client)
        assert api.get("/api/v1/payments/").status_code == 200  # URLconf imported: time only the payment below
        redis_server.stop()
        app.conf.broker_url = redis_server.url
        _fresh_broker_pools(app)
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = False  # .delay() goes to the (stopped) broker, as in production
        try:
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the request's commit
                answer = api.post("/api/v1/payments/", {"customer": customer.pk, "amount": "1150.00", "method": "cash",
                                                        "idempotency_key": "redis-down-1"})
            took = time.monotonic() - started
        finally:
            app.conf.task_always_eager = eager
            app.conf.broker_url = previous_broker
            _fresh_broker_pools(app)
    assert answer.status_code == 201, answer.content
    assert took < 5  # the refused connections fail fast: no request waits on Redis
    assert callbacks, "the receipt's dispatch runs on commit, and met the stopped broker"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.filter(customer=customer).count() == 1
    assert LedgerEntry.objects.filter(account__customer=customer, kind=LedgerEntry.Kind.PAYMENT).count() == 1
    receipts = Message.objects.filter(customer=customer, event="payment_received")
    assert receipts.exists(), "the receipt message must be in the database, waiting for the broker"
    # Refused by the queue: marked for the next sweep (not after UNDISPATCHED_AFTER), not counted as an attempt.
    assert set(receipts.values_list("status", "attempts")) == {(Message.Status.FAILED, 0)}, list(receipts.values("event", "channel", "status", "last_error"))
    assert all(m.next_attempt_at <= timezone.now() for m in receipts)
    # Once the broker answers, the every-minute sweep hands the waiting message on and it is sent, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_messages.delay().get() >= 1
    assert set(receipts.values_list("status", "attempts")) == {(Message.Status.SENT, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due_messages.delay().get() == 0


# PostgreSQL down -------------------------------------------------------------------------------------


@pytest.fixture
def database_down():
    """Point the default connection at a port nothing listens on, as if PostgreSQL had stopped."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)

    def down():
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", str(free_port())

    yield down
    connection.close()
    connection.settings_dict.update(saved)


@pytest.mark.django_db(transaction=True)
def test_portal_page_answers_a_clear_503_while_the_database_is_down(client, database_down):
    customer = make_customer(name="Karim Down")
    from customers.services import customer_portal_access_set

    customer_portal_access_set(actor=None, customer=customer, password="portal-pass-2026")
    customer.refresh_from_db()
    client.force_login(customer.user)
    assert client.get("/portal/").status_code == 200

    database_down()
    client.raise_request_exception = False
    answer = client.get("/portal/")

    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    body = answer.content.decode()
    assert "Briefly unavailable" in body and "check whether it went through" in body
    assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body


@pytest.mark.django_db(transaction=True)
def test_a_503_is_logged_as_one_warning_line_without_a_traceback(client, database_down, caplog):
    """During an outage every request fails the same way: one line each, not a traceback each."""
    from customers.services import customer_portal_access_set

    customer = make_customer(name="Rahim Quiet")
    customer_portal_access_set(actor=None, customer=customer, password="portal-pass-2026")
    customer.refresh_from_db()
    client.force_login(customer.user)
    database_down()
    client.raise_request_exception = False
    with caplog.at_level("INFO"):
        assert client.get("/portal/").status_code == 503
    logged = [(r.name, r.levelname, r.exc_info is not None) for r in caplog.records if r.name.startswith(("django", "ispbill"))]
    assert logged == [("ispbill.core.errors", "WARNING", False)]
    assert "GET /portal/" in caplog.records[-1].getMessage()


def test_any_other_server_error_keeps_its_traceback_in_the_log(caplog):
    import logging
    import sys

    try:
        raise ValueError("a bug")
    except ValueError:
        logging.getLogger("django.request").error("Internal Server Error: /staff/", exc_info=sys.exc_info())
    assert [r.exc_info[0] for r in caplog.records if r.name == "django.request"] == [ValueError]


@pytest.mark.django_db(transaction=True)
def test_api_payment_while_the_database_is_down_is_a_json_503_and_records_nothing(client, database_down):
    customer = make_customer(name="Salma Down")
    api = _api_with_write_token(client, "outage-admin-2")
    database_down()
    client.raise_request_exception = False
    answer = api.post("/api/v1/payments/", {"customer": customer.pk, "amount": "500.00", "method": "cash"})
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert "database cannot be reached" in answer.json()["detail"]
    connections["default"].close()


def test_other_server_errors_keep_the_500_page(rf):
    from ispbill.core.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        answer = server_error(rf.get("/staff/"))
    assert answer.status_code == 500 and "Something went wrong" in answer.content.decode()
    assert "Retry-After" not in answer


@pytest.mark.django_db(transaction=True)
def test_suspension_while_redis_is_down_answers_200_and_its_router_change_waits_in_the_outbox(client, redis_server):
    """The router change is an outbox row written with the suspension; the drainer's wake-up meets the
    stopped broker after commit and is logged (the every-minute sweep wakes the drainer later). It
    answered 500 before: Django could not name the failed wake-up callback in its log line."""
    from config.celery import app
    from network.models import ProvisioningTask
    from tests.factories import RouterFactory, make_subscription

    router = RouterFactory(name="Outage-R1", api_port=free_port())
    subscription = make_subscription(router=router, activate=True)
    api = _api_with_write_token(client, "outage-admin-3")
    assert api.get("/api/v1/subscriptions/").status_code == 200
    caches = {"default": {"BACKEND": "ispbill.core.cache.RedisCache", "LOCATION": redis_server.url,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    previous_broker, eager = app.conf.broker_url, app.conf.task_always_eager
    waiting_before = ProvisioningTask.objects.filter(subscription=subscription).exclude(status="done").count()
    with override_settings(CACHES=caches):
        redis_server.stop()
        app.conf.broker_url, app.conf.task_always_eager = redis_server.url, False
        _fresh_broker_pools(app)
        try:
            answer = api.post(f"/api/v1/subscriptions/{subscription.pk}/suspend/",
                              {"reason": "asked to pause", "suspension_type": "customer_request"})
        finally:
            app.conf.broker_url, app.conf.task_always_eager = previous_broker, eager
            _fresh_broker_pools(app)
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "suspended"
    waiting = ProvisioningTask.objects.filter(subscription=subscription).exclude(status="done")
    assert waiting.count() == waiting_before + 1
