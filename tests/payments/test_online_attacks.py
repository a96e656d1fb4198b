"""Bad input and attacks on the online-payment callbacks and checkout: each asserts nothing was credited
(no Payment, no ledger entry, no change of the payment's status) and, where it matters, the answer."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import LedgerEntry
from payments import online
from payments.models import GatewayPayment, Payment
from payments.sslcommerz import sign
from tests.factories import make_customer
from tests.payments.conftest import charge
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def money_rows() -> tuple[int, int]:
    return Payment.objects.count(), LedgerEntry.objects.filter(kind="payment").count()


def notification(gp: GatewayPayment, *, password: str, **changes) -> dict:
    """What a paid notification for `gp` looks like, signed with `password` after `changes`."""
    data = {
        "tran_id": gp.tran_id, "val_id": "FORGEDVAL1", "amount": f"{gp.amount:.2f}", "card_type": "BKASH-BKash",
        "store_amount": "0.00", "bank_tran_id": "FORGED1", "status": "VALID", "tran_date": "2026-11-22 10:00:00",
        "currency": "BDT", "store_id": "ispbilldemo", "currency_type": "BDT", "currency_amount": f"{gp.amount:.2f}",
        "risk_level": "0", "risk_title": "Safe", "value_a": "", "value_b": "", "value_c": "", "value_d": "",
    }
    data.update(changes)
    return {**data, **sign(data, password)}


@pytest.fixture
def pending(gateway):
    customer = make_customer()
    charge(customer, "1000.00")
    return online.online_payment_start(customer=customer, purpose="due")


def post_ipn(client, data):
    return client.post(reverse("sslcommerz-ipn"), data)


def assert_nothing_credited(gp, before):
    gp.refresh_from_db()
    assert gp.status == "pending" and gp.payment_id is None and gp.val_id is None
    assert money_rows() == before


def test_tampered_amount_signed_without_the_store_password_is_refused(client, pending, settings):
    before = money_rows()
    data = notification(pending, password="guess")
    data["amount"] = "10.00"
    assert post_ipn(client, data).status_code == 400
    assert_nothing_credited(pending, before)


def test_tampered_amount_even_with_a_valid_signature_is_refused(client, pending, settings):
    before = money_rows()
    data = notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD, amount="10.00", currency_amount="10.00")
    assert post_ipn(client, data).status_code == 200
    assert_nothing_credited(pending, before)
    assert pending.events.filter(outcome__startswith="rejected: amount").exists()


def test_tampered_currency_is_refused(client, pending, settings):
    before = money_rows()
    data = notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD, currency="USD", currency_type="USD")
    post_ipn(client, data)
    assert_nothing_credited(pending, before)


def test_another_stores_id_is_refused_even_when_signed_with_our_password(client, pending, settings):
    before = money_rows()
    post_ipn(client, notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD, store_id="othermerchant"))
    assert_nothing_credited(pending, before)
    assert pending.events.filter(outcome__contains="store_id").exists()


def test_a_signature_from_another_merchants_store_is_refused(client, pending):
    before = money_rows()
    assert post_ipn(client, notification(pending, password="other-merchant-password")).status_code == 400
    assert_nothing_credited(pending, before)


@pytest.mark.parametrize("drop", ["verify_sign", "verify_sign_sha2", "verify_key"])
def test_a_missing_signature_is_refused(client, pending, settings, drop):
    before = money_rows()
    data = notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD)
    del data[drop]
    assert post_ipn(client, data).status_code == 400
    browser = client.post(reverse("sslcommerz-success"), data)
    assert browser.status_code == 303
    assert_nothing_credited(pending, before)


def test_an_unknown_tran_id_is_refused_and_touches_nothing(client, pending, settings):
    before = money_rows()
    data = notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD, tran_id="NOSUCHTRAN")
    assert post_ipn(client, data).status_code == 404
    assert client.post(reverse("sslcommerz-success"), data).status_code == 303
    assert_nothing_credited(pending, before)


def test_a_forged_val_id_fails_validation(client, pending, settings):
    """Signed correctly (as if the password leaked), but the gateway never issued this val_id."""
    before = money_rows()
    post_ipn(client, notification(pending, password=settings.SSLCOMMERZ_STORE_PASSWORD, val_id="NEVERISSUED"))
    pending.refresh_from_db()
    assert pending.status == "failed" and pending.payment_id is None and money_rows() == before


def test_a_val_id_reused_for_another_payment_is_refused(client, pending, settings):
    pay_at_gateway(pending.gateway_url)
    pending.refresh_from_db()
    assert pending.status == "paid"
    charge(pending.customer, "1000.00")
    second = online.online_payment_start(customer=pending.customer, purpose="due")
    before = money_rows()

    post_ipn(client, notification(second, password=settings.SSLCOMMERZ_STORE_PASSWORD, val_id=pending.val_id))

    second.refresh_from_db()
    assert second.status in ("pending", "failed") and second.payment_id is None and second.val_id is None
    assert money_rows() == before
    assert second.events.filter(outcome__contains="another tran_id").exists()


def test_get_and_garbage_posts_change_nothing(client, pending):
    before = money_rows()
    assert client.get(reverse("sslcommerz-ipn")).status_code == 405
    assert post_ipn(client, {}).status_code == 404
    assert post_ipn(client, {"tran_id": pending.tran_id, "verify_key": "x,y", "verify_sign": "1"}).status_code == 400
    assert_nothing_credited(pending, before)


def test_a_customer_cannot_start_a_payment_for_another_customers_invoice(client, gateway):
    owner = make_customer(portal_password="portal-pass-1")
    intruder = make_customer(portal_password="portal-pass-2")
    victim_invoice = charge(owner, "1000.00")
    charge(intruder, "200.00")
    client.force_login(intruder.user)

    response = client.post(reverse("portal:pay"), {"purpose": "invoice", "invoice": victim_invoice.pk})

    assert response.status_code == 200
    assert GatewayPayment.objects.count() == 0
    # Neither does the link preselect it.
    page = client.get(reverse("portal:pay") + f"?invoice={victim_invoice.pk}").content.decode()
    assert victim_invoice.number not in page


def test_the_amount_posted_by_the_browser_is_ignored(client, gateway):
    customer = make_customer(portal_password="portal-pass-1")
    charge(customer, "1000.00")
    client.force_login(customer.user)
    response = client.post(reverse("portal:pay"), {"purpose": "due", "amount": "10.00", "total_amount": "10.00"})
    assert response.status_code == 303
    assert GatewayPayment.objects.get().amount == D("1000.00")
