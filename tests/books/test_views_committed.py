"""The books' money-changing pages outside a wrapping transaction (issue #55): each request commits on
its own on PostgreSQL, as in production, so a write that leans on the test's transaction (a lock, an
on-commit hook, a deferred constraint, the journal's balance trigger at commit) would fail here. Bank
accounts opened, branch cash deposited, a gateway's settlement banked, a transfer between the banks, a
bill above the approval limit entered, approved by a second accountant and paid in two parts from the
two banks; the figures worked out by hand at each step, and refusals that change nothing."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from books import selectors
from books import services as books_services
from books.models import BankAccount, BankMovement, Bill, BillPayment, JournalEntry, JournalLine
from payments.services import cash_handover_record, payment_ledger_record
from tests.factories import AreaFactory, BranchFactory, UserFactory, make_customer

D = Decimal


def balance(account: BankAccount) -> Decimal:
    return selectors.account_balance(code=account.ledger_account.code)


def snapshot():
    return (BankMovement.objects.count(), Bill.objects.count(), BillPayment.objects.count(), JournalEntry.objects.count(),
            JournalLine.objects.count())


@pytest.mark.django_db(transaction=True)
@override_settings(BOOKS_BILL_APPROVAL_LIMIT=D("10000"))
def test_the_bank_and_bill_pages_commit_each_request_on_their_own(client):
    branch = BranchFactory(code="BAN", name="Banani")
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    clerk, approver = UserFactory(roles=["Accountant"]), UserFactory(roles=["Accountant"])
    # ৳40,000.00 collected in cash and handed over at Banani; ৳5,000.00 collected by bKash (1160).
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=D("40000"), method="cash")
    cash_handover_record(actor=cashier, collector=collector, branch=branch, amount="40000")
    payment_ledger_record(actor=collector, customer=make_customer(area=AreaFactory(branch=branch)), amount=D("5000"),
                          method="bkash", reference="BK-9")
    supplier = books_services.supplier_create(actor=None, name="Summit NTTN", bin="0001112220101")
    today = timezone.localdate().strftime("%d/%m/%Y")
    client.force_login(clerk)

    for name, bank, number in (("DBBL current", "Dutch-Bangla Bank", "101"), ("BRAC savings", "BRAC Bank", "202")):
        assert client.post(reverse("staff:books-bank-list"), {"name": name, "bank": bank, "number": number}).status_code == 302
    dbbl, brac = BankAccount.objects.get(name="DBBL current"), BankAccount.objects.get(name="BRAC savings")
    assert dbbl.ledger_account.code != brac.ledger_account.code

    # ৳30,000.00 of the ৳40,000.00 banked: Banani keeps ৳10,000.00; DBBL holds ৳30,000.00.
    assert client.post(reverse("staff:books-bank-deposit", args=[dbbl.pk]), {
        "deposit-branch": branch.pk, "deposit-amount": "30000", "deposit-date": today, "deposit-reference": "SLIP-1"}).status_code == 302
    assert (selectors.cash_balance(branch_id=branch.pk), balance(dbbl)) == (D("10000.00"), D("30000.00"))
    # bKash settles its ৳5,000.00: DBBL 30,000 + 5,000 = ৳35,000.00 and nothing left in 1160.
    assert client.post(reverse("staff:books-bank-settlement", args=[dbbl.pk]), {
        "settlement-gateway": "bkash", "settlement-amount": "5000", "settlement-date": today}).status_code == 302
    assert (balance(dbbl), selectors.account_balance(code="1160")) == (D("35000.00"), D("0"))
    # ৳12,000.00 moved to BRAC: DBBL 35,000 − 12,000 = ৳23,000.00, BRAC ৳12,000.00.
    transfer = reverse("staff:books-bank-transfer", args=[dbbl.pk])
    assert client.post(transfer, {"transfer-to_bank": brac.pk, "transfer-amount": "12000", "transfer-date": today}).status_code == 302
    assert (balance(dbbl), balance(brac)) == (D("23000.00"), D("12000.00"))
    # Refused, nothing changed: a transfer to itself, and one of a paisa more than DBBL's ৳23,000.00.
    for data in ({"transfer-to_bank": dbbl.pk, "transfer-amount": "1", "transfer-date": today},
                 {"transfer-to_bank": brac.pk, "transfer-amount": "23000.01", "transfer-date": today}):
        before = snapshot()
        assert client.post(transfer, data).status_code == 400, data
        assert snapshot() == before and (balance(dbbl), balance(brac)) == (D("23000.00"), D("12000.00"))

    # A bill of ৳20,000.00 + ৳3,000.00 VAT is above the ৳10,000.00 limit: it waits, posting nothing.
    assert client.post(reverse("staff:books-bill-create"), {
        "supplier": supplier.pk, "category": "nttn", "branch": branch.pk, "bill_date": today,
        "description": "NTTN backhaul", "net": "20000", "vat": "3000", "supplier_reference": "SUM-77"}).status_code == 302
    bill = Bill.objects.get()
    assert bill.status == Bill.Status.AWAITING_APPROVAL and not JournalEntry.objects.filter(source="bill").exists()
    assert client.post(reverse("staff:books-bill-approve", args=[bill.pk])).status_code == 400  # not by who entered it
    client.force_login(approver)
    assert client.post(reverse("staff:books-bill-approve", args=[bill.pk])).status_code == 302
    assert selectors.account_balance(code="2500") == D("-23000.00")  # owed to suppliers
    assert selectors.account_balance(code="1260") == D("3000.00")  # input VAT
    # Paid ৳8,000.00 from BRAC and the ৳15,000.00 open from DBBL: BRAC 4,000, DBBL 8,000, nothing owed.
    pay = reverse("staff:books-bill-pay", args=[bill.pk])
    assert client.post(pay, {"amount": "8000", "paid_from": "bank", "bank": brac.pk, "paid_on": today}).status_code == 302
    assert client.post(pay, {"paid_from": "bank", "bank": dbbl.pk, "paid_on": today, "reference": "CHQ-5"}).status_code == 302
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID and bill.amount_paid == D("23000.00")
    assert (balance(dbbl), balance(brac), selectors.account_balance(code="2500")) == (D("8000.00"), D("4000.00"), D("0"))
    before = snapshot()
    assert client.post(pay, {"amount": "1", "paid_from": "bank", "bank": dbbl.pk, "paid_on": today}).status_code == 400  # paid already
    assert client.post(reverse("staff:books-bill-approve", args=[bill.pk])).status_code == 400  # approved already
    assert snapshot() == before

    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] > 0
