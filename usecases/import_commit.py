"""Committing a checked import (use case): the batch queued, then its rows committed in the
background, a chunk per transaction: new customers set by set (their customers, subscriptions,
opening balances, router entries and audit entries in a few statements through customers, billing's
ledger and network), row by row in savepoints only when the chunk fails or for updates; each row's
status kept, so a crashed commit resumes where it stopped and no row is half-imported.

Money moves only through `billing.ledger`: opening balances are `opening_balances_post` (a chunk) or
`opening_balance_post` (a row), quiet (no message to the customer), dated at the batch's cut-over. The
batch and its rows are written by imports' services, past payments by payments' services.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing import ledger
from billing.services import subscription_anchor_check
from billing.transition_effects import transition_effects_apply
from contracts.services import contract_drafting_paused
from customers import services as customer_services
from customers.models import Area, Customer, Package, Subscription
from imports import services as import_services
from imports.models import ImportBatch, ImportRow
from imports.services import CHUNK_ROWS
from network.models import Router
from payments import services as payment_services
from payments.models import PastPayment


@transaction.atomic
def batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue the commit of the checked rows (those with errors are left out and listed in the report)."""
    from .tasks import import_batch_commit

    batch = import_services.batch_queue(actor=actor, batch=batch)
    batch_id = batch.pk
    transaction.on_commit(lambda: import_batch_commit.delay(batch_id))
    return batch


class _Catalogue:
    """Areas, packages and routers by id, read once per commit instead of once per row."""

    def __init__(self) -> None:
        self.areas = {a.pk: a for a in Area.objects.all()}
        self.packages = {p.pk: p for p in Package.objects.all()}
        self.routers = {r.pk: r for r in Router.objects.all()}


def _row_create(*, actor, batch: ImportBatch, row: ImportRow, catalogue: _Catalogue | None = None) -> None:
    v = row.values
    catalogue = catalogue or _Catalogue()
    area = catalogue.areas[v["area_id"]]
    customer = customer_services.customer_create(
        actor=actor, name=v["name"], phone=v["phone"], area=area, address=v["address"], email=v["email"],
        national_id=v["national_id"], notes=v["notes"], external_ref=v["external_ref"],
        customer_since=date.fromisoformat(v["customer_since"]) if v.get("customer_since") else batch.cutover_date,
    )
    row.customer = customer
    if v.get("package_id"):
        with contract_drafting_paused():  # existing customers: no contract to sign on moving day
            subscription_anchor_check(anchor_day=v["billing_day"])
            subscription = customer_services.subscription_pending_create(
                actor=actor, customer=customer, package=catalogue.packages[v["package_id"]], router=catalogue.routers[v["router_id"]],
                connection_type=v["connection_type"], username=v["username"], password=v.get("password", ""),
                static_ip=v["static_ip"] if v["connection_type"] == "static" else None, billing_anchor_day=v["billing_day"],
            )
        if v["status"] == "active":
            reason = _activation_reason(batch)
            if batch.source == ImportBatch.Source.ROUTER:
                subscription = customer_services.subscription_adopt(actor=actor, subscription=subscription, reason=reason)
            else:
                subscription = customer_services.subscription_status_activate(actor=actor, subscription=subscription, reason=reason)
                transition_effects_apply(actor=actor, subscriptions=[subscription])
        row.subscription = subscription
    balance = Decimal(v.get("balance") or "0")
    if balance:
        row.opening_entry = ledger.opening_balance_post(
            customer=customer, amount=balance, effective_date=batch.cutover_date, actor=actor,
            memo=_opening_memo(batch), notify=False,
        )


def _opening_memo(batch: ImportBatch) -> str:
    return f"Opening balance brought over (import #{batch.pk})"


def _activation_reason(batch: ImportBatch) -> str:
    return f"Imported as active (import #{batch.pk})"


