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
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from customers.models import Subscription
from ispbill.core.audit import audit_record

from . import learning
from .features import FEATURES, features_at
from .models import ChurnModel, ChurnRisk
from .reasons import rank_reasons
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
    probabilities = learning.predict(estimator, frame.matrix)
    contributions = learning.contributions(model.algorithm, estimator, artifact["typical"], frame.matrix, probabilities)
    reasons = rank_reasons(frame.matrix, contributions).as_json()
    bands = learning.bands(probabilities, model.band_thresholds)
    timings["model and reasons"] = time.perf_counter() - started - sum(timings.values())
    scores = ScoreRows(frame.customer_ids, probabilities, bands, reasons, frame.mrr_cents)
    removed = write_scores(model, today, scores)
    timings["write"] = time.perf_counter() - started - sum(timings.values())
    return ScoreResult(model, scored=len(frame.customer_ids), removed=removed, timings=timings, usage_windows=windows)


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

    PostgreSQL builds the day's table beside the old one and swaps it in (`_write_by_swap`); other
    databases upsert in batches (`_write_in_batches`)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _write_by_swap(model, today, scores)
        return _write_in_batches(model, today, scores)


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


def _write_by_swap(model: ChurnModel, today: date, scores: ScoreRows) -> int:
    """PostgreSQL: the day's rows are COPYed into a new table without indexes; its constraints and
    indexes are then built as the migrations made them (read from the catalog), and it replaces the old
    table (churn/tableswap.py). Every row changes daily (its date, usually its probability), and
    updating 851,000 rows in place while maintaining four indexes took 38–43 s; this takes a fraction
    (bench/README.md, "Churn prediction").

    Inside the caller's transaction, with these locks, each waiting at most
    `tableswap.LOCK_TIMEOUT` at a time:
    - from the start, EXCLUSIVE on ChurnRisk: other writers wait, readers go on reading the old rows;
    - before the foreign keys are added, SHARE ROW EXCLUSIVE on customers and churn models: their
      writers wait (about a second at 850,000 customers);
    - for the swap, ACCESS EXCLUSIVE on those and ChurnRisk until the commit (dropping the old table
      removes its foreign keys' triggers from them): everyone waits, for milliseconds. A query that
      waited on the old table then reads the new one (PostgreSQL looks the name up again after the
      wait); tests/churn/test_scoring_write.py shows it.

    A customer already scored keeps its row's id; a new one takes the identity sequence's next, and
    the sequence goes on after them. A scored customer deleted since the features were read is left
    out. Returns how many customers' rows went (no longer scored)."""
    from psycopg import sql

    from .tableswap import TableShape, lock

    table = ChurnRisk._meta.db_table
    customer = ChurnRisk._meta.get_field("customer")
    customers = sql.Identifier(customer.related_model._meta.db_table)
    new = f"{table}_swap"
    with connection.cursor() as django_cursor, connection.wrap_database_errors:
        cur = django_cursor.connection.cursor()
        lock(cur, [sql.Identifier(table)], "EXCLUSIVE")
        shape = TableShape.read(cur, table)
        # Checks still pending on the old table (rows written earlier in this transaction) would keep it
        # from being dropped: run them now.
        if shape.foreign_keys:
            cur.execute(sql.SQL("SET CONSTRAINTS {} IMMEDIATE").format(sql.SQL(", ").join(shape.foreign_keys)))

        # Each customer's id: its old row's, else the sequence's next.
        cur.execute(sql.SQL("SELECT {}, id FROM {}").format(sql.Identifier(customer.column), shape.ident))
        old = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 2)
        old = old[np.argsort(old[:, 0])]
        ids = np.zeros(len(scores.customer_ids), dtype=np.int64)
        kept = np.zeros(len(scores.customer_ids), dtype=bool)
        if len(old):
            at = np.minimum(np.searchsorted(old[:, 0], scores.customer_ids), len(old) - 1)
            kept = old[at, 0] == scores.customer_ids
            ids[kept] = old[at[kept], 1]
        if fresh := int((~kept).sum()):
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [shape.sequence, fresh])
            ids[~kept] = [pk for (pk,) in cur.fetchall()]
        cur.execute(sql.SQL("SELECT last_value FROM ") + sql.SQL(shape.sequence))
        (last_id,) = cur.fetchone()
        removed = len(old) - int(kept.sum())

        new_sequence = shape.create(cur, new)
        target = sql.Identifier(shape.schema, new)
        # The model and the date are the same on every row: column defaults while loading.
        cur.execute(sql.SQL("ALTER TABLE {} ALTER model_id SET DEFAULT {}, ALTER scored_on SET DEFAULT {}")
                    .format(target, sql.Literal(model.pk), sql.Literal(today)))
        columns = sql.SQL(", ").join(map(sql.Identifier, ["id", customer.column, "probability", "band", "reasons", "mrr"]))
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(target, columns)) as copy:
            for pk, row in zip(ids.tolist(), scores.rows()):
                copy.write_row((pk, *row))
        cur.execute(sql.SQL("ALTER TABLE {} ALTER model_id DROP DEFAULT, ALTER scored_on DROP DEFAULT").format(target))
        shape.build(cur, new, foreign_keys=False)
        cur.execute(sql.SQL("ANALYZE {}").format(target))
        cur.execute("SELECT setval(%s, %s)", [new_sequence, max(int(ids.max(initial=0)), last_id)])

        lock(cur, shape.referenced, "SHARE ROW EXCLUSIVE")
        cur.execute(sql.SQL("DELETE FROM {} n WHERE NOT EXISTS (SELECT FROM {} c WHERE c.{} = n.{})")
                    .format(target, customers, sql.Identifier(customer.target_field.column), sql.Identifier(customer.column)))
        shape.build(cur, new, foreign_keys=True)

        lock(cur, [*shape.referenced, shape.ident], "ACCESS EXCLUSIVE")
        shape.swap(cur, new, new_sequence)
    return removed


def churn_training_request(*, actor) -> None:
    """Queue a training run (and the scoring after it) for the worker, once this transaction commits."""
    from .tasks import train_churn_model

    with transaction.atomic():
        audit_record(actor=actor, action="churn.train_requested", obj=actor, reason="Train now, from the console")
        transaction.on_commit(train_churn_model.delay)
