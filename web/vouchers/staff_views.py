"""Staff console screens for prepaid cards: plans, Wi-Fi zones, batches (generate, print, export,
suspend, resume, cancel, issue to a distributor), blocking a lost card by serial, and the report."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ispbill.accounts.selectors import user_branch_ids
from ispbill.core import csvfiles
from ispbill.core.money import format_money
from vouchers import documents, hotspot, selectors, services
from vouchers.models import VoucherBatch, VoucherCard, format_serial
from web.surfaces import staff_permission_required

from .forms import BatchForm, BlockForm, IssueForm, PlanForm, PrintForm, ReportForm, StatusForm, ZoneForm

# Up to this many cards a batch is made in the request (well under a second: bench/vouchers.py makes
# 100,000 in about 6 s), and its page opens ready to print; above, a request would hold a web worker for
# seconds to half a minute, so the cards are made by a background job while the page shows the progress.
WEB_SYNC_MAX = 2_000

VIEW = "vouchers.view_voucherbatch"
ADD = "vouchers.add_voucherbatch"
CHANGE = "vouchers.change_voucherbatch"
ISSUE = "vouchers.issue_voucherbatch"
BLOCK = "vouchers.change_vouchercard"


def errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


# --- plans ---------------------------------------------------------------------------------------------

@require_GET
@staff_permission_required("vouchers.view_voucherplan")
def plan_list(request):
    return render(request, "vouchers/staff/plan_list.html", {"plans": selectors.plans()})


@require_http_methods(["GET", "POST"])
@staff_permission_required("vouchers.add_voucherplan")
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
            return redirect("staff:voucher-plan-list")
    return render(request, "vouchers/staff/plan_form.html", {"form": form}, status=_status(request))


@require_http_methods(["GET", "POST"])
@staff_permission_required("vouchers.change_voucherplan")
def plan_edit(request, pk: int):
    plan = selectors.plan_get(pk=pk)
    # A copy: a ModelForm writes into its instance while validating; the service is what saves.
    form = PlanForm(request.POST or None, instance=copy(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("staff:voucher-plan-list")
    return render(request, "vouchers/staff/plan_form.html", {"form": form, "plan": plan}, status=_status(request))


# --- zones ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_permission_required("vouchers.view_wifizone")
def zone_list(request):
    form = ZoneForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("vouchers.add_wifizone"):
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.zone_create(actor=request.user, name=data["name"], area=data["area"], router=data["router"],
                                     sells_online=data["sells_online"], remember_mac=data["remember_mac"])
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Zone %(name)s added.") % {"name": data["name"]})
                return redirect("staff:voucher-zone-list")
    return render(request, "vouchers/staff/zone_list.html", {"zones": selectors.zones(user=request.user), "form": form},
                  status=_status(request))


@require_http_methods(["GET", "POST"])
@staff_permission_required("vouchers.change_wifizone")
def zone_edit(request, pk: int):
    zone = selectors.zone_get(pk=pk, user=request.user)
    form = ZoneForm(request.POST or None, user=request.user, initial={"name": zone.name, "area": zone.area, "router": zone.router,
                                                                      "is_active": zone.is_active, "sells_online": zone.sells_online,
                                                                      "remember_mac": zone.remember_mac})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.zone_update(actor=request.user, zone=zone, name=data["name"], area=data["area"], router=data["router"],
                                 is_active=data["is_active"], sells_online=data["sells_online"], remember_mac=data["remember_mac"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Zone saved."))
            return redirect("staff:voucher-zone-list")
    return render(request, "vouchers/staff/zone_form.html", {"form": form, "zone": zone}, status=_status(request))


@require_GET
@staff_permission_required("vouchers.change_wifizone")
def zone_hotspot_zip(request, pk: int):
    """The zone's MikroTik hotspot pages (vouchers/hotspot.py), to upload to its router."""
    zone = selectors.zone_get(pk=pk)
    response = HttpResponse(hotspot.hotspot_zip(zone), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="hotspot-zone-{zone.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response


# --- batches -------------------------------------------------------------------------------------------

@require_GET
@staff_permission_required(VIEW)
def batch_list(request):
    status = request.GET.get("status", "")
    status = status if status in VoucherBatch.Status.values else ""
    batches = list(selectors.batches_for_staff(user=request.user, status=status)[:200])
    counts = selectors.batch_counts(batch_ids=[b.pk for b in batches])
    rows = [(batch, counts[batch.pk]) for batch in batches]
    return render(request, "vouchers/staff/batch_list.html", {
        "rows": rows, "status": status, "statuses": VoucherBatch.Status.choices,
    })


@require_http_methods(["GET", "POST"])
@staff_permission_required(ADD)
def batch_create(request):
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        make = services.batch_generate if data["count"] <= WEB_SYNC_MAX else services.batch_queue
        try:
            with transaction.atomic():
                batch = make(actor=request.user, plan=data["plan"], count=data["count"], zone=data["zone"], note=data["note"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if batch.is_ready:
                messages.success(request, _("Batch %(number)s made: %(count)s cards.") % {"number": batch.number, "count": batch.count})
            else:
                messages.info(request, _("Batch %(number)s is being generated: %(count)s cards. This page shows when it is ready.") % {
                    "number": batch.number, "count": batch.count})
            return redirect("staff:voucher-batch-detail", pk=batch.pk)
    return render(request, "vouchers/staff/batch_form.html", {"form": form, "sync_max": WEB_SYNC_MAX}, status=_status(request))


def _detail(request, batch, *, print_form=None, status_form=None, issue_form=None, status=200):
    counts = selectors.batch_counts(batch_ids=[batch.pk])[batch.pk]
    # While the batch is generated the page polls its one region (`voucher-batch`), which brings the
    # print, issue and status forms once it is ready.
    template = "vouchers/staff/batch_detail.html#voucher-batch" if request.htmx else "vouchers/staff/batch_detail.html"
    return render(request, template, {
        "batch": batch, "counts": counts,
        "print_form": print_form or PrintForm(batch=batch, max_cards=documents.MAX_PRINT, initial={
            "first_serial": batch.first_serial, "last_serial": min(batch.last_serial, batch.first_serial + 999)}),
        "status_form": status_form or StatusForm(), "issue_form": issue_form or IssueForm(user=request.user),
        "first_serial": format_serial(batch.first_serial), "last_serial": format_serial(batch.last_serial),
        "states": VoucherCard.State.choices,
    }, status=status)


@require_GET
@vary_on_headers("HX-Request")
@staff_permission_required(VIEW)
def batch_detail(request, pk: int):
    return _detail(request, selectors.batch_get_for_staff(pk=pk, user=request.user))


def _not_ready(request, batch):
    """A batch still being generated (or whose generation failed) has no codes to print or export: 409."""
    if batch.is_ready:
        return None
    messages.error(request, _("The cards of this batch are not made yet."))
    return _detail(request, batch, status=409)


@require_GET
@staff_permission_required(VIEW, "vouchers.view_vouchercard")
def batch_pdf(request, pk: int):
    batch = selectors.batch_get_for_staff(pk=pk, user=request.user)
    if (refused := _not_ready(request, batch)) is not None:
        return refused
    form = PrintForm(request.GET, batch=batch, max_cards=documents.MAX_PRINT)
    if not form.is_valid():
        return _detail(request, batch, print_form=form, status=400)
    data = form.cleaned_data
    return pdf_response(batch, data)


def pdf_response(batch, data) -> HttpResponse:
    content = documents.cards_pdf(batch=batch, language=data["language"], first_serial=data["first_serial"], last_serial=data["last_serial"])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{batch.number}-{data["first_serial"]:09d}-{data["last_serial"]:09d}-{data["language"]}.pdf"')
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_permission_required(VIEW, "vouchers.view_vouchercard")
def batch_csv(request, pk: int):
    batch = selectors.batch_get_for_staff(pk=pk, user=request.user)
    if (refused := _not_ready(request, batch)) is not None:
        return refused
    return csv_response(batch)


def csv_response(batch) -> HttpResponse:
    response = HttpResponse(documents.cards_csv(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_permission_required(CHANGE)
def batch_status(request, pk: int):
    batch = selectors.batch_get_for_staff(pk=pk, user=request.user)
    form = StatusForm(request.POST)
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "suspend":
                services.batch_suspend(actor=request.user, batch=batch, reason=reason)
                messages.success(request, _("Batch suspended: its unused cards stop working until it is resumed."))
            elif action == "resume":
                services.batch_resume(actor=request.user, batch=batch)
                messages.success(request, _("Batch resumed."))
            else:
                services.batch_cancel(actor=request.user, batch=batch, reason=reason)
                messages.success(request, _("Batch cancelled: its unused cards no longer work."))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            return redirect("staff:voucher-batch-detail", pk=batch.pk)
    return _detail(request, selectors.batch_get_for_staff(pk=pk, user=request.user), status_form=form, status=400)


@require_POST
@staff_permission_required(ISSUE)
def batch_issue(request, pk: int):
    batch = selectors.batch_get_for_staff(pk=pk, user=request.user)
    form = IssueForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            batch = services.batch_issue(actor=request.user, batch=batch, distributor=form.cleaned_data["distributor"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Batch issued to %(name)s: %(total)s taken from their wallet.") % {
                "name": batch.distributor.name, "total": format_money(batch.wallet_entry.amount.copy_abs())})
            return redirect("staff:voucher-batch-detail", pk=batch.pk)
    return _detail(request, selectors.batch_get_for_staff(pk=pk, user=request.user), issue_form=form, status=400)


# --- cards ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_permission_required(BLOCK)
def card_block(request):
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = services.card_block(actor=request.user, serial=form.cleaned_data["serial"], reason=form.cleaned_data["reason"],
                                       within_branches=user_branch_ids(request.user))
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Card %(serial)s blocked.") % {"serial": format_serial(card.serial)})
            return redirect("staff:voucher-card-block")
    recent = selectors.blocked_cards_for_staff(user=request.user)
    return render(request, "vouchers/staff/card_block.html", {"form": form, "recent": recent}, status=_status(request))


# --- report --------------------------------------------------------------------------------------------

@require_GET
@staff_permission_required(VIEW)
def report(request):
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "vouchers/staff/report.html", {"form": form, "sellers": selectors.seller_counts(user=request.user),
                                                              "online": selectors.online_counts(user=request.user)}, status=400)
    data = form.cleaned_data
    result = selectors.report(start=data["start"], end=data["end"], group=data["group"], user=request.user)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cards-{data["group"]}-{data["start"]}-{data["end"]}.csv"'
        write = csvfiles.writer(response)
        write.writerow([data["group"], "issued", "sold", "sold_online", "used", "refunded_online", "revenue"])
        for row in [*result["rows"], result["total"]]:
            write.writerow([row.label, row.issued, row.sold, row.online, row.used, row.refunded, row.revenue])
        return response
    return render(request, "vouchers/staff/report.html", {"form": form, "result": result, "sellers": selectors.seller_counts(user=request.user),
                                                          "online": selectors.online_counts(user=request.user), "data": data})
