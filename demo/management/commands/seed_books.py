"""The books' demo (docs/accounts.md, "The demo's books"): a year of the ISP's costs and two bank accounts,
with money that adds up.

    manage.py seed_books     # only if no bill is recorded yet

Suppliers of each kind (the IIG, the NTTN, landlords, the power company, a shop, an agency); a bill of
each recurring kind per branch per month from the demo's first invoiced month (twelve at most),
bandwidth and NTTN with 15 % VAT, now and then equipment, sized to the branch's revenue (about 65 % of
its average month, so the profit and loss shows costs beside revenue and a profit); two bank accounts
(DBBL current, BRAC savings). The money moves as it would: each month the gateways settle what they
collected into the banks (bKash and Nagad into DBBL, SSLCommerz and the rest into BRAC: Dr bank / Cr
1160), each branch banks its hand-over cash above a float at the month's end, and each bill is paid
five days after its date — or, when nothing holds enough then, the first day money comes in that
covers it — from the branch's cash (electricity, marketing, sundries and equipment up to ৳10,000) or a
bank account that holds enough on that day (the rest: bandwidth, NTTN, rent and salaries go by bank). A
bill nothing can pay by today stays approved and owed (2500). Everything is replayed in date
order, so no cash book or bank book goes below zero on any day. Set-based: the bills and movements
are two inserts (books.services) and their journal entries four (billing/ledger/books.py)."""

from __future__ import annotations

import calendar
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from billing.ledger.books import books_journal_many
from billing.models import Invoice
from books import services as books_services
from books.chart import CASH_AT_BRANCHES, GATEWAY_CLEARING, ONE_TIME, SUBSCRIPTIONS
from books.models import BankAccount, BankMovement, Bill, JournalLine
from customers.models import Branch
from payments.models import Payment

D = Decimal
SUPPLIERS = {
    "bandwidth": ("Summit Communications (IIG)", "0001234560101"),
    "nttn": ("Fiber@Home (NTTN)", "0009876540101"),
    "rent": ("POP landlords", ""),
    "power": ("DESCO and generator fuel", "0005555550101"),
    "salaries": ("Staff payroll", ""),
    "equipment": ("Computer Source (equipment)", "0004444440101"),
    "marketing": ("Dhaka Ads agency", "0003333330101"),
    "other": ("Sundry suppliers", ""),
}
# category → (weight: a branch's monthly net at the ISP's usual mix, VAT rate, description)
MONTHLY = {
    "bandwidth": (D("55000"), D("0.15"), "IIG bandwidth"),
    "nttn": (D("18000"), D("0.15"), "NTTN transmission"),
    "rent": (D("25000"), D("0"), "POP and office rent"),
    "power": (D("9000"), D("0.05"), "Electricity and generator fuel"),
    "salaries": (D("120000"), D("0"), "Salaries"),
    "marketing": (D("6000"), D("0.15"), "Leaflets and Facebook ads"),
    "other": (D("3500"), D("0"), "Stationery, tea, transport"),
}
COST_SHARE = D("0.65")        # a branch's month of costs (before VAT) against its average month of revenue
MIN_REVENUE = D("20000")      # a branch with no revenue yet still pays rent and salaries, at this size
CASH_FLOAT = D("2000")        # what a branch keeps in its cash box at the month's end; the rest is banked
CASH_BILL_LIMIT = D("10000")  # bills up to this are paid from the branch's cash when it holds enough …
CASH_KINDS = ("power", "marketing", "other", "equipment")  # … of these kinds; bandwidth, NTTN, rent and salaries go by bank
# The gateways' collections (payment methods) and who settles them; the rest of 1160 (Rocket, cards sold
# online) is settled with SSLCommerz's.
GATEWAY_METHODS = {"bkash": ("bkash", "bkash_paybill"), "nagad": ("nagad",), "sslcommerz": ("online",)}


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


