"""Staff console: the equipment store. The list with its counts per model and status and per
technician; receiving serials (typed or scanned, or from a spreadsheet); an item's page with its
history; issue, return, faulty and write-off as dialogs. Every item is fetched through the
branch-scoped selector: another branch's item is a 404."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from customers.selectors import branches_visible_to
from fieldservice import selectors, stock
from fieldservice.models import EquipmentItem, EquipmentModel
from imports.reading import sheet_read
from ispbill.core.forms import add_service_errors
from web.surfaces import staff_permission_required

from ..forms import ReceiveForm, ReceiveSheetForm, StockIssueForm, StockNoteForm, StockReasonForm

VIEW = "fieldservice.view_equipmentitem"
ADD = "fieldservice.add_equipmentitem"
CHANGE = "fieldservice.change_equipmentitem"
WRITE_OFF = "fieldservice.writeoff_equipmentitem"
CHANGED = "equipmentChanged"
FILTERS = ("status", "model", "technician", "branch", "q")


def _region(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _in_dialog(request) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def _closed(request):
    """The dialog's answer on success: it closes, the page's regions redraw, the message shows."""
    response = render(request, "fieldservice/equipment_move.html#dialog-empty", {})
    response["HX-Trigger"] = json.dumps({CHANGED: None, "closeModal": None})
    return response


@staff_permission_required(VIEW)
@require_GET
@vary_on_headers("HX-Request")
def equipment_list(request):
    params = {key: request.GET.get(key, "")[:64] for key in FILTERS}
    context = {
        "items": selectors.equipment_list(user=request.user, **params)[:300], "params": params,
        "statuses": EquipmentItem.Status.choices, "models": EquipmentModel.objects.filter(serial_tracked=True),
        "technicians": selectors.stock_technicians(user=request.user), "branches": branches_visible_to(request.user).order_by("name"),
        "counts": selectors.equipment_counts(user=request.user, branch=params["branch"]),
    }
    template = "fieldservice/equipment_list.html#equipment-page" if _region(request) else "fieldservice/equipment_list.html"
    return render(request, template, context)


@staff_permission_required(VIEW, ADD)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def equipment_receive(request):
    branches = branches_visible_to(request.user).order_by("name")
    form = ReceiveForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            items = stock.equipment_receive(
                actor=request.user, model=data["model"], branch=data["branch"], serials=form.serial_lines(), note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Received %(count)s × %(model)s into %(branch)s.") % {
                "count": len(items), "model": data["model"], "branch": data["branch"]})
            if _in_dialog(request):
                return _closed(request)
            return redirect("staff:equipment-list")
    template = "fieldservice/equipment_receive.html"
    return render(
        request, f"{template}#dialog" if _in_dialog(request) else template, {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_permission_required(VIEW, ADD)
@require_http_methods(["GET", "POST"])
def equipment_receive_sheet(request):
    """Receive from a spreadsheet: read with the imports' reader (its limits and messages), every row
    checked, all or nothing."""
    branches = branches_visible_to(request.user).order_by("name")
    form = ReceiveSheetForm(request.POST or None, request.FILES or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = sheet_read(name=upload.name, content=upload.read())
            items = stock.equipment_receive_sheet(
                actor=request.user, branch=form.cleaned_data["branch"], headers=sheet.headers, rows=sheet.rows,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                form.add_error("file", error.messages)
        else:
            messages.success(request, _("Received %(count)s serials into %(branch)s.") % {
                "count": len(items), "branch": form.cleaned_data["branch"]})
            return redirect(f"{reverse('staff:equipment-list')}?branch={form.cleaned_data['branch'].pk}")
    return render(request, "fieldservice/equipment_receive_sheet.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _detail_context(request, item) -> dict:
    user = request.user
    return {
        "item": item, "movements": selectors.equipment_history(item=item),
        "may_issue": user.has_perm(CHANGE) and item.can("issue"),
        "may_return": user.has_perm(CHANGE) and item.can("return"),
        "may_faulty": user.has_perm(CHANGE) and item.can("faulty"),
        "may_write_off": user.has_perm(WRITE_OFF) and item.can("write_off"),
    }


@staff_permission_required(VIEW)
@require_GET
@vary_on_headers("HX-Request")
def equipment_detail(request, pk: int):
    item = selectors.equipment_get_for_staff(user=request.user, pk=pk)
    template = "fieldservice/equipment_detail.html#equipment-item" if _region(request) else "fieldservice/equipment_detail.html"
    return render(request, template, _detail_context(request, item))


# The moves: one dialog each (a page of its own without JavaScript) -----------------------------------

MOVES = {
    # move: (title, button, form, done message)
    "issue": (gettext_lazy("Issue to a technician"), gettext_lazy("Issue"), StockIssueForm, gettext_lazy("%(serial)s issued to %(technician)s.")),
    "return": (gettext_lazy("Return to the store"), gettext_lazy("Return"), StockNoteForm, gettext_lazy("%(serial)s is back in the store.")),
    "faulty": (gettext_lazy("Mark faulty"), gettext_lazy("Mark faulty"), StockReasonForm, gettext_lazy("%(serial)s marked faulty.")),
    "write_off": (gettext_lazy("Write off"), gettext_lazy("Write off"), StockReasonForm, gettext_lazy("%(serial)s written off.")),
}


def _apply(request, move: str, item, data: dict):
    if move == "issue":
        return stock.equipment_issue(actor=request.user, item=item, technician=data["technician"], note=data["note"])
    if move == "return":
        return stock.equipment_return(actor=request.user, item=item, note=data["note"])
    if move == "faulty":
        return stock.equipment_mark_faulty(actor=request.user, item=item, reason=data["reason"])
    return stock.equipment_write_off(actor=request.user, item=item, reason=data["reason"])


def _move_view(request, pk: int, move: str):
    item = selectors.equipment_get_for_staff(user=request.user, pk=pk)
    title, button, form_class, done = MOVES[move]
    kwargs = {"technicians": selectors.stock_technicians(user=request.user, item=item)} if move == "issue" else {}
    form = form_class(request.POST or None, **kwargs)
    status, blocked = 200, ""
    if not item.can(move):  # a page opened before someone else moved the item
        blocked = _("%(serial)s is %(status)s now: it cannot be moved this way.") % {
            "serial": item.serial, "status": item.get_status_display().lower()}
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item = _apply(request, move, item, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                technician = item.technician
                messages.success(request, done % {
                    "serial": item.serial, "technician": technician.get_full_name() or technician.username if technician else ""})
                return _closed(request) if _in_dialog(request) else redirect("staff:equipment-detail", pk=item.pk)
    template = "fieldservice/equipment_move.html"
    context = {
        "item": item, "form": form, "move": move, "title": title, "button": button,
        "action": reverse(f"staff:equipment-{move.replace('_', '-')}", args=[item.pk]),
        "danger": move in ("faulty", "write_off"), "blocked": blocked,
    }
    return render(request, f"{template}#dialog" if _in_dialog(request) else template, context, status=status)


@staff_permission_required(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def equipment_issue(request, pk: int):
    return _move_view(request, pk, "issue")


@staff_permission_required(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def equipment_return(request, pk: int):
    return _move_view(request, pk, "return")


@staff_permission_required(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def equipment_faulty(request, pk: int):
    return _move_view(request, pk, "faulty")


@staff_permission_required(VIEW, WRITE_OFF)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def equipment_write_off(request, pk: int):
    return _move_view(request, pk, "write_off")


urlpatterns = [
    path("equipment/", equipment_list, name="equipment-list"),
    path("equipment/receive/", equipment_receive, name="equipment-receive"),
    path("equipment/receive/spreadsheet/", equipment_receive_sheet, name="equipment-receive-sheet"),
    path("equipment/<int:pk>/", equipment_detail, name="equipment-detail"),
    path("equipment/<int:pk>/issue/", equipment_issue, name="equipment-issue"),
    path("equipment/<int:pk>/return/", equipment_return, name="equipment-return"),
    path("equipment/<int:pk>/faulty/", equipment_faulty, name="equipment-faulty"),
    path("equipment/<int:pk>/write-off/", equipment_write_off, name="equipment-write-off"),
]
