"""The resellers' hand-written SQL: the statements of a renewal request and the settling gate.

A renewal request is the hot path of a reseller's day (hundreds a second at the start of a month,
bench/resellers.py): its reads are written by hand and prepared through ispbill/core/statements.py,
which saves the ORM's compilation (about a third of a request's Python) and, on PostgreSQL, the
planning of each statement. Each read here returns model instances like the ORM would.
"""

from __future__ import annotations

from datetime import date

from django.db import connection

from billing.wallet_models import WalletEntry
from customers.models import Customer, Package, Subscription
from ispbill.core.statements import columns, converted, instances, statement_cursor

from .models import Renewal, ResellerPackage

# How many waiting requests one debit takes at once.
RENEWAL_BATCH = 500


def offers_on_sale(*, reseller_id: int, package_id) -> list[ResellerPackage]:
    """The reseller's offer of an active package (none if not on sale). A join the ORM writes as well,
    by hand for the request's statement cache; its package is not loaded (a renewal needs the price)."""
    names, selected = columns(ResellerPackage, "o")
    with statement_cursor() as cursor:
        cursor.execute(
            f"SELECT {selected} FROM {ResellerPackage._meta.db_table} o JOIN {Package._meta.db_table} p ON p.id = o.package_id "
            "WHERE o.reseller_id = %s AND o.package_id = %s AND p.is_active = %s",
            [reseller_id, package_id, True],
        )
        return instances(ResellerPackage, names, cursor.fetchall())


def last_live_renewal_end(*, subscription_id: int) -> date | None:
    """The end of the latest renewal requested, debited or settled for the subscription."""
    with statement_cursor() as cursor:
        cursor.execute(
            f"SELECT period_end FROM {Renewal._meta.db_table} WHERE subscription_id = %s AND status IN (%s, %s, %s) "
            "ORDER BY period_end DESC LIMIT 1",
            [subscription_id, *Renewal.LIVE],
        )
        found = cursor.fetchone()
    return converted(Renewal, ("period_end",), found)[0] if found else None


def waiting_requests(reseller_id: int) -> tuple[list[Renewal], list[str]]:
    """The reseller's requests waiting for their debit, oldest first (up to RENEWAL_BATCH), and for each
    the wallet entry's memo: account number, login and period. One read of three tables, where the ORM
    would make three (or load whole subscriptions and customers for four columns)."""
    names, selected = columns(Renewal, "r")
    with statement_cursor() as cursor:
        cursor.execute(
            f"SELECT {selected}, s.id, s.username, s.static_ip, c.account_number FROM {Renewal._meta.db_table} r "
            f"JOIN {Subscription._meta.db_table} s ON s.id = r.subscription_id JOIN {Customer._meta.db_table} c ON c.id = s.customer_id "
            f"WHERE r.reseller_id = %s AND r.status = %s ORDER BY r.id LIMIT {RENEWAL_BATCH}",
            [reseller_id, Renewal.Status.REQUESTED.value],
        )
        rows = cursor.fetchall()
    waiting = instances(Renewal, names, rows)
    width = len(names)
    logins = instances(Subscription, ("id", "username", "static_ip"), [row[width:width + 3] for row in rows])
    memos = [
        f"{row[width + 3]} {login.login_label} {renewal.period_start}–{renewal.period_end}"
        for row, login, renewal in zip(rows, logins, waiting, strict=True)
    ]
    return waiting, memos


def renewal_with_entry(renewal_id: int) -> Renewal:
    """A renewal and its wallet entry, in one hand-written read (as `waiting_requests`)."""
    names, selected = columns(Renewal, "r")
    entry_names, entry_selected = columns(WalletEntry, "e")
    with statement_cursor() as cursor:
        cursor.execute(
            f"SELECT {selected}, {entry_selected} FROM {Renewal._meta.db_table} r "
            f"LEFT JOIN {WalletEntry._meta.db_table} e ON e.id = r.entry_id WHERE r.id = %s",
            [renewal_id],
        )
        row = cursor.fetchone()
    renewal = instances(Renewal, names, [row])[0]
    if renewal.entry_id is not None:
        renewal.entry = instances(WalletEntry, entry_names, [row[len(names):]])[0]
    return renewal


SETTLE_GATE = 7_301  # the namespace of the settling gates' advisory locks (PostgreSQL)


def settle_gate(reseller_id: int, *, wait: bool = True) -> bool:
    """The reseller's settling gate, held until the transaction ends: one batch of its renewals is
    selected and settled at a time. With `wait=False` (a request) it is only taken if free: while one
    holder settles, the renewals debited meanwhile gather for the next holder, who settles them
    together, instead of each request waiting its turn to settle a few. Returns whether it is ours.
    An advisory lock, which the ORM has no word for (PostgreSQL; on SQLite writers are serialised anyway)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SETTLE_GATE, reseller_id])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [SETTLE_GATE, reseller_id])
        return cursor.fetchone()[0]
