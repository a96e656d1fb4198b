"""The books' reports (docs/accounts.md, "Reports"): each example of the document recomputed by hand
from the events that made it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.charges import credit_note_issue
from billing.models import BillingSettings
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from books.selectors import balance_sheet, journal_csv_rows, profit_and_loss, profit_by_month, trial_balance, vat_worksheet
from payments.services import payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, make_customer

D = Decimal


@pytest.fixture
def month(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)
    return timezone.localdate().replace(day=1)


def issue(customer, lines, day):
    return invoice_create(actor=None, customer=customer, issue_date=day, lines=[
        LineSpec(kind=kind, description=kind, amount=D(amount)) for kind, amount in lines
    ])


def test_trial_balance_totals_agree_and_each_account_is_on_its_normal_side(month):
    a, b = make_customer(), make_customer()
    issue(a, [("one_time", "1000.00"), ("recurring", "800.00")], month)  # 1,890.00
    issue(b, [("one_time", "1000.00")], month)  # 1,050.00
    payment_ledger_record(actor=None, customer=b, amount=D("1050.00"), method="cash")
    tb = trial_balance(as_of=timezone.localdate())
    by_code = {row.code: row for row in tb.rows}
    assert tb.debit == tb.credit
    assert (by_code["1200"].debit, by_code["1200"].credit) == (D("1890.00") + D("1050.00"), D("1050.00"))
    assert by_code["1200"].balance == D("1890.00")
    assert by_code["2100"].balance == D("90.00") + D("50.00")
    assert by_code["1105"].balance == D("1050.00")
    assert trial_balance(as_of=month - timedelta(days=1)).rows == []


def test_profit_and_loss_nets_credit_notes_and_splits_by_branch(month):
    north, south = BranchFactory(), BranchFactory()
    a = make_customer(area=AreaFactory(branch=north))
    b = make_customer(area=AreaFactory(branch=south))
    issue(a, [("one_time", "1000.00"), ("recurring", "800.00")], month)
    invoice_b = issue(b, [("one_time", "1000.00")], month)
    credit_note_issue(actor=None, invoice=invoice_b, amount=D("210.00"), reason="late")
    last = timezone.localdate()
    whole = profit_and_loss(first=month, last=last)
    assert whole.income_total == D("1000.00") + D("800.00") + D("1000.00") - D("200.00")
    assert whole.expenses_total == D("0") and whole.profit == D("2600.00")
    assert profit_and_loss(first=month, last=last, branch_id=north.pk).profit == D("1800.00")
    assert profit_and_loss(first=month, last=last, branch_id=south.pk).profit == D("1000.00") - D("200.00")
    months = profit_by_month(year=month.year)
    assert months[month.month - 1].revenue == D("2600.00") and months[month.month - 1].profit == D("2600.00")
    assert sum(m.revenue for m in months) == D("2600.00")


def test_balance_sheet_splits_customers_who_owe_from_those_in_credit_and_balances(month):
    a, b = make_customer(), make_customer()
    issue(a, [("one_time", "1000.00"), ("recurring", "800.00")], month)
    payment_ledger_record(actor=None, customer=b, amount=D("100.00"), method="bkash", reference="T1")
    sheet = balance_sheet(as_of=timezone.localdate())
    assets = {code: amount for code, _n, amount in sheet.assets}
    liabilities = {code: amount for code, _n, amount in sheet.liabilities}
    equity = {code: amount for code, _n, amount in sheet.equity}
    assert assets["1200"] == D("1890.00") and liabilities["2200"] == D("100.00")
    assert assets["1160"] == D("100.00") and liabilities["2100"] == D("90.00")
    assert equity["3900"] == D("1800.00")
    # 1,890 + 100 = 100 + 90 + 1,800
    assert sheet.assets_total == sheet.liabilities_and_equity_total == D("1990.00")


def test_vat_worksheet_for_the_month(month):
    a, b = make_customer(), make_customer()
    issue(a, [("one_time", "1000.00"), ("recurring", "800.00")], month)
    invoice_b = issue(b, [("one_time", "1000.00")], month)
    credit_note_issue(actor=None, invoice=invoice_b, amount=D("210.00"), reason="late")
    sheet = vat_worksheet(year=month.year, month=month.month)
    assert sheet.output_tax == D("90.00") + D("50.00") - D("10.00")
    assert sheet.supply_value == D("1800.00") + D("1000.00") - D("200.00")
    assert sheet.input_tax == D("0") and sheet.vds_credit == D("0")
    assert sheet.net_payable == D("130.00")
    previous = month - timedelta(days=1)
    assert vat_worksheet(year=previous.year, month=previous.month).output_tax == D("0")


def test_journal_csv_has_a_row_per_line(month):
    a = make_customer()
    invoice = issue(a, [("one_time", "1000.00")], month)
    rows = list(journal_csv_rows(first=month, last=timezone.localdate()))
    assert sorted((r[4], r[5], r[7], r[8]) for r in rows) == [
        (invoice.number, "1200", D("1050.00"), D("0.00")),
        (invoice.number, "2100", D("0.00"), D("50.00")),
        (invoice.number, "4200", D("0.00"), D("1000.00")),
    ]
