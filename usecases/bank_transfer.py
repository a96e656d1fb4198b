"""Money moved from one of the ISP's bank accounts to another: books' movement, checked against the
first account's book, and its journal entry (the ledger), in one transaction."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bank_movement_journal
from books import services as books_services
from books.models import BankMovement


@transaction.atomic
def bank_transfer(*, actor, from_bank, to_bank, amount, on, reference: str = "") -> BankMovement:
    movement = books_services.bank_movement_create(actor=actor, kind=BankMovement.Kind.TRANSFER, to_bank=to_bank, amount=amount,
                                                   on=on, from_bank=from_bank, reference=reference)
    bank_movement_journal(movement=movement)
    return movement
