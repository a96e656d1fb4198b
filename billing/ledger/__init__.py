"""The ledger: the one module that changes a customer's money.

Every money change in ispbill goes through a public function here; other modules and apps never
write `LedgerEntry`, `Allocation`, `Account.balance`, `Invoice.amount_paid` / `status` or
`Subscription.paid_through` themselves. (The billing run, `billing/run.py`, writes its invoices set
by set for speed; it locks accounts, moves balances and applies credit with the same rules and calls
`credit_apply` here.) Everything is keyword-only.

Transaction contract: every function that locks rows (they all do, or need the caller's lock)
asserts that it runs inside `transaction.atomic` and raises `RuntimeError` otherwise, on every
database, so a missing atomic fails in the tests instead of in production. The caller takes the
account lock first (`account_lock`) and holds it until commit: one customer's money changes one
writer at a time.

Sign: positive entries raise what the customer owes (invoice, fee, refund, reversal of a payment),
negative ones lower it (payment, credit, credit note, reversal of an invoice). The cached
`Account.balance` always equals the sum of the entries; `manage.py check_ledger` proves it.

The API (stable: the reseller, contract and import work builds on it)

- `account_lock(customer_id=)` → the locked `Account` (created if missing).
- `entry_post(account=, kind=, amount=, effective_date=, actor=, invoice=, payment=, reverses=, memo=)`
  → one entry, balance moved by the same amount. Low level: prefer the use-case functions below.
- `entry_reverse(account=, entry=, actor=, memo=, kind=REVERSAL)` → the entry that cancels `entry`.
- `credit_apply(account=, actor=, payment=, today=)` → allocations of the unapplied credit to the
  open invoices, oldest due first; paid-through follows.
- `credit_take_back(customer_id=, amount=, payment=, whole_payment=, today=)` → invoice ids: takes
  money back off paid invoices (the payment's own allocations first, then the most recently due
  paid invoices) with negative allocations; the invoices are due again.
- `paid_through_recompute(subscription_ids=)`: paid-through = the end of the last invoiced period
  before the first one still unpaid (void invoices ignored).
- `invoice_status_for(invoice=, today=)`: the status an unvoided invoice must have — paid when
  nothing is open, overdue when something is open past the due date, else partially paid / open.
- `payment_post(account=, payment=, actor=)` → the payment's row inserted (when new) and its entry,
  applied to open invoices.
- `payment_unpost(account=, payment=, actor=, memo=, reason=)` → the reversing entry of a payment, the
  payment marked reversed once; what it paid is taken back and paid-through recomputed.
- `refund_post(account=, payment=, amount=, actor=, memo=)` → a refund entry (money given back);
  what the refund takes beyond the waiting credit is taken back off paid invoices. Refused when
  refunded + reversed would exceed what was paid.
- `refund_unpost(account=, entry=, actor=, memo=)` → a refund the gateway cancelled, reversed.
- `credit_post(account=, amount=, actor=, memo=, kind=CREDIT, invoice=None)` → a credit (goodwill,
  referral, cancellation), applied at once; `invoice` when it was given on one (voided with it).
- `credit_unpost(account=, entry=, actor=, memo=)` → a credit taken back; what it had paid is due again.
- `credit_note_post(account=, invoice=, amount=, actor=, memo=)` → a credit note against one
  invoice: lowers what is open on it first; anything beyond is account credit.
- `debit_notes.debit_note_post(account=, invoice=, net=, reason=, actor=)` (sibling module) → a debit
  note (Mushak-6.8) raising what is owed on an issued invoice, with its VAT and its own receivable.
- `invoice_void_post(account=, invoice=, actor=, reason=)`: money applied to the invoice goes back
  to credit, reversing entries cancel its charge and the credit notes and credits given on it (the
  balance is what it was before the invoice, plus the payments), the credit is applied again.
- `opening_balance_post(customer=, amount=, effective_date=, actor=, memo=, notify=True)` → an opening
  balance brought over from another system: a debt (> 0) is an invoice of one line whose entry is of
  kind `opening_balance`; a credit (< 0) is an `opening_balance` entry, applied like any credit.
  `notify=False` sends the customer nothing (imports never message customers).
- `opening_balances_post(balances=[(customer, amount), …], effective_date=, actor=, memo=, notify=True)`
  → the same for many customers in a few statements (an import's chunk); entries in input order.
- `payment_money_out(payment=)`: refunded + reversed so far of a payment (the cap's left side).

Many customers at once (a reseller's renewals settled together, `billing.services.invoices_create_many`,
`payments.services.payments_ledger_record_many`): the same rows and amounts as the single functions, in a
few statements.
- `accounts_lock(customer_ids=)` → {customer id: locked `Account`}, missing ones created, locked in
  primary-key order.
- `entries_post(entries=[EntrySpec…])` → the entries in the order given; each account's cached
  balance moved by the sum of its entries (one statement).
- `credit_apply_many(accounts=, payments={customer id: payment}, today=)` → {customer id:
  allocations}: `credit_apply` for each account, open invoices read and locked in one query.
- `payments_post(accounts=, payments=, actor=)` → {payment id: allocations}: `payment_post` for
  payments of different customers (one each), the new rows inserted in one statement.

Reseller money (prepaid wallets, commissions, payouts) is written by the sibling module
`billing/ledger/wallets.py` under the same contract (row lock on the wallet asserted inside
`transaction.atomic`, append-only entries, cached balances moved in the same transaction,
checked by `check_ledger`); see its docstring for the API. A prepaid Wi-Fi card a visitor bought
online (no customer, no wallet) is one `CardSale` row written by `billing/ledger/cards.py`
(`card_sale_post`, once per gateway transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, Sum, Value
from django.utils import timezone

from billing.models import Account, Allocation, CreditNote, Invoice, InvoiceLine, LedgerEntry
from billing.selectors import OPEN_STATUSES, amount_open, available_credit, current_billing_settings
from billing.vat import totals, vat_line
from customers.models import Customer, Subscription
from ispbill.core.audit import audit_record_many
from ispbill.core.bulk import grouped_case, rows_update
from ispbill.core.money import ZERO, to_money
from ispbill.core.numbering import allocate_block, allocate_number
from ispbill.notify.events import Event
from ispbill.notify.services import notify_invoices

from .journal import journal_post_ledger, journal_withdraw

Kind = LedgerEntry.Kind


def _require_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} locks rows: call it inside transaction.atomic")


# Locks and entries --------------------------------------------------------------------------------


def account_lock(*, customer_id: int) -> Account:
    """The customer's account row, created if missing and locked until the transaction ends: every
    change to one customer's money is serialised on it."""
    _require_atomic("account_lock")
    try:
        return Account.objects.select_for_update().get(customer_id=customer_id)
    except Account.DoesNotExist:
        # A customer's first money: the row made with one INSERT … ON CONFLICT DO NOTHING (a concurrent
        # first payment's row wins, and this waits for it below), not get_or_create's read and savepoint.
        Account.objects.bulk_create([Account(customer_id=customer_id)], ignore_conflicts=True)
        return Account.objects.select_for_update().get(customer_id=customer_id)


