"""Finding 11 of the security review: Support take the calls but could not see outages (403). They
may now read them, and the staff ticket and customer pages show an active outage over the
customer's area or router."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network import outages
from network.models import Outage
from tests.factories import AreaFactory, UserFactory, admin_user, make_customer, make_subscription
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    client.force_login(UserFactory(roles=["Support"]))
    return client


def declare(**scope):
    return outages.outage_declare(
        actor=admin_user(), title="Fibre cut near the market", started_at=timezone.now() - timedelta(minutes=30), **scope,
    )


def test_support_reads_outages_but_cannot_declare_or_restore_one(support):
    area = AreaFactory()
    outage = declare(areas=[area])
    assert support.get(reverse("staff:outage-list")).status_code == 200
    page = support.get(reverse("staff:outage-detail", args=[outage.pk]))
    assert page.status_code == 200 and "Fibre cut near the market" in page.content.decode()
    assert support.get(reverse("staff:outage-create")).status_code == 403
    response = support.post(reverse("staff:outage-restore", args=[outage.pk]), {"note": "x"})
    assert response.status_code == 403
    assert Outage.objects.get(pk=outage.pk).status == Outage.Status.ACTIVE
    nav = support.get(reverse("staff:ticket-list")).content.decode()
    assert reverse("staff:outage-list") in nav


def test_ticket_and_customer_pages_show_an_active_outage_in_the_customers_area(support):
    area = AreaFactory()
    customer = make_customer(area=area)
    ticket = ticket_services.ticket_create(actor=customer.user, customer=customer, category="no_connection",
                                           subject="No internet", description="Red light")
    elsewhere = make_customer()
    other_ticket = ticket_services.ticket_create(actor=None, customer=elsewhere, category="no_connection",
                                                 subject="No internet", description="Red light")
    outage = declare(areas=[area])
    for url in (reverse("staff:ticket-detail", args=[ticket.pk]), reverse("staff:customer-detail", args=[customer.pk])):
        page = support.get(url).content.decode()
        assert 'id="customer-outage-notice"' in page and "Fibre cut near the market" in page, url
        assert reverse("staff:outage-detail", args=[outage.pk]) in page
    for url in (reverse("staff:ticket-detail", args=[other_ticket.pk]), reverse("staff:customer-detail", args=[elsewhere.pk])):
        assert 'id="customer-outage-notice"' not in support.get(url).content.decode(), url


def test_an_outage_on_the_customers_router_shows_too_and_a_restored_one_does_not(support):
    subscription = make_subscription(activate=True)
    outage = declare(routers=[subscription.router])
    url = reverse("staff:customer-detail", args=[subscription.customer.pk])
    assert "Fibre cut near the market" in support.get(url).content.decode()
    detail = support.get(reverse("staff:outage-detail", args=[outage.pk])).content.decode()
    assert subscription.router.name in detail and reverse("staff:router-detail", args=[subscription.router.pk]) not in detail
    outages.outage_restore(actor=admin_user(), outage=outage)
    from django.core.cache import cache

    cache.delete(outages.ANY_ACTIVE_CACHE_KEY)
    assert 'id="customer-outage-notice"' not in support.get(url).content.decode()
