"""Celery entry points of churn (scheduled in config/celery.py): train weekly, score daily."""

from celery import shared_task

from ispbill.core.jobs import job_progress

from .services import churn_model_train, churn_risks_score


@shared_task
def train_churn_model() -> str:
    """A new model version from the history to date, then every customer scored with it, the usage
    windows rebuilt from the full usage (so drift in them lasts at most a week; churn/usage_windows.py)."""
    model = churn_model_train()
    if model.status != model.Status.ACTIVE:
        job_progress(failed=1)
        return f"refused: {model.refusal_reason}"
    result = churn_risks_score(rebuild_usage_windows=True)
    job_progress(processed=result.scored)
    return f"v{model.version} {model.algorithm}: {result.scored} scored"


@shared_task
def score_churn_risks() -> str:
    result = churn_risks_score()
    job_progress(processed=result.scored, skipped=1 if result.refused else 0)
    return f"refused: {result.refused}" if result.refused else f"{result.scored} scored, {result.removed} removed"
