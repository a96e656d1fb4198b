"""The early-termination fee charged and waived through the cancellation, with the amounts of
docs/billing.md ("Contracts: terms, package changes and the early-termination fee") worked out here.

The scenario (VAT 15 %): Basic ৳1,000 a month before VAT (৳1,150 with it), activated 1 May 2026 and
May's ৳1,150 paid; a contract of 12 months from 10 January 2026, fee 30 % of the remaining value;
cancelled on 25 May 2026: 8 months remain (7 months and 16 days, a started month counting whole)."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command

from billing.models import CreditNote, Invoice, InvoiceLine, OneTimeCharge
from billing.selectors import account_balance
from contracts import services
from contracts.models import Contract
from tests.billing.test_package_changes import pay_everything, subscribed
from tests.billing.test_run import configure, run_billing
from tests.contracts.conftest import BODY
from tests.factories import PackageFactory, admin_user
from usecases.subscription_cancel import subscription_cancel

D = Decimal
CANCEL_DAY = date(2026, 5, 25)
MONTHS_LEFT = 8


def under_contract(*, price: Decimal, prices_include_vat: bool = False):
    configure(vat_rate=D("15"), prices_include_vat=prices_include_vat)
    subscription = subscribed(PackageFactory(name="Basic", price=price), day=date(2026, 5, 1))
    run_billing(date(2026, 5, 1))
    pay_everything(subscription)
    template = services.contract_template_save(actor=None, key="home", language="en", title="Home", body=BODY)
    contract = services.contract_create(
        actor=None, subscription=subscription, template=template, term_months=12, start_date=date(2026, 1, 10),
        fee_kind=Contract.FeeKind.PERCENT, fee_value=D("30"),
    )
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    contract.refresh_from_db()
    return subscription, contract


def cancel_on_the_day(subscription):
    with mock.patch("django.utils.timezone.localdate", return_value=CANCEL_DAY):
        subscription_cancel(actor=admin_user(), subscription=subscription, reason="Moving abroad")


def ledger_ok():
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.parametrize("price, include", [(D("1000.00"), False), (D("1150.00"), True)])
def test_fee_is_worked_out_before_vat_and_vat_is_added_once(db, price, include):
    """8 × ৳1,000 × 30 % = ৳2,400 before VAT, + 15 % = ৳360 VAT, ৳2,760 in all — whether the
    catalogue's prices exclude VAT (Basic ৳1,000) or include it (Basic ৳1,150). It used to be
    8 × ৳1,150 × 30 % = ৳2,760 with ৳414 VAT on top."""
    subscription, contract = under_contract(price=price, prices_include_vat=include)
    net = MONTHS_LEFT * D("1000") * D("30") / 100
    vat = (net * D("0.15")).quantize(D("0.01"))
    assert (net, vat) == (D("2400"), D("360.00"))
    assert contract.monthly_net == D("1000.00") and contract.monthly_price == D("1150.00")

    quote = services.fee_quote(contract, on=CANCEL_DAY)
    assert (quote.months, quote.net, quote.vat, quote.gross) == (MONTHS_LEFT, net, vat, net + vat)

    cancel_on_the_day(subscription)

    contract.refresh_from_db()
    invoice = Invoice.objects.get(pk=contract.fee_charge.invoice_id)
    line = InvoiceLine.objects.get(invoice=invoice)
    assert (invoice.subtotal, invoice.vat_total, invoice.total) == (quote.net, quote.vat, quote.gross)
    assert (line.kind, contract.fee_charge.kind) == (InvoiceLine.Kind.ONE_TIME, OneTimeCharge.Kind.TERMINATION)
    ledger_ok()


def test_the_contract_words_the_fee_before_vat_with_its_monthly_net(db):
    _subscription, contract = under_contract(price=D("1000.00"))
    wording = services.contract_values(contract)["termination_fee"]
    assert "before VAT" in wording and "1000.00" in wording and "plus VAT" in wording


def test_waiving_an_invoiced_fee_gives_back_the_whole_fee_and_the_cancellation_credit_returns(db):
    """Cancelled on 25 May: the unused 26–31 May, 1000 × 6/31 = ৳193.55 + ৳29.03 VAT = ৳222.58, are
    credited and applied at once to the fee's ৳2,760 invoice (৳2,537.42 left open). Waived: a credit
    note of ৳2,760, the whole fee: the balance is −৳222.58, what the cancellation alone gives (a note
    for the open ৳2,537.42 only left it at ৳0 and the ৳222.58 lost)."""
    subscription, contract = under_contract(price=D("1000.00"))
    unused = (D("1000") * 6 / 31).quantize(D("0.01"))
    credit = unused + (unused * D("0.15")).quantize(D("0.01"))
    fee = D("2400.00") + D("360.00")
    assert credit == D("222.58")

    cancel_on_the_day(subscription)
    contract.refresh_from_db()
    invoice = Invoice.objects.get(pk=contract.fee_charge.invoice_id)
    assert invoice.amount_paid == credit and invoice.amount_due == fee - credit
    assert account_balance(customer_id=subscription.customer_id) == fee - credit

    services.contract_fee_waive(actor=admin_user(), contract=contract, reason="Hardship, approved by the manager")

    note = CreditNote.objects.get(invoice=invoice)
    invoice.refresh_from_db()
    assert note.amount == fee and invoice.amount_due == D("0.00")
    assert account_balance(customer_id=subscription.customer_id) == -credit
    ledger_ok()


def test_waiving_after_a_partial_credit_note_gives_back_only_the_rest(db):
    """Staff had already credited ৳500 of the fee's invoice by hand: the waiver's note is the other
    ৳2,260, so the fee is never given back twice."""
    from billing.charges import credit_note_issue

    subscription, contract = under_contract(price=D("1000.00"))
    cancel_on_the_day(subscription)
    contract.refresh_from_db()
    invoice = contract.fee_charge.invoice
    credit_note_issue(actor=None, invoice=invoice, amount=D("500"), reason="Goodwill")

    services.contract_fee_waive(actor=admin_user(), contract=contract, reason="Waived")

    assert sorted(CreditNote.objects.filter(invoice=invoice).values_list("amount", flat=True)) == [D("500.00"), D("2260.00")]
    assert account_balance(customer_id=subscription.customer_id) == -D("222.58")
    ledger_ok()
