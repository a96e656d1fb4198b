"""Billing's hand-written SQL: the set-based writes of many invoices at once, and where SQLite and
PostgreSQL differ. Nothing outside this module looks at `connection.vendor` for billing.

Why not the ORM: a billing-run chunk writes thousands of invoices, lines, ledger entries and balance
changes. bulk_create returns ids only after a round trip per model and cannot defer the invoice
numbers; on PostgreSQL, COPY and one statement over `unnest` arrays write the same rows in a fraction
of the time (bench/billing_run.py). SQLite gets the same steps through the ORM's bulk operations,
so both databases run one sequence (billing/ledger/invoices.py) and differ only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import DateField, F, PositiveSmallIntegerField, Value
from django.utils import timezone

from billing.models import Account
from billing.wallet_models import ResellerWallet, WalletEntry
from customers.models import Subscription
from ispbill.core.bulk import grouped_case
from ispbill.core.money import ZERO, MoneyField
from ispbill.core.statements import columns, instances, prepared, statement_cursor


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def array(values: Iterable) -> str:
    """A PostgreSQL array literal ('{1,2,NULL}') for ids, dates, integers and amounts, to be cast in
    the SQL (%s::bigint[]). psycopg adapts a Python list element by element in Python: for the
    chunk's 5,000-element arrays that was a quarter of the chunk's Python time."""
    return "{" + ",".join("NULL" if value is None else str(value) for value in values) + "}"


def accounts_lock(customer_ids: Iterable[int]) -> dict[int, tuple[int, Decimal]]:
    """Lock the customers' accounts in primary-key order; returns customer id → (account id, balance).
    On PostgreSQL only existing accounts are locked here (the others are created by balances_add,
    invisible to anyone else until commit); SQLite, which locks the whole database for the writing
    transaction, creates the missing ones first."""
    ids = sorted(customer_ids)
    if on_postgres():
        # Why SQL: FOR UPDATE over an array parameter, without the ORM building a 5,000-item IN list.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, customer_id, balance FROM {Account._meta.db_table} WHERE customer_id = ANY(%s::bigint[]) "
                "ORDER BY id FOR UPDATE",
                [array(ids)],
            )
            rows = cursor.fetchall()
    else:
        existing = set(Account.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True))
        Account.objects.bulk_create([Account(customer_id=pk) for pk in ids if pk not in existing], ignore_conflicts=True)
        rows = Account.objects.select_for_update().filter(customer_id__in=ids).order_by("pk").values_list("pk", "customer_id", "balance")
    return {customer_id: (pk, balance) for pk, customer_id, balance in rows}


def ids_reserve(model, count: int) -> list[int]:
    """`count` new primary keys of the model's table, so rows pointing at them can be written first."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if on_postgres():
            # Why SQL: the ORM has no access to sequences.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        # SQLite: the writing transaction holds the database's write lock, so the next ids are free
        # until it commits; past the AUTOINCREMENT counter too, so no deleted row's id comes back.
        quote = connection.ops.quote_name
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0))",
            [table],
        )
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def _defaults_for(model, fields: tuple[str, ...]) -> tuple[list, list]:
    """The model's other fields and the values bulk_create would give them (auto_now → now, defaults,
    "" for blank text); refuses a NOT NULL field without one."""
    now = timezone.now()
    extra_fields, extra_values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in fields:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extra_fields.append(f)
            extra_values.append(now)
        elif f.has_default() or (not f.null and f.empty_strings_allowed):
            extra_fields.append(f)
            extra_values.append(f.get_default())
        elif not f.null:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
    return extra_fields, extra_values


