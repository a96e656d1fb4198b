"""The journal entries of the books' own documents (docs/accounts.md, "Expenses and purchases",
"Cash and bank"): a supplier's bill approved, a bill paid, a deposit or a transfer. Written here,
in the ledger, like every other journal entry (tests/money_guard.py); the documents are books'
(books/services.py) and the use cases call both in one transaction.

- `bill_journal(bill=)`: Dr the category's expense (the bill's branch) and Dr 1260 input VAT / Cr
  2500 suppliers payable, dated the bill's date.
- `bill_payment_journal(bill=)`: Dr 2500 / Cr 1110 the branch's cash, or Cr the bank account's own
  account, dated the day paid.
- `bill_part_journal(payment=)`: a payment towards a bill, all or part of it (books' `BillPayment`):
  Dr 2500 / Cr 1110 the branch's cash or the bank account's own account, dated the day paid.
- `bank_movement_journal(movement=)`: Dr the receiving bank / Cr 1110 the branch (a deposit), the
  sending bank (a transfer) or 1160 gateway clearing (a gateway's settlement).
- `books_journal_many(bills=, movements=)`: all of those for many documents at once (the demo's
  year), two inserts for the entries and two for the lines.
"""

from __future__ import annotations

from django.utils import timezone

from books.chart import CASH_AT_BRANCHES, GATEWAY_CLEARING, INPUT_VAT, SUPPLIERS
from books.models import BankMovement, Bill, BillPayment, JournalEntry, JournalLine, LedgerAccount
from ispbill.core.money import to_money

from .journal import JournalLineSpec, UnbalancedEntry, _require_atomic, journal_post

Source = JournalEntry.Source


def _bill_lines(bill: Bill) -> list[JournalLineSpec]:
    return [
        JournalLineSpec(bill.expense_account, debit=bill.net, branch_id=bill.branch_id),
        JournalLineSpec(INPUT_VAT, debit=bill.vat, branch_id=bill.branch_id),
        JournalLineSpec(SUPPLIERS, credit=bill.total, branch_id=bill.branch_id),
    ]


def _paid_from_code(bill: Bill) -> str:
    return CASH_AT_BRANCHES if bill.paid_from == Bill.PaidFrom.CASH else bill.paid_bank.ledger_account.code


def _payment_lines(bill: Bill) -> list[JournalLineSpec]:
    return [
        JournalLineSpec(SUPPLIERS, debit=bill.total, branch_id=bill.branch_id),
        JournalLineSpec(_paid_from_code(bill), credit=bill.total, branch_id=bill.branch_id),
    ]


def _movement_lines(movement: BankMovement) -> list[JournalLineSpec]:
    if movement.kind == BankMovement.Kind.DEPOSIT:
        source = JournalLineSpec(CASH_AT_BRANCHES, credit=movement.amount, branch_id=movement.from_branch_id)
    elif movement.kind == BankMovement.Kind.SETTLEMENT:
        source = JournalLineSpec(GATEWAY_CLEARING, credit=movement.amount)
    else:
        source = JournalLineSpec(movement.from_bank.ledger_account.code, credit=movement.amount)
    return [JournalLineSpec(movement.to_bank.ledger_account.code, debit=movement.amount, branch_id=movement.from_branch_id), source]


def bill_journal(*, bill: Bill) -> JournalEntry:
    """An approved bill: its cost and input VAT, owed to the supplier."""
    if bill.status == Bill.Status.AWAITING_APPROVAL:
        raise ValueError(f"bill {bill.number} is not approved: nothing is posted before it is")
    return journal_post(source=Source.BILL, source_id=bill.pk, date=bill.bill_date, kind=f"bill_{bill.category}",
                        reference=bill.number, memo=f"{bill.supplier.name}: {bill.description}", lines=_bill_lines(bill))