def _rows_create_bulk(*, actor, batch: ImportBatch, rows: list[ImportRow], catalogue: _Catalogue) -> None:
    """`_row_create` for a chunk of rows, set by set: customers, subscriptions, opening balances,
    router entries and audit entries in a few statements each, with the same result row for row
    (tests/imports/test_bulk_commit.py compares the two). Raises as a whole: the caller rolls the
    chunk back and goes row by row to find the row to blame."""
    customers = []
    for row in rows:
        v = row.values
        customers.append(Customer(
            name=v["name"], phone=v["phone"], email=v["email"], national_id=v["national_id"], address=v["address"],
            area=catalogue.areas[v["area_id"]], notes=v["notes"], external_ref=v["external_ref"],
            customer_since=date.fromisoformat(v["customer_since"]) if v.get("customer_since") else batch.cutover_date,
        ))
    customer_services.customers_create_bulk(actor=actor, customers=customers)
    subscriptions = []
    for row, customer in zip(rows, customers):
        row.customer = customer
        v = row.values
        if v.get("package_id"):
            row.subscription = Subscription(
                customer=customer, package=catalogue.packages[v["package_id"]], router=catalogue.routers[v["router_id"]],
                connection_type=v["connection_type"], username=v["username"], password=v.get("password", ""),
                static_ip=v["static_ip"] if v["connection_type"] == "static" else None, billing_anchor_day=v["billing_day"],
                status=Subscription.Status.ACTIVE if v["status"] == "active" else Subscription.Status.PENDING,
            )
            subscriptions.append(row.subscription)
    if subscriptions:
        for day in sorted({s.billing_anchor_day for s in subscriptions if s.billing_anchor_day is not None}):
            subscription_anchor_check(anchor_day=day)
        customer_services.subscriptions_create_existing(actor=actor, subscriptions=subscriptions, reason=_activation_reason(batch))
        activated = [s for s in subscriptions if s.status == Subscription.Status.ACTIVE]
        if batch.source == ImportBatch.Source.FILE and activated:
            # Connections a file brings over active are put on their router by ispbill (a router
            # import's are there already).
            transition_effects_apply(actor=actor, subscriptions=activated)
    debtors = [row for row in rows if Decimal(row.values.get("balance") or "0")]
    entries = ledger.opening_balances_post(
        balances=[(row.customer, Decimal(row.values["balance"])) for row in debtors], effective_date=batch.cutover_date,
        actor=actor, memo=_opening_memo(batch), notify=False,
    )
    for row, entry in zip(debtors, entries):
        row.opening_entry = entry


def _past_payments_create_bulk(*, actor, batch: ImportBatch, rows: list[ImportRow], catalogue: _Catalogue | None = None) -> None:
    """A chunk of past payments in one INSERT: history records, no ledger entry (see PastPayment)."""
    made = payment_services.past_payments_create(records=[_past_payment_fields(row.values) for row in rows])
    customers = Customer.objects.in_bulk({row.values["customer_id"] for row in rows})
    for row, past in zip(rows, made):
        row.past_payment, row.customer = past, customers[past.customer_id]


def _past_payment_fields(v: dict) -> dict:
    return {
        "customer_id": v["customer_id"], "paid_on": date.fromisoformat(v["paid_on"]), "amount": Decimal(v["amount"]),
        "method": v["method"], "reference": v["reference"], "note": v["note"],
    }


def _past_payment_update(*, batch: ImportBatch, row: ImportRow) -> None:
    """A re-import: the record with the row's reference follows the file; the old values are kept on
    the row so an undo puts them back."""
    past, row.previous = payment_services.past_payment_update(
        past_payment_id=row.values["past_payment_id"], values=_past_payment_fields(row.values),
    )
    row.past_payment, row.customer = past, past.customer


UPDATABLE = ("name", "phone", "email", "address", "national_id", "notes")


def _row_update(*, actor, batch: ImportBatch, row: ImportRow) -> None:
    """A re-import: the customer's details follow the file. Money is not posted twice (an opening
    balance is posted once, by the first import) and subscriptions are left as they are."""
    v = row.values
    customer = Customer.objects.get(pk=v["customer_id"])
    # Only the fields the file has a column for, and never emptied: a sheet without an e-mail column
    # (or with a blank cell) leaves the customer's e-mail as it is.
    mapped = [k for k in UPDATABLE if batch.mapping.get(k)]
    changes = {k: v[k] for k in mapped if v.get(k) and v[k] != getattr(customer, k)}
    if v.get("area_id") and v["area_id"] != customer.area_id:
        changes["area"] = Area.objects.get(pk=v["area_id"])
    row.previous = {k: (getattr(customer, k).pk if k == "area" else getattr(customer, k)) for k in changes}
    if changes:
        customer_services.customer_update(actor=actor, customer=customer, **changes)
    row.customer = customer