class Command(BaseCommand):
    help = "Seed a year of the ISP's expenses, two bank accounts and deposits of the hand-overs (the books' demo)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **options):
        if Bill.objects.exists():
            return
        rng = random.Random(55)
        today = timezone.localdate()
        branches = list(Branch.objects.order_by("pk"))
        if not branches:
            return
        suppliers = {kind: books_services.supplier_create(actor=None, name=name, bin=bin) for kind, (name, bin) in SUPPLIERS.items()}
        dbbl = BankAccount.objects.filter(name="DBBL current").first() or books_services.bank_account_create(
            actor=None, name="DBBL current", bank="Dutch-Bangla Bank", number="110-110-0042171")
        brac = BankAccount.objects.filter(name="BRAC savings").first() or books_services.bank_account_create(
            actor=None, name="BRAC savings", bank="BRAC Bank", number="1501-2044-0917-001")
        months = self._months(today)
        revenue = self._revenue(branches, months)
        bills = self._bills(rng, branches, months, revenue, suppliers, today)
        movements = self._replay(bills, branches, months, dbbl, brac, today)
        with transaction.atomic():
            made = books_services.bank_movements_create_many(rows=movements) if movements else []
            banks = {dbbl.pk: dbbl, brac.pk: brac}
            for movement in made:
                movement.to_bank = banks[movement.to_bank_id]
                movement.from_bank = banks.get(movement.from_bank_id)
            # The movements' entries first: a book lists a day's lines in the order they were posted, and
            # the replay put a day's money in before the bills paid out of it.
            posted = books_journal_many(movements=made)
            created = books_services.bills_create_many(rows=bills)
            for bill in created:
                bill.supplier = suppliers[bill.category]
                bill.paid_bank = banks.get(bill.paid_bank_id)
            posted += books_journal_many(bills=created)
        if not options.get("quiet"):
            paid = sum(1 for row in bills if row["status"] == Bill.Status.PAID)
            self.stdout.write(f"{len(bills)} bills over {len(months)} months ({paid} paid), {len(made)} deposits, settlements "
                              f"and transfers, {posted} journal entries")

    @staticmethod
    def _months(today: date) -> list[date]:
        """The first days of the months with costs: from the demo's first invoiced month, twelve at most."""
        first_invoice = Invoice.objects.aggregate(first=Min("issue_date"))["first"]
        back = 11
        if first_invoice is not None:
            back = min(11, max(0, (today.year - first_invoice.year) * 12 + today.month - first_invoice.month))
        return [_month_start(today, n) for n in range(back, -1, -1)]

    @staticmethod
    def _revenue(branches, months) -> dict[int, Decimal]:
        """Each branch's average month of revenue (4100 and 4200, net of VAT) over those months."""
        rows = (JournalLine.objects.filter(account__code__in=(SUBSCRIPTIONS, ONE_TIME), entry__date__gte=months[0])
                .values("branch_id").annotate(c=Sum("credit"), d=Sum("debit")))
        totals = {row["branch_id"]: (row["c"] or D(0)) - (row["d"] or D(0)) for row in rows}
        return {branch.pk: max(MIN_REVENUE, totals.get(branch.pk, D(0)) / len(months)) for branch in branches}

    def _bills(self, rng, branches, months, revenue, suppliers, today) -> list[dict]:
        weights = sum(net for net, _rate, _d in MONTHLY.values())
        rows = []
        for first in months:
            for branch in branches:
                scale = revenue[branch.pk] * COST_SHARE / weights
                for kind, (net, rate, description) in MONTHLY.items():
                    day = min(first + timedelta(days=rng.randint(2, 9)), today)
                    amount = max(D("100"), (net * scale * D(rng.randint(90, 110)) / 100).quantize(D("1")))
                    rows.append(self._row(suppliers[kind], kind, branch, day, amount, rate, f"{description}, {first:%B %Y}", today))
                if rng.random() < 0.4:
                    day = min(first + timedelta(days=rng.randint(10, 20)), today)
                    amount = max(D("1000"), (D(rng.randint(8, 30)) * 1000 * scale).quantize(D("1")))
                    rows.append(self._row(suppliers["equipment"], "equipment", branch, day, amount, D("0.15"),
                                          "ONUs, routers and patch cords", today))
        return rows

    @staticmethod
    def _gateway_collections(first: date, last: date) -> dict[str, Decimal]:
        rows = (Payment.objects.filter(received_at__date__gte=first, received_at__date__lte=last)
                .values("method").annotate(total=Sum("amount")))
        by_method = {row["method"]: row["total"] or D(0) for row in rows}
        return {gateway: sum((by_method.get(m, D(0)) for m in methods), D(0)) for gateway, methods in GATEWAY_METHODS.items()}

    def _replay(self, bills, branches, months, dbbl, brac, today) -> list[dict]:
        """Walk the days in order: money comes in (hand-overs already in the books, the gateways'
        settlements), each branch banks its cash at the month's end, and each bill is paid on its day
        from what is there; what nothing can pay stays owed. Fills each bill's payment in; returns the
        movements."""
        cash = defaultdict(D)   # branch id → what its cash book holds
        bank = {dbbl.pk: D(0), brac.pk: D(0)}
        events: list[tuple[date, int, object]] = []  # (day, order in the day, event): money in before money out
        handovers = (JournalLine.objects.filter(account__code=CASH_AT_BRANCHES, debit__gt=0)
                     .values("entry__date", "branch_id").annotate(total=Sum("debit")))
        for row in handovers:
            events.append((row["entry__date"], 0, ("cash_in", row["branch_id"], row["total"])))
        for first in months:
            last = min(_month_end(first), today)
            settle_on = min(last + timedelta(days=2), today)
            events.append((settle_on, 1, ("settle", first, last)))
            events.append((last, 2, ("bank_cash", last)))
        for index, row in enumerate(bills):
            events.append((row["paid_on"], 3, ("pay", index)))
        events.append((today, 2, ("save", today)))  # after the day's banking, before its payments (as the books list them)
        movements: list[dict] = []
        settled = D(0)
        pending: list[int] = []  # bills due to be paid and not paid yet, oldest first

        def pay(row: dict, day: date) -> bool:
            """Pay the bill on `day` from what holds enough: a small one of the cash kinds from the branch's
            cash or else a bank account, any other from a bank account (DBBL, then BRAC); False when nothing
            does (it waits for money to come in)."""
            total, branch_id = row["net"] + row["vat"], row["branch"].pk
            by_cash = total <= CASH_BILL_LIMIT and row["category"] in CASH_KINDS
            sources = ([("cash", None)] if by_cash else []) + [("bank", dbbl), ("bank", brac)]
            for source, account in sources:
                if source == "cash" and cash[branch_id] >= total:
                    cash[branch_id] -= total
                    row.update(status=Bill.Status.PAID, paid_from=Bill.PaidFrom.CASH, paid_bank=None, paid_on=day,
                               payment_reference=f"V-{day:%y%m%d}{branch_id}")
                    return True
                if source == "bank" and bank[account.pk] >= total:
                    bank[account.pk] -= total
                    row.update(status=Bill.Status.PAID, paid_from=Bill.PaidFrom.BANK, paid_bank_id=account.pk, paid_on=day,
                               payment_reference=f"CHQ-{day:%y%m%d}{branch_id}")
                    return True
            return False

        for day, _order, event in sorted(events, key=lambda e: (e[0], e[1])):
            kind = event[0]
            if kind == "cash_in":
                cash[event[1]] += event[2]
            elif kind == "settle":
                _kind, first, last = event
                # What the gateways hold for the month: 1160's balance at its end less what was settled before.
                held = self._clearing_as_of(last) - settled
                collections = self._gateway_collections(first, last)
                for gateway in ("bkash", "nagad", "sslcommerz"):
                    amount = min(held, collections[gateway]) if gateway != "sslcommerz" else held
                    if amount <= 0:
                        continue
                    to = dbbl if gateway in ("bkash", "nagad") else brac
                    movements.append(dict(kind=BankMovement.Kind.SETTLEMENT, gateway=gateway, to_bank_id=to.pk, amount=amount,
                                          date=day, reference=f"{gateway.upper()}-SET-{first:%y%m}"))
                    bank[to.pk] += amount
                    held -= amount
                    settled += amount
            elif kind == "bank_cash":
                for branch in branches:
                    amount = cash[branch.pk] - CASH_FLOAT
                    if amount > 0:
                        movements.append(dict(kind=BankMovement.Kind.DEPOSIT, to_bank_id=dbbl.pk, from_branch_id=branch.pk,
                                              amount=amount, date=day, reference=f"DS-{branch.code or branch.pk}-{day:%m%d}"))
                        cash[branch.pk] -= amount
                        bank[dbbl.pk] += amount
            elif kind == "pay":
                pending.append(event[1])
            elif kind == "save" and bank[dbbl.pk] > 2000:
                amount = (bank[dbbl.pk] / 4).quantize(D("1"))
                movements.append(dict(kind=BankMovement.Kind.TRANSFER, from_bank_id=dbbl.pk, to_bank_id=brac.pk, amount=amount,
                                      date=day, reference="Savings"))
                bank[dbbl.pk] -= amount
                bank[brac.pk] += amount
            pending = [index for index in pending if not pay(bills[index], day)]
        for index in pending:  # nothing held enough by today: approved and owed to the supplier
            bills[index].update(status=Bill.Status.APPROVED, paid_from="", paid_bank=None, paid_on=None, payment_reference="")
        return movements

    @staticmethod
    def _clearing_as_of(day: date) -> Decimal:
        sums = JournalLine.objects.filter(account__code=GATEWAY_CLEARING, entry__date__lte=day).aggregate(d=Sum("debit"), c=Sum("credit"))
        return (sums["d"] or D(0)) - (sums["c"] or D(0))

    @staticmethod
    def _row(supplier, kind, branch, day, net, rate, description, today):
        """A bill, to be paid five days after its date (the replay says from where, or leaves it owed)."""
        return dict(
            supplier=supplier, supplier_reference=f"{supplier.name[:3].upper()}-{day:%y%m}-{branch.pk}", category=kind, branch=branch,
            bill_date=day, description=description, net=net, vat=(net * rate).quantize(D("0.01")), status=Bill.Status.APPROVED,
            paid_on=min(day + timedelta(days=5), today),
        )
