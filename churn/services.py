"""Churn writes: train a model version (weekly) and score every counted customer (daily).

Training and scoring read a lot and compute for a while, so the reading and the learning happen
outside any transaction; only the writes at the end run inside `transaction.atomic`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.models import Subscription
from ispbill.core.audit import audit_record

from . import learning
from .features import FEATURES, features_at
from .models import ChurnModel, ChurnRisk
from .reasons import rank_reasons
from .selectors import risk_scores_changed
from .sql import scores_swap
from .usage_windows import usage_windows_refresh

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
    usage_windows: str = ""  # what bringing the usage windows to the day did: "rebuilt", "rolled 1 day(s)", "current"


def churn_risks_score(*, today: date | None = None, rebuild_usage_windows: bool = False) -> ScoreResult:
    """Score every customer counted yesterday (the last complete day) with the active model: their
    probability, band, top three reasons and monthly revenue at stake, one ChurnRisk row each; rows of
    customers no longer counted are removed. Without an active model nothing is scored, and the
    latest refusal says why.

    Usage is read from the usage windows (churn/usage_windows.py), rolled forward from the previous
    day's; `rebuild_usage_windows` rebuilds them from the full usage instead (the weekly training run
    does, so that usage corrected after its day was rolled in is picked up within a week)."""
    today = today or timezone.localdate()
    model = ChurnModel.objects.filter(status=ChurnModel.Status.ACTIVE).order_by("-version").first()
    if model is None:
        refused = ChurnModel.objects.filter(status=ChurnModel.Status.REFUSED).order_by("-version").first()
        return ScoreResult(None, refused=refused.refusal_reason if refused else "No churn model has been trained yet.")
    artifact = learning.load_artifact(model.artifact)
    started = time.perf_counter()
    day = today - timedelta(days=1)
    windows = usage_windows_refresh(day=day, rebuild=rebuild_usage_windows)
    timings = {"usage windows": time.perf_counter() - started}
    frame = features_at(day, incremental_usage=True)
    timings["features"] = time.perf_counter() - started - sum(timings.values())
    estimator = artifact["estimator"]
    # A model trained before features were added (fibre's, #54) reads only the columns it knows; the
    # new ones contribute nothing to its reasons until the next weekly training.
    columns = model_columns(model.feature_names)
    known = frame.matrix[:, columns]
    probabilities = learning.predict(estimator, known)
    contributions = np.zeros_like(frame.matrix)
    contributions[:, columns] = learning.contributions(model.algorithm, estimator, artifact["typical"], known, probabilities)
    reasons = rank_reasons(frame.matrix, contributions).as_json()
    bands = learning.bands(probabilities, model.band_thresholds)
    timings["model and reasons"] = time.perf_counter() - started - sum(timings.values())
    scores = ScoreRows(frame.customer_ids, probabilities, bands, reasons, frame.mrr_cents)
    removed = write_scores(model, today, scores)
    timings["write"] = time.perf_counter() - started - sum(timings.values())
    return ScoreResult(model, scored=len(frame.customer_ids), removed=removed, timings=timings, usage_windows=windows)


def model_columns(feature_names: list[str]) -> list[int]:
    """The matrix's columns a stored model was trained on, in its order (every column for a model
    stored without names)."""
    if not feature_names:
        return list(range(len(FEATURES)))
    unknown = [name for name in feature_names if name not in FEATURES]
    if unknown:
        raise ValueError(f"the active churn model uses features no longer computed: {', '.join(unknown)}; train it again")
    return [FEATURES.index(name) for name in feature_names]


@dataclass
class ScoreRows:
    """One scoring's results, column by column, in the order of `customer_ids` (sorted)."""

    customer_ids: np.ndarray
    probabilities: np.ndarray
    bands: np.ndarray
    reasons_json: list[str]  # each customer's reasons as JSON text (`RankedReasons.as_json`)
    mrr_cents: np.ndarray

    def rows(self):
        """(customer id, probability, band, reasons as JSON text, MRR as Decimal text) per customer."""
        for customer_id, p, band, why, cents in zip(self.customer_ids.tolist(), self.probabilities.tolist(), self.bands.tolist(),
                                                   self.reasons_json, self.mrr_cents.tolist()):
            yield customer_id, p, band, why, f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def write_scores(model: ChurnModel, today: date, scores: ScoreRows) -> int:
    """One ChurnRisk row per scored customer and none for anyone else, in one transaction; a customer
    keeps the id of its row. Returns how many rows of customers no longer scored were removed.

    PostgreSQL builds the day's table beside the old one and swaps it in (`sql.scores_swap`); other
    databases upsert in batches (`_write_in_batches`)."""
    with transaction.atomic():
        transaction.on_commit(risk_scores_changed, robust=True)
        removed = scores_swap(model, today, scores)  # None: not on this database
        return _write_in_batches(model, today, scores) if removed is None else removed


def _write_in_batches(model: ChurnModel, today: date, scores: ScoreRows) -> int:
    """Any database: `bulk_create(update_conflicts=True)` in batches, then the rows of customers no
    longer scored are deleted. Returns how many were."""
    rows = [
        ChurnRisk(customer_id=customer_id, model=model, scored_on=today, probability=p, band=band, reasons=json.loads(why),
                  mrr=Decimal(cents) / 100)
        for customer_id, p, band, why, cents in zip(scores.customer_ids.tolist(), scores.probabilities.tolist(), scores.bands.tolist(),
                                                   scores.reasons_json, scores.mrr_cents.tolist())
    ]
    for start in range(0, len(rows), WRITE_BATCH):
        ChurnRisk.objects.bulk_create(
            rows[start:start + WRITE_BATCH], update_conflicts=True, unique_fields=["customer"],
            update_fields=["model", "scored_on", "probability", "band", "reasons", "mrr"],
        )
    existing = np.fromiter(ChurnRisk.objects.values_list("customer_id", flat=True), dtype=np.int64)
    gone = np.setdiff1d(existing, scores.customer_ids)
    removed = 0
    for start in range(0, len(gone), WRITE_BATCH):
        removed += ChurnRisk.objects.filter(customer_id__in=gone[start:start + WRITE_BATCH].tolist()).delete()[0]
    return removed


def churn_training_request(*, actor) -> None:
    """Queue a training run (and the scoring after it) for the worker, once this transaction commits."""
    from .tasks import train_churn_model

    with transaction.atomic():
        audit_record(actor=actor, action="churn.train_requested", obj=actor, reason="Train now, from the console")
        transaction.on_commit(train_churn_model.delay)
