"""The books' documents (docs/accounts.md, "Expenses and purchases", "Cash and bank"): suppliers,
bills and their approval and payment, bank accounts, deposits and transfers. Each function writes
the document and its audit entry in a transaction; the journal entry that goes with it is the
ledger's (billing/ledger/books.py), and the use cases (usecases/bill_enter.py, bill_sign_off.py,
bill_settle.py, bank_deposit.py, bank_transfer.py) call both in one transaction."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ispbill.core.attachments import attachment_check
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_block, allocate_number

from . import selectors
from .chart import ASSET, GATEWAY_CLEARING
from .models import BankAccount, BankMovement, Bill, BillPayment, ExpenseCategory, LedgerAccount, Supplier

BILL_NUMBER_PREFIX = "BILL"
BIN_RE = re.compile(r"^\d{9}(\d{4})?$")  # the NBR's BIN: 13 digits (9 on older registrations)
FIRST_BANK_CODE = 1310


def _text(value, *, field: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit or "\x00" in value:
        raise ValidationError({field: _("Keep it under %(limit)d characters.") % {"limit": limit}})
    return value


def _amount(value, *, field: str, allow_zero: bool = False) -> Decimal:
    try:
        amount = to_money(value)
    except Exception:  # noqa: BLE001 - anything that is not a number
        raise ValidationError({field: _("Enter an amount in taka.")}) from None
    if amount < 0 or (amount == 0 and not allow_zero) or amount >= Decimal("1000000000000"):
        raise ValidationError({field: _("Enter an amount above zero.") if not allow_zero else _("Enter zero or more.")})
    return amount


# Suppliers -----------------------------------------------------------------------------------------------

@transaction.atomic
def supplier_create(*, actor, name: str, bin: str = "", phone: str = "", address: str = "") -> Supplier:
    name = _text(name, field="name", limit=150)
    bin = _text(bin, field="bin", limit=20, required=False).replace("-", "").replace(" ", "")
    if bin and not BIN_RE.match(bin):
        raise ValidationError({"bin": _("A BIN is 13 digits (9 on an older registration).")})
    if Supplier.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("There is a supplier of that name already.")})
    supplier = Supplier.objects.create(
        name=name, bin=bin, phone=_text(phone, field="phone", limit=40, required=False),
        address=_text(address, field="address", limit=255, required=False),
    )
    audit_record(actor=actor, action="supplier.create", obj=supplier, after={"name": name, "bin": bin})
    return supplier


# Bills ---------------------------------------------------------------------------------------------------

def approval_limit() -> Decimal:
    """A bill whose total is above this waits for a second person (settings.BOOKS_BILL_APPROVAL_LIMIT)."""
    return to_money(settings.BOOKS_BILL_APPROVAL_LIMIT)


def bill_needs_approval(*, total: Decimal) -> bool:
    return to_money(total) > approval_limit()


@transaction.atomic
def bill_create(*, actor, supplier: Supplier, category: str, branch, bill_date: date, description: str, net, vat=ZERO,
                supplier_reference: str = "", attachment=None, equipment_model: str = "",
                equipment_serials: list[str] | None = None) -> Bill:
    """A supplier's bill entered. Under the approval limit it is approved as it is entered (the
    caller posts it); above it, it waits for a second person (bill_approve)."""
    errors = {}
    if category not in ExpenseCategory.values:
        errors["category"] = _("Choose a category.")
    if bill_date is None or bill_date > timezone.localdate():
        errors["bill_date"] = _("A bill cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    net = _amount(net, field="net")
    vat = _amount(vat, field="vat", allow_zero=True)
    if vat > net:
        raise ValidationError({"vat": _("The VAT is more than the bill's value: enter the value before VAT.")})
    description = _text(description, field="description", limit=255)
    supplier_reference = _text(supplier_reference, field="supplier_reference", limit=64, required=False)
    facts = attachment_check(attachment, field="attachment") if attachment is not None else ("", "")
    needs = bill_needs_approval(total=net + vat)
    now = timezone.now()
    bill = Bill(
        number=allocate_number(prefix=BILL_NUMBER_PREFIX, year=bill_date.year), supplier=supplier,
        supplier_reference=supplier_reference, category=category, branch=branch, bill_date=bill_date,
        description=description, net=net, vat=vat,
        status=Bill.Status.AWAITING_APPROVAL if needs else Bill.Status.APPROVED,
        created_by=actor, created_at=now, approved_by=None if needs else actor, approved_at=None if needs else now,
        attachment_name=facts[0], attachment_type=facts[1], equipment_model=equipment_model[:120],
        equipment_serials=list(equipment_serials or []),
    )
    if attachment is not None:
        bill.attachment.save(facts[0], attachment, save=False)
    bill.save()
    audit_record(actor=actor, action="bill.create", obj=bill, after={
        "supplier": supplier.pk, "category": category, "net": str(net), "vat": str(vat), "status": bill.status})
    return bill


def _locked_bill(bill: Bill) -> Bill:
    assert transaction.get_connection().in_atomic_block
    return Bill.objects.select_for_update().get(pk=bill.pk)


@transaction.atomic
def bill_approve(*, actor, bill: Bill) -> Bill:
    """A second person approves a bill above the limit: not the one who entered it, and only with
    the approval permission."""
    bill = _locked_bill(bill)
    if not actor.has_perm("books.approve_bill"):
        raise PermissionDenied
    if bill.status != Bill.Status.AWAITING_APPROVAL:
        raise ValidationError(_("This bill is not waiting for approval."))
    if bill.created_by_id == actor.pk:
        raise ValidationError(_("A bill above the approval limit is approved by someone other than the person who entered it."))
    bill.status, bill.approved_by, bill.approved_at = Bill.Status.APPROVED, actor, timezone.now()
    bill.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=actor, action="bill.approve", obj=bill, before={"status": "awaiting"}, after={"status": "approved"})
    return bill


@transaction.atomic
def bill_paid_record(*, actor, bill: Bill, paid_from: str, paid_on: date, bank: BankAccount | None = None,
                     reference: str = "", amount=None) -> BillPayment:
    """A payment towards an approved bill from its branch's cash or a bank account: all that is open on
    it (`amount` None) or a part. Cash cannot pay more than the branch's cash book holds; no payment
    more than is open. The bill is partly paid until its payments add up to its total, then paid."""
    bill = _locked_bill(bill)
    errors = {}
    if bill.status == Bill.Status.AWAITING_APPROVAL:
        raise ValidationError(_("This bill waits for approval: it cannot be paid yet."))
    if bill.status == Bill.Status.PAID:
        raise ValidationError(_("This bill is paid already."))
    open_amount = bill.amount_open
    amount = open_amount if amount in (None, "") else _amount(amount, field="amount")
    if amount > open_amount:
        errors["amount"] = _("Only ৳%(open)s is open on this bill.") % {"open": f"{open_amount:,.2f}"}
    if paid_from not in Bill.PaidFrom.values:
        errors["paid_from"] = _("Choose cash or a bank account.")
    elif paid_from == Bill.PaidFrom.BANK and bank is None:
        errors["bank"] = _("Choose the bank account it was paid from.")
    if paid_on is None or paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    elif paid_on < bill.bill_date:
        errors["paid_on"] = _("A bill is paid on or after its date.")
    if not errors and paid_from == Bill.PaidFrom.CASH:
        # One cash payment of a branch at a time (the branch row's lock), so two cannot spend the same taka.
        type(bill.branch).objects.select_for_update().filter(pk=bill.branch_id).first()
        held = selectors.cash_balance(branch_id=bill.branch_id)
        if amount > held:
            errors["paid_from"] = _("The branch's cash book holds only ৳%(held)s.") % {"held": f"{held:,.2f}"}
    if errors:
        raise ValidationError(errors)
    bank = bank if paid_from == Bill.PaidFrom.BANK else None
    reference = _text(reference, field="reference", limit=64, required=False)
    payment = BillPayment.objects.create(bill=bill, amount=amount, paid_from=paid_from, bank=bank, paid_on=paid_on,
                                         reference=reference, paid_by=actor, created_at=timezone.now())
    before = bill.status
    bill.amount_paid += amount
    bill.status = Bill.Status.PAID if bill.amount_paid >= bill.total else Bill.Status.PARTLY_PAID
    # The bill shows its last payment: the one that paid it when it is paid.
    bill.paid_from, bill.paid_on, bill.paid_by, bill.paid_bank, bill.payment_reference = paid_from, paid_on, actor, bank, reference
    bill.save(update_fields=["amount_paid", "status", "paid_from", "paid_on", "paid_by", "paid_bank", "payment_reference"])
    audit_record(actor=actor, action="bill.pay", obj=bill, before={"status": before}, after={
        "paid_from": paid_from, "bank": bank.pk if bank else None, "paid_on": str(paid_on), "amount": str(amount),
        "status": bill.status})
    return payment


def bills_create_many(*, rows: list[dict]) -> list[Bill]:
    """Many bills at once, entered, approved and paid (the demo's year of expenses): one numbering
    block and one insert. Each row holds Bill's fields; the caller posts them
    (billing/ledger/books.py books_journal_many)."""
    assert transaction.get_connection().in_atomic_block
    if not rows:
        return []
    bills = []
    by_year: dict[int, list[dict]] = {}
    for row in rows:
        by_year.setdefault(row["bill_date"].year, []).append(row)
    now = timezone.now()
    for year, group in sorted(by_year.items()):
        for row, number in zip(group, allocate_block(prefix=BILL_NUMBER_PREFIX, count=len(group), year=year), strict=True):
            paid = row["net"] + row.get("vat", ZERO) if row.get("status") == Bill.Status.PAID else ZERO
            bills.append(Bill(number=number, created_at=now, approved_at=now, amount_paid=paid, **row))
    return Bill.objects.bulk_create(bills)


# Bank accounts, deposits, transfers -------------------------------------------------------------------

@transaction.atomic
def bank_account_create(*, actor, name: str, bank: str, number: str) -> BankAccount:
    """A bank account and its own account in the chart, numbered from 1310."""
    name = _text(name, field="name", limit=100)
    bank = _text(bank, field="bank", limit=100)
    number = _text(number, field="number", limit=40)
    if BankAccount.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("There is a bank account of that name already.")})
    codes = [int(c) for c in LedgerAccount.objects.filter(code__startswith="13").values_list("code", flat=True) if c.isdigit()]
    code = str(max([FIRST_BANK_CODE - 1, *[c for c in codes if c >= FIRST_BANK_CODE]]) + 1)
    if int(code) > 1399:
        raise ValidationError({"name": _("The chart has room for 90 bank accounts.")})
    try:
        with transaction.atomic():
            ledger_account = LedgerAccount.objects.create(code=code, type=ASSET, name=f"Bank: {name}"[:120])
    except IntegrityError:
        raise ValidationError({"name": _("Another bank account was added at the same moment: try again.")}) from None
    account = BankAccount.objects.create(name=name, bank=bank, number=number, ledger_account=ledger_account)
    audit_record(actor=actor, action="bankaccount.create", obj=account, after={"name": name, "code": code})
    return account


@transaction.atomic
def bank_movement_create(*, actor, kind: str, to_bank: BankAccount, amount, on: date, from_branch=None,
                         from_bank: BankAccount | None = None, reference: str = "", gateway: str = "") -> BankMovement:
    """Cash of a branch deposited into a bank account (no more than its cash book holds), a transfer
    from one bank account to another (no more than the first holds), or a gateway's settlement of the
    collections it took (no more than 1160 gateway clearing holds)."""
    amount = _amount(amount, field="amount")
    errors = {}
    if on is None or on > timezone.localdate():
        errors["date"] = _("It cannot be dated in the future.")
    if kind == BankMovement.Kind.DEPOSIT:
        if from_branch is None:
            errors["branch"] = _("Choose the branch whose cash is deposited.")
        else:
            # One deposit of a branch's cash at a time (the branch row's lock), so two cannot bank the same taka.
            type(from_branch).objects.select_for_update().filter(pk=from_branch.pk).first()
            held = selectors.cash_balance(branch_id=from_branch.pk)
            if amount > held:
                errors["amount"] = _("The branch's cash book holds only ৳%(held)s.") % {"held": f"{held:,.2f}"}
        from_bank = None
    elif kind == BankMovement.Kind.TRANSFER:
        if from_bank is None:
            errors["from_bank"] = _("Choose the account the money leaves.")
        elif from_bank.pk == to_bank.pk:
            errors["from_bank"] = _("A transfer goes to another account.")
        else:
            BankAccount.objects.select_for_update().filter(pk=from_bank.pk).first()
            held = selectors.account_balance(code=from_bank.ledger_account.code)
            if amount > held:
                errors["amount"] = _("%(name)s holds only ৳%(held)s in the books.") % {"name": from_bank.name, "held": f"{held:,.2f}"}
        from_branch = None
    elif kind == BankMovement.Kind.SETTLEMENT:
        if gateway not in BankMovement.Gateway.values:
            errors["gateway"] = _("Choose the gateway that settled.")
        else:
            # One settlement at a time (the receiving account's lock), so two cannot settle the same taka.
            BankAccount.objects.select_for_update().filter(pk=to_bank.pk).first()
            held = selectors.account_balance(code=GATEWAY_CLEARING)
            if amount > held:
                errors["amount"] = _("The gateways hold only ৳%(held)s not yet settled.") % {"held": f"{held:,.2f}"}
        from_bank, from_branch = None, None
    else:
        errors["kind"] = _("Choose a deposit or a transfer.")
    if errors:
        raise ValidationError(errors)
    movement = BankMovement.objects.create(
        kind=kind, gateway=gateway if kind == BankMovement.Kind.SETTLEMENT else "",
        to_bank=to_bank, from_bank=from_bank, from_branch=from_branch, amount=amount, date=on,
        reference=_text(reference, field="reference", limit=64, required=False), created_by=actor, created_at=timezone.now(),
    )
    audit_record(actor=actor, action=f"bank.{kind}", obj=movement, after={
        "to": to_bank.pk, "from_bank": from_bank.pk if from_bank else None,
        "from_branch": from_branch.pk if from_branch else None, "amount": str(amount)})
    return movement


def bank_movements_create_many(*, rows: list[dict]) -> list[BankMovement]:
    """Many movements at once (the demo's deposits of a year's hand-overs); the caller posts them."""
    assert transaction.get_connection().in_atomic_block
    now = timezone.now()
    return BankMovement.objects.bulk_create([BankMovement(created_at=now, **row) for row in rows])

