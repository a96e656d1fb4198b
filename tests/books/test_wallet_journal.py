"""Reseller wallets in the journal (docs/accounts.md, "Reseller wallets", example 12): a top-up and the
renewals a reseller pays for its customers post both sides, so every entry balances and the renewals
clearing account 2350 is empty once a renewal is settled."""

from decimal import Decimal

import pytest
from django.db import transaction

from billing.ledger import wallets as wallet_ledger
from billing.models import BillingSettings, Invoice
from billing.selectors import current_billing_settings
from billing.wallet_models import ResellerWallet, WalletEntry
from books.models import JournalEntry, JournalLine
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db
D = Decimal


def _account_sum(code):
    """Σ debits − Σ credits of one account over the whole journal."""
    return sum((line.debit - line.credit for line in JournalLine.objects.filter(account__code=code)), D("0"))


def _wallet_lines(entry):
    je = JournalEntry.objects.get(source="wallet", source_id=entry.pk)
    return {line.account.code: (line.debit, line.credit) for line in je.lines.select_related("account")}


def _every_entry_balances():
    for entry in JournalEntry.objects.all():
        debit = sum((line.debit for line in entry.lines.all()), D("0"))
        credit = sum((line.credit for line in entry.lines.all()), D("0"))
        assert debit == credit and debit > 0, entry


def test_a_top_up_and_renewals_paid_from_the_wallet_post_both_sides_and_clear_2350():
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(vat_rate=D("5.00"), prices_include_vat=False)
    # A reseller tops up ৳2,000 in cash and renews two customers on a ৳1,000 package it buys at ৳600.
    reseller, area, router, package, _actor = make_reseller(price="600.00", topup="2000")
    topup = WalletEntry.objects.get(kind="topup")
    assert _wallet_lines(topup) == {"1105": (D("2000.00"), D("0")), "2300": (D("0"), D("2000.00"))}

    for key in ("r1", "r2"):
        sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
        result = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key=key)
        assert result.settled

    debits = WalletEntry.objects.filter(kind="debit")
    assert debits.count() == 2
    for debit in debits:
        assert _wallet_lines(debit) == {"2300": (D("600.00"), D("0")), "2350": (D("0"), D("600.00"))}
    invoice_total = D("1000.00") + D("1000.00") * D("5") / D("100")  # ৳1,050.00 each, paid from the wallet
    assert all(invoice.total == invoice_total for invoice in Invoice.objects.all())
    margin = invoice_total - D("600.00")  # ৳450.00 kept by the reseller, each
    assert JournalEntry.objects.filter(source="margin").count() == 2
    assert _account_sum("4900") == 2 * margin

    # 2350: Cr 600 + 600 (wallet debits), Dr 1,050 + 1,050 (customers' payments), Cr 450 + 450 (margins) = 0.
    assert _account_sum("2350") == D("0.00")
    # 2300 is what the reseller holds: 2,000 − 600 − 600 = ৳800.00, the wallet's balance.
    assert -_account_sum("2300") == D("800.00") == ResellerWallet.objects.get(reseller=reseller).balance
    assert _account_sum("1200") == D("0.00")  # both invoices paid
    _every_entry_balances()
    totals = JournalLine.objects.values_list("debit", "credit")
    assert sum(d for d, _c in totals) == sum(c for _d, c in totals)


def test_cards_an_adjustment_and_a_reversal_post_their_sides():
    reseller, *_rest = make_reseller(price="600.00", topup="1000")
    with transaction.atomic():
        wallet = wallet_ledger.wallet_lock(reseller_id=reseller.pk)
        cards = wallet_ledger.wallet_cards_buy(wallet=wallet, amount=D("300.00"), memo="batch 1")
        given = wallet_ledger.wallet_adjust(wallet=wallet, amount=D("50.00"), memo="goodwill")
        cards_back = wallet_ledger.wallet_entry_reverse(wallet=wallet, entry=cards, memo="batch cancelled")
    assert _wallet_lines(cards) == {"2300": (D("300.00"), D("0")), "2400": (D("0"), D("300.00"))}
    assert _wallet_lines(given) == {"4900": (D("50.00"), D("0")), "2300": (D("0"), D("50.00"))}
    assert _wallet_lines(cards_back) == {"2400": (D("300.00"), D("0")), "2300": (D("0"), D("300.00"))}
    # 2300: Cr 1,000 − 300 + 50 + 300 = ৳1,050.00, the wallet's balance.
    assert -_account_sum("2300") == D("1050.00") == ResellerWallet.objects.get(reseller=reseller).balance
    _every_entry_balances()


