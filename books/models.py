"""The books (docs/accounts.md): the chart of accounts and the double-entry journal.

The journal is money: only billing/ledger/ writes it (tests/money_guard.py watches `books_journalentry`
and `books_journalline` like the ledger's own tables), posting each money event in the transaction
that makes it. It is append-only and every entry balances: on PostgreSQL a trigger refuses an
INSERT statement that leaves any entry's debits unequal to its credits and any UPDATE or DELETE
(migration 0002); on every database the posting functions check the same before they write.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.money import MoneyField

from .chart import ASSET, EQUITY, EXPENSE, INCOME, LIABILITY


class LedgerAccount(models.Model):
    """One account of the chart: the fixed ones (books/chart.py) and one per bank account."""

    class Type(models.TextChoices):
        ASSET = ASSET, _("Asset")
        LIABILITY = LIABILITY, _("Liability")
        EQUITY = EQUITY, _("Equity")
        INCOME = INCOME, _("Income")
        EXPENSE = EXPENSE, _("Expense")

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    type = models.CharField(max_length=16, choices=Type.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    """One posting: the money event it records is (`source`, `source_id`) — a customer ledger entry,
    a card sale, a hand-over … — once, whoever posts it (live, or the back-posting of history)."""

    class Source(models.TextChoices):
        LEDGER = "ledger", _("Customer ledger entry")
        LEDGER_WITHDRAWN = "ledger_withdrawn", _("Opening balance withdrawn")
        CARD_SALE = "card_sale", _("Prepaid card sold online")
        CARD_REFUND = "card_refund", _("Prepaid card refunded")
        HANDOVER = "handover", _("Cash hand-over")

    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.BigIntegerField()
    date = models.DateField()
    kind = models.CharField(max_length=24)
    reference = models.CharField(max_length=64, blank=True)
    memo = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="journal_one_entry_per_source")]
        indexes = [models.Index(fields=["date"], name="journal_date_idx")]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.reference}"


class JournalLine(models.Model):
    """A debit or a credit of one account. `branch` and `customer` are dimensions for the reports
    (cash per branch, profit per branch, receivables per customer); they hold no constraint so a
    customer removed by an import's undo leaves its history readable.

    No database foreign keys and few indexes, on purpose: a million invoices back-posted are 3.2
    million lines, and a foreign-key check per line was most of the time (bench/journal_post.py).
    The lines are written only by the ledger's statements, which take the entry and account ids from
    the rows they select, and neither the entries nor the lines can be deleted (the trigger)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, db_constraint=False, db_index=False, related_name="lines")
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    branch = models.ForeignKey(
        "customers.Branch", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)), name="journalline_one_side",
            ),
        ]
        indexes = [models.Index(fields=["account", "entry"], name="journalline_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} Dr {self.debit} Cr {self.credit}"
