"""One-time charges, manual invoices and credit notes (services).

Money moves only as invoice lines and ledger entries written by `billing.services.invoice_create`
(which posts through `billing.ledger.entry_post`), by the billing run (which writes a pending
charge as a line of the customer's next invoice, under the account lock it holds), and by
`billing.ledger.credit_note_post`. Nothing here writes `LedgerEntry` or a balance itself.

- `one_time_charge_add(actor=, customer=, kind=, description=, amount=, subscription=, invoice_now=)`
  → the charge: pending for the next invoice, or invoiced at once on an invoice of its own.
- `one_time_charge_cancel(actor=, charge=, reason=)` → a pending charge withdrawn.
- `one_time_charges_withdraw(actor=, subscription=, reason=)`: a connection cancelled before its
  installation: its pending charges withdrawn, its invoiced ones credited by a credit note.
- `manual_invoice_create(actor=, customer=, items=, due_date=)` → an invoice of custom items now.
- `credit_note_issue(actor=, invoice=, amount=, reason=)` → a numbered credit note; never more than
  what is open on the invoice.
- `debit_note_issue(actor=, invoice=, net=, reason=)` → a numbered debit note (Mushak-6.8) raising what
  the customer owes on an issued tax invoice by `net` plus the VAT at the invoice's rate.
- `invoice_credit_in_full(actor=, invoice=, reason=)` → a numbered credit note for all of an invoice
  no earlier note gave back (a waived fee): what is open is cleared, and what had paid it (credit,
  payments) returns to the account as credit.
- `pending_charges_for(customer_ids=)` / `pending_charges_invoiced(run=, charges=)`: the billing
  run's two calls (read under its account locks, then marked with the invoice written);
  `pending_charges_invoiced_on(invoice=, charges=)` marks them for a first invoice at activation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_number

from .ledger import account_lock, credit_note_record
from .ledger.debit_notes import debit_note_post
from .models import CreditNote, DebitNote, Invoice, InvoiceLine, LineCredit, OneTimeCharge
from .services import LineSpec, invoice_create, invoice_credit_note

MAX_ITEMS = 10


@dataclass(frozen=True)
class Item:
    """A line of a manual invoice."""

    kind: str
    description: str
    amount: Decimal


def _amount(raw) -> Decimal:
    try:
        amount = to_money(raw)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= ZERO:
        raise ValidationError({"amount": _("A charge must be greater than zero.")})
    return amount


def _description(raw: str, kind: str) -> str:
    description = (raw or "").strip()[:200]
    return description or str(OneTimeCharge.Kind(kind).label)


def _check_kind(kind: str) -> None:
    if kind not in OneTimeCharge.Kind.values:
        raise ValidationError({"kind": _("Choose what the charge is for.")})


def _check_subscription(customer: Customer, subscription: Subscription | None) -> None:
    if subscription is not None and subscription.customer_id != customer.pk:
        raise ValidationError({"subscription": _("That subscription belongs to another customer.")})


@transaction.atomic
def one_time_charge_add(
    *,
    actor,
    customer: Customer,
    kind: str,
    amount,
    description: str = "",
    subscription: Subscription | None = None,
    invoice_now: bool = False,
) -> OneTimeCharge:
    """Bill something once: on the customer's next invoice (the billing run adds it as a line), or
    at once on an invoice of its own. A charge of zero or less is refused and nothing is written."""
    _check_kind(kind)
    amount = _amount(amount)
    _check_subscription(customer, subscription)
    description = _description(description, kind)
    account_lock(customer_id=customer.pk)  # the billing run reads pending charges under this lock
    charge = OneTimeCharge.objects.create(
        customer=customer, subscription=subscription, kind=kind, description=description, amount=amount,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor, action="one_time_charge.add", obj=customer,
        after={"charge": charge.pk, "kind": kind, "amount": str(amount), "invoice_now": invoice_now},
    )
    if invoice_now:
        _invoice_charges(actor=actor, customer=customer, charges=[charge])
        charge.refresh_from_db()
    return charge


def _invoice_charges(*, actor, customer: Customer, charges: Sequence[OneTimeCharge], due_date: date | None = None) -> Invoice:
    invoice = invoice_create(
        actor=actor, customer=customer, due_date=due_date,
        lines=[
            LineSpec(kind=InvoiceLine.Kind.ONE_TIME, description=charge.description, amount=charge.amount,
                     subscription_id=charge.subscription_id)
            for charge in charges
        ],
    )
    OneTimeCharge.objects.filter(pk__in=[charge.pk for charge in charges]).update(
        status=OneTimeCharge.Status.INVOICED, invoice=invoice
    )
    return invoice


@transaction.atomic
def one_time_charge_cancel(*, actor, charge: OneTimeCharge, reason: str) -> OneTimeCharge:
    """Withdraw a charge still waiting for the next invoice. An invoiced charge takes a credit note."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for withdrawing the charge.")})
    account_lock(customer_id=charge.customer_id)
    charge = OneTimeCharge.objects.select_for_update().get(pk=charge.pk)
    if charge.status != OneTimeCharge.Status.PENDING:
        raise ValidationError(_("Only a charge waiting for the next invoice can be withdrawn; an invoiced one takes a credit note."))
    charge.status, charge.cancel_reason = OneTimeCharge.Status.CANCELLED, reason[:255]
    charge.save(update_fields=["status", "cancel_reason"])
    audit_record(actor=actor, action="one_time_charge.cancel", obj=charge.customer, reason=reason, after={"charge": charge.pk})
    return charge


