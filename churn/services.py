"""Churn writes: train a model version (weekly) and score every counted customer (daily).

Training and scoring read a lot and compute for a while, so the reading and the learning happen
outside any transaction; only the writes at the end run inside `transaction.atomic`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.models import Subscription
from ispbill.core.audit import audit_record

from . import learning
from .features import FEATURES, features_at
from .models import ChurnModel, ChurnRisk
from .reasons import top_reasons

WRITE_BATCH = 5000


def _first_day() -> date | None:
    first = Subscription.objects.aggregate(first=Min("activated_at"))["first"]
    return timezone.localdate(first) if first else None


def training_data(*, today: date, max_cutoffs: int = learning.MAX_CUTOFFS) -> tuple[list[date], learning.Dataset | None]:
    """The labelled cut-offs (the latest `max_cutoffs`) and their stacked features (None when there are none)."""
    cutoffs = learning.labelled_cutoffs(today, _first_day())[-max_cutoffs:]
    frames = [features_at(cutoff, with_labels=True) for cutoff in cutoffs]
    if not frames:
        return cutoffs, None
    data = learning.Dataset(
        cutoffs=cutoffs,
        matrix=np.vstack([f.matrix for f in frames]),
        labels=np.concatenate([f.labels for f in frames]),
        cutoff_index=np.concatenate([np.full(len(f.customer_ids), i) for i, f in enumerate(frames)]),
    )
    return cutoffs, data


def churn_model_train(*, actor=None, today: date | None = None) -> ChurnModel:
    """Train, back-test and store a new model version; with too little history, store a refused
    version that says why (the console shows it, and scoring keeps no stale model active)."""
    today = today or timezone.localdate()
    cutoffs, data = training_data(today=today)
    positives = int(data.labels.sum()) if data is not None else 0
    reason = learning.refusal(cutoffs, positives)
    result = None if reason else learning.train(data, list(FEATURES))
    with transaction.atomic():
        version = (ChurnModel.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0) + 1
        common = {
            "version": version, "trained_at": timezone.now(), "feature_names": list(FEATURES),
            "cutoffs": [c.isoformat() for c in cutoffs],
            "training_rows": int(len(data.labels)) if data is not None else 0, "training_positives": positives,
        }
        if result is None:
            model = ChurnModel.objects.create(status=ChurnModel.Status.REFUSED, refusal_reason=reason, **common)
        else:
            ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).update(status=ChurnModel.Status.RETIRED)
            model = ChurnModel.objects.create(
                status=ChurnModel.Status.ACTIVE, algorithm=result.algorithm, backtest=result.backtest,
                band_thresholds=result.band_thresholds, artifact=result.artifact(), **common,
            )
        audit_record(actor=actor, action="churn.model_train", obj=model, reason=reason,
                     after={"status": model.status, "algorithm": model.algorithm, "rows": model.training_rows})
    return model


@dataclass
class ScoreResult:
    model: ChurnModel | None
    scored: int = 0
    removed: int = 0
    refused: str = ""
    timings: dict = field(default_factory=dict)  # seconds per step (the bench prints them)


def churn_risks_score(*, today: date | None = None) -> ScoreResult:
    """Score every customer counted yesterday (the last complete day) with the active model: their
    probability, band, top three reasons and monthly revenue at stake, one ChurnRisk row each; rows of
    customers no longer counted are removed. Without an active model nothing is scored, and the
    latest refusal says why."""
    today = today or timezone.localdate()
    model = ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).order_by("-version").first()
    if model is None:
        refused = ChurnModel.objects.filter(status=ChurnModel.Status.REFUSED).order_by("-version").first()
        return ScoreResult(None, refused=refused.refusal_reason if refused else "No churn model has been trained yet.")
    artifact = learning.load_artifact(model.artifact)
    started = time.perf_counter()
    frame = features_at(today - timedelta(days=1))
    timings = {"features": time.perf_counter() - started}
    estimator = artifact["estimator"]
    probabilities = learning.predict(estimator, frame.matrix)
    contributions = learning.contributions(model.algorithm, estimator, artifact["typical"], frame.matrix, probabilities)
    reasons = top_reasons(frame.matrix, contributions)
    bands = learning.bands(probabilities, model.band_thresholds)
    timings["model and reasons"] = time.perf_counter() - started - timings["features"]
    rows = [
        ChurnRisk(customer_id=int(customer_id), model=model, scored_on=today, probability=float(p),
                  band=band, reasons=why, mrr=frame.mrr(i))
        for i, (customer_id, p, band, why) in enumerate(zip(frame.customer_ids, probabilities, bands, reasons))
    ]
    with transaction.atomic():
        # Upserted in place (rows keep their identity for whatever refers to them), then the rows of
        # customers who are no longer counted are removed.
        if connection.vendor == "postgresql":
            _upsert_by_copy(rows)
        else:
            for start in range(0, len(rows), WRITE_BATCH):
                ChurnRisk.objects.bulk_create(
                    rows[start:start + WRITE_BATCH], update_conflicts=True, unique_fields=["customer"],
                    update_fields=["model", "scored_on", "probability", "band", "reasons", "mrr"],
                )
        existing = np.fromiter(ChurnRisk.objects.values_list("customer_id", flat=True), dtype=np.int64)
        gone = np.setdiff1d(existing, frame.customer_ids)
        removed = 0
        for start in range(0, len(gone), WRITE_BATCH):
            removed += ChurnRisk.objects.filter(customer_id__in=gone[start:start + WRITE_BATCH].tolist()).delete()[0]
    timings["write"] = time.perf_counter() - started - sum(timings.values())
    return ScoreResult(model, scored=len(rows), removed=removed, timings=timings)


def _upsert_by_copy(rows: list[ChurnRisk]) -> None:
    """PostgreSQL: COPY the rows into a temporary table and upsert them in one statement (a million
    rows in one pass instead of two hundred INSERT … ON CONFLICT statements). Inside the caller's
    transaction; the temporary table goes with it."""
    table = ChurnRisk._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE churn_scores (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        cursor.execute("ALTER TABLE churn_scores DROP COLUMN id")
        columns = "customer_id, model_id, scored_on, probability, band, reasons, mrr"
        with cursor.connection.cursor().copy(f"COPY churn_scores ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.customer_id, row.model_id, row.scored_on, row.probability, row.band,
                                json.dumps(row.reasons, ensure_ascii=False), row.mrr))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM churn_scores "
            "ON CONFLICT (customer_id) DO UPDATE SET model_id = EXCLUDED.model_id, scored_on = EXCLUDED.scored_on, "
            "probability = EXCLUDED.probability, band = EXCLUDED.band, reasons = EXCLUDED.reasons, mrr = EXCLUDED.mrr"
        )
        cursor.execute("DROP TABLE churn_scores")


def churn_training_request(*, actor) -> None:
    """Queue a training run (and the scoring after it) for the worker, once this transaction commits."""
    from .tasks import train_churn_model

    with transaction.atomic():
        audit_record(actor=actor, action="churn.train_requested", obj=actor, reason="Train now, from the console")
        transaction.on_commit(train_churn_model.delay)