def entry_post(
    *,
    account: Account,
    kind: str,
    amount: Decimal,
    effective_date: date,
    actor=None,
    invoice: Invoice | None = None,
    payment=None,
    reverses: LedgerEntry | None = None,
    memo: str = "",
) -> LedgerEntry:
    """Append one entry and move the cached balance by the same amount; the caller holds the account lock."""
    _require_atomic("entry_post")
    amount = to_money(amount)
    if amount == ZERO:
        raise ValueError("a ledger entry must move money")
    entry = LedgerEntry.objects.create(
        account=account, kind=kind, amount=amount, effective_date=effective_date,
        created_by=actor if getattr(actor, "pk", None) else None,
        invoice=invoice, payment=payment, reverses=reverses, memo=memo[:255],
    )
    Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount, updated_at=timezone.now())
    journal_post_ledger(entry_ids=[entry.pk])
    return entry


def entry_reverse(*, account: Account, entry: LedgerEntry, actor=None, memo: str = "", kind: str = Kind.REVERSAL) -> LedgerEntry:
    """The entry that cancels `entry` (same amount, other sign, `reverses` pointing at it). An entry
    is reversed once: a second reversal is refused."""
    _require_atomic("entry_reverse")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("This entry is already reversed.")
    return entry_post(
        account=account, kind=kind, amount=-entry.amount, effective_date=timezone.localdate(), actor=actor,
        invoice=entry.invoice, payment=entry.payment, reverses=entry, memo=memo,
    )


# Invoice status and paid-through --------------------------------------------------------------------


def invoice_status_for(*, invoice: Invoice, today: date | None = None) -> str:
    """What the status of a (not void) invoice is, from its open amount and due date alone."""
    if invoice.status == Invoice.Status.VOID:
        return Invoice.Status.VOID
    if invoice.amount_paid >= invoice.total:
        return Invoice.Status.PAID
    if invoice.due_date < (today or timezone.localdate()):
        return Invoice.Status.OVERDUE
    return Invoice.Status.PARTIALLY_PAID if invoice.amount_paid > ZERO else Invoice.Status.OPEN


