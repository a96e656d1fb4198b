import pytest
from django.core.management import call_command

from demo.messages import SEEDED_BACKEND
from ispbill.notify.models import Message
from tickets.models import Survey, Ticket, TicketComment

# The demo's base (30 customers, three months), seeded once a run (tests/conftest.py): the tickets step reads
# the customers, not their bills.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_base_of_30_customers")]


def test_seed_tickets_gives_demo_customers_history_and_surveys_and_is_idempotent():
    call_command("seed_tickets", tickets=20, quiet=True)
    tickets = Ticket.objects.count()
    assert tickets == 20
    assert TicketComment.objects.filter(internal=False, by_customer=False).exists()
    assert Survey.objects.filter(rating__isnull=False).exists()
    assert Ticket.objects.filter(status="resolved", survey__rating__isnull=True, customer__user__isnull=False).exists()
    assert Ticket.objects.filter(status__in=Ticket.UNFINISHED).exists()
    assert Ticket.objects.filter(breached=True).exists()
    snapshot = sorted(Ticket.objects.values_list("number", "customer_id", "subject", "status"))
    call_command("seed_tickets", tickets=20, quiet=True)
    assert sorted(Ticket.objects.values_list("number", "customer_id", "subject", "status")) == snapshot


def test_seeded_tickets_messages_are_recorded_as_delivered_when_their_event_happened(django_capture_on_commit_callbacks):
    before = set(Message.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks() as handed_to_workers:
        call_command("seed_tickets", tickets=20, quiet=True)
    told = Message.objects.exclude(pk__in=before).filter(event__in=["ticket_replied", "ticket_resolved"])
    assert told.exists()
    assert not Message.objects.exclude(pk__in=before).exclude(status=Message.Status.SENT).exists()
    assert set(told.values_list("backend", flat=True)) == {SEEDED_BACKEND}
    for message in told:
        event = message.related
        assert message.sent_at == message.created_at == (getattr(event, "resolved_at", None) or event.created_at)
    # Nothing was handed to the worker: it has no old notices to send when the demo starts.
    assert not [c for c in handed_to_workers if c.__qualname__.startswith("dispatch_after_commit")]
