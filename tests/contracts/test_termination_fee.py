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

from billing.models import Invoice, InvoiceLine, OneTimeCharge
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

