"""The journal (docs/accounts.md): every money event the ledger writes posts a balanced journal
entry in the same transaction; the figures below are the document's worked examples, recomputed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from billing import ledger
from billing.charges import credit_note_issue
from billing.ledger.journal import JournalLineSpec, UnbalancedEntry, journal_backpost, journal_post
from billing.models import Account, BillingSettings, LedgerEntry
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create, invoice_void
from books.models import JournalEntry, JournalLine, LedgerAccount
from payments.services import payment_ledger_record, payment_ledger_reverse
from tests.factories import make_customer

D = Decimal


@pytest.fixture
def vat5(db):
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)


def lines_of(entry_source_id, source="ledger"):
    """{account code: (debit, credit)} of the journal entry posted for the event."""
    entry = JournalEntry.objects.get(source=source, source_id=entry_source_id)
    out = {}
    for line in entry.lines.select_related("account"):
        debit, credit = out.get(line.account.code, (D("0"), D("0")))
        out[line.account.code] = (debit + line.debit, credit + line.credit)
    return out


def invoice_entry(invoice):
    return LedgerEntry.objects.get(invoice=invoice, kind="invoice")


def assert_journal_balances():
    totals = JournalLine.objects.values_list("debit", "credit")
    assert sum(d for d, _c in totals) == sum(c for _d, c in totals)


def receivable_total():
    return sum(
        (line.debit - line.credit for line in JournalLine.objects.filter(account__code="1200")), D("0")
    )


def test_an_invoice_posts_the_receivable_against_revenue_and_output_vat(vat5):
    # docs/accounts.md, example 1: a router ৳1,000 and a month's service ৳800, VAT 5%.
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[
        LineSpec(kind="one_time", description="Router", amount=D("1000.00")),
        LineSpec(kind="recurring", description="November", amount=D("800.00")),
    ])
    vat = (D("1000.00") + D("800.00")) * D("5") / D("100")  # 90.00
    assert lines_of(invoice_entry(invoice).pk) == {
        "1200": (D("1890.00"), D("0")),
        "4200": (D("0"), D("1000.00")),
        "4100": (D("0"), D("800.00")),
        "2100": (D("0"), vat),
    }
    assert JournalEntry.objects.get(source="ledger", source_id=invoice_entry(invoice).pk).reference == invoice.number


def test_payments_post_to_the_account_of_their_method_and_a_reversal_mirrors(vat5):
    # docs/accounts.md, example 2: ৳1,050 invoiced; ৳300 cash to a collector, ৳750 by bKash.
    customer = make_customer()
    invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000.00"))])
    cash = payment_ledger_record(actor=None, customer=customer, amount=D("300.00"), method="cash")
    bkash = payment_ledger_record(actor=None, customer=customer, amount=D("750.00"), method="bkash", reference="TRX1")
    assert lines_of(LedgerEntry.objects.get(payment=cash).pk) == {"1105": (D("300.00"), D("0")), "1200": (D("0"), D("300.00"))}
    assert lines_of(LedgerEntry.objects.get(payment=bkash).pk) == {"1160": (D("750.00"), D("0")), "1200": (D("0"), D("750.00"))}
    assert receivable_total() == D("0.00") == Account.objects.get(customer=customer).balance

    with transaction.atomic():
        payment_ledger_reverse(actor=None, payment=cash, reason="counted twice")
    reversal = LedgerEntry.objects.get(payment=cash, kind="reversal")
    assert lines_of(reversal.pk) == {"1105": (D("0"), D("300.00")), "1200": (D("300.00"), D("0"))}
    assert receivable_total() == D("300.00") == Account.objects.get(customer=customer).balance
    assert_journal_balances()


def test_a_credit_note_takes_back_revenue_and_its_share_of_vat(vat5):
    # docs/accounts.md, example 3: ৳210 credited on a ৳1,050 invoice (VAT ৳50 of it).
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000.00"))])
    note = credit_note_issue(actor=None, invoice=invoice, amount=D("210.00"), reason="late installation")
    vat_share = (D("210.00") * D("50.00") / D("1050.00")).quantize(D("0.01"))  # 10.00
    assert lines_of(note.entry_id) == {
        "4900": (D("210.00") - vat_share, D("0")), "2100": (vat_share, D("0")), "1200": (D("0"), D("210.00")),
    }


def test_a_voided_invoice_is_reversed_in_the_journal(vat5):
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000.00"))])
    invoice_void(actor=None, invoice=invoice, reason="wrong customer")
    codes = dict(LedgerAccount.objects.values_list("code", "pk"))
    for code in ("1200", "4200", "2100"):
        lines = JournalLine.objects.filter(account_id=codes[code])
        assert sum(line.debit - line.credit for line in lines) == D("0.00"), code
    assert receivable_total() == Account.objects.get(customer=customer).balance == D("0.00")


def test_opening_balances_post_against_equity_and_their_withdrawal_reverses(vat5):
    customer = make_customer()
    with transaction.atomic():
        ledger.opening_balance_post(customer=customer, amount=D("500.00"), effective_date=customer.created_at.date(), notify=False)
    entry = LedgerEntry.objects.get(account__customer=customer, kind="opening_balance")
    assert lines_of(entry.pk) == {"1200": (D("500.00"), D("0")), "3100": (D("0"), D("500.00"))}
    with transaction.atomic():
        ledger.opening_balances_withdraw(customer_ids=[customer.pk])
    assert lines_of(entry.pk, source="ledger_withdrawn") == {"1200": (D("0"), D("500.00")), "3100": (D("500.00"), D("0"))}
    assert receivable_total() == D("0.00")


def test_an_unbalanced_entry_is_refused_before_anything_is_written(db):
    with transaction.atomic(), pytest.raises(UnbalancedEntry):
        journal_post(source="handover", source_id=1, date=date(2026, 11, 1), kind="x",
                     lines=[JournalLineSpec("1110", debit=D("10")), JournalLineSpec("1105", credit=D("9.99"))])
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_posting_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        journal_post(source="handover", source_id=1, date=date(2026, 11, 1), kind="x",
                     lines=[JournalLineSpec("1110", debit=D("10")), JournalLineSpec("1105", credit=D("10"))])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the balance trigger is PostgreSQL's (SQLite: the posting functions' own check, above)")
def test_the_database_refuses_an_unbalanced_statement_an_update_and_a_delete(vat5):
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000.00"))])
    entry = JournalEntry.objects.get(source="ledger", source_id=invoice_entry(invoice).pk)
    account = LedgerAccount.objects.get(code="1200")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        JournalLine.objects.create(entry=entry, account=account, debit=D("5.00"))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        JournalLine.objects.filter(entry=entry).update(debit=D("1.00"))
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        JournalLine.objects.filter(entry=entry).delete()
    assert entry.lines.count() == 3


def test_back_posting_posts_history_once(vat5):
    # History written before the journal existed: ledger rows without a journal entry (set up directly).
    customer = make_customer()
    invoice = invoice_create(actor=None, customer=customer, lines=[LineSpec(kind="one_time", description="Setup", amount=D("1000.00"))])
    account = Account.objects.get(customer=customer)
    old = LedgerEntry.objects.create(account=account, kind="credit", amount=D("-25.00"), effective_date=invoice.issue_date, memo="goodwill")
    assert not JournalEntry.objects.filter(source="ledger", source_id=old.pk).exists()
    assert journal_backpost(chunk=2) == 1
    assert journal_backpost(chunk=2) == 0
    assert lines_of(old.pk) == {"4900": (D("25.00"), D("0")), "1200": (D("0"), D("25.00"))}
    assert_journal_balances()


def test_a_hand_over_moves_cash_from_the_collectors_to_the_branch_cash_book(vat5):
    # docs/accounts.md, example 5: a collector brings ৳300.00 of ৳1,150.00 collected to Mirpur.
    from payments.services import cash_handover_record
    from tests.factories import AreaFactory, BranchFactory, UserFactory

    mirpur = BranchFactory(code="MIR", name="Mirpur")
    collector, cashier = UserFactory(roles=["Cashier"]), UserFactory(roles=["Cashier"])
    customer = make_customer(area=AreaFactory(branch=mirpur))
    payment_ledger_record(actor=collector, customer=customer, amount=D("1150.00"), method="cash")
    handover = cash_handover_record(actor=cashier, collector=collector, branch=mirpur, amount="300")
    assert lines_of(handover.pk, source="handover") == {"1110": (D("300.00"), D("0")), "1105": (D("0"), D("300.00"))}
    cash_book = JournalLine.objects.filter(account__code="1110", branch=mirpur)
    assert sum(line.debit - line.credit for line in cash_book) == D("300.00")
    with_collectors = JournalLine.objects.filter(account__code="1105")
    assert sum(line.debit - line.credit for line in with_collectors) == D("1150.00") - D("300.00")


def test_a_card_sold_online_is_revenue_and_its_refund_takes_it_back(db):
    from django.utils import timezone

    from billing.ledger.cards import card_sale_post, card_sale_refund_post

    with transaction.atomic():
        sale, _ = card_sale_post(amount=D("52.00"), fee=D("2.00"), fee_passed=True, method="bkash", reference="T9",
                                 received_at=timezone.now(), idempotency_key="bkash:T9")
    assert lines_of(sale.pk, source="card_sale") == {"1160": (D("50.00"), D("0")), "4300": (D("0"), D("50.00"))}
    with transaction.atomic():
        refund, _ = card_sale_refund_post(sale=sale, refunded_at=timezone.now(), idempotency_key="bkash:R9")
    assert lines_of(refund.pk, source="card_refund") == {"4300": (D("50.00"), D("0")), "1160": (D("0"), D("50.00"))}
