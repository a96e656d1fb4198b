"""Nagad online checkout, against the Nagad emulator on loopback: payments, every failure the emulator
can play, and the refusals (forged, replayed, altered, unknown) that must move no money."""

import base64
import csv
import io
import secrets
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from demo.nagad.views import _get as emulator_get
from demo.nagad.views import _put as emulator_put
from payments import nagad, nagad_flow
from payments.models import GatewayPayment, GatewayRefund
from tests.factories import make_customer
from tests.payments.conftest import charge, ledger_ok, money_moved
from tests.payments.nagad_helpers import (  # noqa: F401 - fixture
    GOOD_WALLET,
    POOR_WALLET,
    callback_params,
    nagad_gateway,
    pay_at_nagad,
)
from usecases import online_payment

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def start(customer, purpose="due", **kwargs) -> GatewayPayment:
    return nagad_flow.nagad_payment_start(customer=customer, purpose=purpose, **kwargs)


def test_the_checkout_answers_are_verified_not_trusted_and_the_request_is_sealed(nagad_gateway, settings):
    """What travels is encrypted for Nagad and signed by us: the emulator refuses a request signed
    with another key, and we refuse an answer that Nagad's key did not sign."""
    client = nagad_flow.nagad_client()
    opened = client.initialize(order_id="PROTO" + secrets.token_hex(4).upper(), client_ip="203.0.113.9", now_text="20261125120000")
    assert opened["paymentReferenceId"] and len(opened["challenge"]) == 40

    settings.NAGAD_MERCHANT_PRIVATE_KEY = _other_key()[0]
    with pytest.raises(nagad.GatewayRefused, match="K0003"):
        nagad_flow.nagad_client().initialize(order_id="PROTO" + secrets.token_hex(4).upper(), client_ip="", now_text="20261125120000")


def _other_key() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(private).decode(), base64.b64encode(public).decode()


def test_an_answer_not_signed_by_nagad_opens_no_payment_and_moves_no_money(nagad_gateway, settings):
    customer = make_customer()
    charge(customer, "500.00")
    settings.NAGAD_SANDBOX_FORGE_SIGNATURES = True  # an impostor answers in Nagad's place

    with pytest.raises(ValidationError):
        start(customer)

    gp = GatewayPayment.objects.get(customer=customer)
    assert gp.status == GatewayPayment.Status.FAILED and "signature" in gp.status_reason
    assert not gp.gateway_url and not gp.sessionkey
    assert money_moved() == (0, 0)


class _Replayer(BaseHTTPRequestHandler):
    """An attacker between us and Nagad, answering every request with a recorded genuine answer."""

    recorded = b""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.recorded)))
        self.end_headers()
        self.wfile.write(self.recorded)

    def log_message(self, *args):
        pass


def test_a_replayed_initialize_answer_is_refused_for_its_challenge(nagad_gateway, settings):
    """A genuine, correctly signed answer to an earlier request answers another challenge."""
    client = nagad_flow.nagad_client()
    order = "REPLAY" + secrets.token_hex(4).upper()
    data = {"merchantId": client.merchant_id, "datetime": "20261125120000", "orderId": order, "challenge": "a" * 40}
    sensitive, signature = nagad.sealed(data=data, nagad_public_key=client.nagad_public_key, private_key=client.private_key)
    genuine = requests.post(f"{client.base_url}/check-out/initialize/{client.merchant_id}/{order}", timeout=30,
                            headers={"X-KM-Api-Version": "v-0.2.0", "X-KM-Client-Type": "PC_WEB"},
                            json={"accountNumber": client.merchant_number, "dateTime": "20261125120000",
                                  "sensitiveData": sensitive, "signature": signature})
    assert genuine.status_code == 200
    _Replayer.recorded = genuine.content
    server = HTTPServer(("127.0.0.1", 0), _Replayer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.NAGAD_BASE_URL = f"http://127.0.0.1:{server.server_port}/api/dfs"
        customer = make_customer()
        charge(customer, "500.00")
        with pytest.raises(ValidationError):
            start(customer)
    finally:
        server.shutdown()
    gp = GatewayPayment.objects.get(customer=customer)
    assert gp.status == GatewayPayment.Status.FAILED and "challenge" in gp.status_reason
    assert money_moved() == (0, 0)


def test_a_forged_success_callback_for_an_unpaid_payment_moves_no_money(nagad_gateway):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)  # the customer never pays
    forged = {"merchant": nagad_flow.nagad_config().merchant_id, "order_id": gp.tran_id,
              "payment_ref_id": gp.sessionkey, "status": "Success", "status_code": "00_0000_000",
              "message": "Successful Transaction", "issuer_payment_ref": "FAKE123456"}

    answer = requests.get(nagad_gateway.url + reverse("nagad-callback"), params=forged, allow_redirects=False, timeout=30)

    assert answer.status_code == 303 and "returned=pending" in answer.headers["Location"]
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING and gp.val_id is None
    assert money_moved() == (0, 0)


