"""A payment towards an approved bill — all that is open on it or a part — from a branch's cash or a
bank account (books), and the payment's journal entry (the ledger), in one transaction."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bill_part_journal
from books import services as books_services
from books.models import Bill


@transaction.atomic
def bill_settle(*, actor, bill: Bill, paid_from: str, paid_on, bank=None, reference: str = "", amount=None) -> Bill:
    payment = books_services.bill_paid_record(actor=actor, bill=bill, paid_from=paid_from, paid_on=paid_on, bank=bank,
                                              reference=reference, amount=amount)
    bill_part_journal(payment=payment)
    return payment.bill
