"""A cash payment reversed after the collector handed its cash over is the office's reversal (docs/billing.md,
"Cash in hand"): the collector's cash in hand stays true and their next hand-over goes through. Outside a
wrapping transaction, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from payments.models import CashHandover
from payments.selectors import cash_in_hand
from payments.services import cash_handover_record, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer
from usecases.payment_reverse import payment_reverse

D = Decimal


@pytest.fixture
def field(transactional_db):
    branch = BranchFactory(code="MIR", name="Mirpur")
    return {
        "branch": branch, "collector": UserFactory(roles=["Cashier"], first_name="Rina"),
        "cashier": UserFactory(roles=["Cashier"], branch_scope=[branch]),
        "customer": make_customer(area=AreaFactory(branch=branch)),
    }


def holds(user) -> dict:
    return cash_in_hand(collector_ids=[user.pk])[user.pk]


def take_cash(field, amount):
    return payment_ledger_record(actor=field["collector"], customer=field["customer"], amount=D(amount), method="cash")


def hand_over(field, amount):
    return cash_handover_record(actor=field["cashier"], collector=field["collector"], branch=field["branch"], amount=amount)


def test_cash_payment_reversed_after_its_hand_over_keeps_the_collectors_cash_true(field):
    payment = take_cash(field, "1000.00")
    hand_over(field, "1000.00")

    payment_reverse(actor=field["cashier"], payment=payment, reason="Entered for the wrong customer")

    # The office holds the ৳1,000 since the hand-over: the reversal is its own; Rina holds nothing, not −৳1,000.
    assert holds(field["collector"]) == {
        "collected": D("1000.00"), "handed_over": D("1000.00"), "reversed_by_office": D("1000.00"), "in_hand": D("0.00"),
    }
    take_cash(field, "500.00")
    hand_over(field, "500.00")  # her next hand-over is not blocked
    assert holds(field["collector"])["in_hand"] == D("0.00")
    assert CashHandover.objects.count() == 2


def test_a_reversal_before_the_hand_over_comes_out_of_the_collectors_hand(field):
    payment = take_cash(field, "1000.00")
    payment_reverse(actor=field["cashier"], payment=payment, reason="Cheque bounced back as cash")
    assert holds(field["collector"]) == {
        "collected": D("0.00"), "handed_over": D("0.00"), "reversed_by_office": D("0.00"), "in_hand": D("0.00"),
    }
    with pytest.raises(ValidationError):
        hand_over(field, "1000.00")


def test_a_reversal_after_part_was_handed_over_takes_what_the_collector_still_held(field):
    payment = take_cash(field, "1000.00")
    hand_over(field, "600.00")
    payment_reverse(actor=field["cashier"], payment=payment, reason="Wrong amount")
    # She still held ৳400 of it: that comes out of her hand; the ৳600 handed over is the office's.
    assert holds(field["collector"]) == {
        "collected": D("600.00"), "handed_over": D("600.00"), "reversed_by_office": D("600.00"), "in_hand": D("0.00"),
    }
