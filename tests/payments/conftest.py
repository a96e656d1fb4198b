from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import BillingSettings, InvoiceLine, LedgerEntry
from billing.selectors import current_billing_settings
from billing.services import LineSpec, invoice_create
from ispbill.core.periods import Period
from payments.models import Payment

D = Decimal


@pytest.fixture(autouse=True)
def billing_settings(db):
    """No VAT: the amounts in these tests are what the customer pays."""
    current_billing_settings()
    BillingSettings.objects.filter(pk=1).update(
        vat_rate=D("0"), prices_include_vat=False, due_days=7, reconnection_fee=D("0"), late_fee=D("0"),
    )


def charge(customer, amount, *, days_ago=0, subscription=None, period=None, actor=None):
    """An invoice issued `days_ago` days ago (due 7 days after issue) for one charge."""
    issue = timezone.localdate() - timedelta(days=days_ago)
    kind = InvoiceLine.Kind.RECURRING if period else InvoiceLine.Kind.ONE_TIME
    return invoice_create(
        actor=actor, customer=customer, issue_date=issue, due_date=issue + timedelta(days=7),
        lines=[LineSpec(kind=kind, description="Charge", amount=D(amount),
                        subscription_id=subscription.pk if subscription else None, period=period)],
    )


def ledger_ok():
    call_command("check_ledger", stdout=open("/dev/null", "w"))
    return True


def money_moved() -> tuple:
    """How many payments, and payment entries in the ledger, there are."""
    return Payment.objects.count(), LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count()


__all__ = ["D", "charge", "ledger_ok", "money_moved", "Period"]
