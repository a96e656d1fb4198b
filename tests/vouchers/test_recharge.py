"""Recharge by card (usecases/card_recharge.py, web/vouchers/recharge_views.py): a printed card tops up a
regular customer's account in the portal and on the public page, through the ledger like any payment;
every refused or malformed request changes nothing; both pages are rate-limited."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from billing.models import Allocation, Invoice, LedgerEntry
from billing.selectors import account_balance
from customers.models import Customer, Subscription
from ispbill.core.models import RateLimitCounter
from payments.models import Payment
from tests.factories import make_customer, make_subscription
from tests.payments.conftest import charge, ledger_ok
from usecases.card_recharge import card_recharge
from usecases.subscription_suspend import subscription_suspend
from vouchers import selectors, services
from vouchers.models import VoucherBatch, VoucherCard

from .helpers import make_batch, make_distributor, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def recharge_billing_settings(db):
    from billing.selectors import current_billing_settings

    current_billing_settings()


@pytest.fixture
def cards():
    """An issued batch of five ৳30 Day passes (10 % commission: the distributor paid ৳27 a card) and their codes."""
    distributor, admin = make_distributor(commission="10.00", topup="1000")
    batch = make_batch(plan=make_plan(price="30.00"), count=5, distributor=distributor, actor=admin)
    return batch, [code for _serial, code in selectors.batch_codes(batch=batch)]


@pytest.fixture
def recharge_rahim(db):
    customer = make_customer(name="Rahim Uddin", phone="01712345670", portal_password="portal-pass-1")
    return customer


def state():
    """Everything a recharge would change: compared before and after a refused request."""
    return {
        "payments": Payment.objects.count(), "entries": LedgerEntry.objects.count(), "allocations": Allocation.objects.count(),
        "invoices": sorted(Invoice.objects.values_list("pk", "status", "amount_paid")),
        "cards": sorted(VoucherCard.objects.values_list("pk", "state", "redeemed_customer_id")),
        "balances": sorted((c.pk, account_balance(customer_id=c.pk)) for c in Customer.objects.all()),
    }


def portal(client, customer):
    client.force_login(customer.user)
    return client


# The use case --------------------------------------------------------------------------------------

def test_a_card_pays_the_customers_invoice_and_ends_redeemed_onto_them(cards, recharge_rahim):
    batch, codes = cards
    invoice = charge(recharge_rahim, "20.00", days_ago=3)
    with transaction.atomic():
        payment = card_recharge(actor=None, customer=recharge_rahim, code=codes[0].lower()[:4] + "-" + codes[0][4:], channel="portal")
    assert payment.amount == Decimal("30.00")  # the printed price, not what the distributor paid
    assert payment.method == Payment.Method.PREPAID_CARD
    assert payment.received_by is None  # no one's cash
    assert payment.reference == f"CARD-{batch.first_serial:09d}"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert account_balance(customer_id=recharge_rahim.pk) == invoice.total - Decimal("30.00")  # the rest waits as credit
    card = VoucherCard.objects.get(serial=batch.first_serial)
    assert (card.state, card.redeemed_customer, card.redeemed_payment) == (VoucherCard.State.USED_UP, recharge_rahim, payment)
    assert card.first_used_at == card.redeemed_at == card.sold_at == card.ended_at == payment.received_at
    assert ledger_ok()


def test_a_card_reactivates_a_connection_suspended_for_non_payment(cards):
    _batch, codes = cards
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    charge(customer, "20.00", days_ago=30)  # with VAT still under the card's ৳30
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    with transaction.atomic():
        card_recharge(actor=None, customer=customer, code=codes[1])
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


def test_a_card_with_nothing_due_waits_as_credit(cards, recharge_rahim):
    _batch, codes = cards
    with transaction.atomic():
        card_recharge(actor=None, customer=recharge_rahim, code=codes[0])
    assert account_balance(customer_id=recharge_rahim.pk) == Decimal("-30.00")  # credit the next invoice consumes
    assert ledger_ok()


@pytest.mark.parametrize("spoil", ["used", "blocked", "suspended", "cancelled", "not_issued", "online", "in_use", "unknown", "expired"])
def test_a_card_that_may_not_be_used_is_refused_and_nothing_changes(cards, recharge_rahim, spoil):
    batch, codes = cards
    code = codes[0]
    card = VoucherCard.objects.get(serial=batch.first_serial)
    if spoil == "used":
        with transaction.atomic():
            card_recharge(actor=None, customer=make_customer(), code=code)
    elif spoil == "blocked":
        services.card_block(actor=None, serial=card.serial, reason="lost")
    elif spoil == "suspended":
        services.batch_suspend(actor=None, batch=batch, reason="check")
    elif spoil == "cancelled":
        services.batch_cancel(actor=None, batch=batch, reason="wrong price")
    elif spoil == "not_issued":
        other = make_batch(count=1)
        code = selectors.batch_codes(batch=other)[0][1]
    elif spoil == "online":
        VoucherBatch.objects.filter(pk=batch.pk).update(channel=VoucherBatch.Channel.ONLINE)
    elif spoil == "in_use":
        services.card_first_use(card=card)
    elif spoil == "unknown":
        code = "2346-7892-3467"
    elif spoil == "expired":
        VoucherBatch.objects.filter(pk=batch.pk).update(unused_expires_on="2020-01-01")
    before = state()
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        card_recharge(actor=None, customer=recharge_rahim, code=code)
    assert "code" in refused.value.message_dict
    assert state() == before


def test_a_closed_account_cannot_be_recharged(cards, recharge_rahim):
    _batch, codes = cards
    Customer.objects.filter(pk=recharge_rahim.pk).update(status=Customer.Status.CLOSED)
    recharge_rahim.refresh_from_db()
    before = state()
    with pytest.raises(ValidationError), transaction.atomic():
        card_recharge(actor=None, customer=recharge_rahim, code=codes[0])
    assert state() == before


# The portal ----------------------------------------------------------------------------------------

def test_portal_recharge_credits_the_signed_in_customer_and_shows_the_receipt(client, cards, recharge_rahim):
    batch, codes = cards
    portal(client, recharge_rahim)
    page = client.get(reverse("portal:pay-card"))
    assert page.status_code == 200 and b"card-recharge-form" in page.content
    assert b'href="/portal/pay/card/"' in client.get(reverse("portal:payment-history")).content
    response = client.post(reverse("portal:pay-card"), {"code": codes[2]})
    payment = Payment.objects.get(customer=recharge_rahim)
    assert response.status_code == 302 and response.url == reverse("portal:payment-receipt", args=[payment.pk])
    assert VoucherCard.objects.get(serial=batch.first_serial + 2).redeemed_customer == recharge_rahim


@pytest.mark.parametrize("data", [
    {}, {"code": ""}, {"code": "x" * 41}, {"code": "X" * 100_000}, {"code": "NaN"}, {"code": ["A", "B"]},
    {"code": "2346-7892-3467"}, {"code": "'; DROP TABLE vouchers_vouchercard; --"}, {"code": "ABCD\x00EFGH"},
])
def test_portal_recharge_refuses_malformed_input_with_4xx_and_changes_nothing(client, cards, recharge_rahim, data):
    portal(client, recharge_rahim)
    before = state()
    response = client.post(reverse("portal:pay-card"), data)
    assert 400 <= response.status_code < 500
    assert state() == before


def test_portal_recharge_cannot_credit_anyone_else(client, cards, recharge_rahim):
    """The portal credits the signed-in customer only: a customer id sent along is ignored."""
    _batch, codes = cards
    other = make_customer()
    portal(client, recharge_rahim)
    client.post(reverse("portal:pay-card"), {"code": codes[0], "customer": other.pk, "customer_id": other.pk})
    assert Payment.objects.get().customer == recharge_rahim
    assert not Payment.objects.filter(customer=other).exists()


def test_portal_recharge_is_rate_limited_per_customer(client, cards, recharge_rahim):
    _batch, codes = cards
    portal(client, recharge_rahim)
    for _ in range(10):
        assert client.post(reverse("portal:pay-card"), {"code": "2346-7892-3467"}).status_code == 400
    before = state()
    refused = client.post(reverse("portal:pay-card"), {"code": codes[0]})  # a good code, but no tries left
    assert refused.status_code == 429
    assert state() == before


def test_the_portal_needs_a_signed_in_customer(client, cards):
    _batch, codes = cards
    response = client.post(reverse("portal:pay-card"), {"code": codes[0]})
    assert response.status_code in (302, 403)
    assert not Payment.objects.exists()


# The public page -----------------------------------------------------------------------------------

def test_public_recharge_confirms_a_masked_name_then_credits_the_account(client, cards, recharge_rahim):
    batch, codes = cards
    url = reverse("card-recharge")
    assert client.get(url).status_code == 200
    first = client.post(url, {"account": "01712345670", "code": codes[3]})
    assert first.status_code == 200
    assert b"Ra*** Ud***" in first.content and b"Rahim" not in first.content
    assert "৳30.00".encode() in first.content or b"30.00" in first.content
    assert not Payment.objects.exists()  # nothing credited before the payer confirms
    done = client.post(url, {"account": "01712345670", "code": codes[3], "confirm": "1"})
    assert done.status_code == 200 and b"card-recharge-done" in done.content
    payment = Payment.objects.get()
    assert payment.customer == recharge_rahim and payment.method == Payment.Method.PREPAID_CARD
    assert VoucherCard.objects.get(serial=batch.first_serial + 3).redeemed_payment == payment
    # By account number too.
    client.post(url, {"account": recharge_rahim.account_number.lower(), "code": codes[4], "confirm": "1"})
    assert Payment.objects.filter(customer=recharge_rahim).count() == 2


def test_public_recharge_does_not_look_up_an_account_for_a_card_that_cannot_be_used(client, cards, recharge_rahim):
    """A bad card is refused before the account is looked up: no name, masked or not, and the same
    answer whether the phone is a customer's or not."""
    url = reverse("card-recharge")
    known = client.post(url, {"account": "01712345670", "code": "2346-7892-3467"})
    unknown = client.post(url, {"account": "01799999999", "code": "2346-7892-3467"})
    assert known.status_code == unknown.status_code == 400
    assert b"Ra***" not in known.content
    def main(response):  # the page's nonce and CSRF token differ per answer
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content.split(b"<main", 1)[1].split(b"</main>", 1)[0])

    assert main(known).replace(b"01712345670", b"X") == main(unknown).replace(b"01799999999", b"X")


