"""A branch's cash (the collectors' hand-overs) deposited into a bank account: books' movement,
checked against the branch's cash book, and its journal entry (the ledger), in one transaction."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bank_movement_journal
from books import services as books_services
from books.models import BankMovement


@transaction.atomic
def bank_deposit(*, actor, branch, bank, amount, on, reference: str = "") -> BankMovement:
    movement = books_services.bank_movement_create(actor=actor, kind=BankMovement.Kind.DEPOSIT, to_bank=bank, amount=amount,
                                                   on=on, from_branch=branch, reference=reference)
    bank_movement_journal(movement=movement)
    return movement
