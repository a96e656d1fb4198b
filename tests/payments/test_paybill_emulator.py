"""The demo's emulated bKash app (demo/bkash_paybill/) against our Pay Bill endpoints over HTTP on the
live server: the look-up it shows, the payment it notifies, and each failure switch — with exactly
one payment or none."""

import re

import pytest
from django.test import Client

from billing.selectors import account_balance
from payments.models import Payment
from tests.factories import make_customer
from tests.payments.conftest import D, charge, ledger_ok
from tests.payments.paybill_helpers import money_state

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app(live_server, settings):
    """The emulator (served in-process through the test client) calls the biller at the live server."""
    settings.SITE_URL = live_server.url
    settings.BKASH_PAYBILL_SANDBOX = True
    return Client()


@pytest.fixture
def paybill_emulator_rahim(db):
    customer = make_customer(name="Rahim Uddin", phone="01712345670")
    charge(customer, "1150.00", days_ago=10)
    return customer


def pay(app, account, *, amount="1150.00", pin="12345", fault=""):
    return app.post("/sandbox/bkash-paybill/paybill/", {"step": "pay", "account": account, "amount": amount, "pin": pin, "fault": fault})


def test_the_bill_shows_the_masked_name_and_what_is_due(app, paybill_emulator_rahim):
    assert app.get("/sandbox/bkash-paybill/").status_code == 200
    page = app.post("/sandbox/bkash-paybill/paybill/", {"step": "lookup", "account": "01712-345670"}).content.decode()
    assert "Ra*** Ud***" in page and "1150.00" in page and paybill_emulator_rahim.account_number in page
    assert "Rahim" not in page


def test_an_unknown_account_is_told_so(app, paybill_emulator_rahim):
    page = app.post("/sandbox/bkash-paybill/paybill/", {"step": "lookup", "account": "CT-1999-00009"}).content.decode()
    assert "Account not found" in page


def test_paying_records_one_payment_and_shows_its_receipt(app, paybill_emulator_rahim):
    page = pay(app, paybill_emulator_rahim.account_number).content.decode()
    payment = Payment.objects.get(customer=paybill_emulator_rahim)
    assert "Pay Bill successful" in page and payment.receipt_number in page and payment.reference in page
    assert payment.method == Payment.Method.BKASH_PAYBILL and account_balance(customer_id=paybill_emulator_rahim.pk) == D("0.00")
    assert ledger_ok()


@pytest.mark.parametrize("fault, exchanges", [
    ("duplicate", [("payment", "0000"), ("payment", "0000")]),
    ("lost", [("payment", ""), ("status", "4044"), ("payment", "0000")]),
    ("answer_lost", [("payment", ""), ("status", "0000")]),
])
def test_duplicates_and_lost_notifications_record_exactly_one_payment(app, paybill_emulator_rahim, fault, exchanges):
    response = pay(app, paybill_emulator_rahim.account_number, amount="500", fault=fault)
    assert [(e["endpoint"], e["code"]) for e in response.context["exchanges"]] == exchanges
    assert "Pay Bill successful" in response.content.decode()
    assert Payment.objects.filter(customer=paybill_emulator_rahim).count() == 1
    assert account_balance(customer_id=paybill_emulator_rahim.pk) == D("650.00")
    assert ledger_ok()


def test_a_wrong_signature_is_refused_and_no_money_moves(app, paybill_emulator_rahim):
    before = money_state()
    response = pay(app, paybill_emulator_rahim.account_number, fault="wrong_signature")
    assert [(e["endpoint"], e["http"], e["code"]) for e in response.context["exchanges"]] == [("payment", 401, "4010")]
    assert "Payment not completed" in response.content.decode()
    assert money_state() == before


@pytest.mark.parametrize("amount, pin", [("", "12345"), ("-5", "12345"), ("1.234", "12345"), ("abc", "12345"), ("100", "12"), ("100", "")])
def test_the_app_asks_again_for_a_bad_amount_or_pin_and_sends_nothing(app, paybill_emulator_rahim, amount, pin):
    before = money_state()
    response = pay(app, paybill_emulator_rahim.account_number, amount=amount, pin=pin)
    assert response.status_code == 400
    assert re.search(r"Enter (an amount|your 5-digit)", response.content.decode())
    assert money_state() == before


def test_the_emulator_is_gone_when_switched_off(app, settings):
    settings.BKASH_PAYBILL_SANDBOX = False
    assert app.get("/sandbox/bkash-paybill/").status_code == 404
