"""The chart of accounts the ISP starts with (docs/accounts.md, "The chart of accounts").

The codes are fixed: billing/ledger/ posts to them by code. Bank accounts get accounts of their own
(1310, 1311, …) when they are added. Names are shown in English and Bangla.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"

CASH_WITH_COLLECTORS = "1105"
CASH_AT_BRANCHES = "1110"
BANK_RECEIPTS = "1150"
GATEWAY_CLEARING = "1160"
RECEIVABLES = "1200"
VDS_RECEIVABLE = "1250"
INPUT_VAT = "1260"
BANKS = "1300"
OUTPUT_VAT = "2100"
CUSTOMER_CREDIT = "2200"
RESELLER_WALLETS = "2300"
RESELLER_RENEWALS = "2350"
DEFERRED_CARDS = "2400"
SUPPLIERS = "2500"
RESELLER_COMMISSIONS = "2600"
OPENING_BALANCES = "3100"
RETAINED_EARNINGS = "3900"
SUBSCRIPTIONS = "4100"
ONE_TIME = "4200"
CARD_SALES = "4300"
CREDITS_GIVEN = "4900"
BANDWIDTH = "5100"
NTTN = "5200"
RENT = "5300"
POWER = "5400"
SALARIES = "5500"
EQUIPMENT = "5600"
MARKETING = "5700"
COMMISSIONS = "5800"
OTHER_EXPENSES = "5900"

# (code, type, name). Order is the order of the reports.
CHART: tuple[tuple[str, str, str], ...] = (
    (CASH_WITH_COLLECTORS, ASSET, _("Cash with collectors (not yet handed over)")),
    (CASH_AT_BRANCHES, ASSET, _("Cash at branches")),
    (BANK_RECEIPTS, ASSET, _("Bank and cheque receipts not yet matched")),
    (GATEWAY_CLEARING, ASSET, _("Gateway and mobile-wallet clearing")),
    (RECEIVABLES, ASSET, _("Customer receivables")),
    (VDS_RECEIVABLE, ASSET, _("VAT deducted at source, receivable")),
    (INPUT_VAT, ASSET, _("Input VAT")),
    (BANKS, ASSET, _("Banks")),
    (OUTPUT_VAT, LIABILITY, _("Output VAT payable")),
    (CUSTOMER_CREDIT, LIABILITY, _("Customer advance credit")),
    (RESELLER_WALLETS, LIABILITY, _("Reseller wallets")),
    (RESELLER_RENEWALS, LIABILITY, _("Reseller renewals clearing")),
    (DEFERRED_CARDS, LIABILITY, _("Deferred prepaid-card revenue")),
    (SUPPLIERS, LIABILITY, _("Suppliers payable")),
    (RESELLER_COMMISSIONS, LIABILITY, _("Reseller commissions payable")),
    (OPENING_BALANCES, EQUITY, _("Opening balances brought over")),
    (RETAINED_EARNINGS, EQUITY, _("Retained earnings")),
    (SUBSCRIPTIONS, INCOME, _("Subscription revenue")),
    (ONE_TIME, INCOME, _("One-time charges")),
    (CARD_SALES, INCOME, _("Prepaid card sales")),
    (CREDITS_GIVEN, INCOME, _("Credit notes and credits given")),
    (BANDWIDTH, EXPENSE, _("Bandwidth (IIG)")),
    (NTTN, EXPENSE, _("NTTN")),
    (RENT, EXPENSE, _("Rent")),
    (POWER, EXPENSE, _("Electricity and fuel")),
    (SALARIES, EXPENSE, _("Salaries")),
    (EQUIPMENT, EXPENSE, _("Equipment")),
    (MARKETING, EXPENSE, _("Marketing")),
    (COMMISSIONS, EXPENSE, _("Reseller commissions")),
    (OTHER_EXPENSES, EXPENSE, _("Other expenses")),
)

# Accounts whose balance is normally a debit (assets, expenses); the others' is a credit.
DEBIT_TYPES = (ASSET, EXPENSE)


def chart_ensure(*, using: str = "default") -> None:
    """The chart's fixed accounts, created when missing (post_migrate); names kept as staff left them."""
    from .models import LedgerAccount

    existing = set(LedgerAccount.objects.using(using).values_list("code", flat=True))
    LedgerAccount.objects.using(using).bulk_create(
        [LedgerAccount(code=code, type=kind, name=str(name)) for code, kind, name in CHART if code not in existing],
        ignore_conflicts=True,
    )
