"""Staff screens of the move-in: upload, map, check, commit with a progress bar, report, undo, export.

Everything here needs the `imports.run_import` permission (the Admin role has it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

import usecases.import_commit
import usecases.import_undo
from imports import exports, router_import, selectors, services
from imports.models import ImportBatch, ImportProfile
from imports.reading import MAX_UPLOAD_BYTES
from imports.samples import CUSTOMERS_SAMPLE, PAST_PAYMENTS_SAMPLE
from ispbill.core.forms import add_service_errors
from ispbill.core.jobs import job_record
from web.surfaces import staff_permission_required

from .forms import MappingForm, ProfileChoiceForm, RouterImportForm, RouterMappingForm, UploadForm

PERM = "imports.run_import"


def _batch_or_404(pk: int) -> ImportBatch:
    try:
        return selectors.batch_get(pk=pk)
    except ImportBatch.DoesNotExist as exc:
        raise Http404 from exc


@require_http_methods(["GET", "POST"])
@staff_permission_required(PERM)
def import_list(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than %(mb)s MB: split it into several files.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        else:
            try:
                batch = services.batch_upload(
                    actor=request.user, name=upload.name, content=upload.read(), cutover_date=form.cleaned_data["cutover_date"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("staff:import-map", pk=batch.pk)
    return render(request, "imports/import_list.html", {
        "form": form, "batches": selectors.batches_recent()[:30], "router_form": RouterImportForm(),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@staff_permission_required(PERM)
def import_map(request, pk: int):
    batch = _batch_or_404(pk)
    if batch.source != ImportBatch.Source.FILE:
        return redirect("staff:import-router-map", pk=batch.pk)
    if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED):
        return redirect("staff:import-detail", pk=batch.pk)
    chooser = ProfileChoiceForm(request.GET or None)
    mapping = batch.mapping
    if chooser.is_valid() and chooser.cleaned_data["profile"]:
        mapping = chooser.cleaned_data["profile"].mapping
    initial = {f"map_{k}": v for k, v in mapping.items() if v in batch.headers}
    initial.update({"cutover_date": batch.cutover_date, "activate": batch.activate})
    form = MappingForm(request.POST or None, headers=batch.headers, kind=batch.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_map(
                actor=request.user, batch=batch, mapping=form.mapping(), profile_name=form.cleaned_data["profile_name"],
                cutover_date=form.cleaned_data["cutover_date"], activate=form.cleaned_data.get("activate", False),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("staff:import-detail", pk=batch.pk)
    unmapped = [h for h in batch.headers if h not in mapping.values()]
    return render(request, "imports/import_map.html", {
        "batch": batch, "form": form, "chooser": chooser, "unmapped": unmapped,
        "first_rows": [[row.data.get(h, "") for h in batch.headers] for row in batch.rows.order_by("line")[:3]], "has_profiles": ImportProfile.objects.exists(),
    }, status=400 if form.errors else 200)


@vary_on_headers("HX-Request")
@staff_permission_required(PERM)
def import_detail(request, pk: int):
    batch = _batch_or_404(pk)
    context = {
        "batch": batch,
        "error_rows": selectors.batch_error_rows(batch=batch),
        "sample_rows": selectors.batch_sample_rows(batch=batch) if batch.status == ImportBatch.Status.VALIDATED else [],
        "done_rows": selectors.batch_done_rows(batch=batch) if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.UNDONE) else [],
        "touched": services.batch_touched(batch=batch) if batch.status == ImportBatch.Status.DONE else "",
    }
    if request.htmx:
        return render(request, "imports/import_detail.html#import-progress", context)
    return render(request, "imports/import_detail.html", context)


@require_POST
@staff_permission_required(PERM)
def import_commit(request, pk: int):
    batch = _batch_or_404(pk)
    try:
        usecases.import_commit.batch_commit(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:import-detail", pk=batch.pk)


@require_POST
@staff_permission_required(PERM)
def import_undo(request, pk: int):
    batch = _batch_or_404(pk)
    try:
        batch = usecases.import_undo.batch_undo(actor=request.user, batch=batch, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        report = batch.undo_report
        if report.get("account_numbers"):
            messages.success(request, _("Import #%(pk)s undone: %(removed)s customers removed. The account numbers it used stay used: %(numbers)s.") % {
                "pk": batch.pk, "removed": report["removed"], "numbers": report["account_numbers"]})
        else:
            messages.success(request, _("Import #%(pk)s undone.") % {"pk": batch.pk})
    return redirect("staff:import-detail", pk=batch.pk)


@staff_permission_required(PERM)
def import_errors(request, pk: int):
    batch = _batch_or_404(pk)
    response = HttpResponse(services.error_report_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response


# Router import ---------------------------------------------------------------------------------------


@require_POST
@staff_permission_required(PERM)
def import_router_start(request):
    form = RouterImportForm(request.POST)
    if form.is_valid():
        try:
            batch = router_import.router_batch_read(
                actor=request.user, router=form.cleaned_data["router"], cutover_date=form.cleaned_data["cutover_date"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("staff:import-router-map", pk=batch.pk)
    else:
        messages.error(request, _("Choose a router to read."))
    return redirect("staff:import-list")


@require_http_methods(["GET", "POST"])
@staff_permission_required(PERM)
def import_router_map(request, pk: int):
    batch = _batch_or_404(pk)
    if batch.source != ImportBatch.Source.ROUTER:
        return redirect("staff:import-map", pk=batch.pk)
    if batch.status not in (ImportBatch.Status.MAPPING, ImportBatch.Status.VALIDATED):
        return redirect("staff:import-detail", pk=batch.pk)
    profiles = router_import.router_profiles(batch=batch)
    form = RouterMappingForm(request.POST or None, profiles=profiles, batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            router_import.router_batch_map(
                actor=request.user, batch=batch, choices=form.choices(), area=form.cleaned_data["area"],
                activate=form.cleaned_data["activate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("staff:import-detail", pk=batch.pk)
    return render(request, "imports/import_router_map.html", {"batch": batch, "form": form, "profiles": profiles},
                  status=400 if form.errors else 200)


SAMPLES = {
    ImportBatch.Kind.CUSTOMERS: (CUSTOMERS_SAMPLE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ImportBatch.Kind.PAST_PAYMENTS: (PAST_PAYMENTS_SAMPLE, "text/csv; charset=utf-8"),
}


@staff_permission_required(PERM)
def import_sample(request, kind: str):
    """The demo sheets, to see the shape a file may have (and to try the import with)."""
    if kind not in SAMPLES:
        raise Http404
    path_, content_type = SAMPLES[kind]
    response = HttpResponse(path_.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{path_.name}"'
    return response


# Export ----------------------------------------------------------------------------------------------


@staff_permission_required(PERM)
def export_all(request):
    # A bulk job answered to the browser, not a Celery task: recorded in the job log here.
    with job_record("imports.export", requested_by=request.user):
        archive = exports.export_zip()
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exports.archive_name()}"'
    return response


staff = [
    path("imports/", import_list, name="import-list"),
    path("imports/<int:pk>/", import_detail, name="import-detail"),
    path("imports/<int:pk>/map/", import_map, name="import-map"),
    path("imports/<int:pk>/commit/", import_commit, name="import-commit"),
    path("imports/<int:pk>/undo/", import_undo, name="import-undo"),
    path("imports/<int:pk>/errors.csv", import_errors, name="import-errors"),
    path("imports/router/", import_router_start, name="import-router-start"),
    path("imports/<int:pk>/router-map/", import_router_map, name="import-router-map"),
    path("imports/export.zip", export_all, name="import-export"),
    path("imports/samples/<slug:kind>/", import_sample, name="import-sample"),
]
