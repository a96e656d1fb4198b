"""What bKash and Nagad must both do, against each one's emulator on loopback: a payment credited once
and the customer back on the result page, a duplicate or replayed callback moving money once, a
refusal for balance or a cancel on the gateway's page moving none. Each
gateway's own cases: test_bkash.py, test_nagad.py."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import requests
from django.urls import reverse

from billing.models import Invoice
from billing.selectors import account_balance
from demo.bkash.views import _get as bkash_emulator_get
from payments import bkash_flow, nagad_flow
from payments.models import GatewayPayment, Payment
from tests.factories import make_customer
from tests.payments import bkash_helpers, nagad_helpers
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401 - fixture
from tests.payments.conftest import D, charge, ledger_ok, money_moved
from tests.payments.nagad_helpers import nagad_gateway  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Wallet:
    code: str                                # GatewayPayment.Gateway, the val_id's and idempotency key's prefix
    method: str                              # Payment.Method
    page: str                                # where the emulator's page is
    start: Callable[..., GatewayPayment]
    pay: Callable[..., requests.Response]    # the customer on the gateway's page
    poor_wallet: str                         # a wallet the emulator refuses for balance
    refusal_returns: str | None              # what our callback tells the portal then (bKash's callback cannot know yet)
    calls_that_move_money: Callable[[GatewayPayment], int] | None  # bKash: its executions


WALLETS = {
    "bkash": Wallet(
        code="bkash", method=Payment.Method.BKASH, page="/sandbox/bkash/wallet/",
        start=lambda customer: bkash_flow.bkash_payment_start(customer=customer, purpose="due"),
        pay=bkash_helpers.confirm_at_wallet, poor_wallet=bkash_helpers.POOR_WALLET, refusal_returns=None,
        calls_that_move_money=lambda gp: bkash_emulator_get("payment", gp.sessionkey)["executed"],
    ),
    "nagad": Wallet(
        code="nagad", method=Payment.Method.NAGAD, page="/sandbox/nagad/checkout/",
        start=lambda customer: nagad_flow.nagad_payment_start(customer=customer, purpose="due"),
        pay=nagad_helpers.pay_at_nagad, poor_wallet=nagad_helpers.POOR_WALLET, refusal_returns="fail",
        calls_that_move_money=None,
    ),
}


@pytest.fixture(params=sorted(WALLETS))
def wallet(request) -> Wallet:
    request.getfixturevalue(f"{request.param}_gateway")
    return WALLETS[request.param]


def started(wallet: Wallet, amount: str = "500.00") -> tuple:
    """A customer owing `amount` (one invoice) and the payment they started for it."""
    customer = make_customer()
    invoice = charge(customer, amount)
    return customer, invoice, wallet.start(customer)


def money_moved_at_the_gateway_once(wallet: Wallet, gp: GatewayPayment) -> bool:
    return wallet.calls_that_move_money is None or wallet.calls_that_move_money(gp) == 1


def test_paying_the_due_amount_credits_once_and_returns_to_the_result_page(wallet):
    customer, invoice, gp = started(wallet, "1150.00")
    assert gp.gateway == wallet.code and gp.amount == D("1150.00") and gp.sessionkey and wallet.page in gp.gateway_url

    answer = wallet.pay(gp.gateway_url)

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(reverse("portal:onlinepayment-detail", args=[gp.pk]))
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.val_id == f"{wallet.code}:{gp.bank_tran_id}"
    assert gp.payment.amount == D("1150.00") and gp.payment.method == wallet.method
    assert gp.payment.idempotency_key == f"{wallet.code}:{gp.tran_id}"
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert account_balance(customer_id=customer.pk) == D("0.00")
    assert money_moved_at_the_gateway_once(wallet, gp)
    ledger_ok()


def test_a_duplicate_callback_credits_once(wallet):
    customer, _invoice, gp = started(wallet)

    answer = wallet.pay(gp.gateway_url, callback="twice")  # the emulator calls back itself, then the browser does

    assert answer.status_code == 303 and "returned=success" in answer.headers["Location"]
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID
    assert Payment.objects.filter(customer=customer).count() == 1
    assert gp.events.filter(outcome__startswith="duplicate").exists()
    assert money_moved_at_the_gateway_once(wallet, gp)
    ledger_ok()


def test_a_replayed_callback_after_payment_moves_no_more_money(wallet):
    customer, _invoice, gp = started(wallet)
    callback = wallet.pay(gp.gateway_url, follow=False).headers["Location"]
    requests.get(callback, allow_redirects=False, timeout=30)
    before = money_moved()

    replay = requests.get(callback, allow_redirects=False, timeout=30)

    assert replay.status_code == 303
    assert money_moved() == before == (1, 1)
    assert money_moved_at_the_gateway_once(wallet, gp)


def test_insufficient_balance_fails_the_payment_and_credits_nothing(wallet):
    customer, _invoice, gp = started(wallet)

    answer = wallet.pay(gp.gateway_url, wallet=wallet.poor_wallet)

    assert answer.status_code == 303
    if wallet.refusal_returns:
        assert f"returned={wallet.refusal_returns}" in answer.headers["Location"]
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.FAILED and "Insufficient" in gp.status_reason
    assert money_moved() == (0, 0)


def test_cancel_on_the_gateways_page_cancels_and_credits_nothing(wallet):
    customer, _invoice, gp = started(wallet)

    answer = wallet.pay(gp.gateway_url, action="cancel")

    assert answer.status_code == 303 and "returned=cancel" in answer.headers["Location"]
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.CANCELLED
    assert money_moved() == (0, 0)
