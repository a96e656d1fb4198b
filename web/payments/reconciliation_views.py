"""Staff console: reconciliation with the gateways (a day per gateway: matched, missing on our side,
missing at the gateway, amounts differ; a button per difference), the upload of the gateway's
settlement report, and the settlement report per gateway over a range of days."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from payments import reconciliation
from payments.gateways import GATEWAYS
from payments.models import ReconciliationItem
from payments.online_forms import (
    ReconciliationFilterForm,
    ReconciliationRunForm,
    ResolveForm,
    SettlementReportForm,
    StatementUploadForm,
)
from usecases import reconciliation as recon_usecases
from web.surfaces import staff_permission_required

VIEW = "payments.view_reconciliationitem"
SETTLE = "payments.settle_reconciliationitem"
UPLOAD = "payments.add_gatewaystatement"


def _page_url(gateway: str, day) -> str:
    return f"{reverse('staff:reconciliation')}?gateway={gateway}&day={day:%d/%m/%Y}"


@staff_permission_required(VIEW)
@vary_on_headers("HX-Request")
def reconciliation_page(request):
    default = {"gateway": next(iter(GATEWAYS)), "day": (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")}
    form = ReconciliationFilterForm({**default, **request.GET.dict()} if request.GET else default)
    if not form.is_valid():
        return render(request, "payments/online/reconciliation.html", {"form": form}, status=400)
    gateway, day, kind = form.cleaned_data["gateway"], form.cleaned_data["day"], form.cleaned_data["kind"]
    items = reconciliation.items_for(gateway=gateway, day=day, kind=None if kind in ("", "all") else kind)
    if kind == "":
        items = items.exclude(kind=ReconciliationItem.Kind.MATCHED)
    context = {
        "form": form, "gateway": gateway, "gateway_label": GATEWAYS[gateway].label, "day": day, "kind": kind,
        "items": items[:500], "counts": reconciliation.item_counts(gateway=gateway, day=day),
        "run": reconciliation.last_run(gateway=gateway, day=day), "statement": reconciliation.statement_for(gateway=gateway, day=day),
        "upload_form": StatementUploadForm(initial={"gateway": gateway, "day": day}, prefix="upload"),
        "can_settle": request.user.has_perm(SETTLE), "can_upload": request.user.has_perm(UPLOAD),
    }
    return render(request, "payments/online/reconciliation.html", context)


@staff_permission_required(VIEW, SETTLE)
@require_POST
def reconciliation_run_view(request):
    form = ReconciliationRunForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_t("Choose a gateway and a day."))
    gateway, day = form.cleaned_data["gateway"], form.cleaned_data["day"]
    if day >= timezone.localdate() + timedelta(days=1):
        return HttpResponseBadRequest(_t("That day has not happened yet."))
    counts = recon_usecases.reconciliation_run(actor=request.user, gateway=gateway, day=day)
    messages.info(request, _t("Reconciled: %(matched)s matched, %(diff)s differences, %(unchecked)s not checked.") % {
        "matched": counts.get("matched", 0),
        "diff": counts.get("missing_ours", 0) + counts.get("missing_gateway", 0) + counts.get("amount_mismatch", 0),
        "unchecked": counts.get("unchecked", 0)})
    return redirect(_page_url(gateway, day))


@staff_permission_required(VIEW, UPLOAD)
@require_POST
def statement_upload(request):
    form = StatementUploadForm(request.POST, request.FILES, prefix="upload")
    if not form.is_valid():
        return render(request, "payments/online/statement_upload.html", {"form": form}, status=400)
    gateway, day, upload = form.cleaned_data["gateway"], form.cleaned_data["day"], form.cleaned_data["file"]
    if upload.size > reconciliation.STATEMENT_MAX_BYTES:
        form.add_error("file", _t("The file is larger than 5 MB."))
        return render(request, "payments/online/statement_upload.html", {"form": form}, status=400)
    try:
        reconciliation.statement_import(actor=request.user, gateway=gateway, day=day, filename=upload.name, data=upload.read())
    except ValidationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return render(request, "payments/online/statement_upload.html", {"form": form}, status=400)
    recon_usecases.reconciliation_run(actor=request.user, gateway=gateway, day=day)
    messages.success(request, _t("Report uploaded and the day reconciled again."))
    return redirect(_page_url(gateway, day))


@staff_permission_required(VIEW, SETTLE)
@require_POST
def reconciliation_resolve(request, pk: int):
    item = get_object_or_404(ReconciliationItem, pk=pk)
    form = ResolveForm(request.POST)
    if len(request.POST.getlist("action")) != 1 or len(request.POST.getlist("note")) > 1 or not form.is_valid():
        return HttpResponseBadRequest(_t("Unknown action."))
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    error = ""
    try:
        if action == "settle":
            item = recon_usecases.reconciliation_settle(actor=request.user, item=item)
        elif action == "reverse":
            item = recon_usecases.reconciliation_reverse(actor=request.user, item=item, reason=note)
        elif action == "refund_needed":
            item = recon_usecases.reconciliation_mark_refund_needed(actor=request.user, item=item, note=note)
        else:
            item = recon_usecases.reconciliation_acknowledge(actor=request.user, item=item, note=note)
    except ValidationError as problem:
        error = " ".join(problem.messages)
        item.refresh_from_db()
    if request.htmx:
        item = reconciliation.items_for(gateway=item.gateway, day=item.day).get(pk=item.pk)
        response = render(request, "payments/online/reconciliation.html#recon-row",
                          {"item": item, "can_settle": True, "row_error": error})
        # The counts above the list change with the row: sent along out of band, so "2 open" is not left
        # standing after the last one was settled.
        counts = render(request, "payments/online/reconciliation.html#recon-counts",
                        {"counts": reconciliation.item_counts(gateway=item.gateway, day=item.day), "oob": True})
        response.content += counts.content
        if error:
            response.status_code = 422
        return response
    if error:
        return render(request, "payments/online/reconciliation_refused.html",
                      {"item": item, "error": error, "back": _page_url(item.gateway, item.day)}, status=422)
    else:
        messages.success(request, _t("%(txn)s: %(how)s.") % {"txn": item.txn_id or item.key, "how": item.get_resolution_display()})
    return redirect(_page_url(item.gateway, item.day))


@staff_permission_required(VIEW)
def settlement_report(request):
    yesterday = timezone.localdate() - timedelta(days=1)
    default = {"gateway": next(iter(GATEWAYS)), "first": (yesterday - timedelta(days=6)).strftime("%d/%m/%Y"),
               "last": yesterday.strftime("%d/%m/%Y")}
    form = SettlementReportForm({**default, **request.GET.dict()} if request.GET else default)
    if not form.is_valid():
        return render(request, "payments/online/settlement_report.html", {"form": form}, status=400)
    report = reconciliation.settlement_report(gateway=form.cleaned_data["gateway"], first=form.cleaned_data["first"],
                                              last=form.cleaned_data["last"])
    return render(request, "payments/online/settlement_report.html",
                  {"form": form, "report": report, "gateway_label": GATEWAYS[report["gateway"]].label})


urlpatterns = [
    path("online-payments/reconciliation/", reconciliation_page, name="reconciliation"),
    path("online-payments/reconciliation/run/", reconciliation_run_view, name="reconciliation-run"),
    path("online-payments/reconciliation/statement/", statement_upload, name="reconciliation-statement"),
    path("online-payments/reconciliation/<int:pk>/resolve/", reconciliation_resolve, name="reconciliation-resolve"),
    path("online-payments/settlement-report/", settlement_report, name="settlement-report"),
]
