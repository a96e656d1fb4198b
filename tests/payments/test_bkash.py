"""bKash Tokenized Checkout direct, against the bKash emulator on loopback: one-off payments, saved
wallets (agreements), refunds, every failure the emulator can play, and the refusals (forged,
replayed, altered, unknown) that must move no money."""

from decimal import Decimal

import pytest
import requests
from django.urls import reverse

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from customers.models import Subscription
from demo.bkash.views import _get as emulator_get
from network.models import ProvisioningTask
from payments import bkash, bkash_flow
from payments.models import BkashAgreement, BkashSettings, GatewayEvent, GatewayPayment, GatewayRefund, Payment
from tests.factories import make_customer, make_subscription
from tests.payments.bkash_helpers import (  # noqa: F401 - fixture
    GOOD_WALLET,
    bkash_gateway,
    confirm_at_wallet,
    revoke_in_app,
)
from tests.payments.conftest import charge, ledger_ok, money_moved
from usecases import online_payment
from usecases.subscription_suspend import subscription_suspend

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def start(customer, purpose="due", **kwargs) -> GatewayPayment:
    return bkash_flow.bkash_payment_start(customer=customer, purpose=purpose, **kwargs)


def executions(gp: GatewayPayment) -> int:
    return emulator_get("payment", gp.sessionkey)["executed"]


# One-off payments (mode 0011) --------------------------------------------------------------------


def test_a_bkash_payment_reactivates_a_connection_suspended_for_non_payment(bkash_gateway):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    charge(customer, "1000.00", days_ago=20)
    subscription_suspend(actor=None, subscription=subscription, reason="Unpaid", suspension_type="non_payment")
    queued = ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count()

    confirm_at_wallet(start(customer).gateway_url)

    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert ProvisioningTask.objects.filter(subscription=subscription, action="reactivate").count() == queued + 1


def test_an_execute_that_times_out_is_queried_not_repeated_and_credited_once(bkash_gateway):
    """The emulator completes the payment but holds the answer past our read timeout."""
    customer = make_customer()
    charge(customer, "700.00")
    gp = start(customer)

    answer = confirm_at_wallet(gp.gateway_url, timeout=True)

    assert answer.status_code == 303
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID
    assert executions(gp) == 1
    assert Payment.objects.filter(customer=customer).count() == 1
    assert gp.events.filter(kind=GatewayEvent.Kind.ERROR, outcome__contains="asking payment/status").exists()
    assert gp.events.filter(kind=GatewayEvent.Kind.QUERY, outcome="payment/status: Completed").exists()


def test_a_callback_that_never_comes_is_finished_by_reconciliation(bkash_gateway, settings):
    customer = make_customer()
    charge(customer, "600.00")
    gp = start(customer)
    answer = confirm_at_wallet(gp.gateway_url, callback="none")
    assert answer.status_code == 200 and "wallet-done" in answer.text
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING

    settings.BKASH_RECONCILE_AFTER_MINUTES = 0
    counts = online_payment.online_payments_reconcile()

    gp.refresh_from_db()
    assert counts["settled"] == 1 and counts["credited"] == 1
    assert gp.status == GatewayPayment.Status.PAID and gp.payment.amount == D("600.00")
    assert executions(gp) == 1
    # Asked again: nothing more.
    assert online_payment.online_payments_reconcile()["settled"] == 0
    assert Payment.objects.count() == 1


def test_reconciliation_leaves_a_payment_the_customer_has_not_confirmed_pending_then_expires_it(bkash_gateway, settings):
    customer = make_customer()
    charge(customer, "600.00")
    gp = start(customer)
    settings.BKASH_RECONCILE_AFTER_MINUTES = 0

    online_payment.online_payments_reconcile()
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING

    settings.BKASH_PAYMENT_EXPIRY_MINUTES = 0
    online_payment.online_payments_reconcile()
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.EXPIRED
    assert money_moved() == (0, 0)


# Refusals: forged, unknown, altered ---------------------------------------------------------------


