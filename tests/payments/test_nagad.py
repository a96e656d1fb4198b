"""Nagad online checkout, against the Nagad emulator on loopback: payments, every failure the emulator
can play, and the refusals (forged, replayed, altered, unknown) that must move no money."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from payments import nagad_flow
from payments.models import GatewayPayment, Payment
from tests.factories import make_customer
from tests.payments.conftest import charge, ledger_ok
from tests.payments.nagad_helpers import (  # noqa: F401 - fixture
    GOOD_WALLET,
    POOR_WALLET,
    callback_params,
    nagad_gateway,
    pay_at_nagad,
)

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def start(customer, purpose="due", **kwargs) -> GatewayPayment:
    return nagad_flow.nagad_payment_start(customer=customer, purpose=purpose, **kwargs)


def money_moved() -> tuple:
    return Payment.objects.count(), LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count()


def test_paying_the_due_amount_verifies_credits_once_and_returns_to_the_result_page(nagad_gateway):
    customer = make_customer()
    invoice = charge(customer, "1150.00")
    gp = start(customer)
    assert gp.gateway == "nagad" and gp.amount == D("1150.00") and gp.sessionkey and "/sandbox/nagad/checkout/" in gp.gateway_url

    answer = pay_at_nagad(gp.gateway_url)

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(reverse("portal:onlinepayment-detail", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.val_id == f"nagad:{gp.bank_tran_id}"
    assert gp.payment.amount == D("1150.00") and gp.payment.method == Payment.Method.NAGAD
    assert gp.payment.idempotency_key == f"nagad:{gp.tran_id}"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert account_balance(customer_id=customer.pk) == D("0.00")
    ledger_ok()
