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


# The journal (docs/accounts.md) ------------------------------------------------------------------------
#
# Why SQL: the journal is derived from the ledger's rows by rules that are joins (the invoice's VAT and
# one-time part, the payment's method, the customer's branch), and the same statements post one entry
# live and a million in the back-posting (bench/journal_post.py: the ORM's bulk_create of 4 million
# rows built in Python took minutes). Every entry's lines are written by one statement, which is
# what PostgreSQL's balance trigger checks (books/migrations/0002).

_PAYMENT_ACCOUNT = (
    "CASE p.method WHEN 'cash' THEN '1105' WHEN 'bank' THEN '1150' WHEN 'cheque' THEN '1150' "
    "WHEN 'wallet' THEN '2350' WHEN 'prepaid_card' THEN '2400' WHEN 'bkash' THEN '1160' WHEN 'nagad' THEN '1160' "
    "WHEN 'rocket' THEN '1160' WHEN 'online' THEN '1160' WHEN 'bkash_paybill' THEN '1160' WHEN 'vds' THEN '1250' ELSE '1150' END"
)


def _ids_filter(column: str, ids: list[int] | None) -> tuple[str, list]:
    """A condition that `column` is one of `ids` (None: every row), as SQL and parameters: `= ANY` of
    an array on PostgreSQL, which the planner answers with the column's index whatever the table's
    statistics say (`IN (SELECT unnest(...))` was planned as a semi-join and, on a table whose
    statistics were stale — every fresh one —, a hash join over every row: 83 ms a call of the
    journal's posting on a 200,000-entry journal instead of well under 1 ms); JSON on SQLite."""
    if ids is None:
        return "1 = 1", []
    if on_postgres():
        return f"{column} = ANY(%s::bigint[])", [array(ids)]
    return f"{column} IN (SELECT value FROM json_each(%s))", ["[" + ",".join(str(int(pk)) for pk in ids) + "]"]


def journal_ledger_entries_insert(*, entry_ids: list[int] | None = None, invoice_ids: list[int] | None = None,
                                  id_range: tuple[int, int] | None = None) -> list[int]:
    """A journal entry for each customer ledger entry chosen (by id, by invoice, by an id range, or
    all) that has none yet; the entries a reversal among them reverses come along, in case they were
    never posted (made before the journal existed). Returns the new journal entries' ids."""
    if entry_ids is not None:
        reversing, params = _ids_filter("r.id", entry_ids)
        reversed_ = f"SELECT r.reverses_id FROM billing_ledgerentry r WHERE {reversing} AND r.reverses_id IS NOT NULL"
        if on_postgres():  # one array of the ids and the reversed ones: each looked up by its primary key
            where, params = f"le.id = ANY(%s::bigint[] || ARRAY({reversed_}))", [array(entry_ids), *params]
        else:
            chosen, chosen_params = _ids_filter("le.id", entry_ids)
            where, params = f"({chosen} OR le.id IN ({reversed_}))", [*chosen_params, *params]
    elif invoice_ids is not None:
        where, params = _ids_filter("le.invoice_id", invoice_ids)
    elif id_range is not None:
        where, params = "le.id BETWEEN %s AND %s", list(id_range)
    else:
        where, params = "1 = 1", []
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO books_journalentry (source, source_id, date, kind, reference, memo, created_at) "
            "SELECT 'ledger', le.id, le.effective_date, le.kind, COALESCE(i.number, p.receipt_number, ''), "
            "SUBSTR(le.memo, 1, 255), %s "
            "FROM billing_ledgerentry le LEFT JOIN billing_invoice i ON i.id = le.invoice_id "
            "LEFT JOIN payments_payment p ON p.id = le.payment_id "
            f"WHERE {where} AND NOT EXISTS (SELECT 1 FROM books_journalentry x WHERE x.source = 'ledger' AND x.source_id = le.id) "
            "ORDER BY le.id ON CONFLICT (source, source_id) DO NOTHING RETURNING id",
            [timezone.now(), *params],
        )
        return [pk for (pk,) in cursor.fetchall()]


