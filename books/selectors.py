"""The books' reports (docs/accounts.md, "Reports"): every figure a sum of journal lines.

Reads only: the journal is written by billing/ledger/."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from ispbill.core.money import ZERO

from .chart import ASSET as ASSET_TYPE
from .chart import (
    CUSTOMER_CREDIT,
    DEBIT_TYPES,
    EQUITY,
    EXPENSE,
    INCOME,
    INPUT_VAT,
    LIABILITY,
    OUTPUT_VAT,
    RECEIVABLES,
    RETAINED_EARNINGS,
    VDS_RECEIVABLE,
)
from .models import BankMovement, Bill, JournalEntry, JournalLine, LedgerAccount


@dataclass(frozen=True)
class AccountRow:
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """On the account's normal side: assets and expenses debits − credits, the others credits − debits."""
        return self.debit - self.credit if self.type in DEBIT_TYPES else self.credit - self.debit


@dataclass(frozen=True)
class TrialBalance:
    rows: list[AccountRow]
    debit: Decimal
    credit: Decimal


def _sums(lines) -> dict[int, tuple[Decimal, Decimal]]:
    return {
        row["account_id"]: (row["d"] or ZERO, row["c"] or ZERO)
        for row in lines.values("account_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    }


def _rows(sums: dict[int, tuple[Decimal, Decimal]], *, types=None, keep_empty: bool = False) -> list[AccountRow]:
    accounts = LedgerAccount.objects.order_by("code")
    if types:
        accounts = accounts.filter(type__in=types)
    rows = []
    for account in accounts:
        debit, credit = sums.get(account.pk, (ZERO, ZERO))
        if keep_empty or debit or credit:
            rows.append(AccountRow(account.code, account.name, account.type, debit, credit))
    return rows


def trial_balance(*, as_of: date) -> TrialBalance:
    """Every account's debits and credits up to `as_of` (inclusive)."""
    rows = _rows(_sums(JournalLine.objects.filter(entry__date__lte=as_of)))
    return TrialBalance(rows, sum((r.debit for r in rows), ZERO), sum((r.credit for r in rows), ZERO))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class ProfitAndLoss:
    first: date
    last: date
    income: list[AccountRow]
    expenses: list[AccountRow]
    income_total: Decimal
    expenses_total: Decimal

    @property
    def profit(self) -> Decimal:
        return self.income_total - self.expenses_total


def profit_and_loss(*, first: date, last: date, branch_id: int | None = None) -> ProfitAndLoss:
    """Income and expenses of the lines dated first..last; of one branch's lines when given."""
    lines = JournalLine.objects.filter(entry__date__gte=first, entry__date__lte=last, account__type__in=(INCOME, EXPENSE))
    if branch_id is not None:
        lines = lines.filter(branch_id=branch_id)
    sums = _sums(lines)
    income = _rows(sums, types=(INCOME,))
    expenses = _rows(sums, types=(EXPENSE,))
    return ProfitAndLoss(
        first, last, income, expenses, sum((r.balance for r in income), ZERO), sum((r.balance for r in expenses), ZERO),
    )


@dataclass(frozen=True)
class MonthFigures:
    first: date
    revenue: Decimal
    expenses: Decimal

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.expenses


def profit_by_month(*, year: int, branch_id: int | None = None) -> list[MonthFigures]:
    """The year's twelve months: income (revenue net of credits), expenses and profit, in one query."""
    lines = JournalLine.objects.filter(entry__date__year=year, account__type__in=(INCOME, EXPENSE))
    if branch_id is not None:
        lines = lines.filter(branch_id=branch_id)
    found = {
        (row["entry__date__month"], row["account__type"]): (row["d"] or ZERO, row["c"] or ZERO)
        for row in lines.values("entry__date__month", "account__type").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    }
    months = []
    for month in range(1, 13):
        i_debit, i_credit = found.get((month, INCOME), (ZERO, ZERO))
        e_debit, e_credit = found.get((month, EXPENSE), (ZERO, ZERO))
        months.append(MonthFigures(date(year, month, 1), i_credit - i_debit, e_debit - e_credit))
    return months


@dataclass
class BalanceSheet:
    as_of: date
    assets: list[tuple[str, str, Decimal]] = field(default_factory=list)
    liabilities: list[tuple[str, str, Decimal]] = field(default_factory=list)
    equity: list[tuple[str, str, Decimal]] = field(default_factory=list)

    @property
    def assets_total(self) -> Decimal:
        return sum((amount for _c, _n, amount in self.assets), ZERO)

    @property
    def liabilities_and_equity_total(self) -> Decimal:
        return sum((amount for _c, _n, amount in self.liabilities + self.equity), ZERO)


def balance_sheet(*, as_of: date) -> BalanceSheet:
    """Assets, liabilities and equity as of the date. The receivable is split by customer: those who
    owe (an asset) and those in credit (a liability, 2200); the profit to date is equity (3900)."""
    lines = JournalLine.objects.filter(entry__date__lte=as_of)
    rows = _rows(_sums(lines))
    names = dict(LedgerAccount.objects.values_list("code", "name"))
    per_customer = (
        lines.filter(account__code=RECEIVABLES).values("customer_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by()
    )
    owed = sum((r["d"] - r["c"] for r in per_customer if r["d"] - r["c"] > 0), ZERO)
    ahead = sum((r["c"] - r["d"] for r in per_customer if r["c"] - r["d"] > 0), ZERO)
    sheet = BalanceSheet(as_of)
    profit = ZERO
    for row in rows:
        if row.code == RECEIVABLES:
            sheet.assets.append((row.code, row.name, owed))
            sheet.liabilities.append((CUSTOMER_CREDIT, names[CUSTOMER_CREDIT], ahead))
        elif row.type == ASSET_TYPE:
            sheet.assets.append((row.code, row.name, row.balance))
        elif row.type == LIABILITY:
            sheet.liabilities.append((row.code, row.name, row.balance))
        elif row.type == EQUITY:
            sheet.equity.append((row.code, row.name, row.balance))
        elif row.type == INCOME:
            profit += row.balance
        else:
            profit -= row.balance
    sheet.equity.append((RETAINED_EARNINGS, names[RETAINED_EARNINGS], profit))
    return sheet


@dataclass(frozen=True)
class VatWorksheet:
    first: date
    last: date
    supply_value: Decimal
    output_tax: Decimal
    input_tax: Decimal
    vds_credit: Decimal

    @property
    def net_payable(self) -> Decimal:
        return self.output_tax - self.input_tax - self.vds_credit


def vat_worksheet(*, year: int, month: int) -> VatWorksheet:
    """The month's figures for the Mushak-9.1 return (docs/accounts.md): supply value (income net of
    credit notes), output tax (2100), input tax (1260), VDS credits (1250), net payable."""
    first, last = month_bounds(year, month)
    lines = JournalLine.objects.filter(entry__date__gte=first, entry__date__lte=last).filter(
        Q(account__type=INCOME) | Q(account__code__in=(OUTPUT_VAT, INPUT_VAT, VDS_RECEIVABLE))
    )
    sums = {row.code: row for row in _rows(_sums(lines))}

    def side(code, debit_side):
        row = sums.get(code)
        if row is None:
            return ZERO
        return row.debit - row.credit if debit_side else row.credit - row.debit

    supply = sum((row.balance for row in sums.values() if row.type == INCOME and row.code != "4300"), ZERO)
    vds = sums[VDS_RECEIVABLE].debit if VDS_RECEIVABLE in sums else ZERO
    return VatWorksheet(first, last, supply, side(OUTPUT_VAT, False), side(INPUT_VAT, True), vds)


JOURNAL_CSV_HEADER = ("date", "entry", "source", "kind", "reference", "account_code", "account_name", "debit", "credit", "branch_id")


def journal_csv_rows(*, first: date, last: date) -> Iterator[tuple]:
    """The journal's lines dated first..last, one row each, in entry order (the CSV export)."""
    lines = (
        JournalLine.objects.filter(entry__date__gte=first, entry__date__lte=last)
        .order_by("entry__date", "entry_id", "id")
        .values_list("entry__date", "entry_id", "entry__source", "entry__kind", "entry__reference", "account__code",
                     "account__name", "debit", "credit", "branch_id")
    )
    yield from lines.iterator(chunk_size=5000)


# The journal in the layouts accounting packages import as a general journal (docs/accounts.md, "Journal
# export"): QuickBooks Online's journal-entry import (Settings → Import data → Journal entries: one row per
# line, the lines of an entry share its Journal No, debits and credits in their own columns) and Xero's
# manual-journal import (Manual journals → Import: the lines of a journal share its narration and date,
# one signed amount, debit positive). Dates are day/month/year, as both take them in Bangladesh; the VAT
# is already in accounts of its own (2100, 1260), so no line carries a tax rate of its own in Xero.
JOURNAL_LAYOUTS = ("ispbill", "quickbooks", "xero")
QUICKBOOKS_JOURNAL_HEADER = ("Journal No", "Journal Date", "Account Name", "Debits", "Credits", "Description", "Name", "Location")
XERO_JOURNAL_HEADER = (
    "*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount", "TrackingName1", "TrackingOption1",
)
XERO_NO_TAX = "Tax Exempt"


def _journal_lines_named(*, first: date, last: date):
    return (
        JournalLine.objects.filter(entry__date__gte=first, entry__date__lte=last)
        .order_by("entry__date", "entry_id", "id")
        .values_list("entry__date", "entry_id", "entry__kind", "entry__reference", "account__code", "account__name",
                     "debit", "credit", "branch__name", "customer__name")
        .iterator(chunk_size=5000)
    )


def _description(kind: str, reference: str) -> str:
    return f"{kind.replace('_', ' ')} {reference}".strip()


def journal_export(*, first: date, last: date, layout: str = "ispbill") -> tuple[tuple[str, ...], Iterator[tuple]]:
    """The header and the rows of the journal export in one of JOURNAL_LAYOUTS."""
    if layout == "quickbooks":
        rows = (
            (entry_id, day.strftime("%d/%m/%Y"), name, debit or "", credit or "", _description(kind, reference),
             customer or "", branch or "")
            for day, entry_id, kind, reference, _code, name, debit, credit, branch, customer in _journal_lines_named(first=first, last=last)
        )
        return QUICKBOOKS_JOURNAL_HEADER, rows
    if layout == "xero":
        rows = (
            (f"ispbill {entry_id}: {_description(kind, reference)}", day.strftime("%d/%m/%Y"), customer or name, code, XERO_NO_TAX,
             debit if debit else -credit, "Branch" if branch else "", branch or "")
            for day, entry_id, kind, reference, code, name, debit, credit, branch, customer in _journal_lines_named(first=first, last=last)
        )
        return XERO_JOURNAL_HEADER, rows
    return JOURNAL_CSV_HEADER, journal_csv_rows(first=first, last=last)


# Cash and bank books (docs/accounts.md, "Cash and bank") ----------------------------------------------


def account_balance(*, code: str, branch_id: int | None = None, as_of: date | None = None) -> Decimal:
    """Σ debits − Σ credits of an asset account (of one branch's lines when given)."""
    lines = JournalLine.objects.filter(account__code=code)
    if branch_id is not None:
        lines = lines.filter(branch_id=branch_id)
    if as_of is not None:
        lines = lines.filter(entry__date__lte=as_of)
    sums = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or ZERO) - (sums["c"] or ZERO)


def cash_balance(*, branch_id: int, as_of: date | None = None) -> Decimal:
    """What a branch's cash book holds: its lines of 1110 (hand-overs in; bills paid in cash and
    deposits to a bank out)."""
    from .chart import CASH_AT_BRANCHES

    return account_balance(code=CASH_AT_BRANCHES, branch_id=branch_id, as_of=as_of)


def _book_kind_labels() -> dict[str, str]:
    """What a cash or bank book's line is, in words (its journal entry's kind is a code): the kinds
    that post to 1110 and to the bank accounts."""

    paid = JournalEntry.Source.BILL_PAYMENT.label
    return {
        "handover": JournalEntry.Source.HANDOVER.label,
        "deposit": BankMovement.Kind.DEPOSIT.label,
        "transfer": BankMovement.Kind.TRANSFER.label,
        "bill_paid_cash": f"{paid} · {Bill.PaidFrom.CASH.label}",
        "bill_paid_bank": f"{paid} · {Bill.PaidFrom.BANK.label}",
        **{f"settlement_{value}": f"{BankMovement.Kind.SETTLEMENT.label} · {label}" for value, label in BankMovement.Gateway.choices},
    }


@dataclass(frozen=True)
class BookLine:
    line_id: int
    date: date
    source: str
    kind: str
    reference: str
    memo: str
    debit: Decimal
    credit: Decimal
    balance: Decimal

    @property
    def kind_label(self) -> str:
        return _book_kind_labels().get(self.kind, self.kind)


@dataclass(frozen=True)
class AccountBook:
    first: date
    last: date
    opening: Decimal
    lines: list[BookLine]
    closing: Decimal

    @property
    def money_in(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def money_out(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


BOOK_LINES_MAX = 2000


def account_book(*, code: str, first: date, last: date, branch_id: int | None = None) -> AccountBook:
    """The cash book of a branch (1110, branch) or a bank account's book (its own code): the balance
    brought forward from before `first`, each line dated first..last with the running balance, and
    the closing balance (opening + Σ in − Σ out)."""
    lines = JournalLine.objects.filter(account__code=code)
    if branch_id is not None:
        lines = lines.filter(branch_id=branch_id)
    before = lines.filter(entry__date__lt=first).aggregate(d=Sum("debit"), c=Sum("credit"))
    opening = (before["d"] or ZERO) - (before["c"] or ZERO)
    rows, running = [], opening
    for pk, day, source, kind, reference, memo, debit, credit in (
        lines.filter(entry__date__gte=first, entry__date__lte=last).order_by("entry__date", "entry_id", "id")
        .values_list("pk", "entry__date", "entry__source", "entry__kind", "entry__reference", "entry__memo", "debit", "credit")
        [:BOOK_LINES_MAX]
    ):
        running += debit - credit
        rows.append(BookLine(pk, day, source, kind, reference, memo, debit, credit, running))
    return AccountBook(first, last, opening, rows, running)


# The purchase register (Mushak-6.1) ------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseRegister:
    first: date
    last: date
    bills: list
    net: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


def purchase_register(*, year: int, month: int) -> PurchaseRegister:
    """The month's purchases for the purchase register (Mushak-6.1): every approved or paid bill
    dated in the month, with the supplier's name and BIN, their invoice number, the value before VAT
    and the input VAT. Its VAT total is the input tax of the month's VAT worksheet (1260)."""

    first, last = month_bounds(year, month)
    bills = list(
        Bill.objects.filter(bill_date__gte=first, bill_date__lte=last).exclude(status=Bill.Status.AWAITING_APPROVAL)
        .select_related("supplier", "branch").order_by("bill_date", "id")
    )
    return PurchaseRegister(first, last, bills, sum((b.net for b in bills), ZERO), sum((b.vat for b in bills), ZERO))


PURCHASE_REGISTER_CSV_HEADER = (
    "serial", "bill", "date", "supplier", "supplier_bin", "supplier_invoice", "description", "category", "value", "vat", "total",
)


def purchase_register_csv_rows(register: PurchaseRegister) -> Iterator[tuple]:
    for serial, bill in enumerate(register.bills, start=1):
        yield (serial, bill.number, bill.bill_date.isoformat(), bill.supplier.name, bill.supplier.bin, bill.supplier_reference,
               bill.description, bill.get_category_display(), bill.net, bill.vat, bill.total)


def bills_list(*, status: str = "", category: str = ""):
    from .models import Bill

    bills = Bill.objects.select_related("supplier", "branch").order_by("-bill_date", "-id")
    if status:
        bills = bills.filter(status=status)
    if category:
        bills = bills.filter(category=category)
    return bills
