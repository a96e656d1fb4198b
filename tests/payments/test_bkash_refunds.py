"""bKash refunds (Tokenized payment/refund) through the gateway interface, with the protections the
SSLCommerz refunds have and the ones a lost answer needs: a double click is one refund, two staff at
once cannot refund more than was paid, a refusal moves nothing, and an answer that never came is
asked about (bKash's refund status), never sent again."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from demo.bkash.views import _get as emulator_get
from demo.bkash.views import _put as emulator_put
from demo.bkash.views import refund_timeout_next
from payments import bkash, bkash_flow, online_refunds
from payments.models import GatewayPayment, GatewayRefund
from tests.factories import make_customer
from tests.payments.bkash_helpers import bkash_gateway, confirm_at_wallet  # noqa: F401 - fixture
from tests.payments.conftest import charge, ledger_ok
from usecases import online_payment

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def paid(amount="1000.00") -> GatewayPayment:
    customer = make_customer()
    charge(customer, amount)
    gp = bkash_flow.bkash_payment_start(customer=customer, purpose="due")
    confirm_at_wallet(gp.gateway_url)
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID
    return gp


def refunds_at_bkash(gp) -> list:
    return emulator_get("payment", gp.sessionkey).get("refunds", [])


def refund_entries() -> int:
    return LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count()


def test_the_same_refund_form_submitted_twice_is_one_refund(bkash_gateway, admin):
    gp = paid()
    first = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("300.00"), reason="Twice", request_key="k-1")
    second = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("300.00"), reason="Twice", request_key="k-1")
    assert first.pk == second.pk and GatewayRefund.objects.count() == 1
    assert len(refunds_at_bkash(gp)) == 1 and refund_entries() == 1
    assert ledger_ok()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("same_form", [True, False])
def test_two_refunds_at_once_never_give_back_more_than_was_paid(bkash_gateway, admin, same_form):
    gp = paid("800.00")
    barrier, outcomes = threading.Barrier(2, timeout=120), []

    def refund(n):
        try:
            barrier.wait()
            key = "same" if same_form else f"form-{n}"
            refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("800.00"), reason="Race", request_key=key)
            outcomes.append(refund.pk)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=refund, args=(n,)) for n in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert GatewayRefund.objects.exclude(status=GatewayRefund.Status.FAILED).count() == 1
    assert len(refunds_at_bkash(gp)) == 1 and refund_entries() == 1
    assert (len(set(outcomes)) == 1) if same_form else ("refused" in outcomes)
    assert ledger_ok()


def test_more_than_is_left_is_refused_by_us_before_bkash_is_asked(bkash_gateway, admin):
    gp = paid("500.00")
    online_payment.online_refund_start(actor=admin, gp=gp, amount=D("400.00"), reason="Part")
    for amount in (D("100.01"), D("0"), D("-5"), "NaN", "1e309", "abc"):
        with pytest.raises(ValidationError):
            online_payment.online_refund_start(actor=admin, gp=gp, amount=amount, reason="Too much")
    assert GatewayRefund.objects.count() == 1 and len(refunds_at_bkash(gp)) == 1 and refund_entries() == 1


def test_a_refund_bkash_refuses_is_failed_and_moves_nothing(bkash_gateway, admin):
    gp = paid("500.00")
    GatewayPayment.objects.filter(pk=gp.pk).update(bank_tran_id="NOTTHETRX")  # bKash answers 2056
    gp.refresh_from_db()
    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=gp, amount=D("100.00"), reason="Refused")
    refund = GatewayRefund.objects.get()
    assert refund.status == GatewayRefund.Status.FAILED and refund_entries() == 0
    assert online_refunds.refundable(gp) == D("500.00")


def test_bkash_unreachable_fails_the_refund_and_moves_nothing(bkash_gateway, admin, settings):
    gp = paid("500.00")
    settings.BKASH_BASE_URL = "http://127.0.0.1:9/v1.2.0-beta/tokenized/checkout"
    bkash.tokens_forget()
    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=gp, amount=D("100.00"), reason="Down")
    assert GatewayRefund.objects.get().status == GatewayRefund.Status.FAILED and refund_entries() == 0


def test_a_refund_whose_answer_was_lost_is_asked_about_and_accepted_once_never_sent_again(bkash_gateway, admin):
    gp = paid("1000.00")
    refund_timeout_next()  # bKash refunds, but answers after our client has given up

    refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("250.00"), reason="Timeout")

    assert refund.status == GatewayRefund.Status.PROCESSING and not refund.refund_ref_id and refund_entries() == 0
    assert len(refunds_at_bkash(gp)) == 1
    # Held meanwhile: no second refund of the whole amount.
    assert online_refunds.refundable(GatewayPayment.objects.get(pk=gp.pk)) == D("750.00")
    with pytest.raises(ValidationError):
        online_payment.online_refund_start(actor=admin, gp=gp, amount=D("1000.00"), reason="Again")

    counts = online_payment.online_payments_reconcile()

    refund.refresh_from_db()
    assert counts["refunds_recovered"] == 1
    assert refund.status == GatewayRefund.Status.REFUNDED and refund.refund_ref_id == refunds_at_bkash(gp)[0]["refundTrxID"]
    assert refund.ledger_entry.amount == D("250.00") and refund_entries() == 1
    assert online_payment.online_payments_reconcile()["refunds_recovered"] == 0
    assert len(refunds_at_bkash(gp)) == 1 and refund_entries() == 1
    assert ledger_ok()


def test_a_lost_refund_bkash_never_made_is_closed_after_a_while_and_the_amount_freed(bkash_gateway, admin):
    gp = paid("600.00")
    refund_timeout_next()
    refund = online_payment.online_refund_start(actor=admin, gp=gp, amount=D("600.00"), reason="Timeout")
    # As if bKash had rolled it back: it has no refund for the payment.
    at_bkash = emulator_get("payment", gp.sessionkey)
    emulator_put("payment", gp.sessionkey, {**at_bkash, "refunds": [], "refunded": "0.00"})

    online_payment.online_payments_reconcile()
    refund.refresh_from_db()
    assert refund.status == GatewayRefund.Status.PROCESSING  # too soon to say

    online_payment.online_payments_reconcile(now=timezone.now() + timedelta(minutes=11))
    refund.refresh_from_db()
    assert refund.status == GatewayRefund.Status.FAILED and refund_entries() == 0
    assert online_refunds.refundable(GatewayPayment.objects.get(pk=gp.pk)) == D("600.00")


def test_staff_refund_a_bkash_payment_from_its_page_with_a_fresh_key_each_time(bkash_gateway, admin, client):
    gp = paid("700.00")
    client.force_login(admin)
    form = client.get(reverse("staff:onlinepayment-refund", args=[gp.pk])).content.decode()
    assert 'name="request_key"' in form
    key = form.split('name="request_key" value="', 1)[1].split('"', 1)[0]
    data = {"amount": "200.00", "reason": "Double click", "request_key": key}
    assert client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), data).status_code == 302
    assert client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), data).status_code == 302
    assert GatewayRefund.objects.count() == 1 and len(refunds_at_bkash(gp)) == 1 and refund_entries() == 1
    for bad in ({"amount": "NaN", "reason": "x"}, {"amount": "99999999", "reason": "x"}, {"amount": "10"}, {}):
        assert client.post(reverse("staff:onlinepayment-refund", args=[gp.pk]), bad).status_code == 400  # the form again
    assert GatewayRefund.objects.count() == 1
