"""The demo's whole year in the books (issue #55, "Done when"): a year of history (seed_demo), first
checked as written by the billing engine (tests/demo/test_seed_base.py), the cash hand-overs the page
states add (seed_states, done here as it does them), the books' step (seed_books) and the VAT step
(seed_vat), in the order `manage.py seed` runs them. Every journal entry balances and so does each month of the
year; every money event of the year has its one entry; and the last full month's Mushak-9.1 worksheet is
recomputed by hand from that month's documents — each invoice line's VAT at the rate, half-up, the
credits given, the suppliers' bills, and the three corporate customers' VAT deducted at source."""

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from billing.models import BillingSettings, LedgerEntry
from books import selectors
from books.models import BankMovement, Bill, BillPayment, JournalEntry, JournalLine
from customers.models import Branch, Customer
from demo.management.commands.seed_vat import CORPORATES
from payments.models import CashHandover, VdsDeduction
from payments.selectors import cash_in_hand
from payments.services import cash_handover_record
from tests.books.test_seed_books import assert_journal_balances, assert_no_book_goes_negative
from tests.demo.test_seed_base import assert_a_year_of_history_written_by_the_billing_engine

D = Decimal
CENT = D("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _line_vat(line, *, rate: Decimal, inclusive: bool) -> Decimal:
    """One invoice line's VAT by hand: net × rate on top, or gross × rate ÷ (100 + rate) taken out."""
    return _cents(line.gross * rate / (100 + rate)) if inclusive else _cents(line.net * rate / 100)


def _by_hand(entry: LedgerEntry, *, inclusive: bool) -> tuple[Decimal, Decimal]:
    """(value of supply, output VAT) one customer-ledger entry adds to the month (docs/accounts.md)."""
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        supply, vat = _by_hand(entry.reverses, inclusive=inclusive)
        return -supply, -vat
    if entry.kind in (LedgerEntry.Kind.INVOICE, LedgerEntry.Kind.FEE, LedgerEntry.Kind.DEBIT_NOTE):
        invoice = entry.invoice
        assert entry.amount == invoice.total  # the whole invoice (or debit note's charge) is owed at once
        lines = list(invoice.lines.all())
        vat = sum((_line_vat(line, rate=invoice.vat_rate, inclusive=inclusive) for line in lines), D(0))
        return sum((line.net for line in lines), D(0)), vat
    if entry.kind == LedgerEntry.Kind.CREDIT_NOTE:
        invoice = entry.invoice
        share = _cents(entry.amount * invoice.vat_total / invoice.total)  # its share of the invoice's VAT
        return entry.amount - share, share
    if entry.kind in (LedgerEntry.Kind.CREDIT, LedgerEntry.Kind.ADJUSTMENT):
        return entry.amount, D(0)  # credits given lower the supply (4900); no VAT on them
    return D(0), D(0)  # payments, refunds, opening balances: no supply


def hand_over_the_cashiers_cash():
    """As seed_states does: the Mirpur cashier hands 80 % of his field cash to the head cashier at
    Mirpur, who hands half of his to the manager; the branch's cash book then holds it (1110)."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["mirpur.cashier", "cashier", "manager"])}
    branch = Branch.objects.get(code="MIR")
    for collector, receiver, share in (("mirpur.cashier", "cashier", D("0.8")), ("cashier", "manager", D("0.5"))):
        holding = cash_in_hand(collector_ids=[users[collector].pk])[users[collector].pk]["in_hand"]
        cash_handover_record(actor=users[receiver], collector=users[collector], branch=branch, amount=(holding * share).quantize(D("1")))


@pytest.mark.slow(seconds=20)  # a year of daily billing runs, then the books and VAT steps
@pytest.mark.django_db
def test_the_demo_years_journal_balances_and_a_months_vat_worksheet_is_recomputed_by_hand(settings):
    # A new install's settings, as the demo has them: the first invoice issued at activation
    # (tests/demo/conftest.py; the suite's conftest keeps the night's-run rule for everything else).
    settings.BILLING_DEFAULTS = {**settings.BILLING_DEFAULTS, "invoice_at_activation": True}
    call_command("seed_demo", customers=30, leads=0, months=12, quiet=True)
    # The year itself first, before the books' steps add to it (tests/demo/test_seed_base.py).
    assert_a_year_of_history_written_by_the_billing_engine()
    hand_over_the_cashiers_cash()
    call_command("seed_books", quiet=True)
    call_command("seed_vat")
    today = timezone.localdate()

    # The whole year: every entry balances, and so does each month's journal.
    assert_journal_balances()
    assert_no_book_goes_negative()
    first_day = JournalEntry.objects.order_by("date").values_list("date", flat=True).first()
    assert (today - first_day).days >= 360  # a year of history is in the books
    months = JournalLine.objects.annotate(month=TruncMonth("entry__date")).values("month").annotate(d=Sum("debit"), c=Sum("credit"))
    assert len(months) >= 12
    for month in months:
        assert month["d"] == month["c"] > 0, month
    tb = selectors.trial_balance(as_of=today)
    assert tb.debit == tb.credit > 0
    # Every money event of the year has its one entry: customer-ledger entries, bills approved, their
    # payments, the hand-overs and the bank's deposits, transfers and settlements.
    posted = dict(JournalEntry.objects.values("source").annotate(n=Count("id")).values_list("source", "n"))
    assert posted["ledger"] == LedgerEntry.objects.count()
    assert posted["bill"] == Bill.objects.exclude(status=Bill.Status.AWAITING_APPROVAL).count()
    assert posted.get("bill_payment", 0) + posted.get("bill_part", 0) >= Bill.objects.filter(status=Bill.Status.PAID).count()
    assert posted.get("bill_part", 0) == BillPayment.objects.count()
    assert posted["handover"] == CashHandover.objects.count() == 2
    assert posted["bank_movement"] == BankMovement.objects.count() > 0

    # Last full month's worksheet, by hand.
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    inclusive = BillingSettings.objects.get().prices_include_vat
    supply = output = D(0)
    kinds = defaultdict(int)
    entries = LedgerEntry.objects.filter(effective_date__gte=first, effective_date__lte=last).select_related(
        "invoice", "reverses__invoice").prefetch_related("invoice__lines")
    for entry in entries:
        kinds[entry.kind] += 1
        s, v = _by_hand(entry, inclusive=inclusive)
        supply, output = supply + s, output + v
    assert kinds["invoice"] >= 25 and output > 0  # a month of the demo's invoices
    bills = Bill.objects.filter(bill_date__gte=first, bill_date__lte=last).exclude(status=Bill.Status.AWAITING_APPROVAL)
    assert bills.count() >= 7  # bandwidth, NTTN, rent, power, salaries, marketing, other
    input_tax = sum((bill.vat for bill in bills), D(0))
    assert input_tax > 0
    # The corporate customers each withheld their invoice's VAT: 15 % of ৳25,000.00, ৳40,000.00 and
    # ৳15,000.00 = ৳3,750.00, ৳6,000.00 and ৳2,250.00, counted in the month their payment came.
    assert BillingSettings.objects.get().vat_rate == D("15.00")
    withheld = {"Padma Textiles Ltd": D("3750.00"), "Meghna Bank, Mirpur Branch": D("6000.00"), "Jamuna Soft Ltd": D("2250.00")}
    assert {name for name, *_rest in CORPORATES} == set(withheld)
    vds = sum((withheld[d.customer.name] for d in VdsDeduction.objects.select_related("customer")
               if first <= d.deducted_on <= last), D(0))
    assert VdsDeduction.objects.count() == 3
    assert set(Customer.objects.filter(vds_deductions__isnull=False).values_list("name", flat=True)) == set(withheld)

    worksheet = selectors.vat_worksheet(year=first.year, month=first.month)
    assert (worksheet.supply_value, worksheet.output_tax, worksheet.input_tax, worksheet.vds_credit) == (supply, output, input_tax, vds)
    assert worksheet.net_payable == output - input_tax - vds
    # The purchase register (Mushak-6.1) of the month carries the same input tax.
    assert selectors.purchase_register(year=first.year, month=first.month).vat == input_tax
