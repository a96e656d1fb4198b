"""The journal's posting at scale (docs/accounts.md, "Back-posting history"): N invoices already in
the customer ledger (one per customer, 1 in 5 with a one-time line) posted to the journal by
`journal_backpost` (set-based: three statements per chunk of ledger ids), against the live path
(`journal_post_ledger` for one entry per transaction, as entry_post calls it) on a sample, both on
the same database in one run. The journal is emptied with TRUNCATE between the two (the append-only
trigger refuses DELETE, not TRUNCATE; the bench database only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/journal_post.py --invoices 1000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import load_customers, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=1_000_000, help="customers, one invoice each (default 1,000,000)")
    parser.add_argument("--db-name", default="ispbill_bench_journal")
    parser.add_argument("--chunk", type=int, default=250_000, help="ledger ids per back-posting transaction")
    parser.add_argument("--sample", type=int, default=2_000, help="entries posted one by one through the live path (0 = skip)")
    parser.add_argument("--reload", action="store_true")
    return parser.parse_args()


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_invoices() -> int:
    """One open invoice per customer with its line, account and ledger entry, written directly (the bench's set-up)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE books_journalline, books_journalentry, billing_ledgerentry, billing_allocation, "
                       "billing_invoiceline, billing_invoice, billing_account CASCADE")
        cursor.execute("INSERT INTO billing_account (customer_id, balance, updated_at) SELECT id, 1150.00, now() FROM customers_customer")
        cursor.execute(
            "INSERT INTO billing_invoice (number, customer_id, status, issue_date, due_date, subtotal, vat_total, total, vat_rate, "
            "amount_paid, late_fee_applied, void_reason, created_at) "
            "SELECT 'BENCH-' || id, id, 'open', current_date, current_date + 7, 1000.00, 150.00, 1150.00, 15.00, 0, false, '', now() "
            "FROM customers_customer"
        )
        cursor.execute(
            "INSERT INTO billing_invoiceline (invoice_id, kind, description, net, vat, gross) "
            "SELECT id, 'recurring', 'bench month', CASE WHEN id % 5 = 0 THEN 700.00 ELSE 1000.00 END, "
            "CASE WHEN id % 5 = 0 THEN 105.00 ELSE 150.00 END, CASE WHEN id % 5 = 0 THEN 805.00 ELSE 1150.00 END FROM billing_invoice"
        )
        cursor.execute(
            "INSERT INTO billing_invoiceline (invoice_id, kind, description, net, vat, gross) "
            "SELECT id, 'one_time', 'bench router', 300.00, 45.00, 345.00 FROM billing_invoice WHERE id % 5 = 0"
        )
        cursor.execute(
            "INSERT INTO billing_ledgerentry (account_id, kind, amount, invoice_id, memo, effective_date, created_at) "
            "SELECT a.id, 'invoice', i.total, i.id, i.number, i.issue_date, now() FROM billing_invoice i "
            "JOIN billing_account a ON a.customer_id = i.customer_id ORDER BY i.id"
        )
        cursor.execute("SELECT count(*) FROM billing_ledgerentry")
        count = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_ledgerentry")
        cursor.execute("VACUUM ANALYZE billing_invoice")
        cursor.execute("VACUUM ANALYZE billing_invoiceline")
        cursor.execute("VACUUM ANALYZE billing_account")
    return count


def empty_journal() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE books_journalline, books_journalentry")


def check() -> tuple[int, int, object, object]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM books_journalentry")
        entries = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), SUM(debit), SUM(credit) FROM books_journalline")
        lines, debit, credit = cursor.fetchone()
    return entries, lines, debit, credit


def main() -> None:
    args = parse_args()
    setup_django(args.db_name)
    from django.db import connection, transaction

    from billing.ledger.journal import journal_backpost, journal_post_ledger
    from customers.models import Customer

    connection.ensure_connection()
    if args.reload or Customer.objects.count() != args.invoices:
        print(f"loading {args.invoices:,} customers …", flush=True)
        load_customers(args.invoices)
    started = time.perf_counter()
    count = make_invoices()
    print(f"{count:,} invoices in the ledger ({time.perf_counter() - started:.1f} s to make); load average {load_average()}")

    if args.sample:
        empty_journal()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM billing_ledgerentry ORDER BY id LIMIT %s", [args.sample])
            ids = [pk for (pk,) in cursor.fetchall()]
        started = time.perf_counter()
        for pk in ids:
            with transaction.atomic():
                journal_post_ledger(entry_ids=[pk])
        live = time.perf_counter() - started
        print(f"live path, one entry per transaction: {len(ids):,} in {live:.2f} s = {live / len(ids) * 1000:.2f} ms each "
              f"(→ {live / len(ids) * count:,.0f} s for {count:,}); load average {load_average()}")

    empty_journal()
    started = time.perf_counter()
    posted = journal_backpost(chunk=args.chunk)
    elapsed = time.perf_counter() - started
    entries, lines, debit, credit = check()
    print(f"back-posting, chunks of {args.chunk:,}: {posted:,} entries, {lines:,} lines in {elapsed:.1f} s "
          f"({posted / elapsed:,.0f} entries/s); debits {debit} = credits {credit}: {debit == credit}; load average {load_average()}")
    started = time.perf_counter()
    again = journal_backpost(chunk=args.chunk)
    print(f"second back-posting: {again} entries in {time.perf_counter() - started:.1f} s")
    assert entries == count and debit == credit and again == 0


if __name__ == "__main__":
    main()