@transaction.atomic
def manual_invoice_create(*, actor, customer: Customer, items: Iterable[Item], due_date: date | None = None) -> Invoice:
    """An invoice raised by hand now, of one or more items (each a one-time charge, invoiced)."""
    items = list(items)
    if not items:
        raise ValidationError(_("Add at least one item with an amount."))
    if len(items) > MAX_ITEMS:
        raise ValidationError(_("An invoice takes at most %(n)s items.") % {"n": MAX_ITEMS})
    cleaned = []
    for item in items:
        _check_kind(item.kind)
        cleaned.append((item.kind, _description(item.description, item.kind), _amount(item.amount)))
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("The due date cannot be in the past.")})
    account_lock(customer_id=customer.pk)
    user = actor if getattr(actor, "pk", None) else None
    charges = [
        OneTimeCharge.objects.create(customer=customer, kind=kind, description=description, amount=amount, created_by=user)
        for kind, description, amount in cleaned
    ]
    invoice = _invoice_charges(actor=actor, customer=customer, charges=charges, due_date=due_date)
    audit_record(actor=actor, action="invoice.manual", obj=invoice, after={"items": len(charges), "total": str(invoice.total)})
    return invoice


@transaction.atomic
def credit_note_issue(*, actor, invoice: Invoice, amount, reason: str) -> CreditNote:
    """A numbered credit note lowering what is open on `invoice`, partly or wholly. Refused — nothing
    written — when larger than what is open, on a void or fully paid invoice, or without a reason."""
    amount = to_money(amount) if amount not in (None, "") else ZERO
    reason = (reason or "").strip()
    if amount <= ZERO:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is shown on the customer's statement.")})
    account_lock(customer_id=invoice.customer_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError(_("A void invoice takes no credit note."))
    open_amount = invoice.total - invoice.amount_paid
    if open_amount <= ZERO:
        raise ValidationError(_("Nothing is open on %(number)s: give the customer a credit or a refund instead.") % {"number": invoice.number})
    if amount > open_amount:
        raise ValidationError(
            {"amount": _("A credit note cannot be larger than what is open on the invoice (%(open)s).") % {"open": open_amount}}
        )
    number = allocate_number(prefix=getattr(settings, "CREDIT_NOTE_NUMBER_PREFIX", "CN"))
    entry = invoice_credit_note(actor=actor, invoice=invoice, amount=amount, reason=f"{number} {reason}")
    return credit_note_record(number=number, invoice=invoice, amount=amount, reason=reason, entry=entry, actor=actor)


MAX_DEBIT_NOTE = Decimal("10000000.00")


@transaction.atomic
def debit_note_issue(*, actor, invoice: Invoice, net, reason: str) -> DebitNote:
    """A debit note (Mushak-6.8) on an issued tax invoice: an undercharge found after issue raises
    what the customer owes by `net` (value before VAT) plus the VAT at the invoice's rate; payable
    like an invoice (docs/vat.md, "Debit notes"). Refused — nothing written — without a reason, for
    nothing or a negative amount, on a void invoice, on an invoice with no Mushak-6.3 number (a
    balance brought over, or a debit note's own receivable)."""
    try:
        net = to_money(net) if net not in (None, "") else ZERO
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"net": _("Enter an amount in taka.")}) from None
    reason = (reason or "").strip()
    if net <= ZERO:
        raise ValidationError({"net": _("Enter an amount greater than zero.")})
    if net > MAX_DEBIT_NOTE:
        raise ValidationError({"net": _("That is more than a debit note can raise.")})
    if not reason or "\x00" in reason:
        raise ValidationError({"reason": _("Give a reason: it is shown on the customer's statement.")})
    account = account_lock(customer_id=invoice.customer_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError(_("A void invoice takes no debit note."))
    if not invoice.challan_number or DebitNote.objects.filter(charge=invoice).exists():
        raise ValidationError(_("A debit note is issued on a tax invoice (Mushak-6.3)."))
    note = debit_note_post(account=account, invoice=invoice, net=net, reason=reason, actor=actor)
    audit_record(actor=actor, action="invoice.debit_note", obj=invoice, reason=reason,
                 after={"number": note.number, "net": str(note.net), "vat": str(note.vat), "total": str(note.amount)})
    return note


@transaction.atomic
def invoice_credit_in_full(*, actor, invoice: Invoice, reason: str) -> CreditNote | None:
    """Give a whole invoice back (a charge waived after it was invoiced): one numbered credit note for
    its total less what earlier credit notes on it gave back. The note clears what is still open on
    the invoice, and the part that money already applied to it had paid — an unused-days credit, a
    payment — becomes account credit, applied to other open invoices like any credit: the balance
    ends as if the invoice had never been issued. None when nothing is left to give back (a void
    invoice, or one its notes already cover)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is shown on the customer's statement.")})
    account_lock(customer_id=invoice.customer_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        return None
    noted = CreditNote.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"] or ZERO
    amount = invoice.total - noted
    if amount <= ZERO:
        return None
    number = allocate_number(prefix=getattr(settings, "CREDIT_NOTE_NUMBER_PREFIX", "CN"))
    entry = invoice_credit_note(actor=actor, invoice=invoice, amount=amount, reason=f"{number} {reason}")
    return credit_note_record(number=number, invoice=invoice, amount=amount, reason=reason, entry=entry, actor=actor)


def one_time_charges_withdraw(*, actor, subscription: Subscription, reason: str) -> list[OneTimeCharge]:
    """A connection cancelled before it was installed takes its one-time charges with it (they belong
    to the connection, not to the customer's other ones): a charge still pending is withdrawn; one
    already invoiced (the billing run puts a customer's pending charges on the next invoice of any of
    their connections) is credited as it was invoiced, VAT included, by a credit note on its invoice.
    Called in the cancellation's transaction; returns the charges it withdrew or credited."""
    account_lock(customer_id=subscription.customer_id)
    done = []
    charges = OneTimeCharge.objects.select_for_update().filter(subscription=subscription).exclude(
        status=OneTimeCharge.Status.CANCELLED
    ).order_by("id")
    for charge in charges:
        if charge.status == OneTimeCharge.Status.PENDING:
            done.append(one_time_charge_cancel(actor=actor, charge=charge, reason=reason))
            continue
        invoice = charge.invoice
        if invoice.status == Invoice.Status.VOID:
            continue
        line = InvoiceLine.objects.filter(
            invoice=invoice, kind=InvoiceLine.Kind.ONE_TIME, subscription=subscription, description=charge.description[:255],
        ).order_by("id").first()
        gross = line.gross if line is not None else ZERO
        if gross > ZERO:
            number = allocate_number(prefix=getattr(settings, "CREDIT_NOTE_NUMBER_PREFIX", "CN"))
            text = _("%(charge)s withdrawn: %(reason)s") % {"charge": charge.description, "reason": reason}
            entry = invoice_credit_note(actor=actor, invoice=invoice, amount=gross, reason=f"{number} {text}")
            credit_note_record(number=number, invoice=invoice, amount=gross, reason=text, entry=entry, actor=actor)
            done.append(charge)
    return done


# The billing run's part -------------------------------------------------------------------------------


def pending_charges_for(*, customer_ids: Iterable[int]) -> dict[int, list[OneTimeCharge]]:
    """The pending charges of these customers, oldest first. The billing run calls this under the
    customers' account locks, so no charge is added or withdrawn between reading and invoicing."""
    ids = sorted(set(customer_ids))
    pending: dict[int, list[OneTimeCharge]] = {}
    if not ids:
        return pending
    for charge in OneTimeCharge.objects.filter(customer_id__in=ids, status=OneTimeCharge.Status.PENDING).order_by("id"):
        pending.setdefault(charge.customer_id, []).append(charge)
    return pending


def pending_charges_invoiced(*, run, charges: dict[int, list[OneTimeCharge]]) -> int:
    """Mark the charges the run wrote as lines, each with its customer's invoice of that run."""
    if not charges:
        return 0
    invoice_of = dict(
        Invoice.objects.filter(billing_run=run, customer_id__in=list(charges)).values_list("customer_id", "id")
    )
    done = 0
    for customer_id, rows in charges.items():
        invoice_id = invoice_of.get(customer_id)
        if invoice_id is None:
            continue
        done += OneTimeCharge.objects.filter(pk__in=[c.pk for c in rows], status=OneTimeCharge.Status.PENDING).update(
            status=OneTimeCharge.Status.INVOICED, invoice_id=invoice_id
        )
    return done


def pending_charges_invoiced_on(*, invoice: Invoice, charges: Sequence[OneTimeCharge]) -> int:
    """Mark pending charges written as lines of `invoice` (a first invoice at activation,
    billing/first_invoice.py), under the account lock their reader held."""
    if not charges:
        return 0
    return OneTimeCharge.objects.filter(pk__in=[c.pk for c in charges], status=OneTimeCharge.Status.PENDING).update(
        status=OneTimeCharge.Status.INVOICED, invoice=invoice
    )


def line_credit_record(*, lines: Sequence[InvoiceLine], amount, reason: str = "") -> list[LineCredit]:
    """Record that a credit of `amount` (gross) given on an invoice was worked out on `lines`: shared
    over them by their gross (lines of no gross take none). Written by the app that gave the credit,
    in its transaction; billing reads it back when it credits those lines' days."""
    lines = [line for line in lines if line.gross]
    gross = sum((line.gross for line in lines), ZERO)
    if not gross or not amount:
        return []
    return LineCredit.objects.bulk_create([
        LineCredit(line=line, amount=Decimal(amount) * line.gross / gross, reason=(reason or "")[:255]) for line in lines
    ])
