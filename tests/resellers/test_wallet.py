"""The wallet ledger (billing/ledger/wallets.py): append-only, never past the credit limit, one debit per period."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from billing.ledger import wallets as ledger
from billing.wallet_models import ResellerWallet, WalletEntry
from resellers import services
from resellers.models import Reseller
from tests.factories import ResellerFactory
from tests.resellers.helpers import make_reseller, reseller_subscription
from tests.threads import run_in_threads
from usecases import reseller_renewal

pytestmark = pytest.mark.django_db


def _debit(wallet_reseller, sub_id, start, amount="100.00", key=None):
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=wallet_reseller.pk)
        return ledger.wallet_debit(wallet=wallet, subscription_id=sub_id, period_start=start, period_end=start,
                                   amount=Decimal(amount), idempotency_key=key)


@pytest.mark.django_db(transaction=True)
def test_wallet_functions_refuse_to_run_outside_a_transaction():
    reseller = ResellerFactory()
    with pytest.raises(RuntimeError):
        ledger.wallet_lock(reseller_id=reseller.pk)
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
    with pytest.raises(RuntimeError):
        ledger.wallet_topup(wallet=wallet, amount=Decimal("10"), method="cash")


def test_negative_top_up_is_refused_and_changes_nothing():
    reseller, *_ = make_reseller(topup="500")
    with pytest.raises(ValidationError):
        services.wallet_topup(actor=None, reseller=reseller, amount=Decimal("-50"), method="cash")
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.balance == Decimal("500.00")
    assert WalletEntry.objects.filter(wallet=wallet).count() == 1


def test_debit_past_the_credit_limit_is_refused_and_changes_nothing():
    reseller, area, router, package, _ = make_reseller(topup="150", credit_limit="100")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    _debit(reseller, sub.pk, date(2026, 1, 1), "200.00")  # 150 - 200 = -50: within the limit of 100
    with pytest.raises(ValidationError, match="Not enough balance"):
        _debit(reseller, sub.pk, date(2026, 2, 1), "100.00")  # -150 would pass -100
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.balance == Decimal("-50.00")
    assert WalletEntry.objects.filter(wallet=wallet, kind="debit").count() == 1


def test_same_period_or_same_key_debits_once():
    reseller, area, router, package, _ = make_reseller(topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    first = _debit(reseller, sub.pk, date(2026, 1, 1), key="k1")
    again_key = _debit(reseller, sub.pk, date(2026, 1, 1), key="k1")
    again_period = _debit(reseller, sub.pk, date(2026, 1, 1), key="other")
    assert first.created and not again_key.created and not again_period.created
    assert again_key.entry.pk == again_period.entry.pk == first.entry.pk
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("900.00")


def test_alerts_fire_once_at_80_and_100_percent_of_credit_used():
    reseller, area, router, package, _ = make_reseller(credit_limit="1000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(3)]
    assert _debit(reseller, subs[0].pk, date(2026, 1, 1), "500").alert_level == 0
    assert _debit(reseller, subs[1].pk, date(2026, 1, 1), "350").alert_level == 80
    assert _debit(reseller, subs[2].pk, date(2026, 1, 1), "150").alert_level == 100
    services.wallet_topup(actor=None, reseller=reseller, amount=Decimal("1000"), method="bank")
    assert ResellerWallet.objects.get(reseller=reseller).alert_level == 0  # re-armed


def test_reversal_restores_the_balance_once_and_check_ledger_agrees():
    reseller, area, router, package, _ = make_reseller(topup="300")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    entry = _debit(reseller, sub.pk, date(2026, 1, 1)).entry
    with transaction.atomic():
        wallet = ledger.wallet_lock(reseller_id=reseller.pk)
        ledger.wallet_entry_reverse(wallet=wallet, entry=entry, memo="wrong customer")
        with pytest.raises(ValidationError):
            ledger.wallet_entry_reverse(wallet=wallet, entry=entry)
    assert ResellerWallet.objects.get(reseller=reseller).balance == Decimal("300.00")
    assert ledger.wallet_discrepancies() == []
    call_command("check_ledger")


class WalletMachine(RuleBasedStateMachine):
    """Any sequence of top-ups, debits, adjustments and reversals: the balance is the sum of the entries
    and never below minus the credit limit; a refused step changes nothing."""

    def __init__(self):
        super().__init__()
        user = ResellerFactory().user
        self.reseller = Reseller.objects.get(user=user)
        with transaction.atomic():
            wallet = ledger.wallet_lock(reseller_id=self.reseller.pk)
            ledger.wallet_credit_limit_set(wallet=wallet, credit_limit=Decimal("250.00"))
        self.period = 0

    def _wallet(self):
        return ledger.wallet_lock(reseller_id=self.reseller.pk)

    @rule(amount=st.decimals(min_value=-50, max_value=500, places=2))
    def topup(self, amount):
        try:
            with transaction.atomic():
                ledger.wallet_topup(wallet=self._wallet(), amount=amount, method="cash")
        except ValidationError:
            assert amount <= 0

    @rule(amount=st.decimals(min_value=1, max_value=400, places=2), repeat=st.booleans())
    def debit(self, amount, repeat):
        if not repeat:
            self.period += 1
        start = date(2020, 1, 1).replace(year=2020 + self.period // 12, month=self.period % 12 + 1)
        try:
            with transaction.atomic():
                ledger.wallet_debit(wallet=self._wallet(), subscription_id=None, period_start=start,
                                    period_end=start, amount=amount, idempotency_key=f"m-{self.period}")
        except ValidationError:
            pass

    @rule(amount=st.decimals(min_value=-300, max_value=300, places=2))
    def adjust(self, amount):
        try:
            with transaction.atomic():
                ledger.wallet_adjust(wallet=self._wallet(), amount=amount, memo="count")
        except ValidationError:
            pass

    @rule()
    def reverse_latest(self):
        entry = WalletEntry.objects.filter(wallet__reseller=self.reseller, reversed_by__isnull=True).exclude(kind="reversal").first()
        if entry is None:
            return
        try:
            with transaction.atomic():
                ledger.wallet_entry_reverse(wallet=self._wallet(), entry=entry)
        except ValidationError:
            pass

    @invariant()
    def balance_is_the_sum_and_within_the_limit(self):
        wallet = ResellerWallet.objects.get(reseller=self.reseller)
        total = sum(WalletEntry.objects.filter(wallet=wallet).values_list("amount", flat=True), Decimal("0.00"))
        assert wallet.balance == total
        assert wallet.balance >= -wallet.credit_limit


def test_wallet_state_machine():
    # Each example starts its own reseller, so examples sharing the test's database do not interfere.
    run_state_machine_as_test(WalletMachine, settings=hsettings(max_examples=25, stateful_step_count=15, deadline=None, derandomize=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_renewals_against_a_wallet_covering_60_debit_exactly_60():
    reseller, area, router, package, _ = make_reseller(price="100.00", topup="6000")
    subs = [reseller_subscription(reseller=reseller, area=area, router=router, package=package) for _ in range(100)]
    barrier = threading.Barrier(20, timeout=120)
    outcomes = []
    lock = threading.Lock()

    def worker(chunk):
        try:
            barrier.wait()
            for sub in chunk:
                try:
                    reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key=f"c-{sub.pk}")
                    result = "ok"
                except ValidationError:
                    result = "refused"
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(subs[i::20],)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 60 and outcomes.count("refused") == 40
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert wallet.balance == Decimal("0.00")
    assert WalletEntry.objects.filter(wallet=wallet, kind="debit").count() == 60
    assert ledger.wallet_discrepancies() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_duplicate_concurrent_submissions_of_one_renewal_debit_once():
    reseller, area, router, package, _ = make_reseller(price="100.00", topup="1000")
    sub = reseller_subscription(reseller=reseller, area=area, router=router, package=package)
    barrier = threading.Barrier(8, timeout=120)

    def worker():
        barrier.wait()
        reseller_renewal.subscription_renew(actor=None, reseller=reseller, subscription=sub, idempotency_key="same-form")

    _results, errors = run_in_threads(worker, 8)
    assert not errors, errors
    wallet = ResellerWallet.objects.get(reseller=reseller)
    assert WalletEntry.objects.filter(wallet=wallet, kind="debit").count() == 1
    assert wallet.balance == Decimal("900.00")
    assert sub.customer.payments.count() == 1
