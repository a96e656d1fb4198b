"""Undoing a finished import (use case): opening balances reversed through the ledger, connections
released (and taken off the router when ispbill put them there), customers withdrawn, updated
customers put back; past payments removed or restored. Refused once billing has touched the batch
(`imports.services.batch_touched`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import ledger
from billing.models import Invoice
from customers import services as customer_services
from customers.models import Area, Customer, Subscription
from imports.models import ImportBatch, ImportRow
from imports.services import batch_touched, user_or_none
from ispbill.core.audit import audit_record
from network import services as network_services
from payments.models import PastPayment

from .import_commit import PAST_PAYMENT_UPDATABLE


@transaction.atomic
def batch_undo(*, actor, batch: ImportBatch, reason: str = "") -> ImportBatch:
    """Withdraw the whole batch: opening balances reversed through the ledger (the invoice voided, the
    advance taken back), subscriptions cancelled and their logins freed, customers closed with their
    old id cleared, and updated customers put back as they were. Refused once billing has touched it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.DONE:
        raise ValidationError(_("Only a finished import can be undone."))
    why = batch_touched(batch=batch)
    if why:
        raise ValidationError(_("This import can no longer be undone: %(why)s") % {"why": why})
    reason = reason.strip() or f"Import #{batch.pk} undone"
    if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
        _past_payments_undo(batch=batch)
    else:
        _customers_undo(actor=actor, batch=batch, reason=reason)
    batch.status, batch.undone_at, batch.undone_by = ImportBatch.Status.UNDONE, timezone.now(), user_or_none(actor)
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    audit_record(actor=actor, action="import.undo", obj=batch, reason=reason)
    return batch


def _past_payments_undo(*, batch: ImportBatch) -> None:
    """History records the batch added are removed (they never moved money, so there is nothing to
    reverse; the audit log keeps the undo) and those it updated get their earlier values back."""
    rows = ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).exclude(past_payment=None)
    updated = []
    for row in rows.filter(action=ImportRow.Action.UPDATE).select_related("past_payment"):
        past = row.past_payment
        for key, value in row.previous.items():
            setattr(past, key, date.fromisoformat(value) if key == "paid_on" else Decimal(value) if key == "amount" else value)
        updated.append(past)
    if updated:
        PastPayment.objects.bulk_update(updated, PAST_PAYMENT_UPDATABLE)
    PastPayment.objects.filter(pk__in=rows.filter(action=ImportRow.Action.CREATE).values("past_payment_id")).delete()


def _customers_undo(*, actor, batch: ImportBatch, reason: str) -> None:
    rows = list(ImportRow.objects.filter(batch=batch, done=True).exclude(action=ImportRow.Action.ERROR).select_related("opening_entry").order_by("-line"))
    for row in rows:
        if row.action == ImportRow.Action.UPDATE:
            if row.previous and row.customer_id:
                changes = dict(row.previous)
                if "area" in changes:
                    changes["area"] = Area.objects.get(pk=changes["area"])
                customer_services.customer_update(actor=actor, customer=Customer.objects.get(pk=row.customer_id), **changes)
            continue
        if row.customer_id is None:
            continue
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
                    network_services.provisioning_enqueue_transition(
                        subscription=released, previous_status=released.previous_lifecycle["status"], actor=actor
                    )
        customer_services.customer_withdraw(actor=actor, customer=Customer.objects.get(pk=row.customer_id), reason=reason)
