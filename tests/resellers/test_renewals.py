"""A prepaid renewal in two steps: the wallet debit under the wallet lock, then the customer's side
(invoice, payment, margin, activation) after the commit, exactly once even when it fails or crashes."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from billing.ledger import wallets as ledger
from billing.models import Invoice
from billing.wallet_models import CommissionEntry, ResellerWallet, WalletEntry
from customers.models import Subscription
from ispbill.notify.models import Message
from payments.models import Payment
from resellers import renewals, services
from resellers.models import Renewal
from resellers.notifications import RESELLER_WALLET_LOW
from tests.resellers.helpers import make_reseller, reseller_subscription
from tests.threads import run_in_threads
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db


def _balance(reseller):
    return ResellerWallet.objects.get(reseller=reseller).balance


def _age(renewal):
    """As if the inline attempt had been made long enough ago for the sweep to take the renewal."""
    Renewal.objects.filter(pk=renewal.pk).update(created_at=timezone.now() - timedelta(minutes=5))


@pytest.fixture
def failing_payments(monkeypatch):
    """Recording the customer's payment fails (a bug, the database going away) until `.heal()`."""

    class Failing:
        calls = 0

        def __init__(self):
            # Renewals settled together record their payments together: that path fails too.
            self.original, self.original_many = reseller_renewal.payment_ledger_record, reseller_renewal.payments_ledger_record_many
            monkeypatch.setattr(reseller_renewal, "payment_ledger_record", self)
            monkeypatch.setattr(reseller_renewal, "payments_ledger_record_many", self)

        def __call__(self, **kwargs):
            Failing.calls += 1
            raise RuntimeError("payments are down")

        def heal(self):
            monkeypatch.setattr(reseller_renewal, "payment_ledger_record", self.original)
            monkeypatch.setattr(reseller_renewal, "payments_ledger_record_many", self.original_many)

    return Failing()


def test_settlement_failure_keeps_the_debit_and_the_sweep_completes_it_exactly_once(failing_payments):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)

    result = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k1")

    # The money is taken and stays taken; nothing of the customer's side half-happened.
    assert result.created and not result.settled
    assert _balance(reseller) == Decimal("400.00")
    renewal = Renewal.objects.get()
    assert renewal.status == Renewal.Status.PENDING and renewal.attempts == 1 and "payments are down" in renewal.last_error
    assert not Invoice.objects.filter(customer=sub.customer).exists()
    assert not Payment.objects.exists() and not CommissionEntry.objects.exists()
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.PENDING

    # The reseller clicks again: the same renewal, nothing more taken.
    again = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k1")
    assert not again.created and again.renewal.pk == renewal.pk
    assert _balance(reseller) == Decimal("400.00") and WalletEntry.objects.filter(kind="debit").count() == 1

    failing_payments.heal()
    assert reseller_renewal.renewals_settle_pending() == 0  # too recent: the inline attempt may still be running
    _age(renewal)
    assert reseller_renewal.renewals_settle_pending() == 1
    assert reseller_renewal.renewals_settle_pending() == 0

    renewal.refresh_from_db()
    sub.refresh_from_db()
    assert renewal.status == Renewal.Status.SETTLED and renewal.last_error == ""
    assert renewal.invoice.status == Invoice.Status.PAID and renewal.payment.reseller_id == reseller.pk
    assert Payment.objects.count() == 1 and CommissionEntry.objects.filter(kind="margin").count() == 1
    assert sub.status == Subscription.Status.ACTIVE and sub.paid_through == renewal.period_end
    assert _balance(reseller) == Decimal("400.00")
    call_command("check_ledger")


