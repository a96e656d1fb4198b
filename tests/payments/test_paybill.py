"""bKash Pay Bill (payments/paybill.py, usecases/paybill.py, web/payments/paybill_views.py): the
look-up, the payment notification and the status query as bKash calls them, and every request we
refuse — with no money moved."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from billing.models import Invoice
from billing.selectors import account_balance
from customers.models import Subscription
from ispbill.notify.events import Event
from ispbill.notify.models import Message
from payments import paybill
from payments.models import Payment
from tests.factories import make_customer, make_subscription
from tests.payments.conftest import D, charge, ledger_ok
from tests.payments.paybill_helpers import money_state, notification, send, signed_headers
from tests.threads import run_in_threads
from usecases.subscription_suspend import subscription_suspend


@pytest.fixture
def paybill_rahim(db):
    customer = make_customer(name="Rahim Uddin", phone="01712345670")
    charge(customer, "700.00", days_ago=20)
    charge(customer, "500.00", days_ago=2)
    return customer


# Look-up ------------------------------------------------------------------------------------------


def test_lookup_by_account_number_answers_masked_name_amount_due_and_oldest_due_date(client, paybill_rahim):
    oldest = Invoice.objects.filter(customer=paybill_rahim).order_by("due_date").first()
    response = send(client, "lookup", {"accountNumber": paybill_rahim.account_number})
    assert response.status_code == 200
    assert response.json() == {
        "code": "0000", "message": "Success", "accountNumber": paybill_rahim.account_number, "customerName": "Ra*** Ud***",
        "amountDue": "1200.00", "currency": "BDT", "dueDate": oldest.due_date.isoformat(), "billReference": oldest.number,
    }


def test_lookup_by_registered_phone_in_any_usual_shape_and_the_credit_is_taken_off(client, paybill_rahim):
    from payments.services import payment_ledger_record
    payment_ledger_record(actor=None, customer=paybill_rahim, amount=D("1500.00"), method="cash")  # 300 credit after both invoices
    charge(paybill_rahim, "1000.00")  # consumes the 300 credit: 700 due
    for phone in ("01712345670", "+8801712345670", "01712-345670"):
        answer = send(client, "lookup", {"accountNumber": phone}).json()
        assert (answer["accountNumber"], answer["amountDue"]) == (paybill_rahim.account_number, "700.00")


def test_lookup_of_a_paid_up_customer_answers_nothing_due(client, db):
    customer = make_customer(name="Karim")
    answer = send(client, "lookup", {"accountNumber": customer.account_number}).json()
    assert (answer["amountDue"], answer["dueDate"], answer["customerName"]) == ("0.00", None, "Ka***")


@pytest.mark.parametrize("account", ["CT-1999-99999", "01799999999", "not a phone", "", "x" * 200])
def test_an_unknown_account_is_not_found_not_an_error(client, paybill_rahim, account):
    response = send(client, "lookup", {"accountNumber": account})
    assert response.status_code == 404
    assert response.json()["code"] == "4004"


def test_a_phone_shared_by_two_customers_is_not_guessed(client, paybill_rahim):
    make_customer(name="Rahima Begum", phone="01712345670")
    assert send(client, "lookup", {"accountNumber": "01712345670"}).json()["code"] == "4004"


def test_mask_name():
    assert paybill.mask_name("Rahim Uddin") == "Ra*** Ud***"
    assert paybill.mask_name("Md. A Karim") == "Md*** A*** Ka***"
    assert paybill.mask_name("  ") == "***"


# Payment ------------------------------------------------------------------------------------------


def test_payment_pays_the_oldest_invoice_first_leaves_credit_and_sends_a_receipt(client, paybill_rahim):
    response = send(client, "payment", notification(paybill_rahim, amount="1500.00"))
    assert response.status_code == 200
    answer = response.json()
    payment = Payment.objects.get(reference="BKP0000001")
    assert answer == {
        "code": "0000", "message": "Success", "trxID": "BKP0000001", "status": "Completed",
        "accountNumber": paybill_rahim.account_number, "amount": "1500.00", "currency": "BDT",
        "receiptNumber": payment.receipt_number, "recordedAt": payment.created_at.isoformat(),
    }
    assert (payment.method, payment.received_by, payment.amount) == (Payment.Method.BKASH_PAYBILL, None, D("1500.00"))
    assert set(Invoice.objects.filter(customer=paybill_rahim).values_list("status", flat=True)) == {Invoice.Status.PAID}
    assert account_balance(customer_id=paybill_rahim.pk) == D("-300.00")  # ৳300 left as credit
    assert Message.objects.filter(event=Event.PAYMENT_RECEIVED, customer=paybill_rahim).exists()
    assert ledger_ok()


def test_the_same_trx_id_twice_answers_the_same_success_and_moves_no_money_twice(client, paybill_rahim):
    first = send(client, "payment", notification(paybill_rahim, amount="700.00"))
    before = money_state()
    second = send(client, "payment", notification(paybill_rahim, amount="700.00"))  # a retry, freshly signed
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert money_state() == before
    assert Payment.objects.filter(reference="BKP0000001").count() == 1


def test_the_same_trx_id_for_another_amount_or_account_is_a_conflict_with_nothing_moved(client, paybill_rahim):
    send(client, "payment", notification(paybill_rahim, amount="700.00"))
    before = money_state()
    other = make_customer(name="Other")
    for data in (notification(paybill_rahim, amount="701.00"), notification(other, amount="700.00")):
        response = send(client, "payment", data)
        assert (response.status_code, response.json()["code"]) == (409, "4090")
    assert money_state() == before


def test_status_query_answers_recorded_and_unknown_transactions(client, paybill_rahim):
    assert send(client, "status", {"trxID": "BKP0000001"}).json()["code"] == "4044"
    recorded = send(client, "payment", notification(paybill_rahim, amount="700.00")).json()
    assert send(client, "status", {"trxID": "BKP0000001"}).json() == recorded


def test_payment_from_pay_bill_reactivates_a_connection_suspended_for_non_payment(client, db):
    subscription = make_subscription(activate=True)
    customer = subscription.customer
    charge(customer, "1000.00", days_ago=30)
    subscription_suspend(actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    assert send(client, "payment", notification(customer, amount="1000.00")).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


# Refused ------------------------------------------------------------------------------------------


def _refused(client, endpoint, data=None, *, expect, **kwargs):
    before = money_state()
    response = send(client, endpoint, data, **kwargs)
    assert response.status_code == expect[0], response.content
    assert response.json()["code"] == expect[1]
    assert money_state() == before
    return response


def test_a_forged_signature_is_refused_with_nothing_moved(client, paybill_rahim):
    _refused(client, "payment", notification(paybill_rahim), secret="not-our-secret", expect=(401, "4010"))
    _refused(client, "lookup", {"accountNumber": paybill_rahim.account_number}, secret="not-our-secret", expect=(401, "4010"))


def test_a_body_changed_after_signing_is_refused(client, paybill_rahim):
    """The amount (or account) changed on the way: the signature no longer matches."""
    from django.urls import reverse
    path = reverse("bkash-paybill-payment")
    signed = json.dumps(notification(paybill_rahim, amount="10.00")).encode()
    tampered = json.dumps(notification(paybill_rahim, amount="1000.00")).encode()
    _refused(client, "payment", raw=tampered, headers=signed_headers(path, signed), expect=(401, "4010"))


def test_a_lookup_signature_cannot_be_replayed_on_the_payment_endpoint(client, paybill_rahim):
    from django.urls import reverse
    body = json.dumps(notification(paybill_rahim)).encode()
    headers = signed_headers(reverse("bkash-paybill-lookup"), body)
    _refused(client, "payment", raw=body, headers=headers, expect=(401, "4010"))


def test_missing_malformed_or_expired_timestamps_are_refused(client, paybill_rahim, monkeypatch):
    from types import SimpleNamespace

    from django.urls import reverse
    # The server's clock stands still, so one second past the window is one second past it however slow
    # the request is (with a moving clock, "now + 301" fell inside the window when the request took > 1 s).
    frozen_now = int(time.time())
    monkeypatch.setattr(paybill, "time", SimpleNamespace(time=lambda: frozen_now))
    path, body = reverse("bkash-paybill-payment"), json.dumps(notification(paybill_rahim)).encode()
    good = signed_headers(path, body)
    _refused(client, "payment", raw=body, headers={"HTTP_X_PAYBILL_SIGNATURE": good["HTTP_X_PAYBILL_SIGNATURE"]}, expect=(401, "4011"))
    _refused(client, "payment", raw=body, headers={**good, "HTTP_X_PAYBILL_TIMESTAMP": "soon"}, expect=(401, "4011"))
    eastern_digits = good["HTTP_X_PAYBILL_TIMESTAMP"].translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    _refused(client, "payment", raw=body, headers={**good, "HTTP_X_PAYBILL_TIMESTAMP": eastern_digits}, expect=(401, "4011"))
    _refused(client, "payment", raw=body, headers={}, expect=(401, "4011"))
    _refused(client, "payment", notification(paybill_rahim), timestamp=frozen_now - 301, expect=(401, "4011"))
    _refused(client, "payment", notification(paybill_rahim), timestamp=frozen_now + 301, expect=(401, "4011"))


def test_a_captured_request_replayed_after_the_window_is_refused(client, paybill_rahim, settings):
    from django.urls import reverse
    path, body = reverse("bkash-paybill-payment"), json.dumps(notification(paybill_rahim, trx_id="BKPREPLAY1")).encode()
    headers = signed_headers(path, body, timestamp=int(time.time()) - settings.BKASH_PAYBILL_MAX_SKEW_SECONDS - 5)
    _refused(client, "payment", raw=body, headers=headers, expect=(401, "4011"))
    assert not Payment.objects.filter(reference="BKPREPLAY1").exists()


def test_a_request_from_an_address_not_allowed_is_refused(client, paybill_rahim, settings):
    settings.BKASH_PAYBILL_ALLOWED_IPS = ["103.26.0.0/16"]
    _refused(client, "payment", notification(paybill_rahim), remote_addr="127.0.0.1", expect=(403, "4030"))
    _refused(client, "lookup", {"accountNumber": paybill_rahim.account_number}, remote_addr="10.1.2.3", expect=(403, "4030"))
    assert send(client, "lookup", {"accountNumber": paybill_rahim.account_number}, remote_addr="103.26.4.5").status_code == 200


def test_without_a_secret_or_allow_list_everything_is_refused(client, paybill_rahim, settings):
    settings.BKASH_PAYBILL_SECRET = ""
    _refused(client, "payment", notification(paybill_rahim), secret="anything", expect=(503, "5030"))
    settings.BKASH_PAYBILL_SECRET, settings.BKASH_PAYBILL_ALLOWED_IPS = "s3cret", []
    _refused(client, "payment", notification(paybill_rahim), expect=(503, "5030"))


@pytest.mark.parametrize("amount", [
    "-100.00", "0", "0.00", "NaN", "Infinity", "1e3", "100.001", "10.5.5", "", " ", "১০০", "100000.01",
    "99999999999999999999", None, True, [], {"v": 1}, 12.5,
])
def test_bad_amounts_are_refused_with_nothing_moved(client, paybill_rahim, amount):
    if isinstance(amount, float):  # a JSON number with a fraction: parsed as Decimal, not float; three decimals refused
        raw = json.dumps(notification(paybill_rahim)).replace('"1000.00"', "12.345").encode()
        _refused(client, "payment", raw=raw, expect=(422, "4022"))
        return
    _refused(client, "payment", notification(paybill_rahim, amount=amount), expect=(422, "4022"))


def test_bare_nan_in_json_is_malformed(client, paybill_rahim):
    raw = json.dumps(notification(paybill_rahim)).replace('"1000.00"', "NaN").encode()
    _refused(client, "payment", raw=raw, expect=(400, "4000"))


def test_json_number_amounts_with_two_decimals_are_accepted(client, paybill_rahim):
    raw = json.dumps(notification(paybill_rahim)).replace('"1000.00"', "700.50").encode()
    assert send(client, "payment", None, raw=raw).json()["amount"] == "700.50"


@pytest.mark.parametrize("currency", ["USD", "bdt", "", None, 50])
def test_a_currency_other_than_bdt_is_refused(client, paybill_rahim, currency):
    _refused(client, "payment", notification(paybill_rahim, currency=currency), expect=(422, "4023"))


def test_payment_for_an_unknown_account_is_refused(client, paybill_rahim):
    data = {**notification(paybill_rahim), "accountNumber": "CT-1999-00001"}
    _refused(client, "payment", data, expect=(404, "4004"))


@pytest.mark.parametrize("raw", [b"{", b"[]", b"null", b"\xff\xfe", b"", b'"text"', b"{}" + b" " * 5000])
def test_malformed_bodies_are_refused(client, paybill_rahim, raw):
    _refused(client, "payment", raw=raw, expect=(400, "4000"))


@pytest.mark.parametrize("change", [
    {"trxID": None}, {"trxID": ""}, {"trxID": "x"}, {"trxID": "A" * 31}, {"trxID": "BKP 001'--"}, {"trxID": 123456789},
    {"accountNumber": None}, {"accountNumber": 42}, {"transactionTime": "yesterday"}, {"transactionTime": "2026-11-25T10:00:00"},
    {"transactionTime": "2026-02-30T10:00:00+06:00"}, {"transactionTime": 1795586102},
])
def test_malformed_fields_are_refused(client, paybill_rahim, change):
    _refused(client, "payment", {**notification(paybill_rahim), **change}, expect=(400, "4000"))


def test_a_transaction_time_ahead_of_our_clock_or_long_past_is_refused(client, paybill_rahim):
    from django.utils import timezone
    ahead = (timezone.now() + timedelta(hours=2)).isoformat()
    _refused(client, "payment", notification(paybill_rahim, transactionTime=ahead), expect=(422, "4220"))
    long_ago = (timezone.now() - timedelta(days=60)).isoformat()
    _refused(client, "payment", notification(paybill_rahim, transactionTime=long_ago), expect=(422, "4220"))


def test_an_account_number_typed_in_lower_case_is_found(client, paybill_rahim):
    answer = send(client, "lookup", {"accountNumber": paybill_rahim.account_number.lower()}).json()
    assert answer["accountNumber"] == paybill_rahim.account_number


def test_get_is_not_allowed(client, paybill_rahim):
    from django.urls import reverse
    assert client.get(reverse("bkash-paybill-lookup")).status_code == 405


# Settlement ---------------------------------------------------------------------------------------


def test_settlement_lists_a_days_pay_bill_payments_with_their_gross(client, paybill_rahim):
    from django.utils import timezone
    today = timezone.localdate()
    yesterday_noon = (timezone.localtime() - timedelta(days=1)).replace(hour=12).isoformat()
    send(client, "payment", notification(paybill_rahim, trx_id="BKPDAY0001", amount="700.00"))
    send(client, "payment", notification(paybill_rahim, trx_id="BKPDAY0002", amount="300.50"))
    send(client, "payment", notification(paybill_rahim, trx_id="BKPDAY0003", amount="99.00", transactionTime=yesterday_noon))
    from payments.services import payment_ledger_record
    payment_ledger_record(actor=None, customer=paybill_rahim, amount=D("5.00"), method="cash")  # not Pay Bill
    day = paybill.paybill_settlement(day=today)
    assert [p.reference for p in day["payments"]] == ["BKPDAY0001", "BKPDAY0002"]
    assert (day["count"], day["gross"]) == (2, D("700.00") + D("300.50"))
    assert paybill.paybill_settlement(day=today - timedelta(days=1))["gross"] == D("99.00")


# Concurrency (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_trx_id_notified_concurrently_records_one_payment():
    customer = make_customer(name="Rahim Uddin")
    charge(customer, "1000.00")
    threads_n = 6
    barrier = threading.Barrier(threads_n, timeout=120)

    def run():
        barrier.wait()
        response = send(Client(), "payment", notification(customer, trx_id="BKPRACE001", amount="700.00"))
        return response.status_code, response.json()

    answers, errors = run_in_threads(run, threads_n)
    assert errors == []
    assert len(answers) == threads_n
    assert {status for status, _ in answers} == {200}
    assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1  # the same success for all
    assert Payment.objects.filter(reference="BKPRACE001").count() == 1
    assert account_balance(customer_id=customer.pk) == D("300.00")
    assert ledger_ok()


# Staff ----------------------------------------------------------------------------------------------


def test_staff_see_pay_bill_payments_by_method_with_bkash_trx_id_and_cannot_record_one_by_hand(client, paybill_rahim, admin):
    from django.urls import reverse
    from django.utils import timezone

    from payments.services import payment_ledger_record
    send(client, "payment", notification(paybill_rahim, trx_id="BKPSTAFF01", amount="700.00"))
    cash = payment_ledger_record(actor=admin, customer=paybill_rahim, amount=D("5.00"), method="cash")
    client.force_login(admin)
    page = client.get(reverse("staff:payment-list"), {"method": "bkash_paybill"}).content.decode()
    assert "BKPSTAFF01" in page and "bKash Pay Bill" in page and cash.receipt_number not in page
    detail = client.get(reverse("staff:payment-detail", args=[Payment.objects.get(reference="BKPSTAFF01").pk])).content.decode()
    assert "BKPSTAFF01" in detail

    before = money_state()
    form = client.get(reverse("staff:payment-create", args=[paybill_rahim.pk])).content.decode()
    assert 'value="bkash_paybill"' not in form
    client.post(reverse("staff:payment-create", args=[paybill_rahim.pk]), {
        "amount": "10.00", "method": "bkash_paybill", "reference": "FAKE000001",
        "received_on": timezone.localdate().isoformat(), "note": "", "idempotency_key": "k-1",
    })
    assert money_state() == before


def test_after_staff_reverse_a_pay_bill_payment_a_retry_of_its_trx_id_records_nothing_and_says_reversed(client, paybill_rahim, admin):
    from payments.services import payment_ledger_reverse
    send(client, "payment", notification(paybill_rahim, trx_id="BKPREV0001", amount="700.00"))
    payment_ledger_reverse(actor=admin, payment=Payment.objects.get(reference="BKPREV0001"), reason="paid twice, refunded by bKash")
    before = money_state()
    again = send(client, "payment", notification(paybill_rahim, trx_id="BKPREV0001", amount="700.00"))
    assert (again.status_code, again.json()["status"]) == (200, "Reversed")
    assert send(client, "status", {"trxID": "BKPREV0001"}).json()["status"] == "Reversed"
    assert money_state() == before
    assert ledger_ok()


def test_a_lookup_costs_a_few_queries_whatever_the_number_of_invoices(client, paybill_rahim):
    """The bench's p95 ≤ 50 ms rests on this: a look-up reads through indexes, a fixed number of times."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        send(client, "lookup", {"accountNumber": paybill_rahim.account_number})
    for _ in range(10):
        charge(paybill_rahim, "100.00")
    with CaptureQueriesContext(connection) as many:
        send(client, "lookup", {"accountNumber": "01712345670"})  # by phone: one query more at most
    assert len(many) <= len(few) + 1 <= 8, [q["sql"] for q in many.captured_queries]