def paid_through_recompute(*, subscription_ids) -> None:
    """Paid-through = the end of the last invoiced period before the first one still unpaid (void
    invoices do not count). A subscription never invoiced for a period keeps what it has."""
    ids = sorted(set(subscription_ids))
    if not ids:
        return
    rows = (
        InvoiceLine.objects.filter(kind__in=InvoiceLine.PERIOD_KINDS, subscription_id__in=ids, period_end__isnull=False)
        .exclude(invoice__status=Invoice.Status.VOID)
        .values_list("subscription_id", "period_start", "period_end", "invoice__status")
    )
    periods: dict[int, list[tuple[date, date, bool]]] = {}
    for subscription_id, start, end, status in rows:
        periods.setdefault(subscription_id, []).append((start, end, status == Invoice.Status.PAID))
    current = dict(Subscription.objects.filter(pk__in=periods).values_list("pk", "paid_through"))
    changed = []
    for subscription_id, lines in periods.items():
        first_unpaid = min((start for start, _end, paid in lines if not paid), default=None)
        ends = [end for _start, end, paid in lines if paid and (first_unpaid is None or end < first_unpaid)]
        paid_through = max(ends, default=None)
        if current.get(subscription_id) != paid_through:
            changed.append(Subscription(pk=subscription_id, paid_through=paid_through))
    if len(changed) == 1:
        Subscription.objects.filter(pk=changed[0].pk).update(paid_through=changed[0].paid_through)
    elif changed:  # many (a batch of renewals): one statement
        rows_update(Subscription, changed, ["paid_through"])


def _subscriptions_of(invoice_ids) -> set[int]:
    return set(
        InvoiceLine.objects.filter(invoice_id__in=invoice_ids, subscription__isnull=False, kind__in=InvoiceLine.PERIOD_KINDS)
        .values_list("subscription_id", flat=True)
    )


# Applying and taking back -----------------------------------------------------------------------------


def _allocate_oldest_first(*, credit: Decimal, invoices, payment, today: date) -> tuple[list[Allocation], list[Invoice]]:
    """Spread `credit` over `invoices` (already in due order) until it runs out: the allocations (not
    saved) and the invoices whose amount paid and status were moved (not saved)."""
    allocations: list[Allocation] = []
    changed: list[Invoice] = []
    for invoice in invoices:
        if credit <= ZERO:
            break
        share = min(credit, invoice.total - invoice.amount_paid)
        if share <= ZERO:
            continue
        credit -= share
        allocations.append(Allocation(invoice=invoice, payment=payment, amount=share))
        invoice.amount_paid += share
        invoice.status = invoice_status_for(invoice=invoice, today=today)
        changed.append(invoice)
    return allocations, changed


def credit_apply(*, account: Account, actor=None, payment=None, today: date | None = None) -> list[Allocation]:
    """Apply the account's unapplied credit to its open invoices, oldest due first. The caller holds
    the account lock. Allocations made here are attributed to `payment` when one brought the money."""
    _require_atomic("credit_apply")
    today = today or timezone.localdate()
    credit = available_credit(customer_id=account.customer_id)
    touched: list[int] = []
    if credit <= ZERO:
        return []
    open_invoices = Invoice.objects.select_for_update().filter(
        customer_id=account.customer_id, status__in=OPEN_STATUSES
    ).order_by("due_date", "id")
    allocations, changed = _allocate_oldest_first(credit=credit, invoices=open_invoices, payment=payment, today=today)
    for invoice in changed:
        invoice.save(update_fields=["amount_paid", "status"])
        touched.append(invoice.pk)
    Allocation.objects.bulk_create(allocations)
    paid_through_recompute(subscription_ids=_subscriptions_of(touched))
    return allocations


def _unapply(invoice: Invoice, amount: Decimal, payment, today: date) -> Allocation:
    invoice.amount_paid -= amount
    invoice.status = invoice_status_for(invoice=invoice, today=today)
    invoice.save(update_fields=["amount_paid", "status"])
    return Allocation(invoice=invoice, payment=payment, amount=-amount)


