"""Findings of the security review on the payment screens: the staff payment page of a payment without
a cashier (every online payment), non-finite amounts in the payment form and its preview, and how far
back a cashier may date a receipt."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ispbill.core.money import to_money
from payments.models import Payment
from payments.services import payment_record
from tests.factories import make_customer
from tests.payments.conftest import charge
from tests.payments.test_payment_views import money_state, payment_data

pytestmark = pytest.mark.django_db


def test_the_page_of_a_payment_without_a_cashier_opens(staff_client):
    customer = make_customer(name="Online Payer")
    charge(customer, "800.00")
    payment = payment_record(actor=None, customer=customer, amount="800.00", method=Payment.Method.ONLINE, reference="SSL-1")
    assert payment.received_by is None
    response = staff_client.get(reverse("staff:payment-detail", args=[payment.pk]))
    assert response.status_code == 200
    assert payment.receipt_number in response.content.decode()


@pytest.mark.parametrize("amount", ["NaN", "-nan", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1e999999"])
def test_non_finite_amounts_are_refused_in_the_form_and_ignored_by_the_preview(staff_client, amount):
    customer = make_customer()
    charge(customer, "500.00")
    before = money_state()
    preview = staff_client.get(reverse("staff:payment-preview", args=[customer.pk]), {"amount": amount})
    assert preview.status_code == 200 and "stays as credit" not in preview.content.decode()
    response = staff_client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(amount=amount))
    assert response.status_code == 200  # the form again, with its message
    assert 'aria-invalid="true"' in response.content.decode() or "Enter a number" in response.content.decode()
    assert money_state() == before


@pytest.mark.parametrize("amount", ["NaN", "-nan", "Infinity", "-Infinity", "sNaN"])
def test_money_refuses_what_is_not_a_finite_amount(amount):
    with pytest.raises(ValueError):
        to_money(amount)


def test_today_is_still_a_fine_receipt_date(staff_client):
    customer = make_customer()
    staff_client.post(reverse("staff:payment-create", args=[customer.pk]),
                      payment_data(received_on=timezone.localdate().isoformat()))
    assert Payment.objects.filter(customer=customer).count() == 1
