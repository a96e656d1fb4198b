"""Staff console: work orders (list, create from a ticket / lead / customer, detail with assignment,
notes, cancel and the supervisor's override) and the dispatch board."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from customers.models import Area, Branch
from customers.selectors import customer_get_for_staff, lead_get_for_staff
from fibre import selectors as fibre_selectors
from fieldservice import selectors, services
from fieldservice.models import WorkOrder, WorkOrderPhoto
from ispbill.core.forms import LocaleDateField, add_service_errors
from tickets.selectors import ticket_get_for_staff
from usecases.workorder_complete import workorder_complete
from web.surfaces import staff_permission_required

from ..forms import AssignForm, NoteForm, ReasonForm, WorkOrderForm

VIEW = "fieldservice.view_workorder"
ADD = "fieldservice.add_workorder"
DISPATCH = "fieldservice.dispatch_workorder"
CHANGE = "fieldservice.change_workorder"
OVERRIDE = "fieldservice.override_workorder"


def _region(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _filter_choices(user):
    return {
        "statuses": [("open", _("Open")), *WorkOrder.Status.choices],
        "kinds": WorkOrder.Kind.choices,
        "technicians": selectors.technicians(),
        "branches": Branch.objects.order_by("name"),
        "areas": Area.objects.select_related("branch").order_by("branch__name", "name"),
    }


@staff_permission_required(VIEW)
@vary_on_headers("HX-Request")
def workorder_list(request):
    params = {key: request.GET.get(key, "") for key in ("status", "kind", "technician", "branch", "area", "q")}
    if "status" not in request.GET:
        params["status"] = "open"
    orders = selectors.workorder_list(user=request.user, **params)[:200]
    context = {"orders": orders, "params": params, **_filter_choices(request.user), "counts": selectors.status_counts(user=request.user)}
    template = "fieldservice/workorder_list.html#workorder-results" if _region(request) else "fieldservice/workorder_list.html"
    return render(request, template, context)


def _source(request):
    """Where a new order comes from: ?ticket=, ?lead= or ?customer= (each fetched through its staff scope)."""
    ticket = lead = customer = None
    if request.GET.get("ticket", "").isdecimal():
        ticket = ticket_get_for_staff(user=request.user, pk=int(request.GET["ticket"]))
        customer = ticket.customer
    elif request.GET.get("lead", "").isdecimal():
        lead = lead_get_for_staff(user=request.user, pk=int(request.GET["lead"]))
        customer = lead.converted_customer
    elif request.GET.get("customer", "").isdecimal():
        customer = customer_get_for_staff(user=request.user, pk=int(request.GET["customer"]))
    return ticket, lead, customer


@staff_permission_required(ADD)
def workorder_create(request):
    ticket, lead, customer = _source(request)
    initial = {}
    if ticket is not None:
        initial = {"kind": WorkOrder.Kind.REPAIR, "description": f"{ticket.number}: {ticket.subject}"}
    elif lead is not None and customer is None:
        initial = {"kind": WorkOrder.Kind.SITE_SURVEY, "description": lead.notes}
    form = WorkOrderForm(request.POST or None, customer=customer, initial=initial)
    if lead is not None and customer is None:
        form.fields["kind"].choices = [(WorkOrder.Kind.SITE_SURVEY, WorkOrder.Kind.SITE_SURVEY.label)]
        form.fields.pop("account_number", None)
        form.fields.pop("subscription", None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = customer
        if target is None and lead is None:
            number = (data.get("account_number") or "").strip()
            target = selectors.customers_visible_to(request.user).filter(account_number__iexact=number).first() if number else None
            if target is None:
                form.add_error("account_number", _("No customer with that account number."))
        if not form.errors:
            try:
                order = services.workorder_create(
                    actor=request.user, kind=data["kind"], customer=target, lead=lead if target is None else None, ticket=ticket,
                    subscription=data.get("subscription"), priority=data["priority"], description=data["description"],
                    window_start=data["window_start"], window_end=data["window_end"], duration_minutes=data["duration_minutes"],
                    source=WorkOrder.Source.TICKET if ticket else WorkOrder.Source.LEAD if lead else WorkOrder.Source.STAFF,
                )
                if (data.get("technician") or data.get("scheduled_start")) and request.user.has_perm(DISPATCH):
                    order = services.workorder_schedule(
                        actor=request.user, order=order, technician=data.get("technician"), scheduled_start=data.get("scheduled_start"),
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Work order %(number)s created.") % {"number": order.number})
                return redirect("staff:workorder-detail", pk=order.pk)
    return render(
        request, "fieldservice/workorder_form.html",
        {"form": form, "ticket": ticket, "lead": lead, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request, order, **forms) -> dict:
    return {
        "order": order,
        "assign_form": forms.get("assign_form") or AssignForm(initial={
            "technician": order.technician_id, "duration_minutes": order.duration_minutes,
            "scheduled_start": timezone.localtime(order.scheduled_start) if order.scheduled_start else None,
        }),
        "cancel_form": forms.get("cancel_form") or ReasonForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "override_form": forms.get("override_form") or ReasonForm(),
        "may_dispatch": request.user.has_perm(DISPATCH),
        "may_change": request.user.has_perm(CHANGE),
        "may_override": request.user.has_perm(OVERRIDE) and order.kind == WorkOrder.Kind.INSTALLATION and order.status == WorkOrder.Status.ON_SITE,
        "events": list(order.events.all()),
    }


@staff_permission_required(VIEW)
def workorder_detail(request, pk: int):
    order = selectors.workorder_get_for_staff(user=request.user, pk=pk)
    return render(request, "fieldservice/workorder_detail.html", _detail_context(request, order))


def _post_action(request, pk, *, form_class, form_key, apply, done_message):
    order = selectors.workorder_get_for_staff(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            apply(order, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done_message)
            return redirect("staff:workorder-detail", pk=order.pk)
    order = selectors.workorder_get_for_staff(user=request.user, pk=pk)
    return render(request, "fieldservice/workorder_detail.html", _detail_context(request, order, **{form_key: form}), status=400)


@require_POST
@staff_permission_required(DISPATCH)
def workorder_assign(request, pk: int):
    def apply(order, data):
        if not data.get("technician") and not data.get("scheduled_start"):
            if order.technician_id:
                return services.workorder_unassign(actor=request.user, order=order)
            raise ValidationError({"technician": _("Choose a technician or a time.")})
        return services.workorder_schedule(
            actor=request.user, order=order, technician=data.get("technician"),
            scheduled_start=data.get("scheduled_start"), duration_minutes=data.get("duration_minutes"),
        )

    return _post_action(request, pk, form_class=AssignForm, form_key="assign_form", apply=apply, done_message=_("Assignment saved."))


@require_POST
@staff_permission_required(CHANGE)
def workorder_cancel(request, pk: int):
    return _post_action(
        request, pk, form_class=ReasonForm, form_key="cancel_form", done_message=_("Work order cancelled."),
        apply=lambda order, data: services.workorder_cancel(actor=request.user, order=order, reason=data["reason"]),
    )


@require_POST
@staff_permission_required(VIEW)
def workorder_note(request, pk: int):
    return _post_action(
        request, pk, form_class=NoteForm, form_key="note_form", done_message=_("Note added."),
        apply=lambda order, data: services.workorder_add_note(actor=request.user, order=order, text=data["text"]),
    )


@require_POST
@staff_permission_required(OVERRIDE)
def workorder_override_complete(request, pk: int):
    return _post_action(
        request, pk, form_class=ReasonForm, form_key="override_form", done_message=_("Installation completed by override."),
        apply=lambda order, data: workorder_complete(actor=request.user, order=order, override_reason=data["reason"]),
    )


def _file_response(field_file, content_type: str):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # a customer's photo or signature: no copy kept on the staff's disk
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@staff_permission_required(VIEW)
def workorder_photo(request, pk: int, photo_pk: int):
    order = selectors.workorder_get_for_staff(user=request.user, pk=pk)
    try:
        photo = order.photos.get(pk=photo_pk)
    except WorkOrderPhoto.DoesNotExist:
        raise Http404 from None
    extension = photo.image.name.rsplit(".", 1)[-1]
    return _file_response(photo.image, {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(extension, "image/jpeg"))


@staff_permission_required(VIEW)
def workorder_signature(request, pk: int):
    order = selectors.workorder_get_for_staff(user=request.user, pk=pk)
    return _file_response(order.signature, "image/png")


# Dispatch board -----------------------------------------------------------------------------------

def _day(value: str) -> date:
    """A day typed dd/mm/yyyy (the console's date style) or sent as ISO (the board's own links)."""
    try:
        return LocaleDateField().clean(value)
    except ValidationError:
        return timezone.localdate()


def _board_params(request) -> dict:
    return {key: request.GET.get(key, "") or request.POST.get(key, "") for key in ("kind", "status", "branch", "area")}


def _board_context(request, day: date) -> dict:
    params = _board_params(request)
    board = selectors.dispatch_board(user=request.user, day=day, **params)
    # The map's points come from dispatch_map_data once the cards are drawn: the board answers sooner.
    map_query = urlencode({"day": day.isoformat(), **{key: value for key, value in params.items() if value}})
    return {
        "map_url": f"{reverse('staff:workorder-dispatch-map')}?{map_query}", "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "board": board, "day": day, "previous_day": day - timedelta(days=1), "next_day": day + timedelta(days=1),
        "params": params, **_filter_choices(request.user), "may_dispatch": request.user.has_perm(DISPATCH),
        "hours": list(range(8, 21)),
        # PON ports dark now (a fibre cut: a crew to send, not a visit per customer), docs/fibre.md.
        "dark_ports": list(fibre_selectors.dark_ports(user=request.user)[:20]),
    }


@staff_permission_required(VIEW)
def dispatch_map_data(request):
    """The board's orders for its map (JSON): points with GPS, and those without, with their detail links."""
    data = selectors.dispatch_map(user=request.user, day=_day(request.GET.get("day", "")), **_board_params(request))
    detail_url = reverse("staff:workorder-detail", args=[0]).replace("/0/", "/{}/")
    for row in (*data["points"], *data["without_gps"]):
        row["url"] = detail_url.format(row.pop("id"))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@staff_permission_required(VIEW)
