"""Finding 1 of the security review: the staff ticket page of a ticket the SLA job marked as breached
answered 500 (the audit entry of a breach holds a list, which the history tried to look up as a key)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_customer
from tickets import sla_policies
from tickets.models import Ticket

from .conftest import raise_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def breached_ticket():
    customer = make_customer(name="Karim Mia")
    ticket = raise_ticket(customer, now=timezone.now() - timedelta(days=10))
    assert sla_policies.sla_check()["breaches"] >= 1
    ticket.refresh_from_db()
    assert ticket.breached
    return ticket


def test_a_breached_ticket_page_opens_and_says_what_was_breached(staff_client, breached_ticket):
    response = staff_client.get(reverse("staff:ticket-detail", args=[breached_ticket.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SLA breached" in page and "response" in page and "resolution" in page


def test_replying_to_a_breached_ticket_lands_on_a_working_page(staff_client, breached_ticket):
    response = staff_client.post(reverse("staff:ticket-reply", args=[breached_ticket.pk]), {"body": "Looking now"}, follow=True)
    assert response.status_code == 200 and "Looking now" in response.content.decode()
    response = staff_client.post(
        reverse("staff:ticket-status", args=[breached_ticket.pk]), {"status": "resolved", "reason": "Fixed"}, follow=True,
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=breached_ticket.pk).status == "resolved"
