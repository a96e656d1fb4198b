"""A bank account's reconciliation (docs/accounts.md, "Bank reconciliation"): the bank's statement
(a CSV file) read line by line and each line matched to a line of the account's book — the same
amount on the same side, dated within MATCH_DAYS of each other, a line whose reference appears in
the statement's text first, then the nearest date. Read only: nothing is written, so a statement
can be checked as often as the accountant likes; a file that cannot be read is refused whole."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ispbill.core.money import ZERO

from .selectors import BookLine, account_book

MATCH_DAYS = 3
MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
DATE_HEADERS = ("date", "value date", "transaction date", "txn date", "posting date")
AMOUNT_HEADERS = ("amount",)
CREDIT_HEADERS = ("credit", "deposit", "deposits", "money in")
DEBIT_HEADERS = ("debit", "withdrawal", "withdrawals", "money out")
TEXT_HEADERS = ("reference", "ref", "description", "narration", "particulars", "details", "cheque no")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y")


class StatementError(ValueError):
    """A statement that cannot be read: the message names the line."""


@dataclass(frozen=True)
class StatementLine:
    row: int          # the file's line number (the header is line 1)
    date: date
    amount: Decimal   # signed: money into the account positive, out negative
    text: str


def _money(raw: str) -> Decimal:
    cleaned = raw.replace(",", "").replace("৳", "").replace("BDT", "").strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()").strip()
    if cleaned.upper().endswith(("CR", "DR")):
        negative = negative or cleaned.upper().endswith("DR")
        cleaned = cleaned[:-2].strip()
    if not cleaned:
        return ZERO
    value = Decimal(cleaned)
    if not value.is_finite() or abs(value) >= Decimal("1000000000000"):
        raise InvalidOperation
    return (-value if negative else value).quantize(Decimal("0.01"))


def _date(raw: str) -> date:
    raw = raw.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    for index, header in enumerate(headers):
        if header in names:
            return index
    return None


def statement_parse(content: bytes) -> list[StatementLine]:
    """The statement's lines. Columns by their headers: a date, and an amount (signed) or a credit
    and a debit column; any of reference / description / narration is the text matched against
    references. Raises StatementError for anything it cannot read, naming the line."""
    if len(content) > MAX_BYTES:
        raise StatementError(_("The statement is larger than 2 MB: split it by month."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementError(_("The statement is not a CSV file in UTF-8.")) from None
    if "\x00" in text:
        raise StatementError(_("The statement is not a CSV file."))
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise StatementError(_("The statement is not a CSV file: %(error)s") % {"error": error}) from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise StatementError(_("The statement is empty."))
    headers = [re.sub(r"\s+", " ", cell.strip().lower()) for cell in rows[0]]
    at, amount_at = _column(headers, DATE_HEADERS), _column(headers, AMOUNT_HEADERS)
    credit_at, debit_at = _column(headers, CREDIT_HEADERS), _column(headers, DEBIT_HEADERS)
    text_at = [i for i, header in enumerate(headers) if header in TEXT_HEADERS]
    if at is None or (amount_at is None and (credit_at is None or debit_at is None)):
        raise StatementError(_("The first line must name the columns: a date, and an amount (or a credit and a debit)."))
    if len(rows) - 1 > MAX_LINES:
        raise StatementError(_("The statement has more than %(max)d lines: split it by month.") % {"max": MAX_LINES})
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(headers) - len(row))
        try:
            day = _date(cells[at])
        except ValueError:
            raise StatementError(_("Line %(n)d: “%(v)s” is not a date (dd/mm/yyyy).") % {"n": number, "v": cells[at][:40]}) from None
        try:
            if amount_at is not None:
                amount = _money(cells[amount_at])
            else:
                amount = _money(cells[credit_at]) - _money(cells[debit_at])
        except (InvalidOperation, ValueError):
            raise StatementError(_("Line %(n)d: the amount is not a number.") % {"n": number}) from None
        if amount == ZERO:
            raise StatementError(_("Line %(n)d: no amount.") % {"n": number})
        lines.append(StatementLine(number, day, amount, " ".join(cells[i].strip() for i in text_at)[:255]))
    if not lines:
        raise StatementError(_("The statement has no lines under its headers."))
    return lines


@dataclass
class Reconciliation:
    first: date
    last: date
    matched: list[tuple[StatementLine, BookLine]] = field(default_factory=list)
    statement_only: list[StatementLine] = field(default_factory=list)
    book_only: list[BookLine] = field(default_factory=list)

    @property
    def statement_total(self) -> Decimal:
        return sum((s.amount for s, _b in self.matched), ZERO) + sum((s.amount for s in self.statement_only), ZERO)

    @property
    def book_total(self) -> Decimal:
        return sum((b.debit - b.credit for _s, b in self.matched), ZERO) + sum((b.debit - b.credit for b in self.book_only), ZERO)

    @property
    def difference(self) -> Decimal:
        """The statement's movements less the book's over the statement's dates."""
        return self.statement_total - self.book_total


def reconcile(*, code: str, lines: list[StatementLine]) -> Reconciliation:
    """Each statement line matched to one book line of account `code`, at most once each; what is
    left on either side listed (book lines only from the statement's first to last date)."""
    first, last = min(s.date for s in lines), max(s.date for s in lines)
    book = account_book(code=code, first=first - timedelta(days=MATCH_DAYS), last=last + timedelta(days=MATCH_DAYS)).lines
    free = {b.line_id: b for b in book}
    result = Reconciliation(first, last)
    for line in sorted(lines, key=lambda s: (s.date, s.row)):
        text = line.text.lower()
        candidates = [
            b for b in free.values() if b.debit - b.credit == line.amount and abs((b.date - line.date).days) <= MATCH_DAYS
        ]
        if not candidates:
            result.statement_only.append(line)
            continue
        best = min(candidates, key=lambda b: (not (b.reference and b.reference.lower() in text), abs((b.date - line.date).days), b.line_id))
        del free[best.line_id]
        result.matched.append((line, best))
    result.book_only = [b for b in free.values() if first <= b.date <= last]
    return result