def credit_take_back(
    *, customer_id: int, amount: Decimal, payment=None, whole_payment: bool = False, today: date | None = None
) -> list[int]:
    """Take `amount` of applied money back off the customer's paid invoices: the payment's own
    allocations first, then — when its money had sat as credit and paid a later invoice — the most
    recently due paid invoices. `whole_payment` (a reversal) takes back at least all of the payment's
    own allocations. Negative allocations, invoices due again, paid-through recomputed. The caller
    holds the account lock. Returns the ids of the invoices touched."""
    _require_atomic("credit_take_back")
    today = today or timezone.localdate()
    own: dict[int, Decimal] = {}
    if payment is not None:
        own = dict(
            Allocation.objects.filter(payment=payment).values("invoice").annotate(net=Sum("amount")).values_list("invoice", "net")
        )
    if whole_payment:
        amount = max(amount, sum((net for net in own.values() if net > ZERO), ZERO))
    touched: list[int] = []
    if amount <= ZERO:
        return touched
    candidates = Invoice.objects.select_for_update().filter(customer_id=customer_id, amount_paid__gt=0).exclude(
        status=Invoice.Status.VOID
    )
    latest_first = sorted(candidates, key=lambda invoice: (-invoice.due_date.toordinal(), -invoice.pk))
    # First the payment's own allocations, then whatever is paid on any invoice, most recently due
    # first (an invoice the payment paid may also hold other money, e.g. credit from a void).
    passes = [[(invoice, own[invoice.pk]) for invoice in latest_first if invoice.pk in own], [(invoice, None) for invoice in latest_first]]
    allocations = []
    for candidates_in_pass in passes:
        for invoice, limit in candidates_in_pass:
            if amount <= ZERO:
                break
            share = min(amount, invoice.amount_paid if limit is None else limit, invoice.amount_paid)
            if share <= ZERO:
                continue
            amount -= share
            allocations.append(_unapply(invoice, share, payment, today))
            touched.append(invoice.pk)
    Allocation.objects.bulk_create(allocations)
    paid_through_recompute(subscription_ids=_subscriptions_of(touched))
    return touched


def _take_back_beyond_credit(*, account: Account, amount: Decimal, credit_before: Decimal, payment=None) -> list[int]:
    shortfall = amount - max(credit_before, ZERO)
    if shortfall <= ZERO:
        return []
    return credit_take_back(customer_id=account.customer_id, amount=shortfall, payment=payment)


# Payments, refunds ---------------------------------------------------------------------------------


def payment_money_out(*, payment) -> Decimal:
    """What has left again of a payment: refunded (net of refunds cancelled) plus reversed."""
    total = LedgerEntry.objects.filter(payment=payment, kind__in=(Kind.REFUND, Kind.REVERSAL)).aggregate(s=Sum("amount"))["s"]
    return to_money(total or ZERO)


def payments_money_out(*, payment_ids) -> dict[int, Decimal]:
    """`payment_money_out` of many payments in one query: {payment id: refunded plus reversed} (a
    payment with nothing out is left out)."""
    rows = (
        LedgerEntry.objects.filter(payment_id__in=list(payment_ids), kind__in=(Kind.REFUND, Kind.REVERSAL))
        .values("payment_id").annotate(s=Sum("amount")).values_list("payment_id", "s")
    )
    return {payment_id: to_money(total or ZERO) for payment_id, total in rows}


def payment_post(*, account: Account, payment, actor=None) -> list[Allocation]:
    """The payment's row (a `payments.Payment` built by payments/services.py, inserted here when it is
    new: the payments table is money), its entry (money received), applied to the oldest open invoices at once."""
    _require_atomic("payment_post")
    if payment.pk is None:
        payment.save(force_insert=True)
    entry_post(
        account=account, kind=Kind.PAYMENT, amount=-payment.amount, effective_date=timezone.localdate(payment.received_at),
        actor=actor, payment=payment, memo=payment.receipt_number,
    )
    return credit_apply(account=account, actor=actor, payment=payment)


def _check_money_out(payment, amount: Decimal) -> None:
    left = payment.amount - payment_money_out(payment=payment)
    if amount > left:
        raise ValidationError(
            f"Only {left} of payment {payment.receipt_number} is left to give back: refunded plus reversed "
            f"can never exceed the {payment.amount} paid."
        )


def payment_unpost(*, account: Account, payment, actor=None, memo: str = "", reason: str = "") -> LedgerEntry:
    """Reverse a payment's money: a reversing entry for what is still in (the amount paid less what
    was refunded already), its allocations taken back, the waiting credit applied again. The payment
    row is marked reversed (with `reason` and the time) here, with its reversing entry, and only
    once: the row is money, written by the ledger alone, and a reversal is never undone."""
    _require_atomic("payment_unpost")
    Payment = type(payment)  # payments.Payment: billing sits below payments and does not import it
    marked = Payment.objects.filter(pk=payment.pk, status=Payment.Status.COMPLETED).update(
        status=Payment.Status.REVERSED, reversal_reason=reason, reversed_at=timezone.now())
    if not marked:
        raise ValidationError(f"Payment {payment.receipt_number} is already reversed.")
    payment.refresh_from_db(fields=["status", "reversal_reason", "reversed_at"])
    original = LedgerEntry.objects.get(payment=payment, kind=Kind.PAYMENT)
    amount = payment.amount - payment_money_out(payment=payment)
    if amount <= ZERO:
        raise ValidationError(f"Payment {payment.receipt_number} has been refunded in full: nothing is left to reverse.")
    credit_before = available_credit(customer_id=account.customer_id)
    entry = entry_post(
        account=account, kind=Kind.REVERSAL, amount=amount, effective_date=timezone.localdate(), actor=actor,
        payment=payment, reverses=original, memo=memo,
    )
    shortfall = amount - max(credit_before, ZERO)
    credit_take_back(customer_id=account.customer_id, amount=shortfall, payment=payment, whole_payment=True)
    credit_apply(account=account, actor=actor)
    return entry


