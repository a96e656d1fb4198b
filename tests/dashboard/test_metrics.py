"""Every metric of docs/metrics.md computed by hand on a small fixture, in exact taka.

The fixture is written through the services staff use (activations, suspensions, invoices, payments),
on a clock set to the day each event happened, so the audit log and the allocations carry those days.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import PackageChange
from billing.services import LineSpec, invoice_create
from customers import services as customer_services
from customers.models import Lead, Package, Subscription
from dashboard import collection_figures, funnel, metrics, snapshot_rows
from dashboard.metrics import Scope
from payments.services import payment_ledger_record
from tests.factories import (
    AreaFactory,
    BranchFactory,
    PackageFactory,
    RouterFactory,
    make_customer,
    make_subscription,
)
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel
from usecases.subscription_reactivate import subscription_reactivate
from usecases.subscription_suspend import subscription_suspend

MARCH = date(2026, 3, 1)
D = Decimal


@contextmanager
def clock(day: date, at: time = time(12, 0)):
    instant = timezone.make_aware(datetime.combine(day, at))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def moment(day: date, at: time = time(12, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def activate(subscription, day):
    with clock(day):
        return usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")


def pay_first_invoice(subscription, day, *, pay: bool = True):
    """The connection's first invoice (its package's price), issued on `day` and paid in full that day:
    from then on it is in MRR (docs/metrics.md, "First paid invoice")."""
    with clock(day) as at:
        invoice = invoice_create(
            actor=None, customer=subscription.customer, issue_date=day, due_date=day,
            lines=[LineSpec(kind="recurring", description="First period", amount=subscription.package.price,
                            subscription_id=subscription.pk)],
        )
        if pay:
            payment_ledger_record(actor=None, customer=subscription.customer, amount=invoice.total, method="cash", received_at=at)
    return invoice


def activate_paid(subscription, day):
    """Activated on `day`, its first invoice paid the same day."""
    subscription = activate(subscription, day)
    pay_first_invoice(subscription, day)
    return subscription


def suspend_unpaid(subscription, day):
    with clock(day):
        return subscription_suspend(
            actor=None, subscription=subscription, reason="unpaid", suspension_type=Subscription.SuspensionType.NON_PAYMENT
        )


def reactivate(subscription, day):
    with clock(day):
        return subscription_reactivate(actor=None, subscription=subscription, reason="paid")


def cancel(subscription, day):
    with clock(day):
        return subscription_cancel(actor=None, subscription=subscription, reason="moved away")


def package_changed(subscription, *, to: Package, effective: date):
    """An applied package change as billing records it (the proration it invoices is not what MRR reads)."""
    PackageChange.objects.create(
        subscription=subscription, from_package=subscription.package, to_package=to, source=PackageChange.Source.STAFF,
        status=PackageChange.Status.APPLIED, effective_date=effective,
    )
    Subscription.objects.filter(pk=subscription.pk).update(package=to)


@pytest.fixture
def metrics_world(db):
    b1, b2 = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    a1, a2 = AreaFactory(branch=b1, name="Pallabi"), AreaFactory(branch=b2, name="Sector 7")
    basic = PackageFactory(name="Basic", price=D("1000.00"))
    plus = PackageFactory(name="Plus", price=D("1500.00"))
    quarterly = PackageFactory(name="Quarterly", price=D("2700.00"), billing_cycle=Package.Cycle.QUARTERLY)
    r1, r2 = RouterFactory(branch=b1), RouterFactory(branch=b2)
    with clock(date(2025, 11, 1)):
        c1, c2, c5, c6 = (make_customer(area=a1, name=n) for n in ("C1", "C2", "C5", "C6"))
        c3, c4 = (make_customer(area=a2, name=n) for n in ("C3", "C4"))
        subs = {
            "s1": make_subscription(customer=c1, package=basic, router=r1),
            "s2": make_subscription(customer=c2, package=basic, router=r1),
            "s3": make_subscription(customer=c3, package=plus, router=r2),
            "s4": make_subscription(customer=c4, package=quarterly, router=r2),
            "s5": make_subscription(customer=c5, package=basic, router=r1),
            "s6": make_subscription(customer=c1, package=plus, router=r1),
            "s7": make_subscription(customer=c6, package=plus, router=r1),
        }
    activate_paid(subs["s1"], date(2026, 1, 10))
    activate_paid(subs["s2"], date(2026, 2, 5))
    package_changed(subs["s2"], to=plus, effective=date(2026, 3, 10))  # upgrade: +500
    activate_paid(subs["s3"], date(2026, 1, 1))
    cancel(subs["s3"], date(2026, 3, 15))  # churned: −1500
    activate_paid(subs["s4"], date(2026, 3, 3))  # new: 2700 ÷ 3 = +900
    activate_paid(subs["s5"], date(2025, 12, 1))
    subs["s5"] = suspend_unpaid(subs["s5"], date(2026, 1, 15))  # 44 days unpaid by 28 Feb: churned before March
    reactivate(subs["s5"], date(2026, 3, 12))  # reactivation: +1000
    activate_paid(subs["s6"], date(2026, 2, 1))
    suspend_unpaid(subs["s6"], date(2026, 3, 20))  # 11 days unpaid on 31 Mar: past due, still counted
    activate_paid(subs["s7"], date(2026, 1, 5))
    package_changed(subs["s7"], to=basic, effective=date(2026, 3, 1))  # downgrade: −500
    return {"branches": (b1, b2), "areas": (a1, a2), "packages": (basic, plus, quarterly), "subs": subs}


def test_mrr_arr_arpu_at_month_end(metrics_world):
    # S1 1000 + S2 1500 + S4 900 + S5 1000 + S6 1500 (past due) + S7 1000 = 6900 from five customers.
    figures = metrics.mrr_on(date(2026, 3, 31))
    assert figures["mrr"] == D("6900.00")
    assert figures["arr"] == D("82800.00")
    assert figures["subscriptions"] == 6
    assert figures["customers"] == 5
    assert figures["arpu"] == D("1380.00")
    # On 28 Feb: S1 1000 + S2 1000 (before its upgrade) + S3 1500 + S6 1500 + S7 1500 (before its downgrade).
    assert metrics.mrr_on(date(2026, 2, 28))["mrr"] == D("6500.00")


def test_mrr_by_branch_and_package_add_up(metrics_world):
    b1, b2 = metrics_world["branches"]
    basic, plus, quarterly = metrics_world["packages"]
    by_branch = metrics.mrr_on(date(2026, 3, 31), by="branch")["by"]
    assert by_branch[b1.pk]["mrr"] == D("6000.00") and by_branch[b1.pk]["customers"] == 4
    assert by_branch[b2.pk]["mrr"] == D("900.00") and by_branch[b2.pk]["customers"] == 1
    by_package = metrics.mrr_on(date(2026, 3, 31), by="package")["by"]
    assert {k: v["mrr"] for k, v in by_package.items()} == {basic.pk: D("3000.00"), plus.pk: D("3000.00"), quarterly.pk: D("900.00")}


def test_mrr_excludes_vat_when_prices_include_it(metrics_world):
    from billing.selectors import current_billing_settings

    cfg = current_billing_settings()
    cfg.prices_include_vat = True
    cfg.save()
    # 1000 incl. 15% VAT is 869.57 net; 1500 → 1304.35; 2700 ÷ 1.15 = 2347.83, ÷ 3 = 782.61.
    # 869.57 × 3 + 1304.35 × 2 + 782.61 = 6000.02
    assert metrics.mrr_on(date(2026, 3, 31))["mrr"] == D("6000.02")


def test_mrr_movements_of_march(metrics_world):
    moves = metrics.mrr_movements(MARCH)
    assert moves == {
        "start": D("6500.00"), "new": D("900.00"), "expansion": D("500.00"), "contraction": D("500.00"),
        "churned": D("1500.00"), "reactivation": D("1000.00"), "paused": D("0.00"), "end": D("6900.00"),
    }
    assert moves["start"] + moves["new"] + moves["expansion"] - moves["contraction"] - moves["churned"] + moves["reactivation"] == moves["end"]


def test_movement_drill_down_lists_the_subscriptions_and_adds_up(metrics_world):
    subs = metrics_world["subs"]
    rows = metrics.movement_rows(MARCH, kind="churned")
    assert [r["subscription"] for r in rows] == [subs["s3"].pk]
    assert sum(r["amount"] for r in rows) == D("1500.00")
    assert [r["subscription"] for r in metrics.movement_rows(MARCH, kind="reactivation")] == [subs["s5"].pk]
    assert sum(r["mrr"] for r in metrics.mrr_rows(date(2026, 3, 31))) == D("6900.00")


def test_churn_of_march(metrics_world):
    figures = metrics.churn(MARCH)
    # C1, C2, C3, C6 counted on 28 Feb (C5 was already out); C3 left.
    assert figures["customers_at_start"] == 4
    assert figures["customers_churned"] == 1
    assert figures["logo_churn"] == D("25.00")
    # (1500 churned + 500 contraction) ÷ 6500 = 30.77 %; net of 500 expansion and 1000 reactivation: 500 ÷ 6500.
    assert figures["gross_revenue_churn"] == D("30.77")
    assert figures["net_revenue_churn"] == D("23.08")  # (1500 + 500 − 500) ÷ 6500: S5's reactivation is not netted in
    assert [r["name"] for r in metrics.churned_customer_rows(MARCH)] == ["C3"]


def test_unpaid_beyond_the_setting_counts_as_churned(metrics_world, settings):
    # With 10 days instead of 30, S6 (unpaid since 20 March) has churned by the 31st.
    settings.ANALYTICS_CHURN_UNPAID_DAYS = 10
    assert metrics.mrr_on(date(2026, 3, 31))["mrr"] == D("5400.00")
    assert metrics.mrr_movements(MARCH)["churned"] == D("3000.00")


def test_branch_scope_limits_every_movement(metrics_world):
    b1, b2 = metrics_world["branches"]
    mirpur = metrics.mrr_movements(MARCH, scope=Scope(branch_ids=frozenset({b1.pk})))
    assert (mirpur["start"], mirpur["end"], mirpur["churned"], mirpur["new"]) == (D("5000.00"), D("6000.00"), D("0.00"), D("0.00"))
    uttara = metrics.mrr_movements(MARCH, scope=Scope(branch_id=b2.pk))
    assert (uttara["start"], uttara["end"], uttara["churned"], uttara["new"]) == (D("1500.00"), D("900.00"), D("1500.00"), D("900.00"))


# Collections -------------------------------------------------------------------------------------


@pytest.fixture
def metrics_ledger(db):
    b1, b2 = BranchFactory(code="MIR", name="Mirpur"), BranchFactory(code="UTT", name="Uttara")
    d1 = make_customer(area=AreaFactory(branch=b1), name="D1")
    d2 = make_customer(area=AreaFactory(branch=b2), name="D2")

    def invoice(customer, issued, due, net):
        with clock(issued):
            return invoice_create(
                actor=None, customer=customer, issue_date=issued, due_date=due,
                lines=[LineSpec(kind="one_time", description="Service", amount=D(net))],
            )

    def pay(customer, day, amount):
        with clock(day) as at:
            return payment_ledger_record(actor=None, customer=customer, amount=D(amount), method="cash", received_at=at)

    invoice(d1, date(2026, 2, 20), date(2026, 2, 27), "1000")  # I1 1150.00
    invoice(d2, date(2026, 2, 25), date(2026, 3, 4), "2000")  # I2 2300.00
    invoice(d1, date(2026, 3, 20), date(2026, 3, 27), "1000")  # I3 1150.00
    invoice(d2, date(2026, 3, 25), date(2026, 4, 1), "500")  # I4 575.00
    pay(d1, date(2026, 3, 2), "1150")  # settles I1
    pay(d2, date(2026, 3, 10), "1000")  # part of I2: 1300 left
    pay(d1, date(2026, 4, 2), "1150")  # settles I3, after March
    return {"branches": (b1, b2), "customers": (d1, d2)}


def test_collections_of_march(metrics_ledger):
    figures = collection_figures.collections(MARCH)
    assert figures["billed"] == D("1725.00")  # I3 + I4
    assert figures["due"] == D("3450.00")  # I2 (4 Mar) + I3 (27 Mar)
    assert figures["collected"] == D("2150.00")
    # Efficiency covers I2 and I3 (falling due in March): asked 3450; paid of it by 31 March: I2's 1000.
    assert (figures["asked"], figures["paid_of_asked"]) == (D("3450.00"), D("1000.00"))
    assert figures["efficiency"] == D("28.99")  # 1000 ÷ 3450
    assert figures["arrears_collected"] == D("1150.00")  # D1's 2 March payment settled I1, due in February
    assert figures["receivable_start"] == D("3450.00")  # I1 + I2 open on 28 Feb
    assert figures["receivable_end"] == D("3025.00")  # I2 1300 + I3 1150 + I4 575
    assert figures["receivable_current"] == D("575.00")
    # CEI = (3450 + 1725 − 3025) ÷ (3450 + 1725 − 575) = 2150 ÷ 4600
    assert figures["cei"] == D("46.74")
    # DSO = 3025 ÷ 1725 × 31 days
    assert figures["dso"] == D("54.36")


def test_ageing_buckets(metrics_ledger):
    assert collection_figures.ageing_on(date(2026, 2, 28))["buckets"] == {
        "current": D("2300.00"), "1-30": D("1150.00"), "31-60": D("0.00"), "61-90": D("0.00"), "90+": D("0.00"),
    }
    # On 5 June: I2's 1300 is 93 days past due, I4's 575 is 65; I3 was paid on 2 April.
    assert collection_figures.ageing_on(date(2026, 6, 5))["buckets"] == {
        "current": D("0.00"), "1-30": D("0.00"), "31-60": D("0.00"), "61-90": D("575.00"), "90+": D("1300.00"),
    }


def test_collections_by_branch_collector_and_method(metrics_ledger):
    b1, b2 = metrics_ledger["branches"]
    rows = {r["key"]: r for r in collection_figures.collections_by(MARCH, by="branch")}
    assert (rows[b1.pk]["billed"], rows[b1.pk]["due"], rows[b1.pk]["collected"], rows[b1.pk]["receivable"]) == (
        D("1150.00"), D("1150.00"), D("1150.00"), D("1150.00"))
    assert (rows[b2.pk]["billed"], rows[b2.pk]["due"], rows[b2.pk]["collected"], rows[b2.pk]["receivable"]) == (
        D("575.00"), D("2300.00"), D("1000.00"), D("1875.00"))
    assert rows[b2.pk]["efficiency"] == D("43.48")  # 1000 of I2's 2300
    assert (rows[b1.pk]["efficiency"], rows[b1.pk]["arrears_collected"]) == (D("0.00"), D("1150.00"))  # I3 unpaid on 31 March
    assert collection_figures.collections_by(MARCH, by="method") == [{"key": "cash", "collected": D("2150.00"), "payments": 2}]


def test_revenue_by_branch_is_net_of_vat(metrics_ledger):
    b1, b2 = metrics_ledger["branches"]
    rows = {r["key"]: r["revenue"] for r in collection_figures.revenue_by(MARCH, by="branch")}
    assert rows == {b1.pk: D("1000.00"), b2.pk: D("500.00")}


def test_branch_scope_of_collections(metrics_ledger):
    b1, _ = metrics_ledger["branches"]
    figures = collection_figures.collections(MARCH, scope=Scope(branch_ids=frozenset({b1.pk})))
    assert (figures["billed"], figures["collected"], figures["receivable_end"]) == (D("1150.00"), D("1150.00"), D("1150.00"))


def test_empty_database_gives_zeros_not_errors(db):
    assert metrics.mrr_on(date(2026, 3, 31))["arpu"] is None
    assert collection_figures.collections(MARCH)["cei"] is None
    assert metrics.churn(MARCH)["logo_churn"] is None
    assert funnel.funnel(date(2026, 3, 1), date(2026, 3, 31))["conversion"] is None


def test_growth_funnel(db):
    area = AreaFactory()
    with clock(date(2026, 3, 5)):
        new = customer_services.lead_create(actor=None, name="New", phone="+8801711000001", area=area)
        surveyed = customer_services.lead_create(actor=None, name="Surveyed", phone="+8801711000002", area=area)
        paying = customer_services.lead_create(actor=None, name="Paying", phone="+8801711000003", area=area)
        customer_services.lead_update(actor=None, lead=surveyed, status=Lead.Status.SITE_SURVEY)
        customer_services.lead_update(actor=None, lead=paying, status=Lead.Status.SITE_SURVEY)
        customer = customer_services.lead_convert(actor=None, lead=paying, area=area, address="House 3")
        subscription = make_subscription(customer=customer)
    activate(subscription, date(2026, 3, 6))
    with clock(date(2026, 3, 7)) as at:
        payment_ledger_record(actor=None, customer=customer, amount=D("500"), method="cash", received_at=at)
    assert new.status == Lead.Status.NEW
    figures = funnel.funnel(date(2026, 3, 1), date(2026, 3, 31))
    assert figures["stages"] == [("leads", 3), ("site_survey", 2), ("installed", 1), ("paying", 1)]
    assert figures["conversion"] == D("33.33")


# Snapshots ---------------------------------------------------------------------------------------


def _sum_rows(rows, field):
    return sum((r[field] for r in rows), D("0.00"))


@pytest.mark.parametrize("day", [date(2026, 3, 31), date(2026, 3, 15), date(2026, 2, 28)])
def test_snapshot_equals_the_on_the_fly_computation(metrics_world, day):
    from dashboard.models import DailyMetric
    from dashboard.services import metrics_snapshot_write

    metrics_snapshot_write(day=day)
    metrics_snapshot_write(day=day)  # twice: same rows
    for branch in metrics_world["branches"]:
        scope = Scope(branch_id=branch.pk)
        row = DailyMetric.objects.get(day=day, branch=branch, dimension="all", key=0)
        live = metrics.mrr_on(day, scope=scope)
        moves = metrics.mrr_movements(day, scope=scope, as_of=day)
        lost = metrics.churn(day, scope=scope, as_of=day)
        money = collection_figures.collections(day, scope=scope, as_of=day)
        assert (row.mrr, row.subscriptions, row.customers) == (live["mrr"], live["subscriptions"], live["customers"])
        assert (row.start_mrr, row.new_mrr, row.expansion_mrr, row.contraction_mrr, row.churned_mrr, row.reactivation_mrr,
                row.paused_mrr) == (moves["start"], moves["new"], moves["expansion"], moves["contraction"], moves["churned"],
                                    moves["reactivation"], moves["paused"])
        assert (row.customers_at_start, row.customers_churned) == (lost["customers_at_start"], lost["customers_churned"])
        ageing = money["ageing"]["buckets"]
        assert (row.ar_current, row.ar_1_30, row.ar_31_60, row.ar_61_90, row.ar_90_plus) == tuple(ageing.values())
        by_package = metrics.mrr_on(day, scope=scope, by="package")["by"]
        for package_row in DailyMetric.objects.filter(day=day, branch=branch, dimension="package", mrr__gt=0):
            assert package_row.mrr == by_package[package_row.key]["mrr"]
            assert package_row.customers == by_package[package_row.key]["customers"]
        by_area = metrics.mrr_on(day, scope=scope, by="area")["by"]
        for area_row in DailyMetric.objects.filter(day=day, branch=branch, dimension="area", mrr__gt=0):
            assert area_row.mrr == by_area[area_row.key]["mrr"]


def test_snapshot_of_money_equals_the_day_on_the_fly(metrics_ledger):
    from dashboard.models import DailyMetric
    from dashboard.services import metrics_snapshot_backfill

    metrics_snapshot_backfill(start=date(2026, 3, 1), end=date(2026, 3, 31))
    rows = DailyMetric.objects.filter(dimension="all", day__month=3)
    march = collection_figures.collections(MARCH)
    assert _sum_rows(rows.values("billed"), "billed") == march["billed"] == D("1725.00")
    assert _sum_rows(rows.values("collected"), "collected") == march["collected"] == D("2150.00")
    assert _sum_rows(rows.values("due"), "due") == march["due"]
    month_end_rows = rows.filter(day=date(2026, 3, 31))
    for name in ("asked", "paid_of_asked", "arrears_collected"):
        assert _sum_rows(month_end_rows.values(name), name) == march[name], name
    last = rows.filter(day=date(2026, 3, 31))
    assert _sum_rows(last.values("ar_1_30"), "ar_1_30") == D("2450.00")
    assert _sum_rows(last.values("ar_current"), "ar_current") == D("575.00")


def test_nightly_job_is_in_the_beat_schedule():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "dashboard.tasks.snapshot_metrics_nightly" in tasks


def test_backfill_command_writes_every_day(metrics_ledger, capsys):
    from django.core.management import call_command

    from dashboard.models import DailyMetric

    call_command("backfill_metrics", start=date(2026, 2, 1), end=date(2026, 3, 31))
    assert DailyMetric.objects.filter(dimension="all").values("day").distinct().count() == 59
    assert "59 days" in capsys.readouterr().out


SNAPSHOT_FIELDS = ("mrr", "subscriptions", "customers", "start_mrr", "new_mrr", "expansion_mrr", "contraction_mrr",
                   "churned_mrr", "reactivation_mrr", "customers_at_start", "customers_churned", "billed", "revenue", "due",
                   "collected", "ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus")


def _stored(day):
    from dashboard.models import DailyMetric

    return {(r["branch_id"], r["dimension"], r["key"]): {f: r[f] for f in SNAPSHOT_FIELDS}
            for r in DailyMetric.objects.filter(day=day).values("branch_id", "dimension", "key", *SNAPSHOT_FIELDS)}


def _from_scratch(day):
    """What a computation from scratch gives for the day, in the stored rows' shape."""
    return {index: {f: values.get(f) for f in SNAPSHOT_FIELDS} for index, values in snapshot_rows.snapshot_rows(day).items()}


