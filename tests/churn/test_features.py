"""Churn features on a hand-built fixture: every column checked by hand at the cut-off of 31 March
2026, and nothing written after the cut-off changes any of them (no leakage)."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import numpy as np
import pytest
from django.utils import timezone

from billing.models import PackageChange
from billing.services import LineSpec, invoice_create
from churn.features import FEATURES, features_at
from contracts.models import Contract, ContractTemplate
from customers.models import SpeedTestResult, Subscription
from ispbill.core.audit import audit_record
from network.models import UsageDaily
from network.outages import outage_declare, outage_restore
from payments.services import payment_ledger_record
from tests.factories import (
    AreaFactory,
    BranchFactory,
    PackageFactory,
    ResellerFactory,
    RouterFactory,
    make_customer,
    make_subscription,
)
from tickets.models import Ticket
from tickets.services import ticket_create
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

D = Decimal
CUTOFF = date(2026, 3, 31)
GB = 1000**3


@contextmanager
def clock(day: date, at: time = time(12, 0)):
    instant = timezone.make_aware(datetime.combine(day, at))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def activate(subscription, day):
    with clock(day):
        return usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")


def invoice(customer, issued, due, net="1000"):
    with clock(issued):
        return invoice_create(actor=None, customer=customer, issue_date=issued, due_date=due,
                              lines=[LineSpec(kind="one_time", description="Service", amount=D(net))])


def pay(customer, day, amount="1150"):
    with clock(day) as instant:
        return payment_ledger_record(actor=None, customer=customer, amount=D(amount), method="cash", received_at=instant)


def usage(subscription, first: date, last: date, gb: float):
    day = first
    while day <= last:
        UsageDaily.objects.create(subscription=subscription, day=day, upload_bytes=0, download_bytes=int(gb * GB))
        day += timedelta(days=1)


def ticket(customer, day, **fields):
    with clock(day) as instant:
        made = ticket_create(actor=None, customer=customer, category="slow_speed", subject="Slow", description="Slow at night", now=instant)
    if fields:
        Ticket.objects.filter(pk=made.pk).update(**fields)
    return made


@pytest.fixture
def features_world(db):
    branch = BranchFactory()
    a1, a2 = AreaFactory(branch=branch, name="Pallabi"), AreaFactory(branch=branch, name="Kazipara")
    basic = PackageFactory(name="Basic", price=D("1000.00"), download_mbps=20)
    plus = PackageFactory(name="Plus", price=D("1500.00"), download_mbps=40)
    router = RouterFactory(branch=branch)
    reseller = ResellerFactory(branch=branch)
    with clock(date(2025, 11, 1)):
        a = make_customer(area=a1, name="A")
        sa = make_subscription(customer=a, package=plus, router=router)
        d = make_customer(area=a2, name="D")
        sd = make_subscription(customer=d, package=basic, router=router)
        c = make_customer(area=a2, name="C")
        sc = make_subscription(customer=c, package=basic, router=router)
    with clock(date(2026, 2, 1)):
        b = make_customer(area=a1, name="B", reseller=reseller)
        sb = make_subscription(customer=b, package=basic, router=router)
    activate(sa, date(2026, 1, 10))
    activate(sd, date(2026, 1, 5))
    activate(sc, date(2026, 1, 5))
    activate(sb, date(2026, 2, 15))
    # A: downgraded Plus → Basic from 1 March.
    PackageChange.objects.create(subscription=sa, from_package=plus, to_package=basic, source=PackageChange.Source.STAFF,
                                 status=PackageChange.Status.APPLIED, effective_date=date(2026, 3, 1), applied_at=at(date(2026, 2, 27)))
    Subscription.objects.filter(pk=sa.pk).update(package=basic)
    # A paid 18 days late twice, then on time; one bill open and not yet due at the cut-off.
    invoice(a, date(2026, 1, 20), date(2026, 1, 27))
    pay(a, date(2026, 2, 14))
    invoice(a, date(2026, 2, 20), date(2026, 2, 27))
    pay(a, date(2026, 3, 17))
    invoice(a, date(2026, 3, 20), date(2026, 3, 27))
    pay(a, date(2026, 3, 25))
    invoice(a, date(2026, 3, 28), date(2026, 4, 4))
    # A suspended for non-payment for three days in March.
    with clock(date(2026, 3, 5)):
        sa = subscription_suspend(actor=None, subscription=Subscription.objects.get(pk=sa.pk), reason="unpaid",
                                                    suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    with clock(date(2026, 3, 8)):
        subscription_reactivate(actor=None, subscription=sa, reason="paid")
    # C: suspended for non-payment 49 days before the cut-off: churned already, not in the population.
    with clock(date(2026, 2, 10)):
        subscription_suspend(actor=None, subscription=Subscription.objects.get(pk=sc.pk), reason="unpaid",
                                               suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    # A's usage: 2 GB a day until 1 March, 0.8 GB after, nothing on the last three days.
    usage(sa, date(2026, 1, 31), date(2026, 3, 1), 2.0)
    usage(sa, date(2026, 3, 2), date(2026, 3, 28), 0.8)
    usage(sd, date(2026, 1, 31), date(2026, 3, 31), 1.0)
    # A's tickets: one in March, one in February that breached its response target and was reopened.
    ticket(a, date(2026, 3, 20))
    old = ticket(a, date(2026, 2, 10), response_breached_at=at(date(2026, 2, 11)))
    with clock(date(2026, 2, 20)):
        audit_record(actor=None, action="ticket.reopen", obj=old, reason="Still slow")
    # A's speed tests: one far below the package's 20 Mbps, one close to it.
    for day, mbps in ((date(2026, 3, 10), "10.00"), (date(2026, 3, 12), "19.00")):
        with clock(day):
            SpeedTestResult.objects.create(customer=a, download_mbps=D(mbps), upload_mbps=D("5"), ping_ms=D("10"), jitter_ms=D("2"),
                                           package_download_mbps=20, package_upload_mbps=10)
    # Outages in A's and B's area: 6 hours on 30 March, and one from 31 March 20:00 running past the cut-off (4 hours by then).
    with clock(date(2026, 3, 30), time(10)):
        first = outage_declare(actor=None, title="Fiber cut", areas=[a1], started_at=at(date(2026, 3, 30), 10))
    with clock(date(2026, 3, 30), time(16)):
        outage_restore(actor=None, outage=first, restored_at=at(date(2026, 3, 30), 16))
    with clock(date(2026, 3, 31), time(20)):
        outage_declare(actor=None, title="Power", areas=[a1], started_at=at(date(2026, 3, 31), 20))
    # A's contract: in force, ends 30 April.
    template = ContractTemplate.objects.create(key="home", version=1, title="Home", body="Terms")
    Contract.objects.create(number="CTR-1", customer=a, subscription=sa, template=template, status=Contract.Status.ACTIVE,
                            term_months=12, start_date=date(2026, 1, 10), end_date=date(2026, 4, 30), monthly_price=D("1000"),
                            signed_at=at(date(2026, 1, 10)))
    # B leaves on 10 April: churned within 30 days of the cut-off.
    with clock(date(2026, 4, 10)):
        subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=sb.pk), reason="moved away")
    return {"a": a, "b": b, "c": c, "d": d, "sa": sa, "sd": sd, "a1": a1, "basic": basic}


def row(frame, customer) -> dict:
    index = int(np.flatnonzero(frame.customer_ids == customer.pk)[0])
    return dict(zip(FEATURES, frame.matrix[index].tolist()))


def test_population_and_labels_follow_the_analytics_churn_definition(features_world):
    frame = features_at(CUTOFF, with_labels=True)
    ids = frame.customer_ids.tolist()
    assert features_world["c"].pk not in ids  # suspended unpaid for 49 days: churned before the cut-off
    labels = dict(zip(ids, frame.labels.tolist()))
    assert labels == {features_world["a"].pk: 0, features_world["b"].pk: 1, features_world["d"].pk: 0}
    assert frame.mrr(ids.index(features_world["a"].pk)) == D("1000.00")  # Basic since the downgrade


def test_every_feature_of_a_customer_by_hand(features_world):
    a = row(features_at(CUTOFF), features_world["a"])
    assert a["tenure_months"] == pytest.approx(150 / 30.44)  # since 1 Nov 2025
    assert a["monthly_charge"] == 1000.0
    assert (a["late_invoices_3"], a["max_days_late_3"]) == (2, 18)
    assert a["open_balance"] == 1150.0
    assert a["suspensions_90"] == 1
    assert a["usage_30_gb"] == pytest.approx(27 * 0.8)
    assert a["usage_30_change_pct"] == pytest.approx((21.6 - 60) / 60 * 100)
    assert a["usage_7_change_pct"] == pytest.approx((3.2 - 5.6) / 5.6 * 100)
    assert a["days_since_traffic"] == 3
    assert a["idle_days_30"] == 3
    assert (a["tickets_30"], a["tickets_90"], a["sla_breaches_90"], a["ticket_reopens_90"]) == (1, 2, 1, 1)
    assert a["outage_hours_90"] == pytest.approx(10.0)
    assert a["slow_speed_tests_90"] == 1
    assert a["downgrades_180"] == 1
    assert (a["has_contract"], a["contract_days_left"]) == (1, 30)
    assert a["has_reseller"] == 0
    assert a["area_suspended_pct_90"] == 50.0  # A of A and B in Pallabi


def test_a_customer_without_records_has_quiet_features(features_world):
    b = row(features_at(CUTOFF), features_world["b"])
    assert b["has_reseller"] == 1
    assert b["days_since_traffic"] == pytest.approx(58)  # no traffic since joining on 1 February
    assert (b["late_invoices_3"], b["open_balance"], b["tickets_90"], b["has_contract"]) == (0, 0, 0, 0)
    d = row(features_at(CUTOFF), features_world["d"])
    assert (d["usage_30_change_pct"], d["days_since_traffic"], d["idle_days_30"], d["outage_hours_90"]) == (0, 0, 0, 0)


def test_nothing_after_the_cutoff_changes_a_feature(features_world):
    before = features_at(CUTOFF)
    a, sa = features_world["a"], features_world["sa"]
    pay(a, date(2026, 4, 2))  # settles the open bill
    usage(sa, date(2026, 4, 1), date(2026, 4, 5), 9.0)
    ticket(a, date(2026, 4, 3), response_breached_at=at(date(2026, 4, 4)))
    with clock(date(2026, 4, 3)):
        outage_declare(actor=None, title="Late report", areas=[features_world["a1"]], started_at=at(date(2026, 3, 25)))
        SpeedTestResult.objects.create(customer=a, download_mbps=D("1"), upload_mbps=D("1"), ping_ms=D("1"), jitter_ms=D("1"),
                                       package_download_mbps=20)
        subscription_suspend(actor=None, subscription=Subscription.objects.get(pk=sa.pk), reason="unpaid",
                                               suspension_type=Subscription.SuspensionType.NON_PAYMENT)
    Contract.objects.filter(customer=a).update(ended_at=at(date(2026, 4, 5)), status=Contract.Status.TERMINATED)
    after = features_at(CUTOFF)
    assert after.customer_ids.tolist() == before.customer_ids.tolist()
    np.testing.assert_array_equal(after.matrix, before.matrix)
    np.testing.assert_array_equal(after.mrr_cents, before.mrr_cents)


def test_usage_of_a_customer_with_two_connections_counts_each_day_once(features_world):
    """Usage is grouped per subscription, then per customer: bytes add up, and a day with traffic on
    both connections is one day (the days are OR-ed, not added)."""
    with clock(date(2026, 1, 1)):
        e = make_customer(area=features_world["a1"], name="E")
        first = make_subscription(customer=e, package=features_world["basic"], router=features_world["sa"].router)
        second = make_subscription(customer=e, package=features_world["basic"], router=features_world["sa"].router)
    activate(first, date(2026, 1, 5))
    activate(second, date(2026, 1, 5))
    usage(first, date(2026, 3, 2), date(2026, 3, 16), 1.0)  # 15 days
    usage(second, date(2026, 3, 10), date(2026, 3, 25), 2.0)  # 16 days, 7 of them shared with the first
    e_row = row(features_at(CUTOFF), e)
    assert e_row["usage_30_gb"] == pytest.approx(15 * 1.0 + 16 * 2.0)
    assert e_row["idle_days_30"] == 30 - 24  # traffic on 2–25 March: 24 distinct days
    assert e_row["days_since_traffic"] == 6
    assert e_row["usage_7_change_pct"] == pytest.approx((2.0 - 14.0) / 14.0 * 100)  # 25 March only, against 18–24 March
    assert e_row["monthly_charge"] == 2000.0


def test_onu_offline_hours_and_weak_signal_days_are_read_from_the_fibre_history(features_world):
    from fibre.models import Olt, Onu, OnuDaily, OnuStatusEvent, PonPort

    a, sa = features_world["a"], features_world["sa"]
    olt = Olt.objects.create(name="Churn OLT", branch=a.branch, host="127.0.0.1", profile="huawei_gpon", community="x")  # warning −27
    port = PonPort.objects.create(olt=olt, key="1", name="GPON 0/1/0")
    onu = Onu.objects.create(olt=olt, pon_port=port, key="1.1", number=1, serial="HWTC00000001", subscription=sa, match="serial")
    # Offline 20 hours on 10–11 March (power), 6 hours on 30 March (LOS), and since 31 March 22:00
    # (2 hours to the cut-off's end); an outage before the 30-day window (1 March) does not count.
    for status, when in (("online", at(date(2026, 2, 20), 0)), ("offline", at(date(2026, 3, 1), 0)), ("online", at(date(2026, 3, 1), 6)),
                         ("offline", at(date(2026, 3, 10), 16)), ("online", at(date(2026, 3, 11), 12)),
                         ("offline", at(date(2026, 3, 30), 6)), ("online", at(date(2026, 3, 30), 12)),
                         ("offline", at(date(2026, 3, 31), 22))):
        OnuStatusEvent.objects.create(onu=onu, at=when, status=status, cause="los" if status == "offline" else "")
    # Weak (below −27 dBm) on four days of the window; one weak day before it and a good day in it.
    for day, rx in ((date(2026, 2, 20), -29.0), (date(2026, 3, 5), -27.5), (date(2026, 3, 6), -28.0), (date(2026, 3, 20), -31.0),
                    (date(2026, 3, 30), -27.01), (date(2026, 3, 29), -26.9)):
        OnuDaily.objects.create(onu_id=onu.pk, day=day, samples=288, online_samples=288, rx_avg=rx, rx_min=rx, rx_max=rx, tx_avg=2.0)

    frame = features_at(CUTOFF)

    # The window is the 30 days to the end of 31 March in Dhaka: from 2 March 00:00 local.
    assert row(frame, a)["onu_offline_hours_30"] == pytest.approx(20 + 6 + 2)
    assert row(frame, a)["weak_signal_days_30"] == 4
    # A customer without a matched ONU has neither.
    assert (row(frame, features_world["d"])["onu_offline_hours_30"], row(frame, features_world["d"])["weak_signal_days_30"]) == (0, 0)
    # Nothing after the cut-off counts: more hours offline and a weak day in April change nothing.
    OnuDaily.objects.create(onu_id=onu.pk, day=date(2026, 4, 2), samples=288, online_samples=288, rx_avg=-30, rx_min=-30, rx_max=-30,
                            tx_avg=2.0)
    OnuStatusEvent.objects.create(onu=onu, at=at(date(2026, 4, 1), 10), status="online", cause="")
    assert row(features_at(CUTOFF), a)["onu_offline_hours_30"] == pytest.approx(28)
    assert row(features_at(CUTOFF), a)["weak_signal_days_30"] == 4


def test_a_model_trained_before_the_fibre_features_scores_with_the_columns_it_knows():
    from churn.services import model_columns

    old = [name for name in FEATURES if name not in ("onu_offline_hours_30", "weak_signal_days_30")]
    assert model_columns(old) == list(range(len(old)))
    assert model_columns([]) == list(range(len(FEATURES)))
    with pytest.raises(ValueError, match="no longer computed"):
        model_columns([*old, "pppoe_drops_30"])
