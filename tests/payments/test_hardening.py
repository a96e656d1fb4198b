"""Findings of the security review on the payment screens: the staff payment page of a payment without
a cashier (every online payment), non-finite amounts in the payment form and its preview, and how far
back a cashier may date a receipt."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ispbill.core.money import to_money
from payments.models import Payment
from payments.services import payment_ledger_record
from tests.factories import make_customer
from tests.payments.conftest import D, charge
from tests.payments.sslcommerz_helpers import gateway  # noqa: F401
from tests.payments.test_payment_views import money_state, payment_data

pytestmark = pytest.mark.django_db


def test_the_page_of_a_payment_without_a_cashier_opens(staff_client):
    customer = make_customer(name="Online Payer")
    charge(customer, "800.00")
    payment = payment_ledger_record(actor=None, customer=customer, amount="800.00", method=Payment.Method.ONLINE, reference="SSL-1")
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


# 9. Pay now ----------------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_pressing_pay_now_again_reuses_the_open_gateway_session(client, gateway, settings):
    from payments.models import GatewayPayment

    customer = make_customer(portal_password="portal-pass-1")
    charge(customer, "900.00")
    client.force_login(customer.user)
    answers = [client.post(reverse("portal:pay"), {"purpose": "due"}) for _ in range(15)]
    gp = GatewayPayment.objects.get()
    assert {(answer.status_code, answer.url) for answer in answers} == {(303, gp.gateway_url)}
    assert gp.status == GatewayPayment.Status.PENDING and gp.amount == D("900.00")


@pytest.mark.django_db(transaction=True)
def test_new_gateway_sessions_are_limited_per_customer(client, gateway, settings):
    from payments.models import GatewayPayment
    from tests.factories import make_subscription

    settings.ONLINE_PAYMENT_STARTS_PER_HOUR = 3
    subscription = make_subscription(customer=make_customer(portal_password="portal-pass-1"), activate=True)
    client.force_login(subscription.customer.user)
    statuses = [client.post(reverse("portal:pay"), {"purpose": "advance", "months": str(months)}).status_code for months in (1, 2, 3, 4, 5)]
    assert statuses == [303, 303, 303, 200, 200]
    assert GatewayPayment.objects.count() == 3
    page = client.post(reverse("portal:pay"), {"purpose": "advance", "months": "6"}).content.decode()
    assert "Too many payment attempts" in page
    # The choices already open still lead back to their sessions.
    assert client.post(reverse("portal:pay"), {"purpose": "advance", "months": "1"}).status_code == 303
    assert GatewayPayment.objects.count() == 3


# 8. Back-dated receipts ---------------------------------------------------------------------------------

def cashier_client(client, branch_scope=None):
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=["Cashier"]))
    return client


def test_a_cashier_cannot_date_a_receipt_to_1900_or_beyond_the_limit(client, settings):
    from datetime import timedelta

    settings.RECEIPT_BACKDATE_DAYS = 31
    customer = make_customer()
    charge(customer, "500.00")
    cashier_client(client)
    before = money_state()
    for day in ("1900-01-01", (timezone.localdate() - timedelta(days=32)).isoformat()):
        response = client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(received_on=day))
        page = response.content.decode()
        assert response.status_code == 200 and ("at most 31 days back" in page or "cannot be dated before" in page), day
    assert money_state() == before
    within = (timezone.localdate() - timedelta(days=31)).isoformat()
    response = client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(received_on=within))
    assert response.status_code == 302 and Payment.objects.filter(customer=customer).count() == 1


def test_a_manager_may_backdate_further_and_it_is_audited(client, settings):
    from datetime import timedelta

    from ispbill.core.models import AuditLog
    from tests.factories import UserFactory

    settings.RECEIPT_BACKDATE_DAYS = 31
    customer = make_customer()
    manager = UserFactory(roles=["Manager"])
    client.force_login(manager)
    day = timezone.localdate() - timedelta(days=60)
    response = client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(received_on=day.isoformat()))
    assert response.status_code == 302
    payment = Payment.objects.get(customer=customer)
    assert timezone.localdate(payment.received_at) == day
    entry = AuditLog.objects.get(action="payment.backdated")
    assert entry.actor == manager and entry.after["days_back"] == 60
    response = client.post(reverse("staff:payment-create", args=[customer.pk]), payment_data(received_on="1900-01-01", idempotency_key="key-2"))
    assert "cannot be dated before" in response.content.decode() and Payment.objects.count() == 1