def test_a_debit_that_fails_before_its_commit_takes_nothing_and_the_request_is_debited_later(monkeypatch):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    original = renewals.rows_update

    def broken_rows_update(*args, **kwargs):  # marking the renewals debited, after the wallet entry is written
        raise RuntimeError("connection lost")

    monkeypatch.setattr(renewals, "rows_update", broken_rows_update)
    with pytest.raises(RuntimeError):
        reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k1")
    # The debit and the renewal's marking are one transaction: both rolled back, the request waits.
    assert _balance(reseller) == Decimal("1000.00")
    assert not WalletEntry.objects.filter(kind="debit").exists()
    renewal = Renewal.objects.get()
    assert renewal.status == Renewal.Status.REQUESTED and renewal.entry_id is None

    monkeypatch.setattr(renewals, "rows_update", original)
    _age(renewal)
    assert reseller_renewal.renewals_settle_pending() == 1
    renewal.refresh_from_db()
    assert renewal.status == Renewal.Status.SETTLED and _balance(reseller) == Decimal("400.00")
    assert Payment.objects.filter(customer=sub.customer).count() == 1


def test_requests_waiting_together_are_debited_in_order_in_one_step_and_the_unaffordable_refused():
    reseller, area, router, package, _ = make_reseller(price="400.00", topup="1000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    waiting = [
        Renewal.objects.create(reseller=reseller, subscription=sub, period_start=renewals.renewal_period(sub).start,
                               period_end=renewals.renewal_period(sub).end, price=Decimal("400.00"), idempotency_key=f"w{i}")
        for i, sub in enumerate(subs)
    ]
    renewals.renewal_requests_debit(reseller_id=reseller.pk)
    statuses = [Renewal.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [Renewal.Status.PENDING, Renewal.Status.PENDING, Renewal.Status.REFUSED]
    refused = Renewal.objects.get(pk=waiting[2].pk)
    assert "Not enough balance" in refused.last_error and refused.idempotency_key is None
    entries = list(WalletEntry.objects.filter(kind="debit").order_by("pk"))
    assert [e.balance_after for e in entries] == [Decimal("600.00"), Decimal("200.00")]
    assert _balance(reseller) == Decimal("200.00") and ledger.wallet_discrepancies() == []
    # After a top-up the same form (key) can be sent again.
    services.wallet_topup(actor=None, reseller=reseller, amount=Decimal("400"), method="cash")
    again = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=subs[2], idempotency_key="w2")
    # Debited; the two renewals still waiting to be settled make it a burst, left to the worker.
    assert again.created and again.renewal.status == Renewal.Status.PENDING and _balance(reseller) == Decimal("200.00")


def test_a_renewal_after_an_unsettled_one_pays_the_following_period(failing_payments):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="2000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    first = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="a")
    failing_payments.heal()
    second = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="b")
    assert second.created and second.settled
    assert second.period.start == first.period.end + timedelta(days=1)
    _age(first.renewal)
    assert reseller_renewal.renewals_settle_pending() == 1
    sub.refresh_from_db()
    assert sub.paid_through == second.period.end
    assert _balance(reseller) == Decimal("800.00")


