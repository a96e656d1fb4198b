"""The churn model: candidates, the time-based back-test, the choice between them, and per-customer
contributions (what the reasons are made of). Pure computation on NumPy arrays: no database here
(churn/services.py reads the features and stores the results).

Back-test: for each of the last six monthly cut-offs with a known outcome, each candidate is trained
on the cut-offs whose 30-day outcome was already known on that cut-off (never on the future) and
scored on it: ROC-AUC, PR-AUC (average precision), precision in the top 10 %, and a calibration table
of the pooled predictions. The candidate with the better mean PR-AUC wins (the classes are very
unbalanced, and who is on top of the list is what staff act on); logistic regression is kept unless
gradient boosting beats it by more than 0.01, since it is simpler and its contributions are exact.

scikit-learn is imported inside the functions that fit and score: importing it costs about 3 s of CPU,
and every process that loads the URLs (each test worker, `manage.py check`) imported it through here.
"""

from __future__ import annotations

import pickle
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .features import LABEL_DAYS

GBM, LOGISTIC = "gradient_boosting", "logistic_regression"
ALGORITHM_NAMES = {GBM: "Gradient boosting (HistGradientBoostingClassifier)", LOGISTIC: "Logistic regression"}
BACKTEST_CUTOFFS = 6
MAX_CUTOFFS = 12  # a year of month-ends is enough history to learn from
MIN_LABELLED_CUTOFFS = BACKTEST_CUTOFFS + 1  # each back-tested cut-off needs at least one earlier one to learn from
MIN_POSITIVES = 10  # churned customers across the labelled cut-offs
PREFER_SIMPLER_MARGIN = 0.01
HIGH_SHARE, MEDIUM_SHARE = 0.10, 0.20  # the riskiest tenth is high, the next fifth medium
CALIBRATION_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0000001)
MODEL_THREADS = 1  # OpenMP (gradient boosting) and BLAS (logistic regression) threads; see the module's docstring