def test_another_orders_payment_reference_is_refused(nagad_gateway):
    """Payment A was paid; its callback replayed with B's order id must not pay B."""
    customer = make_customer()
    charge(customer, "500.00")
    paid = start(customer)
    params = callback_params(pay_at_nagad(paid.gateway_url, follow=False).headers["Location"])
    other = start(make_customer_with_due("300.00"))

    answer = requests.get(nagad_gateway.url + reverse("nagad-callback"), params={**params, "order_id": other.tran_id},
                          allow_redirects=False, timeout=30)

    assert answer.status_code == 400
    other.refresh_from_db()
    assert other.status == GatewayPayment.Status.PENDING
    assert money_moved() == (0, 0)


def make_customer_with_due(amount: str):
    customer = make_customer()
    charge(customer, amount)
    return customer


@pytest.mark.parametrize("field, value, problem", [
    ("amount", "5.00", "amount"),           # Nagad took less than we asked
    ("currencyCode", "840", "currency"),   # not Taka
    ("orderId", "NGOTHERORDER1", "another order"),
])
def test_a_verify_answer_that_differs_from_what_we_recorded_moves_no_money(nagad_gateway, field, value, problem):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    callback = pay_at_nagad(gp.gateway_url, follow=False).headers["Location"]
    stored = emulator_get("payment", gp.sessionkey)
    emulator_put("payment", gp.sessionkey, {**stored, field: value})

    answer = requests.get(callback, allow_redirects=False, timeout=30)

    assert answer.status_code == 303
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING and gp.val_id is None
    assert gp.events.filter(outcome__startswith="rejected", outcome__contains=problem).exists()
    assert money_moved() == (0, 0)


def test_a_callback_for_an_unknown_transaction_is_refused(nagad_gateway):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    answer = requests.get(nagad_gateway.url + reverse("nagad-callback"), allow_redirects=False, timeout=30,
                          params={"order_id": "NG000000UNKNOWN1", "payment_ref_id": gp.sessionkey, "status": "Success"})
    assert answer.status_code == 404
    assert money_moved() == (0, 0)
    assert GatewayPayment.objects.get().status == GatewayPayment.Status.PENDING


def test_a_callback_that_never_comes_is_settled_by_reconciliation(nagad_gateway):
    customer = make_customer()
    invoice = charge(customer, "700.00")
    gp = start(customer)

    answer = pay_at_nagad(gp.gateway_url, callback="none")

    assert answer.status_code == 200 and "Payment successful" in answer.text
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING
    # Not yet due for reconciliation: left alone.
    assert online_payment.online_payments_reconcile()["queried"] == 0
    counts = online_payment.online_payments_reconcile(now=timezone.now() + timedelta(minutes=11))
    assert counts["queried"] == 1 and counts["settled"] == 1 and counts["credited"] == 1
    gp.refresh_from_db()
    invoice.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and invoice.status == Invoice.Status.PAID
    assert money_moved() == (1, 1)
    ledger_ok()


def test_a_verify_that_times_out_is_asked_again_before_any_new_attempt(nagad_gateway, settings):
    customer = make_customer()
    charge(customer, "800.00")
    gp = start(customer)
    settings.NAGAD_READ_TIMEOUT = 2.0
    settings.NAGAD_SANDBOX_VERIFY_DELAY = 5.0

    answer = pay_at_nagad(gp.gateway_url, timeout=True)  # paid at Nagad; our first verify gets no answer

    assert answer.status_code == 303 and "returned=pending" in answer.headers["Location"]
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING
    assert gp.events.filter(outcome__contains="left pending").exists()
    assert money_moved() == (0, 0)

    # The customer presses Pay now again: the open attempt is verified first, and no second one is opened.
    settings.NAGAD_READ_TIMEOUT = 15.0
    with pytest.raises(ValidationError, match="gone through"):
        start(customer)
    assert GatewayPayment.objects.filter(customer=customer).count() == 1
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID
    online_payment.online_payments_credit_owed()
    assert money_moved() == (1, 1)
    assert emulator_get("payment", gp.sessionkey)["verified"] == 2
    ledger_ok()


