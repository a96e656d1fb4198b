"""Prove the caches agree with the append-only rows: exit 1 and list every disagreement otherwise."""

from collections import defaultdict
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce

from billing.ledger.wallets import wallet_discrepancies
from billing.models import Account, Allocation, Invoice, LedgerEntry
from billing.selectors import OPEN_STATUSES
from ispbill.core.money import ZERO

MONEY = DecimalField(max_digits=14, decimal_places=2)
PAISA = Decimal("0.01")


def _sum_of(grouped, field="amount"):
    """Sum of `field` over a correlated queryset already grouped with .values(<key>)."""
    return Coalesce(Subquery(grouped.annotate(s=Sum(field)).values("s")[:1]), Value(ZERO), output_field=MONEY)


def _differs(cached: str) -> Q:
    """The cache differs from its sum (annotated as `<cached>_gap`) by a paisa or more. Not `cached = sum`: SQLite adds decimals as
    floats (100.00 + -16.48 is not 83.52 there, nor is a balance moved by F() updates), so equality
    would report agreeing rows; on PostgreSQL the arithmetic is exact and this is the same test."""
    return Q(**{f"{cached}_gap__gte": PAISA / 2})


class Command(BaseCommand):
    help = "Check that every cached balance and paid amount equals the sum of the rows it summarises."

    def handle(self, *args, **options):
        problems = []
        accounts = Account.objects.annotate(
            entries_sum=_sum_of(LedgerEntry.objects.filter(account=OuterRef("pk")).values("account"))
        ).annotate(balance_gap=Abs(F("balance") - F("entries_sum"))).filter(_differs("balance"))
        for account in accounts:
            problems.append(f"account {account.pk} (customer {account.customer_id}): balance {account.balance} ≠ entries {account.entries_sum}")
        orphans = LedgerEntry.objects.filter(account__isnull=True).count()
        if orphans:
            problems.append(f"{orphans} ledger entries without an account")

        invoices = Invoice.objects.annotate(
            allocated=_sum_of(Allocation.objects.filter(invoice=OuterRef("pk")).values("invoice"))
        )
        gaps = invoices.annotate(amount_paid_gap=Abs(F("amount_paid") - F("allocated")))
        for invoice in gaps.filter(_differs("amount_paid")):
            problems.append(f"invoice {invoice.number}: amount_paid {invoice.amount_paid} ≠ allocations {invoice.allocated}")
        for invoice in invoices.filter(Q(amount_paid__gt=F("total")) | Q(amount_paid__lt=0)):
            problems.append(f"invoice {invoice.number}: amount_paid {invoice.amount_paid} outside 0…{invoice.total}")
        for invoice in Invoice.objects.filter(status=Invoice.Status.PAID).exclude(amount_paid=F("total")):
            problems.append(f"invoice {invoice.number}: marked paid but {invoice.total - invoice.amount_paid} is due")

        # Unapplied credit must not sit beside an open invoice it could pay. Summed here in Decimal:
        # SQLite works out total − amount_paid in floats (1150.10 − 1137.76 = 12.339999999999918),
        # which reported "credit 1E-13 left unapplied" on a ledger that was right.
        open_due: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for customer_id, total, paid in Invoice.objects.filter(status__in=OPEN_STATUSES).values_list(
            "customer_id", "total", "amount_paid"
        ).iterator(chunk_size=5000):
            open_due[customer_id] += total - paid
        for account_id, customer_id, balance in Account.objects.values_list("pk", "customer_id", "balance").iterator(chunk_size=5000):
            due = open_due.get(customer_id, ZERO)
            credit = due - balance
            if credit < 0:
                problems.append(f"account {account_id}: balance {balance} exceeds open invoices {due}")
            elif credit > 0 and due > 0:
                problems.append(f"account {account_id}: credit {credit} left unapplied beside open invoices")
        problems += wallet_discrepancies()  # reseller wallets: balance and commission owed vs their entries

        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"ledger check failed: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS(f"ledger OK: {Account.objects.count()} accounts, {Invoice.objects.count()} invoices"))
