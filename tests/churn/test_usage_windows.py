"""The usage windows of the daily scoring: rolled forward one day at a time they hold exactly what the
full 60-day query computes, day after day, over a random usage history; a gap of more than a week,
or a day before the stored one, rebuilds them; a second run on the same day changes nothing; the
weekly training run rebuilds them; and the daily scoring sees the same feature matrix as the full
path."""

import pickle
import random
import threading
import time
from datetime import date, timedelta
from unittest import mock

import numpy as np
import pytest
from django.db import connection, connections, transaction

from churn import learning, services, tasks
from churn.features import FEATURES, features_at
from churn.models import ChurnModel, UsageWindow
from churn.sql import WINDOWS_LOCK, usage_rows
from churn.usage_windows import MAX_ROLL_DAYS, usage_windows_at, usage_windows_refresh
from network.models import UsageDaily
from tests.churn.test_features import activate, clock
from tests.factories import AreaFactory, BranchFactory, PackageFactory, RouterFactory, make_customer, make_subscription

GB = 1000**3
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)  # the usage history
START = date(2026, 2, 20)  # the first day the windows are built for


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def history(db):
    """Seven subscriptions of six customers (one customer has two), with random daily usage: days
    without a row, rows of zero bytes, upload only; one subscription stops in February and comes back
    in May (more than 60 days later), one starts in March, one has no traffic at all."""
    rng = random.Random(20260331)
    branch = BranchFactory()
    area, package, router = AreaFactory(branch=branch), PackageFactory(price=1000), RouterFactory(branch=branch)
    with clock(date(2025, 12, 1)):
        customers = [make_customer(area=area, name=f"C{i}") for i in range(6)]
        subs = {name: make_subscription(customer=customer, package=package, router=router)
                for name, customer in zip(("steady", "patchy", "stops", "starts", "idle"), customers)}
        subs["two_a"] = make_subscription(customer=customers[5], package=package, router=router)
        subs["two_b"] = make_subscription(customer=customers[5], package=package, router=router)
    for sub in subs.values():
        activate(sub, date(2025, 12, 2))
    active = {
        "steady": 0.95, "patchy": 0.5, "stops": 0.9, "starts": 0.8, "two_a": 0.7, "two_b": 0.6,
    }
    rows = []
    for name, share in active.items():
        for day in days(FIRST, LAST):
            if name == "stops" and date(2026, 2, 25) < day < date(2026, 5, 10):
                continue  # silent for 73 days: drops out of the windows, then comes back
            if name == "starts" and day < date(2026, 3, 12):
                continue
            draw = rng.random()
            if draw > share:
                if draw > (1 + share) / 2:
                    rows.append(UsageDaily(subscription=subs[name], day=day, upload_bytes=0, download_bytes=0))  # a row, no traffic
                continue
            upload = rng.randrange(0, 3 * 10**8)
            download = 0 if rng.random() < 0.05 else rng.randrange(1, 4 * GB)
            rows.append(UsageDaily(subscription=subs[name], day=day, upload_bytes=upload, download_bytes=download))
    UsageDaily.objects.bulk_create(rows)
    return {"subs": subs, "customers": customers}


def stored() -> list[tuple]:
    return list(UsageWindow.objects.order_by("subscription_id").values_list(
        "subscription_id", "as_of", "b7", "b7_before", "b30", "b30_before", "last_day", "mask"))


def test_rolling_forward_day_by_day_matches_the_full_query_every_day(history):
    subs = history["subs"]
    assert usage_windows_refresh(day=START) == "rebuilt"  # nothing stored yet
    assert usage_windows_at(START) == usage_rows(START)
    seen = set()
    for day in days(START + timedelta(days=1), LAST):
        assert usage_windows_refresh(day=day) == "rolled 1 day(s)"
        full = usage_rows(day)
        assert usage_windows_at(day) == full, day
        assert {row[1] for row in stored()} == {day}
        seen |= {row[0] for row in stored()}
        in_window = {row[0] for row in stored()}
        if date(2026, 4, 26) <= day < date(2026, 5, 10):
            assert subs["stops"].pk not in in_window  # 60 days without traffic
        if day < date(2026, 3, 12):
            assert subs["starts"].pk not in in_window
    assert subs["idle"].pk not in seen
    assert {subs[name].pk for name in ("steady", "patchy", "stops", "starts", "two_a", "two_b")} <= seen
    # The customer with two subscriptions has two rows, next to each other.
    two = history["customers"][5].pk
    assert [row[0] for row in usage_rows(LAST)].count(two) == 2


def test_the_rows_hold_what_the_columns_mean(history):
    """One subscription by hand: sums over the four windows, the last day, the 30-day mask."""
    day = date(2026, 4, 15)
    usage_windows_refresh(day=day - timedelta(days=3))
    usage_windows_refresh(day=day)
    sub = history["subs"]["patchy"]
    window = UsageWindow.objects.get(subscription=sub)
    traffic = {u.day: u.total_bytes for u in UsageDaily.objects.filter(subscription=sub) if u.total_bytes > 0}

    def total(first_back: int, last_back: int) -> int:
        return sum(traffic.get(day - timedelta(days=k), 0) for k in range(first_back, last_back + 1))

    assert (window.b7, window.b7_before, window.b30, window.b30_before) == (total(0, 6), total(7, 13), total(0, 29), total(30, 59))
    assert window.last_day == max(d for d in traffic if d <= day)
    assert window.mask == sum(1 << k for k in range(30) if day - timedelta(days=k) in traffic)


