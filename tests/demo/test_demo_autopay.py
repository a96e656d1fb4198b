"""The demo's saved wallets and auto-pay (demo/states.py, the `states` step of `make run`): customers link a
bKash wallet on the emulator's page and turn auto-pay on, and the daily job, run once, charges the wallets
whose day has come through the emulator (one with too little balance waits for its retry) and schedules
next month's invoices. Against the bKash emulator on the live server, as the seed runs it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import Invoice
from demo import states
from payments.models import AutoPay, AutoPayAttempt, AutoPayRun, BkashAgreement, GatewayPayment
from tests.factories import admin_user, make_subscription
from tests.payments.bkash_helpers import POOR_WALLET, bkash_gateway  # noqa: F401 - fixture
from tests.payments.conftest import charge

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_links_wallets_and_the_auto_pay_run_charges_them(bkash_gateway, monkeypatch, settings):
    settings.AUTOPAY_DAYS_BEFORE, settings.AUTOPAY_NOTICE_DAYS = 3, 2
    monkeypatch.setattr(states, "AUTOPAY_WALLETS", ["01711000001", "01711000002", POOR_WALLET])
    admin = admin_user()
    customers = []
    for _n in range(3):
        subscription = make_subscription(activate=True)
        with transaction.atomic():
            next_month = charge(subscription.customer, "700.00", days_ago=3)  # due in 4 days: within the notice
        customers.append((subscription.customer, next_month))

    chosen = states._autopay_customers()
    assert [c.pk for c in chosen] == [c.pk for c, _i in customers]
    report = states.Report()
    states._autopay(chosen, admin=admin, report=report)

    today = timezone.localdate()
    for customer, _invoice in customers:
        agreement = BkashAgreement.objects.get(customer=customer)
        assert agreement.status == BkashAgreement.Status.ACTIVE and agreement.is_primary
        assert AutoPay.objects.get(customer=customer).enabled
    run = AutoPayRun.objects.get()
    assert run.day == today and run.finished_at is not None
    # The second customer's one-time charge (due in AUTOPAY_DAYS_BEFORE days) was charged to the wallet today.
    paid_customer = customers[1][0]
    one_time = Invoice.objects.get(customer=paid_customer, due_date=today + timedelta(days=3))
    assert one_time.status == Invoice.Status.PAID
    attempt = AutoPayAttempt.objects.get(invoice=one_time)
    assert attempt.status == AutoPayAttempt.Status.PAID
    gp = attempt.gateway_payment
    assert gp.status == GatewayPayment.Status.PAID and gp.agreement.customer == paid_customer and gp.payment is not None
    assert one_time.lines.get().description == states.AUTOPAY_CHARGES[0][0] and one_time.subtotal == Decimal(states.AUTOPAY_CHARGES[0][1])
    assert gp.payment.amount == one_time.total
    # The poor wallet's charge failed and waits for its retry; nothing was taken.
    poor_customer = customers[2][0]
    poor = AutoPayAttempt.objects.get(customer=poor_customer, invoice__due_date=today + timedelta(days=3))
    assert poor.status == AutoPayAttempt.Status.RETRY and poor.invoice.status == Invoice.Status.OPEN
    # Next month's invoices are scheduled for their day, the customers told.
    for _customer, invoice in customers:
        scheduled = AutoPayAttempt.objects.get(invoice=invoice)
        assert scheduled.status == AutoPayAttempt.Status.SCHEDULED and scheduled.notified_before
        assert scheduled.next_try_on == invoice.due_date - timedelta(days=3)
    assert run.counts["paid"] == 1 and run.counts["retry"] == 1 and run.counts["scheduled"] == AutoPayAttempt.objects.count() == 5
    assert report.made[0].startswith("3 saved bKash wallets on auto-pay; the auto-pay run: 1 paid, 1 retry, 5 scheduled")

    assert states._autopay_customers() == []  # once: a second seed adds nothing