def test_a_forged_success_callback_for_an_unconfirmed_payment_moves_no_money(bkash_gateway, client):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)

    answer = client.get(reverse("bkash-callback"), {"paymentID": gp.sessionkey, "status": "success"})

    assert answer.status_code == 303
    gp.refresh_from_db()
    assert gp.status != GatewayPayment.Status.PAID
    assert money_moved() == (0, 0)
    # The customer can still pay it for real afterwards.
    confirm_at_wallet(gp.gateway_url)
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and Payment.objects.count() == 1


def test_a_forged_cancel_callback_cannot_undo_a_payment_bkash_completed(bkash_gateway, client):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    confirm_at_wallet(gp.gateway_url, callback="none")  # paid at the wallet, the browser never came back

    client.get(reverse("bkash-callback"), {"paymentID": gp.sessionkey, "status": "cancel"})

    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID  # the customer confirmed it: executed, whatever the browser said
    assert Payment.objects.count() == 1 and executions(gp) == 1


def test_an_unknown_payment_id_is_refused(bkash_gateway, client):
    answer = client.get(reverse("bkash-callback"), {"paymentID": "TR00DEADBEEF", "status": "success"})
    assert answer.status_code == 404
    assert money_moved() == (0, 0)


@pytest.mark.parametrize("query", [
    {}, {"paymentID": "x"}, {"status": "success"}, {"paymentID": "x", "status": "paid"},
    {"paymentID": "x" * 500, "status": "success"}, {"paymentID": "", "status": "success"},
])
def test_malformed_callbacks_are_400_and_change_nothing(bkash_gateway, client, query):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    answer = client.get(reverse("bkash-callback"), query)
    assert answer.status_code == 400
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING and money_moved() == (0, 0)


def test_the_callback_answers_only_get(bkash_gateway, client):
    assert client.post(reverse("bkash-callback"), {"paymentID": "x", "status": "success"}).status_code == 405


@pytest.mark.parametrize("field, value", [("amount", D("1.00")), ("currency", "USD")])
def test_an_answer_for_another_amount_or_currency_is_refused(bkash_gateway, field, value):
    """What bKash completed must be what we opened: a payment whose record says otherwise is not credited."""
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    GatewayPayment.objects.filter(pk=gp.pk).update(**{field: gp.amount + value if field == "amount" else value})

    confirm_at_wallet(gp.gateway_url)

    gp.refresh_from_db()
    assert gp.status != GatewayPayment.Status.PAID
    assert gp.events.filter(outcome__startswith=f"rejected: {field}").exists()
    assert money_moved() == (0, 0)


def test_wrong_credentials_are_refused_by_the_emulator_and_reported(bkash_gateway, settings):
    settings.BKASH_APP_SECRET = "not-the-secret"
    bkash.tokens_forget()
    customer = make_customer()
    charge(customer, "500.00")
    with pytest.raises(Exception, match="not answering"):
        start(customer)
    assert GatewayPayment.objects.get().status == GatewayPayment.Status.FAILED


def test_a_forged_token_is_refused_by_the_emulator(bkash_gateway):
    http = requests.post(f"{bkash_gateway.url}/sandbox/bkash/v1.2.0-beta/tokenized/checkout/create",
                         json={"mode": "0011"}, headers={"Authorization": "forged", "X-APP-Key": "x"}, timeout=10)
    assert http.status_code == 401


# Agreements (saved wallets) ----------------------------------------------------------------------


def link_wallet(customer, wallet=GOOD_WALLET) -> BkashAgreement:
    agreement, url = bkash_flow.bkash_agreement_start(customer=customer)
    answer = confirm_at_wallet(url, wallet=wallet)
    assert answer.status_code == 303 and "linked=active" in answer.headers["Location"]
    agreement.refresh_from_db()
    return agreement


def test_linking_a_wallet_keeps_only_the_agreement_and_the_masked_number_encrypted(bkash_gateway):
    customer = make_customer()
    agreement = link_wallet(customer)
    assert agreement.status == BkashAgreement.Status.ACTIVE and agreement.is_primary
    assert agreement.wallet_masked == "017•••••575"
    assert agreement.agreement_id.startswith("TokenizedMerchant")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT agreement_id, wallet_masked FROM payments_bkashagreement WHERE id = %s", [agreement.pk])
        stored = cursor.fetchone()
    assert agreement.agreement_id not in stored[0] and "575" not in stored[1]
    assert GOOD_WALLET not in str(stored)


