"""A customer the nightly run suspends for non-payment pays the amount the Pay Bill look-up
answered from the bKash app: the connection comes back at once, as with any payment, and the next
night does not suspend it again. The night's jobs run in the beat schedule's order (tests/night.py);
no wrapping transaction, on SQLite and PostgreSQL."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import account_balance
from customers.models import Subscription
from network.models import ProvisioningTask
from payments.models import Payment
from tests.billing.test_run import configure
from tests.factories import make_subscription
from tests.night import clock, night
from tests.payments.paybill_helpers import notification, send


@pytest.mark.django_db(transaction=True)
def test_a_customer_suspended_by_dunning_pays_by_pay_bill_is_reactivated_and_stays_active(client):
    configure()
    subscription = make_subscription(activate=True)
    Subscription.objects.filter(pk=subscription.pk).update(
        activated_at=timezone.make_aware(datetime.combine(date(2026, 3, 1), time(9)))
    )
    customer = subscription.customer

    day = date(2026, 3, 2)
    while Subscription.objects.get(pk=subscription.pk).status != Subscription.Status.SUSPENDED:
        night(day)
        day += timedelta(days=1)
        assert day < date(2026, 5, 1), "the run never suspended the unpaid subscription"
    suspended = Subscription.objects.get(pk=subscription.pk)
    assert suspended.suspension_type == Subscription.SuspensionType.NON_PAYMENT
    owed = account_balance(customer_id=customer.pk)
    assert owed > 0

    with clock(day, time(10, 30)):  # the morning after: the customer opens the bKash app
        bill = send(client, "lookup", {"accountNumber": customer.account_number}).json()
        assert bill["amountDue"] == f"{owed:.2f}"
        answer = send(client, "payment", notification(customer, trx_id="BKPNIGHT01", amount=bill["amountDue"]))
    assert answer.status_code == 200, answer.content

    reactivated = Subscription.objects.get(pk=subscription.pk)
    assert reactivated.status == Subscription.Status.ACTIVE
    assert account_balance(customer_id=customer.pk) == 0
    assert not Invoice.objects.filter(customer=customer).exclude(status__in=[Invoice.Status.PAID, Invoice.Status.VOID]).exists()
    assert Payment.objects.get(reference="BKPNIGHT01").method == Payment.Method.BKASH_PAYBILL
    assert ProvisioningTask.objects.filter(subscription=subscription, action=ProvisioningTask.Action.REACTIVATE).exists()

    night(day)  # the night that follows the payment
    night(day + timedelta(days=1))
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.Status.ACTIVE
    call_command("check_ledger", stdout=open("/dev/null", "w"))
