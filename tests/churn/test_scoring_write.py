"""The scoring job's write: one ChurnRisk row per scored customer, updated in place, and the rows of
customers no longer scored removed — the same result by the PostgreSQL path (COPY into a temporary
table, then UPDATE / INSERT / DELETE) and by the batched path used on other databases."""

import json
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection, transaction

from churn import services
from churn.models import ChurnRisk
from tests.churn.retention_factories import churn_model
from tests.factories import make_customer

DAY = date(2026, 3, 15)
WHY = [{"code": "late", "en": "Paid late 2 times", "bn": "২ বার দেরিতে", "weight": 0.42}]


def scores(customers, probabilities, bands, mrr_cents, reasons=None):
    ids = np.array([c.pk for c in customers], dtype=np.int64)
    order = np.argsort(ids)
    reasons = reasons or [WHY] * len(customers)
    return services.ScoreRows(
        customer_ids=ids[order], probabilities=np.array(probabilities, dtype=np.float64)[order],
        bands=np.array(bands, dtype=object)[order], reasons_json=[json.dumps(reasons[i], ensure_ascii=False) for i in order],
        mrr_cents=np.array(mrr_cents, dtype=np.int64)[order],
    )


def table():
    return {r.customer_id: (r.pk, r.model_id, r.scored_on, r.probability, r.band, r.reasons, r.mrr) for r in ChurnRisk.objects.all()}


WRITERS = {"copy": services._write_by_copy, "batches": services._write_in_batches}


@pytest.mark.parametrize("writer", [pytest.param("copy", marks=pytest.mark.postgres), "batches"])
def test_the_write_inserts_updates_in_place_and_removes_the_customers_no_longer_scored(db, writer):
    def write(*args):
        with transaction.atomic():
            return WRITERS[writer](*args)

    model = churn_model()
    a, b, c, d = (make_customer(name=name) for name in "ABCD")
    assert write(model, DAY, scores([a, b, c], [0.1, 0.5, 0.9], ["low", "medium", "high"], [100000, 115000, 99])) == 0
    first = table()
    assert first[a.pk][1:] == (model.pk, DAY, 0.1, "low", WHY, Decimal("1000.00"))
    assert first[c.pk][6] == Decimal("0.99")

    # Next day: B is no longer counted, D is new, C's risk fell; everyone kept has the new date.
    nxt = DAY + timedelta(days=1)
    other = [{"code": "usage", "en": "Usage down 60% this month", "bn": "এই মাসে ব্যবহার ৬০% কম", "weight": 0.2}]
    assert write(model, nxt, scores([c, a, d], [0.3, 0.1, 0.6], ["medium", "low", "high"], [99, 100000, 50050], [other, WHY, WHY])) == 1
    second = table()
    assert set(second) == {a.pk, c.pk, d.pk}
    assert second[a.pk] == (first[a.pk][0], model.pk, nxt, 0.1, "low", WHY, Decimal("1000.00"))  # same row, new date
    assert second[c.pk] == (first[c.pk][0], model.pk, nxt, 0.3, "medium", other, Decimal("0.99"))
    assert second[d.pk][1:] == (model.pk, nxt, 0.6, "high", WHY, Decimal("500.50"))

    # Nothing scored (nobody counted any more): every row goes.
    assert write(model, nxt, scores([], [], [], [])) == 3
    assert not ChurnRisk.objects.exists()


@pytest.mark.postgres
def test_scoring_again_the_same_day_with_the_same_results_rewrites_no_row(db):
    """PostgreSQL: rows whose values are all unchanged are not updated (their row version, xmin,
    stays); a changed row is. Each write runs in its own savepoint, so its rows get a new xmin."""
    model = churn_model()
    a, b = make_customer(name="A"), make_customer(name="B")
    services.write_scores(model, DAY, scores([a, b], [0.1, 0.5], ["low", "medium"], [100000, 100000]))

    def versions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT customer_id, xmin::text FROM churn_churnrisk")
            return dict(cursor.fetchall())

    before = versions()
    services.write_scores(model, DAY, scores([a, b], [0.1, 0.7], ["low", "high"], [100000, 100000]))
    after = versions()
    assert after[a.pk] == before[a.pk] and after[b.pk] != before[b.pk]
    assert ChurnRisk.objects.get(customer=b).band == "high"
