"""A gateway's settlement (bKash, Nagad, SSLCommerz pay the collections they took into a bank account):
books' movement, checked against what 1160 gateway clearing holds, and its journal entry (the ledger:
Dr the bank account / Cr 1160), in one transaction."""

from __future__ import annotations

from django.db import transaction

from billing.ledger.books import bank_movement_journal
from books import services as books_services
from books.models import BankMovement


@transaction.atomic
def gateway_settlement(*, actor, gateway: str, bank, amount, on, reference: str = "") -> BankMovement:
    movement = books_services.bank_movement_create(actor=actor, kind=BankMovement.Kind.SETTLEMENT, to_bank=bank, amount=amount,
                                                   on=on, gateway=gateway, reference=reference)
    bank_movement_journal(movement=movement)
    return movement
