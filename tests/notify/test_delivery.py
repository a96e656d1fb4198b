"""Delivery: claim, retries with exponential backoff, permanent failure, the retry sweep, manual retry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ispbill.core.models import AuditLog
from ispbill.notify import services
from ispbill.notify.backends import Backend
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from ispbill.notify.tasks import retry_due_messages
from tests.factories import admin_user, make_customer

pytestmark = pytest.mark.django_db

CONTEXT = {"login": "rahim1", "package_name": "Home 20", "non_payment": True, "amount_due": Decimal("1150")}


class ExplodingBackend(Backend):
    """A backend with a bug: delivery must survive it and try again later."""

    name = "exploding"

    def send(self, message):
        raise KeyError("boom")


@pytest.fixture
def delivery_gateway(settings, http_peer):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "http"}
    settings.SMS_GATEWAY = {**settings.SMS_GATEWAY, "url": f"{http_peer.url}/send", "timeout": 5}
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_RETRY_MAX_SECONDS = 3600
    return http_peer


def queued_sms() -> Message:
    (message,) = services.notify_customer(event=Event.SUSPENDED, customer=make_customer(), context=CONTEXT)
    return message


def make_due(message: Message) -> None:
    """Let the backoff pass (instead of waiting for it)."""
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_temporary_failures_back_off_exponentially_then_give_up(delivery_gateway):
    message = queued_sms()
    delays = []
    for attempt in (1, 2, 3):
        delivery_gateway.respond(503, "maintenance", content_type="text/plain")
        before = timezone.now()
        services.message_deliver(message_id=message.pk)
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", attempt)
        if attempt < 3:
            delays.append(round((message.next_attempt_at - before).total_seconds()))
            assert services.message_deliver(message_id=message.pk) is None  # not due yet: nothing sent
            make_due(message)
    assert delays == [60, 120]
    assert message.next_attempt_at is None
    assert message.last_error.endswith("(gave up after 3 attempts)")
    assert len(delivery_gateway.requests) == 3


def test_backoff_is_capped(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_RETRY_MAX_SECONDS = 60, 600
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [60, 120, 240, 480, 600, 600]


def test_permanent_failure_is_not_retried(delivery_gateway):
    message = queued_sms()
    delivery_gateway.respond(400, {"error": "invalid number"})
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 1, None)
    assert services.messages_to_dispatch() == []


def test_a_crashing_backend_is_treated_as_temporary(settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": f"{__name__}.ExplodingBackend"}
    message = queued_sms()
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.backend, message.last_error) == ("failed", "exploding", "'boom'")
    assert message.next_attempt_at is not None


def test_a_sent_message_is_never_sent_again(delivery_gateway):
    message = queued_sms()
    services.message_deliver(message_id=message.pk)
    assert services.message_deliver(message_id=message.pk) is None
    assert len(delivery_gateway.requests) == 1


def test_retry_sweep_sends_failed_messages_whose_retry_is_due(delivery_gateway):
    due, not_yet = queued_sms(), queued_sms()
    for message in (due, not_yet):
        delivery_gateway.respond(502, "bad gateway", content_type="text/plain")
        services.message_deliver(message_id=message.pk)
    make_due(due)
    assert retry_due_messages() == 1  # eager Celery: the delivery task runs right here
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.status, due.attempts) == ("sent", 2)
    assert (not_yet.status, not_yet.attempts) == ("failed", 1)


def test_retry_sweep_picks_up_messages_the_broker_lost_and_workers_abandoned():
    lost, abandoned, fresh = queued_sms(), queued_sms(), queued_sms()
    long_ago = timezone.now() - timedelta(minutes=30)
    Message.objects.filter(pk=lost.pk).update(created_at=long_ago)
    Message.objects.filter(pk=abandoned.pk).update(status="sending", attempts=1, updated_at=long_ago)
    assert services.messages_to_dispatch() == sorted([lost.pk, abandoned.pk])
    abandoned.refresh_from_db()
    assert abandoned.status == "failed" and abandoned.last_error == "The worker stopped while sending; trying again."
    assert Message.objects.get(pk=fresh.pk).status == "queued"


def test_staff_retry_of_a_message_that_gave_up_sends_it_once_more(delivery_gateway, django_capture_on_commit_callbacks):
    message = queued_sms()
    delivery_gateway.respond(404, "unknown endpoint", content_type="text/plain")
    services.message_deliver(message_id=message.pk)
    staff = admin_user()
    with django_capture_on_commit_callbacks(execute=True):
        services.message_retry(actor=staff, message=message)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert AuditLog.objects.filter(action="message.retry", object_id=str(message.pk), actor=staff).exists()


def test_only_failed_messages_can_be_retried():
    message = queued_sms()
    with pytest.raises(ValidationError, match="Only a failed message can be retried; this one is queued."):
        services.message_retry(actor=None, message=message)
    assert not AuditLog.objects.filter(action="message.retry").exists()


def test_a_batch_is_claimed_together_and_each_message_gets_its_own_outcome(delivery_gateway):
    sent_before, ok, busy, wrong = queued_sms(), queued_sms(), queued_sms(), queued_sms()
    services.message_deliver(message_id=sent_before.pk)
    delivery_gateway.respond(200, {})
    delivery_gateway.respond(503, "maintenance", content_type="text/plain")
    delivery_gateway.respond(400, {"error": "invalid number"})
    delivered = services.messages_deliver(message_ids=[sent_before.pk, ok.pk, busy.pk, wrong.pk])
    assert [message.pk for message in delivered] == [ok.pk, busy.pk, wrong.pk]  # the sent one is not sent again
    outcomes = {m.pk: (m.status, m.attempts, m.next_attempt_at is not None) for m in Message.objects.all()}
    assert outcomes == {
        sent_before.pk: ("sent", 1, False), ok.pk: ("sent", 1, False), busy.pk: ("failed", 1, True), wrong.pk: ("failed", 1, False),
    }
    assert len(delivery_gateway.requests) == 4


def test_a_batch_costs_the_same_statements_whatever_its_size():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(n):
        ids = [queued_sms().pk for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            assert len(services.messages_deliver(message_ids=ids)) == n
        return len(queries)

    assert statements(2) == statements(12)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


class WatchingBackend(Backend):
    """Records, at each send, what the database says of the batch: what a worker killed right then
    (no chance to write anything more) would leave behind."""

    name = "watching"
    seen: list[list[str]] = []

    def send(self, message):
        WatchingBackend.seen.append(list(Message.objects.order_by("pk").values_list("status", flat=True)))
        return "ok"


@pytest.mark.parametrize(("write_every", "at_third_send"), [
    (0, ["sent", "sent", "sending", "sending"]),  # each outcome written as it is known
    (3600, ["sending", "sending", "sending", "sending"]),  # a fast backend: written together at the end
])
def test_outcomes_are_written_at_least_every_few_seconds_while_a_batch_is_sent(settings, monkeypatch, write_every, at_third_send):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": f"{__name__}.WatchingBackend"}
    monkeypatch.setattr(services, "OUTCOME_WRITE_SECONDS", write_every)
    WatchingBackend.seen = []
    messages = [queued_sms() for _ in range(4)]
    services.messages_deliver(message_ids=[m.pk for m in messages])
    assert WatchingBackend.seen[2] == at_third_send
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