def test_a_form_key_used_for_one_customer_is_refused_for_another():
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="2000")
    one = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    other = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=one, idempotency_key="form-1")
    with pytest.raises(ValidationError, match="already used"):
        reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=other, idempotency_key="form-1")
    assert WalletEntry.objects.filter(kind="debit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_committed_debit_survives_a_failed_settlement_and_concurrent_sweeps_settle_it_once(failing_payments):
    reseller, area, router, package, _ = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    result = reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k1")
    assert not result.settled
    assert _balance(reseller) == Decimal("400.00")  # committed, not only inside a wrapping transaction
    failing_payments.heal()
    _age(result.renewal)
    barrier = threading.Barrier(4, timeout=120)

    def settle():
        barrier.wait()
        reseller_renewal.renewal_settle(renewal_id=result.renewal.pk)

    _results, errors = run_in_threads(settle, 4)
    assert not errors, errors
    assert reseller_renewal.renewals_settle_pending() == 0
    assert Payment.objects.filter(customer=sub.customer).count() == 1
    assert CommissionEntry.objects.filter(kind="margin", subscription=sub).count() == 1
    assert Renewal.objects.get().status == Renewal.Status.SETTLED
    assert ledger.wallet_discrepancies() == []


# Wallet alerts by SMS ------------------------------------------------------------------------------------


def _alerts(reseller):
    return list(Message.objects.filter(event=RESELLER_WALLET_LOW, to=reseller.phone).order_by("pk"))


def test_low_balance_sms_goes_to_the_reseller_once_per_crossing_in_bangla(django_capture_on_commit_callbacks):
    reseller, area, router, package, actor = make_reseller(price="300.00", topup="1000")
    reseller = services.reseller_update(actor=actor, reseller=reseller, low_balance_alert=Decimal("500.00"))
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(6)]

    def renew(sub):
        with django_capture_on_commit_callbacks(execute=True):
            reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub)

    renew(subs[0])  # 700: above
    assert _alerts(reseller) == []
    renew(subs[1])  # 400: crossed
    renew(subs[2])  # 100: still below, no second SMS
    alerts = _alerts(reseller)
    assert len(alerts) == 1
    assert alerts[0].channel == "sms" and alerts[0].language == "bn" and alerts[0].customer_id is None
    assert "ব্যালান্স" in alerts[0].body and reseller.name in alerts[0].body and "400" in alerts[0].body

    services.wallet_topup(actor=actor, reseller=reseller, amount=Decimal("1000"), method="cash")  # 1100: re-armed
    renew(subs[3])  # 800
    renew(subs[4])  # 500: not below 500
    assert len(_alerts(reseller)) == 1
    renew(subs[5])  # 200: crossed again
    assert len(_alerts(reseller)) == 2


def test_credit_limit_alerts_reach_the_reseller_by_sms_at_80_and_100_percent(django_capture_on_commit_callbacks):
    reseller, area, router, package, actor = make_reseller(price="300.00", credit_limit="1000")
    reseller.user.language = "en"
    reseller.user.save(update_fields=["language"])
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(4)]
    for sub in subs[:3]:  # -300, -600, -900: the third passes 80%
        with django_capture_on_commit_callbacks(execute=True):
            reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub)
    alerts = _alerts(reseller)
    assert len(alerts) == 1 and alerts[0].language == "en" and "90% of your credit used" in alerts[0].body
    with pytest.raises(ValidationError):  # -1200 would pass the limit: refused, no SMS
        with django_capture_on_commit_callbacks(execute=True):
            reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=subs[3])
    assert len(_alerts(reseller)) == 1


def test_staff_see_a_renewal_whose_settlement_keeps_failing_on_the_reseller_page(client, failing_payments):
    from django.urls import reverse

    reseller, area, router, package, admin = make_reseller(price="600.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="k1")
    client.force_login(admin)
    page = client.get(reverse("staff:reseller-detail", args=[reseller.pk])).content.decode()
    assert 'id="renewals-unfinished"' in page and sub.customer.account_number in page and "payments are down" in page
    failing_payments.heal()
    reseller_renewal.renewal_settle(renewal_id=Renewal.objects.get().pk)
    page = client.get(reverse("staff:reseller-detail", args=[reseller.pk])).content.decode()
    assert 'id="renewals-unfinished"' not in page


def test_the_customer_gets_one_receipt_for_a_renewal_and_no_request_to_pay_the_invoice_it_settled():
    """The renewal's invoice is paid in the same transaction it is issued in: an "invoice issued,
    please pay by …" message would ask the customer for money the reseller already took."""
    reseller, area, router, package, _ = make_reseller(price="400.00", topup="5000")
    alone, *together = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    assert reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=alone, idempotency_key="one").settled
    pending = [renewals.renewal_debit(actor=None, reseller=reseller, subscription=sub, idempotency_key=f"t{sub.pk}")[0]
               for sub in together]
    assert reseller_renewal.renewals_settle(renewal_ids=[r.pk for r in pending]) == {r.pk for r in pending}
    for sub in (alone, *together):
        events = sorted(Message.objects.filter(customer=sub.customer).values_list("event", flat=True).distinct())
        assert events == ["payment_received"], (sub.customer, events)
        invoice = Invoice.objects.get(customer=sub.customer)
        assert invoice.status == Invoice.Status.PAID