@pytest.mark.parametrize("gap", [MAX_ROLL_DAYS + 1, 40, -1, -10])
def test_a_gap_of_more_than_a_week_or_an_earlier_day_rebuilds(history, gap):
    usage_windows_refresh(day=START + timedelta(days=20))
    day = START + timedelta(days=20 + gap)
    assert usage_windows_refresh(day=day) == "rebuilt"
    assert usage_windows_at(day) == usage_rows(day)


def test_a_gap_of_a_week_rolls_seven_days_at_once(history):
    usage_windows_refresh(day=START)
    day = START + timedelta(days=MAX_ROLL_DAYS)
    assert usage_windows_refresh(day=day) == f"rolled {MAX_ROLL_DAYS} day(s)"
    assert usage_windows_at(day) == usage_rows(day)


def test_running_twice_on_the_same_day_changes_nothing(history):
    usage_windows_refresh(day=START)
    usage_windows_refresh(day=START + timedelta(days=1))
    before = stored()
    rows = usage_windows_at(START + timedelta(days=1))
    assert usage_windows_refresh(day=START + timedelta(days=1)) == "current"
    assert usage_windows_at(START + timedelta(days=1)) == rows
    assert stored() == before


def test_an_empty_history_stays_empty_and_rebuilds_cheaply(db):
    assert usage_windows_refresh(day=START) == "rebuilt"
    assert usage_windows_at(START + timedelta(days=1)) == [] == usage_rows(START + timedelta(days=1))


def test_usage_edited_after_its_day_was_rolled_in_is_seen_at_the_next_rebuild(history):
    """The documented caveat: a correction to a day already rolled in is missed until a rebuild."""
    usage_windows_refresh(day=START)
    edited = UsageDaily.objects.filter(subscription=history["subs"]["steady"], day=START, download_bytes__gt=0).get()
    edited.download_bytes += 5 * GB
    edited.save()
    day = START + timedelta(days=1)
    assert usage_windows_at(day) != usage_rows(day)
    assert usage_windows_refresh(day=day, rebuild=True) == "rebuilt"
    assert usage_windows_at(day) == usage_rows(day)


def test_the_weekly_training_run_scores_with_rebuilt_windows(db):
    model = mock.Mock(status=ChurnModel.Status.ACTIVE, Status=ChurnModel.Status, version=3, algorithm="x")
    with mock.patch.object(tasks, "churn_model_train", return_value=model), \
            mock.patch.object(tasks, "churn_risks_score", return_value=services.ScoreResult(model, scored=1)) as score:
        tasks.train_churn_model()
        score.assert_called_once_with(rebuild_usage_windows=True)
    with mock.patch.object(tasks, "churn_risks_score", return_value=services.ScoreResult(model, scored=1)) as score:
        tasks.score_churn_risks()
        score.assert_called_once_with()


def active_model() -> ChurnModel:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(200, len(FEATURES)))
    labels = (matrix[:, 0] + rng.normal(size=200) > 1).astype(int)
    estimator = learning.make_estimator(learning.LOGISTIC).fit(matrix, labels)
    artifact = pickle.dumps({"algorithm": learning.LOGISTIC, "estimator": estimator, "typical": np.zeros(len(FEATURES)),
                             "feature_names": list(FEATURES)})
    return ChurnModel.objects.create(version=1, status=ChurnModel.Status.ACTIVE, algorithm=learning.LOGISTIC, artifact=artifact,
                                     feature_names=list(FEATURES), band_thresholds={"medium": 0.3, "high": 0.6})


def test_daily_scoring_sees_the_same_features_as_the_full_path(history):
    active_model()
    frames = []

    def spy(day, **kwargs):
        frame = features_at(day, **kwargs)
        frames.append((day, kwargs, frame))
        return frame

    with mock.patch.object(services, "features_at", side_effect=spy):
        first = services.churn_risks_score(today=START + timedelta(days=1))
        for offset in range(2, 12):
            services.churn_risks_score(today=START + timedelta(days=offset))
    assert "usage windows" in first.timings and first.scored == 6
    assert [f[0] for f in frames] == [START + timedelta(days=k) for k in range(11)]
    assert stored()[0][1] == START + timedelta(days=10)
    for day, kwargs, frame in frames:
        assert kwargs == {"incremental_usage": True}
        full = features_at(day)
        assert frame.customer_ids.tolist() == full.customer_ids.tolist()
        np.testing.assert_array_equal(frame.matrix, full.matrix)
        np.testing.assert_array_equal(frame.mrr_cents, full.mrr_cents)
    usage = [FEATURES.index(name) for name in ("usage_30_gb", "usage_7_change_pct", "idle_days_30")]
    assert frames[-1][2].matrix[:, usage].any()  # usage features are really there, not all zero


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_jobs_do_not_interleave():
    """PostgreSQL: a refresh waits for the windows' advisory lock held by another transaction."""
    done = threading.Event()

    def refresh():
        try:
            usage_windows_refresh(day=START)
        finally:
            connection.close()
            done.set()

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", WINDOWS_LOCK)
            worker = threading.Thread(target=refresh)
            worker.start()
            time.sleep(0.5)
            assert not done.is_set()
            cursor.execute("COMMIT")
        worker.join(10)
        assert done.is_set()
    finally:
        other.close()
    with transaction.atomic():
        assert UsageWindow.objects.count() == 0  # no usage: rebuilt empty


@pytest.mark.postgres
def test_the_table_is_an_unlogged_cache_without_a_foreign_key_check(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [UsageWindow._meta.db_table])
        assert cursor.fetchone() == ("u",)
        cursor.execute("SELECT COUNT(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [UsageWindow._meta.db_table])
        assert cursor.fetchone() == (0,)