def rows_insert(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows` (values for `fields`, attnames; "id" first when the ids were reserved).
    PostgreSQL: COPY (why SQL: the fastest way in, and the ORM has none); SQLite: bulk_create."""
    if not rows:
        return
    extra_fields, extra_values = _defaults_for(model, fields)
    names = (*fields, *(f.attname for f in extra_fields))
    if on_postgres():
        extra = tuple(f.get_db_prep_save(value, connection) for f, value in zip(extra_fields, extra_values))
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)
        return
    extra = tuple(extra_values)
    model.objects.bulk_create([model(**dict(zip(names, row + extra))) for row in rows])


def balances_add(amounts: dict[int, Decimal], locked: dict[int, tuple[int, Decimal]]) -> dict[int, tuple[int, Decimal]]:
    """Add each customer's amount (customer id → amount) to their account's balance; returns customer
    id → (account id, balance before). `locked` is what accounts_lock returned for these customers."""
    if not amounts:
        return {}
    if on_postgres():
        # Why SQL: one upsert over arrays creates the missing accounts and moves every balance, and
        # RETURNING gives the balances before (the customers with credit to apply) in the same trip.
        extra_fields, extra_values = _defaults_for(Account, ("customer_id", "balance"))
        quote = connection.ops.quote_name
        table = quote(Account._meta.db_table)
        extra_columns = "".join(f", {quote(f.column)}" for f in extra_fields)
        extra_params = "".join(", %s" for _ in extra_fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} AS a (customer_id, balance{extra_columns}) "
                f"SELECT v.customer_id, v.amount{extra_params} FROM unnest(%s::bigint[], %s::numeric[]) AS v(customer_id, amount) "
                "ON CONFLICT (customer_id) DO UPDATE SET balance = a.balance + EXCLUDED.balance, updated_at = EXCLUDED.updated_at "
                "RETURNING id, customer_id, balance",
                [*(f.get_db_prep_save(v, connection) for f, v in zip(extra_fields, extra_values)), array(amounts), array(amounts.values())],
            )
            return {customer_id: (pk, balance - amounts[customer_id]) for pk, customer_id, balance in cursor.fetchall()}
    moved = {locked[customer_id][0]: amount for customer_id, amount in amounts.items() if amount != ZERO}
    if moved:
        Account.objects.filter(pk__in=moved).update(
            balance=F("balance") + grouped_case(moved, MoneyField(), default=Value(ZERO)), updated_at=timezone.now()
        )
    return {customer_id: locked[customer_id] for customer_id in amounts}


# The billing run's other statements -------------------------------------------------------------------


def analyze(*models) -> None:
    """Refresh the planner's statistics of tables a run has just written in bulk (PostgreSQL). A month's
    invoices issued on one day can double a table; until autovacuum notices (a minute or more), the
    next queries are planned for the old table — at a million rows the next run's chunk queries went
    from 1 ms to 25 ms that way. ANALYZE samples a fixed number of rows: a second or two at most.
    The ORM has no statement for it."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(model._meta.db_table) for model in models)}")


def subscriptions_advance(advances: dict) -> None:
    """The run's subscriptions moved on: billed_through, and the anchors assigned on first billing, from
    {subscription id: SubscriptionAdvance}. One UPDATE over arrays on PostgreSQL (the ORM writes a
    CASE branch per row); elsewhere a CASE per distinct date and anchor."""
    if not advances:
        return
    if on_postgres():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Subscription._meta.db_table} AS s SET billed_through = v.billed_through, "
                "billing_anchor_day = COALESCE(v.anchor_day, s.billing_anchor_day), "
                "billing_anchor_month = COALESCE(v.anchor_month, s.billing_anchor_month) "
                "FROM unnest(%s::bigint[], %s::date[], %s::integer[], %s::integer[]) AS v(id, billed_through, anchor_day, anchor_month) "
                "WHERE s.id = v.id",
                [array(advances), array(a.billed_through for a in advances.values()),
                 array(a.anchor_day for a in advances.values()), array(a.anchor_month for a in advances.values())],
            )
        return
    changes = {"billed_through": grouped_case(
        {pk: a.billed_through for pk, a in advances.items()}, DateField(), default=F("billed_through")
    )}
    anchored = {pk: a for pk, a in advances.items() if a.anchor_day is not None}
    if anchored:
        changes["billing_anchor_day"] = grouped_case(
            {pk: a.anchor_day for pk, a in anchored.items()}, PositiveSmallIntegerField(), default=F("billing_anchor_day")
        )
        changes["billing_anchor_month"] = grouped_case(
            {pk: a.anchor_month for pk, a in anchored.items()}, PositiveSmallIntegerField(), default=F("billing_anchor_month")
        )
    Subscription.objects.filter(pk__in=advances).update(**changes)


# Reseller wallets: the statements of a renewal request -----------------------------------------------
# Hand-written and prepared (ispbill/core/statements.py): they run for every renewal request, the
# reseller's hot path (bench/resellers.py); the ORM's compilation was a third of the request's Python.


def wallet_row_locked(reseller_id: int):
    """The reseller's wallet row locked until the transaction ends, or None if it has none yet. FOR NO
    KEY UPDATE on PostgreSQL: it serialises the wallet's writers as FOR UPDATE does, but lets rows
    that merely reference the wallet (a renewal's margin, being settled elsewhere) be inserted
    meanwhile; a plain FOR UPDATE would queue their foreign-key checks behind every debit."""
    names, selected = columns(ResellerWallet)
    locking = " FOR NO KEY UPDATE" if connection.features.has_select_for_no_key_update else ""
    with statement_cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {ResellerWallet._meta.db_table} WHERE reseller_id = %s{locking}", [reseller_id])
        found = instances(ResellerWallet, names, cursor.fetchall())
    return found[0] if found else None


def wallet_entries_repeated(*, wallet_id: int, subscription_ids: list, starts: list, keys: list) -> list:
    """Entries by form key (any wallet), and this wallet's debits of these subscriptions and period
    starts, in one read (an OR the ORM writes too, by hand for the request's statement cache)."""
    names, selected = columns(WalletEntry)
    where = (
        f"(wallet_id = %s AND kind = %s AND subscription_id IN ({', '.join(['%s'] * len(subscription_ids))}) "
        f"AND period_start IN ({', '.join(['%s'] * len(starts))}))"
    )
    params = [wallet_id, WalletEntry.Kind.DEBIT.value, *subscription_ids, *starts]
    if keys:
        where += f" OR idempotency_key IN ({', '.join(['%s'] * len(keys))})"
        params += keys
    with statement_cursor() as cursor:
        cursor.execute(f"SELECT {selected} FROM {WalletEntry._meta.db_table} WHERE {where}", params)
        return instances(WalletEntry, names, cursor.fetchall())


def wallet_balance_set(*, wallet_id: int, balance, alert_level: int) -> None:
    """The wallet row's cached balance and alert level after a batch of debits (the caller holds its lock)."""
    with statement_cursor() as cursor:
        cursor.execute(
            f"UPDATE {ResellerWallet._meta.db_table} SET balance = %s, alert_level = %s, updated_at = %s WHERE id = %s",
            [balance, alert_level, prepared(ResellerWallet, "updated_at", timezone.now()), wallet_id],
        )