def test_a_fee_passed_to_the_customer_is_charged_on_top(nagad_gateway, settings):
    """Worked example of docs/payments.md with Nagad's fee: owed 1,000.00, 1.50 % passed on →
    Nagad charges 1,015.00; the ledger gets a 15.00 fee entry and a 1,015.00 payment; balance 0."""
    settings.NAGAD_FEE_PERCENT, settings.NAGAD_FEE_PASSED = D("1.50"), True
    customer = make_customer()
    charge(customer, "1000.00")
    gp = start(customer)
    assert (gp.amount, gp.fee, gp.fee_passed) == (D("1015.00"), D("15.00"), True)
    assert emulator_get("payment", gp.sessionkey)["amount"] == "1015.00"

    pay_at_nagad(gp.gateway_url)

    gp.refresh_from_db()
    assert gp.payment.amount == D("1015.00") and gp.fee_entry.amount == D("15.00")
    assert account_balance(customer_id=customer.pk) == D("0.00")
    ledger_ok()


def test_the_daily_report_lists_the_days_successful_transactions(nagad_gateway, settings):
    customer = make_customer()
    charge(customer, "450.00")
    gp = start(customer)
    pay_at_nagad(gp.gateway_url)
    failed = start(make_customer_with_due("90.00"))
    pay_at_nagad(failed.gateway_url, wallet=POOR_WALLET)
    gp.refresh_from_db()

    answer = requests.get(nagad_gateway.url + reverse("nagad-sandbox:report"), timeout=30,
                          params={"merchant_id": settings.NAGAD_SANDBOX_MERCHANT_ID, "date": timezone.localdate().isoformat()})

    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    mine = [row for row in rows if row["order_id"] in (gp.tran_id, failed.tran_id)]
    assert mine == [{**mine[0], "order_id": gp.tran_id, "payment_ref_id": gp.sessionkey, "issuer_payment_ref": gp.bank_tran_id,
                     "amount": "450.00", "currency": "BDT", "status": "Success"}]
    assert mine[0]["customer_wallet"] == "017****5678"


# Refunds: Nagad publishes no refund API ----------------------------------------------------------


def test_refunding_a_nagad_payment_is_refused_with_the_reason_and_changes_nothing(nagad_gateway, admin_client):
    customer = make_customer()
    charge(customer, "500.00")
    gp = start(customer)
    pay_at_nagad(gp.gateway_url)
    before = (money_moved(), LedgerEntry.objects.count())

    page = admin_client.get(reverse("staff:onlinepayment-detail", args=[gp.pk])).content.decode()
    assert 'id="refund-unsupported"' in page and "merchant portal" in page
    assert reverse("staff:onlinepayment-refund", args=[gp.pk]) not in page

    answer = admin_client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), {"amount": "100.00", "reason": "asked"})

    assert answer.status_code == 400 and "merchant portal" in answer.content.decode()
    assert not GatewayRefund.objects.exists()
    assert (money_moved(), LedgerEntry.objects.count()) == before


def test_a_merchant_key_is_read_once_and_a_bad_one_is_refused_every_time(settings):
    """Each client built from the settings' text reads the same key object: an RSA private key's check costs
    15-46 ms of CPU a load, once for every checkout and callback before. A key that cannot be read is not
    kept: it is refused again, and a corrected one is read afresh."""
    text = settings.NAGAD_SANDBOX_MERCHANT_PRIVATE_KEY
    assert nagad.load_private_key(text) is nagad.load_private_key(text)
    assert nagad.load_public_key(settings.NAGAD_SANDBOX_NAGAD_PUBLIC_KEY) is nagad.load_public_key(settings.NAGAD_SANDBOX_NAGAD_PUBLIC_KEY)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_text = base64.b64encode(other.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption())).decode()
    assert nagad.load_private_key(other_text).private_numbers() == other.private_numbers()
    for _ in range(2):
        with pytest.raises(nagad.GatewayError, match="cannot be read"):
            nagad.load_private_key(base64.b64encode(b"not a key").decode())
