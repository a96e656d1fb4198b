"""The single money writer, checked on every statement the suite runs.

Every INSERT, UPDATE, DELETE or COPY on a money table (balances, invoices and their lines, ledger
entries, allocations, credit notes, reseller wallets and their entries, online card sales and their refunds,
customers' payments, the books' journal entries and lines) must come from the ledger module (billing/ledger/). The statement's call stack is walked up to the first project frame that
is not a generic statement runner (ispbill/core/statements.py, ispbill/core/bulk.py); that frame must
be in the ledger package, or in the tests' own set-up (tests/), or in a migration.

The same walk holds a second line: an online payment's state (`GatewayPayment.status`) is written by
payments/gateway_state.py alone, which checks every change against the model's transition table. An
UPDATE of payments_gatewaypayment that sets "status" from anywhere else is recorded too (as
"STATE payments_gatewaypayment"); its raw-SQL statement (payments/settle_sql.py) is walked past to
the function that called it.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONEY_TABLES = (
    "billing_account", "billing_invoice", "billing_invoiceline", "billing_ledgerentry", "billing_allocation",
    "billing_creditnote", "billing_debitnote", "billing_resellerwallet", "billing_walletentry", "billing_cardsale",
    "billing_cardsalerefund", "payments_payment", "books_journalentry", "books_journalline",
)
_WRITE = re.compile(
    r'^\s*(?:WITH\s.*?\)\s*)?(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(' + "|".join(MONEY_TABLES) + r')"?[\s(]',
    re.IGNORECASE | re.DOTALL,
)
_STATE = re.compile(
    r'UPDATE\s+"?payments_gatewaypayment"?\s+SET\s(?:(?!\bWHERE\b|\bFROM\b).)*?"?\bstatus"?\s*=', re.IGNORECASE | re.DOTALL,
)
STATE_WRITER = str(ROOT / "payments" / "gateway_state.py")
STATE_RUNNERS = (str(ROOT / "payments" / "settle_sql.py"),)
LEDGER = (str(ROOT / "billing" / "ledger") + os.sep, str(ROOT / "billing" / "ledger.py"))
RUNNERS = (str(ROOT / "ispbill" / "core" / "statements.py"), str(ROOT / "ispbill" / "core" / "bulk.py"))
ALLOWED_CALLERS = (str(ROOT / "tests") + os.sep,)
PROJECT = str(ROOT) + os.sep
VENV = str(ROOT / ".venv") + os.sep

found: Counter = Counter()


def _writing_frame(runners: tuple[str, ...]):
    frame = sys._getframe(3)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(PROJECT) and not filename.startswith(VENV) and "site-packages" not in filename:
            if filename in runners or filename == __file__:
                frame = frame.f_back
                continue
            return frame
        frame = frame.f_back
    return None


def _allowed(filename: str) -> bool:
    return filename.startswith(ALLOWED_CALLERS) or "/migrations/" in filename


def writer_of(sql: str) -> tuple[str, str, str] | None:
    """(operation, table, file:line of the writing project frame) when a money table is written by a
    module other than the ledger, or an online payment's status by a module other than
    payments/gateway_state.py; None when the statement is fine."""
    match = _WRITE.match(sql)
    if match is not None:
        frame = _writing_frame(RUNNERS)
        if frame is None or frame.f_code.co_filename.startswith(LEDGER) or _allowed(frame.f_code.co_filename):
            return None
        return match.group(1).split()[0].upper(), match.group(2), f"{os.path.relpath(frame.f_code.co_filename, ROOT)}:{frame.f_lineno}"
    if "payments_gatewaypayment" in sql and _STATE.search(sql):
        frame = _writing_frame(RUNNERS + STATE_RUNNERS)
        if frame is None or frame.f_code.co_filename == STATE_WRITER or _allowed(frame.f_code.co_filename):
            return None
        return "STATE", "payments_gatewaypayment", f"{os.path.relpath(frame.f_code.co_filename, ROOT)}:{frame.f_lineno}"
    return None


violations: list[tuple[str, str, str]] = []


def install() -> None:
    """Wrap Django's cursor so every statement of every connection and thread passes writer_of."""
    from django.db.backends import utils

    if getattr(utils.CursorWrapper, "_money_guard", False):
        return
    execute, executemany = utils.CursorWrapper._execute, utils.CursorWrapper._executemany

    def _execute(self, sql, params, *ignored):
        _check(sql)
        return execute(self, sql, params, *ignored)

    def _executemany(self, sql, param_list, *ignored):
        _check(sql)
        return executemany(self, sql, param_list, *ignored)

    utils.CursorWrapper._execute, utils.CursorWrapper._executemany = _execute, _executemany
    utils.CursorWrapper._money_guard = True
    try:  # COPY goes to psycopg's own cursor, past Django's wrapper
        import psycopg
    except ImportError:
        return
    copy = psycopg.Cursor.copy

    def _copy(self, statement, *args, **kwargs):
        _check(statement)
        return copy(self, statement, *args, **kwargs)

    psycopg.Cursor.copy = _copy


def _check(sql) -> None:
    if isinstance(sql, str):
        writer = writer_of(sql)
        if writer is not None:
            violations.append(writer)
            found[writer] += 1
