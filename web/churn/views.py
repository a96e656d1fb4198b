"""Churn prediction's staff page: Model quality (the back-test of the active model, its calibration,
the versions and why a version was refused), with "Train now" for administrators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from churn.learning import ALGORITHM_NAMES
from churn.selectors import active_model, latest_model, model_versions, risk_summary
from churn.services import churn_training_request
from web.surfaces import staff_permission_required


def _candidates(model) -> list[dict]:
    rows = []
    for key, result in (model.backtest.get("candidates") or {}).items() if model else ():
        rows.append({"key": key, "chosen": key == model.backtest.get("chosen"), **result})
    return rows


@staff_permission_required("churn.view_churnmodel")
def model_quality(request):
    model = active_model()
    latest = latest_model()
    context = {
        "model": model,
        "latest": latest,
        "refused": latest if latest and latest.status == latest.Status.REFUSED else None,
        "candidates": _candidates(model),
        "chosen_name": ALGORITHM_NAMES.get(model.algorithm, model.algorithm) if model else "",
        "versions": model_versions(),
        "summary": risk_summary(),
        "can_train": request.user.has_perm("churn.train_churnmodel"),
    }
    return render(request, "churn/model_quality.html", context)


@staff_permission_required("churn.train_churnmodel")
@require_POST
def model_train(request):
    churn_training_request(actor=request.user)
    messages.success(request, _t("Training queued: the new version and its scores appear here when the worker finishes."))
    return redirect("staff:churn-model-quality")


staff_urls = [
    path("churn/model/", model_quality, name="churn-model-quality"),
    path("churn/model/train/", model_train, name="churn-model-train"),
]
