"""One card redeemed from several places at once (the portal and the phone page, two accounts): the
card's row lock lets one through; the account is credited once and the card ends once."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from billing.selectors import account_balance, current_billing_settings
from payments.models import Payment
from tests.factories import make_customer
from tests.payments.conftest import ledger_ok
from usecases.card_recharge import card_recharge
from vouchers import selectors
from vouchers.models import VoucherCard

from .helpers import make_batch, make_distributor, make_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def test_a_code_redeemed_six_times_at_once_is_credited_once():
    current_billing_settings()
    distributor, admin = make_distributor(commission="10.00", topup="1000")
    batch = make_batch(plan=make_plan(price="30.00"), count=1, distributor=distributor, actor=admin)
    code = selectors.batch_codes(batch=batch)[0][1]
    customers = [make_customer(), make_customer()]
    barrier, refused, errors = threading.Barrier(THREADS, timeout=120), [], []

    def run(index):
        try:
            barrier.wait()
            card_recharge(actor=None, customer=customers[index % 2], code=code, channel="test")
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    assert len(refused) == THREADS - 1
    assert all("used already" in str(error) for error in refused)
    payment = Payment.objects.get()
    card = VoucherCard.objects.get()
    assert card.state == VoucherCard.State.USED_UP and card.redeemed_payment == payment and card.redeemed_customer_id == payment.customer_id
    assert account_balance(customer_id=payment.customer_id) == Decimal("-30.00")
    other = next(c for c in customers if c.pk != payment.customer_id)
    assert account_balance(customer_id=other.pk) == Decimal("0.00")
    assert ledger_ok()
