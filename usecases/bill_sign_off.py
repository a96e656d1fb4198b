"""A bill above the approval limit approved by a second person (books), then posted to the journal
by the ledger, in one transaction."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bill_journal
from books import services as books_services
from books.models import Bill


@transaction.atomic
def bill_sign_off(*, actor, bill: Bill) -> Bill:
    bill = books_services.bill_approve(actor=actor, bill=bill)
    bill_journal(bill=bill)
    return bill