@vary_on_headers("HX-Request")
def dispatch(request):
    day = _day(request.GET.get("day", ""))
    template = "fieldservice/dispatch.html#dispatch-board" if _region(request) else "fieldservice/dispatch.html"
    return render(request, template, _board_context(request, day))


@require_POST
@staff_permission_required(DISPATCH)
def dispatch_assign(request):
    """Assign from the board (a select per order, or a card dropped on a technician's column): the
    order keeps its time on the day, or gets the day's next free hour; answers the board again."""
    day = _day(request.POST.get("day", ""))
    order = selectors.workorder_get_for_staff(user=request.user, pk=request.POST.get("order", ""))
    technician_id = request.POST.get("technician", "")
    try:
        if technician_id == "":
            services.workorder_unassign(actor=request.user, order=order)
        else:
            technician = selectors.technicians().filter(pk=technician_id if technician_id.isdecimal() and len(technician_id) <= 18 else 0).first()
            if technician is None:
                raise ValidationError(_("Choose a technician."))
            start = order.scheduled_start
            if start is None or timezone.localdate(start) != day:
                start = timezone.make_aware(datetime.combine(day, time(10)))
            services.workorder_schedule(actor=request.user, order=order, technician=technician, scheduled_start=start)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))  # the board is redrawn with it; nothing changed
    context = _board_context(request, day)
    if _region(request):
        return render(request, "fieldservice/dispatch.html#dispatch-board", context)
    return redirect(f"{reverse('staff:workorder-dispatch')}?day={day.isoformat()}")