def refund_post(*, account: Account, payment, amount: Decimal, actor=None, memo: str = "") -> LedgerEntry:
    """Money given back to the customer from `payment`: a refund entry; what exceeds the waiting credit
    is taken back off the invoices the payment paid."""
    _require_atomic("refund_post")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError("A refund must be greater than zero.")
    _check_money_out(payment, amount)
    credit_before = available_credit(customer_id=account.customer_id)
    entry = entry_post(
        account=account, kind=Kind.REFUND, amount=amount, effective_date=timezone.localdate(), actor=actor,
        payment=payment, memo=memo,
    )
    _take_back_beyond_credit(account=account, amount=amount, credit_before=credit_before, payment=payment)
    return entry


def refund_unpost(*, account: Account, entry: LedgerEntry, actor=None, memo: str = "") -> LedgerEntry:
    """A refund that did not happen after all (the gateway cancelled it): reversed, money applied again."""
    _require_atomic("refund_unpost")
    if entry.kind != Kind.REFUND:
        raise ValueError("refund_unpost reverses refund entries only")
    reversal = entry_reverse(account=account, entry=entry, actor=actor, memo=memo)
    credit_apply(account=account, actor=actor, payment=entry.payment)
    return reversal


# Credits ----------------------------------------------------------------------------------------------


def credit_post(
    *, account: Account, amount: Decimal, actor=None, memo: str = "", kind: str = Kind.CREDIT, invoice: Invoice | None = None
) -> LedgerEntry:
    """A credit to the account (goodwill, referral, cancellation, downward adjustment), applied at once.
    `invoice`: the invoice the credit was given on (a retention offer's credit on a paid invoice), so
    that voiding that invoice takes the credit back with it."""
    _require_atomic("credit_post")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError("A credit must be greater than zero.")
    entry = entry_post(
        account=account, kind=kind, amount=-amount, effective_date=timezone.localdate(), actor=actor, memo=memo, invoice=invoice,
    )
    credit_apply(account=account, actor=actor)
    return entry


def credit_unpost(*, account: Account, entry: LedgerEntry, actor=None, memo: str = "") -> LedgerEntry:
    """Take a credit back: a reversing entry; the part of it that had already paid invoices is taken
    back off the most recently due paid invoices, which are due again."""
    _require_atomic("credit_unpost")
    credit_before = available_credit(customer_id=account.customer_id)
    reversal = entry_reverse(account=account, entry=entry, actor=actor, memo=memo)
    _take_back_beyond_credit(account=account, amount=-entry.amount, credit_before=credit_before)
    return reversal


def credit_note_post(*, account: Account, invoice: Invoice, amount: Decimal, actor=None, memo: str = "") -> LedgerEntry:
    """A credit note against one invoice: the invoice's open amount is lowered first; what the note
    gives beyond it is account credit, applied to the other open invoices."""
    _require_atomic("credit_note_post")
    amount = to_money(amount)
    if amount <= ZERO:
        raise ValidationError("A credit note must be greater than zero.")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError("A void invoice takes no credit note.")
    if amount > invoice.total:
        raise ValidationError(f"A credit note cannot exceed the invoice's total ({invoice.total}).")
    entry = entry_post(
        account=account, kind=Kind.CREDIT_NOTE, amount=-amount, effective_date=timezone.localdate(), actor=actor,
        invoice=invoice, memo=memo,
    )
    open_on_it = invoice.total - invoice.amount_paid
    share = min(amount, open_on_it)
    if share > ZERO:
        Allocation.objects.create(invoice=invoice, amount=share)
        invoice.amount_paid += share
        invoice.status = invoice_status_for(invoice=invoice)
        invoice.save(update_fields=["amount_paid", "status"])
        paid_through_recompute(subscription_ids=_subscriptions_of([invoice.pk]))
    credit_apply(account=account, actor=actor)
    return entry


# Voids and opening balances -----------------------------------------------------------------------------


def credit_note_record(*, number: str, invoice: Invoice, amount: Decimal, reason: str, entry: LedgerEntry, actor=None) -> CreditNote:
    """The credit note document of an entry credit_note_post wrote (its number, reason and amount)."""
    return CreditNote.objects.create(
        number=number, invoice=invoice, customer_id=invoice.customer_id, amount=amount, reason=reason[:255], entry=entry,
        created_by=actor if getattr(actor, "pk", None) else None,
        # The Mushak-6.7 series (docs/vat.md), taken in the credit note's transaction.
        challan_number=allocate_number(prefix=settings.CREDIT_NOTE_CHALLAN_PREFIX),
    )