@contextmanager
def single_threaded():
    """Fits and predictions inside run on MODEL_THREADS threads (restored on the way out)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=MODEL_THREADS):
        yield


def make_estimator(algorithm: str):
    if algorithm == GBM:
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
            early_stopping=False, random_state=0,
        )
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))


def labelled_cutoffs(today: date, first_day: date | None) -> list[date]:
    """Month-ends whose 30-day outcome is known by yesterday, from the first month-end after the
    earliest record (`first_day`), oldest first."""
    if first_day is None:
        return []
    cutoffs = []
    day = date(today.year, today.month, 1) - timedelta(days=1)
    while day >= first_day:
        if day + timedelta(days=LABEL_DAYS) < today:
            cutoffs.append(day)
        day = date(day.year, day.month, 1) - timedelta(days=1)
    return sorted(cutoffs)


def refusal(cutoffs: list[date], positives: int) -> str:
    """Why the history is too short to train and back-test honestly, or "" when it is long enough."""
    if len(cutoffs) < MIN_LABELLED_CUTOFFS:
        return (
            f"Only {len(cutoffs)} monthly cut-off(s) with a known 30-day outcome; the back-test needs "
            f"{MIN_LABELLED_CUTOFFS} (six to test, each with an earlier one to learn from), so about "
            f"{MIN_LABELLED_CUTOFFS + 1} months of history."
        )
    if positives < MIN_POSITIVES:
        return f"Only {positives} customer(s) churned across the {len(cutoffs)} cut-offs; at least {MIN_POSITIVES} are needed to learn from."
    return ""


def _precision_top(y: np.ndarray, p: np.ndarray, share: float = 0.10) -> float:
    k = max(int(round(len(p) * share)), 1)
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean())


def evaluate(y: np.ndarray, p: np.ndarray) -> dict:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    both = len(np.unique(y)) == 2
    return {
        "rows": int(len(y)), "positives": int(y.sum()), "base_rate": round(float(y.mean()), 4) if len(y) else 0.0,
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, p)), 4) if both else None,
        "precision_top10": round(_precision_top(y, p), 4) if len(y) else None,
        "brier": round(float(brier_score_loss(y, p)), 4) if len(y) else None,
    }


def calibration(y: np.ndarray, p: np.ndarray) -> list[dict]:
    rows = []
    for low, high in zip(CALIBRATION_BINS[:-1], CALIBRATION_BINS[1:]):
        mask = (p >= low) & (p < high)
        if mask.any():
            rows.append({
                "from": low, "to": min(high, 1.0), "customers": int(mask.sum()),
                "predicted": round(float(p[mask].mean()), 4), "observed": round(float(y[mask].mean()), 4),
            })
    return rows


@dataclass
class Dataset:
    """Rows of several cut-offs stacked: `cutoff_index[i]` says which cut-off row i belongs to."""

    cutoffs: list[date]
    matrix: np.ndarray
    labels: np.ndarray
    cutoff_index: np.ndarray


@dataclass
class TrainingResult:
    algorithm: str
    estimator: object
    backtest: dict
    band_thresholds: dict
    typical: np.ndarray  # per feature: the value contributions are measured against
    feature_names: list[str] = field(default_factory=list)

    def artifact(self) -> bytes:
        return pickle.dumps({"algorithm": self.algorithm, "estimator": self.estimator, "typical": self.typical,
                             "feature_names": self.feature_names})


def load_artifact(blob: bytes) -> dict:
    # Our own database's bytes, written by `TrainingResult.artifact` (never uploaded by a user).
    return pickle.loads(bytes(blob))  # noqa: S301


def _fold_rows(data: Dataset, test: int) -> np.ndarray:
    """Training rows for back-testing cut-off `test`: cut-offs whose outcome was known by then."""
    known = [i for i, c in enumerate(data.cutoffs) if c + timedelta(days=LABEL_DAYS) <= data.cutoffs[test]]
    return np.isin(data.cutoff_index, known)


def backtest(data: Dataset, algorithms=(LOGISTIC, GBM)) -> tuple[dict, dict]:
    """Per algorithm: per-cut-off metrics, the pooled metrics and calibration; and the pooled
    predictions of each (for band thresholds)."""
    with single_threaded():
        return _backtest(data, algorithms)


def _backtest(data: Dataset, algorithms) -> tuple[dict, dict]:
    tests = list(range(len(data.cutoffs)))[-BACKTEST_CUTOFFS:]
    results, pooled = {}, {}
    for algorithm in algorithms:
        per_cutoff, ys, ps = [], [], []
        for test in tests:
            train = _fold_rows(data, test)
            rows = data.cutoff_index == test
            y_train = data.labels[train]
            if not train.any() or len(np.unique(y_train)) < 2 or not rows.any():
                per_cutoff.append({"cutoff": data.cutoffs[test].isoformat(), "skipped": "no earlier outcome of both kinds to learn from"})
                continue
            model = make_estimator(algorithm).fit(data.matrix[train], y_train)
            p = model.predict_proba(data.matrix[rows])[:, 1]
            y = data.labels[rows]
            per_cutoff.append({"cutoff": data.cutoffs[test].isoformat(), "train_rows": int(train.sum()), **evaluate(y, p)})
            ys.append(y)
            ps.append(p)
        y_all = np.concatenate(ys) if ys else np.zeros(0, dtype=np.int8)
        p_all = np.concatenate(ps) if ps else np.zeros(0)
        scored = [r for r in per_cutoff if r.get("pr_auc") is not None]
        results[algorithm] = {
            "name": ALGORITHM_NAMES[algorithm],
            "cutoffs": per_cutoff,
            "mean_pr_auc": round(float(np.mean([r["pr_auc"] for r in scored])), 4) if scored else None,
            "mean_roc_auc": round(float(np.mean([r["roc_auc"] for r in scored])), 4) if scored else None,
            "mean_precision_top10": round(float(np.mean([r["precision_top10"] for r in scored])), 4) if scored else None,
            "pooled": evaluate(y_all, p_all) if len(y_all) else {},
            "calibration": calibration(y_all, p_all),
        }
        pooled[algorithm] = p_all
    return results, pooled


def choose(results: dict) -> tuple[str, str]:
    """The algorithm to keep, and why, in words for the console."""
    lr, gb = results.get(LOGISTIC, {}).get("mean_pr_auc"), results.get(GBM, {}).get("mean_pr_auc")
    if gb is None and lr is None:
        return LOGISTIC, "Neither candidate could be back-tested; logistic regression is the simpler default."
    if gb is None:
        return LOGISTIC, f"Only logistic regression could be back-tested (mean PR-AUC {lr:.3f})."
    if lr is None:
        return GBM, f"Only gradient boosting could be back-tested (mean PR-AUC {gb:.3f})."
    if gb > lr + PREFER_SIMPLER_MARGIN:
        return GBM, (
            f"Gradient boosting ranks churners better over the last {BACKTEST_CUTOFFS} cut-offs: mean PR-AUC "
            f"{gb:.3f} against {lr:.3f} for logistic regression (more than the {PREFER_SIMPLER_MARGIN} margin that "
            f"keeps the simpler model)."
        )
    return LOGISTIC, (
        f"Logistic regression is as good or better over the last {BACKTEST_CUTOFFS} cut-offs: mean PR-AUC {lr:.3f} "
        f"against {gb:.3f} for gradient boosting, so the simpler model with exact contributions is kept."
    )


def train(data: Dataset, feature_names: list[str]) -> TrainingResult:
    results, _ = backtest(data)
    algorithm, why = choose(results)
    latest = data.cutoff_index == len(data.cutoffs) - 1
    with single_threaded():
        estimator = make_estimator(algorithm).fit(data.matrix, data.labels)
        p_latest = estimator.predict_proba(data.matrix[latest])[:, 1]
    # The riskiest tenth is high and the next fifth medium, but never below the churn rate itself
    # (twice it for high): when most customers share one tiny probability, a quantile alone would
    # put them all in the top band.
    base_rate = float(data.labels[latest].mean()) if latest.any() else float(data.labels.mean())
    thresholds = {
        "medium": round(max(float(np.quantile(p_latest, 1 - HIGH_SHARE - MEDIUM_SHARE)), base_rate), 6),
        "high": round(max(float(np.quantile(p_latest, 1 - HIGH_SHARE)), 2 * base_rate), 6),
        "base_rate": round(base_rate, 6),
    }
    backtest_doc = {"candidates": results, "chosen": algorithm, "why": why, "backtest_cutoffs": BACKTEST_CUTOFFS}
    typical = np.median(data.matrix, axis=0)
    return TrainingResult(algorithm, estimator, backtest_doc, thresholds, typical, list(feature_names))


def predict(estimator, matrix: np.ndarray) -> np.ndarray:
    if not len(matrix):
        return np.zeros(0)
    with single_threaded():
        return estimator.predict_proba(matrix)[:, 1]


def contributions(algorithm: str, estimator, typical: np.ndarray, matrix: np.ndarray, base: np.ndarray) -> np.ndarray:
    """How much each feature pushes each customer's risk up, in the model's own terms.

    Logistic regression: coefficient × standardized value, centred on the training mean (the exact
    additive split of the log-odds). Gradient boosting: the drop in the customer's probability when
    that one feature is set to its typical (median) value, all else kept ("deviation from typical");
    computed only for the rows that differ from typical in that feature, since the rest contribute 0.
    """
    n, f = matrix.shape
    out = np.zeros((n, f), dtype=np.float64)
    if not n:
        return out
    if algorithm == LOGISTIC:
        scaler, model = estimator.steps[0][1], estimator.steps[-1][1]
        scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
        return (matrix - scaler.mean_) / scale * model.coef_[0]
    with single_threaded():
        for j in range(f):
            rows = np.flatnonzero(matrix[:, j] != typical[j])
            if not len(rows):
                continue
            changed = matrix[rows].copy()
            changed[:, j] = typical[j]
            out[rows, j] = base[rows] - estimator.predict_proba(changed)[:, 1]
    return out


def bands(probabilities: np.ndarray, thresholds: dict) -> np.ndarray:
    out = np.full(len(probabilities), "low", dtype=object)
    out[probabilities >= thresholds.get("medium", 1.0)] = "medium"
    out[probabilities >= thresholds.get("high", 1.0)] = "high"
    return out
