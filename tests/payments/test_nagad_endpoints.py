"""Malformed input on every endpoint the Nagad work added — our callback, and the emulator's API, checkout
page and daily report — answers 4xx and changes nothing."""

import json
import secrets

import pytest
import requests
from django.urls import reverse

from billing.models import LedgerEntry
from demo.nagad.views import _get as emulator_get
from payments import nagad, nagad_flow
from payments.models import GatewayPayment, Payment
from tests.factories import make_customer
from tests.payments.conftest import charge
from tests.payments.nagad_helpers import CSRF, nagad_gateway, pay_at_nagad  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)
HEADERS = {"X-KM-Api-Version": "v-0.2.0", "X-KM-Client-Type": "PC_WEB", "X-KM-IP-V4": "127.0.0.1"}


def state() -> tuple:
    return (Payment.objects.count(), LedgerEntry.objects.count(),
            sorted(GatewayPayment.objects.values_list("pk", "status", "val_id")))


@pytest.fixture
def two_payments(nagad_gateway):
    """Two customers' open Nagad payments; the first one paid at Nagad but its callback not yet received."""
    first, second = make_customer(), make_customer()
    charge(first, "500.00")
    charge(second, "300.00")
    paid = nagad_flow.nagad_payment_start(customer=first, purpose="due")
    pay_at_nagad(paid.gateway_url, follow=False)
    other = nagad_flow.nagad_payment_start(customer=second, purpose="due")
    return paid, other


def test_malformed_callbacks_are_refused_and_change_nothing(nagad_gateway, two_payments):
    paid, other = two_payments
    url = nagad_gateway.url + reverse("nagad-callback")
    merchant = nagad_flow.nagad_config().merchant_id
    good = {"merchant": merchant, "order_id": paid.tran_id, "payment_ref_id": paid.sessionkey, "status": "Success"}
    before = state()
    cases = [
        ({}, 400),
        ({"order_id": paid.tran_id}, 400),                                       # no payment_ref_id
        ({"payment_ref_id": paid.sessionkey}, 400),                              # no order_id
        ({**good, "order_id": "../../etc"}, 400),                                # not letters and digits
        ({**good, "order_id": "A" * 5000}, 400),                                 # huge
        ({**good, "payment_ref_id": "R" * 101}, 400),
        ({**good, "status": "S" * 500}, 400),
        ({**good, "order_id": "NaN"}, 404),                                      # well-formed, unknown
        ({**good, "order_id": "NG000000000000000001"}, 404),
        ({**good, "order_id": other.tran_id}, 400),                              # someone else's order with this reference
        ({**good, "payment_ref_id": other.sessionkey}, 400),                     # this order with someone else's reference
        ({**good, "merchant": "999999999999999"}, 400),                          # another merchant's callback
    ]
    for params, status in cases:
        answer = requests.get(url, params=params, allow_redirects=False, timeout=30)
        assert answer.status_code == status, (params, answer.status_code)
    repeated = requests.get(f"{url}?order_id={paid.tran_id}&order_id={other.tran_id}&payment_ref_id={paid.sessionkey}",
                            allow_redirects=False, timeout=30)
    assert repeated.status_code == 400
    assert requests.post(url, data=good, allow_redirects=False, timeout=30).status_code in (403, 405)  # GET only
    assert state() == before
    # The genuine callback still works afterwards.
    assert requests.get(url, params=good, allow_redirects=False, timeout=30).status_code == 303
    assert Payment.objects.count() == 1


def _sealed(client, data: dict) -> dict:
    sensitive, signature = nagad.sealed(data=data, nagad_public_key=client.nagad_public_key, private_key=client.private_key)
    return {"sensitiveData": sensitive, "signature": signature}


def test_the_emulators_initialize_refuses_malformed_requests(nagad_gateway):
    client = nagad_flow.nagad_client()
    base, mid = client.base_url, client.merchant_id
    order = "ORDERX" + secrets.token_hex(4).upper()  # the emulator's state outlives the test database
    ok = {"merchantId": mid, "datetime": "20261125120000", "orderId": order, "challenge": "c" * 40}
    body = {"accountNumber": client.merchant_number, "dateTime": "20261125120000", **_sealed(client, ok)}
    url = f"{base}/check-out/initialize/{mid}/{order}"

    def post(target=url, payload=body, headers=HEADERS, raw=None):
        return requests.post(target, data=raw if raw is not None else json.dumps(payload), headers=headers, timeout=30)

    assert requests.get(url, timeout=30).status_code == 405
    for answer, reason in [
        (post(headers={}), "K0001"),
        (post(raw="not json"), "K0002"),
        (post(raw="[1, 2]"), "K0002"),
        (post(raw="x" * 20000), "K0002"),
        (post(target=f"{base}/check-out/initialize/111111111111111/{order}"), "K0010"),
        (post(payload={**body, "accountNumber": 1711428036}), "K0010"),
        (post(target=f"{base}/check-out/initialize/{mid}/ORDER-X"), "K0011"),
        (post(payload={**body, "sensitiveData": "NaN"}), "K0003"),
        (post(payload={**body, "signature": body["signature"][::-1]}), "K0003"),
        (post(payload={**body, "signature": None}), "K0003"),
        (post(payload={**body, **_sealed(client, {**ok, "orderId": order + "2"})}), "K0004"),
        (post(payload={**body, **_sealed(client, {**ok, "datetime": "yesterday"})}), "K0005"),
        (post(payload={**body, **_sealed(client, {**ok, "challenge": ""})}), "K0006"),
    ]:
        assert answer.status_code == 400 and answer.json()["reason"] == reason, (reason, answer.text)
    assert emulator_get("order", order) is None  # nothing was opened
    assert post().status_code == 200
    assert post().json()["reason"] == "K0012"  # the same order twice