def invoice_void_post(*, account: Account, invoice: Invoice, actor=None, reason: str = "") -> Invoice:
    """Void an invoice: everything attached to it is reversed, so the balance is what it was before
    the invoice existed, plus the payments that had paid it, which become credit. What was applied to
    it goes back to credit (a negative allocation); reversing entries cancel its charge and every
    credit note or credit given on it (a credit note's reversal takes back what the note paid on the
    invoice and, where the note went beyond it, off the most recently due paid invoices); paid-through
    is recomputed without it and the credit is applied again."""
    _require_atomic("invoice_void_post")
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        raise ValidationError("This invoice is already void.")
    if invoice.amount_paid:
        Allocation.objects.create(invoice=invoice, amount=-invoice.amount_paid)
    attached = invoice.ledger_entries.filter(
        kind__in=(Kind.INVOICE, Kind.OPENING_BALANCE, Kind.DEBIT_NOTE, Kind.CREDIT_NOTE, Kind.CREDIT), reversed_by__isnull=True,
    ).exclude(reverses__isnull=False).order_by("id")
    for original in attached:
        entry_post(
            account=account, kind=Kind.REVERSAL, amount=-original.amount, effective_date=timezone.localdate(),
            actor=actor, invoice=invoice, reverses=original, memo=f"Void {invoice.number}: {reason}",
        )
    invoice.status, invoice.amount_paid, invoice.void_reason = Invoice.Status.VOID, ZERO, reason
    invoice.save(update_fields=["status", "amount_paid", "void_reason"])
    # A credit reversed here may have paid other invoices: what no money stands behind any more is due again.
    account.refresh_from_db(fields=["balance"])
    shortfall = account.balance - amount_open(customer_id=account.customer_id)
    touched = credit_take_back(customer_id=account.customer_id, amount=shortfall) if shortfall > ZERO else []
    paid_through_recompute(subscription_ids=_subscriptions_of([invoice.pk, *touched]))
    credit_apply(account=account, actor=actor)
    return invoice


def opening_balance_post(
    *, customer: Customer, amount: Decimal, effective_date: date, actor=None, memo: str = "", notify: bool = True
) -> LedgerEntry:
    """An opening balance brought over from another system. A debt (> 0) is an invoice of one line
    (so payments find it like any invoice) whose entry is of kind opening_balance; a credit (< 0) is
    an opening_balance entry, applied to open invoices like any credit. `notify=False` is the quiet
    form (imports): the debt's invoice is issued without the "invoice issued" message."""
    _require_atomic("opening_balance_post")
    if to_money(amount) == ZERO:
        raise ValidationError("An opening balance of zero needs no entry.")
    return opening_balances_post(balances=[(customer, amount)], effective_date=effective_date, actor=actor, memo=memo, notify=notify)[0]