@pytest.fixture
def world_partly_without_history(metrics_world):
    """The world, plus subscriptions made before the audit log existed (no lifecycle rows): judged by
    their own activated / suspended / cancelled timestamps."""
    a1, a2 = metrics_world["areas"]
    basic, plus, _ = metrics_world["packages"]
    with clock(date(2025, 11, 1)):
        old = [make_subscription(customer=make_customer(area=area, name=f"L{i}"), package=package)
               for i, (area, package) in enumerate([(a1, basic), (a1, plus), (a2, basic), (a2, plus)])]
    stamps = [
        {"status": "active", "activated_at": moment(date(2026, 1, 20))},
        {"status": "cancelled", "activated_at": moment(date(2025, 12, 3)), "cancelled_at": moment(date(2026, 2, 14))},
        {"status": "suspended", "activated_at": moment(date(2026, 2, 2)), "suspended_at": moment(date(2026, 3, 9)),
         "suspension_type": "non_payment"},
        {"status": "active", "activated_at": moment(date(2026, 3, 1))},
    ]
    for subscription, fields in zip(old, stamps, strict=True):
        Subscription.objects.filter(pk=subscription.pk).update(**fields)
        pay_first_invoice(subscription, timezone.localdate(fields["activated_at"]))
    return metrics_world