def batch_process(*, batch_id: int, chunk_rows: int = CHUNK_ROWS, max_chunks: int | None = None, bulk: bool = True) -> ImportBatch:
    """Commit the batch's rows not yet done, a chunk per transaction. New customers go in set by set
    (`_rows_create_bulk`, one savepoint for the chunk); when that fails (the database changed since the
    check) or `bulk` is off, each row goes in its own savepoint: a row that fails is marked with its
    error, the others go on. Updates (re-imports) go row by row. Run twice, the second run finds
    nothing left to do; `max_chunks` stops early (the batch stays running and the next call resumes)."""
    batch = import_services.batch_run_start(batch_id=batch_id)
    if batch.status != ImportBatch.Status.RUNNING:
        return batch
    actor = batch.created_by
    todo = ImportRow.objects.filter(batch_id=batch_id, done=False).exclude(action=ImportRow.Action.ERROR).order_by("line")
    chunks, finished = 0, False
    catalogue = _Catalogue()
    while max_chunks is None or chunks < max_chunks:
        chunks += 1
        with transaction.atomic():
            rows = list(todo.select_for_update()[:chunk_rows])
            if not rows:
                finished = True
                break
            created = updated = failed = 0
            in_bulk = set()
            creates = [row for row in rows if row.action == ImportRow.Action.CREATE]
            create_bulk = _past_payments_create_bulk if batch.kind == ImportBatch.Kind.PAST_PAYMENTS else _rows_create_bulk
            if bulk and creates:
                try:
                    with transaction.atomic():
                        create_bulk(actor=actor, batch=batch, rows=creates, catalogue=catalogue)
                    in_bulk = {row.pk for row in creates}
                except (ValidationError, IntegrityError):
                    # The database changed since the check (a phone or login taken meanwhile): row by
                    # row, so each failing row gets its own message and the others go in.
                    for row in creates:
                        row.customer = row.subscription = row.opening_entry = row.past_payment = None
            for row in rows:
                if row.pk in in_bulk:
                    created += 1
                else:
                    failed += _row_commit(actor=actor, batch=batch, row=row, catalogue=catalogue)
                    updated += row.action == ImportRow.Action.UPDATE
                    created += row.action == ImportRow.Action.CREATE
            import_services.batch_chunk_record(batch=batch, rows=rows, created=created, updated=updated, failed=failed)
    if finished or not todo.exists():
        import_services.batch_finish(batch_id=batch_id)
    batch.refresh_from_db()
    return batch


def _row_commit(*, actor, batch: ImportBatch, row: ImportRow, catalogue: _Catalogue) -> int:
    """One row in its own savepoint; 1 when it failed (the row then carries the reason)."""
    try:
        with transaction.atomic():
            if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
                if row.action == ImportRow.Action.UPDATE:
                    _past_payment_update(batch=batch, row=row)
                else:
                    _past_payments_create_bulk(actor=actor, batch=batch, rows=[row])
            elif row.action == ImportRow.Action.UPDATE:
                _row_update(actor=actor, batch=batch, row=row)
            else:
                _row_create(actor=actor, batch=batch, row=row, catalogue=catalogue)
    except ValidationError as exc:
        reasons = _messages(exc)
    except IntegrityError:
        if batch.kind == ImportBatch.Kind.PAST_PAYMENTS:
            reasons = [_("A past payment with the same reference was added since the check, or the customer is gone.")]
        else:
            reasons = [_("Another customer or login with the same phone, old id or username was added since the check.")]
    except PastPayment.DoesNotExist:
        reasons = [_("The past payment this row updates was removed since the check.")]
    else:
        return 0
    row.customer = row.subscription = row.opening_entry = row.past_payment = None
    row.errors = [*row.errors, *reasons]
    row.action = ImportRow.Action.ERROR
    return 1


def batch_fail(*, batch_id: int, message: str) -> None:
    import_services.batch_failure_record(batch_id=batch_id, message=message)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{k}: {m}" if k != "__all__" else m for k, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)
