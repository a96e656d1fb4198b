"""The books (docs/accounts.md): the chart of accounts and the double-entry journal.

The journal is money: only billing/ledger/ writes it (tests/money_guard.py watches `books_journalentry`
and `books_journalline` like the ledger's own tables), posting each money event in the transaction
that makes it. It is append-only and every entry balances: on PostgreSQL a trigger refuses an
INSERT statement that leaves any entry's debits unequal to its credits and any UPDATE or DELETE
(migration 0002); on every database the posting functions check the same before they write.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ispbill.core.attachments import stored_name
from ispbill.core.money import MoneyField

from . import chart
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
        BILL = "bill", _("Supplier's bill")
        BILL_PAYMENT = "bill_payment", _("Supplier's bill paid")
        BANK_MOVEMENT = "bank_movement", _("Bank deposit or transfer")
        WALLET = "wallet", _("Reseller wallet entry")
        MARGIN = "margin", _("Reseller renewal margin")
        COMMISSION = "commission", _("Reseller commission, clawback or payout")
        BILL_PART = "bill_part", _("Part of a supplier's bill paid")

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


# Expenses and purchases (docs/accounts.md, "Expenses and purchases") ------------------------------------


class Supplier(models.Model):
    """Whom the ISP buys from: the upstream (IIG), the NTTN, a landlord, a shop. The BIN (the NBR's
    13-digit business identification number) goes onto the purchase register (Mushak-6.1)."""

    name = models.CharField(max_length=150, unique=True)
    bin = models.CharField(_("BIN"), max_length=13, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExpenseCategory(models.TextChoices):
    """What a bill is for, and the expense account of the chart it is posted to (EXPENSE_ACCOUNTS)."""

    BANDWIDTH = "bandwidth", _("Bandwidth (IIG)")
    NTTN = "nttn", _("NTTN")
    RENT = "rent", _("Rent")
    POWER = "power", _("Electricity and fuel")
    SALARIES = "salaries", _("Salaries")
    EQUIPMENT = "equipment", _("Equipment")
    MARKETING = "marketing", _("Marketing")
    OTHER = "other", _("Other")


EXPENSE_ACCOUNTS = {
    ExpenseCategory.BANDWIDTH: chart.BANDWIDTH, ExpenseCategory.NTTN: chart.NTTN, ExpenseCategory.RENT: chart.RENT,
    ExpenseCategory.POWER: chart.POWER, ExpenseCategory.SALARIES: chart.SALARIES, ExpenseCategory.EQUIPMENT: chart.EQUIPMENT,
    ExpenseCategory.MARKETING: chart.MARKETING, ExpenseCategory.OTHER: chart.OTHER_EXPENSES,
}


def bill_attachment_path(instance, filename: str) -> str:
    return stored_name("bills", filename)


class BankAccount(models.Model):
    """One of the ISP's bank accounts, with an account of its own in the chart (1310, 1311, …) that
    deposits, transfers and bills paid from it move."""

    name = models.CharField(max_length=100, unique=True)
    bank = models.CharField(max_length=100)
    number = models.CharField(max_length=40)
    ledger_account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="bank_account")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.bank} {self.number})"


class Bill(models.Model):
    """A supplier's bill: what was bought (net of VAT), the input VAT on it, the branch it is a cost
    of. Entered by one person; above the approval limit (settings.BOOKS_BILL_APPROVAL_LIMIT) a second
    person with the approval permission approves it before it counts. It is posted to the journal
    when approved (Dr expense and input VAT / Cr suppliers payable) and again when paid (Dr suppliers
    payable / Cr the branch's cash or a bank account), by billing/ledger/books.py."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        APPROVED = "approved", _("Approved, unpaid")
        PARTLY_PAID = "partly", _("Partly paid")
        PAID = "paid", _("Paid")

    class PaidFrom(models.TextChoices):
        CASH = "cash", _("Branch cash")
        BANK = "bank", _("Bank account")

    number = models.CharField(max_length=20, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="bills")
    supplier_reference = models.CharField(_("Supplier's invoice number"), max_length=64, blank=True)
    category = models.CharField(max_length=16, choices=ExpenseCategory.choices)
    branch = models.ForeignKey("customers.Branch", on_delete=models.PROTECT, related_name="+")
    bill_date = models.DateField()
    description = models.CharField(max_length=255)
    net = MoneyField()
    vat = MoneyField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_from = models.CharField(max_length=4, choices=PaidFrom.choices, blank=True)
    paid_bank = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="bills_paid")
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment_reference = models.CharField(max_length=64, blank=True)
    # Σ of its payments (BillPayment), moved under the bill's row lock with each; a bill paid in one go
    # before payments had rows of their own (and the demo's, inserted paid) holds its total.
    amount_paid = MoneyField(default=0)
    attachment = models.FileField(upload_to=bill_attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(max_length=150, blank=True)
    attachment_type = models.CharField(max_length=80, blank=True)
    # Equipment bought into a branch's store (fieldservice): the model's name and the serials
    # received with this bill (usecases/bill_enter.py receives them).
    equipment_model = models.CharField(max_length=120, blank=True)
    equipment_serials = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-bill_date", "-id"]
        permissions = [("approve_bill", "Can approve a bill above the approval limit"), ("pay_bill", "Can record a bill paid")]
        constraints = [
            models.CheckConstraint(condition=Q(net__gt=0) & Q(vat__gte=0), name="bill_amounts_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", paid_on__isnull=False) | ~Q(status="paid"), name="bill_paid_has_a_date",
            ),
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="bill_paid_not_negative"),
        ]
        indexes = [models.Index(fields=["bill_date"], name="bill_date_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.supplier_id} {self.total}"

    @property
    def total(self):
        return (self.net or 0) + (self.vat or 0)

    @property
    def expense_account(self) -> str:
        return EXPENSE_ACCOUNTS[ExpenseCategory(self.category)]

    @property
    def amount_open(self):
        return self.total - (self.amount_paid or 0)


class BillPayment(models.Model):
    """One payment towards an approved bill: all that is open on it, or a part (docs/accounts.md,
    "Expenses and purchases"), from the bill's branch's cash or a bank account. Posted to the journal
    by billing/ledger/books.py (source `bill_part`, this row's id): Dr 2500 / Cr 1110 or the bank's
    account. Append-only."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()
    paid_from = models.CharField(max_length=4, choices=Bill.PaidFrom.choices)
    bank = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="bill_payments")
    paid_on = models.DateField()
    reference = models.CharField(max_length=64, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="billpayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_from="bank", bank__isnull=False) | Q(paid_from="cash", bank__isnull=True),
                name="billpayment_bank_when_from_bank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.amount} {self.paid_from}"


class BankMovement(models.Model):
    """Money moved between the ISP's own books: a branch's cash deposited into a bank account (the
    collectors' hand-overs banked), a transfer between two bank accounts, or a gateway's settlement
    (bKash, Nagad, SSLCommerz pay the collections they took, less nothing we book here, into a bank
    account: out of 1160 gateway clearing). Append-only."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Cash deposited")
        TRANSFER = "transfer", _("Transfer between accounts")
        SETTLEMENT = "settlement", _("Gateway settlement")

    class Gateway(models.TextChoices):
        BKASH = "bkash", _("bKash")
        NAGAD = "nagad", _("Nagad")
        SSLCOMMERZ = "sslcommerz", _("SSLCommerz")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    gateway = models.CharField(max_length=10, choices=Gateway.choices, blank=True)
    to_bank = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="movements_in")
    from_bank = models.ForeignKey(BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="movements_out")
    from_branch = models.ForeignKey("customers.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    date = models.DateField()
    reference = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bankmovement_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="deposit", from_branch__isnull=False, from_bank__isnull=True)
                | Q(kind="transfer", from_bank__isnull=False, from_branch__isnull=True)
                | Q(kind="settlement", from_bank__isnull=True, from_branch__isnull=True) & ~Q(gateway=""),
                name="bankmovement_one_source",
            ),
            models.CheckConstraint(condition=~Q(from_bank=models.F("to_bank")), name="bankmovement_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} → {self.to_bank_id}"