def _entry_lines(source, source_id):
    je = JournalEntry.objects.get(source=source, source_id=source_id)
    return sorted((line.account.code, line.debit, line.credit) for line in je.lines.select_related("account"))


def test_a_commission_accrued_clawed_back_and_paid_out_posts_both_sides_and_the_journal_balances():
    """Example 14 (docs/accounts.md): a commission reseller at 10 %; its customer owes ৳1,500.00 and pays
    ৳1,000.00 cash to the reseller and ৳500.00 by bank: commissions 100 + 50 = ৳150.00 accrued (Dr 5800 /
    Cr 2600); the cash payment reversed claws back ৳100.00 (Dr 2600 / Cr 5800); ৳50.00 paid out (Dr 2600 /
    Cr 1150). 2600 = 150 − 100 − 50 = ৳0.00, what the wallet says is owed; expense 5800 = 150 − 100 = ৳50.00."""
    from resellers import commissions, services
    from resellers.models import Reseller
    from tests.factories import make_customer
    from tests.resellers.helpers import owes
    from usecases.payment_record import payment_record
    from usecases.payment_reverse import payment_reverse

    reseller, area, _router, _package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=D("10"))
    customer = make_customer(area=area, reseller=reseller)
    owes(customer, "1500")
    cash = services.cash_collect(actor=reseller.user, reseller=reseller, customer=customer, amount=D("1000"), idempotency_key="p1")
    payment_record(actor=admin, customer=customer, amount=D("500"), method="bank", reference="B1")
    from billing.wallet_models import CommissionEntry

    accruals = CommissionEntry.objects.filter(kind="accrual").order_by("id")
    assert [a.amount for a in accruals] == [D("100.00"), D("50.00")]
    assert _entry_lines("commission", accruals[0].pk) == [("2600", D("0"), D("100.00")), ("5800", D("100.00"), D("0"))]
    assert _account_sum("2600") == -D("150.00")  # a liability: ৳150.00 owed to the reseller

    payment_reverse(actor=admin, payment=cash, reason="bounced")
    clawback = CommissionEntry.objects.get(kind="clawback")
    assert _entry_lines("commission", clawback.pk) == [("2600", D("100.00"), D("0")), ("5800", D("0"), D("100.00"))]

    payout = commissions.payout_request(actor=reseller.user, reseller=reseller, amount=D("50"))
    with transaction.atomic():
        commissions.payout_decide(actor=admin, payout=payout, approve=True)
    paid = CommissionEntry.objects.get(kind="payout")
    assert _entry_lines("commission", paid.pk) == [("1150", D("0"), D("50.00")), ("2600", D("50.00"), D("0"))]

    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.commission_owed == D("0.00") == -_account_sum("2600")
    assert _account_sum("5800") == D("50.00")
    _every_entry_balances()
    assert sum(JournalLine.objects.values_list("debit", flat=True), D("0")) == sum(JournalLine.objects.values_list("credit", flat=True), D("0"))


def test_a_transfer_to_a_sub_reseller_posts_both_sides_once():
    """Example 15: a parent with ৳2,000.00 tops up its sub-reseller ৳700.00: one journal entry, Dr 2300 ৳700.00
    (the parent's) / Cr 2300 ৳700.00 (the sub's); 2300 still equals the two wallets' sum, 2,000 − 700 + 700."""
    from resellers import services

    parent, area, _router, package, _actor = make_reseller(price="600.00", topup="2000")
    sub = services.subreseller_create(actor=parent.user, parent=parent, name="Para Net", phone="+8801711000001",
                                      username="subpara", password="sub-reseller-1", areas=[area])
    services.subreseller_transfer(actor=parent.user, parent=parent, sub=sub, amount=D("700"))
    out, into = WalletEntry.objects.filter(kind="transfer").order_by("id")
    assert out.amount == -D("700.00") and into.amount == D("700.00")
    assert not JournalEntry.objects.filter(source="wallet", source_id=out.pk).exists()
    assert _entry_lines("wallet", into.pk) == [("2300", D("0"), D("700.00")), ("2300", D("700.00"), D("0"))]
    wallets = sum(ResellerWallet.objects.values_list("balance", flat=True), D("0"))
    assert wallets == D("2000.00") == -_account_sum("2300")
    _every_entry_balances()
