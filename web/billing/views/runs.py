"""Staff console: billing runs — the list, a run's progress, a preview (dry run) and "Start now"."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from billing.run import billing_run_resume, billing_run_start
from billing.selectors import (
    billing_run_failed_chunks,
    billing_run_is_stalled,
    billing_run_running,
    billing_run_sample,
    billing_runs,
)
from ispbill.core.forms import LocaleDateField, MarkInvalidMixin, add_service_errors
from web.surfaces import staff_permission_required

PREVIEW_MAX_DAYS_AHEAD = 366
SAMPLE_LIMIT = 50


class PreviewForm(MarkInvalidMixin, forms.Form):
    run_date = LocaleDateField(label=_("As of"))

    def clean_run_date(self):
        day = self.cleaned_data["run_date"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError(_("A preview looks ahead: choose today or a later date."))
        if day > today + timedelta(days=PREVIEW_MAX_DAYS_AHEAD):
            raise ValidationError(_("Choose a date at most a year ahead."))
        return day


def _list_context(request, preview_form: PreviewForm | None = None) -> dict:
    page = Paginator(billing_runs(), settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "polling": any(run.is_running for run in page.object_list),
        "preview_form": preview_form or PreviewForm(initial={"run_date": timezone.localdate()}),
        "running": billing_run_running(),
    }


@vary_on_headers("HX-Request")
@staff_permission_required("billing.view_billingrun")
def billingrun_list(request):
    context = _list_context(request)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "billing/billingrun_list.html#billingrun-list", context)
    return render(request, "billing/billingrun_list.html", context)


@staff_permission_required("billing.view_billingrun", "billing.start_billingrun")
@require_POST
def billingrun_start(request):
    try:
        run = billing_run_start(actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("staff:billingrun-list")
    messages.success(request, _t("Billing run for %(date)s started.") % {"date": date_format(run.run_date, "j M Y")})
    return redirect("staff:billingrun-detail", pk=run.pk)


@staff_permission_required("billing.view_billingrun", "billing.start_billingrun")
@require_POST
def billingrun_preview(request):
    form = PreviewForm(request.POST)
    if form.is_valid():
        try:
            run = billing_run_start(actor=request.user, run_date=form.cleaned_data["run_date"], dry_run=True)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _t("Preview started: nothing is written while it runs."))
            return redirect("staff:billingrun-detail", pk=run.pk)
    return render(request, "billing/billingrun_list.html", _list_context(request, form), status=400)


@vary_on_headers("HX-Request")
@staff_permission_required("billing.view_billingrun")
def billingrun_detail(request, pk: int):
    run = get_object_or_404(billing_runs(), pk=pk)
    context = {
        "run": run,
        "stalled": billing_run_is_stalled(run),
        "failed_chunks": billing_run_failed_chunks(run),
        "sample": billing_run_sample(run, limit=SAMPLE_LIMIT) if run.dry_run else [],
        "sample_limit": SAMPLE_LIMIT,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "billing/billingrun_detail.html#billingrun-progress", context)
    return render(request, "billing/billingrun_detail.html", context)


@staff_permission_required("billing.view_billingrun", "billing.start_billingrun")
@require_POST
def billingrun_resume(request, pk: int):
    run = get_object_or_404(billing_runs(), pk=pk)
    try:
        queued = billing_run_resume(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _t("%(count)s unfinished chunks queued again.") % {"count": queued})
    return redirect("staff:billingrun-detail", pk=run.pk)


urlpatterns = [
    path("billing/runs/", billingrun_list, name="billingrun-list"),
    path("billing/runs/start/", billingrun_start, name="billingrun-start"),
    path("billing/runs/preview/", billingrun_preview, name="billingrun-preview"),
    path("billing/runs/<int:pk>/", billingrun_detail, name="billingrun-detail"),
    path("billing/runs/<int:pk>/resume/", billingrun_resume, name="billingrun-resume"),
]
