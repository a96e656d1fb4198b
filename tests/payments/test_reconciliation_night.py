"""Reconciliation with the night's other jobs around it (tests/night.py runs them in beat order on
the clock of each): the 00:50 job lists yesterday's differences, after midnight and before the 01:40
metric snapshot and the 02:30 billing run, moves no money itself, and a settled difference stays
settled through the nights after."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from payments.models import GatewayPayment, Payment, ReconciliationItem, ReconciliationRun
from tests.factories import make_customer
from tests.night import night, nightly_jobs
from tests.payments.bkash_helpers import bkash_gateway  # noqa: F401 - fixture
from tests.payments.conftest import ledger_ok
from tests.payments.recon_helpers import _empty_reports  # noqa: F401 - fixture
from tests.payments.test_reconciliation import executed_at_bkash_only, paid_with_bkash
from usecases import reconciliation as recon

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)
JOB = "usecases.tasks.reconcile_gateways_daily"


def test_the_job_runs_after_midnight_and_before_the_snapshot_and_the_billing_run():
    jobs = [name for _at, name in nightly_jobs(timezone.localdate())]
    assert jobs.index("usecases.tasks.package_changes_apply_due") < jobs.index(JOB)
    assert jobs.index(JOB) < jobs.index("dashboard.tasks.snapshot_metrics_nightly") < jobs.index("usecases.tasks.billing_run_daily")


def test_the_night_lists_yesterdays_differences_moves_no_money_and_a_settled_one_stays_settled(bkash_gateway, admin):
    today = timezone.localdate()
    customer = make_customer()
    late = executed_at_bkash_only(customer, "1150.00")
    # Our side gave up on it (expired) before the customer's payment completed at bKash.
    GatewayPayment.objects.filter(pk=late.pk).update(status=GatewayPayment.Status.EXPIRED)
    paid_with_bkash(make_customer(), "700.00")
    money = (Payment.objects.count(), LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count())

    night(today + timedelta(days=1))

    run = ReconciliationRun.objects.get(gateway="bkash", day=today)
    assert (run.counts["matched"], run.counts["missing_ours"], run.counts["missing_gateway"]) == (1, 1, 0)
    assert (Payment.objects.count(), LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count()) == money
    missing = ReconciliationItem.objects.get(kind="missing_ours")
    assert missing.gateway_payment_id == late.pk
    settled = recon.reconciliation_settle(actor=admin, item=missing)
    assert settled.payment.amount == D("1150.00") and settled.payment.customer == customer

    night(today + timedelta(days=2))

    assert ReconciliationRun.objects.filter(day=today + timedelta(days=1), gateway="bkash").exists()
    assert ReconciliationItem.objects.get(pk=missing.pk).resolution == "settled"
    assert Payment.objects.count() == money[0] + 1
    assert ledger_ok()
