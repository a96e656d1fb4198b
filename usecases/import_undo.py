"""Undoing a finished import (use case): the customers it created removed, with their connections
(taken off the router when ispbill put them there) and opening balances, when nothing has happened to
them since, so no list, search or figure counts them; those something happened to withdrawn (balances
reversed through the ledger, connections released, customer closed); updated customers put back; past
payments removed or restored. The batch and its rows stay as the import's history, with the account
(and invoice) numbers it used, which are never given out again. Refused once billing has touched the
batch (`imports.services.batch_touched`). The batch and its rows are written by imports' services,
past payments by payments' services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from billing import ledger
from billing.models import Invoice
from billing.transition_effects import transition_effects_apply
from customers import services as customer_services
from customers.models import Area, Customer, Subscription
from imports import services as import_services
from imports.models import ImportBatch, ImportRow
from network import services as network_services
from payments import services as payment_services


@transaction.atomic
def batch_undo(*, actor, batch: ImportBatch, reason: str = "") -> ImportBatch:
    """Withdraw the whole batch (see the module). Refused once billing has touched it."""
    batch = import_services.batch_undo_lock(batch=batch)
    reason = reason.strip() or f"Import #{batch.pk} undone"
    report = None
    if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
        _past_payments_undo(batch=batch)
    else:
        report = _customers_undo(actor=actor, batch=batch, reason=reason)
    return import_services.batch_undone_record(actor=actor, batch=batch, reason=reason, undo_report=report)


def _past_payments_undo(*, batch: ImportBatch) -> None:
    """History records the batch added are removed (they never moved money, so there is nothing to
    reverse; the audit log keeps the undo) and those it updated get their earlier values back."""
    rows = ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).exclude(past_payment=None)
    earlier = {}
    for past_payment_id, previous in rows.filter(action=ImportRow.Action.UPDATE).values_list("past_payment_id", "previous"):
        earlier[past_payment_id] = {
            key: date.fromisoformat(value) if key == "paid_on" else Decimal(value) if key == "amount" else value
            for key, value in previous.items()
        }
    if earlier:
        payment_services.past_payments_restore(values_by_id=earlier)
    payment_services.past_payments_remove(ids=rows.filter(action=ImportRow.Action.CREATE).values("past_payment_id"))


def _customers_undo(*, actor, batch: ImportBatch, reason: str) -> dict:
    """Updated customers are put back; the customers the batch created are removed, with their
    connections and opening balances, when nothing has happened to them since, and otherwise (a ticket,
    a visit, a call …) withdrawn as before: balances reversed, connections released, the customer
    closed. The account numbers they used stay used: the batch's undo report (returned) lists them."""
    rows = list(ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).select_related("opening_entry").order_by("-line"))
    for row in rows:
        if row.action == ImportRow.Action.UPDATE and row.previous and row.customer_id:
            changes = dict(row.previous)
            if "area" in changes:
                changes["area"] = Area.objects.get(pk=changes["area"])
            customer_services.customer_update(actor=actor, customer=Customer.objects.get(pk=row.customer_id), **changes)
    created = [row for row in rows if row.action == ImportRow.Action.CREATE and row.customer_id is not None]
    numbers = dict(Customer.objects.filter(pk__in=[row.customer_id for row in created]).values_list("pk", "account_number"))
    invoice_numbers: list[str] = []
    kept: list[ImportRow] = []
    try:
        with transaction.atomic():
            invoice_numbers = _remove(actor=actor, batch=batch, rows=created, reason=reason)
    except (ProtectedError, ValidationError):
        # Something happened to some of them: remove the others one by one, withdraw those.
        for row in created:
            try:
                with transaction.atomic():
                    invoice_numbers += _remove(actor=actor, batch=batch, rows=[row], reason=reason)
            except (ProtectedError, ValidationError):
                kept.append(row)
    for row in kept:
        _withdraw(actor=actor, batch=batch, row=row, reason=reason)
    import_services.rows_undo_record(rows=created, account_numbers=numbers, kept=kept)
    return {
        "removed": len(created) - len(kept),
        "withdrawn": len(kept),
        "account_numbers": number_ranges(list(numbers.values()), across_years=True),
        "invoice_numbers": number_ranges(invoice_numbers),
    }


def _remove(*, actor, batch: ImportBatch, rows: list[ImportRow], reason: str) -> list[str]:
    """The rows' customers gone with what the import gave them: router entries ispbill put there taken
    off, opening balances taken away by the ledger, connections and customers deleted. Raises, having
    changed nothing, when anything else refers to one of them. Returns the invoice numbers used."""
    customer_ids = [row.customer_id for row in rows]
    if batch.source == ImportBatch.Source.FILE:  # off the router only what ispbill put there
        on_router = list(Subscription.objects.filter(customer_id__in=customer_ids, status__in=network_services.ON_ROUTER)
                         .select_related("router", "package"))
        if on_router:
            network_services.provisioning_remove_many(subscriptions=on_router, actor=actor)
    invoice_numbers = ledger.opening_balances_withdraw(customer_ids=customer_ids, actor=actor, reason=reason)
    customer_services.customers_remove_imported(actor=actor, customer_ids=customer_ids, reason=reason)
    return invoice_numbers


def _withdraw(*, actor, batch: ImportBatch, row: ImportRow, reason: str) -> None:
    account = ledger.account_lock(customer_id=row.customer_id)
    entry = row.opening_entry
    if entry is not None:
        if entry.invoice_id:
            ledger.invoice_void_post(account=account, invoice=Invoice.objects.get(pk=entry.invoice_id), actor=actor, reason=reason)
        else:
            ledger.credit_unpost(account=account, entry=entry, actor=actor, memo=reason)
    if row.subscription_id:
        subscription = Subscription.objects.get(pk=row.subscription_id)
        if subscription.status != Subscription.Status.CANCELLED:
            released = customer_services.subscription_release(actor=actor, subscription=subscription, reason=reason)
            if batch.source == ImportBatch.Source.FILE:  # off the router only what ispbill put there
                transition_effects_apply(actor=actor, subscriptions=[released])
    customer_services.customer_withdraw(actor=actor, customer=Customer.objects.get(pk=row.customer_id), reason=reason)


def number_ranges(numbers: list[str], *, across_years: bool = False) -> str:
    """Numbers as runs, "CT-2019-00001–CT-2025-00939, CT-2026-00950". Account numbers count on across
    years (the year shown is the customer's first), so their runs follow the count alone; invoice numbers
    count per year (`across_years=False`)."""
    def key(number: str):
        head, _, tail = number.rpartition("-")
        return ("" if across_years else head, int(tail) if tail.isdigit() else -1, number)

    runs: list[list] = []
    for number in sorted(numbers, key=key):
        series, count, _ = key(number)
        if runs and count >= 0 and runs[-1][2] == series and runs[-1][3] == count - 1:
            runs[-1][1], runs[-1][3] = number, count
        else:
            runs.append([number, number, series, count])
    return ", ".join(first if first == last else f"{first}–{last}" for first, last, _series, _count in runs)