def journal_ledger_lines_insert(*, entry_ids: list[int]) -> int:
    """The lines of these new customer-ledger journal entries, all in one statement: the customer's
    receivable moves by the entry's amount, and the other side by its kind (docs/accounts.md, "How
    each money event posts"). Reversals are left to journal_reversal_lines_insert."""
    ids_where, ids_params = _ids_filter("je.id", entry_ids)
    base = (
        "SELECT je.id AS je_id, le.kind AS kind, le.amount AS amount, c.branch_id AS branch_id, c.id AS customer_id, "
        f"{_PAYMENT_ACCOUNT} AS pay_code, "
        "CASE WHEN le.kind NOT IN ('invoice', 'fee', 'debit_note', 'credit_note') OR i.id IS NULL OR i.total = 0 THEN 0 "
        "     WHEN le.amount = i.total THEN i.vat_total ELSE ROUND(le.amount * i.vat_total / i.total, 2) END AS vat, "
        "CASE WHEN le.kind IN ('invoice', 'fee', 'debit_note') AND i.id IS NOT NULL AND le.amount = i.total THEN "
        "     (SELECT COALESCE(SUM(l.net), 0) FROM billing_invoiceline l WHERE l.invoice_id = i.id "
        "      AND l.kind NOT IN ('recurring', 'prorated')) ELSE 0 END AS one_time "
        "FROM books_journalentry je JOIN billing_ledgerentry le ON le.id = je.source_id "
        "JOIN billing_account a ON a.id = le.account_id JOIN customers_customer c ON c.id = a.customer_id "
        "LEFT JOIN billing_invoice i ON i.id = le.invoice_id LEFT JOIN payments_payment p ON p.id = le.payment_id "
        f"WHERE {ids_where} AND je.source = 'ledger' AND le.reverses_id IS NULL"
    )
    # Each part: (account code, the amount debited; negative = credited).
    parts = (
        "SELECT je_id, '1200' AS code, amount AS dr, branch_id, customer_id FROM base",
        "SELECT je_id, '2100', -vat, branch_id, NULL FROM base",
        "SELECT je_id, '4200', -one_time, branch_id, NULL FROM base",
        "SELECT je_id, CASE WHEN kind IN ('invoice', 'fee', 'debit_note') THEN '4100' WHEN kind = 'opening_balance' THEN '3100' "
        "WHEN kind IN ('payment', 'refund') THEN pay_code ELSE '4900' END, -(amount - vat - one_time), branch_id, NULL FROM base",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH base AS ({base}) "
            "INSERT INTO books_journalline (entry_id, account_id, debit, credit, branch_id, customer_id) "
            "SELECT x.je_id, la.id, CASE WHEN x.dr > 0 THEN x.dr ELSE 0 END, CASE WHEN x.dr < 0 THEN -x.dr ELSE 0 END, "
            "x.branch_id, x.customer_id "
            f"FROM ({' UNION ALL '.join(parts)}) x JOIN books_ledgeraccount la ON la.code = x.code WHERE x.dr <> 0",
            ids_params,
        )
        return cursor.rowcount


def journal_reversal_lines_insert(*, entry_ids: list[int]) -> int:
    """The lines of those of these journal entries that post a reversal and have none yet: the
    reversed entry's lines with debit and credit swapped. Returns how many lines (a reversal whose
    reversed entry has no lines yet waits for the next call)."""
    ids_where, ids_params = _ids_filter("je.id", entry_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO books_journalline (entry_id, account_id, debit, credit, branch_id, customer_id) "
            "SELECT je.id, jl.account_id, jl.credit, jl.debit, jl.branch_id, jl.customer_id "
            "FROM books_journalentry je JOIN billing_ledgerentry le ON le.id = je.source_id "
            "JOIN books_journalentry rj ON rj.source = 'ledger' AND rj.source_id = le.reverses_id "
            "JOIN books_journalline jl ON jl.entry_id = rj.id "
            f"WHERE {ids_where} AND je.source = 'ledger' AND le.reverses_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM books_journalline x WHERE x.entry_id = je.id)",
            ids_params,
        )
        return cursor.rowcount


def journal_entries_without_lines(*, entry_ids: list[int]) -> list[int]:
    """Those of these journal entries with no lines: reversals still to mirror, or a posting the
    rules could not complete."""
    ids_where, ids_params = _ids_filter("je.id", entry_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT je.id FROM books_journalentry je WHERE {ids_where} "
            "AND NOT EXISTS (SELECT 1 FROM books_journalline x WHERE x.entry_id = je.id) ORDER BY je.id",
            ids_params,
        )
        return [pk for (pk,) in cursor.fetchall()]


def journal_withdrawn_insert(*, entry_ids: list[int]) -> None:
    """Opening balances withdrawn with an import's undo (their ledger rows are deleted): a journal
    entry each that reverses the one that posted them, so the journal keeps both."""
    where, params = _ids_filter("rj.source_id", entry_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO books_journalentry (source, source_id, date, kind, reference, memo, created_at) "
            "SELECT 'ledger_withdrawn', rj.source_id, %s, 'withdrawal', rj.reference, 'opening balance withdrawn', %s "
            f"FROM books_journalentry rj WHERE rj.source = 'ledger' AND {where} "
            "ON CONFLICT (source, source_id) DO NOTHING RETURNING id",
            [timezone.localdate(), timezone.now(), *params],
        )
        new = [pk for (pk,) in cursor.fetchall()]
        if not new:
            return
        ids_where, ids_params = _ids_filter("je.id", new)
        cursor.execute(
            "INSERT INTO books_journalline (entry_id, account_id, debit, credit, branch_id, customer_id) "
            "SELECT je.id, jl.account_id, jl.credit, jl.debit, jl.branch_id, jl.customer_id "
            "FROM books_journalentry je JOIN books_journalentry rj ON rj.source = 'ledger' AND rj.source_id = je.source_id "
            f"JOIN books_journalline jl ON jl.entry_id = rj.id WHERE {ids_where}",
            ids_params,
        )


def ledger_id_bounds() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM billing_ledgerentry")
        return cursor.fetchone()
