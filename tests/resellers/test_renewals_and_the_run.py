"""A prepaid reseller's customer is billed only by its renewals (docs/billing.md, "Renewals and the
billing run"): each renewal is one cycle from the end of the last (or from the renewal day when lapsed
or new), and the nightly billing run bills none of it. The night's jobs run in the beat schedule's
order (tests/night.py) over the dates that matter; no wrapping transaction, on SQLite and PostgreSQL."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from billing.models import Invoice, InvoiceLine
from billing.run_plan import RENEWAL_BILLED
from billing.selectors import account_balance
from billing.wallet_models import ResellerWallet
from customers.models import Subscription
from resellers.models import Reseller
from tests.billing.test_run import configure
from tests.night import clock, night
from tests.resellers.helpers import make_reseller, reseller_subscription
from usecases.reseller_renewal import subscription_renew

D = Decimal


def with_vat(net) -> Decimal:
    return net + (net * D("0.15")).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def periods(subscription) -> list[tuple[date, date]]:
    return list(
        InvoiceLine.objects.filter(subscription=subscription, kind__in=InvoiceLine.PERIOD_KINDS)
        .exclude(invoice__status=Invoice.Status.VOID).order_by("period_start").values_list("period_start", "period_end")
    )


def renew(reseller, subscription, day):
    with clock(day):
        result = subscription_renew(actor=None, reseller=reseller, subscription=Subscription.objects.get(pk=subscription.pk))
    assert result.settled
    return result


@pytest.mark.django_db(transaction=True)
def test_renewals_extend_from_the_end_of_the_last_and_the_run_bills_none_of_them():
    configure()
    reseller, area, router, package, _ = make_reseller(price="800.00", topup="5000")
    subscription = reseller_subscription(reseller=reseller, area=area, router=router, package=package)

    renew(reseller, subscription, date(2026, 3, 10))  # new: anchored on the renewal day, 10 March – 9 April
    for day in (date(2026, 3, 11), date(2026, 3, 25), date(2026, 4, 3)):  # 3 April: 10 April is 7 days ahead
        night(day)
    renew(reseller, subscription, date(2026, 4, 5))  # before the end: from 10 April, not overlapping
    for day in (date(2026, 4, 6), date(2026, 5, 3), date(2026, 5, 9)):
        night(day)

    assert periods(subscription) == [(date(2026, 3, 10), date(2026, 4, 9)), (date(2026, 4, 10), date(2026, 5, 9))]
    # Two renewals of ৳1,000 + VAT, both paid by the reseller; nothing else billed, nothing owed.
    invoices = Invoice.objects.filter(customer=subscription.customer)
    assert [invoice.total for invoice in invoices.order_by("id")] == [with_vat(D("1000.00"))] * 2
    assert not invoices.filter(billing_run__isnull=False).exists()
    assert account_balance(customer_id=subscription.customer_id) == 0
    subscription.refresh_from_db()
    assert subscription.paid_through == date(2026, 5, 9)
    assert ResellerWallet.objects.get(reseller=reseller).balance == D("5000.00") - 2 * D("800.00")

    # Not renewed: 3 grace days after 9 May the run suspends it (no invoice of the run falls overdue).
    night(date(2026, 5, 12))
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.ACTIVE
    night(date(2026, 5, 13))
    lapsed = Subscription.objects.get(pk=subscription.pk)
    assert (lapsed.status, lapsed.suspension_type) == (Subscription.Status.SUSPENDED, Subscription.SuspensionType.NON_PAYMENT)
    assert not Invoice.objects.filter(customer=subscription.customer, billing_run__isnull=False).exists()
    # Renewed on 20 May: the renewal starts that day (10–19 May are charged to no one) and reactivates it.
    renew(reseller, subscription, date(2026, 5, 20))
    night(date(2026, 5, 21))
    assert periods(subscription)[-1] == (date(2026, 5, 20), date(2026, 6, 19))
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.ACTIVE
    call_command("check_ledger", stdout=open("/dev/null", "w"))


@pytest.mark.django_db(transaction=True)
def test_the_run_still_bills_a_commission_resellers_customer():
    configure()
    reseller, area, router, package, _ = make_reseller(model=Reseller.Model.COMMISSION)
    subscription = reseller_subscription(reseller=reseller, area=area, router=router, package=package, activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(activated_at=subscription.activated_at - timedelta(days=40))
    night(date.today())
    assert periods(subscription)


def test_the_run_reads_the_prepaid_model_by_its_stored_value():
    assert RENEWAL_BILLED.children == [("customer__reseller__model", Reseller.Model.PREPAID.value)]