def opening_balances_post(
    *, balances: list[tuple[Customer, Decimal]], effective_date: date, actor=None, memo: str = "", notify: bool = True
) -> list[LedgerEntry]:
    """`opening_balance_post` for many customers at once (an import's chunk), set by set: the same
    invoices, lines, entries, balances and audit entries, in a handful of statements. Accounts are
    locked in primary-key order (missing ones created, already holding their new balance); an account
    that existed before has its credit applied as the single version does. One customer at most
    once; zero amounts are refused. Returns the entries in the order of `balances`."""
    _require_atomic("opening_balances_post")
    amounts = {customer.pk: to_money(amount) for customer, amount in balances}
    if len(amounts) != len(balances):
        raise ValueError("one opening balance per customer")
    if any(amount == ZERO for amount in amounts.values()):
        raise ValidationError("An opening balance of zero needs no entry.")
    if not amounts:
        return []
    memo = memo or "Opening balance"
    created_by = actor if getattr(actor, "pk", None) else None
    existing = dict(
        Account.objects.select_for_update().filter(customer_id__in=amounts).order_by("pk").values_list("customer_id", "pk")
    )
    new_accounts = Account.objects.bulk_create(
        [Account(customer_id=customer_id, balance=amount) for customer_id, amount in amounts.items() if customer_id not in existing]
    )
    account_ids = {**existing, **{account.customer_id: account.pk for account in new_accounts}}
    for customer_id in sorted(existing, key=existing.get):
        Account.objects.filter(pk=existing[customer_id]).update(balance=F("balance") + amounts[customer_id], updated_at=timezone.now())

    # Debts: an invoice of one VAT-free adjustment line each, numbered in the order given.
    cfg = current_billing_settings()
    debts = [(customer, amounts[customer.pk]) for customer, _amount in balances if amounts[customer.pk] > ZERO]
    numbers = allocate_block(prefix=settings.INVOICE_NUMBER_PREFIX, count=len(debts), year=effective_date.year) if debts else []
    today = timezone.localdate()
    invoices = []
    lines = []
    for (customer, amount), number in zip(debts, numbers):
        line = vat_line(amount, rate=ZERO, prices_include_vat=cfg.prices_include_vat)
        sums = totals([line])
        invoice = Invoice(
            number=number, customer=customer, issue_date=effective_date, due_date=effective_date, subtotal=sums.net,
            vat_total=sums.vat, total=sums.gross, vat_rate=ZERO, status=Invoice.Status.OPEN,
        )
        invoice.status = invoice_status_for(invoice=invoice, today=today)
        invoices.append(invoice)
        lines.append((line, invoice))
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, kind=InvoiceLine.Kind.ADJUSTMENT, description=memo, net=line.net, vat=line.vat, gross=line.gross)
        for line, invoice in lines
    )
    invoice_of = {invoice.customer_id: invoice for invoice in invoices}
    entries = [
        LedgerEntry(
            account_id=account_ids[customer.pk], kind=Kind.OPENING_BALANCE, amount=amounts[customer.pk], effective_date=effective_date,
            created_by=created_by, invoice=invoice_of.get(customer.pk),
            memo=(invoice_of[customer.pk].number if customer.pk in invoice_of else memo)[:255],
        )
        for customer, _amount in balances
    ]
    LedgerEntry.objects.bulk_create(entries)
    journal_post_ledger(entry_ids=[entry.pk for entry in entries])
    audit_record_many(
        actor=actor, action="invoice.issue",
        entries=[(invoice, None, {"total": str(invoice.total), "lines": 1}) for invoice in invoices],
    )
    # A new account has nothing else on it: no credit waits and no invoice is open but its own.
    for customer_id in sorted(existing, key=existing.get):
        credit_apply(account=Account.objects.get(pk=existing[customer_id]), actor=actor)
    if notify and invoices:
        notify_invoices(event=Event.INVOICE_ISSUED, invoices=Invoice.objects.filter(pk__in=[i.pk for i in invoices]).select_related("customer"))
    return entries


def opening_balances_withdraw(*, customer_ids, actor=None, reason: str = "") -> list[str]:
    """Take away, with the import undone that brought them, opening balances nothing has touched since
    (docs/billing.md, "Undoing an import"): each of these customers' accounts holds its opening-balance
    entry and nothing else, and the opening invoice has no payment or credit applied. The entries,
    invoices, their lines and the accounts are deleted, so the customers can go too; the invoice
    numbers stay used (returned, for the import to list). Refuses, changing nothing, when any account
    holds more."""
    _require_atomic("opening_balances_withdraw")
    ids = sorted(set(customer_ids))
    accounts = list(Account.objects.select_for_update().filter(customer_id__in=ids).order_by("pk"))
    entries = LedgerEntry.objects.filter(account__in=accounts)
    invoices = Invoice.objects.filter(customer_id__in=ids)
    if (
        entries.exclude(kind=Kind.OPENING_BALANCE).exists()
        or invoices.exclude(ledger_entries__kind=Kind.OPENING_BALANCE).exists()
        or Allocation.objects.filter(invoice__in=invoices).exists()
    ):
        raise ValidationError("These accounts have more than their opening balance on them.")
    numbers = sorted(invoices.values_list("number", flat=True))
    audit_record_many(
        actor=actor, action="invoice.withdraw", reason=reason,
        entries=[(invoice, {"number": invoice.number, "total": str(invoice.total)}, None) for invoice in invoices.order_by("pk")],
    )
    journal_withdraw(entry_ids=list(entries.values_list("pk", flat=True)))
    entries.delete()
    InvoiceLine.objects.filter(invoice__in=invoices).delete()
    invoices.delete()
    Account.objects.filter(pk__in=[account.pk for account in accounts]).delete()
    return numbers


# Many customers at once ---------------------------------------------------------------------------------


def accounts_lock(*, customer_ids) -> dict[int, Account]:
    """`account_lock` for many customers: their account rows (missing ones created), locked in
    primary-key order until the transaction ends. Returns {customer id: account}."""
    _require_atomic("accounts_lock")
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    existing = set(Account.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True))
    missing = [customer_id for customer_id in ids if customer_id not in existing]
    if missing:
        Account.objects.bulk_create([Account(customer_id=customer_id) for customer_id in missing], ignore_conflicts=True)
    return {account.customer_id: account for account in Account.objects.select_for_update().filter(customer_id__in=ids).order_by("pk")}