def test_the_emulators_complete_and_verify_refuse_malformed_requests(nagad_gateway):
    client = nagad_flow.nagad_client()
    order = "ORDERC" + secrets.token_hex(4).upper()
    opened = client.initialize(order_id=order, client_ip="", now_text="20261125120000")
    ref, challenge = opened["paymentReferenceId"], opened["challenge"]
    ok = {"merchantId": client.merchant_id, "orderId": order, "currencyCode": "050", "amount": "100.00", "challenge": challenge}
    url = f"{client.base_url}/check-out/complete/{ref}"
    body = {**_sealed(client, ok), "merchantCallbackURL": "http://127.0.0.1/cb"}

    def post(payload, target=url):
        return requests.post(target, json=payload, headers=HEADERS, timeout=30)

    for payload, reason in [
        ({**body, "merchantCallbackURL": "javascript:alert(1)"}, "K0007"),
        ({**body, "merchantCallbackURL": None}, "K0007"),
        ({**body, **_sealed(client, {**ok, "amount": "NaN"})}, "K0008"),
        ({**body, **_sealed(client, {**ok, "amount": "-5.00"})}, "K0008"),
        ({**body, **_sealed(client, {**ok, "amount": "1e9"})}, "K0008"),
        ({**body, **_sealed(client, {**ok, "amount": 100})}, "K0008"),
        ({**body, **_sealed(client, {**ok, "currencyCode": "840"})}, "K0008"),
        ({**body, **_sealed(client, {**ok, "orderId": order + "2"})}, "K0004"),
        ({**body, "sensitiveData": "AAAA"}, "K0003"),
    ]:
        answer = post(payload)
        assert answer.status_code == 400 and answer.json()["reason"] == reason, (reason, answer.text)
    assert post(body, target=f"{client.base_url}/check-out/complete/UNKNOWNREF").json()["reason"] == "K0020"
    assert emulator_get("payment", ref)["status"] == "OrderInitiated"
    assert post(body).json()["status"] == "Success"

    assert requests.get(f"{client.base_url}/verify/payment/UNKNOWNREF", timeout=30).json()["reason"] == "K0020"
    assert requests.get(f"{client.base_url}/verify/payment/{'R' * 5000}", timeout=30).status_code in (400, 404, 414)
    assert requests.post(f"{client.base_url}/verify/payment/{ref}", timeout=30).status_code == 405


def test_the_emulators_checkout_page_and_report_refuse_malformed_input(nagad_gateway, settings):
    customer = make_customer()
    charge(customer, "200.00")
    gp = nagad_flow.nagad_payment_start(customer=customer, purpose="due")
    browser = requests.Session()
    page = browser.get(gp.gateway_url, timeout=30)
    token = CSRF.search(page.text).group(1)
    form = {"csrfmiddlewaretoken": token, "wallet": "01712345678", "otp": "123456", "pin": "1234", "action": "pay"}
    for change in ({"wallet": "12345"}, {"wallet": "0171234567x"}, {"wallet": ""}, {"pin": "0000"}, {"otp": "NaN"},
                   {"pin": "1" * 5000}):
        assert browser.post(gp.gateway_url, data={**form, **change}, allow_redirects=False, timeout=30).status_code == 400
    assert emulator_get("payment", gp.sessionkey)["status"] == "Ready"
    assert requests.get(nagad_gateway.url + reverse("nagad-sandbox:checkout", args=["UNKNOWN"]), timeout=30).status_code == 404

    report = nagad_gateway.url + reverse("nagad-sandbox:report")
    mid = settings.NAGAD_SANDBOX_MERCHANT_ID
    assert requests.get(report, params={"merchant_id": "1", "date": "2026-11-25"}, timeout=30).status_code == 403
    for day in ("", "2026-13-45", "NaN", "9" * 500):
        assert requests.get(report, params={"merchant_id": mid, "date": day}, timeout=30).status_code == 400
    assert requests.post(report, timeout=30).status_code in (403, 405)  # CSRF refuses it first
    assert GatewayPayment.objects.get().status == GatewayPayment.Status.PENDING


def test_the_emulator_is_gone_when_its_switch_is_off(nagad_gateway, settings):
    settings.NAGAD_SANDBOX = False
    assert requests.get(nagad_gateway.url + "/sandbox/nagad/api/dfs/verify/payment/X", timeout=30).status_code == 404
