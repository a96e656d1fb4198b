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
from .models import JournalLine, LedgerAccount


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
