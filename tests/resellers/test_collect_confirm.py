"""A commission reseller recording cash above the confirmation limit (৳50,000) is asked to confirm,
with the amount, the reference and the form's key carried back: ticking the box records it once.
Malformed amounts answer 400 and record nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import Payment
from tests.factories import make_customer
from tests.resellers.helpers import make_reseller

pytestmark = pytest.mark.django_db


@pytest.fixture
def collecting(client):
    reseller, area, _router, _package, admin = make_reseller(model="commission")
    customer = make_customer(area=area, reseller=reseller)
    client.force_login(reseller.user)
    return client, reseller, customer


def _collect(client, customer, **data):
    return client.post(reverse("reseller:customer-collect", args=[customer.pk]), {"key": "k-1", "reference": "", **data})


def test_a_large_amount_asks_for_confirmation_with_the_form_carried_back_then_records_once(collecting):
    client, _reseller, customer = collecting

    asked = _collect(client, customer, amount="60000", reference="Bag 7")

    page = asked.content.decode()
    assert asked.status_code == 400 and not Payment.objects.exists()
    assert 'name="confirm_large"' in page and "tick the box to confirm" in page and "৳50,000.00" in page
    assert 'value="60000"' in page and 'value="Bag 7"' in page and 'value="k-1"' in page
    confirmed = _collect(client, customer, amount="60000", reference="Bag 7", confirm_large="on")
    assert confirmed.status_code == 302
    again = _collect(client, customer, amount="60000", reference="Bag 7", confirm_large="on")  # a second click
    assert again.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference, payment.customer_id) == (Decimal("60000.00"), "Bag 7", customer.pk)


def test_an_ordinary_amount_needs_no_confirmation_and_the_box_is_not_shown(collecting):
    client, _reseller, customer = collecting
    page = client.get(reverse("reseller:customer-detail", args=[customer.pk])).content.decode()
    assert 'id="collect-form"' in page and 'name="confirm_large"' not in page
    assert _collect(client, customer, amount="50000").status_code == 302
    assert Payment.objects.get().amount == Decimal("50000.00")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "abc", "", "-5", "0", "1e20", "12.345", "100000000000000"])
def test_a_malformed_amount_answers_400_and_records_nothing(collecting, amount):
    client, _reseller, customer = collecting
    response = _collect(client, customer, amount=amount, confirm_large="on")
    assert response.status_code == 400 and not Payment.objects.exists()
    assert 'id="collect-form"' in response.content.decode()


def test_someone_elses_customer_is_404_and_nothing_is_recorded(collecting):
    client, _reseller, _customer = collecting
    stranger = make_customer()
    assert _collect(client, stranger, amount="500").status_code == 404
    assert not Payment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_confirmed_large_cash_is_recorded_once_outside_a_wrapping_transaction(client):
    reseller, area, _router, _package, _admin = make_reseller(model="commission")
    customer = make_customer(area=area, reseller=reseller)
    client.force_login(reseller.user)
    assert _collect(client, customer, amount="75000").status_code == 400
    assert not Payment.objects.exists()
    for _click in range(2):
        assert _collect(client, customer, amount="75000", confirm_large="on").status_code == 302
    assert Payment.objects.get().amount == Decimal("75000.00")