def test_primary_and_remove_revoke_at_bkash_and_keep_the_row(bkash_gateway):
    customer = make_customer()
    first = link_wallet(customer)
    second = link_wallet(customer, wallet="01811111111")
    assert not second.is_primary

    bkash_flow.bkash_agreement_set_primary(customer=customer, agreement=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary

    bkash_flow.bkash_agreement_remove(customer=customer, agreement=second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == BkashAgreement.Status.REMOVED and second.removed_at and not second.is_primary
    assert first.is_primary  # the remaining wallet becomes primary
    assert emulator_get("agreement", second.agreement_id)["status"] == "Cancelled"


def test_paying_with_a_saved_agreement_credits_once(bkash_gateway):
    customer = make_customer()
    agreement = link_wallet(customer)
    invoice = charge(customer, "900.00")

    outcome = bkash_flow.bkash_agreement_pay(customer=customer, agreement=agreement, owed=invoice.amount_due, invoices=[invoice])
    online_payment.online_payment_credit(gp=outcome.gateway_payment)

    gp = outcome.gateway_payment
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.agreement == agreement
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.count() == 1


def test_an_agreement_revoked_in_the_bkash_app_fails_the_payment_and_is_marked_revoked(bkash_gateway):
    customer = make_customer()
    agreement = link_wallet(customer)
    revoke_in_app(bkash_gateway.url, wallet=GOOD_WALLET, agreement_id=agreement.agreement_id)
    invoice = charge(customer, "900.00")

    outcome = bkash_flow.bkash_agreement_pay(customer=customer, agreement=agreement, owed=invoice.amount_due, invoices=[invoice])

    assert outcome.gateway_payment.status == GatewayPayment.Status.FAILED
    agreement.refresh_from_db()
    assert agreement.status == BkashAgreement.Status.REVOKED and not agreement.is_primary
    assert money_moved() == (0, 0)


def test_a_cancelled_link_saves_nothing(bkash_gateway):
    customer = make_customer()
    agreement, url = bkash_flow.bkash_agreement_start(customer=customer)
    answer = confirm_at_wallet(url, action="cancel")
    assert "linked=failed" in answer.headers["Location"]
    agreement.refresh_from_db()
    assert agreement.status == BkashAgreement.Status.FAILED and not agreement.agreement_id


# Refunds and fees --------------------------------------------------------------------------------


def test_a_bkash_refund_is_final_at_once_and_enters_the_ledger(bkash_gateway, admin):
    customer = make_customer()
    invoice = charge(customer, "1000.00")
    gp = start(customer)
    confirm_at_wallet(gp.gateway_url)
    gp.refresh_from_db()

    refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("400.00"), reason="Overcharged")

    assert refund.status == GatewayRefund.Status.REFUNDED and refund.refund_ref_id
    assert refund.ledger_entry.amount == D("400.00")
    invoice.refresh_from_db()
    assert invoice.amount_due == D("400.00")
    assert emulator_get("payment", gp.sessionkey)["refunded"] == "400.00"
    ledger_ok()


def test_a_fee_passed_to_the_customer_is_charged_on_top_and_booked_as_a_fee_entry(bkash_gateway):
    """docs/payments.md, "Fees": owed 1,000.00 at 1.85 % passed → the wallet pays 1,018.50; the ledger
    has a fee entry of +18.50 and a payment of −1,018.50; the invoice is paid and the balance is 0."""
    BkashSettings.objects.create(pk=1, enabled=True, fee_percent=D("1.85"), fee_passed=True)
    customer = make_customer()
    invoice = charge(customer, "1000.00")
    owed = D("1000.00")
    fee = (owed * D("1.85") / 100).quantize(D("0.01"))
    gp = start(customer)
    assert (gp.amount, gp.fee) == (owed + fee, fee) == (D("1018.50"), D("18.50"))

    confirm_at_wallet(gp.gateway_url)

    gp.refresh_from_db()
    assert gp.fee_entry.kind == LedgerEntry.Kind.FEE and gp.fee_entry.amount == D("18.50")
    assert gp.payment.amount == D("1018.50")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert account_balance(customer_id=customer.pk) == D("0.00")
    ledger_ok()


def test_a_fee_absorbed_by_the_isp_is_not_charged_to_the_customer(bkash_gateway):
    BkashSettings.objects.create(pk=1, enabled=True, fee_percent=D("1.85"), fee_passed=False)
    customer = make_customer()
    charge(customer, "1000.00")
    gp = start(customer)
    assert (gp.amount, gp.fee, gp.fee_passed) == (D("1000.00"), D("18.50"), False)
    confirm_at_wallet(gp.gateway_url)
    gp.refresh_from_db()
    assert gp.fee_entry is None and gp.payment.amount == D("1000.00")
    assert account_balance(customer_id=customer.pk) == D("0.00")


# The emulator's own endpoints refuse what bKash would refuse ----------------------------------------


@pytest.mark.parametrize("path, body", [
    ("create", b"not json"), ("create", b"[1, 2]"), ("execute", b"{"), ("token/grant", b"\xff\xfe"),
])
def test_the_emulator_answers_malformed_bodies_400(bkash_gateway, path, body):
    answer = requests.post(f"{bkash_gateway.url}/sandbox/bkash/v1.2.0-beta/tokenized/checkout/{path}", data=body,
                           headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 400


@pytest.mark.parametrize("amount", ["NaN", "-5", "1e9", "12.345", 100, ""])
def test_the_emulator_refuses_malformed_amounts_and_opens_nothing(bkash_gateway, amount):
    client = bkash_flow.bkash_client()
    token = client._token()
    answer = requests.post(f"{bkash_gateway.url}/sandbox/bkash/v1.2.0-beta/tokenized/checkout/create", timeout=10,
                           headers={"Authorization": token, "X-APP-Key": client.app_key},
                           json={"mode": "0011", "amount": amount, "currency": "BDT", "intent": "sale",
                                 "callbackURL": "http://127.0.0.1/cb", "payerReference": "x", "merchantInvoiceNumber": "x"})
    assert answer.status_code == 200 and answer.json()["statusCode"] != "0000" and "paymentID" not in answer.json()


def test_a_wrong_pin_on_the_wallet_page_is_refused_and_nothing_is_paid(bkash_gateway):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    answer = confirm_at_wallet(gp.gateway_url, pin="00000")
    assert answer.status_code == 400 and "Wrong verification code or PIN" in answer.text
    assert emulator_get("payment", gp.sessionkey)["status"] == "Initiated"
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING and money_moved() == (0, 0)


def test_a_token_bkash_no_longer_accepts_is_granted_afresh_once(bkash_gateway):
    client = bkash_flow.bkash_client()
    client._token()
    key = (client.base_url, client.app_key, client.username)
    bkash._tokens[key].id_token = "revoked-at-bkash"
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)  # the create is refused 401, a new token is granted, the create is asked again
    assert gp.sessionkey and bkash._tokens[key].id_token != "revoked-at-bkash"


def test_agreement_status_reports_a_wallet_side_revocation(bkash_gateway):
    customer = make_customer()
    agreement = link_wallet(customer)
    client = bkash_flow.bkash_client()
    assert client.agreement_status(agreement.agreement_id)["agreementStatus"] == "Completed"
    revoke_in_app(bkash_gateway.url, wallet=GOOD_WALLET, agreement_id=agreement.agreement_id)
    assert client.agreement_status(agreement.agreement_id)["agreementStatus"] == "Cancelled"
    with pytest.raises(bkash.GatewayRefused):
        client.agreement_cancel(agreement.agreement_id)  # already cancelled at bKash
    # Removing it in the portal still works: it is marked removed, nothing else happens.
    bkash_flow.bkash_agreement_remove(customer=customer, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == BkashAgreement.Status.REMOVED
