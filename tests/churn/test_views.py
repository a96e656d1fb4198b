"""Churn on the staff console: Model quality (who may see it, who may train), risk bands on the
customer list (filter and sort), the widget on the customer page and the tile on the home page."""

from datetime import date
from decimal import Decimal
from unittest import mock

import numpy as np
import pytest
from django.urls import reverse

from churn import learning
from churn.models import ChurnModel, ChurnRisk
from ispbill.core.models import AuditLog
from tests.factories import UserFactory, admin_user, make_customer

pytestmark = pytest.mark.django_db
QUALITY = reverse("staff:churn-model-quality")
TRAIN = reverse("staff:churn-model-train")
LIST = reverse("staff:customer-list")


def trained_model() -> ChurnModel:
    rng = np.random.default_rng(1)
    cutoffs = [date(2025, m, 28) for m in range(1, 9)]
    x = rng.normal(size=(8 * 200, 2))
    y = (x[:, 0] + rng.normal(scale=0.5, size=len(x)) > 1.2).astype(np.int8)
    data = learning.Dataset(cutoffs=cutoffs, matrix=x, labels=y, cutoff_index=np.repeat(np.arange(8), 200))
    result = learning.train(data, ["a", "b"])
    return ChurnModel.objects.create(
        version=1, status=ChurnModel.Status.ACTIVE, algorithm=result.algorithm, backtest=result.backtest,
        band_thresholds=result.band_thresholds, artifact=result.artifact(), cutoffs=[c.isoformat() for c in cutoffs],
        training_rows=len(y), training_positives=int(y.sum()),
    )


def risk(customer, model, band, probability, mrr="1000.00", reasons=None):
    return ChurnRisk.objects.create(
        customer=customer, model=model, scored_on=date(2026, 3, 15), probability=probability, band=band, mrr=Decimal(mrr),
        reasons=reasons or [{"code": "late_payment", "en": "Paid 18 days late once in the last three bills", "bn": "…", "weight": 0.4}],
    )


@pytest.fixture
def scored(db):
    model = trained_model()
    high = make_customer(name="Karim High")
    medium = make_customer(name="Rahim Medium")
    low = make_customer(name="Salma Low")
    unscored = make_customer(name="Nasir Unscored")
    risks = {
        "high": risk(high, model, "high", 0.71, "1500.00"),
        "medium": risk(medium, model, "medium", 0.32),
        "low": risk(low, model, "low", 0.04),
    }
    return {"model": model, "high": high, "medium": medium, "low": low, "unscored": unscored, "risks": risks}


def test_managers_read_model_quality_without_the_train_button(client, scored):
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(QUALITY).content.decode()
    model = scored["model"]
    assert learning.ALGORITHM_NAMES[model.algorithm] in page and model.backtest["why"] in page
    for cutoff in model.cutoffs[-6:]:
        assert cutoff in page
    assert "Calibration" in page and "Train now" not in page
    assert 'href="/staff/churn/model/"' in client.get(reverse("staff:home")).content.decode()  # in the navigation


def test_cashiers_may_not_see_model_quality(client, scored):
    client.force_login(UserFactory(roles=["Cashier"]))
    assert client.get(QUALITY).status_code == 403


def test_only_admins_train_now_and_it_is_queued_after_commit(client, scored, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(roles=["Manager"]))
    with mock.patch("churn.tasks.train_churn_model.delay") as delay:
        assert client.post(TRAIN).status_code == 403
    assert not delay.called and not AuditLog.objects.filter(action="churn.train_requested").exists()

    client.force_login(admin_user())
    assert "Train now" in client.get(QUALITY).content.decode()
    with mock.patch("churn.tasks.train_churn_model.delay") as delay, django_capture_on_commit_callbacks(execute=True):
        response = client.post(TRAIN)
    assert response.status_code == 302 and delay.call_count == 1
    assert AuditLog.objects.filter(action="churn.train_requested").count() == 1


def test_a_refused_version_says_why(client, db):
    ChurnModel.objects.create(version=1, status=ChurnModel.Status.REFUSED, refusal_reason="Only 2 monthly cut-off(s) with a known outcome")
    client.force_login(admin_user())
    page = client.get(QUALITY).content.decode()
    assert "Only 2 monthly cut-off(s) with a known outcome" in page and "Nobody is scored" in page


def test_the_customer_list_filters_by_band_and_sorts_by_risk(client, scored, settings):
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(LIST, {"risk": "high"}).content.decode()
    assert "Karim High" in page and "Rahim Medium" not in page and "Salma Low" not in page
    assert 'badge-risk-high' in page

    page = client.get(LIST, {"sort": "-risk"}).content.decode()
    order = [page.index(name) for name in ("Karim High", "Rahim Medium", "Salma Low", "Nasir Unscored")]
    assert order == sorted(order)

    settings.STAFF_LIST_PAGE_SIZE = 2  # the next page continues from the cursor: unscored customers last
    first = client.get(LIST, {"sort": "-risk"})
    second = client.get(LIST, {"sort": "-risk", "after": first.context["page"].next_cursor}).content.decode()
    assert "Salma Low" in second and "Nasir Unscored" in second and "Karim High" not in second


def test_the_customer_page_shows_band_probability_reasons(client, scored):
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("staff:customer-detail", args=[scored["high"].pk])).content.decode()
    assert 'id="churn-risk-panel"' in page and "badge-risk-high" in page and "71%" in page
    assert "Paid 18 days late once in the last three bills" in page
    page = client.get(reverse("staff:customer-detail", args=[scored["unscored"].pk])).content.decode()
    assert "Not scored" in page

    client.force_login(UserFactory(roles=["Cashier"]))  # no churn permission: no widget
    page = client.get(reverse("staff:customer-detail", args=[scored["high"].pk])).content.decode()
    assert 'id="churn-risk-panel"' not in page


def test_the_home_tile_counts_high_risk_customers_and_their_mrr(client, scored):
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("staff:home")).content.decode()
    assert 'id="home-churn' in page
    assert 'data-tile="High-risk customers"' in page and 'data-tile="MRR at risk"' in page
    assert "৳1,500.00" in page and "risk=high" in page


def test_staff_without_churn_permission_neither_see_nor_filter_by_risk(client, scored):
    client.force_login(UserFactory(roles=["Cashier"]))
    page = client.get(LIST, {"risk": "high", "sort": "-risk"}).content.decode()
    assert "Churn risk" not in page and "badge-risk-" not in page
    assert "Rahim Medium" in page and "Nasir Unscored" in page  # the filter is ignored, not applied
