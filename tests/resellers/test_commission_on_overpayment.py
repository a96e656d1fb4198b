"""Commission is earned on money that pays invoices, not on advance credit left on the account
(docs/billing.md, "Reseller wallets, renewals and commissions"): the credit earns when a later invoice uses it (the nightly catch-up
after the billing run), and a refund that takes paid money back claws back what it earned. The night's
jobs run in the beat schedule's order (tests/night.py); no wrapping transaction, on SQLite and PostgreSQL."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from billing import ledger
from billing.models import Invoice
from billing.wallet_models import CommissionEntry, ResellerWallet
from customers.models import Subscription
from resellers import services
from resellers.commissions import commission_on_refund
from resellers.models import Reseller
from tests.billing.test_run import configure
from tests.night import clock, night
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases.payment_record import payment_record

D = Decimal
RATE = D("0.10")


def owed(reseller) -> Decimal:
    return ResellerWallet.objects.get(reseller=reseller).commission_owed


def customer_billed_for_march():
    """A commission reseller (10 %) and a customer of theirs billed ৳1,150 for March 2026."""
    configure()
    reseller, area, router, package, admin = make_reseller(model=Reseller.Model.COMMISSION)
    services.commission_rule_add(actor=admin, reseller=reseller, percent=RATE * 100)
    subscription = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=timezone.make_aware(datetime.combine(date(2026, 3, 1), time(9))))
    night(date(2026, 3, 2))
    march = Invoice.objects.get(customer=subscription.customer)
    return reseller, subscription.customer, march, admin


def refund(payment, amount, actor):
    """As the gateway refund's use case does it: the ledger's refund entry and the commission, together."""
    with transaction.atomic():
        account = ledger.account_lock(customer_id=payment.customer_id)
        ledger.refund_post(account=account, payment=payment, amount=amount, actor=actor, memo="Refund")
        commission_on_refund(actor=actor, payment=payment, amount=amount)


@pytest.mark.django_db(transaction=True)
def test_commission_on_overpayment_is_earned_as_the_credit_pays_invoices_and_clawed_back_with_its_refund():
    reseller, customer, march, admin = customer_billed_for_march()
    with clock(date(2026, 3, 5)):
        payment = payment_record(actor=admin, customer=customer, amount=D("1500.00"), method="cash")
    # ৳1,150 paid March's invoice: 10 % of it; the ৳350 left is advance credit and earns nothing yet.
    assert owed(reseller) == march.total * RATE == D("115.00")

    night(date(2026, 3, 25))  # April's ৳1,150 is issued and takes the ৳350 credit: it earns now
    assert owed(reseller) == D("1500.00") * RATE
    assert CommissionEntry.objects.filter(payment=payment, kind="accrual").count() == 2
    night(date(2026, 3, 26))  # nothing twice
    assert owed(reseller) == D("150.00")

    refund(payment, D("350.00"), admin)  # taken back off April's invoice: what it earned goes back
    assert owed(reseller) == D("115.00")
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_a_refund_of_advance_credit_no_invoice_used_claws_nothing_back():
    reseller, customer, march, admin = customer_billed_for_march()
    with clock(date(2026, 3, 5)):
        payment = payment_record(actor=admin, customer=customer, amount=D("1500.00"), method="cash")
    refund(payment, D("350.00"), admin)
    assert owed(reseller) == D("115.00")
    assert not CommissionEntry.objects.filter(kind="clawback").exists()
    night(date(2026, 3, 25))  # no credit left for April: nothing more earned
    assert owed(reseller) == D("115.00")
