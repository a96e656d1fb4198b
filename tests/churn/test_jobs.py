"""The training and scoring jobs: refusal on a short history, versioning, the back-test stored, every
counted customer scored with a band, reasons and MRR; and the beat schedule that runs them."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import numpy as np
import pytest
from django.utils import timezone

from churn import learning
from churn.models import ChurnModel, ChurnRisk
from churn.services import churn_model_train, churn_risks_score
from churn.tasks import score_churn_risks, train_churn_model
from customers.models import Subscription
from network.models import UsageDaily
from tests.factories import AreaFactory, BranchFactory, PackageFactory, RouterFactory, make_customer, make_subscription
from usecases.subscription_activate import subscription_activate as usecases_subscription_activate
from usecases.subscription_cancel import subscription_cancel

D = Decimal
TODAY = date(2026, 3, 15)
GB = 1000**3


@contextmanager
def clock(day: date, at: time = time(12, 0)):
    instant = timezone.make_aware(datetime.combine(day, at))
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


@pytest.fixture
def year_of_history(db):
    """Forty customers from March 2025; fourteen leave one by one, their usage fading the month before."""
    branch = BranchFactory()
    area = AreaFactory(branch=branch)
    basic = PackageFactory(name="Basic", price=D("1000.00"))
    router = RouterFactory(branch=branch)
    subscriptions = []
    with clock(date(2025, 3, 1)):
        for i in range(40):
            subscriptions.append(make_subscription(customer=make_customer(area=area, name=f"C{i}"), package=basic, router=router))
    for subscription in subscriptions:
        with clock(date(2025, 3, 3)):
            usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
    leavers = subscriptions[:14]
    rows = []
    for index, subscription in enumerate(subscriptions):
        month = 3 + index % 10  # April 2025 to January 2026
        leave = date(2025 + month // 12, month % 12 + 1, 10 + index // 10) if subscription in leavers else None
        day = date(2025, 3, 3)
        while day < (leave or TODAY):
            fading = leave is not None and (leave - day).days <= 30
            rows.append(UsageDaily(subscription=subscription, day=day, upload_bytes=0, download_bytes=int((0.3 if fading else 2) * GB)))
            day += timedelta(days=1)
        if leave:
            with clock(leave):
                subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=subscription.pk),
                                                      reason="moved away")
    UsageDaily.objects.bulk_create(rows)
    return subscriptions


def test_a_short_history_is_refused_with_its_reason_and_nothing_is_scored(db):
    with clock(date(2026, 1, 1)):
        subscription = make_subscription()
    with clock(date(2026, 1, 2)):
        usecases_subscription_activate(actor=None, subscription=subscription, reason="installed")
    model = churn_model_train(today=TODAY)
    assert model.status == ChurnModel.Status.REFUSED and model.version == 1
    assert "Only 1 monthly cut-off" in model.refusal_reason and "needs 7" in model.refusal_reason
    assert model.artifact is None
    result = churn_risks_score(today=TODAY)
    assert result.refused == model.refusal_reason and result.scored == 0
    assert not ChurnRisk.objects.exists()


def test_training_backtests_both_algorithms_keeps_one_and_versions_the_models(year_of_history):
    first = churn_model_train(today=TODAY)
    assert first.status == ChurnModel.Status.ACTIVE, first.refusal_reason
    assert first.cutoffs[-1] == "2026-01-31" and len(first.cutoffs) == 11
    backtest = first.backtest
    assert set(backtest["candidates"]) == {learning.LOGISTIC, learning.GBM}
    assert backtest["chosen"] == first.algorithm and backtest["why"]
    for candidate in backtest["candidates"].values():
        assert [row["cutoff"] for row in candidate["cutoffs"]] == first.cutoffs[-6:]
        assert candidate["mean_pr_auc"] is not None
        assert sum(b["customers"] for b in candidate["calibration"]) == candidate["pooled"]["rows"]
    assert 0 < first.band_thresholds["medium"] <= first.band_thresholds["high"] < 1
    assert first.training_positives >= 10

    second = churn_model_train(today=TODAY)
    first.refresh_from_db()
    assert (first.status, second.status, second.version) == (ChurnModel.Status.RETIRED, ChurnModel.Status.ACTIVE, 2)


def test_the_jobs_score_every_counted_customer_and_drop_those_who_left(year_of_history):
    from config.celery import app

    real_localdate = timezone.localdate
    today = mock.patch("churn.services.timezone.localdate", side_effect=lambda value=None: real_localdate(value) if value else TODAY)
    with today:
        assert train_churn_model().startswith("v1 ")  # trains, then scores everyone
        assert score_churn_risks() == "26 scored, 0 removed"
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"churn.tasks.train_churn_model", "churn.tasks.score_churn_risks"} <= schedule

    model = ChurnModel.objects.get(status=ChurnModel.Status.ACTIVE)
    staying = [s for s in year_of_history if Subscription.objects.get(pk=s.pk).status == Subscription.Status.ACTIVE]
    assert len(staying) == ChurnRisk.objects.count() == 26
    risk = ChurnRisk.objects.get(customer=staying[0].customer)
    assert (risk.model, risk.scored_on, risk.mrr) == (model, TODAY, D("1000.00"))
    assert risk.band in {"low", "medium", "high"} and 0 <= risk.probability <= 1
    assert len(risk.reasons) <= 3 and all(set(r) == {"code", "en", "bn", "weight"} and r["weight"] > 0 for r in risk.reasons)
    for row in ChurnRisk.objects.all():  # each band follows the model's thresholds
        assert row.band == learning.bands(np.array([row.probability]), model.band_thresholds)[0]

    # Someone leaves: the next scoring removes their row and keeps the others in place.
    kept = ChurnRisk.objects.get(customer=staying[1].customer).pk
    with clock(TODAY - timedelta(days=1)):
        subscription_cancel(actor=None, subscription=Subscription.objects.get(pk=staying[0].pk), reason="moved")
    again = churn_risks_score(today=TODAY)
    assert (again.scored, again.removed) == (25, 1)
    assert ChurnRisk.objects.get(customer=staying[1].customer).pk == kept


def test_falling_usage_is_learned_the_backtest_ranks_leavers_first():
    """On separable data both candidates rank churners first; the simpler one is kept unless beaten."""
    rng = np.random.default_rng(0)
    cutoffs = [date(2025, m, 28) for m in range(1, 10)]
    n = 300
    matrices, labels, index = [], [], []
    for i, _ in enumerate(cutoffs):
        x = rng.normal(size=(n, 3))
        y = (x[:, 0] + rng.normal(scale=0.3, size=n) > 1.3).astype(np.int8)
        matrices.append(x), labels.append(y), index.append(np.full(n, i))
    data = learning.Dataset(cutoffs=cutoffs, matrix=np.vstack(matrices), labels=np.concatenate(labels), cutoff_index=np.concatenate(index))
    result = learning.train(data, ["signal", "noise_1", "noise_2"])
    lr = result.backtest["candidates"][learning.LOGISTIC]
    assert lr["mean_roc_auc"] > 0.9 and len(lr["cutoffs"]) == 6
    assert result.algorithm == learning.LOGISTIC  # a linear signal: boosting cannot beat it by the margin
    contributions = learning.contributions(result.algorithm, result.estimator, result.typical, data.matrix[:5],
                                           learning.predict(result.estimator, data.matrix[:5]))
    assert np.argmax(np.abs(contributions).sum(axis=0)) == 0  # the signal carries the weight


def test_bands_never_put_customers_sharing_a_tiny_probability_at_high_risk():
    """When most customers look alike (one tiny probability), the quantiles tie; the churn-rate floor
    keeps them low instead of all high."""
    cutoffs = [date(2025, m, 28) for m in range(1, 9)]
    n = 400
    x = np.zeros((8 * n, 1))
    y = np.zeros(8 * n, dtype=np.int8)
    x[::40, 0], y[::40] = 5.0, 1  # one customer in forty stands out, and leaves
    data = learning.Dataset(cutoffs=cutoffs, matrix=x, labels=y, cutoff_index=np.repeat(np.arange(8), n))
    result = learning.train(data, ["signal"])
    p = learning.predict(result.estimator, x[:n])
    bands = learning.bands(p, result.band_thresholds)
    assert (bands == "high").sum() == 10 and set(bands[y[:n] == 0]) == {"low"}
    assert result.band_thresholds["base_rate"] == pytest.approx(0.025)
