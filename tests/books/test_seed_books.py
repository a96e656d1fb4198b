"""The books' demo step (demo seed_books): a year of expenses per branch sized to its revenue, two bank
accounts fed by the hand-overs banked and the gateways' settlements, bills paid from what is there; no
cash or bank book below zero on any line, everything balanced, the register beside the worksheet, once."""

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from books import selectors
from books.models import BankAccount, BankMovement, Bill, JournalEntry, JournalLine
from payments.services import cash_handover_record, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer

D = Decimal


def assert_no_book_goes_negative():
    """Every branch's cash book and every bank account's book, line by line from the first day: the running
    balance the page shows never drops below zero."""
    first, last = timezone.localdate() - timedelta(days=800), timezone.localdate()
    books = [("1110", branch_id) for branch_id in JournalLine.objects.filter(account__code="1110").values_list("branch_id", flat=True).distinct()]
    books += [(account.ledger_account.code, None) for account in BankAccount.objects.select_related("ledger_account")]
    for code, branch_id in books:
        book = selectors.account_book(code=code, first=first, last=last, branch_id=branch_id)
        assert book.opening == 0
        for line in book.lines:
            assert line.balance >= 0, (code, branch_id, line)


def assert_journal_balances():
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    for entry in JournalEntry.objects.prefetch_related("lines"):
        assert sum(line.debit for line in entry.lines.all()) == sum(line.credit for line in entry.lines.all()), entry


def test_the_demo_seeds_costs_that_its_cash_and_banks_pay_without_going_negative(db):
    branch = BranchFactory(code="MIR", name="Mirpur")
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=D("40000"), method="cash")
    cash_handover_record(actor=cashier, collector=collector, branch=branch, amount="40000")
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=D("30000"), method="bkash",
                          reference="BK-77")
    call_command("seed_books", quiet=True)
    assert set(BankAccount.objects.values_list("name", flat=True)) == {"DBBL current", "BRAC savings"}
    assert Bill.objects.count() >= 12 * 7
    assert set(Bill.objects.values_list("category", flat=True)) >= {"bandwidth", "nttn", "rent", "power", "salaries", "marketing", "other"}
    # bKash's ৳30,000.00 collected is settled into DBBL (Dr 1310 / Cr 1160): nothing is left in the clearing account.
    settlement = BankMovement.objects.get(kind="settlement")
    assert (settlement.gateway, settlement.amount, settlement.to_bank.name) == ("bkash", D("30000.00"), "DBBL current")
    assert selectors.account_balance(code="1160") == D("0")
    # The ৳40,000.00 handed over is banked above the ৳2,000.00 float, less what small bills took in cash first.
    deposited = BankMovement.objects.filter(kind="deposit").aggregate(s=Sum("amount"))["s"] or D("0")
    paid_cash = sum((b.total for b in Bill.objects.filter(status="paid", paid_from="cash")), D(0))
    assert selectors.cash_balance(branch_id=branch.pk) == D("40000.00") - deposited - paid_cash >= 0
    # The money in (70,000) pays some bills; the rest stay owed (2500 = Σ of the unpaid bills' totals).
    paid = Bill.objects.filter(status="paid")
    assert paid.exists() and Bill.objects.filter(status="approved").exists()
    assert sum((b.total for b in paid), D(0)) <= D("70000.00")
    assert -selectors.account_balance(code="2500") == sum((b.total for b in Bill.objects.filter(status="approved")), D(0))
    assert_no_book_goes_negative()
    assert_journal_balances()
    today = timezone.localdate()
    year = selectors.profit_by_month(year=today.year)
    assert year[today.month - 1].expenses == sum(b.net for b in Bill.objects.filter(bill_date__year=today.year, bill_date__month=today.month))
    register = selectors.purchase_register(year=today.year, month=today.month)
    assert register.vat == selectors.vat_worksheet(year=today.year, month=today.month).input_tax > 0
    before = (Bill.objects.count(), JournalEntry.objects.count())
    call_command("seed_books", quiet=True)
    assert (Bill.objects.count(), JournalEntry.objects.count()) == before