@dataclass(frozen=True)
class EntrySpec:
    """One entry of `entries_post`: what `entry_post` takes."""

    account: Account
    kind: str
    amount: Decimal
    effective_date: date
    actor: object = None
    invoice: Invoice | None = None
    payment: object = None
    memo: str = ""


def _balances_move(moved: dict[int, Decimal]) -> None:
    """Move each account's cached balance by its amount, in one statement."""
    if not moved:
        return
    money = DecimalField(max_digits=14, decimal_places=2)
    Account.objects.filter(pk__in=moved).update(
        balance=F("balance") + grouped_case(moved, money, default=Value(ZERO, output_field=money)), updated_at=timezone.now(),
    )


def entries_post(*, entries: list[EntrySpec]) -> list[LedgerEntry]:
    """`entry_post` for many entries, in the order given: the entries in one insert and every
    account's cached balance moved by the sum of its entries in one update. The caller holds the
    accounts' locks."""
    _require_atomic("entries_post")
    rows, moved = [], {}
    for spec in entries:
        amount = to_money(spec.amount)
        if amount == ZERO:
            raise ValueError("a ledger entry must move money")
        rows.append(LedgerEntry(
            account=spec.account, kind=spec.kind, amount=amount, effective_date=spec.effective_date,
            created_by=spec.actor if getattr(spec.actor, "pk", None) else None,
            invoice=spec.invoice, payment=spec.payment, memo=spec.memo[:255],
        ))
        moved[spec.account.pk] = moved.get(spec.account.pk, ZERO) + amount
    LedgerEntry.objects.bulk_create(rows)
    _balances_move(moved)
    journal_post_ledger(entry_ids=[row.pk for row in rows])
    return rows


def credit_apply_many(*, accounts: list[Account], payments: dict | None = None, today: date | None = None) -> dict[int, list[Allocation]]:
    """`credit_apply` for many accounts at once: each account's unapplied credit (what is open on its
    invoices minus its balance) applied to its open invoices, oldest due first; allocations made
    for a customer in `payments` ({customer id: payment}) are attributed to that payment. Open
    invoices are read and locked in one query, allocations written in one insert, invoices updated
    in one statement, paid-through recomputed once. The caller holds the accounts' locks. Returns
    {customer id: allocations} (customers with nothing to apply are left out)."""
    _require_atomic("credit_apply_many")
    today = today or timezone.localdate()
    payments = payments or {}
    customer_ids = [account.customer_id for account in accounts]
    if not customer_ids:
        return {}
    invoices: dict[int, list[Invoice]] = {}
    for invoice in Invoice.objects.select_for_update().filter(customer_id__in=customer_ids, status__in=OPEN_STATUSES).order_by(
        "customer_id", "due_date", "id"
    ):
        invoices.setdefault(invoice.customer_id, []).append(invoice)
    balances = dict(Account.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "balance"))
    applied: dict[int, list[Allocation]] = {}
    changed: list[Invoice] = []
    for customer_id in customer_ids:
        open_invoices = invoices.get(customer_id, [])
        credit = max(ZERO, sum((i.total - i.amount_paid for i in open_invoices), ZERO) - balances.get(customer_id, ZERO))
        allocations, paid = _allocate_oldest_first(credit=credit, invoices=open_invoices, payment=payments.get(customer_id), today=today)
        if allocations:
            applied[customer_id] = allocations
            changed.extend(paid)
    if changed:
        rows_update(Invoice, changed, ["amount_paid", "status"])
        Allocation.objects.bulk_create([allocation for allocations in applied.values() for allocation in allocations])
        paid_through_recompute(subscription_ids=_subscriptions_of([invoice.pk for invoice in changed]))
    return applied


def payments_post(*, accounts: dict[int, Account], payments: list, actor=None) -> dict[int, list[Allocation]]:
    """`payment_post` for payments of different customers (at most one each), set by set: their
    entries, then each applied to its customer's oldest open invoices. `accounts` are the locked
    accounts by customer id. Returns {payment id: allocations}."""
    _require_atomic("payments_post")
    by_customer = {payment.customer_id: payment for payment in payments}
    if len(by_customer) != len(payments):
        raise ValueError("payments_post takes at most one payment per customer")
    new = [payment for payment in payments if payment.pk is None]
    if new:  # built by payments/services.py; the payments table is money, inserted here
        type(new[0]).objects.bulk_create(new)
    entries_post(entries=[
        EntrySpec(account=accounts[payment.customer_id], kind=Kind.PAYMENT, amount=-payment.amount, actor=actor,
                  effective_date=timezone.localdate(payment.received_at), payment=payment, memo=payment.receipt_number)
        for payment in payments
    ])
    applied = credit_apply_many(accounts=[accounts[payment.customer_id] for payment in payments], payments=by_customer)
    return {payment.pk: applied.get(payment.customer_id, []) for payment in payments}