# One at a time, on one worker: each holds some 1,500 locks until its test transaction ends (a temporary
# table made and dropped per day, 161 days, twice), and four at once (`make test TEST_WORKERS=4`, 27 Nov)
# filled PostgreSQL's shared lock table ("out of shared memory"). A production backfill commits each day.
@pytest.mark.xdist_group("metrics_backfill_locks")
# world_partly_without_history is metrics_world with four more subscriptions (no lifecycle rows), so
# its every day, split by branch and package, holds metrics_world's subscriptions too: a backfill that
# went wrong on those shows there; metrics_world alone ran the same days again (40-50 s each on a slow
# machine). The churn setting changes only how unpaid subscriptions count; metrics_ledger has none
# (invoices and payments only), so it runs with one setting.
@pytest.mark.parametrize("fixture, unpaid_days", [
    ("world_partly_without_history", 30), ("world_partly_without_history", 10), ("metrics_ledger", 30),
])
def test_backfilled_and_incremental_rows_equal_the_full_recompute(db, request, fixture, unpaid_days, settings):
    """A backfill computes each day from the day before (the touched customers' frames and the day's
    receivable changes); every day, across month ends and the days suspensions turn into churn, it
    stores what a computation from scratch gives."""
    from dashboard.services import metrics_snapshot_backfill

    settings.ANALYTICS_CHURN_UNPAID_DAYS = unpaid_days
    request.getfixturevalue(fixture)
    if fixture == "metrics_ledger":
        assert not Subscription.objects.exists()  # why one churn setting is enough for it (above)
    start, end = date(2026, 1, 1), date(2026, 6, 10)
    metrics_snapshot_backfill(start=start, end=end)
    day, compared = start, 0
    while day <= end:
        stored, scratch = _stored(day), _from_scratch(day)
        assert stored == scratch, day
        compared += any(v["mrr"] or v["ar_current"] or v["ar_1_30"] or v["ar_90_plus"] for v in stored.values())
        day += timedelta(days=1)
    assert compared > 30  # most days have figures, not just empty rows


def test_the_nightly_job_continues_from_the_stored_day_before(metrics_world):
    from dashboard.models import DailyMetric
    from dashboard.services import metrics_snapshot_nightly, metrics_snapshot_write

    metrics_snapshot_write(day=date(2026, 3, 13))
    with CaptureQueriesContext(connection) as queries:
        metrics_snapshot_nightly(today=date(2026, 3, 15))
    assert any("analytics_touched" in q["sql"] for q in queries.captured_queries)  # incremental, not from scratch
    for day in (date(2026, 3, 14), date(2026, 3, 15)):
        assert _stored(day) == _from_scratch(day)
    assert DailyMetric.objects.filter(day=date(2026, 3, 15), dimension="all").exists()
