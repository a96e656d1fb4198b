"""Nagad in the daily reconciliation, against the Nagad emulator on loopback: a payment whose callback
never came is found by asking Nagad's verify API, settled once through the ledger, and the uploaded
daily report (docs/payments.md, "Nagad's daily transaction report") gives the fee and the deposit —
recomputed here by hand."""

import csv
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from payments import nagad_flow, reconciliation
from payments.models import GatewayPayment, Payment, ReconciliationItem
from tests.factories import make_customer
from tests.night import clock
from tests.payments.conftest import charge, ledger_ok
from tests.payments.nagad_helpers import nagad_gateway, pay_at_nagad  # noqa: F401 - fixture
from usecases import reconciliation as recon

D = Decimal
Kind = ReconciliationItem.Kind
pytestmark = pytest.mark.django_db(transaction=True)


def nagad_report(gateway_url: str, day, settings, *, orders: set[str]) -> bytes:
    """The emulator's daily report, kept to `orders`: the emulator's day is shared by every test of the
    run (its state lives in the cache), so other tests' payments of the day are on it too."""
    answer = requests.get(gateway_url + reverse("nagad-sandbox:report"), timeout=60,
                          params={"merchant_id": settings.NAGAD_SANDBOX_MERCHANT_ID, "date": day.isoformat()})
    answer.raise_for_status()
    header, *rows = answer.text.splitlines(keepends=True)
    mine = [row for row in rows if next(csv.reader([row]))[1] in orders]
    assert len(mine) == len(orders)
    return (header + "".join(mine)).encode()


def test_a_nagad_payment_whose_callback_was_lost_is_settled_once_and_the_report_gives_the_deposit(nagad_gateway, admin, settings):
    settings.NAGAD_SANDBOX_FEE_PERCENT = 1.5
    # At noon: started a second before midnight, the payments were made on the next day and the
    # reconciliation of the day the test began found none of them (27 Nov, 23:59:59 in Dhaka).
    with clock(timezone.localdate()):
        _lost_callback_settled_once(nagad_gateway, admin, settings)


def _lost_callback_settled_once(nagad_gateway, admin, settings):
    today = timezone.localdate()
    paid_customer, lost_customer = make_customer(), make_customer()
    charge(paid_customer, "950.00")
    charge(lost_customer, "700.00")
    paid = nagad_flow.nagad_payment_start(customer=paid_customer, purpose="due")
    pay_at_nagad(paid.gateway_url)
    lost = nagad_flow.nagad_payment_start(customer=lost_customer, purpose="due")
    pay_at_nagad(lost.gateway_url, callback="none")
    paid.refresh_from_db()
    lost.refresh_from_db()
    assert paid.status == GatewayPayment.Status.PAID and lost.status == GatewayPayment.Status.PENDING

    run = reconciliation.reconcile_day(gateway="nagad", day=today)

    assert (run.counts["matched"], run.counts["missing_ours"]) == (1, 1)
    missing = ReconciliationItem.objects.get(kind=Kind.MISSING_OURS, gateway="nagad")
    assert missing.gateway_payment == lost and missing.gateway_amount == D("700.00")
    settled = recon.reconciliation_settle(actor=admin, item=missing)
    again = recon.reconciliation_settle(actor=admin, item=missing)
    assert settled.payment.amount == D("700.00") and again.payment == settled.payment
    assert Payment.objects.count() == 2

    reconciliation.statement_import(actor=admin, gateway="nagad", day=today, filename="nagad.csv",
                                    data=nagad_report(nagad_gateway.url, today, settings, orders={paid.tran_id, lost.tran_id}))
    run = reconciliation.reconcile_day(gateway="nagad", day=today)
    assert run.counts["matched"] == 2 and run.counts.get("missing_ours", 0) == 0
    report = reconciliation.settlement_report(gateway="nagad", first=today, last=today)["days"][0]
    # By hand: 1.5 % of 950.00 = 14.25, of 700.00 = 10.50; fee 24.75; gross 1,650.00; deposit 1,625.25.
    assert (report.statement.gross, report.statement.fee, report.statement.net) == (D("1650.00"), D("24.75"), D("1625.25"))
    assert report.ours.gross == D("1650.00")
    assert ledger_ok()
