"""100 duplicate IPNs for one transaction arriving at once (and the browser return among them): the
row lock and the unique val_id let exactly one of them credit the payment."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.urls import reverse

from billing.models import LedgerEntry
from billing.selectors import account_balance
from payments import online
from payments.models import GatewayPayment, Payment
from tests.factories import make_customer
from tests.payments.conftest import charge, ledger_ok
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401
from usecases import online_payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUPLICATES = 100
CLIENT_THREADS = 40  # PostgreSQL's 100 connections are shared; 40 requests in flight at once is plenty


def test_one_hundred_concurrent_duplicate_ipns_credit_exactly_once(gateway):
    customer = make_customer()
    charge(customer, "1500.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    checkout = pay_at_gateway(gp.gateway_url, ipn="none", follow=False)
    assert GatewayPayment.objects.get(pk=gp.pk).status == "pending"

    url = gateway.url + reverse("sslcommerz-ipn")
    start = threading.Barrier(CLIENT_THREADS, timeout=120)

    def post(index):
        if index < CLIENT_THREADS:
            start.wait()
        target = url if index % 10 else checkout.action  # every tenth is a browser return racing the IPNs
        for attempt in range(5):
            try:
                return requests.post(target, data=checkout.payload, allow_redirects=False, timeout=60).status_code
            except requests.ConnectionError:
                # The test server's listen backlog is 10; a refused connection is retried as the gateway would.
                time.sleep(0.05 * (attempt + 1))
        return 0

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        codes = list(pool.map(post, range(DUPLICATES)))

    assert all(code in (200, 303) for code in codes), codes
    online_payment.online_payment_credit(gp=gp)  # what the IPN's queued task does, in case no browser return came after it
    gp.refresh_from_db()
    assert gp.status == "paid" and gp.payment_id is not None
    assert Payment.objects.filter(customer=customer).count() == 1
    assert LedgerEntry.objects.filter(account__customer=customer, kind="payment").count() == 1
    assert str(account_balance(customer_id=customer.pk)) == "0.00"
    assert ledger_ok()