@pytest.mark.parametrize("data", [
    {}, {"account": "01712345670"}, {"code": "ABCD"}, {"account": "", "code": ""},
    {"account": "9" * 100_000, "code": "ABCD-EFGH-JKMN"}, {"account": "01712345670", "code": "Z" * 100_000},
    {"account": "NaN", "code": "NaN"}, {"account": "-1", "code": "ABCD-EFGH-JKMN"},
    {"account": "01799999999", "code": "VALID"},  # nobody's phone, a good card
    {"account": "CT-999999", "code": "VALID"},  # nobody's account number, a good card
    {"account": "01712345670", "code": "VALID", "confirm": "maybe"},
    {"account": "01712345670", "code": "2346-7892-3467", "confirm": "1"},
])
def test_public_recharge_refuses_malformed_input_with_4xx_and_changes_nothing(client, cards, recharge_rahim, data):
    _batch, codes = cards
    data = {key: codes[0] if value == "VALID" else value for key, value in data.items()}
    before = state()
    response = client.post(reverse("card-recharge"), data)
    if data.get("confirm") == "maybe":  # a boolean field reads any text as yes: then it must be a good recharge
        assert response.status_code == 200
        return
    assert 400 <= response.status_code < 500, response.content[:300]
    assert state() == before


def test_public_recharge_is_rate_limited_per_address_and_per_account(client, cards, recharge_rahim):
    _batch, codes = cards
    url = reverse("card-recharge")
    for _ in range(5):
        client.post(url, {"account": "01712345670", "code": "2346-7892-3467"}, REMOTE_ADDR="10.0.0.1")
    before = state()
    # The account's five tries are spent (from another address too).
    assert client.post(url, {"account": "01712345670", "code": codes[0], "confirm": "1"}, REMOTE_ADDR="10.0.0.2").status_code == 429
    assert state() == before
    for n in range(5):
        client.post(url, {"account": f"0171000000{n}", "code": "2346-7892-3467"}, REMOTE_ADDR="10.0.0.1")
    # The address's ten tries are spent, whatever account it names.
    assert client.post(url, {"account": "01800000000", "code": codes[0]}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert state() == before
    assert RateLimitCounter.objects.exists()


def test_public_recharge_needs_csrf(cards, recharge_rahim):
    from django.test import Client

    _batch, codes = cards
    response = Client(enforce_csrf_checks=True).post(reverse("card-recharge"), {"account": "01712345670", "code": codes[0], "confirm": "1"})
    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_get_with_parameters_changes_nothing(client, cards, recharge_rahim):
    _batch, codes = cards
    assert client.get(reverse("card-recharge"), {"account": "01712345670", "code": codes[0], "confirm": "1"}).status_code == 200
    assert not Payment.objects.exists()
    assert client.put(reverse("card-recharge")).status_code == 405


def test_staff_and_the_api_cannot_record_a_prepaid_card_payment_by_hand(staff_client, recharge_rahim):
    """Only redeeming a card records one: a hand-made "Prepaid card" payment would credit without a card."""
    from api.serializers import PaymentCreateSerializer
    from web.payments.forms import STAFF_METHODS

    assert Payment.Method.PREPAID_CARD not in dict(STAFF_METHODS)
    assert Payment.Method.PREPAID_CARD not in PaymentCreateSerializer().fields["method"].choices
