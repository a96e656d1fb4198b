"""Staff console: the job log (filters, failures and late jobs at a glance), a run's detail with its
error, and "run again" (administrators). Thin: the reads and the service are in dashboard/jobs.py."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from dashboard import jobs
from dashboard.prometheus import registry, token_matches
from ispbill.core.models import JobRun
from web.surfaces import staff_permission_required

from .jobs_forms import JobFilterForm, RunAgainForm


def _list_context(request, filters: JobFilterForm) -> dict:
    now = timezone.now()
    health = jobs.jobs_health(now=now)
    page = Paginator(jobs.job_runs(**filters.filters()), settings.STAFF_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters, "page": page, "query": query.urlencode(), "health": health,
        "late_count": sum(1 for item in health if item.late),
        "failing_count": sum(1 for item in health if item.failing),
        "failed_today": jobs.failures_since(since=now - timedelta(hours=24)),
        "can_rerun": request.user.has_perm(jobs.RERUN_PERMISSION),
    }


@require_GET
@vary_on_headers("HX-Request")
@staff_permission_required(jobs.VIEW_PERMISSION)
def job_list(request):
    filters = JobFilterForm(request.GET or None)
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    context = _list_context(request, filters)
    if request.htmx:
        return render(request, "dashboard/job_list.html#job-runs", context, status=status)
    return render(request, "dashboard/job_list.html", context, status=status)


@require_GET
@staff_permission_required(jobs.VIEW_PERMISSION)
def job_detail(request, pk: int):
    try:
        run = jobs.job_run_get(pk=pk)
    except JobRun.DoesNotExist:
        raise Http404
    return render(request, "dashboard/job_detail.html", {
        "run": run, "can_run_again": request.user.has_perm(jobs.RERUN_PERMISSION) and jobs.can_run_again(run),
        "periodic": next((item.job for item in jobs.jobs_health() if item.job.task == run.task_name), None),
        "can_rerun": request.user.has_perm(jobs.RERUN_PERMISSION),
    })


@require_POST
@staff_permission_required(jobs.VIEW_PERMISSION, jobs.RERUN_PERMISSION)
def job_run_again(request):
    form = RunAgainForm(request.POST)
    error = None
    if not form.is_valid():
        error = " ".join(form.non_field_errors()) or _("That is not a job.")
    else:
        run = None
        if form.cleaned_data["run"]:
            run = JobRun.objects.filter(pk=form.cleaned_data["run"]).first()
            if run is None:
                raise Http404
        try:
            queued = jobs.job_run_again(actor=request.user, job=form.cleaned_data["job"], run=run)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            flash.success(request, _("“%(job)s” is queued to run again.") % {"job": queued.label})
            return redirect(reverse("staff:job-list") + "?" + urlencode({"job": queued.task}))
    flash.error(request, error)
    filters = JobFilterForm()
    return render(request, "dashboard/job_list.html", _list_context(request, filters), status=400)


@require_GET
def metrics(request):
    """/metrics for Prometheus: 404 unless METRICS_TOKEN is set (no endpoint to find), 401 without the
    right bearer token. Not under a surface: no session, no CSRF; the token is the only way in."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    if not settings.METRICS_TOKEN:
        raise Http404
    if not token_matches(request.headers.get("Authorization", "")):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