# Customer page: installed equipment and visits ----------------------------------------------------

@staff_permission_required(VIEW)
def customer_field(request, customer_pk: int):
    customer = customer_get_for_staff(user=request.user, pk=customer_pk)
    return render(request, "fieldservice/customer_field.html", {
        "customer": customer,
        "equipment": selectors.installed_equipment(customer=customer),
        "orders": selectors.workorder_list(user=request.user, status="all").filter(customer=customer)[:50],
    })


# Reports ----------------------------------------------------------------------------------

@staff_permission_required(VIEW)
def workorder_reports(request):
    today = timezone.localdate()
    since = _day(request.GET.get("since", "")) if request.GET.get("since") else today - timedelta(days=30)
    until = _day(request.GET.get("until", "")) if request.GET.get("until") else today
    if until < since:
        since, until = until, since
    report = selectors.field_report(user=request.user, since=since, until=until, target_hours=settings.FIELDSERVICE_INSTALL_TARGET_HOURS)
    return render(request, "fieldservice/reports.html", {"report": report, "since": since, "until": until})


urlpatterns = [
    path("work-orders/", workorder_list, name="workorder-list"),
    path("work-orders/new/", workorder_create, name="workorder-create"),
    path("work-orders/<int:pk>/", workorder_detail, name="workorder-detail"),
    path("work-orders/<int:pk>/assign/", workorder_assign, name="workorder-assign"),
    path("work-orders/<int:pk>/cancel/", workorder_cancel, name="workorder-cancel"),
    path("work-orders/<int:pk>/note/", workorder_note, name="workorder-note"),
    path("work-orders/<int:pk>/override-complete/", workorder_override_complete, name="workorder-override"),
    path("work-orders/<int:pk>/photos/<int:photo_pk>/", workorder_photo, name="workorder-photo"),
    path("work-orders/<int:pk>/signature/", workorder_signature, name="workorder-signature"),
    path("dispatch/", dispatch, name="workorder-dispatch"),
    path("dispatch/assign/", dispatch_assign, name="workorder-dispatch-assign"),
    path("dispatch/map/", dispatch_map_data, name="workorder-dispatch-map"),
    path("customers/<int:customer_pk>/field-service/", customer_field, name="workorder-customer"),
    path("work-orders/reports/", workorder_reports, name="workorder-reports"),
]