def bill_payment_journal(*, bill: Bill) -> JournalEntry:
    """A bill paid: the supplier no longer owed, the branch's cash or the bank account lower."""
    if bill.status != Bill.Status.PAID:
        raise ValueError(f"bill {bill.number} is not paid")
    return journal_post(source=Source.BILL_PAYMENT, source_id=bill.pk, date=bill.paid_on, kind=f"bill_paid_{bill.paid_from}",
                        reference=bill.payment_reference or bill.number, memo=bill.supplier.name, lines=_payment_lines(bill))


def bill_part_journal(*, payment: BillPayment) -> JournalEntry:
    """A payment towards a bill (all or part of what is open): the supplier owed that much less, the
    branch's cash or the bank account lower by it."""
    bill = payment.bill
    paid_from = CASH_AT_BRANCHES if payment.paid_from == Bill.PaidFrom.CASH else payment.bank.ledger_account.code
    return journal_post(
        source=Source.BILL_PART, source_id=payment.pk, date=payment.paid_on, kind=f"bill_paid_{payment.paid_from}",
        reference=payment.reference or bill.number, memo=f"{bill.number} {bill.supplier.name}",
        lines=[JournalLineSpec(SUPPLIERS, debit=payment.amount, branch_id=bill.branch_id),
               JournalLineSpec(paid_from, credit=payment.amount, branch_id=bill.branch_id)],
    )


def bank_movement_journal(*, movement: BankMovement) -> JournalEntry:
    return journal_post(source=Source.BANK_MOVEMENT, source_id=movement.pk, date=movement.date,
                        kind=f"settlement_{movement.gateway}" if movement.gateway else movement.kind,
                        reference=movement.reference, lines=_movement_lines(movement))


def books_journal_many(*, bills: list[Bill] = (), movements: list[BankMovement] = ()) -> int:
    """The entries of many approved (and paid) bills and of many movements, set-based: each entry
    checked to balance, then one insert of the entries and one of their lines. Returns how many
    entries were written. For documents just made (the demo's year): nothing of theirs is posted yet."""
    _require_atomic("books_journal_many")
    now = timezone.now()
    planned: list[tuple[JournalEntry, list[JournalLineSpec]]] = []
    for bill in bills:
        planned.append((JournalEntry(source=Source.BILL, source_id=bill.pk, date=bill.bill_date, kind=f"bill_{bill.category}",
                                     reference=bill.number, memo=f"{bill.supplier.name}: {bill.description}"[:255],
                                     created_at=now), _bill_lines(bill)))
        if bill.status == Bill.Status.PAID:
            planned.append((JournalEntry(source=Source.BILL_PAYMENT, source_id=bill.pk, date=bill.paid_on,
                                         kind=f"bill_paid_{bill.paid_from}", reference=bill.payment_reference or bill.number,
                                         memo=bill.supplier.name[:255], created_at=now), _payment_lines(bill)))
    for movement in movements:
        planned.append((JournalEntry(source=Source.BANK_MOVEMENT, source_id=movement.pk, date=movement.date,
                                     kind=f"settlement_{movement.gateway}" if movement.gateway else movement.kind,
                                     reference=movement.reference, created_at=now), _movement_lines(movement)))
    if not planned:
        return 0
    for entry, lines in planned:
        lines[:] = [line for line in lines if to_money(line.debit) or to_money(line.credit)]
        if sum(to_money(line.debit) for line in lines) != sum(to_money(line.credit) for line in lines) or not lines:
            raise UnbalancedEntry(f"{entry.source} {entry.source_id} does not balance")
    entries = JournalEntry.objects.bulk_create([entry for entry, _lines in planned])
    accounts = dict(LedgerAccount.objects.values_list("code", "pk"))
    JournalLine.objects.bulk_create([
        JournalLine(entry_id=entry.pk, account_id=accounts[line.code], debit=to_money(line.debit), credit=to_money(line.credit),
                    branch_id=line.branch_id)
        for entry, (_planned, lines) in zip(entries, planned, strict=True) for line in lines
    ])  # one statement: the trigger checks each statement leaves every entry balanced
    return len(entries)
