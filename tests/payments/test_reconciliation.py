"""Reconciliation with the gateways against the emulators on loopback (docs/payments.md,
"Reconciliation"): each kind of difference, settling it through the callbacks' own services (once,
whoever clicks twice), reversing, acknowledging, the uploaded report, and the settlement report that
the bank deposit must match — recomputed here by hand."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from billing.models import Invoice, LedgerEntry
from billing.selectors import account_balance
from demo.bkash.views import _get as emulator_get
from demo.bkash.views import _put as emulator_put
from payments import bkash_flow, online, reconciliation
from payments.models import (
    GatewayPayment,
    GatewayStatement,
    GatewayStatementLine,
    Payment,
    ReconciliationItem,
)
from tests.factories import make_customer
from tests.payments.bkash_helpers import bkash_gateway, confirm_at_wallet  # noqa: F401 - fixture
from tests.payments.conftest import charge, ledger_ok
from tests.payments.recon_helpers import _empty_reports, bkash_statement, sslcommerz_report  # noqa: F401 - fixture
from tests.payments.sslcommerz_helpers import gateway, pay_at_gateway  # noqa: F401 - fixture
from usecases import online_payment
from usecases import reconciliation as recon

D = Decimal
Kind = ReconciliationItem.Kind
pytestmark = pytest.mark.django_db(transaction=True)


def today():
    return timezone.localdate()


def money() -> tuple:
    return (Payment.objects.count(), LedgerEntry.objects.count(),
            list(LedgerEntry.objects.order_by("id").values_list("kind", "amount")))


def paid_with_bkash(customer, amount: str) -> GatewayPayment:
    charge(customer, amount)
    gp = bkash_flow.bkash_payment_start(customer=customer, purpose="due")
    confirm_at_wallet(gp.gateway_url)
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PAID and gp.payment_id
    return gp


def executed_at_bkash_only(customer, amount: str) -> GatewayPayment:
    """The customer confirmed and bKash executed the payment, but our side never heard: no callback
    came and our worker died after sending execute (the answer lost with it)."""
    charge(customer, amount)
    gp = bkash_flow.bkash_payment_start(customer=customer, purpose="due")
    confirm_at_wallet(gp.gateway_url, callback="none")
    bkash_flow.bkash_client().payment_execute(gp.sessionkey)
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING and emulator_get("payment", gp.sessionkey)["status"] == "Completed"
    return gp


def item(kind: str, **filters) -> ReconciliationItem:
    return ReconciliationItem.objects.get(kind=kind, **filters)


# The worked example of docs/payments.md ------------------------------------------------------------


def test_the_worked_example_all_matched_and_the_settlement_report_is_the_bank_deposit(bkash_gateway, settings, admin):
    """bKash at 1.85 percent, absorbed: payments of 1,000.00 and 500.00 and a refund of 200.00 of the
    first. Gross 1,500.00; fee 18.50 + 9.25 = 27.75; refunds 200.00; net 1,500.00 − 27.75 − 200.00 =
    1,272.25 — ours and the gateway's report alike, and the report's net is what the bank receives."""
    settings.BKASH_FEE_PERCENT, settings.BKASH_SANDBOX_FEE_PERCENT = D("1.85"), 1.85
    first = paid_with_bkash(make_customer(), "1000.00")
    paid_with_bkash(make_customer(), "500.00")
    online_payment.online_refund_start(actor=admin, gp=first, amount=D("200.00"), reason="Asked to")

    reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="s.csv",
                                    data=bkash_statement(bkash_gateway.url, today()))
    run = reconciliation.reconcile_day(gateway="bkash", day=today())

    assert run.counts["matched"] == 2 and run.counts["missing_ours"] == run.counts["missing_gateway"] == 0
    assert run.counts["amount_mismatch"] == 0 and run.counts["unchecked"] == 0
    report = reconciliation.settlement_report(gateway="bkash", first=today(), last=today())
    ours, theirs = report["days"][0].ours, report["days"][0].statement
    fee = (D("1000.00") * D("1.85") / 100).quantize(D("0.01")) + (D("500.00") * D("1.85") / 100).quantize(D("0.01"))
    assert fee == D("27.75")
    assert (ours.count, ours.gross, ours.fee, ours.refunds, ours.net) == (2, D("1500.00"), fee, D("200.00"), D("1272.25"))
    assert (theirs.count, theirs.gross, theirs.fee, theirs.refunds, theirs.net) == (2, D("1500.00"), D("27.75"), D("200.00"), D("1272.25"))
    assert report["days"][0].difference == D("0.00")
    # The deposit: the report's net column summed, line by line.
    lines = GatewayStatementLine.objects.filter(statement__day=today(), statement__gateway="bkash")
    deposit = sum(line.amount - line.fee for line in lines if line.kind != "refund") - sum(line.amount for line in lines if line.kind == "refund")
    assert deposit == theirs.net == D("1272.25")


# Missing on our side -------------------------------------------------------------------------------


def test_a_bkash_payment_the_gateway_has_and_we_never_heard_of_is_listed_and_settled_once_through_the_ledger(bkash_gateway, admin):
    customer = make_customer()
    gp = executed_at_bkash_only(customer, "1150.00")
    paid_with_bkash(make_customer(), "700.00")

    run = reconciliation.reconcile_day(gateway="bkash", day=today())

    assert (run.counts["matched"], run.counts["missing_ours"]) == (1, 1)
    missing = item(Kind.MISSING_OURS)
    assert missing.gateway_payment == gp and missing.gateway_amount == D("1150.00") and missing.txn_id
    before = money()
    settled = recon.reconciliation_settle(actor=admin, item=missing)
    assert settled.resolution == "settled" and settled.payment.amount == D("1150.00")
    assert settled.payment.idempotency_key == f"bkash:{gp.tran_id}" and settled.payment.reference == missing.txn_id
    assert Payment.objects.count() == before[0] + 1
    assert account_balance(customer_id=customer.pk) == D("0.00")
    assert Invoice.objects.get(customer=customer).status == Invoice.Status.PAID

    # A second click, the callback arriving late, and the night's re-run move no more money.
    after = money()
    assert recon.reconciliation_settle(actor=admin, item=missing).payment == settled.payment
    online_payment.bkash_callback_received(payment_id=gp.sessionkey, status="success")
    reconciliation.reconcile_day(gateway="bkash", day=today())
    assert money() == after
    assert ReconciliationItem.objects.get(pk=missing.pk).resolution == "settled"
    assert ledger_ok()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_staff_settling_the_same_difference_at_once_record_one_payment(bkash_gateway, admin):
    executed_at_bkash_only(make_customer(), "900.00")
    reconciliation.reconcile_day(gateway="bkash", day=today())
    missing = item(Kind.MISSING_OURS)
    before = Payment.objects.count()
    barrier, results = threading.Barrier(2, timeout=120), []

    def settle():
        try:
            barrier.wait()
            results.append(recon.reconciliation_settle(actor=admin, item=missing).payment_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=settle) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert Payment.objects.count() == before + 1 and len(set(results)) == 1 and results[0]
    assert ledger_ok()


def test_a_pay_bill_payment_whose_notification_never_came_is_found_on_the_report_and_recorded_by_its_trx_id(
        bkash_gateway, settings, admin, client):
    settings.BKASH_PAYBILL_SANDBOX = True
    customer = make_customer()
    charge(customer, "1150.00")
    page = client.post("/sandbox/bkash-paybill/paybill/", {"step": "pay", "account": customer.account_number,
                                                            "amount": "1150.00", "pin": "12345", "fault": "never"})
    assert page.status_code == 200 and not Payment.objects.exists()

    reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="statement.csv",
                                    data=bkash_statement(bkash_gateway.url, today()))
    run = reconciliation.reconcile_day(gateway="bkash", day=today())

    assert run.counts["missing_ours"] == 1
    missing = item(Kind.MISSING_OURS)
    assert missing.statement_kind == "paybill" and missing.reference == customer.account_number
    settled = recon.reconciliation_settle(actor=admin, item=missing)
    payment = settled.payment
    assert payment.method == Payment.Method.BKASH_PAYBILL and payment.reference == missing.txn_id
    assert payment.idempotency_key == f"bkash-paybill:{missing.txn_id}" and payment.amount == D("1150.00")
    assert account_balance(customer_id=customer.pk) == D("0.00")
    # bKash retrying the notification now finds the payment recorded: nothing more.
    assert recon.reconciliation_settle(actor=admin, item=missing).payment == payment
    run = reconciliation.reconcile_day(gateway="bkash", day=today())
    assert Payment.objects.count() == 1 and run.counts["missing_ours"] == 0 and run.counts["matched"] == 1
    assert ledger_ok()


def test_a_transaction_no_payment_of_ours_names_cannot_be_credited_and_is_marked_for_refund(bkash_gateway, admin):
    from demo.bkash.views import statement_add

    statement_add(kind="Payment", trx_id="BKX0000001", amount=D("300.00"), reference="NOT-OURS-1", msisdn="01711111111")
    reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="s.csv",
                                    data=bkash_statement(bkash_gateway.url, today()))
    reconciliation.reconcile_day(gateway="bkash", day=today())
    missing = item(Kind.MISSING_OURS, txn_id="BKX0000001")
    before = money()
    with pytest.raises(ValidationError):
        recon.reconciliation_settle(actor=admin, item=missing)
    with pytest.raises(ValidationError):
        recon.reconciliation_mark_refund_needed(actor=admin, item=missing, note="  ")
    marked = recon.reconciliation_mark_refund_needed(actor=admin, item=missing, note="Refund from the bKash portal")
    assert marked.resolution == "refund_needed" and marked.resolved_by == admin
    assert money() == before


def test_sslcommerz_a_payment_whose_ipn_and_return_were_both_lost_is_settled_and_the_report_matches(gateway, admin):
    customer = make_customer()
    charge(customer, "1000.00")
    gp = online.online_payment_start(customer=customer, purpose="due")
    pay_at_gateway(gp.gateway_url, ipn="none", follow=False)
    gp.refresh_from_db()
    assert gp.status == GatewayPayment.Status.PENDING

    run = reconciliation.reconcile_day(gateway="sslcommerz", day=today())
    missing = item(Kind.MISSING_OURS, gateway="sslcommerz")
    assert run.counts["missing_ours"] == 1 and missing.gateway_payment == gp and missing.gateway_fee == D("25.00")
    settled = recon.reconciliation_settle(actor=admin, item=missing)
    assert settled.payment.amount == D("1000.00") and settled.payment.idempotency_key == f"sslcommerz:{gp.tran_id}"

    reconciliation.statement_import(actor=admin, gateway="sslcommerz", day=today(), filename="report.csv",
                                    data=sslcommerz_report(gateway.url, today()))
    run = reconciliation.reconcile_day(gateway="sslcommerz", day=today())
    report = reconciliation.settlement_report(gateway="sslcommerz", first=today(), last=today())["days"][0]
    # SSLCommerz keeps 2.5 percent: store amount 975.00, fee 25.00, the deposit 975.00.
    assert (report.statement.gross, report.statement.fee, report.statement.net) == (D("1000.00"), D("25.00"), D("975.00"))
    assert report.ours.gross == D("1000.00") and Payment.objects.count() == 1
    assert ledger_ok()


# Missing at the gateway ----------------------------------------------------------------------------


def test_a_payment_we_credited_that_the_gateway_does_not_have_is_reversed_once_the_gateway_says_so_again(bkash_gateway, admin):
    customer = make_customer()
    invoice = charge(customer, "800.00")
    gp = bkash_flow.bkash_payment_start(customer=customer, purpose="due")
    # A defect marks the attempt paid with a made-up trxID; the money is credited through the ledger.
    online.settle_row(gp, {"status": GatewayPayment.Status.PAID, "val_id": "bkash:FAKE0001", "bank_tran_id": "FAKE0001",
                           "paid_at": timezone.now(), "method": Payment.Method.BKASH}, kind="query", outcome="test", data={})
    payment = online_payment.online_payment_credit(gp=gp)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID

    run = reconciliation.reconcile_day(gateway="bkash", day=today())
    missing = item(Kind.MISSING_GATEWAY)
    assert run.counts["missing_gateway"] == 1 and missing.txn_id == "FAKE0001" and missing.our_amount == D("800.00")
    with pytest.raises(ValidationError):
        recon.reconciliation_reverse(actor=admin, item=missing, reason="")
    with pytest.raises(ValidationError):
        recon.reconciliation_settle(actor=admin, item=missing)
    reversed_item = recon.reconciliation_reverse(actor=admin, item=missing, reason="No such bKash transaction")
    payment.refresh_from_db()
    assert reversed_item.resolution == "reversed" and payment.status == Payment.Status.REVERSED
    assert Invoice.objects.get(pk=invoice.pk).status != Invoice.Status.PAID
    assert account_balance(customer_id=customer.pk) == D("800.00")
    with pytest.raises(ValidationError):
        recon.reconciliation_reverse(actor=admin, item=missing, reason="again")
    assert ledger_ok()


def test_a_payment_the_gateway_has_after_all_is_not_reversed(bkash_gateway, admin):
    gp = paid_with_bkash(make_customer(), "600.00")
    reconciliation.reconcile_day(gateway="bkash", day=today())
    matched = item(Kind.MATCHED)
    # Staff cannot reverse a matched payment; and a "missing" one the gateway now answers for stays.
    with pytest.raises(ValidationError):
        recon.reconciliation_reverse(actor=admin, item=matched, reason="x")
    ReconciliationItem.objects.filter(pk=matched.pk).update(kind=Kind.MISSING_GATEWAY)
    with pytest.raises(ValidationError):
        recon.reconciliation_reverse(actor=admin, item=matched, reason="looks wrong")
    gp.payment.refresh_from_db()
    assert gp.payment.status == Payment.Status.COMPLETED


# Amounts that differ -------------------------------------------------------------------------------


def test_amounts_that_differ_are_listed_and_acknowledged_with_a_note(bkash_gateway, admin):
    gp = paid_with_bkash(make_customer(), "1000.00")
    at_bkash = emulator_get("payment", gp.sessionkey)
    emulator_put("payment", gp.sessionkey, {**at_bkash, "amount": "999.00"})

    run = reconciliation.reconcile_day(gateway="bkash", day=today())

    differs = item(Kind.AMOUNT_MISMATCH)
    assert run.counts["amount_mismatch"] == 1 and (differs.our_amount, differs.gateway_amount) == (D("1000.00"), D("999.00"))
    before = money()
    with pytest.raises(ValidationError):
        recon.reconciliation_settle(actor=admin, item=differs)
    with pytest.raises(ValidationError):
        recon.reconciliation_acknowledge(actor=admin, item=differs, note="")
    done = recon.reconciliation_acknowledge(actor=admin, item=differs, note="bKash corrected it on the 26th")
    assert done.resolution == "acknowledged" and money() == before


# The gateway not answering ---------------------------------------------------------------------------


def test_payments_the_gateway_could_not_be_asked_about_are_counted_as_unchecked_not_judged(bkash_gateway, settings):
    paid_with_bkash(make_customer(), "500.00")
    settings.BKASH_BASE_URL = "http://127.0.0.1:9/v1.2.0-beta/tokenized/checkout"
    from payments import bkash
    bkash.tokens_forget()

    run = reconciliation.reconcile_day(gateway="bkash", day=today())

    assert run.counts["unchecked"] == 1 and not ReconciliationItem.objects.exists()


# The uploaded report -------------------------------------------------------------------------------

HEADER = "Transaction ID,Date Time,Transaction Type,Wallet,Reference,Amount,Fee,Net Amount,Status\n"


@pytest.mark.parametrize("body, why", [
    (b"\xff\xfe\x00junk", "not UTF-8"),
    (b"Transaction ID,Amount\nA1,100.00\n", "columns missing"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,NaN,1.00,0,Completed\n", "NaN amount"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,1e5,1.00,0,Completed\n", "exponent"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,-100.00,1.00,0,Completed\n", "negative"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,99999999999.00,1.00,0,Completed\n", "huge"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,100.00,100.00,0,Completed\n", "fee as large as the amount"),
    (HEADER + "BK1,2001-01-01 10:00:00,Payment,017,R,100.00,1.00,99.00,Completed\n", "another day"),
    (HEADER + "BK1,{day} 10:00:00,Cashback,017,R,100.00,1.00,99.00,Completed\n", "unknown type"),
    (HEADER + "BK1,{day} 10:00:00,Payment,017,R,100.00,1.00,99.00,Completed\nBK1,{day} 11:00:00,Payment,017,R,5.00,0,5,Completed\n", "twice"),
    (HEADER + "BK 1;DROP,{day} 10:00:00,Payment,017,R,100.00,1.00,99.00,Completed\n", "bad id"),
    (HEADER + "BK1,{day} 25:00:00,Payment,017,R,100.00,1.00,99.00,Completed\n", "bad time"),
    (HEADER + "BK1,{day} 10:00:00,Payment\n", "short row"),
])
def test_a_report_that_cannot_be_read_is_refused_whole_and_nothing_is_stored(admin, body, why):
    data = body if isinstance(body, bytes) else body.format(day=today().isoformat()).encode()
    with pytest.raises(ValidationError):
        reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="x.csv", data=data)
    assert not GatewayStatement.objects.exists() and not GatewayStatementLine.objects.exists()


def test_a_report_larger_than_the_limit_is_refused(admin):
    data = HEADER.encode() + b"x" * (reconciliation.STATEMENT_MAX_BYTES + 1)
    with pytest.raises(ValidationError):
        reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="x.csv", data=data)
    assert not GatewayStatement.objects.exists()


def test_failed_rows_are_skipped_and_a_good_report_is_kept_whole(admin):
    day = today().isoformat()
    data = (HEADER + f"BK1,{day} 10:00:00,Payment,017,R1,100.00,1.85,98.15,Completed\n"
            f"BK2,{day} 11:00:00,Payment,017,R2,50.00,0.93,49.07,Failed\n"
            f"BK3,{day} 12:00:00,Refund,017,BK0,20.00,0.00,-20.00,Completed\n").encode()
    statement = reconciliation.statement_import(actor=admin, gateway="bkash", day=today(), filename="x.csv", data=data)
    lines = list(statement.lines.order_by("txn_id").values_list("txn_id", "kind", "amount", "fee"))
    assert lines == [("BK1", "payment", D("100.00"), D("1.85")), ("BK3", "refund", D("20.00"), D("0.00"))]
