"""Auto-pay from the primary saved bKash wallet, against the bKash emulator on loopback: the day it
charges, the notices before and after, retries then stop, at most one charge per invoice (re-runs, a
lost execute answer, a worker that died, two workers at once), the portal's and the staff's pages,
and the night's jobs around it (tests/night.py): the billing run before it, dunning after it."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice
from billing.selectors import amount_open
from customers.models import Subscription
from demo.bkash.views import _get as emulator_get
from ispbill.notify.models import Message
from payments import bkash_flow
from payments.models import AutoPay, AutoPayAttempt, AutoPayRun, BkashAgreement, GatewayPayment, Payment
from payments.services import payment_ledger_record
from tests.billing.test_run import activated_on, configure
from tests.factories import PackageFactory, make_customer
from tests.night import clock, night, nightly_jobs
from tests.payments.bkash_helpers import (  # noqa: F401 - fixture
    GOOD_WALLET,
    POOR_WALLET,
    SLOW_WALLET,
    bkash_gateway,
    revoke_in_app,
)
from tests.payments.conftest import charge, ledger_ok
from tests.payments.test_bkash import link_wallet
from usecases import autopay

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def on_autopay(wallet=GOOD_WALLET, customer=None):
    customer = customer or make_customer()
    agreement = link_wallet(customer, wallet=wallet)
    autopay.autopay_set(customer=customer, enabled=True)
    return customer, agreement


def messages(customer, event) -> list[Message]:
    return list(Message.objects.filter(customer=customer, event=event))


def charged(invoice) -> list[GatewayPayment]:
    return list(GatewayPayment.objects.filter(invoices=invoice))


def test_the_charge_comes_on_its_day_once_with_a_notice_before_and_the_receipt_after(bkash_gateway, settings):
    settings.AUTOPAY_DAYS_BEFORE, settings.AUTOPAY_NOTICE_DAYS = 3, 2
    customer, agreement = on_autopay()
    invoice = charge(customer, "1150.00")  # due in 7 days
    due = invoice.due_date

    assert autopay.autopay_run(today=due - timedelta(days=6))["scheduled"] == 0  # too early even to tell
    counts = autopay.autopay_run(today=due - timedelta(days=5))
    assert counts["scheduled"] == 1 and not charged(invoice)
    [notice] = messages(customer, "autopay_upcoming")
    assert "1,150.00" in notice.body and agreement.wallet_masked in notice.body
    assert AutoPayAttempt.objects.get(invoice=invoice).next_try_on == due - timedelta(days=3)
    autopay.autopay_run(today=due - timedelta(days=4))
    assert not charged(invoice)

    counts = autopay.autopay_run(today=due - timedelta(days=3))

    assert counts["paid"] == 1
    [gp] = charged(invoice)
    assert gp.status == GatewayPayment.Status.PAID and gp.agreement == agreement and gp.payment.amount == D("1150.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    attempt = AutoPayAttempt.objects.get(invoice=invoice)
    assert attempt.status == AutoPayAttempt.Status.PAID and gp.payment.receipt_number in attempt.last_result
    assert messages(customer, "payment_received")  # the receipt
    # Run again, the same day and the next: nothing more.
    autopay.autopay_run(today=due - timedelta(days=3))
    autopay.autopay_run(today=due - timedelta(days=2))
    assert len(charged(invoice)) == 1 and Payment.objects.count() == 1
    assert AutoPayRun.objects.count() == 6 and AutoPayRun.objects.filter(finished_at__isnull=True).count() == 0
    ledger_ok()


def test_a_failing_wallet_is_retried_on_schedule_then_auto_pay_stops_and_sends_a_pay_link(bkash_gateway, settings):
    settings.AUTOPAY_DAYS_BEFORE, settings.AUTOPAY_RETRY_DAYS = 3, [1, 2]
    customer, _agreement = on_autopay(wallet=POOR_WALLET)
    invoice = charge(customer, "800.00")
    first = invoice.due_date - timedelta(days=3)

    autopay.autopay_run(today=first)
    attempt = AutoPayAttempt.objects.get(invoice=invoice)
    assert (attempt.status, attempt.tries, attempt.next_try_on) == (AutoPayAttempt.Status.RETRY, 1, first + timedelta(days=1))
    assert "Insufficient" in attempt.last_result
    autopay.autopay_run(today=first)  # the same day again: no new try
    assert len(charged(invoice)) == 1
    autopay.autopay_run(today=first + timedelta(days=1))
    attempt.refresh_from_db()
    assert (attempt.status, attempt.tries, attempt.next_try_on) == (AutoPayAttempt.Status.RETRY, 2, first + timedelta(days=3))
    autopay.autopay_run(today=first + timedelta(days=2))
    assert len(charged(invoice)) == 2
    assert not messages(customer, "autopay_failed")
    autopay.autopay_run(today=first + timedelta(days=3))

    attempt.refresh_from_db()
    assert (attempt.status, attempt.tries) == (AutoPayAttempt.Status.GAVE_UP, 3)
    assert len(charged(invoice)) == 3 and Payment.objects.count() == 0
    [failed] = messages(customer, "autopay_failed")
    assert reverse("portal:pay") in failed.body
    autopay.autopay_run(today=first + timedelta(days=5))
    assert len(charged(invoice)) == 3


def test_a_lost_execute_answer_is_queried_and_charged_once(bkash_gateway):
    customer, _agreement = on_autopay(wallet=SLOW_WALLET)  # the emulator holds execute's answer past our timeout
    invoice = charge(customer, "650.00")

    counts = autopay.autopay_run(today=invoice.due_date - timedelta(days=3))

    assert counts["paid"] == 1
    [gp] = charged(invoice)
    assert gp.status == GatewayPayment.Status.PAID and emulator_get("payment", gp.sessionkey)["executed"] == 1
    assert Payment.objects.count() == 1


def test_a_worker_that_died_after_bkash_charged_is_taken_over_by_a_query_not_a_second_charge(bkash_gateway, settings):
    customer, agreement = on_autopay()
    invoice = charge(customer, "700.00")
    today = invoice.due_date - timedelta(days=3)
    autopay.autopay_schedule(today=today)
    attempt = AutoPayAttempt.objects.get(invoice=invoice)
    mode, claimed = autopay._claim(attempt.pk, today=today, worker="dead")
    assert mode == "charge"
    gp = claimed.gateway_payment
    # The dead worker got as far as bKash charging the wallet; our side recorded only the paymentID.
    client = bkash_flow.bkash_client()
    created = client.create(mode="0001", amount=gp.amount, payer_reference=customer.account_number,
                            callback_url=bkash_flow.callback_url(), merchant_invoice_number=gp.tran_id,
                            agreement_id=agreement.agreement_id)
    GatewayPayment.objects.filter(pk=gp.pk).update(sessionkey=created["paymentID"])
    client.payment_execute(created["paymentID"])

    # Another run while the claim is fresh leaves it alone.
    assert autopay.autopay_run(today=today).get("skipped") == 1
    # Once the claim is stale, the next run asks bKash and settles what was charged.
    settings.AUTOPAY_CLAIM_STALE_MINUTES = 0
    AutoPayAttempt.objects.filter(pk=attempt.pk).update(claimed_at=timezone.now() - timedelta(minutes=1))
    counts = autopay.autopay_run(today=today)

    assert counts["paid"] == 1
    assert charged(invoice) == [gp] and emulator_get("payment", created["paymentID"])["executed"] == 1
    assert Payment.objects.count() == 1
    ledger_ok()


def test_a_worker_that_died_before_bkash_answered_create_is_retried_without_a_charge(bkash_gateway, settings):
    customer, _agreement = on_autopay()
    invoice = charge(customer, "700.00")
    today = invoice.due_date - timedelta(days=3)
    autopay.autopay_schedule(today=today)
    attempt = AutoPayAttempt.objects.get(invoice=invoice)
    autopay._claim(attempt.pk, today=today, worker="dead")
    settings.AUTOPAY_CLAIM_STALE_MINUTES = 0
    AutoPayAttempt.objects.filter(pk=attempt.pk).update(claimed_at=timezone.now() - timedelta(minutes=1))

    autopay.autopay_run(today=today)
    attempt.refresh_from_db()
    assert attempt.status == AutoPayAttempt.Status.RETRY and Payment.objects.count() == 0
    autopay.autopay_run(today=attempt.next_try_on)
    attempt.refresh_from_db()
    assert attempt.status == AutoPayAttempt.Status.PAID and Payment.objects.count() == 1


def test_two_workers_racing_charge_each_invoice_exactly_once(bkash_gateway):
    invoices = []
    for _ in range(4):
        customer, _agreement = on_autopay()
        invoices.append(charge(customer, "500.00"))
    today = invoices[0].due_date - timedelta(days=3)
    start = threading.Barrier(2, timeout=120)
    errors = []

    def worker(name):
        try:
            start.wait()
            autopay.autopay_run(today=today, worker=name)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    for invoice in invoices:
        [gp] = charged(invoice)
        assert gp.status == GatewayPayment.Status.PAID and emulator_get("payment", gp.sessionkey)["executed"] == 1
    assert Payment.objects.count() == 4
    assert AutoPayAttempt.objects.filter(status=AutoPayAttempt.Status.PAID).count() == 4
    ledger_ok()


def test_a_wallet_revoked_in_the_bkash_app_stops_auto_pay_at_once_and_tells_the_customer(bkash_gateway):
    customer, agreement = on_autopay()
    revoke_in_app(bkash_gateway.url, wallet=GOOD_WALLET, agreement_id=agreement.agreement_id)
    invoice = charge(customer, "500.00")

    autopay.autopay_run(today=invoice.due_date - timedelta(days=3))

    attempt = AutoPayAttempt.objects.get(invoice=invoice)
    assert attempt.status == AutoPayAttempt.Status.GAVE_UP and Payment.objects.count() == 0
    agreement.refresh_from_db()
    assert agreement.status == BkashAgreement.Status.REVOKED
    assert messages(customer, "autopay_failed")


def test_an_invoice_paid_by_hand_before_its_day_is_not_charged(bkash_gateway):
    customer, _agreement = on_autopay()
    invoice = charge(customer, "500.00")
    autopay.autopay_schedule(today=invoice.due_date - timedelta(days=5))
    payment_ledger_record(actor=None, customer=customer, amount=D("500.00"), method="cash")

    autopay.autopay_run(today=invoice.due_date - timedelta(days=3))

    assert AutoPayAttempt.objects.get(invoice=invoice).status == AutoPayAttempt.Status.SKIPPED
    assert not charged(invoice) and Payment.objects.count() == 1


def test_customers_off_auto_pay_or_without_a_wallet_are_never_charged(bkash_gateway):
    customer, agreement = on_autopay()
    autopay.autopay_set(customer=customer, enabled=False)
    invoice = charge(customer, "500.00")
    autopay.autopay_run(today=invoice.due_date - timedelta(days=3))
    assert not AutoPayAttempt.objects.exists() and not charged(invoice)
    with pytest.raises(Exception, match="Link a bKash wallet"):
        autopay.autopay_set(customer=make_customer(), enabled=True)


# The night around it -----------------------------------------------------------------------------


def _billed_customer(wallet):
    configure()
    subscription = activated_on(date(2026, 3, 10), package=PackageFactory(price=D("1000.00")))
    customer = subscription.customer
    night(date(2026, 3, 10))  # the run bills 10–31 March
    with clock(date(2026, 3, 11)):
        payment_ledger_record(actor=None, customer=customer, amount=amount_open(customer_id=customer.pk), method="cash")
        on_autopay(wallet=wallet, customer=customer)
    return subscription


def test_auto_pay_is_a_nightly_job_after_the_billing_run():
    jobs = [name for _at, name in nightly_jobs(date(2026, 3, 25))]
    assert jobs.index("usecases.tasks.autopay_daily") > jobs.index("usecases.tasks.billing_run_daily")


def test_over_the_nights_auto_pay_pays_aprils_invoice_before_it_is_due_and_nothing_is_suspended(bkash_gateway):
    subscription = _billed_customer(GOOD_WALLET)
    customer = subscription.customer
    day = date(2026, 3, 24)
    while day <= date(2026, 4, 8):
        night(day)
        day += timedelta(days=1)

    april = Invoice.objects.get(customer=customer, issue_date=date(2026, 3, 25))
    assert (april.due_date, april.total, april.status) == (date(2026, 4, 1), D("1150.00"), Invoice.Status.PAID)
    [gp] = charged(april)
    assert timezone.localdate(gp.payment.received_at) == date(2026, 3, 29)  # due date − AUTOPAY_DAYS_BEFORE
    notice = Message.objects.get(customer=customer, event="autopay_upcoming")
    assert timezone.localdate(notice.created_at) == date(2026, 3, 27)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE and subscription.paid_through == date(2026, 4, 30)
    ledger_ok()


def test_over_the_nights_a_wallet_that_cannot_pay_gives_up_and_dunning_suspends_as_for_anyone(bkash_gateway):
    subscription = _billed_customer(POOR_WALLET)
    customer = subscription.customer
    day = date(2026, 3, 24)
    while day <= date(2026, 4, 8):
        night(day)
        day += timedelta(days=1)

    april = Invoice.objects.get(customer=customer, issue_date=date(2026, 3, 25))
    attempt = AutoPayAttempt.objects.get(invoice=april)
    assert (attempt.status, attempt.tries) == (AutoPayAttempt.Status.GAVE_UP, 3)
    tried = sorted(timezone.localdate(gp.created_at) for gp in charged(april))
    assert tried == [date(2026, 3, 29), date(2026, 3, 30), date(2026, 4, 1)]  # then after 1 and 2 more days
    assert Message.objects.filter(customer=customer, event="autopay_failed").count() == 1
    subscription.refresh_from_db()
    assert (subscription.status, subscription.suspension_type) == (Subscription.Status.SUSPENDED, Subscription.SuspensionType.NON_PAYMENT)
    ledger_ok()


# Pages -------------------------------------------------------------------------------------------


@pytest.fixture
def portal_user(bkash_gateway):
    customer = make_customer(portal_password="Portal-pass-2026")
    return customer


def test_portal_methods_page_links_primary_remove_and_auto_pay_with_malformed_input_refused(bkash_gateway, client, portal_user):
    customer = portal_user
    other, others_wallet = on_autopay()
    client.force_login(customer.user)
    page = client.get(reverse("portal:payment-methods"))
    assert page.status_code == 200 and 'id="link-wallet"' in page.content.decode()

    # Auto-pay cannot be on without a wallet; a GET changes nothing.
    client.post(reverse("portal:payment-autopay"), {"enabled": "on"})
    assert not AutoPay.objects.filter(customer=customer, enabled=True).exists()
    assert client.get(reverse("portal:payment-autopay")).status_code == 405
    assert client.get(reverse("portal:payment-method-link")).status_code == 405

    mine = link_wallet(customer)
    client.post(reverse("portal:payment-autopay"), {"enabled": "on"})
    assert AutoPay.objects.get(customer=customer).enabled
    page = client.get(reverse("portal:payment-methods")).content.decode()
    assert mine.wallet_masked in page and GOOD_WALLET not in page

    # Someone else's wallet, a huge or unknown id: 404, nothing changed.
    for url in (reverse("portal:payment-method-remove", args=[others_wallet.pk]),
                reverse("portal:payment-method-primary", args=[others_wallet.pk]),
                reverse("portal:payment-method-remove", args=[2**31 + 5])):
        assert client.post(url).status_code == 404
    others_wallet.refresh_from_db()
    assert others_wallet.status == BkashAgreement.Status.ACTIVE and others_wallet.is_primary
    assert client.get(reverse("portal:payment-method-remove", args=[mine.pk])).status_code == 405

    client.post(reverse("portal:payment-method-remove", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == BkashAgreement.Status.REMOVED


def test_the_pay_page_offers_each_enabled_gateway_with_its_logo_and_the_fee(bkash_gateway, client, portal_user):
    from payments.models import BkashSettings

    BkashSettings.objects.create(pk=1, enabled=True, fee_percent=D("2.00"), fee_passed=True)
    charge(portal_user, "1000.00")
    client.force_login(portal_user.user)
    page = client.get(reverse("portal:pay")).content.decode()
    assert "payments/logos/bkash.svg" in page and "payments/logos/sslcommerz.svg" in page
    assert "1,020.00" in page  # due 1,000.00 + 2 % = 1,020.00, shown before paying
    answer = client.post(reverse("portal:pay"), {"purpose": "due", "gateway": "bkash"})
    assert answer.status_code == 303 and "/sandbox/bkash/wallet/" in answer["Location"]
    assert GatewayPayment.objects.get().amount == D("1020.00")
    # A gateway that is not offered: refused, nothing opened.
    assert client.post(reverse("portal:pay"), {"purpose": "due", "gateway": "paypal"}).status_code == 200
    assert GatewayPayment.objects.count() == 1


def test_staff_see_who_is_on_auto_pay_and_the_last_result(bkash_gateway, client, admin):
    customer, agreement = on_autopay()
    invoice = charge(customer, "500.00")
    autopay.autopay_run(today=invoice.due_date - timedelta(days=3))
    client.force_login(admin)
    page = client.get(reverse("staff:autopay-list")).content.decode()
    assert customer.account_number in page and agreement.wallet_masked in page and "Paid" in page
    tab = client.get(reverse("staff:customer-detail", args=[customer.pk]), {"tab": "billing"}).content.decode()
    assert 'id="customer-autopay"' in tab and invoice.number in tab
    from tests.payments.test_online_views import staff_with

    client.force_login(staff_with("payments.view_payment"))
    assert client.get(reverse("staff:autopay-list")).status_code == 403
