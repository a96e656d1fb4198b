import pytest
from django.core.management import call_command

from tickets.models import Survey, Ticket, TicketComment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_seed_tickets_gives_demo_customers_history_and_surveys_and_is_idempotent():
    call_command("seed_demo", customers=30, leads=2, quiet=True)
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
